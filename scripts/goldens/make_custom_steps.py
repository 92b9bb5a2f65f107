"""Goldens for models that override `train_step` / `test_step` / `predict_step`
(tests/trainers/test_custom_steps.py). Keras 3 on torch (its JAX backend calls overridden
steps with a `state` argument, a JAX-only API):

    KERAS_BACKEND=torch /work/kenv/bin/python scripts/goldens/make_custom_steps.py
"""

import json
import os

import keras
import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "goldens", "custom_steps.json")


class EvalModel(keras.Model):
    """keras.io's "Providing your own evaluation step"."""

    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}

    def predict_step(self, data):
        y = self(data, training=False)
        return {"a": y, "b": y * 2.0}


class SuperStep(keras.Model):
    """A train_step that calls the built-in one and adds a log."""

    def train_step(self, data):
        logs = super().train_step(data)
        x, y = data
        return {**logs, "y_sum": keras.ops.sum(y)}


def data():
    rng = np.random.default_rng(0)
    x = rng.random((100, 6)).astype("float32")
    y = rng.random((100, 1)).astype("float32")
    return x, y


def build(cls):
    inputs = keras.Input(shape=(6,))
    outputs = keras.layers.Dense(1)(inputs)
    model = cls(inputs, outputs)
    kernel = np.linspace(-1, 1, 6, dtype="float32").reshape(6, 1)
    model.layers[1].set_weights([kernel, np.array([0.1], "float32")])
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    return model


def main():
    x, y = data()
    out = {}
    model = build(EvalModel)
    out["evaluate"] = {k: float(v) for k, v in model.evaluate(x, y, return_dict=True).items()}
    out["evaluate_list"] = [float(v) for v in model.evaluate(x, y, verbose=0)]
    pred = model.predict(x, batch_size=32, verbose=0)
    out["predict_b_sum"] = float(pred["b"].sum())
    history = (
        build(EvalModel)
        .fit(
            x,
            y,
            batch_size=32,
            epochs=2,
            shuffle=False,
            validation_data=(x[:50], y[:50]),
            verbose=0,
        )
        .history
    )
    out["fit_custom_validation"] = {k: [float(v) for v in vs] for k, vs in history.items()}
    history = build(SuperStep).fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0).history
    out["fit_super_step"] = {k: [float(v) for v in vs] for k, vs in history.items()}
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()

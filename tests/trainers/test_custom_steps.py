"""Models that override `train_step`, `test_step` or `predict_step`, as Keras 3 runs them
(goldens from Keras 3 on torch: scripts/goldens/make_custom_steps.py)."""

import json
from pathlib import Path

import numpy as np
import pytest

import numkeras as keras

GOLDEN = json.loads((Path(__file__).parents[1] / "goldens" / "custom_steps.json").read_text())


class EvalModel(keras.Model):
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
    def train_step(self, data):
        logs = super().train_step(data)
        x, y = data
        return {**logs, "y_sum": keras.ops.sum(y)}


def _data():
    rng = np.random.default_rng(0)
    return rng.random((100, 6)).astype("float32"), rng.random((100, 1)).astype("float32")


def _build(cls):
    inputs = keras.Input(shape=(6,))
    model = cls(inputs, keras.layers.Dense(1)(inputs))
    kernel = np.linspace(-1, 1, 6, dtype="float32").reshape(6, 1)
    model.layers[1].set_weights([kernel, np.array([0.1], "float32")])
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    return model


def _close(got: dict, want: dict):
    assert sorted(got) == sorted(want)
    for key in want:
        np.testing.assert_allclose(got[key], want[key], rtol=2e-6, err_msg=key)


def test_overridden_test_step_runs_in_evaluate():
    x, y = _data()
    model = _build(EvalModel)
    _close(model.evaluate(x, y, return_dict=True, verbose=0), GOLDEN["evaluate"])
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), GOLDEN["evaluate_list"], 2e-6)
    # (the batch-mean loss of this step differs from the built-in row-weighted one)
    plain = _build(keras.Model)
    assert plain.evaluate(x, y, verbose=0)[0] != pytest.approx(GOLDEN["evaluate"]["loss"], 1e-6)


def test_overridden_predict_step_returns_its_structure_stacked():
    x, _ = _data()
    model = _build(EvalModel)
    pred = model.predict(x, batch_size=32, verbose=0)
    assert sorted(pred) == ["a", "b"] and pred["b"].shape == (100, 1)
    np.testing.assert_allclose(pred["b"].sum(), GOLDEN["predict_b_sum"], rtol=1e-6)
    np.testing.assert_allclose(model.predict_on_batch(x[:5])["a"], pred["a"][:5], rtol=1e-6)


def test_fit_uses_the_custom_test_step_for_validation():
    x, y = _data()
    history = _build(EvalModel).fit(
        x, y, batch_size=32, epochs=2, shuffle=False, validation_data=(x[:50], y[:50]), verbose=0
    )
    want = GOLDEN["fit_custom_validation"]
    for key in want:
        np.testing.assert_allclose(history.history[key], want[key], rtol=2e-6, err_msg=key)


def test_train_step_calling_super_adds_its_logs():
    x, y = _data()
    history = _build(SuperStep).fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0)
    want = GOLDEN["fit_super_step"]
    assert sorted(history.history) == sorted(want)
    for key in want:
        np.testing.assert_allclose(history.history[key], want[key], rtol=2e-6, err_msg=key)


def test_train_step_without_gradients_drives_fit_and_train_on_batch():
    class Counting(keras.Model):
        steps = 0

        def train_step(self, data):
            Counting.steps += 1
            x, y = data
            return {"rows": float(len(x)), "nested": {"inner": 2.5}}

    inputs = keras.Input(shape=(6,))
    model = Counting(inputs, keras.layers.Dense(1)(inputs))
    model.compile("sgd", "mse")
    before = model.get_weights()
    x, y = _data()
    history = model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    assert Counting.steps == 4
    assert history.history == {"inner": [2.5], "rows": [4.0]}  # last batch's logs, flattened
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)  # the step took no gradient step
    assert model.train_on_batch(x[:8], y[:8], return_dict=True) == {"inner": 2.5, "rows": 8.0}

"""Goldens for a user layer called with its own keywords in a functional model
(`Scaled()(x, reverse=True, scale=2.0)`; tests/models/test_call_keywords.py):

    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_call_keywords.py
"""

import json
import os

import keras
import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "goldens", "call_keywords.json")


@keras.saving.register_keras_serializable(package="goldens")
class Scaled(keras.layers.Layer):
    """y = flip(x) * w * scale (flip only when `reverse`): weights and keywords."""

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")

    def call(self, x, reverse=False, scale=1.0):
        y = keras.ops.flip(x, axis=-1) if reverse else x
        return y * self.w * scale


def main():
    inp = keras.Input((3,))
    h = Scaled(name="scaled")(inp, reverse=True, scale=2.0)
    out = keras.layers.Dense(1, kernel_initializer="ones", name="dense")(h)
    model = keras.Model(inp, out)
    x = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0], [3.0, 0.0, -1.0]], "float32")
    y = np.array([[1.0], [0.0], [2.0]], "float32")
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    goldens = {
        "x": x.tolist(),
        "y": y.tolist(),
        "config": json.loads(model.to_json()),
        "predict_before": model.predict(x, verbose=0).tolist(),
        "loss_history": [
            float(v) for v in model.fit(x, y, epochs=3, batch_size=3, verbose=0).history["loss"]
        ],
        "scaled_w_after": model.get_layer("scaled").w.numpy().tolist(),
        "predict_after": model.predict(x, verbose=0).tolist(),
    }
    with open(OUT, "w") as f:
        json.dump(goldens, f, indent=1)


if __name__ == "__main__":
    main()

"""Goldens for a subclassed model whose call() takes a dict of named inputs
(tests/models/test_subclassed_dict_inputs.py):

    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_subclassed_dict_inputs.py
"""

import json
import os

import keras
import numpy as np

OUT = os.path.join(
    os.path.dirname(__file__), "..", "..", "tests", "goldens", "subclassed_dict_inputs.json"
)


class TwoNamed(keras.Model):
    def __init__(self):
        super().__init__()
        self.d1 = keras.layers.Dense(3, kernel_initializer="ones")
        self.d2 = keras.layers.Dense(2, kernel_initializer="ones")

    def call(self, inputs):
        return self.d1(inputs["a"]) + self.d2(inputs["b"])[:, :1]


def main():
    x = {
        "a": np.linspace(0, 1, 15, dtype="float32").reshape(5, 3),
        "b": np.linspace(1, 2, 10, dtype="float32").reshape(5, 2),
    }
    y = np.ones((5, 3), "float32")
    m = TwoNamed()
    m.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    before = m.predict(x, verbose=0)
    history = m.fit(x, y, epochs=2, batch_size=2, verbose=0, shuffle=False)
    goldens = {
        "predict_before": before.tolist(),
        "loss_history": [float(v) for v in history.history["loss"]],
        "predict_after": m.predict(x, verbose=0).tolist(),
        "evaluate": float(m.evaluate(x, y, verbose=0)),
    }
    with open(OUT, "w") as f:
        json.dump(goldens, f, indent=1)


if __name__ == "__main__":
    main()

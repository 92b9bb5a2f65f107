"""A subclassed model whose call() takes a dict of named inputs predicts, trains and
evaluates as in Keras 3 (goldens: scripts/goldens/make_subclassed_dict_inputs.py)."""

import json
from pathlib import Path

import numpy as np

import numkeras
from numkeras.layers import Dense

GOLDENS = json.loads(
    (Path(__file__).parents[1] / "goldens/subclassed_dict_inputs.json").read_text()
)


class TwoNamed(numkeras.Model):
    def __init__(self):
        super().__init__()
        self.d1 = Dense(3, kernel_initializer="ones")
        self.d2 = Dense(2, kernel_initializer="ones")

    def call(self, inputs):
        return self.d1(inputs["a"]) + self.d2(inputs["b"])[:, :1]


def test_dict_inputs_predict_fit_and_evaluate_as_keras():
    x = {
        "a": np.linspace(0, 1, 15, dtype="float32").reshape(5, 3),
        "b": np.linspace(1, 2, 10, dtype="float32").reshape(5, 2),
    }
    y = np.ones((5, 3), "float32")
    m = TwoNamed()
    m.compile(optimizer=numkeras.optimizers.SGD(0.01), loss="mse")
    np.testing.assert_allclose(m.predict(x, verbose=0), GOLDENS["predict_before"], rtol=1e-6)
    history = m.fit(x, y, epochs=2, batch_size=2, verbose=0, shuffle=False)
    np.testing.assert_allclose(history.history["loss"], GOLDENS["loss_history"], rtol=1e-5)
    np.testing.assert_allclose(m.predict(x, verbose=0), GOLDENS["predict_after"], rtol=1e-5)
    np.testing.assert_allclose(m.evaluate(x, y, verbose=0), GOLDENS["evaluate"], rtol=1e-5)
    # the inputs are named after the dict's keys, as Keras names them
    assert sorted(t.name for t in m.inputs) == ["a", "b"]

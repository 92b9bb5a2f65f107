"""`numkeras.Function`, as Keras 3's `keras.Function` (goldens from
scripts/goldens/make_function.py), and a functional model on bare symbolic inputs."""

import json

import pytest

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("function")
SCRIPT = scenario_script("make_function")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_function_match_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert_json_close(got, GOLD[name], rtol=1e-5, atol=1e-6, where=name)


def test_model_on_bare_keras_tensors():
    """numkeras gives bare `KerasTensor(shape)` inputs an `Input` each (Keras's Model
    crashes on them with an AttributeError; its `keras.Function` takes them)."""
    import numpy as np

    a, b = numkeras.KerasTensor(shape=(None, 3)), numkeras.KerasTensor(shape=(None, 3))
    dense = numkeras.layers.Dense(2, kernel_initializer="ones")
    model = numkeras.Model([a, b], dense(a * b))
    x, y = np.full((4, 3), 2.0, "float32"), np.full((4, 3), 3.0, "float32")
    np.testing.assert_array_equal(model.predict([x, y], verbose=0), np.full((4, 2), 18.0))
    assert [t.shape for t in model.inputs] == [(None, 3), (None, 3)]

"""A model's `loss`, `run_eagerly`, `jit_compile` and `steps_per_execution`, and the compile
config that records them, as in Keras 3 (goldens from
scripts/goldens/make_trainer_attributes.py)."""

import json

import pytest

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("trainer_attributes")
SCRIPT = scenario_script("make_trainer_attributes")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_trainer_attributes_match_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert_json_close(got, GOLD[name], rtol=1e-5, atol=1e-6, where=name)


def test_make_functions_run_one_batch():
    """Keras 3 compiles its steps in `make_*_function`; numkeras's run one batch as is."""
    import numpy as np

    model = numkeras.Sequential([numkeras.Input((3,)), numkeras.layers.Dense(2)])
    model.compile("sgd", "mse")
    x = np.ones((4, 3), "float32")
    predict = model.make_predict_function()
    assert model.predict_function is predict
    np.testing.assert_allclose(predict(x), model.predict(x, verbose=0), rtol=1e-6)
    logs = model.make_test_function()((x, np.zeros((4, 2), "float32")))
    assert set(logs) == {"loss"}
    before = model.get_weights()[0].copy()
    model.make_train_function()((x, np.zeros((4, 2), "float32")))
    assert not np.allclose(model.get_weights()[0], before)
    model.compile("sgd", "mse")  # (a new compile drops the old step functions, as Keras's)
    assert model.train_function is model.test_function is model.predict_function is None

"""`numkeras.name_scope` and `numkeras.device` against Keras 3 (tests/goldens/scopes.json,
written by scripts/goldens/make_scopes.py)."""

import numpy as np
import pytest

import numkeras
from numkeras.errors import DeviceError

from ..differential import goldens, scenario_script

GOLD = goldens("scopes")
SCRIPT = scenario_script("make_scopes")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_scenario_matches_keras(name):
    numkeras.backend.clear_session(free_memory=False)
    assert SCRIPT.SCENARIOS[name](numkeras) == GOLD[name]


def test_a_scope_left_by_an_exception_is_closed():
    with pytest.raises(KeyError), numkeras.name_scope("broken"):
        raise KeyError
    assert numkeras.Variable(1.0, name="w").path == "w"


def test_a_caller_reopening_its_own_scope_adds_nothing():
    owner = object()
    with numkeras.name_scope("block", caller=owner), numkeras.name_scope("block", caller=owner):
        assert numkeras.Variable(1.0, name="w").path == "block/w"


def test_a_model_trained_in_a_scope_saves_and_loads(tmp_path):
    with numkeras.name_scope("enc"):
        model = numkeras.Sequential([numkeras.Input((3,)), numkeras.layers.Dense(2)])
    x = np.ones((2, 3), "float32")
    model.save(tmp_path / "m.keras")
    model.save_weights(tmp_path / "m.weights.h5")
    loaded = numkeras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    loaded.load_weights(tmp_path / "m.weights.h5")


def test_a_device_numkeras_does_not_compute_on_says_how_to_get_it():
    with pytest.raises(DeviceError, match="NUMKERAS_ARRAY_MODULE=cupy"), numkeras.device("gpu:0"):
        pass
    with pytest.raises(RuntimeError, match="Invalid device name"), numkeras.device("cpu:x"):
        pass

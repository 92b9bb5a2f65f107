"""`Loss.fn` and `_fn_kwargs` on the built-in losses (Keras's `LossFunctionWrapper`
attributes), what `get_config` / `from_config` do with them, a function assigned to `fn`
(computed and trained with), and `losses.deserialize(name=...)`, against Keras 3
(tests/goldens/missing_features.json, from scripts/goldens/make_missing_features.py)."""

import json
import warnings

import numpy as np
import pytest

import numkeras
from numkeras.losses import LossFunctionWrapper

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("missing_features")
SCRIPT = scenario_script("make_missing_features")
NAMES = sorted(n for n in SCRIPT.SCENARIOS if n.startswith("loss_"))


@pytest.mark.parametrize("name", NAMES)
def test_scenario_matches_keras(name):
    numkeras.backend.clear_session(free_memory=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = SCRIPT.SCENARIOS[name](numkeras)
    assert_json_close(json.loads(json.dumps(got)), GOLD[name], rtol=1e-4, atol=1e-5)


def test_a_wrapper_computes_with_a_reassigned_fn():
    """A `LossFunctionWrapper` around a built-in function, then given another: the new one
    computes, with its own gradient."""
    y = np.array([[1.0, 0.0], [0.0, 3.0]], "float32")
    p = np.array([[0.5, 0.5], [0.0, 1.0]], "float32")
    loss = LossFunctionWrapper(numkeras.losses.mean_squared_error, name="w")
    assert float(loss(y, p)) == pytest.approx(1.125)
    loss.fn = numkeras.losses.mean_absolute_error
    assert float(loss(y, p)) == pytest.approx(0.75)
    value, grad = loss.value_and_grad(y, p)
    assert float(value) == pytest.approx(0.75)
    np.testing.assert_allclose(grad, np.sign(p - y) / 4)


def test_the_assigned_fn_leaves_other_instances_alone():
    a, b = numkeras.losses.MeanSquaredError(), numkeras.losses.MeanSquaredError()
    a.fn = numkeras.losses.mean_absolute_error
    assert b.fn is numkeras.losses.mean_squared_error
    y, p = np.zeros((1, 2), "float32"), np.array([[2.0, 0.0]], "float32")
    assert (float(a(y, p)), float(b(y, p))) == (1.0, 2.0)

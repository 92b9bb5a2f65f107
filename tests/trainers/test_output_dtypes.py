"""Integer outputs come back integer from `predict` and `predict_on_batch`, as Keras 3
returns them (tests/goldens/output_dtypes.json, written by
scripts/goldens/make_output_dtypes.py): class ids from `ops.argmax` can index arrays."""

import json

import numpy as np
import pytest

import numkeras

from ..differential import goldens, scenario_script

GOLD = goldens("output_dtypes")
SCRIPT = scenario_script("make_output_dtypes")


def test_layers_that_only_move_values_keep_integer_dtypes():
    # (RepeatVector's and Dropout's symbolic outputs say float32, their arrays int32)
    numkeras.backend.clear_session(free_memory=False)
    got = SCRIPT.SCENARIOS["layers_that_only_move_values"](numkeras)
    assert got == GOLD["layers_that_only_move_values"]


@pytest.mark.parametrize(
    "name", sorted(n for n in SCRIPT.SCENARIOS if n != "layers_that_only_move_values")
)
def test_scenario_matches_keras(name):
    numkeras.backend.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))
    want = GOLD[name]
    assert got["predict"] == want["predict"]
    assert got["predict_on_batch"] == want["predict_on_batch"]
    assert got["call"] == want["call"]
    assert got.get("shapes") == want.get("shapes")
    for g, w in zip(got["values"], want["values"]):
        np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-5)


def test_float_outputs_keep_their_own_dtype_in_predict_on_batch():
    inp = numkeras.Input((2,))
    model = numkeras.Model(inp, numkeras.layers.Dense(1, dtype="float64")(inp))
    assert model.predict_on_batch(np.ones((1, 2))).dtype == np.float64

"""What the saving and model fuzzers (scripts/fuzz/) found numkeras doing differently from
Keras 3 on new seeds, as minimal scenarios (goldens from scripts/goldens/make_fuzz_found_2.py)."""

import json

import numpy as np
import pytest

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("fuzz_found_2")
SCRIPT = scenario_script("make_fuzz_found_2")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_fuzz_found_2_matches_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert_json_close(got, GOLD[name], rtol=1e-4, atol=1e-5, where=name)


def test_keras2_depthwise_groups_read_as_tf_keras():
    """tf_keras's DepthwiseConv1D / 2D configs hold Conv's `groups=1` (Keras 3 refuses it)."""
    want = GOLD["keras2_depthwise"]
    model = numkeras.models.model_from_json(want["json"])
    model.set_weights([np.asarray(w, "float32") for w in want["weights"]])
    got = model.predict(np.asarray(want["x"], "float32"), verbose=0)
    assert_json_close([np.asarray(p).tolist() for p in got], want["predict"], rtol=1e-4, atol=1e-5)

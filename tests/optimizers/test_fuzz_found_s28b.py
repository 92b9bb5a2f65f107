"""What the interop and training fuzzers found numkeras's optimizers doing differently
from Keras 3 in session 28 (helper B), as minimal scenarios (goldens from
scripts/goldens/make_fuzz_found_s28b.py, written with real Keras 3)."""

import json

import pytest

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("fuzz_found_s28b")
SCRIPT = scenario_script("make_fuzz_found_s28b")


@pytest.mark.parametrize("name", ["nadam_u_product_per_session"])
def test_fuzz_found_s28b_matches_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert_json_close(got, GOLD[name], rtol=1e-4, atol=1e-5, where=name)

"""What the model, saving and interop fuzzers (scripts/fuzz/) found numkeras doing
differently from Keras 3 on seeds 500 and 2000 on, as minimal scenarios (goldens from
scripts/goldens/make_fuzz_found_4.py, written with real Keras 3)."""

import json

import pytest

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("fuzz_found_4")
SCRIPT = scenario_script("make_fuzz_found_4")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_fuzz_found_4_matches_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert_json_close(got, GOLD[name], rtol=1e-4, atol=1e-5, where=name)

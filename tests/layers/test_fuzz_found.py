"""What the model fuzzer (scripts/fuzz/fuzz_models.py) found numkeras doing differently
from Keras 3, as minimal scenarios (goldens from scripts/goldens/make_fuzz_found.py)."""

import json

import pytest

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("fuzz_found")
SCRIPT = scenario_script("make_fuzz_found")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_fuzz_found_matches_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert_json_close(got, GOLD[name], rtol=1e-4, atol=1e-5, where=name)

"""What the misuse fuzzer's fifth menu (scripts/fuzz/fuzz_errors.py, seeds 35 on) found
numkeras doing differently from Keras 3, as minimal scenarios (goldens from
scripts/goldens/make_fuzz_errors_3.py)."""

import json

import pytest

import numkeras

from ..differential import goldens, scenario_script

GOLD = goldens("fuzz_errors_3")
SCRIPT = scenario_script("make_fuzz_errors_3")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_fuzz_errors_3_match_keras(name):
    numkeras.utils.clear_session()
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert got == GOLD[name], name

"""What the fourth pass of the training fuzzers (scripts/fuzz/fuzz_training.py seeds from
500 on, scripts/fuzz/fuzz_model_training.py's `callbacks3`) and the probes around them
found numkeras doing differently from Keras 3, as minimal scenarios (goldens from
scripts/goldens/make_fuzz_training_4.py)."""

import json

import pytest

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("fuzz_training_4")
SCRIPT = scenario_script("make_fuzz_training_4")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_fuzz_training_4_matches_keras(name):
    numkeras.utils.clear_session()
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert_json_close(got, GOLD[name], rtol=1e-4, atol=1e-5, where=name)

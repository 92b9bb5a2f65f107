"""`model.stop_evaluating` / `model.stop_predicting`, set by a callback, end `evaluate` /
`predict` after that batch, as in Keras 3 (goldens from scripts/goldens/make_stop_flags.py)."""

import json

import pytest

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("stop_flags")
SCRIPT = scenario_script("make_stop_flags")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_stop_flags_match_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert_json_close(got, GOLD[name], rtol=1e-5, atol=1e-6, where=name)

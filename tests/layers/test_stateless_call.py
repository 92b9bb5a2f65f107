"""`stateless_call`, `symbolic_call` and `call_signature_parameters`, as in Keras 3
(goldens from scripts/goldens/make_stateless_call.py)."""

import json

import pytest

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("stateless_call")
SCRIPT = scenario_script("make_stateless_call")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_stateless_call_match_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert_json_close(got, GOLD[name], rtol=1e-5, atol=1e-6, where=name)

"""Metrics a model or layer holds as attributes are listed, reset and logged, and a
subclass's own `compute_metrics` gives the built-in steps' logs, as in Keras 3 (goldens
from scripts/goldens/make_held_metrics.py)."""

import json

import pytest

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("held_metrics")
SCRIPT = scenario_script("make_held_metrics")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_held_metrics_match_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert_json_close(got, GOLD[name], rtol=1e-5, atol=1e-6, where=name)

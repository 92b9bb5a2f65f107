"""`Metric.stateless_update_state` / `stateless_result` / `stateless_reset_state` against
Keras 3's (goldens from scripts/goldens/make_scopes_legacy_boxes.py)."""

import json

import numpy as np

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("scopes_legacy_boxes")
SCRIPT = scenario_script("make_scopes_legacy_boxes")


def test_stateless_metric_methods_match_keras():
    got = json.loads(json.dumps(SCRIPT.SCENARIOS["metric_stateless_methods"](numkeras)))
    assert_json_close(got, GOLD["metric_stateless_methods"], where="metric_stateless_methods")


def test_the_result_is_not_the_variable_storage():
    m = numkeras.metrics.Sum()
    result = m.stateless_result([np.float32(5.0)])
    assert float(result) == 5.0 and float(m.result()) == 0.0

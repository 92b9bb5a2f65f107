"""Build configs and a Variable's Python conversions against Keras 3 (goldens from
scripts/goldens/make_build_configs.py)."""

import json

import pytest

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("build_configs")
SCRIPT = scenario_script("make_build_configs")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_build_configs_match_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert_json_close(got, GOLD[name], where=name)

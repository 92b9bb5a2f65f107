"""`keras.utils.Config.get(keyname, value=None)` with Keras's parameter names, against
Keras 3 (tests/goldens/missing_features.json, from
scripts/goldens/make_missing_features.py)."""

import numkeras

from ..differential import goldens, scenario_script

GOLD = goldens("missing_features")
SCRIPT = scenario_script("make_missing_features")


def test_config_get_takes_keras_s_keywords():
    assert SCRIPT.config_get_keywords(numkeras) == GOLD["config_get_keywords"]

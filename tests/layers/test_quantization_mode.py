"""`quantization_mode` on every layer and model (Keras's `Layer.quantization_mode`: the
dtype policy's mode), before and after `quantize("int8")`, against Keras 3
(tests/goldens/missing_features.json, from scripts/goldens/make_missing_features.py)."""

import json

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("missing_features")
SCRIPT = scenario_script("make_missing_features")


def test_quantization_mode_matches_keras():
    numkeras.backend.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.quantization_mode(numkeras)))
    assert_json_close(got, GOLD["quantization_mode"])


def test_a_user_layer_reports_none():
    class Mine(numkeras.layers.Layer):
        def call(self, x):
            return x

    assert Mine().quantization_mode is None

"""What a user layer owns, against Keras 3 (goldens from
scripts/goldens/make_layer_tracking.py): its weights' order, `keras.Variable` attributes
as weights, the sublayers' losses, what Dense saves of a subclass, build and automatic
configs."""

import json

import pytest

import numkeras
from tests.differential import assert_json_close, goldens, scenario_script

GOLDENS = goldens("layer_tracking")
SCRIPT = scenario_script("make_layer_tracking")


@pytest.mark.parametrize("name", sorted(GOLDENS))
def test_matches_keras(name):
    # (automatic names count from zero, as the goldens')
    numkeras.utils.clear_session(free_memory=False)
    # (through JSON, as the goldens: a build config keeps Keras's tuples)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))
    assert_json_close(got, GOLDENS[name])

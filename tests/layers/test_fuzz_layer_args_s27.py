"""What the layer-argument differential (scripts/fuzz/fuzz_layer_args.py, seeds 3051-3080)
found numkeras doing differently from Keras 3, as minimal scenarios (goldens from
scripts/goldens/make_fuzz_layer_args_s27.py, written with real Keras 3)."""

import json

import pytest

import numkeras
from numkeras.errors import ArgumentTypeError, ConfigError

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("fuzz_layer_args_s27")
SCRIPT = scenario_script("make_fuzz_layer_args_s27")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_fuzz_layer_args_s27_matches_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert_json_close(got, GOLD[name], rtol=1e-6, atol=1e-7, where=name)


def test_activity_regularization_refuses_a_regularizer_with_the_fix():
    """numkeras's own error: a TypeError (as Keras's), still a ConfigError (as numkeras's
    was), naming the argument and the fix."""
    with pytest.raises(ArgumentTypeError, match=r"received activity_regularizer='l2'.*`l1`"):
        numkeras.layers.ActivityRegularization(activity_regularizer="l2")
    assert issubclass(ArgumentTypeError, ConfigError)

"""Arguments as Keras 3's signatures take them: positional recurrent-layer arguments,
`deserialize(..., custom_objects=)`, `clear_session(free_memory=)`, `Input(ragged=)`,
symbolic tensors' `reshape` / `squeeze`, `Sequential.pop(rebuild=)`,
`optimizer.apply(trainable_variables=)` (goldens from scripts/goldens/make_api_arguments.py)."""

import json

import pytest

import numkeras

from .differential import assert_json_close, goldens, scenario_script

GOLD = goldens("api_arguments")
SCRIPT = scenario_script("make_api_arguments")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_api_arguments_match_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))
    assert_json_close(got, GOLD[name], where=name)


def test_too_many_positional_arguments_is_a_type_error():
    with pytest.raises(TypeError, match="at most 20"):
        numkeras.layers.SimpleRNN(2, *([None] * 21))


def test_a_class_nothing_supplies_is_not_found():
    """Without custom_objects (or a scope, or the registry) a config's class name finds
    nothing: numkeras never takes a class from elsewhere."""
    with pytest.raises(ValueError, match="Unknown initializer"):
        numkeras.initializers.deserialize({"class_name": "Halves", "config": {}})

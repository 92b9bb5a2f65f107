"""`numkeras.legacy.saving` / `numkeras.utils.legacy` `serialize_keras_object` and
`deserialize_keras_object` against Keras 3's (the Keras 2 `{"class_name", "config"}`
format around `get_config()`; goldens from scripts/goldens/make_scopes_legacy_boxes.py)."""

import json

import pytest

import numkeras
from numkeras.legacy.saving import deserialize_keras_object

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("scopes_legacy_boxes")
SCRIPT = scenario_script("make_scopes_legacy_boxes")
NAMES = sorted(n for n in SCRIPT.SCENARIOS if n.startswith("legacy_"))


@pytest.mark.parametrize("name", NAMES)
def test_legacy_serialization_matches_keras(name):
    numkeras.utils.clear_session()
    try:
        got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))
    finally:
        numkeras.saving.get_custom_objects().pop("ScopesLegacy>Registered", None)
    assert_json_close(got, GOLD[name], where=name)


def test_a_name_found_in_the_registry_or_module_objects():
    """Keras 3 crashes (AttributeError) looking a name up past `custom_objects`; numkeras
    looks where Keras means to: the scope, the registry, then `module_objects`."""
    relu = numkeras.activations.relu
    assert deserialize_keras_object("relu", module_objects={"relu": relu}) is relu
    with numkeras.saving.custom_object_scope({"r": relu}):
        assert deserialize_keras_object("r") is relu
    with pytest.raises(ValueError, match="Unknown object: 'relu'"):
        deserialize_keras_object("relu")


def test_the_namespaces():
    assert numkeras.utils.legacy.serialize_keras_object is (
        numkeras.legacy.saving.serialize_keras_object
    )
    assert "legacy" in dir(numkeras.utils)

"""A user's classes and functions in configs: named as Keras 3.15 names them (`custom_layers`
in compiled.json, from scripts/goldens/make_saving.py), found again only where the program
supplies them (`custom_objects`, `custom_object_scope`, `register_keras_serializable`)."""

import json
import pathlib
import zipfile

import numpy as np
import pytest

import numkeras
from numkeras import layers, losses, metrics, models
from numkeras.errors import ConfigError
from numkeras.saving import object_registration as registry

GOLD = pathlib.Path(__file__).parents[1] / "goldens" / "saving"
CUSTOM_LAYERS = json.loads((GOLD / "compiled.json").read_text())["custom_layers"]
FIELDS = ("module", "class_name", "registered_name")


@pytest.fixture
def clean_registry():
    """Registrations made by a test are undone after it."""
    objects, names = dict(registry.GLOBAL_CUSTOM_OBJECTS), dict(registry.GLOBAL_CUSTOM_NAMES)
    yield
    registry.GLOBAL_CUSTOM_OBJECTS.clear()
    registry.GLOBAL_CUSTOM_OBJECTS.update(objects)
    registry.GLOBAL_CUSTOM_NAMES.clear()
    registry.GLOBAL_CUSTOM_NAMES.update(names)


def _scale_class():
    class Scale(layers.Dense):
        pass

    Scale.__module__ = "__main__"  # as in a user's script, which the goldens were made from
    return Scale


def _saved_layer(model, path) -> dict:
    model.save(path)
    return json.loads(zipfile.ZipFile(path).read("config.json"))["config"]["layers"][1]


@pytest.mark.parametrize("registered", [False, True])
def test_a_users_layer_is_named_as_keras_names_it(registered, tmp_path, clean_registry):
    golden = CUSTOM_LAYERS["registered" if registered else "unregistered"]
    assert golden["keras_loads_numkeras"]
    scale = _scale_class()
    if registered:
        scale = numkeras.saving.register_keras_serializable(package="Demo")(scale)
    model = models.Sequential([layers.Input((3,)), scale(2)])
    entry = _saved_layer(model, tmp_path / "m.keras")
    for field in FIELDS:
        assert entry[field] == golden["keras_layer"][field] == golden["numkeras_layer"][field]
    supplied = {} if registered else {"Scale": scale}
    again = models.load_model(tmp_path / "m.keras", custom_objects=supplied)
    assert type(again.layers[0]) is scale
    x = np.ones((2, 3), "float32")
    np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))


def test_a_layer_from_a_module_keeps_its_module_and_older_files_still_load(tmp_path):
    scale = _scale_class()
    scale.__module__ = "mypackage.layers"
    model = models.Sequential([layers.Input((3,)), scale(2)])
    entry = _saved_layer(model, tmp_path / "m.keras")
    assert [entry[f] for f in FIELDS] == ["mypackage.layers", "Scale", "Scale"]
    # older numkeras files say "Custom>Scale": the class name still finds it
    config = model.get_config()
    config["layers"][1]["registered_name"] = "Custom>Scale"
    assert type(models.Sequential.from_config(config, {"Scale": scale}).layers[0]) is scale
    with pytest.raises(ConfigError, match="Unknown layer class 'Scale'.*register_keras_serial"):
        models.load_model(tmp_path / "m.keras")  # nothing is imported from "mypackage"


def test_register_keras_serializable_follows_keras(clean_registry):
    @numkeras.saving.register_keras_serializable()
    class Doubler(layers.Layer):
        pass

    @numkeras.saving.register_keras_serializable("Demo", name="sq")
    def square(y_true, y_pred):
        return ((y_true - y_pred) ** 2).mean(-1)

    assert numkeras.saving.get_registered_name(Doubler) == "Custom>Doubler"
    assert numkeras.saving.get_registered_name(square) == "Demo>sq"
    assert numkeras.saving.get_custom_objects()["Demo>sq"] is square
    assert numkeras.saving.get_registered_object("Custom>Doubler") is Doubler
    assert numkeras.saving.get_registered_name(losses.huber) == "huber"
    with pytest.raises(ValueError, match="get_config"):
        numkeras.saving.register_keras_serializable()(type("NoConfig", (), {}))
    # a registered function is saved under its registered name and loads without help
    config = losses.serialize(square)
    assert config == {
        "module": "builtins",
        "class_name": "function",
        "config": "Demo>sq",
        "registered_name": "function",
    }
    assert losses.deserialize(config, as_function=True) is square
    assert metrics.deserialize(metrics.serialize(square), as_function=True) is square


def test_custom_object_scope_supplies_objects_and_an_inner_scope_replaces_the_outer():
    def mine(y_true, y_pred):
        return (y_true - y_pred).mean(-1)

    config = losses.serialize(mine)
    with pytest.raises(ConfigError, match="custom_objects"):
        losses.deserialize(config)
    with numkeras.saving.custom_object_scope({"mine": mine}):
        assert losses.deserialize(config, as_function=True) is mine
        with numkeras.saving.CustomObjectScope({"other": len}):  # as Keras: replaces
            assert numkeras.saving.get_registered_object("mine") is None
        assert numkeras.saving.get_registered_object("mine") is mine
    assert numkeras.saving.get_registered_object("mine") is None


def test_a_function_saved_unregistered_loads_once_registered(clean_registry):
    def mine(y_true, y_pred):
        return (y_true - y_pred).mean(-1)

    config = losses.serialize(mine)  # "mine", before registration
    numkeras.saving.register_keras_serializable("Demo")(mine)
    assert losses.deserialize(config, as_function=True) is mine  # Keras's ">mine" match
    with pytest.raises(ConfigError, match="Unknown loss function: 'system'"):
        losses.deserialize({"module": "os", "class_name": "function", "config": "system"})

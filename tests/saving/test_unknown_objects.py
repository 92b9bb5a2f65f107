"""A config naming something nothing supplies raises an error that is both the TypeError
Keras 3 raises and the ValueError Keras 2 (and Keras 3's `get()` functions) raise."""

import json

import numpy as np
import pytest

import numkeras
from numkeras import layers, losses, metrics, models, optimizers, regularizers
from numkeras.errors import UnknownNameError, UnknownObjectError

UNKNOWN_LAYER = {"class_name": "Nope", "config": {"name": "n"}}


@pytest.mark.parametrize(
    "load",
    [
        lambda: layers.deserialize(UNKNOWN_LAYER),
        lambda: models.Sequential.from_config({"name": "s", "layers": [UNKNOWN_LAYER]}),
        lambda: models.model_from_json(
            json.dumps(
                {"class_name": "Sequential", "config": {"name": "s", "layers": [UNKNOWN_LAYER]}}
            )
        ),
        lambda: losses.deserialize({"class_name": "Nope", "config": {}}),
        lambda: metrics.deserialize({"class_name": "Nope", "config": {}}),
        lambda: regularizers.deserialize({"class_name": "Nope", "config": {}}),
        lambda: numkeras.saving.deserialize_keras_object(
            {"class_name": "Nope", "config": {}, "module": "x", "registered_name": "Nope"}
        ),
    ],
    ids=["layer", "sequential", "json", "loss", "metric", "regularizer", "keras-object"],
)
def test_an_unknown_class_in_a_config_is_a_type_error_and_a_value_error(load):
    with pytest.raises(UnknownObjectError) as info:
        load()
    assert isinstance(info.value, TypeError) and isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    "get",
    [
        lambda: losses.to_loss("nope"),
        lambda: metrics.get("nope"),
        lambda: optimizers.get("nope"),
        lambda: numkeras.activations.get("nope"),
        lambda: numkeras.initializers.get("nope"),
        lambda: regularizers.get("nope"),
        lambda: numkeras.constraints.get("nope"),
        lambda: layers.Dense(3, activation="nope"),
    ],
    ids=[
        "loss",
        "metric",
        "optimizer",
        "activation",
        "initializer",
        "regularizer",
        "constraint",
        "dense-activation",
    ],
)
def test_an_unknown_name_is_a_value_error_with_a_hint(get):
    with pytest.raises(UnknownNameError, match="nope") as info:
        get()
    assert isinstance(info.value, ValueError)


def test_load_model_raises_for_a_missing_custom_loss_as_keras_does(tmp_path):
    def my_loss(y, p):
        return numkeras.ops.mean((y - p) ** 2)

    m = models.Sequential([layers.Input((3,)), layers.Dense(1)])
    m.compile("adam", my_loss)
    m.save(tmp_path / "m.keras")
    with pytest.raises(TypeError, match="my_loss.*compile=False"):
        models.load_model(tmp_path / "m.keras")
    again = models.load_model(tmp_path / "m.keras", custom_objects={"my_loss": my_loss})
    assert again.compiled and again.loss is my_loss


def test_a_custom_activation_loads_from_custom_objects_or_a_scope(tmp_path):
    def my_act(x):
        return numkeras.ops.relu(x) * 2.0

    m = models.Sequential([layers.Input((3,)), layers.Dense(2, activation=my_act)])
    m.save(tmp_path / "m.keras")
    x = np.array([[1.0, -2.0, 0.5]], "float32")
    again = models.load_model(tmp_path / "m.keras", custom_objects={"my_act": my_act})
    np.testing.assert_allclose(again.predict(x, verbose=0), m.predict(x, verbose=0))
    with numkeras.saving.custom_object_scope({"my_act": my_act}):
        np.testing.assert_allclose(
            models.load_model(tmp_path / "m.keras").predict(x, verbose=0), m.predict(x, verbose=0)
        )
    with pytest.raises(UnknownNameError, match="my_act"):
        models.load_model(tmp_path / "m.keras")


def test_keras_2_k_mean_takes_a_list_of_axes():
    from numkeras import backend as K

    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    np.testing.assert_allclose(K.mean(x, axis=[1, 2]), x.mean(axis=(1, 2)))


def test_optimizers_legacy_is_reachable_after_importing_numkeras():
    assert numkeras.optimizers.legacy.Adam is not None

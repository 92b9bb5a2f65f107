"""Models: `Sequential` and the functional `Model`."""

from __future__ import annotations

import json

from numkeras.errors import ConfigJSONError
from numkeras.models.cloning import clone_model
from numkeras.models.model import Model
from numkeras.models.sequential import Sequential


def model_from_json(json_string: str, custom_objects: dict | None = None):
    """Rebuild a model (architecture only) from `model.to_json()` (Keras 3's, or Keras 2's,
    read as its `.h5` configs are) or a Keras config.json.

    Only known layer classes (and `custom_objects`) are instantiated; no code is run.
    """
    from numkeras.models.config import deserialize_layer
    from numkeras.saving import keras2

    try:
        config = json.loads(json_string)
    except json.JSONDecodeError as e:
        text = json_string if len(json_string) <= 60 else f"{json_string[:57]}..."
        raise ConfigJSONError(
            f"model_from_json() expects the JSON text of `model.to_json()`; received "
            f"{text!r}, which is not JSON ({e}). Pass the string `to_json()` returned (or "
            "read from its file), not a path or a Python repr.",
            e,
        ) from None
    written_by_keras2 = (
        keras2.is_keras2(config.get("keras_version")) if "keras_version" in config else False
    )
    if written_by_keras2 or keras2.looks_keras2(config):  # Keras 2's `to_json()` (tf_keras)
        config = keras2.model_config(config, written_by_keras2)
    return deserialize_layer(config, custom_objects)


def model_from_config(config: dict, custom_objects: dict | None = None):
    """Rebuild a model from a Keras-format config dict."""
    from numkeras.models.config import deserialize_layer

    return deserialize_layer(config, custom_objects)


def load_model(filepath, custom_objects: dict | None = None, compile: bool = True, safe_mode=True):
    """A model from a `.keras` or Keras 2 `.h5` file (`numkeras.saving.load_model`)."""
    from numkeras.saving import load_model as _load

    return _load(filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode)


def save_model(model, filepath, overwrite: bool = True, **kwargs) -> None:
    """`model.save(filepath)` (`numkeras.saving.save_model`); Keras 2's `include_optimizer`
    and `save_format` keywords are accepted for the formats numkeras writes."""
    model.save(filepath, overwrite=overwrite, **kwargs)


__all__ = [
    "Model",
    "Sequential",
    "clone_model",
    "load_model",
    "model_from_config",
    "model_from_json",
    "save_model",
]

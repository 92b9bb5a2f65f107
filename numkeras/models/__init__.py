"""Models: `Sequential` and the functional `Model`."""

from __future__ import annotations

import json

from numkeras.models.model import Model
from numkeras.models.sequential import Sequential


def model_from_json(json_string: str, custom_objects: dict | None = None):
    """Rebuild a model (architecture only) from `model.to_json()` or a Keras config.json.

    Only known layer classes (and `custom_objects`) are instantiated; no code is run.
    """
    from numkeras.models.config import deserialize_layer

    return deserialize_layer(json.loads(json_string), custom_objects)


def model_from_config(config: dict, custom_objects: dict | None = None):
    """Rebuild a model from a Keras-format config dict."""
    from numkeras.models.config import deserialize_layer

    return deserialize_layer(config, custom_objects)


__all__ = ["Model", "Sequential", "model_from_config", "model_from_json"]

"""Saving and loading in Keras's file formats: `.keras`, `.weights.h5` and Keras 2's `.h5`
(`saving_api.py`), and Keras's registry of custom objects (`object_registration.py`). HDF5
needs h5py (`pip install "numkeras[h5]"`)."""

from numkeras.saving.file_editor import KerasFileEditor
from numkeras.saving.object_registration import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from numkeras.saving.saving_api import load_model, load_weights, save_model, save_weights
from numkeras.saving.serialization_lib import deserialize_keras_object, serialize_keras_object

__all__ = [
    "CustomObjectScope",
    "KerasFileEditor",
    "custom_object_scope",
    "deserialize_keras_object",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "load_model",
    "load_weights",
    "register_keras_serializable",
    "save_model",
    "save_weights",
    "serialize_keras_object",
]

"""Utilities: `set_random_seed`, `to_categorical`, `Progbar`, `PyDataset` / `Sequence`,
`pad_sequences`, `timeseries_dataset_from_array`, `image_dataset_from_directory`,
`text_dataset_from_directory`, `get_file`, the image file helpers (`load_img`,
`img_to_array`, `array_to_img`, `save_img`), `pack_x_y_sample_weight` /
`unpack_x_y_sample_weight`, `serialize_keras_object` / `deserialize_keras_object`, and
(as in Keras) the custom-object registry of `numkeras.saving`: `register_keras_serializable`,
`custom_object_scope`, ..."""

from __future__ import annotations

from numkeras.backend import random as _random


def set_random_seed(seed: int) -> None:
    """Seed everything numkeras draws from (initializers, Dropout, shuffling), plus NumPy's
    and Python's global generators, so a whole training run is reproducible bit for bit.

    >>> set_random_seed(1337)
    """
    from numkeras.utils.checks import is_int

    if not is_int(seed) or seed < 0:
        raise ValueError(f"`seed` must be a non-negative integer, received {seed!r}.")
    _random.set_seed(int(seed))


def __getattr__(name):
    # imported lazily: these modules are heavier than `set_random_seed`
    if name in ("to_categorical", "normalize"):
        from numkeras.utils import categorical

        return getattr(categorical, name)
    if name == "pad_sequences":
        from numkeras.utils.sequences import pad_sequences

        return pad_sequences
    if name in ("PyDataset", "Sequence"):
        from numkeras.utils import py_dataset

        return getattr(py_dataset, name)
    if name == "Progbar":
        from numkeras.utils.progbar import Progbar

        return Progbar
    if name in ("pack_x_y_sample_weight", "unpack_x_y_sample_weight"):
        from numkeras.trainers import data

        return getattr(data, name)
    if name in ("img_to_array", "array_to_img", "load_img", "save_img"):
        from numkeras.utils import image_utils

        return getattr(image_utils, name)
    if name in ("image_dataset_from_directory", "text_dataset_from_directory"):
        from numkeras.utils import directory_datasets

        return getattr(directory_datasets, name)
    if name == "split_dataset":
        from numkeras.utils.dataset_split import split_dataset

        return split_dataset
    if name == "get_file":
        from numkeras.utils.file_utils import get_file

        return get_file
    if name == "timeseries_dataset_from_array":
        from numkeras.utils.timeseries_dataset import timeseries_dataset_from_array

        return timeseries_dataset_from_array
    if name in ("serialize_keras_object", "deserialize_keras_object"):
        from numkeras.saving import serialization_lib

        return getattr(serialization_lib, name)
    if name in ("clear_session", "standardize_dtype", "is_keras_tensor"):
        from numkeras import backend

        return getattr(backend, name)
    if name == "get_source_inputs":
        from numkeras.layers.keras_tensor import get_source_inputs

        return get_source_inputs
    if name == "Config":
        from numkeras.utils.config import Config

        return Config
    if name in ("plot_model", "model_to_dot"):
        from numkeras.utils import model_visualization

        return getattr(model_visualization, name)
    if name in _LOGGING_ALIASES:  # keras.utils has keras.config's logging switches too
        from numkeras import config

        return getattr(config, name)
    if name in _SAVING_ALIASES:  # Keras has these in keras.utils too
        from numkeras import saving

        return getattr(saving, name)
    raise AttributeError(f"module 'numkeras.utils' has no attribute {name!r}")


_LOGGING_ALIASES = (
    "disable_interactive_logging",
    "enable_interactive_logging",
    "is_interactive_logging_enabled",
)
_SAVING_ALIASES = (
    "register_keras_serializable",
    "get_registered_name",
    "get_registered_object",
    "get_custom_objects",
    "custom_object_scope",
    "CustomObjectScope",
)

__all__ = [
    "set_random_seed",
    "to_categorical",
    "normalize",
    "pad_sequences",
    "Progbar",
    "PyDataset",
    "Sequence",
    "pack_x_y_sample_weight",
    "unpack_x_y_sample_weight",
    "img_to_array",
    "array_to_img",
    "load_img",
    "save_img",
    "timeseries_dataset_from_array",
    "get_file",
    "split_dataset",
    "image_dataset_from_directory",
    "text_dataset_from_directory",
    "serialize_keras_object",
    "deserialize_keras_object",
    "clear_session",
    "standardize_dtype",
    "is_keras_tensor",
    "get_source_inputs",
    "Config",
    "plot_model",
    "model_to_dot",
    *_LOGGING_ALIASES,
    *_SAVING_ALIASES,
]

"""Utilities: `set_random_seed`, `to_categorical`, `Progbar`, `PyDataset` / `Sequence`,
`pad_sequences`, `timeseries_dataset_from_array`, `image_dataset_from_directory`,
`text_dataset_from_directory`, `audio_dataset_from_directory`, `get_file`, the image file
helpers (`load_img`, `img_to_array`, `array_to_img`, `save_img`), `pack_x_y_sample_weight` /
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


# imported lazily: these modules are heavier than `set_random_seed`. Name -> the module
# that defines it (Keras has the logging switches and the saving registry here too).
_LAZY = {
    **dict.fromkeys(("to_categorical", "normalize"), "numkeras.utils.categorical"),
    "pad_sequences": "numkeras.utils.sequences",
    **dict.fromkeys(("PyDataset", "Sequence"), "numkeras.utils.py_dataset"),
    "Progbar": "numkeras.utils.progbar",
    **dict.fromkeys(
        ("pack_x_y_sample_weight", "unpack_x_y_sample_weight"), "numkeras.trainers.data"
    ),
    **dict.fromkeys(
        ("img_to_array", "array_to_img", "load_img", "save_img"), "numkeras.utils.image_utils"
    ),
    **dict.fromkeys(
        (
            "image_dataset_from_directory",
            "text_dataset_from_directory",
            "audio_dataset_from_directory",
        ),
        "numkeras.utils.directory_datasets",
    ),
    "split_dataset": "numkeras.utils.dataset_split",
    "get_file": "numkeras.utils.file_utils",
    "timeseries_dataset_from_array": "numkeras.utils.timeseries_dataset",
    **dict.fromkeys(
        ("serialize_keras_object", "deserialize_keras_object"), "numkeras.saving.serialization_lib"
    ),
    **dict.fromkeys(("clear_session", "standardize_dtype", "is_keras_tensor"), "numkeras.backend"),
    "get_source_inputs": "numkeras.layers.keras_tensor",
    "FeatureSpace": "numkeras.layers.feature_space",
    "Config": "numkeras.utils.config",
    **dict.fromkeys(("plot_model", "model_to_dot"), "numkeras.utils.model_visualization"),
    **dict.fromkeys(
        (
            "disable_interactive_logging",
            "enable_interactive_logging",
            "is_interactive_logging_enabled",
        ),
        "numkeras.config",
    ),
    **dict.fromkeys(
        (
            "register_keras_serializable",
            "get_registered_name",
            "get_registered_object",
            "get_custom_objects",
            "custom_object_scope",
            "CustomObjectScope",
        ),
        "numkeras.saving",
    ),
}


# submodules, as Keras's `keras.utils.bounding_boxes` and `keras.utils.legacy`
_SUBMODULES = ("bounding_boxes", "legacy")


def __getattr__(name):
    import importlib

    if name in _SUBMODULES:
        return importlib.import_module(f"numkeras.utils.{name}")
    if name not in _LAZY:
        raise AttributeError(f"module 'numkeras.utils' has no attribute {name!r}")
    return getattr(importlib.import_module(_LAZY[name]), name)


def __dir__():  # (the lazy names too: tab completion lists them)
    return sorted({*globals(), *_LAZY, *_SUBMODULES})


__all__ = ["set_random_seed", *_LAZY, *_SUBMODULES]

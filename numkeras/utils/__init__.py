"""Utilities: `set_random_seed`, `to_categorical`, `Progbar`, `PyDataset` / `Sequence`, and
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
    if name in _SAVING_ALIASES:  # Keras has these in keras.utils too
        from numkeras import saving

        return getattr(saving, name)
    raise AttributeError(f"module 'numkeras.utils' has no attribute {name!r}")


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
    *_SAVING_ALIASES,
]

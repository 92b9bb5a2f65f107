"""Keras 3's `keras.utils.legacy`: the legacy (Keras 2 format) serialization functions,
the same as `numkeras.legacy.saving`'s (numkeras/saving/legacy_serialization.py)."""

from numkeras.saving.legacy_serialization import (
    deserialize_keras_object,
    serialize_keras_object,
)

__all__ = ["deserialize_keras_object", "serialize_keras_object"]

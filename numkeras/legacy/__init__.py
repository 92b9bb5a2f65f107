"""Keras 3's `keras.legacy`: `keras.legacy.saving`, the Keras 2 format
`serialize_keras_object` / `deserialize_keras_object`."""

from numkeras.legacy import saving

__all__ = ["saving"]

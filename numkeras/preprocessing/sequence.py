"""Keras 2's `keras.preprocessing.sequence`: `pad_sequences` (Keras 3:
`keras.utils.pad_sequences`)."""

from numkeras.utils.sequences import pad_sequences

__all__ = ["pad_sequences"]

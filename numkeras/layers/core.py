"""Keras 2's `keras.layers.core` import path (2017 scripts), kept as an alias."""

from numkeras.layers import Activation, Dense, Dropout, Flatten, Masking, Reshape

__all__ = ["Activation", "Dense", "Dropout", "Flatten", "Masking", "Reshape"]

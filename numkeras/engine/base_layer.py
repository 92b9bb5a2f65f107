"""Keras 2's `keras.engine.base_layer` import path."""

from numkeras.layers import InputSpec, Layer

__all__ = ["InputSpec", "Layer"]

"""Keras 2's `keras.engine.input_layer` import path."""

from numkeras.layers import Input, InputLayer

__all__ = ["Input", "InputLayer"]

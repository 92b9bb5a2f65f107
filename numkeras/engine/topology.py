"""Keras 2.0-2.2's `keras.engine.topology` import path."""

from numkeras.layers import Input, InputLayer, InputSpec, Layer

__all__ = ["Input", "InputLayer", "InputSpec", "Layer"]

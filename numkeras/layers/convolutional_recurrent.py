"""Keras 2's `keras.layers.convolutional_recurrent` import path (`ConvLSTM2D`), kept as an
alias."""

from numkeras.layers import ConvLSTM1D, ConvLSTM2D, ConvLSTM3D

__all__ = ["ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"]

"""Keras 2's `keras.layers.advanced_activations` import path, kept as an alias
(Keras 3 removed it; the 2017 MNIST GAN script imports LeakyReLU from here)."""

from numkeras.layers import ELU, LeakyReLU, PReLU, ReLU, Softmax, ThresholdedReLU

__all__ = ["ELU", "LeakyReLU", "PReLU", "ReLU", "Softmax", "ThresholdedReLU"]

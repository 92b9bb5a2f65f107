"""Keras 2's `keras.layers.noise` import path, kept as an alias."""

from numkeras.layers import AlphaDropout, GaussianDropout, GaussianNoise

__all__ = ["AlphaDropout", "GaussianDropout", "GaussianNoise"]

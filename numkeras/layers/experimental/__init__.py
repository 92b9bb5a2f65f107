"""Keras 2.3-2.5's `keras.layers.experimental` import path (preprocessing layers before
they left "experimental"), kept as an alias."""

from numkeras.layers.experimental import preprocessing

__all__ = ["preprocessing"]

"""Keras 2's `keras.layers.normalization` import path (`from keras.layers.normalization
import BatchNormalization`, in GAN scripts of 2017-2019), kept as an alias."""

from numkeras.layers import BatchNormalization

__all__ = ["BatchNormalization"]

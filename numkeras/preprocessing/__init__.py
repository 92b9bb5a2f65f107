"""Keras 2's `keras.preprocessing` import paths (`from keras.preprocessing.sequence import
pad_sequences`), kept so classic text scripts run with only their imports changed."""

from numkeras.preprocessing import sequence

__all__ = ["sequence"]

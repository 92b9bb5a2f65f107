"""Keras 2's `keras.layers.wrappers` import path (`TimeDistributed`, `Bidirectional`),
kept as an alias."""

from numkeras.layers import Bidirectional, TimeDistributed

__all__ = ["Bidirectional", "TimeDistributed"]

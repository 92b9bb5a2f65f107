"""Keras 2's `keras.layers.embeddings` import path, kept as an alias."""

from numkeras.layers import Embedding

__all__ = ["Embedding"]

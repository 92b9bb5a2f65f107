"""Keras 2's `keras.engine.training` import path."""

from numkeras.models import Model

__all__ = ["Model"]

"""Keras 2's `keras.engine.sequential` import path."""

from numkeras.models import Sequential

__all__ = ["Sequential"]

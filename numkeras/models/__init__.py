"""Models: `Sequential` and the functional `Model`."""

from numkeras.models.model import Model
from numkeras.models.sequential import Sequential

__all__ = ["Model", "Sequential"]

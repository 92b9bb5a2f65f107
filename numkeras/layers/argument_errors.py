"""`ArgumentTypeError`: a layer argument of the wrong type (`Dropout("a")`,
`RepeatVector(2.0)`, `Bidirectional(Dense(2))`). Keras 3 raises a TypeError there; numkeras
raised its ConfigError (a ValueError) before, so this is both, TypeError first.

>>> issubclass(ArgumentTypeError, TypeError) and issubclass(ArgumentTypeError, ValueError)
True
"""

from __future__ import annotations

from numkeras.errors import ConfigError


class ArgumentTypeError(TypeError, ConfigError):
    """A layer argument of the wrong type (a TypeError, as Keras, and a ConfigError)."""

"""The `Initializer` base class and the shape/dtype checks every initializer shares.

>>> from numkeras.initializers import Initializer
>>> class Halves(Initializer):
...     def __call__(self, shape, dtype=None):
...         import numpy as np
...         return np.full(standardize_shape(shape), 0.5, standardize_dtype(dtype))
>>> Halves()((2,))
array([0.5, 0.5], dtype=float32)
"""

from __future__ import annotations

import inspect

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError, ShapeError


class Initializer:
    """Base class: an initializer is called as `init(shape, dtype=None)` -> array.

    Subclasses implement `__call__` and, when they take arguments, `get_config`
    (whose keys are the constructor's argument names, so the default `from_config`
    works). `dtype=None` means `backend.floatx()` (float32).

    >>> from numkeras.initializers import Zeros
    >>> Zeros()((2, 2)).dtype
    dtype('float32')
    """

    def __call__(self, shape, dtype=None):
        raise NotImplementedError(
            f"{type(self).__name__} must implement `__call__(self, shape, dtype=None)`."
        )

    def get_config(self) -> dict:
        """The constructor arguments as a JSON-serializable dict (Keras keys)."""
        return {}

    @classmethod
    def from_config(cls, config: dict):
        """Rebuild an initializer from `get_config()` output.

        Also reads Keras 2 configs: their legacy `dtype` key is ignored. Other unknown
        keys raise `ConfigError` naming the accepted ones.
        """
        config = dict(config)
        config.pop("dtype", None)  # tf.keras 1.x/2.x initializers stored one
        params = inspect.signature(cls.__init__).parameters.values()
        if not any(p.kind is p.VAR_KEYWORD for p in params):
            named = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
            accepted = sorted(p.name for p in params if p.kind in named and p.name != "self")
            unknown = sorted(set(config) - set(accepted))
            if unknown:
                raise ConfigError(
                    f"{cls.__name__}.from_config got unknown keys {unknown}; it accepts {accepted}."
                )
        return cls(**config)

    def clone(self):
        """A new initializer with the same configuration."""
        return self.__class__.from_config(self.get_config())

    def __repr__(self) -> str:
        config = self.get_config()
        items = [(k, v) for k, v in config.items() if k != "seed" and v is not None]
        if "seed" in config:
            items.append(("seed", config["seed"]))
        args = ", ".join(f"{k}={v!r}" for k, v in items)
        return f"{type(self).__name__}({args})"


def standardize_shape(shape) -> tuple[int, ...]:
    """`shape` as a tuple of non-negative ints (an int `n` means `(n,)`).

    >>> standardize_shape([3, 4])
    (3, 4)
    """
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        dims = tuple(shape)
    except TypeError:
        raise ShapeError(
            f"An initializer needs a shape (a tuple of ints such as (784, 256)); "
            f"received {shape!r}."
        ) from None
    for d in dims:
        if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 0:
            raise ShapeError(
                f"An initializer needs a fully known shape of non-negative ints; received "
                f"{tuple(dims)!r}. Build the layer with a concrete input shape first."
            )
    return tuple(int(d) for d in dims)


def standardize_dtype(dtype=None, float_only: bool = False) -> np.dtype:
    """`dtype` as a NumPy dtype (`None` -> `backend.floatx()`).

    >>> standardize_dtype(None)
    dtype('float32')
    """
    try:
        out = np.dtype(backend.floatx() if dtype is None else dtype)
    except TypeError:
        raise ConfigError(f"Unknown dtype {dtype!r}; use e.g. 'float32'.") from None
    if float_only and out.kind != "f":
        raise ConfigError(
            f"This initializer draws random floats, so it needs a float dtype "
            f"('float16', 'float32' or 'float64'); received dtype={out.name!r}."
        )
    return out


def to_backend(array: np.ndarray):
    """Move a NumPy array to the active array module (a no-op for NumPy)."""
    xp = backend.xp
    return array if xp is np else xp.asarray(array)


def python_number(value, what: str):
    """A Python int/float for a config value (NumPy scalars would not JSON-serialize)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"`{what}` must be a number; received {value!r}.")
    return value

"""Deterministic initializers: Zeros, Ones, Constant, Identity (Keras 3 names and configs).

>>> from numkeras.initializers import Constant
>>> Constant(2.0)((2,))
array([2., 2.], dtype=float32)
"""

from __future__ import annotations

import numpy as np

from numkeras.errors import ConfigError, ShapeError, format_shape
from numkeras.initializers.initializer import (
    Initializer,
    python_number,
    standardize_dtype,
    standardize_shape,
    to_backend,
)


class Zeros(Initializer):
    """All zeros (any numeric dtype; default float32).

    >>> Zeros()((2, 3)).sum()
    np.float32(0.0)
    """

    def __call__(self, shape, dtype=None):
        return to_backend(np.zeros(standardize_shape(shape), standardize_dtype(dtype)))


class Ones(Initializer):
    """All ones (any numeric dtype; default float32).

    >>> Ones()((2,))
    array([1., 1.], dtype=float32)
    """

    def __call__(self, shape, dtype=None):
        return to_backend(np.ones(standardize_shape(shape), standardize_dtype(dtype)))


class Constant(Initializer):
    """Every element set to `value`.

    `value` is usually a number; an array-like that broadcasts to the requested shape
    also works (its config then uses Keras's `{"class_name": "__numpy__", ...}` form).

    >>> Constant(0.1)((3,))
    array([0.1, 0.1, 0.1], dtype=float32)
    >>> Constant(0.1).get_config()
    {'value': 0.1}
    """

    def __init__(self, value=0.0):
        if isinstance(value, dict) and value.get("class_name") == "__numpy__":
            cfg = value["config"]
            value = np.asarray(cfg["value"], dtype=cfg.get("dtype"))
        if isinstance(value, (list, tuple, np.ndarray)):
            value = np.asarray(value)
            if value.dtype.kind not in "biuf":
                raise ConfigError(f"Constant needs a numeric value; received {value!r}.")
            if value.ndim == 0:
                value = value.item()
        else:
            value = python_number(value, "value")
        self.value = value

    def __call__(self, shape, dtype=None):
        shape = standardize_shape(shape)
        dtype = standardize_dtype(dtype)
        if not isinstance(self.value, np.ndarray):
            return to_backend(np.full(shape, self.value, dtype))
        try:
            out = np.broadcast_to(self.value.astype(dtype), shape).copy()
        except ValueError:
            raise ShapeError(
                f"Constant's value has shape {format_shape(self.value.shape)}, which does not "
                f"broadcast to the requested shape {format_shape(shape)}."
            ) from None
        return to_backend(out)

    def get_config(self) -> dict:
        if isinstance(self.value, np.ndarray):
            value = {
                "class_name": "__numpy__",
                "config": {"value": self.value.tolist(), "dtype": self.value.dtype.name},
            }
            return {"value": value}
        return {"value": self.value}


class Identity(Initializer):
    """`gain` times the identity matrix (2-D shapes only; non-square gives `eye(n, m)`).

    Deviation: Keras 3's `get_config()` returns `{}` here, losing `gain` on save;
    numkeras returns `{"gain": gain}`, which Keras's `Identity(**config)` also loads.

    >>> Identity(gain=2.0)((2, 2))
    array([[2., 0.],
           [0., 2.]], dtype=float32)
    """

    def __init__(self, gain=1.0):
        self.gain = python_number(gain, "gain")

    def __call__(self, shape, dtype=None):
        shape = standardize_shape(shape)
        if len(shape) != 2:
            raise ShapeError(
                f"Identity only initializes 2-D matrices; received shape "
                f"{format_shape(shape)} of rank {len(shape)}."
            )
        dtype = standardize_dtype(dtype)
        out = np.eye(*shape, dtype=dtype)
        if self.gain != 1:
            out = (out * self.gain).astype(dtype, copy=False)
        return to_backend(out)

    def get_config(self) -> dict:
        return {"gain": self.gain}

"""The operations of `keras.ops.linalg` that numkeras has: norm (vector norms of any order
and the Frobenius norm), with its backward pass; shared with `normalize`.

>>> import numpy as np
>>> Norm(axis=-1)(np.array([[3.0, 4.0]])).tolist()
[5.0]
>>> Norm(ord=1, axis=-1)(np.array([[3.0, -4.0]])).tolist()
[7.0]
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError
from numkeras.ops.numpy import _axes, _float
from numkeras.ops.numpy_more import _expanded
from numkeras.ops.operation import Operation, shape_of

_MATRIX_ORDS = ("nuc", 1, -1, 2, -2, float("inf"), float("-inf"))


def _order(ord_):
    """A vector norm's order as a float (None is 2)."""
    if ord_ is None:
        return 2.0
    if isinstance(ord_, str):
        raise ConfigError(f"Invalid `ord` argument for vector norm. Received: ord={ord_}")
    return float(ord_)


def vector_norm(x, p: float, axes: tuple):
    """The `p`-norm of `x` over `axes`, with the reduced axes kept (as 1s)."""
    xp = backend.xp
    a = xp.abs(x)
    if p == 2:
        return xp.sqrt(xp.sum(x * x, axis=axes, keepdims=True))
    if p == 1:
        return xp.sum(a, axis=axes, keepdims=True)
    if p == float("inf"):
        return xp.max(a, axis=axes, keepdims=True)
    if p == float("-inf"):
        return xp.min(a, axis=axes, keepdims=True)
    if p == 0:
        return xp.sum(x != 0, axis=axes, keepdims=True).astype(x.dtype)
    with np.errstate(divide="ignore"):
        return xp.sum(a**p, axis=axes, keepdims=True) ** (1.0 / p)


def vector_norm_grad(x, norm, p: float, axes: tuple, g):
    """The gradient of `vector_norm(x, p, axes)` (`norm`, axes kept) for its gradient `g`
    (axes kept): JAX's rules (the slope of |x| at 0 is 1; ties of the inf-norms share the
    gradient evenly), except that a zero 2-norm or p-norm passes 0 where JAX gives NaN."""
    xp = backend.xp
    sign = xp.where(x >= 0, 1, -1).astype(x.dtype)
    if p == 1:
        return g * sign
    if p in (float("inf"), float("-inf")):
        hits = (xp.abs(x) == norm).astype(x.dtype)
        counts = hits.sum(axis=axes, keepdims=True)
        return g * sign * hits / xp.where(counts == 0, 1, counts)
    if p == 0:
        return xp.zeros_like(x)
    safe = xp.where(norm == 0, 1, norm)
    if p == 2:
        return xp.where(norm == 0, 0, g / safe) * x
    with np.errstate(divide="ignore", invalid="ignore"):
        return xp.where(norm == 0, 0, g * sign * xp.abs(x) ** (p - 1) / safe ** (p - 1))


class Norm(Operation):
    """`norm(x, ord=None, axis=None, keepdims=False)`, as `jnp.linalg.norm`: with `axis`
    None and `ord` None the 2-norm of all entries; over one axis a vector norm of order
    `ord` (2 for None, any number, `inf`, `-inf`, 0); over two axes the Frobenius norm
    (`ord` None or "fro"). The other matrix norms are refused."""

    keras_module = "keras.src.ops.linalg"

    def __init__(self, ord=None, axis=None, keepdims=False, *, name=None):  # noqa: A002
        super().__init__(name=name)
        if isinstance(ord, str) and ord not in ("fro", "nuc"):
            raise ConfigError(
                "Invalid `ord` argument. Expected one of {'fro', 'nuc'} when using string. "
                f"Received: ord={ord}"
            )
        self.ord = ord
        self.axis = tuple(axis) if isinstance(axis, (list, tuple)) else axis
        self.keepdims = bool(keepdims)

    def get_config(self):
        axis = list(self.axis) if isinstance(self.axis, tuple) else self.axis
        return {"name": self.name, "ord": self.ord, "axis": axis, "keepdims": self.keepdims}

    def _plan(self, ndim: int):
        """(the reduced axes, the vector order p)."""
        if self.axis is None and self.ord is None:
            return tuple(range(ndim)), 2.0
        axes = tuple(range(ndim)) if self.axis is None else _axes(self.axis, ndim)
        if len(axes) == 1:
            return axes, _order(self.ord)
        if len(axes) == 2:
            if self.ord in (None, "fro"):
                return axes, 2.0
            if self.ord in _MATRIX_ORDS:
                raise ConfigError(
                    f"numkeras's norm computes vector norms and the Frobenius norm; the matrix "
                    f"norm ord={self.ord!r} is not supported."
                )
            raise ConfigError(f"Invalid `ord` argument for matrix norm. Received: ord={self.ord}")
        raise ConfigError(
            f"Improper number of axes for norm: axis={self.axis} on a tensor of rank {ndim}; "
            "a norm reduces one axis (a vector norm) or two (a matrix norm)."
        )

    def compute_output_spec(self, x):
        shape = shape_of(x)
        axes, _ = self._plan(len(shape))
        if self.keepdims:
            return tuple(1 if i in axes else d for i, d in enumerate(shape))
        return tuple(d for i, d in enumerate(shape) if i not in axes)

    def _forward(self, x):
        x = _float(x)
        axes, p = self._plan(x.ndim)
        norm = vector_norm(x, p, axes)
        out = (
            norm
            if self.keepdims
            else norm.reshape([d for i, d in enumerate(norm.shape) if i not in axes])
        )
        return backend.xp.asarray(out), (x, axes, p, norm)

    def _backward(self, cache, grad, need):
        x, axes, p, norm = cache
        g = _expanded(grad, x.shape, axes, self.keepdims)
        return (vector_norm_grad(x, norm, p, axes, g),)


OPS = {"Norm": Norm}

"""`UnitNormalization(axis=-1)`: scale each sample to unit L2 norm over `axis`, as Keras 3.

`out = x * min(rsqrt(sum(x ** 2 over axis)), 1e12)`: Keras's `ops.normalize` with
`epsilon=1e-12`, so an all-zero sample stays zero instead of dividing by zero.

>>> import numpy as np
>>> UnitNormalization()(np.array([[3.0, 4.0], [0.0, 0.0]]))
array([[0.6, 0.8],
       [0. , 0. ]], dtype=float32)
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.errors import ArgumentTypeError, ConfigError, ShapeError, format_shape
from numkeras.layers.layer import Layer
from numkeras.utils.checks import is_int

_EPSILON = 1e-12  # Keras's: the norm is at least this (the inverse norm at most 1e12)


class UnitNormalization(Layer):
    built_at_init = True  # (no weights: built when made, as in Keras 3)
    supports_masking = True  # (passes the mask on, as Keras 3)

    def __init__(self, axis=-1, **kwargs):
        if isinstance(axis, (list, tuple)):
            if not axis or not all(is_int(a) for a in axis):
                raise ConfigError(
                    "Invalid value for `axis` argument: expected an int or a list/tuple of "
                    f"ints. Received: axis={axis!r}"
                )
            axis = [int(a) for a in axis]
        elif is_int(axis):
            axis = int(axis)
        else:  # (a TypeError, as Keras's; still a ValueError, as numkeras's was)
            raise ArgumentTypeError(
                "Invalid value for `axis` argument: expected an int or a list/tuple of ints. "
                f"Received: axis={axis!r}"
            )
        super().__init__(**kwargs)
        self.axis = axis

    def _axes(self, shape) -> tuple:
        ndim = len(shape)
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        for a in axes:
            if not -ndim <= a < ndim:
                raise ShapeError(
                    f"Axis {self.axis} is out of bounds for input shape {format_shape(shape)} "
                    f"(layer '{self.name}'; axis 0 is the batch)."
                )
        out = tuple(a % ndim for a in axes)
        if len(set(out)) != len(out):
            raise ConfigError(
                f"Layer '{self.name}': UnitNormalization's `axis` {self.axis} names the same "
                f"axis twice for inputs of rank {ndim}."
            )
        return out

    def compute_output_shape(self, input_shape):
        self._axes(tuple(input_shape))
        return input_shape

    def _inverse_norm(self, x):
        xp = backend.xp
        t = x.dtype.type
        square_sum = xp.sum(xp.square(x), axis=self._axes(x.shape), keepdims=True)
        with np.errstate(divide="ignore"):  # an all-zero sample: inf, then clamped
            inv = t(1) / xp.sqrt(square_sum)
        return xp.minimum(inv, t(1.0 / _EPSILON))

    def call(self, inputs, training: bool = False):
        return inputs * self._inverse_norm(inputs)

    def forward(self, inputs, training: bool = True):
        inv = self._inverse_norm(inputs)
        return inputs * inv, (inputs, inv)

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        if not need_input_grad:
            return None
        x, inv = cache
        t = x.dtype.type
        dx = grad_output * inv
        # where the norm is not clamped: minus x * inv**3 * sum(g * x) (d rsqrt(s) / ds)
        free = inv < t(1.0 / _EPSILON)
        s = (grad_output * x).sum(axis=self._axes(x.shape), keepdims=True)
        dx -= x * backend.xp.where(free, inv**3 * s, t(0))
        return dx

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}

    def _repr_args(self) -> str:
        return "" if self.axis == -1 else f"axis={self.axis}"

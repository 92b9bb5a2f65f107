"""`Softmax(axis=-1)`: softmax along `axis` (an int, or a list of ints), as Keras 3.

A `mask` (called on arrays: `layer(x, mask=m)`; in a model, the mask an
`Embedding(mask_zero=True)` or `Masking` before it passes on, as Keras 3) keeps the
positions where it is True (or > 0.5) and gives the others probability 0. One axis runs
`exp(x - max) / sum(...)` (the `softmax` activation); several run
`exp(x - logsumexp(x))`, as Keras's layer does.

>>> import numpy as np
>>> Softmax()(np.array([[1.0, 2.0, 1.0]])).round(4)
array([[0.2119, 0.5761, 0.2119]], dtype=float32)
>>> Softmax()(np.array([[1.0, 2.0, 1.0]]), mask=np.array([[True, False, True]]))
array([[0.5, 0. , 0.5]], dtype=float32)
"""

from __future__ import annotations

from numkeras import activations, backend
from numkeras.errors import ConfigError, ShapeError, format_shape
from numkeras.layers.layer import Layer
from numkeras.utils.checks import is_int


def _large_negative(dtype) -> float:
    # what masked positions become before the softmax (Keras's choice per dtype)
    return -3e4 if backend.xp.dtype(dtype) == backend.xp.float16 else -1e9


class Softmax(Layer):
    built_at_init = True  # (no weights: built when made, as in Keras 3)
    supports_masking = True

    def __init__(self, axis=-1, **kwargs):
        axes = list(axis) if isinstance(axis, (list, tuple)) else [axis]
        if not axes or not all(is_int(a) for a in axes):
            raise ConfigError(
                f"Softmax's `axis` must be an integer or a list of integers, received {axis!r}."
            )
        super().__init__(**kwargs)
        # kept as given (a tuple stays a tuple), as Keras's get_config reports it
        is_seq = isinstance(axis, (list, tuple))
        self.axis = type(axis)(int(a) for a in axis) if is_seq else int(axis)
        self._axes = tuple(int(a) for a in axes)

    def _check_axes(self, ndim: int, shape) -> None:
        bad = [a for a in self._axes if not -ndim <= a < ndim]
        if bad:
            raise ShapeError(
                f"Layer '{self.name}' (Softmax over axis {self.axis}) received an input of shape "
                f"{format_shape(shape)}, which has no axis {bad[0]} (rank {ndim}; axis 0 is "
                "the batch)."
            )

    def compute_output_shape(self, input_shape):
        self._check_axes(len(input_shape), input_shape)
        return input_shape

    def _softmax(self, x):
        if len(self._axes) == 1:
            return activations.softmax(x, axis=self._axes[0])
        xp = backend.xp
        top = x.max(axis=self._axes, keepdims=True)
        lse = xp.log(xp.exp(x - top).sum(axis=self._axes, keepdims=True)) + top
        return xp.exp(x - lse)

    def call(self, inputs, mask=None):
        self._check_axes(inputs.ndim, inputs.shape)
        if mask is None:
            return self._softmax(inputs)
        xp = backend.xp
        mask = xp.asarray(mask)
        if mask.ndim > inputs.ndim or any(
            m != 1 and m != i for m, i in zip(mask.shape[::-1], inputs.shape[::-1])
        ):
            raise ShapeError(
                f"Layer '{self.name}': the mask must broadcast to the inputs (each of its axes "
                f"1 or equal to the input's, and no more axes), but the mask has shape "
                f"{format_shape(mask.shape)} and the inputs {format_shape(inputs.shape)}."
            )
        if mask.dtype != bool:
            mask = mask > 0.5
        masked = xp.where(mask, inputs, inputs.dtype.type(_large_negative(inputs.dtype)))
        # all-masked rows would otherwise come out uniform: zero them, as Keras does
        return xp.where(mask, self._softmax(masked), inputs.dtype.type(0))

    def forward(self, inputs, training: bool = True, mask=None):
        # (masked positions: y is 0 there, so the Jacobian below gives them no gradient)
        y = self.call(inputs, mask)
        return y, (inputs, y)

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        # the softmax Jacobian is the same for one axis or several: dx = y * (dy - <dy, y>)
        x, y = cache
        axis = self._axes[0] if len(self._axes) == 1 else self._axes
        return activations.softmax.grad(x, y, grad_output, axis=axis)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}

    def _repr_args(self) -> str:
        return "" if self.axis == -1 else f"axis={self.axis}"

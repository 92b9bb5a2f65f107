"""Merge layers: `Add`, `Subtract`, `Multiply`, `Average`, `Concatenate` (several inputs, one
output), with their backward passes.

>>> import numpy as np
>>> a, b = np.ones((2, 3)), np.zeros((2, 4))
>>> Concatenate()([a, b]).shape
(2, 7)
>>> Add()([a, a])
array([[2., 2., 2.],
       [2., 2., 2.]], dtype=float32)
"""

from __future__ import annotations

from numkeras import backend, shapes
from numkeras.errors import ConfigError, ShapeError, format_shape
from numkeras.layers.layer import Layer
from numkeras.utils.checks import is_int


class _Merge(Layer):
    """Element-wise merges: every input has the same shape (batch axis first)."""

    min_inputs = 2

    def _check(self, input_shape) -> None:
        if not isinstance(input_shape, list) or len(input_shape) < self.min_inputs:
            n = len(input_shape) if isinstance(input_shape, list) else 1
            raise ShapeError(
                f"Layer '{self.name}' ({type(self).__name__}) merges a list of at least "
                f"{self.min_inputs} inputs; received {n}. Call it as {type(self).__name__}()"
                "([x1, x2])."
            )
        first = tuple(input_shape[0])
        for i, shape in enumerate(input_shape[1:], start=1):
            shape = tuple(shape)
            if not shapes.compatible(first[1:], shape[1:]):  # the batch axis may differ
                raise ShapeError(
                    f"Layer '{self.name}' ({type(self).__name__}) needs inputs of the same shape; "
                    f"input 0 has {format_shape(first)}, input {i} has {format_shape(shape)}."
                )

    def build(self, input_shape) -> None:
        self._check(input_shape)

    def compute_output_shape(self, input_shape):
        self._check(input_shape)
        return tuple(input_shape[0])

    def forward(self, inputs, training: bool = True):
        return self.call(inputs), inputs

    def _repr_args(self) -> str:
        return ""


def _sum(inputs):
    out = inputs[0] + inputs[1]
    for x in inputs[2:]:
        out += x
    return out


class Add(_Merge):
    def call(self, inputs, training: bool = False):
        return _sum(inputs)

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        return [grad_output] + [grad_output.copy() for _ in cache[1:]]


class Subtract(_Merge):
    def _check(self, input_shape) -> None:
        super()._check(input_shape)
        if len(input_shape) != 2:
            raise ShapeError(f"Layer '{self.name}' (Subtract) takes exactly 2 inputs.")

    def call(self, inputs, training: bool = False):
        return inputs[0] - inputs[1]

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        return [grad_output, -grad_output]


class Multiply(_Merge):
    def call(self, inputs, training: bool = False):
        out = inputs[0] * inputs[1]
        for x in inputs[2:]:
            out *= x
        return out

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        grads = []
        for i in range(len(cache)):
            g = grad_output.copy()
            for j, x in enumerate(cache):
                if j != i:
                    g *= x
            grads.append(g)
        return grads


class Average(_Merge):
    def call(self, inputs, training: bool = False):
        out = _sum(inputs)
        out *= backend.xp.float32(1.0 / len(inputs))
        return out

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        g = grad_output * backend.xp.float32(1.0 / len(cache))
        return [g] + [g.copy() for _ in cache[1:]]


class Concatenate(Layer):
    """Join inputs along `axis` (default -1); the other axes must match."""

    def __init__(self, axis: int = -1, **kwargs):
        if not is_int(axis):
            raise ConfigError(f"`axis` must be an integer, received {axis!r}.")
        super().__init__(**kwargs)
        self.axis = int(axis)

    def _check(self, input_shape) -> int:
        if not isinstance(input_shape, list) or len(input_shape) < 1:
            raise ShapeError(
                f"Layer '{self.name}' (Concatenate) joins a list of inputs; call it as "
                "Concatenate()([x1, x2])."
            )
        rank = len(input_shape[0])
        axis = self.axis % rank if -rank <= self.axis < rank else None
        if axis is None or axis == 0:
            raise ShapeError(
                f"Layer '{self.name}' (Concatenate): axis={self.axis} is not a feature axis of "
                f"rank-{rank} inputs (axis 0 is the batch)."
            )

        def others(shape) -> tuple:  # every axis but the batch and the joined one
            return tuple(d for k, d in enumerate(shape) if k not in (0, axis))

        for i, shape in enumerate(input_shape):
            if len(shape) != rank or not shapes.compatible(others(input_shape[0]), others(shape)):
                raise ShapeError(
                    f"Layer '{self.name}' (Concatenate) needs inputs that match on every axis "
                    f"but {self.axis}; received {[format_shape(s) for s in input_shape]} "
                    f"(input {i} differs)."
                )
        return axis

    def build(self, input_shape) -> None:
        self._check(input_shape)

    def compute_output_shape(self, input_shape):
        axis = self._check(input_shape)
        sizes = [s[axis] for s in input_shape]
        out = list(input_shape[0])
        out[axis] = None if any(d is None for d in sizes) else sum(sizes)
        return tuple(out)

    def call(self, inputs, training: bool = False):
        return backend.xp.concatenate(inputs, axis=self.axis)

    def forward(self, inputs, training: bool = True):
        return self.call(inputs), [x.shape[self.axis] for x in inputs]

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        # each input's slice of the joined axis, copied: the layers below own their grads
        lead = (slice(None),) * (self.axis % grad_output.ndim)
        grads, start = [], 0
        for size in cache:
            grads.append(grad_output[(*lead, slice(start, start + size))].copy())
            start += size
        return grads

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}

    def _repr_args(self) -> str:
        return f"axis={self.axis}"

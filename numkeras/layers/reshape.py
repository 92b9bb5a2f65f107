"""`Reshape(target_shape)`: reshape each sample; `target_shape` excludes the batch axis
and may hold one `-1`, inferred from the sample size.

>>> import numpy as np
>>> Reshape((28, 28))(np.zeros((2, 784))).shape
(2, 28, 28)
"""

from __future__ import annotations

import math

from numkeras.errors import ConfigError, ShapeError, format_shape
from numkeras.layers.layer import Layer


class Reshape(Layer):
    built_at_init = True  # (no weights: built when made, as in Keras 3)
    symbolic_keeps_input_dtype = True  # (only moves values: its output says int, as Keras's)
    integer_inputs = "keep"

    def __init__(self, target_shape, **kwargs):
        try:
            target = tuple(int(d) for d in target_shape)
        except (TypeError, ValueError):
            raise ConfigError(
                f"`target_shape` must be a tuple of integers (one may be -1), received "
                f"{target_shape!r}."
            ) from None
        if target.count(-1) > 1 or any(d == 0 or d < -1 for d in target):
            raise ConfigError(
                "`target_shape` must hold positive integers and at most one -1, received "
                f"{target_shape!r}."
            )
        super().__init__(**kwargs)
        self.target_shape = target

    def _resolve(self, sample_shape):
        """The concrete per-sample output shape for a per-sample input shape."""
        if any(d is None for d in sample_shape):
            return tuple(None if d == -1 else d for d in self.target_shape)
        size = math.prod(sample_shape)
        known = math.prod(d for d in self.target_shape if d != -1)
        if -1 in self.target_shape:
            if size % known:
                raise self._mismatch(sample_shape)
            return tuple(size // known if d == -1 else d for d in self.target_shape)
        if known != size:
            raise self._mismatch(sample_shape)
        return self.target_shape

    def _mismatch(self, sample_shape):
        return ShapeError(
            f"Layer '{self.name}' cannot reshape samples of shape {format_shape(sample_shape)} "
            f"({math.prod(sample_shape)} values) to {format_shape(self.target_shape)} "
            f"({math.prod(d for d in self.target_shape if d != -1)} values"
            f"{' times the -1 axis' if -1 in self.target_shape else ''}). The target shape "
            "excludes the batch axis and must hold the same number of values per sample."
        )

    def build(self, input_shape) -> None:
        self._resolve(tuple(input_shape)[1:])

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *self._resolve(tuple(input_shape)[1:]))

    def call(self, inputs, training: bool = False):
        return inputs.reshape(inputs.shape[0], *self._resolve(inputs.shape[1:]))

    def forward(self, inputs, training: bool = True):
        return self.call(inputs), inputs.shape

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        return grad_output.reshape(cache)

    def get_config(self) -> dict:
        return {**super().get_config(), "target_shape": tuple(self.target_shape)}  # as Keras

    def _repr_args(self) -> str:
        return format_shape(self.target_shape)

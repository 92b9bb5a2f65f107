"""`Permute(dims)`: reorder the axes of each sample; `dims` excludes the batch axis and
counts from 1, as Keras 3 (`Permute((2, 1))` swaps the two axes of a sequence).

>>> import numpy as np
>>> Permute((2, 1))(np.zeros((8, 10, 64))).shape
(8, 64, 10)
"""

from __future__ import annotations

from numkeras.errors import ConfigError
from numkeras.layers.input_spec import InputSpec
from numkeras.layers.layer import Layer
from numkeras.utils.checks import is_int


class Permute(Layer):
    symbolic_keeps_input_dtype = True  # (only moves values: its output says int, as Keras's)
    integer_inputs = "keep"

    def __init__(self, dims, **kwargs):
        try:
            dims = tuple(dims)
        except TypeError:
            raise ConfigError(
                f"`dims` must be a tuple of integers (a permutation of 1..rank), received {dims!r}."
            ) from None
        if not all(is_int(d) for d in dims) or sorted(dims) != list(range(1, len(dims) + 1)):
            raise ConfigError(
                "Invalid permutation argument `dims` for Permute Layer. The set of indices in "
                f"`dims` must be consecutive and start from 1. Received dims={dims}"
            )
        super().__init__(**kwargs)
        self.dims = tuple(int(d) for d in dims)
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)
        inverse = [0] * (len(self.dims) + 1)
        for i, d in enumerate((0, *self.dims)):
            inverse[d] = i
        self._inverse = tuple(inverse)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *(input_shape[d] for d in self.dims))

    def call(self, inputs, training: bool = False):
        return inputs.transpose(0, *self.dims)

    def forward(self, inputs, training: bool = True):
        return self.call(inputs), None

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        return grad_output.transpose(self._inverse) if need_input_grad else None

    def get_config(self) -> dict:
        return {**super().get_config(), "dims": self.dims}  # a tuple, as Keras

    def _repr_args(self) -> str:
        return str(self.dims)

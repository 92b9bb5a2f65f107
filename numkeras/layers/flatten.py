"""`Flatten`: `(batch, d1, d2, ...)` -> `(batch, d1 * d2 * ...)`; the batch axis is kept.

>>> import numpy as np
>>> Flatten()(np.zeros((2, 28, 28))).shape
(2, 784)
"""

from __future__ import annotations

import math

from numkeras.layers import conv_utils as cu
from numkeras.layers.input_spec import InputSpec
from numkeras.layers.layer import Layer


class Flatten(Layer):
    symbolic_keeps_input_dtype = True  # (only moves values: its output says int, as Keras's)
    integer_inputs = "keep"

    def __init__(self, data_format: str | None = None, **kwargs):
        # (as Keras's: any case, and None is `image_data_format()`'s, read now)
        data_format = cu.standardize_data_format(data_format)
        super().__init__(**kwargs)
        self.data_format = data_format
        self.input_spec = InputSpec(min_ndim=1)

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        size = None if any(d is None for d in rest) else math.prod(rest)
        return (input_shape[0], size)

    def call(self, inputs, training: bool = False):
        if self.data_format == "channels_first" and inputs.ndim > 2:
            inputs = inputs.transpose(0, *range(2, inputs.ndim), 1)
        # (the size, not -1: NumPy cannot infer -1 for a batch of 0 rows)
        return inputs.reshape(inputs.shape[0], math.prod(inputs.shape[1:]))

    def forward(self, inputs, training: bool = True):
        return self.call(inputs), inputs.shape

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        shape = cache
        if self.data_format == "channels_first" and len(shape) > 2:
            moved = (shape[0], *shape[2:], shape[1])
            g = grad_output.reshape(moved)
            return g.transpose(0, len(shape) - 1, *range(1, len(shape) - 1))
        return grad_output.reshape(shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format}

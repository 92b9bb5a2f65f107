"""`ZeroPadding2D`: add rows and columns of zeros around each image. `padding` is an int
(all four sides), `(rows, cols)` (symmetric) or `((top, bottom), (left, right))`.

>>> import numpy as np
>>> ZeroPadding2D(((1, 0), (0, 2)))(np.ones((1, 2, 2, 3))).shape
(1, 3, 4, 3)
"""

from __future__ import annotations

from numkeras import backend
from numkeras.layers import conv_utils as cu
from numkeras.layers.layer import Layer


class ZeroPadding2D(Layer):
    integer_inputs = "keep"  # (moves values: integers stay integers)

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        padding = cu.standardize_pairs(padding, "padding")
        data_format = cu.standardize_data_format(data_format)
        super().__init__(**kwargs)
        self.padding = padding
        self.data_format = data_format
        self.input_spec = cu.SpatialInputSpec(2, data_format)

    def _widths(self):
        if self.data_format == "channels_last":
            return ((0, 0), *self.padding, (0, 0))
        return ((0, 0), (0, 0), *self.padding)

    def compute_output_shape(self, input_shape):
        return tuple(
            None if d is None else d + a + b for d, (a, b) in zip(input_shape, self._widths())
        )

    def call(self, inputs, training: bool = False):
        return backend.xp.pad(inputs, self._widths(), mode="constant")

    def forward(self, inputs, training: bool = True):
        return self.call(inputs), None

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        if not need_input_grad:
            return None
        index = tuple(slice(a, d - b) for d, (a, b) in zip(grad_output.shape, self._widths()))
        return grad_output[index]

    def get_config(self) -> dict:
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}

    def _repr_args(self) -> str:
        return f"{self.padding}"

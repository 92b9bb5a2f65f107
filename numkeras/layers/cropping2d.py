"""`Cropping2D`: remove rows and columns at the edges of each image. `cropping` is an int
(all four sides), `(rows, cols)` (symmetric) or `((top, bottom), (left, right))`.

>>> import numpy as np
>>> Cropping2D(((1, 0), (0, 2)))(np.ones((1, 4, 5, 3))).shape
(1, 3, 3, 3)
"""

from __future__ import annotations

from numkeras import backend
from numkeras.errors import ShapeError, format_shape
from numkeras.layers import conv_utils as cu
from numkeras.layers.layer import Layer


class Cropping2D(Layer):
    integer_inputs = "keep"  # (moves values: integers stay integers)

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        cropping = cu.standardize_pairs(cropping, "cropping")
        data_format = cu.standardize_data_format(data_format)
        super().__init__(**kwargs)
        self.cropping = cropping
        self.data_format = data_format
        self.input_spec = cu.SpatialInputSpec(2, data_format)

    def _widths(self):
        if self.data_format == "channels_last":
            return ((0, 0), *self.cropping, (0, 0))
        return ((0, 0), (0, 0), *self.cropping)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        out = []
        for d, (a, b) in zip(input_shape, self._widths()):
            if d is not None and (a or b) and a + b >= d:
                raise ShapeError(
                    f"Layer '{self.name}' (Cropping2D) cannot crop {self.cropping} "
                    f"from inputs of shape {format_shape(input_shape)}: the cropping must be "
                    "smaller than the corresponding spatial size of the input."
                )
            out.append(None if d is None else d - a - b)
        return tuple(out)

    def call(self, inputs, training: bool = False):
        self.compute_output_shape(inputs.shape)
        index = tuple(slice(a, d - b) for d, (a, b) in zip(inputs.shape, self._widths()))
        return inputs[index]

    def forward(self, inputs, training: bool = True):
        return self.call(inputs), None

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        if not need_input_grad:
            return None
        return backend.xp.pad(grad_output, self._widths(), mode="constant")

    def get_config(self) -> dict:
        return {**super().get_config(), "cropping": self.cropping, "data_format": self.data_format}

    def _repr_args(self) -> str:
        return f"{self.cropping}"

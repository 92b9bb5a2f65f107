"""`BaseGlobalPooling`: the mean or maximum over all spatial axes, behind
`GlobalAveragePooling1D/2D` and `GlobalMaxPooling1D/2D` (Keras 3's semantics).

`keepdims=True` keeps the spatial axes with size 1. The gradient of the maximum is shared
equally among the tied maxima of a channel, as JAX's `max` gradient is.
"""

from __future__ import annotations

from numkeras import backend
from numkeras.layers import conv_utils as cu
from numkeras.layers.layer import Layer


class BaseGlobalPooling(Layer):
    built_at_init = True  # (no weights: built when made, as in Keras 3)
    rank = 2
    pool_mode = "max"

    @property
    def integer_inputs(self) -> str:
        # (max selects values, so integers stay integers; a mean is a float)
        return "keep" if self.pool_mode == "max" else "float"

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs):
        data_format = cu.standardize_data_format(data_format)
        super().__init__(**kwargs)
        self.data_format = data_format
        self.keepdims = bool(keepdims)
        self.input_spec = cu.SpatialInputSpec(self.rank, data_format)

    def _axes(self) -> tuple:
        return cu.spatial_axes(self.rank, self.data_format)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        channels = input_shape[cu.channel_axis(self.data_format)]
        if not self.keepdims:
            return (input_shape[0], channels)
        if self.data_format == "channels_last":
            return (input_shape[0], *(1,) * self.rank, channels)
        return (input_shape[0], channels, *(1,) * self.rank)

    def call(self, inputs, training: bool = False):
        if self.pool_mode == "max":
            return inputs.max(axis=self._axes(), keepdims=self.keepdims)
        return inputs.mean(axis=self._axes(), keepdims=self.keepdims)

    def forward(self, inputs, training: bool = True):
        y = self.call(inputs)
        return y, (inputs if self.pool_mode == "max" else inputs.shape, y)

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        if not need_input_grad:
            return None
        xp = backend.xp
        x_or_shape, y = cache
        axes = self._axes()
        dy = grad_output if self.keepdims else xp.expand_dims(grad_output, axes)
        if self.pool_mode == "average":
            shape = x_or_shape
            size = cu.prod(shape[a] for a in axes)
            return xp.broadcast_to(dy / dy.dtype.type(size), shape).copy()
        hit, counts = self.maxima(x_or_shape, y, dy.dtype)
        return xp.multiply(hit, dy / counts, dtype=dy.dtype)

    def maxima(self, x, y, dtype) -> tuple:
        """`(hit, counts)`: where `x` holds its window's maximum `y`, and how many times
        (kept dimensions, as `dtype`); ties share the gradient."""
        axes = self._axes()
        top = y if self.keepdims else backend.xp.expand_dims(y, axes)
        hit = x == top
        return hit, hit.sum(axis=axes, keepdims=True).astype(dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}

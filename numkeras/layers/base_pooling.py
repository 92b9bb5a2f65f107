"""`BasePooling`: the max and average pooling behind `MaxPooling1D/2D` and
`AveragePooling1D/2D` (Keras 3's semantics on JAX).

- windows of `pool_size`, `strides` apart (`strides` defaults to `pool_size`);
- `padding="valid"` drops the positions a window does not fit; `"same"` pads as XLA does
  (the larger half after) and gives `ceil(size / stride)` outputs;
- max pooling ignores the padding; its gradient goes to the first maximum of each window
  in row-major window order (XLA's select-and-scatter, which JAX differentiates with), and
  overlapping windows add up;
- average pooling with "same" padding divides by the number of real inputs in each window.
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.backend import fused
from numkeras.errors import ArgumentTypeError
from numkeras.layers import conv_utils as cu
from numkeras.layers.layer import Layer, keras1_arguments

# Keras 1's names, which Keras 2.0-2.3 still took (`MaxPooling2D((2, 2), border_mode="same")`,
# `MaxPooling1D(pool_length=2, stride=1)`), per rank
_KERAS1 = {
    1: {"pool_length": "pool_size", "stride": "strides", "border_mode": "padding"},
    2: {"border_mode": "padding", "dim_ordering": "data_format"},
    3: {"border_mode": "padding", "dim_ordering": "data_format"},
}


class BasePooling(Layer):
    built_at_init = True  # (no weights: built when made, as in Keras 3)
    rank = 2
    pool_mode = "max"

    @property
    def integer_inputs(self) -> str:
        # (max selects values, so integers stay integers; a mean is a float)
        return "keep" if self.pool_mode == "max" else "float"

    def __init__(
        self,
        pool_size,
        strides=None,
        padding: str = "valid",
        data_format: str | None = None,
        **kwargs,
    ):
        rank = self.rank
        if any(k in kwargs for k in _KERAS1[rank]):
            from numkeras.layers.base_conv import DIM_ORDERING

            legacy = keras1_arguments(type(self).__name__, kwargs, _KERAS1[rank])
            pool_size = legacy.pop("pool_size", pool_size)
            strides = legacy.pop("strides", strides)
            padding = legacy.pop("padding", padding)
            data_format = legacy.pop("data_format", data_format)
            data_format = DIM_ORDERING.get(data_format, data_format)
            kwargs = legacy
        if pool_size is None:  # (AveragePooling1D's default: Keras 1's `pool_length=` may give it)
            name = type(self).__name__
            keras1 = " (or Keras 1's `pool_length=2`)" if rank == 1 else ""
            raise ArgumentTypeError(
                f"{name}.__init__() missing required argument: pool_size. Pass the "
                f"window's size, e.g. `{name}(2)`{keras1}."
            )
        pool_size = cu.standardize_tuple(pool_size, rank, "pool_size")
        strides = pool_size if strides is None else strides
        strides = cu.standardize_tuple(strides, rank, "strides")
        padding = cu.standardize_padding(padding)
        data_format = cu.standardize_data_format(data_format)
        super().__init__(**kwargs)
        self.pool_size = pool_size
        self.strides = strides
        self.padding = padding
        self.data_format = data_format
        self.input_spec = cu.SpatialInputSpec(rank, data_format)

    def _geometry(self, input_shape):
        sizes = tuple(input_shape[a] for a in cu.spatial_axes(self.rank, self.data_format))
        ones = (1,) * self.rank
        outs = tuple(
            cu.out_size(n, k, 1, s, self.padding)
            for n, k, s in zip(sizes, self.pool_size, self.strides)
        )
        if any(o is not None and o <= 0 for o in outs):
            raise cu.window_too_big(
                self, input_shape, self.pool_size, ones, self.strides, self.padding, "pool window"
            )
        return sizes, outs

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        _, outs = self._geometry(input_shape)
        if self.data_format == "channels_last":
            return (input_shape[0], *outs, input_shape[-1])
        return (input_shape[0], input_shape[1], *outs)

    def _forward(self, inputs, keep: bool):
        """The pooled output, one pass per window offset over strided views of the padded
        input (no window copy); with `keep`, what `backward` needs."""
        xp = backend.xp
        x = cu.to_last(inputs, self.data_format)
        sizes, outs = self._geometry(inputs.shape)
        ones = (1,) * self.rank
        pads = cu.pads_for(self.padding, sizes, self.pool_size, ones, self.strides)
        fill = -xp.inf if self.pool_mode == "max" else 0.0
        exact = x.dtype.kind != "f"  # (integers: NumPy only, the fused kernels take floats)
        if exact:
            fill = np.iinfo(x.dtype).min if x.dtype.kind != "b" else False
        xpad = cu.pad(x, pads, fill)
        offsets = cu.window_slices(self.pool_size, ones, self.strides, outs)
        geometry = (xpad.shape, pads, sizes, outs)
        # (int32, the width of float32: the fused kernel's compare-and-select then runs
        # vectorized, 4.5x as fast as with uint8 indices)
        index_dtype = "int32"
        if self.pool_mode == "max" and self.rank <= 2 and not exact and fused.available():
            y = xp.empty((x.shape[0], *outs, x.shape[-1]), x.dtype)
            index = xp.empty(y.shape if keep else (1,) * y.ndim, index_dtype)
            if fused.run("max_pool2d", *self._as_2d(xpad, y, index), keep):
                return y, ((index if keep else None), geometry)
        y = xp.array(xpad[offsets[0]], copy=True)
        if self.pool_mode == "max":
            # a strictly greater value replaces the best so far: ties keep the first maximum
            # in row-major window order, where XLA's select-and-scatter sends the gradient;
            # a NaN replaces it too, so a window with one gives NaN, as XLA's max does
            index = xp.zeros(y.shape, index_dtype) if keep else None
            for k, view in enumerate(offsets[1:], start=1):
                v = xpad[view]
                better = v > y
                if not exact:
                    better |= xp.isnan(v)
                xp.copyto(y, v, where=better)
                if keep:
                    xp.copyto(index, k, where=better)
            return y, (index, geometry)
        for view in offsets[1:]:
            y += xpad[view]
        counts = None
        if self.padding == "same" and any(a or b for a, b in pads):
            counts = cu.window_counts(sizes, outs, self.pool_size, self.strides, pads, y.dtype)
            y /= counts
        else:
            y /= y.dtype.type(len(offsets))
        return y, (counts, geometry)

    def _as_2d(self, x, y, index) -> tuple:
        """The arguments of the 2-D max-pooling kernels (`backend.fused`): `(x, y, index,
        ph, pw, sh, sw)`, a 1-D layer's arrays as views with one row."""
        pool, strides = self.pool_size, self.strides
        if self.rank == 1:
            x, y = x[:, None], y[:, None]
            index = index[:, None] if index.ndim == 3 else index.reshape(1, 1, 1, 1)
            pool, strides = (1, *pool), (1, *strides)
        return (x, y, index, *pool, *strides)

    def call(self, inputs, training: bool = False):
        y, _ = self._forward(inputs, keep=False)
        return cu.from_last(y, self.data_format)

    def forward(self, inputs, training: bool = True):
        y, cache = self._forward(inputs, keep=True)
        return cu.from_last(y, self.data_format), cache

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        if not need_input_grad:
            return None
        xp = backend.xp
        dy = cu.to_last(grad_output, self.data_format)
        extra, (padded_shape, pads, _, outs) = cache
        offsets = cu.window_slices(self.pool_size, (1,) * self.rank, self.strides, outs)
        dx = xp.zeros(padded_shape, dy.dtype)
        if self.pool_mode == "max":
            if self.rank <= 2:
                dx2, y2, index2, ph, pw, sh, sw = self._as_2d(dx, dy, extra)
                if fused.run("max_pool2d_grad", y2, index2, ph, pw, sh, sw, dx2) is not None:
                    return cu.from_last(cu.crop(dx, pads), self.data_format)
            for k, view in enumerate(offsets):  # each window's gradient to its first maximum
                dx[view] += xp.where(extra == k, dy, 0)  # (not dy * mask: inf * 0 is NaN)
        else:
            share = dy / extra if extra is not None else dy / dy.dtype.type(len(offsets))
            for view in offsets:
                dx[view] += share
        return cu.from_last(cu.crop(dx, pads), self.data_format)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "pool_size": self.pool_size,
            "padding": self.padding,
            "strides": self.strides,
            "data_format": self.data_format,
        }

    def _repr_args(self) -> str:
        p = self.pool_size[0] if len(set(self.pool_size)) == 1 else self.pool_size
        return f"{p}"

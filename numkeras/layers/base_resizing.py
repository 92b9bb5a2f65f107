"""The N-D image-reshaping layers behind `UpSampling1D/3D`, `ZeroPadding1D/3D` and
`Cropping1D/3D` (Keras 3's semantics; the 2-D ones have their own modules):

- `BaseUpSampling`: repeat each spatial position `size[i]` times along axis `i` (nearest);
  its gradient sums each block of repeats;
- `BaseZeroPadding`: zeros before and after each spatial axis; its gradient is the slice;
- `BaseCropping`: the slice; its gradient is the zero padding.

Subclasses set `rank` and standardize their argument into `pairs` (one `(before, after)`
per spatial axis) or `size` (one factor per spatial axis).
"""

from __future__ import annotations

from numkeras import backend
from numkeras.errors import ShapeError, format_shape
from numkeras.layers import conv_utils as cu
from numkeras.layers.layer import Layer


class _Spatial(Layer):
    rank = 1
    has_data_format = True  # Keras's UpSampling1D and Cropping1D have no data_format

    def __init__(self, data_format=None, **kwargs):
        data_format = cu.standardize_data_format(data_format) if self.has_data_format else None
        super().__init__(**kwargs)
        self.data_format = data_format or "channels_last"
        self.input_spec = cu.SpatialInputSpec(self.rank, self.data_format)

    def _axes(self) -> tuple:
        return cu.spatial_axes(self.rank, self.data_format)

    def forward(self, inputs, training: bool = True):
        return self.call(inputs), inputs.shape

    def get_config(self) -> dict:
        config = super().get_config()
        if self.has_data_format:
            config["data_format"] = self.data_format
        return config


class BaseUpSampling(_Spatial):
    integer_inputs = "keep"  # (moves values: integers stay integers)
    size: tuple

    def compute_output_shape(self, input_shape):
        out = list(input_shape)
        for a, f in zip(self._axes(), self.size):
            out[a] = None if out[a] is None else out[a] * f
        return tuple(out)

    def call(self, inputs, training: bool = False):
        for a, f in zip(self._axes(), self.size):
            inputs = backend.xp.repeat(inputs, f, axis=a)
        return inputs

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        if not need_input_grad:
            return None
        shape = list(cache)
        split = []  # each spatial axis n * f as (n, f), summed over f
        for i, d in enumerate(shape):
            if i in self._axes():
                split += [d, self.size[self._axes().index(i)]]
            else:
                split.append(d)
        sum_axes = tuple(a + k + 1 for k, a in enumerate(self._axes()))
        return grad_output.reshape(split).sum(axis=sum_axes)

    def _repr_args(self) -> str:
        return f"size={self.size}"


class _Widths(_Spatial):
    pairs: tuple

    def _widths(self) -> tuple:
        if self.data_format == "channels_last":
            return ((0, 0), *self.pairs, (0, 0))
        return ((0, 0), (0, 0), *self.pairs)


class BaseZeroPadding(_Widths):
    integer_inputs = "keep"  # (moves values: integers stay integers)

    def compute_output_shape(self, input_shape):
        return tuple(
            None if d is None else d + a + b for d, (a, b) in zip(input_shape, self._widths())
        )

    def call(self, inputs, training: bool = False):
        return backend.xp.pad(inputs, self._widths(), mode="constant")

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        if not need_input_grad:
            return None
        index = tuple(slice(a, d - b) for d, (a, b) in zip(grad_output.shape, self._widths()))
        return grad_output[index]

    def _repr_args(self) -> str:
        return f"{self.padding}"


class BaseCropping(_Widths):
    integer_inputs = "keep"  # (moves values: integers stay integers)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        out = []
        for d, (a, b) in zip(input_shape, self._widths()):
            if d is not None and (a or b) and a + b >= d:
                raise ShapeError(
                    f"Layer '{self.name}' ({type(self).__name__}) cannot crop "
                    f"{self.cropping} from inputs of shape {format_shape(input_shape)}: the "
                    "cropping must be smaller than the corresponding spatial size of the input."
                )
            out.append(None if d is None else d - a - b)
        return tuple(out)

    def call(self, inputs, training: bool = False):
        self.compute_output_shape(inputs.shape)
        index = tuple(slice(a, d - b) for d, (a, b) in zip(inputs.shape, self._widths()))
        return inputs[index]

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        if not need_input_grad:
            return None
        return backend.xp.pad(grad_output, self._widths(), mode="constant")

    def _repr_args(self) -> str:
        return f"{self.cropping}"

"""`UpSampling2D`: repeat each row `size[0]` times and each column `size[1]` times
(`interpolation="nearest"`), or interpolate linearly (`"bilinear"`, with half-pixel centers
and clamped edges, as Keras's `ops.image.resize` on JAX), or with `"bicubic"`, `"lanczos3"`
or `"lanczos5"` kernels (jax.image.resize's weights, `image_utils.resize_matrix`). Keras
also lists `"area"`, which its JAX resize rejects when called; numkeras rejects it at once.

>>> import numpy as np
>>> UpSampling2D()(np.array([[[[1.0], [2.0]]]]))[0, :, :, 0]
array([[1., 1., 2., 2.],
       [1., 1., 2., 2.]], dtype=float32)
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError
from numkeras.layers import conv_utils as cu
from numkeras.layers import image_utils
from numkeras.layers.integer_inputs import as_float, rounded_to
from numkeras.layers.layer import Layer

_KERAS_ONLY = ("area",)
_INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "lanczos3", "lanczos5")


def _linear_weights(size: int, factor: int, dtype):
    """The `(size * factor, size)` matrix of linear interpolation with half-pixel centers,
    clamped at the edges."""
    out = np.arange(size * factor)
    center = np.clip((out + 0.5) / factor - 0.5, 0, size - 1)
    low = np.floor(center).astype(int)
    high = np.minimum(low + 1, size - 1)
    frac = center - low
    w = np.zeros((size * factor, size))
    np.add.at(w, (out, low), 1 - frac)
    np.add.at(w, (out, high), frac)
    return backend.xp.asarray(w.astype(dtype))


class UpSampling2D(Layer):
    # (nearest repeats values; the others interpolate in floats and round back to the
    # integer dtype, as Keras's resize)
    integer_inputs = "keep"

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        size = cu.standardize_tuple(size, 2, "size")
        data_format = cu.standardize_data_format(data_format)
        if not isinstance(interpolation, str):
            raise ConfigError(f"`interpolation` must be a string. Received: {interpolation!r}")
        interpolation = interpolation.lower()
        if interpolation in _KERAS_ONLY:
            raise ConfigError(
                f"UpSampling2D(interpolation={interpolation!r}) is not supported by numkeras "
                "(Keras's JAX resize rejects it too when called); use one of "
                f"{', '.join(map(repr, _INTERPOLATIONS))}."
            )
        if interpolation not in _INTERPOLATIONS:
            raise ConfigError(
                f"`interpolation` must be one of {', '.join(map(repr, _INTERPOLATIONS))}. "
                f"Received: {interpolation!r}"
            )
        super().__init__(**kwargs)
        self.size = size
        self.data_format = data_format
        self.interpolation = interpolation
        self.input_spec = cu.SpatialInputSpec(2, data_format)

    def compute_output_shape(self, input_shape):
        out = list(input_shape)
        for a, f in zip(cu.spatial_axes(2, self.data_format), self.size):
            out[a] = None if out[a] is None else out[a] * f
        return tuple(out)

    def call(self, inputs, training: bool = False):
        xp = backend.xp
        (a1, a2), (f1, f2) = cu.spatial_axes(2, self.data_format), self.size
        if self.interpolation == "nearest":
            return xp.repeat(xp.repeat(inputs, f1, axis=a1), f2, axis=a2)
        if inputs.dtype.kind != "f":
            return rounded_to(self.call(as_float(inputs, self.dtype)), inputs.dtype)
        x = cu.to_last(inputs, self.data_format)
        w1 = self._weights(x.shape[1], f1, x.dtype)
        w2 = self._weights(x.shape[2], f2, x.dtype)
        y = xp.einsum("oh,nhwc->nowc", w1, x)
        return cu.from_last(xp.einsum("pw,nowc->nopc", w2, y), self.data_format)

    def _weights(self, size: int, factor: int, dtype):
        """The `(size * factor, size)` interpolation matrix of one axis."""
        if self.interpolation == "bilinear":
            return _linear_weights(size, factor, dtype)
        m = image_utils.resize_matrix(size, size * factor, self.interpolation)
        m = np.eye(size) if m is None else m  # (factor 1: the axis is left as it is)
        return backend.xp.asarray(m.astype(dtype))

    def forward(self, inputs, training: bool = True):
        return self.call(inputs), inputs.shape

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        if not need_input_grad:
            return None
        xp = backend.xp
        shape = cache
        f1, f2 = self.size
        if self.interpolation == "nearest":
            if self.data_format == "channels_last":
                n, h, w, c = shape
                return grad_output.reshape(n, h, f1, w, f2, c).sum(axis=(2, 4))
            n, c, h, w = shape
            return grad_output.reshape(n, c, h, f1, w, f2).sum(axis=(3, 5))
        dy = cu.to_last(grad_output, self.data_format)
        h, w = (shape[1], shape[2]) if self.data_format == "channels_last" else shape[2:]
        w1 = self._weights(h, f1, dy.dtype)
        w2 = self._weights(w, f2, dy.dtype)
        g = xp.einsum("pw,nopc->nowc", w2, dy)
        return cu.from_last(xp.einsum("oh,nowc->nhwc", w1, g), self.data_format)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "size": self.size,
            "data_format": self.data_format,
            "interpolation": self.interpolation,
        }

    def _repr_args(self) -> str:
        return f"size={self.size}"

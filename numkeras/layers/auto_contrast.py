"""`AutoContrast(value_range=(0, 255))`: stretch each channel of each image so that its
smallest value becomes `value_range[0]` and its largest `value_range[1]` (in the [0, 255]
scale: `(v - min) * 255 / (max - min)`, clipped). Not random: active in training and at
inference, as Keras 3's. A constant channel (max == min) is left as it is (Keras: its NaN
results are replaced by the input).

Gradient: as Keras's JAX autodiff of the stretch: through the scale and offset, the clip
(half a gradient at a bound, as `jnp.clip`) and each channel's minimum and maximum (split
among tied pixels, as `jnp.min` / `jnp.max`), so a layer before it in a model trains. A
constant channel passes its gradient unchanged (it is passed through unchanged; Keras-JAX's
gradient there is NaN: `0 * inf` through the scale).

Deviation from Keras 3.15: with `data_format="channels_first"`, Keras takes the minimum
and maximum over axes (1, 2), i.e. over channels and rows; this layer uses the spatial
axes for either data format (per channel, as for "channels_last"). Bad arguments raise
ConfigError.

>>> import numpy as np
>>> x = np.array([[[[50.0], [100.0]], [[75.0], [150.0]]]])  # 2 x 2, one channel
>>> AutoContrast()(x)[0, ..., 0]
array([[  0.  , 127.5 ],
       [ 63.75, 255.  ]], dtype=float32)
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.layers import image_utils as iu


class AutoContrast(iu.ImageLayer):
    masks_follow = "keep"  # (a dict's segmentation masks pass unchanged, as Keras's)

    def __init__(self, value_range=(0, 255), **kwargs):
        value_range = sorted(iu.check_value_range(type(self).__name__, value_range))
        super().__init__(**kwargs)
        self.value_range = value_range

    def _transform(self, x, training: bool):
        xp = backend.xp
        t = x.dtype.type
        y = iu.to_value_range(x, self.value_range, (0, 255))
        axes = iu.spatial_axes(4, self.data_format)
        low = xp.min(y, axis=axes, keepdims=True)
        high = xp.max(y, axis=axes, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            scale = t(255) / (high - low)
            z = y * scale + (-low * scale)
            r = iu.to_value_range(xp.clip(z, t(0), t(255)), (0, 255), self.value_range)
        nan = xp.isnan(r)
        out = xp.where(nan, x, r).astype(x.dtype, copy=False)
        return out, _StretchGradient(self.value_range, axes, y, z, low, high, scale, nan)

    def get_config(self) -> dict:
        return {**super().get_config(), "value_range": self.value_range}

    def _repr_args(self) -> str:
        return f"value_range={self.value_range!r}"


class _StretchGradient:
    """Backward pass of the stretch `r = clip((y - low) * scale)`, `scale = 255 / (high -
    low)` (`y` the input in the [0, 255] scale), as JAX differentiates Keras's ops; where
    the result is NaN (a constant channel) the input's own gradient passes."""

    def __init__(self, value_range, axes, y, z, low, high, scale, nan):
        self.value_range, self.axes = value_range, axes
        self.y, self.z, self.low, self.high, self.scale, self.nan = y, z, low, high, scale, nan

    def transpose(self, g, data_format: str):
        xp, axes = backend.xp, self.axes
        y, z, low, high, nan = self.y, self.z, self.low, self.high, self.nan
        t = g.dtype.type
        a, b = self.value_range
        unit = (a, b) == (0, 255)  # (no conversion to and from the [0, 255] scale)
        gr = xp.where(nan, t(0), g)
        if not unit:
            gr = gr * t(b - a) / t(255)
        # jnp.clip: 1 inside, 1/2 at a bound (lax.max / lax.min split ties), 0 outside
        inside = xp.where((z > 0) & (z < 255), t(1), xp.where((z == 0) | (z == 255), t(0.5), t(0)))
        gz = gr * inside
        finite = xp.isfinite(self.scale)  # (a constant channel: infinite scale, all NaN)
        scale = xp.where(finite, self.scale, t(0))
        span = xp.where(finite, high - low, t(1))
        g_offset = xp.sum(gz, axis=axes, keepdims=True)
        g_scale = xp.sum(xp.where(nan, t(0), y) * gz, axis=axes, keepdims=True)
        g_scale = g_scale - xp.where(finite, low, t(0)) * g_offset  # (offset = -low * scale)
        d_scale = scale / span  # (d scale / d low; minus that for high)
        g_low = -scale * g_offset + g_scale * d_scale
        g_high = -g_scale * d_scale
        gy = gz * scale
        for bound, g_bound in ((low, g_low), (high, g_high)):
            at = (y == bound) & finite
            count = xp.maximum(xp.sum(at, axis=axes, keepdims=True), 1).astype(g.dtype)
            gy = gy + xp.where(at, g_bound / count, t(0))
        if not unit:
            gy = gy * t(255) / t(b - a)
        return xp.where(nan, g, gy).astype(g.dtype, copy=False)

"""`AutoContrast(value_range=(0, 255))`: stretch each channel of each image so that its
smallest value becomes `value_range[0]` and its largest `value_range[1]` (in the [0, 255]
scale: `(v - min) * 255 / (max - min)`, clipped). Not random: active in training and at
inference, as Keras 3's. A constant channel (max == min) is left as it is (Keras: its NaN
results are replaced by the input).

Gradient: none. The min/max stretch is not differentiated (this layer normally sits at a
model's input, where no input gradient is needed): its backward pass gives zeros.

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
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = t(255) / (high - low)
            y = xp.clip(y * scale + (-low * scale), t(0), t(255))
            y = iu.to_value_range(y, (0, 255), self.value_range)
        out = xp.where(xp.isnan(y), x, y).astype(x.dtype, copy=False)
        return out, iu.NoGradient()

    def get_config(self) -> dict:
        return {**super().get_config(), "value_range": self.value_range}

    def _repr_args(self) -> str:
        return f"value_range={self.value_range!r}"

"""`Equalization(value_range=(0, 255), bins=256, data_format=None)`: in training,
equalize the histogram of each channel of each image; at inference (`training=False`),
the identity (as Keras 3, whose `transform_images` only equalizes in training; a direct
call without `training=` equalizes).

Keras's algorithm: values are mapped from `value_range` to [0, 255] and sorted into
`bins` bins; the cumulative histogram `cdf` gives the lookup table
`round(255 (cdf - cdf_min) / (cdf[-1] - cdf_min))`, where `cdf_min` is its first nonzero
entry; each value is replaced by the table entry of its bin, and mapped back. A channel
whose values all fall into one bin is left as it is.

Gradient: none. Equalization is piecewise constant: the backward pass gives zeros.

Deviation from Keras 3.15: on a batch, Keras pools each channel's histogram over all the
images of the batch, so an image's result depends on the others in its batch; here each
image is equalized on its own (as Keras does for a single image, and as PIL's
`ImageOps.equalize`). Bad arguments raise ConfigError.

>>> import numpy as np
>>> x = np.array([[[[10.0], [10.0]], [[20.0], [200.0]]]])  # 2 x 2, one channel
>>> Equalization()(x)[0, ..., 0]
array([[  0.,   0.],
       [128., 255.]], dtype=float32)
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.layers import image_utils as iu


def _scale(values, source, target):
    # Keras's `_scale_values` (Python-float scale and offset, applied in float32)
    scale = (target[1] - target[0]) / (source[1] - source[0])
    offset = target[0] - source[0] * scale
    t = values.dtype.type
    return values * t(scale) + t(offset)


def equalize_channel(channel, bins: int):
    """One channel (any shape) in the [0, 255] scale, equalized as Keras's
    `_equalize_channel` (float32 arithmetic, as JAX)."""
    t = channel.dtype.type
    scaled = (channel - t(0)) * t(bins - 1) / t(255)
    index = np.clip(scaled.astype(np.int32), 0, bins - 1)
    hist = np.bincount(index.ravel(), minlength=bins)
    if np.count_nonzero(hist) <= 1:
        return channel
    cdf = np.cumsum(hist).astype(np.int32)
    cdf_min = cdf[np.argmax(cdf > 0)]
    denominator = cdf[-1] - cdf_min or 1
    table = ((cdf - cdf_min) * 255).astype(np.float32) / np.float32(denominator)
    table = np.clip(np.round(table), 0, 255).astype(channel.dtype)
    position = (channel / t(255.0)) * t(bins - 1)
    return table[np.clip(position, 0, bins - 1).astype(np.int32)]


class Equalization(iu.AugmentationLayer):
    identity_keeps_integers = True  # (at inference: integer images as they are)

    masks_follow = "keep"  # (a dict's segmentation masks pass unchanged, as Keras's)

    def __init__(self, value_range=(0, 255), bins: int = 256, data_format=None, **kwargs):
        name = type(self).__name__
        value_range = sorted(iu.check_value_range(name, value_range))
        bins = iu.check_size(name, "bins", bins)
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = value_range
        self.bins = bins

    def _transform(self, x, training: bool):
        if not training:
            return x, None
        y = backend.to_numpy(x)  # (a histogram per channel: NumPy loops)
        y = _scale(y, self.value_range, (0, 255))
        y = np.moveaxis(y, 1, -1) if self.data_format == "channels_first" else y
        out = np.empty_like(y)
        for b in range(y.shape[0]):
            for c in range(y.shape[-1]):
                out[b, ..., c] = equalize_channel(y[b, ..., c], self.bins)
        out = np.moveaxis(out, -1, 1) if self.data_format == "channels_first" else out
        out = _scale(out, (0, 255), self.value_range)
        return backend.xp.asarray(np.ascontiguousarray(out), dtype=x.dtype), iu.NoGradient()

    def get_config(self) -> dict:
        return {**super().get_config(), "bins": self.bins, "value_range": self.value_range}

    def _repr_args(self) -> str:
        return f"value_range={self.value_range!r}, bins={self.bins}"

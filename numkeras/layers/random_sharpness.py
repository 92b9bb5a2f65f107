"""`RandomSharpness(factor, value_range=(0, 255), data_format=None, seed=None)`: in
training, sharpen or soften each image by a random amount; at inference
(`training=False`), the identity.

With `s = 2 u`, `u` drawn per image uniformly from `factor`'s range (a number `f` in
[0, 1] gives `(0, f)`; a pair is sorted), the output is `x + (1 - s) * (smooth(x) - x)`
clipped to `value_range`, where `smooth` is Keras's 3x3 filter (1/13 around, 5/13 in the
centre, zero padding at the borders). `u = 0.5` is the identity, `u < 0.5` blurs and
`u > 0.5` sharpens. The backward pass is exact: the filter is symmetric, so its transpose
is itself. A direct call without `training=` augments, as Keras 3's. Bad arguments raise
ConfigError.

>>> import numpy as np
>>> x = np.zeros((1, 3, 3, 1)); x[0, 1, 1, 0] = 130.0
>>> RandomSharpness((0.0, 0.0))(x)[0, ..., 0]  # s = 0: the smoothing filter
array([[10., 10., 10.],
       [10., 50., 10.],
       [10., 10., 10.]], dtype=float32)
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.layers import image_utils as iu

_EDGE, _CENTRE = 1.0 / 13.0, 5.0 / 13.0


def _band(n: int, dtype):
    """Ones on the diagonal and its neighbours: a 3-tap box sum with zero padding."""
    i = np.arange(n)
    return (np.abs(i[:, None] - i[None, :]) <= 1).astype(dtype)


def smooth(x, data_format: str):
    """Keras's sharpness filter, `a * box3x3(x) + (b - a) * x`, zero-padded."""
    h_axis, w_axis = iu.spatial_axes(4, data_format)
    box = iu.along(iu.along(x, _band(x.shape[h_axis], x.dtype), h_axis),
                   _band(x.shape[w_axis], x.dtype), w_axis)  # fmt: skip
    t = x.dtype.type
    return t(_EDGE) * box + t(_CENTRE - _EDGE) * x


class _Sharpness:
    def __init__(self, s, mask):
        self.s = s  # (B, 1, 1, 1)
        self.mask = mask  # where the output was not clipped

    def transpose(self, g, data_format: str):
        g = g * self.mask
        return self.s * g + (1 - self.s) * smooth(g, data_format)


class RandomSharpness(iu.DrawLayer):
    masks_follow = "keep"  # (a dict's segmentation masks pass unchanged, as Keras's)

    def __init__(
        self,
        factor,
        value_range=(0, 255),
        data_format=None,
        seed: int | None = None,
        **kwargs,
    ):
        name = type(self).__name__
        factor = iu.base_factor(name, factor, bounds=(0, 1))
        value_range = sorted(iu.check_value_range(name, value_range))
        super().__init__(data_format=data_format, **kwargs)
        self.factor = factor
        self.value_range = value_range
        self._set_seed(seed)

    def get_random_transformation(self, x) -> dict:
        return {"factor": iu.uniform(self._generator(), *self.factor, (x.shape[0],))}

    def _apply(self, x, transformation: dict):
        xp = backend.xp
        s = xp.asarray(transformation["factor"], dtype=x.dtype).reshape(-1, 1, 1, 1) * 2
        out = x + (1 - s) * (smooth(x, self.data_format) - x)
        low, high = (x.dtype.type(v) for v in self.value_range)
        mask = (out >= low) & (out <= high)
        return xp.clip(out, low, high), _Sharpness(s, mask)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "factor": self.factor,
            "value_range": self.value_range,
            "seed": self.seed,
        }

    def _repr_args(self) -> str:
        return f"factor={self.factor}, value_range={self.value_range!r}"

"""`RandomSaturation(factor, value_range=(0, 255), data_format=None, seed=None)`: in
training, scale each RGB image's saturation (in HSV) by a random amount; at inference
(`training=False`), the identity.

Per image, `u` is drawn uniformly from `factor`'s range (a number `f` in [-1, 1] gives
`(-|f|, |f|)`, a pair is sorted, as Keras 3's base factor) and the saturation is
multiplied by `u / (1 - u + 1e-7)`, then clipped to `value_range`: `u = 0.5` keeps the
image, `u <= 0` makes it gray, `u -> 1` saturates it fully. HSV conversions are Keras's
(`ops.image.rgb_to_hsv`/`hsv_to_rgb`), applied to the values as they are (hue and
saturation do not depend on the scale).

Gradient: none. The HSV round trip is not differentiated (this layer normally sits at a
model's input): its backward pass gives zeros. A direct call without `training=`
augments, as Keras's. Bad arguments raise ConfigError; a channel count other than 3
raises ShapeError.

>>> import numpy as np
>>> x = np.array([[[[200.0, 100.0, 50.0]]]])
>>> RandomSaturation((0.0, 0.0))(x)[0, 0, 0]  # saturation 0: gray at the max value
array([200., 200., 200.], dtype=float32)
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.backend import epsilon
from numkeras.layers import image_utils as iu


class RandomSaturation(iu.DrawLayer):
    identity_keeps_integers = True  # (at inference: integer images as they are)

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
        factor = iu.base_factor(name, factor, bounds=(-1, 1))
        value_range = sorted(iu.check_value_range(name, value_range))
        super().__init__(data_format=data_format, **kwargs)
        self.factor = factor
        self.value_range = value_range
        self._set_seed(seed)

    def get_random_transformation(self, x) -> dict:
        u = iu.uniform(self._generator(), *self.factor, (x.shape[0],))
        return {"factor": u / (np.float32(1) - u + np.float32(epsilon()))}

    def _apply(self, x, transformation: dict):
        xp = backend.xp
        axis = 3 if self.data_format == "channels_last" else 1
        iu.check_rgb(self, x, axis)
        factor = xp.asarray(transformation["factor"], dtype=x.dtype).reshape(-1, 1, 1)
        hsv = iu.rgb_to_hsv(x, axis)
        h, s, v = (xp.take(hsv, i, axis=axis) for i in range(3))
        low, high = (x.dtype.type(b) for b in self.value_range)
        s = xp.clip(s * factor, low, high)
        out = iu.hsv_to_rgb(xp.stack([h, s, v], axis=axis), axis)
        return out.astype(x.dtype, copy=False), iu.NoGradient()

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "factor": self.factor,
            "value_range": self.value_range,
            "seed": self.seed,
        }

    def _repr_args(self) -> str:
        return f"factor={self.factor}, value_range={self.value_range!r}"

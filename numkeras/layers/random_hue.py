"""`RandomHue(factor, value_range=(0, 255), data_format=None, seed=None)`: in training,
rotate each RGB image's hue (in HSV) by a random amount; at inference
(`training=False`), the identity.

Per image, `u` is drawn uniformly from `factor`'s range (a number `f` in [0, 1] gives
`(0, f)`, a pair is sorted) and negated with probability 1/2; the hue moves by `u / 2`
of a full turn (wrapped into [0, 1]). Values are mapped from `value_range` to [0, 1],
converted with Keras's `ops.image.rgb_to_hsv`/`hsv_to_rgb`, clipped to [0, 1] and mapped
back. As Keras, `value_range` is kept as given.

Gradient: none. The HSV round trip is not differentiated (this layer normally sits at a
model's input): its backward pass gives zeros. A direct call without `training=`
augments, as Keras's. Bad arguments raise ConfigError; a channel count other than 3
raises ShapeError.

>>> import numpy as np
>>> x = np.array([[[[255.0, 0.0, 0.0]]]])  # red
>>> RandomHue(1.0).transform_images(x, {"factor": [1 / 3]})[0, 0, 0]  # to green
array([  0., 255.,   0.], dtype=float32)
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.layers import image_utils as iu


class RandomHue(iu.DrawLayer):
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
        factor = iu.base_factor(name, factor, bounds=(0, 1))
        value_range = iu.check_value_range(name, value_range)
        super().__init__(data_format=data_format, **kwargs)
        self.factor = factor
        self.value_range = value_range
        self._set_seed(seed)

    def get_random_transformation(self, x) -> dict:
        generator = self._generator()
        batch = x.shape[0]
        invert = np.where(iu.uniform(generator, 0.0, 1.0, (batch,)) > 0.5, -1, 1)
        u = iu.uniform(generator, *self.factor, (batch,))
        return {"factor": (invert * u * np.float32(0.5)).astype(np.float32)}

    def _apply(self, x, transformation: dict):
        xp = backend.xp
        t = x.dtype.type
        axis = 3 if self.data_format == "channels_last" else 1
        iu.check_rgb(self, x, axis)
        shift = xp.asarray(transformation["factor"], dtype=x.dtype).reshape(-1, 1, 1)
        y = iu.to_value_range(x, self.value_range, (0, 1))
        hsv = iu.rgb_to_hsv(y, axis)
        h, s, v = (xp.take(hsv, i, axis=axis) for i in range(3))
        h = h + shift
        h = xp.where(h > 1, h - t(1), h)
        h = xp.where(h < 0, h + t(1), h)
        y = xp.clip(iu.hsv_to_rgb(xp.stack([h, s, v], axis=axis), axis), t(0), t(1))
        out = iu.to_value_range(y, (0, 1), self.value_range)
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

"""`RandomColorDegeneration(factor, value_range=(0, 255), data_format=None, seed=None)`:
in training, blend each RGB image towards its grayscale version by a random amount; at
inference (`training=False`), the identity.

Per image, `u` is drawn uniformly from `factor`'s range (a number `f` in [-1, 1] gives
`(-|f|, |f|)`, a pair is sorted, as Keras 3's base factor); the output is
`x + u * (gray(x) - x)` clipped to `value_range`, where `gray` is Keras's
`rgb_to_grayscale` (0.2989 R + 0.5870 G + 0.1140 B): `u = 0` keeps the image, `u = 1`
makes it gray, `u < 0` exaggerates its colours. The backward pass is exact (linear in
`x`; zero where clipped). A direct call without `training=` augments, as Keras's. Bad
arguments raise ConfigError; a channel count other than 3 raises ShapeError.

>>> import numpy as np
>>> x = np.array([[[[255.0, 0.0, 0.0]]]])
>>> RandomColorDegeneration((0.5, 0.5))(x)[0, 0, 0].round(2)
array([165.61,  38.11,  38.11], dtype=float32)
"""

from __future__ import annotations

from numkeras import backend
from numkeras.layers import image_utils as iu
from numkeras.layers.random_grayscale import RGB_WEIGHTS


class _Degenerate:
    def __init__(self, u, mask, axis):
        self.u, self.mask, self.axis = u, mask, axis

    def transpose(self, g, data_format: str):
        xp = backend.xp
        g = g * self.mask
        shape = [1, 1, 1, 1]
        shape[self.axis] = 3
        w = xp.asarray(RGB_WEIGHTS, dtype=g.dtype).reshape(shape)
        total = xp.sum(self.u * g, axis=self.axis, keepdims=True, dtype=g.dtype)
        return (1 - self.u) * g + total * w


class RandomColorDegeneration(iu.DrawLayer):
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
        return {"factor": iu.uniform(self._generator(), *self.factor, (x.shape[0], 1, 1, 1))}

    def _apply(self, x, transformation: dict):
        xp = backend.xp
        axis = 3 if self.data_format == "channels_last" else 1
        iu.check_rgb(self, x, axis)
        u = xp.asarray(transformation["factor"], dtype=x.dtype).reshape(-1, 1, 1, 1)
        shape = [1, 1, 1, 1]
        shape[axis] = 3
        w = xp.asarray(RGB_WEIGHTS, dtype=x.dtype).reshape(shape)
        gray = xp.sum(x * w, axis=axis, keepdims=True, dtype=x.dtype)
        out = x + u * (gray - x)
        low, high = (x.dtype.type(b) for b in self.value_range)
        mask = (out >= low) & (out <= high)
        return xp.clip(out, low, high), _Degenerate(u, mask, axis)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "factor": self.factor,
            "value_range": self.value_range,
            "seed": self.seed,
        }

    def _repr_args(self) -> str:
        return f"factor={self.factor}, value_range={self.value_range!r}"

"""`RandomContrast(factor, value_range=(0, 255), seed=None)`: in training, scale each
channel of each image about its mean by a random contrast factor, `(x - mean) * c +
mean`, then clip to `value_range`; at inference (`training=False`), the identity.

`c` is drawn uniformly from `[1 - lower, 1 + upper]`, one per image (the same for its
channels; the mean is per channel, over height and width). `factor` is a number in
[0, 1] or a pair `(lower, upper)` (sorted, as Keras). The backward pass is exact:
`c * g + (1 - c) * mean(g)` per channel, zero where the output was clipped.

As in Keras 3, a single number `f` becomes `(0, f)` (so `c` is in `[1, 1 + f]`: contrast
is only ever increased), although Keras's docstring describes `[1 - f, 1 + f]` (Keras 2's
rule): pass `(f, f)` for that. A direct call without `training=` augments, as Keras 3's.

>>> import numpy as np
>>> x = np.array([[[[0.0], [100.0]]]])  # one image, 1 x 2 pixels, mean 50
>>> RandomContrast((-0.5, 0.5))(x, training=True)[0, 0, :, 0]  # c = 1.5 exactly
array([  0., 125.], dtype=float32)
"""

from __future__ import annotations

from numkeras import backend
from numkeras.layers import image_utils as iu


class _Contrast:
    def __init__(self, factor, mask, axes):
        self.factor = factor  # (B, 1, 1, 1)
        self.mask = mask  # where the output was not clipped
        self.axes = axes

    def transpose(self, g, data_format: str):
        xp = backend.xp
        g = g * self.mask
        mean_g = xp.mean(g, axis=self.axes, keepdims=True, dtype=g.dtype)
        return self.factor * g + (1 - self.factor) * mean_g


class RandomContrast(iu.AugmentationLayer):
    identity_keeps_integers = True  # (at inference: integer images as they are)

    masks_follow = "keep"  # (a dict's segmentation masks pass unchanged, as Keras's)

    def __init__(self, factor, value_range=(0, 255), seed: int | None = None, **kwargs):
        name = type(self).__name__
        factor = iu.base_factor(name, factor, bounds=(0, 1))
        value_range = iu.check_value_range(name, value_range)
        super().__init__(**kwargs)
        self.factor = factor
        self.value_range = value_range
        self._set_seed(seed)

    def _transform(self, x, training: bool):
        if not training:
            return x, None
        xp = backend.xp
        lower, upper = self.factor
        c = iu.uniform(self._generator(), 1.0 - lower, 1.0 + upper, (x.shape[0], 1, 1, 1))
        c = xp.asarray(c, dtype=x.dtype)
        axes = iu.spatial_axes(4, self.data_format)
        mean = xp.mean(x, axis=axes, keepdims=True, dtype=x.dtype)
        out = (x - mean) * c + mean
        low, high = (x.dtype.type(v) for v in self.value_range)
        mask = (out >= low) & (out <= high)
        out = xp.clip(out, low, high)
        return out, _Contrast(c, mask, axes)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "factor": self.factor,
            "value_range": self.value_range,
            "seed": self.seed,
        }

    def _repr_args(self) -> str:
        return f"factor={self.factor}, value_range={self.value_range!r}"

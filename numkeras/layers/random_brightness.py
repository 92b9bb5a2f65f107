"""`RandomBrightness(factor, value_range=(0, 255), seed=None)`: in training, add a random
offset to each image (all pixels and channels alike), then clip to `value_range`; at
inference (`training=False`), the identity.

The offset is `u * (high - low)` with `u` drawn uniformly from `factor`'s range: a number
`f` in [-1, 1] gives `[-|f|, |f|]`, a pair `(lower, upper)` is sorted (as Keras 3); `u =
-1` turns an image black, `u = 1` white. `value_range` is sorted (the config keeps the
sorted list, as Keras). The backward pass passes the gradient where the output was not
clipped.

As in Keras 3, a direct call without `training=` augments. Bad arguments raise
ConfigError.

>>> import numpy as np
>>> x = np.array([[[[10.0], [250.0]]]])
>>> RandomBrightness((0.1, 0.1))(x, training=True)[0, 0, :, 0]  # + 0.1 * 255, clipped
array([ 35.5, 255. ], dtype=float32)
"""

from __future__ import annotations

from numkeras import backend
from numkeras.layers import image_utils as iu


class _Clip:
    def __init__(self, mask):
        self.mask = mask

    def transpose(self, g, data_format: str):
        return g * self.mask


class RandomBrightness(iu.AugmentationLayer):
    identity_keeps_integers = True  # (at inference: integer images as they are)

    masks_follow = "keep"  # (a dict's segmentation masks pass unchanged, as Keras's)

    def __init__(self, factor, value_range=(0, 255), seed: int | None = None, **kwargs):
        name = type(self).__name__
        factor = iu.base_factor(name, factor, bounds=(-1, 1))
        value_range = sorted(iu.check_value_range(name, value_range))
        super().__init__(**kwargs)
        self.factor = factor
        self.value_range = value_range
        self._set_seed(seed)

    def _transform(self, x, training: bool):
        if not training:
            return x, None
        xp = backend.xp
        low, high = self.value_range
        delta = iu.uniform(self._generator(), *self.factor, (x.shape[0], 1, 1, 1))
        delta = xp.asarray(delta * (high - low), dtype=x.dtype)
        out = x + delta
        low, high = x.dtype.type(low), x.dtype.type(high)
        mask = (out >= low) & (out <= high)
        return xp.clip(out, low, high), _Clip(mask)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "factor": self.factor,
            "value_range": self.value_range,
            "seed": self.seed,
        }

    def _repr_args(self) -> str:
        return f"factor={self.factor}, value_range={self.value_range!r}"

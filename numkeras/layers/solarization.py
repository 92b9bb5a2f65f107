"""`Solarization(addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255),
seed=None)`: in training, solarize each image: in the [0, 255] scale, add a random
amount, clip to [0, 255], then invert (`255 - v`) every value at or above a random
threshold; at inference (`training=False`), the identity.

Per image, the addition is drawn uniformly from `addition_factor * 255` and the threshold
from `threshold_factor * 255`; each factor is a number `f` in [0, 1] (the range `(0, f)`)
or a pair. With the default threshold 0, every value is inverted. Values are mapped from
`value_range` to [0, 255] and back. The backward pass is exact almost everywhere (`+g`
below the threshold, `-g` above, 0 where clipped).

Deviation from Keras 3.15: Keras draws from `[lower, upper * 255]` (it forgets to scale
the lower end, so `threshold_factor=(0.5, 0.6)` draws thresholds from [0.5, 153]); this
layer draws from `[lower * 255, upper * 255]`, as documented. A pair with lower 0 (and
every single number) draws the same as Keras. A direct call without `training=`
augments, as Keras's. Bad arguments raise ConfigError.

>>> import numpy as np
>>> x = np.array([[[[0.0, 100.0, 255.0]]]])
>>> Solarization()(x)[0, 0, 0]  # threshold 0: everything is inverted
array([255., 155.,   0.], dtype=float32)
"""

from __future__ import annotations

from numkeras import backend
from numkeras.layers import image_utils as iu


class Solarization(iu.DrawLayer):
    masks_follow = "keep"  # (a dict's segmentation masks pass unchanged, as Keras's)

    def __init__(
        self,
        addition_factor=0.0,
        threshold_factor=0.0,
        value_range=(0, 255),
        seed: int | None = None,
        **kwargs,
    ):
        name = type(self).__name__
        addition_factor = iu.unit_pair(name, "addition_factor", addition_factor)
        threshold_factor = iu.unit_pair(name, "threshold_factor", threshold_factor)
        value_range = sorted(iu.check_value_range(name, value_range))
        super().__init__(**kwargs)
        self.addition_factor = addition_factor
        self.threshold_factor = threshold_factor
        self.value_range = value_range
        self._set_seed(seed)

    def get_random_transformation(self, x) -> dict:
        generator = self._generator()
        shape = (x.shape[0], 1, 1, 1)
        low, high = self.addition_factor
        additions = iu.uniform(generator, low * 255.0, high * 255.0, shape)
        low, high = self.threshold_factor
        thresholds = iu.uniform(generator, low * 255.0, high * 255.0, shape)
        return {"additions": additions, "thresholds": thresholds}

    def _apply(self, x, transformation: dict):
        xp = backend.xp
        t = x.dtype.type
        additions = xp.asarray(transformation["additions"], dtype=x.dtype).reshape(-1, 1, 1, 1)
        thresholds = xp.asarray(transformation["thresholds"], dtype=x.dtype).reshape(-1, 1, 1, 1)
        y = iu.to_value_range(x, self.value_range, (0, 255)) + additions
        inside = (y >= 0) & (y <= 255)
        y = xp.clip(y, t(0), t(255))
        below = y < thresholds
        y = xp.where(below, y, t(255) - y)
        out = iu.to_value_range(y, (0, 255), self.value_range).astype(x.dtype, copy=False)
        return out, iu.MaskPlan(xp.where(below, 1, -1) * inside)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "value_range": self.value_range,
            "addition_factor": self.addition_factor,
            "threshold_factor": self.threshold_factor,
            "seed": self.seed,
        }

    def _repr_args(self) -> str:
        return (
            f"addition_factor={self.addition_factor}, threshold_factor={self.threshold_factor}, "
            f"value_range={self.value_range!r}"
        )

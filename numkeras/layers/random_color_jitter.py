"""`RandomColorJitter(value_range=(0, 255), brightness_factor=None, contrast_factor=None,
saturation_factor=None, hue_factor=None, seed=None, data_format=None)`: in training,
apply RandomBrightness, RandomContrast, RandomSaturation and RandomHue in that order
(each only when its factor is given, with that factor and `value_range`); at inference
(`training=False`), the identity.

All four draw from this layer's generator (`seed`, or the global one). The backward pass
chains theirs: exact for brightness and contrast; when saturation or hue is on, it is
zero (their HSV round trips pass no gradient, see RandomSaturation and RandomHue).

Deviation from Keras 3.15: Keras creates the four layers without `data_format`, so
"channels_first" images are jittered as if channels were last; here they follow this
layer's `data_format`. A direct call without `training=` augments, as Keras's. Bad
arguments raise ConfigError (from the sub-layer concerned).

>>> import numpy as np
>>> x = np.array([[[[100.0, 50.0, 0.0]]]])
>>> RandomColorJitter(brightness_factor=(0.1, 0.1))(x)[0, 0, 0]  # + 0.1 * 255
array([125.5,  75.5,  25.5], dtype=float32)
"""

from __future__ import annotations

from numkeras.layers import image_utils as iu
from numkeras.layers.random_brightness import RandomBrightness
from numkeras.layers.random_contrast import RandomContrast
from numkeras.layers.random_hue import RandomHue
from numkeras.layers.random_saturation import RandomSaturation


class _Chain:
    def __init__(self, plans):
        self.plans = plans

    def transpose(self, g, data_format: str):
        for plan in reversed(self.plans):
            if plan is not None:
                g = plan.transpose(g, data_format)
        return g


class RandomColorJitter(iu.AugmentationLayer):
    identity_keeps_integers = True  # (at inference: integer images as they are)

    masks_follow = "keep"  # (a dict's segmentation masks pass unchanged, as Keras's)

    def __init__(
        self,
        value_range=(0, 255),
        brightness_factor=None,
        contrast_factor=None,
        saturation_factor=None,
        hue_factor=None,
        seed: int | None = None,
        data_format=None,
        **kwargs,
    ):
        value_range = iu.check_value_range(type(self).__name__, value_range)
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = value_range
        self.brightness_factor = brightness_factor
        self.contrast_factor = contrast_factor
        self.saturation_factor = saturation_factor
        self.hue_factor = hue_factor
        self._set_seed(seed)
        common = dict(value_range=value_range, data_format=self.data_format, dtype=self.dtype)
        self._steps = []
        for cls, factor in (
            (RandomBrightness, brightness_factor),
            (RandomContrast, contrast_factor),
            (RandomSaturation, saturation_factor),
            (RandomHue, hue_factor),
        ):
            if factor is not None:
                step = cls(factor, **common)
                step._rng = self._rng  # (draws from this layer's generator)
                self._steps.append(step)

    def _transform(self, x, training: bool):
        if not training or not self._steps:
            return x, None
        plans = []
        for step in self._steps:
            step._rng = self._rng
            x, plan = step._transform(x, True)
            plans.append(plan)
        return x, _Chain(plans)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "value_range": self.value_range,
            "brightness_factor": self.brightness_factor,
            "contrast_factor": self.contrast_factor,
            "saturation_factor": self.saturation_factor,
            "hue_factor": self.hue_factor,
            "seed": self.seed,
        }

    def _repr_args(self) -> str:
        names = ("brightness", "contrast", "saturation", "hue")
        given = [f"{n}_factor={getattr(self, n + '_factor')}" for n in names]
        return ", ".join(g for g in given if not g.endswith("=None"))

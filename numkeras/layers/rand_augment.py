"""`RandAugment(value_range=(0, 255), num_ops=2, factor=0.5, interpolation="bilinear",
seed=None, data_format=None)`: in training, apply `num_ops` operations picked at random
(with repetition, the same for the whole batch) from Keras 3's list: RandomShear,
RandomTranslation, RandomRotation, RandomBrightness, RandomColorDegeneration,
RandomContrast, RandomSharpness, RandomPosterization, Solarization, AutoContrast,
Equalization; at inference (`training=False`), the identity.

`factor` is a number `f` in [0, 1] (the range `(0, f)`) or a pair in [0, 1]; every
operation gets it as its own factor (posterization keeps up to `max(1, int(8 * upper))`
bits), with this layer's `value_range`, `interpolation` and `data_format`, as Keras
builds them. All draws come from this layer's generator (`seed`, or the global one).

The backward pass chains the chosen operations' (it is zero when posterization,
auto-contrast or equalization was picked: they pass no gradient).
Differences from Keras 3.15 in the draws: an operation picked twice draws twice (Keras
reuses one draw), and equalization works image by image (see Equalization). A direct
call without `training=` augments, as Keras's. Bad arguments raise ConfigError.

>>> import numpy as np
>>> layer = RandAugment(num_ops=1, seed=0)
>>> layer(np.full((2, 4, 4, 3), 100.0)).shape
(2, 4, 4, 3)
"""

from __future__ import annotations

from numkeras.errors import ConfigError
from numkeras.layers import image_utils as iu
from numkeras.layers.auto_contrast import AutoContrast
from numkeras.layers.equalization import Equalization
from numkeras.layers.random_brightness import RandomBrightness
from numkeras.layers.random_color_degeneration import RandomColorDegeneration
from numkeras.layers.random_contrast import RandomContrast
from numkeras.layers.random_posterization import RandomPosterization
from numkeras.layers.random_rotation import RandomRotation
from numkeras.layers.random_sharpness import RandomSharpness
from numkeras.layers.random_shear import RandomShear
from numkeras.layers.random_translation import RandomTranslation
from numkeras.layers.solarization import Solarization


def augment_layers(names, factor, value_range, interpolation, data_format, dtype) -> dict:
    """The operations of RandAugment and AugMix, built as Keras builds them."""
    factor = tuple(factor)
    sampling = dict(interpolation=interpolation, data_format=data_format, dtype=dtype)
    colour = dict(value_range=value_range, data_format=data_format, dtype=dtype)
    makers = {
        "random_shear": lambda: RandomShear(factor, factor, **sampling),
        "random_translation": lambda: RandomTranslation(factor, factor, **sampling),
        "random_rotation": lambda: RandomRotation(factor, **sampling),
        "random_brightness": lambda: RandomBrightness(factor, **colour),
        "random_color_degeneration": lambda: RandomColorDegeneration(factor, **colour),
        "random_contrast": lambda: RandomContrast(factor, **colour),
        "random_sharpness": lambda: RandomSharpness(factor, **colour),
        "random_posterization": lambda: RandomPosterization(max(1, int(8 * factor[1])), **colour),
        "solarization": lambda: Solarization(factor, factor, **colour),
        "auto_contrast": lambda: AutoContrast(**colour),
        "equalization": lambda: Equalization(**colour),
    }
    return {name: makers[name]() for name in names}


class Chain:
    """Backward pass of operations applied one after another."""

    def __init__(self, plans):
        self.plans = plans

    def transpose(self, g, data_format: str):
        for plan in reversed(self.plans):
            if plan is not None:
                g = plan.transpose(g, data_format)
        return g


def run_ops(owner, ops, x):
    """Apply `ops` (layers) in training mode, drawing from `owner`'s generator."""
    plans = []
    for op in ops:
        op._rng = owner._rng
        x, plan = op._transform(x, True)
        plans.append(plan)
    return x, Chain(plans)


class RandAugment(iu.AugmentationLayer):
    AUGMENT_LAYERS = (
        "random_shear",
        "random_translation",
        "random_rotation",
        "random_brightness",
        "random_color_degeneration",
        "random_contrast",
        "random_sharpness",
        "random_posterization",
        "solarization",
        "auto_contrast",
        "equalization",
    )

    def __init__(
        self,
        value_range=(0, 255),
        num_ops: int = 2,
        factor=0.5,
        interpolation: str = "bilinear",
        seed: int | None = None,
        data_format=None,
        **kwargs,
    ):
        name = type(self).__name__
        value_range = iu.check_value_range(name, value_range)
        if not iu.is_number(num_ops) or int(num_ops) != num_ops or num_ops < 0:
            raise ConfigError(
                f"{name}: `num_ops` must be a non-negative integer. Received: num_ops={num_ops!r}"
            )
        factor = iu.base_factor(name, factor, bounds=(0, 1))
        iu.check_choice(name, "interpolation", interpolation, iu.AFFINE_INTERPOLATIONS)
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = value_range
        self.num_ops = int(num_ops)
        self.factor = factor
        self.interpolation = interpolation
        self._set_seed(seed)
        self._ops = augment_layers(
            self.AUGMENT_LAYERS, factor, value_range, interpolation, self.data_format, self.dtype
        )

    def _transform(self, x, training: bool):
        if not training or self.num_ops == 0:
            return x, None
        picks = self._generator().integers(0, len(self.AUGMENT_LAYERS), self.num_ops)
        return run_ops(self, [self._ops[self.AUGMENT_LAYERS[i]] for i in picks], x)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "value_range": self.value_range,
            "num_ops": self.num_ops,
            "factor": self.factor,
            "interpolation": self.interpolation,
            "seed": self.seed,
        }

    def _repr_args(self) -> str:
        return f"num_ops={self.num_ops}, factor={self.factor}, value_range={self.value_range!r}"

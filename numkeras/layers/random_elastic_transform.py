"""`RandomElasticTransform(factor=1.0, scale=1.0, interpolation="bilinear",
fill_mode="reflect", fill_value=0.0, value_range=(0, 255), seed=None, data_format=None)`:
in training, distort some images with a random elastic displacement field; at inference
(`training=False`), the identity.

Per batch (as Keras 3): per image, a probability `p` is drawn from `factor`'s range (a
number `f` in [0, 1] gives `(0, f)`, a pair is sorted) and the image is distorted when a
uniform draw in [0, 1) is below `p`; one distortion `s` is drawn from `scale`'s range
(same rules) for the batch, giving `alpha = 0.1 s max(H, W)` and `sigma = 0.05 s min(H, W)`
for `numkeras.ops.image.elastic_transform` (Gaussian-blurred noise fields, then
resampling with `interpolation`, `fill_mode`, `fill_value`). Then every image is clipped
to `value_range`. When the upper end of `factor` or of `scale` is 0 nothing happens (no
clip either, as Keras). The backward pass scatters the gradient back through the drawn
field's gather and the clip (the draw takes none).

Deviations from Keras 3.15: the displacement fields come from numkeras's generators
(values differ from JAX's), drawn from an integer `seed` stored in the transformation
dict, so `transform_images` with the same dict gives the same images; and the
horizontal and vertical fields are independent (see `elastic_transform`). A distortion
of exactly 0 (sigma 0) leaves the images unwarped (Keras divides by zero). A direct call
without `training=` augments, as Keras 3's. Bad arguments raise ConfigError (Keras:
ValueError/NotImplementedError).

>>> import numpy as np
>>> x = np.full((2, 8, 8, 1), 300.0)
>>> layer = RandomElasticTransform(seed=0)
>>> t = {"apply_transform": [False, False], "distortion_factor": 0.5, "seed": 1}
>>> float(layer.transform_images(x, t).max())  # not warped, but clipped to value_range
255.0
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError
from numkeras.layers import image_utils as iu
from numkeras.layers.random_perspective import masked_apply
from numkeras.ops.image import ElasticTransform


class _ChainPlan:
    """Backward pass of `clip(inner(x))`: the clip's mask, then `inner`'s transpose."""

    def __init__(self, inner, clip_mask):
        self.inner = inner
        self.clip_mask = clip_mask

    def transpose(self, g, data_format: str):
        g = g * backend.xp.asarray(self.clip_mask, dtype=g.dtype)
        return g if self.inner is None else self.inner.transpose(g, data_format)


def _scale_range(layer: str, scale) -> tuple:
    try:
        return iu.base_factor(layer, scale, bounds=(0, 1))
    except ConfigError:
        raise ConfigError(
            f"{layer}: the `scale` argument should be a number (or a list of two numbers) in "
            f"the range [0, 1]. Received: scale={scale!r}"
        ) from None


class RandomElasticTransform(iu.DrawLayer):
    def __init__(
        self,
        factor=1.0,
        scale=1.0,
        interpolation: str = "bilinear",
        fill_mode: str = "reflect",
        fill_value: float = 0.0,
        value_range=(0, 255),
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs,
    ):
        name = type(self).__name__
        factor = iu.base_factor(name, factor, bounds=(0, 1))
        scale = _scale_range(name, scale)
        iu.check_choice(name, "interpolation", interpolation, iu.AFFINE_INTERPOLATIONS)
        iu.check_choice(name, "fill_mode", fill_mode, iu.AFFINE_FILL_MODES)
        iu.check_number(name, "fill_value", fill_value)
        value_range = iu.check_value_range(name, value_range)
        super().__init__(data_format=data_format, **kwargs)
        self.factor = factor
        self.scale = scale
        self.interpolation = interpolation
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.value_range = value_range
        self._set_seed(seed)

    def get_random_transformation(self, x) -> dict | None:
        """Keras's draws, in its order (None: nothing to do), plus the field's seed."""
        if self.scale[1] == 0 or self.factor[1] == 0:
            return None
        generator = self._generator()
        batch = x.shape[0]
        probability = iu.uniform(generator, *self.factor, (batch,))
        threshold = iu.uniform(generator, 0.0, 1.0, (batch,))
        distortion = iu.uniform(generator, *self.scale, ())
        return {
            "apply_transform": threshold < probability,
            "distortion_factor": distortion,
            "seed": int(generator.integers(0, 2**31 - 1)),
        }

    def elastic_params(self, height: int, width: int, factor) -> tuple:
        """Keras's `get_elastic_transform_params`: (alpha, sigma) for a distortion."""
        factor = float(factor)
        return max(height, width) * 0.1 * factor, min(height, width) * 0.05 * factor

    def _apply(self, x, transformation: dict | None):
        if transformation is None:
            return x, None
        apply = np.asarray(transformation["apply_transform"], dtype=bool).reshape(-1)
        height, width = self._hw(x.shape)
        alpha, sigma = self.elastic_params(height, width, transformation["distortion_factor"])
        plan = None
        if sigma > 0 and apply.any():  # (sigma 0: alpha is 0 too, no displacement)
            op = ElasticTransform(
                alpha,
                sigma,
                self.interpolation,
                self.fill_mode,
                self.fill_value,
                seed=int(transformation["seed"]),
                data_format=self.data_format,
            )
            x, plan = masked_apply(
                x, op._plan((height, width), x.shape[0]), apply, self.data_format
            )
        t = x.dtype.type
        low, high = t(self.value_range[0]), t(self.value_range[1])
        out = backend.xp.clip(x, low, high)
        return out, _ChainPlan(plan, (x >= low) & (x <= high))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "factor": self.factor,
            "scale": self.scale,
            "interpolation": self.interpolation,
            "fill_mode": self.fill_mode,
            "fill_value": self.fill_value,
            "value_range": self.value_range,
            "seed": self.seed,
        }

    def _repr_args(self) -> str:
        return f"factor={self.factor}, scale={self.scale}, fill_mode={self.fill_mode!r}"

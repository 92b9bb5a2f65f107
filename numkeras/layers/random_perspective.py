"""`RandomPerspective(factor=1.0, scale=1.0, interpolation="bilinear", fill_value=0.0,
seed=None, data_format=None)`: in training, warp some images by a random perspective
(projective) transform; at inference (`training=False`), the identity.

Per image (as Keras 3): a probability `p` is drawn from `factor`'s range (a number `f`
in [0, 1] gives `(0, f)`, a pair is sorted) and the image is warped when a uniform draw
in [0, 1) is below `p`. The four corners `(0, 0), (W-1, 0), (0, H-1), (W-1, H-1)` move to
`corner * (1 + d)`, with `d` uniform in `[-scale/2, scale/2)` per corner and coordinate
(so, as in Keras, the top-left corner never moves and the others move away from or
towards it). The image is then resampled by `numkeras.ops.image.perspective_transform`
(Keras's on JAX: "nearest" or "bilinear", `fill_value` outside). The backward pass
scatters the gradient back through the same sparse gather (the draw takes none).

Deviations from Keras 3.15: a direct call without `training=` augments, as Keras 3's;
bad arguments raise ConfigError (Keras: ValueError/NotImplementedError).

>>> import numpy as np
>>> x = np.arange(9.0).reshape(1, 3, 3, 1)
>>> corners = [[[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0]]]
>>> t = {"apply_perspective": [True], "start_points": corners,
...      "end_points": [[[0.0, 0.0], [4.0, 0.0], [0.0, 4.0], [4.0, 4.0]]]}
>>> RandomPerspective(interpolation="nearest").transform_images(x, t)[0, ..., 0]
array([[0., 1., 1.],
       [3., 4., 4.],
       [3., 4., 4.]], dtype=float32)
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError
from numkeras.layers import image_utils as iu
from numkeras.ops.image import PerspectiveTransform


class MaskedPlan:
    """Backward pass of `where(apply, plan(x), x)` per image: the warped images' gradient
    goes through `plan`, the others' passes unchanged."""

    def __init__(self, plan, apply):
        self.plan = plan
        self.apply = np.asarray(apply, dtype=bool)

    def transpose(self, g, data_format: str):
        mask = iu.batch_mask(self.apply, g.ndim)
        return self.plan.transpose(g * mask, data_format) + g * ~mask


def masked_apply(x, plan, apply, data_format: str):
    """`where(apply, plan.apply(x), x)` per image, and its backward plan (None: identity)."""
    apply = np.asarray(apply, dtype=bool).reshape(-1)
    if not apply.any():
        return x, None
    warped = plan.apply(x, data_format)
    if apply.all():
        return warped, plan
    out = backend.xp.where(iu.batch_mask(apply, x.ndim), warped, x)
    return out, MaskedPlan(plan, apply)


class RandomPerspective(iu.DrawLayer):
    def __init__(
        self,
        factor=1.0,
        scale: float = 1.0,
        interpolation: str = "bilinear",
        fill_value: float = 0.0,
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs,
    ):
        name = type(self).__name__
        factor = iu.base_factor(name, factor, bounds=(0, 1))
        if not iu.is_number(scale) or not 0.0 <= scale <= 1.0:
            raise ConfigError(
                f"{name}: the `scale` argument should be a number in the range [0, 1]. "
                f"Received: scale={scale!r}"
            )
        iu.check_choice(name, "interpolation", interpolation, iu.AFFINE_INTERPOLATIONS)
        iu.check_number(name, "fill_value", fill_value)
        super().__init__(data_format=data_format, **kwargs)
        self.factor = factor
        self.scale = scale
        self.interpolation = interpolation
        self.fill_value = fill_value
        self._set_seed(seed)

    def get_random_transformation(self, x) -> dict:
        """Keras's draws, in its order: probabilities, thresholds, corner factors."""
        generator = self._generator()
        batch = x.shape[0]
        height, width = self._hw(x.shape)
        probability = iu.uniform(generator, *self.factor, (batch,))
        threshold = iu.uniform(generator, 0.0, 1.0, (batch,))
        half = 0.5 * self.scale
        factor = iu.uniform(generator, -half, half, (batch, 4, 2))
        start = np.array(
            [[0.0, 0.0], [width - 1, 0.0], [0.0, height - 1], [width - 1, height - 1]],
            dtype=np.float32,
        )
        start = np.repeat(start[None], batch, axis=0)
        return {
            "apply_perspective": threshold < probability,
            "start_points": start,
            "end_points": start + start * factor,
        }

    def _apply(self, x, transformation: dict):
        apply = np.asarray(transformation["apply_perspective"], dtype=bool).reshape(-1)
        if not apply.any():
            return x, None
        op = PerspectiveTransform(self.interpolation, self.fill_value, self.data_format)
        plan = op._plan(
            self._hw(x.shape),
            x.shape[0],
            np.asarray(transformation["start_points"], dtype=np.float32),
            np.asarray(transformation["end_points"], dtype=np.float32),
        )
        return masked_apply(x, plan, apply, self.data_format)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "factor": self.factor,
            "scale": self.scale,
            "interpolation": self.interpolation,
            "fill_value": self.fill_value,
            "seed": self.seed,
        }

    def _repr_args(self) -> str:
        return f"factor={self.factor}, scale={self.scale}, interpolation={self.interpolation!r}"

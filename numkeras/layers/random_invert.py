"""`RandomInvert(factor=1.0, value_range=(0, 255), seed=None, data_format=None)`: in
training, invert some images' colours, `x -> value_range[1] - x`; at inference
(`training=False`), the identity.

For each image a probability `p` is drawn uniformly from `factor`'s range and the image
is inverted when a second uniform draw in [0, 1) is below `p` (as Keras 3). `factor` is a
number `f` in [0, 1] (the range `(0, f)`, so the default inverts about half the images)
or a pair. The backward pass negates the gradient of the inverted images. As Keras,
`value_range` is kept as given and only its upper end is used. A direct call without
`training=` augments. Bad arguments raise ConfigError.

>>> import numpy as np
>>> x = np.array([[[[10.0, 200.0]]]])
>>> RandomInvert(factor=(1.0, 1.0))(x)[0, 0, 0]
array([245.,  55.], dtype=float32)
"""

from __future__ import annotations

from numkeras import backend
from numkeras.layers import image_utils as iu


class RandomInvert(iu.DrawLayer):
    identity_keeps_integers = True  # (at inference: integer images as they are)

    masks_follow = "keep"  # (a dict's segmentation masks pass unchanged, as Keras's)

    def __init__(
        self,
        factor=1.0,
        value_range=(0, 255),
        seed: int | None = None,
        data_format=None,
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
        probability = iu.uniform(generator, *self.factor, (batch,))
        threshold = iu.uniform(generator, 0.0, 1.0, (batch,))
        return {"apply_inversion": threshold < probability}

    def _apply(self, x, transformation: dict):
        xp = backend.xp
        apply = iu.batch_mask(transformation["apply_inversion"])
        out = xp.where(apply, x.dtype.type(self.value_range[1]) - x, x)
        return out, iu.MaskPlan(xp.where(apply, -1, 1).astype(x.dtype))

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "factor": self.factor,
            "value_range": self.value_range,
            "seed": self.seed,
        }

    def _repr_args(self) -> str:
        return f"factor={self.factor}, value_range={self.value_range!r}"

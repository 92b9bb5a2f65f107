"""`RandomTranslation(height_factor, width_factor, fill_mode="reflect",
interpolation="bilinear", seed=None, fill_value=0.0)`: in training, shift each image by
a random fraction of its size; at inference (`training=False`), the identity.

Each factor is a number `f` in [-1, 1] (a shift drawn from `[-|f|, |f|]` times the
height or width) or a pair `(lower, upper)`; positive shifts move the image down
(height) or right (width). Uncovered points are filled by `fill_mode` ("reflect",
"wrap", "nearest", or "constant" with `fill_value`), sampled with `interpolation`
("bilinear" or "nearest"), as Keras 3's `ops.image.affine_transform` on JAX. The
backward pass scatters the gradient back through the same sampling weights.

As in Keras 3, a direct call without `training=` augments. Bad arguments raise
ConfigError.

>>> import numpy as np
>>> x = np.arange(4.0).reshape(1, 1, 4, 1)
>>> layer = RandomTranslation(0, (0.25, 0.25), fill_mode="constant")
>>> layer(x, training=True)[0, 0, :, 0]  # one column to the right
array([0., 0., 1., 2.], dtype=float32)
"""

from __future__ import annotations

import numpy as np

from numkeras.layers import image_utils as iu


class RandomTranslation(iu.AffineLayer):
    def __init__(
        self,
        height_factor,
        width_factor,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        data_format: str | None = None,
        **kwargs,
    ):
        name = type(self).__name__
        self.height_lower, self.height_upper = iu.range_factor(name, "height_factor", height_factor)
        self.width_lower, self.width_upper = iu.range_factor(name, "width_factor", width_factor)
        self._check_sampling(fill_mode, interpolation, fill_value)
        super().__init__(data_format=data_format, **kwargs)
        self.height_factor = height_factor
        self.width_factor = width_factor
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = fill_value
        self._set_seed(seed)

    def _matrices(self, generator, batch: int, height: int, width: int):
        dy = iu.uniform(generator, self.height_lower, self.height_upper, (batch,)) * height
        dx = iu.uniform(generator, self.width_lower, self.width_upper, (batch,)) * width
        one, zero = np.ones(batch, np.float32), np.zeros(batch, np.float32)
        return np.stack([one, zero, -dx, zero, one, -dy, zero, zero], axis=-1)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "height_factor": self.height_factor,
            "width_factor": self.width_factor,
            **self._sampling_config(),
        }

    def _repr_args(self) -> str:
        return f"{self.height_factor!r}, {self.width_factor!r}, fill_mode={self.fill_mode!r}"

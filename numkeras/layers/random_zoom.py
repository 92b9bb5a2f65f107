"""`RandomZoom(height_factor, width_factor=None, fill_mode="reflect",
interpolation="bilinear", seed=None, fill_value=0.0)`: in training, zoom each image
about its centre by a random factor; at inference (`training=False`), the identity.

Each factor is a number `f` (the range `[-|f|, |f|]`) or a pair `(lower, upper)`, every
number in (-1, 1]; the image is sampled with scale `1 + factor` along that axis, so a
positive factor zooms OUT (the image shrinks) and a negative one zooms IN, as Keras 3.
With `width_factor=None` the width uses the same draw as the height (the aspect ratio is
kept). Uncovered points are filled by `fill_mode` ("reflect", "wrap", "nearest", or
"constant" with `fill_value`), sampled with `interpolation` ("bilinear" or "nearest"),
as Keras 3's `ops.image.affine_transform` on JAX. The backward pass scatters the
gradient back through the same sampling weights.

As in Keras 3, a direct call without `training=` augments. Bad arguments raise
ConfigError.

>>> import numpy as np
>>> x = np.arange(5.0).reshape(1, 1, 5, 1)
>>> RandomZoom(0, (1.0, 1.0), fill_mode="constant")(x, training=True)[0, 0, :, 0]
array([0., 0., 2., 4., 0.], dtype=float32)
"""

from __future__ import annotations

import numpy as np

from numkeras.layers import image_utils as iu


class RandomZoom(iu.AffineLayer):
    def __init__(
        self,
        height_factor,
        width_factor=None,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        data_format: str | None = None,
        **kwargs,
    ):
        name = type(self).__name__
        self.height_lower, self.height_upper = iu.range_factor(
            name, "height_factor", height_factor, open_low=True
        )
        if width_factor is not None:
            self.width_lower, self.width_upper = iu.range_factor(
                name, "width_factor", width_factor, open_low=True
            )
        self._check_sampling(fill_mode, interpolation, fill_value)
        super().__init__(data_format=data_format, **kwargs)
        self.height_factor = height_factor
        self.width_factor = width_factor
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = fill_value
        self._set_seed(seed)

    def _matrices(self, generator, batch: int, height: int, width: int):
        zy = iu.uniform(generator, 1.0 + self.height_lower, 1.0 + self.height_upper, (batch,))
        if self.width_factor is None:
            zx = zy
        else:
            zx = iu.uniform(generator, 1.0 + self.width_lower, 1.0 + self.width_upper, (batch,))
        x_offset = np.float32((width - 1) / 2.0) * (1 - zx)
        y_offset = np.float32((height - 1) / 2.0) * (1 - zy)
        zero = np.zeros(batch, np.float32)
        return np.stack([zx, zero, x_offset, zero, zy, y_offset, zero, zero], axis=-1)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "height_factor": self.height_factor,
            "width_factor": self.width_factor,
            **self._sampling_config(),
        }

    def _repr_args(self) -> str:
        return f"{self.height_factor!r}, {self.width_factor!r}, fill_mode={self.fill_mode!r}"

"""`RandomShear(x_factor=0.0, y_factor=0.0, interpolation="bilinear",
fill_mode="reflect", fill_value=0.0, data_format=None, seed=None)`: in training, shear
each image by random amounts; at inference (`training=False`), the identity.

Output pixel `(x, y)` reads input point `(x + sx * y, y + sy * x)` (Keras's matrix
`[[1, sx], [sy, 1]]`, about the top-left corner, no recentring), where `sx` and `sy` are
drawn uniformly from the factors' ranges and both negated for about half the images
(one random sign per image, as Keras). Each factor is a number `f` in [0, 1] (the range
`(-f, f)`) or a pair of numbers in [-1, 1] (sorted; the random sign also negates).
Sampling, fill modes and the backward pass are those of RandomRotation (Keras's
`affine_transform` on JAX, see `image_utils.affine_plan`).

Deviation from Keras 3.15: Keras accepts pairs in [0, 1] only, so its own config of
`RandomShear(0.3)`, `x_factor=(-0.3, 0.3)`, fails to load; pairs in [-1, 1] are accepted
here. A direct call without `training=` augments, as Keras 3's. Bad arguments raise
ConfigError (Keras: NotImplementedError/ValueError).

>>> import numpy as np
>>> x = np.arange(9.0).reshape(1, 3, 3, 1)
>>> layer = RandomShear(fill_mode="constant", interpolation="nearest")
>>> layer.transform_images(x, {"shear_factor": [[1.0, 0.0]]})[0, ..., 0]
array([[0., 1., 2.],
       [4., 5., 0.],
       [8., 0., 0.]], dtype=float32)
"""

from __future__ import annotations

import numpy as np

from numkeras.layers import image_utils as iu


def shear_matrices(shear_factor):
    """Keras's `_get_shear_matrix`: `(B, 2)` factors `(sx, sy)` -> `(B, 8)` transforms."""
    f = np.asarray(shear_factor, dtype=np.float32).reshape(-1, 2)
    one, zero = np.ones(len(f), np.float32), np.zeros(len(f), np.float32)
    return np.stack([one, f[:, 0], zero, f[:, 1], one, zero, zero, zero], axis=1)


def _shear_factor(layer: str, name: str, factor) -> tuple:
    # a number in [0, 1] (as Keras); a pair in [-1, 1], so that the config's (-f, f) loads
    if isinstance(factor, (tuple, list)):
        return iu.unit_pair(layer, name, factor, bounds=(-1, 1))
    return iu.unit_pair(layer, name, factor, symmetric=True)


class RandomShear(iu.AffineLayer):
    def __init__(
        self,
        x_factor=0.0,
        y_factor=0.0,
        interpolation: str = "bilinear",
        fill_mode: str = "reflect",
        fill_value: float = 0.0,
        data_format: str | None = None,
        seed: int | None = None,
        **kwargs,
    ):
        name = type(self).__name__
        x_factor = _shear_factor(name, "x_factor", x_factor)
        y_factor = _shear_factor(name, "y_factor", y_factor)
        self._check_sampling(fill_mode, interpolation, fill_value)
        super().__init__(data_format=data_format, **kwargs)
        self.x_factor = x_factor
        self.y_factor = y_factor
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = fill_value
        self._set_seed(seed)

    def get_random_transformation(self, x) -> dict:
        generator = self._generator()
        batch = x.shape[0]
        invert = np.where(iu.uniform(generator, 0.0, 1.0, (batch, 1)) > 0.5, -1, 1)
        shear_y = iu.uniform(generator, *self.y_factor, (batch, 1))
        shear_x = iu.uniform(generator, *self.x_factor, (batch, 1))
        factor = np.concatenate([shear_x, shear_y], axis=1) * invert
        return {"shear_factor": factor.astype(np.float32)}

    def _matrices(self, generator, batch: int, height: int, width: int):
        fake = np.empty((batch, 0))  # (only the batch size is read)
        return shear_matrices(self.get_random_transformation(fake)["shear_factor"])

    def _apply(self, x, transformation: dict):
        plan = iu.affine_plan(
            shear_matrices(transformation["shear_factor"]),
            self._hw(x.shape),
            self.interpolation,
            self.fill_mode,
            self.fill_value,
        )
        return plan.apply(x, self.data_format), plan

    transform_images = iu.DrawLayer.transform_images

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "x_factor": self.x_factor,
            "y_factor": self.y_factor,
            **self._sampling_config(),
        }

    def _repr_args(self) -> str:
        return f"x_factor={self.x_factor}, y_factor={self.y_factor}, fill_mode={self.fill_mode!r}"

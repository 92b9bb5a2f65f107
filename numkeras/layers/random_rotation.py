"""`RandomRotation(factor, fill_mode="reflect", interpolation="bilinear", seed=None,
fill_value=0.0)`: in training, rotate each image about its centre by a random angle
drawn uniformly from `[lower * 360, upper * 360]` degrees (positive: counter-clockwise);
at inference (`training=False`), the identity.

`factor` is a number `f` in [-1, 1] (the range `(-|f|, |f|)`) or a pair `(lower,
upper)`, as Keras 3 (the config keeps the sorted pair). Points that fall outside the
image are filled by `fill_mode`: "reflect" (d c b a | a b c d | d c b a), "wrap",
"nearest" (the edge pixel) or "constant" (`fill_value`). `interpolation` is "bilinear" or
"nearest". The sampling is Keras's `ops.image.affine_transform` on JAX (see
`numkeras.layers.image_utils`); the backward pass scatters the gradient back through the
same sampling weights.

As in Keras 3, a direct call without `training=` augments. Bad arguments raise
ConfigError (Keras: NotImplementedError/ValueError). Keras 3.15's RandomRotation has no
`value_range` argument, and neither does this one.

>>> import numpy as np
>>> x = np.arange(9.0).reshape(1, 3, 3, 1)
>>> RandomRotation((0.25, 0.25))(x, training=True)[0, ..., 0].round(4)  # 90 degrees
array([[2., 5., 8.],
       [1., 4., 7.],
       [0., 3., 6.]], dtype=float32)
"""

from __future__ import annotations

from numkeras.layers import image_utils as iu


class RandomRotation(iu.AffineLayer):
    def __init__(
        self,
        factor,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        data_format: str | None = None,
        **kwargs,
    ):
        factor = iu.base_factor(type(self).__name__, factor)
        self._check_sampling(fill_mode, interpolation, fill_value)
        super().__init__(data_format=data_format, **kwargs)
        self.factor = factor
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = fill_value
        self._set_seed(seed)

    def _matrices(self, generator, batch: int, height: int, width: int):
        lower, upper = self.factor
        degrees = iu.uniform(generator, lower * 360.0, upper * 360.0, (batch,))
        return iu.rotation_matrices(degrees, height, width)

    def get_config(self) -> dict:
        return {**super().get_config(), "factor": self.factor, **self._sampling_config()}

    def _repr_args(self) -> str:
        return f"factor={self.factor}, fill_mode={self.fill_mode!r}"

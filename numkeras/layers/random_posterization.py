"""`RandomPosterization(factor, value_range=(0, 255), data_format=None, seed=None)`: in
training, keep only the `bits` most significant bits of each value (in the [0, 255]
scale, as uint8), with `bits` drawn per image; at inference (`training=False`), the
identity.

`factor` is an integer in [1, 8] (bits drawn from `1 .. factor`) or a pair of integers
`(lower, upper)` (sorted). Values are mapped from `value_range` to [0, 255], truncated to
integers (clipped to [0, 255] first), shifted right then left by `8 - bits`, and mapped
back.

Gradient: none. Posterization is piecewise constant (its derivative is zero almost
everywhere): the backward pass gives zeros.

Deviation from Keras 3.15: Keras draws `bits` with `randint(lower, upper)`, whose upper
end is exclusive, so `factor=8` never keeps 8 bits and `(4, 5)` always keeps 4; here
`bits` is drawn from `lower .. upper` inclusive (a zero-width pair `(b, b)` keeps `b`
bits in both). Keras accepts non-integer factors; here they raise ConfigError. A direct
call without `training=` augments, as Keras's.

>>> import numpy as np
>>> x = np.array([[[[255.0, 100.0, 37.0]]]])
>>> RandomPosterization((2, 2))(x)[0, 0, 0]  # keep 2 bits: multiples of 64
array([192.,  64.,   0.], dtype=float32)
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError
from numkeras.layers import image_utils as iu
from numkeras.utils.checks import is_int


def _bits_factor(factor) -> tuple:
    error = (
        "RandomPosterization: the `factor` argument (bits to keep) should be an integer (or a "
        f"list of two integers) in the range [1, 8]. Received: factor={factor!r}"
    )
    values = factor if isinstance(factor, (tuple, list)) else [factor]
    if len(values) not in (1, 2) or not all(is_int(v) and 1 <= v <= 8 for v in values):
        raise ConfigError(error)
    if len(values) == 1:
        return 1, int(factor)
    lower, upper = sorted(int(v) for v in values)
    return lower, upper


class RandomPosterization(iu.DrawLayer):
    identity_keeps_integers = True  # (at inference: integer images as they are)

    masks_follow = "keep"  # (a dict's segmentation masks pass unchanged, as Keras's)

    def __init__(
        self,
        factor,
        value_range=(0, 255),
        data_format=None,
        seed: int | None = None,
        **kwargs,
    ):
        factor = _bits_factor(factor)
        value_range = sorted(iu.check_value_range(type(self).__name__, value_range))
        super().__init__(data_format=data_format, **kwargs)
        self.factor = factor
        self.value_range = value_range
        self._set_seed(seed)

    def get_random_transformation(self, x) -> dict:
        lower, upper = self.factor
        bits = self._generator().integers(lower, upper + 1, size=x.shape[0])
        return {"shift_factor": (8 - bits).astype(np.uint8)}

    def _apply(self, x, transformation: dict):
        xp = backend.xp
        t = x.dtype.type
        shift = xp.asarray(transformation["shift_factor"], dtype=np.uint8).reshape(-1, 1, 1, 1)
        y = iu.to_value_range(x, self.value_range, (0, 255))
        y = xp.clip(y, t(0), t(255)).astype(np.uint8)  # (truncates, as a cast to uint8)
        y = xp.left_shift(xp.right_shift(y, shift), shift).astype(x.dtype)
        out = iu.to_value_range(y, (0, 255), self.value_range).astype(x.dtype, copy=False)
        return out, iu.NoGradient()

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "factor": self.factor,
            "value_range": self.value_range,
            "seed": self.seed,
        }

    def _repr_args(self) -> str:
        return f"factor={self.factor}, value_range={self.value_range!r}"

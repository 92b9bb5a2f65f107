"""`SpatialDropout1D` / `SpatialDropout2D` / `SpatialDropout3D`: Dropout that drops whole
channels (feature maps) instead of single values, as Keras 3.

- `SpatialDropout1D`: inputs `(batch, steps, channels)`; one keep/drop decision per
  sample and channel, shared by all steps.
- `SpatialDropout2D`: inputs `(batch, rows, cols, channels)` (`data_format=
  "channels_last"`, the default from `image_data_format()`) or `(batch, channels, rows,
  cols)` (`"channels_first"`); one decision per sample and channel.
- `SpatialDropout3D`: inputs `(batch, dim1, dim2, dim3, channels)` or, channels first,
  `(batch, channels, dim1, dim2, dim3)`; one decision per sample and channel.

Kept channels are scaled by `1 / (1 - rate)`; at inference, the identity. The masks and
seeds are Dropout's (`seed=`, `numkeras.utils.set_random_seed`).

>>> import numpy as np
>>> y = SpatialDropout1D(0.5, seed=1)(np.ones((2, 4, 3)), training=True)
>>> bool(((y == 0).all(axis=1) | (y == 2).all(axis=1)).all())  # whole channels
True
"""

from __future__ import annotations

from numkeras.layers import conv_utils as cu
from numkeras.layers.dropout import Dropout
from numkeras.layers.input_spec import InputSpec


class _SpatialDropout(Dropout):
    def __init__(self, rate: float, seed: int | None = None, name=None, dtype=None, **kwargs):
        super().__init__(rate, seed=seed, name=name, dtype=dtype, **kwargs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        # Keras's keys only (its spatial dropouts write no `trainable`, and `dtype` as a name)
        return {"rate": self.rate, "seed": self.seed, "name": self.name, "dtype": self.dtype}


class SpatialDropout1D(_SpatialDropout):
    def __init__(self, rate: float, seed: int | None = None, name=None, dtype=None, **kwargs):
        super().__init__(rate, seed=seed, name=name, dtype=dtype, **kwargs)
        self.noise_shape = (None, 1, None)  # (batch, 1, channels)
        self.input_spec = InputSpec(ndim=3)


def _data_format(data_format) -> str:
    # (as Keras's: any case, and None is `image_data_format()`'s)
    return cu.standardize_data_format(data_format)


class _SpatialDropoutND(_SpatialDropout):
    rank = 2

    def __init__(
        self,
        rate: float,
        data_format=None,
        seed: int | None = None,
        name=None,
        dtype=None,
        **kwargs,
    ):
        data_format = _data_format(data_format)
        super().__init__(rate, seed=seed, name=name, dtype=dtype, **kwargs)
        self.data_format = data_format
        ones = (1,) * self.rank
        if data_format == "channels_first":
            self.noise_shape = (None, None, *ones)  # (batch, channels, 1, ...)
        else:
            self.noise_shape = (None, *ones, None)  # (batch, 1, ..., channels)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format}


class SpatialDropout2D(_SpatialDropoutND):
    rank = 2


class SpatialDropout3D(_SpatialDropoutND):
    """Drops whole 3D feature maps (channels), as Keras 3's `SpatialDropout3D`.

    >>> import numpy as np
    >>> y = SpatialDropout3D(0.5, seed=1)(np.ones((2, 2, 2, 2, 3)), training=True)
    >>> bool(((y == 0).all(axis=(1, 2, 3)) | (y == 2).all(axis=(1, 2, 3))).all())
    True
    """

    rank = 3

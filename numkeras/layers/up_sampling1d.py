"""`UpSampling1D`: repeat each step of `(batch, steps, features)` sequences `size` times.

>>> import numpy as np
>>> UpSampling1D(3)(np.array([[[1.0], [2.0]]]))[0, :, 0]
array([1., 1., 1., 2., 2., 2.], dtype=float32)
"""

from __future__ import annotations

from numkeras.layers import conv_utils as cu
from numkeras.layers.base_resizing import BaseUpSampling


class UpSampling1D(BaseUpSampling):
    rank = 1
    has_data_format = False

    def __init__(self, size=2, **kwargs):
        size = cu.positive_int(size, "size")
        super().__init__(**kwargs)
        self.size = (size,)

    def get_config(self) -> dict:
        return {**super().get_config(), "size": self.size[0]}

    def _repr_args(self) -> str:
        return f"size={self.size[0]}"

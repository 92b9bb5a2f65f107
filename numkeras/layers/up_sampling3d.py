"""`UpSampling3D`: repeat each position of `(batch, depth, rows, cols, channels)` volumes
`size[i]` times along spatial axis `i` (nearest).

>>> import numpy as np
>>> UpSampling3D((1, 2, 3))(np.zeros((1, 2, 2, 2, 4))).shape
(1, 2, 4, 6, 4)
"""

from __future__ import annotations

from numkeras.layers import conv_utils as cu
from numkeras.layers.base_resizing import BaseUpSampling


class UpSampling3D(BaseUpSampling):
    rank = 3

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        size = cu.standardize_tuple(size, 3, "size")
        super().__init__(data_format, **kwargs)
        self.size = size

    def get_config(self) -> dict:
        return {**super().get_config(), "size": self.size}

"""`Cropping3D`: remove slices at the edges of `(batch, depth, rows, cols, channels)` volumes.
`cropping` is an int (all sides), 3 ints (symmetric per axis) or 3 `(before, after)` pairs.

>>> import numpy as np
>>> Cropping3D(((1, 0), 1, (0, 2)))(np.ones((1, 4, 5, 6, 3))).shape
(1, 3, 3, 4, 3)
"""

from __future__ import annotations

from numkeras.layers import conv_utils as cu
from numkeras.layers.base_resizing import BaseCropping


class Cropping3D(BaseCropping):
    rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        cropping = cu.standardize_pairs(cropping, "cropping", 3)
        super().__init__(data_format, **kwargs)
        self.cropping = self.pairs = cropping

    def get_config(self) -> dict:
        return {**super().get_config(), "cropping": self.cropping}

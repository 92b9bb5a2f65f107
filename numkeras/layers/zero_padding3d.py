"""`ZeroPadding3D`: add zeros around `(batch, depth, rows, cols, channels)` volumes.
`padding` is an int (all sides), 3 ints (symmetric per axis) or 3 `(before, after)` pairs.

>>> import numpy as np
>>> ZeroPadding3D(((1, 0), 2, (0, 1)))(np.ones((1, 2, 2, 2, 3))).shape
(1, 3, 6, 3, 3)
"""

from __future__ import annotations

from numkeras.layers import conv_utils as cu
from numkeras.layers.base_resizing import BaseZeroPadding


class ZeroPadding3D(BaseZeroPadding):
    rank = 3

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        padding = cu.standardize_pairs(padding, "padding", 3)
        super().__init__(data_format, **kwargs)
        self.padding = self.pairs = padding

    def get_config(self) -> dict:
        return {**super().get_config(), "padding": self.padding}

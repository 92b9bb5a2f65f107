"""`ZeroPadding1D`: add zero steps at the start and end of `(batch, steps, features)`
sequences. `padding` is an int (both ends) or `(start, end)`.

>>> import numpy as np
>>> ZeroPadding1D((1, 2))(np.ones((1, 3, 2))).shape
(1, 6, 2)
"""

from __future__ import annotations

from numkeras.layers import conv_utils as cu
from numkeras.layers.base_resizing import BaseZeroPadding


class ZeroPadding1D(BaseZeroPadding):
    rank = 1

    def __init__(self, padding=1, data_format=None, **kwargs):
        padding = cu.standardize_tuple(padding, 2, "padding", allow_zero=True)
        super().__init__(data_format, **kwargs)
        self.padding = padding
        self.pairs = (padding,)

    def get_config(self) -> dict:
        return {**super().get_config(), "padding": self.padding}

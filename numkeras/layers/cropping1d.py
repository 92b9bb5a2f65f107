"""`Cropping1D`: remove steps at the start and end of `(batch, steps, features)` sequences.
`cropping` is an int (both ends) or `(start, end)`.

>>> import numpy as np
>>> Cropping1D((1, 2))(np.ones((1, 6, 2))).shape
(1, 3, 2)
"""

from __future__ import annotations

from numkeras.layers import conv_utils as cu
from numkeras.layers.base_resizing import BaseCropping


class Cropping1D(BaseCropping):
    rank = 1
    has_data_format = False

    def __init__(self, cropping=(1, 1), **kwargs):
        cropping = cu.standardize_tuple(cropping, 2, "cropping", allow_zero=True)
        super().__init__(**kwargs)
        self.cropping = cropping
        self.pairs = (cropping,)

    def get_config(self) -> dict:
        return {**super().get_config(), "cropping": self.cropping}

"""`GlobalAveragePooling1D`: the mean over the spatial axes of `(batch, steps, channels)` inputs,
giving `(batch, channels)` (or, with `keepdims=True`, size-1 spatial axes kept).

>>> import numpy as np
>>> GlobalAveragePooling1D()(np.zeros((2, 10, 16))).shape
(2, 16)
"""

from __future__ import annotations

from numkeras.layers.base_global_pooling import BaseGlobalPooling


class GlobalAveragePooling1D(BaseGlobalPooling):
    rank = 1
    pool_mode = "average"


GlobalAvgPool1D = GlobalAveragePooling1D  # Keras's alias

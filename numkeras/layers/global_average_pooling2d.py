"""`GlobalAveragePooling2D`: the mean over the spatial axes of `(batch, rows, cols, channels)`
inputs, giving `(batch, channels)` (or, with `keepdims=True`, size-1 spatial axes kept).

>>> import numpy as np
>>> GlobalAveragePooling2D()(np.zeros((2, 5, 5, 64))).shape
(2, 64)
"""

from __future__ import annotations

from numkeras.layers.base_global_pooling import BaseGlobalPooling


class GlobalAveragePooling2D(BaseGlobalPooling):
    rank = 2
    pool_mode = "average"


GlobalAvgPool2D = GlobalAveragePooling2D  # Keras's alias

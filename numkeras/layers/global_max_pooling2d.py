"""`GlobalMaxPooling2D`: the maximum over the spatial axes of `(batch, rows, cols, channels)`
inputs, giving `(batch, channels)` (or, with `keepdims=True`, size-1 spatial axes kept).

>>> import numpy as np
>>> GlobalMaxPooling2D()(np.zeros((2, 5, 5, 64))).shape
(2, 64)
"""

from __future__ import annotations

from numkeras.layers.base_global_pooling import BaseGlobalPooling


class GlobalMaxPooling2D(BaseGlobalPooling):
    rank = 2
    pool_mode = "max"


GlobalMaxPool2D = GlobalMaxPooling2D  # Keras's alias

"""`GlobalAveragePooling3D`: the mean over the spatial axes of
`(batch, depth, rows, cols, channels)` inputs, giving `(batch, channels)` (or, with
`keepdims=True`, size-1 spatial axes kept).

>>> import numpy as np
>>> GlobalAveragePooling3D()(np.zeros((2, 3, 4, 5, 6))).shape
(2, 6)
"""

from __future__ import annotations

from numkeras.layers.base_global_pooling import BaseGlobalPooling


class GlobalAveragePooling3D(BaseGlobalPooling):
    rank = 3
    pool_mode = "average"


GlobalAvgPool3D = GlobalAveragePooling3D  # Keras's alias

"""`AveragePooling3D`: the mean of each `pool_size` window, `strides` apart (default: the
pool size), over `(batch, depth, rows, cols, channels)` volumes (see `base_pooling`).

>>> import numpy as np
>>> AveragePooling3D(2, padding="same")(np.zeros((1, 3, 5, 6, 2))).shape
(1, 2, 3, 3, 2)
"""

from __future__ import annotations

from numkeras.layers.base_pooling import BasePooling


class AveragePooling3D(BasePooling):
    rank = 3
    pool_mode = "average"

    def __init__(
        self, pool_size, strides=None, padding="valid", data_format=None, name=None, **kwargs
    ):
        super().__init__(pool_size, strides, padding, data_format, name=name, **kwargs)


AvgPool3D = AveragePooling3D  # Keras's alias

"""`MaxPooling3D`: the maximum of each `pool_size` window, `strides` apart (default: the
pool size), over `(batch, depth, rows, cols, channels)` volumes (see `base_pooling`).

>>> import numpy as np
>>> MaxPooling3D()(np.zeros((1, 4, 5, 6, 2))).shape
(1, 2, 2, 3, 2)
"""

from __future__ import annotations

from numkeras.layers.base_pooling import BasePooling


class MaxPooling3D(BasePooling):
    rank = 3
    pool_mode = "max"

    def __init__(
        self,
        pool_size=(2, 2, 2),
        strides=None,
        padding="valid",
        data_format=None,
        name=None,
        **kwargs,
    ):
        super().__init__(pool_size, strides, padding, data_format, name=name, **kwargs)


MaxPool3D = MaxPooling3D  # Keras's alias

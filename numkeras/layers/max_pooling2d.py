"""`MaxPooling2D`: the maximum of each `pool_size` window, `strides` apart (default: the
pool size), over `(batch, rows, cols, channels)` images (see `base_pooling`).

>>> import numpy as np
>>> x = np.arange(16.0).reshape(1, 4, 4, 1)
>>> MaxPooling2D()(x)[0, :, :, 0]
array([[ 5.,  7.],
       [13., 15.]], dtype=float32)
>>> MaxPooling2D(2)(np.zeros((1, 11, 11, 64))).shape  # 'valid' drops the last row and column
(1, 5, 5, 64)
"""

from __future__ import annotations

from numkeras.layers.base_pooling import BasePooling


class MaxPooling2D(BasePooling):
    rank = 2
    pool_mode = "max"

    def __init__(
        self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, name=None, **kwargs
    ):
        super().__init__(pool_size, strides, padding, data_format, name=name, **kwargs)


MaxPool2D = MaxPooling2D  # Keras's alias

"""`AveragePooling2D`: the mean of each `pool_size` window, `strides` apart (default: the
pool size), over `(batch, rows, cols, channels)` images; with `padding="same"` each window
is divided by the number of real (unpadded) inputs it covers (see `base_pooling`).

>>> import numpy as np
>>> AveragePooling2D(2)(np.arange(16.0).reshape(1, 4, 4, 1))[0, :, :, 0]
array([[ 2.5,  4.5],
       [10.5, 12.5]], dtype=float32)
"""

from __future__ import annotations

from numkeras.layers.base_pooling import BasePooling


class AveragePooling2D(BasePooling):
    rank = 2
    pool_mode = "average"

    def __init__(
        self, pool_size, strides=None, padding="valid", data_format=None, name=None, **kwargs
    ):
        super().__init__(pool_size, strides, padding, data_format, name=name, **kwargs)


AvgPool2D = AveragePooling2D  # Keras's alias

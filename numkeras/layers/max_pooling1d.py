"""`MaxPooling1D`: the maximum of each `pool_size` window, `strides` apart (default: the
pool size), over `(batch, steps, channels)` sequences (see `base_pooling`).

>>> import numpy as np
>>> MaxPooling1D(2, strides=1)(np.array([[[1.0], [3.0], [2.0]]]))[0, :, 0]
array([3., 3.], dtype=float32)
"""

from __future__ import annotations

from numkeras.layers.base_pooling import BasePooling


class MaxPooling1D(BasePooling):
    rank = 1
    pool_mode = "max"

    def __init__(
        self, pool_size=2, strides=None, padding="valid", data_format=None, name=None, **kwargs
    ):
        super().__init__(pool_size, strides, padding, data_format, name=name, **kwargs)


MaxPool1D = MaxPooling1D  # Keras's alias

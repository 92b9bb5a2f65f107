"""`AveragePooling1D`: the mean of each `pool_size` window, `strides` apart (default: the
pool size), over `(batch, steps, channels)` sequences (see `base_pooling`).

>>> import numpy as np
>>> AveragePooling1D(2, strides=1, padding="same")(np.array([[[1.0], [3.0], [5.0]]]))[0, :, 0]
array([2., 4., 5.], dtype=float32)
"""

from __future__ import annotations

from numkeras.layers.base_pooling import BasePooling


class AveragePooling1D(BasePooling):
    rank = 1
    pool_mode = "average"

    # (`pool_size` is required, as in Keras 3, unless Keras 1's `pool_length=` gives it,
    # which Keras 2.0-2.3 took as MaxPooling1D's)
    def __init__(
        self,
        pool_size=None,
        strides=None,
        padding="valid",
        data_format=None,
        name=None,
        **kwargs,
    ):
        super().__init__(pool_size, strides, padding, data_format, name=name, **kwargs)


AvgPool1D = AveragePooling1D  # Keras's alias

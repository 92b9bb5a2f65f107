"""`Conv2D`: 2-D convolution over `(batch, rows, cols, channels)` images (or
`(batch, channels, rows, cols)` with `data_format="channels_first"`), as Keras 3's.

The kernel has shape `(kernel_rows, kernel_cols, channels // groups, filters)`.

>>> import numpy as np
>>> layer = Conv2D(32, 3, activation="relu")
>>> layer(np.zeros((2, 28, 28, 1))).shape, layer.kernel.shape
((2, 26, 26, 32), (3, 3, 1, 32))
>>> Conv2D(8, 3, strides=2, padding="same")(np.zeros((1, 7, 7, 3))).shape
(1, 4, 4, 8)
"""

from __future__ import annotations

from numkeras.layers import lora
from numkeras.layers.base_conv import BaseConv


class Conv2D(lora.LoraFactors, BaseConv):
    rank = 2


Convolution2D = Conv2D  # Keras's alias

"""`Conv3D`: 3-D convolution over `(batch, depth, rows, cols, channels)` volumes (or
channels-first), as Keras 3's; the kernel `(*kernel_size, channels // groups, filters)`.

>>> import numpy as np
>>> Conv3D(4, 3, padding="same", strides=2)(np.zeros((1, 5, 6, 7, 2))).shape
(1, 3, 3, 4, 4)
"""

from __future__ import annotations

from numkeras.layers import lora
from numkeras.layers.base_conv import BaseConv


class Conv3D(lora.LoraFactors, BaseConv):
    rank = 3


Convolution3D = Conv3D  # Keras's alias

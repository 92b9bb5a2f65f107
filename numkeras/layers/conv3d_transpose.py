"""`Conv3DTranspose`: the transposed convolution of `(batch, depth, rows, cols, channels)` volumes,
as Keras 3's (see `conv2d_transpose`); the kernel `(*kernel_size, filters, channels)`.

>>> import numpy as np
>>> Conv3DTranspose(2, 2, strides=2)(np.zeros((1, 2, 3, 4, 5))).shape
(1, 4, 6, 8, 2)
"""

from __future__ import annotations

from numkeras.layers.conv2d_transpose import BaseConvTranspose


class Conv3DTranspose(BaseConvTranspose):
    rank = 3


Convolution3DTranspose = Conv3DTranspose  # Keras's alias

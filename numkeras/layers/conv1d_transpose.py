"""`Conv1DTranspose`: the transposed convolution of `(batch, steps, channels)` sequences,
as Keras 3's (see `conv2d_transpose`); the kernel `(kernel_size, filters, channels)`.

>>> import numpy as np
>>> Conv1DTranspose(4, 3, strides=2, padding="same")(np.zeros((2, 5, 3))).shape
(2, 10, 4)
"""

from __future__ import annotations

from numkeras.layers.conv2d_transpose import BaseConvTranspose


class Conv1DTranspose(BaseConvTranspose):
    rank = 1


Convolution1DTranspose = Conv1DTranspose  # Keras's alias

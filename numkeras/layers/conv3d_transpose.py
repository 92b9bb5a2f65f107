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

    def __init__(
        self,
        filters: int,
        kernel_size,
        strides=1,
        padding: str = "valid",
        data_format: str | None = None,
        output_padding=None,
        *args,
        **kwargs,
    ):
        # (Keras 3 orders `data_format` before `output_padding` here, unlike 1D and 2D)
        super().__init__(
            filters, kernel_size, strides, padding, output_padding, data_format, *args, **kwargs
        )


Convolution3DTranspose = Conv3DTranspose  # Keras's alias

"""`DepthwiseConv2D`: each channel of `(batch, rows, cols, channels)` images convolved with its own
`depth_multiplier` filters (see `base_depthwise_conv`); kernel
`(kernel_rows, kernel_cols, channels, depth_multiplier)`.

>>> import numpy as np
>>> layer = DepthwiseConv2D(3, depth_multiplier=2)
>>> layer(np.zeros((1, 5, 5, 3))).shape, layer.kernel.shape
((1, 3, 3, 6), (3, 3, 3, 2))
"""

from __future__ import annotations

from numkeras.layers.base_depthwise_conv import BaseDepthwiseConv


class DepthwiseConv2D(BaseDepthwiseConv):
    rank = 2

    def __init__(
        self,
        kernel_size,
        strides=(1, 1),
        padding="valid",
        depth_multiplier=1,
        data_format=None,
        dilation_rate=(1, 1),
        *args,  # (activation, use_bias, ...: positional in Keras too)
        **kwargs,
    ):
        super().__init__(
            kernel_size,
            strides,
            padding,
            depth_multiplier,
            data_format,
            dilation_rate,
            *args,
            **kwargs,
        )

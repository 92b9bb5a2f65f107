"""`SeparableConv2D`: a depthwise convolution of `(batch, rows, cols, channels)` images followed
by a 1x1 convolution to `filters` channels (see `base_depthwise_conv`); weights
`depthwise_kernel` `(kernel_rows, kernel_cols, channels, depth_multiplier)`,
`pointwise_kernel` `(1, 1, channels * depth_multiplier, filters)` and `bias`.

>>> import numpy as np
>>> layer = SeparableConv2D(8, 3, padding="same")
>>> layer(np.zeros((1, 5, 5, 3))).shape, layer.pointwise_kernel.shape
((1, 5, 5, 8), (1, 1, 3, 8))
"""

from __future__ import annotations

from numkeras.layers.base_depthwise_conv import BaseSeparableConv


class SeparableConv2D(BaseSeparableConv):
    rank = 2

    def __init__(
        self,
        filters,
        kernel_size,
        strides=(1, 1),
        padding="valid",
        data_format=None,
        dilation_rate=(1, 1),
        depth_multiplier=1,
        *args,  # (activation, use_bias, ...: positional in Keras too)
        **kwargs,
    ):
        super().__init__(
            filters,
            kernel_size,
            strides,
            padding,
            data_format,
            dilation_rate,
            depth_multiplier,
            *args,
            **kwargs,
        )


SeparableConvolution2D = SeparableConv2D  # Keras's alias

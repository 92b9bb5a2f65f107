"""`DepthwiseConv1D`: each channel of `(batch, steps, channels)` sequences convolved with its own
`depth_multiplier` filters (see `base_depthwise_conv`); kernel
`(kernel_size, channels, depth_multiplier)`.

>>> import numpy as np
>>> DepthwiseConv1D(3, depth_multiplier=2)(np.zeros((1, 7, 3))).shape
(1, 5, 6)
"""

from __future__ import annotations

from numkeras.layers.base_depthwise_conv import BaseDepthwiseConv


class DepthwiseConv1D(BaseDepthwiseConv):
    rank = 1

"""`SeparableConv1D`: a depthwise convolution of `(batch, steps, channels)` sequences followed
by a pointwise convolution to `filters` channels (see `base_depthwise_conv`).

>>> import numpy as np
>>> SeparableConv1D(4, 3, depth_multiplier=2)(np.zeros((2, 9, 3))).shape
(2, 7, 4)
"""

from __future__ import annotations

from numkeras.layers.base_depthwise_conv import BaseSeparableConv


class SeparableConv1D(BaseSeparableConv):
    rank = 1


SeparableConvolution1D = SeparableConv1D  # Keras's alias

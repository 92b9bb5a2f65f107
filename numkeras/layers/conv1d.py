"""`Conv1D`: 1-D convolution over `(batch, steps, channels)` sequences (or
`(batch, channels, steps)`), as Keras 3's; `padding="causal"` pads only the start, so
output step `t` sees inputs up to `t`.

The kernel has shape `(kernel_size, channels // groups, filters)`.

>>> import numpy as np
>>> Conv1D(4, 3)(np.zeros((2, 10, 5))).shape
(2, 8, 4)
>>> Conv1D(4, 3, padding="causal", dilation_rate=2)(np.zeros((2, 10, 5))).shape
(2, 10, 4)
"""

from __future__ import annotations

from numkeras.layers import lora
from numkeras.layers.base_conv import BaseConv


class Conv1D(lora.LoraFactors, BaseConv):
    rank = 1
    paddings = ("valid", "same", "causal")


Convolution1D = Conv1D  # Keras's alias

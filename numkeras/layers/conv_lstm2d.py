"""`ConvLSTM2D`: the 2-D convolutional LSTM over
`(batch, time, rows, cols, channels)` sequences of images
(channels first with `data_format="channels_first"`), as Keras 3's.

Arguments as Keras's: `filters`, `kernel_size`, `strides=1`, `padding="valid"`,
`data_format=None`, `dilation_rate=1`, `activation="tanh"`,
`recurrent_activation="sigmoid"`, `use_bias=True`, the initializers (`kernel`
glorot_uniform, `recurrent` orthogonal, `bias` zeros), `unit_forget_bias=True`, the
regularizers and constraints, `dropout`, `recurrent_dropout`, `seed`,
`return_sequences`, `return_state`, `go_backwards`, `stateful`. The semantics and the
weights are described in `numkeras.layers.conv_lstm`.

>>> import numpy as np
>>> ConvLSTM2D(3, 3, padding="same", return_sequences=True)(np.zeros((2, 4, 5, 5, 1))).shape
(2, 4, 5, 5, 3)
"""

from __future__ import annotations

from numkeras.layers.conv_lstm import ConvLSTM


class ConvLSTM2D(ConvLSTM):
    def __init__(self, filters: int, kernel_size, *args, **kwargs):
        super().__init__(2, filters, kernel_size, *args, **kwargs)

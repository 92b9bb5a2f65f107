"""`Identity`: returns its inputs unchanged (a placeholder), as Keras 3.

>>> import numpy as np
>>> Identity()(np.array([[1.0, 2.0]]))
array([[1., 2.]], dtype=float32)
"""

from __future__ import annotations

from numkeras.layers.layer import Layer


class Identity(Layer):
    built_at_init = True  # (no weights: built when made, as in Keras 3)
    symbolic_keeps_input_dtype = True  # (only moves values: its output says int, as Keras's)
    integer_inputs = "keep"
    supports_masking = True  # (passes the mask on, as Keras 3)

    def compute_output_shape(self, input_shape):
        return input_shape

    def call(self, inputs, training: bool = False):
        return inputs

    def forward(self, inputs, training: bool = True):
        return inputs, None

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        return grad_output if need_input_grad else None

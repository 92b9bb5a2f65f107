"""`ActivityRegularization(l1=0.0, l2=0.0)`: returns its inputs unchanged and adds
`l1 * sum(|x|) + l2 * sum(x ** 2)` (divided by the batch size) to the loss, as Keras 3.

As in Keras, it is the base layer's `activity_regularizer` (an `L1L2`): training and
evaluation add the penalty and its gradient through the same mechanism as any layer's
`activity_regularizer=`, and a direct call records it in `layer.losses`.

>>> import numpy as np
>>> layer = ActivityRegularization(l1=0.5)
>>> layer(np.array([[1.0, -2.0], [3.0, 0.0]])).shape, [float(v) for v in layer.losses]
((2, 2), [1.5])
"""

from __future__ import annotations

from numkeras import regularizers
from numkeras.errors import ArgumentTypeError
from numkeras.layers.layer import Layer


class ActivityRegularization(Layer):
    integer_inputs = "keep"  # (passes its input on)
    built_at_init = True  # (no weights: built when made, as in Keras 3)
    supports_masking = True  # (passes the mask on, as Keras 3)

    def __init__(self, l1: float = 0.0, l2: float = 0.0, **kwargs):
        if "activity_regularizer" in kwargs:  # (a TypeError, as Keras's: a second value)
            raise ArgumentTypeError(
                "ActivityRegularization takes `l1` and `l2`, not `activity_regularizer` (it "
                f"is its own: L1L2(l1, l2)); received activity_regularizer="
                f"{kwargs['activity_regularizer']!r}. Give the penalty's factors as `l1` / `l2`."
            )
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1 = l1
        self.l2 = l2

    def compute_output_shape(self, input_shape):
        return input_shape

    def call(self, inputs, training: bool = False):
        return inputs

    def forward(self, inputs, training: bool = True):
        return inputs, None

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        # the penalty's gradient joins grad_output in the model (Model._backward)
        return grad_output if need_input_grad else None

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("activity_regularizer", None)
        return {**config, "l1": self.l1, "l2": self.l2}

    def _repr_args(self) -> str:
        return f"l1={self.l1:g}, l2={self.l2:g}"

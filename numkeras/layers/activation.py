"""`Activation`: applies an activation function by name or callable.

>>> import numpy as np
>>> Activation("relu")(np.array([[-1.0, 2.0]]))
array([[0., 2.]], dtype=float32)
"""

from __future__ import annotations

from numkeras import activations
from numkeras.layers.layer import Layer


class Activation(Layer):
    built_at_init = True  # (no weights: built when made, as in Keras 3)
    supports_masking = True  # (passes the mask on, as Keras 3)

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs, training: bool = False):
        return self.activation(inputs)

    def forward(self, inputs, training: bool = True):
        y = self.activation(inputs)
        return y, (inputs, y)

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        x, y = cache
        return self.activation.grad(x, y, grad_output)

    def get_config(self) -> dict:
        return {**super().get_config(), "activation": activations.serialize(self.activation)}

    def _repr_args(self) -> str:
        return f"'{activations.serialize(self.activation)}'"

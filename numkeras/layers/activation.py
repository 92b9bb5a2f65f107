"""`Activation`: applies an activation function by name or callable.

>>> import numpy as np
>>> Activation("relu")(np.array([[-1.0, 2.0]]))
array([[0., 2.]], dtype=float32)
"""

from __future__ import annotations

from numkeras import activations, backend
from numkeras.layers.layer import Layer
from numkeras.layers.relu import integer_relu

# the activations that only select values, each as NumPy computes it on integers
_SELECTING = {
    activations.relu: integer_relu,
    activations.linear: lambda x: x,
    activations.hard_tanh: lambda x: backend.xp.clip(x, -1, 1).astype(x.dtype),
}


class Activation(Layer):
    built_at_init = True  # (no weights: built when made, as in Keras 3)
    supports_masking = True  # (passes the mask on, as Keras 3)

    @property
    def integer_inputs(self) -> str:
        # relu, linear and hard_tanh select values: integers stay integers, as Keras's ops
        # keep them; the other functions compute in floats
        return "keep" if self.activation in _SELECTING else "float"

    @property
    def bool_inputs(self) -> str:
        return "bool" if self.activation is activations.linear else "int32"

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs, training: bool = False):
        if inputs.dtype.kind != "f" and self.activation in _SELECTING:
            return _SELECTING[self.activation](inputs)  # (NumPy, in the integers' dtype)
        return self.activation(inputs)

    def forward(self, inputs, training: bool = True):
        y = self.call(inputs)
        return y, (inputs, y)

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        x, y = cache
        if x.dtype.kind != "f":
            x, y = x.astype(grad_output.dtype), y.astype(grad_output.dtype)
        return self.activation.grad(x, y, grad_output)

    def get_config(self) -> dict:
        return {**super().get_config(), "activation": activations.serialize(self.activation)}

    def _repr_args(self) -> str:
        return f"'{activations.serialize(self.activation)}'"

"""`RepeatVector(n)`: `(batch, features)` -> `(batch, n, features)`, each sample repeated
`n` times, as Keras 3.

>>> import numpy as np
>>> RepeatVector(2)(np.array([[1.0, 2.0]]))
array([[[1., 2.],
        [1., 2.]]], dtype=float32)
"""

from __future__ import annotations

from numkeras import backend
from numkeras.errors import ArgumentTypeError, ConfigError
from numkeras.layers.input_spec import InputSpec
from numkeras.layers.layer import Layer
from numkeras.utils.checks import is_int


class RepeatVector(Layer):
    integer_inputs = "keep"  # (moves values: integers stay integers)

    def __init__(self, n: int, **kwargs):
        if not is_int(n):
            raise ArgumentTypeError(f"Expected an integer value for `n`, got {type(n)}.")  # (Keras)
        if n <= 0:
            raise ConfigError(f"Argument `n` should be a positive integer. Received: n={n}")
        super().__init__(**kwargs)
        self.n = int(n)
        self.input_spec = InputSpec(ndim=2)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def call(self, inputs, training: bool = False):
        return backend.xp.repeat(inputs[:, None, :], self.n, axis=1)

    def forward(self, inputs, training: bool = True):
        return self.call(inputs), None

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        return grad_output.sum(axis=1) if need_input_grad else None

    def get_config(self) -> dict:
        return {**super().get_config(), "n": self.n}

    def _repr_args(self) -> str:
        return str(self.n)

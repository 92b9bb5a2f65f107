"""`ELU(alpha=1.0)`: `x` for `x > 0`, `alpha * (exp(x) - 1)` otherwise, as Keras 3.

>>> import numpy as np
>>> ELU(alpha=0.5)(np.array([[-1.0, 2.0]])).round(4)
array([[-0.3161,  2.    ]], dtype=float32)
"""

from __future__ import annotations

from numkeras import activations
from numkeras.errors import ConfigError
from numkeras.layers.layer import Layer


class ELU(Layer):
    built_at_init = True  # (no weights: built when made, as in Keras 3)
    supports_masking = True  # (passes the mask on, as Keras 3)

    def __init__(self, alpha: float = 1.0, **kwargs):
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float)):
            raise ConfigError(f"ELU's `alpha` must be a number, received {alpha!r}.")
        super().__init__(**kwargs)
        self.alpha = float(alpha)

    def call(self, inputs, training: bool = False):
        return activations.elu(inputs, alpha=self.alpha)

    def forward(self, inputs, training: bool = True):
        y = activations.elu(inputs, alpha=self.alpha)
        return y, (inputs, y)

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        x, y = cache
        return activations.elu.grad(x, y, grad_output, alpha=self.alpha)

    def get_config(self) -> dict:
        return {**super().get_config(), "alpha": self.alpha}

    def _repr_args(self) -> str:
        return f"alpha={self.alpha:g}"

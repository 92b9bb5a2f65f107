"""`GaussianDropout(rate)`: in training, multiply by Gaussian noise of mean 1 and standard
deviation `sqrt(rate / (1 - rate))`; at inference, the identity (as Keras 3).

The backward pass multiplies by the same noise the forward pass drew.

>>> import numpy as np
>>> GaussianDropout(0.2)(np.ones((1, 3)))  # not training: identity
array([[1., 1., 1.]], dtype=float32)
"""

from __future__ import annotations

import math

from numkeras.backend import random
from numkeras.layers.gaussian_noise import check_fraction, normal
from numkeras.layers.integer_inputs import as_float
from numkeras.layers.layer import Layer


class GaussianDropout(Layer):
    built_at_init = True  # (no weights: built when made, as in Keras 3)
    supports_masking = True  # (passes the mask on, as Keras 3)
    integer_inputs = "keep"  # (in inference it passes its input on)

    def __init__(self, rate: float, seed: int | None = None, **kwargs):
        rate = check_fraction("rate", rate, allow_one=False)
        super().__init__(**kwargs)
        self.rate = rate
        self.seed = seed
        self._rng = random.make_generator(seed) if seed is not None else None

    def _generator(self):
        return self._rng if self._rng is not None else random.global_generator()

    def compute_output_shape(self, input_shape):
        return input_shape

    def call(self, inputs, training: bool = False):
        return self.forward(inputs, training)[0]

    def forward(self, inputs, training: bool = True):
        if not training or self.rate == 0:
            return inputs, None
        inputs = as_float(inputs, self.dtype)  # (noise makes floats)
        dtype = inputs.dtype if inputs.dtype.itemsize >= 4 else "float32"
        noise = normal(self._generator(), inputs.shape, dtype)
        t = noise.dtype.type
        noise *= t(math.sqrt(self.rate / (1.0 - self.rate)))
        noise += t(1)
        noise = noise.astype(inputs.dtype, copy=False)
        return inputs * noise, noise

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        if not need_input_grad:
            return None
        if cache is None:
            return grad_output
        grad_output *= cache  # the executor owns grad_output
        return grad_output

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}

    def _repr_args(self) -> str:
        return f"{self.rate:g}"

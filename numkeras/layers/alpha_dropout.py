"""`AlphaDropout(rate)`: dropout for SELU networks, as Keras 3. In training, each dropped
input becomes SELU's negative saturation value `-alpha * scale`, then an affine map
`a * x + b` restores the inputs' mean and variance; at inference, the identity.

`noise_shape` (as Dropout's, `None` entries taken from the inputs) shares the keep/drop
decision along its axes of size 1. The backward pass uses the same mask (`a` where kept,
0 where dropped).

>>> import numpy as np
>>> AlphaDropout(0.2)(np.ones((1, 3)))  # not training: identity
array([[1., 1., 1.]], dtype=float32)
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.backend import random
from numkeras.errors import ConfigError
from numkeras.layers.gaussian_noise import check_fraction
from numkeras.layers.integer_inputs import as_float
from numkeras.layers.layer import Layer

_ALPHA = 1.6732632423543772848170429916717
_SCALE = 1.0507009873554804934193349852946


class AlphaDropout(Layer):
    built_at_init = True  # (no weights: built when made, as in Keras 3)
    supports_masking = True  # (passes the mask on, as Keras 3)
    integer_inputs = "keep"  # (in inference it passes its input on)

    def __init__(self, rate: float, noise_shape=None, seed: int | None = None, **kwargs):
        rate = check_fraction("rate", rate, allow_one=False)
        if noise_shape is not None:
            try:
                noise_shape = tuple(noise_shape)
            except TypeError:
                raise ConfigError(
                    f"`noise_shape` must be a tuple of integers or None, received {noise_shape!r}."
                ) from None
        super().__init__(**kwargs)
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed
        self._rng = random.make_generator(seed) if seed is not None else None

    def _generator(self):
        return self._rng if self._rng is not None else random.global_generator()

    def compute_output_shape(self, input_shape):
        return input_shape

    def _mask_shape(self, shape) -> tuple:
        if self.noise_shape is None:
            return tuple(shape)
        if len(self.noise_shape) != len(shape):
            raise ConfigError(
                f"Layer '{self.name}': `noise_shape` {self.noise_shape} must have the inputs' "
                f"rank ({len(shape)}), for inputs of shape {tuple(shape)}."
            )
        return tuple(s if n is None else int(n) for s, n in zip(shape, self.noise_shape))

    def call(self, inputs, training: bool = False):
        return self.forward(inputs, training)[0]

    def forward(self, inputs, training: bool = True):
        if not training or self.rate == 0:
            return inputs, None
        inputs = as_float(inputs, self.dtype)  # (noise makes floats)
        xp = backend.xp
        t = inputs.dtype.type
        shape = self._mask_shape(inputs.shape)
        # keep where a uniform draw is >= rate (as Keras), from counter-based bits (Dropout's)
        key = random.bits_key(self._generator())
        threshold = np.uint32(min(round(self.rate * 2.0**32), 2**32 - 1))
        kept = (random.counter_bits(shape, key, xp) >= threshold).astype(inputs.dtype)
        alpha_p = -_ALPHA * _SCALE
        a = ((1 - self.rate) * (1 + self.rate * alpha_p**2)) ** -0.5
        b = -a * alpha_p * self.rate
        x = inputs * kept + t(alpha_p) * (t(1) - kept)
        return t(a) * x + t(b), kept * t(a)

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        if not need_input_grad:
            return None
        if cache is None:
            return grad_output
        grad_output *= cache  # the executor owns grad_output
        return grad_output

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "rate": self.rate,
            "seed": self.seed,
            "noise_shape": self.noise_shape,
        }

    def _repr_args(self) -> str:
        return f"{self.rate:g}"

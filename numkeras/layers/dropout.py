"""`Dropout(rate)`: in training, zero a `rate` fraction of inputs and scale the rest
by `1 / (1 - rate)` (inverted dropout); at inference, the identity.

Masks come from the layer's own generator (`seed=`) or numkeras's global one, so
`numkeras.utils.set_random_seed` makes training reproducible.

>>> import numpy as np
>>> Dropout(0.5)(np.ones((1, 4)))  # not training: identity
array([[1., 1., 1., 1.]], dtype=float32)
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.backend import fused, random
from numkeras.errors import ArgumentTypeError, ConfigError
from numkeras.layers.integer_inputs import as_float
from numkeras.layers.layer import Layer, keras1_arguments


class Dropout(Layer):
    integer_inputs = "keep"  # (in inference it passes its input on)
    built_at_init = True  # (no weights: built when made, as in Keras 3)
    supports_masking = True  # (passes the mask on, as Keras 3)

    def __init__(self, rate: float = None, noise_shape=None, seed: int | None = None, **kwargs):
        if "p" in kwargs:  # Keras 1's name (`Dropout(p=0.5)`), which Keras 2 still took
            rate = keras1_arguments(type(self).__name__, {"p": kwargs.pop("p")}, {"p": "rate"})[
                "rate"
            ]
        if isinstance(rate, bool) or not isinstance(rate, (int, float)):
            # a TypeError, as Keras's comparison with a non-number raises (and a ValueError)
            raise ArgumentTypeError(
                "Invalid value received for argument `rate`. Expected a float value between "
                f"0 and 1. Received: rate={rate!r}"
            )
        if not 0 <= rate <= 1:
            raise ConfigError(
                "Invalid value received for argument `rate`. Expected a float value between "
                f"0 and 1. Received: rate={rate!r}"
            )
        if rate == 1:
            raise ConfigError(
                "Dropout(rate=1) would drop every input (and scale by 1/0); use a rate below 1."
            )
        super().__init__(**kwargs)
        self.rate = float(rate)
        if noise_shape is not None:
            try:
                noise_shape = tuple(noise_shape)
            except TypeError:  # (a ValueError, as Keras raises)
                raise ConfigError(
                    f"`noise_shape` must be a tuple of integers or None, received {noise_shape!r}."
                ) from None
        self.noise_shape = noise_shape
        self.seed = seed
        self._rng = random.make_generator(seed) if seed is not None else None

    def _generator(self):
        return self._rng if self._rng is not None else random.global_generator()

    uses_workspace = True

    def _threshold(self) -> np.uint32:
        # keep an element when its bits are >= rate * 2**32: P(keep) = 1 - rate (to 2**-32)
        return np.uint32(min(round(self.rate * 2.0**32), 2**32 - 1))

    def _drop(self, inputs, workspace):
        xp = backend.xp
        inputs = as_float(inputs, self.dtype)  # (the fused kernel takes floats)
        shape = inputs.shape
        if self.noise_shape is not None:
            shape = tuple(s if n is None else n for s, n in zip(shape, self.noise_shape))
        key = random.bits_key(self._generator())  # one draw from the seeded generator
        mask = backend.scratch(workspace, "mask", shape, "float32")
        out = backend.scratch(workspace, "y", inputs.shape, inputs.dtype)
        scale = np.float32(1.0 / (1.0 - self.rate))
        threshold = self._threshold()
        if shape == inputs.shape:  # bits, mask, scale and multiply in one fused pass
            args = (inputs, *key, threshold, scale, np.float32(0), mask, out)
            if fused.run("dropout", *args) is not None:
                return out, mask
        bits = random.counter_bits(shape, key, xp)
        xp.greater_equal(bits, threshold, out=mask, casting="unsafe")
        mask *= scale
        return xp.multiply(inputs, mask, out=out), mask

    def call(self, inputs, training: bool = False, workspace=None):
        if not training or self.rate == 0:
            return inputs
        return self._drop(inputs, workspace)[0]

    def forward(self, inputs, training: bool = True, workspace=None):
        if not training or self.rate == 0:
            return inputs, None
        return self._drop(inputs, workspace)

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        if cache is None:
            return grad_output
        grad_output *= cache  # the executor owns grad_output
        return grad_output

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "rate": self.rate,
            "seed": self.seed,
            "noise_shape": None if self.noise_shape is None else tuple(self.noise_shape),
        }

    def _repr_args(self) -> str:
        return f"{self.rate:g}"

"""`GaussianNoise(stddev)`: in training, add zero-mean Gaussian noise of standard deviation
`stddev`; at inference, the identity (as Keras 3).

The noise comes from the layer's own generator (`seed=`) or numkeras's global one, so
`numkeras.utils.set_random_seed` makes training reproducible (as Dropout).

>>> import numpy as np
>>> GaussianNoise(0.1)(np.ones((1, 3)))  # not training: identity
array([[1., 1., 1.]], dtype=float32)
"""

from __future__ import annotations

from numkeras import backend
from numkeras.backend import random
from numkeras.errors import ArgumentTypeError, ConfigError
from numkeras.layers.integer_inputs import as_float
from numkeras.layers.layer import Layer


def check_fraction(name: str, value, allow_one: bool = True) -> float:
    """`value` as a float in [0, 1] (or [0, 1) without `allow_one`), else a ConfigError
    (an ArgumentTypeError, also a TypeError as Keras raises, for a value that is no number)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ArgumentTypeError(
            f"Invalid value received for argument `{name}`. Expected a float value between 0 "
            f"and 1. Received: {name}={value!r}"
        )
    if not 0 <= value <= 1:
        raise ConfigError(
            f"Invalid value received for argument `{name}`. Expected a float value between 0 "
            f"and 1. Received: {name}={value!r}"
        )
    if value == 1 and not allow_one:
        raise ConfigError(
            f"`{name}=1` would make the noise infinite (Keras divides by 1 - {name}); use a "
            "value below 1."
        )
    return float(value)


def normal(generator, shape, dtype):
    """Standard normal samples of `shape` in `dtype`, on the backend's device."""
    return backend.xp.asarray(generator.standard_normal(shape, dtype=dtype))


class GaussianNoise(Layer):
    built_at_init = True  # (no weights: built when made, as in Keras 3)
    supports_masking = True  # (passes the mask on, as Keras 3)
    integer_inputs = "keep"  # (in inference it passes its input on)

    def __init__(self, stddev: float, seed: int | None = None, **kwargs):
        stddev = check_fraction("stddev", stddev)
        super().__init__(**kwargs)
        self.stddev = stddev
        self.seed = seed
        self._rng = random.make_generator(seed) if seed is not None else None

    def _generator(self):
        return self._rng if self._rng is not None else random.global_generator()

    def compute_output_shape(self, input_shape):
        return input_shape

    def call(self, inputs, training: bool = False):
        return self.forward(inputs, training)[0]

    def forward(self, inputs, training: bool = True):
        if not training or self.stddev == 0:
            return inputs, None
        inputs = as_float(inputs, self.dtype)  # (noise makes floats)
        dtype = inputs.dtype if inputs.dtype.itemsize >= 4 else "float32"
        noise = normal(self._generator(), inputs.shape, dtype)
        noise *= noise.dtype.type(self.stddev)
        return (inputs + noise).astype(inputs.dtype, copy=False), None

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        return grad_output if need_input_grad else None  # additive noise: d/dx is 1

    def get_config(self) -> dict:
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}

    def _repr_args(self) -> str:
        return f"{self.stddev:g}"

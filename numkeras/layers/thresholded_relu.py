"""`ThresholdedReLU(theta=1.0)`: `x` where `x > theta`, 0 elsewhere, as Keras 2's (tf_keras).

Keras 3 dropped the layer (its `ReLU(threshold=theta)` is close, but keeps `x == theta`);
numkeras keeps it so that classic scripts and Keras 2 files that use it run. A `.keras` file
with it loads in numkeras, not in Keras 3.

>>> import numpy as np
>>> ThresholdedReLU(theta=0.5)(np.array([[0.25, 0.5, 2.0]]))
array([[0., 0., 2.]], dtype=float32)
"""

from __future__ import annotations

from numkeras import backend
from numkeras.errors import ConfigError
from numkeras.layers.layer import Layer


class ThresholdedReLU(Layer):
    built_at_init = True  # (no weights: built when made)
    supports_masking = True  # (passes the mask on, as Keras 2)

    def __init__(self, theta: float = 1.0, **kwargs):
        if theta is None or isinstance(theta, bool) or not isinstance(theta, (int, float)):
            raise ConfigError(f"ThresholdedReLU's `theta` must be a number, received {theta!r}.")
        if theta < 0:  # (tf_keras's check)
            raise ConfigError(
                f"The theta value of a Thresholded ReLU layer should be >=0. Received: {theta}"
            )
        super().__init__(**kwargs)
        self.theta = float(theta)

    def call(self, inputs, training: bool = False):
        x = backend.xp.asarray(inputs)
        return x * (x > x.dtype.type(self.theta))

    def forward(self, inputs, training: bool = True):
        x = backend.xp.asarray(inputs)
        keep = x > x.dtype.type(self.theta)
        return x * keep, keep

    def backward(self, keep, grad_output, need_input_grad: bool = True):
        return grad_output * keep

    def get_config(self) -> dict:
        return {**super().get_config(), "theta": self.theta}

    def _repr_args(self) -> str:
        return f"theta={self.theta:g}"

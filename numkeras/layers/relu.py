"""`ReLU(max_value=None, negative_slope=0.0, threshold=0.0)`, as Keras 3.

>>> import numpy as np
>>> ReLU(max_value=1.0)(np.array([[-1.0, 0.5, 3.0]]))
array([[0. , 0.5, 1. ]], dtype=float32)
"""

from __future__ import annotations

from numkeras import activations, backend
from numkeras.errors import ConfigError
from numkeras.layers.layer import Layer


def integer_relu(x, threshold: float = 0.0, max_value: float | None = None):
    """ReLU of an integer array, in its dtype (as Keras's ops keep it): values above the
    threshold, capped at `max_value` (truncated to an integer, as Keras's cast)."""
    xp = backend.xp
    y = xp.where(x > threshold, x, x.dtype.type(0))
    if max_value is not None:
        y = xp.minimum(y, max_value).astype(x.dtype)
    return y


class ReLU(Layer):
    built_at_init = True  # (no weights: built when made, as in Keras 3)
    supports_masking = True  # (passes the mask on, as Keras 3)
    bool_inputs = "int32"  # (as Keras's relu gives them)

    @property
    def integer_inputs(self) -> str:
        # (without a negative slope it selects values: integers stay integers)
        return "keep" if self.negative_slope == 0 else "float"

    def __init__(
        self,
        max_value: float | None = None,
        negative_slope: float = 0.0,
        threshold: float = 0.0,
        **kwargs,
    ):
        if max_value is not None and max_value < 0.0:
            raise ConfigError(
                f"max_value of a ReLU layer cannot be a negative value. Received: {max_value}"
            )
        if negative_slope is None or negative_slope < 0.0:
            raise ConfigError(
                "negative_slope of a ReLU layer cannot be a negative value. "
                f"Received: {negative_slope}"
            )
        if threshold is None or threshold < 0.0:
            raise ConfigError(
                f"threshold of a ReLU layer cannot be a negative value. Received: {threshold}"
            )
        super().__init__(**kwargs)
        self.max_value = None if max_value is None else float(max_value)
        self.negative_slope = float(negative_slope)
        self.threshold = float(threshold)
        self._kw = dict(
            negative_slope=self.negative_slope, max_value=self.max_value, threshold=self.threshold
        )

    def call(self, inputs, training: bool = False):
        if inputs.dtype.kind != "f":  # (NumPy: the activation would cast them to floats)
            return integer_relu(inputs, self.threshold, self.max_value)
        return activations.relu(inputs, **self._kw)

    def forward(self, inputs, training: bool = True):
        y = self.call(inputs)
        return y, (inputs, y)

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        x, y = cache
        if x.dtype.kind != "f":
            x, y = x.astype(grad_output.dtype), y.astype(grad_output.dtype)
        return activations.relu.grad(x, y, grad_output, **self._kw)

    def get_config(self) -> dict:
        return {**super().get_config(), **self._kw}

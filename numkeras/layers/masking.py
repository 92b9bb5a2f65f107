"""`Masking(mask_value=0.0)`: mark the timesteps whose features all equal `mask_value` as
padding, as Keras 3.

For inputs `(batch, timesteps, features)` the mask is `any(x != mask_value, axis=-1)`
(True: a real step). The layer's output is its input with the masked steps set to 0, and
carries the mask, which the layers after it use (recurrent layers skip those steps,
`GlobalAveragePooling1D` leaves them out of its mean) or pass on; the loss and the
`MeanMetricWrapper` metrics leave them out too.

>>> import numpy as np
>>> x = np.array([[[1.0, 2.0], [0.0, 0.0], [3.0, 0.0]]])
>>> layer = Masking(mask_value=0.0)
>>> layer.compute_mask(x, None)
array([[ True, False,  True]])
>>> Masking(mask_value=-1.0)(np.array([[[1.0, 2.0], [-1.0, -1.0]]]))
array([[[1., 2.],
        [0., 0.]]], dtype=float32)
"""

from __future__ import annotations

from numbers import Real

from numkeras import backend
from numkeras.errors import ConfigError
from numkeras.layers.layer import Layer


class Masking(Layer):
    built_at_init = True  # (no weights: built when made, as in Keras 3)
    supports_masking = True
    integer_inputs = "keep"  # (zeroes masked steps: integers stay integers)
    bool_inputs = "int32"  # (as Keras's ops give them)

    def __init__(self, mask_value=0.0, **kwargs):
        if isinstance(mask_value, bool) or not isinstance(mask_value, Real):
            raise ConfigError(
                f"Masking's `mask_value` must be a number, received mask_value={mask_value!r}."
            )
        super().__init__(**kwargs)
        self.mask_value = mask_value

    def _makes_mask(self) -> bool:
        return True

    def _keep(self, inputs):
        """`(batch, ..., 1)`: True where a step has a feature other than `mask_value`."""
        kind = inputs.dtype.kind  # (an integer input is compared with the value itself)
        value = inputs.dtype.type(self.mask_value) if kind == "f" else self.mask_value
        return (inputs != value).any(axis=-1, keepdims=True)

    def compute_mask(self, inputs, mask=None):
        return self._keep(inputs)[..., 0]

    def call(self, inputs, training: bool = False):
        return backend.xp.where(self._keep(inputs), inputs, inputs.dtype.type(0))

    def forward(self, inputs, training: bool = True):
        keep = self._keep(inputs)
        return backend.xp.where(keep, inputs, inputs.dtype.type(0)), keep

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        if not need_input_grad:
            return None
        return backend.xp.where(cache, grad_output, grad_output.dtype.type(0))

    def get_config(self) -> dict:
        return {**super().get_config(), "mask_value": self.mask_value}

    def _repr_args(self) -> str:
        return f"mask_value={self.mask_value!r}"

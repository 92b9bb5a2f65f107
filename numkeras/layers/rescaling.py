"""`Rescaling(scale, offset=0.0)`: `inputs * scale + offset`, in training and inference,
as Keras 3 (`Rescaling(1 / 255)` maps pixels to [0, 1]; `Rescaling(1 / 127.5, -1)` to
[-1, 1]).

`scale` and `offset` are numbers or arrays (lists) that broadcast against the inputs as
NumPy broadcasts (a per-channel list scales the last axis). As in Keras, when
`image_data_format()` is `"channels_first"` an array `scale` is reshaped to
`scale.shape + (1, ...)` (up to rank 3) so it scales the channel axis, and integer inputs
give float outputs. A NumPy array in the config is written as Keras writes it
(`{"class_name": "__numpy__", ...}`).

>>> import numpy as np
>>> Rescaling(1 / 127.5, offset=-1)(np.array([[0.0, 127.5, 255.0]]))
array([[-1.,  0.,  1.]], dtype=float32)
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError
from numkeras.layers.layer import Layer


def _check_number(name: str, value):
    if isinstance(value, dict) and value.get("class_name") == "__numpy__":
        cfg = value.get("config", {})
        return np.asarray(cfg.get("value"), dtype=cfg.get("dtype"))
    if isinstance(value, bool):
        raise ConfigError(f"Rescaling's `{name}` must be a number or an array, received {value!r}.")
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        arr = None
    if arr is None or arr.dtype.kind not in "iuf":
        raise ConfigError(
            f"Rescaling's `{name}` must be a number or an array of numbers, received {value!r}."
        )
    return value


def _serialize(value):
    if isinstance(value, (int, float, list, tuple)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    arr = backend.to_numpy(value)  # an array: as Keras's serialize_keras_object writes it
    return {"class_name": "__numpy__", "config": {"value": arr.tolist(), "dtype": arr.dtype.name}}


class Rescaling(Layer):
    supports_masking = True  # (passes the mask on, as Keras 3)

    def __init__(self, scale, offset=0.0, **kwargs):
        scale = _check_number("scale", scale)
        offset = _check_number("offset", offset)
        super().__init__(**kwargs)
        self.scale = scale
        self.offset = offset

    def _factors(self, dtype):
        xp = backend.xp
        scale = xp.asarray(_host(self.scale), dtype=dtype)
        offset = xp.asarray(_host(self.offset), dtype=dtype)
        if scale.ndim > 0 and backend.image_data_format() == "channels_first":
            scale = scale.reshape(scale.shape + (1,) * (3 - scale.ndim))
        return scale, offset

    def compute_output_shape(self, input_shape):
        return input_shape

    def call(self, inputs, training: bool = False):
        scale, offset = self._factors(inputs.dtype)
        return inputs * scale + offset

    def forward(self, inputs, training: bool = True):
        scale, offset = self._factors(inputs.dtype)
        return inputs * scale + offset, (inputs.shape, scale)

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        if not need_input_grad:
            return None
        shape, scale = cache
        g = grad_output * scale
        return backend.sum_to_shape(g, shape)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "scale": _serialize(self.scale),
            "offset": _serialize(self.offset),
        }

    def _repr_args(self) -> str:
        return f"scale={self.scale!r}, offset={self.offset!r}"

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None):
        # (`custom_objects`: Keras's signature; a scale or offset is a number or an array)
        return super().from_config(config)


def _host(value):
    return value if isinstance(value, (int, float, list, tuple)) else backend.to_numpy(value)

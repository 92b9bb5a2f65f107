"""Keras 3's quantizers (`keras.quantizers`): `abs_max_quantize`, `AbsMaxQuantizer` and the
`Quantizer` base class, and the grouped asymmetric `abs_max_quantize_grouped_with_zero_point`.

Abs-max quantization scales `x` by `value_range[1] / (max|x| + epsilon)` along `axis`
(the scale kept with its dims, in `x`'s dtype) and rounds into `value_range`, as the
layers' int8 quantization does (`numkeras.layers.quantization`).

>>> import numpy as np
>>> q, scale = abs_max_quantize(np.array([[1.0, -2.0], [0.5, 4.0]], "float32"), axis=0)
>>> q.tolist(), scale.round(2).tolist()
([[127, -64], [63, 127]], [[127.0, 31.75]])
"""

from __future__ import annotations

import math

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError

# (Keras takes `backend.epsilon()` as a default argument: its value at import)
_EPSILON = 1e-7


class Quantizer:
    """The base of Keras's quantizers: `__call__(x)` gives `x` back; a subclass computes
    its quantization there and writes its `get_config`."""

    def __init__(self, output_dtype: str = "int8"):
        self.output_dtype = output_dtype

    def __call__(self, x):
        return x

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def get_config(self) -> dict:
        raise NotImplementedError(f"{self} does not implement get_config()")


def _axis(axis):
    return tuple(axis) if isinstance(axis, (list, tuple)) else axis


def abs_max_quantize(
    inputs,
    axis,
    value_range=(-127, 127),
    dtype: str = "int8",
    epsilon: float = _EPSILON,
    to_numpy: bool = False,
):
    """`(quantized, scale)`: `inputs * scale` rounded and clipped into `value_range` as
    `dtype`, `scale = value_range[1] / (max|inputs| + epsilon)` along `axis` (kept dims,
    in the inputs' dtype). `to_numpy` is Keras's choice of device: the same here."""
    if _is_array(inputs):  # (the layers' int8 passes: arrays, directly)
        xp = backend.xp
        x = xp.asarray(inputs)
        big = xp.max(xp.abs(x), axis=_axis(axis), keepdims=True)
        scale = (value_range[1] / (big + epsilon)).astype(x.dtype, copy=False)
        q = xp.clip(xp.round(x * scale), value_range[0], value_range[1]).astype(dtype)
        return q, scale
    from numkeras import ops  # (symbolic tensors: a user layer's traced call, a graph)

    x = ops.convert_to_tensor(inputs)
    big = ops.max(ops.abs(x), axis=_axis(axis), keepdims=True)
    scale = ops.cast(ops.divide(value_range[1], ops.add(big, epsilon)), x.dtype)
    q = ops.clip(ops.round(ops.multiply(x, scale)), value_range[0], value_range[1])
    return ops.cast(q, dtype), scale


def _is_array(x) -> bool:
    return isinstance(x, (np.ndarray, np.generic, list, tuple, int, float)) or (
        type(x).__module__.startswith("cupy")
    )


class AbsMaxQuantizer(Quantizer):
    """Keras's `AbsMaxQuantizer(axis=None, value_range=(-127, 127), epsilon=1e-7,
    output_dtype="int8")`: `quantizer(x, axis=None)` is `abs_max_quantize` along `axis`
    (else the constructor's, else -1)."""

    def __init__(
        self, axis=None, value_range=(-127, 127), epsilon: float = _EPSILON,
        output_dtype: str = "int8",
    ):  # fmt: skip
        super().__init__(output_dtype=output_dtype)
        if axis is not None:
            axis = (axis,) if isinstance(axis, int) else tuple(axis)
        self.axis = axis
        self.value_range = value_range
        self.epsilon = epsilon
        if output_dtype == "int8" and (value_range[0] < -128 or value_range[1] > 127):
            raise ConfigError(
                "Quantizer with output_dtype='int8' requires value_range to be within the "
                f"interval [-128, 127]. Received: value_range={value_range}"
            )

    def __call__(self, x, axis=None, to_numpy: bool = False):
        if axis is None:
            axis = self.axis if self.axis is not None else -1
        return abs_max_quantize(
            x, axis, self.value_range, self.output_dtype, self.epsilon, to_numpy
        )

    def get_config(self) -> dict:
        config = {
            "value_range": self.value_range,
            "epsilon": self.epsilon,
            "output_dtype": self.output_dtype,
        }
        if self.axis is not None:
            config["axis"] = self.axis
        return config


def abs_max_quantize_grouped_with_zero_point(
    inputs,
    block_size: int,
    value_range=(-8, 7),
    dtype: str = "int8",
    epsilon: float = _EPSILON,
    to_numpy: bool = False,
):
    """Keras's grouped asymmetric quantization of a 2-D `(input_dim, output_dim)` tensor:
    groups of `block_size` rows (the last zero-padded), each column of a group with its
    own scale `(max - min + epsilon) / (qmax - qmin)` and zero point: returns
    `(quantized, scale (n_groups, output_dim), zero_point (n_groups, output_dim) int8)`."""
    xp = backend.xp
    x = xp.asarray(inputs)
    input_dim, output_dim = x.shape
    groups = math.ceil(input_dim / block_size)
    qmin, qmax = value_range
    padded = groups * block_size
    if padded > input_dim:
        x_pad = xp.concatenate([x, xp.zeros((padded - input_dim, output_dim), x.dtype)])
    else:
        x_pad = x
    blocks = x_pad.reshape(groups, block_size, output_dim)
    low = xp.min(blocks, axis=1, keepdims=True)
    high = xp.max(blocks, axis=1, keepdims=True)
    scale = ((high - low) + epsilon) / (qmax - qmin)
    zero = xp.clip(xp.round(-low / scale) + qmin, qmin, qmax)
    q = xp.clip(xp.round(blocks / scale) + zero, qmin, qmax).astype(dtype)
    q = q.reshape(padded, output_dim)[:input_dim]
    scale = scale[:, 0].astype(x.dtype, copy=False)
    return q, scale, zero[:, 0].astype(np.int8)

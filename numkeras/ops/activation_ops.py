"""`keras.activations` on symbolic tensors (`activations.gelu(Input((3,)))`, or inside a
layer's traced call): as in Keras, each records the `keras.ops` operation it calls
(`activations.elu(x, alpha)` is `ops.elu(x, alpha)`), and `relu` with arguments and `mish`
record Keras's own operations `ReLU` and `Mish` (of `keras.src.activations.activations`).

>>> from numkeras import activations
>>> from numkeras.layers import Input
>>> activations.relu(Input((3,)), max_value=6.0)
<KerasTensor shape=(None, 3), dtype=float32, sparse=False, ragged=False, name=keras_tensor...>
"""

from __future__ import annotations

import inspect

from numkeras import backend
from numkeras.ops.nn import _Activation
from numkeras.ops.operation import arr

# the activation whose `keras.ops` function has another name
_OPS = {"exponential": "exp"}


class _ActivationOperation(_Activation):
    keras_module = "keras.src.activations.activations"

    def _convert(self, x):
        return arr(x)  # (the activation converts it: relu keeps integers)

    def output_dtype(self, x) -> str:
        # the dtype the array function gives (integers become floats, as Keras's eager)
        probe = backend.xp.zeros((1,), dtype=getattr(x, "dtype", None) or backend.floatx())
        return str(self._function()(probe, **self._kwargs()).dtype)


class ReLU(_ActivationOperation):
    """`activations.relu(x, negative_slope, max_value, threshold)`."""

    _fn = "relu"

    def __init__(self, negative_slope=0.0, max_value=None, threshold=0.0, *, name=None):
        super().__init__(name=name)
        self.negative_slope = negative_slope
        self.max_value = max_value
        self.threshold = threshold

    def get_config(self) -> dict:
        return {"name": self.name, "negative_slope": self.negative_slope,
                "max_value": self.max_value, "threshold": self.threshold}  # fmt: skip


class Mish(_ActivationOperation):
    """`activations.mish(x)`: `x * tanh(softplus(x))`."""

    _fn = "mish"


OPS = {"ReLU": ReLU, "Mish": Mish}


def symbolic_activation(fn, x, *args, **kwargs):
    """The activation `fn` (a function of `numkeras.activations.activations`) called on
    the symbolic tensor `x`: the operations Keras's activation records."""
    from numkeras import ops

    bound = inspect.signature(fn).bind(x, *args, **kwargs)
    bound.apply_defaults()
    kw = dict(list(bound.arguments.items())[1:])
    name = fn.__name__
    if name == "linear":
        return x
    if name == "hard_sigmoid_keras2":  # Keras 2's slope 0.2
        return ops.clip(ops.add(ops.multiply(x, 0.2), 0.5), 0.0, 1.0)
    if name == "mish":
        return Mish()(x)
    if name == "relu":
        if kw == {"negative_slope": 0.0, "max_value": None, "threshold": 0.0}:
            return ops.relu(x)
        return ReLU(**kw)(x)
    return getattr(ops, _OPS.get(name, name))(x, **kw)

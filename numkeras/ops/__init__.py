"""`numkeras.ops`: Keras 3's `keras.ops` functions that numkeras has.

On arrays each function computes and returns a backend array (`numkeras.backend.xp`); on
symbolic tensors (from `Input`) it records an operation in the functional graph, with a
hand-written backward pass, so `Model(x, ops.sum(x * 2.0, axis=-1))` predicts, trains,
saves and loads as in Keras. Python operators on symbolic tensors (`x * 2.0 + 1.0`,
`x / 3`, `-x`, `x ** 2`, `x[:, 0:2]`, `x @ w`, `abs(x)`) call these functions.

>>> import numpy as np
>>> from numkeras import ops
>>> ops.sum(np.arange(6.0).reshape(2, 3), axis=1).tolist()
[3.0, 12.0]
>>> from numkeras.layers import Input
>>> ops.softmax(Input(shape=(4,)) * 2.0, axis=-1)
<KerasTensor shape=(None, 4), name=softmax...>
"""

from __future__ import annotations

from numkeras.ops import core as _core
from numkeras.ops import nn as _nn
from numkeras.ops import numpy as _np_ops
from numkeras.ops.core import Cast
from numkeras.ops.nn import Relu, Sigmoid, Softmax
from numkeras.ops.numpy import (
    Absolute,
    Add,
    Clip,
    Concatenate,
    Divide,
    Exp,
    ExpandDims,
    GetItem,
    Log,
    Matmul,
    Max,
    Maximum,
    Mean,
    Min,
    Minimum,
    Multiply,
    Negative,
    Power,
    Reshape,
    Sqrt,
    Square,
    Squeeze,
    Stack,
    Subtract,
    Sum,
    Tanh,
    Transpose,
    TrueDivide,
)
from numkeras.ops.operation import Operation


def add(x1, x2):
    return Add()(x1, x2)


def subtract(x1, x2):
    return Subtract()(x1, x2)


def multiply(x1, x2):
    return Multiply()(x1, x2)


def divide(x1, x2):
    return Divide()(x1, x2)


def true_divide(x1, x2):
    return TrueDivide()(x1, x2)


def power(x1, x2):
    return Power()(x1, x2)


def maximum(x1, x2):
    return Maximum()(x1, x2)


def minimum(x1, x2):
    return Minimum()(x1, x2)


def matmul(x1, x2):
    return Matmul()(x1, x2)


def negative(x):
    return Negative()(x)


def absolute(x):
    return Absolute()(x)


abs = absolute  # noqa: A001 (keras.ops.abs)


def square(x):
    return Square()(x)


def sqrt(x):
    return Sqrt()(x)


def exp(x):
    return Exp()(x)


def log(x):
    return Log()(x)


def tanh(x):
    return Tanh()(x)


def relu(x):
    return Relu()(x)


def sigmoid(x):
    return Sigmoid()(x)


def softmax(x, axis=-1):
    return Softmax(axis=axis)(x)


def clip(x, x_min, x_max):
    return Clip(x_min, x_max)(x)


def sum(x, axis=None, keepdims=False):  # noqa: A001 (keras.ops.sum)
    return Sum(axis=axis, keepdims=keepdims)(x)


def mean(x, axis=None, keepdims=False):
    return Mean(axis=axis, keepdims=keepdims)(x)


def max(x, axis=None, keepdims=False, initial=None):  # noqa: A001 (keras.ops.max)
    return Max(axis=axis, keepdims=keepdims, initial=initial)(x)


def min(x, axis=None, keepdims=False, initial=None):  # noqa: A001 (keras.ops.min)
    return Min(axis=axis, keepdims=keepdims, initial=initial)(x)


def reshape(x, newshape):
    return Reshape(newshape)(x)


def transpose(x, axes=None):
    return Transpose(axes=axes)(x)


def expand_dims(x, axis):
    return ExpandDims(axis=axis)(x)


def squeeze(x, axis=None):
    return Squeeze(axis=axis)(x)


def concatenate(xs, axis=0):
    return Concatenate(axis=axis)(list(xs))


def stack(x, axis=0):
    return Stack(axis=axis)(list(x))


def cast(x, dtype):
    return Cast(dtype)(x)


def getitem(x, key):
    """`x[key]` (slices, integers, None and Ellipsis)."""
    return GetItem()(x, key)


def operation_classes() -> dict:
    """Class name -> class, per Keras module (`keras.src.ops.numpy`, `.nn`, `.core`)."""
    return {
        "keras.src.ops.numpy": dict(_np_ops.OPS),
        "keras.src.ops.nn": dict(_nn.OPS),
        "keras.src.ops.core": dict(_core.OPS),
    }


__all__ = [
    "Operation",
    "abs",
    "absolute",
    "add",
    "cast",
    "clip",
    "concatenate",
    "divide",
    "exp",
    "expand_dims",
    "getitem",
    "log",
    "matmul",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "multiply",
    "negative",
    "power",
    "relu",
    "reshape",
    "sigmoid",
    "softmax",
    "sqrt",
    "square",
    "squeeze",
    "stack",
    "subtract",
    "sum",
    "tanh",
    "transpose",
    "true_divide",
]

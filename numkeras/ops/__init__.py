"""`numkeras.ops`: Keras 3's `keras.ops` functions that numkeras has.

On arrays each function computes and returns a backend array (`numkeras.backend.xp`); on
symbolic tensors (from `Input`) it records an operation in the functional graph, with a
hand-written backward pass, so `Model(x, ops.sum(x * 2.0, axis=-1))` predicts, trains,
saves and loads as in Keras. Python operators on symbolic tensors (`x * 2.0 + 1.0`,
`x / 3`, `-x`, `x ** 2`, `x[:, 0:2]`, `x @ w`, `abs(x)`, `x // 2`, `x % 2`, `round(x)`, and
the comparisons and logic `x > 0`, `x != y`, `m & n`, `m | n`, `~m`, which give bool
tensors) call these functions; `==` stays Python's identity, as in Keras (use
`ops.equal`). Comparisons, `argmax`, `one_hot` and the `*_like` functions pass no gradient;
`round`, `sign`, `floor`, `ceil` and `floor_divide` pass zeros, as JAX does.

>>> import numpy as np
>>> from numkeras import ops
>>> ops.sum(np.arange(6.0).reshape(2, 3), axis=1).tolist()
[3.0, 12.0]
>>> from numkeras.layers import Input
>>> ops.softmax(Input(shape=(4,)) * 2.0, axis=-1)
<KerasTensor shape=(None, 4), name=softmax...>
>>> x = Input(shape=(3,))
>>> ops.where(x > 0, x, 0.1 * x)
<KerasTensor shape=(None, 3), name=where...>
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any as _Any

from numkeras import backend as _backend
from numkeras.ops import core as _core
from numkeras.ops import linalg as _linalg
from numkeras.ops import math as _math
from numkeras.ops import nn as _nn
from numkeras.ops import numpy as _np_ops
from numkeras.ops import numpy_more as _np_more
from numkeras.ops.core import Cast, DynamicReshape, Ones, Zeros
from numkeras.ops.linalg import Norm
from numkeras.ops.math import Logsumexp
from numkeras.ops.nn import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    Elu,
    Gelu,
    HardSigmoid,
    LeakyRelu,
    LogSigmoid,
    LogSoftmax,
    Normalize,
    OneHot,
    Relu,
    Relu6,
    Selu,
    Sigmoid,
    Silu,
    Softmax,
    Softplus,
    Softsign,
    SparseCategoricalCrossentropy,
)
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
from numkeras.ops.numpy_more import (
    All,
    Any,
    Argmax,
    Argmin,
    Ceil,
    Cos,
    Equal,
    Expm1,
    Floor,
    FloorDivide,
    FullLike,
    Greater,
    GreaterEqual,
    Less,
    LessEqual,
    Log1p,
    LogicalAnd,
    LogicalNot,
    LogicalOr,
    LogicalXor,
    Mod,
    NotEqual,
    OnesLike,
    Prod,
    Reciprocal,
    Round,
    Sign,
    Sin,
    Std,
    Var,
    Where,
    ZerosLike,
)
from numkeras.ops.operation import Operation, SymbolicDim, has_symbolic_dim

Tensor = _Any  # a backend array, or a symbolic KerasTensor inside a model


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
    """`x` with shape `newshape` (one entry may be -1). An entry may be a size read at run
    time (`ops.reshape(x, (ops.shape(x)[0], -1))` of a tensor with an unknown batch)."""
    if has_symbolic_dim(newshape):
        return DynamicReshape()(x, _core.concrete_shape(newshape, "reshape", -1))
    return Reshape(newshape)(x)


def shape(x) -> tuple:
    """The shape of `x` as a tuple of ints; an unknown axis of a symbolic tensor (the
    batch) is a `SymbolicDim`, whose size operations read when they run.

    >>> import numpy as np
    >>> shape(np.zeros((2, 3)))
    (2, 3)
    """
    return _core.shape(x)


def zeros(shape, dtype: str | None = None) -> Tensor:
    """Zeros of `shape` (floatx unless `dtype`); a shape with a `SymbolicDim` gives a
    symbolic tensor whose size is read at run time.

    >>> zeros((2,)).tolist()
    [0.0, 0.0]
    """
    shape = _core.concrete_shape(shape, "zeros")
    if has_symbolic_dim(shape):
        return Zeros(dtype=dtype)(shape)
    return _backend.xp.zeros(shape, dtype=dtype or _backend.floatx())


def ones(shape, dtype: str | None = None) -> Tensor:
    """Ones of `shape` (floatx unless `dtype`); a shape with a `SymbolicDim` gives a
    symbolic tensor whose size is read at run time.

    >>> ones((2,)).tolist()
    [1.0, 1.0]
    """
    shape = _core.concrete_shape(shape, "ones")
    if has_symbolic_dim(shape):
        return Ones(dtype=dtype)(shape)
    return _backend.xp.ones(shape, dtype=dtype or _backend.floatx())


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


# -- comparisons and logic: bool tensors, no gradient ------------------------------------
def greater(x1, x2) -> Tensor:
    """`x1 > x2`, element-wise (a bool tensor)."""
    return Greater()(x1, x2)


def greater_equal(x1, x2) -> Tensor:
    """`x1 >= x2`, element-wise (a bool tensor)."""
    return GreaterEqual()(x1, x2)


def less(x1, x2) -> Tensor:
    """`x1 < x2`, element-wise (a bool tensor)."""
    return Less()(x1, x2)


def less_equal(x1, x2) -> Tensor:
    """`x1 <= x2`, element-wise (a bool tensor)."""
    return LessEqual()(x1, x2)


def equal(x1, x2) -> Tensor:
    """`x1 == x2`, element-wise (a bool tensor)."""
    return Equal()(x1, x2)


def not_equal(x1, x2) -> Tensor:
    """`x1 != x2`, element-wise (a bool tensor)."""
    return NotEqual()(x1, x2)


def logical_and(x1, x2) -> Tensor:
    """Element-wise logical and (nonzero is true; a bool tensor)."""
    return LogicalAnd()(x1, x2)


def logical_or(x1, x2) -> Tensor:
    """Element-wise logical or (nonzero is true; a bool tensor)."""
    return LogicalOr()(x1, x2)


def logical_xor(x1, x2) -> Tensor:
    """Element-wise logical exclusive or (nonzero is true; a bool tensor)."""
    return LogicalXor()(x1, x2)


def logical_not(x) -> Tensor:
    """Element-wise logical not (nonzero is true; a bool tensor)."""
    return LogicalNot()(x)


def where(condition, x1=None, x2=None) -> Tensor:
    """`x1` where `condition` is true, else `x2` (broadcast together); the gradient goes to
    the argument chosen."""
    if x1 is None or x2 is None:
        raise ValueError(
            "numkeras's where takes both `x1` and `x2` (the one-argument form, nonzero "
            "indices, has no fixed shape)."
        )
    return Where()(condition, x1, x2)


def floor_divide(x1, x2) -> Tensor:
    """`x1 // x2`, element-wise (its gradient is zero)."""
    return FloorDivide()(x1, x2)


def mod(x1, x2) -> Tensor:
    """`x1 % x2`, element-wise, with the sign of `x2`."""
    return Mod()(x1, x2)


# -- element-wise math -----------------------------------------------------------------------
def log1p(x) -> Tensor:
    """`log(1 + x)`, element-wise."""
    return Log1p()(x)


def expm1(x) -> Tensor:
    """`exp(x) - 1`, element-wise."""
    return Expm1()(x)


def sin(x) -> Tensor:
    """Element-wise sine."""
    return Sin()(x)


def cos(x) -> Tensor:
    """Element-wise cosine."""
    return Cos()(x)


def reciprocal(x) -> Tensor:
    """`1 / x`, element-wise."""
    return Reciprocal()(x)


def sign(x) -> Tensor:
    """-1, 0 or 1 by the sign of each entry (its gradient is zero)."""
    return Sign()(x)


def round(x, decimals: int = 0) -> Tensor:  # noqa: A001 (keras.ops.round)
    """Round half to even, to `decimals` places (its gradient is zero)."""
    return Round(decimals)(x)


def floor(x) -> Tensor:
    """Element-wise floor (its gradient is zero)."""
    return Floor()(x)


def ceil(x) -> Tensor:
    """Element-wise ceiling (its gradient is zero)."""
    return Ceil()(x)


# -- tensors shaped like another, indices ------------------------------------------------
def ones_like(x, dtype: str | None = None) -> Tensor:
    """Ones with `x`'s shape and dtype (or `dtype`)."""
    return OnesLike(dtype=dtype)(x)


def zeros_like(x, dtype: str | None = None) -> Tensor:
    """Zeros with `x`'s shape and dtype (or `dtype`)."""
    return ZerosLike(dtype=dtype)(x)


def full_like(x, fill_value, dtype: str | None = None) -> Tensor:
    """`fill_value` with `x`'s shape and dtype (or `dtype`)."""
    return FullLike(dtype=dtype)(x, fill_value)


def one_hot(
    x, num_classes: int, axis: int = -1, dtype: str | None = None, sparse: bool = False
) -> Tensor:
    """Integer class indices `x` as one-hot vectors along a new `axis` (floatx unless
    `dtype`); indices outside `[0, num_classes)` give zeros."""
    return OneHot(num_classes, axis=axis, dtype=dtype or _backend.floatx(), sparse=sparse)(x)


def argmax(x, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """The int32 index of the largest entry (over all entries when `axis` is None)."""
    return Argmax(axis=axis, keepdims=keepdims)(x)


def argmin(x, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """The int32 index of the smallest entry (over all entries when `axis` is None)."""
    return Argmin(axis=axis, keepdims=keepdims)(x)


# -- reductions ------------------------------------------------------------------------------
def std(x, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Tensor:
    """The standard deviation over `axis` (ddof 0)."""
    return Std(axis=axis, keepdims=keepdims)(x)


def var(x, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Tensor:
    """The variance over `axis` (ddof 0)."""
    return Var(axis=axis, keepdims=keepdims)(x)


def prod(
    x, axis: int | Sequence[int] | None = None, keepdims: bool = False, dtype: str | None = None
) -> Tensor:
    """The product over `axis`."""
    return Prod(axis=axis, keepdims=keepdims, dtype=dtype)(x)


def logsumexp(x, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Tensor:
    """`log(sum(exp(x)))` over `axis`, computed without overflow."""
    return Logsumexp(axis=axis, keepdims=keepdims)(x)


def any(x, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Tensor:  # noqa: A001 (keras.ops.any)
    """Is any entry over `axis` nonzero (a bool tensor)."""
    return Any(axis=axis, keepdims=keepdims)(x)


def all(x, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Tensor:  # noqa: A001 (keras.ops.all)
    """Are all entries over `axis` nonzero (a bool tensor)."""
    return All(axis=axis, keepdims=keepdims)(x)


def norm(
    x,
    ord: float | str | None = None,
    axis: int | Sequence[int] | None = None,
    keepdims: bool = False,
) -> Tensor:  # noqa: A002 (keras.ops.norm)
    """A vector norm of order `ord` over one axis, the Frobenius norm over two, or the
    2-norm of all entries (`axis` None)."""
    return Norm(ord=ord, axis=axis, keepdims=keepdims)(x)


# -- nn ----------------------------------------------------------------------------------
def log_softmax(x, axis: int = -1) -> Tensor:
    """`x - logsumexp(x)` along `axis`."""
    return LogSoftmax(axis=axis)(x)


def softplus(x) -> Tensor:
    """`log(exp(x) + 1)`, without overflow."""
    return Softplus()(x)


def softsign(x) -> Tensor:
    """`x / (abs(x) + 1)`."""
    return Softsign()(x)


def elu(x, alpha: float = 1.0) -> Tensor:
    """`x` if `x > 0`, else `alpha * (exp(x) - 1)`."""
    return Elu(alpha=alpha)(x)


def selu(x) -> Tensor:
    """Scaled ELU (alpha 1.67326324, scale 1.05070098)."""
    return Selu()(x)


def gelu(x, approximate: bool = True) -> Tensor:
    """Gaussian error linear unit (the tanh approximation by default, as `keras.ops`)."""
    return Gelu(approximate=approximate)(x)


def silu(x) -> Tensor:
    """`x * sigmoid(x)`."""
    return Silu()(x)


swish = silu  # keras.ops.swish


def leaky_relu(x, negative_slope: float = 0.2) -> Tensor:
    """`x` if `x >= 0`, else `negative_slope * x`."""
    return LeakyRelu(negative_slope=negative_slope)(x)


def relu6(x) -> Tensor:
    """`min(max(x, 0), 6)`."""
    return Relu6()(x)


def hard_sigmoid(x) -> Tensor:
    """`relu6(x + 3) / 6` (Keras 3's hard sigmoid)."""
    return HardSigmoid()(x)


def log_sigmoid(x) -> Tensor:
    """`-softplus(-x)`, the log of the sigmoid."""
    return LogSigmoid()(x)


def normalize(
    x, axis: int | Sequence[int] | None = -1, order: int = 2, epsilon: float | None = None
) -> Tensor:
    """`x / max(norm(x, order), epsilon)` along `axis` (epsilon defaults to
    `backend.epsilon()`)."""
    return Normalize(axis=axis, order=order, epsilon=epsilon)(x)


def binary_crossentropy(target, output, from_logits: bool = False) -> Tensor:
    """Element-wise binary crossentropy, as `keras.ops` (probabilities clipped to
    `[epsilon, 1 - epsilon]`)."""
    return BinaryCrossentropy(from_logits=from_logits)(target, output)


def categorical_crossentropy(target, output, from_logits: bool = False, axis: int = -1) -> Tensor:
    """Categorical crossentropy along `axis`, as `keras.ops` (probabilities renormalised,
    then clipped to `[epsilon, 1 - epsilon]`)."""
    return CategoricalCrossentropy(from_logits=from_logits, axis=axis)(target, output)


def sparse_categorical_crossentropy(
    target, output, from_logits: bool = False, axis: int = -1
) -> Tensor:
    """Categorical crossentropy with integer class indices for `target`."""
    return SparseCategoricalCrossentropy(from_logits=from_logits, axis=axis)(target, output)


def operation_classes() -> dict:
    """Class name -> class, per Keras module (`keras.src.ops.numpy`, `.nn`, `.core`,
    `.math`, `.linalg`)."""
    return {
        "keras.src.ops.numpy": {**_np_ops.OPS, **_np_more.OPS},
        "keras.src.ops.nn": dict(_nn.OPS),
        "keras.src.ops.core": dict(_core.OPS),
        "keras.src.ops.math": dict(_math.OPS),
        "keras.src.ops.linalg": dict(_linalg.OPS),
    }


__all__ = [
    "Operation",
    "SymbolicDim",
    "abs",
    "absolute",
    "add",
    "all",
    "any",
    "argmax",
    "argmin",
    "binary_crossentropy",
    "cast",
    "categorical_crossentropy",
    "ceil",
    "clip",
    "concatenate",
    "cos",
    "divide",
    "elu",
    "equal",
    "exp",
    "expand_dims",
    "expm1",
    "floor",
    "floor_divide",
    "full_like",
    "gelu",
    "getitem",
    "greater",
    "greater_equal",
    "hard_sigmoid",
    "leaky_relu",
    "less",
    "less_equal",
    "log",
    "log1p",
    "log_sigmoid",
    "log_softmax",
    "logical_and",
    "logical_not",
    "logical_or",
    "logical_xor",
    "logsumexp",
    "matmul",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "mod",
    "multiply",
    "negative",
    "norm",
    "normalize",
    "not_equal",
    "one_hot",
    "ones",
    "ones_like",
    "power",
    "prod",
    "reciprocal",
    "relu",
    "relu6",
    "reshape",
    "round",
    "selu",
    "shape",
    "sigmoid",
    "sign",
    "silu",
    "sin",
    "softmax",
    "softplus",
    "softsign",
    "sparse_categorical_crossentropy",
    "sqrt",
    "square",
    "squeeze",
    "stack",
    "std",
    "subtract",
    "sum",
    "swish",
    "tanh",
    "transpose",
    "true_divide",
    "var",
    "where",
    "zeros",
    "zeros_like",
]

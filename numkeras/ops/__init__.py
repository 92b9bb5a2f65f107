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
from numkeras.ops import core_extra as _core_extra
from numkeras.ops import linalg as _linalg
from numkeras.ops import math as _math
from numkeras.ops import nn as _nn
from numkeras.ops import numpy as _np_ops
from numkeras.ops import numpy_extra as _np_extra
from numkeras.ops import numpy_more as _np_more
from numkeras.ops.core import Cast, DynamicReshape, Ones, Zeros
from numkeras.ops.core_extra import ConvertToTensor, Erf, Slice, StopGradient, TopK
from numkeras.ops.linalg import Norm
from numkeras.ops.math import Logsumexp
from numkeras.ops.nn import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    DotProductAttention,
    Elu,
    Gelu,
    Glu,
    HardSigmoid,
    HardSilu,
    LeakyRelu,
    LogSigmoid,
    LogSoftmax,
    Moments,
    MultiHot,
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
    SparsePlus,
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
from numkeras.ops.numpy_extra import (
    Arccos,
    Arccosh,
    Arcsin,
    Arcsinh,
    Arctan,
    Arctan2,
    Arctanh,
    Argsort,
    Average,
    BroadcastTo,
    Cosh,
    CountNonzero,
    Cumprod,
    Cumsum,
    Diag,
    Diagonal,
    Dot,
    DynamicArange,
    DynamicBroadcastTo,
    DynamicFull,
    Einsum,
    Exp2,
    Flip,
    Full,
    Hstack,
    Isfinite,
    Isinf,
    Isnan,
    Linspace,
    Log2,
    Log10,
    Moveaxis,
    NanToNum,
    Outer,
    Pad,
    Ravel,
    Repeat,
    Sinh,
    Sort,
    Split,
    Swapaxes,
    Take,
    TakeAlongAxis,
    Tan,
    Tensordot,
    Tile,
    Tril,
    Triu,
    Vstack,
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
from numkeras.ops.operation import Operation, SymbolicDim, _contains_tensor, has_symbolic_dim

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


# -- tensors from values ---------------------------------------------------------------------
def convert_to_tensor(x, dtype: str | None = None, sparse=None, ragged=None) -> Tensor:
    """`x` as a backend array (Python floats floatx, ints int32, arrays keep their dtype,
    unless `dtype`); a symbolic tensor records a `ConvertToTensor` operation, as Keras.

    >>> convert_to_tensor([1.0, 2.0]).dtype
    dtype('float32')
    """
    if sparse:
        raise ValueError("`sparse=True` is not supported: numkeras has no sparse tensors.")
    if ragged:
        raise ValueError("`ragged=True` is not supported: numkeras has no ragged tensors.")
    dtype = None if dtype is None else _np_more.check_dtype(dtype)
    if _contains_tensor((x,)):
        return ConvertToTensor(dtype=dtype, sparse=sparse, ragged=ragged)(x)
    return _core_extra.to_tensor(x, dtype)


def stop_gradient(variable) -> Tensor:
    """`variable` itself, passing a zero gradient."""
    return StopGradient()(variable)


def slice(inputs, start_indices, shape) -> Tensor:  # noqa: A001 (keras.ops.slice)
    """The block of `shape` at `start_indices` (clamped to fit, as JAX)."""
    return Slice(shape)(inputs, start_indices)


def full(shape, fill_value, dtype: str | None = None) -> Tensor:
    """`fill_value` (a number or a tensor, broadcast) in a tensor of `shape`, floatx
    unless `dtype`; a shape with a `SymbolicDim` is read at run time.

    >>> full((2,), 3).tolist()
    [3.0, 3.0]
    """
    shape = _core.concrete_shape(shape, "full")
    if has_symbolic_dim(shape):
        return DynamicFull(dtype=dtype)(shape, fill_value)
    if _contains_tensor((fill_value,)):
        return Full(shape, dtype=dtype)(fill_value)
    dtype = _np_more.check_dtype(dtype) if dtype is not None else _backend.floatx()
    fill = fill_value.value if hasattr(fill_value, "value") else fill_value
    return _backend.xp.full(shape, fill, dtype=dtype)


def arange(start, stop=None, step=None, dtype: str | None = None) -> Tensor:
    """`start, start + step, ...` below `stop` (int32 for ints, floatx for floats, as
    Keras); an argument may be a size read at run time (`ops.shape(x)[1]`).

    >>> arange(3).tolist(), str(arange(3).dtype)
    ([0, 1, 2], 'int32')
    """
    dtype = _np_more.check_dtype(dtype) if dtype else _np_extra.number_dtype(start, stop, step)
    if has_symbolic_dim([start, stop, step]):
        return DynamicArange(dtype)(start, stop, step)
    if _contains_tensor((start, stop, step)):
        raise TypeError(
            "arange of a symbolic tensor has no known length; pass numbers, or a size "
            "ops.shape(x)[axis] of a symbolic tensor."
        )
    return _backend.xp.arange(start, stop, 1 if step is None else step, dtype=dtype)


def linspace(
    start,
    stop,
    num: int = 50,
    endpoint: bool = True,
    retstep: bool = False,
    dtype: str | None = None,
    axis: int = 0,
) -> Tensor:
    """`num` evenly spaced values from `start` to `stop` (floatx unless `dtype`); tensor
    `start` / `stop` record an operation that passes them gradients.

    >>> linspace(0, 1, 3).tolist()
    [0.0, 0.5, 1.0]
    """
    if _contains_tensor((start, stop)):
        return Linspace(num, endpoint, retstep, dtype, axis)(start, stop)
    op = Linspace(num, endpoint, False, dtype, axis)
    out, _ = op._forward(start, stop)
    if not retstep:
        return out
    div = (num - 1) if endpoint else num
    step = (_backend.xp.asarray(stop) - _backend.xp.asarray(start)) / div if div > 0 else None
    return out, _backend.xp.asarray(step, out.dtype) if step is not None else float("nan")


def eye(N: int, M: int | None = None, k: int = 0, dtype: str | None = None) -> Tensor:  # noqa: N803 (Keras's names)
    """A 2-D tensor with ones on diagonal `k` (floatx unless `dtype`).

    >>> eye(2).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    for name, v in (("N", N), ("M", M)):
        if isinstance(v, float) or str(getattr(v, "dtype", "")).startswith("float"):
            raise TypeError(f"Argument `{name}` must be an integer or an integer tensor.")
    dtype = _np_more.check_dtype(dtype) if dtype is not None else _backend.floatx()
    return _backend.xp.eye(int(N), None if M is None else int(M), k=int(k), dtype=dtype)


def identity(n: int, dtype: str | None = None) -> Tensor:
    """The `n` by `n` identity matrix (floatx unless `dtype`)."""
    return eye(n, dtype=dtype)


# -- repetition and rearrangement -------------------------------------------------------------
def tile(x, repeats) -> Tensor:
    """`x` repeated `repeats[i]` times along each axis."""
    return Tile(repeats)(x)


def repeat(x, repeats, axis: int | None = None) -> Tensor:
    """Each entry repeated `repeats` times (or one count per entry) along `axis`; the
    flattened `x` when `axis` is None."""
    return Repeat(repeats, axis=axis)(x)


def split(x, indices_or_sections, axis: int = 0) -> list:
    """`x` cut into equal sections (an int) or at the given indices, along `axis`."""
    return list(Split(indices_or_sections, axis=axis)(x))


def flip(x, axis=None) -> Tensor:
    """The entries in reverse order along `axis` (all axes when None)."""
    return Flip(axis=axis)(x)


def pad(x, pad_width, mode: str = "constant", constant_values=None) -> Tensor:
    """`x` padded by `pad_width` (modes constant, reflect, symmetric, edge, wrap)."""
    return Pad(pad_width, mode=mode)(x, constant_values)


def broadcast_to(x, shape) -> Tensor:
    """`x` broadcast to `shape` (a size may be read at run time: `ops.shape(y)[0]`)."""
    if has_symbolic_dim(shape):
        return DynamicBroadcastTo()(x, _core.concrete_shape(shape, "broadcast_to"))
    return BroadcastTo(shape)(x)


def swapaxes(x, axis1: int, axis2: int) -> Tensor:
    """`x` with axes `axis1` and `axis2` exchanged."""
    return Swapaxes(axis1, axis2)(x)


def moveaxis(x, source, destination) -> Tensor:
    """`x` with the axes `source` moved to the places `destination`."""
    return Moveaxis(source, destination)(x)


def ravel(x) -> Tensor:
    """`x` flattened."""
    return Ravel()(x)


def hstack(xs) -> Tensor:
    """The tensors concatenated along axis 1 (axis 0 for vectors)."""
    return Hstack()(list(xs))


def vstack(xs) -> Tensor:
    """The tensors concatenated along axis 0 (vectors as rows)."""
    return Vstack()(list(xs))


def triu(x, k: int = 0) -> Tensor:
    """The entries on and above diagonal `k` of the last two axes (zeros elsewhere)."""
    return Triu(k=k)(x)


def tril(x, k: int = 0) -> Tensor:
    """The entries on and below diagonal `k` of the last two axes (zeros elsewhere)."""
    return Tril(k=k)(x)


def diag(x, k: int = 0) -> Tensor:
    """A vector as diagonal `k` of a square matrix, or diagonal `k` of a matrix."""
    return Diag(k=k)(x)


def diagonal(x, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
    """The diagonals of the matrices on `axis1`, `axis2` (as the last axis)."""
    return Diagonal(offset=offset, axis1=axis1, axis2=axis2)(x)


# -- gathering and contractions ---------------------------------------------------------------
def take(x, indices, axis: int | None = None) -> Tensor:
    """The entries at integer `indices` along `axis` (of the flattened `x` when None)."""
    return Take(axis=axis)(x, indices)


def take_along_axis(x, indices, axis: int | None = None) -> Tensor:
    """Per lane along `axis`, the entries at `indices`."""
    return TakeAlongAxis(axis=axis)(x, indices)


def einsum(subscripts: str, *operands, **kwargs) -> Tensor:
    """Einstein summation of `operands` by `subscripts` (`"bij,bjk->bik"`); NumPy's
    keyword arguments (`optimize`) are accepted and left to numkeras."""
    return Einsum(subscripts)(*operands)


def dot(x1, x2) -> Tensor:
    """NumPy's dot: the last axis of `x1` summed with the second-to-last of `x2`."""
    return Dot()(x1, x2)


def tensordot(x1, x2, axes=2) -> Tensor:
    """The last `axes` axes of `x1` summed with the first of `x2`, or the axes paired
    in `axes = (axes1, axes2)`."""
    return Tensordot(axes=axes)(x1, x2)


def outer(x1, x2) -> Tensor:
    """Every entry of `x1` (flattened) times every entry of `x2` (flattened)."""
    return Outer()(x1, x2)


# -- scans, sorting, reductions --------------------------------------------------------------
def cumsum(x, axis: int | None = None, dtype: str | None = None) -> Tensor:
    """Running sums along `axis` (of the flattened `x` when None)."""
    return Cumsum(axis=axis, dtype=dtype)(x)


def cumprod(x, axis: int | None = None, dtype: str | None = None) -> Tensor:
    """Running products along `axis` (of the flattened `x` when None)."""
    return Cumprod(axis=axis, dtype=dtype)(x)


def sort(x, axis: int | None = -1) -> Tensor:
    """`x` sorted along `axis` (all entries when None); the gradient follows the entries."""
    return Sort(axis=axis)(x)


def argsort(x, axis: int | None = -1) -> Tensor:
    """The int32 indices that sort `x` along `axis` (a stable sort; no gradient)."""
    return Argsort(axis=axis)(x)


def top_k(x, k: int, sorted: bool = True) -> tuple:  # noqa: A002 (Keras's name)
    """The `k` largest entries along the last axis and their int32 indices."""
    return tuple(TopK(k, sorted=sorted)(x))


def average(x, axis: int | None = None, weights=None) -> Tensor:
    """The mean along `axis`, or the `weights`-weighted mean."""
    return Average(axis=axis)(x, weights)


def count_nonzero(x, axis: int | Sequence[int] | None = None) -> Tensor:
    """The int32 number of nonzero entries along `axis`."""
    return CountNonzero(axis=axis)(x)


# -- NaN and infinity --------------------------------------------------------------------------
def isnan(x) -> Tensor:
    """Is each entry NaN (a bool tensor)."""
    return Isnan()(x)


def isinf(x) -> Tensor:
    """Is each entry infinite (a bool tensor)."""
    return Isinf()(x)


def isfinite(x) -> Tensor:
    """Is each entry finite (a bool tensor)."""
    return Isfinite()(x)


def nan_to_num(x, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None):
    """NaN and infinities replaced (infinities by the dtype's extremes unless given)."""
    return NanToNum(nan=nan, posinf=posinf, neginf=neginf)(x)


# -- more element-wise math --------------------------------------------------------------------
def log2(x) -> Tensor:
    """Base-2 logarithm, element-wise."""
    return Log2()(x)


def log10(x) -> Tensor:
    """Base-10 logarithm, element-wise."""
    return Log10()(x)


def exp2(x) -> Tensor:
    """`2 ** x`, element-wise."""
    return Exp2()(x)


def sinh(x) -> Tensor:
    """Hyperbolic sine."""
    return Sinh()(x)


def cosh(x) -> Tensor:
    """Hyperbolic cosine."""
    return Cosh()(x)


def tan(x) -> Tensor:
    """Tangent."""
    return Tan()(x)


def arcsin(x) -> Tensor:
    """Inverse sine."""
    return Arcsin()(x)


def arccos(x) -> Tensor:
    """Inverse cosine."""
    return Arccos()(x)


def arctan(x) -> Tensor:
    """Inverse tangent."""
    return Arctan()(x)


def arcsinh(x) -> Tensor:
    """Inverse hyperbolic sine."""
    return Arcsinh()(x)


def arccosh(x) -> Tensor:
    """Inverse hyperbolic cosine."""
    return Arccosh()(x)


def arctanh(x) -> Tensor:
    """Inverse hyperbolic tangent."""
    return Arctanh()(x)


def arctan2(x1, x2) -> Tensor:
    """The angle of the point `(x2, x1)`, element-wise."""
    return Arctan2()(x1, x2)


def erf(x) -> Tensor:
    """The error function, element-wise."""
    return Erf()(x)


# -- nn ------------------------------------------------------------------------------------------
def moments(x, axes, keepdims: bool = False, synchronized: bool = False) -> tuple:
    """The mean and the variance of `x` over `axes`."""
    return tuple(Moments(axes, keepdims=keepdims, synchronized=synchronized)(x))


def glu(x, axis: int = -1) -> Tensor:
    """Gated linear unit: halves `a, b` of `x` along `axis`, `a * sigmoid(b)`."""
    return Glu(axis=axis)(x)


def hard_silu(x) -> Tensor:
    """`x * relu6(x + 3) / 6`."""
    return HardSilu()(x)


hard_swish = hard_silu  # keras.ops.hard_swish


def sparse_plus(x) -> Tensor:
    """0 below -1, `(x + 1)**2 / 4` between, `x` above 1."""
    return SparsePlus()(x)


def multi_hot(
    inputs, num_classes: int | None = None, axis: int = -1, dtype=None, sparse=False, **kwargs
) -> Tensor:
    """The one-hot vectors of integer `inputs`, combined over axis 1 (floatx unless
    `dtype`); no gradient."""
    return MultiHot(num_classes, axis=axis, dtype=dtype, sparse=sparse, **kwargs)(inputs)


def dot_product_attention(
    query,
    key,
    value,
    bias=None,
    mask=None,
    scale: float | None = None,
    is_causal: bool = False,
    flash_attention=None,
    attn_logits_soft_cap=None,
) -> Tensor:
    """Scaled dot-product attention on `(batch, time, heads, head_dim)` tensors, as
    Keras 3's JAX backend: `softmax(q k^T * scale + bias)` (scale `1 / sqrt(head_dim)`
    by default) over the keys, masked where `mask` is false and, with `is_causal`, past
    the query's position; then times `value`."""
    op = DotProductAttention(
        is_causal=is_causal,
        flash_attention=flash_attention,
        attn_logits_soft_cap=attn_logits_soft_cap,
    )
    return op(query, key, value, bias, mask, scale)


def operation_classes() -> dict:
    """Class name -> class, per Keras module (`keras.src.ops.numpy`, `.nn`, `.core`,
    `.math`, `.linalg`)."""
    return {
        "keras.src.ops.numpy": {**_np_ops.OPS, **_np_more.OPS, **_np_extra.OPS},
        "keras.src.ops.nn": dict(_nn.OPS),
        "keras.src.ops.core": {**_core.OPS, **_core_extra.CORE_OPS},
        "keras.src.ops.math": {**_math.OPS, **_core_extra.MATH_OPS},
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
    "arange",
    "arccos",
    "arccosh",
    "arcsin",
    "arcsinh",
    "arctan",
    "arctan2",
    "arctanh",
    "argmax",
    "argmin",
    "argsort",
    "average",
    "binary_crossentropy",
    "broadcast_to",
    "cast",
    "categorical_crossentropy",
    "ceil",
    "clip",
    "concatenate",
    "convert_to_tensor",
    "cos",
    "cosh",
    "count_nonzero",
    "cumprod",
    "cumsum",
    "diag",
    "diagonal",
    "divide",
    "dot",
    "dot_product_attention",
    "einsum",
    "elu",
    "equal",
    "erf",
    "exp",
    "exp2",
    "expand_dims",
    "expm1",
    "eye",
    "flip",
    "floor",
    "floor_divide",
    "full",
    "full_like",
    "gelu",
    "getitem",
    "glu",
    "greater",
    "greater_equal",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "hstack",
    "identity",
    "isfinite",
    "isinf",
    "isnan",
    "leaky_relu",
    "less",
    "less_equal",
    "linspace",
    "log",
    "log10",
    "log1p",
    "log2",
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
    "moments",
    "moveaxis",
    "multi_hot",
    "multiply",
    "nan_to_num",
    "negative",
    "norm",
    "normalize",
    "not_equal",
    "one_hot",
    "ones",
    "ones_like",
    "outer",
    "pad",
    "power",
    "prod",
    "ravel",
    "reciprocal",
    "relu",
    "relu6",
    "repeat",
    "reshape",
    "round",
    "selu",
    "shape",
    "sigmoid",
    "sign",
    "silu",
    "sin",
    "sinh",
    "slice",
    "softmax",
    "softplus",
    "softsign",
    "sort",
    "sparse_categorical_crossentropy",
    "sparse_plus",
    "split",
    "sqrt",
    "square",
    "squeeze",
    "stack",
    "std",
    "stop_gradient",
    "subtract",
    "sum",
    "swapaxes",
    "swish",
    "take",
    "take_along_axis",
    "tan",
    "tanh",
    "tensordot",
    "tile",
    "top_k",
    "transpose",
    "tril",
    "triu",
    "true_divide",
    "var",
    "vstack",
    "where",
    "zeros",
    "zeros_like",
]

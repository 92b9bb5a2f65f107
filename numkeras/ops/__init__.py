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
<KerasTensor shape=(None, 4), dtype=float32, sparse=False, ragged=False, name=keras_tensor...>
>>> x = Input(shape=(3,))
>>> ops.where(x > 0, x, 0.1 * x)
<KerasTensor shape=(None, 3), dtype=float32, sparse=False, ragged=False, name=keras_tensor...>
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any as _Any

import numpy as _np

from numkeras import backend as _backend
from numkeras.errors import ArgumentTypeError as _ArgumentTypeError
from numkeras.errors import ConfigError as _ConfigError
from numkeras.errors import InputTypeError as _InputTypeError
from numkeras.ops import activation_ops as _activation_ops
from numkeras.ops import control_flow as _control_flow
from numkeras.ops import core as _core
from numkeras.ops import core_extra as _core_extra
from numkeras.ops import linalg as _linalg
from numkeras.ops import math as _math
from numkeras.ops import nn as _nn
from numkeras.ops import nn_rest as _nn_rest
from numkeras.ops import numpy as _np_ops
from numkeras.ops import numpy_extra as _np_extra
from numkeras.ops import numpy_more as _np_more
from numkeras.ops import numpy_rest as _np_rest
from numkeras.ops.control_flow import (
    Scatter,
    ScatterUpdate,
    SliceUpdate,
    Unstack,
    associative_scan,
    cond,
    fori_loop,
    map,
    scan,
    switch,
    vectorized_map,
    while_loop,
)
from numkeras.ops.core import Cast, DynamicReshape, Ones, Zeros
from numkeras.ops.core_extra import ConvertToTensor, Erf, Slice, StopGradient, TopK
from numkeras.ops.linalg import (
    Cholesky,
    Det,
    Inv,
    Logdet,
    Norm,
    Slogdet,
    Solve,
    SolveTriangular,
    cholesky_inverse,
    eig,
    eigh,
    jvp,
    lstsq,
    lu_factor,
    matrix_rank,
    pinv,
    qr,
    svd,
)
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
from numkeras.utils.checks import is_int as _is_int

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
    """`x[key]` (slices, integers, None and Ellipsis). On arrays (not symbolic tensors) a
    key may also hold index or bool-mask arrays, as Keras's eager `get_item`.

    >>> import numpy as np
    >>> getitem(np.arange(4.0), np.array([True, False, True, False])).tolist()
    [0.0, 2.0]
    """
    parts = key if isinstance(key, tuple) else (key,)
    # (`any` here is ops.any: test the parts one by one)
    arrays = [k for k in parts if hasattr(k, "dtype") and getattr(k, "ndim", 0) > 0]
    if arrays and not _contains_tensor((x, key)):
        from numkeras.ops.operation import arr as _arr

        out = _backend.xp.asarray(_arr(x))[key]  # advanced indexing: eager only
        return out if out.shape else _backend.xp.asarray(out)
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
    the argument chosen. Without `x1` and `x2` it is `nonzero(condition)` (eager only: the
    number of indices has no fixed shape), as Keras.

    >>> import numpy as np
    >>> where(np.array([True, False, True]))[0].tolist()
    [0, 2]
    """
    if (x1 is None) != (x2 is None):
        raise ValueError(
            "`x1` and `x2` either both should be `None` or both should have non-None value. "
            f"Received: x1={'None' if x1 is None else 'a tensor'}, "
            f"x2={'None' if x2 is None else 'a tensor'}"
        )
    if x1 is None:
        return _np_rest.nonzero(condition)
    return Where()(condition, x1, x2)


def trace(x, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
    """The sum of the diagonal of the matrices on `axis1`, `axis2` (`keras.ops.trace`):
    bool, int8 and int16 sum in int32, uint8 and uint16 in uint32, as Keras.

    >>> import numpy as np
    >>> trace(np.arange(9.0).reshape(3, 3)).tolist()
    12.0
    """
    return sum(diagonal(x, offset=offset, axis1=axis1, axis2=axis2), axis=-1)


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
    if not _contains_tensor((fill_value,)):
        _numeric_fill(fill_value, "full_like")
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
    `sparse` and `ragged` say whether to keep sparse / ragged tensors as they are: numkeras
    has none, so they change nothing (as Keras with a dense input).

    >>> convert_to_tensor([1.0, 2.0]).dtype
    dtype('float32')
    """
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
    _numeric_fill(fill, "full")
    fill = _backend.xp.asarray(fill).astype(dtype)  # (wraps out-of-range ints, as Keras)
    return _backend.xp.full(shape, fill, dtype=dtype)


def _numeric_fill(value, op: str) -> None:
    """Refuses text where a number goes (`full((2, 2), "a")`): JAX's TypeError ("not a
    valid JAX array type"), not NumPy's ValueError from parsing it."""
    if isinstance(value, (str, bytes)) or _np.asarray(value).dtype.kind in "USO":
        raise _InputTypeError(
            f"{op} takes a number or a numeric tensor as its value; received {value!r}. "
            "Pass a number (fill_value=0.5), not text."
        )


def arange(start, stop=None, step=None, dtype: str | None = None) -> Tensor:
    """`start, start + step, ...` below `stop` (int32 for ints, floatx for floats, as
    Keras); an argument may be a size read at run time (`ops.shape(x)[1]`).

    >>> arange(3).tolist(), str(arange(3).dtype)
    ([0, 1, 2], 'int32')
    """
    for name, v in (("start", start), ("stop", stop), ("step", step)):
        if isinstance(v, (str, bytes)):  # (Keras: "dtype='string' is not a valid dtype")
            raise _InputTypeError(f"arange takes numbers; received {name}={v!r}.")
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
    _core.int_argument(num, "linspace", "num")
    if _contains_tensor((start, stop)):
        return Linspace(num, endpoint, retstep, dtype, axis)(start, stop)
    op = Linspace(num, endpoint, False, dtype, axis)
    out, _ = op._forward(start, stop)
    if not retstep:
        return out
    div = (num - 1) if endpoint else num
    step = (_backend.xp.asarray(stop) - _backend.xp.asarray(start)) / div if div > 0 else None
    step = _backend.xp.asarray(float("nan") if step is None else step)
    # the step of integer samples stays a float (floatx), as Keras's
    return out, step.astype(out.dtype if out.dtype.kind == "f" else _backend.floatx())


def eye(N: int, M: int | None = None, k: int = 0, dtype: str | None = None) -> Tensor:  # noqa: N803 (Keras's names)
    """A 2-D tensor with ones on diagonal `k` (floatx unless `dtype`).

    >>> eye(2).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    for name, v in (("N", N), ("M", M)):
        if isinstance(v, float) or str(getattr(v, "dtype", "")).startswith("float"):
            raise TypeError(f"Argument `{name}` must be an integer or an integer tensor.")
    _core.int_argument(k, "eye", "k")  # (JAX: "k must be a scalar integer")
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
    _core.int_argument(indices_or_sections, "split", "indices_or_sections")
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
    _core.int_argument(axis, "argsort", "axis")
    return Argsort(axis=axis)(x)


def top_k(x, k: int, sorted: bool = True) -> tuple:  # noqa: A002 (Keras's name)
    """The `k` largest entries along the last axis and their int32 indices, a tuple (as
    Keras's TensorFlow, torch and NumPy backends; JAX's gives a list). NaN counts as the
    largest, as in Keras."""
    _core.int_argument(k, "top_k", "k")
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


# == the remaining keras.ops (numpy_rest, nn_rest, control_flow, linalg) ==================
_R = _np_rest
_N = _nn_rest


# -- element-wise ------------------------------------------------------------------------------
def rsqrt(x) -> Tensor:
    """`1 / sqrt(x)`, element-wise."""
    return _N.Rsqrt()(x)


def cbrt(x) -> Tensor:
    """The cube root, element-wise."""
    return _R.Cbrt()(x)


def trunc(x) -> Tensor:
    """Rounds toward zero (its gradient is zero)."""
    return _R.Trunc()(x)


def fabs(x) -> Tensor:
    """The absolute value, as a float tensor."""
    return _R.Fabs()(x)


def deg2rad(x) -> Tensor:
    """Degrees to radians."""
    return _R.Deg2rad()(x)


def rad2deg(x) -> Tensor:
    """Radians to degrees."""
    return _R.Rad2deg()(x)


def sinc(x) -> Tensor:
    """`sin(pi x) / (pi x)`, 1 at 0."""
    return _R.Sinc()(x)


def signbit(x) -> Tensor:
    """Is the sign bit set (a bool tensor)."""
    return _R.Signbit()(x)


def isneginf(x) -> Tensor:
    """Is each entry -inf (a bool tensor)."""
    return _R.Isneginf()(x)


def isposinf(x) -> Tensor:
    """Is each entry +inf (a bool tensor)."""
    return _R.Isposinf()(x)


def erfc(x) -> Tensor:
    """`1 - erf(x)`."""
    return _N.Erfc()(x)


def erfinv(x) -> Tensor:
    """The inverse of `erf`."""
    return _N.Erfinv()(x)


def copy(x) -> Tensor:
    """A copy of `x`."""
    return _R.Copy()(x)


def array(x, dtype: str | None = None) -> Tensor:
    """`x` as a new tensor (of `dtype`).

    >>> array([1, 2]).tolist()
    [1, 2]
    """
    if not _contains_tensor((x,)) and isinstance(x, (list, tuple, int, float, bool)):
        return _core_extra.to_tensor(x, dtype)
    return _R.Array(dtype=dtype)(x)


def logaddexp(x1, x2) -> Tensor:
    """`log(exp(x1) + exp(x2))`, without overflow."""
    return _R.Logaddexp()(x1, x2)


def logaddexp2(x1, x2) -> Tensor:
    """`log2(2**x1 + 2**x2)`, without overflow."""
    return _R.Logaddexp2()(x1, x2)


def hypot(x1, x2) -> Tensor:
    """`sqrt(x1**2 + x2**2)`."""
    return _R.Hypot()(x1, x2)


def fmod(x1, x2) -> Tensor:
    """The remainder of `x1 / x2` with the sign of `x1`."""
    return _R.Fmod()(x1, x2)


def divide_no_nan(x1, x2) -> Tensor:
    """`x1 / x2`, 0 where `x2` is 0.

    >>> import numpy as np
    >>> divide_no_nan(np.array([1.0, 2.0]), np.array([2.0, 0.0])).tolist()
    [0.5, 0.0]
    """
    return _R.DivideNoNan()(x1, x2)


def fmax(x1, x2) -> Tensor:
    """The larger entry, ignoring NaN."""
    return _R.Fmax()(x1, x2)


def fmin(x1, x2) -> Tensor:
    """The smaller entry, ignoring NaN."""
    return _R.Fmin()(x1, x2)


def heaviside(x1, x2) -> Tensor:
    """0 below 0, `x2` at 0, 1 above."""
    return _R.Heaviside()(x1, x2)


def ldexp(x1, x2) -> Tensor:
    """`x1 * 2**x2` (`x2` integers)."""
    return _R.Ldexp()(x1, x2)


def nextafter(x1, x2) -> Tensor:
    """The next float after `x1` toward `x2`."""
    return _R.Nextafter()(x1, x2)


def isclose(x1, x2, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False) -> Tensor:
    """`|x1 - x2| <= atol + rtol * |x2|`, element-wise (a bool tensor)."""
    return _R.Isclose(equal_nan=equal_nan)(x1, x2, rtol, atol)


def allclose(x1, x2, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False) -> Tensor:
    """Are all entries close (a bool scalar).

    >>> import numpy as np
    >>> bool(allclose(np.ones(2), np.ones(2) + 1e-9))
    True
    """
    return all(isclose(x1, x2, rtol, atol, equal_nan))


# -- reductions --------------------------------------------------------------------------------
def amax(x, axis=None, keepdims: bool = False) -> Tensor:
    """The maximum over `axis`."""
    return _R.Amax(axis=axis, keepdims=keepdims)(x)


def amin(x, axis=None, keepdims: bool = False) -> Tensor:
    """The minimum over `axis`."""
    return _R.Amin(axis=axis, keepdims=keepdims)(x)


def ptp(x, axis=None, keepdims: bool = False) -> Tensor:
    """`max - min` over `axis`."""
    return _R.Ptp(axis=axis, keepdims=keepdims)(x)


def median(x, axis=None, keepdims: bool = False) -> Tensor:
    """The median over `axis` (all entries when None)."""
    return _R.Median(axis=axis, keepdims=keepdims)(x)


def quantile(x, q, axis=None, method: str = "linear", keepdims: bool = False) -> Tensor:
    """The `q`-th quantiles (q in [0, 1]) over `axis`; a vector `q` gives a leading axis.

    >>> import numpy as np
    >>> quantile(np.arange(5.0), 0.25).tolist()
    1.0
    """
    return _R.Quantile(axis=axis, method=method, keepdims=keepdims)(x, q)


def percentile(x, q, axis=None, method: str = "linear", keepdims: bool = False) -> Tensor:
    """The `q`-th percentiles (q in [0, 100]) over `axis`."""
    return _R.Percentile(axis=axis, method=method, keepdims=keepdims)(x, q)


def nanmedian(x, axis=None, keepdims: bool = False) -> Tensor:
    """The median over `axis`, ignoring NaN."""
    return _R.Nanmedian(axis=axis, keepdims=keepdims)(x)


def nanquantile(x, q, axis=None, method: str = "linear", keepdims: bool = False) -> Tensor:
    """`quantile`, ignoring NaN."""
    return _R.Nanquantile(axis=axis, method=method, keepdims=keepdims)(x, q)


def nanpercentile(x, q, axis=None, method: str = "linear", keepdims: bool = False) -> Tensor:
    """`percentile`, ignoring NaN."""
    return _R.Nanpercentile(axis=axis, method=method, keepdims=keepdims)(x, q)


def nansum(x, axis=None, keepdims: bool = False) -> Tensor:
    """The sum over `axis`, NaN counting as 0."""
    return _R.Nansum(axis=axis, keepdims=keepdims)(x)


def nanmean(x, axis=None, keepdims: bool = False) -> Tensor:
    """The mean of the non-NaN entries over `axis`."""
    return _R.Nanmean(axis=axis, keepdims=keepdims)(x)


def nanvar(x, axis=None, keepdims: bool = False) -> Tensor:
    """The variance of the non-NaN entries over `axis`."""
    return _R.Nanvar(axis=axis, keepdims=keepdims)(x)


def nanstd(x, axis=None, keepdims: bool = False) -> Tensor:
    """The standard deviation of the non-NaN entries over `axis`."""
    return _R.Nanstd(axis=axis, keepdims=keepdims)(x)


def nanprod(x, axis=None, keepdims: bool = False) -> Tensor:
    """The product over `axis`, NaN counting as 1."""
    return _R.Nanprod(axis=axis, keepdims=keepdims)(x)


def nanmax(x, axis=None, keepdims: bool = False) -> Tensor:
    """The maximum over `axis`, ignoring NaN."""
    return _R.Nanmax(axis=axis, keepdims=keepdims)(x)


def nanmin(x, axis=None, keepdims: bool = False) -> Tensor:
    """The minimum over `axis`, ignoring NaN."""
    return _R.Nanmin(axis=axis, keepdims=keepdims)(x)


def nancumsum(x, axis=None, dtype: str | None = None) -> Tensor:
    """Running sums along `axis`, NaN counting as 0."""
    return _R.Nancumsum(axis=axis, dtype=dtype)(x)


def nancumprod(x, axis=None, dtype: str | None = None) -> Tensor:
    """Running products along `axis`, NaN counting as 1."""
    return _R.Nancumprod(axis=axis, dtype=dtype)(x)


# -- rearrangements ----------------------------------------------------------------------------
def roll(x, shift, axis=None) -> Tensor:
    """`x` shifted circularly by `shift` along `axis` (flattened when None)."""
    return _R.Roll(shift, axis=axis)(x)


def unstack(x, num: int | None = None, axis: int = 0) -> list:
    """The slices of `x` along `axis`, as a list (empty for an axis of size 0)."""
    shape = tuple(getattr(x, "shape", ()))
    if isinstance(axis, int) and -len(shape) <= axis < len(shape) and shape[axis] == 0:
        return []  # (an operation with no outputs cannot be a node)
    return list(Unstack(num=num, axis=axis)(x))


def diff(a, n: int = 1, axis: int = -1) -> Tensor:
    """The `n`-th discrete difference along `axis`."""
    return _R.Diff(n=n, axis=axis)(a)


def cross(x1, x2, axisa: int = -1, axisb: int = -1, axisc: int = -1, axis=None) -> Tensor:
    """The cross product of 3-vectors (or 2-vectors)."""
    return _R.Cross(axisa, axisb, axisc, axis)(x1, x2)


def kron(x1, x2) -> Tensor:
    """The Kronecker product."""
    return _R.Kron()(x1, x2)


def inner(x1, x2) -> Tensor:
    """The sum of products over the last axes."""
    return _R.Inner()(x1, x2)


def vdot(x1, x2) -> Tensor:
    """The dot product of the flattened tensors."""
    return _R.Vdot()(x1, x2)


def meshgrid(*x, indexing: str = "xy") -> list:
    """Coordinate grids from 1-D tensors."""
    return list(_R.Meshgrid(indexing=indexing)(*x))


def select(condlist, choicelist, default=0) -> Tensor:
    """Per entry, the choice of the first true condition, else `default`."""
    return _R.Select()(list(condlist), list(choicelist), default)


def rot90(array, k: int = 1, axes=(0, 1)) -> Tensor:
    """`array` rotated by 90 degrees `k` times in the plane `axes`."""
    return _R.Rot90(k=k, axes=axes)(array)


def fliplr(x) -> Tensor:
    """`x` reversed along axis 1."""
    return _R.Fliplr()(x)


def flipud(x) -> Tensor:
    """`x` reversed along axis 0."""
    return _R.Flipud()(x)


def dstack(xs) -> Tensor:
    """The tensors joined along axis 2 (as depth)."""
    return _R.Dstack()(list(xs))


def append(x1, x2, axis=None) -> Tensor:
    """`x2` after `x1` along `axis` (both flattened when None)."""
    return _R.Append(axis=axis)(x1, x2)


def array_split(x, indices_or_sections, axis: int = 0) -> list:
    """`x` in `indices_or_sections` nearly equal pieces along `axis` (an int: Keras 3
    refuses a list of indices here, unlike `split`)."""
    if not isinstance(indices_or_sections, (int, _np.integer)):
        raise TypeError(
            "Argument `indices_or_sections` must be of type `int`. Received: "
            f"indices_or_sections={indices_or_sections}"
        )
    if indices_or_sections <= 0:  # (as Keras: no ZeroDivisionError for 0)
        raise _ConfigError(
            "Argument `indices_or_sections` must be a positive integer. Received: "
            f"indices_or_sections={indices_or_sections}"
        )
    return list(_R.ArraySplit(indices_or_sections, axis=axis)(x))


def hsplit(x, indices_or_sections) -> list:
    """`split` along axis 1 (axis 0 for vectors)."""
    return list(_R.Hsplit(indices_or_sections)(x))


def vsplit(x, indices_or_sections) -> list:
    """`split` along axis 0."""
    return list(_R.Vsplit(indices_or_sections)(x))


def dsplit(x, indices_or_sections) -> list:
    """`split` along axis 2."""
    return list(_R.Dsplit(indices_or_sections)(x))


def diagflat(x, k: int = 0) -> Tensor:
    """The flattened `x` as diagonal `k` of a square matrix."""
    return _R.Diagflat(k=k)(x)


def trapezoid(y, x=None, dx: float = 1.0, axis: int = -1) -> Tensor:
    """The integral of `y` along `axis` by the trapezoid rule."""
    return _R.Trapezoid(x=x, dx=dx, axis=axis)(y)


def get_item(x, key) -> Tensor:
    """`x[key]`."""
    return getitem(x, key)


# -- core ----------------------------------------------------------------------------------------
def scatter(indices, values, shape) -> Tensor:
    """Zeros of `shape` with `values` added at `indices` (`(..., rank)` coordinates)."""
    return Scatter(shape)(indices, values)


def scatter_update(inputs, indices, updates, reduction=None) -> Tensor:
    """`inputs` with `updates` written at `indices` (or combined by `reduction`)."""
    return ScatterUpdate(reduction=reduction)(inputs, indices, updates)


def slice_update(inputs, start_indices, updates) -> Tensor:
    """`inputs` with the block `updates` written at `start_indices`."""
    return SliceUpdate()(inputs, start_indices, updates)


def saturate_cast(x, dtype) -> Tensor:
    """`x` clipped to the range of `dtype`, then cast (no wrap-around), as Keras on JAX:
    `inf` and out-of-range floats saturate at the integer limits (float32 to int32 gives
    2147483647, where a plain cast would overflow), NaN gives 0 to integers, and to bool
    the values are clipped to [0, 1] first (so negatives are False).

    >>> import numpy as np
    >>> saturate_cast(np.array([-3.7, 300.0, np.nan, np.inf], "float32"), "int16").tolist()
    [-3, 300, 0, 32767]
    """
    from fractions import Fraction

    import numpy as _numpy

    from numkeras.ops.operation import dtype_name

    dtype = dtype_name(dtype)
    in_dtype = dtype_name(getattr(x, "dtype", None) or _core_extra.python_dtype(x))
    kind, in_kind = _numpy.dtype(dtype).kind, _numpy.dtype(in_dtype).kind
    if in_kind == "b":
        return cast(x, dtype)
    if kind == "b":
        return cast(clip(x, 0, 1), dtype)

    def limits(d):  # exact Python numbers
        if _numpy.dtype(d).kind in "iu":
            return int(_numpy.iinfo(d).min), int(_numpy.iinfo(d).max)
        return float(_numpy.finfo(d).min), float(_numpy.finfo(d).max)

    (in_min, in_max), (out_min, out_max) = limits(in_dtype), limits(dtype)
    # limits the input dtype holds inside the output range (float32 holds no 2**31 - 1)
    low = _numpy.asarray(in_min if in_min > out_min else out_min).astype(in_dtype)
    if Fraction(low.item()) < Fraction(out_min):
        low = _numpy.nextafter(low, 0, dtype=in_dtype)
    high = _numpy.asarray(in_max if in_max < out_max else out_max).astype(in_dtype)
    if Fraction(high.item()) > Fraction(out_max):
        high = _numpy.nextafter(high, 0, dtype=in_dtype)
    out = cast(clip(x, low.item(), high.item()), dtype)
    if kind in "iu" and in_kind == "f":  # saturate beyond them; NaN gives 0
        out = where(greater(x, high.item()), out_max, out)
        out = where(less(x, low.item()), out_min, out)
        out = where(isnan(x), 0, out)
    return out


def convert_to_numpy(x):
    """`x` as a new NumPy array (a CuPy array is copied to the host), never a view of a
    variable's storage: Keras's backends copy, and a later `assign` must not change it."""
    from numkeras.ops.numpy_rest import eager_only

    eager_only("convert_to_numpy", x)
    x = x.value if hasattr(x, "value") and hasattr(x, "assign") else x
    return (
        x.get() if hasattr(x, "get") and not isinstance(x, dict) else __import__("numpy").array(x)
    )


def is_tensor(x) -> bool:
    """Is `x` a backend array (or a symbolic tensor)?"""
    from numkeras.layers.keras_tensor import KerasTensor

    return isinstance(x, (_backend.xp.ndarray, KerasTensor))


def dtype(x) -> str:
    """The dtype name of `x` (Python floats give floatx, ints int32)."""
    if hasattr(x, "dtype"):
        return str(x.dtype)
    return _core_extra.python_dtype(x)


def size(x):
    """The number of entries of `x` (an int, as JAX; a `SymbolicDim` where a symbolic
    tensor's axis is unknown)."""
    n = 1
    for d in shape(x):
        n = d * n
    return n


def ndim(x) -> int:
    """The rank of `x`."""
    return len(shape(x))


def empty(shape, dtype: str | None = None) -> Tensor:
    """A tensor of `shape` (zeros, floatx unless `dtype`)."""
    return zeros(shape, dtype=dtype)


def empty_like(x, dtype: str | None = None) -> Tensor:
    """A tensor shaped like `x` (zeros)."""
    return zeros_like(x, dtype=dtype)


def tri(N: int, M: int | None = None, k: int = 0, dtype: str | None = None) -> Tensor:  # noqa: N803
    """Ones on and below diagonal `k`, zeros above (floatx unless `dtype`)."""
    for name, v in (("N", N), ("M", M), ("k", k)):
        _core.int_argument(v, "tri", name)
    if int(N) < 0 or (M is not None and int(M) < 0):  # (JAX's TypeError; NumPy gives [])
        raise _ArgumentTypeError(f"tri takes non-negative sizes; received N={N}, M={M}.")
    dtype = dtype or _backend.floatx()
    return _backend.xp.tri(int(N), None if M is None else int(M), int(k), dtype=dtype)


# -- nn --------------------------------------------------------------------------------------------
def celu(x, alpha: float = 1.0) -> Tensor:
    """`max(x, 0) + alpha * expm1(min(x, 0) / alpha)`."""
    return _N.Celu(alpha=alpha)(x)


def hard_tanh(x) -> Tensor:
    """`x` clipped to [-1, 1]."""
    return _N.HardTanh()(x)


def hard_shrink(x, threshold: float = 0.5) -> Tensor:
    """`x` where `|x| > threshold`, else 0."""
    return _N.HardShrink(threshold=threshold)(x)


def soft_shrink(x, threshold: float = 0.5) -> Tensor:
    """`x` moved `threshold` toward 0, 0 within it."""
    return _N.SoftShrink(threshold=threshold)(x)


def tanh_shrink(x) -> Tensor:
    """`x - tanh(x)`."""
    return _N.TanhShrink()(x)


def threshold(x, threshold, default_value) -> Tensor:
    """`x` where `x > threshold`, else `default_value`."""
    return _N.Threshold(threshold, default_value)(x)


def squareplus(x, b: float = 4) -> Tensor:
    """`(x + sqrt(x**2 + b)) / 2`."""
    return _N.Squareplus(b=b)(x)


def sparse_sigmoid(x) -> Tensor:
    """`clip((x + 1) / 2, 0, 1)`."""
    return _N.SparseSigmoid()(x)


def sparsemax(x, axis: int = -1) -> Tensor:
    """The projection of `x` onto the probability simplex along `axis`."""
    return _N.Sparsemax(axis=axis)(x)


def rms_normalization(x, scale=None, axis: int = -1, epsilon: float | None = None) -> Tensor:
    """`x / sqrt(mean(x**2 over axis) + epsilon) * scale`."""
    return _N.RMSNorm(axis=axis, epsilon=epsilon)(x, scale)


def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs) -> Tensor:
    """`(x - mean) / sqrt(var + epsilon) * gamma + beta` over `axis` (`rms_scaling=True`,
    deprecated in Keras, scales by the variance)."""
    rms_scaling = kwargs.pop("rms_scaling", False)
    if kwargs:
        raise TypeError(f"layer_normalization got unexpected arguments {sorted(kwargs)}.")
    if rms_scaling:
        import warnings

        warnings.warn(
            "You passed `rms_scaling=True`, which is deprecated. This argument incorrectly "
            "scales the input by the variance, not the root mean square. Use "
            "`ops.rms_normalization` instead.",
            stacklevel=2,
        )
    return _N.LayerNorm(axis=axis, epsilon=epsilon, rms_scaling=rms_scaling)(x, gamma, beta)


def batch_normalization(
    x, mean, variance, axis: int, offset=None, scale=None, epsilon: float = 1e-3
) -> Tensor:
    """`(x - mean) / sqrt(variance + epsilon) * scale + offset`, statistics along `axis`."""
    return _N.BatchNorm(axis=axis, epsilon=epsilon)(x, mean, variance, offset, scale)


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """The N-D convolution of `inputs` with `kernel` `(*size, in // groups, out)`."""
    return _N.Conv(strides, padding, data_format, dilation_rate)(inputs, kernel)


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Each channel convolved with its own filters, kernel `(*size, in, multiplier)`."""
    return _N.DepthwiseConv(strides, padding, data_format, dilation_rate)(inputs, kernel)


def separable_conv(
    inputs,
    depthwise_kernel,
    pointwise_kernel,
    strides=1,
    padding="valid",
    data_format=None,
    dilation_rate=1,
) -> Tensor:
    """A depthwise convolution, then a 1x1 convolution."""
    op = _N.SeparableConv(strides, padding, data_format, dilation_rate)
    return op(inputs, depthwise_kernel, pointwise_kernel)


def conv_transpose(
    inputs,
    kernel,
    strides=1,
    padding="valid",
    output_padding=None,
    data_format=None,
    dilation_rate=1,
) -> Tensor:
    """The transposed convolution, kernel `(*size, out_channels, in_channels)`."""
    op = _N.ConvTranspose(strides, padding, output_padding, data_format, dilation_rate)
    return op(inputs, kernel)


def adaptive_average_pool(inputs, output_size, data_format=None) -> Tensor:
    """Average pooling to the spatial size `output_size`."""
    return _N.AdaptiveAveragePool(output_size, data_format)(inputs)


def adaptive_max_pool(inputs, output_size, data_format=None) -> Tensor:
    """Max pooling to the spatial size `output_size`."""
    return _N.AdaptiveMaxPool(output_size, data_format)(inputs)


def unfold(x, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """The sliding blocks of `(N, C, H, W)` as `(N, C * kH * kW, L)` (im2col)."""
    return _N.Unfold(kernel_size, dilation, padding, stride)(x)


def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Blocks `(N, C * kH * kW, L)` added into `(N, C, *output_size)` (col2im)."""
    return _N.Fold(output_size, kernel_size, dilation, padding, stride)(x)


def ctc_loss(target, output, target_length, output_length, mask_index: int = 0) -> Tensor:
    """The CTC loss of each sample (`output` logits `(batch, time, classes)`)."""
    return _N.CTCLoss(mask_index)(target, output, target_length, output_length)


ctc_decode = _N.ctc_decode


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None) -> Tensor:
    """Max pooling over windows of `pool_size`."""
    return _N.MaxPool(pool_size, strides, padding, data_format)(inputs)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None) -> Tensor:
    """Average pooling over windows of `pool_size`."""
    return _N.AveragePool(pool_size, strides, padding, data_format)(inputs)


def depth_to_space(x, block_size: int, data_format: str = "channels_last") -> Tensor:
    """Channels moved into `block_size` x `block_size` spatial blocks."""
    return _N.DepthToSpace(block_size, data_format)(x)


def space_to_depth(x, block_size: int, data_format: str = "channels_last") -> Tensor:
    """Spatial `block_size` x `block_size` blocks moved into channels."""
    return _N.SpaceToDepth(block_size, data_format)(x)


def psnr(x1, x2, max_val) -> Tensor:
    """The peak signal-to-noise ratio, in dB."""
    return _N.PSNR(max_val)(x1, x2)


# -- math ----------------------------------------------------------------------------------------
def _num_segments(value, op: str) -> None:
    """Refuses a float (TypeError, as JAX) or negative (ValueError) `num_segments`."""
    _core.int_argument(value, op, "num_segments")
    if value is not None and _is_int(value) and value < 0:
        raise _ConfigError(f"{op}: `num_segments` must be >= 0; received {value}.")


def segment_sum(data, segment_ids, num_segments=None, sorted: bool = False) -> Tensor:  # noqa: A002
    """The sum of `data`'s rows per segment."""
    _num_segments(num_segments, "segment_sum")
    return _N.SegmentSum(num_segments, sorted)(data, segment_ids)


def segment_max(data, segment_ids, num_segments=None, sorted: bool = False) -> Tensor:  # noqa: A002
    """The maximum of `data`'s rows per segment (-inf for an empty one)."""
    _num_segments(num_segments, "segment_max")
    return _N.SegmentMax(num_segments, sorted)(data, segment_ids)


def segment_min(data, segment_ids, num_segments=None, sorted: bool = False) -> Tensor:  # noqa: A002
    """The minimum of `data`'s rows per segment (inf for an empty one)."""
    _num_segments(num_segments, "segment_min")
    return _N.SegmentMin(num_segments, sorted)(data, segment_ids)


def segment_prod(data, segment_ids, num_segments=None, sorted: bool = False) -> Tensor:  # noqa: A002
    """The product of `data`'s rows per segment (1 for an empty one)."""
    _num_segments(num_segments, "segment_prod")
    return _N.SegmentProd(num_segments, sorted)(data, segment_ids)


def extract_sequences(x, sequence_length: int, sequence_stride: int) -> Tensor:
    """Frames of the last axis: `(..., num_frames, sequence_length)`."""
    return _N.ExtractSequences(sequence_length, sequence_stride)(x)


def in_top_k(targets, predictions, k: int) -> Tensor:
    """Is each target among its row's `k` largest predictions (a bool tensor)."""
    return _N.InTopK(k)(targets, predictions)


# -- linalg --------------------------------------------------------------------------------------
def inv(x) -> Tensor:
    """The inverse of each matrix."""
    return Inv()(x)


def det(x) -> Tensor:
    """The determinant of each matrix."""
    return Det()(x)


def logdet(x) -> Tensor:
    """`log(det(x))`."""
    return Logdet()(x)


def slogdet(x) -> tuple:
    """`(sign, log|det|)` of each matrix."""
    return tuple(Slogdet()(x))


def solve(a, b) -> Tensor:
    """`x` with `a x = b`."""
    return Solve()(a, b)


def solve_triangular(a, b, lower: bool = False) -> Tensor:
    """`x` with `a x = b` for a triangular `a`."""
    return SolveTriangular(lower=lower)(a, b)


def cholesky(x, upper: bool = False) -> Tensor:
    """The Cholesky factor of each matrix (lower, or upper with `upper`)."""
    return Cholesky(upper=upper)(x)


# -- eager only: integers, bits, sets, counting, windows, spectra --------------------------------
rearrange = _R.rearrange


def bitwise_and(x, y) -> Tensor:
    """Bitwise and of integer tensors (eager only)."""
    return _R.bitwise("bitwise_and", "bitwise_and", x, y)


def bitwise_or(x, y) -> Tensor:
    """Bitwise or of integer tensors (eager only)."""
    return _R.bitwise("bitwise_or", "bitwise_or", x, y)


def bitwise_xor(x, y) -> Tensor:
    """Bitwise exclusive or of integer tensors (eager only)."""
    return _R.bitwise("bitwise_xor", "bitwise_xor", x, y)


def bitwise_invert(x) -> Tensor:
    """Bitwise not of an integer tensor (eager only)."""
    return _R.bitwise("bitwise_invert", "invert", x)


bitwise_not = bitwise_invert  # keras.ops.bitwise_not


def bitwise_left_shift(x, y) -> Tensor:
    """`x << y` for integer tensors (eager only)."""
    return _R.bitwise("bitwise_left_shift", "left_shift", x, y)


def bitwise_right_shift(x, y) -> Tensor:
    """`x >> y` for integer tensors (eager only)."""
    return _R.bitwise("bitwise_right_shift", "right_shift", x, y)


left_shift = bitwise_left_shift  # keras.ops.left_shift
right_shift = bitwise_right_shift  # keras.ops.right_shift


def gcd(x1, x2) -> Tensor:
    """The greatest common divisor (eager only)."""
    return _R.bitwise("gcd", "gcd", x1, x2)


def lcm(x1, x2) -> Tensor:
    """The least common multiple (eager only)."""
    return _R.bitwise("lcm", "lcm", x1, x2)


bincount = _R.bincount
digitize = _R.digitize
searchsorted = _R.searchsorted
isin = _R.isin
unravel_index = _R.unravel_index
nonzero = _R.nonzero
argpartition = _R.argpartition
unique = _R.unique
histogram = _R.histogram
corrcoef = _R.corrcoef
correlate = _R.correlate
vander = _R.vander
cdist = _R.cdist
i0 = _R.i0
rfft = _R.rfft
irfft = _R.irfft
stft = _R.stft
istft = _R.istft


def nanargmax(x, axis=None, keepdims: bool = False) -> Tensor:
    """The int32 index of the largest non-NaN entry (eager only)."""
    return _R.nanarg("nanargmax", x, axis, keepdims)


def nanargmin(x, axis=None, keepdims: bool = False) -> Tensor:
    """The int32 index of the smallest non-NaN entry (eager only)."""
    return _R.nanarg("nanargmin", x, axis, keepdims)


def hanning(x: int) -> Tensor:
    """The Hann window of `x` points (floatx)."""
    return _R.window("hanning", x)


def hamming(x: int) -> Tensor:
    """The Hamming window of `x` points (floatx)."""
    return _R.window("hamming", x)


def bartlett(x: int) -> Tensor:
    """The Bartlett window of `x` points (floatx)."""
    return _R.window("bartlett", x)


def blackman(x: int) -> Tensor:
    """The Blackman window of `x` points (floatx)."""
    return _R.window("blackman", x)


def kaiser(x: int, beta: float) -> Tensor:
    """The Kaiser window of `x` points (floatx)."""
    return _R.window("kaiser", x, beta)


def geomspace(start, stop, num: int = 50, endpoint: bool = True, dtype=None, axis: int = 0):
    """`num` numbers spaced evenly on a log scale from `start` to `stop` (eager only)."""
    return _R.spaced("geomspace", start, stop, num, endpoint, dtype=dtype, axis=axis)


def logspace(start, stop, num: int = 50, endpoint: bool = True, base=10, dtype=None, axis=0):
    """`base ** linspace(start, stop, num)` (eager only)."""
    return _R.spaced("logspace", start, stop, num, endpoint, base, dtype, axis)


def real(x) -> Tensor:
    """The real part (eager only)."""
    a = _R.complex_parts("real", x)
    return a.real.copy() if a.dtype.kind == "c" else a.copy()


def imag(x) -> Tensor:
    """The imaginary part (eager only)."""
    a = _R.complex_parts("imag", x)
    return a.imag.copy() if a.dtype.kind == "c" else _backend.xp.zeros_like(a)


def conj(x) -> Tensor:
    """The complex conjugate (eager only)."""
    a = _R.complex_parts("conj", x)
    return _backend.xp.conj(a) if a.dtype.kind == "c" else a.copy()  # (bool stays bool)


conjugate = conj  # keras.ops.conjugate


def angle(x) -> Tensor:
    """The argument of each complex entry (eager only)."""
    a = _R.complex_parts("angle", x)
    dtype = a.real.dtype if a.dtype.kind in "fc" else _backend.floatx()
    # (integers computed in floatx: NumPy's angle of int8 is float16)
    return _backend.xp.angle(a if a.dtype.kind in "fc" else a.astype(dtype)).astype(dtype)


def isreal(x) -> Tensor:
    """Is each entry real (a bool tensor; eager only)."""
    return _backend.xp.isreal(_R.complex_parts("isreal", x))


def view_as_complex(x) -> Tensor:
    """A `(..., 2)` real tensor as complex numbers (eager only)."""
    a = _R.complex_parts("view_as_complex", x)
    if a.shape[-1:] != (2,):
        raise ValueError(f"Last dimension of input must be size 2; received shape {a.shape}.")
    return a[..., 0] + 1j * a[..., 1]


def view_as_real(x) -> Tensor:
    """Complex numbers as a `(..., 2)` real tensor (eager only)."""
    a = _R.complex_parts("view_as_real", x)
    return _backend.xp.stack([a.real, a.imag], axis=-1)


def polar(abs_, angle) -> Tensor:
    """`abs_ * exp(1j * angle)` (eager only)."""
    r = _R.complex_parts("polar", abs_)
    t = _R.complex_parts("polar", angle)
    return r * _backend.xp.exp(1j * t)


def view(x, dtype=None) -> Tensor:
    """`x`'s bytes read as `dtype` (eager only)."""
    a = _R.complex_parts("view", x)
    return a if dtype is None else a.view(dtype)


def fft(x) -> tuple:
    """The FFT of the last axis of `(real, imag)` (eager only)."""
    return _R.fft("fft", x, "fft")


def fft2(x) -> tuple:
    """The 2-D FFT of the last two axes of `(real, imag)` (eager only)."""
    return _R.fft("fft2", x, "fft2", axes=(-2, -1))


def ifft2(x) -> tuple:
    """The inverse 2-D FFT of the last two axes of `(real, imag)` (eager only)."""
    return _R.fft("ifft2", x, "ifft2", axes=(-2, -1))


def vectorize(pyfunc, *, excluded=None, signature=None):
    """`pyfunc` mapped over arrays, as `numpy.vectorize` (eager only)."""
    import numpy as _numpy

    return _numpy.vectorize(pyfunc, excluded=excluded, signature=signature)


def custom_gradient(f):
    """Keras's decorator for a function returning `(output, grad_fn)`. numkeras computes
    the output; the gradient of a custom layer is written in its `backward` instead (see
    numkeras.layers.Layer), so `grad_fn` is not used."""

    def wrapped(*args, **kwargs):
        out = f(*args, **kwargs)
        return out[0] if isinstance(out, tuple) and len(out) == 2 and callable(out[1]) else out

    return wrapped


def operation_classes() -> dict:
    """Class name -> class, per Keras module (`keras.src.ops.numpy`, `.nn`, `.core`,
    `.math`, `.linalg`)."""
    table = {
        "keras.src.ops.numpy": {
            **_np_ops.OPS,
            **_np_more.OPS,
            **_np_extra.OPS,
            **_np_rest.OPS,
            **_linalg.NUMPY_OPS,
        },
        "keras.src.ops.nn": {**_nn.OPS, **_nn_rest.NN_OPS},
        "keras.src.ops.core": {
            **_core.OPS,
            **_core_extra.CORE_OPS,
            **_control_flow.CORE_OPS,
        },
        "keras.src.ops.math": {
            **_math.OPS,
            **_core_extra.MATH_OPS,
            **_nn_rest.MATH_OPS,
            **_linalg.MATH_OPS,
        },
        "keras.src.ops.linalg": {**_linalg.OPS, **_linalg.MATRIX_OPS},
        "keras.src.activations.activations": dict(_activation_ops.OPS),
    }
    try:  # `keras.ops.image` (numkeras/ops/image.py), when present
        from numkeras.ops import image as _image
    except ImportError:  # pragma: no cover - the module is optional
        return table
    table["keras.src.ops.image"] = dict(getattr(_image, "OPS", {}))
    return table


def __getattr__(name: str):
    """`ops.image` on first use (imported lazily: it is a namespace of its own)."""
    if name == "image":
        import importlib

        return importlib.import_module("numkeras.ops.image")
    raise AttributeError(f"module 'numkeras.ops' has no attribute {name!r}")


__all__ = [
    "adaptive_average_pool",
    "adaptive_max_pool",
    "Operation",
    "SymbolicDim",
    "abs",
    "absolute",
    "add",
    "all",
    "allclose",
    "amax",
    "amin",
    "angle",
    "any",
    "append",
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
    "argpartition",
    "argsort",
    "array",
    "array_split",
    "associative_scan",
    "average",
    "average_pool",
    "bartlett",
    "batch_normalization",
    "binary_crossentropy",
    "bincount",
    "bitwise_and",
    "bitwise_invert",
    "bitwise_left_shift",
    "bitwise_not",
    "bitwise_or",
    "bitwise_right_shift",
    "bitwise_xor",
    "blackman",
    "broadcast_to",
    "cast",
    "categorical_crossentropy",
    "cbrt",
    "cdist",
    "ceil",
    "celu",
    "cholesky",
    "cholesky_inverse",
    "clip",
    "concatenate",
    "cond",
    "conj",
    "conjugate",
    "conv",
    "conv_transpose",
    "convert_to_numpy",
    "convert_to_tensor",
    "copy",
    "corrcoef",
    "correlate",
    "cos",
    "cosh",
    "count_nonzero",
    "cross",
    "ctc_decode",
    "ctc_loss",
    "cumprod",
    "cumsum",
    "custom_gradient",
    "deg2rad",
    "depth_to_space",
    "depthwise_conv",
    "det",
    "diag",
    "diagflat",
    "diagonal",
    "diff",
    "digitize",
    "divide",
    "divide_no_nan",
    "dot",
    "dot_product_attention",
    "dsplit",
    "dstack",
    "dtype",
    "eig",
    "eigh",
    "einsum",
    "elu",
    "empty",
    "empty_like",
    "equal",
    "erf",
    "erfc",
    "erfinv",
    "exp",
    "exp2",
    "expand_dims",
    "expm1",
    "extract_sequences",
    "eye",
    "fabs",
    "fft",
    "fft2",
    "flip",
    "fold",
    "fliplr",
    "flipud",
    "floor",
    "floor_divide",
    "fmax",
    "fmin",
    "fmod",
    "fori_loop",
    "full",
    "full_like",
    "gcd",
    "gelu",
    "geomspace",
    "get_item",
    "getitem",
    "glu",
    "greater",
    "greater_equal",
    "hamming",
    "hanning",
    "hard_shrink",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "hard_tanh",
    "heaviside",
    "histogram",
    "hsplit",
    "hstack",
    "hypot",
    "i0",
    "identity",
    "ifft2",
    "imag",
    "in_top_k",
    "inner",
    "inv",
    "irfft",
    "is_tensor",
    "isclose",
    "isfinite",
    "isin",
    "isinf",
    "isnan",
    "isneginf",
    "isposinf",
    "isreal",
    "istft",
    "jvp",
    "kaiser",
    "kron",
    "layer_normalization",
    "lcm",
    "ldexp",
    "leaky_relu",
    "left_shift",
    "less",
    "less_equal",
    "linspace",
    "log",
    "log10",
    "log1p",
    "log2",
    "log_sigmoid",
    "log_softmax",
    "logaddexp",
    "logaddexp2",
    "logdet",
    "logical_and",
    "logical_not",
    "logical_or",
    "logical_xor",
    "logspace",
    "logsumexp",
    "lstsq",
    "lu_factor",
    "map",
    "matmul",
    "matrix_rank",
    "max",
    "max_pool",
    "maximum",
    "mean",
    "median",
    "meshgrid",
    "min",
    "minimum",
    "mod",
    "moments",
    "moveaxis",
    "multi_hot",
    "multiply",
    "nan_to_num",
    "nanargmax",
    "nanargmin",
    "nancumprod",
    "nancumsum",
    "nanmax",
    "nanmean",
    "nanmedian",
    "nanmin",
    "nanpercentile",
    "nanprod",
    "nanquantile",
    "nanstd",
    "nansum",
    "nanvar",
    "ndim",
    "negative",
    "nextafter",
    "nonzero",
    "norm",
    "normalize",
    "not_equal",
    "one_hot",
    "ones",
    "ones_like",
    "outer",
    "pad",
    "percentile",
    "pinv",
    "polar",
    "power",
    "prod",
    "psnr",
    "ptp",
    "qr",
    "quantile",
    "rad2deg",
    "ravel",
    "real",
    "rearrange",
    "reciprocal",
    "relu",
    "relu6",
    "repeat",
    "reshape",
    "rfft",
    "right_shift",
    "rms_normalization",
    "roll",
    "rot90",
    "round",
    "rsqrt",
    "saturate_cast",
    "scan",
    "scatter",
    "scatter_update",
    "searchsorted",
    "segment_max",
    "segment_min",
    "segment_prod",
    "segment_sum",
    "select",
    "selu",
    "separable_conv",
    "shape",
    "sigmoid",
    "sign",
    "signbit",
    "silu",
    "sin",
    "sinc",
    "sinh",
    "size",
    "slice",
    "slice_update",
    "slogdet",
    "soft_shrink",
    "softmax",
    "softplus",
    "softsign",
    "solve",
    "solve_triangular",
    "sort",
    "space_to_depth",
    "sparse_categorical_crossentropy",
    "sparse_plus",
    "sparse_sigmoid",
    "sparsemax",
    "split",
    "sqrt",
    "square",
    "squareplus",
    "squeeze",
    "stack",
    "std",
    "stft",
    "stop_gradient",
    "subtract",
    "sum",
    "svd",
    "swapaxes",
    "swish",
    "switch",
    "take",
    "take_along_axis",
    "tan",
    "tanh",
    "tanh_shrink",
    "tensordot",
    "threshold",
    "tile",
    "top_k",
    "transpose",
    "trapezoid",
    "tri",
    "tril",
    "triu",
    "true_divide",
    "trunc",
    "unique",
    "unravel_index",
    "unfold",
    "unstack",
    "vander",
    "var",
    "vdot",
    "vectorize",
    "vectorized_map",
    "view",
    "view_as_complex",
    "view_as_real",
    "vsplit",
    "vstack",
    "where",
    "while_loop",
    "zeros",
    "zeros_like",
]

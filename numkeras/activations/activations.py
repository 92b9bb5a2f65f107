"""Keras 3 activation functions on NumPy, each with its backward pass as `.grad`.

Every function takes an array `x` and returns an array of the same shape and float
dtype (float32 in, float32 out; integer input is cast to `backend.floatx()`).
Signatures, defaults and formulas follow `keras.activations` (Keras 3).

Each function `f` carries `f.grad(x, y, dy, **same_kwargs) -> dx`: `x` the input,
`y = f(x, **kwargs)` the forward output (may be `None`: it is then recomputed), `dy`
the upstream gradient. It returns dL/dx and never modifies `x`, `y` or `dy`
(`linear.grad` returns `dy` itself, without a copy).

>>> import numpy as np
>>> from numkeras.activations import relu
>>> x = np.array([-1.0, 0.5, 2.0], dtype="float32")
>>> relu(x)
array([0. , 0.5, 2. ], dtype=float32)
>>> relu.grad(x, relu(x), np.ones_like(x))
array([0., 1., 1.], dtype=float32)
"""

from __future__ import annotations

import functools
import math

import numpy as np

from numkeras import backend
from numkeras.activations._special import erf
from numkeras.backend import fused
from numkeras.errors import ArgumentTypeError, ShapeError, format_shape

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
_SQRT_HALF = math.sqrt(0.5)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_GELU_A = 0.044715


# ----------------------------------------------------------------------------- helpers
def _float(x):
    """`x` as a float array: float arrays pass through untouched, the rest -> floatx."""
    if isinstance(x, backend.xp.ndarray) and x.dtype.kind == "f":
        return x
    return backend.cast_input(x)


def _symbolic(x) -> bool:
    from numkeras.ops.operation import _contains_tensor

    return _contains_tensor(x)


def _int_array(x):
    """`x` when it is an integer array (bool as int32), else None: `relu` and `hard_tanh`
    keep integers, as Keras's."""
    if not isinstance(x, backend.xp.ndarray):  # Python numbers and lists: Keras's tensor
        from numkeras.ops import convert_to_tensor

        x = convert_to_tensor(x)
    if x.dtype.kind in "iub":
        return x.astype("int32") if x.dtype.kind == "b" else x
    return None


def _new(x):
    # A fresh C-contiguous output buffer; ufuncs with `out=` then return arrays even
    # for 0-d input (they would return scalars otherwise).
    return backend.xp.empty(x.shape, dtype=x.dtype)


def _scalar(v, what: str) -> float:
    # Python floats keep float32 arrays float32 (np.float64 scalars would upcast).
    try:
        return float(v)
    except (TypeError, ValueError):
        # (Keras raises either: relu's max_value goes through float(), ValueError; the
        # others through JAX, TypeError; an ArgumentTypeError is both)
        raise ArgumentTypeError(
            f"`{what}` must be a number; received {v!r} ({type(v).__name__}). Pass a "
            f"Python float, e.g. `{what}=0.5`."
        ) from None


def _with_grad(grad):
    """Attach `grad` to the decorated forward function as `.grad`; on a symbolic tensor
    (an `Input`, or a layer's call being traced) the function records its `numkeras.ops`
    operation instead, as Keras's activations call `keras.ops`."""

    def attach(fn):
        grad.__name__ = f"{fn.__name__}_grad"
        grad.__qualname__ = grad.__name__

        @functools.wraps(fn)
        def call(x, *args, **kwargs):
            if not isinstance(x, backend.xp.ndarray) and _symbolic(x):
                from numkeras.ops.activation_ops import symbolic_activation

                return symbolic_activation(fn, x, *args, **kwargs)
            return fn(x, *args, **kwargs)

        call.grad = grad
        return call

    return attach


def _fused(name, arrays, *constants):
    """Kernel `name`(*arrays, *constants, out) of `backend.fused`, `out` a new array shaped
    like `arrays[0]`; None when it does not run (no numba, float64 for the float32-only
    kernels, strided arrays, arrays that would broadcast): the caller's NumPy code runs."""
    x = arrays[0]
    if any(a.shape != x.shape for a in arrays):
        return None
    out = _new(x)
    return out if fused.run(name, *arrays, *constants, out) is not None else None


def _mask_mul(dy, mask):
    """dy * mask as a new array of dy's dtype (mask is boolean)."""
    return backend.xp.multiply(dy, mask, out=_new(dy))


def _select_grad(x, neg_slope, pos_slope: float, dy):
    """dy * (pos_slope where x > 0 else neg_slope), in place in `neg_slope`.

    Arithmetic with boolean masks instead of `where`/masked copies, which are several
    times slower; `neg_slope` must be finite.
    """
    neg_slope *= x <= 0
    if pos_slope == 1.0:
        neg_slope += x > 0
    else:
        neg_slope += backend.xp.multiply(x > 0, pos_slope, out=_new(neg_slope))
    neg_slope *= dy
    return neg_slope


def _sigmoid_into(x, out):
    # 1 / (1 + exp(-x)): exp overflows to inf only for x < -88 (float32), giving
    # exactly 0 where the true value is below 1e-38; silence that benign warning.
    if fused.run("sigmoid", x, out) is not None:
        return out
    xp = backend.xp
    xp.negative(x, out=out)
    with np.errstate(over="ignore"):
        xp.exp(out, out=out)
    out += 1
    xp.reciprocal(out, out=out)
    return out


def _softplus_into(x, out):
    # max(x, 0) + log1p(exp(-|x|)): as exact as logaddexp(x, 0), ~2x faster for float32.
    # `out` must not alias `x`.
    if fused.run("softplus", x, out) is not None:
        return out
    xp = backend.xp
    xp.abs(x, out=out)
    xp.negative(out, out=out)
    xp.exp(out, out=out)
    xp.log1p(out, out=out)
    out += xp.maximum(x, 0)
    return out


# ----------------------------------------------------------------------------- linear
def _linear_grad(x, y, dy):
    return dy


@_with_grad(_linear_grad)
def linear(x):
    """Linear (identity) activation: returns `x` unchanged (no copy).

    >>> import numpy as np
    >>> linear(np.array([-1.0, 2.0], dtype="float32"))
    array([-1.,  2.], dtype=float32)
    """
    return x if isinstance(x, backend.xp.ndarray) else _float(x)  # (integers stay, as Keras)


# ----------------------------------------------------------------------------- relu family
def _relu_grad(x, y, dy, negative_slope=0.0, max_value=None, threshold=0.0):
    xp = backend.xp
    negative_slope = _scalar(negative_slope, "negative_slope")
    threshold = _scalar(threshold, "threshold")
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return _mask_mul(dy, x > 0)
    if negative_slope != 0.0 and max_value is None and threshold == 0.0:
        return _leaky_relu_grad(x, y, dy, negative_slope)
    passed = x > threshold
    if max_value is not None:
        max_value = _scalar(max_value, "max_value")
        passed &= (x > 0) & (x < max_value)
    dx = _mask_mul(dy, passed)
    if negative_slope != 0.0:
        below = xp.multiply(dy, x < threshold, out=_new(dy))
        below *= negative_slope
        dx += below
    return dx


@_with_grad(_relu_grad)
def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit, Keras 3 semantics.

    With defaults: `max(x, 0)`. Otherwise, as `keras.activations.relu`: values above
    `threshold` pass (others become 0), the result is clipped to `[0, max_value]` if
    `max_value` is set, and `negative_slope * (x - threshold)` is added below
    `threshold`.

    >>> import numpy as np
    >>> x = np.array([-10, -5, 0.0, 5, 10], dtype="float32")
    >>> relu(x, negative_slope=0.5)
    array([-5. , -2.5,  0. ,  5. , 10. ], dtype=float32)
    >>> relu(x, max_value=5.0)
    array([0., 0., 0., 5., 5.], dtype=float32)
    """
    xp = backend.xp
    negative_slope = _scalar(negative_slope, "negative_slope")
    threshold = _scalar(threshold, "threshold")
    ints = _int_array(x) if negative_slope == 0.0 else None
    if ints is not None:  # integers stay integers, the limits cast to them (as Keras)
        limit = xp.asarray(threshold).astype(ints.dtype)
        y = xp.where(ints > limit, ints, 0) if threshold != 0.0 else xp.maximum(ints, 0)
        if max_value is not None:  # (Keras's clip(y, 0, max_value): the max_value last)
            y = xp.maximum(y, 0)
            y = xp.minimum(y, xp.asarray(_scalar(max_value, "max_value")).astype(ints.dtype))
        return y.astype(ints.dtype, copy=False)
    int_dtype = getattr(x, "dtype", None)
    int_dtype = int_dtype if int_dtype is not None and int_dtype.kind in "iu" else None
    x = _float(x)
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return xp.maximum(x, 0, out=_new(x))
    if negative_slope != 0.0 and max_value is None and threshold == 0.0:
        return leaky_relu(x, negative_slope=negative_slope)
    # integers with a slope: Keras masks and clips in the input's dtype (a threshold of 2.5
    # is 2, a max_value of 0.3 is 0) and adds the slope's floats after
    limit = threshold if int_dtype is None else float(np.asarray(threshold).astype(int_dtype))
    if threshold != 0.0:
        # `where`, not x * (x > t): -inf (and NaN) below the threshold give 0, as in Keras-JAX
        y = xp.where(x > limit, x, xp.zeros((), x.dtype))
    else:
        y = xp.maximum(x, 0, out=_new(x))
    if max_value is not None:  # Keras's clip(y, 0, max_value): a negative max_value wins
        max_value = _scalar(max_value, "max_value")
        if int_dtype is not None:
            max_value = float(np.asarray(max_value).astype(int_dtype))
        xp.maximum(y, 0, out=y)
        xp.minimum(y, max_value, out=y)
    if negative_slope != 0.0:
        negative_part = xp.subtract(threshold, x, out=_new(x))
        xp.maximum(negative_part, 0, out=negative_part)
        negative_part *= negative_slope
        y -= negative_part
    return y


def _leaky_relu_grad(x, y, dy, negative_slope=0.2):
    xp = backend.xp
    negative_slope = _scalar(negative_slope, "negative_slope")
    # factor = 1 for x >= 0 (exactly), negative_slope below; masked copies are ~10x slower
    dx = xp.multiply(x < 0, negative_slope - 1.0, out=_new(dy))
    dx += 1
    dx *= dy
    return dx


@_with_grad(_leaky_relu_grad)
def leaky_relu(x, negative_slope=0.2):
    """Leaky ReLU: `x` if `x >= 0` else `negative_slope * x`.

    >>> import numpy as np
    >>> leaky_relu(np.array([-1.0, 2.0], dtype="float32"))
    array([-0.2,  2. ], dtype=float32)
    """
    xp = backend.xp
    x = _float(x)
    negative_slope = _scalar(negative_slope, "negative_slope")
    y = xp.multiply(x, negative_slope, out=_new(x))
    if 0.0 <= negative_slope <= 1.0:
        # max(x, a*x) equals the where() form for 0 <= a <= 1, in one cheap pass.
        return xp.maximum(x, y, out=y)
    return xp.where(x >= 0, x, y)


def _relu6_grad(x, y, dy):
    return _mask_mul(dy, (x > 0) & (x < 6))


@_with_grad(_relu6_grad)
def relu6(x):
    """ReLU capped at 6: `min(max(x, 0), 6)`.

    >>> import numpy as np
    >>> relu6(np.array([-1.0, 3.0, 9.0], dtype="float32"))
    array([0., 3., 6.], dtype=float32)
    """
    xp = backend.xp
    x = _float(x)
    y = xp.maximum(x, 0, out=_new(x))
    return xp.minimum(y, 6, out=y)


def _elu_grad(x, y, dy, alpha=1.0):
    xp = backend.xp
    alpha = _scalar(alpha, "alpha")
    if y is None:
        y = elu(x, alpha)
    # For x <= 0: d/dx alpha*(e^x - 1) = alpha*e^x = y + alpha; 1 for x > 0.
    t = y.dtype.type
    dx = _fused("elu_grad", (x, y, dy), t(alpha), t(1), t(1), t(0))
    if dx is not None:
        return dx
    return _select_grad(x, xp.add(y, alpha, out=_new(y)), 1.0, dy)


@_with_grad(_elu_grad)
def elu(x, alpha=1.0):
    """Exponential linear unit: `x` if `x > 0` else `alpha * (exp(x) - 1)`.

    >>> import numpy as np
    >>> elu(np.array([-1.0, 2.0], dtype="float32"))
    array([-0.63212055,  2.        ], dtype=float32)
    """
    xp = backend.xp
    x = _float(x)
    alpha = _scalar(alpha, "alpha")
    t = x.dtype.type
    y = _fused("elu", (x,), t(alpha), t(1))
    if y is not None:
        return y
    y = xp.minimum(x, 0, out=_new(x))  # min() keeps expm1 from overflowing
    xp.expm1(y, out=y)
    y *= alpha
    y += xp.maximum(x, 0)  # exactly one of the two terms is nonzero
    return y


def _selu_grad(x, y, dy):
    xp = backend.xp
    if y is None:
        y = selu(x)
    t = y.dtype.type
    dx = _fused("elu_grad", (x, y, dy), t(_SELU_SCALE * _SELU_ALPHA), t(_SELU_SCALE), t(1), t(0))
    if dx is not None:
        return dx
    slope = xp.add(y, _SELU_SCALE * _SELU_ALPHA, out=_new(y))
    return _select_grad(x, slope, _SELU_SCALE, dy)


@_with_grad(_selu_grad)
def selu(x):
    """Scaled ELU: `scale * elu(x, alpha)`, alpha=1.67326324, scale=1.05070098.

    >>> import numpy as np
    >>> selu(np.array([-1.0, 1.0], dtype="float32"))
    array([-1.1113307,  1.050701 ], dtype=float32)
    """
    x = _float(x)
    t = x.dtype.type
    y = _fused("elu", (x,), t(_SELU_ALPHA), t(_SELU_SCALE))
    if y is not None:
        return y
    y = elu(x, _SELU_ALPHA)
    y *= _SELU_SCALE
    return y


def _celu_grad(x, y, dy, alpha=1.0):
    xp = backend.xp
    alpha = _scalar(alpha, "alpha")
    if y is None:
        y = celu(x, alpha)
    # For x <= 0: d/dx alpha*(e^(x/alpha) - 1) = e^(x/alpha) = y/alpha + 1.
    slope = xp.divide(y, alpha, out=_new(y))
    slope += 1
    return _select_grad(x, slope, 1.0, dy)


@_with_grad(_celu_grad)
def celu(x, alpha=1.0):
    """Continuously differentiable ELU: `max(x, 0) + alpha * expm1(min(x, 0) / alpha)`.

    >>> import numpy as np
    >>> celu(np.array([-1.0, 2.0], dtype="float32"))
    array([-0.63212055,  2.        ], dtype=float32)
    """
    xp = backend.xp
    x = _float(x)
    alpha = _scalar(alpha, "alpha")
    y = xp.minimum(x, 0, out=_new(x))
    y /= alpha
    xp.expm1(y, out=y)
    y *= alpha
    y += xp.maximum(x, 0)
    return y


# ----------------------------------------------------------------------------- sigmoid family
def _sigmoid_grad(x, y, dy):
    xp = backend.xp
    if y is None:
        y = sigmoid(x)
    dx = _fused("sigmoid_grad", (y, dy), y.dtype.type(1))
    if dx is not None:
        return dx
    dx = xp.subtract(1, y, out=_new(y))
    dx *= y
    dx *= dy
    return dx


@_with_grad(_sigmoid_grad)
def sigmoid(x):
    """Logistic sigmoid `1 / (1 + exp(-x))`, without overflow warnings for large |x|.

    >>> import numpy as np
    >>> sigmoid(np.array([-100.0, 0.0, 100.0], dtype="float32"))
    array([0. , 0.5, 1. ], dtype=float32)
    """
    x = _float(x)
    return _sigmoid_into(x, _new(x))


def _hard_sigmoid_keras2_grad(x, y, dy):
    dx = _mask_mul(dy, (x > -2.5) & (x < 2.5))
    dx *= 0.2
    return dx


@_with_grad(_hard_sigmoid_keras2_grad)
def hard_sigmoid_keras2(x):
    """Keras 2's hard sigmoid, `clip(0.2 * x + 0.5, 0, 1)`: what `"hard_sigmoid"` means in
    a file Keras 2 wrote (the default `recurrent_activation` of its ConvLSTM2D, and of
    LSTM / GRU before Keras 2.3). Keras 3 renamed the formula away (its `hard_sigmoid` is
    `relu6(x + 3) / 6`), so numkeras reads Keras 2's files with this one, keeping their
    predictions. It is saved under its own name, `"hard_sigmoid_keras2"`, which Keras 3 and
    tf_keras do not know: loading such a file there fails with an unknown-activation error
    rather than predicting with the other formula.

    >>> import numpy as np
    >>> hard_sigmoid_keras2(np.array([-3.0, 0.0, 1.0, 3.0], dtype="float32"))
    array([0. , 0.5, 0.7, 1. ], dtype=float32)
    """
    xp = backend.xp
    x = _float(x)
    y = xp.multiply(x, x.dtype.type(0.2), out=_new(x))
    y += x.dtype.type(0.5)
    xp.clip(y, 0, 1, out=y)
    return y


def _hard_sigmoid_grad(x, y, dy):
    dx = _mask_mul(dy, (x > -3) & (x < 3))
    dx *= 1.0 / 6.0
    return dx


@_with_grad(_hard_sigmoid_grad)
def hard_sigmoid(x):
    """Keras 3 hard sigmoid: `relu6(x + 3) / 6` (0 below -3, 1 above 3).

    Keras 2 used `clip(0.2 * x + 0.5, 0, 1)`; Keras 3 changed it to this.

    >>> import numpy as np
    >>> hard_sigmoid(np.array([-4.0, 0.0, 1.5, 4.0], dtype="float32"))
    array([0.  , 0.5 , 0.75, 1.  ], dtype=float32)
    """
    xp = backend.xp
    x = _float(x)
    y = xp.add(x, 3, out=_new(x))
    xp.maximum(y, 0, out=y)
    xp.minimum(y, 6, out=y)
    y /= 6
    return y


def _sparse_sigmoid_grad(x, y, dy):
    dx = _mask_mul(dy, (x > -1) & (x < 1))
    dx *= 0.5
    return dx


@_with_grad(_sparse_sigmoid_grad)
def sparse_sigmoid(x):
    """Sparse sigmoid: 0 for `x <= -1`, `(x + 1) / 2` in between, 1 for `x >= 1`.

    >>> import numpy as np
    >>> sparse_sigmoid(np.array([-2.0, 0.0, 0.5, 2.0], dtype="float32"))
    array([0.  , 0.5 , 0.75, 1.  ], dtype=float32)
    """
    xp = backend.xp
    x = _float(x)
    y = xp.add(x, 1, out=_new(x))
    xp.maximum(y, 0, out=y)
    xp.minimum(y, 2, out=y)
    y *= 0.5
    return y


def _log_sigmoid_grad(x, y, dy):
    # d/dx -softplus(-x) = sigmoid(-x)
    xp = backend.xp
    s = xp.negative(x, out=_new(x))
    _sigmoid_into(s, s)
    s *= dy
    return s


@_with_grad(_log_sigmoid_grad)
def log_sigmoid(x):
    """Log of the sigmoid, `-softplus(-x)`, stable for large |x|.

    >>> import numpy as np
    >>> log_sigmoid(np.array([-100.0, 0.0], dtype="float32"))
    array([-100.       ,   -0.6931472], dtype=float32)
    """
    xp = backend.xp
    x = _float(x)
    y = _softplus_into(xp.negative(x, out=_new(x)), _new(x))
    return xp.negative(y, out=y)


# ----------------------------------------------------------------------------- tanh family
def _tanh_grad(x, y, dy):
    xp = backend.xp
    if y is None:
        y = tanh(x)
    dx = xp.multiply(y, y, out=_new(y))
    xp.subtract(1, dx, out=dx)
    dx *= dy
    return dx


@_with_grad(_tanh_grad)
def tanh(x):
    """Hyperbolic tangent.

    >>> import numpy as np
    >>> tanh(np.array([0.0, 1.0], dtype="float32"))
    array([0.       , 0.7615942], dtype=float32)
    """
    x = _float(x)
    y = _fused("tanh", (x,), fused.tanh_coefficients(x.dtype))
    return y if y is not None else backend.xp.tanh(x, out=_new(x))


def _hard_tanh_grad(x, y, dy):
    return _mask_mul(dy, (x >= -1) & (x <= 1))


@_with_grad(_hard_tanh_grad)
def hard_tanh(x):
    """Hard tanh: `clip(x, -1, 1)`.

    >>> import numpy as np
    >>> hard_tanh(np.array([-2.0, 0.5, 2.0], dtype="float32"))
    array([-1. ,  0.5,  1. ], dtype=float32)
    """
    xp = backend.xp
    ints = _int_array(x)
    if ints is not None:  # integers stay integers, as Keras
        return xp.minimum(ints, 1) if ints.dtype.kind == "u" else xp.clip(ints, -1, 1)
    x = _float(x)
    y = xp.maximum(x, -1, out=_new(x))
    return xp.minimum(y, 1, out=y)


def _tanh_shrink_grad(x, y, dy):
    # d/dx (x - tanh x) = tanh(x)^2 = (x - y)^2
    xp = backend.xp
    if y is None:
        y = tanh_shrink(x)
    dx = xp.subtract(x, y, out=_new(y))
    dx *= dx
    dx *= dy
    return dx


@_with_grad(_tanh_shrink_grad)
def tanh_shrink(x):
    """Tanh shrink: `x - tanh(x)`.

    >>> import numpy as np
    >>> tanh_shrink(np.array([0.0, 1.0], dtype="float32"))
    array([0.        , 0.23840582], dtype=float32)
    """
    xp = backend.xp
    x = _float(x)
    y = xp.tanh(x, out=_new(x))
    return xp.subtract(x, y, out=y)


# ----------------------------------------------------------------------------- softmax family
def _softmax_input(x, axis):
    """`x` as floats; a ValueError for a 0-d `x` (no axis to normalize, as Keras)."""
    x = _float(x)
    if x.ndim == 0 and axis is not None:
        raise ValueError(f"axis {axis} is out of bounds for array of dimension 0")
    if axis is not None and not (type(axis) is int and -x.ndim <= axis < x.ndim):
        from numkeras.ops.numpy import _axes

        # a float axis is a TypeError (as Keras), before an empty `x` returns early
        _axes(axis, x.ndim)
    return x


def _rows(x, axis):
    """`x` as C-contiguous 2-D rows when `axis` is its last one and holds values (the
    fused kernels' layout: a view, no copy), else None."""
    if not isinstance(axis, int) or x.ndim == 0 or axis not in (-1, x.ndim - 1):
        return None
    if x.shape[-1] == 0 or not x.flags.c_contiguous:
        return None
    return x.reshape(-1, x.shape[-1])


def _softmax_grad(x, y, dy, axis=-1):
    xp = backend.xp
    if y is None:
        y = softmax(x, axis)
    rows, dy_rows = _rows(y, axis), _rows(dy, axis)
    if rows is not None and dy_rows is not None and dy.shape == y.shape and dy.dtype == y.dtype:
        dx = _new(y)
        if fused.run("softmax_grad", rows, dy_rows, _rows(dx, -1)) is not None:
            return dx
    dx = xp.multiply(dy, y, out=_new(y))
    s = dx.sum(axis=axis, keepdims=True)
    xp.subtract(dy, s, out=dx)
    dx *= y
    return dx


@_with_grad(_softmax_grad)
def softmax(x, axis=-1):
    """Softmax along `axis` (an int or a tuple of ints), `exp(x - max) / sum(...)`.

    >>> import numpy as np
    >>> softmax(np.array([[1000.0, 1000.0]], dtype="float32"))
    array([[0.5, 0.5]], dtype=float32)
    """
    xp = backend.xp
    x = _softmax_input(x, axis)
    if x.size == 0:
        return _new(x)
    rows = _rows(x, axis)
    if rows is not None:  # fused: two reductions and a pass saved; np.exp stays NumPy's
        y = _new(x)
        if fused.run("row_max_subtract", rows, _rows(y, -1)) is not None:
            xp.exp(y, out=y)
            if fused.run("row_divide_by_sum", _rows(y, -1)) is None:
                y /= y.sum(axis=axis, keepdims=True)
            return y
    y = xp.subtract(x, x.max(axis=axis, keepdims=True), out=_new(x))
    xp.exp(y, out=y)
    y /= y.sum(axis=axis, keepdims=True)
    return y


def _log_softmax_grad(x, y, dy, axis=-1):
    xp = backend.xp
    if y is None:
        y = log_softmax(x, axis)
    dx = xp.exp(y, out=_new(y))
    dx *= dy.sum(axis=axis, keepdims=True)
    return xp.subtract(dy, dx, out=dx)


@_with_grad(_log_softmax_grad)
def log_softmax(x, axis=-1):
    """Log-softmax along `axis`: `x - max - log(sum(exp(x - max)))`.

    >>> import numpy as np
    >>> log_softmax(np.array([0.0, 0.0], dtype="float32"))
    array([-0.6931472, -0.6931472], dtype=float32)
    """
    xp = backend.xp
    x = _softmax_input(x, axis)
    if x.size == 0:
        return _new(x)
    y = xp.subtract(x, x.max(axis=axis, keepdims=True), out=_new(x))
    lse = xp.exp(y).sum(axis=axis, keepdims=True)
    xp.log(lse, out=lse)
    y -= lse
    return y


def _sparsemax_grad(x, y, dy, axis=-1):
    if y is None:
        y = sparsemax(x, axis)
    support = y > 0
    dx = _mask_mul(dy, support)
    mean = dx.sum(axis=axis, keepdims=True)
    mean /= support.sum(axis=axis, keepdims=True)
    dx -= mean
    dx *= support
    return dx


@_with_grad(_sparsemax_grad)
def sparsemax(x, axis=-1):
    """Sparsemax along `axis`: the Euclidean projection of `x` onto the simplex.

    Keras 3.15 (JAX and TensorFlow backends) computes the threshold from the sum of every
    supported cumulative sum instead of the one at the support's size, so its rows do not
    sum to 1 (`[0.5, 2.5, -1.0, 2.4]` gives all zeros there); this is the published
    algorithm (Martins & Astudillo, 2016), which gives `[0, 0.55, 0, 0.45]`.

    >>> import numpy as np
    >>> sparsemax(np.array([2.0, 1.0, -1.0], dtype="float32"))
    array([1., 0., 0.], dtype=float32)
    """
    xp = backend.xp
    x = _float(x)
    z = xp.moveaxis(x, axis, -1)
    z_sorted = -xp.sort(-z, axis=-1)
    cumsum = xp.cumsum(z_sorted, axis=-1)
    r = xp.arange(1, z.shape[-1] + 1, dtype=x.dtype)
    support = z_sorted - (cumsum - 1) / r > 0
    k = support.sum(axis=-1, keepdims=True)
    # cumsum at the last supported position, picked with the 0/1 support mask
    top = xp.take_along_axis(cumsum, k - 1, axis=-1)
    tau = (top - 1) / k.astype(x.dtype)
    y = xp.maximum(z - tau, 0)
    return xp.ascontiguousarray(xp.moveaxis(y, -1, axis))


def _glu_grad(x, y, dy, axis=-1):
    xp = backend.xp
    a, b = xp.split(x, 2, axis=axis)
    s = _sigmoid_into(b, _new(b))
    da = xp.multiply(dy, s, out=_new(dy))
    db = xp.subtract(1, s, out=_new(s))
    db *= s
    db *= a
    db *= dy
    return xp.concatenate([da, db], axis=axis)


@_with_grad(_glu_grad)
def glu(x, axis=-1):
    """Gated linear unit: split `x` in halves `a, b` along `axis`, return `a * sigmoid(b)`.

    >>> import numpy as np
    >>> glu(np.array([[2.0, 0.0]], dtype="float32"))
    array([[1.]], dtype=float32)
    """
    xp = backend.xp
    x = _float(x)
    if x.shape[axis] % 2 != 0:
        raise ShapeError(
            f"glu splits axis {axis} in two equal halves, but it has size {x.shape[axis]} "
            f"(input shape {format_shape(x.shape)}). Use an even size on that axis."
        )
    a, b = xp.split(x, 2, axis=axis)
    y = _sigmoid_into(b, _new(b))
    y *= a
    return y


# ----------------------------------------------------------------------------- soft rectifiers
def _softplus_grad(x, y, dy):
    dx = _fused("softplus_grad", (x, dy))
    if dx is not None:
        return dx
    s = _sigmoid_into(x, _new(x))
    s *= dy
    return s


@_with_grad(_softplus_grad)
def softplus(x):
    """Softplus `log(exp(x) + 1)`, as `max(x, 0) + log1p(exp(-|x|))` (no overflow).

    >>> import numpy as np
    >>> softplus(np.array([-20.0, 0.0, 100.0], dtype="float32")).round(4)
    array([  0.    ,   0.6931, 100.    ], dtype=float32)
    """
    x = _float(x)
    return _softplus_into(x, _new(x))


def _softsign_grad(x, y, dy):
    xp = backend.xp
    d = xp.abs(x, out=_new(x))
    d += 1
    d *= d
    return xp.divide(dy, d, out=d)


@_with_grad(_softsign_grad)
def softsign(x):
    """Softsign `x / (abs(x) + 1)`.

    >>> import numpy as np
    >>> softsign(np.array([-1.0, 3.0], dtype="float32"))
    array([-0.5 ,  0.75], dtype=float32)
    """
    xp = backend.xp
    x = _float(x)
    d = xp.abs(x, out=_new(x))
    d += 1
    return xp.divide(x, d, out=d)


def _squareplus_grad(x, y, dy, b=4):
    xp = backend.xp
    b = _scalar(b, "b")
    r = xp.multiply(x, x, out=_new(x))
    r += b
    xp.sqrt(r, out=r)
    xp.divide(x, r, out=r)
    r += 1
    r *= 0.5
    r *= dy
    return r


@_with_grad(_squareplus_grad)
def squareplus(x, b=4):
    """Squareplus `(x + sqrt(x^2 + b)) / 2`.

    >>> import numpy as np
    >>> squareplus(np.array([0.0, 3.0], dtype="float32"))
    array([1.       , 3.3027756], dtype=float32)
    """
    xp = backend.xp
    x = _float(x)
    b = _scalar(b, "b")
    y = xp.multiply(x, x, out=_new(x))
    y += b
    xp.sqrt(y, out=y)
    y += x
    y /= 2
    return y


def _sparse_plus_grad(x, y, dy):
    xp = backend.xp
    # 0 below -1, (x + 1) / 2 inside, 1 above 1
    dx = xp.add(x, 1, out=_new(x))
    dx *= 0.5
    xp.maximum(dx, 0, out=dx)
    xp.minimum(dx, 1, out=dx)
    dx *= dy
    return dx


@_with_grad(_sparse_plus_grad)
def sparse_plus(x):
    """SparsePlus: 0 for `x <= -1`, `(x + 1)^2 / 4` for `-1 < x < 1`, `x` for `x >= 1`.

    >>> import numpy as np
    >>> sparse_plus(np.array([-2.0, 0.0, 2.0], dtype="float32"))
    array([0.  , 0.25, 2.  ], dtype=float32)
    """
    xp = backend.xp
    x = _float(x)
    y = xp.add(x, 1, out=_new(x))
    xp.maximum(y, 0, out=y)
    y *= y
    y *= 0.25
    xp.copyto(y, x, where=x >= 1)
    return y


# ----------------------------------------------------------------------------- gated / smooth
def _silu_grad(x, y, dy):
    # d/dx x*s(x) = s * (1 + x * (1 - s))
    xp = backend.xp
    dx = _fused("silu_grad", (x, dy))
    if dx is not None:
        return dx
    s = _sigmoid_into(x, _new(x))
    dx = xp.subtract(1, s, out=_new(s))
    dx *= x
    dx += 1
    dx *= s
    dx *= dy
    return dx


@_with_grad(_silu_grad)
def silu(x):
    """Swish / SiLU: `x * sigmoid(x)`. Also available as `swish`.

    >>> import numpy as np
    >>> silu(np.array([0.0, 1.0], dtype="float32"))
    array([0.       , 0.7310586], dtype=float32)
    """
    x = _float(x)
    y = _fused("silu", (x,))
    if y is not None:
        return y
    y = _sigmoid_into(x, _new(x))
    y *= x
    return y


swish = silu


def _gelu_grad(x, y, dy, approximate=False):
    xp = backend.xp
    t = x.dtype.type
    if approximate:
        coef = fused.tanh_coefficients(x.dtype)
        args = (t(_GELU_A), t(3 * _GELU_A), t(_SQRT_2_OVER_PI), coef)
    else:
        args = (t(_SQRT_HALF), t(_INV_SQRT_2PI))
    dx = _fused("gelu_tanh_grad" if approximate else "gelu_grad", (x, dy), *args)
    if dx is not None:
        return dx
    if approximate:
        # u = c*(x + a*x^3), t = tanh(u); d = 0.5*(1+t) + 0.5*x*(1-t^2)*c*(1+3a*x^2)
        x2 = xp.multiply(x, x, out=_new(x))
        u = xp.multiply(x2, _GELU_A, out=_new(x))
        u += 1
        u *= x
        u *= _SQRT_2_OVER_PI
        t = xp.tanh(u, out=u)
        du = xp.multiply(x2, 3 * _GELU_A, out=x2)
        du += 1
        du *= _SQRT_2_OVER_PI
        du *= x
        sech2 = xp.multiply(t, t, out=_new(t))
        xp.subtract(1, sech2, out=sech2)
        du *= sech2
        t += 1
        t += du
        t *= 0.5
        t *= dy
        return t
    # Phi(x) + x * phi(x)
    cdf = erf(xp.multiply(x, _SQRT_HALF, out=_new(x)))
    cdf += 1
    cdf *= 0.5
    pdf = xp.multiply(x, x, out=_new(x))
    pdf *= -0.5
    xp.exp(pdf, out=pdf)
    pdf *= _INV_SQRT_2PI
    pdf *= x
    cdf += pdf
    cdf *= dy
    return cdf


@_with_grad(_gelu_grad)
def gelu(x, approximate=False):
    """Gaussian error linear unit.

    Exact (default): `0.5 * x * (1 + erf(x / sqrt(2)))`; with `approximate=True`:
    `0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3)))`.

    >>> import numpy as np
    >>> gelu(np.array([-1.0, 0.0, 1.0], dtype="float32")).round(6)
    array([-0.158655,  0.      ,  0.841345], dtype=float32)
    """
    xp = backend.xp
    x = _float(x)
    t = x.dtype.type
    if approximate:
        args = (t(_GELU_A), t(_SQRT_2_OVER_PI), fused.tanh_coefficients(x.dtype))
        y = _fused("gelu_tanh", (x,), *args)
    else:
        y = _fused("gelu", (x,), t(_SQRT_HALF))
    if y is not None:
        return y
    if approximate:
        inner = xp.multiply(x, x, out=_new(x))
        inner *= x
        inner *= _GELU_A
        inner += x
        inner *= _SQRT_2_OVER_PI
        xp.tanh(inner, out=inner)
        inner += 1
        inner *= 0.5
        inner *= x
        return inner
    y = erf(xp.multiply(x, _SQRT_HALF, out=_new(x)))
    y += 1
    y *= x
    y /= 2
    return y


def _hard_silu_grad(x, y, dy):
    xp = backend.xp
    # 0 below -3, 1 above 3, (2x + 3) / 6 in between
    dx = xp.multiply(x, 2.0 / 6.0, out=_new(x))
    dx += 0.5
    dx *= (x >= -3) & (x <= 3)
    dx += x > 3
    dx *= dy
    return dx


@_with_grad(_hard_silu_grad)
def hard_silu(x):
    """Hard SiLU / hard swish: `x * hard_sigmoid(x)`. Also available as `hard_swish`.

    >>> import numpy as np
    >>> hard_silu(np.array([-4.0, 1.0, 4.0], dtype="float32"))
    array([-0.       ,  0.6666667,  4.       ], dtype=float32)
    """
    x = _float(x)
    y = hard_sigmoid(x)
    y *= x
    return y


hard_swish = hard_silu


def _mish_grad(x, y, dy):
    # d/dx x*tanh(sp(x)) = t + x * (1 - t^2) * sigmoid(x), t = tanh(softplus(x))
    xp = backend.xp
    t = _softplus_into(x, _new(x))
    xp.tanh(t, out=t)
    s = _sigmoid_into(x, _new(x))
    s *= x
    sech2 = xp.multiply(t, t, out=_new(t))
    xp.subtract(1, sech2, out=sech2)
    s *= sech2
    t += s
    t *= dy
    return t


@_with_grad(_mish_grad)
def mish(x):
    """Mish: `x * tanh(softplus(x))`.

    >>> import numpy as np
    >>> mish(np.array([0.0, 1.0], dtype="float32"))
    array([0.       , 0.8650984], dtype=float32)
    """
    xp = backend.xp
    x = _float(x)
    y = _softplus_into(x, _new(x))
    xp.tanh(y, out=y)
    y *= x
    return y


def _exponential_grad(x, y, dy):
    xp = backend.xp
    if y is None:
        y = exponential(x)
    return xp.multiply(dy, y, out=_new(y))


@_with_grad(_exponential_grad)
def exponential(x):
    """Exponential `exp(x)` (overflows to inf for large x, with NumPy's warning).

    >>> import numpy as np
    >>> exponential(np.array([0.0, 1.0], dtype="float32"))
    array([1.      , 2.718282], dtype=float32)
    """
    x = _float(x)
    return backend.xp.exp(x, out=_new(x))


# ----------------------------------------------------------------------------- shrinkage
def _shrink_grad(x, y, dy, threshold=0.5):
    threshold = _scalar(threshold, "threshold")
    return _mask_mul(dy, backend.xp.abs(x) > threshold)


@_with_grad(_shrink_grad)
def hard_shrink(x, threshold=0.5):
    """Hard shrink: `x` where `|x| > threshold`, else 0.

    >>> import numpy as np
    >>> hard_shrink(np.array([-1.0, 0.2, 1.0], dtype="float32"))
    array([-1.,  0.,  1.], dtype=float32)
    """
    xp = backend.xp
    x = _float(x)
    threshold = _scalar(threshold, "threshold")
    # `where`, not `x * mask`: NaN fails the test and gives 0, as in Keras (both backends)
    return xp.where(xp.abs(x) > threshold, x, xp.zeros((), x.dtype))


def _soft_shrink_grad(x, y, dy, threshold=0.5):
    return _shrink_grad(x, y, dy, threshold)


@_with_grad(_soft_shrink_grad)
def soft_shrink(x, threshold=0.5):
    """Soft shrink: `x - threshold` above `threshold`, `x + threshold` below `-threshold`,
    else 0.

    >>> import numpy as np
    >>> soft_shrink(np.array([-1.0, 0.2, 1.0], dtype="float32"))
    array([-0.5,  0. ,  0.5], dtype=float32)
    """
    xp = backend.xp
    x = _float(x)
    threshold = _scalar(threshold, "threshold")
    if threshold < 0:  # (the formula as Keras writes it: x - t above t, x + t below -t)
        y = xp.where(x < -threshold, x + threshold, xp.zeros((), x.dtype))
        return xp.where(x > threshold, x - threshold, y).astype(x.dtype, copy=False)
    # sign(x) * max(|x| - t, 0)
    y = xp.abs(x, out=_new(x))
    y -= threshold
    xp.maximum(y, 0, out=y)
    y *= xp.sign(x)
    # NaN gives 0, as Keras's where(x > t, x - t, where(x < -t, x + t, 0)) does
    y[xp.isnan(x)] = 0
    return y


def _threshold_grad(x, y, dy, threshold, default_value):
    threshold = _scalar(threshold, "threshold")
    return _mask_mul(dy, x > threshold)


@_with_grad(_threshold_grad)
def threshold(x, threshold, default_value):
    """Threshold: `x` where `x > threshold`, else `default_value`.

    >>> import numpy as np
    >>> threshold(np.array([-1.0, 2.0], dtype="float32"), 0.0, -5.0)
    array([-5.,  2.], dtype=float32)
    """
    xp = backend.xp
    ints = _int_array(x)
    if ints is not None:  # integers stay integers unless `default_value` is a float (Keras)
        from numkeras.ops.operation import keras_result_type

        dtype = keras_result_type(ints, default_value)
        y = xp.where(ints > _scalar(threshold, "threshold"), ints, default_value)
        return y.astype(dtype, copy=False)
    x = _float(x)
    threshold_ = _scalar(threshold, "threshold")
    y = xp.full_like(x, _scalar(default_value, "default_value"))
    xp.copyto(y, x, where=x > threshold_)
    return y

"""The remaining operations of `keras.ops.numpy` that custom layers and losses use:
element-wise math (`cbrt`, `trunc`, `fabs`, `sinc`, `deg2rad`, `logaddexp`, `hypot`,
`fmod`, `divide_no_nan`, `fmax` / `fmin`, ...), reductions (`amax` / `amin`, `ptp`,
`median` / `quantile` / `percentile`, the `nan*` reductions), and rearrangements (`roll`,
`diff`, `cross`, `kron`, `inner`, `vdot`, `meshgrid`, `select`, `rot90`, `append`,
`dstack`, the `*split`s, `diagflat`, `trapezoid`), each with its backward pass (checked
against finite differences), its output shape for unknown (None) axes and its config.
Integer, bool and complex operations carry no gradient.

>>> import numpy as np
>>> Roll(1, axis=0)(np.array([1.0, 2.0, 3.0])).tolist()
[3.0, 1.0, 2.0]
>>> Quantile()(np.array([1.0, 2.0, 3.0, 4.0]), 0.5).tolist()
2.5
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from numkeras import backend
from numkeras.backend import sum_to_shape
from numkeras.errors import (
    ConfigError,
    IncompatibleShapesError,
    InputTypeError,
    ShapeError,
    format_shape,
)
from numkeras.ops.numpy import (
    _as_output,
    _as_tensor,
    _axes,
    _Binary,
    _BoolAsInt,
    _dtype_of,
    _Extreme,
    _float,
    _KeepsDtype,
    _Reduce,
    _Unary,
    reduced_int_dtype,
    value_dtype,
)
from numkeras.ops.numpy_extra import Cumprod, Cumsum, _array_of, _listed
from numkeras.ops.numpy_more import _expanded, _is_float
from numkeras.ops.operation import (
    Operation,
    _contains_tensor,
    arr,
    broadcast_shapes,
    keras_result_type,
    result_dtype,
    shape_of,
)
from numkeras.utils.checks import is_int


def _xp():
    return backend.xp


def eager_only(name: str, *args) -> None:
    """Refuse symbolic tensors for an operation numkeras computes on arrays only."""
    if _contains_tensor(args):  # (Keras raises TypeError or ValueError: this is both)
        raise InputTypeError(
            f"numkeras.ops.{name} runs on arrays only (eager): it has no symbolic version "
            "(its result is integer, complex or data-dependent, and carries no gradient), so "
            "it cannot be a node of a functional model. Call it on arrays, e.g. on the "
            "model's inputs before `predict` or on its outputs after."
        )


def _zero(x):
    return _xp().zeros(x.shape, x.dtype) if _is_float(x) else None


# -- element-wise, one argument ---------------------------------------------------------------
class Cbrt(_Unary):
    def _apply(self, x):
        return _xp().cbrt(x)

    def _grad(self, x, out, g):
        with np.errstate(divide="ignore", invalid="ignore"):
            return g / (3 * out * out)


class Trunc(_KeepsDtype, _Unary):
    """Rounds toward zero; integers stay integers; its gradient is zero (as JAX)."""

    def _convert(self, x):
        return _as_tensor(x)

    def _apply(self, x):
        return _xp().trunc(x) if x.dtype.kind in "fc" else x.copy()

    def _grad(self, x, out, g):
        return _xp().zeros_like(g)


class Fabs(_Unary):
    def _apply(self, x):
        return _xp().abs(x)

    def _grad(self, x, out, g):
        return _xp().where(x >= 0, g, -g)


class Deg2rad(_Unary):
    def _apply(self, x):
        return x * x.dtype.type(math.pi / 180)

    def _grad(self, x, out, g):
        return g * g.dtype.type(math.pi / 180)


class Rad2deg(_Unary):
    def _apply(self, x):
        return x * x.dtype.type(180 / math.pi)

    def _grad(self, x, out, g):
        return g * g.dtype.type(180 / math.pi)


class Sinc(_Unary):
    """`sin(pi x) / (pi x)` (1 at 0); its gradient `(cos(pi x) - sinc(x)) / x` (0 at 0)."""

    def _apply(self, x):
        return _xp().sinc(x)

    def _grad(self, x, out, g):
        xp = _xp()
        safe = xp.where(x == 0, 1, x)
        d = (xp.cos(x.dtype.type(math.pi) * x) - out) / safe
        return g * xp.where(x == 0, 0, d)


class Signbit(Operation):
    """Is the sign bit set (negative numbers and -0.0; a bool tensor, no gradient)."""

    def compute_output_spec(self, x):
        return shape_of(x)

    def output_dtype(self, *args) -> str:
        return "bool"

    def _forward(self, x):
        return _xp().signbit(_as_output(arr(x))), None

    def _backward(self, cache, grad, need):
        return (None,)


class Isneginf(Signbit):
    def _forward(self, x):
        return _xp().isneginf(_as_output(arr(x))), None


class Isposinf(Signbit):
    def _forward(self, x):
        return _xp().isposinf(_as_output(arr(x))), None


class Copy(_KeepsDtype, _Unary):
    def _convert(self, x):
        return _as_tensor(x)

    def _apply(self, x):
        return x.copy()

    def _grad(self, x, out, g):
        return g


class Array(_Unary):
    """`array(x, dtype=None)`: `x` as a new tensor (of `dtype`); the gradient passes."""

    def __init__(self, dtype=None, *, name=None):
        super().__init__(name=name)
        self.dtype = None if dtype is None else str(np.dtype(getattr(dtype, "name", dtype)))

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    def output_dtype(self, x) -> str:
        return self.dtype or value_dtype(x)

    def _convert(self, x):
        return _as_tensor(x)

    def _apply(self, x):
        return _xp().array(x, dtype=self.dtype, copy=True)

    def _grad(self, x, out, g):
        return g.astype(x.dtype) if _is_float(x) else None


# -- element-wise, two arguments --------------------------------------------------------------
class Logaddexp(_Binary):
    def _forward(self, x1, x2):
        dtype = result_dtype(x1, x2)  # float16 with int32 stays float16, as Keras
        x1, x2 = _float(x1), _float(x2)
        out = _xp().logaddexp(x1, x2).astype(dtype, copy=False)
        return out, (x1, x2, out)

    def _backward(self, cache, grad, need):
        x1, x2, out = cache
        xp = _xp()
        w1 = xp.exp(x1 - out)
        return (
            sum_to_shape(grad * w1, x1.shape) if need[0] else None,
            sum_to_shape(grad * xp.exp(x2 - out), x2.shape) if need[1] else None,
        )


class Logaddexp2(Logaddexp):
    def _forward(self, x1, x2):
        dtype = result_dtype(x1, x2)  # float16 with int32 stays float16, as Keras
        x1, x2 = _float(x1), _float(x2)
        out = _xp().logaddexp2(x1, x2).astype(dtype, copy=False)
        return out, (x1, x2, out)

    def _backward(self, cache, grad, need):
        x1, x2, out = cache
        xp = _xp()
        return (
            sum_to_shape(grad * xp.exp2(x1 - out), x1.shape) if need[0] else None,
            sum_to_shape(grad * xp.exp2(x2 - out), x2.shape) if need[1] else None,
        )


class Hypot(_Binary):
    """`sqrt(x1**2 + x2**2)`; the gradient is 0 where both are 0."""

    def _forward(self, x1, x2):
        dtype = result_dtype(x1, x2)  # float16 with int32 stays float16, as Keras
        x1, x2 = _float(x1), _float(x2)
        out = _xp().hypot(x1, x2).astype(dtype, copy=False)
        return out, (x1, x2, out)

    def _backward(self, cache, grad, need):
        x1, x2, out = cache
        xp = _xp()
        inv = xp.where(out == 0, 0, grad / xp.where(out == 0, 1, out))
        return (
            sum_to_shape(inv * x1, x1.shape) if need[0] else None,
            sum_to_shape(inv * x2, x2.shape) if need[1] else None,
        )


class Fmod(_BoolAsInt, _Binary):
    """The remainder of `x1 / x2` with the sign of `x1` (C's fmod)."""

    def _apply(self, x1, x2):
        return _xp().fmod(x1, x2)

    def _grads(self, x1, x2, g, need):
        if not hasattr(g, "dtype") or g.dtype.kind not in "fc":
            return None, None
        return g, -g * _xp().trunc(_xp().asarray(x1) / _xp().asarray(x2))

    def _backward(self, cache, grad, need):
        x1, x2 = cache
        g1, g2 = self._grads(x1, x2, grad, need)
        return (
            sum_to_shape(g1, shape_of(x1)) if need[0] and _is_float(x1) else None,
            sum_to_shape(g2, shape_of(x2)) if need[1] and _is_float(x2) else None,
        )


class DivideNoNan(_Binary):
    """`x1 / x2`, 0 where `x2` is 0 (and a zero gradient there)."""

    def _forward(self, x1, x2):
        xp = _xp()
        dtype = result_dtype(x1, x2)
        x1, x2 = _float(x1), _float(x2)
        zero = x2 == 0
        safe = xp.where(zero, xp.ones((), x2.dtype), x2)
        out = xp.where(zero, xp.zeros((), x1.dtype), x1 / safe)
        return out.astype(dtype, copy=False), (x1, x2, zero, safe)

    def _backward(self, cache, grad, need):
        x1, x2, zero, safe = cache
        xp = _xp()
        g = xp.where(zero, 0, grad / safe)
        return (
            sum_to_shape(g, x1.shape) if need[0] else None,
            sum_to_shape(-g * x1 / safe, x2.shape) if need[1] else None,
        )


class Fmax(_KeepsDtype, _Binary):
    """The larger entry, ignoring NaN; the gradient goes to the entry chosen (`x1` on a
    tie)."""

    _pick = staticmethod(lambda a, b: (a >= b) | _xp().isnan(b))
    _fn = "fmax"

    def _apply(self, x1, x2):
        return getattr(_xp(), self._fn)(x1, x2)

    def _grads(self, x1, x2, g, need):
        first = self._pick(_xp().asarray(x1), _xp().asarray(x2))
        return _xp().where(first, g, 0), _xp().where(first, 0, g)


class Fmin(Fmax):
    _pick = staticmethod(lambda a, b: (a <= b) | _xp().isnan(b))
    _fn = "fmin"


class Heaviside(_Binary):
    """0 below 0, `x2` at 0, 1 above; its gradient is zero."""

    def output_dtype(self, x1, x2) -> str:
        dtype = value_dtype(x1, x2)  # integers give floats, as Keras
        if dtype in ("int8", "int16", "int32", "uint8", "uint16", "uint32", "bool"):
            return backend.floatx()
        return "float64" if dtype in ("int64", "uint64") else dtype

    def _apply(self, x1, x2):
        out = _xp().heaviside(x1, x2)
        return out.astype(self.output_dtype(x1, x2), copy=False)

    def _grads(self, x1, x2, g, need):
        return _xp().zeros_like(g), _xp().zeros_like(g)


class Ldexp(_Binary):
    """`x1 * 2**x2` (`x2` integers); the gradient reaches `x1`."""

    _casts_operands = False  # (the exponent stays an integer, as in Keras)

    def output_dtype(self, x1, x2) -> str:
        return keras_result_type(x1, x2, float)  # (integers give floats, as on arrays)

    def _forward(self, x1, x2):
        x1 = _float(x1)
        x2 = _xp().asarray(arr(x2))
        if x2.dtype.kind not in "iu":  # (bool too, as Keras)
            raise TypeError(f"ldexp's `x2` must hold integers; received dtype {x2.dtype}.")
        scale = _xp().ldexp(_xp().ones((), x1.dtype), x2)
        return x1 * scale, (x1, x2, scale)

    def _backward(self, cache, grad, need):
        x1, x2, scale = cache
        return (sum_to_shape(grad * scale, x1.shape) if need[0] else None, None)


class Nextafter(_Binary):
    """The next float after `x1` toward `x2`; no gradient."""

    def _apply(self, x1, x2):
        a = _float(x1)
        return _xp().nextafter(a, _xp().asarray(x2, a.dtype))

    def _grads(self, x1, x2, g, need):
        return None, None

    def _backward(self, cache, grad, need):
        return None, None


class Isclose(Operation):
    """`isclose(x1, x2, rtol, atol, equal_nan)`: a bool tensor, no gradient."""

    def __init__(self, equal_nan=False, *, name=None):
        super().__init__(name=name)
        self.equal_nan = bool(equal_nan)

    def get_config(self):
        return {"name": self.name, "equal_nan": self.equal_nan}

    def compute_output_spec(self, x1, x2, rtol=1e-5, atol=1e-8):
        return broadcast_shapes(shape_of(x1), shape_of(x2))

    def output_dtype(self, *args) -> str:
        return "bool"

    def _forward(self, x1, x2, rtol=1e-5, atol=1e-8):
        return _xp().isclose(arr(x1), arr(x2), rtol, atol, self.equal_nan), None

    def _backward(self, cache, grad, need):
        return (None,) * len(need)


# -- reductions -------------------------------------------------------------------------------
class Amax(_Extreme):
    """The maximum over `axis`; the gradient is shared by the entries equal to it."""

    def __init__(self, axis=None, keepdims=False, *, name=None):
        super().__init__(axis, keepdims, None, name=name)

    def get_config(self):
        return _Reduce.get_config(self)

    def _reduce(self, x, **kw):
        return _xp().max(x, **kw)


class Amin(Amax):
    def _reduce(self, x, **kw):
        return _xp().min(x, **kw)


class Ptp(_KeepsDtype, _Reduce):
    """`max - min` over `axis`."""

    def _forward(self, x):
        x = _as_output(arr(x))
        axes = _axes(self.axis, x.ndim)
        hi = x.max(axis=axes, keepdims=True)
        lo = x.min(axis=axes, keepdims=True)
        out = hi - lo
        if not self.keepdims:
            out = out.reshape([d for i, d in enumerate(out.shape) if i not in axes])
        return out, (x, axes, hi, lo)

    def _backward(self, cache, grad, need):
        x, axes, hi, lo = cache
        if not _is_float(x):
            return (None,)
        g = _expanded(grad, x.shape, axes, self.keepdims)

        def share(m):
            hits = (x == m).astype(g.dtype)
            return hits / hits.sum(axis=axes, keepdims=True)

        return (g * (share(hi) - share(lo)),)


class _NanReduce(_Reduce):
    """A reduction that skips NaN entries (their gradient is 0). Integer and bool inputs
    (no NaNs) reduce as integers where the class has `_int_reduce`, as Keras."""

    _int_reduce = None  # (array, axes, keepdims) -> the integer result

    def output_dtype(self, x) -> str:
        dtype = _dtype_of(x) or backend.floatx()
        if self._int_reduce is not None and dtype[:1] in "biu" and dtype != "bfloat16":
            return self._int_dtype(dtype)
        return super().output_dtype(x)

    def _int_dtype(self, dtype: str) -> str:
        return reduced_int_dtype(dtype)

    def _forward(self, x):
        a = arr(x)
        if self._int_reduce is not None and hasattr(a, "dtype") and a.dtype.kind in "biu":
            axes = _axes(self.axis, a.ndim)
            out = self._int_reduce(a, axes, self.keepdims)
            return out.astype(self._int_dtype(str(a.dtype)), copy=False), (a, axes, None, None)
        return self._float_forward(x)

    def _float_forward(self, x):
        x = _float(x)
        axes = _axes(self.axis, x.ndim)
        nan = _xp().isnan(x)
        out = self._reduce(x, nan, axes)
        return (
            out if self.keepdims else _squeeze(out, axes),
            (x, axes, nan, out),
        )

    def _backward(self, cache, grad, need):
        x, axes, nan, out = cache
        if nan is None:  # an integer input (Nansum): no gradient
            return (None,)
        g = _expanded(grad, x.shape, axes, self.keepdims)
        return (_xp().where(nan, 0, self._grad(x, nan, axes, out, g)),)


def _squeeze(out, axes):
    return out.reshape([d for i, d in enumerate(out.shape) if i not in axes])


def _count(nan, axes, dtype):
    return (~nan).sum(axis=axes, keepdims=True).astype(dtype)


class Nansum(_NanReduce):
    @staticmethod
    def _int_reduce(a, axes, keepdims):
        return _xp().sum(a, axis=axes, keepdims=keepdims, dtype=reduced_int_dtype(str(a.dtype)))

    def _reduce(self, x, nan, axes):
        return _xp().where(nan, 0, x).sum(axis=axes, keepdims=True)

    def _grad(self, x, nan, axes, out, g):
        return _xp().broadcast_to(g, x.shape)


class Nanmean(_NanReduce):
    def _reduce(self, x, nan, axes):
        with np.errstate(invalid="ignore", divide="ignore"):
            return _xp().where(nan, 0, x).sum(axis=axes, keepdims=True) / _count(nan, axes, x.dtype)

    def _grad(self, x, nan, axes, out, g):
        return _xp().broadcast_to(g / _count(nan, axes, x.dtype), x.shape)


class Nanvar(_NanReduce):
    def _reduce(self, x, nan, axes):
        xp = _xp()
        with np.errstate(invalid="ignore", divide="ignore"):
            n = _count(nan, axes, x.dtype)
            m = xp.where(nan, 0, x).sum(axis=axes, keepdims=True) / n
            d = xp.where(nan, 0, x - m)
            return (d * d).sum(axis=axes, keepdims=True) / n

    def _grad(self, x, nan, axes, out, g):
        xp = _xp()
        n = _count(nan, axes, x.dtype)
        m = xp.where(nan, 0, x).sum(axis=axes, keepdims=True) / n
        return g * 2 * (x - m) / n


class Nanstd(Nanvar):
    def _reduce(self, x, nan, axes):
        return _xp().sqrt(super()._reduce(x, nan, axes))

    def _grad(self, x, nan, axes, out, g):
        with np.errstate(divide="ignore", invalid="ignore"):
            return super()._grad(x, nan, axes, out, g / (2 * out))


class Nanprod(_NanReduce):
    @staticmethod
    def _int_reduce(a, axes, keepdims):
        return _xp().prod(a, axis=axes, keepdims=keepdims, dtype=reduced_int_dtype(str(a.dtype)))

    def _reduce(self, x, nan, axes):
        return _xp().where(nan, 1, x).prod(axis=axes, keepdims=True)

    def _grad(self, x, nan, axes, out, g):
        xp = _xp()
        filled = xp.where(nan, 1, x)
        # the product of the other entries, exact where some entry is 0
        moved = np.moveaxis(filled, axes, range(len(axes))).reshape(-1, *_rest(x.shape, axes))
        left = xp.cumprod(xp.concatenate([xp.ones_like(moved[:1]), moved[:-1]]), axis=0)
        right = xp.flip(
            xp.cumprod(xp.concatenate([xp.ones_like(moved[:1]), xp.flip(moved, 0)[:-1]]), 0), 0
        )
        others = (left * right).reshape(*(x.shape[a] for a in axes), *_rest(x.shape, axes))
        others = np.moveaxis(others, range(len(axes)), axes)
        return g * others


def _rest(shape, axes):
    return [d for i, d in enumerate(shape) if i not in axes]


class Nanmax(_NanReduce):
    _fn = "nanmax"

    def _int_reduce(self, a, axes, keepdims):
        return getattr(_xp(), self._fn[3:])(a, axis=axes, keepdims=keepdims)

    def _int_dtype(self, dtype: str) -> str:
        return dtype  # the largest (smallest) entry keeps its dtype

    def _reduce(self, x, nan, axes):
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return getattr(_xp(), self._fn)(x, axis=axes, keepdims=True)

    def _grad(self, x, nan, axes, out, g):
        hits = ((x == out) & ~nan).astype(g.dtype)
        counts = hits.sum(axis=axes, keepdims=True)
        return g * hits / _xp().where(counts == 0, 1, counts)


class Nanmin(Nanmax):
    _fn = "nanmin"


class Nancumsum(Cumsum):
    def _forward(self, x):
        x = _array_of(x)
        nan = _xp().isnan(x) if x.dtype.kind in "fc" else None
        out, cache = super()._forward(_xp().where(nan, 0, x) if nan is not None else x)
        return out, (cache, nan)

    def _backward(self, cache, grad, need):
        cache, nan = cache
        (g,) = super()._backward(cache, grad, need)
        return (g if nan is None or g is None else _xp().where(nan, 0, g),)


class Nancumprod(Cumprod):
    def _forward(self, x):
        x = _array_of(x)
        nan = _xp().isnan(x) if x.dtype.kind in "fc" else None
        out, cache = super()._forward(_xp().where(nan, 1, x) if nan is not None else x)
        return out, (cache, nan)

    def _backward(self, cache, grad, need):
        cache, nan = cache
        (g,) = super()._backward(cache, grad, need)
        return (g if nan is None or g is None else _xp().where(nan, 0, g),)


# -- quantiles --------------------------------------------------------------------------------
_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


class Quantile(Operation):
    """`quantile(x, q, axis=None, method="linear", keepdims=False)` (q in [0, 1]), as
    `jnp.quantile`: the sorted entries interpolated; a 1-D `q` gives its axis first. The
    gradient reaches the (one or two) sorted entries each quantile reads."""

    _nan = False
    _scale = 1.0  # percentile: q / 100

    def __init__(self, axis=None, method="linear", keepdims=False, *, name=None):
        super().__init__(name=name)
        if method not in _METHODS:
            raise ConfigError(
                f"Invalid `method` {method!r} for {type(self).__name__.lower()}; expected one "
                f"of {_METHODS}."
            )
        self.axis = tuple(axis) if isinstance(axis, list) else axis
        self.method = method
        self.keepdims = bool(keepdims)

    def get_config(self):
        axis = list(self.axis) if isinstance(self.axis, tuple) else self.axis
        return {"name": self.name, "axis": axis, "method": self.method, "keepdims": self.keepdims}

    def _q_shape(self, q):
        return tuple(shape_of(q)) if hasattr(q, "shape") else np.shape(q)

    def compute_output_spec(self, x, q=0.5):
        shape = shape_of(x)
        axes = _axes(self.axis, len(shape))
        kept = [1 if i in axes else d for i, d in enumerate(shape)]
        rest = kept if self.keepdims else [d for i, d in enumerate(shape) if i not in axes]
        return (*self._q_shape(q), *rest)

    def output_dtype(self, x, q=0.5) -> str:
        d = _dtype_of(x)
        return d if d and d.startswith(("float", "bfloat")) else backend.floatx()

    def _forward(self, x, q=0.5):
        xp = _xp()
        x = _float(x)
        qv = xp.asarray(q.value if hasattr(q, "assign") else q, x.dtype)
        qv = qv * x.dtype.type(self._scale)
        axes = _axes(self.axis, x.ndim)
        keep = [d for i, d in enumerate(x.shape) if i not in axes]
        moved = xp.moveaxis(x, axes, range(x.ndim - len(axes), x.ndim))
        lanes = moved.reshape(*keep, -1)
        n = lanes.shape[-1]
        order = xp.argsort(lanes, axis=-1, kind="stable")  # NaN sort last
        srt = xp.take_along_axis(lanes, order, axis=-1)
        if self._nan:
            count = (~xp.isnan(lanes)).sum(axis=-1, keepdims=True).astype(x.dtype)
        else:
            count = xp.full((*keep, 1), n, x.dtype)
        qb = qv.reshape(qv.shape + (1,) * (len(keep) + 1))  # (*q, *keep, 1)
        pos = qb * (count - 1)
        lo = xp.clip(xp.floor(pos), 0, n - 1)
        hi = xp.clip(xp.ceil(pos), 0, n - 1)
        frac = pos - lo
        if self.method == "lower":
            hi, frac = lo, frac * 0
        elif self.method == "higher":
            lo, frac = hi, frac * 0
        elif self.method == "midpoint":
            frac = xp.where(hi > lo, x.dtype.type(0.5), x.dtype.type(0))
        elif self.method == "nearest":
            near = xp.clip(xp.round(pos), 0, n - 1)
            lo = hi = near
            frac = frac * 0
        lo_i, hi_i = lo.astype("int64"), hi.astype("int64")
        full = xp.broadcast_to(srt, qv.shape + srt.shape)
        a = xp.take_along_axis(full, xp.broadcast_to(lo_i, qv.shape + (*keep, 1)), axis=-1)
        b = xp.take_along_axis(full, xp.broadcast_to(hi_i, qv.shape + (*keep, 1)), axis=-1)
        with np.errstate(invalid="ignore"):  # (an infinite end: inf * 0)
            out = xp.where((frac == 0) | (a == b), a, a * (1 - frac) + b * frac)
        if self._nan:
            out = xp.where(count == 0, xp.asarray(np.nan, x.dtype), out)
        elif x.dtype.kind == "f":  # a NaN in a lane makes its quantiles NaN, as Keras
            out = xp.where(xp.isnan(lanes).any(axis=-1, keepdims=True), np.nan, out)
        out = out[..., 0]
        if self.keepdims:
            out = out.reshape((*qv.shape, *[1 if i in axes else d for i, d in enumerate(x.shape)]))
        cache = (x.shape, axes, keep, order, lo_i, hi_i, frac, qv.shape, n)
        return out.astype(x.dtype, copy=False), cache

    def _backward(self, cache, grad, need):
        xp = _xp()
        shape, axes, keep, order, lo_i, hi_i, frac, qshape, n = cache
        g = grad.reshape(*qshape, *keep, 1)
        gs = xp.zeros((*qshape, *keep, n), grad.dtype)
        idx = np.indices(gs.shape[:-1] + (1,), sparse=True)
        np.add.at(gs, (*idx[:-1], lo_i), g * (1 - frac))
        np.add.at(gs, (*idx[:-1], hi_i), g * frac)
        gs = gs.sum(axis=tuple(range(len(qshape))))  # (*keep, n) in sorted order
        lanes = xp.zeros_like(gs)
        xp.put_along_axis(lanes, order, gs, axis=-1)
        moved_shape = (*keep, *(shape[a] for a in axes))
        gx = xp.moveaxis(lanes.reshape(moved_shape), range(len(keep), len(shape)), axes)
        return (gx, None)


class Percentile(Quantile):
    _scale = 0.01


class Median(Quantile):
    """`median(x, axis=None, keepdims=False)`: the 0.5 quantile."""

    def __init__(self, axis=None, keepdims=False, *, name=None):
        super().__init__(axis, "linear", keepdims, name=name)

    def get_config(self):
        axis = list(self.axis) if isinstance(self.axis, tuple) else self.axis
        return {"name": self.name, "axis": axis, "keepdims": self.keepdims}

    def compute_output_spec(self, x):
        return super().compute_output_spec(x, 0.5)

    def output_dtype(self, x) -> str:
        return super().output_dtype(x)

    def _forward(self, x):
        return super()._forward(x, 0.5)

    def _backward(self, cache, grad, need):
        return super()._backward(cache, grad, need)[:1]


class Nanquantile(Quantile):
    _nan = True


class Nanpercentile(Percentile):
    _nan = True


class Nanmedian(Median):
    _nan = True


# -- rearrangements ---------------------------------------------------------------------------
class Roll(_KeepsDtype, Operation):
    def __init__(self, shift, axis=None, *, name=None):
        super().__init__(name=name)
        self.shift = _listed(shift) if isinstance(shift, (list, tuple)) else int(shift)
        self.axis = _listed(axis) if isinstance(axis, (list, tuple)) else axis

    def get_config(self):
        return {"name": self.name, "shift": self.shift, "axis": self.axis}

    def compute_output_spec(self, x):
        if self.axis is not None:
            _axes(self.axis, len(shape_of(x)))  # (an axis out of range, as Keras's)
        return shape_of(x)

    def _forward(self, x):
        return _xp().roll(_as_output(arr(x)), self.shift, self.axis), None

    def _backward(self, cache, grad, need):
        neg = [-s for s in self.shift] if isinstance(self.shift, list) else -self.shift
        return (_xp().roll(grad, neg, self.axis),)


class Diff(_KeepsDtype, Operation):
    def __init__(self, n=1, axis=-1, *, name=None):
        super().__init__(name=name)
        self.n, self.axis = int(n), int(axis)

    def get_config(self):
        return {"name": self.name, "n": self.n, "axis": self.axis}

    def compute_output_spec(self, a):
        shape = list(shape_of(a))
        (axis,) = _axes(self.axis, len(shape))
        if shape[axis] is not None:
            shape[axis] = max(shape[axis] - self.n, 0)
        return tuple(shape)

    def _forward(self, a):
        a = _as_output(arr(a))
        return _xp().diff(a, self.n, axis=self.axis), a.ndim

    def _backward(self, cache, grad, need):
        xp = _xp()
        axis = self.axis % cache
        g = grad
        for _ in range(self.n):  # the adjoint of one difference: pad(g, 1 before) - pad(g, after)
            width = [(0, 0)] * g.ndim
            before, after = list(width), list(width)
            before[axis], after[axis] = (1, 0), (0, 1)
            g = xp.pad(g, before) - xp.pad(g, after)
        return (g,)


class Cross(_KeepsDtype, Operation):
    """The cross product of 3-vectors (2-vectors count as z = 0) along the given axes."""

    def __init__(self, axisa=-1, axisb=-1, axisc=-1, axis=None, *, name=None):
        super().__init__(name=name)
        if axis is not None:
            axisa = axisb = axisc = axis
        self.axisa, self.axisb, self.axisc, self.axis = axisa, axisb, axisc, axis

    def get_config(self):
        return {
            "name": self.name,
            "axisa": self.axisa,
            "axisb": self.axisb,
            "axisc": self.axisc,
            "axis": self.axis,
        }

    def compute_output_spec(self, x1, x2):
        a = list(shape_of(x1))
        b = list(shape_of(x2))
        na, nb = a.pop(self.axisa), b.pop(self.axisb)
        for v in (na, nb):
            if v not in (2, 3, None):
                raise ShapeError(
                    "Dimension of vectors for cross product must be 2 or 3; received "
                    f"shapes {shape_of(x1)} and {shape_of(x2)}."
                )
        lead = list(broadcast_shapes(a, b))
        if na == 2 and nb == 2:
            return tuple(lead)
        lead.insert(self.axisc % (len(lead) + 1) if self.axisc < 0 else self.axisc, 3)
        return tuple(lead)

    def _forward(self, x1, x2):
        xp = _xp()
        dtype = value_dtype(arr(x1), arr(x2))  # Keras's promotion (int32, float32: float32)
        a = xp.moveaxis(_as_output(arr(x1)).astype(dtype, copy=False), self.axisa, -1)
        b = xp.moveaxis(_as_output(arr(x2)).astype(dtype, copy=False), self.axisb, -1)
        self.compute_output_spec(a, b)  # (vectors of 2 or 3 entries)
        two = a.shape[-1] == 2 and b.shape[-1] == 2
        a3, b3 = _to3(a), _to3(b)
        out = _cross3(a3, b3)
        out = out[..., 2] if two else xp.moveaxis(out, -1, self.axisc)
        return out, (a3, b3, a.shape, b.shape, two, shape_of(x1), shape_of(x2))

    def _backward(self, cache, grad, need):
        xp = _xp()
        a3, b3, sa, sb, two, s1, s2 = cache
        if two:
            g3 = xp.zeros((*grad.shape, 3), grad.dtype)
            g3[..., 2] = grad
        else:
            g3 = xp.moveaxis(grad, self.axisc, -1)
        ga = _cross3(b3, g3)[..., : sa[-1]]
        gb = _cross3(g3, a3)[..., : sb[-1]]
        ga = xp.moveaxis(sum_to_shape(ga, sa), -1, self.axisa).reshape(s1)
        gb = xp.moveaxis(sum_to_shape(gb, sb), -1, self.axisb).reshape(s2)
        return ga, gb


def _to3(v):
    if v.shape[-1] == 3:
        return v
    return _xp().concatenate([v, _xp().zeros((*v.shape[:-1], 1), v.dtype)], axis=-1)


def _cross3(a, b):
    xp = _xp()
    a0, a1, a2 = a[..., 0], a[..., 1], a[..., 2]
    b0, b1, b2 = b[..., 0], b[..., 1], b[..., 2]
    return xp.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], axis=-1)


class Kron(_KeepsDtype, Operation):
    def compute_output_spec(self, x1, x2):
        a, b = list(shape_of(x1)), list(shape_of(x2))
        n = max(len(a), len(b))
        a, b = [1] * (n - len(a)) + a, [1] * (n - len(b)) + b
        return tuple(None if p is None or q is None else p * q for p, q in zip(a, b))

    def _forward(self, x1, x2):
        dtype = value_dtype(arr(x1), arr(x2))  # Keras's promotion (int32, float32: float32)
        a, b = _as_output(arr(x1)).astype(dtype), _as_output(arr(x2)).astype(dtype)
        return _xp().kron(a, b), (a, b)

    def _backward(self, cache, grad, need):
        a, b = cache
        n = max(a.ndim, b.ndim)
        ae = a.reshape((1,) * (n - a.ndim) + a.shape)
        be = b.reshape((1,) * (n - b.ndim) + b.shape)
        # out[i * nb + j] = a[i] * b[j] on each axis: view grad as (a0, b0, a1, b1, ...)
        g = grad.reshape([d for p in zip(ae.shape, be.shape) for d in p])
        ga = (g * be.reshape([d for s in be.shape for d in (1, s)])).sum(
            axis=tuple(range(1, 2 * n, 2))
        )
        gb = (g * ae.reshape([d for s in ae.shape for d in (s, 1)])).sum(
            axis=tuple(range(0, 2 * n, 2))
        )
        return (
            ga.reshape(a.shape) if _is_float(a) else None,
            gb.reshape(b.shape) if _is_float(b) else None,
        )


class Inner(_KeepsDtype, Operation):
    """The sum over the last axes of `x1` and `x2` (a product when one is a scalar)."""

    def compute_output_spec(self, x1, x2):
        a, b = shape_of(x1), shape_of(x2)
        if not a or not b:
            return broadcast_shapes(a, b)
        if None not in (a[-1], b[-1]) and a[-1] != b[-1]:
            raise ShapeError(
                "`inner` requires the last dimension of `x1` and `x2` to match. "
                f"Received: x1.shape={tuple(a)}, x2.shape={tuple(b)}."
            )
        return (*a[:-1], *b[:-1])

    def _forward(self, x1, x2):
        dtype = value_dtype(arr(x1), arr(x2))  # Keras's promotion (int32, float32: float32)
        a, b = _as_output(arr(x1)).astype(dtype), _as_output(arr(x2)).astype(dtype)
        return _xp().inner(a, b), (a, b)

    def _backward(self, cache, grad, need):
        xp = _xp()
        a, b = cache
        if a.ndim == 0 or b.ndim == 0:
            return sum_to_shape(grad * b, a.shape), sum_to_shape(grad * a, b.shape)
        lead_b = list(range(b.ndim - 1))
        ga = xp.tensordot(grad, b, axes=(list(range(a.ndim - 1, grad.ndim)), lead_b))
        gb = xp.tensordot(grad, a, axes=(list(range(a.ndim - 1)), list(range(a.ndim - 1))))
        return ga, gb


class Vdot(_KeepsDtype, Operation):
    def compute_output_spec(self, x1, x2):
        return ()

    def _forward(self, x1, x2):
        dtype = value_dtype(x1, x2)  # Keras's promotion (int32 with float32: float32)
        a, b = _as_output(arr(x1)).astype(dtype), _as_output(arr(x2)).astype(dtype)
        return _xp().vdot(a, b), (a, b)

    def _backward(self, cache, grad, need):
        a, b = cache
        return grad * b.conj(), grad * a


class Meshgrid(_KeepsDtype, Operation):
    """`meshgrid(*x, indexing="xy")`: one output per vector; the gradients sum over the
    other axes."""

    multi_output = True

    def __init__(self, indexing="xy", *, name=None):
        super().__init__(name=name)
        if indexing not in ("xy", "ij"):
            raise ConfigError(f"Valid values for `indexing` are 'xy' and 'ij'; got {indexing!r}.")
        self.indexing = indexing

    def get_config(self):
        return {"name": self.name, "indexing": self.indexing}

    def compute_output_spec(self, *x):
        sizes = [math.prod(shape_of(v)) if None not in shape_of(v) else None for v in x]
        if self.indexing == "xy" and len(sizes) > 1:
            sizes[0], sizes[1] = sizes[1], sizes[0]
        return [tuple(sizes)] * len(x)

    def output_dtype(self, *x) -> list:
        return [value_dtype(v) for v in x]  # each grid keeps its vector's dtype

    def _forward(self, *x):
        vs = [_as_output(arr(v)).reshape(-1) for v in x]
        return list(_xp().meshgrid(*vs, indexing=self.indexing)), [v.size for v in vs]

    def _backward(self, cache, grad, need):
        n = len(cache)
        out = []
        for i, g in enumerate(grad):
            axis = i
            if self.indexing == "xy" and n > 1 and i < 2:
                axis = 1 - i
            out.append(g.sum(axis=tuple(a for a in range(n) if a != axis)))
        return tuple(out)


class Select(Operation):
    """`select(condlist, choicelist, default=0)`: per entry, the choice of the first true
    condition, else `default`; the gradient goes to the one chosen."""

    def compute_output_spec(self, condlist, choicelist, default=0):
        shape = ()
        for t in [*condlist, *choicelist, default]:
            shape = broadcast_shapes(shape, shape_of(t))
        return shape

    def output_dtype(self, condlist, choicelist, default=0) -> str:
        return value_dtype(*choicelist, default)  # (a float default makes floats, as Keras)

    def _forward(self, condlist, choicelist, default=0):
        xp = _xp()
        conds = [xp.asarray(arr(c)).astype(bool) for c in condlist]
        choices = [_as_output(arr(c)) for c in choicelist]
        if len(conds) != len(choices):
            raise ShapeError(
                f"select: condlist and choicelist must have the same length; received "
                f"{len(conds)} and {len(choices)}."
            )
        d = arr(default)
        dtype = value_dtype(*choices, d)
        out = xp.select(conds, choices, d).astype(dtype, copy=False)
        return out, (conds, choices, d)

    def _backward(self, cache, grad, need):
        xp = _xp()
        conds, choices, d = cache
        taken = xp.zeros(grad.shape, bool)
        gs = []
        for c, v in zip(conds, choices):
            pick = c & ~taken
            taken = taken | c
            gs.append(sum_to_shape(xp.where(pick, grad, 0), v.shape) if _is_float(v) else None)
        gd = None
        if _is_float(d):
            gd = sum_to_shape(xp.where(taken, 0, grad), d.shape)
        return [None] * len(conds), gs, gd


class Rot90(_KeepsDtype, Operation):
    def __init__(self, k=1, axes=(0, 1), *, name=None):
        super().__init__(name=name)
        self.k, self.axes = int(k), tuple(int(a) for a in axes)

    def get_config(self):
        return {"name": self.name, "k": self.k, "axes": list(self.axes)}

    def compute_output_spec(self, array):
        shape = list(shape_of(array))
        if len(shape) < 2:
            raise ShapeError(f"rot90 needs a tensor of rank 2 or more; received {tuple(shape)}.")
        n = len(shape)
        if (
            len(self.axes) != 2
            or any(not -n <= a < n for a in self.axes)
            or (self.axes[0] % n == self.axes[1] % n)
        ):
            raise ConfigError(
                f"rot90's axes must be two different axes of the rank-{n} tensor (as (0, 1)); "
                f"received axes={self.axes}."
            )
        if self.k % 2:
            a, b = self.axes
            shape[a], shape[b] = shape[b], shape[a]
        return tuple(shape)

    def _forward(self, array):
        array = _as_output(arr(array))
        self.compute_output_spec(array)  # (the axes' check)
        return _xp().rot90(array, self.k, self.axes), None

    def _backward(self, cache, grad, need):
        return (_xp().rot90(grad, -self.k, self.axes),)


class Fliplr(_KeepsDtype, Operation):
    _axis = 1

    def compute_output_spec(self, x):
        if len(shape_of(x)) <= self._axis:
            raise ShapeError(
                f"{type(self).__name__.lower()} needs a tensor of rank {self._axis + 1} or "
                f"more; received shape {shape_of(x)}."
            )
        return shape_of(x)

    def _forward(self, x):
        x = _as_output(arr(x))
        self.compute_output_spec(x)
        return _xp().flip(x, self._axis), None

    def _backward(self, cache, grad, need):
        return (_xp().flip(grad, self._axis),)


class Flipud(Fliplr):
    _axis = 0


class _Join(_KeepsDtype, Operation):
    """Tensors joined along one axis; the gradient is cut back into pieces."""

    def _prepare(self, xs):
        raise NotImplementedError

    def compute_output_spec(self, xs):
        shapes = [self._shape(shape_of(x)) for x in xs]
        axis = self._join_axis(len(shapes[0]))
        for s in shapes[1:]:  # (as Keras's symbolic check)
            others = zip(s[:axis] + s[axis + 1 :], shapes[0][:axis] + shapes[0][axis + 1 :])
            if len(s) != len(shapes[0]) or any(None not in (a, b) and a != b for a, b in others):
                raise ShapeError(
                    "Every value in `xs` must have the same shape except on the `axis` dim. "
                    f"But found element of shape {list(s)}, which is different from the "
                    f"first element's shape {list(shapes[0])}."
                )
        out = list(shapes[0])
        out[axis] = None if any(s[axis] is None for s in shapes) else sum(s[axis] for s in shapes)
        return tuple(out)

    def _forward(self, xs):
        arrays = [_as_output(arr(x)) for x in xs]
        parts = [a.reshape(self._shape(a.shape)) for a in arrays]
        axis = self._join_axis(parts[0].ndim)
        # Keras's promotion, not NumPy's (float32 with int32 is float32)
        out = _xp().concatenate(parts, axis=axis).astype(value_dtype(*arrays), copy=False)
        return out, ([a.shape for a in arrays], [p.shape[axis] for p in parts], axis, arrays)

    def _backward(self, cache, grad, need):
        shapes, sizes, axis, arrays = cache
        cuts = np.cumsum(sizes)[:-1].tolist()
        pieces = _xp().split(grad, cuts, axis=axis)
        return (
            [p.reshape(s) if _is_float(a) else None for p, s, a in zip(pieces, shapes, arrays)],
        )


class Dstack(_Join):
    def _shape(self, s):
        s = tuple(s)
        if len(s) == 0:
            return (1, 1, 1)
        if len(s) == 1:
            return (1, s[0], 1)
        if len(s) == 2:
            return (*s, 1)
        return s

    def _join_axis(self, ndim):
        return 2


class Append(Operation):
    """`append(x1, x2, axis=None)`: `x2` after `x1` along `axis` (both flattened when
    None)."""

    def __init__(self, axis=None, *, name=None):
        super().__init__(name=name)
        self.axis = axis

    def get_config(self):
        return {"name": self.name, "axis": self.axis}

    def output_dtype(self, x1, x2) -> str:
        return value_dtype(x1, x2)

    def compute_output_spec(self, x1, x2):
        a, b = shape_of(x1), shape_of(x2)
        if self.axis is None:
            if None in a or None in b:
                return (None,)
            return (math.prod(a) + math.prod(b),)
        out = list(a)
        ax = self.axis % len(a)
        off = [i for i in range(len(a)) if i != ax]
        if len(a) != len(b) or any(None not in (a[i], b[i]) and a[i] != b[i] for i in off):
            raise IncompatibleShapesError(
                f"`append` requires inputs to have the same shape except the `axis={self.axis}`"
                f", but received shape {format_shape(a)} and {format_shape(b)}."
            )
        out[ax] = None if a[ax] is None or b[ax] is None else a[ax] + b[ax]
        return tuple(out)

    def _forward(self, x1, x2):
        dtype = value_dtype(arr(x1), arr(x2))  # a Python number is weak (follows x1)
        a, b = _as_output(arr(x1)), _as_output(arr(x2))
        out = _xp().append(a, b, axis=self.axis).astype(dtype, copy=False)
        return out, (a, b)

    def _backward(self, cache, grad, need):
        a, b = cache
        if self.axis is None:
            ga, gb = grad[: a.size].reshape(a.shape), grad[a.size :].reshape(b.shape)
        else:
            ga, gb = _xp().split(grad, [a.shape[self.axis]], axis=self.axis)
        return (ga if _is_float(a) else None, gb if _is_float(b) else None)


class ArraySplit(_KeepsDtype, Operation):
    """`array_split(x, indices_or_sections, axis=0)`: pieces of nearly equal sizes (the
    first ones one longer) or cut at the indices; the gradient joins them."""

    multi_output = True
    _fixed_axis: int | None = None

    def __init__(self, indices_or_sections, axis=0, *, name=None):
        super().__init__(name=name)
        ios = indices_or_sections
        self.indices_or_sections = int(ios) if isinstance(ios, (int, np.integer)) else list(ios)
        self.axis = int(axis) if self._fixed_axis is None else self._fixed_axis

    def get_config(self):
        config = {"name": self.name, "indices_or_sections": _listed(self.indices_or_sections)}
        if self._fixed_axis is None:
            config["axis"] = self.axis
        return config

    def _axis_for(self, ndim):
        axis = 0 if self._fixed_axis == 1 and ndim == 1 else self.axis
        return _axes(axis, ndim)[0]  # (an axis out of range raises)

    def _sizes(self, n):
        ios = self.indices_or_sections
        if isinstance(ios, int):
            if self._fixed_axis is not None and n % ios:
                raise ShapeError(
                    f"array split does not result in an equal division: {n} into {ios}."
                )
            q, r = divmod(n, ios)
            return [q + 1] * r + [q] * (ios - r)
        cuts = [0, *[min(max(i, 0), n) for i in ios], n]
        return [max(b - a, 0) for a, b in zip(cuts[:-1], cuts[1:])]

    def compute_output_spec(self, x):
        shape = list(shape_of(x))
        axis = self._axis_for(len(shape)) % len(shape)
        if shape[axis] is None:
            ios = self.indices_or_sections
            if isinstance(ios, int):
                return [tuple(shape)] * ios
            # the pieces between two indices have known sizes; the last one does not
            sizes = [b - a for a, b in zip([0, *ios[:-1]], ios)] + [None]
            return [tuple(shape[:axis] + [n] + shape[axis + 1 :]) for n in sizes]
        out = []
        for s in self._sizes(shape[axis]):
            piece = list(shape)
            piece[axis] = s
            out.append(tuple(piece))
        return out

    def _forward(self, x):
        x = _as_output(arr(x))
        axis = self._axis_for(x.ndim) % x.ndim
        sizes = self._sizes(x.shape[axis])
        return list(_xp().split(x, np.cumsum(sizes)[:-1].tolist(), axis=axis)), axis

    def _backward(self, cache, grad, need):
        return (_xp().concatenate(list(grad), axis=cache),)


class Hsplit(ArraySplit):
    _fixed_axis = 1

    def __init__(self, indices_or_sections, *, name=None):
        super().__init__(indices_or_sections, name=name)


class Vsplit(Hsplit):
    _fixed_axis = 0


class Dsplit(Hsplit):
    _fixed_axis = 2


class Diagflat(_KeepsDtype, Operation):
    def __init__(self, k=0, *, name=None):
        super().__init__(name=name)
        self.k = int(k)

    def get_config(self):
        return {"name": self.name, "k": self.k}

    def compute_output_spec(self, x):
        s = shape_of(x)
        n = None if None in s else math.prod(s) + abs(self.k)
        return (n, n)

    def _forward(self, x):
        x = _as_output(arr(x))
        return _xp().diagflat(x, self.k), x.shape

    def _backward(self, cache, grad, need):
        return (_xp().diagonal(grad, self.k).reshape(cache).copy(),)


class Trapezoid(Operation):
    """`trapezoid(y, x=None, dx=1.0, axis=-1)`: the integral of `y` by the trapezoid rule
    (`x` the sample points, constant); the gradient reaches `y`."""

    def __init__(self, x=None, dx=1.0, axis=-1, *, name=None):
        super().__init__(name=name)
        self.x = None if x is None else np.asarray(x).tolist()
        self.dx, self.axis = float(dx), int(axis)

    def get_config(self):
        return {"name": self.name, "x": self.x, "dx": self.dx, "axis": self.axis}

    def compute_output_spec(self, y):
        s = list(shape_of(y))
        del s[self.axis]
        return tuple(s)

    def _forward(self, y):
        xp = _xp()
        y = _float(y)
        if not -y.ndim <= self.axis < y.ndim:
            raise ShapeError(f"axis {self.axis} is out of bounds for array of dimension {y.ndim}")
        n = y.shape[self.axis]
        if self.x is None:
            d = xp.full((max(n - 1, 0),), self.dx, y.dtype)
        else:
            d = xp.diff(xp.asarray(self.x, y.dtype), axis=-1)
            if d.ndim > 1:
                raise ShapeError("numkeras's trapezoid takes a 1-D `x`.")
        w = xp.zeros((n,), y.dtype)
        w[:-1] += d / 2
        w[1:] += d / 2
        shape = [1] * y.ndim
        shape[self.axis] = n
        w = w.reshape(shape)
        return (y * w).sum(axis=self.axis), (w, self.axis % y.ndim)

    def _backward(self, cache, grad, need):
        w, axis = cache
        return (_xp().expand_dims(grad, axis) * w,)


OPS = {
    cls.__name__: cls
    for cls in (
        Cbrt,
        Trunc,
        Fabs,
        Deg2rad,
        Rad2deg,
        Sinc,
        Signbit,
        Isneginf,
        Isposinf,
        Copy,
        Array,
        Logaddexp,
        Logaddexp2,
        Hypot,
        Fmod,
        DivideNoNan,
        Fmax,
        Fmin,
        Heaviside,
        Ldexp,
        Nextafter,
        Isclose,
        Amax,
        Amin,
        Ptp,
        Nansum,
        Nanmean,
        Nanvar,
        Nanstd,
        Nanprod,
        Nanmax,
        Nanmin,
        Nancumsum,
        Nancumprod,
        Quantile,
        Percentile,
        Median,
        Nanquantile,
        Nanpercentile,
        Nanmedian,
        Roll,
        Diff,
        Cross,
        Kron,
        Inner,
        Vdot,
        Meshgrid,
        Select,
        Rot90,
        Fliplr,
        Flipud,
        Dstack,
        Append,
        ArraySplit,
        Hsplit,
        Vsplit,
        Dsplit,
        Diagflat,
        Trapezoid,
    )
}


# -- eager only: integers, bits, sets, counting, complex numbers, windows, spectra ------------
def _ints(name, *xs):
    eager_only(name, *xs)
    return [_xp().asarray(arr(x)) for x in xs]


def _int_result(a):
    """Python ints become int32 arrays, as Keras's default int."""
    return a.astype("int32") if a.dtype == np.int64 and not hasattr(a, "_keep") else a


def bitwise(name: str, fn: str, *xs):
    """A NumPy bitwise / integer function on arrays (integers keep their dtype)."""
    arrays = _ints(name, *xs)
    for a in arrays:
        if a.dtype.kind not in "iub":
            raise InputTypeError(  # (JAX: TypeError for bitwise_and, ValueError for gcd)
                f"{name} takes integer or bool tensors; received dtype {a.dtype}. Cast the "
                "operands to an integer dtype first (ops.cast(x, 'int32'))."
            )
    try:
        out = getattr(_xp(), fn)(*arrays)
    except ValueError as e:  # (operands that do not broadcast: also a TypeError, as JAX's)
        raise IncompatibleShapesError(str(e)) from e
    # Keras's promotion: Python ints are weak (bool with a Python int gives int32)
    return out.astype(keras_result_type(*xs), copy=False)


def bincount(x, weights=None, minlength: int = 0, sparse: bool = False):
    """Counts of each non-negative integer of `x` (int32; the weights' dtype with
    `weights`)."""
    if sparse:
        raise ValueError("`sparse=True` is not supported: numkeras has no sparse tensors.")
    (a,) = _ints("bincount", x)
    w = None if weights is None else _ints("bincount", weights)[0]
    if a.ndim == 2:  # one count per row, as Keras
        n = max(int(a.max()) + 1 if a.size else 0, minlength)
        rows = [
            _xp().bincount(r, None if w is None else wr, minlength=n)
            for r, wr in zip(a, w if w is not None else [None] * len(a))
        ]
        out = _xp().stack(rows)
    else:
        out = _xp().bincount(a, w, minlength=minlength)
    return out.astype("int32" if w is None else w.dtype)


def digitize(x, bins):
    """The index of the bin of each entry (int32)."""
    a, b = _ints("digitize", x, bins)
    return _xp().digitize(a, b).astype("int32")


def searchsorted(sorted_sequence, values, side: str = "left"):
    """Where `values` would go in the 1-D `sorted_sequence` (int32)."""
    s, v = _ints("searchsorted", sorted_sequence, values)
    if s.ndim != 1:
        raise ShapeError(f"searchsorted takes a 1-D sorted_sequence; received {s.shape}.")
    return _xp().searchsorted(s, v, side=side).astype("int32")


def isin(x1, x2, assume_unique: bool = False, invert: bool = False):
    """Is each entry of `x1` in `x2` (a bool tensor)."""
    a, b = _ints("isin", x1, x2)
    return _xp().isin(a, b, assume_unique=assume_unique, invert=invert)


def unravel_index(indices, shape):
    """The coordinates of flat `indices` in `shape`, one int32 array per axis."""
    (a,) = _ints("unravel_index", indices)
    return tuple(c.astype("int32") for c in _xp().unravel_index(a, tuple(shape)))


def nonzero(x):
    """The int32 coordinates of the nonzero entries, one array per axis."""
    (a,) = _ints("nonzero", x)
    return tuple(c.astype("int32") for c in _xp().nonzero(a))


def argpartition(x, kth, axis: int = -1):
    """Indices that put the `kth` entry in its sorted place (int32)."""
    (a,) = _ints("argpartition", x)
    return _xp().argpartition(a, kth, axis=axis).astype("int32")


def nanarg(name: str, x, axis=None, keepdims: bool = False):
    """`nanargmax` / `nanargmin`: the int32 index ignoring NaN (-1 for an all-NaN lane, as
    JAX)."""
    (a,) = _ints(name, x)
    xp = _xp()
    nan = xp.isnan(a) if a.dtype.kind == "f" else xp.zeros(a.shape, bool)
    fill = -np.inf if name == "nanargmax" else np.inf
    filled = xp.where(nan, fill, a)
    fn = xp.argmax if name == "nanargmax" else xp.argmin
    out = fn(filled, axis=axis, keepdims=keepdims)
    out = xp.where(nan.all(axis=axis, keepdims=keepdims), -1, out)
    return xp.asarray(out).astype("int32")


def unique(
    x,
    sorted=True,
    return_index=False,
    return_inverse=False,  # noqa: A002
    return_counts=False,
    axis=None,
    size=None,
    fill_value=None,
):
    """The unique entries (sorted), with NumPy's optional extras; `size` pads (with
    `fill_value`, the smallest entry by default) or cuts to that length, as JAX."""
    (a,) = _ints("unique", x)
    res = np.unique(
        a,
        return_index=return_index,
        return_inverse=return_inverse,
        return_counts=return_counts,
        axis=axis,
    )
    res = list(res) if isinstance(res, tuple) else [res]
    if size is not None:  # (along `axis`, as JAX: the first unique slice fills by default)
        ax = 0 if axis is None else axis
        vals = np.moveaxis(res[0], ax, 0)
        if not len(vals) and size and fill_value is None:
            raise ConfigError(
                "unique: for an empty input with a nonzero `size`, `fill_value` must be "
                "specified (there is no first value to pad with)."
            )
        pad = max(size - vals.shape[0], 0)
        fill = vals[:1] if fill_value is None else None
        if fill is None:
            fill = np.full((1, *vals.shape[1:]), fill_value, vals.dtype)
        res[0] = np.moveaxis(np.concatenate([vals[:size], np.repeat(fill, pad, 0)]), 0, ax)
        pad = pad if len(vals) else 0  # (JAX leaves an empty input's indices and counts)
        if return_index:  # (padded with the first slice's index, as its fill)
            res[1] = np.concatenate([res[1][:size], np.repeat(res[1][:1], pad)])
        if return_counts:
            res[-1] = np.concatenate([res[-1][:size], np.zeros(pad, res[-1].dtype)])
    res = [r if i == 0 else r.astype("int32") for i, r in enumerate(res)]
    return res[0] if len(res) == 1 else tuple(res)


def histogram(x, bins: int = 10, range=None):  # noqa: A002
    """`(counts, bin_edges)` of the entries, as `jnp.histogram`: float counts, the edges
    computed in the entries' float dtype (an entry on an edge goes where JAX puts it)."""
    (a,) = _ints("histogram", x)
    if is_int(bins) and bins < 1:  # (Keras-JAX returns edges of one bin: not compared)
        raise ConfigError(f"histogram takes a positive number of `bins`; received bins={bins}.")
    if range is None and a.size and not (np.isfinite(a.min()) and np.isfinite(a.max())):
        np.histogram(a, bins=bins)  # (NumPy's error for an infinite range)
    dtype = np.dtype(a.dtype if a.dtype.kind == "f" else backend.floatx())
    a = np.asarray(backend.to_numpy(a), dtype).ravel()
    lo, hi = (a.min(), a.max()) if range is None and a.size else (range or (0.0, 1.0))
    lo, hi = dtype.type(lo), dtype.type(hi)
    if lo == hi:
        lo, hi = lo - dtype.type(0.5), hi + dtype.type(0.5)
    t = np.arange(bins + 1, dtype=dtype) / dtype.type(bins)
    edges = lo * (1 - t) + hi * t
    edges[0], edges[-1] = lo, hi
    idx = np.where(a == hi, bins, np.searchsorted(edges, a, side="right"))
    counts = np.bincount(idx, minlength=bins + 2)[1 : bins + 1]  # (outside: dropped)
    return _xp().asarray(counts.astype(dtype)), _xp().asarray(edges)


def corrcoef(x):
    """The Pearson correlation coefficients of the rows."""
    (a,) = _ints("corrcoef", x)
    a = a if a.dtype.kind == "f" else a.astype(backend.floatx())
    return _xp().corrcoef(a).astype(a.dtype)


def correlate(x1, x2, mode: str = "valid"):
    """The cross-correlation of two 1-D tensors."""
    a, b = _ints("correlate", x1, x2)
    dtype = value_dtype(a, b)
    dtype = dtype if dtype.startswith("float") else backend.floatx()
    return _xp().correlate(a.astype(dtype), b.astype(dtype), mode=mode)


def vander(x, N=None, increasing: bool = False):  # noqa: N803
    """The Vandermonde matrix of a 1-D tensor."""
    (a,) = _ints("vander", x)
    return _xp().vander(a, N, increasing=increasing).astype(a.dtype)


def cdist(x, y):
    """The Euclidean distance between each row of `x` and each row of `y`."""
    a, b = _ints("cdist", x, y)
    if a.ndim < 2 or b.ndim < 2:
        raise ShapeError(
            "Inputs to `cdist` must have rank >= 2 (rows, features); received shapes "
            f"x.shape={format_shape(a.shape)}, y.shape={format_shape(b.shape)}. For "
            "vectors, pass x[None] and y[None]."
        )
    dtype = keras_result_type(a, b, float)  # (int16 and bool: float32, as Keras)
    a, b = a.astype(dtype, copy=False), b.astype(dtype, copy=False)
    d = a[..., :, None, :] - b[..., None, :, :]
    return _xp().sqrt((d * d).sum(axis=-1))


def i0(x):
    """The modified Bessel function of the first kind, order 0."""
    (a,) = _ints("i0", x) if not isinstance(x, (bool, int, float)) else (_as_tensor(x),)
    a = a if a.dtype.kind == "f" else a.astype(backend.floatx())
    return np.i0(a).astype(a.dtype)


def window(name: str, *args):
    """NumPy's window functions (`hanning`, `hamming`, `bartlett`, `blackman`, `kaiser`)
    in floatx."""
    return getattr(_xp(), name)(*[int(args[0]), *args[1:]]).astype(backend.floatx())


def spaced(fn: str, start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    """`geomspace` / `logspace` (floatx unless `dtype`)."""
    eager_only(fn, start, stop)
    kw = {"base": base} if fn == "logspace" else {}
    out = getattr(np, fn)(arr(start), arr(stop), num, endpoint=endpoint, axis=axis, **kw)
    return _xp().asarray(out).astype(dtype or backend.floatx())


# -- complex numbers and spectra (pairs `(real, imag)`, as Keras) ----------------------------
def complex_parts(name: str, x):
    if isinstance(x, (bool, int, float)):  # (Python numbers as Keras's tensors: int32, ...)
        return _as_tensor(x)
    (a,) = _ints(name, x)
    return a


def _check_pair(name, x) -> None:
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(
            f"Input `x` of {name} should be a tuple of two tensors - real and imaginary. "
            f"Received: x={type(x).__name__}"
        )
    if shape_of(x[0]) != shape_of(x[1]):
        raise ValueError(
            f"Input `x` of {name} should be a tuple of two tensors of the same shape. "
            f"Received: real.shape={shape_of(x[0])}, imag.shape={shape_of(x[1])}"
        )


def _pair(name, x):
    _check_pair(name, x)
    re, im = _ints(name, *x)
    return re + 1j * im, re.dtype


class _Fourier(Operation):
    """`fft` / `fft2` / `ifft2` of `(real, imag)`, two outputs. The transform is linear
    with a symmetric matrix A, so the gradient of `(real, imag)` is conj(A(conj(g))) of
    the outputs' gradients g (FNet's `fft2` inside a trained layer)."""

    multi_output = True
    keras_module = "keras.src.ops.math"
    fn, inverse, axes = "fft", False, (-1,)

    @classmethod
    def _default_name(cls) -> str:
        return cls.fn

    def compute_output_spec(self, x):
        _check_pair(self.fn, x)
        return [shape_of(x[0])] * 2

    def output_dtype(self, x) -> str:
        return value_dtype(x[0])

    def _transform(self, z):
        fft = _xp().fft
        return (fft.ifftn if self.inverse else fft.fftn)(z, axes=self.axes)

    def _forward(self, x):
        _check_pair(self.fn, x)
        re, im = (_xp().asarray(arr(v)) for v in x)
        out = self._transform(re + 1j * im)
        return [out.real.astype(re.dtype), out.imag.astype(re.dtype)], re.dtype

    def _backward(self, cache, grad, need):
        c = self._transform(grad[0] - 1j * grad[1])
        return ([c.real.astype(cache), (-c.imag).astype(cache)],)


class FFT(_Fourier):
    fn = "fft"


class FFT2(_Fourier):
    fn, axes = "fft2", (-2, -1)


class IFFT2(_Fourier):
    fn, inverse, axes = "ifft2", True, (-2, -1)


def fft(name: str, x, fn: str, axes=None):
    op = {"fft": FFT, "fft2": FFT2, "ifft2": IFFT2}[fn]()
    return tuple(op(x))


class RFFT(Operation):
    """`rfft` of the last axis, `(real, imag)`: two outputs, differentiable (keras.io's
    SSVEPFormer takes a spectrum inside a layer of a trained model). Its gradient is the
    real part of `fft_length * ifft` of the outputs' gradients placed in the first
    `fft_length // 2 + 1` bins, cut to (or padded back from) the input's length."""

    multi_output = True
    keras_module = "keras.src.ops.math"

    def __init__(self, fft_length=None, *, name=None):
        super().__init__(name=name)
        self.fft_length = fft_length

    @classmethod
    def _default_name(cls) -> str:
        return "rfft"

    def get_config(self):
        return {"name": self.name, "fft_length": self.fft_length}

    def _length(self, n):
        return self.fft_length if self.fft_length is not None else n

    def compute_output_spec(self, x):
        shape = tuple(shape_of(x))
        m = self._length(shape[-1])
        return [shape[:-1] + (None if m is None else m // 2 + 1,)] * 2

    def output_dtype(self, x) -> str:
        return value_dtype(x)

    def _forward(self, x):
        a = _xp().asarray(arr(x))
        out = _xp().fft.rfft(a, n=self.fft_length)
        return [out.real.astype(a.dtype), out.imag.astype(a.dtype)], (a.shape[-1], a.dtype)

    def _backward(self, cache, grad, need):
        n, dtype = cache
        xp = _xp()
        m = self._length(n)
        z = xp.zeros(grad[0].shape[:-1] + (m,), "complex128")
        z[..., : m // 2 + 1] = grad[0] + 1j * grad[1]
        g = (xp.fft.ifft(z, axis=-1) * m).real
        if m >= n:
            g = g[..., :n]
        else:
            g = xp.concatenate([g, xp.zeros(g.shape[:-1] + (n - m,), g.dtype)], axis=-1)
        return (g.astype(dtype),)


def rfft(x, fft_length=None):
    if not _contains_tensor((x,)) and _xp().asarray(arr(x)).dtype.kind not in "fc":
        (a,) = _ints("rfft", x)  # (integers: as before, computed eagerly)
        out = _xp().fft.rfft(a, n=fft_length)
        return out.real.astype(a.dtype), out.imag.astype(a.dtype)
    return tuple(RFFT(fft_length)(x))


def irfft(x, fft_length=None):
    z, dtype = _pair("irfft", x)
    return _xp().fft.irfft(z, n=fft_length).astype(dtype)


def _stft_window(window, sequence_length, dtype):
    if window is None:
        return _xp().ones(sequence_length, dtype)
    if isinstance(window, str):
        if window not in {"hann", "hamming"}:
            raise ValueError(
                'If a string is passed to `window`, it must be one of `"hann"`, `"hamming"`. '
                f"Received: window={window}"
            )
        n = _xp().arange(sequence_length)
        c = _xp().cos(2 * np.pi * n / sequence_length)  # periodic, as scipy's get_window
        return (0.5 - 0.5 * c if window == "hann" else 0.54 - 0.46 * c).astype(dtype)
    return _xp().asarray(arr(window)).astype(dtype)


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """The short-time Fourier transform of the last axis, `(real, imag)` of shape
    `(..., frames, fft_length // 2 + 1)`, as Keras's JAX backend."""
    (a,) = _ints("stft", x)
    if str(a.dtype) not in ("float32", "float64"):
        raise TypeError(f"Invalid input type. Expected `float32` or `float64`. Received: {a.dtype}")
    if fft_length < sequence_length:
        raise ValueError("`fft_length` must equal or larger than `sequence_length`.")
    xp = _xp()
    if center:
        pads = [(0, 0)] * (a.ndim - 1) + [(fft_length // 2, fft_length // 2)]
        a = xp.pad(a, pads, mode="reflect")
    l_pad = (fft_length - sequence_length) // 2
    win = xp.pad(
        _stft_window(window, sequence_length, a.dtype),
        (l_pad, fft_length - sequence_length - l_pad),
    )
    frames = 1 + (a.shape[-1] - fft_length) // sequence_stride
    idx = np.arange(frames)[:, None] * sequence_stride + np.arange(fft_length)
    spec = xp.fft.rfft(a[..., idx] * win, n=fft_length)
    return spec.real.astype(a.dtype), spec.imag.astype(a.dtype)


# -- rearrange (einops) ------------------------------------------------------------------------
def _parse_side(side: str) -> list:
    """`"b (h w) c"` as `[["b"], ["h", "w"], ["c"]]` (a group per output axis)."""
    groups, current, depth = [], None, 0
    for tok in side.replace("(", " ( ").replace(")", " ) ").split():
        if tok == "(":
            if depth:
                raise ConfigError(f"Nested parentheses are not allowed in {side!r}.")
            depth, current = 1, []
        elif tok == ")":
            if not depth:
                raise ConfigError(f"Unbalanced parentheses in {side!r}.")
            groups.append(current)
            depth, current = 0, None
        elif depth:
            current.append(tok)
        else:
            groups.append([tok])
    if depth:
        raise ConfigError(f"Unbalanced parentheses in {side!r}.")
    return groups


def rearrange(tensor, pattern: str, **axes_lengths):
    """einops's `rearrange` (`"b h w c -> b (h w) c"`): axes split, permuted and merged,
    as Keras's; built from `reshape` and `transpose`, so it runs on symbolic tensors and
    passes gradients.

    >>> import numpy as np
    >>> rearrange(np.zeros((2, 3, 4)), "b h w -> b (w h)").shape
    (2, 12)
    """
    from numkeras import ops

    if "->" not in pattern:
        raise ConfigError(f"A rearrange pattern needs '->'; received {pattern!r}.")
    left, right = (_parse_side(p) for p in pattern.split("->"))
    shape = ops.shape(tensor)
    if len(left) != len(shape):
        raise ShapeError(
            f"The pattern {pattern!r} names {len(left)} axes; the tensor has shape {shape}."
        )
    sizes = dict(axes_lengths)
    for group, dim in zip(left, shape):
        unknown = [a for a in group if a not in sizes]
        if len(group) == 1 and unknown:
            sizes[group[0]] = dim
        elif len(unknown) == 1:
            known = math.prod(sizes[a] for a in group if a in sizes)
            sizes[unknown[0]] = dim // known
        elif unknown:
            raise ConfigError(f"Pass the lengths of {unknown} (axes_lengths) for {pattern!r}.")
    elementary = [a for g in left for a in g]
    wanted = [a for g in right for a in g]
    if sorted(elementary) != sorted(wanted):
        raise ConfigError(f"Both sides of {pattern!r} must name the same axes.")
    x = tensor
    if any(len(g) > 1 for g in left):
        x = ops.reshape(x, tuple(sizes[a] for a in elementary))
    perm = [elementary.index(a) for a in wanted]
    if perm != list(range(len(perm))):
        x = ops.transpose(x, perm)
    if any(len(g) != 1 for g in right):
        merged = []
        for g in right:
            n = 1
            for a in g:
                n = sizes[a] * n
            merged.append(n)
        x = ops.reshape(x, tuple(merged))
    return x


def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    """The inverse of `stft` (overlap-add of the inverse FFTs, divided by the summed
    squared window, as `jax.scipy.signal.istft` and Keras's JAX backend); `x` is
    `(real, imag)` of shape `(..., frames, fft_length // 2 + 1)`. Eager only. (With
    `window=None` the samples near the ends, covered by fewer frames, are divided as SciPy
    does; JAX's may differ there.)"""
    z, dtype = _pair("istft", x)
    if z.ndim < 2:
        raise ValueError(f"Input `x` must have at least 2 dimensions. Received shape: {z.shape}")
    xp = _xp()
    frames = z.shape[-2]
    expected = fft_length + sequence_stride * (frames - 1)
    l_pad = (fft_length - sequence_length) // 2
    win = xp.pad(
        _stft_window(window, sequence_length, dtype), (l_pad, fft_length - sequence_length - l_pad)
    )
    subs = xp.fft.irfft(z, n=fft_length, axis=-1)[..., :fft_length] * win.sum()
    out = xp.zeros((*z.shape[:-2], expected), "float64")
    norm = xp.zeros(expected, "float64")
    for i in range(frames):
        s = i * sequence_stride
        out[..., s : s + fft_length] += subs[..., i, :] * win
        norm[s : s + fft_length] += win * win
    out = out / xp.where(norm > 1e-10, norm, 1.0)
    out = out / win.sum() if window is not None else out / sequence_stride
    start = fft_length // 2 if center else 0
    if length is not None:
        end = start + length
    elif center:
        end = -(fft_length // 2)
    else:
        end = expected
    return out[..., start:end].astype(dtype)

"""More operations of `keras.ops.numpy`: comparisons and logic (bool tensors, no gradient),
`where`, `floor_divide` / `mod`, rounding (zero gradient, as JAX), `log1p` / `expm1` /
`sin` / `cos` / `reciprocal`, `ones_like` / `zeros_like` / `full_like`, `argmax` / `argmin`,
`std` / `var` / `prod` and `any` / `all`; each with its backward pass and its output shape
and dtype for unknown (None) axes.

>>> import numpy as np
>>> Greater()(np.array([1.0, -2.0]), 0.0).tolist()
[True, False]
>>> Where()(np.array([True, False]), np.array([1.0, 2.0]), 0.5).tolist()
[1.0, 0.5]
>>> Prod(axis=-1)(np.array([[2.0, 3.0], [0.0, 4.0]])).tolist()
[6.0, 0.0]
"""

from __future__ import annotations

import math

import numpy as np

from numkeras import backend
from numkeras.backend import sum_to_shape
from numkeras.errors import ConfigError
from numkeras.ops.numpy import (
    _as_output,
    _as_tensor,
    _axes,
    _Binary,
    _BoolAsInt,
    _dtype_of,
    _float,
    _Reduce,
    _Unary,
    reduced_int_dtype,
    value_dtype,
)
from numkeras.ops.operation import Operation, arr, broadcast_shapes, dtype_name, shape_of


def _xp():
    return backend.xp


def _is_float(x) -> bool:
    """Does `x` (an eager argument) carry a float dtype, so that it can take a gradient?"""
    return hasattr(x, "dtype") and x.dtype.kind in "fc"


def _zeros_grad(x):
    """JAX's zero gradient for a float argument (None for an integer or bool one)."""
    return _xp().zeros(x.shape, x.dtype) if _is_float(x) else None


# -- comparisons and logic: bool tensors, no gradient ------------------------------------
class _Compare(Operation):
    _fn = ""
    zero_gradient = True

    def compute_output_spec(self, x1, x2):
        return broadcast_shapes(shape_of(x1), shape_of(x2))

    def output_dtype(self, *args) -> str:
        return "bool"

    def _forward(self, x1, x2):
        return _as_bool(getattr(_xp(), self._fn)(arr(x1), arr(x2))), None

    def _backward(self, cache, grad, need):
        return None, None


def _as_bool(out):
    return out if hasattr(out, "shape") else _xp().asarray(out, bool)


class Greater(_Compare):
    _fn = "greater"


class GreaterEqual(_Compare):
    _fn = "greater_equal"


class Less(_Compare):
    _fn = "less"


class LessEqual(_Compare):
    _fn = "less_equal"


class Equal(_Compare):
    _fn = "equal"


class NotEqual(_Compare):
    _fn = "not_equal"


class LogicalAnd(_Compare):
    _fn = "logical_and"


class LogicalOr(_Compare):
    _fn = "logical_or"


class LogicalXor(_Compare):
    _fn = "logical_xor"


class LogicalNot(Operation):
    def compute_output_spec(self, x):
        return shape_of(x)

    def output_dtype(self, *args) -> str:
        return "bool"

    def _forward(self, x):
        return _as_bool(_xp().logical_not(arr(x))), None

    def _backward(self, cache, grad, need):
        return (None,)


# -- where ---------------------------------------------------------------------------------
class Where(Operation):
    """`where(condition, x1, x2)`: `x1` where `condition` is true (nonzero), else `x2`,
    broadcast together; the gradient goes to the chosen argument, summed back to its
    shape; the condition takes none."""

    def compute_output_spec(self, condition, x1, x2):
        shape = broadcast_shapes(shape_of(condition), shape_of(x1))
        return broadcast_shapes(shape, shape_of(x2))

    def output_dtype(self, condition, x1, x2) -> str:
        return value_dtype(x1, x2)

    def _forward(self, condition, x1, x2):
        xp = _xp()
        cond = arr(condition)
        cond = xp.asarray(cond).astype(bool, copy=False)
        x1, x2 = arr(x1), arr(x2)
        out = xp.where(cond, x1, x2).astype(value_dtype(x1, x2), copy=False)
        return out, (cond, x1, x2)

    def _backward(self, cache, grad, need):
        cond, x1, x2 = cache
        xp = _xp()
        g1 = g2 = None
        if need[1] and _is_float(x1):
            g1 = sum_to_shape(xp.where(cond, grad, 0), shape_of(x1))
        if need[2] and _is_float(x2):
            g2 = sum_to_shape(xp.where(cond, 0, grad), shape_of(x2))
        return None, g1, g2


# -- floor_divide and mod --------------------------------------------------------------------
class FloorDivide(_BoolAsInt, _Binary):
    """`x1 // x2`: its gradient is zero for both arguments (as JAX)."""

    def _apply(self, x1, x2):
        with np.errstate(divide="ignore", invalid="ignore"):
            return _xp().floor_divide(x1, x2)

    def _backward(self, cache, grad, need):
        x1, x2 = cache
        return (
            _zeros_grad(x1) if need[0] else None,
            _zeros_grad(x2) if need[1] else None,
        )


class Mod(_BoolAsInt, _Binary):
    """`x1 % x2` with the sign of `x2` (Python's and NumPy's); the gradients are `1` for
    `x1` and `-floor_divide(x1, x2)` for `x2` (as JAX)."""

    def _apply(self, x1, x2):
        with np.errstate(divide="ignore", invalid="ignore"):
            return _xp().mod(x1, x2)

    def _backward(self, cache, grad, need):
        x1, x2 = cache
        g1 = g2 = None
        if need[0] and _is_float(x1):
            g1 = sum_to_shape(grad, shape_of(x1))
        if need[1] and _is_float(x2):
            with np.errstate(divide="ignore", invalid="ignore"):
                q = _xp().floor_divide(x1, x2)
            g2 = sum_to_shape(-grad * q, shape_of(x2))
        return g1, g2


# -- element-wise math -----------------------------------------------------------------------
class Log1p(_Unary):
    def _apply(self, x):
        with np.errstate(divide="ignore", invalid="ignore"):
            return _xp().log1p(x)

    def _grad(self, x, out, g):
        with np.errstate(divide="ignore"):
            return g / (1 + x)


class Expm1(_Unary):
    def _apply(self, x):
        with np.errstate(over="ignore"):
            return _xp().expm1(x)

    def _grad(self, x, out, g):
        return g * (out + 1)


class Sin(_Unary):
    def _apply(self, x):
        return _xp().sin(x)

    def _grad(self, x, out, g):
        return g * _xp().cos(x)


class Cos(_Unary):
    def _apply(self, x):
        return _xp().cos(x)

    def _grad(self, x, out, g):
        return -g * _xp().sin(x)


class Reciprocal(_Unary):
    def _apply(self, x):
        with np.errstate(divide="ignore"):
            return 1 / x

    def _grad(self, x, out, g):
        return -g * out * out


class _Stepwise(_Unary):
    """A piecewise-constant function: its gradient is zero (as JAX)."""

    zero_gradient = True

    def _backward(self, cache, grad, need):
        x, _ = cache
        return (_zeros_grad(x),)


class Sign(_Stepwise):
    def output_dtype(self, x) -> str:
        return value_dtype(x)

    def _convert(self, x):
        return _as_tensor(x)

    def _apply(self, x):
        return _xp().sign(x)


class Round(_Stepwise):
    """Round half to even, to `decimals` places (integers stay integers)."""

    def __init__(self, decimals=0, *, name=None):
        super().__init__(name=name)
        self.decimals = int(decimals)

    def get_config(self):
        return {"name": self.name, "decimals": self.decimals}

    def output_dtype(self, x) -> str:
        return value_dtype(x)

    def _convert(self, x):
        return _as_tensor(x)

    def _apply(self, x):
        xp = _xp()
        if x.dtype.kind in "iub":
            if self.decimals >= 0:
                return x.copy()
            factor = xp.asarray(10.0**self.decimals, backend.floatx())
            return (xp.round(x.astype(backend.floatx()) * factor) / factor).astype(x.dtype)
        return xp.round(x, self.decimals)


class Floor(_Stepwise):
    def _apply(self, x):
        return _xp().floor(x)


class Ceil(_Stepwise):
    def _apply(self, x):
        return _xp().ceil(x)


# -- tensors shaped like another: no gradient --------------------------------------------
class _Like(Operation):
    def __init__(self, dtype=None, *, name=None):
        super().__init__(name=name)
        self.dtype = None if dtype is None else (getattr(dtype, "name", None) or str(dtype))

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    def compute_output_spec(self, x, *rest):
        return shape_of(x)

    def output_dtype(self, x, *rest) -> str:
        return self.dtype or _dtype_of(x) or backend.floatx()


def _like_input(x):
    a = arr(x)
    return a if hasattr(a, "dtype") else _xp().asarray(a, value_dtype(a))


class OnesLike(_Like):
    zero_gradient = True

    def _forward(self, x):
        return _xp().ones_like(_like_input(x), dtype=self.dtype), None

    def _backward(self, cache, grad, need):
        return (None,)


class ZerosLike(_Like):
    zero_gradient = True

    def _forward(self, x):
        return _xp().zeros_like(_like_input(x), dtype=self.dtype), None

    def _backward(self, cache, grad, need):
        return (None,)


class FullLike(_Like):
    """`full_like(x, fill_value)`: `fill_value` broadcast to `x`'s shape; a tensor
    `fill_value` takes the gradient summed back to its shape, `x` none."""

    def _forward(self, x, fill_value):
        fill = arr(fill_value)
        out = _xp().full_like(_like_input(x), fill, dtype=self.dtype)
        return out, fill

    def _backward(self, cache, grad, need):
        fill = cache
        g = sum_to_shape(grad, shape_of(fill)) if need[1] and _is_float(fill) else None
        return None, g


# -- argmax / argmin: int32 indices, no gradient -------------------------------------------
class _ArgExtreme(Operation):
    _fn = ""

    def __init__(self, axis=None, keepdims=False, *, name=None):
        super().__init__(name=name)
        self.axis = None if axis is None else int(axis)
        self.keepdims = bool(keepdims)

    def get_config(self):
        return {"name": self.name, "axis": self.axis, "keepdims": self.keepdims}

    def compute_output_spec(self, x):
        shape = shape_of(x)
        if self.axis is None:
            return (1,) * len(shape) if self.keepdims else ()
        (axis,) = _axes(self.axis, len(shape))
        if self.keepdims:
            return tuple(1 if i == axis else d for i, d in enumerate(shape))
        return tuple(d for i, d in enumerate(shape) if i != axis)

    def output_dtype(self, *args) -> str:
        return "int32"

    def _forward(self, x):
        x = _as_output(arr(x))
        out = getattr(_xp(), self._fn)(x, axis=self.axis, keepdims=self.keepdims)
        return _xp().asarray(out).astype("int32"), None

    def _backward(self, cache, grad, need):
        return (None,)


class Argmax(_ArgExtreme):
    _fn = "argmax"


class Argmin(_ArgExtreme):
    _fn = "argmin"


# -- reductions --------------------------------------------------------------------------------
def _expanded(grad, shape, axes, keepdims):
    """A reduction's output gradient with the reduced axes back as 1s."""
    if keepdims:
        return grad
    return grad.reshape(tuple(1 if i in axes else d for i, d in enumerate(shape)))


class Var(_Reduce):
    """The variance (ddof 0) over `axis`; its gradient is `2 (x - mean) / n`."""

    def _moments(self, x):
        x = _float(x)
        axes = _axes(self.axis, x.ndim)
        count = math.prod(x.shape[a] for a in axes)
        centered = x - x.mean(axis=axes, keepdims=True)
        var = (centered * centered).mean(axis=axes, keepdims=self.keepdims)
        return x, axes, count, centered, _as_output(var)

    def _forward(self, x):
        x, axes, count, centered, var = self._moments(x)
        return var, (x.shape, axes, count, centered)

    def _backward(self, cache, grad, need):
        shape, axes, count, centered = cache
        return (_expanded(grad, shape, axes, self.keepdims) * centered * (2.0 / count),)


class Std(Var):
    """The standard deviation (ddof 0) over `axis`; its gradient is
    `(x - mean) / (n * std)`, and 0 where the std is 0 (JAX gives NaN there)."""

    def _forward(self, x):
        x, axes, count, centered, var = self._moments(x)
        std = _xp().sqrt(var)
        return std, (x.shape, axes, count, centered, std)

    def _backward(self, cache, grad, need):
        xp = _xp()
        shape, axes, count, centered, std = cache
        std = _expanded(std, shape, axes, self.keepdims)
        safe = xp.where(std == 0, 1, std)
        scale = xp.where(std == 0, 0, _expanded(grad, shape, axes, self.keepdims) / (count * safe))
        return (scale * centered,)


class Prod(_Reduce):
    """The product over `axis`; its gradient is the product of the other entries,
    computed without dividing, so it is exact where entries are 0."""

    def __init__(self, axis=None, keepdims=False, dtype=None, *, name=None):
        super().__init__(axis, keepdims, name=name)
        self.dtype = None if dtype is None else (getattr(dtype, "name", None) or str(dtype))

    def get_config(self):
        return {**super().get_config(), "dtype": self.dtype}

    def output_dtype(self, x) -> str:
        if self.dtype is not None:
            return self.dtype
        return reduced_int_dtype(_dtype_of(x) or backend.floatx())

    def _forward(self, x):
        x = _as_output(arr(x))
        axes = _axes(self.axis, x.ndim)
        dtype = self.output_dtype(x)
        out = _xp().prod(x, axis=axes, keepdims=self.keepdims, dtype=dtype)
        return _as_output(out), (x, axes)

    def _backward(self, cache, grad, need):
        x, axes = cache
        if not _is_float(x):
            return (None,)
        xp = _xp()
        rest = [a for a in range(x.ndim) if a not in axes]
        moved = xp.transpose(x, rest + list(axes))
        lead = moved.shape[: len(rest)]
        flat = moved.reshape(*lead, -1)
        ones = xp.ones((*lead, 1), x.dtype)
        before = xp.cumprod(xp.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
        after = xp.flip(
            xp.cumprod(xp.flip(xp.concatenate([flat[..., 1:], ones], axis=-1), -1), -1), -1
        )
        others = xp.transpose((before * after).reshape(moved.shape), np.argsort(rest + list(axes)))
        return (_expanded(grad, x.shape, axes, self.keepdims) * others,)


class _Logical(_Reduce):
    _fn = ""

    def output_dtype(self, *args) -> str:
        return "bool"

    def _forward(self, x):
        x = _as_output(arr(x))
        axes = _axes(self.axis, x.ndim)
        out = getattr(_xp(), self._fn)(x, axis=axes, keepdims=self.keepdims)
        return _as_bool(out), None

    def _backward(self, cache, grad, need):
        return (None,)


class Any(_Logical):
    _fn = "any"


class All(_Logical):
    _fn = "all"


def check_dtype(dtype) -> str:
    """A dtype argument as its name (refusing what NumPy does not know)."""
    name = dtype_name(dtype)
    try:
        np.dtype(name)
    except TypeError:
        raise ConfigError(f"Unknown dtype {dtype!r}.") from None
    return name


OPS = {
    cls.__name__: cls
    for cls in (
        Greater,
        GreaterEqual,
        Less,
        LessEqual,
        Equal,
        NotEqual,
        LogicalAnd,
        LogicalOr,
        LogicalXor,
        LogicalNot,
        Where,
        FloorDivide,
        Mod,
        Log1p,
        Expm1,
        Sin,
        Cos,
        Reciprocal,
        Sign,
        Round,
        Floor,
        Ceil,
        OnesLike,
        ZerosLike,
        FullLike,
        Argmax,
        Argmin,
        Var,
        Std,
        Prod,
        Any,
        All,
    )
}

"""The operations of `keras.ops.numpy` that numkeras has, each with its forward and
backward pass side by side and its output shape for unknown (None) axes.

>>> import numpy as np
>>> Sum(axis=1)(np.ones((2, 3), "float32")).tolist()
[3.0, 3.0]
"""

from __future__ import annotations

import math

import numpy as np

from numkeras import backend
from numkeras.backend import sum_to_shape
from numkeras.errors import (
    ArgumentTypeError,
    AxisError,
    ConfigError,
    IncompatibleShapesError,
    NegativePowerError,
    ShapeError,
)
from numkeras.layers.keras_tensor import KerasTensor
from numkeras.ops.operation import (
    Operation,
    arr,
    broadcast_shapes,
    keras_result_type,
    shape_of,
)


def _xp():
    return backend.xp


def _float(x):
    """`x` as a float array (integers become the default float, as Keras's float ops)."""
    a = arr(x)
    if isinstance(a, (bool, int, float)):
        return _xp().asarray(a, backend.floatx())
    return a if a.dtype.kind in "fc" else a.astype(backend.floatx())


def _as_tensor(x):
    """`x` as an array; Python numbers as Keras's `convert_to_tensor` makes them (a bool
    stays bool, an int is int32, a float floatx), so integer ops keep them integers."""
    x = arr(x)
    if hasattr(x, "shape"):
        return x
    if isinstance(x, (bool, int)):
        return _xp().asarray(x, "bool" if isinstance(x, bool) else "int32")
    return _xp().asarray(x, backend.floatx())


def _as_output(out):
    """Two Python numbers give a number: make every output an array."""
    return out if hasattr(out, "shape") else _xp().asarray(out, backend.floatx())


def _axes(axis, ndim: int) -> tuple:
    if axis is None:
        return tuple(range(ndim))
    axis = axis if isinstance(axis, (list, tuple)) else (axis,)
    out = []
    for a in axis:
        if not isinstance(a, (int, np.integer)):  # (int(1.5) would cut it silently)
            raise ArgumentTypeError(f"axis must be an integer or a tuple of them; got {a!r}.")
        if not -ndim <= int(a) < ndim:
            raise AxisError(f"axis {a} is out of bounds for a tensor of rank {ndim}.")
        out.append(int(a) % ndim)
    if len(set(out)) < len(out):  # (NumPy's "duplicate value in 'axis'", found symbolically too)
        raise ConfigError(f"axis {axis} names an axis twice; name each axis once.")
    return tuple(sorted(out))


def _dtype_of(x) -> str | None:
    """The dtype name of a tensor or array argument; None for a Python number."""
    if isinstance(x, KerasTensor) or hasattr(x, "dtype"):
        return str(x.dtype)
    return None


def value_dtype(*args) -> str:
    """The dtype of a result that keeps its arguments' kind (`add`, `reshape`, `where`):
    Keras's promotion (`keras_result_type`: `int32` with `float32` gives `float32`, `bool`
    with a Python int `int32`, Python numbers are weak and follow the tensors); lists of
    tensors count by their items."""
    flat: list = []
    for a in args:
        if isinstance(a, (list, tuple)) and any(hasattr(v, "dtype") for v in a):
            flat.extend(a)
        else:
            flat.append(a)
    return keras_result_type(*flat)


def reduced_int_dtype(dtype: str) -> str:
    """The dtype of Keras's `sum` / `prod` / `trace` of a `dtype` tensor: bool, int8 and
    int16 count in int32, uint8 and uint16 in uint32, the others keep theirs."""
    if dtype in ("bool", "int8", "int16"):
        return "int32"
    return "uint32" if dtype in ("uint8", "uint16") else dtype


def cast_to(out, dtype: str):
    """`out` as `dtype` (a copy only where the dtype differs)."""
    out = _as_output(out)
    return out if out.dtype == dtype else out.astype(dtype)


class _KeepsDtype:
    """Mixin: the output has the arguments' dtype (integers stay integers)."""

    def output_dtype(self, *args) -> str:
        return value_dtype(*args)


class _BoolAsInt:
    """Mixin for arithmetic that Keras does not do in bool (`power`, `mod`,
    `floor_divide`, `fmod` of two bools): bool gives int32."""

    def output_dtype(self, *args) -> str:
        dtype = value_dtype(*args)
        return "int32" if dtype == "bool" else dtype


def _tuple(value):
    return tuple(value) if isinstance(value, list) else value


ShapeTypeError = IncompatibleShapesError  # (this module's name for it)


def _shape_type_errors(forward):
    """`forward` raising `ShapeTypeError` for a ValueError (a shape mismatch)."""

    def wrapped(self, *args):
        try:
            return forward(self, *args)
        except ValueError as e:
            if isinstance(e, ShapeTypeError):
                raise
            raise ShapeTypeError(str(e)) from e

    wrapped.__wrapped__ = forward
    wrapped.__name__ = forward.__name__
    return wrapped


# -- elementwise: two arguments ---------------------------------------------------------
def _integer_operand(x) -> bool:
    return getattr(getattr(x, "dtype", None), "kind", None) in ("i", "u", "b")


def _in_result_dtype(forward):
    """`forward` (a binary `_forward`) with integer and bool operands of a float result
    cast to the result's dtype first, as Keras's backends cast both operands before the
    operation: 65535 (uint16) over a float16 tensor is inf there, as in Keras, not 65535
    divided in float32 and rounded after."""

    def wrapped(self, x1, x2, *rest):
        if _integer_operand(x1) or _integer_operand(x2):
            x1, x2 = arr(x1), arr(x2)
            dtype = self.output_dtype(x1, x2)
            if isinstance(dtype, str) and dtype.startswith("float"):
                with np.errstate(over="ignore"):  # (overflow to inf is the point)
                    x1, x2 = (x.astype(dtype) if _integer_operand(x) else x for x in (x1, x2))
        return forward(self, x1, x2, *rest)

    wrapped.__wrapped__ = forward
    wrapped.__name__ = forward.__name__
    return wrapped


class _Binary(Operation):
    # (False where an operand must stay an integer: ldexp's exponent)
    _casts_operands = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "_forward" in cls.__dict__ and cls._casts_operands:
            cls._forward = _in_result_dtype(cls.__dict__["_forward"])

    def compute_output_spec(self, x1, x2):
        return broadcast_shapes(shape_of(x1), shape_of(x2))

    @_in_result_dtype
    @_shape_type_errors  # (operands that do not broadcast)
    def _forward(self, x1, x2):
        x1, x2 = arr(x1), arr(x2)
        # Keras's promotion, not NumPy's (int32 with float32 is float32, not float64)
        return cast_to(self._apply(x1, x2), self.output_dtype(x1, x2)), (x1, x2)

    def _backward(self, cache, grad, need):
        x1, x2 = cache
        g1, g2 = self._grads(x1, x2, grad, need)
        return (
            sum_to_shape(g1, shape_of(x1)) if need[0] else None,
            sum_to_shape(g2, shape_of(x2)) if need[1] else None,
        )


class Add(_KeepsDtype, _Binary):
    def _apply(self, x1, x2):
        return x1 + x2

    def _grads(self, x1, x2, g, need):
        return g, g


class Subtract(_KeepsDtype, _Binary):
    def _apply(self, x1, x2):
        return x1 - x2

    def _grads(self, x1, x2, g, need):
        return g, (-g if need[1] else None)


class Multiply(_KeepsDtype, _Binary):
    def _apply(self, x1, x2):
        return x1 * x2

    def _grads(self, x1, x2, g, need):
        return (g * x2 if need[0] else None), (g * x1 if need[1] else None)


class Divide(_Binary):
    def output_dtype(self, x1, x2) -> str:
        return keras_result_type(x1, x2, float)  # integers divide to floats, as Keras

    def _forward(self, x1, x2):
        x1, x2 = arr(x1), arr(x2)
        dtype = self.output_dtype(x1, x2)
        if not any(hasattr(x, "dtype") and x.dtype.kind in "fc" for x in (x1, x2)):
            x1 = _float(x1)
        out = cast_to(x1 / x2, dtype)
        return out, (x1, x2, out)

    def _backward(self, cache, grad, need):
        x1, x2, out = cache
        return (
            sum_to_shape(grad / x2, shape_of(x1)) if need[0] else None,
            sum_to_shape(-grad * out / x2, shape_of(x2)) if need[1] else None,
        )


class TrueDivide(Divide):
    pass


def _negative_power(dtype: str) -> NegativePowerError:
    return NegativePowerError(f"Integers cannot be raised to negative integer powers ({dtype}).")


class Power(_BoolAsInt, _Binary):
    def _forward(self, x1, x2):
        dtype = self.output_dtype(x1, x2)
        # (a negative Python int is checked first: `arr` may wrap it into uint8)
        if dtype.startswith(("int", "uint")) and isinstance(x2, int) and x2 < 0:
            raise _negative_power(dtype)
        x1, x2 = arr(x1), arr(x2)
        try:
            out = cast_to(x1**x2, dtype)
        except ValueError as e:
            if "negative integer powers" not in str(e):
                raise
            raise _negative_power(dtype) from None
        return out, (x1, x2, out)

    def _backward(self, cache, grad, need):
        x1, x2, out = cache
        xp = _xp()
        g1 = g2 = None
        if need[0]:
            with np.errstate(divide="ignore", invalid="ignore"):
                g1 = grad * x2 * x1 ** (x2 - 1)
            if xp.asarray(x2).dtype.kind in "iub":  # (JAX's integer_pow: x ** 0 is constant)
                g1 = xp.where(xp.asarray(x2) == 0, 0, g1).astype(g1.dtype, copy=False)
            g1 = sum_to_shape(g1, shape_of(x1))
        if need[1]:
            # JAX's rule: the exponent's gradient is 0 where the base is 0
            base = xp.asarray(x1)
            safe = xp.where(base == 0, 1, base)
            g2 = sum_to_shape(grad * xp.where(base == 0, 0, out * xp.log(safe)), shape_of(x2))
        return g1, g2


def _chooser_grads(x1, x2, grad, need, pick_first):
    """Maximum / minimum: the gradient goes to the chosen argument; ties split it evenly
    (JAX's rule)."""
    xp = _xp()
    first = xp.asarray(pick_first, grad.dtype)
    tie = xp.asarray(x1 == x2, grad.dtype)
    w1 = first * (1 - tie) + 0.5 * tie
    g1 = grad * w1 if need[0] else None
    g2 = grad * (1 - w1) if need[1] else None
    return g1, g2


class Maximum(_KeepsDtype, _Binary):
    def _apply(self, x1, x2):
        return _xp().maximum(x1, x2)

    def _grads(self, x1, x2, g, need):
        return _chooser_grads(x1, x2, g, need, x1 > x2)


class Minimum(_KeepsDtype, _Binary):
    def _apply(self, x1, x2):
        return _xp().minimum(x1, x2)

    def _grads(self, x1, x2, g, need):
        return _chooser_grads(x1, x2, g, need, x1 < x2)


class Matmul(_KeepsDtype, Operation):
    def output_dtype(self, x1, x2) -> str:
        if self._int8_pair(x1, x2):
            return "int32"  # int8 products accumulate in int32 (only two int8 tensors: Keras)
        return value_dtype(x1, x2)

    @staticmethod
    def _int8_pair(x1, x2) -> bool:
        return all(hasattr(x, "dtype") and str(x.dtype) == "int8" for x in (x1, x2))

    def compute_output_spec(self, x1, x2):
        s1, s2 = shape_of(x1), shape_of(x2)
        if not s1 or not s2:
            raise ShapeError("matmul needs arguments of rank 1 or more.")
        one1, one2 = len(s1) == 1, len(s2) == 1
        a = (1, s1[0]) if one1 else s1
        b = (s2[0], 1) if one2 else s2
        if a[-1] is not None and b[-2] is not None and a[-1] != b[-2]:
            raise ShapeError(
                "Inner dimensions (`x1.shape[-1]` and `x2.shape[-2]`) must be equal, but "
                f"received `x1.shape={s1}` and `x2.shape={s2}`."
            )
        out = [*broadcast_shapes(a[:-2], b[:-2]), a[-2], b[-1]]
        if one1:
            del out[-2]
        if one2:
            del out[-1]
        return tuple(out)

    @_shape_type_errors
    def _forward(self, x1, x2):
        x1, x2 = arr(x1), arr(x2)
        dtype = self.output_dtype(x1, x2)
        if self._int8_pair(x1, x2):  # no int8 overflow
            x1, x2 = x1.astype("int32"), x2.astype("int32")
        try:
            out = _xp().matmul(x1, x2)
        except ValueError:
            self.compute_output_spec(x1, x2)  # the message with both shapes
            raise
        return cast_to(out, dtype), (x1, x2)

    def _backward(self, cache, grad, need):
        xp = _xp()
        x1, x2 = cache
        a = x1[None, :] if x1.ndim == 1 else x1
        b = x2[:, None] if x2.ndim == 1 else x2
        g = grad
        if x1.ndim == 1:
            g = xp.expand_dims(g, -2)
        if x2.ndim == 1:
            g = xp.expand_dims(g, -1)
        g1 = g2 = None
        if need[0]:
            g1 = sum_to_shape(xp.matmul(g, xp.swapaxes(b, -1, -2)), a.shape).reshape(x1.shape)
        if need[1]:
            g2 = sum_to_shape(xp.matmul(xp.swapaxes(a, -1, -2), g), b.shape).reshape(x2.shape)
        return g1, g2


# -- elementwise: one argument ----------------------------------------------------------
class _Unary(Operation):
    def compute_output_spec(self, x):
        return shape_of(x)

    def _forward(self, x):
        x = self._convert(x)
        out = self._apply(x)
        return out, (x, out)

    def _convert(self, x):
        return _float(x)

    def _backward(self, cache, grad, need):
        x, out = cache
        return (self._grad(x, out, grad),)


class Negative(_KeepsDtype, _Unary):
    def _convert(self, x):
        return _as_tensor(x)

    def _apply(self, x):
        return -x

    def _grad(self, x, out, g):
        return -g


class Absolute(_KeepsDtype, _Unary):
    def _convert(self, x):
        return _as_tensor(x)

    def _apply(self, x):
        return _xp().abs(x)

    def _grad(self, x, out, g):
        return _xp().where(x >= 0, g, -g)  # JAX's rule: the slope at 0 is 1


class Square(_KeepsDtype, _Unary):
    def output_dtype(self, x) -> str:
        dtype = value_dtype(x)
        return "int32" if dtype == "bool" else dtype  # as Keras

    def _convert(self, x):
        x = _as_tensor(x)
        return x.astype("int32") if x.dtype == bool else x

    def _apply(self, x):
        return x * x

    def _grad(self, x, out, g):
        return 2 * g * x


class Sqrt(_Unary):
    def _apply(self, x):
        return _xp().sqrt(x)

    def _grad(self, x, out, g):
        return 0.5 * g / out


class Exp(_Unary):
    def _apply(self, x):
        return _xp().exp(x)

    def _grad(self, x, out, g):
        return g * out


class Log(_Unary):
    def _apply(self, x):
        return _xp().log(x)

    def _grad(self, x, out, g):
        return g / x


class Tanh(_Unary):
    def _apply(self, x):
        return _xp().tanh(x)

    def _grad(self, x, out, g):
        return g * (1 - out * out)


class Clip(_KeepsDtype, _Unary):
    def __init__(self, x_min, x_max, *, name=None):
        super().__init__(name=name)
        self.x_min, self.x_max = x_min, x_max

    def get_config(self):
        return {"name": self.name, "x_min": self.x_min, "x_max": self.x_max}

    def output_dtype(self, x) -> str:
        # Keras clips bool as int32; the bounds promote as Python numbers (weakly)
        dtype = value_dtype(x)
        bounds = [b for b in (self.x_min, self.x_max) if b is not None]  # (None: no bound)
        return value_dtype("int32" if dtype == "bool" else dtype, *bounds)

    def _convert(self, x):
        x = _as_tensor(x)
        return x.astype("int32") if x.dtype == bool else x

    def _apply(self, x):
        return cast_to(_xp().clip(x, self.x_min, self.x_max), self.output_dtype(x))

    def _grad(self, x, out, g):
        # jnp.clip is minimum(maximum(x, lo), hi): a tie at either bound passes half
        xp = _xp()
        low = xp.where(x > self.x_min, 1.0, xp.where(x == self.x_min, 0.5, 0.0))
        high = xp.where(xp.maximum(x, self.x_min) < self.x_max, 1.0, 0.0)
        high = high + xp.where(xp.maximum(x, self.x_min) == self.x_max, 0.5, 0.0)
        return g * (low * high).astype(g.dtype)


# -- reductions ---------------------------------------------------------------------------
class _Reduce(Operation):
    def __init__(self, axis=None, keepdims=False, *, name=None):
        super().__init__(name=name)
        self.axis = _tuple(axis)
        self.keepdims = bool(keepdims)

    def get_config(self):
        axis = list(self.axis) if isinstance(self.axis, tuple) else self.axis
        return {"name": self.name, "axis": axis, "keepdims": self.keepdims}

    def compute_output_spec(self, x):
        shape = shape_of(x)
        axes = _axes(self.axis, len(shape))
        if self.keepdims:
            return tuple(1 if i in axes else d for i, d in enumerate(shape))
        return tuple(d for i, d in enumerate(shape) if i not in axes)

    def _expand(self, grad, x, axes):
        """`grad` (the reduced shape) with the reduced axes back as 1s."""
        if self.keepdims:
            return grad
        shape = tuple(1 if i in axes else d for i, d in enumerate(x.shape))
        return grad.reshape(shape)


class Sum(_KeepsDtype, _Reduce):
    def output_dtype(self, x) -> str:
        return reduced_int_dtype(value_dtype(x))

    def _forward(self, x):
        x = _as_output(arr(x))
        axes = _axes(self.axis, x.ndim)
        # NumPy sums int32 in int64; Keras keeps int32 (and counts narrower ones in int32)
        dtype = reduced_int_dtype(str(x.dtype))
        out = _xp().sum(x, axis=axes, keepdims=self.keepdims, dtype=dtype)
        return out, (x.shape, axes, x.ndim)

    def _backward(self, cache, grad, need):
        shape, axes, _ = cache
        g = (
            grad
            if self.keepdims
            else grad.reshape(tuple(1 if i in axes else d for i, d in enumerate(shape)))
        )
        return (_xp().broadcast_to(g, shape).copy(),)


class Mean(_Reduce):
    def _forward(self, x):
        x = _float(x)
        axes = _axes(self.axis, x.ndim)
        count = math.prod(x.shape[a] for a in axes)
        return _xp().mean(x, axis=axes, keepdims=self.keepdims), (x.shape, axes, count)

    def _backward(self, cache, grad, need):
        shape, axes, count = cache
        g = (
            grad
            if self.keepdims
            else grad.reshape(tuple(1 if i in axes else d for i, d in enumerate(shape)))
        )
        return (_xp().broadcast_to(g / count, shape).copy(),)


class _Extreme(_KeepsDtype, _Reduce):
    def __init__(self, axis=None, keepdims=False, initial=None, *, name=None):
        super().__init__(axis, keepdims, name=name)
        self.initial = initial

    def get_config(self):
        return {**super().get_config(), "initial": self.initial}

    def _forward(self, x):
        x = _as_output(arr(x))
        axes = _axes(self.axis, x.ndim)
        kw = {} if self.initial is None else {"initial": self.initial}
        out = self._reduce(x, axis=axes, keepdims=self.keepdims, **kw)
        return out, (x, axes, out)

    def _backward(self, cache, grad, need):
        # JAX's rule: the gradient is shared evenly by the entries equal to the result
        x, axes, out = cache
        hits = (x == self._expand(out, x, axes)).astype(grad.dtype)
        counts = hits.sum(axis=axes, keepdims=True)
        counts = _xp().where(counts == 0, 1, counts)
        return (self._expand(grad, x, axes) * hits / counts,)


class Max(_Extreme):
    def _reduce(self, x, **kw):
        return _xp().max(x, **kw)


class Min(_Extreme):
    def _reduce(self, x, **kw):
        return _xp().min(x, **kw)


# -- shapes ---------------------------------------------------------------------------------
class Reshape(_KeepsDtype, Operation):
    def __init__(self, newshape, *, name=None):
        super().__init__(name=name)
        newshape = (newshape,) if isinstance(newshape, int) else tuple(newshape)
        if not all(isinstance(d, (int, np.integer)) and not isinstance(d, bool) for d in newshape):
            raise IncompatibleShapesError(  # (JAX's TypeError)
                f"Shapes must be 1D sequences of concrete values of integer type, got "
                f"{newshape!r} (reshape)."
            )
        if sum(1 for d in newshape if d == -1) > 1:
            raise ConfigError(f"reshape's newshape can have at most one -1, got {newshape}.")
        self.newshape = tuple(int(d) for d in newshape)

    def get_config(self):
        return {"name": self.name, "newshape": list(self.newshape)}

    def compute_output_spec(self, x):
        shape = shape_of(x)
        new = self.newshape
        if None in shape:
            return tuple(None if d == -1 else d for d in new)
        size = math.prod(shape)
        if -1 not in new:
            if math.prod(new) != size:
                raise ShapeError(
                    f"The total size of the tensor must be unchanged. Received: "
                    f"input_shape={shape}, newshape={new}"
                )
            return new
        known = math.prod(d for d in new if d != -1)
        if known == 0 or size % known:
            raise ShapeError(
                f"The total size of the tensor must be unchanged. Received: "
                f"input_shape={shape}, newshape={new}"
            )
        return tuple(size // known if d == -1 else d for d in new)

    @_shape_type_errors
    def _forward(self, x):
        x = _as_output(arr(x))
        return x.reshape(self.newshape), x.shape

    def _backward(self, cache, grad, need):
        return (grad.reshape(cache),)


class Transpose(_KeepsDtype, Operation):
    def __init__(self, axes=None, *, name=None):
        super().__init__(name=name)
        self.axes = None if axes is None else tuple(int(a) for a in axes)

    def get_config(self):
        return {"name": self.name, "axes": None if self.axes is None else list(self.axes)}

    def _perm(self, ndim):
        if self.axes is None:
            return tuple(range(ndim - 1, -1, -1))
        if len(self.axes) != ndim:
            raise ShapeError(f"transpose axes {self.axes} do not match a tensor of rank {ndim}.")
        perm = tuple(a % ndim for a in self.axes)
        if len(set(perm)) != ndim:  # (NumPy refuses it too; a symbolic shape would not)
            raise ShapeError(
                f"`axes` must be a valid permutation of the input dimensions (no duplicates). "
                f"Received: axes={list(self.axes)} for input of rank {ndim}."
            )
        return perm

    def compute_output_spec(self, x):
        shape = shape_of(x)
        return tuple(shape[a] for a in self._perm(len(shape)))

    @_shape_type_errors
    def _forward(self, x):
        x = _as_output(arr(x))
        perm = self._perm(x.ndim)
        return _xp().transpose(x, perm), perm

    def _backward(self, cache, grad, need):
        return (_xp().transpose(grad, tuple(np.argsort(cache))),)


class ExpandDims(_KeepsDtype, Operation):
    def __init__(self, axis, *, name=None):
        super().__init__(name=name)
        self.axis = _tuple(axis)

    def get_config(self):
        axis = list(self.axis) if isinstance(self.axis, tuple) else self.axis
        return {"name": self.name, "axis": axis}

    def compute_output_spec(self, x):
        shape = list(shape_of(x))
        axes = self.axis if isinstance(self.axis, tuple) else (self.axis,)
        ndim = len(shape) + len(axes)
        for a in axes:
            if not -ndim <= int(a) < ndim:
                raise AxisError(f"axis {a} is out of bounds for a tensor of rank {ndim}.")
        if len({int(a) % ndim for a in axes}) < len(axes):  # (NumPy's "repeated axis")
            raise ConfigError(f"axis {self.axis} names an axis twice; name each axis once.")
        for a in sorted(int(a) % ndim for a in axes):
            shape.insert(a, 1)
        return tuple(shape)

    def _forward(self, x):
        x = _as_output(arr(x))
        self.compute_output_spec(x)
        return _xp().expand_dims(x, self.axis), x.shape

    def _backward(self, cache, grad, need):
        return (grad.reshape(cache),)


class Squeeze(_KeepsDtype, Operation):
    def __init__(self, axis=None, *, name=None):
        super().__init__(name=name)
        self.axis = _tuple(axis)

    def get_config(self):
        axis = list(self.axis) if isinstance(self.axis, tuple) else self.axis
        return {"name": self.name, "axis": axis}

    def compute_output_spec(self, x):
        shape = shape_of(x)
        if self.axis is None:
            return tuple(d for d in shape if d != 1)
        axes = _axes(self.axis, len(shape))
        for a in axes:
            if shape[a] not in (1, None):
                raise ShapeError(
                    f"Cannot squeeze axis {a} of shape {shape}: its size is {shape[a]}, not 1."
                )
        return tuple(d for i, d in enumerate(shape) if i not in axes)

    def _forward(self, x):
        x = _as_output(arr(x))
        axis = None if self.axis is None else _axes(self.axis, x.ndim)
        return _xp().squeeze(x, axis=axis), x.shape

    def _backward(self, cache, grad, need):
        return (grad.reshape(cache),)


class Concatenate(_KeepsDtype, Operation):
    def __init__(self, axis=0, *, name=None):
        super().__init__(name=name)
        self.axis = axis

    def get_config(self):
        return {"name": self.name, "axis": self.axis}

    def compute_output_spec(self, xs):
        shapes = [shape_of(x) for x in xs]
        ndim = len(shapes[0])
        if any(len(s) != ndim for s in shapes):
            raise ShapeError(f"concatenate needs tensors of one rank, received {shapes}.")
        if self.axis is None:
            total = [math.prod(s) if None not in s else None for s in shapes]
            return (None if None in total else sum(total),)
        if not -ndim <= self.axis < ndim:
            raise AxisError(
                f"concatenate's axis {self.axis} is out of bounds for tensors of rank {ndim}; "
                f"use an axis in [{-ndim}, {ndim - 1}]."
            )
        axis = self.axis % ndim
        out = list(shapes[0])
        for s in shapes[1:]:
            for i, (a, b) in enumerate(zip(out, s)):
                if i == axis:
                    out[i] = None if a is None or b is None else a + b
                elif a is None:
                    out[i] = b
                elif b is not None and a != b:
                    raise ShapeError(
                        "`concatenate` needs the same shape on every axis but the "
                        f"concatenation axis {axis}; received {shapes}."
                    )
        return tuple(out)

    @_shape_type_errors
    def _forward(self, xs):
        dtype = value_dtype(*[arr(x) for x in xs])  # Keras's promotion, not NumPy's
        xs = [_as_output(arr(x)) for x in xs]
        if self.axis is None:
            flat = [x.reshape(-1) for x in xs]
            return cast_to(_xp().concatenate(flat), dtype), [x.shape for x in xs]
        return cast_to(_xp().concatenate(xs, axis=self.axis), dtype), [x.shape for x in xs]

    def _backward(self, cache, grad, need):
        shapes = cache
        xp = _xp()
        if self.axis is None:
            sizes = [math.prod(s) for s in shapes]
            parts = xp.split(grad, np.cumsum(sizes)[:-1])
            return ([p.reshape(s) for p, s in zip(parts, shapes)],)
        axis = self.axis % len(shapes[0])
        cuts = np.cumsum([s[axis] for s in shapes])[:-1]
        return (list(xp.split(grad, cuts, axis=axis)),)


class Stack(_KeepsDtype, Operation):
    def __init__(self, axis=0, *, name=None):
        super().__init__(name=name)
        self.axis = int(axis)

    def get_config(self):
        return {"name": self.name, "axis": self.axis}

    def compute_output_spec(self, xs):
        shapes = [shape_of(x) for x in xs]
        if not shapes:
            raise ShapeError("Need at least one array to stack.")
        out = list(shapes[0])
        for s in shapes[1:]:
            differ = any(a is not None and b is not None and a != b for a, b in zip(out, s))
            if len(s) != len(out) or differ:
                raise ShapeError(f"stack needs tensors of one shape, received {shapes}.")
            out = [b if a is None else a for a, b in zip(out, s)]
        axis = self.axis % (len(out) + 1)
        out.insert(axis, len(shapes))
        return tuple(out)

    def _forward(self, xs):
        if not xs:
            raise ShapeError("Need at least one array to stack.")
        dtype = value_dtype(*[arr(x) for x in xs])  # Keras's promotion, not NumPy's
        xs = [_as_output(arr(x)) for x in xs]
        if len({x.shape for x in xs}) > 1:
            self.compute_output_spec(xs)  # (the error, with the shapes)
        axis = self.axis % (xs[0].ndim + 1)
        return cast_to(_xp().stack(xs, axis=axis), dtype), (axis, len(xs))

    def _backward(self, cache, grad, need):
        axis, n = cache
        return ([_xp().take(grad, i, axis=axis) for i in range(n)],)


class GetItem(Operation):
    """`x[key]` with basic indexing: slices, integers, None (newaxis) and Ellipsis."""

    def output_dtype(self, x, key) -> str:
        return value_dtype(x)

    def compute_output_spec(self, x, key):
        shape = list(shape_of(x))
        key = _key(key)
        rest = list(key) if isinstance(key, tuple) else [key]
        if rest.count(Ellipsis) > 1:
            raise ShapeError(f"Slice should only have one ellipsis. Received: `{key}`")
        if Ellipsis not in rest:
            rest.append(Ellipsis)
        out = []
        while rest:
            sub = rest.pop(0)
            if sub is Ellipsis:
                needed = len(rest) - rest.count(None)
                used = len(shape) - needed
                out += shape[:used]
                shape = shape[used:]
                continue
            if sub is None:
                out.append(1)
                continue
            if not shape:
                raise ShapeError(f"Array has too few axes for the slice `{key}`.")
            length = shape.pop(0)
            if isinstance(sub, slice):
                out.append(None if length is None else len(range(*sub.indices(length))))
            elif length is not None and not -length <= int(sub) < length:
                raise ShapeError(f"Out-of-bounds index {key} for a tensor of shape {x}.")
        return tuple(out)

    def _forward(self, x, key):
        x = _as_output(arr(x))
        return x[_key(key)], (x.shape, x.dtype, _key(key))

    def _backward(self, cache, grad, need):
        shape, dtype, key = cache
        g = _xp().zeros(shape, grad.dtype)
        g[key] = grad  # basic indexing picks each entry at most once
        return (g, None)


def _key(key):
    """A getitem key as NumPy takes it: a list (a config's tuple) becomes a tuple; only
    slices, integers, None and Ellipsis are accepted (an integer scalar tensor, such as
    `ops.argmax(preds[0])` in keras.io's Grad-CAM, as its integer, as Keras's backends
    take it)."""
    if isinstance(key, list):
        key = tuple(key)
    if isinstance(key, tuple):
        key = tuple(_scalar_index(k) for k in key)
    else:
        key = _scalar_index(key)
    for k in key if isinstance(key, tuple) else (key,):
        if not (k is None or k is Ellipsis or isinstance(k, slice) or _is_int(k)):
            raise TypeError(
                f"numkeras's getitem takes slices, integers, None and Ellipsis; received "
                f"{k!r} (index arrays are not supported)."
            )
    return key


def _scalar_index(k):
    """A 0-d integer array as its int; anything else as it is."""
    dtype = getattr(k, "dtype", None)
    if getattr(k, "ndim", None) == 0 and dtype is not None and np.dtype(dtype).kind in "iu":
        return int(k)
    return k


def _is_int(k) -> bool:
    return isinstance(k, (int, np.integer)) and not isinstance(k, bool)


OPS = {
    cls.__name__: cls
    for cls in (
        Add,
        Subtract,
        Multiply,
        Divide,
        TrueDivide,
        Power,
        Maximum,
        Minimum,
        Matmul,
        Negative,
        Absolute,
        Square,
        Sqrt,
        Exp,
        Log,
        Tanh,
        Clip,
        Sum,
        Mean,
        Max,
        Min,
        Reshape,
        Transpose,
        ExpandDims,
        Squeeze,
        Concatenate,
        Stack,
        GetItem,
    )
}


def __getattr__(name: str):
    """`keras.ops.numpy.<name>` spellings (`ops.numpy.add`): the public `numkeras.ops`
    function of that name (this module holds their implementations)."""
    from numkeras.ops.operation import public_op

    return public_op(__name__, name)

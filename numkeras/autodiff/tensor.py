"""`TapeTensor`: the array a `GradientTape` gives back for a recorded value.

It is a NumPy array (every NumPy function and Keras API takes it) that remembers which
recorded value it is (`_tid`). While a tape records, Python operators, NumPy ufuncs and
NumPy functions on it are routed through `numkeras.ops` (`t * 2`, `t - y`, `np.mean(t)`,
`t[0]`, `t.sum()`), so they are recorded too; the numerics always run on plain arrays
(`.view(np.ndarray)`), so nothing recurses. When no tape records, it computes as a plain
array and gives plain arrays.

`t += 1` (and the other augmented assignments) on a recorded value gives a new recorded
value, as a TensorFlow or JAX tensor does (`loss += ops.sum(self.losses)`). What a tape
cannot see is refused with a `TapeError` instead of giving a silently wrong gradient:
writing into a recorded tensor (`t[0] = 0`, `np.add(t, 1, out=t)`), a NumPy function that
has no `numkeras.ops` counterpart, or a float view made by an ndarray method the tape
does not route (`np.lib.stride_tricks...`) used in a recorded operation.

>>> import numpy as np
>>> t = np.ones(3, "float32").view(TapeTensor)
>>> (t * 2).tolist()  # no tape recording: plain NumPy
[2.0, 2.0, 2.0]
"""

from __future__ import annotations

import numpy as np

from numkeras.autodiff import recorder


def _ops():
    from numkeras import ops

    return ops


def plain(x):
    """`x` (nested lists/tuples/dicts too) with every TapeTensor as a plain ndarray view."""
    if isinstance(x, TapeTensor):
        return x.view(np.ndarray)
    if isinstance(x, (list, tuple)):
        return type(x)(plain(a) for a in x) if not hasattr(x, "_fields") else x
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    return x


# ufuncs that carry no gradient (comparisons, rounding, tests): computed on plain arrays
_NO_GRADIENT = frozenset(
    {
        "greater", "greater_equal", "less", "less_equal", "equal", "not_equal",
        "logical_and", "logical_or", "logical_xor", "logical_not", "isnan", "isinf",
        "isfinite", "signbit", "sign", "floor", "ceil", "rint", "trunc", "bitwise_and",
        "bitwise_or", "bitwise_xor", "invert", "left_shift", "right_shift", "isnat",
    }
)  # fmt: skip
# ufunc names whose numkeras.ops function has another name
_UFUNC_NAMES = {"float_power": "power", "true_divide": "divide", "remainder": "mod"}
_REDUCTIONS = {"add": "sum", "multiply": "prod", "maximum": "max", "minimum": "min"}
# NumPy functions with other names in numkeras.ops
_FUNCTION_NAMES = {"amax": "max", "amin": "min", "around": "round", "absolute": "abs"}


class TapeTensor(np.ndarray):
    """A recorded value (see the module docstring); `numpy()` gives a plain copy."""

    _tid = 0  # > 0: a recorded value; 0: not recorded; -1: an unrouted view of one
    _grad_result = False  # a `tape.gradient` result given while a tape was recording

    def __array_finalize__(self, obj):
        # a view or copy NumPy made itself (not through the tape): not the same value. A
        # copy NumPy cast to another dtype (`np.asanyarray(t, "float64")`, as NumPy's own
        # functions take their arguments: `np.random.choice(n, p=probs)`) is a detached
        # constant, as `np.asarray(t, "float64")` and TensorFlow's NumPy conversion give
        if obj is not None and getattr(obj, "_tid", 0) != 0 and self.dtype == obj.dtype:
            self._tid = -1

    def numpy(self) -> np.ndarray:
        """A plain NumPy copy (as a TensorFlow eager tensor's `numpy()`)."""
        return np.array(self.view(np.ndarray))

    # -- NumPy's protocols ----------------------------------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        out = kwargs.get("out")
        if not recorder.RECORDING:
            if out is not None:
                kwargs["out"] = tuple(plain(o) for o in out)
            return getattr(ufunc, method)(*plain(inputs), **kwargs)
        if out is not None:
            written = [o for o in out if isinstance(o, TapeTensor) and o._tid != 0]
            if written:
                raise recorder.TapeError(
                    f"In-place NumPy operation ({ufunc.__name__} with out=) on a recorded "
                    "tensor while a GradientTape is recording: the tape keeps that value for "
                    "the backward pass. Write `y = x + 1`, not `x += 1`."
                )
            kwargs["out"] = tuple(plain(o) for o in out)
            return getattr(ufunc, method)(*plain(inputs), **kwargs)
        name = ufunc.__name__
        ops = _ops()
        if method == "__call__":
            if name in _NO_GRADIENT:
                return ufunc(*plain(inputs), **kwargs)
            if name == "positive" or name == "conjugate":
                return inputs[0]
            fn = getattr(ops, _UFUNC_NAMES.get(name, name), None)
            if fn is not None and not kwargs:
                return fn(*inputs)
        elif method == "reduce" and name in _REDUCTIONS:
            axis = kwargs.get("axis", 0)
            keep = bool(kwargs.get("keepdims", False))
            extra = {k: v for k, v in kwargs.items() if k not in ("axis", "keepdims", "dtype")}
            if not extra and kwargs.get("dtype") is None:
                return getattr(ops, _REDUCTIONS[name])(inputs[0], axis=axis, keepdims=keep)
        elif method == "accumulate" and name == "add" and not kwargs.get("dtype"):
            return ops.cumsum(inputs[0], axis=kwargs.get("axis", 0))
        if name in _NO_GRADIENT:
            return getattr(ufunc, method)(*plain(inputs), **kwargs)
        raise recorder.TapeError(
            f"np.{name}{'' if method == '__call__' else '.' + method} on a recorded tensor "
            "cannot be recorded by a GradientTape (numkeras differentiates numkeras.ops "
            "functions, not arbitrary NumPy). Use the numkeras.ops function instead."
        )

    def __array_function__(self, func, types, args, kwargs):
        if not recorder.RECORDING:
            return func(*plain(args), **plain(kwargs))
        name = _FUNCTION_NAMES.get(func.__name__, func.__name__)
        fn = getattr(_ops(), name, None)
        if fn is not None and getattr(func, "__module__", "").startswith("numpy"):
            try:
                return fn(*args, **kwargs)
            except TypeError as e:  # a NumPy-only argument: say which
                raise recorder.TapeError(
                    f"np.{func.__name__} on a recorded tensor is recorded as "
                    f"numkeras.ops.{name}, which refused its arguments ({e}). Call "
                    f"numkeras.ops.{name} with Keras's arguments."
                ) from e
        result = func(*plain(args), **plain(kwargs))
        if _carries_gradient(result):
            raise recorder.TapeError(
                f"np.{func.__name__} on a recorded tensor cannot be recorded by a "
                "GradientTape: it has no numkeras.ops counterpart, so its gradient is "
                "unknown. Compute it with numkeras.ops."
            )
        return result

    # -- augmented assignment: a new recorded value, as a TensorFlow or JAX tensor gives --
    def __iadd__(self, other):
        return self + other if _rebinds(self) else np.ndarray.__iadd__(self, other)

    def __isub__(self, other):
        return self - other if _rebinds(self) else np.ndarray.__isub__(self, other)

    def __imul__(self, other):
        return self * other if _rebinds(self) else np.ndarray.__imul__(self, other)

    def __itruediv__(self, other):
        return self / other if _rebinds(self) else np.ndarray.__itruediv__(self, other)

    def __ipow__(self, other):
        return self**other if _rebinds(self) else np.ndarray.__ipow__(self, other)

    def __imatmul__(self, other):
        return self @ other if _rebinds(self) else np.ndarray.__imatmul__(self, other)

    # -- ndarray methods that make new values: routed through numkeras.ops --------------
    def __getitem__(self, key):
        if not recorder.RECORDING:
            return self.view(np.ndarray)[plain(key)]
        return _ops().getitem(self, plain(key))

    def __setitem__(self, key, value):
        if recorder.RECORDING and self._tid != 0:
            raise recorder.TapeError(
                "Item assignment into a recorded tensor while a GradientTape is recording: "
                "the tape keeps that value for the backward pass. Build a new tensor "
                "(numkeras.ops.where, ops.concatenate, ops.scatter_update) instead."
            )
        self.view(np.ndarray)[plain(key)] = plain(value)

    def reshape(self, *shape, order="C"):
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        if not recorder.RECORDING:
            return self.view(np.ndarray).reshape(shape, order=order)
        return _ops().reshape(self, tuple(shape))

    def transpose(self, *axes):
        axes = axes[0] if len(axes) == 1 and isinstance(axes[0], (tuple, list)) else axes
        if not recorder.RECORDING:
            return self.view(np.ndarray).transpose(*axes)
        return _ops().transpose(self, tuple(axes) if axes else None)

    @property
    def T(self):  # noqa: N802 - ndarray's name
        return self.transpose()

    def astype(self, dtype, *args, **kwargs):
        if not recorder.RECORDING or np.dtype(dtype).kind != "f":
            return self.view(np.ndarray).astype(dtype, *args, **kwargs)
        return _ops().cast(self, np.dtype(dtype).name)

    def copy(self, order="C"):
        if not recorder.RECORDING:
            return self.view(np.ndarray).copy(order)
        return _ops().copy(self)

    def ravel(self, order="C"):
        return self.reshape((-1,))

    flatten = ravel

    def _reduce(self, name, axis=None, dtype=None, out=None, keepdims=False, **kwargs):
        if not recorder.RECORDING:
            method = getattr(self.view(np.ndarray), name)
            return method(axis=axis, dtype=dtype, out=out, keepdims=keepdims, **kwargs)
        if dtype is not None or out is not None or kwargs:
            raise recorder.TapeError(
                f".{name}() with dtype=/out=/other arguments on a recorded tensor cannot be "
                f"recorded; use numkeras.ops.{name}(x, axis=..., keepdims=...)."
            )
        return getattr(_ops(), name)(self, axis=axis, keepdims=keepdims)

    def sum(self, axis=None, dtype=None, out=None, keepdims=False, **kwargs):
        return self._reduce("sum", axis, dtype, out, keepdims, **kwargs)

    def mean(self, axis=None, dtype=None, out=None, keepdims=False, **kwargs):
        return self._reduce("mean", axis, dtype, out, keepdims, **kwargs)

    def prod(self, axis=None, dtype=None, out=None, keepdims=False, **kwargs):
        return self._reduce("prod", axis, dtype, out, keepdims, **kwargs)

    def max(self, axis=None, out=None, keepdims=False, **kwargs):
        if not recorder.RECORDING:
            return self.view(np.ndarray).max(axis=axis, out=out, keepdims=keepdims, **kwargs)
        return _ops().max(self, axis=axis, keepdims=keepdims)

    def min(self, axis=None, out=None, keepdims=False, **kwargs):
        if not recorder.RECORDING:
            return self.view(np.ndarray).min(axis=axis, out=out, keepdims=keepdims, **kwargs)
        return _ops().min(self, axis=axis, keepdims=keepdims)

    def squeeze(self, axis=None):
        if not recorder.RECORDING:
            return self.view(np.ndarray).squeeze(axis)
        return _ops().squeeze(self, axis=axis)

    def clip(self, min=None, max=None, **kwargs):  # noqa: A002 - ndarray's names
        if not recorder.RECORDING:
            return self.view(np.ndarray).clip(min, max, **kwargs)
        return _ops().clip(self, min, max)

    def dot(self, b, out=None):
        if not recorder.RECORDING:
            return self.view(np.ndarray).dot(plain(b), out)
        return _ops().dot(self, b)


def _rebinds(t: TapeTensor) -> bool:
    """Whether `t op= x` makes a new recorded value (`loss += penalty` in a custom step,
    as Keras's backends allow): `t` is a recorded value and a tape records. Elsewhere it
    writes in place, as NumPy does (and a write into a recorded value's own memory, an
    `out=` or an item assignment, is still refused)."""
    return recorder.RECORDING and t._tid > 0


def _carries_gradient(result) -> bool:
    """Whether a NumPy result is a float array (a value a gradient would flow through)."""
    if isinstance(result, (list, tuple)):
        return any(_carries_gradient(r) for r in result)
    return isinstance(result, np.ndarray) and result.dtype.kind in "fc"

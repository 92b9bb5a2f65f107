"""Operations of `keras.ops.core` and `keras.ops.math` beyond `cast` and `logsumexp`:
`convert_to_tensor` (on a symbolic tensor an operation, as Keras records one),
`stop_gradient` (a zero gradient, as JAX), `slice` (start indices clamped as JAX's
`dynamic_slice`), `erf`, and `top_k` (values and int32 indices: an operation with two
outputs; the values' gradient goes back to the entries chosen).

>>> import numpy as np
>>> values, indices = TopK(2)(np.array([[1.0, 3.0, 2.0]]))
>>> values.tolist(), indices.tolist()
([[3.0, 2.0]], [[1, 2]])
>>> Slice((1, 2))(np.arange(6.0).reshape(2, 3), (1, 1)).tolist()
[[4.0, 5.0]]
>>> to_tensor([1, 2]).dtype, to_tensor(1.5).dtype
(dtype('int32'), dtype('float32'))
"""

from __future__ import annotations

import math

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError, IncompatibleShapesError, InputTypeError, ShapeError
from numkeras.ops.numpy import _as_output, _as_tensor, _KeepsDtype, _Unary, value_dtype
from numkeras.ops.numpy_more import _is_float, _zeros_grad, check_dtype
from numkeras.ops.operation import Operation, arr, shape_of
from numkeras.variables import Variable


def _xp():
    return backend.xp


def _flat(value) -> list:
    if isinstance(value, (list, tuple)):
        return [v for item in value for v in _flat(item)]
    return [value]


def python_dtype(value) -> str:
    """The dtype Keras gives a Python value (nested lists included): int32 for ints,
    floatx for floats, bool for bools; arrays inside keep theirs (the widest float wins)."""
    items = _flat(value)
    kinds = []
    for v in items:
        if isinstance(v, (bool, np.bool_)):
            kinds.append("bool")
        elif isinstance(v, (int, np.integer)) and not hasattr(v, "dtype"):
            kinds.append("int32")
        elif isinstance(v, float) and not hasattr(v, "dtype"):
            kinds.append(backend.floatx())
        elif hasattr(v, "dtype"):
            kinds.append(str(v.dtype))
        else:
            kinds.append(backend.floatx())
    floats = [k for k in kinds if k.startswith(("float", "bfloat"))]
    if floats:
        return max(floats, key=lambda d: {"float16": 0, "bfloat16": 0, "float32": 1}.get(d, 2))
    ints = [k for k in kinds if k != "bool"]
    if ints:
        return str(np.result_type(*ints))
    return "bool"


def to_tensor(x, dtype: str | None = None):
    """`x` as a backend array, as Keras's `convert_to_tensor` (Python floats become floatx,
    ints int32; arrays keep their dtype unless `dtype`)."""
    xp = _xp()
    if x is None:
        raise ValueError("convert_to_tensor received None; expected a tensor, array or number.")
    if isinstance(x, Variable):
        x = x.value
    if hasattr(x, "dtype") and hasattr(x, "shape"):
        a = xp.asarray(x)
        return a if dtype is None or str(a.dtype) == dtype else a.astype(dtype)
    text = [isinstance(v, (str, bytes)) for v in _flat(x)]
    if dtype is None and any(text) and not all(text):  # (JAX: "not a valid JAX array type")
        raise InputTypeError(
            "convert_to_tensor received a mix of text and numbers; expected numbers (or "
            "only strings). Convert the text to numbers first."
        )
    if dtype is None and any(text):
        return np.asarray(x)  # strings (a string tensor in Keras's TensorFlow backend)
    return xp.asarray(x, dtype=dtype or python_dtype(x))


class ConvertToTensor(_Unary):
    """`convert_to_tensor(x, dtype=None, sparse=None, ragged=None)` of a symbolic tensor:
    `x` itself, cast to `dtype` when given; the gradient passes between float dtypes."""

    keras_module = "keras.src.ops.core"

    def __init__(self, dtype=None, sparse=None, ragged=None, *, name=None):
        super().__init__(name=name)
        # `sparse` / `ragged`: whether to keep sparse / ragged tensors; numkeras has none
        self.dtype = None if dtype is None else check_dtype(dtype)
        self.sparse, self.ragged = sparse, ragged

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "sparse": self.sparse,
            "ragged": self.ragged,
        }

    def output_dtype(self, x) -> str:
        return self.dtype or value_dtype(x)

    def _convert(self, x):
        return to_tensor(x)

    def _apply(self, x):
        return x if self.dtype is None or str(x.dtype) == self.dtype else x.astype(self.dtype)

    def _grad(self, x, out, g):
        if not _is_float(x) or not _is_float(out):
            return None
        return g.astype(x.dtype, copy=False)


class StopGradient(_KeepsDtype, _Unary):
    """`stop_gradient(x)`: `x` itself, with a zero gradient (as JAX)."""

    keras_module = "keras.src.ops.core"
    zero_gradient = True
    stops_gradient = True

    def _convert(self, x):
        return _as_tensor(x)

    def _apply(self, x):
        return x

    def _backward(self, cache, grad, need):
        x, _ = cache
        return (_zeros_grad(x),)


class Slice(Operation):
    """`slice(inputs, start_indices, shape)`: the block of `shape` starting at
    `start_indices` (a size of -1 takes the rest of the axis); starts are clamped so the
    block fits, as JAX's `dynamic_slice`. The gradient goes back into the block."""

    keras_module = "keras.src.ops.core"

    def __init__(self, shape, *, name=None):
        super().__init__(name=name)
        self.shape = tuple(int(d) for d in shape)

    def get_config(self):
        return {"name": self.name, "shape": list(self.shape)}

    def output_dtype(self, inputs, start_indices) -> str:
        return value_dtype(inputs)

    def compute_output_spec(self, inputs, start_indices):
        shape = shape_of(inputs)
        if len(self.shape) != len(shape):
            raise ShapeError(
                "The number of dimensions in `inputs` must match the number of dimensions "
                f"in `shape`. Received inputs.shape={shape} and shape={self.shape}"
            )
        symbolic = hasattr(start_indices, "node")
        if not symbolic and len(start_indices) != len(shape):
            raise ShapeError(
                "The number of dimensions in `start_indices` must match the number of "
                f"dimensions in `inputs`. Received start_indices={start_indices} and "
                f"inputs.shape={shape}"
            )
        out = []
        for i, (d, size) in enumerate(zip(shape, self.shape)):
            if size != -1:
                out.append(size)
            elif symbolic or d is None:
                out.append(None)
            else:
                out.append(d - int(start_indices[i]))
        return tuple(out)

    def _block(self, shape, start_indices) -> tuple:
        starts = arr(start_indices)
        starts = [int(s) for s in (starts.tolist() if hasattr(starts, "tolist") else starts)]
        index = []
        for d, s, size in zip(shape, starts, self.shape):
            size = d - s if size == -1 else size
            if size > d:
                raise IncompatibleShapesError(  # (JAX's TypeError, and a ShapeError)
                    f"slice of size {self.shape} does not fit in shape {shape}."
                )
            s = min(max(s, 0), d - size)
            index.append(slice(s, s + size))
        return tuple(index)

    def _forward(self, inputs, start_indices):
        x = _as_output(arr(inputs))
        self.compute_output_spec(x, start_indices)  # the ranks must match, as Keras
        index = self._block(x.shape, start_indices)
        return x[index], (x.shape, x.dtype, index)

    def _backward(self, cache, grad, need):
        shape, dtype, index = cache
        if dtype.kind not in "fc":
            return None, None
        g = _xp().zeros(shape, grad.dtype)
        g[index] = grad
        return g, None


class Erf(_Unary):
    """`erf(x)`, the error function; its gradient is `2 / sqrt(pi) * exp(-x**2)`."""

    keras_module = "keras.src.ops.math"

    def _apply(self, x):
        from numkeras.activations._special import erf

        return erf(x)

    def _grad(self, x, out, g):
        return g * (2.0 / math.sqrt(math.pi)) * _xp().exp(-x * x)


class TopK(Operation):
    """`top_k(x, k, sorted=True)`: the `k` largest entries along the last axis, largest
    first (ties: the lower index first, as JAX), and their int32 indices; the values'
    gradient goes back to the entries chosen, the indices pass none."""

    keras_module = "keras.src.ops.math"
    multi_output = True

    def __init__(self, k, sorted=True, *, name=None):  # noqa: A002 (Keras's name)
        super().__init__(name=name)
        self.k = int(k)
        if self.k < 0:
            raise ConfigError(f"k argument to top_k must be nonnegative, got {self.k}")
        self.sorted = bool(sorted)

    def get_config(self):
        return {"name": self.name, "k": self.k, "sorted": self.sorted}

    def output_dtype(self, x):
        return [value_dtype(x), "int32"]

    def compute_output_spec(self, x):
        shape = list(shape_of(x))
        if not shape:
            raise ShapeError("top_k needs a tensor of rank 1 or more.")
        if shape[-1] is not None and shape[-1] < self.k:
            raise ShapeError(f"top_k: k={self.k} is more than the last axis's {shape[-1]}.")
        shape[-1] = self.k
        return [tuple(shape), tuple(shape)]

    def _forward(self, x):
        xp = _xp()
        x = _as_output(arr(x))
        if x.shape[-1] < self.k:
            raise ShapeError(f"top_k: k={self.k} is more than the last axis's {x.shape[-1]}.")
        key = x.astype("int64") if x.dtype.kind in "bu" else x
        key = -key
        if x.dtype.kind == "f":  # NaN is the largest, as Keras (lax.top_k)
            key = xp.where(xp.isnan(key), -np.inf, key)
        order = xp.argsort(key, axis=-1, kind="stable")
        top = order[..., : self.k]
        values = xp.take_along_axis(x, top, axis=-1)
        return [values, top.astype("int32")], (order, x.dtype)

    def _backward(self, cache, grad, need):
        xp = _xp()
        order, dtype = cache
        if dtype.kind not in "fc":
            return (None,)
        g_values = grad[0]
        n = order.shape[-1]
        rest = xp.zeros((*g_values.shape[:-1], n - self.k), g_values.dtype)
        ranked = xp.concatenate([g_values, rest], axis=-1)
        inverse = xp.argsort(order, axis=-1, kind="stable")
        return (xp.take_along_axis(ranked, inverse, axis=-1),)


CORE_OPS = {cls.__name__: cls for cls in (ConvertToTensor, StopGradient, Slice)}
MATH_OPS = {cls.__name__: cls for cls in (Erf, TopK)}

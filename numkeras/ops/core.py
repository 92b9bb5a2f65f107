"""The operations of `keras.ops.core` that numkeras has: cast (to any float, integer or
bool dtype; the gradient passes between float dtypes only), and `shape`, with the
operations that take a shape known only at run time (`zeros`, `ones`, `reshape` given a
`SymbolicDim`).

>>> import numpy as np
>>> Cast("float16")(np.ones(2, "float32")).dtype
dtype('float16')
>>> Cast("int32")(np.array([1.7, -1.7])).tolist()
[1, -1]
>>> from numkeras.layers import Input
>>> shape(Input(shape=(3,)))
(<SymbolicDim axis 0 of keras_tensor...>, 3)
"""

from __future__ import annotations

import math

import numpy as np

from numkeras import backend
from numkeras.errors import ArgumentTypeError, ConfigError, IncompatibleShapesError, ShapeError
from numkeras.layers.keras_tensor import KerasTensor
from numkeras.ops.numpy import _KeepsDtype, _Unary
from numkeras.ops.operation import (
    Operation,
    SymbolicDim,
    arr,
    dtype_name,
    shape_of,
    static_dim,
)
from numkeras.utils.checks import is_int

_DTYPES = (
    "bool",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float16",
    "float32",
    "float64",
)


class Cast(_Unary):
    keras_module = "keras.src.ops.core"

    def __init__(self, dtype, *, name=None):
        super().__init__(name=name)
        dtype = dtype_name(dtype)
        if dtype not in _DTYPES:
            raise ConfigError(
                f"numkeras's cast converts to the dtypes {list(_DTYPES)}; received {dtype!r}."
            )
        self.dtype = dtype

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    def output_dtype(self, *args):
        return self.dtype

    def _convert(self, x):
        a = arr(x)
        return a if hasattr(a, "dtype") else backend.xp.asarray(a, backend.floatx())

    def _apply(self, x):
        with np.errstate(invalid="ignore"):  # NaN / inf to integers: no warning, as Keras
            return x.astype(self.dtype)

    def _grad(self, x, out, g):
        if x.dtype.kind != "f" or np.dtype(self.dtype).kind != "f":
            return None  # integers and bools take no gradient (JAX's float0)
        return g.astype(x.dtype)


def shape(x) -> tuple:
    """The shape of `x` as a tuple (Keras 3's `ops.shape`). An axis of a symbolic tensor
    that is unknown (None, the batch) is a `SymbolicDim`: operations read its size from
    the actual array each time they run, as Keras's TensorFlow backend gives a scalar
    tensor there (its JAX backend traces with the size known).

    >>> shape(np.zeros((2, 3)))
    (2, 3)
    """
    if isinstance(x, KerasTensor):
        return tuple(SymbolicDim(x, i) if d is None else int(d) for i, d in enumerate(x.shape))
    dims = x.shape if hasattr(x, "shape") else np.shape(x)
    return tuple(int(d) for d in dims)


def int_argument(value, op: str, name: str):
    """`value` itself when it is an integer (or None, or a size read at run time); a float,
    a string or a bool raises ArgumentTypeError: a TypeError, as JAX's "'float' object
    cannot be interpreted as an integer", and a ValueError, as Keras's symbolic shapes
    ("Cannot convert '(2.5,)' to a shape")."""
    if value is None or is_int(value) or not isinstance(value, (float, str, bool)):
        return value
    hint = f" Use {name}={int(value)}." if isinstance(value, float) and value.is_integer() else ""
    raise ArgumentTypeError(
        f"{op}: `{name}` must be an integer; received {value!r} (of type "
        f"{type(value).__name__}).{hint}"
    )


def runtime_config_error(op) -> ConfigError:
    """Why an operation that reads sizes at run time (or draws random numbers) has no
    config: Keras 3 cannot build it into a functional model, so its configs have no form
    for it."""
    return ConfigError(
        f"Operation '{op.name}' ({type(op).__name__}) reads the size of an axis that is "
        "unknown until the model runs (ops.shape of a symbolic tensor) or draws random "
        "numbers each run; Keras 3 cannot build such an operation into a functional model "
        "(its shapes must be concrete), so a Keras config has no way to write it. Put it "
        "in a layer's call() (a Layer subclass, as keras.io's Sampling layer, or a "
        "Lambda): the layer is saved by its class and its call runs again after loading."
    )


class _RuntimeShaped(Operation):
    """An operation with a shape among its arguments (sizes read at run time)."""

    keras_module = "keras.src.ops.numpy"

    def get_config(self):
        raise runtime_config_error(self)


def concrete_shape(shape, who: str, lowest: int = 0) -> tuple:
    """`shape` (an int or a sequence of ints and `SymbolicDim`s) as a tuple; refuses None,
    which has no size at run time (`lowest=-1`: -1 allowed, as reshape takes)."""
    if isinstance(shape, (int, np.integer, SymbolicDim)):
        shape = (shape,)
    if hasattr(shape, "shape") and hasattr(shape, "tolist"):  # an array of sizes
        shape = shape.tolist()
    try:
        dims = tuple(shape)
    except TypeError:
        raise ShapeError(f"{who} takes a shape (a tuple of ints); received {shape!r}.") from None
    # a size computed by ops (`ops.cast(ops.shape(x)[0], "int64")`, keras.io's CTC layer):
    # a 0-d integer tensor, taken as its value as Keras's backends take it
    dims = tuple(
        d.item()
        if getattr(d, "ndim", None) == 0
        and getattr(d, "dtype", None) is not None
        and np.dtype(d.dtype).kind in "iu"
        else d
        for d in dims
    )
    for d in dims:
        ok = isinstance(d, SymbolicDim) or (
            isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d >= lowest
        )
        if not ok:  # (JAX's TypeError, and a ShapeError)
            raise IncompatibleShapesError(
                f"Shapes must be 1D sequences of concrete values of integer type, got "
                f"{dims!r} ({who}). For an axis unknown until the model runs (the batch), "
                "pass ops.shape(x)[axis] of a symbolic tensor x: it is read at run time."
            )
    return tuple(d if isinstance(d, SymbolicDim) else int(d) for d in dims)


class _Fill(_RuntimeShaped):
    value = 0

    def __init__(self, dtype=None, *, name=None):
        super().__init__(name=name)
        self.dtype = str(np.dtype(dtype or backend.floatx()))

    def output_dtype(self, *args):
        return self.dtype

    def compute_output_spec(self, shape):
        return tuple(static_dim(d) for d in shape)

    def _forward(self, shape):
        return backend.xp.full(tuple(shape), self.value, dtype=self.dtype), None

    def _backward(self, cache, grad, need):
        return (None,)


class Zeros(_Fill):
    """`zeros(shape)` for a shape with sizes read at run time (`SymbolicDim`)."""

    value = 0


class Ones(_Fill):
    """`ones(shape)` for a shape with sizes read at run time (`SymbolicDim`)."""

    value = 1


class DynamicReshape(_KeepsDtype, _RuntimeShaped):
    """`reshape(x, newshape)` where `newshape` holds sizes read at run time
    (`ops.reshape(x, (batch, -1))`, `batch = ops.shape(x)[0]`). A size taken from `x`'s
    own axis cancels that axis in the output shape, so `(batch, -1)` of a `(None, 3, 4)`
    tensor is `(None, 12)`."""

    def _symbolic_call(self, args):
        x, newshape = args
        # which entries of newshape are one of x's own (unknown) axes, unchanged
        self._own_axes = {
            i: d.axis
            for i, d in enumerate(newshape)
            if isinstance(d, SymbolicDim) and d.tensor is x and not d.terms
        }
        return super()._symbolic_call(args)

    def compute_output_spec(self, x, newshape):
        in_shape = shape_of(x)
        own = getattr(self, "_own_axes", {})
        out = [None if i in own else static_dim(d) for i, d in enumerate(newshape)]
        if sum(1 for d in out if d == -1) > 1:
            raise ConfigError(f"reshape's newshape can have at most one -1, got {newshape}.")
        if -1 in out:
            rest_in = [d for a, d in enumerate(in_shape) if a not in own.values()]
            rest_out = [d for i, d in enumerate(out) if i not in own and d != -1]
            if None in rest_in or None in rest_out:
                out[out.index(-1)] = None
            else:
                known = math.prod(rest_out)
                size = math.prod(rest_in)
                if known == 0 or size % known:
                    raise ShapeError(
                        f"The total size of the tensor must be unchanged. Received: "
                        f"input_shape={in_shape}, newshape={tuple(newshape)}"
                    )
                out[out.index(-1)] = size // known
        return tuple(out)

    def _forward(self, x, newshape):
        x = backend.xp.asarray(arr(x))
        return x.reshape(tuple(int(d) for d in newshape)), x.shape

    def _backward(self, cache, grad, need):
        return grad.reshape(cache), None


OPS = {"Cast": Cast}

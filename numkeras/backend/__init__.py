"""The array backend: one handle (`xp`) through which every array op goes.

NumPy by default. `set_array_module("cupy")` (or `NUMKERAS_ARRAY_MODULE=cupy` in the
environment, read at import) runs every layer, loss and optimizer on a GPU through CuPy.
The public API keeps Keras's boundary either way: `fit`, `predict` and friends take NumPy
(or CuPy) arrays; `predict`, `get_weights` and the logs give NumPy arrays and floats.

>>> from numkeras import backend
>>> backend.floatx(), backend.epsilon()
('float32', 1e-07)
"""

from __future__ import annotations

import gc
import importlib
import os

import numpy as np

xp = np  # the array module every layer, loss and optimizer uses

_FLOATX = "float32"
_EPSILON = 1e-7


def floatx() -> str:
    """The default float dtype name (Keras: 'float32')."""
    return _FLOATX


def set_floatx(value: str) -> None:
    """Set the default float dtype ('float16', 'float32' or 'float64')."""
    global _FLOATX
    if value not in ("float16", "float32", "float64"):
        raise ValueError(
            f"Unknown floatx type: {value!r}. Expected 'float16', 'float32' or 'float64'."
        )
    _FLOATX = value


def epsilon() -> float:
    """The fuzz factor used in numeric expressions (Keras: 1e-7)."""
    return _EPSILON


def set_epsilon(value: float) -> None:
    global _EPSILON
    _EPSILON = float(value)


def backend() -> str:
    """The backend's name, as `keras.backend.backend()`: numkeras computes with NumPy."""
    return "numpy"


_IMAGE_DATA_FORMAT = "channels_last"


def image_data_format() -> str:
    """`"channels_last"` (Keras's default; classic scripts branch on it)."""
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format: str) -> None:
    """Set the value `image_data_format()` reports (`"channels_last"` / `"channels_first"`)."""
    global _IMAGE_DATA_FORMAT
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
            f"Received: data_format={data_format!r}"
        )
    _IMAGE_DATA_FORMAT = data_format


def int_shape(x) -> tuple:
    """The shape of an array or symbolic tensor as a tuple (Keras 2's `K.int_shape`)."""
    return tuple(x.shape)


def get_value(x):
    """Keras 2's `K.get_value`: a variable's (or `optimizer.lr`'s) value as NumPy.

    >>> from numkeras.optimizers import SGD
    >>> opt = SGD(learning_rate=0.1)
    >>> set_value(opt.learning_rate, 0.01)
    >>> round(float(get_value(opt.learning_rate)), 6)
    0.01
    """
    if hasattr(x, "numpy"):
        return x.numpy()
    if isinstance(x, float) and not isinstance(x, np.floating):
        # an optimizer's `decay` / `momentum` / `beta_1`: Keras 2 kept them in float32
        # variables, so K.get_value gave NumPy float32 scalars
        return np.float32(x)
    return np.asarray(x)


def set_value(x, value) -> None:
    """Keras 2's `K.set_value`: assign `value` to a variable, or to `optimizer.lr` /
    `optimizer.learning_rate` (which write through to the optimizer)."""
    if not hasattr(x, "assign"):
        raise TypeError(
            f"set_value needs a variable (or optimizer.learning_rate); received {type(x).__name__}."
        )
    x.assign(value)


def clear_session(free_memory: bool = True) -> None:
    """Restart automatic names (`dense`, `dense_1`, ...) from zero, as Keras's does, and free
    the memory kept for reuse from a dropped `predict` result (`backend/recycle.py`); with
    `free_memory`, run Python's garbage collector too (as Keras).

    >>> from numkeras.layers import Dense
    >>> clear_session(); Dense(1).name
    'dense'
    """
    from numkeras.backend import recycle
    from numkeras.utils.naming import reset_uids

    reset_uids()
    recycle.release()
    if free_memory:
        gc.collect()


def get_uid(prefix: str = "") -> int:
    """A unique id per `prefix` (1, 2, ...), on the counter automatic layer names use."""
    from numkeras.utils.naming import get_uid as _get_uid

    return _get_uid(prefix)


# Python types as Keras 3 names them (its NumPy and JAX backends: `int` is int32)
_PYTHON_DTYPES = {bool: "bool", int: "int32", float: "float32", str: "string", "int": "int32"}
_FLOAT_ORDER = ("float16", "bfloat16", "float32", "float64")


def standardize_dtype(dtype=None) -> str:
    """A dtype's Keras name: None is `floatx()`, Python `int` is "int32", `float` is
    "float32", NumPy dtypes and types give their names.

    >>> standardize_dtype(None), standardize_dtype(int), standardize_dtype(np.float64)
    ('float32', 'int32', 'float64')
    """
    if dtype is None:
        return floatx()
    if dtype in _PYTHON_DTYPES:
        return _PYTHON_DTYPES[dtype]
    name = getattr(dtype, "name", None) if not isinstance(dtype, str) else dtype
    if name == "bfloat16" or dtype == "string":
        return name
    try:
        return np.dtype(dtype).name
    except TypeError:
        raise ValueError(f"Invalid dtype: {dtype!r}") from None


def is_float_dtype(dtype) -> bool:
    """Whether `dtype` is a floating dtype (bfloat16 included)."""
    return standardize_dtype(dtype) in _FLOAT_ORDER


def is_int_dtype(dtype) -> bool:
    """Whether `dtype` is a signed or unsigned integer dtype (not bool)."""
    return standardize_dtype(dtype).startswith(("int", "uint"))


def result_type(*dtypes) -> str:
    """The dtype an operation on `dtypes` gives, by Keras 3's rules: a float wins over
    integers and bools (the widest float; float16 with bfloat16 gives float32); integers
    promote as NumPy's do; Python `int` / `float` are weak (they follow the others; a
    Python float with only integers gives `floatx()`); no argument gives `floatx()`.

    >>> result_type("int8", "uint8"), result_type("float16", "int64"), result_type("int32", float)
    ('int16', 'float16', 'float32')
    """
    weak = [d for d in dtypes if d in (int, float, bool)]
    names = [standardize_dtype(d) for d in dtypes if d not in (int, float, bool)]
    floats = [d for d in names if d in _FLOAT_ORDER]
    if floats:
        if set(floats) == {"float16", "bfloat16"}:
            return "float32"
        return max(floats, key=_FLOAT_ORDER.index)
    if float in weak:
        return floatx()
    if names:
        return np.result_type(*[n for n in names if n != "string"]).name if names else floatx()
    if int in weak:
        return _PYTHON_DTYPES[int]
    return "bool" if weak else floatx()


def is_keras_tensor(x) -> bool:
    """Whether `x` is a symbolic tensor (from `Input` or a layer called on one)."""
    from numkeras.layers.keras_tensor import KerasTensor

    return isinstance(x, KerasTensor)


def set_array_module(module) -> None:
    """Route every array op through `module`: `"numpy"`, `"cupy"` or the module itself.

    Set it before building models: a model's weights live where the module puts them.

    >>> set_array_module("no_such_module")
    Traceback (most recent call last):
    ImportError: Array module 'no_such_module' is not installed (...). numkeras runs on ...
    """
    global xp
    if isinstance(module, str):
        try:
            module = importlib.import_module(module)
        except ImportError as e:
            raise ImportError(
                f"Array module {module!r} is not installed ({e}). numkeras runs on 'numpy', "
                "or on a GPU with 'cupy' (pip install cupy-cuda12x, say)."
            ) from e
    for name in ("asarray", "empty", "matmul", "ndarray"):
        if not hasattr(module, name):
            raise ValueError(
                f"{getattr(module, '__name__', module)!r} is not a NumPy-like array module "
                f"(it has no `{name}`); use 'numpy' or 'cupy'."
            )
    xp = module


def on_cupy() -> bool:
    """Whether the array module is CuPy (numkeras runs on a GPU)."""
    return getattr(xp, "__name__", "") == "cupy"


def scratch(workspace: dict | None, key: str, shape: tuple, dtype):
    """A reusable buffer from `workspace` (one per key, kept while the shape stays the same).

    The executor hands each layer call a workspace only where the values cannot escape
    (predict, training steps), so layers can write into the same memory batch after batch
    instead of allocating (and page-faulting) fresh arrays. With no workspace: a new array.
    """
    if workspace is None:
        return xp.empty(shape, dtype)
    entry = workspace.get(key)
    if entry is None or entry.shape != tuple(shape) or entry.dtype != dtype:
        entry = workspace[key] = xp.empty(shape, dtype)
    return entry


def mean(x, axis=None, keepdims=False):
    """`xp.mean(x, axis=axis)` (`axis` an int or a tuple), bit for bit, without NumPy's
    Python-level wrapper (a few µs a call, paid by every loss and metric on every batch):
    the sum, divided once by the count. float32 / float64 NumPy arrays with fewer than
    2**24 values per mean; anything else goes to `xp.mean`. It is also Keras 2's `K.mean`
    (`axis=None`, `keepdims`, symbolic tensors: `numkeras.ops.mean`).

    >>> float(mean(np.array([1.0, 2.0], "float32"), axis=-1))
    1.5
    """
    if isinstance(axis, list):  # (Keras 2 losses write K.mean(x, axis=[1, 2]))
        axis = tuple(axis)
    # (booleans and integers: ops.mean's float32, as Keras 2's `K.mean(K.equal(...))`;
    # NumPy's mean would give float64)
    if axis is None or keepdims or not isinstance(x, xp.ndarray) or x.dtype.kind in "biu":
        from numkeras.backend.keras2_functions import keras2_mean

        return keras2_mean(x, axis, keepdims)
    if xp is not np or x.dtype not in _MEAN_DTYPES:
        return xp.mean(x, axis=axis)
    axes = axis if isinstance(axis, tuple) else (axis,)
    count = 1
    for a in axes:
        count *= x.shape[a]
    if not 0 < count < (1 << 24):  # empty: NumPy's NaN and warning; huge: an inexact count
        return xp.mean(x, axis=axis)
    # NumPy divides by the count in float64 and rounds once: the same as dividing here
    return np.add.reduce(x, axis=axis) / x.dtype.type(count)


_MEAN_DTYPES = (np.dtype("float32"), np.dtype("float64"))


def sum_to_shape(g, shape: tuple):
    """Undo broadcasting: sum `g` down to `shape` (the adjoint of `broadcast_to`), the
    gradient of any operation that broadcast an input of `shape` to `g.shape`.

    >>> sum_to_shape(np.ones((2, 3)), (1, 3)).tolist()
    [[2.0, 2.0, 2.0]]
    """
    shape = tuple(shape)
    if tuple(g.shape) == shape:
        return g
    extra = g.ndim - len(shape)
    if extra > 0:
        g = g.sum(axis=tuple(range(extra)))
    axes = tuple(i for i, d in enumerate(shape) if d == 1 and g.shape[i] != 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g.reshape(shape)


def to_numpy(x):
    """Bring an array back to host NumPy (a no-op for NumPy arrays)."""
    if xp is np or isinstance(x, np.ndarray):
        return np.asarray(x)
    return xp.asnumpy(x)


def cast_input(x, dtype: str | None = None):
    """Convert array-likes (lists, ints, float64 arrays) to a float array, as Keras does.

    Float and integer inputs are cast to `floatx()` (Keras casts inputs to the layer
    dtype); an array that already has the right dtype is returned without a copy.
    """
    from numkeras.errors import InputTypeError

    dtype = dtype or _FLOATX
    if isinstance(x, xp.ndarray) and x.dtype == dtype:
        return x
    if x is None:
        raise InputTypeError("Inputs must be numeric arrays; got None.")
    # host data for a GPU run are checked and cast on the host, then uploaded (CuPy would
    # refuse text with its own error, and a float64 upload moves twice the bytes)
    upload = xp is not np and not isinstance(x, xp.ndarray)
    if type(x).__module__.startswith("scipy.sparse"):  # (TF-IDF features, one-hot codes)
        x = x.toarray(order="C")  # densified whole; Keras 3 on JAX densifies per batch
    try:
        arr = np.asarray(x) if upload else xp.asarray(x)
    except ValueError:  # NumPy refuses lists of unequal lengths
        raise InputTypeError(
            "Inputs must be numeric arrays (or nested lists of numbers of equal lengths); got "
            "ragged lists: every sample must have the same shape."
        ) from None
    if arr.dtype.kind == "O" and _is_pandas(x):
        arr = _pandas_numbers(x, arr, dtype)
    if arr.dtype.kind == "O":
        raise InputTypeError(
            "Inputs must be numeric arrays (or nested lists of numbers); got an object array "
            f"of shape {tuple(arr.shape)} (ragged lists?)."
        )
    if arr.dtype.kind in "fiub":
        arr = arr.astype(dtype, copy=False)
        return xp.asarray(arr) if upload else arr
    raise InputTypeError(f"Inputs must be numeric; got dtype {arr.dtype} ({arr.dtype.name}).")


def _is_pandas(x) -> bool:
    return type(x).__module__.partition(".")[0] == "pandas"


def _pandas_numbers(frame, arr, dtype: str):
    """A DataFrame of mixed column types (floats beside `pd.get_dummies`' bools) gives an
    object array: Keras converts it as numbers, and so do we, or name the columns that are
    not numbers."""
    try:
        return arr.astype(dtype)
    except (TypeError, ValueError):
        from numkeras.errors import InputTypeError

        dtypes = getattr(frame, "dtypes", None)
        columns = (
            []
            if dtypes is None or not hasattr(dtypes, "items")
            else [str(name) for name, t in dtypes.items() if getattr(t, "kind", "O") not in "fiub"]
        )
        which = f" in columns {columns}" if columns else " (missing values?)"
        raise InputTypeError(
            f"Inputs must be numbers; this DataFrame holds other values{which}. Encode "
            "them first, e.g. with `pd.get_dummies` or `.astype('category').cat.codes`."
        ) from None


if os.environ.get("NUMKERAS_ARRAY_MODULE", "").strip():
    set_array_module(os.environ["NUMKERAS_ARRAY_MODULE"].strip())


def __getattr__(name: str):
    # Keras 2's backend functions (K.sqrt, K.sum, ...), loaded on first use
    from numkeras.backend.keras2_functions import FUNCTIONS

    if name in FUNCTIONS:
        return FUNCTIONS[name]
    raise AttributeError(f"module 'numkeras.backend' has no attribute {name!r}")

"""Keras 3's rule for integer and bool inputs to a layer call.

Keras 3's `Layer.__call__` casts floating inputs to the layer's compute dtype and leaves
integer and bool inputs as they are; the layer's ops then decide the output's dtype. A
layer that only moves, selects or compares values (Flatten, Cropping1D, MaxPooling1D,
ReLU, Add, ...) gives an int32 input back int32; one that computes with float weights
(Dense, Conv1D, BatchNormalization, ...) gives float32. Each numkeras layer declares which
it is in `Layer.integer_inputs`:

- "float": integer and bool inputs are cast to the layer's float dtype (it computes in
  floats: NumPy's int32 @ float32 would be float64);
- "keep": they reach the call unchanged, except that 64-bit integers become 32-bit ones,
  as JAX's arrays (x64 off) hold them, and a bool input becomes what the layer's
  `bool_inputs` says Keras's ops make of it ("bool", "int32" or "float"). Mixed with a
  float input (`Add()([ids, x])`), all are cast to the float dtype, as Keras's type
  promotion gives float32;
- "own": the layer reads integers itself (Embedding's ids, the lookups, a model, which
  casts each input to its Input's dtype): they reach it unchanged.

A float input is cast to the layer's dtype in every mode, as before.

>>> import numpy as np
>>> from numkeras import layers
>>> layers.Cropping1D(1)(np.arange(8).reshape(1, 4, 2)).dtype
dtype('int32')
>>> layers.Dense(1)(np.arange(8).reshape(4, 2)).dtype
dtype('float32')
"""

from __future__ import annotations

import numpy as np

from numkeras import backend

_NARROW = {np.dtype("int64"): np.dtype("int32"), np.dtype("uint64"): np.dtype("uint32")}
_FLOAT = np.dtype("float32")


def _integer_array(x):
    """`x` as an array when it holds integers or bools (Python ints and nested lists of
    them included), else None."""
    dtype = getattr(x, "dtype", None)
    if dtype is None:
        if not isinstance(x, (list, tuple, int)):
            return None
        try:
            arr = np.asarray(x)
        except ValueError:  # ragged lists: `cast_input` says what is wrong
            return None
        return backend.xp.asarray(arr) if arr.dtype.kind in "iub" else None
    if not isinstance(dtype, np.dtype) or dtype.kind not in "iub":
        return None
    return backend.xp.asarray(x)


def _kept(a, bool_inputs: str, dtype: str):
    """An integer or bool input as a "keep" layer's call takes it."""
    if a.dtype.kind == "b":
        if bool_inputs == "bool":
            return a
        return a.astype("int32" if bool_inputs == "int32" else dtype)
    narrow = _NARROW.get(a.dtype)
    return a if narrow is None else a.astype(narrow)


def convert(inputs, dtype: str, layer, mode: str | None = None):
    """`inputs` (an array-like, or a list of them) as `layer`'s call takes them, by its
    `integer_inputs` mode or the `mode` given (see the module docstring); floats are cast
    to `dtype`."""
    if getattr(getattr(inputs, "dtype", None), "kind", None) == "f":  # (one float array)
        return backend.cast_input(inputs, dtype)
    if isinstance(inputs, dict):
        # a dict of inputs (a subclassed model's `call(inputs)` reading `inputs["title"]`,
        # as Deep Learning with Python's ticket model does): each value converted alike
        return {key: convert(value, dtype, layer, mode) for key, value in inputs.items()}
    several = isinstance(inputs, (list, tuple)) and inputs and hasattr(inputs[0], "shape")
    items = list(inputs) if several else [inputs]
    ints = [_integer_array(x) for x in items]
    mode = mode or layer.integer_inputs
    if mode == "keep" and all(a is not None for a in ints):
        out = [_kept(a, layer.bool_inputs, dtype) for a in ints]
    elif mode == "own":
        out = [backend.cast_input(x, dtype) if a is None else a for x, a in zip(items, ints)]
    else:
        out = [backend.cast_input(x, dtype) for x in items]
    return out if several else out[0]


def has_integers(args) -> bool:
    """Whether a graph step's inputs (an array or a list of them) hold integers or bools
    (the one check a float step pays)."""
    if isinstance(args, list):
        return any(getattr(a, "dtype", _FLOAT).kind in "iub" for a in args)
    return getattr(args, "dtype", _FLOAT).kind in "iub"


def as_float(x, dtype: str):
    """`x` as `dtype` where it holds integers or bools: the computing path of a "keep"
    layer (Dropout in training gives floats, as Keras's promotion does)."""
    return x if x.dtype.kind == "f" else x.astype(dtype)


def value_dtype(layer, inputs) -> str | None:
    """The dtype of the values a "keep" layer's call gives for these symbolic inputs where
    they hold integers or bools (None otherwise: its symbolic dtype). Keras's symbolic
    output says the layer's float dtype for most such layers (Dropout, Cropping1D) while
    its arrays stay integer: `predict` and a model's call give what the arrays hold."""
    if layer.integer_inputs != "keep":
        return None
    items = inputs if isinstance(inputs, (list, tuple)) else [inputs]
    try:
        dtypes = [np.dtype(getattr(t, "value_dtype", None) or t.dtype) for t in items]
    except (AttributeError, TypeError):  # (not tensors, or text)
        return None
    if not dtypes or any(d.kind not in "iub" for d in dtypes):
        return None
    kept = []
    for d in dtypes:
        if d.kind == "b" and layer.bool_inputs != "bool":
            if layer.bool_inputs != "int32":
                return None  # (cast to the float dtype: the symbolic dtype says it)
            d = np.dtype("int32")
        kept.append(_NARROW.get(d, d))
    return str(np.result_type(*kept))


def rounded_to(y, dtype):
    """A float result `y` in the integer or bool `dtype` of the input it was computed
    from, as Keras's resizing gives it back: rounded half to even and clipped to the
    dtype's range (a bool: True where nonzero)."""
    xp = backend.xp
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        return y != 0
    info = np.iinfo(dtype)
    return xp.clip(xp.rint(y), info.min, info.max).astype(dtype)

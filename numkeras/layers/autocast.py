"""How a layer with the `"mixed_float16"` policy computes: Keras 3's autocasting, on NumPy.

Keras runs such a layer in float16 from float32 weights: its float inputs are cast to
float16, its weights are read as float16 inside `call` (those made with `autocast=True`,
the default; the normalization layers' are not), and its outputs are float16. NumPy has
no float16 BLAS, so numkeras computes as mixed-precision hardware does: the layer runs
its float32 code on inputs and weights rounded to float16 values, and its outputs are
rounded to float16 (and are float16 arrays). Only roundings inside one layer differ from
Keras's, which rounds after each operation: within float16's precision.

Backward mirrors it: the gradients entering a layer, leaving it and reaching its weights
are rounded to float16 values, so a scaled gradient too large for float16 becomes inf as
in Keras, and `LossScaleOptimizer` skips that step and halves its scale.

>>> import numpy as np
>>> round_half(np.array([0.1, 70000.0], "float32")).tolist()
[0.0999755859375, inf]
"""

from __future__ import annotations

import contextlib

import numpy as np

_HALF = np.dtype("float16")
_NO_CAST = contextlib.nullcontext()


def is_half(x) -> bool:
    return getattr(x, "dtype", None) == _HALF


def round_half(x):
    """A float array's values rounded to float16 (inf beyond its range), as float32; other
    values as they are."""
    if getattr(x, "dtype", None) is None or x.dtype.kind != "f":
        return x
    if x.dtype == _HALF:
        return x.astype(np.float32)
    with np.errstate(over="ignore"):
        return x.astype(_HALF).astype(np.float32)


def to_half(x):
    """A float array as a float16 array (a layer's output); other values as they are."""
    if getattr(x, "dtype", None) is None or x.dtype.kind != "f" or x.dtype == _HALF:
        return x
    with np.errstate(over="ignore"):
        return x.astype(_HALF)


@contextlib.contextmanager
def _rounded_weights(variables: list):
    for v in variables:
        v._cast_value = round_half(v._value)
    try:
        yield
    finally:
        for v in variables:
            v._cast_value = None


def half_weights(layer):
    """Inside the block, `layer`'s float weights made with `autocast=True` (its
    sublayers' too) read as their float16 values; a no-op context for other layers."""
    if not layer._mixed:
        return _NO_CAST
    return _rounded_weights([v for v in layer.weights if v._autocast and v.dtype.kind == "f"])


def round_weight_grads(layer) -> None:
    """Round the gradients `layer`'s backward pass left on its weights to float16 values."""
    for v in layer.weights:
        if v.grad is not None and v._autocast:
            v.grad[...] = round_half(v.grad)

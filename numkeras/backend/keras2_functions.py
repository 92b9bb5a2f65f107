"""Keras 2's backend functions (`from keras import backend as K; K.sqrt(K.mean(...))`), as
the 2016-2020 scripts use them in custom metrics and `Lambda` layers. Each is the
`numkeras.ops` function (so it works on arrays and on symbolic tensors), with Keras 2's
argument defaults, or for a few comparisons and reductions Keras 2's NumPy-style meaning on
arrays; each gives one deprecation note naming the Keras 3 spelling (`keras.ops`). Keras 3
dropped them. With no autograd, a custom *loss* written with them computes but cannot
train; a custom *metric* works.

>>> import numpy as np
>>> from numkeras import backend as K
>>> float(K.sqrt(K.mean(K.square(np.array([3.0, 4.0])))))
3.5355339059327378
"""

from __future__ import annotations

from collections.abc import Callable

from numkeras import backend
from numkeras.errors import warn_deprecated


def _ops():
    from numkeras import ops

    return ops


def _xp():
    return backend.xp


def _noted(name: str, replacement: str, fn: Callable) -> Callable:
    def keras2_function(*args, **kwargs):
        here = hasattr(_ops(), replacement.split(".")[1].split("(")[0])
        warn_deprecated(
            f"`K.{name}` is a Keras 2 backend function; Keras 3 spells it `keras.{replacement}`"
            + (f" (`numkeras.{replacement}` here)." if here else ".")
        )
        return fn(*args, **kwargs)

    keras2_function.__name__ = name
    keras2_function.__doc__ = f"Keras 2's `K.{name}`: `{replacement}`."
    return keras2_function


# name -> (the Keras 3 spelling to name in the note, the function with Keras 2's defaults)
_TABLE: dict[str, tuple[str, Callable]] = {
    "sqrt": ("ops.sqrt", lambda x: _ops().sqrt(x)),
    "square": ("ops.square", lambda x: _ops().square(x)),
    "abs": ("ops.absolute", lambda x: _ops().absolute(x)),
    "exp": ("ops.exp", lambda x: _ops().exp(x)),
    "log": ("ops.log", lambda x: _ops().log(x)),
    "pow": ("ops.power", lambda x, a: _ops().power(x, a)),
    "sum": ("ops.sum", lambda x, axis=None, keepdims=False: _ops().sum(x, axis, keepdims)),
    "max": ("ops.max", lambda x, axis=None, keepdims=False: _ops().max(x, axis, keepdims)),
    "min": ("ops.min", lambda x, axis=None, keepdims=False: _ops().min(x, axis, keepdims)),
    "maximum": ("ops.maximum", lambda x, y: _ops().maximum(x, y)),
    "minimum": ("ops.minimum", lambda x, y: _ops().minimum(x, y)),
    "clip": ("ops.clip", lambda x, lo, hi: _ops().clip(x, lo, hi)),
    "dot": ("ops.matmul", lambda x, y: _ops().matmul(x, y)),
    "cast": ("ops.cast", lambda x, dtype: _ops().cast(x, dtype)),
    "concatenate": (
        "ops.concatenate",
        lambda tensors, axis=-1: _ops().concatenate(list(tensors), axis=axis),
    ),
    "reshape": ("ops.reshape", lambda x, shape: _ops().reshape(x, tuple(shape))),
    "transpose": ("ops.transpose", lambda x: _ops().transpose(x)),
    "expand_dims": ("ops.expand_dims", lambda x, axis=-1: _ops().expand_dims(x, axis)),
    "squeeze": ("ops.squeeze", lambda x, axis: _ops().squeeze(x, axis)),
    "stack": ("ops.stack", lambda x, axis=0: _ops().stack(list(x), axis=axis)),
    "sigmoid": ("ops.sigmoid", lambda x: _ops().sigmoid(x)),
    "tanh": ("ops.tanh", lambda x: _ops().tanh(x)),
    "relu": ("ops.relu", lambda x: _ops().relu(x)),
    "softmax": ("ops.softmax", lambda x, axis=-1: _ops().softmax(x, axis=axis)),
    # on arrays (custom metrics run eagerly), as Keras 2 computed them
    "round": ("ops.round", lambda x: _xp().round(_xp().asarray(x))),
    "sign": ("ops.sign", lambda x: _xp().sign(_xp().asarray(x))),
    "argmax": ("ops.argmax", lambda x, axis=-1: _xp().argmax(_xp().asarray(x), axis=axis)),
    "argmin": ("ops.argmin", lambda x, axis=-1: _xp().argmin(_xp().asarray(x), axis=axis)),
    "equal": ("ops.equal", lambda x, y: _xp().equal(x, y)),
    "not_equal": ("ops.not_equal", lambda x, y: _xp().not_equal(x, y)),
    "greater": ("ops.greater", lambda x, y: _xp().greater(x, y)),
    "greater_equal": ("ops.greater_equal", lambda x, y: _xp().greater_equal(x, y)),
    "less": ("ops.less", lambda x, y: _xp().less(x, y)),
    "less_equal": ("ops.less_equal", lambda x, y: _xp().less_equal(x, y)),
    "std": (
        "ops.std",
        lambda x, axis=None, keepdims=False: _xp().std(_xp().asarray(x), axis, keepdims=keepdims),
    ),
    "var": (
        "ops.var",
        lambda x, axis=None, keepdims=False: _xp().var(_xp().asarray(x), axis, keepdims=keepdims),
    ),
    "prod": (
        "ops.prod",
        lambda x, axis=None, keepdims=False: _xp().prod(_xp().asarray(x), axis, keepdims=keepdims),
    ),
    "any": ("ops.any", lambda x, axis=None, keepdims=False: _xp().any(x, axis, keepdims=keepdims)),
    "all": ("ops.all", lambda x, axis=None, keepdims=False: _xp().all(x, axis, keepdims=keepdims)),
    "ones_like": ("ops.ones_like", lambda x, dtype=None: _xp().ones_like(_xp().asarray(x), dtype)),
    "zeros_like": (
        "ops.zeros_like",
        lambda x, dtype=None: _xp().zeros_like(_xp().asarray(x), dtype),
    ),
    "flatten": ("ops.reshape(x, (-1,))", lambda x: _xp().reshape(_xp().asarray(x), (-1,))),
    "batch_flatten": (
        "ops.reshape(x, (len(x), -1))",
        lambda x: _xp().reshape(_xp().asarray(x), (len(x), -1)),
    ),
    "constant": (
        "ops.convert_to_tensor",
        lambda value, dtype=None: _xp().asarray(value, dtype=dtype or backend.floatx()),
    ),
}

FUNCTIONS = {name: _noted(name, repl, fn) for name, (repl, fn) in _TABLE.items()}


def keras2_mean(x, axis=None, keepdims=False):
    """Keras 2's `K.mean` (what `backend.mean` does outside numkeras's own fast path)."""
    return _ops().mean(x, axis, keepdims)

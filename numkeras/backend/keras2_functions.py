"""Keras 2's backend functions (`from keras import backend as K; K.sqrt(K.mean(...))`), as
the 2016-2020 scripts use them in custom losses, metrics and `Lambda` layers. Each is made
of `numkeras.ops` functions (so it works on arrays and, with backward passes, on symbolic
tensors), with Keras 2's argument defaults and numerics (`K.binary_crossentropy` adds
`epsilon` inside its logs, `K.argmax` gives int64, `K.switch` extends a condition with
trailing axes); each gives one deprecation note naming the Keras 3 spelling (`keras.ops`).
Keras 3 dropped them.

>>> import numpy as np
>>> from numkeras import backend as K
>>> float(K.sqrt(K.mean(K.square(np.array([3.0, 4.0])))))
3.5355339059327378
"""

from __future__ import annotations

import math
from collections.abc import Callable

from numkeras import backend
from numkeras.errors import ShapeError, warn_deprecated


def _ops():
    from numkeras import ops

    return ops


def _random():
    from numkeras import random

    return random


def _xp():
    return backend.xp


def _noted(name: str, replacement: str, fn: Callable) -> Callable:
    def keras2_function(*args, **kwargs):
        module, _, attr = replacement.partition(".")
        here = hasattr(_random() if module == "random" else _ops(), attr.split("(")[0])
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
    # Keras 2's K.dot is NumPy's dot for N-D tensors (x's last axis with y's second to
    # last); K.batch_dot pairs one axis per sample
    "dot": ("ops.dot", lambda x, y: _ops().dot(x, y)),
    "batch_dot": ("ops.einsum", lambda x, y, axes=None: _batch_dot(x, y, axes)),
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
    "sin": ("ops.sin", lambda x: _ops().sin(x)),
    "cos": ("ops.cos", lambda x: _ops().cos(x)),
    "round": ("ops.round", lambda x: _ops().round(x)),
    "sign": ("ops.sign", lambda x: _ops().sign(x)),
    # Keras 2's argmax / argmin give int64 indices (Keras 3's give int32)
    "argmax": ("ops.argmax", lambda x, axis=-1: _ops().cast(_ops().argmax(x, axis), "int64")),
    "argmin": ("ops.argmin", lambda x, axis=-1: _ops().cast(_ops().argmin(x, axis), "int64")),
    "equal": ("ops.equal", lambda x, y: _ops().equal(x, y)),
    "not_equal": ("ops.not_equal", lambda x, y: _ops().not_equal(x, y)),
    "greater": ("ops.greater", lambda x, y: _ops().greater(x, y)),
    "greater_equal": ("ops.greater_equal", lambda x, y: _ops().greater_equal(x, y)),
    "less": ("ops.less", lambda x, y: _ops().less(x, y)),
    "less_equal": ("ops.less_equal", lambda x, y: _ops().less_equal(x, y)),
    "std": ("ops.std", lambda x, axis=None, keepdims=False: _ops().std(x, axis, keepdims)),
    "var": ("ops.var", lambda x, axis=None, keepdims=False: _ops().var(x, axis, keepdims)),
    "prod": ("ops.prod", lambda x, axis=None, keepdims=False: _ops().prod(x, axis, keepdims)),
    "any": ("ops.any", lambda x, axis=None, keepdims=False: _ops().any(x, axis, keepdims)),
    "all": ("ops.all", lambda x, axis=None, keepdims=False: _ops().all(x, axis, keepdims)),
    "logsumexp": (
        "ops.logsumexp",
        lambda x, axis=None, keepdims=False: _ops().logsumexp(x, axis, keepdims),
    ),
    "ones_like": ("ops.ones_like", lambda x, dtype=None, name=None: _ops().ones_like(x, dtype)),
    "zeros_like": ("ops.zeros_like", lambda x, dtype=None, name=None: _ops().zeros_like(x, dtype)),
    "flatten": ("ops.reshape(x, (-1,))", lambda x: _ops().reshape(x, (-1,))),
    "batch_flatten": ("ops.reshape(x, (len(x), -1))", lambda x: _batch_flatten(x)),
    "one_hot": ("ops.one_hot", lambda indices, num_classes: _ops().one_hot(indices, num_classes)),
    "softplus": ("ops.softplus", lambda x: _ops().softplus(x)),
    "softsign": ("ops.softsign", lambda x: _ops().softsign(x)),
    "elu": ("ops.elu", lambda x, alpha=1.0: _ops().elu(x, alpha)),
    "l2_normalize": ("ops.normalize", lambda x, axis=None: _l2_normalize(x, axis)),
    "switch": (
        "ops.where",
        lambda condition, then_expression, else_expression: _switch(
            condition, then_expression, else_expression
        ),
    ),
    "binary_crossentropy": (
        "ops.binary_crossentropy",
        lambda target, output, from_logits=False: _binary_crossentropy(target, output, from_logits),
    ),
    "categorical_crossentropy": (
        "ops.categorical_crossentropy",
        lambda target, output, from_logits=False, axis=-1: _ops().categorical_crossentropy(
            target, output, from_logits, axis
        ),
    ),
    "sparse_categorical_crossentropy": (
        "ops.sparse_categorical_crossentropy",
        lambda target, output, from_logits=False, axis=-1, ignore_class=None: (
            _sparse_categorical_crossentropy(target, output, from_logits, axis, ignore_class)
        ),
    ),
    "shape": ("ops.shape", lambda x: _ops().shape(x)),
    "tile": ("ops.tile", lambda x, n: _ops().tile(x, n)),
    "repeat_elements": (
        "ops.repeat",
        lambda x, rep, axis: _ops().repeat(x, rep, axis=axis),
    ),
    "repeat": (
        "ops.repeat(ops.expand_dims(x, 1), n, axis=1)",
        lambda x, n: _ops().repeat(_ops().expand_dims(x, 1), n, axis=1),
    ),
    # Keras 2's cumsum / cumprod run along axis 0 by default (Keras 3's flatten)
    "cumsum": ("ops.cumsum", lambda x, axis=0: _ops().cumsum(x, axis=axis)),
    "cumprod": ("ops.cumprod", lambda x, axis=0: _ops().cumprod(x, axis=axis)),
    "gather": (
        "ops.take(reference, indices, axis=0)",
        lambda reference, indices: _ops().take(reference, indices, axis=0),
    ),
    "permute_dimensions": (
        "ops.transpose",
        lambda x, pattern: _ops().transpose(x, tuple(pattern)),
    ),
    "reverse": (
        "ops.flip",
        lambda x, axes: _ops().flip(x, axis=axes if isinstance(axes, int) else tuple(axes)),
    ),
    "stop_gradient": ("ops.stop_gradient", lambda variables: _stop_gradient(variables)),
    "arange": (
        "ops.arange",
        lambda start, stop=None, step=1, dtype="int32": _arange(start, stop, step, dtype),
    ),
    "eye": (
        "ops.eye",
        lambda size, dtype=None, name=None: _ops().eye(size, dtype=dtype or backend.floatx()),
    ),
    "zeros": ("ops.zeros", lambda shape, dtype=None, name=None: _ops().zeros(shape, dtype)),
    "ones": ("ops.ones", lambda shape, dtype=None, name=None: _ops().ones(shape, dtype)),
    # random draws: a size in `shape` may be `K.shape(x)[0]` (read at run time); an int
    # seed gives a new draw each call in a sequence fixed by the seed, as TensorFlow's op
    # seeds do in Keras 2 (Keras 3's int seed repeats the same draw)
    "random_normal": (
        "random.normal",
        lambda shape, mean=0.0, stddev=1.0, dtype=None, seed=None: _random().normal(
            shape, mean, stddev, dtype, _keras2_seed(seed)
        ),
    ),
    "random_uniform": (
        "random.uniform",
        lambda shape, minval=0.0, maxval=1.0, dtype=None, seed=None: _random().uniform(
            shape, minval, maxval, dtype, _keras2_seed(seed)
        ),
    ),
    "truncated_normal": (
        "random.truncated_normal",
        lambda shape, mean=0.0, stddev=1.0, dtype=None, seed=None: _random().truncated_normal(
            shape, mean, stddev, dtype, _keras2_seed(seed)
        ),
    ),
    "random_bernoulli": (
        "random.uniform(shape) <= p",
        lambda shape, p=0.0, dtype=None, seed=None: _random_bernoulli(shape, p, dtype, seed),
    ),
    "random_binomial": (
        "random.uniform(shape) <= p",
        lambda shape, p=0.0, dtype=None, seed=None: _random_bernoulli(shape, p, dtype, seed),
    ),
    "dropout": (
        "random.dropout",
        lambda x, level, noise_shape=None, seed=None: _random().dropout(
            x, level, noise_shape, _keras2_seed(seed)
        ),
    ),
    "constant": (
        "ops.convert_to_tensor",
        lambda value, dtype=None: _xp().asarray(value, dtype=dtype or backend.floatx()),
    ),
}


_keras2_generators: dict = {}


def _keras2_seed(seed):
    """Keras 2's int `seed` (a TensorFlow op seed): a new draw on each call, the sequence
    fixed by the seed (and restarted by `numkeras.utils.set_random_seed`), so one
    `SeedGenerator` per seed value. None: numkeras's global generator."""
    if seed is None:
        return None
    from numkeras.backend import random as backend_random

    current = backend_random.global_generator()
    if _keras2_generators.get("global") is not current:  # set_random_seed restarts them
        _keras2_generators.clear()
        _keras2_generators["global"] = current
    seed = int(seed)
    if seed not in _keras2_generators:
        _keras2_generators[seed] = _random().SeedGenerator(seed)
    return _keras2_generators[seed]


def _random_bernoulli(shape, p=0.0, dtype=None, seed=None):
    """Keras 2's `K.random_bernoulli`: 1 where a uniform draw is `<= p`, else 0."""
    dtype = dtype or backend.floatx()
    draw = _random().uniform(shape, dtype=dtype, seed=_keras2_seed(seed))
    return _ops().cast(_ops().less_equal(draw, p), dtype)


def _batch_flatten(x):
    """Keras 2's `K.batch_flatten`: `(batch, ...)` to `(batch, prod(...))`; the axes after
    the batch must be known."""
    rest = tuple(x.shape[1:])
    if None in rest:
        raise ShapeError(
            f"K.batch_flatten needs the axes after the batch known; received shape "
            f"{tuple(x.shape)}. Use a Flatten layer or ops.reshape with the size spelled out."
        )
    return _ops().reshape(x, (-1, math.prod(rest)))


def _l2_normalize(x, axis=None):
    """Keras 2's `K.l2_normalize` (`tf.linalg.l2_normalize`): `x * rsqrt(max(sum(x**2),
    1e-12))`, that is `ops.normalize` with epsilon 1e-6; `axis=None` normalises over all
    axes."""
    return _ops().normalize(x, axis=axis, order=2, epsilon=1e-6)


def _ndim(x) -> int:
    return len(getattr(x, "shape", ()))


def _switch(condition, then_expression, else_expression):
    """Keras 2's `K.switch`: the branches may be callables; a scalar condition picks one
    branch; a condition of rank 2 or more is extended with trailing axes of size 1 (not
    leading ones, as broadcasting would) to the branches' rank; then `ops.where`."""
    from numkeras.layers.keras_tensor import KerasTensor

    ops = _ops()
    if _ndim(condition) == 0 and not isinstance(condition, KerasTensor):
        chosen = then_expression if bool(condition) else else_expression
        return chosen() if callable(chosen) else chosen
    then_value = then_expression() if callable(then_expression) else then_expression
    else_value = else_expression() if callable(else_expression) else else_expression
    cond_ndim, expr_ndim = _ndim(condition), _ndim(then_value)
    if cond_ndim > expr_ndim:
        raise ValueError(
            "Rank of `condition` should be less than or equal to rank of `then_expression` "
            f"and `else_expression`. ndim(condition)={cond_ndim}, "
            f"ndim(then_expression)={expr_ndim}"
        )
    if cond_ndim > 1:
        for _ in range(expr_ndim - cond_ndim):
            condition = ops.expand_dims(condition, -1)
    return ops.where(condition, then_value, else_value)


def _binary_crossentropy(target, output, from_logits=False):
    """Keras 2's `K.binary_crossentropy`: probabilities clipped to `[epsilon, 1 - epsilon]`
    and `epsilon` added inside each log (Keras 3 adds none); logits as Keras 3."""
    ops = _ops()
    if from_logits:
        return ops.binary_crossentropy(target, output, from_logits=True)
    eps = backend.epsilon()
    output = ops.clip(output, eps, 1.0 - eps)
    bce = target * ops.log(output + eps)
    bce = bce + (1 - target) * ops.log(1 - output + eps)
    return -bce


def _sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1, ignore_class=None):
    """Keras 2's `K.sparse_categorical_crossentropy`: probabilities are clipped to
    `[epsilon, 1 - epsilon]` and their logs taken as logits (so the clipped values are
    renormalised; Keras 3 renormalises first, then clips); the class axis moves last;
    labels equal to `ignore_class` give 0."""
    ops = _ops()
    if not from_logits:
        eps = backend.epsilon()
        output = ops.log(ops.clip(output, eps, 1.0 - eps))
    rank = _ndim(output)
    axis = axis % rank
    if axis != rank - 1:
        output = ops.transpose(output, [*range(axis), *range(axis + 1, rank), axis])
    if ignore_class is not None:
        target = ops.where(ops.equal(target, ignore_class), -1, target)
    return ops.sparse_categorical_crossentropy(target, output, from_logits=True)


def _batch_dot(x, y, axes=None):
    """Keras 2's `K.batch_dot`: per sample (axis 0), `x`'s axis `axes[0]` summed with
    `y`'s axis `axes[1]` (by default x's last and y's last, or second to last when y has
    3 or more axes); the result holds x's other axes, then y's; two 2-D tensors give
    `(batch, 1)`."""
    x_ndim, y_ndim = _ndim(x), _ndim(y)
    if x_ndim < 2 or y_ndim < 2:
        raise ValueError(
            "Cannot do batch_dot on inputs with rank < 2. Received inputs with shapes "
            f"{tuple(x.shape)} and {tuple(y.shape)}."
        )
    if isinstance(axes, int):
        axes = [axes, axes]
    if axes is None:
        axes = [x_ndim - 1, y_ndim - 1] if y_ndim == 2 else [x_ndim - 1, y_ndim - 2]
    if any(isinstance(a, (list, tuple)) for a in axes):
        raise ValueError(
            "Multiple target dimensions are not supported. Expected: None, int, (int, int), "
            f"Provided: {axes}"
        )
    a0 = axes[0] + x_ndim if axes[0] < 0 else axes[0]
    a1 = axes[1] + y_ndim if axes[1] < 0 else axes[1]
    if 0 in (a0, a1):
        raise ValueError(
            "Cannot perform batch_dot over axis 0. If your inputs are not batched, add a "
            "dummy batch dimension to your inputs using K.expand_dims(x, 0)"
        )
    xs = ["a", *"bcdefghij"[: x_ndim - 1]]
    ys = ["a", *"klmnopqrs"[: y_ndim - 1]]
    ys[a1] = xs[a0] = "z"
    out = ["a"] + [c for c in xs[1:] if c != "z"] + [c for c in ys[1:] if c != "z"]
    result = _ops().einsum(f"{''.join(xs)},{''.join(ys)}->{''.join(out)}", x, y)
    return _ops().expand_dims(result, -1) if x_ndim == 2 and y_ndim == 2 else result


def _stop_gradient(variables):
    """Keras 2's `K.stop_gradient`: a tensor, or a list of them."""
    if isinstance(variables, (list, tuple)):
        return [_ops().stop_gradient(v) for v in variables]
    return _ops().stop_gradient(variables)


def _arange(start, stop=None, step=1, dtype="int32"):
    """Keras 2's `K.arange`: int32 by default; a negative `start` without `stop` is empty,
    as NumPy's."""
    if stop is None and not hasattr(start, "shape") and start < 0:
        start = 0
    return _ops().arange(start, stop, step, dtype=dtype)


FUNCTIONS = {name: _noted(name, repl, fn) for name, (repl, fn) in _TABLE.items()}


def keras2_mean(x, axis=None, keepdims=False):
    """Keras 2's `K.mean` (what `backend.mean` does outside numkeras's own fast path)."""
    return _ops().mean(x, axis, keepdims)

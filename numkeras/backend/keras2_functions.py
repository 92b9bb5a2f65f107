"""Keras 2's backend functions (`from keras import backend as K; K.sqrt(K.mean(...))`), as
the 2016-2020 scripts use them in custom losses, metrics and `Lambda` layers. Each is made
of `numkeras.ops` functions (so it works on arrays and, with backward passes, on symbolic
tensors), with Keras 2's argument defaults and numerics (`K.binary_crossentropy` adds
`epsilon` inside its logs, `K.argmax` gives int64, `K.switch` extends a condition with
trailing axes, `K.sqrt` clips negatives to 0, `K.relu` takes `alpha` / `max_value` /
`threshold`, `K.clip` takes None bounds); each gives one deprecation note naming the
Keras 3 spelling (`keras.ops`). Keras 3 dropped them.

Also Keras 2's variables and graph helpers: `K.variable`, `K.eval`, `K.count_params`,
`K.function(inputs, outputs)` (with `K.learning_phase()` among the inputs, its fed value
is the `training` flag, as in Keras 2's graph mode), `K.in_train_phase`,
`K.batch_set_value`, `K.update_add`, `K.learning_phase_scope`, `K.conv2d`, `K.pool2d`,
`K.conv3d` / `K.pool3d` / `K.spatial_3d_padding` / `K.resize_volumes`,
`K.resize_images(interpolation=)` (TensorFlow's resize; its "area", "gaussian" and
"mitchellcubic" are refused, and "bicubic" takes exact weights where TensorFlow rounds
them to a 1/1024 table, so it differs by up to ~1e-3), `K.ctc_batch_cost` /
`K.ctc_decode` (the last class is the blank, as TensorFlow's), `K.rnn` and
`K.normalize_batch_in_training` (`keras2_rnn.py`), ... `K.gradients` raises
RuntimeError, as Keras 2 does under eager TensorFlow: use a `GradientTape`.

>>> import numpy as np
>>> from numkeras import backend as K
>>> float(K.sqrt(K.mean(K.square(np.array([3.0, 4.0])))))
3.5355339059327378
"""

from __future__ import annotations

import math
from collections.abc import Callable

from numkeras import backend
from numkeras.errors import ConfigError, ShapeError, warn_deprecated


def _ops():
    from numkeras import ops

    return ops


def _random():
    from numkeras import random

    return random


def _xp():
    return backend.xp


def _keras2_rnn():
    from numkeras.backend import keras2_rnn

    return keras2_rnn


def _noted(name: str, replacement: str, fn: Callable) -> Callable:
    def keras2_function(*args, **kwargs):
        module, _, attr = replacement.partition(".")
        here = hasattr(_random() if module == "random" else _ops(), attr.split("(")[0])
        if module in ("ops", "random", "layers", "backend"):
            spelled = f"Keras 3 spells it `keras.{replacement}`" + (
                f" (`numkeras.{replacement}` here)." if here else "."
            )
        else:  # no one-to-one function in Keras 3
            spelled = f"in Keras 3 use {replacement}."
        warn_deprecated(f"`K.{name}` is a Keras 2 backend function; {spelled}")
        return fn(*args, **kwargs)

    keras2_function.__name__ = name
    keras2_function.__doc__ = f"Keras 2's `K.{name}`: `{replacement}`."
    return keras2_function


# name -> (the Keras 3 spelling to name in the note, the function with Keras 2's defaults)
_TABLE: dict[str, tuple[str, Callable]] = {
    # Keras 2's K.sqrt clips negatives to 0 first (sqrt(-1) is 0, not NaN)
    "sqrt": ("ops.sqrt", lambda x: _ops().sqrt(_ops().maximum(x, 0.0))),
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
    "clip": (
        "ops.clip",
        lambda x, min_value, max_value: _clip(x, min_value, max_value),
    ),
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
    "relu": (
        "ops.relu",
        lambda x, alpha=0.0, max_value=None, threshold=0.0: _relu(x, alpha, max_value, threshold),
    ),
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


def _relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """Keras 2's `K.relu`: `x` above `threshold` (else `alpha * (x - threshold)`), capped
    at `max_value`."""
    ops = _ops()
    if alpha != 0.0:
        negative_part = ops.relu(ops.subtract(threshold, x) if threshold != 0 else ops.negative(x))
    if threshold != 0:
        x = ops.multiply(x, ops.cast(ops.greater(x, threshold), backend.floatx()))
    else:
        x = ops.relu(x)
    if max_value is not None:
        x = ops.clip(x, 0.0, max_value)
    if alpha != 0.0:
        x = ops.subtract(x, ops.multiply(negative_part, alpha))
    return x


def _clip(x, min_value, max_value):
    """Keras 2's `K.clip`: a None bound is open (`max_value=None` is +inf), and a
    `max_value` below `min_value` is raised to it."""
    if min_value is None and max_value is None:
        return x
    if max_value is None:
        max_value = math.inf
    if min_value is None:
        min_value = -math.inf
    if not hasattr(max_value, "shape") and not hasattr(min_value, "shape"):
        max_value = max(max_value, min_value)
    return _ops().clip(x, min_value, max_value)


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
        raise ShapeError(
            "Rank of `condition` should be less than or equal to rank of `then_expression` "
            f"and `else_expression`. ndim(condition)={cond_ndim}, "
            f"ndim(then_expression)={expr_ndim}. Reduce the condition (e.g. K.any(c, "
            "axis=-1)) or expand the branches to its rank."
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
        raise ShapeError(
            "Cannot do batch_dot on inputs with rank < 2. Received inputs with shapes "
            f"{tuple(x.shape)} and {tuple(y.shape)}. Both need a batch axis and at least one "
            "more: K.expand_dims a 1-D input, or use K.dot for unbatched ones."
        )
    if isinstance(axes, int):
        axes = [axes, axes]
    if axes is None:
        axes = [x_ndim - 1, y_ndim - 1] if y_ndim == 2 else [x_ndim - 1, y_ndim - 2]
    if any(isinstance(a, (list, tuple)) for a in axes):
        raise ConfigError(
            "Multiple target dimensions are not supported. Expected: None, int, (int, int), "
            f"Provided: {axes}. Sum over one axis of each, or use ops.einsum for several."
        )
    a0 = axes[0] + x_ndim if axes[0] < 0 else axes[0]
    a1 = axes[1] + y_ndim if axes[1] < 0 else axes[1]
    if 0 in (a0, a1):
        raise ConfigError(
            f"Cannot perform batch_dot over axis 0 (received axes={axes}): axis 0 is the "
            "batch. If your inputs are not batched, add a dummy batch dimension to your inputs "
            "using K.expand_dims(x, 0)."
        )
    d1, d2 = tuple(x.shape)[a0], tuple(y.shape)[a1]
    if d1 is not None and d2 is not None and d1 != d2:  # on symbolic tensors too, as Keras 2
        raise ShapeError(
            f"Cannot do batch_dot on inputs with shapes {tuple(x.shape)} and "
            f"{tuple(y.shape)} with axes={[a0, a1]}. x.shape[{a0}] != y.shape[{a1}] "
            f"({d1} != {d2})."
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


# Keras 2's variables, graph helpers and phase switches (Keras 3 has no `backend` module of
# functions): name -> (the Keras 3 spelling to name in the note, the function)
_TABLE_MORE: dict[str, tuple[str, Callable]] = {
    "variable": (
        "`keras.Variable(value)`",
        lambda value, dtype=None, name=None, constraint=None: _variable(
            value, dtype, name, constraint
        ),
    ),
    "eval": ("ops.convert_to_numpy", lambda x: _eval(x)),
    "ndim": ("ops.ndim", lambda x: _ndim(x)),
    "dtype": ("`x.dtype`", lambda x: _dtype_name(x)),
    "count_params": ("ops.size", lambda x: _xp().int64(math.prod(_int_shape(x)))),
    "cast_to_floatx": (
        "ops.convert_to_tensor",
        lambda x: _xp().asarray(x, dtype=backend.floatx()),
    ),
    "hard_sigmoid": (
        "`ops.clip(0.2 * x + 0.5, 0, 1)`",
        # Keras 2's slope 0.2 (Keras 3's hard_sigmoid uses 1/6)
        lambda x: _ops().clip(_ops().add(_ops().multiply(x, 0.2), 0.5), 0.0, 1.0),
    ),
    "in_top_k": (
        "ops.in_top_k",
        lambda predictions, targets, k: _ops().in_top_k(targets, predictions, k),
    ),
    "function": (
        "`keras.Model(inputs, outputs)` and call it",
        lambda inputs, outputs, updates=None, name=None, **kwargs: _function(inputs, outputs),
    ),
    "learning_phase": ("the `training` argument of calls", lambda: _learning_phase()),
    "set_learning_phase": (
        "the `training` argument of calls",
        lambda value: _set_learning_phase(value),
    ),
    "in_train_phase": (
        "the `training` argument of `call`",
        lambda x, alt, training=None: _in_train_phase(x, alt, training),
    ),
    "in_test_phase": (
        "the `training` argument of `call`",
        lambda x, alt, training=None: _in_train_phase(alt, x, training),
    ),
    "batch_get_value": (
        "`[v.numpy() for v in variables]`",
        lambda tensors: [_eval(t) for t in tensors],
    ),
    "batch_set_value": (
        "`variable.assign(value)`",
        lambda tuples: _batch_set_value(tuples),
    ),
    "update": ("`variable.assign`", lambda x, new_x: _update(x, new_x, "assign")),
    "update_add": (
        "`variable.assign_add`",
        lambda x, increment: _update(x, increment, "assign_add"),
    ),
    "update_sub": (
        "`variable.assign_sub`",
        lambda x, decrement: _update(x, decrement, "assign_sub"),
    ),
    "moving_average_update": (
        "`variable.assign`",
        lambda x, value, momentum: _update(
            x,
            _ops().add(_ops().multiply(x, momentum), _ops().multiply(value, 1 - momentum)),
            "assign",
        ),
    ),
    "print_tensor": ("`print`", lambda x, message="", summarize=3: _print_tensor(x, message)),
    "bias_add": (
        "`x + bias`",
        lambda x, bias, data_format=None: _bias_add(x, bias, data_format),
    ),
    "placeholder": (
        "`keras.Input(batch_shape=...)`",
        lambda shape=None, ndim=None, dtype=None, sparse=False, name=None, ragged=False: (
            _placeholder(shape, ndim, dtype, name)
        ),
    ),
    "random_normal_variable": (
        "`keras.Variable(keras.random.normal(...))`",
        lambda shape, mean, scale, dtype=None, name=None, seed=None: _variable(
            _random().normal(shape, mean, scale, dtype, _keras2_seed(seed)), dtype, name
        ),
    ),
    "random_uniform_variable": (
        "`keras.Variable(keras.random.uniform(...))`",
        lambda shape, low, high, dtype=None, name=None, seed=None: _variable(
            _random().uniform(shape, low, high, dtype, _keras2_seed(seed)), dtype, name
        ),
    ),
    "batch_normalization": (
        "ops.batch_normalization",
        lambda x, mean, var, beta, gamma, axis=-1, epsilon=0.001: _batch_normalization(
            x, mean, var, beta, gamma, epsilon
        ),
    ),
    "resize_images": (
        "layers.UpSampling2D",
        lambda x, height_factor, width_factor, data_format, interpolation="nearest": _resize_images(
            x, height_factor, width_factor, data_format, interpolation
        ),
    ),
    "map_fn": ("ops.vectorized_map", lambda fn, elems, name=None, dtype=None: _map_fn(fn, elems)),
    "foldl": (
        "a Python loop",
        lambda fn, elems, initializer=None, name=None: _fold(fn, elems, initializer, False),
    ),
    "foldr": (
        "a Python loop",
        lambda fn, elems, initializer=None, name=None: _fold(fn, elems, initializer, True),
    ),
    "is_sparse": ("`False` (numkeras has no sparse tensors)", lambda tensor: False),
    # (Keras 2's graph-mode switch; eager variables, as here, hold their values at once)
    "manual_variable_initialization": (
        "nothing (variables are initialized when created)",
        lambda value: None,
    ),
    "to_dense": ("ops.convert_to_tensor", lambda tensor: tensor),
    "name_scope": ("`keras.name_scope`", lambda name, *args, **kwargs: _NameScope(name)),
    "reset_uids": ("`keras.backend.clear_session()`", lambda: _reset_uids()),
    "gradients": ("a `GradientTape`", lambda loss, variables: _gradients()),
    "conv1d": (
        "ops.conv",
        lambda x, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1: _conv(
            x, kernel, strides, padding, data_format, dilation_rate, 1
        ),
    ),
    "conv2d": (
        "ops.conv",
        lambda x, kernel, strides=(1, 1), padding="valid", data_format=None, dilation_rate=(1, 1): (
            _conv(x, kernel, strides, padding, data_format, dilation_rate, 2)
        ),
    ),
    "separable_conv2d": ("ops.separable_conv", lambda *a, **k: _separable_conv2d(*a, **k)),
    "depthwise_conv2d": ("ops.depthwise_conv", lambda *a, **k: _depthwise_conv2d(*a, **k)),
    "conv2d_transpose": ("ops.conv_transpose", lambda *a, **k: _conv2d_transpose(*a, **k)),
    "pool2d": (
        "ops.max_pool",
        lambda x, pool_size, strides=(1, 1), padding="valid", data_format=None, pool_mode="max": (
            _pool(x, pool_size, strides, padding, data_format, pool_mode)
        ),
    ),
    "temporal_padding": (
        "ops.pad",
        lambda x, padding=(1, 1): _ops().pad(x, [(0, 0), tuple(padding), (0, 0)]),
    ),
    "spatial_2d_padding": (
        "ops.pad",
        lambda x, padding=((1, 1), (1, 1)), data_format=None: _spatial_2d_padding(
            x, padding, data_format
        ),
    ),
    "conv3d": ("ops.conv", lambda *a, **k: _conv3d(*a, **k)),
    "pool3d": ("ops.max_pool", lambda *a, **k: _pool3d(*a, **k)),
    "spatial_3d_padding": (
        "ops.pad",
        lambda x, padding=((1, 1), (1, 1), (1, 1)), data_format=None: _spatial_padding(
            x, padding, data_format
        ),
    ),
    "resize_volumes": (
        "layers.UpSampling3D",
        lambda x, depth_factor, height_factor, width_factor, data_format: _repeat_spatial(
            x, (depth_factor, height_factor, width_factor), data_format
        ),
    ),
    "learning_phase_scope": (
        "the `training` argument of calls",
        lambda value: _LearningPhaseScope(value),
    ),
    "rnn": ("`keras.layers.RNN` with a cell", lambda *a, **k: _keras2_rnn().rnn(*a, **k)),
    "normalize_batch_in_training": (
        "ops.moments and ops.batch_normalization",
        lambda x, gamma, beta, reduction_axes, epsilon=1e-3: (
            _keras2_rnn().normalize_batch_in_training(x, gamma, beta, reduction_axes, epsilon)
        ),
    ),
    "ctc_batch_cost": (
        "ops.ctc_loss",
        lambda y_true, y_pred, input_length, label_length: _ctc_batch_cost(
            y_true, y_pred, input_length, label_length
        ),
    ),
    "ctc_decode": (
        "ops.ctc_decode",
        lambda y_pred, input_length, greedy=True, beam_width=100, top_paths=1: _ctc_decode(
            y_pred, input_length, greedy, beam_width, top_paths
        ),
    ),
}


def _data_format(data_format) -> str:
    data_format = data_format or backend.image_data_format()
    if data_format not in ("channels_first", "channels_last"):
        raise ConfigError(
            f"Unknown data_format: {data_format!r}; expected 'channels_last' or 'channels_first'."
        )
    return data_format


def _conv(x, kernel, strides, padding, data_format, dilation_rate, rank: int):
    """Keras 2's `K.conv1d` / `K.conv2d`: the kernel is `(*size, in, out)` for either data
    format; `padding="causal"` (1-D) pads the start with `dilation * (size - 1)` steps."""
    data_format = _data_format(data_format)
    ops = _ops()
    if padding == "causal":
        if rank != 1:
            raise ConfigError(
                f"Invalid padding: 'causal' is for K.conv1d only (received it for a "
                f"{rank}-D convolution); use 'valid' or 'same', or pad the inputs yourself."
            )
        dilation = dilation_rate if isinstance(dilation_rate, int) else dilation_rate[0]
        left = dilation * (kernel.shape[0] - 1)
        axis = 2 if data_format == "channels_first" else 1
        widths = [(0, 0)] * _ndim(x)
        widths[axis] = (left, 0)
        x, padding = ops.pad(x, widths), "valid"
    if padding not in ("valid", "same"):
        raise ConfigError(
            f"Invalid padding: expected 'valid' or 'same'"
            f"{' (or causal, 1-D only)' if rank == 1 else ''}; received {padding!r}."
        )
    return ops.conv(x, kernel, strides, padding, data_format, dilation_rate)


def _separable_conv2d(
    x,
    depthwise_kernel,
    pointwise_kernel,
    strides=(1, 1),
    padding="valid",
    data_format=None,
    dilation_rate=(1, 1),
):
    """Keras 2's `K.separable_conv2d` (the data format defaulting to the global one)."""
    data_format = _data_format(data_format)
    return _ops().separable_conv(
        x, depthwise_kernel, pointwise_kernel, strides, padding, data_format, dilation_rate
    )


def _depthwise_conv2d(
    x, depthwise_kernel, strides=(1, 1), padding="valid", data_format=None, dilation_rate=(1, 1)
):
    """Keras 2's `K.depthwise_conv2d` (the data format defaulting to the global one)."""
    data_format = _data_format(data_format)
    return _ops().depthwise_conv(x, depthwise_kernel, strides, padding, data_format, dilation_rate)


def _conv2d_transpose(
    x,
    kernel,
    output_shape,
    strides=(1, 1),
    padding="valid",
    data_format=None,
    dilation_rate=(1, 1),
):
    """Keras 2's `K.conv2d_transpose`: the kernel is `(rows, cols, out, in)` and
    `output_shape` the full output shape (batch first), any of the sizes TensorFlow's
    `conv2d_transpose` allows; Keras 3 takes an output padding instead, found here from
    the sizes it gives without one."""
    data_format = _data_format(data_format)
    ops = _ops()
    axes = (2, 3) if data_format == "channels_first" else (1, 2)
    want = [int(output_shape[a]) for a in axes]
    strides = (strides, strides) if isinstance(strides, int) else tuple(strides)
    default = ops.conv_transpose(x, kernel, strides, padding, None, data_format, dilation_rate)
    if [int(default.shape[a]) for a in axes] == want:
        return default
    # TensorFlow's rule: the output is a size whose forward convolution gives the input's
    dilation = (dilation_rate,) * 2 if isinstance(dilation_rate, int) else tuple(dilation_rate)
    sizes = [int(x.shape[a]) for a in axes]
    reach = [d * (int(kernel.shape[k]) - 1) for k, d in zip((0, 1), dilation)]
    fits = [
        -(-w // s) == n if padding == "same" else w >= r + 1 and -(-(w - r) // s) == n
        for w, s, n, r in zip(want, strides, sizes, reach)
    ]
    least = ops.conv_transpose(x, kernel, strides, padding, (0, 0), data_format, dilation_rate)
    extra = [w - int(least.shape[a]) for w, a in zip(want, axes)]
    if not all(fits) or any(not 0 <= e < s for e, s in zip(extra, strides)):
        raise ShapeError(
            f"K.conv2d_transpose: output_shape {tuple(output_shape)} does not fit the input "
            f"{tuple(x.shape)}, strides {strides} and padding {padding!r}: its forward "
            f"convolution would not give {sizes} rows and columns. Pass an output_shape "
            f"whose spatial sizes fit, e.g. {[int(default.shape[a]) for a in axes]}."
        )
    if not any(extra):
        return least
    return ops.conv_transpose(x, kernel, strides, padding, extra, data_format, dilation_rate)


def _conv3d(
    x, kernel, strides=(1, 1, 1), padding="valid", data_format=None, dilation_rate=(1, 1, 1)
):
    """Keras 2's `K.conv3d`: the kernel is `(depth, rows, cols, in, out)`."""
    return _conv(x, kernel, strides, padding, data_format, dilation_rate, 3)


def _pool3d(x, pool_size, strides=(1, 1, 1), padding="valid", data_format=None, pool_mode="max"):
    """Keras 2's `K.pool3d`: strides default to 1 (not the pool size)."""
    return _pool(x, pool_size, strides, padding, data_format, pool_mode)


def _pool(x, pool_size, strides, padding, data_format, pool_mode):
    """Keras 2's `K.pool2d`: strides default to 1 (not the pool size)."""
    data_format = _data_format(data_format)
    if pool_mode == "max":
        return _ops().max_pool(x, pool_size, strides, padding, data_format)
    if pool_mode == "avg":
        return _ops().average_pool(x, pool_size, strides, padding, data_format)
    raise ConfigError(f"Invalid pooling mode: expected 'max' or 'avg'; received {pool_mode!r}.")


def _spatial_2d_padding(x, padding, data_format):
    """Keras 2's `K.spatial_2d_padding`: zeros around the rows and columns."""
    return _spatial_padding(x, padding, data_format)


def _spatial_padding(x, padding, data_format):
    """Keras 2's `K.spatial_2d_padding` / `K.spatial_3d_padding`: zeros around each
    spatial axis, `padding` holding a `(before, after)` pair per axis."""
    data_format = _data_format(data_format)
    pairs = [tuple(int(n) for n in pair) for pair in padding]
    if len(pairs) != _ndim(x) - 2 or any(len(pair) != 2 for pair in pairs):
        raise ConfigError(
            f"Expected one (before, after) pair per spatial axis of the {_ndim(x)}-D input; "
            f"received padding={padding!r}."
        )
    if data_format == "channels_first":
        widths = [(0, 0), (0, 0), *pairs]
    else:
        widths = [(0, 0), *pairs, (0, 0)]
    return _ops().pad(x, widths)


def _repeat_spatial(x, factors, data_format):
    """Keras 2's `K.resize_volumes` (and `K.resize_images`' nearest neighbour): each
    spatial axis repeated by its whole factor."""
    if data_format not in ("channels_first", "channels_last"):
        raise ConfigError(
            f"Invalid `data_format` argument: expected 'channels_last' or 'channels_first'; "
            f"received {data_format!r}."
        )
    first = 2 if data_format == "channels_first" else 1
    for axis, factor in enumerate(factors, start=first):
        x = _ops().repeat(x, int(factor), axis=axis)
    return x


def _ctc_batch_cost(y_true, y_pred, input_length, label_length):
    """Keras 2's `K.ctc_batch_cost`: the CTC loss per sample, `(batch, 1)`, of softmax
    outputs `y_pred` `(batch, time, classes)` whose last class is the blank (TensorFlow's
    convention); `input_length` and `label_length` are `(batch, 1)`."""
    ops = _ops()
    label_length = ops.cast(ops.reshape(label_length, (-1,)), "int32")
    input_length = ops.cast(ops.reshape(input_length, (-1,)), "int32")
    logits = ops.log(ops.add(y_pred, backend.epsilon()))
    loss = ops.ctc_loss(
        ops.cast(y_true, "int32"),
        logits,
        label_length,
        input_length,
        mask_index=int(y_pred.shape[-1]) - 1,
    )
    return ops.expand_dims(loss, 1)


def _ctc_decode(y_pred, input_length, greedy=True, beam_width=100, top_paths=1):
    """Keras 2's `K.ctc_decode`: `([decoded], log_prob)`, the decoded labels `(batch,
    time)` (int64) padded with -1, the blank being the last class; greedy decoding only."""
    if not greedy:
        raise NotImplementedError(
            "K.ctc_decode(greedy=False) (beam search) is not available in numkeras; use "
            "greedy=True."
        )
    ops = _ops()
    xp = _xp()
    logits = ops.log(ops.add(y_pred, backend.epsilon()))
    decoded, scores = ops.ctc_decode(
        logits,
        ops.cast(ops.reshape(input_length, (-1,)), "int32"),
        strategy="greedy",
        mask_index=int(y_pred.shape[-1]) - 1,
    )
    decoded = backend.to_numpy(decoded)[0]  # (batch, time), -1 after the labels
    return [xp.asarray(decoded.astype("int64"))], scores


def _int_shape(x) -> tuple:
    return tuple(x.shape)


def _eval(x):
    """Keras 2's `K.eval` / `K.get_value`: a NumPy array (a NumPy scalar for 0-d values,
    as TensorFlow's `.numpy()` gives)."""
    value = x.numpy() if hasattr(x, "numpy") else backend.to_numpy(_xp().asarray(x))
    return value[()] if getattr(value, "ndim", 1) == 0 else value


def _dtype_name(x) -> str:
    return backend.standardize_dtype(x.dtype)


def _variable(value, dtype=None, name=None, constraint=None):
    """Keras 2's `K.variable`: a trainable variable holding `value` as `dtype` (floatx by
    default, integers included, as Keras 2 casts them)."""
    from numkeras.variables import Variable

    value = _eval(value) if hasattr(value, "numpy") else value
    # (Variable copies it: K.set_value / K.update_add leave the caller's array alone)
    variable = Variable(_xp().asarray(value, dtype=dtype or backend.floatx()), name=name)
    if constraint is not None:
        variable.constraint = constraint
    return variable


def _batch_set_value(tuples) -> None:
    """Keras 2's `K.batch_set_value`: `K.set_value(x, value)` for each `(x, value)` pair."""
    for x, value in tuples:
        backend.set_value(x, value)


def _update(x, value, method: str):
    """Keras 2's `K.update` / `update_add` / `update_sub`: change variable `x` in place and
    return it."""
    if not hasattr(x, method):
        raise TypeError(
            f"K.{method.replace('assign', 'update')} needs a variable (from K.variable or a "
            f"layer's weights); received {type(x).__name__}."
        )
    getattr(x, method)(_eval(value) if hasattr(value, "numpy") else value)
    return x


class _LearningPhase(int):
    """What `K.learning_phase()` gives: 0 or 1 (an int, as tf_keras gives in eager mode);
    listed in `K.function`'s inputs, its fed value is the `training` flag (as in Keras 2's
    graph mode)."""

    def __repr__(self) -> str:
        return repr(int(self))

    __str__ = __repr__


_phase = {"value": None}


def _learning_phase():
    return _LearningPhase(_phase["value"] or 0)


def _set_learning_phase(value) -> None:
    if value not in (0, 1):
        raise ConfigError(f"Expected learning phase to be 0 or 1; received {value!r}.")
    _phase["value"] = int(value)


def _in_train_phase(x, alt, training=None):
    """Keras 2's `K.in_train_phase`: `x` when training, else `alt` (either may be a
    callable); `training=None` reads `K.learning_phase()`."""
    if training is None:
        training = _learning_phase()
    chosen = x if bool(training) else alt
    return chosen() if callable(chosen) else chosen


def _function(inputs, outputs):
    """Keras 2's `K.function(inputs, outputs)`: a callable running the graph from `inputs`
    to `outputs` on arrays (a list of arrays in, a list out when the arguments were lists).
    `K.learning_phase()` may be among the inputs: its fed value (0 or 1) is `training`."""
    from numkeras.models import Model

    wrap_inputs = isinstance(inputs, (list, tuple))
    inputs = list(inputs) if wrap_inputs else [inputs]
    phase_at = [i for i, t in enumerate(inputs) if isinstance(t, _LearningPhase)]
    tensors = [t for i, t in enumerate(inputs) if i not in phase_at]
    if any(isinstance(t, (list, tuple)) and not t for t in tensors):
        # class_activation_maps.py's K.function([model.layers[0].input], ...)
        raise ConfigError(
            "K.function received [] as an input: an InputLayer's `input` is [] in Keras 3 "
            "(Keras 2 gave its tensor). Pass `model.input` (or `model.inputs[i]`, or the "
            "InputLayer's `output`)."
        )
    wrap_outputs = isinstance(outputs, (list, tuple))
    model = Model(tensors, list(outputs) if wrap_outputs else outputs)

    def keras2_function(values):
        values = list(values) if wrap_inputs else [values]
        if len(values) != len(inputs):
            raise ShapeError(
                f"This function takes {len(inputs)} input(s) (as listed in K.function); "
                f"received {len(values)}. Pass one array per input, in a list."
            )
        training = bool(values[phase_at[0]]) if phase_at else bool(_phase["value"])
        arrays = [v for i, v in enumerate(values) if i not in phase_at]
        result = model(arrays if len(arrays) > 1 else arrays[0], training=training)
        if wrap_outputs:
            result = result if isinstance(result, (list, tuple)) else [result]
            return [backend.to_numpy(r) for r in result]
        return backend.to_numpy(result)

    return keras2_function


def _print_tensor(x, message=""):
    """Keras 2's `K.print_tensor`: print `message` and the values, return `x` unchanged."""
    print(message, _eval(x))
    return x


def _bias_add(x, bias, data_format=None):
    """Keras 2's `K.bias_add`: `bias` (one value per channel) added along the channel axis
    (the last one, or axis 1 for `data_format="channels_first"`)."""
    data_format = data_format or backend.image_data_format()
    if data_format not in ("channels_first", "channels_last"):
        raise ConfigError(
            f"Unknown data_format: {data_format!r}; expected 'channels_last' or 'channels_first'."
        )
    if data_format == "channels_first" and _ndim(x) > 2 and _ndim(bias) == 1:
        bias = _ops().reshape(bias, (1, -1) + (1,) * (_ndim(x) - 2))
    return _ops().add(x, bias)


def _placeholder(shape=None, ndim=None, dtype=None, name=None):
    """Keras 2's `K.placeholder`: a symbolic input of exactly `shape` (batch axis included)."""
    from numkeras.layers import Input

    if shape is None:
        if ndim is None:
            # (tf_keras gives a tensor of unknown rank there; numkeras's inputs need one)
            raise ConfigError(
                "K.placeholder needs `shape` or `ndim`; received neither. Pass e.g. "
                "shape=(None, 3) or ndim=2."
            )
        shape = (None,) * ndim
    return Input(batch_shape=tuple(shape), dtype=dtype or backend.floatx(), name=name)


def _batch_normalization(x, mean, var, beta, gamma, epsilon=0.001):
    """Keras 2's `K.batch_normalization`: `(x - mean) / sqrt(var + epsilon) * gamma + beta`
    (None `beta` / `gamma`: 0 / 1)."""
    ops = _ops()
    y = ops.divide(ops.subtract(x, mean), ops.sqrt(ops.add(var, epsilon)))
    if gamma is not None:
        y = ops.multiply(y, gamma)
    return y if beta is None else ops.add(y, beta)


def _resize_images(x, height_factor, width_factor, data_format, interpolation="nearest"):
    """Keras 2's `K.resize_images` by whole factors: nearest neighbour repeats each pixel
    (as `UpSampling2D`); the others resize as TensorFlow's `tf.image.resize` (half-pixel
    centres, no antialiasing), which `ops.image.resize` matches."""
    if data_format not in ("channels_first", "channels_last"):
        raise ConfigError(
            f"Invalid `data_format` argument: expected 'channels_last' or 'channels_first'; "
            f"received {data_format!r}."
        )
    if interpolation == "nearest":
        return _repeat_spatial(x, (height_factor, width_factor), data_format)
    from numkeras.layers.image_utils import RESIZE_INTERPOLATIONS

    if interpolation not in RESIZE_INTERPOLATIONS:
        # (TensorFlow's "area", "gaussian" and "mitchellcubic" have no Keras 3 equivalent)
        choices = ", ".join(repr(name) for name in RESIZE_INTERPOLATIONS)
        raise ConfigError(
            f"K.resize_images: `interpolation` should be one of {choices} here; received "
            f"{interpolation!r}. (TensorFlow's 'area', 'gaussian' and 'mitchellcubic' have no "
            "Keras 3 equivalent: pick the nearest of those.)"
        )
    rows, cols = (2, 3) if data_format == "channels_first" else (1, 2)
    size = (int(x.shape[rows]) * int(height_factor), int(x.shape[cols]) * int(width_factor))
    return _ops().image.resize(
        x, size, interpolation=interpolation, antialias=False, data_format=data_format
    )


def _map_fn(fn, elems):
    """Keras 2's `K.map_fn`: `fn` on each slice along axis 0, the results stacked."""
    return _ops().stack([fn(elems[i]) for i in range(elems.shape[0])], axis=0)


def _fold(fn, elems, initializer, reverse: bool):
    """Keras 2's `K.foldl` / `K.foldr`: `acc = fn(acc, x)` over the slices along axis 0."""
    items = [elems[i] for i in range(elems.shape[0])]
    if reverse:
        items = items[::-1]
    if initializer is None:
        acc, items = items[0], items[1:]
    else:
        acc = initializer
    for item in items:
        acc = fn(acc, item)
    return acc


class _LearningPhaseScope:
    """Keras 2's `with K.learning_phase_scope(1):`: `K.learning_phase()` reads `value`
    inside the block, and what it read before after it."""

    def __init__(self, value):
        if value not in (0, 1):
            raise ConfigError(f"Expected learning phase to be 0 or 1; received {value!r}.")
        self.value = int(value)
        self._before = None

    def __enter__(self):
        self._before = _phase["value"]
        _phase["value"] = self.value
        return self.value

    def __exit__(self, *exc) -> None:
        _phase["value"] = self._before


class _NameScope:
    """Keras 2's `K.name_scope(name)`: a context manager (names are not scoped here)."""

    def __init__(self, name: str):
        self.name = name

    def __enter__(self):
        return self.name

    def __exit__(self, *exc) -> None:
        return None


def _reset_uids() -> None:
    from numkeras.utils.naming import reset_uids

    reset_uids()


def _gradients():
    # tf_keras 2.x (eager TensorFlow) raises this RuntimeError too
    raise RuntimeError(
        "K.gradients is the Keras 2 graph-mode gradient (tf.gradients), which Keras 2 itself "
        "no longer supports under eager execution. Use numkeras.GradientTape: `with "
        "GradientTape() as tape: loss = ...; grads = tape.gradient(loss, variables)`."
    )


FUNCTIONS = {name: _noted(name, repl, fn) for name, (repl, fn) in {**_TABLE, **_TABLE_MORE}.items()}


def keras2_mean(x, axis=None, keepdims=False):
    """Keras 2's `K.mean` (what `backend.mean` does outside numkeras's own fast path)."""
    return _ops().mean(x, axis, keepdims)

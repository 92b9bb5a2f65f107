"""Loss functions on symbolic tensors: Keras 2's VAE example builds its loss from the
model's tensors (`binary_crossentropy(inputs, outputs) * original_dim`, then
`vae.add_loss(...)`), so a loss's function form given an `Input` or a layer's output
records the per-sample loss with `numkeras.ops` (differentiable, as the model's other
operations), with Keras 3's formulas. On arrays the functions run as before."""

from __future__ import annotations

import functools

from numkeras import backend


def _same_rank(y_true, y_pred):
    """Keras's `squeeze_or_expand_to_same_rank` for a rank gap of one (a trailing 1)."""
    from numkeras import ops

    if len(y_true.shape) == len(y_pred.shape) + 1 and y_true.shape[-1] == 1:
        return ops.squeeze(y_true, axis=-1), y_pred
    if len(y_pred.shape) == len(y_true.shape) + 1 and y_pred.shape[-1] == 1:
        return y_true, ops.squeeze(y_pred, axis=-1)
    return y_true, y_pred


def _pair(y_true, y_pred, same_rank=True):
    from numkeras import ops

    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    return _same_rank(y_true, y_pred) if same_rank else (y_true, y_pred)


def _hinge_labels(y_true):
    # Keras's convert_binary_labels_to_hinge: 0/1 labels become -1/1
    from numkeras import ops

    is_binary = ops.all(ops.logical_or(ops.equal(y_true, 0), ops.equal(y_true, 1)))
    return ops.where(is_binary, 2.0 * y_true - 1.0, y_true)


def mean_squared_error(y_true, y_pred):
    from numkeras import ops

    y_true, y_pred = _pair(y_true, y_pred)
    return ops.mean(ops.square(y_true - y_pred), axis=-1)


def mean_absolute_error(y_true, y_pred):
    from numkeras import ops

    y_true, y_pred = _pair(y_true, y_pred)
    return ops.mean(ops.abs(y_true - y_pred), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    from numkeras import ops

    y_true, y_pred = _pair(y_true, y_pred)
    diff = ops.abs((y_true - y_pred) / ops.maximum(ops.abs(y_true), backend.epsilon()))
    return 100.0 * ops.mean(diff, axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    from numkeras import ops

    y_true, y_pred = _pair(y_true, y_pred)
    first_log = ops.log(ops.maximum(y_pred, backend.epsilon()) + 1.0)
    second_log = ops.log(ops.maximum(y_true, backend.epsilon()) + 1.0)
    return ops.mean(ops.square(first_log - second_log), axis=-1)


def kl_divergence(y_true, y_pred):
    from numkeras import ops

    y_true, y_pred = _pair(y_true, y_pred, same_rank=False)
    y_true = ops.clip(y_true, backend.epsilon(), 1)
    y_pred = ops.clip(y_pred, backend.epsilon(), 1)
    return ops.sum(y_true * ops.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    from numkeras import ops

    y_true, y_pred = _pair(y_true, y_pred, same_rank=False)
    return ops.mean(y_pred - y_true * ops.log(y_pred + backend.epsilon()), axis=-1)


def hinge(y_true, y_pred):
    from numkeras import ops

    y_true, y_pred = _pair(y_true, y_pred, same_rank=False)
    return ops.mean(ops.maximum(1.0 - _hinge_labels(y_true) * y_pred, 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    from numkeras import ops

    y_true, y_pred = _pair(y_true, y_pred, same_rank=False)
    margin = ops.maximum(1.0 - _hinge_labels(y_true) * y_pred, 0.0)
    return ops.mean(ops.square(margin), axis=-1)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    from numkeras import ops

    y_true, y_pred = _pair(y_true, y_pred, same_rank=False)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    values = ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits)
    return ops.mean(values, axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    from numkeras import ops

    y_true, y_pred = _pair(y_true, y_pred, same_rank=False)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_pred.shape[axis]
    return ops.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    from numkeras import ops

    if ignore_class is not None:
        raise NotImplementedError(
            "sparse_categorical_crossentropy(ignore_class=...) on symbolic tensors is not "
            "supported; pass it to the SparseCategoricalCrossentropy loss in compile()."
        )
    if len(y_true.shape) == len(y_pred.shape) and y_true.shape[axis] == 1:
        y_true = ops.squeeze(y_true, axis=axis)
    return ops.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def symbolic_form(fn):
    """Run `fn` (a loss's function form) on arrays, and its recorded form above when
    `y_true` or `y_pred` is a symbolic tensor."""
    recorded = globals()[fn.__name__]

    @functools.wraps(fn)
    def loss_function(y_true, y_pred, *args, **kwargs):
        if backend.is_keras_tensor(y_true) or backend.is_keras_tensor(y_pred):
            return recorded(y_true, y_pred, *args, **kwargs)
        return fn(y_true, y_pred, *args, **kwargs)

    return loss_function

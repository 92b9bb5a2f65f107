"""`resolve`: turn one entry of `compile(metrics=[...])` into a `Metric`, as Keras 3 does.

`"accuracy"`/`"acc"` become Binary-, Sparse- or CategoricalAccuracy by Keras 3's shape rule
(`keras/src/trainers/compile_utils.py` `get_metric`): binary when y_pred's last axis is 1,
sparse when y_true has lower rank or ends in 1 while y_pred does not. The metric keeps the
user's spelling as its name, so History has `'accuracy'` or `'acc'` as written.

>>> resolve("accuracy", "binary_crossentropy", (32, 1), (32, 1))
BinaryAccuracy(name='accuracy')
>>> resolve("acc", None, (32,), (32, 10))
SparseCategoricalAccuracy(name='acc')
>>> resolve("mse", None, (32, 1), (32, 1)).name
'mse'
"""

from __future__ import annotations

import inspect

from numkeras.losses.resolve import is_binary_or_sparse_categorical
from numkeras.utils.naming import to_snake_case

# The metric names compile resolves by the model's outputs and targets (Keras 3's rule)
SHAPE_RESOLVED_NAMES = frozenset(("accuracy", "acc", "crossentropy", "ce"))


def _loss_from_logits(loss) -> bool:
    if loss is None or isinstance(loss, str):
        return False
    resolved = getattr(loss, "resolved", None)  # a ShapeDependentCrossentropy
    return bool(getattr(resolved or loss, "from_logits", False))


def resolve(identifier, loss=None, y_true_shape=None, y_pred_shape=None):
    """The `Metric` for `identifier`, given the compiled `loss` and one batch's shapes.

    Beyond Keras 3 (documented deviations):

    * a rank-1 y_pred `(N,)` resolves `"accuracy"` to BinaryAccuracy (Keras's rule would
      read the batch axis as classes and take an argmax across samples);
    * with a `from_logits=True` loss, binary accuracy thresholds at 0 (the logit of 0.5)
      instead of 0.5, and `"crossentropy"` takes the loss's `from_logits`;
    * `"crossentropy"`/`"ce"` are accepted as metrics (Keras accepts them only as losses).
    """
    from numkeras import metrics

    if isinstance(identifier, str) and identifier.lower() in SHAPE_RESOLVED_NAMES:
        pred = tuple(y_pred_shape) if y_pred_shape is not None else (None, 1)
        true = tuple(y_true_shape) if y_true_shape is not None else pred
        is_binary, is_sparse = is_binary_or_sparse_categorical(true, pred)
        is_binary = is_binary or len(pred) <= 1
        from_logits = _loss_from_logits(loss)
        if identifier.lower() in ("accuracy", "acc"):
            if is_binary:
                return metrics.BinaryAccuracy(
                    name=identifier, threshold=0.0 if from_logits else 0.5
                )
            if is_sparse:
                return metrics.SparseCategoricalAccuracy(name=identifier)
            return metrics.CategoricalAccuracy(name=identifier)
        if is_binary:
            return metrics.BinaryCrossentropy(name=identifier, from_logits=from_logits)
        if is_sparse:
            return metrics.SparseCategoricalCrossentropy(name=identifier, from_logits=from_logits)
        return metrics.CategoricalCrossentropy(name=identifier, from_logits=from_logits)

    if isinstance(identifier, metrics.Metric):
        return identifier
    if inspect.isclass(identifier) or isinstance(identifier, dict):
        return metrics.get(identifier)
    if isinstance(identifier, str):
        metric = metrics.get(identifier)
        metric.name = identifier
        return metric
    if callable(identifier):
        name = to_snake_case(getattr(identifier, "__name__", type(identifier).__name__))
        return metrics.MeanMetricWrapper(identifier, name=name)
    return metrics.get(identifier)  # raises the ConfigError

"""Accuracy metrics and their function forms (Keras 3 semantics).

Targets are checked before comparing: one-hot targets given to a sparse metric (or integer
labels given to a categorical one) raise a `ShapeError` naming the right metric, where Keras
would silently compare the wrong things.

>>> import numpy as np
>>> m = SparseCategoricalAccuracy()
>>> m.update_state([2, 1], [[0.1, 0.2, 0.7], [0.6, 0.3, 0.1]])
>>> m.update_state([0], [[0.9, 0.05, 0.05]])
>>> round(m.result(), 4)
0.6667
"""

from __future__ import annotations

from numkeras import backend
from numkeras.backend import fused
from numkeras.errors import IncompatibleShapesError, ShapeError, format_shape
from numkeras.losses.loss import squeeze_or_expand_to_same_rank
from numkeras.metrics.reduction import MeanMetricWrapper


def _floatx_equal(a, b):
    return (a == b).astype(backend.floatx())


def _same_shape(metric: str, y_true, y_pred, hint: str = "") -> None:
    if y_true.shape != y_pred.shape:
        # (the same rank: JAX's TypeError when Keras computes with them, else ValueError)
        error = IncompatibleShapesError if y_true.ndim == y_pred.ndim else ShapeError
        raise error(
            f"Metric '{metric}' got y_true with shape {format_shape(y_true.shape)} and y_pred "
            f"with shape {format_shape(y_pred.shape)}; it needs the same shape (a trailing "
            f"axis of size 1 may differ). {hint}".rstrip()
        )


_ONE_HOT_HINT = (
    "y_true looks like integer class labels: use the sparse_ version of this metric "
    "(or metrics=['accuracy'], which picks it), or one-hot encode with "
    "numkeras.utils.to_categorical."
)


def _sparse_labels(metric: str, y_true, y_pred_shape: tuple):
    """Labels of shape `y_pred_shape[:-1]` (a trailing 1 squeezed), or a `ShapeError`."""
    xp = backend.xp
    expected = tuple(y_pred_shape[:-1])
    if y_true.ndim == len(y_pred_shape) and y_true.shape[-1] == 1:
        y_true = xp.squeeze(y_true, -1)
    if tuple(y_true.shape) != expected:
        hint = ""
        if tuple(y_true.shape) == tuple(y_pred_shape):
            hint = (
                " y_true has the same shape as y_pred, so it looks one-hot encoded: use the "
                "categorical_ version of this metric, or pass y.argmax(axis=-1)."
            )
        # (another batch size: Keras computes with them and JAX raises a TypeError)
        batch_differs = y_true.ndim >= 1 and len(expected) >= 1 and y_true.shape[0] != expected[0]
        raise (IncompatibleShapesError if batch_differs else ShapeError)(
            f"Metric '{metric}' got y_true with shape {format_shape(y_true.shape)} and y_pred "
            f"with shape {format_shape(y_pred_shape)}; it needs integer class labels of shape "
            f"{format_shape(expected)}.{hint}"
        )
    return y_true


def in_top_k(targets, predictions, k: int):
    """Whether each target scores among the `k` largest (ties count in its favour, NaN never)."""
    xp = backend.xp
    n_classes = predictions.shape[-1]
    if targets.size and (int(targets.min()) < 0 or int(targets.max()) >= n_classes):
        raise ShapeError(
            f"Class labels must be in [0, {n_classes - 1}] (y_pred has {n_classes} classes); "
            f"found values in [{int(targets.min())}, {int(targets.max())}]."
        )
    at_label = xp.take_along_axis(predictions, targets[..., None], axis=-1)
    at_label = xp.where(xp.isnan(at_label), -xp.inf, at_label)
    rank = 1 + xp.sum(predictions > at_label, axis=-1)
    return rank <= k


def accuracy(y_true, y_pred):
    """1.0 where `y_true == y_pred` exactly.

    >>> accuracy([1, 2, 3], [1, 2, 4]).tolist()
    [1.0, 1.0, 0.0]
    """
    y_pred = backend.cast_input(y_pred)
    y_true = backend.cast_input(y_true, y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    _same_shape("accuracy", y_true, y_pred)
    return _floatx_equal(y_true, y_pred)


def binary_accuracy(y_true, y_pred, threshold: float = 0.5):
    """1.0 where `(y_pred > threshold) == y_true`.

    Targets are compared exactly, as in Keras: a smoothed label such as 0.9 never matches.

    >>> binary_accuracy([1, 0], [0.6, 0.7]).tolist()
    [1.0, 0.0]
    """
    y_pred = backend.cast_input(y_pred)
    y_true = backend.cast_input(y_true, y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    _same_shape("binary_accuracy", y_true, y_pred)
    return _floatx_equal(y_true, (y_pred > threshold).astype(y_true.dtype))


def categorical_accuracy(y_true, y_pred):
    """1.0 where `argmax(y_true) == argmax(y_pred)` (one-hot targets).

    >>> categorical_accuracy([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.0], [0.05, 0.95, 0]]).tolist()
    [0.0, 1.0]
    """
    xp = backend.xp
    y_pred = backend.cast_input(y_pred)
    y_true = backend.cast_input(y_true, y_pred.dtype)
    _same_shape("categorical_accuracy", y_true, y_pred, _ONE_HOT_HINT)
    return _floatx_equal(xp.argmax(y_true, axis=-1), xp.argmax(y_pred, axis=-1))


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where `y_true == argmax(y_pred)` (integer labels).

    >>> sparse_categorical_accuracy([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]]).tolist()
    [0.0, 1.0]
    """
    xp = backend.xp
    y_pred = backend.cast_input(y_pred)
    y_true = _sparse_labels(
        "sparse_categorical_accuracy", backend.cast_input(y_true, y_pred.dtype), y_pred.shape
    )
    return _floatx_equal(y_true, xp.argmax(y_pred, axis=-1).astype(y_true.dtype))


def top_k_categorical_accuracy(y_true, y_pred, k: int = 5):
    """1.0 where the one-hot target's class is among the `k` highest predictions.

    >>> top_k_categorical_accuracy([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]],
    ...                            k=2).tolist()
    [1.0, 1.0]
    """
    xp = backend.xp
    y_pred = backend.cast_input(y_pred)
    y_true = backend.cast_input(y_true, y_pred.dtype)
    _same_shape("top_k_categorical_accuracy", y_true, y_pred, _ONE_HOT_HINT)
    labels = xp.argmax(y_true, axis=-1)
    return in_top_k(labels, y_pred, k).astype(backend.floatx())


def sparse_top_k_categorical_accuracy(y_true, y_pred, k: int = 5, from_sorted_ids: bool = False):
    """1.0 where the integer label is among the `k` highest predictions.

    With `from_sorted_ids=True`, `y_pred` holds class ids sorted by score (best first).

    >>> sparse_top_k_categorical_accuracy([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]], k=1).tolist()
    [0.0, 1.0]
    """
    xp = backend.xp
    y_pred = backend.cast_input(y_pred)
    raw = xp.asarray(y_true)
    if from_sorted_ids:
        labels = raw.astype(y_pred.dtype)
        if labels.ndim == y_pred.ndim and labels.shape[-1] == 1:
            labels = xp.squeeze(labels, -1)
        if labels.shape != tuple(y_pred.shape[:-1]):
            raise IncompatibleShapesError(
                "Metric 'sparse_top_k_categorical_accuracy' got y_true with shape "
                f"{format_shape(raw.shape)} and sorted class ids with shape "
                f"{format_shape(y_pred.shape)}; it needs one label per row of ids."
            )
        matches = xp.any(labels[..., None] == y_pred[..., :k], axis=-1)
    else:
        labels = _sparse_labels("sparse_top_k_categorical_accuracy", raw, y_pred.shape)
        matches = in_top_k(labels.astype("int64"), y_pred, k)  # Keras truncates to int32
    return matches.astype(backend.floatx())


class Accuracy(MeanMetricWrapper):
    """How often predictions equal targets exactly.

    >>> Accuracy()([[1], [2], [3], [4]], [[0], [2], [3], [4]])
    0.75
    """

    _direction = "up"

    def __init__(self, name: str = "accuracy", dtype=None):
        super().__init__(accuracy, name=name, dtype=dtype)

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class BinaryAccuracy(MeanMetricWrapper):
    """How often `y_pred > threshold` matches the 0/1 target.

    >>> BinaryAccuracy()([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
    0.75
    """

    _direction = "up"

    def __init__(self, name: str = "binary_accuracy", dtype=None, threshold: float = 0.5):
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "threshold": self.threshold}


class CategoricalAccuracy(MeanMetricWrapper):
    """How often `argmax(y_pred)` matches the one-hot target.

    >>> CategoricalAccuracy()([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    0.5
    """

    _direction = "up"

    def __init__(self, name: str = "categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often `argmax(y_pred)` matches the integer label.

    >>> SparseCategoricalAccuracy()([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
    0.5
    """

    _direction = "up"

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        # A training batch (2-D scores, integer labels, no weights) in one fused pass: the
        # hits are counted exactly, so the result is the same as the general code's.
        hits = None
        if sample_weight is None:
            hits = _fused_hits(y_true, y_pred, self.dtype)
        if hits is None:
            super().update_state(y_true, y_pred, sample_weight)
        else:
            self.total += float(hits)
            self.count += len(y_pred)

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


def _fused_hits(y_true, y_pred, dtype: str):
    """How many integer labels equal argmax(y_pred) by the fused kernel, or None when it
    cannot take these arrays (the general code then runs)."""
    labels = fused.row_labels(y_true, y_pred)
    if labels is None or y_pred.dtype != dtype:
        return None
    return fused.run("sparse_argmax_hits", y_pred, labels)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot target is among the top `k` predictions.

    >>> TopKCategoricalAccuracy(k=1)([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    0.5
    """

    _direction = "up"

    def __init__(self, k: int = 5, name: str = "top_k_categorical_accuracy", dtype=None):
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "k": self.k}


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the top `k` predictions.

    >>> SparseTopKCategoricalAccuracy(k=1)([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    0.5
    """

    _direction = "up"

    def __init__(
        self,
        k: int = 5,
        name: str = "sparse_top_k_categorical_accuracy",
        dtype=None,
        from_sorted_ids: bool = False,
    ):
        super().__init__(
            sparse_top_k_categorical_accuracy,
            name=name,
            dtype=dtype,
            k=k,
            from_sorted_ids=from_sorted_ids,
        )
        self.k = k
        self.from_sorted_ids = from_sorted_ids

    def get_config(self) -> dict:
        config = {"name": self.name, "dtype": self.dtype, "k": self.k}
        if self.from_sorted_ids:
            config["from_sorted_ids"] = True
        return config

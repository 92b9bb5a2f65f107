"""Confusion-matrix metrics: Precision, Recall, and TP/FP/TN/FN counts, at thresholds.

A prediction is positive when it is *strictly greater* than the threshold; a target is
positive when it is non-zero. `update_confusion_matrix` is shared with `AUC` and follows
Keras's `metrics_utils.update_confusion_matrix_variables`, including its bucketed fast path
for evenly spaced thresholds.

>>> m = Precision()
>>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
>>> round(m.result(), 4)
0.6667
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.errors import (
    ConfigError,
    IncompatibleShapesError,
    LabelRangeError,
    ShapeError,
    format_shape,
)
from numkeras.losses.loss import squeeze_or_expand_to_same_rank
from numkeras.metrics.metric import Metric

NEG_INF = -1e10  # Keras's stand-in score for predictions outside the top k


def parse_thresholds(thresholds, default: float) -> list[float]:
    """`thresholds` as a list of floats in [0, 1] (`None` -> `[default]`)."""
    if thresholds is None:
        return [default]
    values = list(thresholds) if isinstance(thresholds, (list, tuple, np.ndarray)) else [thresholds]
    for t in values:
        if not 0.0 <= float(t) <= 1.0:
            raise ConfigError(f"Threshold values must be in [0, 1]. Received: {values}")
    return [float(t) for t in values]


def is_evenly_distributed(thresholds) -> bool:
    """True for `[0, 1/(n-1), ..., 1]` (n >= 3), which enables the bucketed fast path."""
    n = len(thresholds)
    if n < 3:
        return False
    even = np.arange(n, dtype=np.float32) / (n - 1)
    return bool(np.allclose(thresholds, even, atol=backend.epsilon()))


def _filter_top_k(x, k: int):
    """Keep the k highest scores per row; set the rest to NEG_INF (ties: lowest index wins)."""
    xp = backend.xp
    stable = {"kind": "stable"} if xp is np else {}  # CuPy's sort is always stable
    order = xp.argsort(-x, axis=-1, **stable)
    rank = xp.argsort(order, axis=-1, **stable)  # position of each entry in the ranking
    return xp.where(rank < k, x, xp.asarray(NEG_INF, x.dtype))


def update_confusion_matrix(
    counts: dict,
    y_true,
    y_pred,
    thresholds,
    top_k: int | None = None,
    class_id: int | None = None,
    sample_weight=None,
    multi_label: bool = False,
    label_weights=None,
    thresholds_distributed_evenly: bool = False,
) -> None:
    """Add this batch's weighted counts to `counts` (keys among 'tp', 'fp', 'tn', 'fn'),
    arrays of shape `(num_thresholds,)`, or `(num_thresholds, num_labels)` if `multi_label`."""
    xp = backend.xp
    dtype = "float32"
    y_true = backend.cast_input(y_true, dtype)
    y_pred = backend.cast_input(y_pred, dtype)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if y_true.shape != y_pred.shape:
        # (the same rank: Keras computes with them and JAX raises a TypeError, else ValueError)
        error = IncompatibleShapesError if y_true.ndim == y_pred.ndim else ShapeError
        raise error(
            f"y_true with shape {format_shape(y_true.shape)} does not match y_pred with shape "
            f"{format_shape(y_pred.shape)}; confusion-matrix metrics compare them elementwise."
        )
    if sample_weight is not None:
        sample_weight = xp.expand_dims(backend.cast_input(sample_weight, dtype), -1)
        _, sample_weight = squeeze_or_expand_to_same_rank(y_true, sample_weight, False)
        try:
            sample_weight = xp.broadcast_to(sample_weight, y_pred.shape)
        except ValueError:
            raise ShapeError(
                f"sample_weight with shape {format_shape(sample_weight.shape)} cannot be matched "
                f"to y_pred with shape {format_shape(y_pred.shape)}; pass one weight per sample."
            ) from None
    classes = y_pred.shape[-1] if y_pred.ndim else 1
    if top_k is not None:
        if top_k > classes:  # (Keras's top_k raises ValueError there)
            raise ShapeError(
                f"top_k={top_k} asks for more classes than y_pred has: its shape is "
                f"{format_shape(y_pred.shape)}, {classes} per sample. Use top_k <= {classes}."
            )
        y_pred = _filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim == 1:
            raise ShapeError(
                "When class_id is provided, y_pred must be a 2D array with shape "
                f"(num_samples, num_classes); found shape {format_shape(y_pred.shape)}."
            )
        if not -classes <= class_id < classes:  # (Keras on JAX silently reads the last one)
            raise LabelRangeError(
                f"class_id={class_id} is out of range for y_pred with shape "
                f"{format_shape(y_pred.shape)} ({classes} classes: ids 0 to {classes - 1})."
            )
        y_true, y_pred = y_true[..., class_id, None], y_pred[..., class_id, None]
        if sample_weight is not None:
            sample_weight = sample_weight[..., class_id, None]
    weights = sample_weight
    if label_weights is not None and not multi_label:
        lw = xp.broadcast_to(xp.asarray(label_weights, dtype)[None], y_pred.shape)
        weights = lw if weights is None else weights * lw
    thresholds = np.asarray(thresholds, dtype=np.float32)
    if thresholds_distributed_evenly:
        with_eps = bool(thresholds[0] < 0.0 or thresholds[-1] > 1.0)
        _update_bucketed(counts, y_true, y_pred, len(thresholds), weights, multi_label, with_eps)
    else:
        _update_tiled(counts, y_true, y_pred, xp.asarray(thresholds), weights, multi_label)


def _update_tiled(counts, y_true, y_pred, thresholds, weights, multi_label):
    """Compare every prediction with every threshold: `(T, M)` or `(T, N, L)` booleans."""
    xp = backend.xp
    if multi_label:
        preds, labels = y_pred[None], y_true[None].astype(bool)
        thr = thresholds.reshape(-1, 1, 1)
        w = None if weights is None else weights[None]
        axes = 1
    else:
        preds, labels = y_pred.reshape(1, -1), y_true.reshape(1, -1).astype(bool)
        thr = thresholds.reshape(-1, 1)
        w = None if weights is None else weights.reshape(1, -1)
        axes = 1
    pred_pos = preds > thr
    conditions = {
        "tp": lambda: labels & pred_pos,
        "fp": lambda: ~labels & pred_pos,
        "tn": lambda: ~labels & ~pred_pos,
        "fn": lambda: labels & ~pred_pos,
    }
    for key, acc in counts.items():
        hit = conditions[key]()
        summed = xp.sum(hit, axis=axes) if w is None else xp.sum(xp.where(hit, w, 0), axis=axes)
        acc += summed


def _update_bucketed(counts, y_true, y_pred, num_thresholds, weights, multi_label, with_eps):
    """Keras's fast path: bucket each prediction once, then reverse-cumsum the buckets."""
    xp = backend.xp
    y_pred = xp.clip(y_pred, 0.0, 1.0)
    positive = (y_true != 0).astype(y_pred.dtype)
    w = xp.ones_like(y_pred) if weights is None else weights
    if not multi_label:
        y_pred, positive, w = y_pred.reshape(-1), positive.reshape(-1), w.reshape(-1)
    true_w, false_w = positive * w, (1 - positive) * w
    buckets = xp.ceil(y_pred * xp.float32(num_thresholds - 1)) - 1
    if with_eps:
        buckets = xp.maximum(buckets, 0)
    buckets = buckets.astype("int64")
    keep = (buckets >= 0) & (buckets < num_thresholds)  # JAX's segment_sum drops the rest
    if multi_label:
        n_labels = y_pred.shape[-1]
        flat = (buckets + num_thresholds * xp.arange(n_labels))[keep]
        size = num_thresholds * n_labels

        def bucket_sums(v):
            sums = xp.bincount(flat, weights=v[keep], minlength=size)
            return sums.reshape(n_labels, num_thresholds).T

        total_axis = 0
    else:

        def bucket_sums(v):
            return xp.bincount(buckets[keep], weights=v[keep], minlength=num_thresholds)

        total_axis = None
    tp = xp.flip(xp.cumsum(xp.flip(bucket_sums(true_w), 0), axis=0), 0)
    fp = xp.flip(xp.cumsum(xp.flip(bucket_sums(false_w), 0), axis=0), 0)
    if "tp" in counts:
        counts["tp"] += tp
    if "fp" in counts:
        counts["fp"] += fp
    if "tn" in counts:
        counts["tn"] += xp.sum(false_w, axis=total_axis, dtype="float64") - fp
    if "fn" in counts:
        counts["fn"] += xp.sum(true_w, axis=total_axis, dtype="float64") - tp


# Keras's variable names for the confusion-matrix cells
CELL_NAMES = {
    "tp": "true_positives",
    "fp": "false_positives",
    "tn": "true_negatives",
    "fn": "false_negatives",
}


def _divide_no_nan(a, b):
    xp = backend.xp
    return xp.where(b != 0, a / xp.where(b != 0, b, 1), 0.0)


class _ThresholdMetric(Metric):
    """Shared state for metrics that count confusion-matrix cells at thresholds."""

    _cells: tuple[str, ...] = ()

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default = 0.5 if top_k is None else NEG_INF
        self.thresholds = [default] if thresholds is None else parse_thresholds(thresholds, default)
        self._evenly = is_evenly_distributed(self.thresholds)
        # the counts are the variables' arrays: `update_confusion_matrix` adds in place
        self._counts = {
            c: self.add_variable(
                (len(self.thresholds),), "zeros", dtype="float64", name=self._variable_name(c)
            ).value
            for c in self._cells
        }

    def _variable_name(self, cell: str) -> str:
        return CELL_NAMES[cell]

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        update_confusion_matrix(
            self._counts,
            y_true,
            y_pred,
            self.thresholds,
            top_k=self.top_k,
            class_id=self.class_id,
            sample_weight=sample_weight,
            thresholds_distributed_evenly=self._evenly,
        )

    def _finish(self, values):
        if len(self.thresholds) == 1:
            return float(values[0])
        return backend.xp.asarray(values, dtype=self.dtype)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "thresholds": self.init_thresholds,
            "top_k": self.top_k,
            "class_id": self.class_id,
        }


class Precision(_ThresholdMetric):
    """`true_positives / (true_positives + false_positives)`, per threshold.

    Args:
        thresholds: A float or list of floats in [0, 1] (default 0.5, or none with `top_k`).
        top_k: Only the k highest-scoring classes of each sample count as predicted positive.
        class_id: Only this class (column) counts.
        name, dtype: See `Metric`.

    >>> Precision(thresholds=[0.3, 0.7])([0, 1, 1, 1], [0.5, 0.4, 0.8, 0.9]).tolist()
    [0.75, 1.0]
    """

    _direction = "up"

    _cells = ("tp", "fp")

    def result(self):
        tp, fp = self._counts["tp"], self._counts["fp"]
        return self._finish(_divide_no_nan(tp, tp + fp))


class Recall(_ThresholdMetric):
    """`true_positives / (true_positives + false_negatives)`, per threshold.

    Args: as `Precision`.

    >>> round(Recall()([0, 1, 1, 1], [1, 0, 1, 1]), 4)
    0.6667
    """

    _direction = "up"

    _cells = ("tp", "fn")

    def result(self):
        tp, fn = self._counts["tp"], self._counts["fn"]
        return self._finish(_divide_no_nan(tp, tp + fn))


class _CellCount(_ThresholdMetric):
    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(thresholds=thresholds, name=name, dtype=dtype)

    def _variable_name(self, cell: str) -> str:
        return "accumulator"  # Keras's name for a single count

    def result(self):
        return self._finish(self._counts[self._cells[0]])

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "thresholds": self.init_thresholds}


class TruePositives(_CellCount):
    """Weighted count of positive targets predicted positive (`y_pred > threshold`).

    >>> TruePositives()([0, 1, 1, 1], [1, 0, 1, 1])
    2.0
    """

    _cells = ("tp",)


class FalsePositives(_CellCount):
    """Weighted count of negative targets predicted positive.

    >>> FalsePositives()([0, 1, 0, 0], [0, 0, 1, 1])
    2.0
    """

    _cells = ("fp",)


class TrueNegatives(_CellCount):
    """Weighted count of negative targets predicted negative.

    >>> TrueNegatives()([0, 1, 0, 0], [1, 1, 0, 0])
    2.0
    """

    _cells = ("tn",)


class FalseNegatives(_CellCount):
    """Weighted count of positive targets predicted negative.

    >>> FalseNegatives()([0, 1, 1, 1], [0, 1, 0, 0])
    2.0
    """

    _cells = ("fn",)


class _SensitivitySpecificityBase(Metric):
    """The four confusion-matrix counts at `num_thresholds` evenly spaced thresholds in
    [0, 1] (Keras's `SensitivitySpecificityBase`), and the constrained maximum over them."""

    _direction = "up"

    _value_name = ""  # the constraint's argument name ("recall", "precision", ...)

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        if not 0 <= value <= 1:
            raise ConfigError(
                f"Argument `{self._value_name}` must be in the range [0, 1]. Received: "
                f"{self._value_name}={value}"
            )
        if isinstance(num_thresholds, bool) or int(num_thresholds) != num_thresholds:
            raise ConfigError(
                f"Argument `num_thresholds` must be an integer. Received: {num_thresholds!r}"
            )
        if num_thresholds <= 0:
            raise ConfigError(
                "Argument `num_thresholds` must be an integer > 0. Received: "
                f"num_thresholds={num_thresholds}"
            )
        super().__init__(name=name, dtype=dtype)
        self.value = value
        self.num_thresholds = int(num_thresholds)
        self.class_id = class_id
        n = self.num_thresholds
        if n == 1:
            self.thresholds = [0.5]
            self._evenly = False
        else:
            inner = [(i + 1) * 1.0 / (n - 1) for i in range(n - 2)]
            self.thresholds = [0.0] + inner + [1.0]
            self._evenly = True
        self._counts = {
            c: self.add_variable(
                (len(self.thresholds),), "zeros", dtype="float64", name=name_
            ).value
            for c, name_ in CELL_NAMES.items()
        }

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        update_confusion_matrix(
            self._counts,
            y_true,
            y_pred,
            self.thresholds,
            class_id=self.class_id,
            sample_weight=sample_weight,
            thresholds_distributed_evenly=self._evenly,
        )

    def _rates(self):
        tp, fp, tn, fn = (self._counts[c] for c in ("tp", "fp", "tn", "fn"))
        return {
            "recall": _divide_no_nan(tp, tp + fn),  # = sensitivity
            "precision": _divide_no_nan(tp, tp + fp),
            "specificity": _divide_no_nan(tn, tn + fp),
        }

    def _max_under_constraint(self, constrained, dependent) -> float:
        """The largest `dependent` over the thresholds where `constrained >= value` (0 if none)."""
        xp = backend.xp
        feasible = constrained.astype(self.dtype) >= xp.asarray(self.value, self.dtype)
        best = xp.max(xp.where(feasible, dependent, 0.0)).astype(self.dtype)
        return max(float(best), 0.0)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "class_id": self.class_id,
            "num_thresholds": self.num_thresholds,
            self._value_name: self.value,
        }


class PrecisionAtRecall(_SensitivitySpecificityBase):
    """The best precision over the thresholds where recall is at least `recall`.

    Args:
        recall: The minimum recall, in [0, 1].
        num_thresholds: Thresholds evenly spaced in [0, 1] (default 200; 1 gives 0.5 only).
        class_id: Only this class (column) counts.
        name, dtype: See `Metric`.

    >>> round(PrecisionAtRecall(0.5, num_thresholds=5)([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8]), 4)
    0.5
    """

    _value_name = "recall"

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(recall, num_thresholds, class_id, name, dtype)

    @property
    def recall(self):
        return self.value

    def result(self) -> float:
        rates = self._rates()
        return self._max_under_constraint(rates["recall"], rates["precision"])


class RecallAtPrecision(_SensitivitySpecificityBase):
    """The best recall over the thresholds where precision is at least `precision`.

    Args: as `PrecisionAtRecall`, with `precision` the minimum precision.

    >>> RecallAtPrecision(0.8, num_thresholds=5)([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    0.5
    """

    _value_name = "precision"

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(precision, num_thresholds, class_id, name, dtype)

    @property
    def precision(self):
        return self.value

    def result(self) -> float:
        rates = self._rates()
        return self._max_under_constraint(rates["precision"], rates["recall"])


class SensitivityAtSpecificity(_SensitivitySpecificityBase):
    """The best sensitivity (recall) where specificity `TN / (TN + FP)` is at least
    `specificity`.

    Args: as `PrecisionAtRecall`, with `specificity` the minimum specificity.

    >>> SensitivityAtSpecificity(0.5, num_thresholds=5)([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    1.0
    """

    _value_name = "specificity"

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(specificity, num_thresholds, class_id, name, dtype)

    @property
    def specificity(self):
        return self.value

    def result(self) -> float:
        rates = self._rates()
        return self._max_under_constraint(rates["specificity"], rates["recall"])


class SpecificityAtSensitivity(_SensitivitySpecificityBase):
    """The best specificity where sensitivity (recall) is at least `sensitivity`.

    Args: as `PrecisionAtRecall`, with `sensitivity` the minimum sensitivity.

    >>> SpecificityAtSensitivity(0.5, num_thresholds=5)([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    1.0
    """

    _value_name = "sensitivity"

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)

    @property
    def sensitivity(self):
        return self.value

    def result(self) -> float:
        rates = self._rates()
        return self._max_under_constraint(rates["recall"], rates["specificity"])

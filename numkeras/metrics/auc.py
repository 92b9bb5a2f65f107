"""`AUC`: area under the ROC or precision-recall curve, approximated on thresholds as Keras.

The confusion matrix is accumulated at `num_thresholds` evenly spaced thresholds (with
`-epsilon` and `1 + epsilon` at the ends); the area is then a Riemann sum with Keras's
`summation_method`, and the PR curve uses Davis & Goadrich's interpolation
(`interpolate_pr_auc`), so values match Keras 3's, not the exact (sklearn) area.

>>> m = AUC(num_thresholds=3)
>>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
>>> m.result()
0.75
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.activations import sigmoid
from numkeras.errors import ConfigError, ShapeError, format_shape
from numkeras.metrics.confusion import (
    CELL_NAMES,
    _divide_no_nan,
    is_evenly_distributed,
    update_confusion_matrix,
)
from numkeras.metrics.metric import Metric

_CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
_SUMMATIONS = ("interpolation", "majoring", "minoring")


class AUC(Metric):
    """Approximate AUC of the ROC (default) or PR curve, as Keras 3 computes it.

    Args:
        num_thresholds: Number of thresholds (> 1) to discretise the curve with.
        curve: `"ROC"`, `"PR"` or `"PRGAIN"`.
        summation_method: `"interpolation"` (default), `"minoring"` or `"majoring"`.
        name, dtype: See `Metric`.
        thresholds: Explicit thresholds in [0, 1] instead of `num_thresholds`.
        multi_label: Treat each column of a `(N, L)` y_pred as its own label and average
            the per-label AUCs (weighted by `label_weights` if given).
        num_labels: Number of labels when `multi_label` (else inferred on the first batch).
        label_weights: Per-label weights (non-negative).
        from_logits: Apply a sigmoid to `y_pred` first.

    >>> round(AUC(curve="PR")([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.8]), 4)
    0.7973
    """

    _direction = "up"

    def __init__(
        self,
        num_thresholds: int = 200,
        curve: str = "ROC",
        summation_method: str = "interpolation",
        name: str | None = None,
        dtype=None,
        thresholds=None,
        multi_label: bool = False,
        num_labels: int | None = None,
        label_weights=None,
        from_logits: bool = False,
    ):
        eps = backend.epsilon()
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            self.num_thresholds = len(thresholds) + 2
            inner = sorted(float(t) for t in thresholds)
            self._evenly = is_evenly_distributed(np.array([0.0] + inner + [1.0]))
        else:
            if int(num_thresholds) <= 1:
                raise ConfigError(
                    "Argument `num_thresholds` must be an integer > 1. Received: "
                    f"num_thresholds={num_thresholds}"
                )
            self.num_thresholds = int(num_thresholds)
            n = self.num_thresholds
            inner = [(i + 1) * 1.0 / (n - 1) for i in range(n - 2)]
            self._evenly = True
        self._thresholds = np.array([0.0 - eps] + inner + [1.0 + eps])
        key = str(curve).lower()
        if key not in _CURVES:
            raise ConfigError(
                f'Invalid AUC curve value: "{curve}". Expected values are ["PR", "ROC", "PRGAIN"]'
            )
        self.curve = _CURVES[key]
        if str(summation_method).lower() not in _SUMMATIONS:
            raise ConfigError(
                f'Invalid AUC summation method value: "{summation_method}". Expected values are '
                '["interpolation", "majoring", "minoring"]'
            )
        self.summation_method = str(summation_method).lower()
        super().__init__(name=name, dtype=dtype)
        self.multi_label = bool(multi_label)
        self.num_labels = num_labels
        self.label_weights = (
            None if label_weights is None else np.asarray(label_weights, dtype=self.dtype)
        )
        self._from_logits = bool(from_logits)
        if not self.multi_label and num_labels:
            raise ConfigError("`num_labels` is needed only when `multi_label` is True.")
        self._num_labels = num_labels if self.multi_label else None
        self._counts = None
        if not self.multi_label or num_labels:
            self._build()

    @property
    def thresholds(self) -> list[float]:
        return [float(t) for t in self._thresholds]

    def _build(self) -> None:
        """The count variables; with `multi_label`, once the label count is known (as Keras).
        `_counts` holds their arrays, which `update_confusion_matrix` adds to in place."""
        shape = (self.num_thresholds,)
        if self.multi_label:
            shape += (self._num_labels,)
        self._counts = {
            c: self.add_variable(shape, "zeros", dtype="float64", name=CELL_NAMES[c]).value
            for c in ("tp", "fp", "tn", "fn")
        }

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_pred = backend.cast_input(y_pred, self.dtype)
        if self.multi_label:
            if y_pred.ndim != 2:
                raise ShapeError(
                    "`y_pred` must have rank 2 when `multi_label=True`. Found rank "
                    f"{y_pred.ndim}. Full shape received for `y_pred`: "
                    f"{format_shape(y_pred.shape)}"
                )
            if self._num_labels is None:
                self._num_labels = y_pred.shape[1]
                self._build()
        if self._from_logits:
            y_pred = sigmoid(y_pred)  # the activation's: no overflow warnings
        update_confusion_matrix(
            self._counts,
            y_true,
            y_pred,
            self._thresholds,
            thresholds_distributed_evenly=self._evenly,
            sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
        )

    def _average(self, per_threshold):
        """Sum the Riemann terms over thresholds, then average labels when multi-label."""
        xp = backend.xp
        if not self.multi_label:
            return float(xp.sum(per_threshold))
        by_label = xp.sum(per_threshold, axis=0)
        if self.label_weights is None:
            return float(xp.mean(by_label))
        lw = xp.asarray(self.label_weights, dtype="float64")
        return float(_divide_no_nan(xp.sum(by_label * lw), xp.sum(lw)))

    def interpolate_pr_auc(self) -> float:
        """Davis & Goadrich (2006) interpolation of the PR curve between thresholds."""
        xp = backend.xp
        tp, fp, fn = self._counts["tp"], self._counts["fp"], self._counts["fn"]
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        prec_slope = _divide_no_nan(dtp, xp.maximum(dp, 0))
        intercept = tp[1:] - prec_slope * p[1:]
        both = (p[:-1] > 0) & (p[1:] > 0)
        ratio = xp.where(both, _divide_no_nan(p[:-1], xp.maximum(p[1:], 0)), 1.0)
        increment = _divide_no_nan(
            prec_slope * (dtp + intercept * xp.log(ratio)), xp.maximum(tp[1:] + fn[1:], 0)
        )
        return self._average(increment)

    def result(self) -> float:
        if self._counts is None:
            return 0.0
        xp = backend.xp
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self.interpolate_pr_auc()
        tp, fp, tn, fn = (self._counts[c] for c in ("tp", "fp", "tn", "fn"))
        recall = _divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = _divide_no_nan(fp, fp + tn), recall
        elif self.curve == "PR":
            x, y = recall, _divide_no_nan(tp, tp + fp)
        else:  # PRGAIN
            scale = _divide_no_nan(tp + fn, tn + fp)
            recall_gain = 1.0 - scale * _divide_no_nan(fn, tp)
            precision_gain = 1.0 - scale * _divide_no_nan(fp, tp)
            recall_gain = xp.maximum(xp.where(tp == 0, 0.0, recall_gain), 0.0)
            precision_gain = xp.where(tp == 0, 1.0, precision_gain)
            x, y = recall_gain, precision_gain
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = xp.minimum(y[:-1], y[1:])
        else:
            heights = xp.maximum(y[:-1], y[1:])
        return self._average((x[:-1] - x[1:]) * heights)

    def get_config(self) -> dict:
        config = {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": None if self.label_weights is None else self.label_weights.tolist(),
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config

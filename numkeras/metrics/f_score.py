"""F-scores: `FBetaScore` and `F1Score`, per class or averaged, as Keras 3 computes them.

A prediction counts as positive when it is above `threshold`, or, without a threshold,
when it is its row's maximum (ties all count; an all-zero row predicts nothing). The
metric accumulates per-class true positives, false positives, false negatives and the
class support (weighted by the sample weights), then

    precision = tp / (tp + fp + eps),  recall = tp / (tp + fn + eps)
    f_beta = (1 + beta^2) * precision * recall / (beta^2 * precision + recall + eps)

`average=None` gives one score per class, `"macro"` their mean, `"weighted"` their mean
weighted by support, and `"micro"` the score of the counts summed over classes.

>>> import numpy as np
>>> m = F1Score(threshold=0.5)
>>> m.update_state(np.array([[1, 1, 1], [1, 0, 0], [1, 1, 0]]),
...                np.array([[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]]))
>>> [round(float(v), 4) for v in m.result()]
[0.5, 0.8, 0.6667]
"""

from __future__ import annotations

from numkeras import backend
from numkeras.errors import ConfigError, IncompatibleShapesError, ShapeError, format_shape
from numkeras.losses.loss import squeeze_or_expand_to_same_rank
from numkeras.metrics.metric import Metric

_AVERAGES = (None, "micro", "macro", "weighted")
_CELLS = ("true_positives", "false_positives", "false_negatives", "intermediate_weights")


class FBetaScore(Metric):
    """The F-beta score: the weighted harmonic mean of precision and recall.

    Args:
        average: `None` (default: one score per class), `"micro"`, `"macro"` or
            `"weighted"` (see the module docstring).
        beta: Weight of recall against precision (> 0; default 1).
        threshold: Predictions above it are positive (in (0, 1]); `None` (default) takes
            each row's maximum as its predicted class.
        name, dtype: See `Metric`.

    Inputs are `(batch_size, num_classes)` arrays (one-hot or multi-label targets); a
    `(batch_size,)` target for a `(batch_size, 1)` output is expanded (Keras requires 2-D
    targets). Sample weights are one per sample, shape `(batch_size,)` or `(batch_size, 1)`.
    (Keras 3.15 broadcasts a `(batch_size, 1)` weight against every sample's values: its
    "micro" average then weights each value by the sum of all weights, and the other
    averages fail; numkeras weights each sample by its own weight.) The state variables
    are made on the first batch, once the class count is known, as in Keras.

    >>> import numpy as np
    >>> m = FBetaScore(beta=2.0, threshold=0.5, average="macro")
    >>> m.update_state(np.array([[1, 1, 1], [1, 0, 0], [1, 1, 0]]),
    ...                np.array([[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]]))
    >>> round(m.result(), 4)
    0.709
    """

    _direction = "up"

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if average not in _AVERAGES:
            raise ConfigError(
                "Invalid `average` argument value. Expected one of: {None, 'micro', 'macro', "
                f"'weighted'}}. Received: average={average!r}"
            )
        if isinstance(beta, bool) or not isinstance(beta, (int, float)):
            raise ConfigError(
                f"Invalid `beta` argument value: it should be a float. Received: {beta!r}"
            )
        if beta <= 0.0:
            raise ConfigError(
                f"Invalid `beta` argument value. It should be > 0. Received: beta={beta}"
            )
        if threshold is not None:
            if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
                raise ConfigError(
                    f"Invalid `threshold` argument value: it should be a float. Received: "
                    f"{threshold!r}"
                )
            if not 0.0 < threshold <= 1.0:
                raise ConfigError(
                    "Invalid `threshold` argument value. It should verify 0 < threshold <= 1. "
                    f"Received: threshold={threshold}"
                )
            threshold = float(threshold)
        self.average = average
        self.beta = float(beta)
        self.threshold = threshold
        self.axis = None if average == "micro" else 0
        self._cells = None

    def _build(self, num_classes: int) -> None:
        shape = () if self.average == "micro" else (num_classes,)
        self._cells = [
            self.add_variable(shape, "zeros", dtype="float64", name=name) for name in _CELLS
        ]

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        xp = backend.xp
        y_true = backend.cast_input(y_true, self.dtype)
        y_pred = backend.cast_input(y_pred, self.dtype)
        if y_true.ndim == 1 and y_pred.ndim == 2:
            y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if y_pred.ndim != 2 or y_true.ndim != 2:
            raise ShapeError(
                f"{type(self).__name__} expects 2D inputs with shape (batch_size, output_dim). "
                f"Received input shapes: y_pred.shape={format_shape(y_pred.shape)} and "
                f"y_true.shape={format_shape(y_true.shape)}."
            )
        if y_true.shape != y_pred.shape:
            # (Keras computes with them and JAX raises a TypeError; numkeras's is both types)
            raise IncompatibleShapesError(
                f"{type(self).__name__} got y_true with shape {format_shape(y_true.shape)} and "
                f"y_pred with shape {format_shape(y_pred.shape)}; they must match."
            )
        if self._cells is None:
            self._build(y_pred.shape[-1])
        elif self.axis == 0 and y_pred.shape[-1] != self._cells[0].shape[0]:
            raise ShapeError(
                f"{type(self).__name__} was built for {self._cells[0].shape[0]} classes but got "
                f"y_pred with shape {format_shape(y_pred.shape)}."
            )
        if self.threshold is None:
            top = xp.max(y_pred, axis=-1, keepdims=True)
            # a row of zeros predicts nothing (not every class)
            predicted = (y_pred >= top) & (xp.abs(y_pred) > 1e-9)
        else:
            predicted = y_pred > self.threshold
        p = predicted.astype(self.dtype)
        t = y_true
        if sample_weight is not None:
            sw = backend.cast_input(sample_weight, self.dtype)
            if sw.ndim == 2 and sw.shape[1] == 1:
                sw = sw[:, 0]
            if sw.ndim == 0:
                sw = xp.broadcast_to(sw, (y_pred.shape[0],))
            if sw.shape != (y_pred.shape[0],):
                raise ShapeError(
                    f"sample_weight has shape {format_shape(sw.shape)}; {type(self).__name__} "
                    f"needs one weight per sample (shape ({y_pred.shape[0]},))."
                )
            sw = sw[:, None]

        def weighted_sum(values):
            if sample_weight is not None:
                values = values * sw
            return xp.sum(values, axis=self.axis, dtype="float64")

        tp, fp, fn, support = self._cells
        tp.assign_add(weighted_sum(p * t))
        fp.assign_add(weighted_sum(p * (1 - t)))
        fn.assign_add(weighted_sum((1 - p) * t))
        support.assign_add(weighted_sum(t))

    def result(self):
        xp = backend.xp
        if self._cells is None:
            return 0.0  # (Keras fails before the first batch: no variables yet)
        eps = backend.epsilon()
        tp, fp, fn, support = (xp.asarray(v.value, self.dtype) for v in self._cells)
        precision = tp / (tp + fp + eps)
        recall = tp / (tp + fn + eps)
        b2 = self.beta**2
        score = precision * recall / (b2 * precision + recall + eps) * (1 + b2)
        if self.average == "weighted":
            score = xp.sum(score * (support / (xp.sum(support) + eps)))
        elif self.average is not None:
            score = xp.mean(score)
        if score.ndim == 0:
            return float(score)
        return score.astype(self.dtype)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "average": self.average,
            "beta": self.beta,
            "threshold": self.threshold,
        }


class F1Score(FBetaScore):
    """The F1 score: the harmonic mean of precision and recall (`FBetaScore` with beta=1).

    Args:
        average, threshold, name, dtype: See `FBetaScore`.

    >>> import numpy as np
    >>> m = F1Score(average="micro")
    >>> m.update_state(np.eye(3)[[0, 1, 2, 2]], np.array([[0.6, 0.3, 0.1], [0.2, 0.7, 0.1],
    ...                                                  [0.5, 0.1, 0.4], [0.1, 0.2, 0.7]]))
    >>> round(m.result(), 4)
    0.75
    """

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["beta"]
        return config

"""`R2Score`: the coefficient of determination, accumulated over batches as Keras 3 does.

Per output column, with sample weights `w`:

    R2 = 1 - sum(w * (y - y_pred)^2) / (sum(w * y^2) - sum(w * y)^2 / sum(w))

(a column whose targets never vary gives 0 where Keras's division gives an infinity).
Columns are then averaged uniformly, by target variance, or not at all, and an adjusted
R2 is taken with `num_regressors` (where `n` counts every target *value* seen, as Keras's
`num_samples` does).

>>> import numpy as np
>>> m = R2Score()
>>> m.update_state(np.array([[1.0], [4.0], [3.0]]), np.array([[2.0], [4.0], [4.0]]))
>>> round(m.result(), 4)
0.5714
"""

from __future__ import annotations

import warnings

import numpy as np

from numkeras import backend
from numkeras.errors import (
    ConfigError,
    IncompatibleShapesError,
    NumkerasWarning,
    ShapeError,
    format_shape,
)
from numkeras.losses.loss import squeeze_or_expand_to_same_rank
from numkeras.metrics.metric import Metric

_AGGREGATIONS = (None, "uniform_average", "variance_weighted_average")


class R2Score(Metric):
    """R2 (coefficient of determination) of `(batch_size, num_outputs)` regressions.

    Args:
        class_aggregation: `"uniform_average"` (default: the mean over outputs),
            `"variance_weighted_average"` (weighted by each output's target variance) or
            `None` (one score per output).
        num_regressors: Number of independent variables, for the adjusted R2 (default 0:
            plain R2).
        name, dtype: See `Metric`.

    The variables are `num_samples`, then (made on the first batch, once the output
    count is known, as in Keras) `squared_sum`, `sum`, `residual` and `count`.

    >>> import numpy as np
    >>> m = R2Score(class_aggregation=None)
    >>> m.update_state(np.array([[1.0, 0.0], [3.0, 2.0]]), np.array([[1.5, 0.0], [2.5, 1.0]]))
    >>> m.result().tolist()
    [0.75, 0.5]
    """

    _direction = "up"

    def __init__(
        self, class_aggregation="uniform_average", num_regressors=0, name="r2_score", dtype=None
    ):
        super().__init__(name=name, dtype=dtype)
        if class_aggregation not in _AGGREGATIONS:
            raise ConfigError(
                "Invalid value for argument `class_aggregation`. Expected one of "
                f"{_AGGREGATIONS}. Received: class_aggregation={class_aggregation!r}"
            )
        if num_regressors < 0:
            raise ConfigError(
                "Invalid value for argument `num_regressors`. Expected a value >= 0. "
                f"Received: num_regressors={num_regressors}"
            )
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable((), "zeros", dtype="float64", name="num_samples")
        self._built = False

    def _build(self, num_outputs: int) -> None:
        shape = (num_outputs,)
        self.squared_sum = self.add_variable(shape, "zeros", dtype="float64", name="squared_sum")
        self.sum = self.add_variable(shape, "zeros", dtype="float64", name="sum")
        self.total_mse = self.add_variable(shape, "zeros", dtype="float64", name="residual")
        self.count = self.add_variable(shape, "zeros", dtype="float64", name="count")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        xp = backend.xp
        y_true = backend.cast_input(y_true, self.dtype)
        y_pred = backend.cast_input(y_pred, self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if y_pred.ndim != 2 or y_true.ndim != 2:
            raise ShapeError(
                "R2Score expects 2D inputs with shape (batch_size, output_dim). Received input "
                f"shapes: y_pred.shape={format_shape(y_pred.shape)} and "
                f"y_true.shape={format_shape(y_true.shape)}."
            )
        if y_true.shape != y_pred.shape:
            # (Keras computes with them and JAX raises a TypeError; numkeras's is both types)
            raise IncompatibleShapesError(
                f"R2Score got y_true with shape {format_shape(y_true.shape)} and y_pred with "
                f"shape {format_shape(y_pred.shape)}; they must match."
            )
        if not self._built:
            self._build(y_pred.shape[-1])
        elif y_pred.shape[-1] != self.sum.shape[0]:
            raise ShapeError(
                f"R2Score was built for {self.sum.shape[0]} outputs but got y_pred with shape "
                f"{format_shape(y_pred.shape)}."
            )
        if sample_weight is None:
            w = xp.ones_like(y_true)
        else:
            w = backend.cast_input(sample_weight, self.dtype)
            if w.ndim == 1:
                w = w[:, None]  # one weight per sample, for every output
            try:
                w = xp.broadcast_to(w, y_true.shape)
            except ValueError:
                raise ShapeError(
                    f"sample_weight has shape {format_shape(np.shape(sample_weight))}, which "
                    f"does not match y_true with shape {format_shape(y_true.shape)}; pass one "
                    "weight per sample."
                ) from None
        # The products in float64 too (a float32 product's rounding would make a constant
        # column's `squared_sum - sum * mean` a tiny nonzero instead of exactly 0, the case
        # whose -inf score Keras maps to 0)
        f64 = "float64"
        y_true, w = y_true.astype(f64), w.astype(f64)
        weighted = y_true * w
        self.sum.assign_add(xp.sum(weighted, axis=0))
        self.squared_sum.assign_add(xp.sum(y_true * weighted, axis=0))
        diff = y_true - y_pred.astype(f64)
        self.total_mse.assign_add(xp.sum(diff * diff * w, axis=0))
        self.count.assign_add(xp.sum(w, axis=0))
        self.num_samples.assign_add(float(y_true.size))

    def result(self):
        xp = backend.xp
        if not self._built:
            return 0.0  # (Keras fails before the first batch: no variables yet)
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = self.sum.value / self.count.value
            total = self.squared_sum.value - self.sum.value * mean
            raw = 1 - self.total_mse.value / total
            raw = xp.where(xp.isinf(raw), 0.0, raw)
            if self.class_aggregation == "uniform_average":
                score = xp.mean(raw)
            elif self.class_aggregation == "variance_weighted_average":
                score = xp.sum(total * raw) / xp.sum(total)
            else:
                score = raw
        if self.num_regressors != 0:
            n = float(self.num_samples)
            p = float(self.num_regressors)
            if p > n - 1:
                warnings.warn(
                    "More independent predictors than datapoints in adjusted R2 score. Falling "
                    "back to standard R2 score.",
                    NumkerasWarning,
                    stacklevel=2,
                )
            elif p == n - 1:
                warnings.warn(
                    "Division by zero in Adjusted R2 score. Falling back to standard R2 score.",
                    NumkerasWarning,
                    stacklevel=2,
                )
            else:
                score = 1.0 - (1.0 - score) * (n - 1.0) / (n - p - 1.0)
        score = xp.asarray(score, dtype=self.dtype)
        return float(score) if score.ndim == 0 else score

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "class_aggregation": self.class_aggregation,
            "num_regressors": self.num_regressors,
        }

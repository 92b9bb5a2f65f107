"""Regression metrics: MSE, MAE, MAPE, MSLE, RMSE, cosine similarity and log-cosh.

Each averages the matching loss function form over every sample seen (RMSE takes the square
root of the accumulated mean squared error, as Keras does).

>>> m = RootMeanSquaredError()
>>> m.update_state([[0.0, 1.0]], [[1.0, 1.0]])
>>> m.update_state([[1.0, 0.0]], [[1.0, 0.0]])
>>> round(m.result(), 4)
0.5
"""

from __future__ import annotations

import math

from numkeras import backend
from numkeras.losses import (
    CosineSimilarity as _CosineLoss,
)
from numkeras.losses import (
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)
from numkeras.losses.loss import squeeze_or_expand_to_same_rank
from numkeras.metrics.accuracy import _same_shape
from numkeras.metrics.reduction import Mean, MeanMetricWrapper


class _NameDtypeConfig:
    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class MeanSquaredError(_NameDtypeConfig, MeanMetricWrapper):
    """Mean of `mean(square(y_true - y_pred), axis=-1)` over all samples.

    >>> MeanSquaredError()([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    0.25
    """

    _direction = "down"

    def __init__(self, name: str = "mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(_NameDtypeConfig, MeanMetricWrapper):
    """Mean of `mean(abs(y_true - y_pred), axis=-1)` over all samples.

    >>> MeanAbsoluteError()([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    0.25
    """

    _direction = "down"

    def __init__(self, name: str = "mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name=name, dtype=dtype)


class MeanAbsolutePercentageError(_NameDtypeConfig, MeanMetricWrapper):
    """Mean absolute percentage error over all samples.

    >>> MeanAbsolutePercentageError()([[2.0, 4.0]], [[1.0, 5.0]])
    37.5
    """

    _direction = "down"

    def __init__(self, name: str = "mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(_NameDtypeConfig, MeanMetricWrapper):
    """Mean squared logarithmic error over all samples.

    >>> round(MeanSquaredLogarithmicError()([[1.0]], [[3.0]]), 4)
    0.4805
    """

    _direction = "down"

    def __init__(self, name: str = "mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, name=name, dtype=dtype)


class LogCoshError(_NameDtypeConfig, MeanMetricWrapper):
    """Mean of `log(cosh(y_pred - y_true))` over all samples.

    >>> round(LogCoshError()([[0.0]], [[1.0]]), 4)
    0.4338
    """

    _direction = "down"

    def __init__(self, name: str = "logcosh", dtype=None):
        super().__init__(log_cosh, name=name, dtype=dtype)


def cosine_similarity(y_true, y_pred, axis: int = -1):
    """Per-sample cosine similarity (+1 = same direction; the loss form is its negative).

    >>> print(cosine_similarity([[0.0, 1.0]], [[0.0, 2.0]]).round(4))
    [1.]
    """
    return -_CosineLoss(axis=axis).call(y_true, y_pred)


class CosineSimilarity(_NameDtypeConfig, MeanMetricWrapper):
    """Mean cosine similarity between targets and predictions.

    >>> round(CosineSimilarity()([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]]), 4)
    0.5
    """

    _direction = "up"

    def __init__(self, name: str = "cosine_similarity", dtype=None, axis: int = -1):
        super().__init__(cosine_similarity, name=name, dtype=dtype, axis=axis)


class RootMeanSquaredError(_NameDtypeConfig, Mean):
    """`sqrt` of the (weighted) mean squared error over all samples seen.

    >>> RootMeanSquaredError()([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    0.5
    """

    _direction = "down"

    def __init__(self, name: str = "root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_true = backend.cast_input(y_true, self.dtype)
        y_pred = backend.cast_input(y_pred, self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        _same_shape(self.name, y_true, y_pred)
        error = y_pred - y_true
        super().update_state(error * error, sample_weight=sample_weight)

    def result(self) -> float:
        return math.sqrt(super().result())

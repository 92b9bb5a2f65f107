"""Correlation metrics: `PearsonCorrelation` and `ConcordanceCorrelation`, and their
function forms `pearson_correlation` / `concordance_correlation`, as Keras 3.

Each function gives one value per sample: the correlation of `y_true` and `y_pred` along
`axis` (the features, by default). The metric classes average it over all samples seen
(weighted by `sample_weight`), so they are a mean of per-sample correlations, as in Keras,
not a correlation over the whole data set.

- Pearson: `mean(z(y_true) * z(y_pred))` with `z` the standardized values (population
  standard deviation); a constant row gives NaN (0 / 0), as Keras.
- Concordance (Lin's): `2 cov / (var_true + var_pred + (mean_true - mean_pred) ** 2 + 1e-7)`.

>>> import numpy as np
>>> round(float(pearson_correlation([[1.0, 2.0, 3.0]], [[2.0, 4.0, 7.0]])[0]), 4)
0.9934
>>> m = ConcordanceCorrelation()
>>> round(m([[1.0, 2.0, 3.0]], [[1.0, 2.0, 3.0]]), 4)
1.0
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.losses.loss import squeeze_or_expand_to_same_rank
from numkeras.metrics.reduction import MeanMetricWrapper


def _pair(y_true, y_pred):
    """`y_pred` as a float array (a float array keeps its dtype; lists and integers become
    float32), `y_true` in that dtype."""
    xp = backend.xp
    if not (isinstance(y_pred, xp.ndarray) and y_pred.dtype.kind == "f"):
        y_pred = backend.cast_input(y_pred)
    y_true = xp.asarray(y_true).astype(y_pred.dtype, copy=False)
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def pearson_correlation(y_true, y_pred, axis: int = -1):
    """Pearson's correlation of `y_true` and `y_pred` along `axis`, one value per sample.

    >>> pearson_correlation([[1.0, 2.0, 3.0], [1.0, 0.0, 1.0]], [[3, 2, 1], [2, 0, 2]]).round(4)
    array([-1.,  1.], dtype=float32)
    """
    xp = backend.xp
    y_true, y_pred = _pair(y_true, y_pred)
    t = y_true - xp.mean(y_true, axis=axis, keepdims=True)
    p = y_pred - xp.mean(y_pred, axis=axis, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):  # a constant row: NaN, as Keras
        t = t / xp.std(t, axis=axis, keepdims=True)
        p = p / xp.std(p, axis=axis, keepdims=True)
    return xp.mean(t * p, axis=axis)


def concordance_correlation(y_true, y_pred, axis: int = -1):
    """Lin's concordance correlation coefficient along `axis`, one value per sample.

    >>> concordance_correlation([[1.0, 2.0, 3.0]], [[2.0, 3.0, 4.0]]).round(4)
    array([0.5714], dtype=float32)
    """
    xp = backend.xp
    y_true, y_pred = _pair(y_true, y_pred)
    f = y_pred.dtype.type
    true_mean = xp.mean(y_true, axis=axis, keepdims=True)
    pred_mean = xp.mean(y_pred, axis=axis, keepdims=True)
    true_var = xp.var(y_true - true_mean, axis=axis, keepdims=True)
    pred_var = xp.var(y_pred - pred_mean, axis=axis, keepdims=True)
    # Keras's formula (y_true - pred_mean): its mean is the covariance all the same
    covar = (y_true - pred_mean) * (y_pred - pred_mean)
    norm = true_var + pred_var + xp.square(true_mean - pred_mean)
    return xp.mean(f(2) * covar / (norm + f(backend.epsilon())), axis=axis)


class _CorrelationMetric(MeanMetricWrapper):
    def __init__(self, name: str, dtype=None, axis: int = -1):
        super().__init__(type(self)._function, name=name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)


class PearsonCorrelation(_CorrelationMetric):
    """The mean over samples of `pearson_correlation` (higher is better).

    >>> m = PearsonCorrelation()
    >>> m.update_state([[1.0, 2.0, 3.0]], [[1.0, 2.0, 4.0]])
    >>> round(m.result(), 4)
    0.982
    """

    _function = staticmethod(pearson_correlation)

    def __init__(self, name: str = "pearson_correlation", dtype=None, axis: int = -1):
        super().__init__(name=name, dtype=dtype, axis=axis)


class ConcordanceCorrelation(_CorrelationMetric):
    """The mean over samples of `concordance_correlation` (higher is better).

    >>> m = ConcordanceCorrelation()
    >>> m.update_state([[1.0, 2.0, 3.0]], [[1.0, 2.0, 4.0]])
    >>> round(m.result(), 4)
    0.8571
    """

    _function = staticmethod(concordance_correlation)

    def __init__(self, name: str = "concordance_correlation", dtype=None, axis: int = -1):
        super().__init__(name=name, dtype=dtype, axis=axis)

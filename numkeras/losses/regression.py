"""Regression losses: MSE, MAE, MAPE, MSLE, Huber, LogCosh and CosineSimilarity.

Each averages an elementwise term over the last axis (cosine similarity sums over `axis`),
with Keras 3's formulas and epsilon guards.

>>> import numpy as np
>>> y_true = np.array([[1.0, 0.0, 1.0]])
>>> y_pred = np.array([[0.9, 0.1, 0.8]])
>>> round(float(MeanSquaredError()(y_true, y_pred)), 4)
0.02
>>> round(float(MeanAbsoluteError()(y_true, y_pred)), 4)
0.1333
"""

from __future__ import annotations

import math

from numkeras import backend
from numkeras.losses.loss import Loss
from numkeras.losses.symbolic_forms import symbolic_form


def _mean_last(elem, delem_fn):
    """values = mean(elem, -1); vjp(g) = g/n * delem (delem computed lazily)."""
    xp = backend.xp
    n = elem.shape[-1]

    def vjp(g):
        return xp.expand_dims(g / n, -1) * delem_fn()

    return backend.mean(elem, axis=-1), vjp


class MeanSquaredError(Loss):
    """`mean(square(y_true - y_pred), axis=-1)`.

    >>> round(float(MeanSquaredError()([[1.0, 0.0]], [[0.5, 0.5]])), 4)
    0.25
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def forward(self, y_true, y_pred):
        d = y_pred - y_true
        return _mean_last(d * d, lambda: 2 * d)

    def target_vjp(self, y_true, y_pred):
        _, vjp = self.forward(y_true, y_pred)  # (symmetric: the prediction's, negated)
        return lambda g: -vjp(g)


class MeanAbsoluteError(Loss):
    """`mean(abs(y_true - y_pred), axis=-1)`.

    >>> round(float(MeanAbsoluteError()([[1.0, 0.0]], [[0.5, 0.5]])), 4)
    0.5
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def forward(self, y_true, y_pred):
        xp = backend.xp
        d = y_pred - y_true
        return _mean_last(xp.abs(d), lambda: xp.sign(d))

    def target_vjp(self, y_true, y_pred):
        _, vjp = self.forward(y_true, y_pred)  # (symmetric: the prediction's, negated)
        return lambda g: -vjp(g)


class MeanAbsolutePercentageError(Loss):
    """`100 * mean(abs((y_true - y_pred) / max(abs(y_true), epsilon)), axis=-1)`.

    >>> round(float(MeanAbsolutePercentageError()([[2.0, 4.0]], [[1.0, 5.0]])), 4)
    37.5
    """

    def __init__(
        self,
        reduction="sum_over_batch_size",
        name="mean_absolute_percentage_error",
        dtype=None,
    ):
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def forward(self, y_true, y_pred):
        xp = backend.xp
        denom = xp.maximum(xp.abs(y_true), xp.asarray(backend.epsilon(), self.dtype))
        diff = xp.abs((y_true - y_pred) / denom)
        values, vjp = _mean_last(diff, lambda: xp.sign(y_pred - y_true) / denom)
        return 100 * values, lambda g: vjp(100 * g)


class MeanSquaredLogarithmicError(Loss):
    """`mean(square(log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1)), axis=-1)`.

    >>> round(float(MeanSquaredLogarithmicError()([[1.0]], [[3.0]])), 4)
    0.4805
    """

    def __init__(
        self,
        reduction="sum_over_batch_size",
        name="mean_squared_logarithmic_error",
        dtype=None,
    ):
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def forward(self, y_true, y_pred):
        xp = backend.xp
        eps = xp.asarray(backend.epsilon(), self.dtype)
        p1 = xp.maximum(y_pred, eps) + 1
        d = xp.log(p1) - xp.log(xp.maximum(y_true, eps) + 1)
        return _mean_last(d * d, lambda: xp.where(y_pred > eps, 2 * d / p1, 0).astype(d.dtype))


class Huber(Loss):
    """Quadratic for `|error| <= delta`, linear beyond: `mean(huber(error), axis=-1)`.

    Keras 3 leaves `delta` out of `get_config`, so a saved Huber(2.0) reloads as Huber(1.0);
    we include it (Keras's `Huber(**config)` accepts it).

    >>> round(float(Huber()([[0.0, 0.0]], [[0.5, 3.0]])), 4)
    1.3125
    """

    def __init__(
        self, delta: float = 1.0, reduction="sum_over_batch_size", name="huber_loss", dtype=None
    ):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.delta = float(delta)

    def forward(self, y_true, y_pred):
        xp = backend.xp
        delta = xp.asarray(self.delta, self.dtype)
        err = y_pred - y_true
        abs_err = xp.abs(err)
        small = abs_err <= delta
        elem = xp.where(small, 0.5 * err * err, delta * abs_err - 0.5 * delta * delta)
        return _mean_last(elem, lambda: xp.where(small, err, delta * xp.sign(err)))

    def target_vjp(self, y_true, y_pred):
        _, vjp = self.forward(y_true, y_pred)  # (symmetric: the prediction's, negated)
        return lambda g: -vjp(g)

    def get_config(self) -> dict:
        return {**super().get_config(), "delta": self.delta}


class LogCosh(Loss):
    """`mean(log(cosh(y_pred - y_true)), axis=-1)`, computed without overflow.

    >>> round(float(LogCosh()([[0.0, 0.0]], [[1.0, -1.0]])), 4)
    0.4338
    """

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def forward(self, y_true, y_pred):
        xp = backend.xp
        x = y_pred - y_true
        log2 = xp.asarray(math.log(2.0), self.dtype)
        elem = x + xp.logaddexp(x * -2.0, 0) - log2  # Keras: x + softplus(-2x) - log(2)
        return _mean_last(elem, lambda: xp.tanh(x))

    def target_vjp(self, y_true, y_pred):
        _, vjp = self.forward(y_true, y_pred)  # (symmetric: the prediction's, negated)
        return lambda g: -vjp(g)


class CosineSimilarity(Loss):
    """`-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)`: -1 means identical direction.

    A zero vector (norm below epsilon) is scaled by 1/epsilon, as Keras's `normalize` does.
    Keras 3 leaves `axis` out of `get_config`; we include it.

    >>> round(float(CosineSimilarity()([[0.0, 1.0]], [[1.0, 1.0]])), 4)
    -0.7071
    """

    def __init__(
        self, axis: int = -1, reduction="sum_over_batch_size", name="cosine_similarity", dtype=None
    ):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.axis = int(axis)

    def forward(self, y_true, y_pred):
        xp = backend.xp
        axis = self.axis
        eps2 = xp.asarray(backend.epsilon() ** 2, self.dtype)

        def inv_norm(x):  # min(rsqrt(sum x^2), 1/eps) == 1/sqrt(max(sum x^2, eps^2))
            ss = xp.sum(x * x, axis=axis, keepdims=True)
            return 1 / xp.sqrt(xp.maximum(ss, eps2)), ss < eps2

        inv_t, _ = inv_norm(y_true)
        inv_p, clamped = inv_norm(y_pred)
        yn, pn = y_true * inv_t, y_pred * inv_p

        def vjp(g):
            proj = xp.where(clamped, 0, pn * xp.sum(pn * yn, axis=axis, keepdims=True))
            return -xp.expand_dims(g, axis) * inv_p * (yn - proj.astype(yn.dtype))

        return -xp.sum(yn * pn, axis=axis), vjp

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}


@symbolic_form
def mean_squared_error(y_true, y_pred):
    """Per-sample MSE (Keras's function form).

    >>> mean_squared_error([[1.0, 0.0]], [[0.5, 0.5]]).tolist()
    [0.25]
    """
    return MeanSquaredError().call(y_true, y_pred)


@symbolic_form
def mean_absolute_error(y_true, y_pred):
    """Per-sample MAE (Keras's function form).

    >>> mean_absolute_error([[1.0, 0.0]], [[0.5, 0.5]]).tolist()
    [0.5]
    """
    return MeanAbsoluteError().call(y_true, y_pred)


@symbolic_form
def mean_absolute_percentage_error(y_true, y_pred):
    """Per-sample MAPE (Keras's function form).

    >>> mean_absolute_percentage_error([[2.0, 4.0]], [[1.0, 5.0]]).tolist()
    [37.5]
    """
    return MeanAbsolutePercentageError().call(y_true, y_pred)


@symbolic_form
def mean_squared_logarithmic_error(y_true, y_pred):
    """Per-sample MSLE (Keras's function form).

    >>> print(mean_squared_logarithmic_error([[1.0]], [[3.0]]).round(4))
    [0.4805]
    """
    return MeanSquaredLogarithmicError().call(y_true, y_pred)


def huber(y_true, y_pred, delta=1.0):
    """Per-sample Huber loss (Keras's function form).

    >>> huber([[0.0, 0.0]], [[0.5, 3.0]]).tolist()
    [1.3125]
    """
    return Huber(delta=delta).call(y_true, y_pred)


def log_cosh(y_true, y_pred):
    """Per-sample log-cosh (Keras's function form).

    >>> print(log_cosh([[0.0]], [[1.0]]).round(4))
    [0.4338]
    """
    return LogCosh().call(y_true, y_pred)


def cosine_similarity(y_true, y_pred, axis=-1):
    """Per-sample negative cosine similarity (Keras's function form).

    >>> print(cosine_similarity([[0.0, 1.0]], [[0.0, 2.0]]).round(4))
    [-1.]
    """
    return CosineSimilarity(axis=axis).call(y_true, y_pred)

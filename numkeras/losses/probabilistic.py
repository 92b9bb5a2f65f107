"""Losses between distributions and counts: KLDivergence and Poisson.

>>> round(float(KLDivergence()([[0.5, 0.5]], [[0.25, 0.75]])), 4)
0.1438
"""

from __future__ import annotations

from numkeras import backend
from numkeras.losses.loss import Loss
from numkeras.losses.symbolic_forms import symbolic_form


class KLDivergence(Loss):
    """`sum(y_true * log(y_true / y_pred), axis=-1)`, both clipped to `[epsilon, 1]`.

    The gradient is 0 where `y_pred` is clipped (below epsilon or above 1).

    >>> round(float(KLDivergence()([[0.5, 0.5]], [[0.25, 0.75]])), 4)
    0.1438
    """

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def _clipped(self, y_true, y_pred):
        """Both distributions clipped to `[epsilon, 1]`, and the two bounds."""
        xp = backend.xp
        eps = xp.asarray(backend.epsilon(), self.dtype)
        one = xp.asarray(1, self.dtype)
        return xp.clip(y_true, eps, one), xp.clip(y_pred, eps, one), eps, one

    def forward(self, y_true, y_pred):
        xp = backend.xp
        t, p, eps, one = self._clipped(y_true, y_pred)

        def vjp(g):
            # p == 1 is a probability's natural maximum, not a clip: keep its gradient
            inside = (y_pred > eps) & (y_pred <= one)
            return xp.where(inside, xp.expand_dims(-g, -1) * t / p, 0).astype(p.dtype)

        return xp.sum(t * xp.log(t / p), axis=-1), vjp

    def target_vjp(self, y_true, y_pred):
        xp = backend.xp
        t, p, eps, one = self._clipped(y_true, y_pred)

        def vjp(g):  # d(t * log(t / p))/dt = log(t / p) + 1, 0 where y_true is clipped
            inside = (y_true > eps) & (y_true <= one)
            return xp.where(inside, xp.expand_dims(g, -1) * (xp.log(t / p) + 1), 0).astype(t.dtype)

        return vjp


class Poisson(Loss):
    """`mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)`.

    >>> round(float(Poisson()([[1.0, 2.0]], [[1.0, 1.0]])), 4)
    1.0
    """

    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def forward(self, y_true, y_pred):
        xp = backend.xp
        shifted = y_pred + xp.asarray(backend.epsilon(), self.dtype)
        n = y_pred.shape[-1]

        def vjp(g):
            return xp.expand_dims(g / n, -1) * (1 - y_true / shifted)

        return backend.mean(y_pred - y_true * xp.log(shifted), axis=-1), vjp


@symbolic_form
def kl_divergence(y_true, y_pred):
    """Per-sample KL divergence (Keras's function form).

    >>> print(kl_divergence([[0.5, 0.5]], [[0.25, 0.75]]).round(4))
    [0.1438]
    """
    return KLDivergence().call(y_true, y_pred)


@symbolic_form
def poisson(y_true, y_pred):
    """Per-sample Poisson loss (Keras's function form).

    >>> print(poisson([[1.0, 2.0]], [[1.0, 1.0]]).round(4))
    [1.]
    """
    return Poisson().call(y_true, y_pred)

"""Hinge losses for maximum-margin classifiers: Hinge, SquaredHinge, CategoricalHinge.

`Hinge` and `SquaredHinge` expect targets in {-1, 1}; if every target in the batch is 0 or 1
they are mapped to -1/1 first, as in Keras.

>>> round(float(Hinge()([[0.0, 1.0]], [[0.3, 0.8]])), 4)
0.75
"""

from __future__ import annotations

from numkeras import backend
from numkeras.losses.crossentropy import _OneHotTargets
from numkeras.losses.loss import Loss
from numkeras.losses.symbolic_forms import symbolic_form


def _to_plus_minus_one(y):
    """Map {0, 1} labels to {-1, 1} when the whole batch is binary (Keras's rule)."""
    xp = backend.xp
    if bool(xp.all((y == 0) | (y == 1))):
        return 2 * y - 1
    return y


class Hinge(Loss):
    """`mean(maximum(1 - y_true * y_pred, 0), axis=-1)`.

    >>> round(float(Hinge()([[-1.0, 1.0]], [[0.3, 0.8]])), 4)
    0.75
    """

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def forward(self, y_true, y_pred):
        xp = backend.xp
        y = _to_plus_minus_one(y_true)
        margin = 1 - y * y_pred
        n = margin.shape[-1]

        def vjp(g):
            return xp.where(margin > 0, xp.expand_dims(-g / n, -1) * y, 0).astype(margin.dtype)

        return backend.mean(xp.maximum(margin, 0), axis=-1), vjp


class SquaredHinge(Loss):
    """`mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)`.

    >>> round(float(SquaredHinge()([[-1.0, 1.0]], [[0.3, 0.8]])), 4)
    0.865
    """

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def forward(self, y_true, y_pred):
        xp = backend.xp
        y = _to_plus_minus_one(y_true)
        hinge = xp.maximum(1 - y * y_pred, 0)
        n = hinge.shape[-1]

        def vjp(g):
            return xp.expand_dims(-2 * g / n, -1) * y * hinge

        return backend.mean(hinge * hinge, axis=-1), vjp


class CategoricalHinge(_OneHotTargets, Loss):
    """`maximum(neg - pos + 1, 0)` with `pos = sum(y*p)`, `neg = max((1-y)*p)` (one-hot y).

    >>> round(float(CategoricalHinge()([[0.0, 1.0]], [[0.6, 0.4]])), 4)
    1.2
    """

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def forward(self, y_true, y_pred):
        xp = backend.xp
        y = y_true
        pos = xp.sum(y * y_pred, axis=-1)
        others = (1 - y) * y_pred
        neg = xp.max(others, axis=-1)
        margin = neg - pos + 1

        def vjp(g):
            # ties in the max share the gradient equally, as JAX's reduce_max does
            at_max = (others == neg[..., None]).astype(y.dtype)
            at_max /= xp.sum(at_max, axis=-1, keepdims=True)
            active = xp.where(margin > 0, g, 0).astype(y.dtype)[..., None]
            return active * (at_max * (1 - y) - y)

        return xp.maximum(margin, 0), vjp


@symbolic_form
def hinge(y_true, y_pred):
    """Per-sample hinge loss (Keras's function form).

    >>> print(hinge([[-1.0, 1.0]], [[0.3, 0.8]]).round(4))
    [0.75]
    """
    return Hinge().call(y_true, y_pred)


@symbolic_form
def squared_hinge(y_true, y_pred):
    """Per-sample squared hinge loss (Keras's function form).

    >>> print(squared_hinge([[-1.0, 1.0]], [[0.3, 0.8]]).round(4))
    [0.865]
    """
    return SquaredHinge().call(y_true, y_pred)


def categorical_hinge(y_true, y_pred):
    """Per-sample categorical hinge loss (Keras's function form).

    >>> print(categorical_hinge([[0.0, 1.0]], [[0.6, 0.4]]).round(4))
    [1.2]
    """
    return CategoricalHinge().call(y_true, y_pred)

"""Overlap losses for segmentation: Dice and Tversky, as Keras 3 computes them.

Both sum over `axis` (every axis by default, so the batch gives ONE value: the loss of the
whole batch, which the reduction then leaves as is) and compare soft predictions with
targets through their overlap `sum(y_true * y_pred)`:

* Dice: `1 - 2 * sum(y_true * y_pred) / (sum(y_true) + sum(y_pred) + epsilon)`;
* Tversky: `1 - TP / (TP + alpha * sum((1 - y_pred) * y_true) + beta * sum(y_pred * (1 -
  y_true)) + epsilon)`, with `TP = sum(y_true * y_pred)` (alpha weighs what Keras calls the
  false positives, the targets missed; alpha = beta = 0.5 gives Dice).

With `axis=None` and per-sample weights, the single value is multiplied by each weight and
then reduced, as Keras does (`sum_over_batch_size` gives `value * mean(weights)`).

>>> import numpy as np
>>> y_true = np.array([[1.0, 1.0, 0.0, 0.0]])
>>> y_pred = np.array([[0.0, 1.0, 0.0, 1.0]])
>>> round(float(Dice()(y_true, y_pred)), 4)
0.5
>>> round(float(Tversky(alpha=0.7, beta=0.3)(y_true, y_pred)), 4)
0.5
"""

from __future__ import annotations

from numkeras import backend
from numkeras.errors import ConfigError, ShapeError, format_shape
from numkeras.losses.loss import Loss


def _check_axis(axis):
    """`None`, an int, or a tuple/list of ints (kept as given, for `get_config`)."""
    if axis is None:
        return None
    items = axis if isinstance(axis, (list, tuple)) else (axis,)
    for a in items:
        if isinstance(a, bool) or not isinstance(a, int):
            raise ConfigError(
                f"`axis` must be None, an int or a tuple of ints. Received: axis={axis!r}"
            )
    return list(axis) if isinstance(axis, list) else axis


def _axes(axis, ndim: int, name: str):
    """`axis` as a sorted tuple of non-negative axes of a rank-`ndim` array (None: all)."""
    if axis is None:
        return tuple(range(ndim))
    items = axis if isinstance(axis, (list, tuple)) else (axis,)
    axes = []
    for a in items:
        if not -ndim <= a < ndim:
            raise ShapeError(f"Loss '{name}' sums over axis={axis!r}, but y_pred has rank {ndim}.")
        axes.append(a % ndim)
    if len(set(axes)) != len(axes):
        raise ConfigError(f"Loss '{name}': repeated axis in axis={axis!r}.")
    return tuple(sorted(axes))


class _OverlapLoss(Loss):
    """Shared plumbing: sums over `axis`, and the broadcast of the gradient back."""

    def _sums(self, y_true, y_pred):
        axes = _axes(self.axis, y_pred.ndim, self.name)
        if y_true.shape != y_pred.shape:
            raise ShapeError(
                f"Loss '{self.name}' got y_true with shape {format_shape(y_true.shape)} and "
                f"y_pred with shape {format_shape(y_pred.shape)}; they must match."
            )
        return axes, (lambda x: x.sum(axis=axes))

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}


class Dice(_OverlapLoss):
    """`1 - 2 * sum(y_true * y_pred) / (sum(y_true) + sum(y_pred) + epsilon)` over `axis`.

    Args:
        reduction, name, dtype: See `Loss`.
        axis: The axes summed over (an int or a tuple); `None` (default) sums over all of
            them, batch included, for one value per batch. `axis=(1, 2, 3)` on images
            `(N, H, W, C)` gives one loss per image.

    >>> import numpy as np
    >>> y_true = np.array([[[1.0], [1.0]], [[0.0], [1.0]]])
    >>> y_pred = np.array([[[0.0], [1.0]], [[0.4], [0.6]]])
    >>> [round(float(v), 4) for v in Dice(axis=(1, 2), reduction=None)(y_true, y_pred)]
    [0.3333, 0.4]
    """

    def __init__(self, reduction="sum_over_batch_size", name="dice", axis=None, dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.axis = _check_axis(axis)

    def forward(self, y_true, y_pred):
        xp = backend.xp
        axes, total = self._sums(y_true, y_pred)
        t, p = y_true, y_pred
        inter = total(t * p)
        denom = total(t) + total(p) + backend.epsilon()
        values = 1 - (2.0 * inter) / denom

        def vjp(g):
            g, inter_e, denom_e = (xp.expand_dims(a, axes) for a in (g, inter, denom))
            # d/dp of -2I/D with dI/dp = t and dD/dp = 1
            grad = g * (2.0 * inter_e / (denom_e * denom_e) - 2.0 * t / denom_e)
            return xp.broadcast_to(grad, p.shape).astype(p.dtype, copy=False)

        return values, vjp


class Tversky(_OverlapLoss):
    """`1 - TP / (TP + alpha * FN' + beta * FP' + epsilon)` summed over `axis`.

    Keras's terms: `TP = sum(y_true * y_pred)`, `FN' = sum((1 - y_pred) * y_true)` (weighed
    by `alpha`, which Keras documents as the false-positive weight) and
    `FP' = sum(y_pred * (1 - y_true))` (weighed by `beta`).

    Args:
        alpha: Weight of `sum((1 - y_pred) * y_true)` (default 0.5).
        beta: Weight of `sum(y_pred * (1 - y_true))` (default 0.5).
        reduction, name, dtype: See `Loss`.
        axis: As `Dice` (default None: one value per batch).

    >>> import numpy as np
    >>> round(float(Tversky()([[1.0, 0.0]], [[0.5, 0.5]])), 4)  # = Dice
    0.5
    """

    def __init__(
        self,
        alpha=0.5,
        beta=0.5,
        reduction="sum_over_batch_size",
        name="tversky",
        axis=None,
        dtype=None,
    ):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.alpha = alpha
        self.beta = beta
        self.axis = _check_axis(axis)

    def forward(self, y_true, y_pred):
        xp = backend.xp
        axes, total = self._sums(y_true, y_pred)
        t, p = y_true, y_pred
        alpha, beta = float(self.alpha), float(self.beta)
        inter = total(t * p)
        missed = total((1 - p) * t)
        extra = total(p * (1 - t))
        denom = inter + missed * alpha + extra * beta + backend.epsilon()
        values = 1 - inter / denom

        def vjp(g):
            g, inter_e, denom_e = (xp.expand_dims(a, axes) for a in (g, inter, denom))
            ddenom = t * (1.0 - alpha) + (1 - t) * beta  # dD/dp
            grad = -g * (t * denom_e - inter_e * ddenom) / (denom_e * denom_e)
            return xp.broadcast_to(grad, p.shape).astype(p.dtype, copy=False)

        return values, vjp

    def get_config(self) -> dict:
        config = Loss.get_config(self)
        config.update(alpha=self.alpha, beta=self.beta, axis=self.axis)
        return config


def dice(y_true, y_pred, axis=None):
    """Dice loss values (Keras's function form): a scalar with `axis=None`, else the
    values left after summing over `axis`.

    >>> round(float(dice([[1.0, 1.0, 0.0, 0.0]], [[0.0, 1.0, 0.0, 1.0]])), 4)
    0.5
    """
    return Dice(axis=axis).call(y_true, y_pred)


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """Tversky loss values (Keras's function form).

    >>> round(float(tversky([[1.0, 1.0, 0.0, 0.0]], [[0.0, 1.0, 0.0, 1.0]], 0.2, 0.8)), 4)
    0.5
    """
    return Tversky(alpha=alpha, beta=beta, axis=axis).call(y_true, y_pred)

"""Focal cross-entropy losses (Lin et al., 2018): binary and categorical.

A focal factor `(1 - p_t) ** gamma` down-weights the examples already predicted well. The
formulas follow Keras 3's `binary_focal_crossentropy` / `categorical_focal_crossentropy`
exactly, including where they clip: probabilities (after a sigmoid or softmax for
`from_logits=True`) are clipped to `[epsilon, 1 - epsilon]` inside the log (gradient 0
there, half at a bound, as JAX differentiates the clip); the binary focal factor uses the
unclipped probability, the categorical one the clipped. `gamma=0` with `alpha=1` gives
plain cross-entropy on probabilities.

>>> loss = BinaryFocalCrossentropy(gamma=2.0)
>>> round(float(loss([[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]])), 4)
0.2678
>>> loss = CategoricalFocalCrossentropy()
>>> round(float(loss([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])), 4)
0.2332
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.activations import sigmoid, softmax
from numkeras.losses.crossentropy import (
    _BinaryTargets,
    _check_axis,
    _check_smoothing,
    _clip,
    _clip_bounds,
    _OneHotTargets,
    _through_clip,
    _warn_single_class,
)
from numkeras.losses.loss import Loss


def _power_and_slope(base, gamma: float):
    """`base ** gamma` and its derivative `gamma * base ** (gamma - 1)`.

    The slope is 0 for `gamma=0` (JAX's autodiff gives NaN where `base` is 0) and infinite
    at `base=0` for `0 < gamma < 1`, as the formula says.
    """
    xp = backend.xp
    if gamma == 0:
        return xp.ones_like(base), xp.zeros_like(base)
    with np.errstate(divide="ignore"):
        return base**gamma, gamma * base ** (gamma - 1)


class BinaryFocalCrossentropy(_BinaryTargets, Loss):
    """Binary cross-entropy times the focal factor `(1 - p_t) ** gamma`, averaged over `axis`.

    `p_t = y*p + (1-y)*(1-p)`: the probability given to the target. With
    `apply_class_balancing`, class 1 is also weighted by `alpha` and class 0 by `1 - alpha`.

    Args:
        apply_class_balancing: Weight the classes by `alpha` / `1 - alpha`.
        alpha: The weight of class 1 when balancing (default 0.25).
        gamma: The focusing parameter (default 2.0; 0 gives binary cross-entropy).
        from_logits: `y_pred` holds logits (a sigmoid is applied first).
        label_smoothing: In [0, 1]; targets become `y*(1-s) + 0.5*s`.
        axis: Axis the mean runs over (default -1).
        reduction, name, dtype: See `Loss`.

    >>> loss = BinaryFocalCrossentropy(apply_class_balancing=True, gamma=4, from_logits=True)
    >>> round(float(loss([[0, 1], [0, 0]], [[-18.0, 0.6], [2.0, -1.0]])), 4)
    0.2408
    """

    def __init__(
        self,
        apply_class_balancing: bool = False,
        alpha: float = 0.25,
        gamma: float = 2.0,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction="sum_over_batch_size",
        name: str = "binary_focal_crossentropy",
        dtype=None,
    ):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.apply_class_balancing = bool(apply_class_balancing)
        self.alpha = float(alpha)
        self.gamma = float(gamma)
        self.from_logits = bool(from_logits)
        self.label_smoothing = _check_smoothing(label_smoothing)
        self.axis = _check_axis(axis)

    def forward(self, y_true, y_pred):
        xp = backend.xp
        y, x, axis = y_true, y_pred, self.axis
        if self.label_smoothing:
            y = y * (1.0 - self.label_smoothing) + 0.5 * self.label_smoothing
        p = sigmoid(x) if self.from_logits else x
        lo, hi = _clip_bounds(self.dtype)
        pc = _clip(p, lo, hi)
        bce = -(y * xp.log(pc) + (1 - y) * xp.log(1 - pc))
        p_t = y * p + (1 - y) * (1 - p)
        focal, focal_slope = _power_and_slope(1.0 - p_t, self.gamma)
        elem = focal * bce
        weight = None
        if self.apply_class_balancing:
            weight = y * self.alpha + (1 - y) * (1 - self.alpha)
            elem = weight * elem
        n = x.shape[axis]

        def vjp(g):
            # clipped in the log: no gradient from it (half at a bound, as JAX)
            dbce = _through_clip(p, lo, hi, (1 - y) / (1 - pc) - y / pc)
            # d(1 - p_t)/dp = 1 - 2y
            dp = focal_slope * (1 - 2 * y) * bce + focal * dbce
            if weight is not None:
                dp = weight * dp
            if self.from_logits:
                dp = dp * (p * (1 - p))
            return (xp.expand_dims(g / n, axis) * dp).astype(x.dtype, copy=False)

        return elem.sum(axis=axis) / n, vjp

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            from_logits=self.from_logits,
            label_smoothing=self.label_smoothing,
            axis=self.axis,
            apply_class_balancing=self.apply_class_balancing,
            alpha=self.alpha,
            gamma=self.gamma,
        )
        return config


class CategoricalFocalCrossentropy(_OneHotTargets, Loss):
    """Categorical cross-entropy with each class's term times `alpha * (1 - p) ** gamma`.

    Probabilities are renormalised to sum to 1 along `axis` and clipped to
    `[epsilon, 1 - epsilon]`, as Keras does; targets are one-hot (or soft).

    Args:
        alpha: The weight of every class (default 0.25), or one weight per class (a list,
            along the last axis).
        gamma: The focusing parameter (default 2.0; 0 gives `alpha` times cross-entropy).
        from_logits: `y_pred` holds logits (a softmax is applied first).
        label_smoothing: In [0, 1]; targets become `y*(1-s) + s/num_classes`.
        axis: The class axis (default -1).
        reduction, name, dtype: See `Loss`.

    >>> loss = CategoricalFocalCrossentropy(alpha=[0.2, 0.3, 0.5], from_logits=True)
    >>> round(float(loss([[0, 1, 0]], [[2.0, 1.0, 0.1]])), 4)
    0.244
    """

    def __init__(
        self,
        alpha: float | list[float] = 0.25,
        gamma: float = 2.0,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction="sum_over_batch_size",
        name: str = "categorical_focal_crossentropy",
        dtype=None,
    ):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.alpha = float(alpha) if np.ndim(alpha) == 0 else [float(a) for a in alpha]
        self.gamma = float(gamma)
        self.from_logits = bool(from_logits)
        self.label_smoothing = _check_smoothing(label_smoothing)
        self.axis = _check_axis(axis)

    def check_targets(self, y_true, y_pred_shape):
        _warn_single_class(self.name, y_pred_shape)
        return super().check_targets(y_true, y_pred_shape)

    def forward(self, y_true, y_pred):
        xp = backend.xp
        y, x, axis = y_true, y_pred, self.axis
        if self.label_smoothing:
            # Keras uses shape[-1] as the class count whatever `axis` is; we do the same
            y = y * (1.0 - self.label_smoothing) + self.label_smoothing / y.shape[-1]
        p = softmax(x, axis) if self.from_logits else x
        s = p.sum(axis=axis, keepdims=True)
        q = p / s
        lo, hi = _clip_bounds(self.dtype)
        qc = _clip(q, lo, hi)
        cce = -y * xp.log(qc)
        focal, focal_slope = _power_and_slope(1.0 - qc, self.gamma)
        # a list alpha weighs the last axis, as Keras's broadcasting does
        alpha = xp.asarray(self.alpha, x.dtype)
        values = (focal * alpha * cce).sum(axis=axis)

        def vjp(g):
            dqc = alpha * (focal * (-y / qc) - focal_slope * cce)
            dq = _through_clip(q, lo, hi, xp.expand_dims(g, axis) * dqc).astype(x.dtype)
            # through the renormalisation q = p / sum(p)
            dp = (dq - xp.sum(dq * q, axis=axis, keepdims=True)) / s
            if self.from_logits:  # through the softmax
                dp = p * (dp - xp.sum(dp * p, axis=axis, keepdims=True))
            return dp

        return values, vjp

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            from_logits=self.from_logits,
            label_smoothing=self.label_smoothing,
            axis=self.axis,
            alpha=self.alpha,
            gamma=self.gamma,
        )
        return config


def binary_focal_crossentropy(
    y_true,
    y_pred,
    apply_class_balancing=False,
    alpha=0.25,
    gamma=2.0,
    from_logits=False,
    label_smoothing=0.0,
    axis=-1,
):
    """Per-sample binary focal cross-entropy (Keras's function form).

    >>> print(binary_focal_crossentropy([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]).round(4))
    [0.3299 0.2058]
    """
    loss = BinaryFocalCrossentropy(
        apply_class_balancing=apply_class_balancing,
        alpha=alpha,
        gamma=gamma,
        from_logits=from_logits,
        label_smoothing=label_smoothing,
        axis=axis,
    )
    return loss.call(y_true, y_pred)


def categorical_focal_crossentropy(
    y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1
):
    """Per-sample categorical focal cross-entropy (Keras's function form).

    >>> y_pred = [[0.05, 0.9, 0.05], [0.1, 0.85, 0.05]]
    >>> [round(float(v), 6) for v in categorical_focal_crossentropy([[0, 1, 0], [0, 0, 1]], y_pred)]
    [0.000263, 0.675912]
    """
    loss = CategoricalFocalCrossentropy(
        alpha=alpha,
        gamma=gamma,
        from_logits=from_logits,
        label_smoothing=label_smoothing,
        axis=axis,
    )
    return loss.call(y_true, y_pred)

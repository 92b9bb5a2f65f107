"""`CategoricalGeneralizedCrossEntropy(q=0.5)`: the Generalized Cross Entropy of Zhang &
Sabuncu (2018), a loss robust to noisy labels, as Keras 3.

For integer class labels `y_true` and class probabilities `y_pred` (classes last):
`(1 - p ** q) / q` with `p = y_pred[label]`. As `q -> 0` it tends to cross-entropy, at
`q = 1` it is MAE-like. `y_pred` is used as given (no clipping, no renormalizing), as Keras.

Labels are checked as `SparseCategoricalCrossentropy` checks them: a trailing axis of
size 1 is squeezed (Keras broadcasts `(N, 1)` labels into an `(N, N)` result) and labels
outside `[0, classes)` raise a `ShapeError` (Keras one-hot encodes them to all zeros and
scores them `1 / q`).

>>> round(float(CategoricalGeneralizedCrossEntropy()([1, 0], [[0.1, 0.9], [0.75, 0.25]])), 4)
0.1853
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError
from numkeras.losses.crossentropy import SparseCategoricalCrossentropy
from numkeras.losses.loss import Loss


class CategoricalGeneralizedCrossEntropy(Loss):
    """`(1 - y_pred[label] ** q) / q` per sample; `0 < q < 1`.

    >>> loss = CategoricalGeneralizedCrossEntropy(q=0.5)
    >>> round(float(loss([2], [[0.2, 0.2, 0.64]])), 4)
    0.4
    """

    # integer labels, checked as SparseCategoricalCrossentropy checks them
    check_targets = SparseCategoricalCrossentropy.check_targets
    _label_shape_message = SparseCategoricalCrossentropy._label_shape_message
    _label_range_message = SparseCategoricalCrossentropy._label_range_message
    axis = -1
    ignore_class = None

    def __init__(
        self,
        q: float = 0.5,
        reduction="sum_over_batch_size",
        name: str = "categorical_generalized_cross_entropy",
        dtype=None,
    ):
        if isinstance(q, bool) or not isinstance(q, (int, float)) or not 0 < q < 1:
            raise ConfigError(f"q must be in the interval (0, 1). Received: q={q!r}")
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.q = q

    def _prepare(self, y_true, y_pred):
        return self.check_targets(y_true, y_pred.shape), y_pred

    def forward(self, y_true, y_pred):
        xp = backend.xp
        t = y_pred.dtype.type
        q = t(self.q)
        idx = y_true[..., None]
        p = xp.take_along_axis(y_pred, idx, axis=-1)[..., 0]
        pq = p**q
        values = (t(1) - pq) / q

        def vjp(g):
            grad = xp.zeros_like(y_pred)
            with np.errstate(divide="ignore", invalid="ignore"):  # p = 0: as jax, -inf
                dp = -g * (pq / p)  # d/dp (1 - p^q) / q = -p^(q - 1)
            xp.put_along_axis(grad, idx, dp[..., None].astype(grad.dtype), axis=-1)
            return grad

        return values, vjp

    def get_config(self) -> dict:
        return {**super().get_config(), "q": self.q}


def categorical_generalized_cross_entropy(y_true, y_pred, q: float = 0.5):
    """Per-sample Generalized Cross Entropy (Keras's function form).

    >>> categorical_generalized_cross_entropy([1], [[0.19, 0.81]]).round(4)
    array([0.2], dtype=float32)
    """
    return CategoricalGeneralizedCrossEntropy(q=q).call(y_true, y_pred)

"""Circle loss (Sun et al., 2020) for metric learning, as Keras 3 computes it.

`y_true` holds integer class labels `(N,)` (or `(N, 1)`), `y_pred` L2-normalised embeddings
`(N, D)` (e.g. a `Dense` layer without activation followed by `UnitNormalization`). Every
pair of samples in the batch is compared through its cosine distance
`d = max(1 - <p_i, p_j>, 0)`; pairs with the same label are positives (a sample with itself
excluded when `remove_diagonal`), the others negatives. Per sample:

    p_loss = logsumexp(-gamma * max(margin + d, 0) * (margin - d))          over positives
    n_loss = logsumexp(gamma * max(1 + margin - d, 0) * (1 - margin - d))   over negatives
    loss   = softplus(p_loss + n_loss)

A sample without positives (or negatives) in the batch gets 0, and, as in Keras (which
marks the values with a mask, `loss > 0`), is left out of the reduction: the default
`sum_over_batch_size` averages over the other samples only.

>>> import numpy as np
>>> emb = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0], [-0.6, 0.8]])
>>> round(float(Circle()([0, 0, 1, 1], emb)), 4)
3.2009
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.errors import IncompatibleShapesError, ShapeError, format_shape
from numkeras.losses.loss import Loss


def _labels(y, what: str):
    """Integer labels as a `(n, 1)` column (Keras casts them to int32, truncating)."""
    xp = backend.xp
    y = xp.asarray(y)
    if y.ndim == 1:
        y = y.reshape(-1, 1)
    if y.ndim != 2 or y.shape[1] != 1:
        raise ShapeError(
            f"Circle loss needs {what} as integer class labels of shape (batch_size,) or "
            f"(batch_size, 1); got shape {format_shape(y.shape)}."
        )
    return y.astype("int32")


def _step(x):
    """d max(x, 0) / dx as JAX differentiates it: 1 above, 0 below, 1/2 at a tie."""
    xp = backend.xp
    return xp.where(x > 0, 1.0, xp.where(x == 0, 0.5, 0.0)).astype(x.dtype)


def _masked_logsumexp(x, mask):
    """`logsumexp(where(mask, x, -inf), axis=1)` and its softmax weights (0 off the mask);
    a row without any entry gives -inf and weights 0."""
    xp = backend.xp
    neg_inf = xp.asarray(-np.inf, x.dtype)
    masked = xp.where(mask, x, neg_inf)
    top = xp.max(masked, axis=1, keepdims=True)
    top = xp.where(xp.isfinite(top), top, xp.zeros_like(top))  # as JAX: an empty row uses 0
    e = xp.exp(masked - top)
    s = xp.sum(e, axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        lse = (xp.log(s) + top)[:, 0]
        weights = xp.where(s > 0, e / xp.where(s > 0, s, 1), 0).astype(x.dtype)
    return lse, weights


def circle_forward(
    labels, emb, ref_labels=None, ref_emb=None, remove_diagonal=True, gamma=80.0, margin=0.4
):
    """Per-sample circle loss values and `vjp(g) -> d/d(emb)`.

    With `ref_emb=None` the references are the embeddings themselves, and the gradient
    counts both of their roles (query and reference).
    """
    xp = backend.xp
    self_ref = ref_emb is None
    ref = emb if self_ref else ref_emb
    query = _labels(labels, "y_true")
    keys = query if ref_labels is None else _labels(ref_labels, "ref_labels")
    if emb.ndim != 2 or ref.ndim != 2 or emb.shape[1] != ref.shape[1]:
        raise ShapeError(
            "Circle loss needs embeddings of shape (batch_size, dim); got y_pred with shape "
            f"{format_shape(emb.shape)} and reference embeddings with shape "
            f"{format_shape(ref.shape)}."
        )
    if query.shape[0] != emb.shape[0] or keys.shape[0] != ref.shape[0]:
        # (Keras computes with them and JAX raises a TypeError; numkeras's is both types)
        raise IncompatibleShapesError(
            f"Circle loss got {query.shape[0]} labels for {emb.shape[0]} embeddings (and "
            f"{keys.shape[0]} reference labels for {ref.shape[0]} references); they must match."
        )
    dtype = emb.dtype
    gamma, margin = float(gamma), float(margin)
    raw = 1 - emb @ ref.T
    dist = xp.maximum(raw, 0.0)
    pos = query == keys.T
    neg = ~pos
    if remove_diagonal:
        pos = pos & ~xp.eye(query.shape[0], keys.shape[0], dtype=bool)
    posf, negf = pos.astype(dtype), neg.astype(dtype)
    pos_raw = (margin + dist) * posf
    neg_raw = ((1 + margin) - dist) * negf
    pos_w = xp.maximum(pos_raw, 0.0)
    neg_w = xp.maximum(neg_raw, 0.0)
    pos_d = margin - dist
    neg_d = (1 - margin) - dist
    p_loss, a_pos = _masked_logsumexp(-gamma * pos_w * pos_d, pos)
    n_loss, a_neg = _masked_logsumexp(gamma * neg_w * neg_d, neg)
    z = p_loss + n_loss
    values = xp.logaddexp(z, xp.zeros((), dtype))  # softplus

    def vjp(g):
        with np.errstate(over="ignore"):
            dz = (g / (1 + xp.exp(-z))).astype(dtype)[:, None]  # sigmoid(z)
        # d(-gamma * w * (margin - d))/dd and d(gamma * w * (1 - margin - d))/dd
        dpos = -gamma * (posf * _step(pos_raw) * pos_d - pos_w)
        dneg = gamma * (-negf * _step(neg_raw) * neg_d - neg_w)
        ddist = dz * (a_pos * dpos + a_neg * dneg)
        dsim = -ddist * _step(raw)  # dist = max(1 - sim, 0)
        grad = dsim @ ref
        if self_ref:
            grad = grad + dsim.T @ emb
        return grad.astype(dtype, copy=False)

    return values, vjp


class Circle(Loss):
    """Circle loss between integer labels and L2-normalised embeddings (see module docs).

    Args:
        gamma: Scale of the similarity scores (default 80).
        margin: Relaxation margin (default 0.4).
        remove_diagonal: Leave each sample's similarity with itself out of its positives
            (default True).
        reduction, name, dtype: See `Loss`. Samples whose loss is 0 (no positive or no
            negative in the batch) are left out of the reduction, as in Keras.

    >>> import numpy as np
    >>> emb = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]])
    >>> [round(float(v), 4) for v in Circle(gamma=2.0, reduction=None)([0, 0, 1], emb)]
    [0.5459, 1.2842, 0.0]
    """

    def __init__(
        self,
        gamma=80.0,
        margin=0.4,
        remove_diagonal=True,
        reduction="sum_over_batch_size",
        name="circle",
        dtype=None,
    ):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.gamma = gamma
        self.margin = margin
        self.remove_diagonal = remove_diagonal
        self._valid = None

    def check_targets(self, y_true, y_pred_shape):
        """Labels `(N,)` or `(N, 1)` for embeddings `(N, D)`."""
        y_true = backend.cast_input(y_true, self.dtype)
        pred_shape = tuple(y_pred_shape)
        if len(pred_shape) != 2:
            raise ShapeError(
                f"Loss '{self.name}' needs y_pred of shape (batch_size, embedding_dim); got "
                f"shape {format_shape(pred_shape)}."
            )
        if y_true.ndim not in (1, 2) or (y_true.ndim == 2 and y_true.shape[1] != 1):
            raise ShapeError(
                f"Loss '{self.name}' needs y_true as integer class labels of shape "
                f"(batch_size,) or (batch_size, 1); got shape {format_shape(y_true.shape)}."
            )
        if pred_shape[0] is not None and y_true.shape[0] != pred_shape[0]:
            raise IncompatibleShapesError(  # (Keras: JAX's TypeError; this is also a ValueError)
                f"Loss '{self.name}' got {y_true.shape[0]} labels for {pred_shape[0]} "
                "embeddings: x and y must hold the same number of samples."
            )
        return y_true

    def forward(self, y_true, y_pred):
        values, vjp = circle_forward(
            y_true,
            y_pred,
            remove_diagonal=self.remove_diagonal,
            gamma=self.gamma,
            margin=self.margin,
        )
        self._valid = values > 0  # Keras's mask on the values, used by the reduction
        return values, vjp

    def _mask(self, y_true):
        return self._valid

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(gamma=self.gamma, margin=self.margin, remove_diagonal=self.remove_diagonal)
        return config


def circle(
    y_true,
    y_pred,
    ref_labels=None,
    ref_embeddings=None,
    remove_diagonal=True,
    gamma=80,
    margin=0.4,
):
    """Per-sample circle loss values (Keras's function form); `ref_labels` and
    `ref_embeddings` default to `y_true` and `y_pred`.

    >>> import numpy as np
    >>> emb = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]])
    >>> [round(float(v), 4) for v in circle([0, 0, 1], emb, gamma=2.0)]
    [0.5459, 1.2842, 0.0]
    """
    y_pred = backend.cast_input(y_pred)
    ref_embeddings = None if ref_embeddings is None else backend.cast_input(ref_embeddings)
    values, _ = circle_forward(
        backend.cast_input(y_true),
        y_pred,
        ref_labels=None if ref_labels is None else backend.cast_input(ref_labels),
        ref_emb=ref_embeddings,
        remove_diagonal=remove_diagonal,
        gamma=gamma,
        margin=margin,
    )
    return values

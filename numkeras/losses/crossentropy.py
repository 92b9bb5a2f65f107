"""Cross-entropy losses: binary, categorical (one-hot) and sparse categorical (labels).

Formulas, clipping and label smoothing follow Keras 3 (JAX backend) exactly: probabilities
are clipped to `[epsilon, 1 - epsilon]` (gradient 0 where clipped, half at a bound, as JAX),
categorical probabilities are first renormalised to sum to 1, and the `from_logits` forms
use stable log-sigmoid / log-softmax.

>>> import numpy as np
>>> bce = BinaryCrossentropy()
>>> round(float(bce([[0.0], [1.0]], [[0.4], [0.6]])), 4)
0.5108
>>> scce = SparseCategoricalCrossentropy(from_logits=True)
>>> round(float(scce([2, 0], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]])), 4)
1.0986
"""

from __future__ import annotations

import warnings

import numpy as np

from numkeras import backend, shapes
from numkeras.backend import fused
from numkeras.errors import ConfigError, InputTypeError, NumkerasWarning, ShapeError, format_shape
from numkeras.losses.loss import Loss
from numkeras.losses.symbolic_forms import symbolic_form


def _clip_bounds(dtype: str):
    xp = backend.xp
    eps = backend.epsilon()
    return xp.asarray(eps, dtype), xp.asarray(1.0 - eps, dtype)


def _clip(x, lo, hi):
    """`xp.clip(x, lo, hi)` (NaN stays NaN), without np.clip's Python-level wrapper: these
    losses run once per training step, where each wrapper layer is a noticeable cost."""
    xp = backend.xp
    return xp.minimum(xp.maximum(x, lo), hi)


def _through_clip(x, lo, hi, grad):
    """`grad` (w.r.t. `clip(x, lo, hi)`) carried back to `x` as JAX, Keras 3's reference
    backend, differentiates the clip: whole inside, none outside, and half at a bound (its
    maximum / minimum split a tie), which a saturated sigmoid reaches exactly."""
    xp = backend.xp
    inside = (x > lo) & (x < hi)
    half = xp.where((x == lo) | (x == hi), grad * x.dtype.type(0.5), 0)
    return xp.where(inside, grad, half)


def _log_softmax(x, axis: int):
    xp = backend.xp
    z = x - xp.max(x, axis=axis, keepdims=True)
    return z - xp.log(xp.sum(xp.exp(z), axis=axis, keepdims=True))


def _take_last(x, labels, idx):
    """`x[..., labels]` as `(..., 1)`: take_along_axis, or plain indexing for 2-D `x`
    (the same values, several times cheaper on one training batch)."""
    xp = backend.xp
    if x.ndim == 2:
        return x[xp.arange(x.shape[0]), labels][:, None]
    return xp.take_along_axis(x, idx, axis=-1)


def _one_hot_like(idx, x):
    """One-hot of `idx` (shape `(..., 1)`) over the last axis of `x`, in `x`'s dtype."""
    xp = backend.xp
    return (xp.arange(x.shape[-1]) == idx).astype(x.dtype)


def _fusable(x, labels) -> bool:
    """Whether the sparse cross-entropy kernels may take these arrays: 2-D scores with
    classes, one label per row (the kernels are on; `fused.run` checks the layouts)."""
    return fused.available() and x.ndim == 2 and labels.ndim == 1 and x.shape[-1] > 0


def _check_axis(axis) -> int:
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise ConfigError(f"`axis` must be an int. Received: axis={axis!r}")
    return axis


def _check_smoothing(label_smoothing) -> float:
    label_smoothing = float(label_smoothing)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ConfigError(
            f"`label_smoothing` must be in [0, 1]. Received: label_smoothing={label_smoothing}"
        )
    return label_smoothing


class _OneHotTargets:
    """Mixin: the error hint for losses that expect one-hot targets shaped like y_pred."""

    name: str

    def _mismatch_hint(self, true_shape: tuple, pred_shape: tuple) -> str:
        n_classes = pred_shape[-1] if pred_shape else None
        looks_sparse = (len(true_shape) == len(pred_shape) - 1) or (
            len(true_shape) == len(pred_shape) and true_shape[-1] == 1
        )
        if looks_sparse and n_classes is not None and n_classes > 1:
            return (
                f"These look like integer class labels, but '{self.name}' expects one-hot "
                f"targets of shape {format_shape(pred_shape)}. Use "
                "loss='sparse_categorical_crossentropy', or one-hot encode the labels with "
                f"numkeras.utils.to_categorical(y, num_classes={n_classes})."
            )
        if len(true_shape) == len(pred_shape):
            return (
                f"y_true is one-hot over {true_shape[-1]} classes but y_pred has {n_classes}: "
                "check the last layer's units or to_categorical's num_classes."
            )
        return ""


class _BinaryTargets:
    """Mixin: the error hint for losses that expect one 0/1 target per output unit."""

    def _mismatch_hint(self, true_shape: tuple, pred_shape: tuple) -> str:
        if pred_shape and pred_shape[-1] == 1 and len(true_shape) == len(pred_shape):
            return (
                f"y_true looks one-hot over {true_shape[-1]} classes but the model has a single "
                f"output unit. For {true_shape[-1]} classes use a softmax output with "
                f"{true_shape[-1]} units and loss='categorical_crossentropy'."
            )
        if pred_shape and (pred_shape[-1] or 0) > 1 and len(true_shape) == len(pred_shape) - 1:
            return (
                "binary_crossentropy expects one 0/1 target per output unit. If y holds class "
                "indices, use a softmax output with loss='sparse_categorical_crossentropy'."
            )
        return super()._mismatch_hint(true_shape, pred_shape)


def _warn_single_class(name: str, pred_shape) -> None:
    """Keras's warning for a categorical loss on a class axis of size 1 (always 0)."""
    if tuple(pred_shape)[-1:] == (1,):
        warnings.warn(
            f"In loss {name}, y_pred has a class axis of size 1, so the loss is always "
            "0. Use loss='binary_crossentropy' for a single sigmoid output, or give the last "
            "layer one unit per class.",
            NumkerasWarning,
            stacklevel=4,
        )


def _fused_binary_terms(x, y, lo, hi, axis: int):
    """`(pq, values)` of `BinaryCrossentropy` on probabilities by the fused kernels:
    `pq` stacks the clipped `p` and `1 - p`, `values` the per-row means. The same float
    operations as the NumPy code, with np.log left to NumPy (one call for both logs).
    None unless the kernels take these arrays: 2-D, the mean over the last axis, targets
    of the same shape and dtype."""
    xp = backend.xp
    if not fused.available() or x.ndim != 2 or axis not in (-1, 1):
        return None
    if not isinstance(y, xp.ndarray) or y.shape != x.shape or y.dtype != x.dtype:
        return None
    t = x.dtype.type
    pq = xp.empty((2, *x.shape), x.dtype)
    if fused.run("bce_terms", x, lo, hi, t(1), pq) is None:
        return None
    values = xp.empty(len(x), x.dtype)
    args = (y, xp.log(pq), t(1), t(x.shape[-1]), xp.empty_like(x), values)
    if fused.run("bce_values", *args) is None:
        return None
    return pq, values


def _fusable_categorical(x, y, axis: int) -> bool:
    """Whether the categorical kernels take these arrays: 2-D scores, classes last,
    one-hot (or smoothed) targets of the same shape and dtype."""
    return (
        fused.available()
        and x.ndim == 2
        and axis in (-1, 1)
        and x.shape[-1] > 0
        and isinstance(y, backend.xp.ndarray)
        and y.shape == x.shape
        and y.dtype == x.dtype
    )


def _categorical_values(y, logp):
    """`-(y * logp).sum(-1)` by the fused kernel, or None."""
    xp = backend.xp
    values, prod = xp.empty(len(y), y.dtype), xp.empty(y.shape[-1], y.dtype)
    return values if fused.run("cce_values", y, logp, prod, values) is not None else None


def _fused_categorical_probs(x, y, axis: int, lo, hi):
    """`((s, q, qc), values)` of `CategoricalCrossentropy` on probabilities by the fused
    kernels (the row sums `(rows, 1)`, the shares and the clipped shares; np.log left to
    NumPy), or None where they do not take these arrays."""
    if not _fusable_categorical(x, y, axis):
        return None
    xp = backend.xp
    s, q, qc = xp.empty((len(x), 1), x.dtype), xp.empty_like(x), xp.empty_like(x)
    if fused.run("cce_probs", x, lo, hi, s.reshape(-1), q, qc) is None:
        return None
    values = _categorical_values(y, xp.log(qc))
    return None if values is None else ((s, q, qc), values)


def _fused_categorical_logits(x, y, axis: int):
    """`(logp, values)` of `CategoricalCrossentropy` on logits by the fused kernels: the
    passes of `_log_softmax`, with np.exp and np.log left to NumPy; or None."""
    if not _fusable_categorical(x, y, axis):
        return None
    xp = backend.xp
    logp, lse = xp.empty_like(x), xp.empty((len(x), 1), x.dtype)
    if fused.run("row_max_subtract", x, logp) is None:
        return None
    if fused.run("row_sums", xp.exp(logp), lse.reshape(-1)) is None:
        return None
    logp -= xp.log(lse, out=lse)
    values = _categorical_values(y, logp)
    return None if values is None else (logp, values)


class BinaryCrossentropy(_BinaryTargets, Loss):
    """Cross-entropy for 0/1 targets: `-mean(y*log(p) + (1-y)*log(1-p), axis)`.

    Args:
        from_logits: `y_pred` holds logits (stable log-sigmoid form) rather than probabilities.
        label_smoothing: In [0, 1]; targets become `y*(1-s) + 0.5*s`.
        axis: Axis the mean runs over (default -1).
        reduction, name, dtype: See `Loss`.

    >>> import numpy as np
    >>> loss = BinaryCrossentropy(from_logits=True)
    >>> round(float(loss(np.array([[1.0]]), np.array([[0.0]]))), 4)
    0.6931
    """

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction="sum_over_batch_size",
        name: str = "binary_crossentropy",
        dtype=None,
    ):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.from_logits = bool(from_logits)
        self.label_smoothing = _check_smoothing(label_smoothing)
        self.axis = _check_axis(axis)

    def forward(self, y_true, y_pred):
        xp = backend.xp
        y, x, axis = y_true, y_pred, self.axis
        if self.label_smoothing:
            y = y * (1.0 - self.label_smoothing) + 0.5 * self.label_smoothing
        n = x.shape[axis]
        if self.from_logits:
            e = xp.exp(-xp.abs(x))  # in (0, 1]: no overflow for any logit
            elem = xp.maximum(x, 0) - x * y + xp.log1p(e)

            def vjp(g):
                sig = xp.where(x >= 0, 1 / (1 + e), e / (1 + e))
                return xp.expand_dims(g / n, axis) * (sig - y)

        else:
            lo, hi = _clip_bounds(self.dtype)
            fast = _fused_binary_terms(x, y, lo[()], hi[()], axis)
            if fast is None:
                p = _clip(x, lo, hi)
                not_p = 1 - p
                elem = -(y * xp.log(p) + (1 - y) * xp.log(not_p))
            else:
                (p, not_p), values = fast

            def vjp(g):
                if fast is not None and g.dtype == x.dtype:
                    out, t = xp.empty_like(x), x.dtype.type
                    args = (x, y, fast[0], g, t(n), lo[()], hi[()], t(1), t(0), out)
                    if fused.run("bce_grad", *args) is not None:
                        return out
                d = (1 - y) / not_p - y / p
                grad = _through_clip(x, lo, hi, xp.expand_dims(g / n, axis) * d)
                return grad.astype(x.dtype, copy=False)

            if fast is not None:
                return values, vjp
        # the mean as sum / n: what np.mean computes, without its Python-level wrapper
        return elem.sum(axis=axis) / n, vjp

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            from_logits=self.from_logits, label_smoothing=self.label_smoothing, axis=self.axis
        )
        return config


class CategoricalCrossentropy(_OneHotTargets, Loss):
    """Cross-entropy for one-hot targets: `-sum(y * log(p), axis)`.

    Probabilities are renormalised to sum to 1 along `axis` and clipped to
    `[epsilon, 1 - epsilon]`, as Keras does. Integer labels need `SparseCategoricalCrossentropy`
    (or `numkeras.utils.to_categorical`); passing them here raises a `ShapeError` that says so.

    Args:
        from_logits: `y_pred` holds logits (stable log-softmax form).
        label_smoothing: In [0, 1]; targets become `y*(1-s) + s/num_classes`.
        axis: The class axis (default -1).
        reduction, name, dtype: See `Loss`.

    >>> loss = CategoricalCrossentropy()
    >>> round(float(loss([[0, 1, 0]], [[0.05, 0.95, 0.0]])), 4)
    0.0513
    """

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction="sum_over_batch_size",
        name: str = "categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
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
        if self.from_logits:
            fast = _fused_categorical_logits(x, y, axis)
            logp = _log_softmax(x, axis) if fast is None else fast[0]

            def vjp(g):
                e = xp.exp(logp)
                if fast is not None and g.dtype == x.dtype:
                    if fused.run("cce_logits_grad", y, g, e) is not None:
                        return e
                total = xp.sum(y, axis=axis, keepdims=True)
                return xp.expand_dims(g, axis) * (e * total - y)

        else:
            lo, hi = _clip_bounds(self.dtype)
            fast = _fused_categorical_probs(x, y, axis, lo[()], hi[()])
            if fast is None:
                s = x.sum(axis=axis, keepdims=True)
                q = x / s
                qc = _clip(q, lo, hi)
                logp = xp.log(qc)
            else:
                s, q, qc = fast[0]

            def vjp(g):
                if fast is not None and g.dtype == x.dtype:
                    out, prod = xp.empty_like(x), xp.empty(x.shape[-1], x.dtype)
                    args = (y, g, s.reshape(-1), q, qc, lo[()], hi[()], x.dtype.type(0), prod)
                    if fused.run("cce_probs_grad", *args, out) is not None:
                        return out
                dq = _through_clip(q, lo, hi, -xp.expand_dims(g, axis) * y / qc).astype(x.dtype)
                return (dq - xp.sum(dq * q, axis=axis, keepdims=True)) / s

        if fast is not None:
            return fast[1], vjp
        return -xp.sum(y * logp, axis=axis), vjp

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            from_logits=self.from_logits, label_smoothing=self.label_smoothing, axis=self.axis
        )
        return config


class SparseCategoricalCrossentropy(Loss):
    """Cross-entropy for integer class labels: `-log(p[label])`.

    `y_true` holds class indices of shape `y_pred.shape` without the class axis (a trailing
    axis of size 1 is accepted). Labels outside `[0, num_classes)` raise a `ShapeError`
    (Keras silently scores them as 0); so do one-hot targets, with the fix in the message.

    Args:
        from_logits: `y_pred` holds logits (stable log-softmax form).
        ignore_class: A label value (e.g. -1 or 255) whose entries are left out of the loss
            and of the mean.
        axis: The class axis of `y_pred` (default -1; Keras only handles -1 correctly).
        reduction, name, dtype: See `Loss`.

    >>> loss = SparseCategoricalCrossentropy()
    >>> round(float(loss([1], [[0.05, 0.95, 0.0]])), 4)
    0.0513
    """

    def __init__(
        self,
        from_logits: bool = False,
        ignore_class: int | None = None,
        reduction="sum_over_batch_size",
        axis: int = -1,
        name: str = "sparse_categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.from_logits = bool(from_logits)
        self.ignore_class = None if ignore_class is None else int(ignore_class)
        self.axis = _check_axis(axis)

    def check_targets(self, y_true, y_pred_shape):
        xp = backend.xp
        # (the dtype read before any upload: CuPy refuses text arrays with its own error)
        dtype = y_true.dtype if hasattr(y_true, "dtype") else np.asarray(y_true).dtype
        if dtype.kind not in "fiub":
            raise InputTypeError(f"y_true must be numeric class labels; got dtype {dtype}.")
        y = xp.asarray(y_true)
        pred_shape = tuple(y_pred_shape)
        if not pred_shape:
            raise ShapeError(f"Loss '{self.name}' needs y_pred with a class axis; got shape ().")
        axis = self.axis % len(pred_shape)
        num_classes = pred_shape[axis]
        expected = pred_shape[:axis] + pred_shape[axis + 1 :]
        if y.ndim == len(pred_shape) and y.shape[axis] == 1:
            y = xp.squeeze(y, axis)
        if not shapes.compatible(tuple(y.shape), expected):
            raise ShapeError(self._label_shape_message(tuple(xp.shape(y_true)), pred_shape))
        if y.dtype.kind == "f":
            bad = ~xp.isfinite(y) | (y != xp.floor(y))
            if bool(xp.any(bad)):
                example = float(y[bad].ravel()[0])
                raise ShapeError(
                    f"Loss '{self.name}' expects integer class indices in y_true, but got "
                    f"non-integer values such as {example}. For one-hot or probability targets "
                    "use loss='categorical_crossentropy'."
                )
        y = y.astype("int64", copy=False)
        if y.size and num_classes is not None:
            bad = (y < 0) | (y >= num_classes)
            if self.ignore_class is not None:
                bad &= y != self.ignore_class
            if bool(xp.any(bad)):
                raise ShapeError(self._label_range_message(y[bad], num_classes))
        return y

    def _label_shape_message(self, true_shape: tuple, pred_shape: tuple) -> str:
        head = (
            f"Loss '{self.name}' got y_true with shape {format_shape(true_shape)} and y_pred "
            f"with shape {format_shape(pred_shape)}."
        )
        if shapes.compatible(true_shape, pred_shape) and pred_shape[-1] != 1:
            return (
                f"{head} y_true has the same shape as y_pred, so it looks one-hot encoded, but "
                f"'{self.name}' expects integer class indices of shape "
                f"{format_shape(pred_shape[:-1])}. Use loss='categorical_crossentropy', or pass "
                "the labels as y.argmax(axis=-1)."
            )
        if (
            true_shape
            and None not in (true_shape[0], pred_shape[0])
            and (true_shape[0] != pred_shape[0])
        ):
            return (
                f"{head} They have different batch sizes ({true_shape[0]} vs {pred_shape[0]}): "
                "x and y must hold the same number of samples."
            )
        axis = self.axis % len(pred_shape)
        expected = pred_shape[:axis] + pred_shape[axis + 1 :]
        return (
            f"{head} It expects integer class indices of shape {format_shape(expected)} "
            f"(or {format_shape(expected + (1,))})."
        )

    def _label_range_message(self, bad, num_classes: int) -> str:
        lo, hi = int(bad.min()), int(bad.max())
        msg = (
            f"Loss '{self.name}' got class labels outside [0, {num_classes - 1}] (y_pred has "
            f"{num_classes} classes): found {lo if lo < 0 else hi}."
        )
        if lo >= 0 and hi == num_classes:
            msg += (
                " If the labels are 1-based, subtract 1; otherwise the last layer needs more units."
            )
        elif lo < 0:
            msg += f" To skip a label such as {lo}, pass ignore_class={lo}."
        else:
            msg += f" The last layer needs at least {hi + 1} units."
        return msg

    def _prepare(self, y_true, y_pred):
        labels = self._fused_labels(y_true, y_pred)
        if labels is None:
            labels = self.check_targets(y_true, y_pred.shape)
        return labels, y_pred

    def _fused_labels(self, y_true, y_pred):
        """`y_true` as `(batch,)` integer labels when the fused kernels will take this batch
        (2-D and C-contiguous, classes last, no ignore_class), else None. `check_targets`
        is then skipped: the kernels check the label range themselves, and `forward`
        raises `check_targets`'s error for a label out of range."""
        if self.ignore_class is not None or self.axis not in (-1, 1):
            return None
        labels = fused.row_labels(y_true, y_pred)
        return labels if labels is not None and _fusable(y_pred, labels) else None

    def _mask(self, y_true):
        if self.ignore_class is None:
            return None
        return y_true != self.ignore_class

    def forward(self, y_true, y_pred):
        xp = backend.xp
        axis = self.axis % y_pred.ndim
        last = axis == y_pred.ndim - 1  # the usual case: no axis moves (a per-step cost)
        x = y_pred if last else xp.moveaxis(y_pred, axis, -1)
        labels = y_true
        valid = None
        if self.ignore_class is not None:
            valid = labels != self.ignore_class
            labels = xp.where(valid, labels, 0)
        idx = labels[..., None]
        if self.from_logits:
            labels, fast = self._fused_logit_terms(x, labels, y_pred.shape)
            if fast is None:
                logp = _log_softmax(x, -1)
                values = -_take_last(logp, labels, idx)[..., 0]
            else:
                logp, values = fast

            def local_vjp(g):
                e = xp.exp(logp)
                if fast is not None and g.dtype == x.dtype:
                    args = (labels, g, e, x.dtype.type(0), x.dtype.type(1))
                    if fused.run("sparse_ce_logits_grad", *args) is not None:
                        return e
                return g[..., None] * (e - _one_hot_like(idx, x))

        else:
            lo, hi = _clip_bounds(self.dtype)
            labels, terms = self._fused_probability_terms(x, labels, lo, hi, y_pred.shape)
            if terms is None:
                s = x.sum(axis=-1, keepdims=True)
                q_t = _take_last(x, labels, idx) / s
                qc_t = _clip(q_t, lo, hi)
            else:
                s, q_t, qc_t = (t[:, None] for t in terms)
            values = -xp.log(qc_t)[..., 0]

            def local_vjp(g):
                if terms is not None and g.dtype == x.dtype:
                    out = xp.empty_like(x)
                    zero, one = x.dtype.type(0), x.dtype.type(1)
                    args = (labels, g, *terms, lo[()], hi[()], zero, one, out)
                    if fused.run("sparse_ce_probs_grad", *args) is not None:
                        return out
                dq_t = _through_clip(q_t, lo, hi, -g[..., None] / qc_t).astype(x.dtype)
                # d q_t / d x_j = (onehot_j - q_t) / s
                return (dq_t / s) * (_one_hot_like(idx, x) - q_t)

        if valid is not None:
            values = xp.where(valid, values, 0).astype(x.dtype)

        def vjp(g):
            if valid is not None:
                g = xp.where(valid, g, 0).astype(g.dtype)
            d = local_vjp(g)
            return d if last else xp.moveaxis(d, -1, axis)

        return values, vjp

    def _fused_probability_terms(self, x, labels, lo, hi, pred_shape):
        """`(labels, (s, q_t, qc_t))`: the row sums, the label's share and that share
        clipped, each `(batch,)`, by one fused kernel pass over 2-D `x`; else
        `(labels, None)`. `pred_shape` is `y_pred`'s (`x` has the class axis last)."""
        if not _fusable(x, labels):
            return labels, None
        terms = tuple(backend.xp.empty(len(x), x.dtype) for _ in range(3))
        bad = fused.run("sparse_ce_probs", x, labels, lo[()], hi[()], *terms)
        if bad == 0:
            return labels, terms
        # the kernels did not run, or found a label out of range, on labels that
        # `_fused_labels` may have passed unchecked: check them (raising for the range)
        return self.check_targets(labels, pred_shape), None

    def _fused_logit_terms(self, x, labels, pred_shape):
        """`(labels, (logp, values))` by the fused kernels over 2-D logits `x`: the same
        passes as `_log_softmax` and the label pick, with np.exp and np.log left to NumPy;
        else `(labels, None)`, as `_fused_probability_terms`."""
        xp = backend.xp
        if not _fusable(x, labels):
            return labels, None
        logp = xp.empty_like(x)
        lse = xp.empty(len(x), x.dtype)
        if fused.run("row_max_subtract", x, logp) is not None:
            if fused.run("row_sums", xp.exp(logp), lse) is not None:
                xp.log(lse, out=lse)
                values = xp.empty(len(x), x.dtype)
                if fused.run("sparse_ce_logits", logp, lse, labels, values) == 0:
                    return labels, (logp, values)
        # the kernels did not run, or found a label out of range, on labels that
        # `_fused_labels` may have passed unchecked: check them (raising for the range)
        return self.check_targets(labels, pred_shape), None

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(from_logits=self.from_logits, ignore_class=self.ignore_class)
        return config


@symbolic_form
def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Per-sample binary cross-entropy (Keras's function form).

    >>> print(binary_crossentropy([[0.0, 1.0]], [[0.4, 0.6]]).round(4))
    [0.5108]
    """
    loss = BinaryCrossentropy(from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
    return loss.call(y_true, y_pred)


@symbolic_form
def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Per-sample categorical cross-entropy (Keras's function form).

    >>> print(categorical_crossentropy([[0, 1, 0]], [[0.05, 0.95, 0.0]]).round(4))
    [0.0513]
    """
    loss = CategoricalCrossentropy(
        from_logits=from_logits, label_smoothing=label_smoothing, axis=axis
    )
    return loss.call(y_true, y_pred)


@symbolic_form
def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """Per-sample sparse categorical cross-entropy (Keras's function form).

    >>> print(sparse_categorical_crossentropy([1], [[0.05, 0.95, 0.0]]).round(4))
    [0.0513]
    """
    loss = SparseCategoricalCrossentropy(
        from_logits=from_logits, ignore_class=ignore_class, axis=axis
    )
    return loss.call(y_true, y_pred)

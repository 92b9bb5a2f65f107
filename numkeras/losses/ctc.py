"""`CTC` / `ctc`: the Connectionist Temporal Classification loss (Graves et al., 2006), as
Keras 3.

`y_true` is `(batch, max_label_length)` integer labels, left-aligned and padded with 0;
`y_pred` is `(batch, steps, classes)` logits (not softmaxed). Class 0 is both the blank and
the padding (Keras's `mask_index=0`), so real labels are `1 .. classes - 1` and a label's
length is its count of non-zero entries. Every sample uses all `steps`. The per-sample
value is `-log p(label | logits)`, summed over all alignments.

The forward pass is Keras's (optax's) alpha recursion in log space, step by step over time,
with the same soft "impossible" score `-1e5` instead of `-inf`: a label that cannot fit in
`steps` (e.g. `1, 1, 1` needs 5 steps) gets a loss near 1e5, as in Keras, not `inf`. The
gradient runs the recursion backwards (the beta pass of the alpha-beta algorithm, on the
same lattice), then through the log-softmax.

Labels outside `[0, classes)` raise a `ShapeError` (Keras scores such a label as if it had
probability 1).

>>> import numpy as np
>>> logits = np.zeros((1, 2, 3), "float32")  # uniform over {blank, 1, 2} at both steps
>>> round(float(CTC()(np.array([[1]]), logits)), 4)  # 3 alignments of 9: -log(1/3)
1.0986
"""

from __future__ import annotations

from numkeras import backend
from numkeras.errors import ShapeError, format_shape
from numkeras.losses.loss import Loss

_LOG_EPSILON = -1e5  # Keras's score of an impossible transition
_MASK_INDEX = 0


def _log_softmax(x):
    xp = backend.xp
    shifted = x - x.max(axis=-1, keepdims=True)
    return shifted - xp.log(xp.exp(shifted).sum(axis=-1, keepdims=True))


def _lae(a, b):
    """`logaddexp(a, b)` and the weights `exp(a - out)`, `exp(b - out)` of its gradient."""
    xp = backend.xp
    out = xp.logaddexp(a, b)
    return out, xp.exp(a - out), xp.exp(b - out)


class CTC(Loss):
    """CTC loss of integer labels `(batch, max_label_length)` against logits
    `(batch, steps, classes)`; 0 is the blank and the padding.

    >>> import numpy as np
    >>> logits = np.log(np.array([[[0.2, 0.8], [0.6, 0.4]]], "float32"))
    >>> round(float(CTC()(np.array([[1]]), logits)), 4)  # -log(.8 * .4 + .8 * .6 + .2 * .4)
    0.1278
    """

    def __init__(self, reduction="sum_over_batch_size", name: str = "ctc", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def check_targets(self, y_true, y_pred_shape):
        xp = backend.xp
        y = xp.asarray(y_true)
        pred_shape = tuple(y_pred_shape)
        if y.ndim != 2:
            raise ShapeError(
                "Targets `y_true` are expected to be a tensor of shape `(batch_size, "
                f"max_length)` in integer format. Received: y_true.shape={format_shape(y.shape)}"
            )
        if len(pred_shape) != 3:
            raise ShapeError(
                "Logits `y_pred` are expected to be a tensor of shape `(batch_size, "
                f"max_length, num_classes)`. Received: y_pred.shape={format_shape(pred_shape)}"
            )
        if y.shape[0] != pred_shape[0]:
            raise ShapeError(
                f"Loss '{self.name}' got {y.shape[0]} label sequences for {pred_shape[0]} "
                "logit sequences: x and y must hold the same number of samples."
            )
        if y.dtype.kind == "f":
            if bool(xp.any(~xp.isfinite(y) | (y != xp.floor(y)))):
                raise ShapeError(f"Loss '{self.name}' expects integer labels in y_true.")
        elif y.dtype.kind not in "iub":
            raise TypeError(f"y_true must hold integer labels; got dtype {y.dtype}.")
        y = y.astype("int64", copy=False)
        classes = pred_shape[2]
        if y.size and (int(y.min()) < 0 or int(y.max()) >= classes):
            bad = int(y.min()) if int(y.min()) < 0 else int(y.max())
            raise ShapeError(
                f"Loss '{self.name}' got the label {bad}, outside [0, {classes - 1}] (y_pred "
                f"has {classes} classes; 0 is the blank and the padding)."
            )
        return y

    def _prepare(self, y_true, y_pred):
        return self.check_targets(y_true, y_pred.shape), y_pred

    def forward(self, y_true, y_pred):
        xp = backend.xp
        dtype = xp.result_type(y_pred.dtype, xp.float32)  # as Keras: at least float32
        x = y_pred.astype(dtype, copy=False)
        t_ = x.dtype.type
        eps = t_(_LOG_EPSILON)
        batch, steps, classes = x.shape
        n = y_true.shape[1]
        rows = xp.arange(batch)[:, None]
        label_len = (y_true != _MASK_INDEX).sum(axis=1)

        logp = _log_softmax(x)  # (B, T, K)
        emit_lp = logp[rows[:, :, None], xp.arange(steps)[None, :, None], y_true[:, None, :]]
        phi_lp = logp[:, :, _MASK_INDEX]  # (B, T)
        repeat = xp.zeros((batch, n), dtype)
        if n > 1:
            repeat[:, :-1] = y_true[:, :-1] == y_true[:, 1:]
        no_repeat_pen = eps * (t_(1) - repeat)
        repeat_pen = eps * repeat

        phi = xp.full((batch, n + 1), eps, dtype)
        phi[:, 0] = 0
        emit = xp.full((batch, n), eps, dtype)
        tape = []
        for t in range(steps):
            e_t, b_t = emit_lp[:, t], phi_lp[:, t, None]
            # emit -> blank, except before a repeated label
            p1, wp, wm1 = _lae(phi[:, 1:], emit + repeat_pen)
            pp = xp.concatenate([phi[:, :1], p1], axis=1)
            # blank -> label, and label -> same label
            new_emit, we1, we2 = _lae(pp[:, :-1] + e_t, emit + e_t)
            q = pp + b_t  # blank -> blank
            # label -> blank, only before a repeated label
            q1, wq, wr = _lae(q[:, 1:], emit + b_t + no_repeat_pen)
            new_phi = xp.concatenate([q[:, :1], q1], axis=1)
            tape.append((wp, wm1, we1, we2, wq, wr))
            phi, emit = new_phi, new_emit
        last1, wl1, wl2 = _lae(phi[:, 1:], emit)
        last = xp.concatenate([phi[:, :1], last1], axis=1)
        values = -last[xp.arange(batch), label_len]

        def vjp(g):
            g = xp.asarray(g, dtype)
            d_last = xp.zeros((batch, n + 1), dtype)
            d_last[xp.arange(batch), label_len] = -g
            d_phi = d_last.copy()
            d_phi[:, 1:] *= wl1
            d_emit = d_last[:, 1:] * wl2
            d_emit_lp = xp.zeros((batch, steps, n), dtype)
            d_phi_lp = xp.zeros((batch, steps), dtype)
            for t in range(steps - 1, -1, -1):
                wp, wm1, we1, we2, wq, wr = tape[t]
                d_q = d_phi.copy()
                d_q[:, 1:] *= wq
                d_r = d_phi[:, 1:] * wr
                d_m = d_r.copy()
                d_phi_lp[:, t] = d_r.sum(axis=1) + d_q.sum(axis=1)
                d_pp = d_q  # q = pp + b_t
                d_pp[:, :-1] += d_emit * we1
                d_m += d_emit * we2
                d_emit_lp[:, t] = d_emit * (we1 + we2)
                d_prev_phi = d_pp.copy()
                d_prev_phi[:, 1:] *= wp
                d_m += d_pp[:, 1:] * wm1
                d_phi, d_emit = d_prev_phi, d_m
            d_logp = xp.zeros((batch, steps, classes), dtype)
            b_idx = xp.broadcast_to(rows[:, :, None], (batch, steps, n))
            t_idx = xp.broadcast_to(xp.arange(steps)[None, :, None], (batch, steps, n))
            k_idx = xp.broadcast_to(y_true[:, None, :], (batch, steps, n))
            xp.add.at(d_logp, (b_idx, t_idx, k_idx), d_emit_lp)
            d_logp[:, :, _MASK_INDEX] += d_phi_lp
            # through the log-softmax
            grad = d_logp - xp.exp(logp) * d_logp.sum(axis=-1, keepdims=True)
            return grad.astype(y_pred.dtype, copy=False)

        return values.astype(y_pred.dtype, copy=False), vjp


def ctc(y_true, y_pred):
    """Per-sample CTC loss (Keras's function form); see `CTC`.

    >>> import numpy as np
    >>> ctc(np.array([[1]]), np.zeros((1, 2, 3), "float32")).round(4)
    array([1.0986], dtype=float32)
    """
    return CTC().call(y_true, y_pred)

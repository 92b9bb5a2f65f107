"""A loss object called on symbolic tensors: inside a traced call (keras.io's training
guide's endpoint layer, `self.add_loss(self.loss_fn(targets, logits))`) or in a functional
graph. Keras computes such a loss with its ops; numkeras records it as one graph step that
runs the loss's own value and gradient (its `value_and_grad`, the targets' gradient where
the loss gives one, `Loss.target_grad`).

>>> import numpy as np
>>> from numkeras import Input, Model, losses
>>> y_true, y_pred = Input((3,)), Input((3,))
>>> model = Model([y_true, y_pred], losses.MeanSquaredError()(y_true, y_pred))
>>> float(model([np.zeros((2, 3)), np.ones((2, 3))]))
1.0
"""

from __future__ import annotations

from numkeras import backend, ops
from numkeras.errors import ConfigError
from numkeras.ops.operation import Operation


class LossCall(Operation):
    """One call of `loss` (reduced: a scalar) on symbolic `(y_true, y_pred[, weights])`."""

    def __init__(self, loss, *, name: str | None = None):
        super().__init__(name=name or f"{loss.name}_call")
        self.loss = loss

    def compute_output_spec(self, y_true, y_pred, sample_weight=None):
        return ()

    def output_dtype(self, *args) -> str:
        return self.loss.dtype

    def _forward(self, y_true, y_pred, sample_weight=None):
        loss = self.loss
        if not loss._has_forward() or loss._own_dunder_call():  # (traced: one pass for both)
            value, grad, grad_true = loss._traced_value_and_grad(
                y_true, y_pred, sample_weight, targets=True
            )
        else:
            value, grad = loss.value_and_grad(y_true, y_pred, sample_weight=sample_weight)
            grad_true = loss.target_grad(y_true, y_pred, sample_weight=sample_weight)
        return backend.xp.asarray(value, loss.dtype), (grad, grad_true)

    def _backward(self, cache, grad, need):
        grad_pred, grad_true = cache
        scale = backend.xp.asarray(grad)
        return (
            None if grad_true is None else grad_true * scale.astype(grad_true.dtype),
            grad_pred * scale.astype(grad_pred.dtype),
            None,
        )[: len(need)]

    def get_config(self) -> dict:
        raise ConfigError(
            f"A loss object called on symbolic tensors ({self.loss.name}) is a step numkeras "
            "cannot write in a model config; compute it in a layer's call (add_loss) or pass "
            "the loss to compile()."
        )


class UnreducedLossCall(Operation):
    """One call of `loss` with reduction=None on symbolic `(y_true, y_pred)`: its
    per-sample values (keras.io's NER loss multiplies them by a padding mask before it
    reduces them), with the loss's own vector-Jacobian product as gradient."""

    def __init__(self, loss, *, name: str | None = None):
        super().__init__(name=name or f"{loss.name}_call")
        self.loss = loss

    def compute_output_spec(self, y_true, y_pred):
        return tuple(y_pred.shape)[:-1]  # (each Keras loss reduces the last axis)

    def output_dtype(self, *args) -> str:
        return self.loss.dtype

    def _forward(self, y_true, y_pred):
        loss, xp = self.loss, backend.xp
        raw = xp.asarray(y_pred)
        y_true, y_pred = loss._prepare(y_true, backend.cast_input(raw, loss.dtype))
        values, vjp = loss.forward(y_true, y_pred)
        mask = loss._mask(y_true)  # (ignore_class: those values are 0, as Keras's)
        if mask is not None:
            values = values * mask
        out_dtype = raw.dtype if raw.dtype.kind == "f" else loss.dtype
        return xp.asarray(values, loss.dtype), (vjp, mask, raw.shape, out_dtype)

    def _backward(self, cache, grad, need):
        vjp, mask, shape, dtype = cache
        dvalues = grad if mask is None else grad * mask
        return (None, vjp(dvalues).reshape(shape).astype(dtype))[: len(need)]

    def get_config(self) -> dict:
        return LossCall.get_config(self)


def symbolic_loss(loss, y_true, y_pred, sample_weight=None):
    """`loss(y_true, y_pred, sample_weight)` on symbolic tensors: a `LossCall` step for a
    loss with its own value and gradient (an `UnreducedLossCall` for reduction=None); a
    loss written as `call` (with ops) runs that call on the tensors and is reduced with
    ops, as Keras reduces it."""
    if loss.reduction in (None, "none") and sample_weight is None:
        if loss._has_forward():
            return UnreducedLossCall(loss)(y_true, y_pred)
        return ops.cast(loss.call(y_true, y_pred), loss.dtype)
    if loss.reduction in (None, "none"):
        raise NotImplementedError(
            f"numkeras computes loss '{loss.name}' on symbolic tensors with reduction="
            f"{loss.reduction!r} without sample weights; multiply its values by them with "
            "ops instead."
        )
    if loss._has_forward():
        args = (y_true, y_pred) if sample_weight is None else (y_true, y_pred, sample_weight)
        return LossCall(loss)(*args)
    if sample_weight is not None:
        raise NotImplementedError(
            f"numkeras computes loss '{loss.name}' (written as `call`) on symbolic tensors "
            "without sample weights; multiply its values by them with ops instead."
        )
    values = ops.cast(loss.call(y_true, y_pred), loss.dtype)
    return ops.sum(values) if loss.reduction == "sum" else ops.mean(values)

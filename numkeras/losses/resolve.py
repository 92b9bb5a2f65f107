"""Keras 3's shape rule behind `'crossentropy'` (losses) and `'accuracy'` (metrics).

From `keras/src/trainers/compile_utils.py` (`is_binary_or_sparse_categorical`): the output is
*binary* when y_pred's last axis has size 1, and the targets are *sparse* (integer labels)
when y_true has lower rank than y_pred, or ends in 1 while y_pred does not.

>>> is_binary_or_sparse_categorical((32, 1), (32, 1))
(True, False)
>>> is_binary_or_sparse_categorical((32,), (32, 10))
(False, True)
>>> resolve("ce", (32, 10), (32, 10))
CategoricalCrossentropy(name='ce')
"""

from __future__ import annotations

from numkeras.losses.loss import Loss


def is_binary_or_sparse_categorical(y_true_shape, y_pred_shape) -> tuple[bool, bool]:
    """`(is_binary, is_sparse_categorical)` exactly as Keras 3 decides them."""
    t, p = tuple(y_true_shape), tuple(y_pred_shape)
    t_last = t[-1] if t else None
    p_last = p[-1] if p else None
    is_binary = p_last == 1
    is_sparse = len(t) < len(p) or (t_last == 1 and p_last is not None and p_last > 1)
    return is_binary, is_sparse


def resolve(identifier, y_true_shape, y_pred_shape):
    """Like `losses.to_loss`, but also resolves `'crossentropy'`/`'ce'` from the data shapes.

    Binary output -> BinaryCrossentropy; sparse targets -> SparseCategoricalCrossentropy;
    otherwise CategoricalCrossentropy. The loss keeps the user's spelling as its name.
    """
    from numkeras import losses

    if isinstance(identifier, ShapeDependentCrossentropy):
        identifier = identifier.name
    if not (isinstance(identifier, str) and identifier.lower() in ("crossentropy", "ce")):
        return losses.to_loss(identifier)
    is_binary, is_sparse = is_binary_or_sparse_categorical(y_true_shape, y_pred_shape)
    if is_binary:
        return losses.BinaryCrossentropy(name=identifier)
    if is_sparse:
        return losses.SparseCategoricalCrossentropy(name=identifier)
    return losses.CategoricalCrossentropy(name=identifier)


class ShapeDependentCrossentropy(Loss):
    """`loss="crossentropy"` before the data is seen: resolves itself on first use.

    `losses.to_loss("crossentropy")` returns this; the first `check_targets`, `__call__` or
    `value_and_grad` picks binary, categorical or sparse categorical cross-entropy from the
    shapes (Keras 3 does the same when `compile`'s loss is built on the first batch) and
    every later call delegates to that loss.

    >>> loss = ShapeDependentCrossentropy("ce")
    >>> round(float(loss([0, 1], [[0.9, 0.1], [0.2, 0.8]])), 4)
    0.1643
    >>> loss.resolved
    SparseCategoricalCrossentropy(name='ce')
    """

    def __init__(self, name: str = "crossentropy", reduction="sum_over_batch_size", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.resolved: Loss | None = None  # the loss picked by the latest call
        self._by_kind: dict[tuple[bool, bool], Loss] = {}

    def _resolve(self, y_true, y_pred_shape) -> Loss:
        from numkeras import backend

        # per call, not once: one instance may serve several outputs of different shapes
        true_shape = tuple(backend.xp.shape(y_true))
        kind = is_binary_or_sparse_categorical(true_shape, tuple(y_pred_shape))
        loss = self._by_kind.get(kind)
        if loss is None:
            loss = resolve(self.name, true_shape, tuple(y_pred_shape))
            loss.reduction, loss._dtype = self.reduction, self.dtype
            self._by_kind[kind] = loss
        self.resolved = loss
        return loss

    def check_targets(self, y_true, y_pred_shape):
        return self._resolve(y_true, y_pred_shape).check_targets(y_true, y_pred_shape)

    def __call__(self, y_true, y_pred, sample_weight=None, *, mask=None):
        loss = self._resolve(y_true, backend_shape(y_pred))
        return loss(y_true, y_pred, sample_weight, mask=mask)

    def call(self, y_true, y_pred):
        return self._resolve(y_true, backend_shape(y_pred)).call(y_true, y_pred)

    def value_and_grad(self, y_true, y_pred, sample_weight=None, *, mask=None):
        loss = self._resolve(y_true, backend_shape(y_pred))
        return loss.value_and_grad(y_true, y_pred, sample_weight, mask=mask)

    def forward(self, y_true, y_pred):  # pragma: no cover - only reached via the delegate
        return self.resolved.forward(y_true, y_pred)


def backend_shape(x) -> tuple:
    from numkeras import backend

    return tuple(backend.xp.shape(x))

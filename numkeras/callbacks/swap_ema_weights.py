"""`SwapEMAWeights`: evaluate (and predict) with the optimizer's moving average of the
weights (`use_ema=True`), as Keras 3's callback does."""

from __future__ import annotations

from numkeras import backend
from numkeras.callbacks.callback import Callback
from numkeras.errors import ConfigError


class SwapEMAWeights(Callback):
    """Swap the model's weights with the optimizer's moving averages before evaluation and
    prediction, and back after (in place). With `swap_on_epoch=True` the averages are also
    in the model between epochs, so callbacks after this one (e.g. `ModelCheckpoint`) see
    them. With a `LossScaleOptimizer`, the averages of the optimizer it wraps are used.

    Keras 3's `on_predict_end` tests the wrong flag and leaves the averages in the model
    after `predict`; here they are swapped back, as after `evaluate`.

    >>> import numpy as np
    >>> from numkeras.layers import Dense, Input
    >>> from numkeras.models import Sequential
    >>> from numkeras.optimizers import SGD
    >>> model = Sequential([Input((2,)), Dense(1)])
    >>> model.compile(optimizer=SGD(0.1, use_ema=True), loss="mse")
    >>> history = model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=2, verbose=0,
    ...                     validation_split=0.5, callbacks=[SwapEMAWeights()])
    >>> sorted(history.history)
    ['loss', 'val_loss']
    """

    def __init__(self, swap_on_epoch: bool = False):
        super().__init__()
        self.swap_on_epoch = bool(swap_on_epoch)
        self._ema_weights_in_model = False

    def __repr__(self) -> str:
        return f"SwapEMAWeights(swap_on_epoch={self.swap_on_epoch})"

    def _pairs(self) -> list:
        optimizer = getattr(self.model, "optimizer", None)
        # A LossScaleOptimizer keeps the averages in the optimizer it wraps (as Keras).
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)
        inner = getattr(optimizer, "optimizers", None)
        if isinstance(inner, (list, tuple)):  # one optimizer per group of variables
            with_ema = [opt for opt in inner if getattr(opt, "use_ema", False)]
            if not with_ema:
                raise ConfigError(
                    "SwapEMAWeights must be used when at least one inner optimizer has "
                    "`use_ema=True` set. Received a MultiOptimizer with all inner optimizers "
                    "having `use_ema=False`."
                )
            return [pair for opt in with_ema for pair in opt._ema_pairs()]
        if not getattr(optimizer, "use_ema", False):
            raise ConfigError(
                "SwapEMAWeights must be used when `use_ema=True` is set on the optimizer. "
                f"Received: use_ema={getattr(optimizer, 'use_ema', None)}"
            )
        return optimizer._ema_pairs()

    def _swap(self) -> None:
        for var, average in self._pairs():
            kept = backend.xp.array(var.value, copy=True)
            var.assign(average)
            average[...] = kept

    def _finalize(self) -> None:
        # fit sets the weights to the averages when it ends: keep the averages as they are
        for var, average in self._pairs():
            average[...] = var.value

    def on_epoch_begin(self, epoch, logs=None) -> None:
        if self.swap_on_epoch and self._ema_weights_in_model:
            self._swap()
            self._ema_weights_in_model = False

    def on_epoch_end(self, epoch, logs=None) -> None:
        if self.swap_on_epoch and not self._ema_weights_in_model:
            self._swap()
            self._ema_weights_in_model = True
            if epoch == (self.params or {}).get("epochs", 0) - 1:
                self._finalize()

    def on_test_begin(self, logs=None) -> None:
        if not self._ema_weights_in_model:
            self._swap()
            self._ema_weights_in_model = True

    def on_test_end(self, logs=None) -> None:
        if self._ema_weights_in_model:
            self._swap()
            self._ema_weights_in_model = False

    def on_predict_begin(self, logs=None) -> None:
        if not self._ema_weights_in_model:
            self._swap()
            self._ema_weights_in_model = True

    def on_predict_end(self, logs=None) -> None:
        if self._ema_weights_in_model:
            self._swap()
            self._ema_weights_in_model = False

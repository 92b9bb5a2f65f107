"""`EarlyStopping`: stop `fit` when a monitored metric stops improving."""

from __future__ import annotations

import warnings

from numkeras.callbacks.monitor_callback import MonitorCallback
from numkeras.utils.progbar import print_msg


class EarlyStopping(MonitorCallback):
    """Stop training when a monitored metric has stopped improving (Keras 3 semantics).

    At the end of every epoch the monitored value is compared with the best so far; after
    `patience` epochs without improvement, `model.stop_training` is set to `True` and `fit`
    ends after that epoch.

    Args:
        monitor: Quantity to watch. Defaults to `"val_loss"`.
        min_delta: Minimum change that counts as an improvement. Defaults to 0.
        patience: Epochs without improvement after which training stops. Defaults to 0.
        verbose: 0 (silent) or 1 (print when stopping and when restoring weights).
        mode: `"auto"`, `"min"` or `"max"` (see `MonitorCallback`).
        baseline: Training stops if the model doesn't improve over this value within
            `patience` epochs. Defaults to `None`.
        restore_best_weights: At the end of training, restore the weights of the epoch with
            the best monitored value (uses `model.get_weights()`/`set_weights()`). The best
            epoch is restored even if it never beat `baseline`.
        start_from_epoch: Epochs of warm-up during which nothing is monitored.

    >>> from types import SimpleNamespace
    >>> model = SimpleNamespace(stop_training=False)
    >>> es = EarlyStopping(monitor="loss", patience=1)
    >>> es.set_model(model); es.on_train_begin()
    >>> for epoch, loss in enumerate([1.0, 0.5, 0.6, 0.7]):
    ...     es.on_epoch_end(epoch, {"loss": loss})
    ...     if model.stop_training:
    ...         break
    >>> epoch, es.best, es.best_epoch
    (2, 0.5, 1)
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        min_delta: float = 0,
        patience: int = 0,
        verbose: int = 0,
        mode: str = "auto",
        baseline: float | None = None,
        restore_best_weights: bool = False,
        start_from_epoch: int = 0,
    ) -> None:
        super().__init__(monitor, mode, min_delta=min_delta)
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.wait = 0
        self.stopped_epoch = 0
        self.restore_best_weights = restore_best_weights
        self.best_weights = None
        self.best_epoch = 0
        self.start_from_epoch = start_from_epoch

    def __repr__(self) -> str:
        return (
            f"EarlyStopping(monitor={self.monitor!r}, patience={self.patience}, "
            f"mode={self.mode!r}, restore_best_weights={self.restore_best_weights})"
        )

    def on_train_begin(self, logs=None):
        # Allow instances to be re-used across `fit` calls.
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()  # delayed until the model's metrics exist
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # Nothing recorded yet: the current weights are the best so far.
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch

        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            # Only restart the wait if we beat both the baseline and the previous best.
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return

        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print_msg(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print_msg(
                    "Restoring model weights from the end of the best epoch: "
                    f"{self.best_epoch + 1}."
                )
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs):
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(
                f"Early stopping conditioned on metric `{self.monitor}` which is not "
                f"available. Available metrics are: {','.join(logs)}",
                stacklevel=2,
            )
        return value

"""`ReduceLROnPlateau`: lower the learning rate when a metric stops improving."""

from __future__ import annotations

import warnings

import numpy as np

from numkeras.callbacks.monitor_callback import MonitorCallback
from numkeras.errors import ConfigError, warn_deprecated
from numkeras.utils.progbar import print_msg


class ReduceLROnPlateau(MonitorCallback):
    """Reduce the learning rate when a metric has stopped improving (Keras 3 semantics).

    After `patience` epochs without improvement the optimizer's learning rate becomes
    `max(lr * factor, min_lr)`, then `cooldown` epochs pass before counting again. The
    current rate is added to the epoch logs as `"learning_rate"`, so `History` and the
    progress bar show it, as in Keras 3.

    Args:
        monitor: Quantity to watch. Defaults to `"val_loss"`.
        factor: `new_lr = lr * factor`; must be < 1.
        patience: Epochs without improvement before the rate is reduced.
        verbose: 0 (quiet) or 1 (print each reduction).
        mode: `"auto"`, `"min"` or `"max"` (see `MonitorCallback`).
        min_delta: Threshold for a new optimum, to only focus on significant changes.
        cooldown: Epochs to wait after a reduction before resuming normal operation.
        min_lr: Lower bound on the learning rate.

    Reads and writes `model.optimizer.learning_rate` as a float (for an optimizer wrapping
    several, `model.optimizer.optimizers`, each is reduced). Keras 3 silently ignores
    unknown keyword arguments; here the Keras 2 `epsilon` is accepted as `min_delta` with a
    deprecation note, and any other raises `ConfigError`.

    >>> from types import SimpleNamespace
    >>> model = SimpleNamespace(optimizer=SimpleNamespace(learning_rate=0.1))
    >>> cb = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1)
    >>> cb.set_model(model); cb.on_train_begin()
    >>> for epoch, loss in enumerate([1.0, 1.0, 1.0]):
    ...     cb.on_epoch_end(epoch, {"loss": loss})
    >>> model.optimizer.learning_rate
    0.025
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        factor: float = 0.1,
        patience: int = 10,
        verbose: int = 0,
        mode: str = "auto",
        min_delta: float = 1e-4,
        cooldown: int = 0,
        min_lr: float = 0.0,
        **kwargs,
    ) -> None:
        if "epsilon" in kwargs:
            min_delta = kwargs.pop("epsilon")
            warn_deprecated(
                "ReduceLROnPlateau(epsilon=...) is the Keras 2 spelling; use `min_delta`."
            )
        if kwargs:
            raise ConfigError(
                f"ReduceLROnPlateau got unexpected keyword argument(s): {sorted(kwargs)}. "
                "Valid ones: monitor, factor, patience, verbose, mode, min_delta, cooldown, "
                "min_lr."
            )
        super().__init__(monitor, mode, min_delta=min_delta)
        if factor >= 1.0:
            raise ConfigError(
                f"ReduceLROnPlateau does not support a factor >= 1.0. Received factor={factor}"
            )
        self.factor = factor
        self.min_lr = min_lr
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0

    def __repr__(self) -> str:
        return (
            f"ReduceLROnPlateau(monitor={self.monitor!r}, factor={self.factor}, "
            f"patience={self.patience}, cooldown={self.cooldown}, min_lr={self.min_lr})"
        )

    def _reset(self) -> None:
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def _optimizers(self):
        optimizer = self.model.optimizer
        inner = getattr(optimizer, "optimizers", None)
        if inner is not None:
            return [(opt, f"{opt.name}") for opt in inner]
        return [(optimizer, "")]

    def _reduce_optimizer_lr(self, optimizer, epoch: int, name: str = "") -> bool:
        old_lr = float(optimizer.learning_rate)
        # Compared in float32 (as NumPy 2 does for Keras's float32 variable): a rate already
        # at min_lr is not "reduced" again.
        if np.float32(old_lr) > np.float32(self.min_lr):
            new_lr = max(old_lr * self.factor, self.min_lr)
            optimizer.learning_rate = new_lr
            if self.verbose > 0:
                name_str = f" {name}" if name else ""
                print_msg(
                    f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing{name_str} "
                    f"learning rate to {new_lr}."
                )
            return True
        return False

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        logs = logs if logs is not None else {}
        for opt, name in self._optimizers():
            key = f"learning_rate_{name}" if name else "learning_rate"
            logs[key] = float(opt.learning_rate)

        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                f"Learning rate reduction is conditioned on metric `{self.monitor}` which is "
                f"not available. Available metrics are: {','.join(logs)}.",
                stacklevel=2,
            )
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                reduced = False
                for opt, name in self._optimizers():
                    reduced = self._reduce_optimizer_lr(opt, epoch, name) or reduced
                if reduced:
                    self.cooldown_counter = self.cooldown
                    self.wait = 0

"""`ModelCheckpoint`: save the model or its weights during training."""

from __future__ import annotations

import os
import warnings

import numpy as np

from numkeras.callbacks.monitor_callback import MonitorCallback
from numkeras.errors import ConfigError, warn_deprecated
from numkeras.utils.progbar import print_msg


class ModelCheckpoint(MonitorCallback):
    """Save the model or its weights at some frequency (Keras 3 semantics).

    Args:
        filepath: Where to save. It may contain `str.format` fields filled with `epoch`
            (1-based), `batch` (1-based, with an integer `save_freq`) and the log keys,
            e.g. `"ckpt/w.{epoch:02d}-{val_loss:.2f}.weights.h5"`. It must end in
            `.weights.h5` when `save_weights_only=True`, else in `.keras` (or the legacy
            `.h5`). Missing parent folders are created.
        monitor: The log key compared when `save_best_only=True` (`"val_loss"`).
        verbose: 0 (silent) or 1 (print each decision and save).
        save_best_only: Only save when `monitor` improves on the best value so far (a
            filepath without format fields is then overwritten by each new best model).
        save_weights_only: Call `model.save_weights(path, overwrite=True)` instead of
            `model.save(path, overwrite=True)`.
        mode: `"auto"`, `"min"` or `"max"` (see `MonitorCallback`).
        save_freq: `"epoch"` to save after every epoch, or an integer: save every that many
            training batches (counted across epochs).
        initial_value_threshold: Initial "best" value; with `save_best_only`, nothing is
            saved until the monitored value beats it.
        options: Keras 2's `tf.train.CheckpointOptions`; accepted and ignored.
        period: Keras 2's spelling (deprecated): with `save_freq="epoch"`, save every
            `period` epochs (epochs `period`, `2 * period`, ...), as tf.keras does.
            Keras 3 has neither `options` nor `period` (a `TypeError` there).

    >>> from types import SimpleNamespace
    >>> saved = []
    >>> model = SimpleNamespace(save_weights=lambda path, overwrite=True: saved.append(path))
    >>> ckpt = ModelCheckpoint("w.{epoch:02d}-{val_loss:.2f}.weights.h5",
    ...                        save_weights_only=True, save_best_only=True)
    >>> ckpt.set_model(model)
    >>> for epoch, val_loss in enumerate([0.9, 0.7, 0.8]):
    ...     ckpt.on_epoch_begin(epoch)
    ...     ckpt.on_epoch_end(epoch, {"val_loss": val_loss})
    >>> saved
    ['w.01-0.90.weights.h5', 'w.02-0.70.weights.h5']
    """

    def __init__(
        self,
        filepath: str | os.PathLike,
        monitor: str = "val_loss",
        verbose: int = 0,
        save_best_only: bool = False,
        save_weights_only: bool = False,
        mode: str = "auto",
        save_freq: str | int = "epoch",
        initial_value_threshold: float | None = None,
        options=None,
        **kwargs,
    ) -> None:
        period = kwargs.pop("period", 1)
        if kwargs:
            raise TypeError(
                "ModelCheckpoint.__init__() got an unexpected keyword argument "
                f"{next(iter(kwargs))!r}"
            )
        if period != 1:
            warn_deprecated(
                "ModelCheckpoint(period=...) is the Keras 2 spelling: the model is saved every "
                "`period` epochs. Keras 3 has no `period`; use `save_freq` (a number of "
                "batches) instead."
            )
        if isinstance(period, bool) or not isinstance(period, int) or period < 1:
            raise ConfigError(
                f"`period` must be a positive number of epochs; received period={period!r}."
            )
        super().__init__(monitor, mode, initial_value_threshold)
        self.verbose = verbose
        self.filepath = os.fspath(filepath)
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self.period = period
        self.epochs_since_last_save = 0
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen: int | None = None
        self._current_epoch = 0

        if save_freq != "epoch" and (
            isinstance(save_freq, bool) or not isinstance(save_freq, int) or save_freq < 1
        ):
            raise ConfigError(
                f"Unrecognized save_freq: {save_freq!r}. Expected save_freq are 'epoch' or "
                "positive integer values (a number of batches)."
            )
        # the names model.save / save_weights take (.h5 / .hdf5: Keras 2's formats)
        if save_weights_only:
            if not self.filepath.endswith((".weights.h5", ".h5", ".hdf5")):
                raise ConfigError(
                    "When using `save_weights_only=True` in `ModelCheckpoint`, the filepath "
                    "provided must end in `.weights.h5` (Keras weights format), or `.h5` for "
                    f"Keras 2's. Received: filepath={self.filepath}"
                )
        elif not self.filepath.endswith((".keras", ".h5", ".hdf5")):
            raise ConfigError(
                "The filepath provided must end in `.keras` (Keras model format) or `.h5` / "
                f"`.hdf5` (Keras 2's). Received: filepath={self.filepath}. To save only the "
                "weights, pass `save_weights_only=True` and a filepath ending in `.weights.h5`."
            )

    def __repr__(self) -> str:
        return (
            f"ModelCheckpoint({self.filepath!r}, monitor={self.monitor!r}, "
            f"save_best_only={self.save_best_only}, "
            f"save_weights_only={self.save_weights_only}, save_freq={self.save_freq!r})"
        )

    def on_train_batch_end(self, batch, logs=None):
        if self._should_save_on_batch(batch):
            self._save_model(epoch=self._current_epoch, batch=batch, logs=logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()  # delayed until the model's metrics exist
        if self.save_freq == "epoch":
            self.epochs_since_last_save += 1
            if self.epochs_since_last_save >= self.period:
                self.epochs_since_last_save = 0
                self._save_model(epoch=epoch, batch=None, logs=logs)

    def _should_save_on_batch(self, batch: int) -> bool:
        if self.save_freq == "epoch":
            return False
        if self._last_batch_seen is None or batch <= self._last_batch_seen:
            add_batches = batch + 1  # a new epoch; batches are 0-based
        else:
            add_batches = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += add_batches
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _should_save_model(self, epoch, batch, logs, filepath) -> bool:
        logs = logs or {}
        if not self.save_best_only:
            if self.verbose > 0:
                print_msg(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Can save best model only with {self.monitor} available.", stacklevel=2)
            return True
        if isinstance(current, np.ndarray) and current.ndim > 0:
            warnings.warn(
                "Can save best model only when `monitor` is a scalar value. Received: "
                f"{current}. Falling back to `save_best_only=False`.",
                stacklevel=2,
            )
            return True
        best_str = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                print_msg(
                    f"\nEpoch {epoch + 1}: {self.monitor} improved from {best_str} to "
                    f"{current:.5f}, saving model to {filepath}"
                )
            self.best = current
            return True
        if self.verbose > 0:
            print_msg(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best_str}")
        return False

    def _save_model(self, epoch, batch, logs) -> None:
        filepath = self._get_file_path(epoch, batch, logs)
        if not self._should_save_model(epoch, batch, logs, filepath):
            return
        if os.path.isdir(filepath):
            raise IsADirectoryError(
                "Please specify a non-directory filepath for ModelCheckpoint. Filepath used "
                f"is an existing directory: {filepath}"
            )
        dirname = os.path.dirname(filepath)
        if dirname:
            os.makedirs(dirname, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)
        if self.verbose > 0:
            print_msg(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")

    def _get_file_path(self, epoch, batch, logs) -> str:
        """The filepath with `{epoch}`, `{batch}` and `{<log key>}` fields filled in."""
        fields = dict(logs or {})
        fields["epoch"] = epoch + 1
        if batch is not None and "batch" not in fields:
            fields["batch"] = batch + 1
        try:
            return self.filepath.format(**fields)
        except KeyError as e:
            raise KeyError(
                f'Failed to format this callback filepath: "{self.filepath}". Reason: {e} is '
                f"not a log key. Available: {', '.join(sorted(fields))}."
            ) from None

"""`BackupAndRestore`: resume an interrupted `fit` where it stopped, as Keras 3's callback.

At the end of each epoch (or every `save_freq` batches) it writes the weights, with the
optimizer's state, to `backup_dir/latest.weights.h5` and the epoch reached to
`backup_dir/training_metadata.json` (each atomically). When `fit` starts and a backup
exists, the model takes those weights back and training continues from that epoch. A run
that finishes deletes the backup (`delete_checkpoint=True`).
"""

from __future__ import annotations

import json
import os
import shutil

from numkeras.callbacks.callback import Callback
from numkeras.errors import ConfigError
from numkeras.saving.saving_api import write_atomically
from numkeras.utils.checks import is_int


class BackupAndRestore(Callback):
    """Back up the training state to `backup_dir`; restore it when `fit` starts again.

    Args:
        backup_dir: A folder for this training run only.
        save_freq: `"epoch"`, or save every N batches (a resumed run then restarts the
            epoch it was in), or `False`: never save, only restore an existing backup.
        double_checkpoint: Also keep the previous state (`*.bkp`), used when the latest
            one cannot be read.
        delete_checkpoint: Delete the backup when `fit` finishes.

    `training_metadata.json` holds `{"epoch": e, "batch": b}` as in Keras: the epoch to
    resume at and the (0-based) index of the last batch seen when the backup was written.

    Keras 3 documents `save_freq=False` as "no regular saves" but then saves after every
    batch (False counts as the integer 0); here `False` means no saves. Keras also takes
    0 or a negative count (and saves every batch); here those raise `ConfigError`.

    >>> import tempfile
    >>> BackupAndRestore(tempfile.mkdtemp()).save_freq
    'epoch'
    """

    def __init__(
        self,
        backup_dir,
        save_freq="epoch",
        double_checkpoint: bool = False,
        delete_checkpoint: bool = True,
    ):
        super().__init__()
        if not backup_dir:
            raise ConfigError("Empty `backup_dir` argument passed")
        if (
            save_freq is not False
            and save_freq != "epoch"
            and not (is_int(save_freq) and save_freq > 0)
        ):
            raise ConfigError(
                f"Invalid value for argument `save_freq`. Received: save_freq={save_freq!r}. "
                "Expected either 'epoch', a positive integer value (a number of batches), "
                "or False (no saves)."
            )
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = bool(double_checkpoint)
        self.delete_checkpoint = bool(delete_checkpoint)
        self._weights_path = os.path.join(self.backup_dir, "latest.weights.h5")
        self._training_metadata_path = os.path.join(self.backup_dir, "training_metadata.json")
        self._prev_weights_path = self._weights_path + ".bkp"
        self._prev_training_metadata_path = self._training_metadata_path + ".bkp"
        self._current_epoch = 0
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = 0

    def __repr__(self) -> str:
        return f"BackupAndRestore({self.backup_dir!r}, save_freq={self.save_freq!r})"

    # -- restoring --------------------------------------------------------------------------
    def on_train_begin(self, logs=None) -> None:
        try:
            self._restore()
        except OSError:
            if not (self.double_checkpoint and os.path.exists(self._prev_weights_path)):
                raise
            for path in (self._weights_path, self._training_metadata_path):
                if os.path.exists(path + ".bkp"):
                    shutil.copyfile(path + ".bkp", path)
                elif os.path.exists(path):
                    os.remove(path)
            self._restore()

    def _restore(self) -> None:
        if not getattr(self.model, "_graph_ready", True):
            raise ConfigError(
                "To use the BackupAndRestore callback, your model must be built before you "
                f"call `fit()`. Model '{self.model.name}' is unbuilt: give it an Input, or "
                "call it on a batch of data."
            )
        if os.path.exists(self._weights_path):
            optimizer = getattr(self.model, "optimizer", None)
            if optimizer is not None and not optimizer.built:  # as Keras: its state loads too
                optimizer.build(self.model._trained_variables())
            self.model.load_weights(self._weights_path)
        if os.path.exists(self._training_metadata_path):
            with open(self._training_metadata_path) as f:
                epoch = int(json.load(f)["epoch"])
            self._current_epoch = epoch
            self.model._initial_epoch = epoch  # fit continues from here

    # -- backing up -------------------------------------------------------------------------
    def on_epoch_end(self, epoch, logs=None) -> None:
        self._current_epoch = epoch + 1
        self._last_batch_seen = 0
        if self.save_freq == "epoch":
            self._save()

    def on_train_batch_end(self, batch, logs=None) -> None:
        if self.save_freq == "epoch" or self.save_freq is False:
            return
        # Batches counted across epochs, as Keras (a jump in `batch` counts every step).
        if batch <= self._last_batch_seen:  # a new epoch
            self._batches_seen_since_last_saving += batch + 1
        else:
            self._batches_seen_since_last_saving += batch - self._last_batch_seen
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            self._save()

    def _save(self) -> None:
        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint:
            for path in (self._weights_path, self._training_metadata_path):
                if os.path.exists(path):
                    shutil.copyfile(path, path + ".bkp")
        self.model.save_weights(self._weights_path, overwrite=True)  # (atomic)
        metadata = {"epoch": self._current_epoch, "batch": self._last_batch_seen}

        def write(tmp: str) -> None:
            with open(tmp, "w") as f:
                json.dump(metadata, f)

        write_atomically(self._training_metadata_path, True, write)

    def on_train_end(self, logs=None) -> None:
        if self.delete_checkpoint and os.path.exists(self.backup_dir):
            shutil.rmtree(self.backup_dir)

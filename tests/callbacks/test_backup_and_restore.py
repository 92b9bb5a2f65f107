"""`BackupAndRestore`: a `fit` interrupted after some epochs resumes from the last backup
and ends with the same weights and optimizer state as an uninterrupted run (deterministic
training: SGD with momentum, no shuffling)."""

import json
import os

import numpy as np
import pytest

from numkeras.callbacks import BackupAndRestore, Callback
from numkeras.errors import ConfigError
from numkeras.layers import Dense, Input
from numkeras.models import Sequential
from numkeras.optimizers import SGD


class Interrupt(Callback):
    def __init__(self, at_epoch):
        super().__init__()
        self.at_epoch = at_epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.at_epoch:
            raise RuntimeError("interrupted")


def _model():
    model = Sequential([Input((3,)), Dense(4, activation="tanh"), Dense(1)])
    model.set_weights(
        [np.full(w.shape, 0.1 * (i + 1), "float32") for i, w in enumerate(model.get_weights())]
    )
    model.compile(optimizer=SGD(0.05, momentum=0.9), loss="mse")
    return model


def _data():
    rng = np.random.default_rng(0)
    return rng.normal(size=(20, 3)), rng.normal(size=(20, 1))


def test_an_interrupted_fit_resumes_from_the_backup(tmp_path):
    save_freq = "epoch"
    x, y = _data()
    reference = _model()
    reference.fit(x, y, batch_size=5, epochs=5, shuffle=False, verbose=0)

    model = _model()
    backup = BackupAndRestore(tmp_path / "backup", save_freq=save_freq)
    with pytest.raises(RuntimeError, match="interrupted"):
        model.fit(
            x,
            y,
            batch_size=5,
            epochs=5,
            shuffle=False,
            verbose=0,
            callbacks=[backup, Interrupt(at_epoch=2)],
        )
    with open(tmp_path / "backup" / "training_metadata.json") as f:
        assert json.load(f)["epoch"] == 3  # epochs 0-2 done and backed up
    fresh = _model()  # a new process: the weights come back from the backup
    history = fresh.fit(
        x,
        y,
        batch_size=5,
        epochs=5,
        shuffle=False,
        verbose=0,
        callbacks=[BackupAndRestore(tmp_path / "backup", save_freq=save_freq)],
    )
    assert len(history.history["loss"]) == 2  # epochs 3 and 4
    for got, want in zip(fresh.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-6)
    assert fresh.optimizer.iterations == reference.optimizer.iterations
    assert not os.path.exists(tmp_path / "backup")  # deleted once training finished
    # a later fit starts at epoch 0 again
    assert len(fresh.fit(x, y, epochs=2, verbose=0).history["loss"]) == 2


def test_batch_level_backups_restart_the_epoch_they_were_in(tmp_path):
    # as Keras: the backup records the epoch in progress, and a resumed run starts it again
    x, y = _data()
    model = _model()
    with pytest.raises(RuntimeError, match="interrupted"):
        model.fit(
            x,
            y,
            batch_size=5,
            epochs=5,
            shuffle=False,
            verbose=0,
            callbacks=[BackupAndRestore(tmp_path / "b", save_freq=3), Interrupt(at_epoch=2)],
        )
    with open(tmp_path / "b" / "training_metadata.json") as f:
        assert json.load(f)["epoch"] == 2
    history = _model().fit(
        x,
        y,
        batch_size=5,
        epochs=5,
        shuffle=False,
        verbose=0,
        callbacks=[BackupAndRestore(tmp_path / "b", save_freq=3)],
    )
    assert len(history.history["loss"]) == 3  # epochs 2, 3 and 4


def test_double_checkpoint_falls_back_to_the_previous_state(tmp_path):
    x, y = _data()
    model = _model()
    backup = BackupAndRestore(tmp_path / "b", double_checkpoint=True, delete_checkpoint=False)
    model.fit(x, y, batch_size=5, epochs=2, shuffle=False, verbose=0, callbacks=[backup])
    assert os.path.exists(tmp_path / "b" / "latest.weights.h5.bkp")
    (tmp_path / "b" / "latest.weights.h5").write_bytes(b"corrupt")
    fresh = _model()
    history = fresh.fit(
        x,
        y,
        batch_size=5,
        epochs=3,
        shuffle=False,
        verbose=0,
        callbacks=[BackupAndRestore(tmp_path / "b", double_checkpoint=True)],
    )
    assert len(history.history["loss"]) == 2  # resumed after epoch 0, the previous state


def test_bad_arguments():
    with pytest.raises(ConfigError, match="backup_dir"):
        BackupAndRestore("")
    with pytest.raises(ConfigError, match="save_freq"):
        BackupAndRestore("d", save_freq="batch")

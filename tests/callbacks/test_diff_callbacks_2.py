"""Callbacks in a real `fit` against real Keras 3: each scenario of
scripts/goldens/make_diff_callbacks_2.py runs here on numkeras and must give Keras's
numbers, files and payloads (goldens in tests/goldens/diff_callbacks_2.json)."""

import os

import numpy as np
import pytest

import numkeras
from numkeras.callbacks import BackupAndRestore, RemoteMonitor, SwapEMAWeights
from numkeras.errors import ConfigError

from ..differential import goldens, scenario_script

GOLD = goldens("diff_callbacks_2")["cases"]
SCEN = scenario_script("make_diff_callbacks_2")


def assert_same(got, want, where="result"):
    """Same structure, same dict key order, numbers to float32 tolerance."""
    if (
        isinstance(want, list)
        and want
        and all(isinstance(p, list) and len(p) == 2 and isinstance(p[0], str) for p in want)
    ):
        assert isinstance(got, list), f"{where}: expected a dict, got {got!r}"
        assert [k for k, _ in got] == [k for k, _ in want], f"{where}: keys"
        for (k, g), (_, w) in zip(got, want):
            assert_same(g, w, f"{where}.{k}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), f"{where}: {got!r} vs {want!r}"
        for i, (g, w) in enumerate(zip(got, want)):
            assert_same(g, w, f"{where}[{i}]")
    elif isinstance(want, (str, bool)) or want is None:
        assert got == want, f"{where}: {got!r} vs {want!r}"
    else:
        assert got == pytest.approx(want, rel=1e-4, abs=1e-6), where


@pytest.mark.parametrize("scenario", SCEN.SCENARIOS, ids=lambda f: f.__name__)
def test_matches_keras(scenario):
    numkeras.utils.set_random_seed(0)
    assert_same(SCEN.plain(scenario(numkeras)), GOLD[scenario.__name__], scenario.__name__)


# -- BackupAndRestore -------------------------------------------------------------------


def test_backup_and_restore_has_keras_attribute_names(tmp_path):
    cb = BackupAndRestore(tmp_path / "b")
    assert cb._training_metadata_path == os.path.join(tmp_path, "b", "training_metadata.json")
    assert cb._prev_weights_path == os.path.join(tmp_path, "b", "latest.weights.h5.bkp")
    assert cb._prev_training_metadata_path.endswith("training_metadata.json.bkp")
    assert (cb._batches_seen_since_last_saving, cb._last_batch_seen, cb._current_epoch) == (
        0,
        0,
        0,
    )


def test_backup_and_restore_save_freq_false_only_restores(tmp_path):
    # Keras documents False as "no regular saves" but saves after every batch
    folder = tmp_path / "b"
    model = SCEN.model(numkeras)
    model.fit(SCEN.X, SCEN.Y, epochs=2, verbose=0, callbacks=[BackupAndRestore(folder, False)])
    assert not folder.exists()
    for bad in (0, -1, "batch", 1.5):
        with pytest.raises(ConfigError, match="save_freq"):
            BackupAndRestore(folder, save_freq=bad)


# -- SwapEMAWeights ---------------------------------------------------------------------


def test_swap_ema_weights_swaps_back_after_predict():
    # Keras 3's on_predict_end tests the wrong flag and leaves the averages in the model
    model = SCEN.model(numkeras, optimizer=numkeras.optimizers.SGD(0.1, use_ema=True))
    model.fit(SCEN.X, SCEN.Y, epochs=1, batch_size=8, verbose=0, shuffle=False)
    cb = SwapEMAWeights()
    cb.set_model(model)
    ((var, average),) = model.optimizer._ema_pairs()[:1]
    average[...] += 1.0  # make the averages differ from the weights
    before = var.value.copy()
    cb.on_predict_begin()
    assert np.allclose(var.value, before + 1.0)
    cb.on_predict_end()
    assert np.array_equal(var.value, before)


def test_swap_ema_weights_needs_use_ema():
    model = SCEN.model(numkeras)
    with pytest.raises(ValueError, match="use_ema=True"):
        model.fit(
            SCEN.X,
            SCEN.Y,
            epochs=1,
            verbose=0,
            callbacks=[SwapEMAWeights()],
            validation_data=(SCEN.XV, SCEN.YV),
        )


# -- RemoteMonitor ----------------------------------------------------------------------


def test_remote_monitor_warns_when_the_server_is_unreachable(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "requests", None)  # the urllib path
    monitor = RemoteMonitor(root="http://127.0.0.1:9")
    with pytest.warns(UserWarning, match="Could not reach RemoteMonitor root server"):
        monitor.on_epoch_end(0, {"loss": np.float32(0.5)})


# -- Keras 2 (tf.keras) arguments in classic scripts -------------------------------------


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_model_checkpoint_period_saves_every_n_epochs_as_tf_keras(tmp_path, capsys):
    # tf_keras 2.21 writes w.02.h5 and w.04.h5 here (and with save_best_only only checks
    # the monitor at those epochs); Keras 3 raises TypeError on `period`
    model = SCEN.model(numkeras)
    cb = numkeras.callbacks.ModelCheckpoint(
        str(tmp_path / "w.{epoch:02d}.h5"),
        period=2,
        save_weights_only=True,
        save_best_only=True,
        monitor="loss",
        verbose=1,
        options=None,
    )
    model.fit(SCEN.X, SCEN.Y, epochs=5, verbose=0, shuffle=False, callbacks=[cb])
    assert sorted(os.listdir(tmp_path)) == ["w.02.h5", "w.04.h5"]
    assert "Epoch 2: loss improved from None" in capsys.readouterr().out
    with pytest.raises(TypeError, match="peroid"):
        numkeras.callbacks.ModelCheckpoint("w.keras", peroid=2)
    with pytest.raises(ConfigError, match="period"):
        numkeras.callbacks.ModelCheckpoint("w.keras", period=0)


def test_progbar_logger_takes_keras2_arguments():
    numkeras.callbacks.ProgbarLogger(count_mode="samples", stateful_metrics=["acc"])
    numkeras.callbacks.ProgbarLogger("steps")
    with pytest.raises(ValueError, match="count_mode"):
        numkeras.callbacks.ProgbarLogger(count_mode="epochs")


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_tensorboard_ignores_keras2_only_arguments(tmp_path):
    pytest.importorskip("tensorboardX")
    numkeras.callbacks.TensorBoard(
        str(tmp_path),
        write_grads=True,
        batch_size=32,
        embeddings_layer_names=None,
        embeddings_data=None,
    )
    with pytest.raises(TypeError, match="write_grad"):
        numkeras.callbacks.TensorBoard(str(tmp_path), write_grad=True)


# -- TensorBoard ------------------------------------------------------------------------


def test_tensorboard_evaluate_after_fit_keeps_the_fit_event_files(tmp_path):
    # tensorboardX names event files by second and host only: the writers `evaluate`
    # reopens used to overwrite fit's files (all epoch_* values lost); TensorFlow's writer
    # (Keras) adds `.<pid>.<n>.v2`, and so does numkeras now
    pytest.importorskip("tensorboardX")
    model = SCEN.model(numkeras)
    cb = numkeras.callbacks.TensorBoard(str(tmp_path))
    model.fit(
        SCEN.X,
        SCEN.Y,
        batch_size=8,
        epochs=2,
        verbose=0,
        shuffle=False,
        callbacks=[cb],
        validation_data=(SCEN.XV, SCEN.YV),
    )
    model.evaluate(SCEN.XV, SCEN.YV, verbose=0, callbacks=[cb])
    for sub in ("train", "validation"):
        names = os.listdir(tmp_path / sub)
        assert len(names) == 2 and all(n.endswith(".v2") for n in names), names
    assert _scalar_steps(tmp_path / "train", "epoch_loss") == [0, 1]
    assert _scalar_steps(tmp_path / "validation", "epoch_loss") == [0, 1]


def _scalar_steps(directory, tag) -> list:
    """Steps of the `tag` scalars in the TFRecord event files of `directory`."""
    import struct

    from tensorboardX.proto import event_pb2

    steps = []
    for path in sorted(directory.iterdir()):
        data, offset = path.read_bytes(), 0
        while offset < len(data):
            (length,) = struct.unpack("<Q", data[offset : offset + 8])
            event = event_pb2.Event()
            event.ParseFromString(data[offset + 12 : offset + 12 + length])
            offset += 16 + length
            steps += [event.step for v in event.summary.value if v.tag == tag]
    return steps


def test_orbax_checkpoint_raises_import_error_as_keras_without_orbax():
    # Keras 3.15 without orbax-checkpoint: ImportError from the constructor
    with pytest.raises(ImportError, match="ModelCheckpoint"):
        numkeras.callbacks.OrbaxCheckpoint("ckpt", monitor="val_loss", save_best_only=True)


def test_auto_mode_reads_a_multi_output_metric_suffix():
    # Keras 3 raises for any name its metric objects do not carry ("a_mae"); numkeras infers
    # from the name, and "mae" as a suffix now counts as it does alone
    class Model:
        metrics: list = []

    for monitor, op in [("val_a_mae", np.less), ("out_rmse", np.less), ("b_accuracy", np.greater)]:
        es = numkeras.callbacks.EarlyStopping(monitor=monitor)
        es.set_model(Model())
        es._set_monitor_op()
        assert es.monitor_op is op, monitor
    es = numkeras.callbacks.EarlyStopping(monitor="maestro")
    es.set_model(Model())
    with pytest.raises(ValueError, match="maximized or minimized"):
        es._set_monitor_op()


def test_keras2_callbacks_find_validation_data_none():
    # tf.keras 2 sets `self.validation_data = None`; classic callbacks test it
    class Old(numkeras.callbacks.Callback):
        def __init__(self):  # no super().__init__(), as many old scripts
            self.seen = []

        def on_epoch_end(self, epoch, logs=None):
            self.seen.append(self.validation_data)

    cb = Old()
    SCEN.model(numkeras).fit(SCEN.X, SCEN.Y, epochs=1, verbose=0, callbacks=[cb])
    assert cb.seen == [None]

import os
import warnings

import pytest

from numkeras.callbacks import ModelCheckpoint
from numkeras.errors import ConfigError


def _run(cb, model, epochs, batches_per_epoch=0):
    cb.set_model(model)
    cb.on_train_begin()
    for epoch, logs in enumerate(epochs):
        cb.on_epoch_begin(epoch)
        for batch in range(batches_per_epoch):
            cb.on_train_batch_end(batch, dict(logs))
        cb.on_epoch_end(epoch, dict(logs))
    cb.on_train_end()


def test_matches_keras_goldens(goldens, fake_model_cls, tmp_path, capsys):
    for i, case in enumerate(goldens["model_checkpoint"]):
        d = tmp_path / str(i)
        d.mkdir()
        kwargs = dict(case["kwargs"], filepath=os.path.join(d, case["kwargs"]["filepath"]))
        cb = ModelCheckpoint(**kwargs)
        model = fake_model_cls()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _run(cb, model, case["epochs"], case.get("batches_per_epoch", 0))
        want = case["result"]
        assert [[k, os.path.relpath(p, d)] for k, p in model.saved] == want["saved"], kwargs
        out = capsys.readouterr().out.replace(str(d) + os.sep, "<dir>/")
        assert out == want["stdout"]
        assert cb.best == want["best"]


def test_best_only_file_names_and_parent_dirs(model, tmp_path):
    path = tmp_path / "ckpt" / "w.{epoch:02d}-{val_loss:.2f}.weights.h5"
    cb = ModelCheckpoint(path, save_weights_only=True, save_best_only=True)
    _run(cb, model, [{"val_loss": 0.5}, {"val_loss": 0.6}, {"val_loss": 0.25}])
    names = [os.path.basename(p) for _, p in model.saved]
    assert names == ["w.01-0.50.weights.h5", "w.03-0.25.weights.h5"]
    assert (tmp_path / "ckpt").is_dir()


def test_batch_level_best_only_sets_up_direction_itself(model, tmp_path):
    # Keras 3 crashes here (monitor_op is only set at epoch end); numkeras sets it lazily.
    cb = ModelCheckpoint(
        tmp_path / "b{batch}.keras", monitor="loss", save_best_only=True, save_freq=1
    )
    cb.set_model(model)
    cb.on_epoch_begin(0)
    for batch, loss in enumerate([1.0, 2.0, 0.5]):
        cb.on_train_batch_end(batch, {"loss": loss})
    assert [os.path.basename(p) for _, p in model.saved] == ["b1.keras", "b3.keras"]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"filepath": "m.ckpt"}, "must end in `.keras`"),
        ({"filepath": "m.keras", "save_weights_only": True}, "must end in `.weights.h5`"),
        ({"filepath": "m.keras", "save_freq": "batch"}, "Unrecognized save_freq"),
        ({"filepath": "m.keras", "save_freq": 0}, "Unrecognized save_freq"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ConfigError, match=match):
        ModelCheckpoint(**kwargs)


def test_an_unknown_mode_warns_and_falls_back_to_auto_as_in_keras():
    with pytest.warns(UserWarning, match="mode 'best' is unknown, fallback to auto mode"):
        assert ModelCheckpoint("m.keras", mode="best").mode == "auto"


def test_legacy_h5_full_model_is_accepted():
    ModelCheckpoint("model.h5")


def test_unknown_format_field_lists_available_keys(model, tmp_path):
    cb = ModelCheckpoint(tmp_path / "m-{val_acc:.2f}.keras")
    cb.set_model(model)
    with pytest.raises(KeyError, match="Available: epoch, loss"):
        cb.on_epoch_end(0, {"loss": 1.0})


def test_existing_directory_is_rejected(model, tmp_path):
    (tmp_path / "d.keras").mkdir()
    cb = ModelCheckpoint(tmp_path / "d.keras")
    cb.set_model(model)
    with pytest.raises(IsADirectoryError, match="non-directory filepath"):
        cb.on_epoch_end(0, {"val_loss": 1.0})

import math
from types import SimpleNamespace

import pytest

from numkeras.callbacks import EarlyStopping
from numkeras.errors import ConfigError


def _run(cb, model, values):
    cb.set_model(model)
    cb.on_train_begin()
    epochs_run = 0
    for epoch, value in enumerate(values):
        model.marker = epoch  # the "weights" identify the epoch that produced them
        cb.on_epoch_begin(epoch)
        cb.on_epoch_end(epoch, {cb.monitor: value, "other": 1.0})
        epochs_run += 1
        if model.stop_training:
            break
    cb.on_train_end()
    return epochs_run


def test_matches_keras_goldens(goldens, fake_model_cls, capsys):
    for case in goldens["early_stopping"]:
        values = [math.nan if v == "nan" else v for v in case["values"]]
        model = fake_model_cls()
        cb = EarlyStopping(**case["kwargs"])
        epochs_run = _run(cb, model, values)
        want = case["result"]
        got = {
            "epochs_run": epochs_run,
            "stopped_epoch": cb.stopped_epoch,
            "best": cb.best,
            "best_epoch": cb.best_epoch,
            "wait": cb.wait,
            "final_marker": model.marker,
            "stdout": capsys.readouterr().out,
        }
        assert got == want, case["kwargs"]


def test_patience_counts_epochs_without_improvement(model):
    cb = EarlyStopping(monitor="loss", patience=2)
    assert _run(cb, model, [1.0, 0.9, 0.95, 0.96, 0.1]) == 4
    assert model.stop_training is True
    assert cb.stopped_epoch == 3


def test_restore_best_weights_sets_best_epoch_weights(model, capsys):
    cb = EarlyStopping(monitor="val_loss", patience=1, restore_best_weights=True, verbose=1)
    _run(cb, model, [0.9, 0.6, 0.7, 0.8])
    assert model.marker == 1  # weights from epoch index 1 (the best) are back
    out = capsys.readouterr().out
    assert "Epoch 3: early stopping" in out
    assert "Restoring model weights from the end of the best epoch: 2." in out


def test_instance_is_reusable_across_fits(fake_model_cls):
    cb = EarlyStopping(monitor="loss", patience=0)
    _run(cb, fake_model_cls(), [1.0, 2.0])
    model = fake_model_cls()
    assert _run(cb, model, [1.0, 0.5, 0.25]) == 3  # state was reset by on_train_begin
    assert model.stop_training is False


def test_auto_mode_reads_metric_direction(model):
    model.metrics = [SimpleNamespace(metrics=[SimpleNamespace(name="score", _direction="up")])]
    cb = EarlyStopping(monitor="val_score", patience=0)
    assert _run(cb, model, [0.1, 0.2, 0.3, 0.25]) == 4  # higher is better: stops at the drop


def test_auto_mode_name_fallback_and_error(model):
    cb = EarlyStopping(monitor="val_accuracy")
    cb.set_model(model)
    cb._set_monitor_op()
    assert cb._is_improvement(0.9, 0.8)
    cb = EarlyStopping(monitor="val_mean_absolute_error")
    cb.set_model(model)
    cb._set_monitor_op()
    assert cb._is_improvement(0.1, 0.2)
    cb = EarlyStopping(monitor="val_weird")
    cb.set_model(model)
    with pytest.raises(ConfigError, match="mode='max'"):
        cb.on_epoch_end(0, {"val_weird": 1.0})


def test_unknown_mode_warns_with_suggestion_and_uses_auto_as_in_keras():
    with pytest.warns(UserWarning, match="Did you mean 'max'"):
        assert EarlyStopping(mode="maxx").mode == "auto"


def test_missing_monitor_warns_and_does_nothing(model):
    cb = EarlyStopping(monitor="val_loss", patience=0)
    cb.set_model(model)
    cb.on_train_begin()
    with pytest.warns(UserWarning, match="Available metrics are: loss"):
        cb.on_epoch_end(0, {"loss": 1.0})
    assert model.stop_training is False and cb.best is None

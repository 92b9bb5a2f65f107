"""LambdaCallback, TerminateOnNaN, LearningRateScheduler, History."""

import numpy as np
import pytest

from numkeras.callbacks import (
    History,
    LambdaCallback,
    LearningRateScheduler,
    TerminateOnNaN,
)
from numkeras.errors import ConfigError


def test_lambda_callback_routes_hooks():
    calls = []
    cb = LambdaCallback(
        on_epoch_end=lambda epoch, logs: calls.append(("epoch_end", epoch, logs)),
        on_train_batch_end=lambda batch, logs: calls.append(("batch_end", batch, logs)),
        on_test_end=lambda logs: calls.append(("test_end", logs)),
    )
    cb.on_epoch_end(1, {"loss": 0.5})
    cb.on_train_batch_end(2, logs={"loss": 1.0})
    cb.on_test_end({"loss": 2.0})
    cb.on_epoch_begin(0)  # not given: the default no-op
    assert calls == [
        ("epoch_end", 1, {"loss": 0.5}),
        ("batch_end", 2, {"loss": 1.0}),
        ("test_end", {"loss": 2.0}),
    ]


def test_lambda_callback_rejects_misspelt_hook():
    with pytest.raises(ConfigError, match="Did you mean 'on_epoch_end'"):
        LambdaCallback(on_epoch_ends=print)


def test_terminate_on_nan_matches_keras(goldens, model, capsys):
    cb = TerminateOnNaN()
    cb.set_model(model)
    cb.on_train_batch_end(0, {"loss": 1.0})
    first = model.stop_training
    cb.on_train_batch_end(1, {"loss": float("inf")})
    want = goldens["terminate_on_nan"]
    assert first == want["stop_after_finite"]
    assert model.stop_training == want["stop_after_inf"]
    assert capsys.readouterr().out == want["stdout"]


def test_terminate_on_nan_nan_array_and_raise_error(model):
    cb = TerminateOnNaN()
    cb.set_model(model)
    cb.on_train_batch_end(0, {"loss": np.array([1.0, np.nan])})
    assert model.stop_training is True
    cb = TerminateOnNaN(raise_error=True)
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch 3"):
        cb.on_train_batch_end(3, {"loss": float("nan")})


def test_lr_scheduler_matches_keras(goldens, fake_model_cls, capsys):
    want = goldens["lr_scheduler"]
    model = fake_model_cls(learning_rate=0.1)
    cb = LearningRateScheduler(lambda epoch, lr: lr if epoch < 2 else lr * 0.5, verbose=1)
    cb.set_model(model)
    lrs, logs_seen = [], []
    for epoch in range(4):
        cb.on_epoch_begin(epoch)
        logs = {"loss": 1.0}
        cb.on_epoch_end(epoch, logs)
        lrs.append(model.optimizer.learning_rate)
        logs_seen.append(logs)
    assert lrs == want["lrs"] and logs_seen == want["logs"]
    assert capsys.readouterr().out == want["stdout"]

    model = fake_model_cls()
    cb = LearningRateScheduler(lambda epoch: 0.01 * (epoch + 1))  # the old one-argument API
    cb.set_model(model)
    old = []
    for epoch in range(3):
        cb.on_epoch_begin(epoch)
        old.append(model.optimizer.learning_rate)
    assert old == want["old_api_lrs"]


def test_lr_scheduler_errors_propagate_and_outputs_checked(model):
    def bad(epoch, lr):
        raise TypeError("bug inside the schedule")

    cb = LearningRateScheduler(bad)
    cb.set_model(model)
    with pytest.raises(TypeError, match="bug inside"):  # Keras would retry as bad(epoch)
        cb.on_epoch_begin(0)
    cb = LearningRateScheduler(lambda epoch, lr: "0.1")
    cb.set_model(model)
    with pytest.raises(ValueError, match="should be a float"):
        cb.on_epoch_begin(0)
    cb = LearningRateScheduler(lambda epoch, lr: 1)
    cb.set_model(model)
    cb.on_epoch_begin(0)
    assert model.optimizer.learning_rate == 1.0 and isinstance(model.optimizer.learning_rate, float)


def test_history_records_epochs_and_sets_model_history(model):
    h = History()
    h.set_model(model)
    h.set_params({"epochs": 2, "steps": 5, "verbose": 1})
    h.on_train_begin()
    h.on_epoch_end(0, {"loss": 1.0, "val_loss": 2.0})
    h.on_epoch_end(1, {"loss": 0.5, "val_loss": 1.5})
    assert h.history == {"loss": [1.0, 0.5], "val_loss": [2.0, 1.5]}
    assert h.epoch == [0, 1]
    assert model.history is h and h.params["epochs"] == 2
    assert "History" in repr(h)

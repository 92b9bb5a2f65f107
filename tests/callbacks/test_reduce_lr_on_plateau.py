import pytest

from numkeras.callbacks import ReduceLROnPlateau
from numkeras.errors import ConfigError, DeprecatedArgumentWarning


def _run(cb, model, values):
    cb.set_model(model)
    cb.on_train_begin()
    lrs, logs_seen = [], []
    for epoch, value in enumerate(values):
        logs = {cb.monitor: value}
        cb.on_epoch_end(epoch, logs)
        lrs.append(model.optimizer.learning_rate)
        logs_seen.append(logs)
    return lrs, logs_seen


def test_matches_keras_goldens(goldens, fake_model_cls, capsys):
    for case in goldens["reduce_lr"]:
        cb = ReduceLROnPlateau(**case["kwargs"])
        lrs, logs = _run(cb, fake_model_cls(), case["values"])
        want = case["result"]
        assert lrs == want["lrs"], case["kwargs"]
        assert logs == want["logs"]
        assert (cb.wait, cb.cooldown_counter) == (want["wait"], want["cooldown_counter"])
        assert capsys.readouterr().out == want["stdout"]


def test_cooldown_and_min_lr(model):
    cb = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, cooldown=2, min_lr=0.02)
    lrs, _ = _run(cb, model, [1.0] * 9)
    # Keras's cooldown counts down in the same epoch it is checked: cooldown=2 leaves one
    # idle epoch, then patience=1 reduces at once; the rate stops at min_lr.
    assert lrs == [0.1, 0.05, 0.05, 0.025, 0.025, 0.02, 0.02, 0.02, 0.02]


def test_adds_learning_rate_to_logs_for_later_callbacks(model):
    cb = ReduceLROnPlateau(monitor="loss")
    cb.set_model(model)
    logs = {"loss": 1.0}
    cb.on_epoch_end(0, logs)
    assert logs["learning_rate"] == 0.1


def test_each_inner_optimizer_is_reduced(model):
    from types import SimpleNamespace

    inner = [
        SimpleNamespace(learning_rate=0.1, name="g"),
        SimpleNamespace(learning_rate=0.2, name="d"),
    ]
    model.optimizer = SimpleNamespace(optimizers=inner)
    cb = ReduceLROnPlateau(monitor="loss", patience=0, factor=0.5)
    cb.set_model(model)
    first = {"loss": 1.0}
    cb.on_epoch_end(0, first)
    cb.on_epoch_end(1, {"loss": 1.0})
    assert [o.learning_rate for o in inner] == [0.05, 0.1]
    assert first == {"loss": 1.0, "learning_rate_g": 0.1, "learning_rate_d": 0.2}


def test_invalid_arguments():
    with pytest.raises(ConfigError, match="factor >= 1.0. Received factor=1.5"):
        ReduceLROnPlateau(factor=1.5)
    with pytest.raises(ConfigError, match="patiense"):
        ReduceLROnPlateau(patiense=3)
    with pytest.warns(DeprecatedArgumentWarning, match="min_delta"):
        cb = ReduceLROnPlateau(epsilon=0.5)
    assert cb.min_delta == 0.5


def test_missing_monitor_warns(model):
    cb = ReduceLROnPlateau(monitor="val_loss")
    cb.set_model(model)
    with pytest.warns(UserWarning, match="not available"):
        cb.on_epoch_end(0, {"loss": 1.0})

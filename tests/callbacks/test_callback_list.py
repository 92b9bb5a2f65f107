import numpy as np
import pytest

from numkeras.callbacks import (
    Callback,
    CallbackList,
    History,
    LambdaCallback,
    ProgbarLogger,
    ReduceLROnPlateau,
)
from numkeras.callbacks.callback_list import pythonify_logs


class Recorder(Callback):
    def __init__(self, name, calls):
        super().__init__()
        self.name, self.calls = name, calls

    def on_epoch_end(self, epoch, logs=None):
        self.calls.append((self.name, epoch, logs))


class LegacyBatchEnd(Callback):
    def __init__(self):
        super().__init__()
        self.batches = []

    def on_batch_end(self, batch, logs=None):
        self.batches.append((batch, logs))


def _simulate_fit(cbs, epochs=2, steps=3):
    cbs.on_train_begin()
    for epoch in range(epochs):
        cbs.on_epoch_begin(epoch)
        for step in range(steps):
            cbs.on_train_batch_begin(step)
            cbs.on_train_batch_end(step, {"loss": np.float32(1.0 / (step + 1)), "accuracy": 0.5})
        cbs.on_test_begin()
        for step in range(2):
            cbs.on_test_batch_begin(step)
            cbs.on_test_batch_end(step, {"loss": 9.0})
        cbs.on_test_end({"loss": 0.75})
        cbs.on_epoch_end(
            epoch, {"loss": 0.5, "accuracy": 0.75, "val_loss": 0.75, "val_accuracy": 0.625}
        )
    cbs.on_train_end()


@pytest.mark.parametrize("verbose", [1, 2])
def test_fit_like_run_matches_keras(verbose, goldens, model, fake_clock, dynamic_display, capsys):
    want = goldens["fit_simulation"][str(verbose)]
    dynamic_display(True)  # Keras redraws in place on every posix system
    fake_clock([i * 0.25 for i in range(200)])
    rlr = ReduceLROnPlateau(monitor="loss", patience=0, factor=0.5)
    cbs = CallbackList(
        [rlr], add_history=True, add_progbar=True, model=model, verbose=verbose, epochs=2, steps=3
    )
    _simulate_fit(cbs)
    assert capsys.readouterr().out == want["stdout"]
    assert model.history.history == want["history"]
    assert model.history.epoch == want["epoch"]
    assert model.history.params == want["params"]
    assert model.optimizer.learning_rate == 0.05


def test_fit_like_run_in_a_log_file_prints_one_line_per_epoch(model, dynamic_display, capsys):
    dynamic_display(False)
    cbs = CallbackList(
        [], add_history=True, add_progbar=True, model=model, verbose=1, epochs=2, steps=3
    )
    _simulate_fit(cbs)
    lines = capsys.readouterr().out.split("\n")
    assert "\r" not in "".join(lines) and "\x1b" not in "".join(lines)
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and lines[4] == ""
    assert lines[1].startswith("3/3 ━━━━━━━━━━━━━━━━━━━━ 0s ")
    assert lines[1].endswith(
        "/step - accuracy: 0.7500 - loss: 0.5000 - val_accuracy: 0.6250 - val_loss: 0.7500"
    )


def test_calls_in_order_with_one_sorted_logs_dict():
    calls = []
    cbs = CallbackList([Recorder("a", calls), [Recorder("b", calls)]])  # nested lists flatten
    cbs.on_epoch_end(0, {"z": np.float32(1.5), "a": {"inner": 2}})
    assert [c[0] for c in calls] == ["a", "b"]
    assert calls[0][2] == {"inner": 2.0, "z": 1.5} and list(calls[0][2]) == ["inner", "z"]
    assert calls[0][2] is calls[1][2]  # one dict: a callback may add keys for later ones
    assert type(calls[0][2]["z"]) is float


def test_pythonify_keeps_arrays_and_strings():
    logs = pythonify_logs({"b": np.array([1.0, 2.0]), "a": "text", "c": np.array(3)})
    assert list(logs) == ["a", "b", "c"] and logs["a"] == "text"
    assert isinstance(logs["b"], np.ndarray) and logs["c"] == 3.0


def test_adds_history_and_progbar_once(model):
    mine = History()
    cbs = CallbackList(
        [mine], add_history=True, add_progbar=True, model=model, verbose=0, epochs=1, steps=1
    )
    assert sum(isinstance(c, History) for c in cbs.callbacks) == 1
    assert isinstance(cbs.callbacks[-1], ProgbarLogger)
    assert model.history is mine and mine.model is model
    assert mine.params == {"verbose": 0, "epochs": 1, "steps": 1}


def test_batch_hooks_skip_callbacks_that_do_not_override_them(monkeypatch):
    seen = []
    legacy = LegacyBatchEnd()
    lam = LambdaCallback(on_train_batch_begin=lambda batch, logs: seen.append(batch))
    cbs = CallbackList([Recorder("r", []), legacy, lam])
    cbs.on_train_begin()
    dispatch = cbs._dispatch
    assert dispatch["on_train_batch_end"] == [legacy.on_train_batch_end]
    assert dispatch["on_train_batch_begin"] == [lam.on_train_batch_begin]
    assert dispatch["on_test_batch_end"] == [] and dispatch["on_predict_batch_begin"] == []

    # With no overriding callback, not even the logs conversion runs.
    import numkeras.callbacks.callback_list as mod

    def boom(logs):
        raise AssertionError("pythonify_logs should not run")

    monkeypatch.setattr(mod, "pythonify_logs", boom)
    cbs.on_test_batch_end(0, {"loss": 1.0})
    cbs.on_predict_batch_end(0, {"x": 1.0})
    monkeypatch.undo()

    cbs.on_train_batch_begin(4)
    cbs.on_train_batch_end(4, {"loss": np.float64(2.0)})
    assert seen == [4] and legacy.batches == [(4, {"loss": 2.0})]


def test_append_and_direct_list_edits_are_dispatched(model):
    cbs = CallbackList([], model=model, epochs=1)
    cbs.on_train_begin()
    late = LegacyBatchEnd()
    cbs.append(late)
    assert late.model is model and late.params == {"epochs": 1}
    cbs.on_train_batch_end(0, {"loss": 1.0})
    direct = LegacyBatchEnd()
    cbs.callbacks.append(direct)
    cbs.on_test_begin()  # each *_begin rebuilds the dispatch tables
    cbs.on_train_batch_end(1, {})
    assert late.batches == [(0, {"loss": 1.0}), (1, {})] and direct.batches == [(1, {})]


def test_end_without_begin_and_bad_items():
    with pytest.raises(ValueError, match="without corresponding"):
        CallbackList([]).on_train_end()
    with pytest.raises(TypeError, match="item 1 is a builtin_function_or_method"):
        CallbackList([Callback(), print])


def test_base_callback_hooks_and_model_property(model):
    cb = Callback()
    assert cb.model is None and cb.params is None
    cb.model = model  # Keras 2 style assignment works too
    assert cb.model is model
    for hook in ("on_epoch_begin", "on_epoch_end"):
        assert getattr(cb, hook)(0, {}) is None
    cb.on_train_batch_end(0, {})  # forwards to on_batch_end (a no-op)
    legacy = LegacyBatchEnd()
    legacy.on_train_batch_end(5, {"loss": 1.0})
    assert legacy.batches == [(5, {"loss": 1.0})]


def test_progbar_logger_evaluate_and_predict(dynamic_display, capsys):
    dynamic_display(False)
    cbs = CallbackList([], add_progbar=True, verbose=1, epochs=1, steps=2)
    cbs.on_test_begin()
    cbs.on_test_batch_end(0, {"loss": 2.0})
    cbs.on_test_batch_end(1, {"loss": 1.5})
    cbs.on_test_end({"loss": 1.25})
    out = capsys.readouterr().out
    assert out.startswith("2/2 ━━━━━━━━━━━━━━━━━━━━ 0s ") and out.endswith("- loss: 1.2500\n")
    assert out.count("\n") == 1

    cbs = CallbackList([], add_progbar=True, verbose=1, epochs=1, steps=None)
    cbs.on_predict_begin()
    for step in range(3):
        cbs.on_predict_batch_end(step, {"outputs": np.zeros(2)})
    cbs.on_predict_end()
    out = capsys.readouterr().out
    assert out.startswith("3/3 ━━") and "outputs" not in out

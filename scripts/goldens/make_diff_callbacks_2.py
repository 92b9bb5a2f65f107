"""Golden values for callbacks in a real `fit`, produced by real Keras 3 (JAX backend):
`BackupAndRestore`'s metadata file and resumed run, `SwapEMAWeights` under a
`LossScaleOptimizer`, `RemoteMonitor`'s payloads, a `Progbar` updated past its target,
`fit(verbose=2)` printing with five callbacks' messages (and their CSV log, checkpoint
files and History), mode="auto" on a metric that wraps a loss, a duck-typed callback.

Each scenario is a function of the Keras-like module `K`, so the test
(tests/callbacks/test_diff_callbacks_2.py) runs the very same code on numkeras:

    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_diff_callbacks_2.py
"""

import contextlib
import io
import json
import os
import pathlib
import re
import sys
import tempfile

import numpy as np

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens" / "diff_callbacks_2.json"

_rng = np.random.default_rng(1)
X = _rng.normal(size=(32, 4)).astype("float32")
Y = _rng.normal(size=(32, 1)).astype("float32")
XV = _rng.normal(size=(16, 4)).astype("float32")
YV = _rng.normal(size=(16, 1)).astype("float32")


def model(K, optimizer=None, metrics=None):
    """4 -> 3 (relu) -> 1, fixed weights, SGD(0.01) unless told."""
    m = K.Sequential([K.Input((4,)), K.layers.Dense(3, activation="relu"), K.layers.Dense(1)])
    rng = np.random.default_rng(0)
    m.set_weights([rng.normal(size=w.shape).astype("float32") * 0.5 for w in m.get_weights()])
    m.compile(
        optimizer=optimizer if optimizer is not None else K.optimizers.SGD(0.01),
        loss="mse",
        metrics=metrics,
    )
    return m


def weight_sums(m):
    return [float(np.sum(w)) for w in m.get_weights()]


def printed(fn):
    """(fn's result, what it printed), with the bar's timings masked."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        result = fn()
    text = re.sub(r"\x1b\[[0-9;]*m", "", buf.getvalue())
    text = re.sub(r"\d+(ms|us|s)/step", "T/step", text)
    text = re.sub(r" \d+s ", " Ns ", text)
    return result, text


class Boom(Exception):
    pass


def _interrupter(K, at):
    class Interrupt(K.callbacks.Callback):
        epoch = 0

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

        def on_train_batch_end(self, batch, logs=None):
            if (self.epoch, batch) == at:
                raise Boom()

    return Interrupt()


def _backup_run(K, save_freq, at):
    folder = os.path.join(tempfile.mkdtemp(), "backup")
    first = model(K)
    cb = K.callbacks.BackupAndRestore(folder, save_freq=save_freq)
    try:
        first.fit(
            X,
            Y,
            batch_size=8,
            epochs=4,
            verbose=0,
            shuffle=False,
            callbacks=[cb, _interrupter(K, at)],
        )
    except Boom:
        pass
    files = sorted(os.listdir(folder))
    with open(os.path.join(folder, "training_metadata.json")) as f:
        meta = json.load(f)
    second = model(K)
    seen = []
    history = second.fit(
        X,
        Y,
        batch_size=8,
        epochs=4,
        verbose=0,
        shuffle=False,
        callbacks=[
            K.callbacks.BackupAndRestore(folder, save_freq=save_freq),
            K.callbacks.LambdaCallback(on_epoch_begin=lambda e, logs: seen.append(e)),
        ],
    )
    return {
        "files": files,
        "metadata": meta,
        "epochs_run": seen,
        "history_epoch": history.epoch,
        "loss": history.history["loss"],
        "weights": weight_sums(second),
        "iterations": int(np.asarray(second.optimizer.iterations)),
        "backup_left": os.path.exists(folder),
    }


def backup_batch_freq_3(K):
    return _backup_run(K, 3, (1, 2))


def backup_batch_freq_2(K):
    return _backup_run(K, 2, (2, 0))


def backup_epoch(K):
    return _backup_run(K, "epoch", (2, 1))


def swap_ema_under_loss_scale_optimizer(K):
    opt = K.optimizers.LossScaleOptimizer(K.optimizers.SGD(0.05, use_ema=True, ema_momentum=0.9))
    m = model(K, optimizer=opt)
    history = m.fit(
        X,
        Y,
        batch_size=8,
        epochs=3,
        verbose=0,
        shuffle=False,
        validation_data=(XV, YV),
        callbacks=[K.callbacks.SwapEMAWeights()],
    )
    return {"history": history.history, "weights": weight_sums(m)}


class _FakeRequests:
    """Stands in for the `requests` module: records each post."""

    class exceptions:  # noqa: N801 (mirrors requests.exceptions)
        RequestException = OSError

    def __init__(self):
        self.calls = []

    def post(self, url, data=None, json=None, headers=None):
        self.calls.append({"url": url, "data": data, "json": json, "headers": headers})


def remote_monitor_payloads(K):
    fake = _FakeRequests()
    real = sys.modules.get("requests")
    sys.modules["requests"] = fake
    if K.__name__ == "keras":  # Keras imported (or failed to import) requests already
        from keras.src.callbacks import remote_monitor

        remote_monitor.requests = fake
    try:
        defaults = K.callbacks.RemoteMonitor()
        as_form = K.callbacks.RemoteMonitor(
            root="http://h:1", path="/p", field="f", headers={"X": "y"}
        )
        as_json = K.callbacks.RemoteMonitor(send_as_json=True)
        logs = {"loss": 0.5, "a": np.float32(1.5), "b": np.arange(1), "c": np.float64(2.0)}
        as_form.on_epoch_end(3, logs)
        as_json.on_epoch_end(4, logs)
        m = model(K)
        m.fit(
            X,
            Y,
            batch_size=16,
            epochs=2,
            verbose=0,
            shuffle=False,
            validation_data=(XV, YV),
            callbacks=[as_json],
        )
    finally:
        if real is None:
            sys.modules.pop("requests", None)
        else:
            sys.modules["requests"] = real
    attrs = ["root", "path", "field", "headers", "send_as_json"]
    return {
        "defaults": {a: getattr(defaults, a) for a in attrs},
        "calls": [
            {**c, "json": c["json"] and {k: round(v, 4) for k, v in c["json"].items()}}
            if c["json"]
            else c
            for c in fake.calls
        ],
    }


class _FakeClock:
    def __init__(self, times):
        self.times, self.i = list(times), 0

    def time(self):
        t = self.times[min(self.i, len(self.times) - 1)]
        self.i += 1
        return t


def _progbar_module(K):
    import importlib

    return importlib.import_module(
        "keras.src.utils.progbar" if K.__name__ == "keras" else K.__name__ + ".utils.progbar"
    )


def progbar_past_the_target(K):
    """Terminal output (colours and Keras's backspaces removed) of bars updated past their
    target and below zero."""
    module = _progbar_module(K)
    real_time = module.time
    out = []
    try:
        for target, steps in [(3, [1, 5]), (4, [-2, 4]), (10, [12, 25])]:
            module.time = _FakeClock([0.0, 0.5, 1.0, 1.5])
            bar = K.utils.Progbar(target)
            bar._dynamic_display = True
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                for step in steps:
                    bar.update(step, [("loss", 0.5)], finalize=step == steps[-1])
            out.append(re.sub(r"\x1b\[[0-9;]*m", "", buf.getvalue()).replace("\b", ""))
    finally:
        module.time = real_time
    return out


def verbose_2_with_callback_messages(K):
    """fit(verbose=2) printing alongside EarlyStopping, ReduceLROnPlateau, ModelCheckpoint
    and LearningRateScheduler messages; the CSV log and History of the same run."""
    folder = tempfile.mkdtemp()
    m = model(K, optimizer=K.optimizers.SGD(0.1), metrics=["mae"])
    callbacks = [
        K.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5 if epoch == 2 else lr, 1),
        K.callbacks.ReduceLROnPlateau(
            "val_loss", factor=0.5, patience=1, min_delta=0.01, cooldown=1, min_lr=0.02, verbose=1
        ),
        K.callbacks.ModelCheckpoint(
            os.path.join(folder, "w.{epoch:02d}-{val_loss:.3f}.weights.h5"),
            save_best_only=True,
            save_weights_only=True,
            verbose=1,
        ),
        K.callbacks.EarlyStopping(
            "val_mae", patience=2, min_delta=0.005, verbose=1, restore_best_weights=True
        ),
        K.callbacks.CSVLogger(os.path.join(folder, "log.csv")),
    ]
    history, text = printed(
        lambda: m.fit(
            X,
            Y,
            batch_size=8,
            epochs=8,
            verbose=2,
            shuffle=False,
            validation_data=(XV, YV),
            callbacks=callbacks,
        )
    )
    with open(os.path.join(folder, "log.csv"), newline="") as f:
        rows = [line.split(",") for line in f.read().split("\r\n")]
    return {
        "printed": text.replace(folder, "DIR").split("\n"),
        "files": sorted(os.listdir(folder)),
        "history": history.history,
        "epoch": history.epoch,
        "csv": [[r[0]] + [x if not x[:1].isdigit() else float(x) for x in r[1:]] for r in rows],
        "weights": weight_sums(m),
    }


def auto_mode_for_a_metric_wrapping_a_loss(K):
    """mode="auto" on MeanMetricWrapper(<a Keras loss>): Keras marks it "down"."""
    out = {}
    for name, fn in [
        ("wrap_fn", K.losses.mean_squared_error),
        ("wrap_obj", K.losses.MeanAbsoluteError()),
    ]:
        m = model(K, metrics=[K.metrics.MeanMetricWrapper(fn, name=name)])
        es = K.callbacks.EarlyStopping(monitor="val_" + name, patience=1, min_delta=0.01)
        ckpt = K.callbacks.ModelCheckpoint(
            os.path.join(tempfile.mkdtemp(), "w.weights.h5"),
            monitor=name,
            save_best_only=True,
            save_weights_only=True,
        )
        history = m.fit(
            X,
            Y,
            batch_size=8,
            epochs=6,
            verbose=0,
            shuffle=False,
            validation_data=(XV, YV),
            callbacks=[es, ckpt],
        )
        out[name] = {
            "ops": [es.monitor_op.__name__, ckpt.monitor_op.__name__],
            "epoch": history.epoch,
            "best": [es.best, ckpt.best],
        }
    return out


_HOOKS = [
    f"on_{stage}_{when}"
    for stage in (
        "batch",
        "epoch",
        "train_batch",
        "test_batch",
        "predict_batch",
        "train",
        "test",
        "predict",
    )
    for when in ("begin", "end")
]


class _DuckCallback:
    """A callback that does not subclass Callback, only has its methods (Keras accepts it)."""

    def __init__(self):
        self.events = []

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params


for _hook in _HOOKS:
    setattr(_DuckCallback, _hook, lambda self, *a, _h=_hook, **k: self.events.append(_h))


def duck_typed_callback(K):
    m = model(K)
    duck = _DuckCallback()
    history = m.fit(
        X,
        Y,
        batch_size=16,
        epochs=1,
        verbose=0,
        shuffle=False,
        validation_data=(XV, YV),
        callbacks=[duck],
    )
    m.evaluate(XV, YV, batch_size=16, verbose=0, callbacks=[duck])
    m.predict(XV, batch_size=16, verbose=0, callbacks=[duck])
    return {
        "events": duck.events,
        "params": duck.params,
        "keys": list(history.history),
        "model_set": duck.model is m,
    }


SCENARIOS = [
    backup_batch_freq_3,
    backup_batch_freq_2,
    backup_epoch,
    swap_ema_under_loss_scale_optimizer,
    remote_monitor_payloads,
    progbar_past_the_target,
    verbose_2_with_callback_messages,
    auto_mode_for_a_metric_wrapping_a_loss,
    duck_typed_callback,
]


def plain(value):
    """JSON-able: dicts as [key, value] pairs (their order matters), arrays as lists."""
    if isinstance(value, dict):
        return [[k, plain(v)] for k, v in value.items()]
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    return value


def main():
    import keras

    cases = {}
    for scenario in SCENARIOS:
        keras.utils.set_random_seed(0)
        cases[scenario.__name__] = plain(scenario(keras))
    OUT.write_text(json.dumps({"keras": keras.__version__, "cases": cases}) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()

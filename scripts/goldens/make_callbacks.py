"""Goldens for numkeras.callbacks and numkeras.utils.Progbar, produced by REAL Keras 3.

Run:  KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_callbacks.py
Writes tests/goldens/callbacks.json: each scenario's inputs and what Keras did (decisions,
learning rates, printed text, CSV bytes, checkpoint paths). The tests replay the inputs on
numkeras with the same fake model and fake clock and compare.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import re
import tempfile
from pathlib import Path

import keras
import numpy as np
from keras.src.utils import progbar as kprogbar

OUT = Path(__file__).resolve().parents[2] / "tests" / "goldens" / "callbacks.json"
NAN = float("nan")


class FakeOptimizer:
    def __init__(self, learning_rate):
        self.learning_rate = learning_rate


class FakeModel:
    """The attributes callbacks touch; weights are one marker (the epoch that set them)."""

    def __init__(self, learning_rate=0.1):
        self.stop_training = False
        self.optimizer = FakeOptimizer(learning_rate)
        self.marker = -1
        self.saved = []

    def get_weights(self):
        return [self.marker]

    def set_weights(self, weights):
        self.marker = weights[0]

    def save(self, path, overwrite=True):
        self.saved.append(["model", path])

    def save_weights(self, path, overwrite=True):
        self.saved.append(["weights", path])


def captured(fn):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        result = fn()
    return result, buf.getvalue()


def jsonable(x):
    if isinstance(x, float) and math.isnan(x):
        return "nan"
    return x


# ---------------------------------------------------------------- EarlyStopping
ES_CASES = [
    {"kwargs": {"monitor": "loss", "patience": 2}, "values": [1.0, 0.8, 0.85, 0.9, 0.7, 0.6]},
    {"kwargs": {"monitor": "loss", "patience": 0}, "values": [1.0, 0.9, 0.95, 0.5]},
    {
        "kwargs": {"monitor": "loss", "patience": 1, "min_delta": 0.1},
        "values": [1.0, 0.85, 0.8, 0.78, 0.5],
    },
    {
        "kwargs": {"monitor": "accuracy", "patience": 1, "mode": "max"},
        "values": [0.5, 0.6, 0.6, 0.55, 0.9],
    },
    {
        "kwargs": {
            "monitor": "val_loss",
            "patience": 2,
            "baseline": 0.5,
            "restore_best_weights": True,
            "verbose": 1,
        },
        "values": [0.9, 0.8, 0.85, 0.7, 0.75],
    },
    {
        "kwargs": {
            "monitor": "val_loss",
            "patience": 1,
            "restore_best_weights": True,
            "verbose": 1,
        },
        "values": [0.9, 0.6, 0.7, 0.8, 0.1],
    },
    {
        "kwargs": {"monitor": "loss", "patience": 0, "start_from_epoch": 2},
        "values": [1.0, 2.0, 3.0, 4.0, 5.0],
    },
    {"kwargs": {"monitor": "loss", "patience": 1, "verbose": 1}, "values": [1.0, NAN, NAN, 0.5]},
    {
        "kwargs": {
            "monitor": "val_loss",
            "patience": 3,
            "restore_best_weights": True,
            "verbose": 1,
        },
        "values": [0.9, 0.8, 0.7, 0.6, 0.5],
    },
]


def run_es(case):
    cb = keras.callbacks.EarlyStopping(**case["kwargs"])
    model = FakeModel()
    cb.set_model(model)

    def go():
        cb.on_train_begin()
        epochs_run = 0
        for epoch, value in enumerate(case["values"]):
            model.marker = epoch
            cb.on_epoch_begin(epoch)
            cb.on_epoch_end(epoch, {cb.monitor: value, "other": 1.0})
            epochs_run += 1
            if model.stop_training:
                break
        cb.on_train_end()
        return epochs_run

    epochs_run, out = captured(go)
    return {
        "epochs_run": epochs_run,
        "stopped_epoch": cb.stopped_epoch,
        "best": jsonable(cb.best),
        "best_epoch": cb.best_epoch,
        "wait": cb.wait,
        "final_marker": model.marker,
        "stdout": out,
    }


# ---------------------------------------------------------------- ReduceLROnPlateau
RLR_CASES = [
    {
        "kwargs": {"monitor": "loss", "factor": 0.5, "patience": 1},
        "values": [1.0, 1.0, 0.9, 0.9, 0.9, 0.5],
    },
    {
        "kwargs": {
            "monitor": "val_loss",
            "factor": 0.1,
            "patience": 2,
            "cooldown": 2,
            "verbose": 1,
        },
        "values": [1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7],
    },
    {
        "kwargs": {"monitor": "loss", "factor": 0.2, "patience": 0, "min_lr": 0.01, "verbose": 1},
        "values": [1.0, 1.0, 1.0, 1.0, 1.0],
    },
    {
        "kwargs": {
            "monitor": "accuracy",
            "mode": "max",
            "factor": 0.5,
            "patience": 1,
            "min_delta": 0.05,
        },
        "values": [0.5, 0.52, 0.6, 0.61, 0.7, 0.7],
    },
    {
        "kwargs": {"monitor": "loss", "patience": 1, "cooldown": 1, "factor": 0.5},
        "values": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 0.1, 0.2, 0.3],
    },
]


def run_rlr(case):
    cb = keras.callbacks.ReduceLROnPlateau(**case["kwargs"])
    model = FakeModel(learning_rate=case.get("lr", 0.1))
    cb.set_model(model)
    lrs, logs_seen = [], []

    def go():
        cb.on_train_begin()
        for epoch, value in enumerate(case["values"]):
            logs = {cb.monitor: value}
            cb.on_epoch_end(epoch, logs)
            lrs.append(model.optimizer.learning_rate)
            logs_seen.append(logs)

    _, out = captured(go)
    return {
        "lrs": lrs,
        "logs": logs_seen,
        "wait": cb.wait,
        "cooldown_counter": cb.cooldown_counter,
        "stdout": out,
    }


# ---------------------------------------------------------------- CSVLogger
CSV_CASES = [
    {"kwargs": {}, "epochs": [{"loss": 0.5, "accuracy": 0.25}, {"loss": 0.25, "accuracy": 0.5}]},
    {
        "kwargs": {"separator": ";"},
        "epochs": [
            {"loss": 0.5, "val_loss": 0.75, "accuracy": 0.125, "val_accuracy": 0.1},
            {"loss": 0.375, "val_loss": 0.625, "accuracy": 0.25, "val_accuracy": 0.2},
        ],
    },
    {
        "kwargs": {"append": True},
        "existing": "epoch,loss,val_loss\r\n0,1.0,2.0\r\n",
        "epochs": [{"loss": 0.5, "val_loss": 0.75}],
    },
    {"kwargs": {"append": True}, "existing": "", "epochs": [{"loss": 0.5, "val_loss": 0.75}]},
    {
        "kwargs": {},
        "epochs": [
            {"loss": 0.5, "vec": [1.0, 2.5], "name": "a,b"},
            {"loss": 1e-9, "vec": [3], "name": "c"},
        ],
    },
    {"kwargs": {}, "epochs": [{}, {}]},
]


def run_csv(case):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "log.csv")
        if "existing" in case:
            with open(path, "w", newline="") as f:
                f.write(case["existing"])
        cb = keras.callbacks.CSVLogger(path, **case["kwargs"])
        cb.on_train_begin()
        for epoch, logs in enumerate(case["epochs"]):
            logs = {k: np.array(v) if isinstance(v, list) else v for k, v in logs.items()}
            cb.on_epoch_end(epoch, logs)
        cb.on_train_end()
        with open(path, newline="") as f:
            return {"content": f.read()}


# ---------------------------------------------------------------- ModelCheckpoint
CKPT_CASES = [
    {
        "kwargs": {
            "filepath": "w.{epoch:02d}-{val_loss:.2f}.weights.h5",
            "save_weights_only": True,
            "save_best_only": True,
            "verbose": 1,
        },
        "epochs": [{"val_loss": 0.9}, {"val_loss": 0.7}, {"val_loss": 0.8}, {"val_loss": 0.5}],
    },
    {
        "kwargs": {
            "filepath": "best.keras",
            "monitor": "val_accuracy",
            "mode": "max",
            "save_best_only": True,
            "verbose": 1,
        },
        "epochs": [{"val_accuracy": 0.5}, {"val_accuracy": 0.4}, {"val_accuracy": 0.6}],
    },
    {
        "kwargs": {"filepath": "sub/dir/m{epoch}.keras", "verbose": 1},
        "epochs": [{"loss": 1.0}, {"loss": 2.0}],
    },
    {
        "kwargs": {
            "filepath": "b.keras",
            "monitor": "loss",
            "save_best_only": True,
            "initial_value_threshold": 0.6,
        },
        "epochs": [{"loss": 0.9}, {"loss": 0.7}, {"loss": 0.5}, {"loss": 0.55}],
    },
    {
        "kwargs": {
            "filepath": "e{epoch}-b{batch}.weights.h5",
            "save_weights_only": True,
            "save_freq": 3,
        },
        "batches_per_epoch": 4,
        "epochs": [{"loss": 1.0}, {"loss": 0.5}, {"loss": 0.25}],
    },
    {
        "kwargs": {"filepath": "x.keras", "save_best_only": True, "monitor": "loss", "verbose": 1},
        "epochs": [{"other": 1.0}, {"loss": 0.5}],
    },
]


def run_ckpt(case):
    with tempfile.TemporaryDirectory() as d:
        kwargs = dict(case["kwargs"])
        kwargs["filepath"] = os.path.join(d, kwargs["filepath"])
        cb = keras.callbacks.ModelCheckpoint(**kwargs)
        model = FakeModel()
        cb.set_model(model)

        def go():
            cb.on_train_begin()
            for epoch, logs in enumerate(case["epochs"]):
                cb.on_epoch_begin(epoch)
                for batch in range(case.get("batches_per_epoch", 0)):
                    cb.on_train_batch_end(batch, dict(logs))
                cb.on_epoch_end(epoch, dict(logs))
            cb.on_train_end()

        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _, out = captured(go)
        rel = [[kind, os.path.relpath(p, d)] for kind, p in model.saved]
        return {
            "saved": rel,
            "stdout": out.replace(d + os.sep, "<dir>/"),
            "best": jsonable(cb.best),
        }


# ---------------------------------------------------------------- LearningRateScheduler
def run_lrs():
    def schedule(epoch, lr):
        return lr if epoch < 2 else lr * 0.5

    cb = keras.callbacks.LearningRateScheduler(schedule, verbose=1)
    model = FakeModel(learning_rate=0.1)
    cb.set_model(model)
    lrs, logs_seen = [], []

    def go():
        for epoch in range(4):
            cb.on_epoch_begin(epoch)
            logs = {"loss": 1.0}
            cb.on_epoch_end(epoch, logs)
            lrs.append(model.optimizer.learning_rate)
            logs_seen.append(logs)

    _, out = captured(go)

    cb1 = keras.callbacks.LearningRateScheduler(lambda epoch: 0.01 * (epoch + 1))
    model1 = FakeModel()
    cb1.set_model(model1)
    old_api = []
    for epoch in range(3):
        cb1.on_epoch_begin(epoch)
        old_api.append(model1.optimizer.learning_rate)
    return {"lrs": lrs, "logs": logs_seen, "stdout": out, "old_api_lrs": old_api}


def run_nan():
    cb = keras.callbacks.TerminateOnNaN()
    model = FakeModel()
    cb.set_model(model)

    def go():
        cb.on_train_batch_end(0, {"loss": 1.0})
        first = model.stop_training
        cb.on_train_batch_end(1, {"loss": float("inf")})
        return first

    first, out = captured(go)
    return {"stop_after_finite": first, "stop_after_inf": model.stop_training, "stdout": out}


# ---------------------------------------------------------------- Progbar
class FakeClock:
    """time.time() returns the next scheduled time on every call."""

    def __init__(self, times):
        self.times = list(times)
        self.i = 0

    def time(self):
        t = self.times[min(self.i, len(self.times) - 1)]
        self.i += 1
        return t


ANSI = re.compile(r"\x1b\[[0-9;]*m")

# Each update: [current, values, finalize]; "times": [t_init, t_update1, t_update2, ...]
PROGBAR_CASES = [
    {
        "name": "averaged_v1",
        "kwargs": {"target": 10},
        "times": [100.0, 100.5, 100.52, 100.6, 101.0, 103.0],
        "updates": [
            [1, [["loss", 1.0], ["acc", 0.5]], None],
            [2, [["loss", 0.5], ["acc", 0.75]], None],
            [4, [["loss", 0.25], ["acc", 1.0]], None],
            [7, [["loss", 0.1], ["acc", 1.0]], None],
            [10, [["loss", 0.2], ["acc", 0.9]], None],
        ],
    },
    {
        "name": "stateless_set_v1",
        "kwargs": {"target": 1875, "stateless_metrics": []},
        "times": [0.0, 0.9, 1.0, 3.1],
        "updates": [
            [1, [["accuracy", 0.5], ["loss", 2.0]], False],
            [32, [["accuracy", 0.8125], ["loss", 0.4302]], False],
            [1875, [["accuracy", 0.9], ["loss", 0.00001], ["val_loss", 0.3]], True],
        ],
    },
    {
        "name": "eta_formats",
        "kwargs": {"target": 100000, "stateful_metrics": ["m"]},
        "times": [0.0, 2.0, 3.0, 4.0, 5.0],
        "updates": [
            [1, [["m", 1.0]], None],
            [2, [["m", 123.456]], None],
            [3000, [["m", -0.5]], None],
            [99990, [["m", -0.0001]], None],
        ],
    },
    {
        "name": "unknown_target",
        "kwargs": {"target": None},
        "times": [10.0, 10.1, 10.2, 10.3],
        "updates": [
            [1, [["loss", 1.0]], None],
            [5, [["loss", 0.5]], None],
            [5, [["loss", 0.7]], True],
        ],
    },
    {
        "name": "averaged_v2",
        "kwargs": {"target": 4, "verbose": 2},
        "times": [0.0, 0.001, 0.002, 0.003, 2.5],
        "updates": [
            [1, [["loss", 4.0]], None],
            [2, [["loss", 2.0]], None],
            [3, [["loss", 1.0]], None],
            [4, [["loss", 1.0]], None],
        ],
    },
    {
        "name": "fast_steps_v2",
        "kwargs": {"target": 1000, "verbose": 2, "stateful_metrics": ["loss"]},
        "times": [0.0, 0.0005, 0.0007],
        "updates": [[1, [["loss", 0.5]], None], [1000, [["loss", 0.25]], None]],
    },
    {
        "name": "slow_steps_v1",
        "kwargs": {"target": 3, "unit_name": "sample"},
        "times": [0.0, 2.0, 4.5, 7.0],
        "updates": [[1, [], None], [2, None, None], [3, [], None]],
    },
]


def run_progbar(case, dynamic):
    clock = FakeClock(case["times"])
    kprogbar.time = clock  # the module's `time` name: Progbar calls time.time()
    try:
        kwargs = dict(case["kwargs"])
        for key in ("stateful_metrics", "stateless_metrics"):
            if key in kwargs:
                kwargs[key] = set(kwargs[key])
        bar = kprogbar.Progbar(**kwargs)
        bar._dynamic_display = dynamic

        def go():
            for current, values, finalize in case["updates"]:
                bar.update(current, [tuple(v) for v in values] if values else values, finalize)

        _, out = captured(go)
    finally:
        import time

        kprogbar.time = time
    return out


def run_fit_simulation(verbose):
    """A CallbackList as Keras's fit builds it, driven through 2 epochs of 3 steps."""
    import time

    clock = FakeClock([float(i) * 0.25 for i in range(200)])
    kprogbar.time = clock
    try:
        model = FakeModel(learning_rate=0.1)
        rlr = keras.callbacks.ReduceLROnPlateau(monitor="loss", patience=0, factor=0.5)
        cbs = keras.callbacks.CallbackList(
            [rlr],
            add_history=True,
            add_progbar=True,
            model=model,
            verbose=verbose,
            epochs=2,
            steps=3,
        )
        cbs._async_train = cbs._async_test = cbs._async_predict = False

        def go():
            cbs.on_train_begin()
            for epoch in range(2):
                cbs.on_epoch_begin(epoch)
                for step in range(3):
                    cbs.on_train_batch_begin(step)
                    cbs.on_train_batch_end(
                        step, {"loss": np.float32(1.0 / (step + 1)), "accuracy": 0.5}
                    )
                cbs.on_test_begin()
                for step in range(2):
                    cbs.on_test_batch_begin(step)
                    cbs.on_test_batch_end(step, {"loss": 9.0})
                cbs.on_test_end({"loss": 0.75})
                cbs.on_epoch_end(
                    epoch, {"loss": 0.5, "accuracy": 0.75, "val_loss": 0.75, "val_accuracy": 0.625}
                )
            cbs.on_train_end()

        _, out = captured(go)
        # Each ProgbarLogger Progbar decides dynamic display itself (always True on posix).
        return {
            "stdout": out.replace("\b", ""),  # numkeras writes no backspaces before "\r"
            "history": model.history.history,
            "epoch": model.history.epoch,
            "params": model.history.params,
        }
    finally:
        kprogbar.time = time


def main():
    goldens = {
        "keras_version": keras.__version__,
        "early_stopping": [
            dict(case, values=[jsonable(v) for v in case["values"]], result=run_es(case))
            for case in ES_CASES
        ],
        "reduce_lr": [dict(case, result=run_rlr(case)) for case in RLR_CASES],
        "csv_logger": [dict(case, result=run_csv(case)) for case in CSV_CASES],
        "model_checkpoint": [dict(case, result=run_ckpt(case)) for case in CKPT_CASES],
        "lr_scheduler": run_lrs(),
        "terminate_on_nan": run_nan(),
        "progbar": [
            dict(
                case,
                dynamic=run_progbar(case, True).replace("\b", ""),
                lines=[ANSI.sub("", line) for line in run_progbar(case, False).split("\n") if line],
            )
            for case in PROGBAR_CASES
        ],
        "fit_simulation": {str(v): run_fit_simulation(v) for v in (1, 2)},
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(goldens, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()

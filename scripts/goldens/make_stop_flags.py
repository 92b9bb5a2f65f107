"""Goldens for tests/trainers/test_stop_flags.py: Keras 3's `model.stop_evaluating` and
`model.stop_predicting`, which a callback sets to end `evaluate` / `predict` after the
batch it watches (as `stop_training` ends `fit` after an epoch): `predict` returns the
rows of the batches run, `evaluate` the loss and metrics over them. Each call starts with
the flag cleared.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/stop_flags.json):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_stop_flags.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "stop_flags.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario

X = np.linspace(-1, 1, 100 * 3).reshape(100, 3).astype("float32")
Y = (X.sum(axis=1) > 0).astype("float32")


def _model(keras):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
    model.set_weights([np.array([[0.5], [-0.25], [1.0]], "float32"), np.array([0.1], "float32")])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="binary_crossentropy",
                  metrics=["accuracy"])  # fmt: skip
    return model


def _stopper(keras, hook: str, flag: str, at: int):
    """A callback that sets `model.<flag>` in `hook` at batch `at`, and records the
    batches it saw."""

    class Stopper(keras.callbacks.Callback):
        seen: list = []

        def on_test_batch_end(self, batch, logs=None):
            self.seen.append(("test", batch))
            if hook == "on_test_batch_end" and batch == at:
                setattr(self.model, flag, True)

        def on_predict_batch_end(self, batch, logs=None):
            self.seen.append(("predict", batch))
            if hook == "on_predict_batch_end" and batch == at:
                setattr(self.model, flag, True)

    stopper = Stopper()
    stopper.seen = []
    return stopper


@scenario
def predict_stops_after_batch(keras):
    model = _model(keras)
    stopper = _stopper(keras, "on_predict_batch_end", "stop_predicting", 1)
    out = model.predict(X, batch_size=16, verbose=0, callbacks=[stopper])
    again = model.predict(X, batch_size=16, verbose=0)  # (the flag is cleared each call)
    return {"shape": list(out.shape), "out": out[:, 0].round(6).tolist(),
            "seen": stopper.seen, "again": list(again.shape)}  # fmt: skip


@scenario
def predict_stop_at_last_batch(keras):
    model = _model(keras)
    stopper = _stopper(keras, "on_predict_batch_end", "stop_predicting", 6)
    out = model.predict(X, batch_size=16, verbose=0, callbacks=[stopper])
    return {"shape": list(out.shape), "seen": stopper.seen}


@scenario
def evaluate_stops_after_batch(keras):
    model = _model(keras)
    stopper = _stopper(keras, "on_test_batch_end", "stop_evaluating", 2)
    logs = model.evaluate(X, Y, batch_size=10, verbose=0, callbacks=[stopper], return_dict=True)
    full = model.evaluate(X, Y, batch_size=10, verbose=0, return_dict=True)
    head = model.evaluate(X[:30], Y[:30], batch_size=10, verbose=0, return_dict=True)
    return {"logs": logs, "full": full, "head": head, "seen": stopper.seen}


@scenario
def validation_stops_after_batch(keras):
    model = _model(keras)
    stopper = _stopper(keras, "on_test_batch_end", "stop_evaluating", 0)
    history = model.fit(X[:60], Y[:60], batch_size=20, epochs=2, shuffle=False, verbose=0,
                        validation_data=(X[60:], Y[60:]), validation_batch_size=10,
                        callbacks=[stopper])  # fmt: skip
    return {"history": history.history, "seen": stopper.seen}


@scenario
def stop_training_does_not_stop_evaluate(keras):
    model = _model(keras)
    stopper = _stopper(keras, "on_test_batch_end", "stop_training", 0)
    logs = model.evaluate(X, Y, batch_size=25, verbose=0, callbacks=[stopper], return_dict=True)
    return {"logs": logs, "seen": stopper.seen}


@scenario
def subclassed_predict_callbacks_and_stop(keras):
    """A subclassed model whose `call` branches on values (run eagerly, not traced): its
    dict outputs are stacked per key, and its callbacks run per batch."""

    class Branchy(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(2, kernel_initializer="ones")

        def call(self, x, training=False):
            if float(np.asarray(x).sum()) > 1e9:  # (a Python branch on the data)
                return {"a": x, "b": x}
            return {"a": self.dense(x), "b": self.dense(x) * 2.0}

    model = Branchy()
    model.run_eagerly = True  # (JAX could not trace the branch)
    full = model.predict(X[:70], verbose=0)
    stopper = _stopper(keras, "on_predict_batch_end", "stop_predicting", 1)
    stopped = model.predict(X[:70], batch_size=20, verbose=0, callbacks=[stopper])
    return {"full": {k: v.round(6).tolist() for k, v in sorted(full.items())},
            "stopped": {k: list(v.shape) for k, v in sorted(stopped.items())},
            "seen": stopper.seen}  # fmt: skip


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

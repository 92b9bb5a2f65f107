"""Goldens for tests/trainers/test_fuzz_training_4.py: minimal repros of what the fourth
pass of the training fuzzers (scripts/fuzz/fuzz_training.py seeds from 500 on, with
get_metrics_result, predict_on_batch, callbacks in fit, validation_freq lists, trainable
flags flipped between compiles; scripts/fuzz/fuzz_model_training.py's `callbacks3`)
found numkeras doing differently from Keras 3, each a scenario run in both.

- `get_metrics_result()` before the compiled metrics are built (right after a compile
  given `metrics` or `weighted_metrics`, even empty ones, or after only `predict`): Keras
  3 raises ValueError ("Cannot get result() since the metric has not yet been built");
  numkeras gave the loss alone.
- `compile()` again starts a fresh loss tracker (Keras 3 makes a new one, reading 0.0,
  and its per-output loss trackers are built by the next step); numkeras kept the loss
  of the batches before. Compiled again without metrics, the kept metrics keep their
  state (Keras keeps the same built metrics); numkeras rebuilt them empty.
- `compile()` sets `stop_training` back to False, as Keras 3's does; numkeras left it.
- `loss_weights` with None entries (`[None, 2.0]`, `{"a": None, ...}`): Keras 3 weighs
  those outputs' losses by 1.0; numkeras raised TypeError.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/fuzz_training_4.json):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_fuzz_training_4.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_training_4.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario

RNG = np.random.default_rng(4)
X = RNG.normal(size=(8, 3)).astype("float32")
Y = RNG.normal(size=(8, 2)).astype("float32")


def _model(keras):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="d")])
    model.set_weights([np.full((3, 2), 0.1, "float32"), np.zeros(2, "float32")])
    return model


def _results(model):
    """get_metrics_result() as plain floats, or the built-in error it raised."""
    try:
        return {k: float(v) for k, v in model.get_metrics_result().items()}
    except Exception:  # noqa: BLE001 - the error's type is the result
        return builtin_error(model.get_metrics_result)


@scenario
def metrics_result_before_metrics_are_built(keras):
    out = {}
    for name, kwargs in {
        "metrics": {"metrics": ["mae"]},
        "weighted_metrics": {"weighted_metrics": ["mae"]},
        "empty_metrics": {"metrics": []},
        "no_metrics": {},
    }.items():
        model = _model(keras)
        model.compile(keras.optimizers.SGD(0.1), "mse", **kwargs)
        fresh = _results(model)
        model.predict(X, verbose=0)  # (runs no metric)
        predicted = _results(model)
        model.test_on_batch(X, Y)
        out[name] = {"fresh": fresh, "predicted": predicted, "tested": _results(model)}
    return out


@scenario
def metrics_result_after_compiling_again(keras):
    out = {}
    for name, kwargs in {
        "without_metrics": {},
        "with_metrics": {"metrics": ["mse"]},
        "with_weighted_metrics": {"weighted_metrics": ["mse"]},
    }.items():
        model = _model(keras)
        model.compile(keras.optimizers.SGD(0.1), "mse", metrics=["mae"])
        model.fit(X, Y, batch_size=4, epochs=1, shuffle=False, verbose=0)
        model.compile(keras.optimizers.SGD(0.1), "mae", **kwargs)
        again = _results(model)
        model.train_on_batch(X[:4], Y[:4])
        out[name] = {"again": again, "trained": _results(model)}
    return out


@scenario
def metrics_result_of_two_losses_after_compiling_again(keras):
    x = keras.Input((3,))
    outputs = [keras.layers.Dense(2, name="a")(x), keras.layers.Dense(2, name="b")(x)]
    model = keras.Model(x, outputs)
    model.set_weights([np.full(w.shape, 0.1, "float32") for w in model.get_weights()])
    model.compile(keras.optimizers.SGD(0.1), ["mse", "mae"])
    model.evaluate(X, [Y, Y], verbose=0)
    evaluated = _results(model)
    model.compile(keras.optimizers.SGD(0.1), ["mae", "mse"])
    again = _results(model)
    model.test_on_batch(X, [Y, Y])
    return {"evaluated": evaluated, "again": again, "tested": _results(model)}


@scenario
def compile_clears_stop_training(keras):
    model = _model(keras)
    model.compile(keras.optimizers.SGD(0.1), "mse")
    model.stop_training = True  # (as a callback leaves it)
    model.compile(keras.optimizers.SGD(0.1), "mse")
    return model.stop_training


@scenario
def loss_weights_with_none(keras):
    labels = (Y[:, 0] > 0).astype("int64")
    out = {}
    for form in ("list", "dict"):
        x = keras.Input((3,), name="x")
        a = keras.layers.Dense(2, name="a")(x)
        b = keras.layers.Dense(2, activation="softmax", name="b")(x)
        model = keras.Model(x, [a, b])
        model.set_weights([np.full(w.shape, 0.1, "float32") for w in model.get_weights()])
        weights = [None, 2.0] if form == "list" else {"a": None, "b": 2.0}
        losses = ["mse", "sparse_categorical_crossentropy"]
        model.compile(keras.optimizers.SGD(0.1), losses, loss_weights=weights)
        history = model.fit(X, [Y, labels], batch_size=4, epochs=2, shuffle=False, verbose=0)
        out[form] = {
            "history": history.history,
            "weights": [w.tolist() for w in model.get_weights()],
        }
    return out


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

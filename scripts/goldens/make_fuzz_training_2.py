"""Goldens for tests/trainers/test_fuzz_training_2.py: minimal repros of what the second
pass of the training fuzzers (scripts/fuzz/fuzz_model_training.py, its `callbacks`
family, and scripts/fuzz/fuzz_training.py) found numkeras doing differently from Keras 3,
each a scenario run in both.

- `class_weight` naming only some classes: Keras 3 weighs the others 1.0 (numkeras
  refused it, as Keras 2 does).
- A LossScaleOptimizer's `variables` leave out its inner Adafactor's bare placeholders for
  1-D weights (numkeras listed them), as they leave out Nadam's `u_product`.
- Adafactor's gradient accumulators and moving averages are named as other optimizers'
  (`{path}_gradient_accumulator`, `{path}_average`): numkeras named them after the
  weight, as Adafactor's own r / c slots.
- `optimizer.learning_rate.assign(x)` on an optimizer whose rate is a schedule: Keras 3
  returns the schedule's current value, a tensor without `assign` (AttributeError);
  numkeras raised TypeError. Setting `optimizer.learning_rate = x` is a TypeError in both.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/fuzz_training_2.json):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_fuzz_training_2.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_training_2.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario

RNG = np.random.default_rng(5)
X = RNG.normal(size=(8, 3)).astype("float32")
Y = RNG.normal(size=(8, 1)).astype("float32")
W = [RNG.normal(size=(3, 1)).astype("float32"), RNG.normal(size=1).astype("float32")]


def _model(keras, learning_rate):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, name="d")], name="m")
    model.set_weights(W)
    model.compile(keras.optimizers.SGD(learning_rate), "mse")
    return model


@scenario
def scheduled_rate_assign(keras):
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    model = _model(keras, schedule)

    def assign(epoch, logs):  # a user's hand-made schedule, on a scheduled optimizer
        model.optimizer.learning_rate.assign(0.01)

    callback = keras.callbacks.LambdaCallback(on_epoch_begin=assign)
    fit = builtin_error(lambda: model.fit(X, Y, epochs=2, verbose=0, callbacks=[callback]))
    history = model.fit(X, Y, batch_size=4, epochs=2, shuffle=False, verbose=0).history

    def set_rate():
        model.optimizer.learning_rate = 0.01

    return {
        "fit_assign": fit,
        "assign": builtin_error(lambda: model.optimizer.learning_rate.assign(0.01)),
        "set": builtin_error(set_rate),
        "history": history,
        "rate": float(np.asarray(model.optimizer.learning_rate)),
    }


@scenario
def float_rate_assign(keras):
    model = _model(keras, 0.1)

    def assign(epoch, logs):
        model.optimizer.learning_rate.assign(0.1 * 0.5**epoch)

    callback = keras.callbacks.LambdaCallback(on_epoch_begin=assign)
    history = model.fit(
        X, Y, batch_size=4, epochs=3, shuffle=False, verbose=0, callbacks=[callback]
    )
    return {"history": history.history, "rate": float(np.asarray(model.optimizer.learning_rate))}


@scenario
def class_weight_missing_class(keras):
    labels = np.array([0, 1, 2, 1, 0, 2, 2, 1])
    out = {}
    for name, y, weights in (
        ("sparse", labels, {0: 0.5, 1: 2.0}),  # class 2 has no weight
        ("multi_hot", np.eye(3, dtype="float32")[labels] + np.eye(3)[labels[::-1]], {0: 3.0}),
        ("beyond", labels, {0: 1.0, 5: 9.0}),
    ):
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(3, name="d")])
        model.set_weights([np.ones((3, 3), "float32") * 0.1, np.zeros(3, "float32")])
        loss = "sparse_categorical_crossentropy" if name != "multi_hot" else "mse"
        model.compile(keras.optimizers.SGD(0.1), loss)
        history = model.fit(X, y, class_weight=weights, batch_size=4, epochs=2, shuffle=False,
                            verbose=0)  # fmt: skip
        out[name] = {
            "history": history.history,
            "on_batch": model.train_on_batch(X, y, class_weight=weights),
            "weights": [w.tolist() for w in model.get_weights()],
        }
    return out


@scenario
def loss_scale_adafactor_variables(keras):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="d")], name="m")
    model.set_weights([np.ones((3, 2), "float32") * 0.1, np.zeros(2, "float32")])
    inner = keras.optimizers.Adafactor(0.1)
    model.compile(keras.optimizers.LossScaleOptimizer(inner, initial_scale=2.0), "mse")
    model.train_on_batch(X, np.concatenate([Y, Y], axis=1))
    return {
        "paths": [v.path for v in model.optimizer.variables],
        "inner": [v.path for v in inner.variables],
        "weights": [w.tolist() for w in model.get_weights()],
    }


@scenario
def adafactor_accumulator_and_average_paths(keras):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="d")], name="m")
    model.set_weights([np.ones((3, 2), "float32") * 0.1, np.zeros(2, "float32")])
    opt = keras.optimizers.Adafactor(0.1, gradient_accumulation_steps=2, use_ema=True)
    model.compile(opt, "mse")
    for _ in range(2):
        model.train_on_batch(X, np.concatenate([Y, Y], axis=1))
    return {
        "state": [[v.path, np.asarray(v).round(6).tolist()] for v in opt.variables],
        "weights": [w.tolist() for w in model.get_weights()],
    }


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

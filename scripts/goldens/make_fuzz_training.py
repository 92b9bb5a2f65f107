"""Goldens for tests/trainers/test_fuzz_training.py: minimal repros of what the training
configuration fuzzer (scripts/fuzz/fuzz_training.py) found numkeras doing differently from
Keras 3, each a scenario run in both.

- Keras builds the optimizer (its slots) at the first fit / evaluate / *_on_batch: after
  an `evaluate` its `variables` hold the zero slots.
- A loss with `reduction=None`: `evaluate` / `test_on_batch` report the mean of the
  per-sample losses (numkeras crashed); `fit` raises a TypeError (numkeras: ValueError).
- `metrics=[[...]]` (a list of lists) for a one-output model (numkeras refused it).
- Nadam's `u_product` is a bare Keras variable (path "variable"), left out of a
  LossScaleOptimizer's `variables`; Adafactor's placeholders for 1-D weights are bare
  variables named after the weight (path "bias", no optimizer scope).

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/fuzz_training.json):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_fuzz_training.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_training.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario

RNG = np.random.default_rng(3)
X = RNG.normal(size=(6, 4)).astype("float32")
Y = np.eye(3, dtype="float32")[[0, 1, 2, 1, 0, 2]]
W = [RNG.normal(size=(4, 3)).astype("float32"), RNG.normal(size=3).astype("float32")]


def _model(keras, activation="softmax"):
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(3, activation=activation, name="d")], name="m"
    )
    model.set_weights(W)
    return model


def _state(optimizer) -> list:
    return [
        [v.path, list(v.shape), np.asarray(v, dtype="float64").round(6).tolist()]
        for v in optimizer.variables
    ]


@scenario
def optimizer_built_by_evaluate(keras):
    model = _model(keras)
    model.compile(keras.optimizers.Adam(0.1), "categorical_crossentropy")
    before = len(model.optimizer.variables)
    loss = model.evaluate(X, Y, verbose=0)
    built = _state(model.optimizer)
    model.fit(X, Y, batch_size=3, epochs=1, shuffle=False, verbose=0)
    return {"before": before, "loss": loss, "built": built, "after": _state(model.optimizer)}


@scenario
def optimizer_built_by_test_on_batch(keras):
    model = _model(keras)
    opt = keras.optimizers.RMSprop(0.05, momentum=0.5, centered=True, use_ema=True)
    model.compile(opt, "mse", metrics=["mae"])
    logs = model.test_on_batch(X, Y, return_dict=True)
    return {"logs": logs, "built": _state(model.optimizer)}


@scenario
def reduction_none_evaluate(keras):
    out = {}
    for name, loss in (
        ("kld", keras.losses.KLDivergence(reduction=None)),
        ("mse", keras.losses.MeanSquaredError(reduction="none")),
    ):
        model = _model(keras)
        model.compile(keras.optimizers.SGD(0.1), loss, metrics=["mae"])
        sw = np.linspace(0.5, 2.0, 6).astype("float32")
        out[name] = {
            "test_on_batch": model.test_on_batch(X, Y),
            "weighted": model.test_on_batch(X, Y, sample_weight=sw),
            "evaluate": model.evaluate(X, Y, verbose=0, return_dict=True),
            "fit": builtin_error(lambda m=model: m.fit(X, Y, epochs=1, verbose=0)),
        }
    return out


@scenario
def nested_metrics_one_output(keras):
    model = _model(keras)
    model.compile(
        keras.optimizers.SGD(0.1),
        "categorical_crossentropy",
        metrics=[["mae", "acc"]],
        weighted_metrics=[["mse"]],
    )
    sw = np.linspace(0.5, 2.0, 6).astype("float32")
    history = model.fit(X, Y, sample_weight=sw, batch_size=4, epochs=2, shuffle=False, verbose=0)
    empty = _model(keras)
    empty.compile("sgd", "mse", metrics=[[]])
    return {
        "history": history.history,
        "evaluate": model.evaluate(X, Y, verbose=0, return_dict=True),
        "empty": empty.evaluate(X, Y, verbose=0, return_dict=True),
    }


@scenario
def nadam_u_product_paths(keras):
    model = _model(keras)
    model.compile(keras.optimizers.Nadam(0.1), "categorical_crossentropy")
    model.train_on_batch(X, Y)
    wrapped = _model(keras)
    inner = keras.optimizers.Nadam(0.1, name="inner")
    wrapped.compile(keras.optimizers.LossScaleOptimizer(inner), "categorical_crossentropy")
    wrapped.train_on_batch(X, Y)
    return {
        "nadam": _state(model.optimizer),
        "loss_scale": [v.path for v in wrapped.optimizer.variables],
        "weights": [w.round(6).tolist() for w in wrapped.get_weights()],
    }


@scenario
def adafactor_placeholder_paths(keras):
    model = _model(keras)
    model.compile(keras.optimizers.Adafactor(0.1), "categorical_crossentropy")
    model.train_on_batch(X, Y)
    return {"state": _state(model.optimizer), "weights": model.get_weights()[1].tolist()}


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

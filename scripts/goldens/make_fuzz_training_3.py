"""Goldens for tests/trainers/test_fuzz_training_3.py: minimal repros of what the third
pass of the training fuzzers (scripts/fuzz/fuzz_model_training.py, scripts/fuzz/
fuzz_training.py, seeds from 300 on, with their data feeds: PyDatasets, generators, dict
and list inputs, validation_steps, predict) and the probes around them found numkeras
doing differently from Keras 3, each a scenario run in both.

- `get_metrics_result()` after `reset_metrics()` (or right after compile): Keras 3's loss
  tracker is a Mean metric that reads 0.0 once reset, and so are the per-output loss
  trackers once a step has built them; numkeras left the loss keys out.
- `compile()` again without metrics and weighted_metrics keeps the earlier compile's
  metrics, as Keras 3 does; numkeras dropped them. The compile config still records the
  arguments as given (None). (Keras 3 keeps the earlier loss too when none is given;
  numkeras deliberately does not: see tests/examples/test_keras_io_guides.py.)
- `fit(generator, class_weight=...)`: Keras 3 refuses class weights beside a Python
  generator (ValueError; a PyDataset's batches take them); numkeras applied them.
- A LossScaleOptimizer lists its `step_counter` and `dynamic_scale` once it is built (as
  Keras 3 creates them then); numkeras listed them from the start.
- An endless generator as fit's `validation_data`: Keras 3 peeks at its first two
  batches when it first validates and yields them again at the start of every
  validation run, then goes on with the generator; numkeras went straight on.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/fuzz_training_3.json):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_fuzz_training_3.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_training_3.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario

RNG = np.random.default_rng(3)
X = RNG.normal(size=(8, 3)).astype("float32")
Y = RNG.normal(size=(8, 2)).astype("float32")


def _results(model) -> dict:
    return {k: float(v) for k, v in model.get_metrics_result().items()}


@scenario
def metrics_result_after_reset(keras):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="d")])
    model.set_weights([np.full((3, 2), 0.1, "float32"), np.zeros(2, "float32")])
    model.compile(keras.optimizers.SGD(0.1), "mse", metrics=["mae"])
    model.fit(X, Y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    trained = _results(model)
    model.reset_metrics()
    return {"trained": trained, "reset": _results(model)}


@scenario
def metrics_result_of_two_losses(keras):
    x = keras.Input((3,))
    outputs = [keras.layers.Dense(2, name="a")(x), keras.layers.Dense(2, name="b")(x)]
    model = keras.Model(x, outputs)
    model.compile(keras.optimizers.SGD(0.1), ["mse", "mae"])
    fresh = _results(model)  # (the per-output trackers are built by the first step)
    model.evaluate(X, [Y, Y], verbose=0)
    evaluated = list(_results(model))
    model.reset_metrics()
    return {"fresh": fresh, "evaluated": evaluated, "reset": _results(model)}


@scenario
def metrics_result_without_metrics(keras):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="d")])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    return _results(model)


def _recompiled(keras, **kwargs):
    """A model compiled with a loss and metrics, fitted, compiled again with `kwargs`."""
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="d")])
    model.set_weights([np.full((3, 2), 0.1, "float32"), np.zeros(2, "float32")])
    model.compile(keras.optimizers.SGD(0.1), "mae", metrics=["mse"])
    model.fit(X, Y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    model.compile(keras.optimizers.SGD(0.05), **kwargs)
    history = model.fit(X, Y, batch_size=4, epochs=2, shuffle=False, verbose=0).history
    config = model.get_compile_config()
    return {
        "history": history,
        "evaluate": model.evaluate(X, Y, verbose=0, return_dict=True),
        "loss": model.loss,
        "config": {k: config[k] for k in ("loss", "loss_weights", "metrics")},
        "weights": [w.tolist() for w in model.get_weights()],
    }


@scenario
def recompile_without_metrics(keras):
    return _recompiled(keras, loss="mse")


@scenario
def recompile_with_weighted_metrics_only(keras):
    return _recompiled(keras, loss="mse", weighted_metrics=["mae"])


@scenario
def class_weight_beside_a_stream(keras):
    labels = (Y[:, 0] > 0).astype("int64")
    batches = [(X[i : i + 4], labels[i : i + 4]) for i in (0, 4)]

    class Batches(keras.utils.PyDataset):
        def __len__(self):
            return len(batches)

        def __getitem__(self, i):
            return batches[i]

    def fit(data):
        layer = keras.layers.Dense(2, activation="softmax", name="d")
        model = keras.Sequential([keras.Input((3,)), layer])
        model.set_weights([np.full((3, 2), 0.1, "float32"), np.zeros(2, "float32")])
        model.compile(keras.optimizers.SGD(0.1), "sparse_categorical_crossentropy")
        weights = {0: 3.0, 1: 0.5}
        history = model.fit(data, class_weight=weights, epochs=1, shuffle=False, verbose=0)
        return {"history": history.history, "iterations": int(model.optimizer.iterations)}

    return {
        "generator": builtin_error(lambda: fit(b for b in batches)),
        "pydataset": fit(Batches()),
    }


@scenario
def validation_generator_replays_its_first_batches(keras):
    def numbered(scale):  # endless: batch i has targets i * scale
        i = 0
        while True:
            i += 1
            yield np.zeros((1, 3), "float32"), np.full((1, 2), i * scale, "float32")

    out = {}
    for steps in (1, 2, 3):
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="d")])
        model.set_weights([np.zeros((3, 2), "float32"), np.zeros(2, "float32")])
        model.compile(keras.optimizers.SGD(0.0), "mse")  # (predictions stay 0)
        history = model.fit(numbered(1.0), steps_per_epoch=2, epochs=3, verbose=0,
                            validation_data=numbered(10.0), validation_steps=steps)  # fmt: skip
        out[steps] = history.history
    return out


@scenario
def loss_scale_optimizer_variables_before_build(keras):
    optimizer = keras.optimizers.LossScaleOptimizer(keras.optimizers.Adadelta())
    fresh = [v.path for v in optimizer.variables]
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="d")])
    model.compile(optimizer, "mse")
    compiled = [v.path for v in optimizer.variables]
    model.test_on_batch(X, Y)  # (builds it)
    return {"fresh": fresh, "compiled": compiled, "built": [v.path for v in optimizer.variables]}


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

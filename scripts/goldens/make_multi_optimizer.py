"""Goldens for tests/optimizers/test_multi_optimizer.py: Keras 3's `MultiOptimizer` and
`OptimizerMap` (variables routed by path pattern or by a function, each sub-optimizer's
own state and `iterations`, the variables' order and paths, the config, `.keras` files
both ways, the learning-rate callbacks' per-optimizer logs, and the errors).

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Also writes a Keras-made file,
tests/goldens/saving/keras_multi_optimizer.keras, which the test loads and trains on.

Run with Keras 3 and JAX installed (writes tests/goldens/multi_optimizer.json):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_multi_optimizer.py
"""

from __future__ import annotations

import json
import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "multi_optimizer.json"
KERAS_FILE = ROOT / "tests" / "goldens" / "saving" / "keras_multi_optimizer.keras"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


def data():
    x = np.linspace(-1, 1, 24).reshape(8, 3).astype("float32")
    y = np.linspace(0, 1, 8).reshape(8, 1).astype("float32")
    return x, y


def model_of(keras):
    """enc (3 -> 4) -> dec (4 -> 1), with fixed weights."""
    inp = keras.Input((3,))
    out = keras.layers.Dense(1, name="dec")(keras.layers.Dense(4, name="enc")(inp))
    model = keras.Model(inp, out)
    model.set_weights(
        [np.linspace(-1, 1, w.size).reshape(w.shape).astype("float32") for w in model.get_weights()]
    )
    return model


def _state(opt) -> dict:
    return {
        "variables": [[v.path, list(v.shape)] for v in opt.variables],
        "iterations": [int(np.asarray(opt.iterations))]
        + [int(np.asarray(o.iterations)) for o in opt.optimizers],
        "optimizers": [o.name for o in opt.optimizers],
    }


@scenario
def map_by_pattern(keras):
    """Adam for `enc/.*`, SGD for the rest; trained, saved, loaded, trained on."""
    optimizers = keras.optimizers
    model = model_of(keras)
    omap = optimizers.OptimizerMap(default_optimizer=optimizers.SGD(0.1))
    omap["enc/.*"] = optimizers.Adam(0.01)
    opt = optimizers.MultiOptimizer(omap)
    model.compile(optimizer=opt, loss="mse")
    x, y = data()
    history = model.fit(x, y, epochs=2, batch_size=4, verbose=0, shuffle=False)
    out = {"loss": history.history["loss"], **_state(opt)}
    out["weights"] = [w.ravel().tolist() for w in model.get_weights()]
    out["config"] = json.loads(json.dumps(keras.saving.serialize_keras_object(opt)))
    out["learning_rate"] = builtin_error(lambda: opt.learning_rate)
    if keras.__name__ == "keras":
        model.save(KERAS_FILE)
    out["continued"] = float(model.train_on_batch(x, y))
    return out


@scenario
def function_selector(keras):
    """A function picks each variable's optimizer: the sub-optimizers are those it
    returned, in the order of the variables."""
    optimizers = keras.optimizers
    adam, sgd = optimizers.Adam(0.02, name="head_adam"), optimizers.SGD(0.05, momentum=0.9)

    def select(variable):
        return adam if variable.path.startswith("dec") else sgd

    model = model_of(keras)
    opt = optimizers.MultiOptimizer(select)
    model.compile(optimizer=opt, loss="mae")
    x, y = data()
    history = model.fit(x, y, epochs=3, batch_size=8, verbose=0)
    out = {"loss": history.history["loss"], **_state(opt)}
    out["weights"] = [w.ravel().tolist() for w in model.get_weights()]
    return out


@scenario
def callbacks_log_each_optimizer(keras):
    """LearningRateScheduler and ReduceLROnPlateau set and log each sub-optimizer's rate."""
    optimizers = keras.optimizers
    model = model_of(keras)
    opt = optimizers.MultiOptimizer(
        optimizers.OptimizerMap(optimizers.SGD(0.1), {"dec/.*": optimizers.RMSprop(0.01)})
    )
    model.compile(optimizer=opt, loss="mse")
    x, y = data()
    callbacks = [
        keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5),
        keras.callbacks.ReduceLROnPlateau(monitor="loss", patience=0, factor=0.5, min_delta=10),
    ]
    history = model.fit(x, y, epochs=3, batch_size=4, verbose=0, callbacks=callbacks, shuffle=False)
    return {key: [float(v) for v in values] for key, values in sorted(history.history.items())} | {
        "final": [float(np.asarray(o.learning_rate)) for o in opt.optimizers]
    }


@scenario
def loss_scale_factor(keras):
    """`loss_scale_factor` passes to every sub-optimizer: the updates are unchanged."""
    optimizers = keras.optimizers
    model = model_of(keras)
    opt = optimizers.MultiOptimizer(
        optimizers.OptimizerMap(optimizers.SGD(0.1), {"enc/.*": optimizers.Adam(0.01)}),
        loss_scale_factor=64.0,
    )
    model.compile(optimizer=opt, loss="mse")
    x, y = data()
    losses = [float(model.train_on_batch(x, y)) for _ in range(3)]
    return {
        "losses": losses,
        "factors": [o.loss_scale_factor for o in opt.optimizers],
        "weights": [w.ravel().tolist() for w in model.get_weights()],
    }


@scenario
def errors(keras):
    optimizers = keras.optimizers
    omap = optimizers.OptimizerMap(optimizers.SGD())
    omap["a"] = optimizers.Adam()

    def duplicate():
        omap["a"] = optimizers.Adam()

    def loss_scale_inside():
        omap["b"] = optimizers.LossScaleOptimizer(optimizers.Adam())

    def two_patterns():
        model = model_of(keras)
        amb = optimizers.OptimizerMap(
            optimizers.SGD(), {"enc/.*": optimizers.Adam(), ".*/kernel": optimizers.RMSprop()}
        )
        model.compile(optimizer=optimizers.MultiOptimizer(amb), loss="mse")
        model.train_on_batch(*data())

    return {
        "default_not_optimizer": builtin_error(lambda: optimizers.OptimizerMap("sgd")),
        "map_not_dict": builtin_error(lambda: optimizers.OptimizerMap(optimizers.SGD(), [1])),
        "duplicate_key": builtin_error(duplicate),
        "value_not_optimizer": builtin_error(lambda: omap.__setitem__("c", "adam")),
        "loss_scale_inside": builtin_error(loss_scale_inside),
        "two_patterns_match": builtin_error(two_patterns),
    }


def main():
    SCENARIOS.write(OUT)
    print(f"and {KERAS_FILE}")


if __name__ == "__main__":
    main()

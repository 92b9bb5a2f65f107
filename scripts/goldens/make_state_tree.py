"""Goldens for tests/models/test_state_tree.py: Keras 3's `get_state_tree` /
`set_state_tree`, `metrics_variables` and `build_from_config` on models (a Sequential with
BatchNormalization, a two-output functional model with a loss per output, a Sequential
without an Input built from its build config).

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values.

Run with Keras 3 and JAX installed (writes tests/goldens/state_tree.json):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_state_tree.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "state_tree.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


def _set(model):
    model.set_weights(
        [np.linspace(-1, 1, w.size).reshape(w.shape).astype("float32") + 1.5 * (w.ndim == 1)
         for w in model.get_weights()]
    )  # fmt: skip


def _leaves(tree, prefix=""):
    """{path: value as a list} of a state tree."""
    out = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            out.update(_leaves(value, f"{prefix}{key}/"))
        else:
            out[f"{prefix}{key}"] = np.asarray(value, "float64").round(6).tolist()
    return out


def _named(keras):
    layers = keras.layers
    return keras.Sequential(
        [keras.Input((3,)), layers.BatchNormalization(name="bn"), layers.Dense(2, name="out")],
        name="net",
    )


@scenario
def sequential_after_fit(keras):
    model = _named(keras)
    _set(model)
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    x = np.linspace(-1, 1, 24).reshape(8, 3).astype("float32")
    y = np.linspace(0, 2, 16).reshape(8, 2).astype("float32")
    model.fit(x, y, batch_size=4, epochs=2, verbose=0, shuffle=False)
    tree = model.get_state_tree(value_format="numpy_array")
    out = {
        "groups": sorted(tree),
        "leaves": _leaves(tree),
        "metrics_variables": [v.path for v in model.metrics_variables],
    }
    # put the state of a fresh model in place: the same predictions and next step
    fresh = _named(keras)  # (the same paths: its state takes the tree's values)
    fresh.compile(optimizer="adam", loss="mse", metrics=["mae"])
    fresh.fit(x, y, batch_size=4, epochs=1, verbose=0)
    fresh.set_state_tree(tree)
    out["same_prediction"] = bool(
        np.allclose(fresh.predict(x, verbose=0), model.predict(x, verbose=0))
    )
    out["next_step"] = [
        float(m.train_on_batch(x, y, return_dict=True)["loss"]) for m in (fresh, model)
    ]
    return out


@scenario
def two_outputs(keras):
    inp = keras.Input((3,))
    a = keras.layers.Dense(1, name="a")(inp)
    b = keras.layers.Dense(2, name="b")(inp)
    model = keras.Model(inp, {"a": a, "b": b})
    _set(model)
    model.compile(optimizer="sgd", loss={"a": "mse", "b": "mae"}, metrics={"a": ["mse"]})
    x = np.linspace(-1, 1, 12).reshape(4, 3).astype("float32")
    ys = {"a": np.ones((4, 1), "float32"), "b": np.zeros((4, 2), "float32")}
    model.fit(x, ys, verbose=0, shuffle=False)
    tree = model.get_state_tree(value_format="numpy_array")
    return {
        "metrics_variables": [v.path for v in model.metrics_variables],
        "leaves": _leaves(tree["metrics_variables"]),
    }


@scenario
def build_from_config(keras):
    model = keras.Sequential([keras.layers.Dense(2, name="d")])
    model.build((None, 3))
    config = model.get_build_config()
    again = keras.Sequential([keras.layers.Dense(2, name="d")])
    again.build_from_config(config)
    return {
        "config": config,
        "built": again.built,
        "shapes": [list(w.shape) for w in again.weights],
    }


def main():
    SCENARIOS.write(OUT)


if __name__ == "__main__":
    main()

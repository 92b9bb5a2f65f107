"""Goldens for tests/backend/test_scopes.py: `keras.name_scope` and `keras.device` as Keras 3
gives them (variable paths inside scopes: standalone, a layer's weights, a Sequential's, an
optimizer's slots; nesting, `override_parent`; device names and the errors of the others).

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values.

Run with Keras 3 and JAX installed (CPU only; writes tests/goldens/scopes.json):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_scopes.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "scopes.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


@scenario
def weight_paths(keras):
    with keras.name_scope("outer"):
        v = keras.Variable(np.ones(2), name="v")
        dense = keras.layers.Dense(2)
        dense.build((None, 3))
        seq = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="dd")])
        inp = keras.Input((3,))
        functional = keras.Model(inp, keras.layers.Dense(2, name="fd")(inp))
        late = keras.Sequential([keras.layers.Dense(2, name="late")])
    late.build((None, 3))  # (built outside the scope: its weights are not in it)
    weights = dense.weights + seq.weights + functional.weights + late.weights
    return [v.path, v.name] + [w.path for w in weights]


@scenario
def nesting(keras):
    out = {}
    with keras.name_scope("a"):
        with keras.name_scope("b"):
            out["nested"] = keras.Variable(1.0, name="w").path
        with keras.name_scope("c", override_parent="x/y"):
            out["override"] = keras.Variable(1.0, name="w").path
        out["after"] = keras.Variable(1.0, name="w").path
    out["outside"] = keras.Variable(1.0, name="w").path
    out["bad_names"] = [builtin_error(lambda n=n: keras.name_scope(n)) for n in ("a/b", 3)]
    return out


@scenario
def optimizer_slots(keras):
    with keras.name_scope("enc"):
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="k")])
        model.compile(optimizer="adam", loss="mse")
        model.fit(np.ones((4, 3)), np.ones((4, 2)), verbose=0)
    return [v.path for v in model.optimizer.variables]


@scenario
def devices(keras):
    def run(name):
        with keras.device(name):
            keras.ops.ones((2,))

    names = ("cpu", "cpu:0", "CPU:0", "gpu:0")
    return {name: builtin_error(lambda n=name: run(n)) for name in names}


def main():
    SCENARIOS.write(OUT)


if __name__ == "__main__":
    main()

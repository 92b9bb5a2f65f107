"""Goldens for tests/layers/test_positional_calls.py: a user layer whose `call` takes
several tensors positionally (`call(self, a, b)`, called `layer(h, b)`), as Keras 3 runs
it: eagerly, in a functional model (built with `build(a_shape, b_shape)`), trained, and
saved (the node writes each tensor as an argument; the build config is a shapes dict).

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Also writes a Keras-made file the test loads.

Run with Keras 3 and JAX installed (writes tests/goldens/positional_calls.json):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_positional_calls.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "positional_calls.json"
KERAS_FILE = ROOT / "tests" / "goldens" / "saving" / "keras_positional_call.keras"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario
X = [
    np.linspace(0, 1, 12).reshape(4, 3).astype("float32"),
    np.linspace(-1, 0, 12).reshape(4, 3).astype("float32"),
]


def gate_class(keras):
    @keras.saving.register_keras_serializable(package="goldens")
    class Gate(keras.layers.Layer):
        """`a * w + tanh(b)`, built from both shapes."""

        def build(self, a_shape, b_shape=None):
            self.w = self.add_weight(shape=(a_shape[-1],), initializer="ones")

        def call(self, a, b):
            return a * self.w + keras.ops.tanh(b)

    return Gate


def gate_model(keras):
    a_in, b_in = keras.Input((3,), name="a"), keras.Input((3,), name="b")
    out = gate_class(keras)(name="gate")(keras.layers.Dense(3, name="d")(a_in), b_in)
    model = keras.Model([a_in, b_in], keras.layers.Dense(1, name="o")(out))
    model.set_weights(
        [np.linspace(-1, 1, w.size).reshape(w.shape).astype("float32") for w in model.get_weights()]
    )
    return model


@scenario
def eager_call(keras):
    layer = gate_class(keras)()
    return np.asarray(layer(X[0], X[1]), "float64").round(6).tolist()


@scenario
def functional_trained_and_saved(keras):
    model = gate_model(keras)
    out = {"prediction": model.predict(X, verbose=0).ravel().tolist()}
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    y = np.ones((4, 1), "float32")
    out["losses"] = [float(model.train_on_batch(X, y)) for _ in range(3)]
    config = [la for la in model.get_config()["layers"] if la["name"] == "gate"][0]
    out["gate_args"] = len(config["inbound_nodes"][0]["args"])
    out["build_config"] = config["build_config"]
    if keras.__name__ == "keras":
        model.save(KERAS_FILE)
    out["trained_prediction"] = model.predict(X, verbose=0).ravel().tolist()
    return out


def main():
    SCENARIOS.write(OUT)
    print(f"and {KERAS_FILE}")


if __name__ == "__main__":
    main()

"""Goldens for tests/layers/test_build_configs.py: what `get_build_config()` returns, as
Keras 3 writes it into a `.keras` file's `build_config`: each layer built by a call
records the shape it was built for (layers built at init, such as Dropout or
Activation, record none); a Sequential model the shape of its stack; a functional model
`{"input_shape": None}` (Keras builds it with `build(None)`). Also a Variable's Python
conversions (`float`, `int`; `bool` is refused).

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/build_configs.json):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_build_configs.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "build_configs.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario

LAYERS = {
    "Lambda": lambda L: L.Lambda(lambda x: x * 2),
    "Flatten": lambda L: L.Flatten(),
    "Permute": lambda L: L.Permute((1,)),
    "RepeatVector": lambda L: L.RepeatVector(2),
    "PReLU": lambda L: L.PReLU(),
    "Dropout": lambda L: L.Dropout(0.1),
    "Activation": lambda L: L.Activation("relu"),
    "LeakyReLU": lambda L: L.LeakyReLU(),
    "Dense": lambda L: L.Dense(2),
    "Reshape": lambda L: L.Reshape((3,)),
    "Rescaling": lambda L: L.Rescaling(2.0),
    "Masking": lambda L: L.Masking(),
    "UnitNormalization": lambda L: L.UnitNormalization(),
    "CategoryEncoding": lambda L: L.CategoryEncoding(4),
    "Discretization": lambda L: L.Discretization([0.5]),
    "LayerNormalization": lambda L: L.LayerNormalization(),
    "Embedding": lambda L: L.Embedding(5, 2),
}


@scenario
def layers_in_a_sequential_model(keras):
    out = {}
    for name, make in LAYERS.items():
        model = keras.Sequential([keras.Input((3,)), make(keras.layers)])
        out[name] = model.get_config()["layers"][1].get("build_config")
    return out


@scenario
def models(keras):
    L = keras.layers
    a, b = keras.Input((16,)), keras.Input((32,))
    two = keras.Model([a, b], L.Concatenate()([a, b]))
    i = keras.Input((4,))
    one = keras.Model(i, L.Dense(2)(i))
    declared = keras.Sequential([keras.Input((4,)), L.Dense(2)])
    built = keras.Sequential([L.Dense(2)])
    built.build((None, 4))
    dense = L.Dense(3)
    dense.build([None, 4])  # (a list shape stays a list)
    return {
        "functional_two_inputs": two.get_build_config(),
        "functional": one.get_build_config(),
        "sequential_with_input": declared.get_build_config(),
        "sequential_built": built.get_build_config(),
        "dense_built_on_a_list": dense.get_build_config(),
        "dense_built_on_a_list_is_list": isinstance(dense.get_build_config()["input_shape"], list),
        "sequential_shape_is_tuple": isinstance(declared.get_build_config()["input_shape"], tuple),
    }


@scenario
def variable_conversions(keras):
    scalar, vector = keras.Variable(3.0), keras.Variable(np.array([3.0], "float32"))
    return {
        "float": float(scalar),
        "int": int(scalar),
        "bool": builtin_error(lambda: bool(scalar)),
        "float_of_a_vector": builtin_error(lambda: float(vector)),
    }


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

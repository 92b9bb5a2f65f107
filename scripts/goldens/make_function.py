"""Goldens for tests/ops/test_function.py: Keras 3's `keras.Function`, a graph of
operations from bare symbolic inputs (`KerasTensor(shape)`) to outputs, applied to new
inputs, in their structures. (numkeras's functional `Model` takes such inputs too; Keras's
crashes on them with an AttributeError, so that is not compared.)

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/function.json):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_function.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "function.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario

A = np.linspace(-1, 1, 24).reshape(4, 2, 3).astype("float32")
B = np.linspace(2, -2, 24).reshape(4, 2, 3).astype("float32")


def _values(structure):
    if isinstance(structure, dict):
        return {k: _values(v) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return [_values(v) for v in structure]
    return np.asarray(structure).round(5).tolist()


@scenario
def function_on_arrays_and_specs(keras):
    a = keras.KerasTensor(shape=(None, 2, 3))
    b = keras.KerasTensor(shape=(None, 2, 3))
    x = a + b
    fn = keras.Function(inputs=[a, b], outputs={"s": keras.ops.sigmoid(x), "x": [x * 2.0]})
    spec = fn([keras.KerasTensor((None, 2, 3)), keras.KerasTensor((None, 2, 3))])
    return {
        "values": _values(fn([A, B])),
        "dtype": str(np.asarray(fn([A, B])["s"]).dtype),
        "spec": [list(spec["s"].shape), spec["s"].dtype],
        "shapes": {k: v if isinstance(v, list) and not isinstance(v[0], int) else list(v)
                   for k, v in fn.compute_output_shape([(5, 2, 3), (5, 2, 3)]).items()},
        "counts": [len(fn.inputs), len(fn.outputs)],
        "operations": [type(op).__name__ for op in fn.operations],
    }  # fmt: skip


@scenario
def function_with_a_layer(keras):
    a = keras.KerasTensor(shape=(None, 3))
    dense = keras.layers.Dense(2, kernel_initializer="ones", bias_initializer="ones")
    fn = keras.Function(a, dense(keras.ops.relu(a)))
    return _values(fn(A[:, 0]))


@scenario
def function_errors(keras):
    a = keras.KerasTensor(shape=(None, 3))
    return {"no_inputs": builtin_error(lambda: keras.Function([], keras.ops.relu(a))),
            "no_outputs": builtin_error(lambda: keras.Function([a], []))}  # fmt: skip


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

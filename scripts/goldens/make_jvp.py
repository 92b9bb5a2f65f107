"""Goldens for tests/autodiff/test_jacobians.py: `keras.ops.jvp` (JAX's forward-mode
Jacobian-vector product) on functions of one and several arrays, dict outputs, nested
primals, `has_aux`, and its argument errors (the built-in exception type), from Keras 3
on JAX. numkeras computes the same product from reverse-mode passes
(numkeras/autodiff/jvp.py).

    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_jvp.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "jvp.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario

_rng = np.random.default_rng(0)
X = _rng.standard_normal((3, 4)).astype("float32")
W = _rng.standard_normal((4, 2)).astype("float32")
TX = _rng.standard_normal((3, 4)).astype("float32")
TW = _rng.standard_normal((4, 2)).astype("float32")


def _lists(tree):
    if isinstance(tree, dict):
        return {k: _lists(v) for k, v in tree.items()}
    if isinstance(tree, (list, tuple)):
        return [_lists(v) for v in tree]
    return np.asarray(tree).tolist()


@scenario
def dense_two_arguments(keras):
    ops = keras.ops
    return _lists(ops.jvp(lambda x, w: ops.tanh(ops.matmul(x, w)), (X, W), (TX, TW)))


@scenario
def scalar_sin(keras):
    return _lists(keras.ops.jvp(keras.ops.sin, (np.float32(0.1),), (np.float32(0.2),)))


@scenario
def dict_outputs(keras):
    ops = keras.ops

    def fun(a):
        return {"s": ops.sum(a * a), "m": ops.mean(ops.exp(a), axis=0)}

    return _lists(ops.jvp(fun, [X], [TX]))


@scenario
def softmax_with_aux(keras):
    ops = keras.ops
    out, tangent, aux = ops.jvp(lambda a: (ops.softmax(a), ops.max(a)), (X,), (TX,), has_aux=True)
    return _lists([out, tangent, aux])


@scenario
def nested_primals(keras):
    ops = keras.ops
    primals = ({"a": X, "b": [X * 2]},)
    tangents = ({"a": TX, "b": [TX]},)
    return _lists(ops.jvp(lambda p: p["a"] * p["b"][0], primals, tangents))


@scenario
def float64_tangent_is_cast(keras):
    return _lists(keras.ops.jvp(keras.ops.exp, (X,), (TX.astype("float64"),))[1])


@scenario
def argument_errors(keras):
    ops = keras.ops
    return {
        "not_a_tuple": builtin_error(lambda: ops.jvp(ops.sin, X, TX)),
        "other_shape": builtin_error(lambda: ops.jvp(ops.sin, (X,), (W,))),
        "fewer_tangents": builtin_error(lambda: ops.jvp(ops.matmul, (X, W), (TX,))),
    }


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

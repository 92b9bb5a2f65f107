"""Goldens for tests/layers/test_stateless_call.py: Keras 3's `stateless_call` (a call with
given values for a layer's or model's variables, its own left unchanged, returning the
non-trainable values the call left and, on request, its losses), `symbolic_call` and
`call_signature_parameters` (not compared for recurrent layers, whose `call` numkeras
spells `(inputs, training, mask)` where Keras's is `(sequences, initial_state, mask,
training)`).

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/stateless_call.json):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_stateless_call.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "stateless_call.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario

X = np.linspace(-1, 1, 15).reshape(5, 3).astype("float32")


def _values(arrays):
    return [np.asarray(a).round(5).tolist() for a in arrays]


def _model(keras):
    inputs = keras.Input((3,))
    h = keras.layers.Dense(4, kernel_initializer="ones",
                           kernel_regularizer=keras.regularizers.L2(0.1))(inputs)  # fmt: skip
    h = keras.layers.BatchNormalization()(h)
    return keras.Model(inputs, keras.layers.Dense(1, kernel_initializer="ones")(h))


@scenario
def training_call_returns_new_statistics(keras):
    model = _model(keras)
    trainable = [np.asarray(v) * 0.5 for v in model.trainable_variables]
    frozen = [np.asarray(v) for v in model.non_trainable_variables]
    out, new = model.stateless_call(trainable, frozen, X, training=True)
    return {"out": _values([out]), "new": _values(new),
            "own_statistics": _values(model.non_trainable_variables),
            "own_kernel": _values(model.trainable_variables[:1])}  # fmt: skip


@scenario
def inference_call_with_losses(keras):
    model = _model(keras)
    trainable = [np.asarray(v) * 0.5 for v in model.trainable_variables]
    frozen = [np.asarray(v) for v in model.non_trainable_variables]
    out, new, losses = model.stateless_call(trainable, frozen, X, return_losses=True)
    return {"out": _values([out]), "losses": [round(float(v), 5) for v in losses],
            "own_out": _values([model(X)])}  # fmt: skip


@scenario
def layer_stateless_call(keras):
    layer = keras.layers.Dense(2, kernel_initializer="ones")
    layer(X)
    out, new = layer.stateless_call([np.zeros((3, 2), "float32"), np.ones(2, "float32")], [], X)
    return {"out": _values([out]), "new": len(new), "own": _values([layer(X)])}


@scenario
def stateless_call_errors(keras):
    model = _model(keras)
    trainable = list(model.trainable_variables)
    frozen = list(model.non_trainable_variables)
    return {
        "short_trainable": builtin_error(lambda: model.stateless_call(trainable[:1], frozen, X)),
        "long_frozen": builtin_error(lambda: model.stateless_call(trainable, frozen + frozen, X)),
        "unbuilt": builtin_error(lambda: keras.layers.Dense(2).stateless_call([], [], X)),
    }


@scenario
def symbolic_call_and_signature(keras):
    dense = keras.layers.Dense(4)
    spec = dense.symbolic_call(keras.KerasTensor((None, 3)))
    norm = keras.layers.BatchNormalization()
    return {
        "spec": [list(spec.shape), spec.dtype],
        "dense": dense.call_signature_parameters,
        "norm": norm.call_signature_parameters,
    }


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

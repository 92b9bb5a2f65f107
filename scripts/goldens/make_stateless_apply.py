"""Goldens for tests/optimizers/test_stateless_apply.py: `optimizer.stateless_apply`
(Keras 3's JAX-style update on values) and an `apply` inside a `StatelessScope` (the
slots it creates or updates are undone on exit), from Keras 3 on JAX.

    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_stateless_apply.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "stateless_apply.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario
GRAD = np.array([0.5, 0.25], "float32")


def _two_steps(keras, optimizer):
    w = keras.Variable(np.array([1.0, -2.0], "float32"))
    optimizer.build([w])
    values = [np.asarray(v.numpy()) for v in optimizer.variables]
    new_w, new_o = optimizer.stateless_apply(values, [GRAD], [np.array([3.0, 4.0], "float32")])
    new_w, new_o = optimizer.stateless_apply(
        [np.asarray(x) for x in new_o], [GRAD], [np.asarray(x) for x in new_w]
    )
    return {
        "weights": [np.asarray(x).tolist() for x in new_w],
        "optimizer": [np.asarray(x).tolist() for x in new_o],
        "variable_unchanged": w.numpy().tolist(),
        "iterations_unchanged": int(np.asarray(optimizer.iterations.numpy())),
    }


@scenario
def sgd_momentum(keras):
    return _two_steps(keras, keras.optimizers.SGD(0.1, momentum=0.9))


@scenario
def adam(keras):
    return _two_steps(keras, keras.optimizers.Adam(0.1))


@scenario
def rmsprop_centered(keras):
    return _two_steps(keras, keras.optimizers.RMSprop(0.1, centered=True))


@scenario
def errors(keras):
    built = keras.optimizers.SGD()
    built.build([keras.Variable(np.zeros(2, "float32"))])
    return {
        "unbuilt": builtin_error(lambda: keras.optimizers.SGD().stateless_apply([], [], [])),
        "wrong_optimizer_count": builtin_error(
            lambda: built.stateless_apply([], [GRAD], [np.zeros(2, "float32")])
        ),
    }


@scenario
def apply_inside_a_scope_is_undone(keras):
    w = keras.Variable(np.ones(2, "float32"))
    optimizer = keras.optimizers.SGD(0.1, momentum=0.5)
    optimizer.build([w])
    with keras.StatelessScope() as scope:
        optimizer.apply([np.ones(2, "float32")], [w])
        inside = np.asarray(scope.get_current_value(w)).tolist()
    return {
        "inside": inside,
        "after": [np.asarray(v.numpy()).tolist() for v in optimizer.variables],
        "weight_after": w.numpy().tolist(),
    }


@scenario
def stateless_compute_loss(keras):
    L = keras.layers
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            L.Input((3,)),
            L.Dense(2, kernel_regularizer=keras.regularizers.L2(0.1)),
            L.BatchNormalization(),
            L.Dense(1),
        ]
    )
    model.compile("sgd", "mse", metrics=["mae"])
    x = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]], "float32")
    y = np.array([[1.0], [0.0]], "float32")
    trainable = [np.full(v.shape, 0.5, "float32") for v in model.trainable_variables]
    non_trainable = [np.asarray(v.numpy()) for v in model.non_trainable_variables]
    metrics = [np.asarray(v.numpy()) for v in model.metrics_variables]
    before = [np.asarray(v.numpy()).tolist() for v in model.variables]
    y_pred = np.array([[0.5], [2.0]], "float32")  # (Keras's compute_loss needs y_pred)
    loss, (t, nt, mv) = model.stateless_compute_loss(
        trainable, non_trainable, metrics, x=x, y=y, y_pred=y_pred, training=True
    )
    return {
        "loss": float(loss),
        "trainable_passed_through": all(np.array_equal(a, b) for a, b in zip(t, trainable)),
        "non_trainable": [np.asarray(v).tolist() for v in nt],
        "metrics_variables": [np.asarray(v).tolist() for v in mv],
        "variables_unchanged": [np.asarray(v.numpy()).tolist() for v in model.variables] == before,
    }


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

"""Golden values for weight constraints, activity regularizers and the penalties of
BatchNormalization / PReLU weights, from real Keras 3 (JAX backend).

Run from the repo root:
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_constraints_activity.py

Writes tests/goldens/constraints_activity.json: each constraint applied to fixed arrays,
and, for small models using them, the initial weights, the logs of `fit` (SGD and Adam),
`evaluate` and `train_on_batch`, and the weights after training. Read by
tests/test_constraints.py.
"""

from __future__ import annotations

import json
import os
import pathlib

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import constraints, layers, regularizers  # noqa: E402

GOLDENS = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens"
OUT = GOLDENS / "constraints_activity.json"
RNG = np.random.default_rng(11)


def tolist(a):
    return np.asarray(a, "float64").tolist()


def rounded(shape, lo=-1.0, hi=1.0):
    return np.round(RNG.uniform(lo, hi, size=shape), 3).astype("float32")


def constraint_cases() -> list:
    w = rounded((4, 3), -2, 2)
    w3 = rounded((2, 3, 2), -2, 2)
    specs = [
        ("MaxNorm", {"max_value": 1.5, "axis": 0}, w),
        ("MaxNorm", {"max_value": 2, "axis": 1}, w),
        ("MaxNorm", {"max_value": 1.0, "axis": [0, 1]}, w3),
        ("MinMaxNorm", {"min_value": 0.5, "max_value": 1.2, "rate": 1.0, "axis": 0}, w),
        ("MinMaxNorm", {"min_value": 2.0, "max_value": 3.0, "rate": 0.3, "axis": 1}, w),
        ("NonNeg", {}, w),
        ("UnitNorm", {"axis": 0}, w),
        ("UnitNorm", {"axis": -1}, w3),
    ]
    cases = []
    for name, config, x in specs:
        c = getattr(constraints, name)(**config)
        cases.append(
            {
                "class_name": name,
                "config": config,
                "x": tolist(x),
                "y": tolist(keras.ops.convert_to_numpy(c(keras.ops.convert_to_tensor(x)))),
                "keras_config": c.get_config(),
            }
        )
    return cases


def model_a():
    """Dense layers with constraints and activity regularizers."""
    return keras.Sequential(
        [
            keras.Input((5,)),
            layers.Dense(
                6,
                activation="relu",
                activity_regularizer=regularizers.L1(0.05),
                kernel_constraint=constraints.MaxNorm(0.8),
            ),
            layers.Dense(
                4,
                activation="tanh",
                activity_regularizer=regularizers.L2(0.1),
                bias_constraint=constraints.NonNeg(),
                kernel_constraint=constraints.MinMaxNorm(0.2, 0.6, rate=0.5),
            ),
            layers.Dense(1, kernel_constraint=constraints.UnitNorm(), activity_regularizer="l1l2"),
        ]
    )


def model_b():
    """BatchNormalization and PReLU with penalties and constraints; a linear Dense with an
    activity regularizer (its bias is part of what the penalty sees)."""
    return keras.Sequential(
        [
            keras.Input((5,)),
            layers.Dense(6, activity_regularizer=regularizers.L2(0.2)),
            layers.BatchNormalization(
                gamma_constraint=constraints.NonNeg(),
                beta_regularizer=regularizers.L2(0.3),
                gamma_regularizer=regularizers.L1(0.1),
                beta_constraint=constraints.MaxNorm(0.05),
            ),
            layers.PReLU(
                alpha_initializer=keras.initializers.Constant(0.25),
                alpha_regularizer=regularizers.L2(0.5),
                alpha_constraint=constraints.NonNeg(),
            ),
            layers.Dense(3, activation="softmax"),
        ]
    )


def model_c():
    """A functional model with an activity regularizer inside a nested Sequential."""
    inner = keras.Sequential(
        [keras.Input((5,)), layers.Dense(4, activation="sigmoid", activity_regularizer="l2")],
        name="inner",
    )
    x = keras.Input((5,))
    h = inner(x)
    out = layers.Dense(2, activity_regularizer=regularizers.L1(0.02))(h)
    return keras.Model(x, out)


def training_case(name, build, loss, y, optimizer):
    keras.utils.set_random_seed(3)
    model = build()
    weights = [rounded(w.shape, -0.9, 0.9) for w in model.get_weights()]
    for i, w in enumerate(model.weights):  # moving statistics start as Keras's
        if "moving_variance" in w.path:
            weights[i] = np.abs(weights[i]) + 0.5
    model.set_weights(weights)
    x = rounded((8, 5), -2, 2)
    model.compile(optimizer=optimizer, loss=loss)
    before = model.evaluate(x, y, batch_size=8, verbose=0)
    history = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0).history
    tob = model.train_on_batch(x[:4], y[:4])
    after = model.evaluate(x, y, batch_size=3, verbose=0)
    return {
        "name": name,
        "optimizer": optimizer.get_config()["name"],
        "loss": loss,
        "weights": [tolist(w) for w in weights],
        "x": tolist(x),
        "y": tolist(y),
        "evaluate_before": float(before),
        "fit_loss": [float(v) for v in history["loss"]],
        "train_on_batch": float(tob),
        "evaluate_after": float(after),
        "weights_after": [tolist(w) for w in model.get_weights()],
        "config": [layer.get_config() for layer in model.layers],
    }


def main() -> None:
    y_reg = rounded((8, 1), -1, 1)
    y_cls = np.array([0, 2, 1, 1, 0, 2, 2, 1])
    y2 = rounded((8, 2), -1, 1)
    models = [
        training_case("a_sgd", model_a, "mse", y_reg, keras.optimizers.SGD(0.1)),
        training_case("a_adam", model_a, "mse", y_reg, keras.optimizers.Adam(0.05)),
        training_case(
            "b_sgd", model_b, "sparse_categorical_crossentropy", y_cls, keras.optimizers.SGD(0.2)
        ),
        training_case("c_sgd", model_c, "mse", y2, keras.optimizers.SGD(0.3)),
    ]
    out = {"keras_version": keras.__version__, "constraints": constraint_cases(), "models": models}
    OUT.write_text(json.dumps(out) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()

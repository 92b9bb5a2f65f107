"""Goldens for tests/trainers/test_fuzz_training_7.py: what the seventh pass of the training
fuzzers (scripts/fuzz/fuzz_training.py seeds 549-562, with `draw_seventh` from 552 on;
scripts/fuzz/fuzz_model_training.py) found.

- `loss_weights` beside a loss left out for one output (a dict of losses without its key,
  or None in a list): Keras 3 pairs the weights with the losses as given, so it wants as
  many (ValueError at the first step otherwise) and a list of weights beside a dict of
  fewer losses weighs those; numkeras took a weight for an output without a loss, and
  refused a list as long as the dict of losses. (A number beside several losses: Keras 3
  means to refuse it but crashes formatting its message, TypeError; numkeras weighs each
  loss by it, tests/trainers/test_fuzz_training_7.py.)
- Setting the rate of an optimizer made with a rate function: Keras 3 raises AttributeError
  (the function has no `assign`); numkeras raised TypeError (now both).

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/fuzz_training_7.json):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_fuzz_training_7.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_training_7.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario

X = np.linspace(-1, 1, 24, dtype="float32").reshape(6, 4)
Y = {
    "a": np.linspace(0, 1, 6, dtype="float32").reshape(6, 1),
    "b": np.linspace(1, 0, 12, dtype="float32").reshape(6, 2),
}
# (losses, loss_weights): each output's loss left out or None, weights as a list or a dict
LOSSES = {
    "dict_without_a": {"b": "mse"},
    "dict_a_none": {"a": None, "b": "mae"},
    "list_a_none": [None, "mse"],
    "dict_both": {"a": "mae", "b": "mse"},
}
WEIGHTS = {
    "dict_ab": {"a": 0.5, "b": 2.0},
    "list_ab": [0.5, 2.0],
    "dict_b": {"b": 3.0},
    "list_one": [3.0],
}


def _model(keras, outputs: str):
    keras.utils.clear_session()
    x = keras.Input((4,), name="x")
    a = keras.layers.Dense(1, name="a")(x)
    b = keras.layers.Dense(2, name="b")(x)
    model = keras.Model(x, {"a": a, "b": b} if outputs == "dict" else [a, b])
    model.set_weights([np.full(w.shape, 0.1, "float32") for w in model.get_weights()])
    return model


def _evaluate(keras, outputs: str, loss, loss_weights):
    """evaluate's logs (the weighted loss, each output's), or the built-in class raised."""
    model = _model(keras, outputs)
    out = {}

    def run():
        model.compile("sgd", loss=loss, loss_weights=loss_weights)
        y = Y if outputs == "dict" else [Y["a"], Y["b"]]
        logs = model.evaluate(X, y, verbose=0, return_dict=True)
        out["logs"] = {k: round(float(v), 6) for k, v in sorted(logs.items())}

    error = builtin_error(run)
    return out["logs"] if error == "ok" else error


@scenario
def loss_weights_pair_with_the_losses_given(keras):
    """Every pairing of a loss left out (or None) and weights as a list / dict / number,
    for dict outputs (and list outputs where the losses are a list)."""
    out = {}
    for lname, loss in LOSSES.items():
        for wname, weights in WEIGHTS.items():
            out[f"dict/{lname}/{wname}"] = _evaluate(keras, "dict", loss, weights)
            if isinstance(loss, list):
                out[f"list/{lname}/{wname}"] = _evaluate(keras, "list", loss, weights)
    return out


@scenario
def a_number_weighs_one_loss(keras):
    """loss_weights as a number beside a dict of one loss. (Beside two losses Keras 3 means
    to refuse it, but crashes formatting its message: TypeError; numkeras weighs each.)"""
    return _evaluate(keras, "dict", LOSSES["dict_without_a"], 0.25)


@scenario
def loss_weights_train_the_weighted_outputs(keras):
    """A list of weights beside a dict of fewer losses: one SGD step's kernels."""
    model = _model(keras, "dict")
    model.compile(keras.optimizers.SGD(0.1), loss={"b": "mse"}, loss_weights=[3.0])
    history = model.fit(X, Y, epochs=2, batch_size=6, verbose=0, shuffle=False)
    return {
        "loss": [round(float(v), 6) for v in history.history["loss"]],
        "kernels": [np.asarray(w).round(6).tolist() for w in model.get_weights()],
    }


@scenario
def a_rate_function_is_read_not_set(keras):
    """An optimizer made with a rate function (no arguments): its rate is the function's
    value; setting it fails (Keras 3: AttributeError, the function has no `assign`)."""
    optimizer = keras.optimizers.Adam(learning_rate=lambda: 0.05)
    out = {"rate": round(float(np.asarray(optimizer.learning_rate)), 6)}

    def set_rate():
        optimizer.learning_rate = 0.2

    out["set"] = builtin_error(set_rate)
    return out


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

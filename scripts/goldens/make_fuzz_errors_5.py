"""Goldens for tests/trainers/test_fuzz_errors_5.py: the everyday mistakes the misuse
fuzzer's seventh menu draws (scripts/fuzz/fuzz_errors.py, seeds 57 on), each a scenario
run in both libraries, recording the built-in class of the error (or "ok"):

- x and y swapped, targets transposed, sample weights of shape (1, n), one sample without
  its batch axis for both x and y, transposed validation inputs, a two-input model's
  inputs in the wrong order (to fit: Keras-JAX's predict checks only their ranks, a known
  difference);
- a generator given targets, sample weights or validation_split;
- inputs of another dtype (float64, float16, int64), which both libraries take.

Seeds 51-62 agreed with Keras 3 (after the fixes of tests/ops/test_fuzz_ops_5.py's pass);
these goldens keep the agreement. A negative `steps` is refused by numkeras's evaluate
with a batch_size too (it was refused only without one): Keras 3 crashes on it for a model
that has not run and reads the whole data for one that has, so that test has no golden.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/fuzz_errors_5.json):
    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \\
        /work/main/scripts/goldens/make_fuzz_errors_5.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, error_classes  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_errors_5.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario

X = np.random.default_rng(5).normal(size=(6, 4)).astype("float32")
Y = np.random.default_rng(6).normal(size=(6, 3)).astype("float32")


def _model(keras):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    model.compile(optimizer="sgd", loss="mse")
    return model


@scenario
def everyday_mistakes(keras):
    model = _model(keras)
    sw = np.linspace(0.5, 1.5, 6).astype("float32")
    cases = {
        "fit_x_y_swapped": lambda: model.fit(Y, X, verbose=0),
        "evaluate_x_y_swapped": lambda: model.evaluate(Y, X, verbose=0),
        "fit_y_transposed": lambda: model.fit(X, Y.T, verbose=0),
        "train_on_batch_y_transposed": lambda: model.train_on_batch(X, Y.T),
        "fit_sample_weight_1_by_n": lambda: model.fit(X, Y, sample_weight=sw[None], verbose=0),
        "train_on_batch_one_sample": lambda: model.train_on_batch(X[0], Y[0]),
        "fit_one_sample": lambda: model.fit(X[0], Y[0], verbose=0),
        "fit_validation_transposed": lambda: model.fit(
            X, Y, validation_data=(X.T, Y), verbose=0
        ),  # fmt: skip
        "predict_float64": lambda: model.predict(X.astype("float64"), verbose=0),
        "predict_float16": lambda: model.predict(X.astype("float16"), verbose=0),
        "fit_int64": lambda: model.fit(X.astype("int64"), Y, verbose=0),
    }
    return {k: error_classes(f) for k, f in cases.items()}


@scenario
def generator_with_array_arguments(keras):
    model = _model(keras)

    def gen():
        for i in range(0, 6, 2):
            yield X[i : i + 2], Y[i : i + 2]

    cases = {
        "fit_generator_and_y": lambda: model.fit(gen(), Y, steps_per_epoch=3, verbose=0),
        "fit_generator_validation_split": lambda: model.fit(
            gen(), validation_split=0.5, verbose=0
        ),  # fmt: skip
        "fit_generator_sample_weight": lambda: model.fit(
            gen(), sample_weight=np.ones(6), verbose=0
        ),  # fmt: skip
        "evaluate_generator_and_y": lambda: model.evaluate(gen(), Y, steps=3, verbose=0),
    }
    return {k: error_classes(f) for k, f in cases.items()}


@scenario
def two_inputs_in_the_wrong_order(keras):
    a, b = keras.Input((4,)), keras.Input((2,))
    out = keras.layers.Dense(3)(keras.layers.Concatenate()([a, b]))
    model = keras.Model([a, b], out)
    model.compile(optimizer="sgd", loss="mse")
    xb = X[:, :2]
    return {
        "fit_swapped": error_classes(lambda: model.fit([xb, X], Y, verbose=0)),
        "predict_right": error_classes(lambda: model.predict([X, xb], verbose=0)),
    }


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

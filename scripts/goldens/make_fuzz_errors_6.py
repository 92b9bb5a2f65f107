"""Goldens for tests/trainers/test_fuzz_errors_6.py: misuses the misuse fuzzer drew in
seeds 101-140 (scripts/fuzz/fuzz_errors.py) whose error classes agreed with Keras 3 but
whose numkeras messages did not explain what was expected or the fix, each a scenario run
in both libraries, recording the built-in class of the error (or "ok"):

- x and y swapped (`fit(y, x)`, `train_on_batch`, `evaluate`, `test_on_batch`), for a
  one-output model and for a two-output one (whose targets arrive as a list of arrays
  where one input goes): numkeras now says that they look swapped;
- `load_model` / `load_weights` of a `.h5` / `.weights.h5` file that is no HDF5 (empty,
  or other bytes): h5py's OSError ("file signature not found") now says what the file
  is and how to write it again;
- `model_from_json` of text that is not JSON: a JSONDecodeError (a ValueError) that now
  says what was expected;
- `get_layer()` given neither a name nor an index: the message said "not both";
- a callback class where an instance goes (`callbacks=History`): Python's "set_model()
  missing 1 required positional argument" now says to pass an instance.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/fuzz_errors_6.json):
    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \\
        /work/main/scripts/goldens/make_fuzz_errors_6.py
"""

from __future__ import annotations

import os
import pathlib
import sys
import tempfile

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, error_classes  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_errors_6.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario

X = np.random.default_rng(7).normal(size=(6, 4)).astype("float32")
Y = np.random.default_rng(8).normal(size=(6, 3)).astype("float32")


def _model(keras):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    model.compile(optimizer="sgd", loss="mse")
    return model


@scenario
def x_and_y_swapped(keras):
    model = _model(keras)
    cases = {
        "fit": lambda: model.fit(Y, X, verbose=0),
        "evaluate": lambda: model.evaluate(Y, X, verbose=0),
        "train_on_batch": lambda: model.train_on_batch(Y, X),
        "test_on_batch": lambda: model.test_on_batch(Y, X),
        "validation_data": lambda: model.fit(X, Y, validation_data=(Y, X), verbose=0),
    }
    return {k: error_classes(f) for k, f in cases.items()}


@scenario
def x_and_y_swapped_two_outputs(keras):
    inp = keras.Input((5, 6))
    a = keras.layers.Dense(2)(inp)
    b = keras.layers.Dense(2)(keras.layers.Dense(3)(inp))
    model = keras.Model(inp, [a, b])
    model.compile(optimizer="sgd", loss="mse")
    x = np.ones((4, 5, 6), "float32")
    y = [np.ones((4, 5, 2), "float32"), np.full((4, 5, 2), 2.0, "float32")]
    cases = {
        "fit": lambda: model.fit(y, x, verbose=0),
        "train_on_batch": lambda: model.train_on_batch(y, x),
    }
    return {k: error_classes(f) for k, f in cases.items()}


@scenario
def files_that_are_not_hdf5(keras):
    model = _model(keras)
    folder = tempfile.mkdtemp()
    empty, other = os.path.join(folder, "w.weights.h5"), os.path.join(folder, "m.h5")
    open(empty, "wb").close()
    with open(other, "w") as f:
        f.write("not a model")
    cases = {
        "load_model_empty_weights_file": lambda: keras.models.load_model(empty),
        "load_model_text_h5": lambda: keras.models.load_model(other),
        "load_weights_empty": lambda: model.load_weights(empty),
        "load_weights_text_h5": lambda: model.load_weights(other),
    }
    return {k: error_classes(f) for k, f in cases.items()}


@scenario
def model_from_json_of_no_json(keras):
    cases = {text or "empty": lambda t=text: keras.models.model_from_json(t)
             for text in ("nope", "", "{bad", "model.json")}  # fmt: skip
    out = {k: error_classes(f) for k, f in cases.items()}
    try:
        keras.models.model_from_json("nope")
    except Exception as e:  # noqa: BLE001 - its class, beyond the built-in ones
        out["is_json_decode_error"] = type(e).__name__ == "JSONDecodeError" or any(
            t.__name__ == "JSONDecodeError" for t in type(e).__mro__
        )
    return out


@scenario
def get_layer_of_neither(keras):
    model = _model(keras)
    cases = {
        "neither": lambda: model.get_layer(),
        "both": lambda: model.get_layer(model.layers[0].name, 0),
    }
    return {k: error_classes(f) for k, f in cases.items()}


@scenario
def callback_classes_where_instances_go(keras):
    model = _model(keras)
    cases = {
        "predict_class": lambda: model.predict(X, verbose=0, callbacks=keras.callbacks.History),
        "fit_class_in_list": lambda: model.fit(
            X, Y, verbose=0, callbacks=[keras.callbacks.EarlyStopping]
        ),  # fmt: skip
    }
    return {k: error_classes(f) for k, f in cases.items()}


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

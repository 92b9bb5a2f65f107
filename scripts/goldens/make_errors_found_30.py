"""Goldens for tests/test_errors_found_30.py: misuses the misuse fuzzer drew in seeds
141-180 (scripts/fuzz/fuzz_errors.py) whose error classes agreed with Keras 3 but whose
numkeras messages did not say what was expected or the fix, or whose refusal came after
a model without an Input was built; each a scenario run in both libraries, recording the
built-in classes of the error (or "ok"):

- `fit(epochs=None)` (or text, or a float; `initial_epoch` too): Python's bare
  "'NoneType' object cannot be interpreted as an integer" from `range()`; numkeras now
  names the argument and the fix (Keras: a TypeError too). 0 or fewer epochs train
  nothing, in both.
- targets or sample weights whose samples lie along their last axis (`y[None]`, `y.T`,
  `sample_weight[None]`): "x has 6 samples but y has 1"; numkeras now says that the
  array looks transposed and how to fix it. (Keras's `*_on_batch` broadcast a (1, n)
  row over n samples; numkeras refuses it: README, not recorded here.)
- `fit(epoch=2)` / `predict(step=1)`: a keyword the method does not take; numkeras now
  offers the close spelling and lists the keywords it takes (as evaluate's error did).
- `add()` / `pop()` of a functional model: Python's bare "'Functional' object has no
  attribute 'add'"; numkeras now says they are Sequential's and how to extend the model.
- `compile(metrics=["nope"])` of a model without an Input, then fit / evaluate /
  `*_on_batch`: the error classes; numkeras now raises the unknown name before it builds
  the model on the data (the test checks that on numkeras alone).
- a PyDataset of text batches to a model without an Input (whose first layer computes
  with numbers): NumPy's TypeError "data type 'string' not understood"; numkeras now
  raises a ValueError too, as Keras ("Invalid dtype: str1024"), that says the layer
  computes with numbers and how to turn the text into them.
- fit's validation arguments of the wrong type or value (`validation_steps="2"`,
  `validation_freq=0` or "1", `validation_batch_size=2.5`): the error classes; numkeras
  now refuses them before it builds a model without an Input (Keras trains an epoch
  first), which the test checks on numkeras alone.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/errors_found_30.json):
    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \\
        /work/main/scripts/goldens/make_errors_found_30.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, error_classes  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "errors_found_30.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario

X = np.random.default_rng(30).normal(size=(6, 4)).astype("float32")
Y1 = np.random.default_rng(31).normal(size=(6, 1)).astype("float32")
Y2 = np.random.default_rng(32).normal(size=(6, 2)).astype("float32")
SW = np.linspace(0.5, 1.5, 6).astype("float32")


def _model(keras, units: int = 1, with_input: bool = True):
    layers = [keras.Input((4,))] if with_input else []
    model = keras.Sequential([*layers, keras.layers.Dense(units)])
    model.compile(optimizer="sgd", loss="mse")
    return model


@scenario
def fit_epochs_of_other_types(keras):
    def fit(**kw):
        return lambda: _model(keras).fit(X, Y1, verbose=0, **kw)

    out = {
        f"{name}={value!r}": error_classes(fit(**{name: value}))
        for name, value in [
            ("epochs", None), ("epochs", "2"), ("epochs", 1.5), ("epochs", 2.0),
            ("initial_epoch", None), ("initial_epoch", "1"), ("initial_epoch", 0.5),
        ]
    }  # fmt: skip
    for epochs in (0, -1, True):  # (no error: 0 or fewer epochs train nothing)
        history = _model(keras).fit(X, Y1, verbose=0, epochs=epochs)
        out[f"epochs={epochs!r} trained"] = len(history.history.get("loss", []))
    return out


@scenario
def transposed_targets_and_weights(keras):
    cases = {
        "fit_y_row": lambda: _model(keras).fit(X, Y1.T, verbose=0),
        "evaluate_y_row": lambda: _model(keras).evaluate(X, Y1.T, verbose=0),
        "fit_y_transposed": lambda: _model(keras, 2).fit(X, Y2.T, verbose=0),
        "train_on_batch_y_transposed": lambda: _model(keras, 2).train_on_batch(X, Y2.T),
        "fit_sample_weight_row": lambda: _model(keras).fit(X, Y1, sample_weight=SW[None],
                                                          verbose=0),
        "evaluate_sample_weight_row": lambda: _model(keras).evaluate(
            X, Y1, sample_weight=SW[None], verbose=0),
        "fit_y_row_no_input": lambda: _model(keras, with_input=False).fit(X, Y1.T, verbose=0),
    }  # fmt: skip
    return {k: error_classes(f) for k, f in cases.items()}


@scenario
def validation_arguments_of_the_wrong_type(keras):
    def fit(**kw):
        model = _model(keras, with_input=False)
        return lambda: model.fit(X, Y1, validation_data=(X, Y1), verbose=0, **kw)

    cases = {
        "validation_steps='2'": fit(validation_steps="2"),
        "validation_freq=0": fit(validation_freq=0),
        "validation_freq='1'": fit(validation_freq="1"),
        "validation_batch_size=2.5": fit(validation_batch_size=2.5),
    }
    return {k: error_classes(f) for k, f in cases.items()}


@scenario
def unknown_keywords(keras):
    model = _model(keras)
    cases = {
        "fit(epoch=2)": lambda: model.fit(X, Y1, epoch=2, verbose=0),
        "fit(nope=1)": lambda: model.fit(X, Y1, nope=1, verbose=0),
        "predict(step=1)": lambda: model.predict(X, step=1, verbose=0),
    }
    return {k: error_classes(f) for k, f in cases.items()}


@scenario
def add_and_pop_of_a_functional_model(keras):
    inp = keras.Input((4,))
    model = keras.Model(inp, keras.layers.Dense(2)(inp))
    return {
        "add": error_classes(lambda: model.add(keras.layers.Dense(1))),
        "pop": error_classes(lambda: model.pop()),
        "hasattr_add": hasattr(model, "add"),
    }


@scenario
def unknown_metric_name_of_a_model_without_an_input(keras):
    out = {}
    for method in ("fit", "evaluate", "train_on_batch", "test_on_batch"):
        model = keras.Sequential([keras.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse", metrics=["nope"])  # (taken: met later)
        kw = {"verbose": 0} if method in ("fit", "evaluate") else {}
        out[method] = error_classes(lambda m=model, f=method, k=kw: getattr(m, f)(X, Y1, **k))
    return out


@scenario
def text_batches_to_a_model_without_an_input(keras):
    texts = X.astype(str)

    class Data(keras.utils.PyDataset):
        def __len__(self):
            return 1

        def __getitem__(self, i):
            return texts[:2], Y1[:2]

    out = {}
    for method in ("fit", "evaluate"):
        model = _model(keras, with_input=False)
        out[method] = error_classes(lambda m=model, f=method: getattr(m, f)(Data(), verbose=0))
    return out


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

"""Goldens for tests/trainers/test_fuzz_errors.py: minimal repros of what the misuse fuzzer
(scripts/fuzz/fuzz_errors.py) found numkeras doing differently from Keras 3, each a
scenario run in both: the built-in class of the error, and what the failed call left
behind (a refused call must change nothing).

- fit / evaluate / train_on_batch / test_on_batch of an uncompiled model without an
  Input: Keras 3 refuses before it builds the model; numkeras built it first.
- a refused fit / evaluate / *_on_batch (targets of the wrong shape or length, a bad
  steps value): Keras 3 leaves the optimizer unbuilt (two variables); numkeras built its
  slots before it checked the data.
- a model without an Input given x and y of different lengths, text targets or weights,
  or a bad `steps` / `batch_size`: Keras 3 refuses before it builds the model; numkeras
  built it first.
- a number as `sample_weight` to train_on_batch / test_on_batch: Keras 3 weighs every row
  by it; numkeras refused it (as fit / evaluate do in both).
- a model called on a batch of 0 rows through Flatten or an LSTM / GRU / SimpleRNN:
  numkeras's reshape failed.
- a built LSTM / GRU / SimpleRNN called on another number of features: Keras (JAX)
  raises TypeError; numkeras raised a ValueError only (now both).
- sample weights that do not line up with per-timestep losses: Keras's *_on_batch raise
  JAX's TypeError; numkeras raised a ValueError only (now both).
- text sample weights ('1.0'): numkeras parsed them as numbers; Keras refuses them.
- a sample_weight dict naming no output: numkeras ignored its weights; Keras refuses it.
- predict(x, y): y lands in batch_size; numkeras's error was NumPy's "truth value of an
  array ... is ambiguous" (as Keras's is); it now says what happened.
- a multi-input model called on inputs of different lengths: Keras raises TypeError;
  numkeras raised a ValueError only (now both).

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/fuzz_errors.json):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_fuzz_errors.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_errors.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario

RNG = np.random.default_rng(3)
X = RNG.normal(size=(6, 4)).astype("float32")
Y = RNG.normal(size=(6, 3)).astype("float32")


def builtin_error(fn, *args, **kwargs) -> str:
    """'ok', or the built-in classes in the MRO of the exception `fn(*args, **kwargs)`
    raised, joined by '|' (the test checks that numkeras's error is an instance of
    Keras's first one)."""
    try:
        fn(*args, **kwargs)
    except Exception as e:  # noqa: BLE001 - the type is the result
        return "|".join(t.__name__ for t in type(e).__mro__[:-3] if t.__module__ == "builtins")
    return "ok"


def _kw(op: str) -> dict:
    return {"verbose": 0} if op in ("fit", "evaluate") else {}


def _optimizer_variables(model):
    try:
        return len(model.optimizer.variables)
    except Exception as e:  # noqa: BLE001 (Keras's half-built optimizer)
        return type(e).__name__


def _deferred(keras, compiled: bool):
    """A Sequential model without an Input: built by its first data."""
    model = keras.Sequential([keras.layers.Dense(5, activation="relu"), keras.layers.Dense(3)])
    if compiled:
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    return model


@scenario
def uncompiled_deferred_model_stays_unbuilt(keras):
    out = {}
    for op in ("fit", "evaluate", "train_on_batch", "test_on_batch"):
        model = _deferred(keras, compiled=False)
        error = builtin_error(getattr(model, op), X, Y, **_kw(op))
        out[op] = [error, bool(model.built)]
        out[op + "_then_predict"] = list(model.predict(X, verbose=0).shape)
    return out


@scenario
def refused_training_leaves_the_optimizer_unbuilt(keras):
    out = {}
    cases = {
        "y_columns": (Y[:, :2], {}),
        "y_rows": (Y[:5], {}),
        "sample_weight_rows": (Y, {"sample_weight": np.ones(5, "float32")}),
    }
    for op in ("fit", "evaluate", "train_on_batch", "test_on_batch"):
        for case, (y, kw) in cases.items():
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
            model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
            error = builtin_error(getattr(model, op), X, y, **kw, **_kw(op))
            out[f"{op}_{case}"] = [error, _optimizer_variables(model)]
    # a valid call after them builds it and trains (iterations 1)
    model.train_on_batch(X, Y)
    out["then_train_on_batch"] = [_optimizer_variables(model), int(model.optimizer.iterations)]
    return out


@scenario
def refused_data_leaves_a_deferred_model_unbuilt(keras):
    out = {}
    calls = {
        "fit_y_rows": lambda m: m.fit(X, Y[:5], verbose=0),
        "evaluate_y_rows": lambda m: m.evaluate(X, Y[:5], verbose=0),
        "fit_sample_weight_rows": lambda m: m.fit(X, Y, sample_weight=np.ones(4), verbose=0),
        "evaluate_y_strings": lambda m: m.evaluate(X, Y.astype(str), verbose=0),
        "fit_sample_weight_strings": lambda m: m.fit(X, Y, sample_weight=np.ones(6).astype(str)),
    }
    for name, call in calls.items():
        model = _deferred(keras, compiled=True)
        out[name] = [builtin_error(call, model), bool(model.built)]
    # (Keras's *_on_batch builds it before they fail; numkeras's does not: the test)
    # Keras crashes here (StopIteration) or reads the value as "not given": only the
    # built state is compared
    for name, call in {
        "predict_steps_negative": lambda m: m.predict(X, steps=-1, verbose=0),
        "fit_batch_size_negative": lambda m: m.fit(X, Y, batch_size=-1, verbose=0),
    }.items():
        model = _deferred(keras, compiled=True)
        builtin_error(call, model)
        out[name] = bool(model.built)
    return out


@scenario
def scalar_sample_weight_in_on_batch_calls(keras):
    # Keras 3 weighs every row of the batch by it (fit / evaluate refuse a number)
    out = {}
    for name, weight in (("float", 2.0), ("numpy", np.float32(0.5)), ("array0d", np.array(3.0))):
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="d")])
        model.set_weights([np.ones((4, 3), "float32"), np.zeros(3, "float32")])
        model.compile(optimizer="sgd", loss="mse", metrics=["mae"], weighted_metrics=["mse"])
        test = model.test_on_batch(X, Y, sample_weight=weight)
        train = model.train_on_batch(X, Y, sample_weight=weight)
        out[name] = {"test": test, "train": train, "bias": model.get_weights()[1].tolist()}
    out["fit"] = builtin_error(lambda: model.fit(X, Y, sample_weight=2.0, verbose=0))
    return out


@scenario
def call_on_an_empty_batch(keras):
    # Flatten of 0 rows: NumPy cannot infer a -1 axis there
    inputs = keras.Input((6,))
    hidden = keras.layers.Flatten()(keras.layers.RepeatVector(2)(inputs))
    model = keras.Model(inputs, keras.layers.Dense(3)(hidden))
    empty = np.zeros((0, 6), "float32")
    out = {
        "call": list(model(empty).shape),
        "flatten": list(keras.layers.Flatten()(np.zeros((0, 2, 3), "float32")).shape),
    }
    # and the recurrent layers (a reshape to -1 in their input projection)
    sequences = keras.Input((3, 4))
    for layer in (keras.layers.LSTM(2), keras.layers.GRU(2), keras.layers.SimpleRNN(2)):
        rnn = keras.Model(sequences, layer(sequences))
        out[type(layer).__name__] = list(rnn.predict_on_batch(np.zeros((0, 3, 4))).shape)
    return out


@scenario
def arrays_passed_by_position(keras):
    # predict(x, y) puts y in batch_size (Keras: NumPy's "truth value ... is ambiguous")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    model.compile(optimizer="sgd", loss="mse")
    weights = np.ones(6, "float32")
    return {
        "predict_x_y": builtin_error(lambda: model.predict(X, Y, verbose=0)),
        "evaluate_x_y_weights": builtin_error(lambda: model.evaluate(X, Y, weights, verbose=0)),
        "fit_x_y_weights": builtin_error(lambda: model.fit(X, Y, weights, verbose=0)),
    }


@scenario
def text_sample_weights(keras):
    # NumPy parses '1.0' into a number; Keras refuses text (JAX: TypeError, its data
    # adapter: ValueError)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    model.compile(optimizer="sgd", loss="mse")
    text = np.ones(6).astype(str)
    return {
        "train_on_batch": builtin_error(model.train_on_batch, X, Y, sample_weight=text),
        "evaluate": builtin_error(model.evaluate, X, Y, sample_weight=text, verbose=0),
        "fit": builtin_error(model.fit, X, Y, sample_weight=text, verbose=0),
        "iterations": int(model.optimizer.iterations),
    }


@scenario
def sample_weight_dict_naming_no_output(keras):
    # numkeras ignored the weights of a key naming no output
    inputs = keras.Input((4,))
    outputs = [keras.layers.Dense(3, name="a")(inputs), keras.layers.Dense(2, name="b")(inputs)]
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="sgd", loss="mse")
    ys, weights = [Y, Y[:, :2]], {"nope": np.ones(6, "float32")}
    return {
        "fit": builtin_error(model.fit, X, ys, sample_weight=weights, verbose=0),
        "train_on_batch": builtin_error(model.train_on_batch, X, ys, sample_weight=weights),
        "iterations": int(model.optimizer.iterations),
    }


@scenario
def sample_weights_against_per_timestep_losses(keras):
    # (5, 5) weights for (5, 3) per-timestep losses: JAX's TypeError in Keras's
    # *_on_batch ("mul got incompatible shapes"); numkeras raised a ValueError only
    model = keras.Sequential([keras.Input((3, 4)), keras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.zeros((5, 3, 4), "float32"), np.zeros((5, 3, 2), "float32")
    weights = np.ones((5, 5), "float32")
    return {
        "train_on_batch": builtin_error(model.train_on_batch, x, y, sample_weight=weights),
        "test_on_batch": builtin_error(model.test_on_batch, x, y, sample_weight=weights),
        "per_timestep_weights": model.test_on_batch(x, y, sample_weight=np.ones((5, 3))),
    }


@scenario
def built_recurrent_layer_on_other_features(keras):
    # Keras's JAX backend fails in dot_general (TypeError); numkeras's ValueError only
    out = {}
    for layer in (keras.layers.LSTM(2), keras.layers.GRU(2), keras.layers.SimpleRNN(2)):
        layer(np.zeros((2, 5, 3), "float32"))
        out[type(layer).__name__] = builtin_error(layer, np.zeros((2, 7, 4), "float32"))
    return out


@scenario
def inputs_of_different_lengths(keras):
    # a direct call or predict_on_batch: Keras's JAX computation fails (TypeError); fit's
    # data check says ValueError; numkeras raised a ValueError only (now both)
    L = keras.layers
    a, b = keras.Input((3,)), keras.Input((2,))
    model = keras.Model([a, b], L.Dense(1)(L.Concatenate()([a, b])))
    x = [np.zeros((4, 3), "float32"), np.zeros((5, 2), "float32")]
    return {
        "call": builtin_error(model, x),
        "predict_on_batch": builtin_error(model.predict_on_batch, x),
    }


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

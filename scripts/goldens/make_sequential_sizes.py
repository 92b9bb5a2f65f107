"""Goldens for tests/models/test_sequential_sizes.py: a `Sequential` model given inputs of
other sizes than the ones it was built on. Keras 3 checks only the rank of a Sequential
model's input (squeezing or adding a last axis of 1); its layers decide the sizes. So an
LSTM stack declared on 10 steps runs on 20, a Dense stack on any middle axis, and a
convolution on any image size, in `predict`, `fit`, `evaluate`, `train_on_batch` and a
direct call, while `compute_output_shape`, a functional model, and a layer that pins the
size (a Dense after Flatten, a channel axis) refuse them.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values: the output's shape and values (weights filled the same way on
both sides), the losses, or the built-in type of the error raised (`builtin_error`).

Run with Keras 3 installed (writes tests/goldens/sequential_sizes.json). The torch backend,
as `model.predict` on a functional model checks its input spec there (JAX's stateless
predict does not):
    KERAS_BACKEND=torch /work/kenv/bin/python scripts/goldens/make_sequential_sizes.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "sequential_sizes.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario_on("torch")


def _x(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


def _fill(model):
    model.set_weights(
        [
            np.linspace(-0.5, 0.7, w.size).reshape(w.shape).astype("float32")
            for w in model.get_weights()
        ]
    )
    return model


def _out(a):
    a = np.asarray(a, dtype="float64")
    return {"shape": list(a.shape), "values": np.round(a, 5).ravel()[:12].tolist()}


def _try(fn):
    """The result of fn() as JSON, or the built-in type of the error it raised."""
    box = {}

    def run():
        box["value"] = fn()

    kind = builtin_error(run)
    return box["value"] if kind == "ok" else {"raises": kind}


def _predict(model, x):
    return _try(lambda: _out(model.predict(x, verbose=0)))


def _call(model, x):
    def run():
        out = model(x)  # (a torch tensor that requires grad: detach it first)
        return _out(out.detach().numpy() if hasattr(out, "detach") else out)

    return _try(run)


def _shape(model, shape):
    return _try(lambda: list(model.compute_output_shape(shape)))


@scenario
def lstm_declared_10_steps(keras):
    L = keras.layers
    model = _fill(keras.Sequential([L.Input((10, 3)), L.LSTM(4), L.Dense(2)]))
    return {
        "predict_10": _predict(model, _x(2, 10, 3)),
        "predict_20": _predict(model, _x(2, 20, 3)),
        "call_20": _call(model, _x(2, 20, 3)),
        "predict_20_channels_5": _predict(model, _x(2, 20, 5)),
        "predict_rank_2": _predict(model, _x(2, 3)),
        "compute_output_shape_20": _shape(model, (None, 20, 3)),
    }


@scenario
def lstm_built_on_first_data(keras):
    # no Input: built for 10 steps by build(), then fit, evaluated and called on others
    L = keras.layers
    model = keras.Sequential([L.LSTM(4, return_sequences=True), L.Dense(2)])
    model.build((None, 10, 3))
    _fill(model)
    model.compile(optimizer="sgd", loss="mse")
    fit = model.fit(_x(4, 20, 3), _x(4, 20, 2, seed=1), batch_size=2, shuffle=False, verbose=0)
    return {
        "fit_20_loss": round(float(fit.history["loss"][0]), 5),
        "evaluate_7": round(float(model.evaluate(_x(4, 7, 3), _x(4, 7, 2, seed=2), verbose=0)), 5),
        "train_on_batch_5": round(float(model.train_on_batch(_x(2, 5, 3), _x(2, 5, 2))), 5),
        "predict_on_batch_9": _out(model.predict_on_batch(_x(2, 9, 3))),
    }


@scenario
def dense_on_a_middle_axis(keras):
    L = keras.layers
    model = _fill(keras.Sequential([L.Input((5, 6)), L.Dense(4), L.Dense(2)]))
    return {
        "predict_7": _predict(model, _x(2, 7, 6)),
        "call_7": _call(model, _x(2, 7, 6)),
        "predict_features_4": _predict(model, _x(2, 5, 4)),
        "predict_rank_4": _predict(model, _x(2, 3, 5, 6)),
    }


@scenario
def seed_generator_shapes(keras):
    # the seed's generator: Dense on the last axis, rank-2 input
    L = keras.layers
    model = _fill(keras.Sequential([L.Input((64,)), L.Dense(8), L.Dense(3)]))
    return {
        "predict_128_64": _predict(model, _x(128, 64)),
        "predict_64_128": _predict(model, _x(64, 128)),
        "predict_64_256_256": _predict(model, _x(4, 8, 8)),
        "predict_256_256_64": _predict(model, _x(4, 3, 64)),
    }


@scenario
def conv_on_other_image_sizes(keras):
    L = keras.layers
    model = _fill(
        keras.Sequential(
            [L.Input((8, 8, 1)), L.Conv2D(2, 3, padding="same"), L.GlobalMaxPooling2D()]
        )
    )
    flat = _fill(keras.Sequential([L.Input((10, 3)), L.Conv1D(4, 3), L.Flatten(), L.Dense(2)]))
    return {
        "predict_12_9": _predict(model, _x(2, 12, 9, 1)),
        "predict_12_9_no_channel_axis": _predict(model, _x(2, 12, 9)),
        "predict_channels_3": _predict(model, _x(2, 8, 8, 3)),
        "flatten_then_dense_16": _predict(flat, _x(2, 16, 3)),
        "flatten_then_dense_10": _predict(flat, _x(2, 10, 3)),
    }


@scenario
def trailing_axis_of_one(keras):
    L = keras.layers
    squeeze = _fill(keras.Sequential([L.Input((5,)), L.Dense(2)]))
    expand = _fill(keras.Sequential([L.Input((5, 1)), L.Dense(2)]))
    return {
        "squeeze_5_1": _predict(squeeze, _x(2, 5, 1)),
        "squeeze_7_1": _predict(squeeze, _x(2, 7, 1)),
        "expand_7": _predict(expand, _x(2, 7)),
        "expand_7_3": _predict(expand, _x(2, 7, 3)),
    }


@scenario
def layers_that_pin_sizes(keras):
    L = keras.layers
    cases = {
        "time_distributed_dense": lambda: L.TimeDistributed(L.Dense(2)),
        "einsum_dense": lambda: L.EinsumDense("abc,cd->abd", (None, 2)),
        "batch_normalization": lambda: L.BatchNormalization(),
        "reshape": lambda: L.Reshape((3, 8)),
        "permute_then_dense": None,
    }
    out = {}
    for name, make in cases.items():
        if make is None:
            model = keras.Sequential([L.Input((6, 4)), L.Permute((2, 1)), L.Dense(3)])
        else:
            model = keras.Sequential([L.Input((6, 4)), make()])
        _fill(model)
        out[name] = {
            "steps_9": _predict(model, _x(2, 9, 4)),
            "features_5": _predict(model, _x(2, 6, 5)),
        }
    return out


@scenario
def functional_and_nested(keras):
    # a functional model keeps its declared sizes (Keras 3's input spec), also inside a
    # Sequential; a Sequential inside a functional graph takes other symbolic sizes
    L = keras.layers
    i = keras.Input((10, 3))
    functional = _fill(keras.Model(i, L.Dense(2)(L.LSTM(4)(i))))
    outer = keras.Sequential([functional, L.Dense(1)])
    inner = keras.Sequential([L.Input((4, 3)), L.Dense(2)])
    j = keras.Input((None, 3))
    wrapped = _fill(keras.Model(j, inner(j)))
    return {
        "functional_call_20": _call(functional, _x(2, 20, 3)),
        "functional_10": _predict(functional, _x(2, 10, 3)),
        "sequential_of_functional_20": _predict(outer, _x(2, 20, 3)),
        "sequential_in_functional_9": _predict(wrapped, _x(2, 9, 3)),
    }


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

"""Goldens for tests/layers/test_fuzz_found_4.py: what the model, saving and interop fuzzers
(scripts/fuzz/fuzz_models.py, fuzz_saving.py, fuzz_interop.py, seeds 500 on and 2000 on,
with their newer draws) found numkeras doing differently from Keras 3.

- The activity regularizer of a layer that a `Bidirectional` or a `SpectralNormalization`
  wraps: Keras calls the wrapped layers through `__call__`, which adds their penalties to
  `model.losses` and to the loss (the backward layer's first); numkeras left them out
  (a `TimeDistributed` calls its layer's `call`: no penalty in either).
- `Discretization(dtype="int64")`, as tf_keras writes it in its files: numkeras refused
  an integer dtype (`ConfigError`), so it could not load such a file.
- A trainable layer before a `Discretization` (or a `CategoryEncoding`): Keras trains the
  model, the layers before it taking no gradient from the bins (zero on JAX, so AdamW's
  decay still moves them); numkeras refused to fit (NotImplementedError).

Each scenario takes the Keras-like module. Run with Keras 3 and JAX installed (writes
tests/goldens/fuzz_found_4.json):
    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \\
        /work/main/scripts/goldens/make_fuzz_found_4.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_found_4.json"

SCENARIOS = Scenarios()


def _rounded(values) -> list:
    return [np.asarray(v, "float64").round(6).tolist() for v in values]


def _fixed_weights(model, seed: int = 0) -> None:
    """Weights drawn by shape, the same in both libraries."""
    rng = np.random.default_rng(seed)
    model.set_weights(
        [(0.5 * rng.normal(size=w.shape)).astype(w.dtype) for w in model.get_weights()]
    )


WRAPPED = {  # (input shape, the layer)
    "bidirectional_lstm": ((4, 3), "L.Bidirectional(L.LSTM(2, activity_regularizer='l1'))"),
    "bidirectional_gru_sequences": (
        (4, 3),
        "L.Bidirectional(L.GRU(2, return_sequences=True, activity_regularizer='l2'),"
        " merge_mode='sum')",
    ),
    "bidirectional_own_backward": (
        (4, 3),
        "L.Bidirectional(L.LSTM(2, activity_regularizer='l1'), backward_layer=L.GRU(2,"
        " go_backwards=True, activity_regularizer=K.regularizers.L2(0.05)), merge_mode='ave')",
    ),
    "bidirectional_states": (
        (4, 3),
        "L.Bidirectional(L.LSTM(2, return_state=True, activity_regularizer='l1'),"
        " merge_mode='mul')",
    ),
    "spectral_dense": ((3,), "L.SpectralNormalization(L.Dense(2, activity_regularizer='l1'))"),
    "time_distributed_dense": ((4, 3), "L.TimeDistributed(L.Dense(2, activity_regularizer='l1'))"),
}


def wrapped_model(K, name: str):
    L = K.layers
    shape, code = WRAPPED[name]
    inputs = K.Input(shape)
    out = eval(code, {"K": K, "L": L})(inputs)  # noqa: S307 - the scenarios' own code
    if isinstance(out, (list, tuple)):  # (the states too: all summed into one output)
        out = L.Concatenate()([out[0], *out[1:]])
    model = K.Model(inputs, out)
    _fixed_weights(model)
    return model


def wrapped_data(name: str):
    rng = np.random.default_rng(1)
    shape = WRAPPED[name][0]
    return rng.normal(size=(3, *shape)).astype("float32")


@SCENARIOS.scenario
def wrapped_activity_regularizers(K) -> dict:
    """Per wrapper: `model.losses` after a direct call, evaluate's loss, and two SGD steps'
    losses and the weights after (the penalties' gradients reach the wrapped layers)."""
    results = {}
    for name in WRAPPED:
        K.utils.clear_session()
        model = wrapped_model(K, name)
        x = wrapped_data(name)
        y = np.zeros((3, *model.outputs[0].shape[1:]), "float32")
        model(x)
        losses = [float(v) for v in model.losses]
        model.compile(optimizer=K.optimizers.SGD(0.1), loss="mse")
        evaluated = float(model.evaluate(x, y, verbose=0))
        steps = [float(model.train_on_batch(x, y)) for _ in range(2)]
        results[name] = {
            "losses": losses,
            "evaluate": evaluated,
            "steps": steps,
            "weights": _rounded(model.get_weights()),
        }
    return results


def discretized_model(K, encoding: str):
    """Dense -> LayerNormalization -> integer bins (Discretization, or CategoryEncoding of
    them) -> Dense."""
    L = K.layers
    bins = [-0.5, 0.0, 0.5]
    layers = [K.Input((3,)), L.Dense(3), L.LayerNormalization()]
    if encoding == "discretization":
        layers.append(L.Discretization(bin_boundaries=bins, output_mode="multi_hot"))
    else:
        layers += [L.Discretization(bin_boundaries=bins), L.CategoryEncoding(4, "count")]
    model = K.Sequential([*layers, L.Dense(2)])
    _fixed_weights(model, seed=2)
    return model


@SCENARIOS.scenario
def training_through_integer_bins(K) -> dict:
    """Two steps of SGD and of AdamW: the losses and the weights after (the layers before
    the bins stay put under SGD; AdamW's weight decay moves them)."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(6, 3)).astype("float32")
    y = rng.normal(size=(6, 2)).astype("float32")
    results = {}
    for encoding in ("discretization", "category_encoding"):
        for opt in ("sgd", "adamw"):
            K.utils.clear_session()
            model = discretized_model(K, encoding)
            optimizer = (
                K.optimizers.SGD(0.1) if opt == "sgd" else K.optimizers.AdamW(0.1, weight_decay=0.1)
            )
            model.compile(optimizer=optimizer, loss="mse")
            steps = [float(model.train_on_batch(x, y)) for _ in range(2)]
            results[f"{encoding}_{opt}"] = {
                "steps": steps,
                "weights": _rounded(model.get_weights()),
            }
    return results


@SCENARIOS.scenario
def integer_dtype_discretization(K) -> dict:
    """`Discretization(dtype="int64")` (tf_keras's files say so): its config keeps the
    dtype, a model of it predicts int32 bins, or its encodings of symbolic dtype int64,
    before and after `from_config`."""
    L = K.layers
    x = np.array([[-1.0, -0.2, 0.3], [0.7, 0.0, -0.6]], "float32")
    results = {}
    for mode in ("int", "one_hot", "count"):
        K.utils.clear_session()
        layer = L.Discretization(bin_boundaries=[-0.5, 0.0, 0.5], output_mode=mode, dtype="int64")
        model = K.Sequential([K.Input((3,)), layer])
        again = K.Sequential.from_config(model.get_config())
        y, y2 = model.predict(x, verbose=0), again.predict(x, verbose=0)
        results[mode] = {
            "config_dtype": layer.get_config()["dtype"],
            "output_dtype": str(model.outputs[0].dtype),
            "predict": np.asarray(y).tolist(),
            "from_config": np.asarray(y2).tolist(),
        }
        if mode == "int":  # (the encodings' int64: int32 on Keras-JAX, which lacks x64)
            results[mode]["predict_dtype"] = str(np.asarray(y).dtype)
    return results


if __name__ == "__main__":
    SCENARIOS.write(OUT, sys.argv[1:] or None)

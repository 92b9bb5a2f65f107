"""Goldens for tests/layers/test_symbolic_masks.py: masks given as symbolic tensors to a
call on several inputs, as Keras 3 takes them in a functional model:
`Attention()([q, v], mask=[q_mask, v_mask])` (None for an unmasked input), and
MultiHeadAttention's `value_mask=` / `key_mask=` / `query_mask=` keywords. Predictions,
training, the config's `inbound_nodes`, the output's mask, a Keras-made `.keras` file,
and the TypeError of a `mask=` given to a layer whose call takes none.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Also writes tests/goldens/saving/keras_symbolic_masks.keras.

Run with Keras 3 and JAX installed (writes tests/goldens/symbolic_masks.json):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_symbolic_masks.py
"""

from __future__ import annotations

import json
import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "symbolic_masks.json"
KERAS_FILE = ROOT / "tests" / "goldens" / "saving" / "keras_symbolic_masks.keras"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


def _data(rows=4):
    rng = np.random.default_rng(0)
    q = rng.standard_normal((rows, 5, 8)).astype("float32")
    v = rng.standard_normal((rows, 7, 8)).astype("float32")
    q_mask = np.arange(5)[None].repeat(rows, 0) < np.arange(2, 2 + rows)[:, None]
    v_mask = np.arange(7)[None].repeat(rows, 0) < np.arange(3, 3 + rows)[:, None]
    return q, v, q_mask, v_mask


def _fill(model):
    model.set_weights(
        [
            np.linspace(-0.5, 0.7, w.size).reshape(w.shape).astype("float32")
            for w in model.get_weights()
        ]
    )


def _nodes(model, name):
    """The layer's `inbound_nodes` as JSON writes them (tuples become lists)."""
    layer = next(la for la in model.get_config()["layers"] if la["name"] == name)
    return json.loads(json.dumps(layer["inbound_nodes"]))


def _trained(model, x, y):
    before = model.predict(x, verbose=0)
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, y, epochs=2, batch_size=2, shuffle=False, verbose=0)
    return {
        "before": np.round(before.astype("float64"), 5).ravel().tolist(),
        "loss": [round(v, 5) for v in history.history["loss"]],
    }


def _attention_model(keras, layer, masks):
    q, v = keras.Input((5, 8), name="q"), keras.Input((7, 8), name="v")
    qm = keras.Input((5,), dtype="bool", name="qm")
    vm = keras.Input((7,), dtype="bool", name="vm")
    given = [qm if "q" in masks else None, vm if "v" in masks else None]
    out = layer([q, v], mask=given)
    used = [t for t, m in ((qm, "q"), (vm, "v")) if m in masks]
    model = keras.Model([q, v, *used], keras.layers.Dense(3, name="head")(out))
    return model, out


def _attention_case(keras, layer_cls, masks):
    model, out = _attention_model(keras, layer_cls(name="att"), masks)
    _fill(model)
    q, v, qm, vm = _data()
    x = [q, v] + [m for m, k in ((qm, "q"), (vm, "v")) if k in masks]
    result = _trained(model, x, np.zeros((4, 5, 3), "float32"))
    result["nodes"] = _nodes(model, "att")
    result["output_mask"] = getattr(out, "_keras_mask", None) is not None
    return result


@scenario
def attention_both_masks(keras):
    return _attention_case(keras, keras.layers.Attention, "qv")


@scenario
def attention_value_mask_only(keras):
    return _attention_case(keras, keras.layers.Attention, "v")


@scenario
def additive_attention_both_masks(keras):
    return _attention_case(keras, keras.layers.AdditiveAttention, "qv")


def _mha_case(keras, **which):
    q, v = keras.Input((5, 8), name="q"), keras.Input((7, 8), name="v")
    qm = keras.Input((5,), dtype="bool", name="qm")
    vm = keras.Input((7,), dtype="bool", name="vm")
    km = keras.Input((7,), dtype="bool", name="km")
    masks = {"query_mask": qm, "value_mask": vm, "key_mask": km}
    given = {k: masks[k] for k in which}
    out = keras.layers.MultiHeadAttention(2, 4, name="mha")(q, v, **given)
    model = keras.Model([q, v, *given.values()], out)
    _fill(model)
    q_, v_, qm_, vm_ = _data()
    arrays = {"query_mask": qm_, "value_mask": vm_, "key_mask": vm_[:, ::-1]}
    x = [q_, v_] + [arrays[k] for k in given]
    result = _trained(model, x, np.zeros((4, 5, 8), "float32"))
    result["nodes"] = _nodes(model, "mha")
    return result


@scenario
def mha_value_mask(keras):
    return _mha_case(keras, value_mask=True)


@scenario
def mha_value_and_key_masks(keras):
    return _mha_case(keras, value_mask=True, key_mask=True)


@scenario
def mha_query_mask(keras):
    """Keras's MultiHeadAttention does not use an explicit query_mask (its call reads the
    query tensor's own mask): the predictions are those without it."""
    return _mha_case(keras, query_mask=True, value_mask=True)


@scenario
def lstm_sequences_explicit_mask(keras):
    """`LSTM(return_sequences=True)(x, mask=m)`: the output keeps the mask, so the loss of
    the model's (masked) output leaves the padded steps out, as in Keras."""
    x = keras.Input((7, 8), name="x")
    m = keras.Input((7,), dtype="bool", name="m")
    h = keras.layers.LSTM(3, return_sequences=True, name="lstm")(x, mask=m)
    model = keras.Model([x, m], keras.layers.Dense(2, name="head")(h))
    _fill(model)
    _, v, _, vm = _data()
    result = _trained(model, [v, vm], np.ones((4, 7, 2), "float32"))
    result["nodes"] = _nodes(model, "lstm")
    result["output_mask"] = getattr(h, "_keras_mask", None) is not None
    return result


@scenario
def eager_keras_mask(keras):
    """keras.io's masking guide prints `output._keras_mask` of direct calls."""
    ids = np.array([[711, 632, 71, 0, 0], [73, 8, 3215, 55, 927]])
    embedded = keras.layers.Embedding(input_dim=5000, output_dim=4, mask_zero=True)(ids)
    x = np.array([[[1.0, 2.0], [0.0, 0.0], [3.0, 0.0]]], "float32")
    masked = keras.layers.Masking(mask_value=0.0)(x)
    sequences = keras.layers.LSTM(2, return_sequences=True)(embedded)
    return {
        "embedding": np.asarray(embedded._keras_mask).tolist(),
        "masking": np.asarray(masked._keras_mask).tolist(),
        "lstm_sequences": np.asarray(sequences._keras_mask).tolist(),
        "computed_from_it": builtin_error(lambda: (embedded * 2)._keras_mask),
        "unmasked_output": builtin_error(lambda: keras.layers.Dense(2)(x)._keras_mask),
    }


@scenario
def mask_for_a_layer_without_one(keras):
    """A call that takes no mask refuses `mask=` (TypeError), in a functional model."""
    x = keras.Input((7, 8))
    m = keras.Input((7,), dtype="bool")
    return {
        "dense": builtin_error(lambda: keras.layers.Dense(2)(x, mask=m)),
        "concatenate": builtin_error(lambda: keras.layers.Concatenate()([x, x], mask=[m, None])),
        "lstm": builtin_error(lambda: keras.layers.LSTM(2)(x, mask=m)),
    }


@scenario
def keras_file(keras):
    """Keras saved the Attention model (both masks); loaded, it predicts the same."""
    if keras.__name__ == "keras":
        model, _ = _attention_model(keras, keras.layers.Attention(name="att"), "qv")
        _fill(model)
        model.save(KERAS_FILE)
    loaded = keras.saving.load_model(KERAS_FILE)
    q, v, qm, vm = _data()
    return np.round(loaded.predict([q, v, qm, vm], verbose=0).astype("float64"), 5).ravel().tolist()


if __name__ == "__main__":
    SCENARIOS.write(OUT, sys.argv[1:] or None)

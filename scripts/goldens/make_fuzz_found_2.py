"""Goldens for tests/models/test_fuzz_found_2.py: minimal repros of what the saving and
model fuzzers (scripts/fuzz/fuzz_saving.py, fuzz_models.py, fuzz_interop.py) found numkeras
doing differently from Keras 3 on new seeds.

- A functional model rebuilt from its config (`from_config`, `load_model`) keeps the
  `training` a call was given (`Dropout(...)(x, training=True)`, `base(x, training=False)`)
  and the `training` Keras's file wrote next to a mask tensor (`lstm(x, mask=m)` of a
  loaded Masking -> LSTM).
- A Keras 2 (tf_keras) file's DepthwiseConv1D / DepthwiseConv2D config holds Conv's
  `groups=1`, which Keras 3 refuses (TypeError) and numkeras reads, as tf_keras does.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/fuzz_found_2.json):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_fuzz_found_2.py
The Keras 2 model's JSON, weights and predictions come from tf_keras (entry `keras2_*`):
    TF_USE_LEGACY_KERAS=1 /work/tfenv/bin/python scripts/goldens/make_fuzz_found_2.py keras2
"""

from __future__ import annotations

import copy
import os
import pathlib
import sys
import tempfile

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_found_2.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


def _call_kwargs(config: dict) -> dict:
    """Each layer's calls' keywords, a tensor as the name of the layer that made it."""

    def plain(v):
        if isinstance(v, dict) and v.get("class_name") == "__keras_tensor__":
            return v["config"]["keras_history"][0]
        return v

    return {
        layer["name"]: [
            {k: plain(v) for k, v in n["kwargs"].items()} for n in layer["inbound_nodes"]
        ]
        for layer in config["layers"]
    }


def _rebuilt(keras, model):
    return keras.Model.from_config(copy.deepcopy(model.get_config()))


def _dropout_model(keras):
    x = keras.Input((100,), name="x")
    forced = keras.layers.Dropout(0.5, seed=1, name="forced")(x, training=True)
    plain = keras.layers.Dropout(0.5, seed=1, name="plain")(x)
    return keras.Model(x, [forced, plain])


@scenario
def from_config_keeps_training_true(keras):
    """`Dropout(x, training=True)`: the rebuilt model's config and its direct call."""
    model = _rebuilt(keras, _dropout_model(keras))
    forced, plain = (np.asarray(o) for o in model(np.ones((2, 100), "float32")))
    return {
        "kwargs": _call_kwargs(model.get_config()),
        "forced_drops": bool((forced == 0).any()),
        "plain_drops": bool((plain == 0).any()),
    }


@scenario
def from_config_keeps_rnn_training(keras):
    """An LSTM called with `training=True`, one with a mask tensor and `training=False`."""
    x = keras.Input((3, 2), name="x")
    m = keras.Input((3,), dtype="bool", name="m")
    a = keras.layers.LSTM(2, name="trained")(x, training=True)
    b = keras.layers.LSTM(2, name="masked")(x, mask=m, training=False)
    c = keras.layers.LSTM(2, name="masked_only")(x, mask=m)
    model = _rebuilt(keras, keras.Model([x, m], [a, b, c]))
    return _call_kwargs(model.get_config())


@scenario
def load_model_keeps_base_training_false(keras):
    """keras.io's transfer-learning model, `base(x, training=False)`, saved and loaded."""
    base = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(3), keras.layers.BatchNormalization()], name="base"
    )
    x = keras.Input((4,), name="x")
    y = keras.layers.Dense(1, name="head")(base(x, training=False))
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "m.keras")
        keras.Model(x, y).save(path)
        loaded = keras.saving.load_model(path)
    return _call_kwargs(loaded.get_config())


def keras2_depthwise(keras) -> dict:
    """A Keras 2 model of DepthwiseConv1D and DepthwiseConv2D: its JSON, weights and
    predictions, for numkeras to rebuild from the JSON."""
    inputs = keras.Input((4, 6))
    a = keras.layers.DepthwiseConv1D(2, depth_multiplier=2, activation="relu")(inputs)
    b = keras.layers.Reshape((4, 6, 1))(inputs)
    b = keras.layers.DepthwiseConv2D((2, 3), depth_multiplier=3, use_bias=False)(b)
    model = keras.Model(inputs, [a, b])
    rng = np.random.default_rng(0)
    model.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    x = rng.normal(size=(2, 4, 6)).astype("float32")
    return {
        "json": model.to_json(),
        "x": x.tolist(),
        "weights": [w.tolist() for w in model.get_weights()],
        "predict": [np.asarray(p).round(6).tolist() for p in model.predict(x, verbose=0)],
    }


def main():
    if sys.argv[1:] == ["keras2"]:  # (tf_keras: its entries only)
        import json

        import tf_keras

        results = json.loads(OUT.read_text()) if OUT.exists() else {}
        results["keras2_depthwise"] = keras2_depthwise(tf_keras)
        OUT.write_text(
            "{\n"
            + ",\n".join(
                f"{json.dumps(k)}: {json.dumps(v, sort_keys=True)}"
                for k, v in sorted(results.items())
            )
            + "\n}\n"
        )
        return
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

"""Goldens for tests/layers/test_reversible_embedding.py: Keras 3's `ReversibleEmbedding`
(tied and untied weights, `logit_soft_cap`, `mask_zero`) in a functional model that calls
it twice (ids -> vectors, then `reverse=True` back to logits): predictions, three Adam
steps, trained weights, configs with the node's `reverse` keyword, weight paths, and a
direct call's mask. Also writes a Keras-made file the test loads and trains on.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values.

Run with Keras 3 and JAX installed (writes tests/goldens/reversible_embedding.json):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_reversible_embedding.py
"""

from __future__ import annotations

import json
import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "reversible_embedding.json"
KERAS_FILE = ROOT / "tests" / "goldens" / "saving" / "keras_reversible_embedding.keras"
IDS = np.array([[1, 2, 0], [3, 4, 5], [9, 0, 0], [7, 7, 1]])
TARGETS = np.array([[2, 0, 0], [4, 5, 6], [1, 0, 0], [7, 1, 2]])
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


def tied_model(keras, tie_weights=True, logit_soft_cap=None):
    """ids -> ReversibleEmbedding -> Dense -> the same layer with reverse=True (logits)."""
    layers = keras.layers
    embed = layers.ReversibleEmbedding(
        10, 4, tie_weights=tie_weights, logit_soft_cap=logit_soft_cap, mask_zero=True
    )
    inp = keras.Input((3,), dtype="int32")
    logits = embed(layers.Dense(4, name="mid")(embed(inp)), reverse=True)
    model = keras.Model(inp, logits)
    model.set_weights(
        [np.linspace(-1, 1, w.size).reshape(w.shape).astype("float32") for w in model.get_weights()]
    )
    return model, embed


def _run(keras, tie_weights, logit_soft_cap, save=None):
    model, embed = tied_model(keras, tie_weights, logit_soft_cap)
    out = {
        "paths": [w.path for w in model.weights],
        "prediction": model.predict(IDS, verbose=0).ravel().tolist(),
        "count_params": model.count_params(),
        "config": json.loads(json.dumps(embed.get_config())),
        "nodes": [
            layer["inbound_nodes"]
            for layer in model.get_config()["layers"]
            if layer["class_name"] == "ReversibleEmbedding"
        ][0],
    }
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss=loss)
    out["losses"] = [float(model.train_on_batch(IDS, TARGETS)) for _ in range(3)]
    out["weights"] = [w.ravel().tolist() for w in model.get_weights()]
    if save is not None:
        model.save(save)
    return out


@scenario
def tied(keras):
    return _run(keras, True, None)


@scenario
def untied_soft_capped(keras):
    return _run(keras, False, 5.0, KERAS_FILE if keras.__name__ == "keras" else None)


@scenario
def tied_soft_capped(keras):
    return _run(keras, True, 2.0)


@scenario
def direct_calls(keras):
    layer = keras.layers.ReversibleEmbedding(10, 4, mask_zero=True)
    hidden = layer(np.array([[1, 0, 2]]))
    if keras.__name__ == "keras":
        mask = hidden._keras_mask
    else:
        from numkeras.layers.layer import get_array_mask

        mask = get_array_mask(hidden)
    return {
        "mask": np.asarray(mask).tolist(),
        "reverse_shape": list(layer(np.ones((2, 5, 4), "float32"), reverse=True).shape),
        "compute_mask": layer.compute_mask(np.array([[1, 0]])),
    }


def main():
    SCENARIOS.write(OUT)
    print(f"and {KERAS_FILE}")


if __name__ == "__main__":
    main()

"""Goldens for tests/layers/test_fuzz_found.py: minimal repros of what the model fuzzer
(scripts/fuzz/fuzz_models.py) found numkeras doing differently from Keras 3, each a
scenario run in both (predictions, losses of a short fit, weights after).

- A masked `Multiply`: Keras 3 counts a masked position of an input as 1, and gives 0
  where every input has a mask and none keeps the position.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/fuzz_found.json):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_fuzz_found.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_found.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario

TOKENS = np.array([[1, 0, 2, 0], [0, 3, 3, 4], [5, 0, 0, 0]])


def _fit(model, x, y) -> dict:
    """Keras-set weights, predict, 2 epochs of SGD, the weights after."""
    rng = np.random.default_rng(0)
    model.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    before = np.asarray(model.predict(x, verbose=0)).round(6).tolist()
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, y, epochs=2, batch_size=2, shuffle=False, verbose=0)
    return {
        "predict": before,
        "loss": [float(v) for v in history.history["loss"]],
        "weights": [w.round(6).tolist() for w in model.get_weights()],
    }


def _multiply_model(keras, masked_inputs: int, n_inputs: int = 2):
    """Token ids -> `n_inputs` Dense branches -> Multiply; the first `masked_inputs`
    branches read an Embedding(mask_zero=True), so carry its mask; the others don't."""
    ids = keras.Input((4,), dtype="int32")
    masked = keras.layers.Embedding(6, 3, mask_zero=True)(ids)
    plain = keras.layers.Embedding(6, 3)(ids)
    branches = [
        keras.layers.Dense(2)(masked if i < masked_inputs else plain) for i in range(n_inputs)
    ]
    return keras.Model(ids, keras.layers.Multiply()(branches))


@scenario
def multiply_all_inputs_masked(keras):
    y = np.random.default_rng(1).normal(size=(3, 4, 2)).astype("float32")
    return _fit(_multiply_model(keras, 2), TOKENS, y)


@scenario
def multiply_one_input_masked(keras):
    y = np.random.default_rng(1).normal(size=(3, 4, 2)).astype("float32")
    return _fit(_multiply_model(keras, 1), TOKENS, y)


@scenario
def multiply_three_inputs_two_masked(keras):
    y = np.random.default_rng(1).normal(size=(3, 4, 2)).astype("float32")
    return _fit(_multiply_model(keras, 2, 3), TOKENS, y)


@scenario
def multiply_masks_direct_call(keras):
    layer = keras.layers.Embedding(6, 2, mask_zero=True, embeddings_initializer="ones")
    a = layer(TOKENS)
    b = keras.layers.Embedding(6, 2, mask_zero=True, embeddings_initializer="ones")(TOKENS[::-1])
    out = keras.layers.Multiply()([a * 2.0, b * 3.0])  # (ops drop the masks: plain product)
    masked = keras.layers.Multiply()([a, b])
    return {"plain": np.asarray(out).tolist(), "masked": np.asarray(masked).tolist()}


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

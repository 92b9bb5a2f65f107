"""Goldens for tests/models/test_fuzz_found_30b.py: what the model and saving fuzzers
(scripts/fuzz/fuzz_models.py seeds 626-660, fuzz_saving.py seeds 601-630) found numkeras
doing differently from Keras 3.

- A graph model holding a `RandomColorJitter`: `evaluate` (and `predict`) raised
  AttributeError ('RandomColorJitter' object has no attribute '_is_subclassed'): the check
  of whether a model computes each row on its own (numkeras/models/row_chunks.py) took any
  layer with a `_steps` attribute for a nested model, and RandomColorJitter keeps its list of
  augmentations there. Keras evaluates and predicts (the jitter is the identity in
  inference).

Each scenario takes the Keras-like module. Run with Keras 3 and JAX installed (writes
tests/goldens/fuzz_found_30b.json):
    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \\
        /work/main/scripts/goldens/make_fuzz_found_30b.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_found_30b.json"

SCENARIOS = Scenarios()


def _fixed_weights(model) -> None:
    """Deterministic weights: the same in both libraries."""
    rng = np.random.default_rng(0)
    model.set_weights(
        [rng.uniform(-0.5, 0.5, np.shape(w)).astype("float32") for w in model.get_weights()]
    )


def _images() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    return rng.uniform(0, 1, (6, 4, 3, 3)).astype("float32"), np.array([0, 1, 2, 0, 1, 2])


@SCENARIOS.scenario
def color_jitter_in_graph(K) -> dict:
    """A RandomColorJitter in a functional model, in a Sequential and in a nested model:
    predict and evaluate (the jitter is the identity in inference)."""
    L = K.layers

    def jitter():
        return L.RandomColorJitter(value_range=(0, 1), brightness_factor=0.1, seed=3)

    x, y = _images()
    inp = K.Input((4, 3, 3))
    h = L.Dense(3)(inp)
    functional = K.Model(inp, L.Dense(3, activation="softmax")(L.Flatten()(jitter()(h))))
    sequential = K.Sequential(
        [K.Input((4, 3, 3)), jitter(), L.Flatten(), L.Dense(3, activation="softmax")]
    )
    outer_in = K.Input((4, 3, 3))
    nested = K.Model(outer_in, L.Dense(3, activation="softmax")(L.Flatten()(sequential(outer_in))))
    results = {}
    for name, model in (("functional", functional), ("sequential", sequential), ("nested", nested)):
        _fixed_weights(model)
        model.compile(K.optimizers.SGD(0.01), "sparse_categorical_crossentropy")
        results[name] = {
            "predict": model.predict(x, batch_size=2, verbose=0).tolist(),
            "evaluate": float(model.evaluate(x, y, batch_size=2, verbose=0)),
        }
    return results


if __name__ == "__main__":
    SCENARIOS.write(OUT, sys.argv[1:] or None)

"""Goldens for tests/trainers/test_fuzz_errors_3.py: minimal repros of what the misuse
fuzzer's fifth menu (scripts/fuzz/fuzz_errors.py, seeds 35 on: wrong call orders and
argument types, generators and PyDatasets whose first batch is wrong) found numkeras doing
differently from Keras 3, each a scenario run in both:

- `fit(callbacks={...})`: Keras flattens any structure of callbacks (a dict's values);
  numkeras refused a dict with TypeError.
- `fit(sample_weight=..., class_weight=...)` on a Sequential without an Input: Keras
  refuses before it builds the model; numkeras built it (weights and all) first.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/fuzz_errors_3.json):
    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \
        /work/main/scripts/goldens/make_fuzz_errors_3.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_errors_3.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario

X = np.random.default_rng(7).normal(size=(6, 4)).astype("float32")
Y = np.arange(6) % 3


@scenario
def callbacks_in_a_dict(keras):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    seen = []
    log = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(epoch))
    history = model.fit(X, Y, epochs=2, verbose=0, callbacks={"log": log, "other": []})
    return {"epochs_seen": seen, "history_keys": sorted(history.history)}


@scenario
def both_weights_leave_an_unbuilt_model_unbuilt(keras):
    model = keras.Sequential([keras.layers.Dense(3)])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    error = builtin_error(
        lambda: model.fit(X, Y, verbose=0, sample_weight=np.ones(6), class_weight={0: 2.0})
    )
    return {"error": error, "built": bool(model.built), "weights": len(model.weights)}


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

"""Goldens for tests/test_keras2_fuzz_found_4.py: what scripts/fuzz/fuzz_keras2.py and
scripts/fuzz/fuzz_keras2_idioms.py (seeds 521 and up, with the functional models,
generators and merges they draw there) found numkeras doing differently from tf_keras
2.21 (real Keras 2) on classic Keras 2 scripts.

- `fit_generator(generator, class_weight={...})` (2017-2018 scripts balancing classes
  while streaming batches) raised a ConfigError, as Keras 3's `fit` does for a generator;
  Keras 2's `fit_generator` weighs each batch's samples by class.

The scenarios in `SCENARIOS` are functions of the Keras-like package returning JSON
values: tf_keras here, numkeras in the test.

    cd /tmp && TF_USE_LEGACY_KERAS=1 /work/tfenv/bin/python \\
        /work/main/scripts/goldens/make_keras2_fuzz_found_4.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))
from tests.differential import Scenarios, fixed_weights, rounded  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens" / "keras2_fuzz_found_4.json"

SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


def _batches(x, y, bs: int):
    while True:
        for k in range(0, len(x), bs):
            yield x[k : k + bs], y[k : k + bs]


@scenario
def fit_generator_class_weight(keras) -> dict:
    layers = keras.layers
    rng = np.random.default_rng(0)
    x = rng.normal(size=(10, 3)).astype("float32")
    y = (x.sum(axis=1, keepdims=True) > 0).astype("float32")
    out = {}
    # (not {1: 0.5}: Keras 2 refuses keys other than 0 .. n - 1; Keras 3, as numkeras,
    # weighs a class left out by 1)
    for name, weights in [("binary", {0: 1.0, 1: 3.0}), ("binary_more", {0: 0.5, 1: 1.0})]:
        model = keras.models.Sequential([
            layers.Dense(2, input_shape=(3,), activation="relu"),
            layers.Dense(1, activation="sigmoid")])  # fmt: skip
        fixed_weights(model)
        model.compile(keras.optimizers.legacy.SGD(learning_rate=0.1), "binary_crossentropy",
                      metrics=["accuracy"])  # fmt: skip
        history = model.fit_generator(_batches(x, y, 4), steps_per_epoch=3, epochs=2,
                                      verbose=0, class_weight=weights)  # fmt: skip
        out[name] = {
            "history": {k: rounded(v) for k, v in history.history.items()},
            "weights": [rounded(w) for w in model.get_weights()],
        }
    labels = np.eye(3, dtype="float32")[rng.integers(0, 3, 10)]
    model = keras.models.Sequential([layers.Dense(3, input_shape=(3,), activation="softmax")])
    fixed_weights(model)
    model.compile("sgd", "categorical_crossentropy", metrics=["acc"])
    history = model.fit_generator(_batches(x, labels, 5), steps_per_epoch=2, epochs=2, verbose=0,
                                  class_weight={0: 2.0, 1: 0.5, 2: 1.0})  # fmt: skip
    out["categorical"] = {k: rounded(v) for k, v in history.history.items()}
    return out


if __name__ == "__main__":
    SCENARIOS.write_tf_keras(OUT)

"""Goldens for tests/trainers/test_fuzz_errors_4.py: minimal repros of what the misuse
fuzzer's sixth menu (scripts/fuzz/fuzz_errors.py, seeds 48 on: unknown keywords, compile's
loss_weights / weighted_metrics of the wrong form, more fit / predict arguments,
model_from_json / clone_model of what is not a model) found numkeras doing differently
from Keras 3, each a scenario run in both:

- `compile(weighted_metrics="mae")`: Keras refuses a string there (ValueError), as it does
  for `metrics`; numkeras took it, then looked its letters up as metric names at `fit`.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/fuzz_errors_4.json):
    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \\
        /work/main/scripts/goldens/make_fuzz_errors_4.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_errors_4.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario

X = np.random.default_rng(5).normal(size=(6, 4)).astype("float32")
Y = np.random.default_rng(6).normal(size=(6, 3)).astype("float32")


@scenario
def weighted_metrics_must_be_a_list(keras):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    out = {}
    for name, value in (("string", "mae"), ("number", 3), ("tuple", ("mae",))):
        out[name] = builtin_error(
            lambda v=value: model.compile(optimizer="sgd", loss="mse", weighted_metrics=v)
        )
    logs = model.evaluate(X, Y, verbose=0, return_dict=True)  # (the tuple's compile)
    out["logs"] = sorted(logs)
    return out


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

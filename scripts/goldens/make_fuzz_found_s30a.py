"""Goldens for tests/models/test_fuzz_found_s30a.py: what the interop fuzzer
(scripts/fuzz/fuzz_interop.py, seeds 2053-2090, session 30) found.

- `AutoContrast` after a trained layer (fuzz_interop seq 2053, case 2: `Dense(3)`, padding,
  cropping, `AutoContrast`; one step resumed from Keras's `.keras`). Keras-JAX
  differentiates the stretch (its scale and offset, the clip and each channel's minimum and
  maximum), so the layer before it trains; numkeras's backward pass gave zeros.

Each scenario takes the Keras-like module. Run with Keras 3 and JAX installed (writes
tests/goldens/fuzz_found_s30a.json):
    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \\
        /work/main/scripts/goldens/make_fuzz_found_s30a.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, fixed_weights, rounded  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_found_s30a.json"

SCENARIOS = Scenarios()

X = np.random.default_rng(0).uniform(-1, 1, (3, 3, 3, 2)).astype("float32")
Y = np.random.default_rng(1).uniform(-1, 1, (3, 2)).astype("float32")


def _contrast_model(K, value_range, activation, lr=0.1):
    """Input(3, 3, 2) -> Dense(2, activation) -> AutoContrast(value_range) -> Flatten ->
    Dense(2), weights fixed, compiled with SGD(lr) and mse."""
    L = K.layers
    inp = K.Input((3, 3, 2))
    hidden = L.AutoContrast(value_range=value_range)(L.Dense(2, activation=activation)(inp))
    model = K.Model(inp, L.Dense(2)(L.Flatten()(hidden)))
    fixed_weights(model)
    model.compile(optimizer=K.optimizers.SGD(lr), loss="mse")
    return model


def _step(K, value_range, activation, lr=0.1) -> dict:
    model = _contrast_model(K, value_range, activation, lr)
    out = {"predict": rounded(model.predict(X, verbose=0), 5)}
    model.train_on_batch(X, Y)
    out["after_step"] = [rounded(w, 5) for w in model.get_weights()]
    return out


@SCENARIOS.scenario
def auto_contrast_unit_range_step(K) -> dict:
    """value_range (0, 1) after a linear Dense: the step moves the Dense before it."""
    return _step(K, (0, 1), None)


@SCENARIOS.scenario
def auto_contrast_relu_ties_step(K) -> dict:
    """value_range (0, 1) after a ReLU Dense: the channel minimum is tied over the zeros
    (its gradient split among them, as JAX's)."""
    return _step(K, (0, 1), "relu")


@SCENARIOS.scenario
def auto_contrast_default_range_step(K) -> dict:
    """value_range (0, 255) (no conversion of the scale) after a ReLU Dense; a small
    learning rate, as the gradients are in the 255 scale."""
    return _step(K, (0, 255), "relu", lr=1e-4)


if __name__ == "__main__":
    SCENARIOS.write(OUT, sys.argv[1:] or None)

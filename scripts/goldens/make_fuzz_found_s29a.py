"""Goldens for tests/models/test_fuzz_found_s29a.py: what the interop fuzzer
(scripts/fuzz/fuzz_interop.py, seeds 573-585 and 2048-2060, session 29) found.

- A frozen `SpectralNormalization` (the wrapper frozen, or a frozen nested model holding
  it) in a model trained by `fit` / `train_on_batch` (fuzz_interop func 2050, case 0: one
  step resumed from Keras's `.keras`). Keras's JAX step keeps the non-trainable state a
  call assigns, and a frozen wrapper's kernel is non-trainable: each step stores
  `kernel / sigma` in it, as a direct call does. numkeras's step kept the raw kernel (right
  only for a trained kernel, whose in-call assignment Keras's step drops).

Each scenario takes the Keras-like module. Run with Keras 3 and JAX installed (writes
tests/goldens/fuzz_found_s29a.json):
    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \\
        /work/main/scripts/goldens/make_fuzz_found_s29a.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, fixed_weights, rounded  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_found_s29a.json"

SCENARIOS = Scenarios()

X = np.array([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7], [-0.2, 0.8, 0.1], [0.9, -0.4, -1.2]], "float32")
Y = np.array([[0.3, -0.5], [1.0, 0.2], [-0.4, 0.7], [0.1, 0.0]], "float32")


def _spectral_model(K, frozen: str):
    """Input(3) -> SpectralNormalization(Dense(4)) -> Dense(2), the wrapper frozen as
    `frozen` says ("wrapper": itself; "nested": a frozen Sequential holding it; "none")."""
    L = K.layers
    sn = L.SpectralNormalization(L.Dense(4), power_iterations=1)
    inp = K.Input((3,))
    if frozen == "nested":
        inner = K.Sequential([K.Input((3,)), sn])
        inner.trainable = False
        hidden = inner(inp)
    else:
        hidden = sn(inp)
        sn.trainable = frozen != "wrapper"
    model = K.Model(inp, L.Dense(2)(hidden))
    fixed_weights(model)
    model.compile(optimizer=K.optimizers.SGD(0.1), loss="mse")
    return model


def _steps(K, frozen: str) -> dict:
    model = _spectral_model(K, frozen)
    names = [w.path.split("/")[-1] for w in model.weights]
    out = {"names": names, "trainable": len(model.trainable_weights)}
    model.train_on_batch(X, Y)
    out["after_train_on_batch"] = [rounded(w, 5) for w in model.get_weights()]
    model.fit(X, Y, batch_size=2, epochs=1, shuffle=False, verbose=0)
    out["after_fit"] = [rounded(w, 5) for w in model.get_weights()]
    out["predict"] = rounded(model.predict(X, verbose=0), 5)
    return out


@SCENARIOS.scenario
def frozen_spectral_wrapper_steps(K) -> dict:
    """The weights after training steps with the SpectralNormalization wrapper frozen: its
    kernel becomes kernel / sigma (and its vector_u moves) each step."""
    return _steps(K, "wrapper")


@SCENARIOS.scenario
def spectral_in_frozen_nested_model_steps(K) -> dict:
    """The same with the wrapper inside a frozen nested Sequential."""
    return _steps(K, "nested")


@SCENARIOS.scenario
def trainable_spectral_steps(K) -> dict:
    """The trained wrapper, for contrast: its kernel keeps its raw value, moved by the
    gradient through kernel / sigma."""
    return _steps(K, "none")


if __name__ == "__main__":
    SCENARIOS.write(OUT, sys.argv[1:] or None)

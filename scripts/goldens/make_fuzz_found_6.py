"""Goldens for tests/models/test_fuzz_found_6.py: what the model, saving and interop fuzzers
(scripts/fuzz/fuzz_models.py, fuzz_saving.py, fuzz_interop.py, seeds 536-545 and
2021-2026, with their newest draws) found numkeras doing differently from Keras 3.

- A `SpectralNormalization` of policy "mixed_float16": its training step (a direct
  `training=True` call, and `fit`) never stored the new `vector_u` (nor, called directly,
  the normalized kernel): the writes went to the float16 reading of the variables the
  mixed call holds, dropped after it. Keras assigns the variables.
  The root: a variable assigned inside a mixed_float16 call kept its float16 reading stale
  for the rest of the call; Keras's reads the new value (`assign_then_read_mixed`).
- A `SpectralNormalization` of policy "float16" over a float32 layer returned the inner
  layer's float32 output; Keras casts it to the (float16) inputs' dtype.

Each scenario takes the Keras-like module. Run with Keras 3 and JAX installed (writes
tests/goldens/fuzz_found_6.json):
    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \\
        /work/main/scripts/goldens/make_fuzz_found_6.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_found_6.json"

SCENARIOS = Scenarios()

_KERNEL = np.array([[0.6, -1.1], [0.3, 0.8], [-0.7, 0.2]], "float32")
_U = np.array([[0.01, -0.02]], "float32")
_X = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5], [-1.0, 0.75, 0.5], [0.2, 0.4, -0.3]])
_Y = np.array([[0.1, -0.3], [0.7, 0.2], [-0.4, 0.5], [0.0, 0.9]], "float32")


def _spectral(K, policy: str):
    layer = K.layers.SpectralNormalization(K.layers.Dense(2), power_iterations=2, dtype=policy)
    layer.build((None, 3))
    layer.set_weights([_KERNEL, _U, np.zeros(2, "float32")])
    return layer


@SCENARIOS.scenario
def spectral_normalization_half_policies(K) -> dict:
    """`vector_u` and the kernel after a direct training call and after `fit`, and the
    output dtypes, of a SpectralNormalization of policy mixed_float16 and float16 (over a
    float32 Dense)."""
    results = {}
    for policy in ("mixed_float16", "float16"):
        layer = _spectral(K, policy)
        x = _X.astype("float32")
        trained = layer(x, training=True)
        called = {
            "vector_u": layer.vector_u.numpy().tolist(),
            "kernel": layer.layer.kernel.numpy().tolist(),
            "dtypes": [str(np.asarray(trained).dtype), str(np.asarray(layer(x)).dtype)],
        }
        model = K.Sequential([K.Input((3,)), _spectral(K, policy)])
        model.compile(K.optimizers.SGD(0.1), "mse")
        model.fit(x, _Y, batch_size=2, epochs=2, shuffle=False, verbose=0)
        fitted = model.layers[0]
        results[policy] = {
            "called": called,
            "fit_vector_u": fitted.vector_u.numpy().tolist(),
            "fit_kernel": fitted.layer.kernel.numpy().tolist(),
            "predict": model.predict(x, verbose=0).astype("float32").tolist(),
            "predict_dtype": str(model.predict(x, verbose=0).dtype),
        }
    return results


@SCENARIOS.scenario
def assign_then_read_mixed(K) -> dict:
    """A mixed_float16 user layer that assigns its (float32, autocast) variable in `call`,
    then multiplies by it: the call's output and the variable after two calls."""

    class Accumulate(K.layers.Layer):
        def build(self, input_shape):
            self.total = self.add_weight(shape=(), initializer="ones", trainable=False)

        def call(self, x):
            self.total.assign(self.total + 0.5)
            return x * self.total

    layer = Accumulate(dtype="mixed_float16")
    x = np.array([[1.0, 2.0]], "float32")
    outs = [np.asarray(layer(x)).astype("float32").tolist() for _ in range(2)]
    return {"outputs": outs, "total": float(layer.total.numpy())}


if __name__ == "__main__":
    SCENARIOS.write(OUT, sys.argv[1:] or None)

"""Goldens for tests/optimizers/test_fuzz_found_s28b.py: what the interop and training
fuzzers (scripts/fuzz/fuzz_interop.py seeds 561-585 and 2039-2060, fuzz_training.py seeds
573-600; session 28, helper B) found numkeras doing differently from Keras 3.

- Nadam's `u_product` (the last of `optimizer.variables`): Keras's `build` makes it a bare
  `backend.Variable(1.0, dtype=<the first variable's dtype>)`, which is named as every
  unnamed variable is, "variable", "variable_1", ... per session: a second Nadam built in
  one session (a model compiled again with a new Nadam) holds "variable_1". numkeras named
  it "variable" always, and kept it in floatx beside float64 weights (fuzz_training seed
  576, program 0).

Each scenario takes the Keras-like module. Run with Keras 3 and JAX installed (writes
tests/goldens/fuzz_found_s28b.json):
    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \\
        /work/main/scripts/goldens/make_fuzz_found_s28b.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_found_s28b.json"

SCENARIOS = Scenarios()


@SCENARIOS.scenario
def nadam_u_product_per_session(K) -> dict:
    """Three Nadams built in one session (float32, float32 compiled again, float64), one
    recompiled with the same optimizer (not rebuilt), a bare variable made between them
    and one built directly: each u_product's path, name, dtype and value."""
    K.utils.clear_session()
    x = np.linspace(-1, 1, 12).reshape(4, 3)
    y = np.linspace(1, -1, 8).reshape(4, 2)
    rows = []

    def u_product(opt):
        v = opt.variables[-1]
        return [v.path, v.name, str(np.dtype(v.dtype)), round(float(np.asarray(v)), 6)]

    def model(dtype):
        inp = K.Input((3,), dtype=dtype)
        m = K.Model(inp, K.layers.Dense(2, dtype=dtype)(inp))
        m.set_weights([np.full(w.shape, 0.1, dtype) for w in m.get_weights()])
        return m

    first = model("float32")
    first.compile(K.optimizers.Nadam(0.01), "mse")
    first.train_on_batch(x.astype("float32"), y.astype("float32"))
    rows.append(u_product(first.optimizer))
    opt = K.optimizers.Nadam(0.01)  # (a second one, not yet built: named nothing yet)
    bare = K.Variable(2.0)  # (takes the next number before the Nadam builds)
    first.compile(opt, "mse")
    first.train_on_batch(x.astype("float32"), y.astype("float32"))
    rows.append(u_product(opt))
    first.compile(opt, "mae")  # (the same, already built optimizer: no new variable)
    first.train_on_batch(x.astype("float32"), y.astype("float32"))
    rows.append(u_product(opt))
    wide = model("float64")
    wide.compile(K.optimizers.Nadam(0.01), "mse")
    wide.train_on_batch(x, y)
    rows.append(u_product(wide.optimizer))
    direct = K.optimizers.Nadam(0.01)
    direct.build(first.trainable_variables)
    rows.append(u_product(direct))
    return {"u_products": rows, "bare": bare.name}


if __name__ == "__main__":
    SCENARIOS.write(OUT, sys.argv[1:] or None)

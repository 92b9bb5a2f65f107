"""Goldens for tests/test_keras2_fuzz_found_2.py: what scripts/fuzz/fuzz_keras2.py and
scripts/fuzz/fuzz_keras2_idioms.py (new seeds, 300 and up) found numkeras doing
differently from tf_keras 2.21 (real Keras 2) on classic Keras 2 scripts.

- `K.variable(a)` kept the caller's array `a` as its storage, so `K.set_value(v, ...)` and
  `K.update_add(v, ...)` wrote into `a` (a script's data or its next `K.variable(a)`);
  Keras 2 copies.
- `K.mean(K.equal(...), axis=-1)` (the custom accuracy of 2017 scripts) was float64 (NumPy's
  mean of booleans); Keras 2 gives floatx (float32), as `K.mean` without `axis` did.

The scenarios in `SCENARIOS` are functions of the Keras-like package returning JSON
values: tf_keras here, numkeras in the test.

    cd /tmp && TF_USE_LEGACY_KERAS=1 /work/tfenv/bin/python \\
        /work/main/scripts/goldens/make_keras2_fuzz_found_2.py
"""

from __future__ import annotations

import importlib
import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))
from tests.differential import Scenarios  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens" / "keras2_fuzz_found_2.json"

SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


def _backend(keras):
    return importlib.import_module(f"{keras.__name__}.backend")


@scenario
def k_variable_copies_its_value(keras) -> dict:
    K = _backend(keras)
    a = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], "float32")
    v = K.variable(a)
    K.set_value(v, np.full((2, 3), 7.0, "float32"))
    w = K.variable(a)  # a second variable of the same array starts from it unchanged
    K.update_add(w, a)
    return {
        "a": a.tolist(),
        "v": np.asarray(K.get_value(v)).tolist(),
        "w": np.asarray(K.get_value(w)).tolist(),
    }


@scenario
def k_mean_of_booleans_is_floatx(keras) -> dict:
    # the 2017 custom accuracy: K.mean(K.equal(y_true, K.round(y_pred)), axis=-1)
    K = _backend(keras)
    t = K.constant(np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]], "float32"))
    p = K.constant(np.array([[0.9, 0.2, 0.4], [0.6, 0.1, 0.7]], "float32"))
    out = {}
    for name, value in {
        "axis": K.mean(K.equal(t, K.round(p)), axis=-1),
        "all": K.mean(K.equal(t, K.round(p))),
        "keepdims": K.mean(K.greater(p, 0.5), axis=0, keepdims=True),
    }.items():
        value = np.asarray(value)
        out[name] = {"value": value.tolist(), "dtype": str(value.dtype)}
    return out


if __name__ == "__main__":
    SCENARIOS.write_tf_keras(OUT)

"""Goldens for tests/layers/test_fuzz_layer_args_s27.py: what the layer-argument
differential (scripts/fuzz/fuzz_layer_args.py, seeds 3051-3080, with session 27's draws of
the base layer's `dtype`, `activity_regularizer` and `trainable` from 3066 / 3073 on) found
numkeras doing differently from Keras 3.15 (JAX):

- `ActivityRegularization(activity_regularizer=...)`: Keras raises a TypeError (the layer
  passes its own `L1L2` as that argument: "got multiple values"); numkeras raised a
  ValueError. The layer's other base-layer arguments (`dtype`, `trainable`, `name`) work.

    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \\
        /work/main/scripts/goldens/make_fuzz_layer_args_s27.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_layer_args_s27.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


@scenario
def activity_regularization_base_arguments(K) -> dict:
    """The built-in exception type of `ActivityRegularization(activity_regularizer=...)`
    (with and without `l1` / `l2`), and a layer given the other base-layer arguments: its
    output, penalty, config and trainable flag."""
    L = K.layers
    errors = {
        "alone": builtin_error(lambda: L.ActivityRegularization(activity_regularizer="l1")),
        "with_l2": builtin_error(
            lambda: L.ActivityRegularization(l2=0.2, activity_regularizer="l1", trainable=False)
        ),
    }
    layer = L.ActivityRegularization(l1=0.1, l2=0.2, dtype="float64", trainable=False, name="ar")
    x = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]], "float32")
    y = layer(x)
    config = layer.get_config()
    return {
        "errors": errors,
        "values": np.asarray(y, "float64").ravel().tolist(),
        "losses": [float(np.asarray(v)) for v in layer.losses],
        "config": {k: config[k] for k in ("l1", "l2", "name", "trainable")},
        "trainable": layer.trainable,
    }


if __name__ == "__main__":
    SCENARIOS.write(OUT, sys.argv[1:] or None)

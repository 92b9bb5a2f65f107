"""Goldens for tests/ops/test_fuzz_ops_7.py: what the ops fuzzer (scripts/fuzz/fuzz_ops.py,
seeds 621-660; its `graph` mode: each call built into a functional model, axis 0 unknown)
found numkeras doing differently from Keras 3, each a scenario run in both:

- a model built on `ops.unstack(x, num=3)` of an unknown axis 0, called on 2 rows:
  numkeras's model returned a third output of None (and its predict failed on
  "zero-dimensional arrays cannot be concatenated"); Keras refuses (ValueError: "Output
  with path `2` is not connected"). On 3 rows both give the 3 slices. (On 4 rows Keras-JAX
  drops the 4th slice; numkeras refuses, as Keras's TensorFlow backend does: README.)
- a negative Python int beside an unsigned tensor in a model (`power(-1, uint32 input)`):
  the eager op wraps it into the dtype's range, as Keras's weak ints are (-1 is
  4294967295), but the model's op raised NumPy 2's OverflowError.
- `activations.deserialize(None)(x)`: Keras returns None and calling it is a TypeError;
  numkeras refuses the None, with a ValueError only (now also a TypeError).

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/fuzz_ops_7.json):
    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \\
        /work/main/scripts/goldens/make_fuzz_ops_7.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, error_classes  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_ops_7.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


def _unstack_model(keras):
    inp = keras.Input(batch_shape=(None, 3))
    return keras.Model(inp, keras.ops.unstack(inp, num=3))


@scenario
def unstack_model_of_an_unknown_axis(keras):
    model = _unstack_model(keras)
    three = np.arange(9, dtype="float32").reshape(3, 3)
    two = three[:2]
    return {
        "three_rows": [np.asarray(t, "float64").tolist() for t in model(three)],
        "three_rows_predict": [
            np.asarray(t, "float64").tolist() for t in model.predict(three, verbose=0)
        ],
        "two_rows_call": error_classes(lambda: model(two)),
        "two_rows_predict": error_classes(lambda: model.predict(two, verbose=0)),
        "eager_two_rows": len(keras.ops.unstack(two, num=3)),  # (Keras-JAX ignores `num`)
    }


@scenario
def negative_python_ints_with_unsigned_tensors_in_a_model(keras):
    out = {}
    for dtype in ("uint8", "uint32"):
        x = np.array([[1, 2, 3], [0, 4, 5]], dtype)
        for name in ("power", "add", "subtract", "maximum"):
            op = getattr(keras.ops, name)
            inp = keras.Input(batch_shape=(2, 3), dtype=dtype)
            model = keras.Model(inp, op(-1, inp))
            eager, graph = np.asarray(op(-1, x)), np.asarray(model(x))
            out[f"{name}_{dtype}"] = [str(eager.dtype), eager.tolist(), graph.tolist()]
    return out


@scenario
def activation_deserialize_of_none(keras):
    x = np.ones((3, 4), "float32")
    return {"call": error_classes(lambda: keras.activations.deserialize(None)(x))}


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

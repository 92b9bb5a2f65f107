"""Goldens for tests/ops/test_fuzz_ops_6.py: minimal repros of what the ops fuzzer (scripts/
fuzz/fuzz_ops.py; from seed 581 the ninth menu: activations given parameters at their
edges, identifier round trips, text parameters) found numkeras doing differently from
Keras 3, each a scenario run in both:

- `soft_shrink` with a negative threshold: Keras's formula, `x - t` above `t` and `x + t`
  below `-t` (so every value moves by `-t`); numkeras's `sign(x) * max(|x| - t, 0)`,
  the same for `t >= 0`, moved values toward 0 instead.
- `relu(max_value=m)` with `m` below 0: Keras clips `(y, 0, m)`, so `m` wins; numkeras
  took the max with 0 last (0). With a negative threshold, integers above it but below 0
  stayed negative under a max_value (Keras's clip lifts them to 0). Integers given a
  slope: Keras masks and clips them in their dtype (threshold 2.5 is 2, max_value 0.3 is
  0) before the slope's floats; numkeras compared them as floats.
- `relu(threshold=t)` of -inf (or NaN): 0, as Keras-JAX's select; numkeras multiplied by
  the mask (-inf * 0 = NaN).
- Misuse: text parameters (`leaky_relu(negative_slope="a")`, `elu(alpha="a")`: JAX's
  TypeError; `relu(max_value="a")`: float()'s ValueError) were ValueErrors only; a float
  axis to `softmax` / `log_softmax` of an empty tensor went through.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/fuzz_ops_6.json):
    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \\
        /work/main/scripts/goldens/make_fuzz_ops_6.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, error_classes  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_ops_6.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario

X = np.array([-2.0, -0.75, -0.5, 0.0, 0.25, 0.5, 3.0], "float32")


def _values(y) -> list:
    return np.asarray(y, "float64").tolist()


@scenario
def soft_shrink_negative_threshold(keras):
    out = {}
    for t in (-1.0, -0.25, 0.0, 0.5):
        out[f"activations_{t}"] = _values(keras.activations.soft_shrink(X, threshold=t))
        out[f"ops_{t}"] = _values(keras.ops.soft_shrink(X, threshold=t))
    out["nan"] = _values(keras.activations.soft_shrink(np.array([np.nan], "float32"), -1.0))
    return out


@scenario
def relu_max_value_below_zero(keras):
    a = keras.activations
    ints = np.array([-3, -1, 0, 2, 5], "int32")
    return {
        "max_below_zero": _values(a.relu(X, max_value=-1.0)),
        "max_below_zero_threshold": _values(a.relu(X, max_value=-1.0, threshold=1.0)),
        "max_below_zero_slope": _values(
            a.relu(X, negative_slope=-0.5, max_value=-1.0, threshold=1.0)
        ),
        "max_zero": _values(a.relu(X, max_value=0.0)),
        "negative_threshold_max": _values(a.relu(X, max_value=2.0, threshold=-1.0)),
        "int_negative_threshold_max": np.asarray(
            a.relu(ints, max_value=3, threshold=-2.5)
        ).tolist(),  # fmt: skip
        "int_dtype": str(np.asarray(a.relu(ints, max_value=3, threshold=-2.5)).dtype),
    }


@scenario
def relu_integers_with_a_slope(keras):
    a = keras.activations
    out = {}
    for dtype in ("int16", "int32"):
        x = np.array([5, -5, 2, 3, -1], dtype)
        for i, kw in enumerate(({"max_value": 0.3, "threshold": 2.0},
                                {"max_value": 2.7, "threshold": 2.5},
                                {"max_value": -1.5}, {"threshold": -1.5})):  # fmt: skip
            y = a.relu(x, negative_slope=-0.5, **kw)
            out[f"{dtype}_{i}"] = [str(np.asarray(y).dtype), _values(y)]
    return out


@scenario
def relu_threshold_of_minus_inf(keras):
    x = np.array([-np.inf, -1.0, 0.5, 2.0, 1000.0], "float32")
    a = keras.activations
    return {
        "threshold": _values(a.relu(x, threshold=1.0)),
        "threshold_max": _values(a.relu(x, max_value=0.3, threshold=1.0)),
        "float16": _values(a.relu(x.astype("float16"), max_value=0.3, threshold=1.0)),
        "ops": _values(keras.ops.relu(x)),
    }


def _misuse(keras, tensor) -> dict:
    a, o = keras.activations, keras.ops
    x, empty = tensor((2, 3)), tensor((0, 3))
    cases = {
        "leaky_relu_text_slope": lambda: a.leaky_relu(x, negative_slope="a"),
        "elu_text_alpha": lambda: a.elu(x, alpha="a"),
        "relu_text_max_value": lambda: a.relu(x, max_value="a"),
        "ops_leaky_relu_text_slope": lambda: o.leaky_relu(x, negative_slope="a"),
        "softmax_float_axis_empty": lambda: a.softmax(empty, axis=1.5),
        "log_softmax_float_axis_empty": lambda: a.log_softmax(empty, axis=1.5),
        "ops_log_softmax_float_axis_empty": lambda: o.log_softmax(empty, axis=1.5),
        "softmax_float_axis": lambda: a.softmax(x, axis=1.5),
    }
    return {k: error_classes(f) for k, f in cases.items()}


@scenario
def misuse_error_classes_eager(keras):
    return _misuse(keras, lambda shape: np.ones(shape, "float32"))


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

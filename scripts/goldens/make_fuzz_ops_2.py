"""Goldens for tests/ops/test_fuzz_ops_2.py: minimal repros of what the ops fuzzer's fifth
menu (scripts/fuzz/fuzz_ops.py, seeds 500 on: ops drawn nowhere before, and argument
combinations the other drawers leave out) found numkeras doing differently from Keras 3,
each a scenario run in both:

- `unique(x, size=...)` with an `axis`: JAX pads (or cuts) along that axis, with the first
  unique slice unless `fill_value` is given; numkeras padded along axis 0. With
  `return_index` / `return_counts`, JAX pads the indices with the first one and the
  counts with 0s (numkeras left them unpadded, and uncut for a smaller size); an empty
  input needs a `fill_value` (numkeras filled 0s) and keeps its indices and counts empty.
- `jvp` with a NaN or inf tangent: numkeras's (rows of the Jacobian dotted with the
  tangents) spread it over every output; JAX's forward mode only to those depending on it.
- `linspace(start, stop, num=1)` with an infinite start: NaN (NumPy's 0 * inf step);
  JAX gives the start.
- wrong arguments: numkeras took a float shape in `reshape` / an axis of 1.5 (cutting it
  to an int), a float or negative `one_hot` class count, a destination axis out of range
  in `moveaxis`, a negative size in `tri` (an empty result); `array_split(x, 0)` was a
  ZeroDivisionError; `take` of float indices, `repeat` of a negative count, `slice`
  larger than the tensor and `zeros` / `full` of a float or negative size raised another
  built-in class than Keras's (JAX's TypeError, Keras's ValueError on symbolic tensors:
  numkeras's errors are now both where Keras's two differ). On symbolic tensors numkeras
  gave shapes where Keras refuses: `transpose` with a repeated axis, `segment_sum` of ids
  and data of other lengths, `conv` with a kernel of another rank, `depthwise_conv` with
  another channel count, `batch_normalization` with statistics of another length.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/fuzz_ops_2.json):
    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \
        /work/main/scripts/goldens/make_fuzz_ops_2.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, error_classes  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_ops_2.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


def enc(x) -> dict:
    """An array (or a tuple of them) as dtype, shape and values (infinities as "inf" /
    "-inf": the comparison of floats subtracts them)."""
    if isinstance(x, (tuple, list)):
        return {"items": [enc(v) for v in x]}
    a = np.asarray(x)
    values = [v if not np.isinf(v) else str(v) for v in a.ravel().tolist()]
    return {"dtype": str(a.dtype), "shape": list(a.shape), "values": values}


@scenario
def unique_with_size(keras):
    x = np.array([[3, 1], [0, 1], [3, 1], [2, 2]], "int32")
    cases = {
        "flat": {"size": 6},
        "axis_0": {"size": 6, "axis": 0},
        "axis_1": {"size": 6, "axis": 1},
        "axis_1_fill": {"size": 6, "axis": 1, "fill_value": -1},
        "extras": {
            "size": 6,
            "return_index": True,
            "return_counts": True,
            "return_inverse": True,
        },  # fmt: skip
        "extras_cut": {"size": 2, "return_index": True, "return_counts": True},
        "axis_extras": {
            "size": 5,
            "axis": 0,
            "return_index": True,
            "return_counts": True,
            "fill_value": -1,
        },  # fmt: skip
        "axis_cut": {"size": 1, "axis": 0, "return_counts": True},
    }
    out = {name: enc(keras.ops.unique(x, **kw)) for name, kw in cases.items()}
    empty = np.zeros((2, 0), "float32")  # (its indices and counts stay empty)
    out["empty"] = enc(keras.ops.unique(empty, size=4, fill_value=-1, return_index=True,
                                        return_counts=True))  # fmt: skip
    return out


@scenario
def jvp_of_non_finite_tangents(keras):
    # a NaN or inf tangent reaches only the outputs that depend on it (forward mode);
    # numkeras's rows of J dotted with t gave 0 * NaN = NaN everywhere
    o = keras.ops
    x = np.array([[0.5, -1.0], [2.0, 0.25]], "float32")
    t = np.array([[1.0, np.nan], [np.inf, 0.5]], "float32")
    double = o.jvp(lambda v: o.multiply(v, 2), (x,), (t,))
    exp = o.jvp(o.exp, (x,), (t,))
    return {"double": enc(double), "exp": enc(exp)}


@scenario
def linspace_of_one_sample(keras):
    # num=1 gives the start itself; NumPy's 0 * (an infinite step) made it NaN
    start = np.array([[-np.inf, 1.0], [2.0, np.inf]], "float32")
    return {
        f"axis_{axis}": enc(keras.ops.linspace(start, 3.0, num=1, axis=axis)) for axis in (0, 1)
    }


@scenario
def misuse_error_classes(keras):
    o = keras.ops
    x, v = np.ones((2, 3), "float32"), np.ones(4, "float32")
    ids = np.array([0, 1, 2, 1], "int32")
    t = keras.KerasTensor((2, 3))
    cases = {
        "reshape_float_size": lambda: o.reshape(x, (2.0, 3)),
        "sum_float_axis": lambda: o.sum(x, axis=1.5),
        "sum_float_axis_symbolic": lambda: o.sum(t, axis=1.5),
        "one_hot_float_classes": lambda: o.one_hot(ids, 3.5),
        "one_hot_float_classes_symbolic": lambda: o.one_hot(keras.KerasTensor((4,), "int32"), 3.5),
        "one_hot_negative_classes": lambda: o.one_hot(ids, -2),
        "take_float_indices": lambda: o.take(v, 1.5),
        "repeat_negative": lambda: o.repeat(v, -1),
        "repeat_negative_symbolic": lambda: o.repeat(keras.KerasTensor((4,)), -1),
        "moveaxis_out_of_range": lambda: o.moveaxis(x, 0, 5),
        "moveaxis_out_of_range_symbolic": lambda: o.moveaxis(t, 0, 5),
        "array_split_zero": lambda: o.array_split(v, 0),
        "array_split_zero_symbolic": lambda: o.array_split(keras.KerasTensor((4,)), 0),
        "slice_too_large": lambda: o.slice(np.ones((4, 4), "float32"), (0, 0), (5, 2)),
        "zeros_float_size": lambda: o.zeros((2, 2.5)),
        "full_negative_size": lambda: o.full((2, -1), 0.0),
        "unique_empty_without_fill": lambda: o.unique(np.zeros(0, "float32"), size=3),
        "tri_negative": lambda: o.tri(-2),
        # (symbolic tensors: Keras checks these before any data; numkeras gave a shape)
        "transpose_repeated_axis_symbolic": lambda: o.transpose(t, axes=(0, 0)),
        "segment_sum_other_rows_symbolic": lambda: o.segment_sum(
            keras.KerasTensor((4,)), keras.KerasTensor((3,), "int32"), num_segments=2
        ),
        "conv_kernel_rank_symbolic": lambda: o.conv(
            keras.KerasTensor((1, 5, 2)), keras.KerasTensor((3, 3, 2, 1))
        ),
        "depthwise_conv_channels_symbolic": lambda: o.depthwise_conv(
            keras.KerasTensor((1, 5, 5, 2)), keras.KerasTensor((3, 3, 3, 1))
        ),
        "batch_normalization_mean_length_symbolic": lambda: o.batch_normalization(
            t, keras.KerasTensor((4,)), keras.KerasTensor((4,)), -1
        ),
    }
    return {name: error_classes(fn) for name, fn in cases.items()}


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

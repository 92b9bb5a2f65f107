"""Goldens for tests/ops/test_ops_fixes_2.py: what the ops fuzzer (scripts/fuzz/fuzz_ops.py,
seeds 100 and up) and its notes found numkeras doing differently from Keras 3's
`keras.ops`, each a scenario run in both:

- `adaptive_max_pool` keeps integers (numkeras gave float32); `average_pool` of integers
  gives float32 (numkeras raised); in a model the means stay floats (numkeras cast them
  to the symbolic int dtype).
- `map`, `vectorized_map`, `scan` and `associative_scan` over a model's unknown batch
  axis (numkeras refused them).
- NaN and inf stay local in the adaptive average pools (each bin is its own sum), nearest
  resizing (a gather) and `image.gaussian_blur` (a windowed sum), where numkeras's
  weight matrices put `0 * inf` (NaN) along whole rows and columns. Keras-JAX's other
  resize methods contract weight matrices too: their NaN pattern is Keras's own.
- `norm(ord=2)` of a matrix with no rows or columns is 0 (`ord=-2` raises ValueError).
- an integer raised to a negative integer power raises TypeError (JAX's), where numkeras
  wrapped a negative Python int into uint8 and computed.
- `roll` of a symbolic tensor checks its axis; `conv` raises on an empty output.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the
test) returning JSON-able values; 64-bit dtypes are left out (Keras on JAX computes them in
32 bits). Run with Keras 3 and JAX installed (writes tests/goldens/ops_fixes_2.json):
    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \
        /work/main/scripts/goldens/make_ops_fixes_2.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from scripts.goldens.make_fuzz_ops import enc  # noqa: E402 (an array as JSON, NaN kept)
from tests.differential import Scenarios  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "ops_fixes_2.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


def image(*bad) -> np.ndarray:
    """A (1, 5, 4, 1) float32 image with `bad` values (NaN, inf, -inf) at fixed places."""
    x = np.arange(20, dtype="float32").reshape(1, 5, 4, 1)
    for (i, j), v in zip([(2, 1), (0, 3), (4, 0)], bad):
        x[0, i, j, 0] = v
    return x


def outcome(fn):
    """`fn()`'s array (`enc`), or the built-in exception classes its error is."""
    try:
        return enc(fn())
    except Exception as e:  # noqa: BLE001 - the type is the result
        return {"raises": [c.__name__ for c in (TypeError, ValueError) if isinstance(e, c)]}


@scenario
def adaptive_pools_keep_nonfinite_local(keras):
    ops = keras.ops
    out = {}
    for name, bad in [("inf", (np.inf,)), ("nan", (np.nan,)), ("mixed", (np.nan, np.inf, -np.inf))]:
        x = image(*bad)
        out[name] = {
            "average_3x2": enc(ops.adaptive_average_pool(x, (3, 2))),
            "average_3x3": enc(ops.adaptive_average_pool(x, (3, 3))),
            "average_1d": enc(ops.adaptive_average_pool(x[:, :, 1, :], 3)),
            "average_channels_first": enc(
                ops.adaptive_average_pool(np.moveaxis(x, -1, 1), (2, 3), "channels_first")
            ),
            "max_3x3": enc(ops.adaptive_max_pool(x, (3, 3))),
            "layer": enc(keras.layers.AdaptiveAveragePooling2D((3, 2))(x)),
        }
    return out


@scenario
def adaptive_max_pool_keeps_integers(keras):
    """The max of integers stays integer (the mean is float32)."""
    ops = keras.ops
    x = np.arange(40).reshape(2, 5, 4, 1)
    out = {}
    for dtype in ["int32", "uint8", "int8", "int16"]:
        a = x.astype(dtype)
        out[dtype] = {
            "max": enc(ops.adaptive_max_pool(a, (2, 3))),
            "max_1d": enc(ops.adaptive_max_pool(a[:, :, 0], 3)),
            "average": enc(ops.adaptive_average_pool(a, (3, 2))),
        }
    return out


@scenario
def average_pool_of_integers(keras):
    """The mean of integer windows is float32 (numkeras's NumPy raised a casting error).
    (uint8 values whose window sums stay under 256: Keras-JAX sums in uint8, wrapping.)"""
    ops = keras.ops
    x = np.arange(40).reshape(2, 5, 4, 1)
    out = {}
    for dtype in ["int32", "uint8", "int16"]:
        a = x.astype(dtype)
        out[dtype] = {
            "valid": enc(ops.average_pool(a, 2, 2)),
            "same": enc(ops.average_pool(a, (2, 3), 1, padding="same")),
            "1d": enc(ops.average_pool(a[:, :, 0], 2, 2)),
        }
    return out


@scenario
def integer_pools_in_a_model(keras):
    """Pools of an integer `Input` in a functional model: the means are floats (numkeras
    cast them back to the symbolic int dtype), the maxima integers."""
    ops = keras.ops
    x = keras.Input((5, 4, 1), dtype="int32")
    outs = [
        ops.adaptive_average_pool(x, (2, 3)),
        ops.average_pool(x, 2, 2),
        ops.adaptive_max_pool(x, (2, 2)),
        ops.max_pool(x, 2, 2),
    ]
    model = keras.Model(x, outs)
    data = np.arange(40, dtype="int32").reshape(2, 5, 4, 1)
    return [enc(o) for o in model.predict(data, verbose=0)]


@scenario
def resize_nearest_keeps_nonfinite_local(keras):
    resize = keras.ops.image.resize
    out = {}
    for name, bad in [("inf", (np.inf,)), ("nan", (np.nan,)), ("mixed", (np.nan, np.inf, -np.inf))]:
        x = image(*bad)
        out[name] = {
            "up": enc(resize(x, (7, 6), interpolation="nearest")),
            "down": enc(resize(x, (3, 2), interpolation="nearest")),
            "pad": enc(resize(x, (3, 6), "nearest", pad_to_aspect_ratio=True, fill_value=7.0)),
            "crop": enc(resize(x, (3, 6), interpolation="nearest", crop_to_aspect_ratio=True)),
            "layer": enc(keras.layers.Resizing(3, 6, interpolation="nearest")(x)),
            # (weight matrices in Keras-JAX too: NaN along rows and columns, as numkeras)
            "bilinear": enc(resize(x, (7, 6))),
            "bicubic_down": enc(resize(x, (3, 2), interpolation="bicubic")),
            # (3 to 1 samples the middle pixel with weight 1, yet Keras contracts a matrix)
            "bilinear_thirds": enc(resize(x[:, 2:5, 1:4], (1, 1))),
        }
    return out


@scenario
def gaussian_blur_keeps_nonfinite_local(keras):
    blur = keras.ops.image.gaussian_blur
    out = {}
    for name, bad in [("inf", (np.inf,)), ("nan", (np.nan,)), ("mixed", (np.nan, np.inf, -np.inf))]:
        x = image(*bad)
        out[name] = {
            "default": enc(blur(x, data_format="channels_last")),
            "uneven": enc(blur(x, (4, 2), (1.0, 2.0), data_format="channels_last")),
            "wide": enc(blur(x, (5, 5), (0.5, 1.5), data_format="channels_last")),
            "channels_first": enc(
                blur(np.moveaxis(x, -1, 1), (3, 5), (2.0, 1.0), data_format="channels_first")
            ),
        }
    return out


@scenario
def norm_of_empty_matrices(keras):
    ops = keras.ops
    out = {}
    for shape in [(0, 3), (3, 0), (0, 0), (2, 0, 3)]:
        x = np.ones(shape, "float32")
        for order in [2, -2, "nuc", "fro", 1, "inf"]:
            o = np.inf if order == "inf" else order
            out[f"{shape}_{order}"] = outcome(lambda x=x, o=o: ops.norm(x, ord=o, axis=(-2, -1)))
    return out


@scenario
def integer_negative_powers(keras):
    ops = keras.ops
    cases = {
        "uint8_neg_int": (np.array([1, 2, 3], "uint8"), -1),
        "uint8_neg_int2": (np.array([1, 2, 3], "uint8"), -2),
        "int8_neg_int": (np.array([1, 2, 3], "int8"), -1),
        "int32_neg_0d": (np.array([1, 2, 3], "int32"), np.array(-2, "int32")),
        "int16_neg_0d_int8": (np.array([1, 2, 3], "int16"), np.array(-2, "int8")),
        "bool_neg_int": (np.array([True, False]), -1),
        "uint8_pos_int": (np.array([1, 2, 3], "uint8"), 2),
        "uint8_zero": (np.array([1, 2, 3], "uint8"), 0),
        "uint8_neg_float": (np.array([1, 2, 4], "uint8"), -1.0),
        "int32_neg_float_array": (np.array([1, 2, 4], "int32"), np.array(-1.0, "float32")),
    }
    return {name: outcome(lambda a=a, b=b: ops.power(a, b)) for name, (a, b) in cases.items()}


@scenario
def conv_with_an_empty_output(keras):
    """A kernel wider than the input: `conv` raises ValueError (`depthwise_conv` gives an
    empty output); an empty input gives an empty output."""
    ops = keras.ops
    x, kernel = np.ones((1, 3, 2), "float32"), np.ones((3, 2, 2), "float32")
    return {
        "dilated": outcome(lambda: ops.conv(x, kernel, strides=2, dilation_rate=2)),
        "wide": outcome(lambda: ops.conv(x, np.ones((4, 2, 2), "float32"))),
        "empty_batch": outcome(lambda: ops.conv(x[:0], kernel)),
        "depthwise": outcome(lambda: ops.depthwise_conv(x, np.ones((4, 2, 1), "float32"))),
        "fits": outcome(lambda: ops.conv(x, kernel)),
    }


@scenario
def roll_symbolic_axis_out_of_range(keras):
    ops = keras.ops
    out = {}
    for name, shape, axis in [("1d_axis1", (3,), 1), ("2d_axis-3", (None, 2), -3)]:
        out[name] = outcome(lambda s=shape, a=axis: ops.roll(keras.KerasTensor(s, "int8"), 1, a))
    out["ok"] = list(ops.roll(keras.KerasTensor((None, 2), "int8"), 1, axis=[0, -1]).shape)
    return out


LOOP_X = np.random.default_rng(0).normal(size=(4, 3)).round(2).astype("float32")


@scenario
def loops_over_the_batch_axis(keras):
    """`map`, `vectorized_map`, `scan` and `associative_scan` over a model's unknown batch
    axis (numkeras refused them: it unrolled loops of known length only)."""
    ops = keras.ops
    x, free = keras.Input((3,)), keras.Input((None,))
    loops = {
        "map": lambda: ops.map(lambda r: ops.sum(r) * r, x),
        "vectorized_map": lambda: ops.vectorized_map(
            lambda r: {"a": ops.tanh(r), "b": ops.max(r)}, x
        ),
        "scan": lambda: ops.scan(lambda c, r: (c * 0.5 + r, ops.sin(c) * r), ops.zeros((3,)), x),
        "scan_reverse_trees": lambda: ops.scan(
            lambda c, r: ((c[0] + r[0], c[1] * r[1]), r[0] - c[1]),
            (ops.zeros((3,)), ops.ones((3,))),
            (x, x * 0.5),
            reverse=True,
        ),
        "associative_scan": lambda: ops.associative_scan(lambda a, b: a + b, x),
        "associative_scan_reverse_trees": lambda: ops.associative_scan(
            lambda a, b: (ops.maximum(a[0], b[0]), a[1] * b[1]), (x, x * 0.9), reverse=True
        ),
        "associative_scan_axis_1": lambda: ops.associative_scan(lambda a, b: a * b, free, axis=1),
    }
    out = {}
    for name, loop in loops.items():
        flat = keras.tree.flatten(loop())
        model = keras.Model(free if name.endswith("axis_1") else x, flat)
        out[name] = {
            "shapes": [list(t.shape) for t in flat],
            "predict": [np.asarray(p).round(5).tolist() for p in model.predict(LOOP_X, verbose=0)],
            "one": [list(np.shape(p)) for p in model.predict(LOOP_X[:1], verbose=0)],
        }
    return out


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

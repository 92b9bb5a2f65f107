"""Goldens for tests/ops/test_fuzz_ops_3.py: minimal repros of what the ops fuzzer's sixth
menu (scripts/fuzz/fuzz_ops.py, seeds 518 on: type promotion of small dtypes, 0-size and
size-1 broadcasting, negative axes, negative indices, grouped convolutions, ctc's
mask_index, batched and empty matrices, ...) found numkeras doing differently from
Keras 3, each a scenario run in both:

- `batch_normalization` with statistics of length 1: Keras's arrays reshape every
  statistic to mean's length, which broadcasts over `x.shape[axis]`; numkeras refused
  them. (Keras's symbolic check refuses them, and crashes on an `offset` without a
  `scale`; numkeras's symbolic call gives the eager call's shape.) Statistics of other
  lengths than mean's, or a mean of neither 1 nor the axis's length: Keras's ValueError
  (a reshape) or TypeError (broadcasting); numkeras's error is both.
- `ctc_decode(mask_index=None)`: Keras takes the last class as the blank (numkeras
  compared the indices with None, so dropped none); float16 logits decode in float32, as
  Keras promotes them (numkeras's scores were float16).
- `matmul` of int8 with bool (or a Python number): Keras accumulates in int32 only for
  two int8 tensors (numkeras: any int8 result), and refuses a number with ValueError
  (numkeras crashed with AttributeError).
- `ctc_loss` of a sample whose label is empty (length 0): numkeras's backward pass
  crashed (the path is the blank alone); Keras gives the all-blank path's loss.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/fuzz_ops_3.json):
    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \
        /work/main/scripts/goldens/make_fuzz_ops_3.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, error_classes  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_ops_3.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


def enc(x) -> dict:
    """An array (or a tuple of them) as dtype, shape and values."""
    if isinstance(x, (tuple, list)):
        return {"items": [enc(v) for v in x]}
    a = np.asarray(x)
    return {"dtype": str(a.dtype), "shape": list(a.shape), "values": a.ravel().tolist()}


@scenario
def batch_normalization_length_one(keras):
    bn = keras.ops.batch_normalization
    x = (np.arange(24, dtype="float32").reshape(2, 3, 4) - 10) / 5
    one = {k: np.array([v], "float32") for k, v in (("m", 0.5), ("v", 2.0), ("o", 1.0), ("s", 3))}
    m3, v3 = np.array([0.1, -0.2, 0.3], "float32"), np.array([1.0, 0.5, 2.0], "float32")
    return {
        "last_axis": enc(bn(x, one["m"], one["v"], -1)),
        "axis_1": enc(bn(x, one["m"], one["v"], 1, offset=one["o"], scale=one["s"])),
        "axis_0_offset": enc(bn(x, one["m"], one["v"], 0, offset=one["o"], epsilon=0.1)),
        "float16_stats": enc(bn(x, one["m"].astype("float16"), one["v"].astype("float16"), 2)),
        "int_x": enc(bn(x.astype("int32"), one["m"], one["v"], -2, scale=one["s"])),
        "channels_axis_1": enc(bn(x, m3, v3, 1, scale=v3)),
    }


@scenario
def misuse_error_classes(keras):
    bn = keras.ops.batch_normalization
    x = np.ones((2, 3, 4), "float32")
    one, four = np.ones(1, "float32"), np.ones(4, "float32")
    return {
        "offset_of_channels": error_classes(lambda: bn(x, one, one, -1, offset=four)),
        "scale_of_one": error_classes(lambda: bn(x, four, four, -1, scale=one)),
        "variance_of_one": error_classes(lambda: bn(x, four, one, -1)),
        "mean_of_other_length": error_classes(
            lambda: bn(x, np.ones(3, "float32"), np.ones(3, "float32"), -1)
        ),  # fmt: skip
        "matmul_int8_with_number": error_classes(
            lambda: keras.ops.matmul(np.ones((2, 2), "int8"), 2)
        ),
    }


@scenario
def ctc_decode_blank_and_dtype(keras):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 5, 4)).round(2).astype("float32")
    lengths = np.array([5, 3], "int32")
    out = {}
    for merge in (True, False):
        out[f"mask_none_merge_{merge}"] = enc(
            keras.ops.ctc_decode(x, lengths, mask_index=None, merge_repeated=merge)
        )
    out["float16"] = enc(keras.ops.ctc_decode(x.astype("float16"), lengths))
    beam = keras.ops.ctc_decode(x.astype("float16"), lengths, strategy="beam_search",
                                beam_width=3)  # fmt: skip
    out["float16_beam_dtypes"] = [str(np.asarray(b).dtype) for b in beam]
    return out


@scenario
def ctc_loss_empty_label(keras):
    rng = np.random.default_rng(4)
    logits = rng.normal(size=(2, 6, 5)).round(2).astype("float32")
    labels = np.array([[1, 0, 1], [3, 2, 1]], "int32")
    out = {}
    for mask in (0, 4):
        loss = keras.ops.ctc_loss(labels, logits, np.array([0, 2], "int32"),
                                  np.array([6, 3], "int32"), mask_index=mask)  # fmt: skip
        out[f"mask_{mask}"] = enc(loss)
    return out


@scenario
def matmul_small_int_dtypes(keras):
    # only two int8 tensors accumulate into int32; a bool or uint8 partner keeps the
    # promoted dtype (numkeras gave int32 for int8 with bool)
    o = keras.ops
    m = {d: np.array([[1, 0], [1, 1]], d) for d in ("bool", "int8", "uint8", "int16")}
    pairs = [("bool", "int8"), ("int8", "bool"), ("int8", "int8"), ("int8", "uint8"),
             ("uint8", "uint8"), ("int16", "int8")]  # fmt: skip
    return {f"{a}_{b}": enc(o.matmul(m[a], m[b])) for a, b in pairs}


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

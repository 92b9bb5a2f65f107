"""Goldens for tests/ops/test_fuzz_ops_4.py: minimal repros of what the ops fuzzer (scripts/
fuzz/fuzz_ops.py, seeds 526-540, the sixth menu and, from seed 536, the seventh: misuse)
found numkeras doing differently from Keras 3, each a scenario run in both:

- A binary op of an integer (or bool) tensor and a float16 one (`divide(uint16,
  float16)`): Keras's backends cast both operands to the result's dtype (float16) before
  the operation, so 65535 is inf there and `65535 / 1.82` is inf; numkeras computed in
  NumPy's float32 and rounded the result (36000). The same for `multiply`, `power`,
  `mod`, `fmod`, `floor_divide`, `nextafter`, `divide_no_nan`, ... (int32 and Python
  numbers too); `ldexp`'s exponent stays an integer.
- Misuse (the seventh menu): symbolic `concatenate` past the rank, `stack` of other shapes,
  `mean` over an axis named twice, `trace` / `rot90` of one axis twice, `tile` by a
  negative count, `average` with weights of another shape, `solve` / `ctc_loss` whose
  arguments' rows differ went through (Keras: ValueError), or failed eagerly with NumPy's
  bare errors; `slice_update` of a block bigger than the tensor and `affine_transform` of
  6 values are JAX's TypeError, `pad(mode="nope")` its NotImplementedError, and float
  `segment_ids` its TypeError (numkeras cut them to integers). Keras's symbolic calls take
  some of these (the test checks numkeras's symbolic error only where Keras raised).

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/fuzz_ops_4.json):
    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \\
        /work/main/scripts/goldens/make_fuzz_ops_4.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, error_classes  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_ops_4.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


def enc(x) -> dict:
    """An array as dtype, shape and values (inf and NaN as text, for JSON)."""
    a = np.asarray(x)
    values = [v if np.isfinite(v) else str(v) for v in a.astype("float64").ravel().tolist()]
    return {"dtype": str(a.dtype), "shape": list(a.shape), "values": values}


BINARY = ["add", "subtract", "multiply", "divide", "true_divide", "power", "maximum",
          "minimum", "mod", "fmod", "floor_divide", "divide_no_nan", "nextafter", "hypot",
          "logaddexp", "arctan2", "heaviside", "fmax"]  # fmt: skip


@scenario
def integer_operands_of_float16_results(keras):
    o = keras.ops
    big = np.array([65535, 65535, 4, 70000], "int32")
    half = np.array([1.8, -2.9, 1.5, 0.5], "float16")
    out = {}
    for op in BINARY:
        f = getattr(o, op)
        out[f"{op}_int32_float16"] = enc(f(big, half))
        out[f"{op}_float16_uint16"] = enc(f(half[:3], big[:3].astype("uint16")))
        out[f"{op}_bool_float16"] = enc(f(np.array([True, False, True, True]), half))
    out["multiply_float16_by_python_int"] = enc(o.multiply(half, 70000))
    out["ldexp_float16_int32"] = enc(o.ldexp(half, np.array([1, 2, 3, 20], "int32")))
    return out


def _misuse(keras, tensor) -> dict:
    """The seventh menu's misuses that differed, on `tensor(shape, dtype)` arguments."""
    o = keras.ops

    def t(*shape, dtype="float32"):
        return tensor(shape, dtype)

    cases = {
        "concatenate_axis_3": lambda: o.concatenate([t(2, 3), t(2, 3)], axis=3),
        "stack_of_other_shapes": lambda: o.stack([t(2, 3), t(3, 2)]),
        "mean_axis_twice": lambda: o.mean(t(2, 3), axis=(0, 0)),
        "trace_same_axes": lambda: o.trace(t(3, 3), axis1=1, axis2=1),
        "rot90_same_axes": lambda: o.rot90(t(2, 3), axes=(0, 0)),
        "tile_negative": lambda: o.tile(t(2), (-1,)),
        "average_weights_of_other_shape": lambda: o.average(t(2, 3), weights=t(4)),
        "solve_rows_differ": lambda: o.solve(t(2, 2), t(3, 1)),
        "ctc_loss_batches_differ": lambda: o.ctc_loss(
            t(2, 3, dtype="int32"), t(3, 5, 4), t(2, dtype="int32"), t(2, dtype="int32")
        ),
        "slice_update_block_too_big": lambda: o.slice_update(t(4, 4), (0, 0), t(5, 2)),
        "affine_transform_of_6": lambda: o.image.affine_transform(t(1, 4, 4, 1), t(1, 6)),
        "pad_mode_nope": lambda: o.pad(t(2, 3), 1, mode="nope"),
        "segment_max_float_ids": lambda: o.segment_max(t(4), t(4), num_segments=2),
    }
    return {k: error_classes(f) for k, f in cases.items()}


@scenario
def misuse_error_classes_eager(keras):
    return _misuse(keras, lambda shape, dtype: np.ones(shape, dtype))


@scenario
def misuse_error_classes_symbolic(keras):
    return _misuse(keras, lambda shape, dtype: keras.Input(batch_shape=shape, dtype=dtype))


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

"""Goldens for tests/ops/test_fuzz_ops_5.py: minimal repros of what the ops fuzzer (scripts/
fuzz/fuzz_ops.py, seeds 541-560; from seed 551 the eighth menu: floats where integers go,
inputs missing their batch axis, decompositions of vectors, repeated axes) found numkeras
doing differently from Keras 3, each a scenario run in both:

- Resampling an integer image (`affine_transform`, `perspective_transform`,
  `map_coordinates`) with a fractional `fill_value`: JAX casts the fill to the image's
  dtype first (2.7 -> 2 for uint8); numkeras filled with the float and rounded (3). A fill
  outside the dtype (300 or -1.5 for uint8) is JAX's OverflowError; numkeras wrapped it.
- `norm(ord=inf)` over an empty axis: 0, as JAX's max with initial=0; numkeras raised
  NumPy's "zero-size array to reduction operation maximum".
- Misuse: a float where an integer goes (`linspace(num=2.5)`, `tri(2.5)`, `eye(k=1.5)`,
  `top_k(k=2.5)`, `argsort(axis=1.5)`, `swapaxes(x, 0, 1.5)`, `segment_sum(num_segments=
  2.5)`) went through (truncated); text fills (`full((2, 2), "a")`, `full_like`, a list
  mixing text and numbers) and `arange(step="a")` raised NumPy's ValueError / TypeError
  where Keras raises the other; `flip` of a repeated axis, `qr` of a vector, `gcd` of
  floats, `in_top_k` of float targets, `cdist` of vectors, `average_pool` of a 2-D tensor
  raised another built-in class; symbolic `depth_to_space` / `space_to_depth` of sizes the
  block does not divide, `append` of other shapes, `segment_sum(num_segments=-1)` and
  `expand_dims` of a repeated axis went through.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/fuzz_ops_5.json):
    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \\
        /work/main/scripts/goldens/make_fuzz_ops_5.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, error_classes  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_ops_5.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


@scenario
def integer_image_fill_values(keras):
    o = keras.ops
    x = np.full((1, 3, 3, 1), 4, "uint8")
    shift = np.array([[1, 0, 2, 0, 1, 0, 0, 0]], "float32")
    start = np.array([[0, 0], [2, 0], [0, 2], [2, 2]], "float32")
    out = {}
    for fill in (2.5, 2.7, 0.4):
        for interp in ("nearest", "bilinear"):
            key = f"{fill}_{interp}"
            out[f"affine_{key}"] = np.asarray(
                o.image.affine_transform(x, shift, interpolation=interp, fill_value=fill)
            ).tolist()
            out[f"perspective_{key}"] = np.asarray(
                o.image.perspective_transform(
                    x, start, start + [2, 0], interpolation=interp, fill_value=fill
                )
            ).tolist()
        coords = [np.array([0.5, 5.0]), np.array([0.0, 0.0])]
        out[f"map_coordinates_{fill}"] = np.asarray(
            o.image.map_coordinates(x[0, :, :, 0], coords, 1, fill_value=fill)
        ).tolist()
    for fill in (300.0, -1.5):
        out[f"affine_fill_{fill}"] = error_classes(
            lambda f=fill: o.image.affine_transform(x, shift, fill_value=f)
        )[0]  # (the class Keras raised; numkeras's is a ValueError too)
    return out


@scenario
def inf_norm_of_an_empty_axis(keras):
    o = keras.ops
    return {
        "int32_axis0": np.asarray(o.norm(np.zeros((0, 3), "int32"), ord=np.inf, axis=0)).tolist(),
        "float32_vector": float(o.norm(np.zeros((0,), "float32"), ord=np.inf)),
        "keepdims": list(
            np.shape(o.norm(np.zeros((2, 0), "float32"), ord=np.inf, axis=1, keepdims=True))
        ),  # fmt: skip
        "minus_inf": error_classes(lambda: o.norm(np.zeros((0, 3)), ord=-np.inf, axis=0)),
    }


def _misuse(keras, tensor) -> dict:
    """The eighth menu's misuses that differed, on `tensor(shape, dtype)` arguments."""
    o = keras.ops

    def t(*shape, dtype="float32"):
        return tensor(shape, dtype)

    ids = tensor((4,), "int32")
    cases = {
        "linspace_float_num": lambda: o.linspace(0, 1, num=2.5),
        "tri_float": lambda: o.tri(2.5),
        "eye_float_k": lambda: o.eye(2, k=1.5),
        "top_k_float_k": lambda: o.top_k(t(2, 3), 2.5),
        "argsort_float_axis": lambda: o.argsort(t(2, 3), axis=1.5),
        "swapaxes_float_axis": lambda: o.swapaxes(t(2, 3), 0, 1.5),
        "segment_sum_float_count": lambda: o.segment_sum(t(4), ids, num_segments=2.5),
        "segment_sum_negative_count": lambda: o.segment_sum(t(4), ids, num_segments=-1),
        "full_of_text": lambda: o.full((2, 2), "a"),
        "full_like_of_text": lambda: o.full_like(t(2), "a"),
        "convert_text_and_numbers": lambda: o.convert_to_tensor([1, "a"]),
        "arange_text_step": lambda: o.arange(0, 5, step="a"),
        "flip_repeated_axis": lambda: o.flip(t(2, 3), axis=(0, 0)),
        "qr_of_a_vector": lambda: o.qr(t(3)),
        "gcd_of_floats": lambda: o.gcd(t(3), t(3)),
        "in_top_k_float_targets": lambda: o.in_top_k(t(4), t(4, 3), 1),
        "cdist_of_vectors": lambda: o.cdist(t(3), t(3)),
        "average_pool_rank_2": lambda: o.average_pool(t(4, 1), 2),
        "depth_to_space_indivisible": lambda: o.depth_to_space(t(1, 2, 2, 3), 2),
        "space_to_depth_indivisible": lambda: o.space_to_depth(t(1, 3, 3, 1), 2),
        "append_other_shapes": lambda: o.append(t(2, 3), t(2, 4), axis=0),
        "expand_dims_repeated_axis": lambda: o.expand_dims(t(2, 3), (0, 0)),
    }
    return {k: error_classes(f) for k, f in cases.items()}


@scenario
def misuse_error_classes_eager(keras):
    rng = np.random.default_rng(0)

    def tensor(shape, dtype):
        values = rng.integers(0, 3, shape) if "int" in dtype else rng.normal(size=shape)
        return values.astype(dtype)

    return _misuse(keras, tensor)


@scenario
def misuse_error_classes_symbolic(keras):
    return _misuse(keras, lambda shape, dtype: keras.KerasTensor(shape, dtype=dtype))


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

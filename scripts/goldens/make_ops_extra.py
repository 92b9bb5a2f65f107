"""Golden values for the further `keras.ops` that user code writes in custom layers, Lambdas
and losses (numkeras/ops/numpy_extra.py, core_extra.py and the new ops of nn.py: tile,
repeat, split, einsum, take, pad, sort, top_k, moments, dot_product_attention, ...),
produced by real Keras 3 on the JAX backend; and for the Keras 2 backend functions that
call them (`K.batch_dot`, `K.repeat_elements`, `K.gather`, ...), produced by tf_keras 2.21.

Run with Keras and JAX installed (and numkeras, for the files it writes):
    KERAS_BACKEND=jax python scripts/goldens/make_ops_extra.py
Writes tests/goldens/ops_extra.json:
- per eager case: the inputs (with their dtypes), Keras's outputs (a list: several for
  split, top_k, moments) and their dtypes, a cotangent per float output and the gradients
  (jax.grad) of `sum(output * r)` w.r.t. each float input, the symbolic output shapes and
  dtypes Keras computes (axis 0 unknown), and the op's config;
- per call of `EAGER_CASES` (Python values only: arange, linspace, eye, full,
  convert_to_tensor), Keras's output and dtype;
- per functional model (the builders below, shared with the tests): Keras's config, its
  predictions, and the weights after 2 SGD steps from fixed initial weights; and whether
  Keras loads the `.keras` file numkeras writes of it, with Keras's predictions from it;
and tests/goldens/saving/keras_ops_extra_<name>.keras, Keras files of the models.

Run with TensorFlow and tf_keras installed (no Keras 3 needed):
    python scripts/goldens/make_ops_extra.py --keras2
Writes tests/goldens/keras2_backend_extra.json: per case of `K2_CASES`, the inputs, tf_keras's
output, and the gradient (tf.GradientTape) of `sum(output * r)` w.r.t. the float inputs
listed in the case.
"""

import importlib.util
import json
import pathlib
import sys
import tempfile

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "goldens" / "ops_extra.json"
OUT_K2 = ROOT / "tests" / "goldens" / "keras2_backend_extra.json"
SAVING = ROOT / "tests" / "goldens" / "saving"


def _base():
    path = pathlib.Path(__file__).with_name("make_ops_more.py")
    spec = importlib.util.spec_from_file_location("make_ops_more", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BASE = _base()
T, F, INT, BOOL = BASE.T, BASE.F, BASE.INT, BASE.BOOL
decode, symbolic_shapes, as_inputs, to_json = (
    BASE.decode,
    BASE.symbolic_shapes,
    BASE.as_inputs,
    BASE.to_json,
)


def MASK(*shape):
    """A boolean attention mask with one query that sees no key."""
    return {"shape": list(shape), "dtype": "bool", "kind": "mask_rows"}


# (label, function, args, kwargs, inputs)
CASES = [
    # repetition and rearrangement
    ("tile", "tile", [T(0), [1, 2]], {}, [F(3, 4)]),
    ("tile_rank_up", "tile", [T(0), [2, 1, 3]], {}, [F(3, 4)]),
    ("tile_int", "tile", [T(0), 2], {}, [INT(3, 2)]),
    ("repeat", "repeat", [T(0), 2], {"axis": 1}, [F(3, 4)]),
    ("repeat_flat", "repeat", [T(0), 2], {}, [F(3, 2)]),
    ("split", "split", [T(0), 2], {"axis": -1}, [F(3, 4)]),
    ("split_indices", "split", [T(0), [1, 3]], {"axis": 1}, [F(3, 5)]),
    ("split_axis0", "split", [T(0), 3], {}, [F(3, 2)]),
    ("split_int", "split", [T(0), 2], {"axis": 1}, [INT(3, 4)]),
    ("flip", "flip", [T(0)], {"axis": 1}, [F(3, 4)]),
    ("flip_all", "flip", [T(0)], {}, [F(2, 3, 2)]),
    ("pad", "pad", [T(0), [[0, 0], [1, 2]]], {}, [F(3, 4)]),
    ("pad_value", "pad", [T(0), [[0, 0], [2, 1]], "constant", 1.5], {}, [F(3, 4)]),
    ("pad_tensor_value", "pad", [T(0), [[0, 0], [1, 1]], "constant", T(1)], {}, [F(3, 4), F()]),
    ("pad_reflect", "pad", [T(0), [[0, 0], [2, 3]]], {"mode": "reflect"}, [F(3, 4)]),
    ("pad_symmetric", "pad", [T(0), [[0, 0], [3, 2]]], {"mode": "symmetric"}, [F(3, 4)]),
    ("pad_edge", "pad", [T(0), [[1, 0], [0, 2]]], {"mode": "edge"}, [F(3, 4)]),
    ("pad_int_width", "pad", [T(0), 1], {}, [F(3, 4)]),
    ("broadcast_to", "broadcast_to", [T(0), [3, 2, 4]], {}, [F(2, 1)]),
    ("swapaxes", "swapaxes", [T(0), 1, 2], {}, [F(2, 3, 4)]),
    ("moveaxis", "moveaxis", [T(0), 1, -1], {}, [F(2, 3, 4)]),
    ("moveaxis_two", "moveaxis", [T(0), [0, 1], [2, 0]], {}, [F(2, 3, 4)]),
    ("ravel", "ravel", [T(0)], {}, [F(3, 4)]),
    ("hstack", "hstack", [[T(0), T(1)]], {}, [F(3, 2), F(3, 4)]),
    ("vstack", "vstack", [[T(0), T(1)]], {}, [F(3, 4), F(2, 4)]),
    ("vstack_vectors", "vstack", [[T(0), T(1)]], {}, [F(4), F(4)]),
    ("triu", "triu", [T(0)], {}, [F(2, 3, 4)]),
    ("tril_k", "tril", [T(0)], {"k": -1}, [F(4, 4)]),
    ("triu_int", "triu", [T(0)], {"k": 1}, [INT(3, 3)]),
    ("diag_vector", "diag", [T(0)], {"k": 1}, [F(3)]),
    ("diag_matrix", "diag", [T(0)], {"k": -1}, [F(3, 4)]),
    ("diagonal", "diagonal", [T(0)], {}, [F(3, 4)]),
    ("diagonal_axes", "diagonal", [T(0)], {"offset": 1, "axis1": 1, "axis2": 2}, [F(2, 3, 4)]),
    # gathering
    ("take", "take", [T(0), [0, 2, 2, -1]], {"axis": 1}, [F(3, 4)]),
    ("take_flat", "take", [T(0), [[0, 5], [5, 11]]], {}, [F(3, 4)]),
    ("take_tensor_indices", "take", [T(0), T(1)], {"axis": 0}, [F(4, 3), INT(2, 3)]),
    ("take_int", "take", [T(0), [1, 1]], {"axis": -1}, [INT(3, 4)]),
    ("take_along_axis", "take_along_axis", [T(0), T(1)], {"axis": 1}, [F(3, 4), INT(3, 5)]),
    ("take_along_axis_bcast", "take_along_axis", [T(0), T(1)], {"axis": 1}, [F(3, 4), INT(1, 2)]),
    ("take_along_axis_flat", "take_along_axis", [T(0), T(1)], {}, [F(3, 4), INT(6)]),
    # contractions
    ("einsum_matmul", "einsum", ["ij,jk->ik", T(0), T(1)], {}, [F(3, 4), F(4, 2)]),
    ("einsum_batch", "einsum", ["bij,bkj->bik", T(0), T(1)], {}, [F(2, 3, 4), F(2, 5, 4)]),
    ("einsum_implicit", "einsum", ["ij,jk", T(0), T(1)], {}, [F(3, 4), F(4, 2)]),
    ("einsum_ellipsis", "einsum", ["...ij,jk->...ik", T(0), T(1)], {}, [F(2, 3, 4), F(4, 5)]),
    ("einsum_trace", "einsum", ["bii->b", T(0)], {}, [F(2, 3, 3)]),
    ("einsum_diag", "einsum", ["bii->bi", T(0)], {}, [F(2, 3, 3)]),
    ("einsum_sum_out", "einsum", ["bij,bj->b", T(0), T(1)], {}, [F(2, 3, 4), F(2, 4)]),
    ("einsum_three", "einsum", ["bi,ij,bj->b", T(0), T(1), T(2)], {}, [F(3, 4), F(4, 5), F(3, 5)]),
    ("einsum_int", "einsum", ["ij,jk->ik", T(0), T(1)], {}, [INT(3, 4), INT(4, 2)]),
    ("dot_matrix", "dot", [T(0), T(1)], {}, [F(3, 4), F(4, 2)]),
    ("dot_nd", "dot", [T(0), T(1)], {}, [F(2, 3, 4), F(5, 4, 2)]),
    ("dot_vector", "dot", [T(0), T(1)], {}, [F(3, 4), F(4)]),
    ("dot_scalar", "dot", [T(0), 2.5], {}, [F(3, 4)]),
    ("tensordot", "tensordot", [T(0), T(1)], {"axes": 1}, [F(3, 4), F(4, 2)]),
    (
        "tensordot_pairs",
        "tensordot",
        [T(0), T(1)],
        {"axes": [[1, 2], [0, 1]]},
        [F(2, 3, 4), F(3, 4, 5)],
    ),
    ("outer", "outer", [T(0), T(1)], {}, [F(3), F(2, 2)]),
    # scans
    ("cumsum", "cumsum", [T(0)], {"axis": 1}, [F(3, 4)]),
    ("cumsum_flat", "cumsum", [T(0)], {}, [F(3, 4)]),
    ("cumsum_int", "cumsum", [T(0)], {"axis": 0}, [INT(3, 4)]),
    ("cumsum_bool", "cumsum", [T(0)], {"axis": -1}, [BOOL(3, 4)]),
    ("cumprod", "cumprod", [T(0)], {"axis": -1}, [F(3, 4, kind="positive")]),
    ("cumprod_zeros", "cumprod", [T(0)], {"axis": 1}, [F(3, 4, kind="zeros")]),
    ("cumprod_flat", "cumprod", [T(0)], {}, [F(2, 3)]),
    # sorting
    ("sort", "sort", [T(0)], {}, [F(3, 4)]),
    ("sort_ties", "sort", [T(0)], {"axis": 0}, [F(3, 4, kind="ties")]),
    ("sort_flat", "sort", [T(0)], {"axis": None}, [F(2, 3)]),
    ("sort_int", "sort", [T(0)], {}, [INT(3, 4, kind="signed")]),
    ("argsort", "argsort", [T(0)], {}, [F(3, 4, kind="ties")]),
    ("argsort_axis0", "argsort", [T(0)], {"axis": 0}, [F(3, 4)]),
    ("top_k", "top_k", [T(0), 2], {}, [F(3, 4)]),
    ("top_k_ties", "top_k", [T(0)], {"k": 3}, [F(3, 5, kind="ties")]),
    ("top_k_int", "top_k", [T(0), 2], {}, [INT(3, 4, kind="signed")]),
    # reductions
    ("average", "average", [T(0)], {"axis": 1}, [F(3, 4)]),
    ("average_all", "average", [T(0)], {}, [F(3, 4)]),
    ("average_weights", "average", [T(0), 1, T(1)], {}, [F(3, 4), F(4, kind="positive")]),
    ("average_weights_full", "average", [T(0), 0, T(1)], {}, [F(3, 4), F(3, 4, kind="positive")]),
    ("average_int", "average", [T(0)], {"axis": 0}, [INT(3, 4)]),
    ("count_nonzero", "count_nonzero", [T(0)], {"axis": 1}, [F(3, 4, kind="zeros")]),
    ("count_nonzero_all", "count_nonzero", [T(0)], {}, [INT(3, 4, kind="signed")]),
    ("moments", "moments", [T(0), [1]], {}, [F(3, 4)]),
    ("moments_keepdims", "moments", [T(0), [0, 2]], {"keepdims": True}, [F(2, 3, 4)]),
    # NaN and infinity
    ("isnan", "isnan", [T(0)], {}, [F(3, 4, kind="special")]),
    ("isinf", "isinf", [T(0)], {}, [F(3, 4, kind="special")]),
    ("isfinite", "isfinite", [T(0)], {}, [F(3, 4, kind="special")]),
    ("isnan_int", "isnan", [T(0)], {}, [INT(3, 4)]),
    ("nan_to_num", "nan_to_num", [T(0)], {}, [F(3, 4, kind="special")]),
    (
        "nan_to_num_values",
        "nan_to_num",
        [T(0)],
        {"nan": 1.5, "posinf": 9.0, "neginf": -9.0},
        [F(3, 4, kind="special")],
    ),
    # element-wise math
    ("log2", "log2", [T(0)], {}, [F(3, 4, kind="positive")]),
    ("log2_int", "log2", [T(0)], {}, [INT(3, 4, kind="counts")]),
    ("log10", "log10", [T(0)], {}, [F(3, 4, kind="positive")]),
    ("exp2", "exp2", [T(0)], {}, [F(3, 4)]),
    ("sinh", "sinh", [T(0)], {}, [F(3, 4)]),
    ("cosh", "cosh", [T(0)], {}, [F(3, 4)]),
    ("tan", "tan", [T(0)], {}, [F(3, 4, kind="unit")]),
    ("arcsin", "arcsin", [T(0)], {}, [F(3, 4, kind="unit")]),
    ("arccos", "arccos", [T(0)], {}, [F(3, 4, kind="unit")]),
    ("arctan", "arctan", [T(0)], {}, [F(3, 4, kind="wide")]),
    ("arcsinh", "arcsinh", [T(0)], {}, [F(3, 4, kind="wide")]),
    ("arccosh", "arccosh", [T(0)], {}, [F(3, 4, kind="above1")]),
    ("arctanh", "arctanh", [T(0)], {}, [F(3, 4, kind="unit")]),
    ("arctan2", "arctan2", [T(0), T(1)], {}, [F(3, 4), F(3, 4, kind="nonzero")]),
    ("arctan2_broadcast", "arctan2", [T(0), T(1)], {}, [F(3, 4), F(4, kind="nonzero")]),
    ("arctan2_int", "arctan2", [T(0), T(1)], {}, [INT(3, 4, kind="signed"), INT(3, 4)]),
    ("erf", "erf", [T(0)], {}, [F(3, 4, kind="wide")]),
    # core
    ("convert_to_tensor", "convert_to_tensor", [T(0)], {}, [F(3, 4)]),
    ("convert_to_tensor_cast", "convert_to_tensor", [T(0)], {"dtype": "float16"}, [F(3, 4)]),
    (
        "convert_to_tensor_int",
        "convert_to_tensor",
        [T(0)],
        {"dtype": "int32"},
        [F(3, 4, kind="wide")],
    ),
    ("stop_gradient", "stop_gradient", [T(0)], {}, [F(3, 4)]),
    ("slice", "slice", [T(0), [0, 1], [3, 2]], {}, [F(3, 4)]),
    ("slice_clamped", "slice", [T(0), [0, 3], [2, 2]], {}, [F(3, 4)]),
    ("slice_3d", "slice", [T(0), [1, 0, 2], [1, 3, 2]], {}, [F(2, 3, 4)]),
    ("full_tensor", "full", [[2, 3], T(0)], {}, [F(3)]),
    ("linspace_tensors", "linspace", [T(0), T(1)], {"num": 5}, [F(3), F(3)]),
    (
        "linspace_axis",
        "linspace",
        [T(0), T(1)],
        {"num": 4, "endpoint": False, "axis": -1},
        [F(3), F(3)],
    ),
    # nn
    ("glu", "glu", [T(0)], {}, [F(3, 4, kind="wide")]),
    ("glu_axis", "glu", [T(0)], {"axis": 0}, [F(4, 3)]),
    ("hard_silu", "hard_silu", [T(0)], {}, [F(3, 4, kind="wide")]),
    ("hard_swish", "hard_swish", [T(0)], {}, [F(3, 4)]),
    ("sparse_plus", "sparse_plus", [T(0)], {}, [F(3, 4, kind="wide")]),
    ("multi_hot", "multi_hot", [T(0)], {"num_classes": 5}, [INT(3, 4, kind="labels5")]),
    ("multi_hot_vector", "multi_hot", [T(0)], {"num_classes": 4}, [INT(3, kind="labels4")]),
    (
        "multi_hot_int",
        "multi_hot",
        [T(0)],
        {"num_classes": 3, "dtype": "int32"},
        [INT(2, 4, kind="labels3")],
    ),
    (
        "dot_product_attention",
        "dot_product_attention",
        [T(0), T(1), T(2)],
        {},
        [F(2, 3, 2, 4), F(2, 5, 2, 4), F(2, 5, 2, 4)],
    ),
    (
        "dot_product_attention_causal",
        "dot_product_attention",
        [T(0), T(1), T(2)],
        {"is_causal": True},
        [F(2, 4, 2, 3), F(2, 4, 2, 3), F(2, 4, 2, 3)],
    ),
    (
        "dot_product_attention_mask",
        "dot_product_attention",
        [T(0), T(1), T(2), None, T(3)],
        {},
        [F(2, 3, 2, 4), F(2, 4, 2, 4), F(2, 4, 2, 4), BOOL(2, 1, 3, 4)],
    ),
    (
        "dot_product_attention_bias_scale",
        "dot_product_attention",
        [T(0), T(1), T(2), T(3)],
        {"scale": 0.3, "is_causal": True},
        [F(2, 3, 2, 4), F(2, 5, 2, 4), F(2, 5, 2, 4), F(2, 2, 3, 5)],
    ),
    (
        "dot_product_attention_grouped",
        "dot_product_attention",
        [T(0), T(1), T(2), None, T(3)],
        {},
        [F(2, 3, 4, 2), F(2, 3, 2, 2), F(2, 3, 2, 2), MASK(2, 4, 3, 3)],
    ),
]

# functions of Python values only (no symbolic form): (label, function, args, kwargs)
EAGER_CASES = [
    ("arange", "arange", [5], {}),
    ("arange_range", "arange", [2, 11, 3], {}),
    ("arange_float", "arange", [0.0, 1.0, 0.1], {}),
    ("arange_float_stop", "arange", [4.0], {}),
    ("arange_dtype", "arange", [1, 4], {"dtype": "float32"}),
    ("linspace", "linspace", [0, 1, 5], {}),
    ("linspace_open", "linspace", [-1.0, 2.0, 4], {"endpoint": False}),
    ("linspace_int", "linspace", [0, 10, 4], {"dtype": "int32"}),
    ("eye", "eye", [3], {}),
    ("eye_rect", "eye", [2, 4], {"k": 1}),
    ("identity", "identity", [3], {"dtype": "int32"}),
    ("full", "full", [[2, 3], 1.5], {}),
    ("full_int_value", "full", [[2], 3], {}),
    ("full_dtype", "full", [[2], 3], {"dtype": "int32"}),
    ("convert_ints", "convert_to_tensor", [[1, 2, 3]], {}),
    ("convert_floats", "convert_to_tensor", [[1.0, 2]], {}),
    ("convert_bools", "convert_to_tensor", [[True, False]], {}),
    ("convert_float", "convert_to_tensor", [2.5], {}),
    ("convert_int", "convert_to_tensor", [3], {}),
    ("convert_nested", "convert_to_tensor", [[[1, 2], [3, 4]]], {"dtype": "float32"}),
]


def draw(rng, spec):
    """An input by its spec: make_ops_more's kinds, and special values (NaN, infinities),
    entries in (-1, 1), above 1, small counts, and boolean masks with an all-false row."""
    shape, kind = tuple(spec["shape"]), spec["kind"]
    if kind == "special":
        x = rng.normal(0, 1, shape).round(4)
        flat = x.reshape(-1)
        flat[[0, 3, 5, 8][: flat.size]] = [np.nan, np.inf, -np.inf, np.nan][: min(4, flat.size)]
        return x
    if kind == "unit":
        return rng.uniform(-0.9, 0.9, shape).round(4)
    if kind == "above1":
        return rng.uniform(1.2, 3.0, shape).round(4)
    if kind == "counts":
        return rng.integers(1, 9, shape)
    if kind == "mask_rows":
        m = rng.random(shape) < 0.7
        m[0, 0, 0] = False  # a query that sees no key: uniform weights, as JAX
        return m
    return BASE.draw(rng, spec)


def call(ops, fn, args, kwargs):
    return BASE.call(ops, fn, args, kwargs)


def outputs_of(out) -> list:
    return list(out) if isinstance(out, (list, tuple)) else [out]


# -- functional models (builders shared with the tests: `K` is keras or numkeras) ----------
def model_shapes(K):
    """Single-output operations of this set in one graph."""
    ops = K.ops
    x = K.Input(shape=(6,), name="x")
    h = K.layers.Dense(8, name="h")(x)
    a, b = h[:, :4], h[:, 4:]
    t = ops.tile(ops.expand_dims(a, 1), (1, 3, 1))
    r = ops.repeat(ops.expand_dims(b, 1), 3, axis=1)
    e = ops.einsum("bij,bkj->bik", t, r * 0.5)
    p = ops.pad(e, ((0, 0), (1, 0), (0, 1)))
    p = ops.triu(p) + ops.tril(ops.flip(p, axis=1), k=-1)
    s = ops.swapaxes(p, 1, 2) + ops.moveaxis(p, 1, 2)
    c = ops.cumsum(s, axis=-1) * 0.1 + ops.cumprod(ops.tanh(s) * 0.5 + 1.0, axis=1)
    d = ops.diagonal(c, axis1=1, axis2=2)
    g = ops.take(h, np.array([0, 3, 3, 5]), axis=1)
    ga = ops.take_along_axis(h, ops.argsort(h, axis=-1)[:, :2], axis=-1)
    srt = ops.sort(h, axis=-1)
    dd = ops.dot(a, np.linspace(-1, 1, 8, dtype="float32").reshape(4, 2))
    w = ops.average(e, axis=1, weights=np.array([1.0, 2.0, 0.5], "float32"))
    m = ops.log2(ops.abs(h) + 1.0) + ops.arctan(h) + ops.sinh(h * 0.3) + ops.erf(h)
    m = m + ops.hard_silu(h) + ops.sparse_plus(h) + ops.stop_gradient(h) * 0.5
    m = m + ops.nan_to_num(ops.log(h)) * 0.1
    gl = ops.glu(h)
    st = ops.hstack([d, srt]) - ops.mean(h, axis=-1, keepdims=True)
    out = ops.concatenate([st, g, ga, dd, w, m, gl], axis=-1)
    out = K.layers.Dense(3, name="out")(out)
    return K.Model(x, out, name="shapes")


def model_multi(K):
    """The operations with several outputs: split, top_k, moments."""
    ops = K.ops
    x = K.Input(shape=(6,), name="x")
    h = K.layers.Dense(8, name="h")(x)
    a, b, c = ops.split(h, [2, 5], axis=-1)
    values, indices = ops.top_k(h, 3)
    mean, var = ops.moments(h, axes=[1], keepdims=True)
    k = ops.cast(indices, "float32") * 0.1
    out = ops.concatenate([a * 2.0, ops.tanh(b), c + mean, values, (h - mean) / var, k], -1)
    out = K.layers.Dense(3, name="out")(out)
    return K.Model(x, out, name="multi")


def model_attention(K):
    """Self-attention written with ops: causal dot_product_attention over projected
    heads."""
    ops = K.ops
    x = K.Input(shape=(4, 6), name="x")
    q = ops.reshape(K.layers.Dense(8, name="q")(x), (-1, 4, 2, 4))
    k = ops.reshape(K.layers.Dense(8, name="k")(x), (-1, 4, 2, 4))
    v = ops.reshape(K.layers.Dense(8, name="v")(x), (-1, 4, 2, 4))
    o = ops.dot_product_attention(q, k, v, is_causal=True)
    o = ops.reshape(o, (-1, 4, 8))
    out = K.layers.Dense(3, name="out")(o)
    return K.Model(x, out, name="attention")


def define_layers(K):
    """Layers written the Keras way with einsum, tile, pad and dot_product_attention
    (trained through their call)."""
    ops, layers = K.ops, K.layers

    class Bilinear(layers.Layer):
        """An einsum of the input with two weights, tiled and padded."""

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], 3, 2), initializer="random_normal")
            self.u = self.add_weight(shape=(2,), initializer="ones")

        def call(self, x):
            y = ops.einsum("bi,ijk,k->bj", x, self.w, self.u)
            y = ops.tile(y[:, None, :], (1, 2, 1))
            y = ops.pad(y, ((0, 0), (0, 1), (1, 0)), constant_values=0.5)
            return ops.reshape(y, (-1, 12))

    class SelfAttention(layers.Layer):
        """Projections by einsum and dot_product_attention with a causal mask."""

        def __init__(self, heads=2, depth=3, **kwargs):
            super().__init__(**kwargs)
            self.heads, self.depth = heads, depth

        def build(self, input_shape):
            d = input_shape[-1]
            shape = (d, self.heads, self.depth)
            self.wq = self.add_weight(shape=shape, initializer="random_normal")
            self.wk = self.add_weight(shape=shape, initializer="random_normal")
            self.wv = self.add_weight(shape=shape, initializer="random_normal")

        def call(self, x):
            q = ops.einsum("btd,dnh->btnh", x, self.wq)
            k = ops.einsum("btd,dnh->btnh", x, self.wk)
            v = ops.einsum("btd,dnh->btnh", x, self.wv)
            o = ops.dot_product_attention(q, k, v, is_causal=True)
            return ops.sum(o, axis=2)

    return {"Bilinear": Bilinear, "SelfAttention": SelfAttention}


def model_custom(K):
    """A model of the layers above and a Lambda of ops, trained by tracing."""
    defs = define_layers(K)
    x = K.Input(shape=(4, 5), name="x")
    a = defs["SelfAttention"](name="attention")(x)
    flat = K.layers.Lambda(lambda t: K.ops.reshape(K.ops.flip(t, axis=1), (-1, 12)), name="flat")(a)
    b = defs["Bilinear"](name="bilinear")(flat)
    out = K.layers.Dense(2, name="out")(b)
    return K.Model(x, out, name="custom")


MODELS = {
    "shapes": model_shapes,
    "multi": model_multi,
    "attention": model_attention,
    "custom": model_custom,
}
KERAS_FILES = ("shapes", "multi", "attention")  # saved by Keras; "custom" has custom classes


def model_data(rng, model):
    xs = [rng.normal(0, 1, (5, *t.shape[1:])).round(4) for t in model.inputs]
    y = rng.normal(0, 1, (5, *model.outputs[0].shape[1:])).round(4)
    weights = [rng.normal(0, 0.5, w.shape).round(4) for w in model.get_weights()]
    return xs, y, weights


def _numkeras_files_load_in_keras(keras, rng_weights, models_gold):
    """Build each model with numkeras, save it, load it in Keras: Keras's predictions."""
    import numkeras

    found = {}
    for name in KERAS_FILES:
        numkeras.backend.clear_session()
        model = MODELS[name](numkeras)
        model.set_weights([np.asarray(w, "float32") for w in models_gold[name]["weights"]])
        with tempfile.TemporaryDirectory() as tmp:
            path = pathlib.Path(tmp) / f"{name}.keras"
            model.save(path)
            again = keras.saving.load_model(path)
        xs = [np.asarray(v, "float32") for v in models_gold[name]["inputs"]]
        found[name] = to_json(again.predict(xs[0] if len(xs) == 1 else xs, verbose=0))
    return found


def main():
    import jax
    import keras
    from keras import ops

    assert keras.backend.backend() == "jax", "run with KERAS_BACKEND=jax"
    rng = np.random.default_rng(41)

    cases = []
    for label, fn, args, kwargs, specs in CASES:
        values = [draw(rng, s) for s in specs]
        xs = as_inputs(specs, values)
        outs = [np.asarray(o) for o in outputs_of(call(ops, fn, decode(args, xs), kwargs))]
        case = {
            "label": label,
            "fn": fn,
            "args": args,
            "kwargs": kwargs,
            "input_dtypes": [s["dtype"] for s in specs],
            "inputs": [to_json(v) for v in values],
            "outputs": [to_json(o) for o in outs],
            "output_dtypes": [str(o.dtype) for o in outs],
        }
        floats = [i for i, s in enumerate(specs) if s["dtype"] == "float32"]
        rs = [rng.normal(0, 1, o.shape).round(4) if o.dtype.kind == "f" else None for o in outs]
        if floats and any(r is not None for r in rs):

            def loss(*fs, args=args, fn=fn, kwargs=kwargs, rs=rs, xs=xs, floats=floats):
                ts = list(xs)
                for i, f in zip(floats, fs):
                    ts[i] = f
                got = outputs_of(call(ops, fn, decode(args, ts), kwargs))
                total = 0.0
                for o, r in zip(got, rs):
                    if r is not None:
                        total = total + (o.astype("float32") * r.astype("float32")).sum()
                return total

            grads = jax.grad(loss, argnums=tuple(range(len(floats))))(*[xs[i] for i in floats])
            case["r"] = [None if r is None else r.tolist() for r in rs]
            case["grads"] = {str(i): to_json(g) for i, g in zip(floats, grads)}
        syms = [
            keras.KerasTensor(shape, dtype=s["dtype"])
            for s, shape in zip(specs, symbolic_shapes(specs))
        ]
        sym = outputs_of(call(ops, fn, decode(args, syms), kwargs))
        op = sym[0]._keras_history.operation
        case.update(
            symbolic_shapes=[list(t.shape) for t in sym],
            symbolic_dtypes=[t.dtype for t in sym],
            op={
                "module": type(op).__module__,
                "class_name": type(op).__name__,
                "config": json.loads(json.dumps(op.get_config())),
            },
        )
        cases.append(case)

    eager = []
    for label, fn, args, kwargs in EAGER_CASES:
        out = np.asarray(call(ops, fn, args, kwargs))
        eager.append(
            {
                "label": label,
                "fn": fn,
                "args": args,
                "kwargs": kwargs,
                "output": to_json(out),
                "output_dtype": str(out.dtype),
            }
        )

    models = {}
    for name, build in MODELS.items():
        keras.utils.clear_session()
        model = build(keras)
        xs, y, weights = model_data(rng, model)
        model.set_weights([w.astype("float32") for w in weights])
        feed = xs[0] if len(xs) == 1 else xs
        pred = model.predict(feed, verbose=0)
        model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
        losses = [float(model.train_on_batch(feed, y)) for _ in range(2)]
        models[name] = {
            "config": json.loads(model.to_json())["config"] if name != "custom" else None,
            "layer_names": [la.name for la in model.layers],
            "inputs": [x.tolist() for x in xs],
            "y": y.tolist(),
            "weights": [w.tolist() for w in weights],
            "prediction": to_json(pred),
            "losses": losses,
            "trained": [to_json(w) for w in model.get_weights()],
        }
        if name in KERAS_FILES:
            keras.utils.clear_session()
            saved = build(keras)
            saved.set_weights([w.astype("float32") for w in weights])
            saved.save(SAVING / f"keras_ops_extra_{name}.keras")

    loaded = _numkeras_files_load_in_keras(keras, None, models)
    for name, pred in loaded.items():
        models[name]["keras_prediction_of_numkeras_file"] = pred

    OUT.write_text(
        json.dumps(
            {
                "keras_version": keras.__version__,
                "cases": cases,
                "eager": eager,
                "models": models,
            }
        )
        + "\n"
    )
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes) and the Keras files in {SAVING}")


# -- Keras 2 (tf_keras) -----------------------------------------------------------------------
# (label, K function, args, kwargs, inputs, the float inputs to differentiate)
K2_CASES = [
    ("tile", "tile", [T(0), [1, 2]], {}, [F(3, 4)], [0]),
    ("tile_int_n", "tile", [T(0), 3], {}, [F(4)], [0]),
    ("repeat_elements", "repeat_elements", [T(0), 2, 1], {}, [F(3, 4)], [0]),
    ("repeat", "repeat", [T(0), 3], {}, [F(2, 4)], [0]),
    ("cumsum", "cumsum", [T(0)], {}, [F(3, 4)], [0]),
    ("cumsum_axis", "cumsum", [T(0)], {"axis": 1}, [F(3, 4)], [0]),
    ("cumprod", "cumprod", [T(0)], {}, [F(3, 4, kind="positive")], [0]),
    ("gather", "gather", [T(0), T(1)], {}, [F(5, 3), INT(4, kind="labels5")], [0]),
    ("gather_2d", "gather", [T(0), T(1)], {}, [F(5, 3), INT(2, 2, kind="labels5")], [0]),
    ("dot_2d", "dot", [T(0), T(1)], {}, [F(3, 4), F(4, 2)], [0, 1]),
    ("dot_3d_2d", "dot", [T(0), T(1)], {}, [F(2, 3, 4), F(4, 5)], [0, 1]),
    ("dot_2d_3d", "dot", [T(0), T(1)], {}, [F(3, 4), F(2, 4, 5)], [0, 1]),
    ("batch_dot_2d", "batch_dot", [T(0), T(1)], {}, [F(3, 4), F(3, 4)], [0, 1]),
    ("batch_dot_axes1", "batch_dot", [T(0), T(1)], {"axes": 1}, [F(3, 4), F(3, 4)], [0, 1]),
    ("batch_dot_3d", "batch_dot", [T(0), T(1)], {}, [F(2, 3, 4), F(2, 4, 5)], [0, 1]),
    (
        "batch_dot_3d_axes",
        "batch_dot",
        [T(0), T(1)],
        {"axes": [1, 1]},
        [F(2, 4, 3), F(2, 4, 5)],
        [0, 1],
    ),
    ("batch_dot_3d_2d", "batch_dot", [T(0), T(1)], {}, [F(2, 3, 4), F(2, 4)], [0, 1]),
    ("batch_dot_2d_3d", "batch_dot", [T(0), T(1)], {"axes": [1, 2]}, [F(2, 4), F(2, 3, 4)], [0, 1]),
    (
        "batch_dot_4d",
        "batch_dot",
        [T(0), T(1)],
        {"axes": [3, 1]},
        [F(2, 3, 2, 4), F(2, 4, 5)],
        [0, 1],
    ),
    ("permute_dimensions", "permute_dimensions", [T(0), [0, 2, 1]], {}, [F(2, 3, 4)], [0]),
    ("reverse", "reverse", [T(0), 1], {}, [F(3, 4)], [0]),
    ("reverse_axes", "reverse", [T(0), [0, 2]], {}, [F(2, 3, 4)], [0]),
    ("stop_gradient", "stop_gradient", [T(0)], {}, [F(3, 4)], [0]),
    ("arange", "arange", [5], {}, [], []),
    ("arange_range", "arange", [2, 9, 3], {}, [], []),
    ("arange_float", "arange", [0, 3], {"dtype": "float32"}, [], []),
    ("arange_negative", "arange", [-3], {}, [], []),
    ("eye", "eye", [3], {}, [], []),
    ("zeros", "zeros", [[2, 3]], {}, [], []),
    ("ones", "ones", [[2, 3]], {"dtype": "int32"}, [], []),
]


def main_keras2():
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf
    import tf_keras
    from tf_keras import backend as K

    rng = np.random.default_rng(43)
    cases = []
    for label, fn, args, kwargs, specs, diff in K2_CASES:
        values = [draw(rng, s) for s in specs]
        xs = as_inputs(specs, values)
        ts = [tf.constant(x) for x in xs]
        with tf.GradientTape() as tape:
            for i in diff:
                tape.watch(ts[i])
            out = getattr(K, fn)(*decode(args, ts), **kwargs)
            out = tf.convert_to_tensor(out)
            if diff:
                r = rng.normal(0, 1, out.shape).round(4)
                loss = tf.reduce_sum(out * r.astype("float32"))
        case = {
            "label": label,
            "fn": fn,
            "args": args,
            "kwargs": kwargs,
            "input_dtypes": [s["dtype"] for s in specs],
            "inputs": [to_json(v) for v in values],
            "output": to_json(out.numpy()),
            "output_dtype": out.dtype.name,
        }
        if diff:
            grads = tape.gradient(
                loss, [ts[i] for i in diff], unconnected_gradients=tf.UnconnectedGradients.ZERO
            )
            case["r"] = r.tolist()
            case["grads"] = {
                str(i): to_json(tf.convert_to_tensor(g).numpy()) for i, g in zip(diff, grads)
            }
        cases.append(case)
    OUT_K2.write_text(json.dumps({"tf_keras_version": tf_keras.__version__, "cases": cases}) + "\n")
    print(f"wrote {OUT_K2} ({OUT_K2.stat().st_size} bytes)")


if __name__ == "__main__":
    main_keras2() if "--keras2" in sys.argv else main()

"""Golden values for the remaining `keras.ops` (numkeras/ops/numpy_rest.py, nn_rest.py,
control_flow.py and the matrix ops of linalg.py), produced by real Keras 3 on JAX.

Run with Keras and JAX installed:
    KERAS_BACKEND=jax python scripts/goldens/make_ops_rest.py
Writes tests/goldens/ops_rest.json: per case of `CASES` (shared with the tests), the
inputs and their dtypes, Keras's outputs (a list) and dtypes, a cotangent per float output
and the gradients (jax.grad of `sum(output * r)`) w.r.t. each float input where the case
is differentiable, the symbolic output shapes and dtypes (axis 0 unknown) and the op's
class name and config; per case of `EAGER` (eager-only or value-only ops), the output.
"""

import importlib.util
import json
import pathlib

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "goldens" / "ops_rest.json"


def _base():
    path = pathlib.Path(__file__).with_name("make_ops_more.py")
    spec = importlib.util.spec_from_file_location("make_ops_more", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BASE = _base()
T, F, INT, BOOL = BASE.T, BASE.F, BASE.INT, BASE.BOOL
decode, call = BASE.decode, BASE.call


def to_json(a):
    """`BASE.to_json`, floats to 8 significant digits (float32 precision; smaller files)."""
    a = np.asarray(a)
    if a.dtype.kind == "f":
        return np.vectorize(lambda v: float(f"{v:.8g}"), otypes=[object])(a).tolist()
    return BASE.to_json(a)


def symbolic_shapes(specs) -> list:
    """The inputs' shapes with axis 0 unknown in the first input and in the others whose
    axis 0 has its size (the batch axis)."""
    first = specs[0]["shape"][:1] if specs else []
    out = []
    for s in specs:
        shape = list(s["shape"])
        if shape and first and shape[0] == first[0]:
            shape[0] = None
        out.append(tuple(shape))
    return out


def draw(rng, spec):
    """`BASE.draw`, plus the kinds these ops need."""
    shape, kind = tuple(spec["shape"]), spec["kind"]
    if kind == "nans":
        x = rng.normal(0, 1, shape).round(4)
        x.flat[::4] = np.nan
        return x
    if kind == "spd":  # well-conditioned symmetric positive definite matrices
        a = rng.normal(0, 1, shape)
        return (a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])).round(4)
    if kind == "wellcond":
        return (rng.normal(0, 1, shape) + 3 * np.eye(shape[-1])).round(4)
    if kind == "unit":
        return rng.uniform(-0.9, 0.9, shape).round(4)
    if kind == "distinct":
        return (rng.permutation(int(np.prod(shape))).reshape(shape) * 0.37 - 2).round(4)
    if kind == "ids":
        return np.array([0, 0, 2, 1, 2, 2])[: shape[0]]
    if kind == "coords":
        return np.array([[0, 1], [2, 3], [0, 1], [1, 0]])[: shape[0]]
    if kind == "ctc_labels":  # with a repeated label, labels 1..4, blank 0
        return np.array([[1, 2, 2, 3], [3, 1, 4, 0], [2, 0, 0, 0]])[: shape[0]]
    if kind == "ctc_tl":
        return np.array([4, 3, 1])
    if kind == "ctc_ol":
        return np.array([7, 6, 3])
    if kind == "labels3":
        return rng.integers(0, 3, shape)
    if kind == "small_ints":
        return rng.integers(1, 9, shape)
    return BASE.draw(rng, spec)


def S(*shape, kind):
    return F(*shape, kind=kind)


# (label, function, args, kwargs, inputs); differentiable unless the label ends in "!"
CASES = [
    # element-wise
    ("rsqrt", "rsqrt", [T(0)], {}, [F(3, 4, kind="positive")]),
    ("cbrt", "cbrt", [T(0)], {}, [F(3, 4, kind="nonzero")]),
    ("trunc", "trunc", [T(0)], {}, [F(3, 4, kind="wide")]),
    ("trunc_int!", "trunc", [T(0)], {}, [INT(3, 4)]),
    ("fabs", "fabs", [T(0)], {}, [F(3, 4, kind="nonzero")]),
    ("deg2rad", "deg2rad", [T(0)], {}, [F(3, 4)]),
    ("rad2deg", "rad2deg", [T(0)], {}, [F(3, 4)]),
    ("sinc", "sinc", [T(0)], {}, [F(3, 4, kind="nonzero")]),
    ("signbit!", "signbit", [T(0)], {}, [F(3, 4)]),
    ("erfc", "erfc", [T(0)], {}, [F(3, 4)]),
    ("erfinv", "erfinv", [T(0)], {}, [S(3, 4, kind="unit")]),
    ("copy", "copy", [T(0)], {}, [F(3, 4)]),
    ("logaddexp", "logaddexp", [T(0), T(1)], {}, [F(3, 4), F(1, 4)]),
    ("logaddexp2", "logaddexp2", [T(0), T(1)], {}, [F(3, 4), F(3, 4)]),
    ("hypot", "hypot", [T(0), T(1)], {}, [F(3, 4), F(3, 4)]),
    ("fmod", "fmod", [T(0), T(1)], {}, [F(3, 4, kind="wide"), F(3, 4, kind="nonzero")]),
    ("divide_no_nan", "divide_no_nan", [T(0), T(1)], {}, [F(3, 4), F(3, 4, kind="zeros")]),
    ("fmax", "fmax", [T(0), T(1)], {}, [F(3, 4), F(3, 4)]),
    ("fmin", "fmin", [T(0), T(1)], {}, [F(3, 4), F(3, 4)]),
    ("heaviside!", "heaviside", [T(0), 0.5], {}, [F(3, 4, kind="ties")]),
    ("isclose!", "isclose", [T(0), T(1)], {}, [F(3, 4, kind="ties"), F(3, 4, kind="ties")]),
    # reductions
    ("amax", "amax", [T(0)], {"axis": 1}, [F(3, 4, kind="distinct")]),
    ("amin_keep", "amin", [T(0)], {"axis": 0, "keepdims": True}, [F(3, 4, kind="distinct")]),
    ("ptp", "ptp", [T(0)], {"axis": -1}, [F(3, 4, kind="distinct")]),
    ("median", "median", [T(0)], {"axis": 1}, [F(3, 4, kind="distinct")]),
    ("median_all", "median", [T(0)], {}, [F(3, 5, kind="distinct")]),
    ("quantile", "quantile", [T(0), 0.3], {"axis": -1}, [F(3, 5, kind="distinct")]),
    (
        "quantile_vec",
        "quantile",
        [T(0), [0.1, 0.75]],
        {"axis": 1, "keepdims": True},
        [F(3, 5, kind="distinct")],
    ),
    (
        "quantile_lower",
        "quantile",
        [T(0), 0.3],
        {"axis": 1, "method": "lower"},
        [F(3, 5, kind="distinct")],
    ),
    (
        "quantile_midpoint",
        "quantile",
        [T(0), 0.3],
        {"axis": 1, "method": "midpoint"},
        [F(3, 5, kind="distinct")],
    ),
    (
        "quantile_nearest",
        "quantile",
        [T(0), 0.6],
        {"axis": 1, "method": "nearest"},
        [F(3, 5, kind="distinct")],
    ),
    ("percentile", "percentile", [T(0), 40.0], {"axis": 1}, [F(3, 5, kind="distinct")]),
    ("nansum", "nansum", [T(0)], {"axis": 1}, [S(3, 4, kind="nans")]),
    ("nanmean", "nanmean", [T(0)], {"axis": 1}, [S(3, 4, kind="nans")]),
    ("nanvar", "nanvar", [T(0)], {"axis": 1}, [S(3, 4, kind="nans")]),
    ("nanstd", "nanstd", [T(0)], {"axis": 0}, [S(3, 4, kind="nans")]),
    ("nanprod", "nanprod", [T(0)], {"axis": 1}, [S(3, 4, kind="nans")]),
    ("nanmax", "nanmax", [T(0)], {"axis": 1}, [S(3, 4, kind="nans")]),
    ("nanmin", "nanmin", [T(0)], {"axis": 1}, [S(3, 4, kind="nans")]),
    ("nancumsum", "nancumsum", [T(0)], {"axis": 1}, [S(3, 4, kind="nans")]),
    ("nanmedian", "nanmedian", [T(0)], {"axis": 1}, [S(3, 5, kind="nans")]),
    ("nanquantile", "nanquantile", [T(0), 0.3], {"axis": 1}, [S(3, 5, kind="nans")]),
    # rearrangements
    ("roll", "roll", [T(0), 2], {"axis": 1}, [F(3, 4)]),
    ("roll_flat", "roll", [T(0), -1], {}, [F(3, 4)]),
    ("diff", "diff", [T(0)], {}, [F(3, 5)]),
    ("diff_n2", "diff", [T(0)], {"n": 2, "axis": 1}, [F(3, 5)]),
    ("cross", "cross", [T(0), T(1)], {}, [F(4, 3), F(4, 3)]),
    ("cross_2d", "cross", [T(0), T(1)], {}, [F(4, 2), F(4, 3)]),
    ("kron", "kron", [T(0), T(1)], {}, [F(2, 3), F(3, 2)]),
    ("inner", "inner", [T(0), T(1)], {}, [F(3, 4), F(2, 4)]),
    ("vdot", "vdot", [T(0), T(1)], {}, [F(3, 4), F(3, 4)]),
    ("meshgrid", "meshgrid", [T(0), T(1)], {}, [F(3), F(4)]),
    ("meshgrid_ij", "meshgrid", [T(0), T(1)], {"indexing": "ij"}, [F(3), F(4)]),
    (
        "select",
        "select",
        [[T(0), T(1)], [T(2), T(3)]],
        {"default": 0.5},
        [BOOL(3, 4), BOOL(3, 4), F(3, 4), F(3, 4)],
    ),
    ("rot90", "rot90", [T(0)], {}, [F(3, 4)]),
    ("rot90_k3", "rot90", [T(0)], {"k": 3, "axes": [1, 2]}, [F(2, 3, 4)]),
    ("fliplr", "fliplr", [T(0)], {}, [F(3, 4)]),
    ("flipud", "flipud", [T(0)], {}, [F(3, 4)]),
    ("dstack", "dstack", [[T(0), T(1)]], {}, [F(3, 4), F(3, 4)]),
    ("append", "append", [T(0), T(1)], {"axis": 1}, [F(3, 4), F(3, 2)]),
    ("append_flat", "append", [T(0), T(1)], {}, [F(3, 4), F(2)]),
    ("array_split", "array_split", [T(0), 3], {"axis": 1}, [F(3, 7)]),
    ("hsplit", "hsplit", [T(0), 2], {}, [F(3, 4)]),
    ("vsplit", "vsplit", [T(0), [1]], {}, [F(3, 4)]),
    ("diagflat", "diagflat", [T(0)], {"k": 1}, [F(2, 2)]),
    ("trapezoid", "trapezoid", [T(0)], {"dx": 0.5}, [F(3, 5)]),
    ("unstack", "unstack", [T(0)], {"axis": 1}, [F(3, 4)]),
    # core
    ("scatter", "scatter", [T(0), T(1), (3, 4)], {}, [INT(4, 2, kind="coords"), F(4)]),
    (
        "scatter_update",
        "scatter_update",
        [T(0), T(1), T(2)],
        {},
        [F(3, 4), INT(2, 2, kind="coords"), F(2)],
    ),
    (
        "scatter_update_add",
        "scatter_update",
        [T(0), T(1), T(2)],
        {"reduction": "add"},
        [F(3, 4), INT(4, 2, kind="coords"), F(4)],
    ),
    ("slice_update", "slice_update", [T(0), [1, 2], T(1)], {}, [F(3, 5), F(2, 2)]),
    ("slice_update_clamped", "slice_update", [T(0), [2, 4], T(1)], {}, [F(3, 5), F(2, 2)]),
    # nn
    ("celu", "celu", [T(0)], {"alpha": 0.7}, [F(3, 4)]),
    ("hard_tanh", "hard_tanh", [T(0)], {}, [F(3, 4, kind="wide")]),
    ("hard_shrink", "hard_shrink", [T(0)], {}, [F(3, 4)]),
    ("soft_shrink", "soft_shrink", [T(0)], {"threshold": 0.3}, [F(3, 4)]),
    ("tanh_shrink", "tanh_shrink", [T(0)], {}, [F(3, 4)]),
    ("threshold", "threshold", [T(0), 0.2, -1.0], {}, [F(3, 4)]),
    ("squareplus", "squareplus", [T(0)], {"b": 2}, [F(3, 4)]),
    ("sparse_sigmoid", "sparse_sigmoid", [T(0)], {}, [F(3, 4, kind="wide")]),
    ("sparsemax", "sparsemax", [T(0)], {}, [F(3, 5)]),
    ("sparsemax_axis0", "sparsemax", [T(0)], {"axis": 0}, [F(4, 3)]),
    ("rms_normalization", "rms_normalization", [T(0), T(1)], {}, [F(3, 4), F(4)]),
    ("rms_normalization_noscale", "rms_normalization", [T(0)], {"axis": -1}, [F(3, 4)]),
    ("layer_normalization", "layer_normalization", [T(0), T(1), T(2)], {}, [F(3, 4), F(4), F(4)]),
    (
        "layer_normalization_axis1",
        "layer_normalization",
        [T(0), T(1), T(2)],
        {"axis": 1},
        [F(2, 3, 4), F(3), F(3)],
    ),
    ("layer_normalization_plain", "layer_normalization", [T(0)], {"epsilon": 1e-3}, [F(3, 4)]),
    (
        "batch_normalization",
        "batch_normalization",
        [T(0), T(1), T(2), -1],
        {"offset": T(3), "scale": T(4)},
        [F(3, 4), F(4), F(4, kind="positive"), F(4), F(4)],
    ),
    (
        "batch_normalization_axis1",
        "batch_normalization",
        [T(0), T(1), T(2), 1],
        {},
        [F(2, 3, 2), F(3), F(3, kind="positive")],
    ),
    ("conv2d", "conv", [T(0), T(1)], {}, [F(2, 4, 4, 2), F(3, 3, 2, 3)]),
    (
        "conv2d_same_strided",
        "conv",
        [T(0), T(1)],
        {"strides": 2, "padding": "same"},
        [F(2, 5, 5, 2), F(3, 3, 2, 3)],
    ),
    ("conv1d_dilated", "conv", [T(0), T(1)], {"dilation_rate": 2}, [F(2, 7, 2), F(3, 2, 3)]),
    ("conv2d_groups", "conv", [T(0), T(1)], {}, [F(2, 3, 3, 4), F(3, 3, 2, 4)]),
    (
        "conv2d_first",
        "conv",
        [T(0), T(1)],
        {"data_format": "channels_first"},
        [F(2, 2, 4, 4), F(3, 3, 2, 3)],
    ),
    (
        "depthwise_conv",
        "depthwise_conv",
        [T(0), T(1)],
        {"padding": "same"},
        [F(2, 4, 4, 2), F(3, 3, 2, 2)],
    ),
    (
        "separable_conv",
        "separable_conv",
        [T(0), T(1), T(2)],
        {},
        [F(2, 4, 4, 2), F(3, 3, 2, 2), F(1, 1, 4, 3)],
    ),
    (
        "conv_transpose",
        "conv_transpose",
        [T(0), T(1)],
        {"strides": 2},
        [F(2, 3, 3, 2), F(3, 3, 4, 2)],
    ),
    (
        "conv_transpose_same",
        "conv_transpose",
        [T(0), T(1)],
        {"strides": 2, "padding": "same"},
        [F(2, 3, 3, 2), F(3, 3, 4, 2)],
    ),
    (
        "conv_transpose_1d_op",
        "conv_transpose",
        [T(0), T(1)],
        {"strides": 2, "output_padding": 1},
        [F(2, 4, 2), F(3, 3, 2)],
    ),
    ("adaptive_average_pool", "adaptive_average_pool", [T(0), (2, 3)], {}, [F(2, 5, 7, 2)]),
    (
        "adaptive_average_pool_1d",
        "adaptive_average_pool",
        [T(0), 3],
        {"data_format": "channels_first"},
        [F(2, 2, 7)],
    ),
    (
        "adaptive_max_pool",
        "adaptive_max_pool",
        [T(0), (2, 3)],
        {},
        [F(2, 5, 7, 2, kind="distinct")],
    ),
    ("unfold", "unfold", [T(0), 2], {"stride": 1, "padding": 1, "dilation": 1}, [F(2, 2, 3, 3)]),
    (
        "unfold_strided",
        "unfold",
        [T(0), (2, 3)],
        {"stride": 2, "dilation": (1, 2)},
        [F(2, 1, 5, 7)],
    ),
    ("fold", "fold", [T(0), (3, 3), 2], {"padding": 1}, [F(2, 8, 16)]),
    ("max_pool", "max_pool", [T(0), 2], {"strides": (2, 2)}, [F(2, 4, 4, 2, kind="distinct")]),
    (
        "max_pool_same",
        "max_pool",
        [T(0), 3],
        {"strides": (2, 2), "padding": "same"},
        [F(2, 5, 5, 1, kind="distinct")],
    ),
    ("average_pool", "average_pool", [T(0), 2], {"strides": (1, 1)}, [F(2, 3, 3, 2)]),
    (
        "average_pool_same_1d",
        "average_pool",
        [T(0), 3],
        {"strides": (2,), "padding": "same"},
        [F(2, 6, 2)],
    ),
    ("depth_to_space", "depth_to_space", [T(0), 2], {}, [F(2, 1, 2, 8)]),
    (
        "depth_to_space_first",
        "depth_to_space",
        [T(0), 2],
        {"data_format": "channels_first"},
        [F(2, 8, 1, 2)],
    ),
    ("space_to_depth", "space_to_depth", [T(0), 2], {}, [F(2, 2, 4, 2)]),
    (
        "space_to_depth_first",
        "space_to_depth",
        [T(0), 2],
        {"data_format": "channels_first"},
        [F(2, 2, 2, 4)],
    ),
    (
        "ctc_loss",
        "ctc_loss",
        [T(0), T(1), T(2), T(3)],
        {},
        [INT(3, 4, kind="ctc_labels"), F(3, 7, 5), INT(3, kind="ctc_tl"), INT(3, kind="ctc_ol")],
    ),
    ("psnr", "psnr", [T(0), T(1), 2.0], {}, [F(3, 4), F(3, 4)]),
    # math
    (
        "segment_sum",
        "segment_sum",
        [T(0), T(1)],
        {"num_segments": 4},
        [F(6, 3), INT(6, kind="ids")],
    ),
    (
        "segment_max",
        "segment_max",
        [T(0), T(1)],
        {"num_segments": 3},
        [F(6, 3), INT(6, kind="ids")],
    ),
    (
        "segment_min",
        "segment_min",
        [T(0), T(1)],
        {"num_segments": 3},
        [F(6, 3), INT(6, kind="ids")],
    ),
    (
        "segment_prod!",
        "segment_prod",
        [T(0), T(1)],
        {"num_segments": 3},
        [F(6, 3), INT(6, kind="ids")],
    ),
    ("nancumprod", "nancumprod", [T(0)], {"axis": 1}, [S(3, 4, kind="nans")]),
    ("extract_sequences", "extract_sequences", [T(0), 3, 2], {}, [F(2, 8)]),
    ("in_top_k!", "in_top_k", [T(0), T(1), 2], {}, [INT(4, kind="labels3"), F(4, 3, kind="ties")]),
    # linalg
    ("inv", "inv", [T(0)], {}, [S(2, 3, 3, kind="wellcond")]),
    ("det", "det", [T(0)], {}, [S(2, 3, 3, kind="wellcond")]),
    ("logdet", "logdet", [T(0)], {}, [S(2, 3, 3, kind="spd")]),
    ("slogdet", "slogdet", [T(0)], {}, [S(2, 3, 3, kind="wellcond")]),
    ("solve", "solve", [T(0), T(1)], {}, [S(2, 3, 3, kind="wellcond"), F(2, 3, 2)]),
    (
        "solve_triangular",
        "solve_triangular",
        [T(0), T(1)],
        {"lower": True},
        [S(2, 3, 3, kind="wellcond"), F(2, 3, 2)],
    ),
    (
        "solve_triangular_upper",
        "solve_triangular",
        [T(0), T(1)],
        {},
        [S(2, 3, 3, kind="wellcond"), F(2, 3, 2)],
    ),
    ("cholesky", "cholesky", [T(0)], {}, [S(2, 3, 3, kind="spd")]),
    ("cholesky_upper", "cholesky", [T(0)], {"upper": True}, [S(2, 3, 3, kind="spd")]),
]

# eager-only and value-only calls: (label, function, args, kwargs, inputs)
EAGER = [
    ("tri", "tri", [3], {"k": 1}, []),
    (
        "ctc_decode",
        "ctc_decode",
        [T(0), T(1)],
        {},
        [F(3, 6, 4, kind="ties"), INT(3, kind="ctc_ol")],
    ),
    ("rearrange_merge", "rearrange", [T(0), "b h w c -> b (w h) c"], {}, [F(2, 3, 4, 2)]),
    ("rearrange_split", "rearrange", [T(0), "b (h w) c -> c b w h"], {"h": 2}, [F(2, 6, 3)]),
    ("tri_rect", "tri", [2, 4], {"k": -1}, []),
    ("allclose", "allclose", [T(0), T(0)], {}, [F(3)]),
    ("size", "size", [T(0)], {}, [F(3, 4)]),
    ("ndim", "ndim", [T(0)], {}, [F(3, 4)]),
    ("array", "array", [T(0)], {"dtype": "float64"}, [F(3)]),
    ("cholesky_inverse", "cholesky_inverse", [T(0)], {}, [S(3, 3, kind="wellcond")]),
    ("svd_s", "svd", [T(0)], {"compute_uv": False}, [F(3, 4)]),
    ("eigh_w", "eigh", [T(0)], {}, [S(3, 3, kind="spd")]),
    ("lstsq", "lstsq", [T(0), T(1)], {}, [F(4, 3), F(4, 2)]),
    ("pinv", "pinv", [T(0)], {}, [F(3, 4)]),
    ("matrix_rank", "matrix_rank", [T(0)], {}, [F(3, 4)]),
    ("lu_factor", "lu_factor", [T(0)], {}, [F(3, 3)]),
    ("qr_r_abs", "qr", [T(0)], {}, [F(4, 3)]),
    (
        "bitwise_and",
        "bitwise_and",
        [T(0), T(1)],
        {},
        [INT(5, kind="small_ints"), INT(5, kind="small_ints")],
    ),
    (
        "bitwise_or",
        "bitwise_or",
        [T(0), T(1)],
        {},
        [INT(5, kind="small_ints"), INT(5, kind="small_ints")],
    ),
    (
        "bitwise_xor",
        "bitwise_xor",
        [T(0), T(1)],
        {},
        [INT(5, kind="small_ints"), INT(5, kind="small_ints")],
    ),
    ("bitwise_invert", "bitwise_invert", [T(0)], {}, [INT(5, kind="small_ints")]),
    ("left_shift", "left_shift", [T(0), 2], {}, [INT(5, kind="small_ints")]),
    ("right_shift", "right_shift", [T(0), 1], {}, [INT(5, kind="small_ints")]),
    ("gcd", "gcd", [T(0), T(1)], {}, [INT(5, kind="small_ints"), INT(5, kind="small_ints")]),
    ("lcm", "lcm", [T(0), T(1)], {}, [INT(5, kind="small_ints"), INT(5, kind="small_ints")]),
    ("bincount", "bincount", [T(0)], {"minlength": 5}, [INT(6, kind="labels3")]),
    ("digitize", "digitize", [T(0), [-0.5, 0.0, 0.5]], {}, [F(6)]),
    ("searchsorted", "searchsorted", [[0.0, 1.0, 2.0, 3.0], T(0)], {}, [F(5, kind="wide")]),
    ("isin", "isin", [T(0), [1, 3]], {}, [INT(6, kind="labels4")]),
    ("unravel_index", "unravel_index", [T(0), (3, 4)], {}, [INT(4, kind="labels4")]),
    ("nonzero", "nonzero", [T(0)], {}, [F(3, 4, kind="zeros")]),
    ("argpartition_kth", "argpartition", [T(0), 1], {}, [F(6, kind="distinct")]),
    ("nanargmax", "nanargmax", [T(0)], {"axis": 1}, [S(3, 4, kind="nans")]),
    ("nanargmin", "nanargmin", [T(0)], {"axis": 1}, [S(3, 4, kind="nans")]),
    ("isneginf", "isneginf", [T(0)], {}, [F(4)]),
    ("geomspace", "geomspace", [1.0, 100.0, 5], {}, []),
    ("logspace", "logspace", [0.0, 2.0, 5], {}, []),
    ("vander", "vander", [T(0)], {"N": 3}, [F(4)]),
    ("corrcoef", "corrcoef", [T(0)], {}, [F(3, 5)]),
    ("correlate", "correlate", [T(0), T(1)], {"mode": "full"}, [F(5), F(3)]),
    ("cdist", "cdist", [T(0), T(1)], {}, [F(3, 4), F(2, 4)]),
    ("i0", "i0", [T(0)], {}, [F(5)]),
    ("hanning", "hanning", [5], {}, []),
    ("hamming", "hamming", [5], {}, []),
    ("bartlett", "bartlett", [5], {}, []),
    ("blackman", "blackman", [5], {}, []),
    ("kaiser", "kaiser", [5, 2.0], {}, []),
    ("histogram", "histogram", [T(0)], {"bins": 4}, [F(10)]),
    ("unique_values", "unique", [T(0)], {}, [INT(8, kind="labels4")]),
    ("rfft_real", "rfft", [T(0)], {}, [F(2, 8)]),
    ("fft_pair", None, [], {}, [F(2, 4), F(2, 4)]),
    ("stft_real", "stft", [T(0), 4, 2, 4], {}, [F(2, 10)]),
    ("real_of_complex", "real", [T(0)], {}, [F(3)]),
    ("polar_parts", "polar", [T(0), T(1)], {}, [F(3, kind="positive"), F(3)]),
    ("saturate_cast", "saturate_cast", [T(0), "uint8"], {}, [F(5, kind="wide")]),
    ("scan_cumsum", None, [], {}, [F(4)]),
    ("fori_loop", None, [], {}, [F(3)]),
    ("while_loop", None, [], {}, []),
    ("map", None, [], {}, [F(3, 2)]),
    ("associative_scan", None, [], {}, [F(5)]),
    ("switch", None, [], {}, [F(3)]),
    ("cond", None, [], {}, [F(3)]),
    ("ifft2_pair", None, [], {}, [F(2, 2), F(2, 2)]),
    ("view_as_real", None, [], {}, [F(3)]),
    ("istft_roundtrip", None, [], {}, [F(2, 16)]),
]


def control_flow(ops, label, xs):
    """The control-flow cases, as code (shared with the tests)."""
    if label == "scan_cumsum":
        carry, ys = ops.scan(lambda c, x: (c + x, c * 2), 0.0, xs[0])
        return [carry, ys]
    if label == "fori_loop":
        return [ops.fori_loop(0, 3, lambda i, v: v * 2 + i, xs[0])]
    if label == "while_loop":
        return list(ops.while_loop(lambda i, s: i < 4, lambda i, s: (i + 1, s + i * 2), (0, 1)))
    if label == "map":
        return [ops.map(lambda x: ops.sum(x * 2), xs[0])]
    if label == "associative_scan":
        return [ops.associative_scan(lambda a, b: a * b, xs[0])]
    if label == "switch":
        return [ops.switch(1, [lambda x: x + 1, lambda x: x * 3, lambda x: -x], xs[0])]
    if label == "cond":
        return [ops.cond(ops.sum(xs[0]) > 100, lambda: xs[0] + 1, lambda: xs[0] - 1)]
    if label == "fft_pair":
        return list(ops.fft((xs[0], xs[1])))
    if label == "ifft2_pair":
        return list(ops.ifft2((xs[0], xs[1])))
    if label == "istft_roundtrip":
        spec = ops.stft(xs[0], 6, 2, 8)
        return [ops.istft(spec, 6, 2, 8), ops.istft(spec, 6, 2, 8, length=10, center=False)]
    if label == "view_as_real":
        return [ops.view_as_real(ops.view_as_complex(ops.stack([xs[0], xs[0] * 2], axis=-1)))]
    raise KeyError(label)


def post(label, outs):
    """Outputs reduced to what is unique (signs of QR / eigenvectors are arbitrary)."""
    if label == "polar_parts":
        return [np.real(np.asarray(outs)), np.imag(np.asarray(outs))]
    if label == "qr_r_abs":
        return [np.abs(np.asarray(outs[1]))]
    if label == "eigh_w":
        return [outs[0]]
    if label == "unique_values":
        return [outs] if not isinstance(outs, (list, tuple)) else [outs[0]]
    if label in ("rfft_real", "fft_pair", "stft_real", "ifft2_pair"):
        return [outs[0], outs[1]]
    return outs if isinstance(outs, (list, tuple)) else [outs]


# -- functional models (builders shared with the tests: `K` is keras or numkeras) ----------
def model_rest(K):
    """The remaining element-wise, normalization and rearrangement ops in one graph."""
    ops = K.ops
    x = K.Input(shape=(6,), name="x")
    h = K.layers.Dense(6, name="h")(x)
    a = ops.layer_normalization(h) + ops.rms_normalization(h, axis=-1)
    b = ops.celu(h) + ops.hard_tanh(h) + ops.soft_shrink(h) + ops.tanh_shrink(h)
    b = b + ops.squareplus(h) + ops.sparse_sigmoid(h) + ops.hard_shrink(h, 0.3)
    c = ops.roll(h, 2, axis=1) * ops.rsqrt(ops.square(h) + 1.0) + ops.cbrt(h)
    c = c + ops.logaddexp(h, -h) + ops.hypot(h, ops.ones_like(h))
    d = ops.diff(h, axis=-1)
    e = ops.median(h, axis=-1, keepdims=True)
    e = e + ops.amax(h, axis=-1, keepdims=True) - ops.ptp(h, axis=-1, keepdims=True)
    f = ops.divide_no_nan(h, ops.relu(h) + 0.5) + ops.threshold(h, 0.1, -0.2)
    m = ops.concatenate([a, b, c, d, e, f], axis=-1)
    out = K.layers.Dense(3, name="out")(m)
    return K.Model(x, out, name="rest")


def model_conv(K):
    """conv / depthwise_conv / pooling / depth_to_space ops on a kernel input."""
    ops = K.ops
    x = K.Input(shape=(4, 4, 2), name="img")
    h = K.layers.Conv2D(4, 1, name="mix")(x)
    p = ops.max_pool(h, 2, strides=(2, 2))
    q = ops.average_pool(h, 2, strides=(2, 2))
    s = ops.space_to_depth(h, 2)
    z = ops.concatenate([p, q, s], axis=-1)
    z = ops.depth_to_space(z, 2)
    z = ops.batch_normalization(z, ops.mean(z, axis=(0, 1, 2)), ops.var(z, axis=(0, 1, 2)), -1)
    out = K.layers.Dense(2, name="out")(K.layers.Flatten(name="flat")(z))
    return K.Model(x, out, name="conv_ops")


MODELS = {"rest": model_rest, "conv": model_conv}


def model_data(rng, model):
    shape = (5, *model.inputs[0].shape[1:])
    xs = rng.normal(0, 1, shape).round(4)
    y = rng.normal(0, 1, (5, *model.outputs[0].shape[1:])).round(4)
    weights = [rng.normal(0, 0.5, w.shape).round(4) for w in model.get_weights()]
    return xs, y, weights


def specs_and_values(inputs, seed):
    rng = np.random.default_rng(seed)
    values = [draw(rng, s) for s in inputs]
    return [np.asarray(v).astype(s["dtype"]) for s, v in zip(inputs, values)]


def main():
    import jax
    import jax.numpy as jnp
    import keras
    from keras import ops

    cases = []
    for n, (label, fn, args, kwargs, inputs) in enumerate(CASES):
        xs = specs_and_values(inputs, n)
        grad = not label.endswith("!")

        def run(*ts, fn=fn, args=args, kwargs=kwargs):
            out = call(
                ops, fn, decode(args, list(ts)), {k: decode(v, list(ts)) for k, v in kwargs.items()}
            )
            return list(out) if isinstance(out, (list, tuple)) else [out]

        outs = run(*xs)
        rng = np.random.default_rng(1000 + n)
        cot = [
            rng.normal(size=np.shape(o)).round(4) if np.asarray(o).dtype.kind == "f" else None
            for o in outs
        ]
        entry = {
            "label": label,
            "inputs": [to_json(x) for x in xs],
            "input_dtypes": [str(x.dtype) for x in xs],
            "outputs": [to_json(o) for o in outs],
            "output_dtypes": [str(np.asarray(o).dtype) for o in outs],
        }
        floats = [i for i, x in enumerate(xs) if x.dtype.kind == "f"]
        if grad and floats:

            def loss(fvals, floats=floats, xs=xs, cot=cot, run=run):
                full = list(xs)
                for i, v in zip(floats, fvals):
                    full[i] = v
                res = run(*full)
                return sum(jnp.sum(o * c) for o, c in zip(res, cot) if c is not None)

            gs = jax.grad(loss)([jnp.asarray(xs[i]) for i in floats])
            entry["cotangents"] = [None if c is None else c.tolist() for c in cot]
            entry["grads"] = {str(i): to_json(g) for i, g in zip(floats, gs)}
        # symbolic: axis 0 unknown
        shapes = symbolic_shapes(inputs)
        syms = [keras.KerasTensor(s, dtype=x.dtype) for s, x in zip(shapes, xs)]
        try:
            sym_out = call(
                ops, fn, decode(args, syms), {k: decode(v, syms) for k, v in kwargs.items()}
            )
        except Exception as e:  # noqa: BLE001 (a Keras symbolic bug: recorded, not fatal)
            entry["symbolic_error"] = f"{type(e).__name__}: {e}"[:200]
            cases.append(entry)
            continue
        sym_out = list(sym_out) if isinstance(sym_out, (list, tuple)) else [sym_out]
        entry["symbolic_shapes"] = [list(o.shape) for o in sym_out]
        entry["symbolic_dtypes"] = [o.dtype for o in sym_out]
        op = sym_out[0]._keras_history.operation
        entry["class_name"] = type(op).__name__
        entry["module"] = type(op).__module__
        try:
            config = op.get_config()
            json.dumps(config)
            entry["config"] = config
        except Exception:  # noqa: BLE001 (some Keras configs hold arrays)
            entry["config"] = None
        cases.append(entry)

    eager = []
    for n, (label, fn, args, kwargs, inputs) in enumerate(EAGER):
        xs = specs_and_values(inputs, 500 + n)
        if fn is None:
            outs = control_flow(ops, label, [ops.convert_to_tensor(x) for x in xs])
        else:
            outs = call(ops, fn, decode(args, xs), {k: decode(v, xs) for k, v in kwargs.items()})
        outs = post(label, outs)
        eager.append(
            {
                "label": label,
                "inputs": [to_json(x) for x in xs],
                "input_dtypes": [str(x.dtype) for x in xs],
                "outputs": [to_json(np.asarray(o)) for o in outs],
                "output_dtypes": [str(np.asarray(o).dtype) for o in outs],
            }
        )
    models = {}
    for name, build in MODELS.items():
        keras.utils.clear_session()
        model = build(keras)
        xs, y, weights = model_data(np.random.default_rng(7), model)
        model.set_weights([w.astype("float32") for w in weights])
        feed = xs.astype("float32")
        pred = model.predict(feed, verbose=0)
        model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
        losses = [float(model.train_on_batch(feed, y)) for _ in range(2)]
        models[name] = {
            "config": json.loads(model.to_json())["config"],
            "inputs": to_json(xs),
            "y": y.tolist(),
            "weights": [w.tolist() for w in weights],
            "prediction": to_json(pred),
            "losses": losses,
            "trained": [to_json(w) for w in model.get_weights()],
        }
    OUT.write_text(
        json.dumps({"keras": keras.__version__, "cases": cases, "eager": eager, "models": models})
    )
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()

"""Differential fuzzing of `keras.ops` and `keras.activations`: a seed draws a list of
random calls (an op both libraries export, arrays of random shapes, broadcasting, 0-size
and 0-d ones, every dtype but bfloat16, Python scalars mixed in, and keyword arguments
drawn from the op's signature), which run in real Keras 3 (JAX) and in numkeras, in
separate processes, and the two records are compared.

A record holds, per call, the result (dtype, shape and values of each array; a Python
number; or the built-in class of the exception it raised) and the same call on symbolic
tensors of the arrays' shapes and dtypes (`KerasTensor`: the output's shape and dtype),
then with axis 0 unknown (None) where it has the first array's size ("batch").

    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python /work/main/scripts/fuzz/fuzz_ops.py \
        run keras 0 500 /tmp/fuzz_ops       # writes /tmp/fuzz_ops/keras.json
    python scripts/fuzz/fuzz_ops.py run numkeras 0 500 /tmp/fuzz_ops
    python scripts/fuzz/fuzz_ops.py compare /tmp/fuzz_ops 0   # one line per divergence
    python scripts/fuzz/fuzz_ops.py show 0 17                 # call 17 of seed 0, as JSON
    python scripts/fuzz/fuzz_ops.py graph 0 500   # numkeras alone: each call built into a
                                                  # functional model, against the eager call

From seed 500 on a fifth menu draws 40% of the calls: the ops drawn nowhere else (`eig`,
`istft`, `view_as_complex` / `view_as_real`, `vectorize`, `custom_gradient`,
`image.elastic_transform`, and from seed 505 `jvp`), 2-D / 3-D convolutions and pools
(channels_first, output_padding), more einsum subscripts, tensordot axes, image ops given
channels first, beam-search ctc_decode, axis pairs and tuples, unique's size / fill /
axis, linspace's axis, extract_patches' dilation; from seed 508 misuse too (shapes that
do not fit, float sizes and axes, negative counts, out-of-range axes, on arrays and on
symbolic tensors: the built-in exception class must be Keras's). Seeds 500-510 (150-200
calls each) agree after the fixes in tests/ops/test_fuzz_ops_2.py (goldens:
scripts/goldens/make_fuzz_ops_2.py).

From seed 518 on a sixth menu draws half the calls: type promotion between int8 / uint8 /
uint16 / uint32 / bool / float16 tensors and Python numbers, 0-size and size-1
broadcasting, negative axes and keepdims, one_hot / multi_hot / take of negative indices,
grouped and dilated convolutions, pools of 1-3 spatial axes, ctc's mask_index and empty
labels, batched and empty matrices, image ops of float16 / uint8 given either data
format, normalizations over several axes, batch_normalization with statistics of length 1
(bfloat16 is not drawn: NumPy has none, README). Seeds 511-525 (150-200 calls) agree after
the fixes in tests/ops/test_fuzz_ops_3.py (goldens: scripts/goldens/make_fuzz_ops_3.py).
Keras-JAX is wrong there too (not compared): a softmax over a tuple of negative axes
crashes (TypeError), `reshape` of a 0-size tensor into (-1, 0) divides by zero,
`sparse_categorical_crossentropy(axis=...)` checks target.shape against output.shape[:-1]
whatever the axis (numkeras: the output's shape without `axis`), and a `solve` whose `b`
has a lower rank than `a` but is no vector is a broadcast matrix on JAX and a batch of
vectors on Keras's TensorFlow backend (numkeras's). An eigenvector's sign (eigh) is
normalized before the comparison.

From seed 536 on a seventh menu draws 30% of the calls: misuse of the ops `draw_misuse`
leaves out (operands that do not broadcast or multiply, axes out of range or repeated,
unknown modes and dtype names, weights / repeats / updates of other lengths, matrices that
are not square, images of the wrong rank), on arrays and on symbolic tensors: the built-in
exception class must be Keras's. Seeds 526-540 (120 calls each) agree after the fixes in
tests/ops/test_fuzz_ops_4.py (goldens: scripts/goldens/make_fuzz_ops_4.py), but for one
left: seed 535's `affine_transform(interpolation="nearest")` samples a coordinate that
lands on a tie (0.5) in one library and a float32 step beside it in the other (the
order of the multiply-adds), so one pixel differs.

From seed 551 on an eighth menu draws 30% of the calls: misuse of dtypes and ranks (floats
where integers go: bitwise operands, indices, ids, counts, axes, sizes; text fills;
inputs missing their batch axis for convolutions, pools, attention and images;
decompositions of vectors; repeated or mismatched axes; sizes the data cannot hold).
Seeds 541-560 (120 calls each) agree after the fixes in tests/ops/test_fuzz_ops_5.py
(goldens: scripts/goldens/make_fuzz_ops_5.py): an integer image's fractional
`fill_value` (JAX casts it to the dtype: 2.7 -> 2; one out of range is OverflowError),
`norm(ord=inf)` over an empty axis (0), and the eighth menu's error classes. Keras is
wrong there too (not compared): `split(x, 2.5)` cuts 2 sections (numkeras refuses a
float), `histogram(bins=0)` gives a bin's edges (numkeras refuses), and it crashes
(KERAS_OPS_CRASHES) on `sum(axis="0")`, `conv_transpose` / pools of a tensor missing its
batch axis, symbolic `matmul` of a 0-d tensor and `expand_dims` of a repeated axis.

From seed 581 on a ninth menu draws 30% of the calls: activations given parameters at
their edges (negative or zero thresholds, slopes, alphas and `b`; a `max_value` below 0
or below the threshold; integer or infinite fills; axis tuples; `glu` over axis 0), on
float16 / int8 / int16 / bool tensors too, the identifier round trips
(`activations.get(name)(x)`, `deserialize(name)(x)`, `serialize(get(name))`), and misuse
(unknown names, text parameters, a float softmax axis). Seeds 561-580 (120 calls each)
agree; with seeds 581-588 (their ninth-menu calls) they agree after the fixes in
tests/ops/test_fuzz_ops_6.py (goldens: scripts/goldens/make_fuzz_ops_6.py): `soft_shrink`
with a negative threshold (Keras's formula moves every value by `-t`), `relu`'s
`max_value` below 0 (Keras clips to `(0, max_value)`: the max_value wins) and its
threshold of -inf (0, not NaN), text parameters (a TypeError and a ValueError: Keras
raises either, by parameter) and a float axis to the softmaxes of an empty tensor. Not
compared: Keras-JAX's `leaky_relu` of integers or bools with an integer slope keeps
integers (bool: int32; its torch backend refuses integers; numkeras gives floats).

Seeds 595-620 (120 calls each) agree after the fix in tests/ops/test_fuzz_found_s28d.py
(goldens: scripts/goldens/make_fuzz_found_s28d.py): `linspace` from or to an infinity
(JAX interpolates, start * (1 - t) + stop * t, so -inf to 10 is [-inf, -inf, -inf, 10];
NumPy's steps gave NaN). Not compared: Keras 3.15's `activations.deserialize("swish")` /
`("hard_swish")` raise ValueError ("not a KerasSaveable subclass") where `get` takes the
aliases (numkeras: silu / hard_silu; README); a product (`matmul`, `dot`, ...) of float16
with integers past float16's range (JAX casts them to inf first, so inf - inf is NaN;
numkeras multiplies in float32); uint32 with signed integers inside `select`'s lists (JAX's
int32 wraps the top values, as for the other ops).

Seeds 621-660 (621-622: 120 calls; 623 on: Keras ran the first 60 of numkeras's 120, the
machine being loaded) agree with Keras; `graph` on seeds 621-660 (120 calls) agrees after
the fixes in tests/ops/test_fuzz_ops_7.py (goldens: scripts/goldens/make_fuzz_ops_7.py):
a model built on `unstack(x, num=3)` of an unknown axis 0 gave None for a missing slice
(Keras refuses: ValueError), and a model's op of a negative Python int and an unsigned
tensor (`power(-1, uint32)`) raised NumPy 2's OverflowError where the eager op wraps it,
as Keras's weak ints are; `activations.deserialize(None)` is now a TypeError too (Keras
returns None, which its caller cannot call). `graph` skips `unstack(num=...)` of the
unknown axis: such a model refuses data of another count (Keras-JAX drops slices past
`num`; README).

Seeds 661-700 (661-670: 60 calls; 671 on: Keras ran the first 35 of numkeras's 60, the
machine being loaded) agree, and `graph` on them (60 calls) agrees; one draw met Keras
being wrong (not compared; README): `activations.relu` of a bool tensor with a threshold
other than 0 or 1 casts the threshold to bool (0.5 -> True), so nothing passes `x > True`
and the result is all zeros (numkeras keeps the Trues above 0.5).

Values compare with tolerances of the result's dtype (float16's where an input is
float16), NaN equal to NaN; exceptions by their built-in class (numkeras's errors subclass
Keras's). A symbolic result may follow Keras's eager one where Keras's two disagree (its
compute_output_spec keeps integers in activations whose arrays become floats), and may
raise where Keras's symbolic call does not but its eager one does. Known Keras
differences, not drawn or not compared (`_keras_quirk`, `_compare_values`):
- JAX runs without x64: Keras-JAX computes float64 / int64 in 32 bits; numkeras keeps 64
  bits (README), so with a 64-bit input its 64-bit dtype stands for Keras's 32-bit one.
- Where Keras's eager dtype is not its symbolic one (Python floats made strong float32
  tensors: `logaddexp2(0.85, float16)`), numkeras may give the symbolic (weak) one.
- Keras-JAX does not check values: integer division by 0, `take` / `one_hot` /
  `bincount` / `segment_*` of an index out of range, casts of NaN, negative or
  out-of-range floats to integers, integer overflow, `int ** negative int`, comparisons
  of uint8 with negative Python ints (JAX wraps them): values not compared (or numkeras
  refuses, as NumPy and torch). Nor are `empty*`, `argpartition` and `quantile(method=
  "nearest")` (JAX rounds ties down) values.
- JAX refuses what NumPy computes (integer sigmoid / erf / silu, bool `round(decimals)`,
  `argmax` of a 0-d tensor, quantiles of 0-d or empty tensors, decreasing `split`
  indices, `slice_update` of another dtype, `glu` of an odd axis (asserts), a `trapezoid`
  of an empty axis), or computes what NumPy refuses (`pad` of a 0-d tensor, `geomspace`
  from 0, `histogram` of inf without `range`, singular matrices into inf).
- Keras-JAX is wrong: `sparsemax` rows do not sum to 1 (not drawn); `layer_normalization`
  / `rms_normalization` of integers give integers (0s); `hard_tanh` / `threshold` of
  uint8 wrap -1 to 255; `softmax` / `log_softmax` of uint8 subtract the maximum in
  uint8; `quantile` between two equal infinities is NaN; `softmax(2)`, `max_pool` /
  `average_pool(strides=None)` and `hard_silu` / `hard_swish` / `mish` of an `Input` crash;
  `is_tensor` of a NumPy array (numkeras's backend tensor) is False; `stop_gradient(2.2)`
  returns the Python number; XLA multiplies by a bool as a select (`multiply(inf,
  False)`, `cross` of a float and a bool vector: 0, not IEEE's NaN; torch and NumPy give
  NaN): bool operands with non-finite floats compare no values. FFTs, folds, solves and
  normalizations of inf (in the data or in `gamma` / `beta`) compare no values (which
  entries become NaN depends on the order of operations).
- The resamplings of non-finite inputs compare no values (affine, perspective and
  map_coordinates outside "constant" mode: where inf * 0 becomes NaN differs;
  `extract_patches` and `extract_patches_3d`: Keras-JAX's are convolutions with a 0/1
  kernel, which spread NaN over whole patches, numkeras's copies); pools, `resize`,
  `gaussian_blur` and `scale_and_translate` do. Keras-JAX's eager `gaussian_blur` reads
  `data_format=None` as channels_first (drawn with a data_format); Keras keeps integer
  images' dtype in `ssim` / `sobel_edges` (numkeras: floats).
- Not compared either: `eig`'s and `elastic_transform`'s values (an eigenvector's sign is
  the solver's choice; random); JAX's `istft` cuts the signal short for strides below
  fft_length / 2 (numkeras gives (frames - 1) * stride + fft_length samples);
  `unravel_index` into a negative shape (JAX computes one, numkeras refuses); `jvp` of
  non-finite tangents (where NaN appears depends on the order of operations);
  `elastic_transform` of integer images crashes in Keras-JAX.
- Ops numkeras runs on arrays only (integer, spectral and decomposition ones: its error
  says so) compare no symbolic results. With axis 0 unknown ("batch"), numkeras's loops
  over an axis of known size next to it (`scan` of an unknown `init` over known `xs`:
  numkeras unrolls it, Keras refuses) and `shape` / `size` (a `SymbolicDim`) are not
  compared, nor the `cross` of a vector of unknown length (2 or 3 entries); numkeras's
  shapes may be better known than Keras's (`hstack` of (None, 4) and (2, 4)) or right
  where Keras's are not (`kron`, `slogdet`, adaptive pools): they must fit the arrays'
  shapes.
"""

from __future__ import annotations

import importlib
import json
import math
import os
import random
import sys

import numpy as np

FLOATS = ["float16", "float32", "float32", "float32", "float64"]
INTS = ["int8", "int16", "int32", "int32", "int64", "uint8"]
DTYPES = FLOATS * 2 + INTS + ["bool"]

UNARY = """abs absolute negative square sign ceil floor round trunc copy isfinite isinf isnan
isneginf isposinf isreal signbit real imag conj conjugate angle logical_not ravel size ndim
shape stop_gradient cbrt exp exp2 expm1 log log10 log1p log2 sqrt rsqrt reciprocal sin cos tan
arcsin arccos arctan sinh cosh tanh arcsinh arccosh arctanh deg2rad rad2deg erf erfc erfinv
i0 sinc fabs nan_to_num bitwise_invert bitwise_not relu relu6 sigmoid softplus softsign silu
swish log_sigmoid hard_sigmoid hard_silu hard_swish hard_tanh selu elu celu gelu leaky_relu
sparse_plus sparse_sigmoid squareplus tanh_shrink hard_shrink soft_shrink softmax log_softmax
glu threshold zeros_like ones_like empty_like full_like cast saturate_cast convert_to_tensor
array nonzero""".split()
ACTIVATIONS = """celu elu exponential gelu glu hard_shrink hard_sigmoid hard_silu hard_swish
hard_tanh leaky_relu linear log_sigmoid log_softmax mish relu relu6 selu sigmoid silu
soft_shrink softmax softplus softsign sparse_plus sparse_sigmoid squareplus swish tanh
tanh_shrink threshold""".split()
BINARY = """add subtract multiply divide true_divide floor_divide mod fmod power maximum
minimum fmax fmin arctan2 hypot logaddexp logaddexp2 nextafter heaviside equal not_equal
greater greater_equal less less_equal logical_and logical_or logical_xor divide_no_nan
isclose allclose ldexp bitwise_and bitwise_or bitwise_xor left_shift right_shift
bitwise_left_shift bitwise_right_shift gcd lcm""".split()
REDUCE = """sum mean max min amax amin prod std var all any argmax argmin logsumexp median
ptp nanmax nanmean nanmin nanprod nansum nanstd nanvar nanmedian nanargmax nanargmin
count_nonzero""".split()
CUMULATIVE = "cumsum cumprod nancumsum nancumprod".split()
MATMUL = "dot matmul inner outer kron vdot tensordot cross correlate cdist einsum".split()
JOIN = "concatenate stack hstack vstack dstack append".split()
SPLIT = "split array_split hsplit vsplit dsplit unstack".split()
CREATE = """zeros ones full empty eye identity tri arange linspace logspace geomspace
bartlett blackman hamming hanning kaiser""".split()
SHAPE = """reshape transpose expand_dims squeeze flip roll tile repeat swapaxes moveaxis
broadcast_to flipud fliplr rot90 diagonal trace diag diagflat tril triu pad diff sort argsort
top_k where clip take take_along_axis quantile percentile nanquantile nanpercentile norm
average trapezoid vander isin digitize searchsorted unique bincount one_hot multi_hot
meshgrid get_item slice slice_update unravel_index argpartition histogram select""".split()
NN = """softmax_axes batch_normalization layer_normalization rms_normalization normalize
moments binary_crossentropy categorical_crossentropy sparse_categorical_crossentropy
average_pool max_pool adaptive_average_pool adaptive_max_pool conv depthwise_conv
depth_to_space space_to_depth in_top_k psnr dot_product_attention extract_sequences
segment_sum segment_max segment_min segment_prod attention_options ctc_loss ctc_decode
one_hot_sparse_categorical""".split()
LINALG = "det inv cholesky solve solve_triangular slogdet logdet matrix_rank pinv".split()
IMAGE = """resize affine_transform crop_images pad_images extract_patches gaussian_blur
hsv_to_rgb rgb_to_hsv rgb_to_grayscale map_coordinates perspective_transform sobel_edges ssim
scale_and_translate extract_patches_3d""".split()
MORE = """cholesky_inverse conv_transpose separable_conv convert_to_numpy corrcoef dtype is_tensor
eigh fft fft2 ifft2 rfft irfft stft fold unfold lstsq lu_factor polar qr rearrange scatter
scatter_update svd view map fori_loop associative_scan scan vectorized_map cond switch
while_loop""".split()
# the values of these depend on memory or ties, or on indices / divisors Keras-JAX does not
# check: their values are not compared (see the notes above)
# (argpartition: only `kth` is fixed; eig: an eigenvector's sign or phase is the solver's
# choice; elastic_transform: random)
NO_VALUES = {"empty", "empty_like", "argpartition", "image.elastic_transform", "eig"}
INDEXED = {"take", "take_along_axis", "one_hot", "multi_hot", "bincount", "segment_sum",
           "segment_max", "segment_min", "segment_prod"}  # fmt: skip
SPECTRAL = {"fft", "fft2", "ifft2", "rfft", "irfft", "stft", "fold", "unfold", "lstsq",
            "solve", "solve_triangular", "batch_normalization", "conv", "depthwise_conv",
            "separable_conv", "conv_transpose", "extract_sequences", "trapezoid",
            "ctc_loss", "layer_normalization", "rms_normalization", "istft", "eig",
            "jvp_call"}  # fmt: skip
# (float64 inputs: Keras-JAX's float32 numbers may round the other way)
ROUNDING = {"floor_divide", "mod", "fmod", "floor", "ceil", "round", "trunc", "histogram"}
INT_DIVISION = {"floor_divide", "mod", "fmod", "divide_no_nan", "gcd", "lcm"}
SHIFTS = {"left_shift", "right_shift", "bitwise_left_shift", "bitwise_right_shift", "ldexp"}


# -- drawing arguments: an array is {"a": values, "dtype", "shape"} in the JSON -----------
def _shape(r, lo=0, hi=3, zero=True) -> list:
    return [r.choice([0] * zero + [1, 2, 3, 3, 4]) for _ in range(r.randint(lo, hi))]


def array(r, dtype=None, shape=None, kind="any", **shape_kw) -> dict:
    dtype = dtype or r.choice(DTYPES)
    shape = _shape(r, **shape_kw) if shape is None else list(shape)
    rng = np.random.default_rng(r.randrange(2**32))
    size = math.prod(shape)
    if dtype == "bool":
        v = rng.random(size) < 0.5
    elif dtype.startswith(("int", "uint")):
        lo, hi = {"any": (-5, 6), "pos": (1, 6), "small": (0, 4)}.get(kind, (-5, 6))
        v = rng.integers(max(lo, 0) if dtype == "uint8" else lo, hi, size)
        if kind == "wellcond":
            v = (rng.integers(-1, 2, shape) + 3 * np.eye(shape[-1], dtype=int)).ravel()
    else:
        v = {
            "pos": lambda: rng.uniform(0.1, 4, size),
            "unit": lambda: rng.uniform(-1, 1, size),
            "distinct": lambda: rng.permutation(size) * 0.37 - 2,
            "wellcond": lambda: (rng.normal(0, 1, shape) + 3 * np.eye(shape[-1])).ravel(),
        }
        v = v.get(kind, lambda: rng.normal(0, 2, size))().round(2)
        if kind == "any" and size and r.random() < 0.1:  # a few special values
            v[rng.integers(0, size, 2)] = r.choice([np.nan, np.inf, -np.inf, 0.0])
    v = np.asarray(v).astype(dtype)
    return {"a": [None if isinstance(x, float) and math.isnan(x) else x for x in v.tolist()],
            "dtype": dtype, "shape": shape}  # fmt: skip


def scalar(r):
    return r.choice([r.randint(-3, 5), round(r.uniform(-3, 3), 2), r.random() < 0.5, 2, 0.5])


def operand(r, shape=None, dtype=None, kind="any"):
    """An array, or (sometimes) a Python scalar."""
    return scalar(r) if r.random() < 0.15 else array(r, dtype, shape, kind)


def broadcastable(r, shape) -> list:
    """A shape that broadcasts with `shape`: the same, a suffix, 1s in places, or (rarely)
    one that does not."""
    s = list(shape[r.randint(0, len(shape)) :]) if r.random() < 0.4 else list(shape)
    s = [1 if r.random() < 0.3 else d for d in s]
    if r.random() < 0.2:
        s = [r.choice([1, 2])] + s
    if r.random() < 0.05 and s:
        s[0] += 1
    return s


def axis(r, rank, multi=True, none=True):
    choices = [None] * none + list(range(-rank, rank))
    if r.random() < 0.03:
        return rank  # out of range
    if multi and rank > 1 and r.random() < 0.25:
        return tuple(sorted(r.sample(range(rank), r.randint(1, rank))))
    return r.choice(choices) if choices else None


def rank_of(a) -> int:
    return len(a["shape"]) if isinstance(a, dict) else 0


def draw_call(r) -> dict:
    group = r.choice(
        [UNARY] * 5 + [BINARY] * 5 + [REDUCE] * 3 + [CUMULATIVE, MATMUL, JOIN, SPLIT, CREATE]
        + [SHAPE] * 4 + [NN] * 2 + [LINALG, ACTIVATIONS, MORE, MORE, IMAGE, IMAGE]
    )  # fmt: skip
    name = r.choice(group)
    args, kw = (_default(group) or DRAWERS[name])(r, name)
    if group is ACTIVATIONS:
        name = "activations." + name
    if group is IMAGE:
        name = "image." + name
    return {"op": name, "args": args, "kwargs": kw}


def _default(group):
    return {id(UNARY): d_unary, id(BINARY): d_binary, id(REDUCE): d_reduce,
            id(ACTIVATIONS): d_activation}.get(id(group))  # fmt: skip


def d_unary(r, name):
    x = operand(r)
    kw = {}
    extra = {
        "round": lambda: {"decimals": r.choice([0, 1, -1])},
        "celu": lambda: {"alpha": r.choice([0.5, 2.0])},
        "elu": lambda: {"alpha": r.choice([0.5, 2.0])},
        "gelu": lambda: {"approximate": r.random() < 0.5},
        "leaky_relu": lambda: {"negative_slope": r.choice([0.1, 0.3])},
        "hard_shrink": lambda: {"threshold": r.choice([0.5, 1.0])},
        "soft_shrink": lambda: {"threshold": r.choice([0.5, 1.0])},
        "squareplus": lambda: {"b": r.choice([1, 4, 0.5])},
        "softmax": lambda: {"axis": axis(r, rank_of(x), none=False) if rank_of(x) else -1},
        "log_softmax": lambda: {"axis": axis(r, rank_of(x), none=False) if rank_of(x) else -1},
        "glu": lambda: {"axis": r.choice([-1, 0])},
        "nan_to_num": lambda: {
            "nan": r.choice([0.0, 1.5]),
            "posinf": r.choice([None, 9.0]),
            "neginf": r.choice([None, -9]),
        },  # fmt: skip
        "zeros_like": lambda: {"dtype": r.choice([None] + DTYPES)},
        "ones_like": lambda: {"dtype": r.choice([None] + DTYPES)},
        "empty_like": lambda: {"dtype": r.choice([None] + DTYPES)},
        "convert_to_tensor": lambda: {"dtype": r.choice([None] + DTYPES)},
        "array": lambda: {"dtype": r.choice([None] + DTYPES)},
    }
    kw = extra.get(name, dict)()
    if name == "glu" and isinstance(x, dict) and r.random() < 0.8:
        x = array(r, shape=_shape(r, 1, 3, zero=False)[:-1] + [r.choice([2, 4])])
    args = [x]
    if name == "threshold":
        args += [r.choice([0.0, 0.5, 1]), r.choice([0.0, -1.0, 2])]
    if name == "full_like":
        args.append(scalar(r))
        kw = {"dtype": r.choice([None] + DTYPES)}
    if name in ("cast", "saturate_cast"):
        args.append(r.choice(DTYPES))
    return args, kw


def d_activation(r, name):
    x = array(r, dtype=r.choice(FLOATS + ["int32"]))
    extra = {
        "relu": lambda: {
            "negative_slope": r.choice([0.0, 0.1]),
            "max_value": r.choice([None, 2.0]),
            "threshold": r.choice([0.0, 0.5]),
        },  # fmt: skip
        "elu": lambda: {"alpha": r.choice([0.5, 1.0])},
        "celu": lambda: {"alpha": r.choice([0.5, 1.0])},
        "leaky_relu": lambda: {"negative_slope": r.choice([0.1, 0.3])},
        "gelu": lambda: {"approximate": r.random() < 0.5},
        "softmax": lambda: {"axis": r.choice([-1, 0]) if rank_of(x) else -1},
        "log_softmax": lambda: {"axis": r.choice([-1, 0]) if rank_of(x) else -1},
        "threshold": lambda: {"threshold": 0.5, "default_value": -1.0},
        "hard_shrink": lambda: {"threshold": 1.0},
        "soft_shrink": lambda: {"threshold": 1.0},
        "squareplus": lambda: {"b": 2},
    }
    if name == "glu":
        x = array(r, dtype=r.choice(FLOATS), shape=_shape(r, 0, 2, zero=False) + [4])
    return [x], extra.get(name, dict)()


def d_binary(r, name):
    integer = name.startswith(("bitwise", "left", "right")) or name in ("gcd", "lcm")
    dtypes = INTS + ["bool"] * (not name.endswith("shift") and name not in ("gcd", "lcm"))
    a = operand(r, dtype=r.choice(dtypes) if integer else None)
    if isinstance(a, dict):
        shape = broadcastable(r, a["shape"])
    else:
        shape = _shape(r)
    dt = r.choice(dtypes) if integer else None
    kind = "small" if name in SHIFTS else "any"
    b = operand(r, shape, dt, kind)
    if integer and isinstance(b, float):
        b = int(b)
    if name in SHIFTS and not isinstance(b, dict):
        b = abs(int(b)) % 4
    kw = {}
    if name in ("isclose", "allclose") and r.random() < 0.5:
        kw = {"rtol": 0.1, "atol": 0.5, "equal_nan": r.random() < 0.5}
    return [a, b], kw


def d_reduce(r, name):
    x = array(r)
    if name == "count_nonzero":
        return [x], {"axis": axis(r, rank_of(x))}
    multi = not name.startswith(("arg", "nanarg"))
    kw = {"axis": axis(r, rank_of(x), multi=multi), "keepdims": r.random() < 0.3}
    if name in ("max", "min") and r.random() < 0.2:
        kw["initial"] = r.choice([0, 1.5])
    return [x], kw


def d_cumulative(r, name):
    x = array(r)
    return [x], {"axis": axis(r, rank_of(x), multi=False), "dtype": r.choice([None] * 3 + DTYPES)}


def d_matmul(r, name):
    n = r.choice([1, 2, 3])
    if name == "einsum":
        a, b = array(r, shape=[2, n]), array(r, shape=[n, 3])
        return [r.choice(["ij,jk->ik", "ij,jk", "ij,jk->i"]), a, b], {}
    if name == "cross":
        shape = _shape(r, 0, 2, zero=False) + [r.choice([3, 3, 2])]
        return [array(r, shape=shape), array(r, shape=broadcastable(r, shape))], {}
    if name in ("correlate",):
        return [array(r, shape=[r.randint(1, 5)]), array(r, shape=[r.randint(1, 4)])], {
            "mode": r.choice(["valid", "same", "full"])}  # fmt: skip
    if name == "cdist":
        return [array(r, shape=[2, n]), array(r, shape=[3, n])], {}
    if name == "tensordot":
        a, b = array(r, shape=[2, n]), array(r, shape=[n, 3])
        return [a, b], {"axes": r.choice([1, [[1], [0]], 0])}
    a = array(r, shape=_shape(r, 0, 3))
    if name in ("matmul", "dot", "inner") and a["shape"] and r.random() < 0.85:
        last = a["shape"][-1]
        if name == "inner":
            b = array(r, shape=_shape(r, 0, 2) + [last])
        else:
            b = array(r, shape=_shape(r, 0, 1) + [last] + _shape(r, 0, 1))
        if name == "matmul" and len(a["shape"]) >= 2 and r.random() < 0.5:
            b = array(r, shape=a["shape"][:-2] + [last, r.choice([1, 2])])
        return [a, b], {}
    return [a, operand(r)], {}


def d_join(r, name):
    base = _shape(r, 1, 3)
    n = r.choice([1, 2, 3])
    ax = r.randrange(len(base)) if name in ("concatenate", "append") else 0
    xs = []
    for _ in range(n):
        s = list(base)
        if name != "stack" and r.random() < 0.5:
            s[ax] = r.choice([0, 1, 2])
        xs.append(array(r, shape=s))
    if name == "append":
        return xs[:1] + [xs[-1]], {"axis": r.choice([None, ax])}
    if name == "concatenate":
        return [xs], {"axis": r.choice([ax, ax - len(base)])}
    if name == "stack":
        return [xs], {"axis": r.randint(-len(base) - 1, len(base))}
    return [xs], {}


def d_split(r, name):
    x = array(r, shape=_shape(r, 1 + (name in ("vsplit", "hsplit")) + 2 * (name == "dsplit"), 3))
    if name == "unstack":
        return [x], {"axis": axis(r, rank_of(x), multi=False, none=False)}
    sec = r.choice([1, 2, 3, [1], [1, 2], [2, 1]])
    kw = {"axis": axis(r, rank_of(x), multi=False, none=False)} if "array" in name else {}
    if name == "split" and r.random() < 0.5:
        kw = {"axis": axis(r, rank_of(x), multi=False, none=False)}
    return [x, sec], kw


def d_create(r, name):
    dt = r.choice([None] * 3 + DTYPES)
    if name in ("zeros", "ones", "empty"):
        return [tuple(_shape(r))], {"dtype": dt}
    if name == "full":
        return [tuple(_shape(r)), r.choice([scalar(r), array(r, shape=[])])], {"dtype": dt}
    if name in ("eye", "tri"):
        return [r.randint(0, 4)], {"M": r.choice([None, 2, 3]), "k": r.choice([0, 1, -1]),
                                   "dtype": dt}  # fmt: skip
    if name == "identity":
        return [r.randint(0, 4)], {"dtype": dt}
    if name == "arange":
        start = r.choice([r.randint(-3, 3), round(r.uniform(-3, 3), 1)])
        stop = r.choice([None, r.randint(-2, 8), 4.5])
        step = r.choice([None, 1, 2, 0.5, -1])
        return [start], {"stop": stop, "step": step, "dtype": dt}
    if name in ("linspace", "logspace", "geomspace"):
        start = r.choice([0, 1, 2.5, array(r, shape=[2], dtype="float32", kind="pos")])
        kw = {"num": r.choice([0, 1, 5]), "endpoint": r.random() < 0.7, "dtype": dt}
        if name == "linspace" and r.random() < 0.3:
            kw["retstep"] = True
        return [start, r.choice([3, 4.0, 10])], kw
    if name == "kaiser":
        return [r.randint(0, 6), r.choice([0.0, 5.0])], {}
    return [r.randint(0, 6)], {}


def d_shape(r, name):
    x = array(r)
    rk = rank_of(x)
    s = x["shape"]

    def some_axis(none=False):
        return axis(r, rk, multi=False, none=none)

    if name == "reshape":
        n = math.prod(s)
        return [x, r.choice([(n,), (-1,), (1, n), (n, -1), (-1, 1)] if n else [(0, 3), (-1,)])], {}
    if name == "transpose":
        perm = list(range(rk))
        r.shuffle(perm)
        return [x], {"axes": r.choice([None, tuple(perm)])}
    if name == "expand_dims":
        return [x, r.randint(-rk - 1, rk)], {}
    if name == "squeeze":
        ones = [i for i, d in enumerate(s) if d == 1]
        return [x], {"axis": r.choice([None] + ones + [some_axis()] * (rk > 0))}
    if name == "flip":
        return [x], {"axis": axis(r, rk)}
    if name == "roll":
        return [x, r.choice([1, -2, 3])], {"axis": some_axis(none=True) if rk else None}
    if name == "tile":
        return [x, r.choice([2, (2, 1), (1, 2, 2), (0,)])], {}
    if name == "repeat":
        return [x, r.choice([2, 0, 1])], {"axis": some_axis(none=True) if rk else None}
    if name in ("swapaxes", "moveaxis"):
        if not rk:
            x, rk = array(r, shape=[2, 3]), 2
        return [x, r.randrange(rk), r.randint(-rk, rk - 1)], {}
    if name == "broadcast_to":
        return [x, tuple(([2] if r.random() < 0.5 else []) + [d for d in s])], {}
    if name in ("flipud", "fliplr", "rot90", "diagonal", "trace", "tril", "triu"):
        x = array(r, shape=_shape(r, 2, 3))
        kw = {}
        if name == "rot90":
            kw = {"k": r.choice([1, 2, -1])}
        if name in ("diagonal", "trace"):
            kw = {"offset": r.choice([0, 1, -1])}
        if name in ("tril", "triu"):
            kw = {"k": r.choice([0, 1, -1])}
        return [x], kw
    if name in ("diag", "diagflat"):
        return [array(r, shape=_shape(r, 1, 2))], {"k": r.choice([0, 1, -1])}
    if name == "pad":
        width = r.choice([1, (1, 2), [(0, 1)] * rk, ((1, 1),)])
        mode = r.choice(["constant", "constant", "reflect", "symmetric", "edge"])
        kw = {"mode": mode}
        if mode == "constant" and r.random() < 0.5:
            kw["constant_values"] = r.choice([1, 2.5])
        return [x, width], kw
    if name == "diff":
        return [x], {"n": r.choice([1, 2]), "axis": some_axis() if rk else -1}
    if name in ("sort", "argsort"):
        x = array(r, kind="distinct") if name == "argsort" else x
        return [x], {"axis": some_axis(none=name == "argsort") if rank_of(x) else -1}
    if name == "argpartition":
        x = array(r, shape=_shape(r, 1, 2, zero=False), kind="unit", dtype="float32")
        return [x, 0], {"axis": -1}
    if name == "top_k":
        x = array(r, shape=_shape(r, 1, 3, zero=False), kind="unit", dtype=r.choice(FLOATS))
        return [x, r.choice([1, 2])], {"sorted": True}
    if name == "where":
        cond = array(r, dtype=r.choice(["bool", "bool", "int32", "float32"]))
        if r.random() < 0.15:
            return [cond], {}
        return [cond, operand(r, broadcastable(r, cond["shape"])), operand(r)], {}
    if name == "clip":
        return [x, r.choice([-1, 0.5, 0, None]), r.choice([1, 2.5, 3])], {}
    if name == "take":
        return [x, r.choice([0, [0, 1], [[0], [1]], -1])], {"axis": some_axis(True) if rk else None}
    if name == "take_along_axis":
        if not rk:
            x, rk = array(r, shape=[3, 2]), 2
        idx = array(r, dtype="int32", kind="small", shape=[min(d, 1) for d in x["shape"]])
        return [x, idx], {"axis": r.randrange(rk)}
    if name in ("quantile", "percentile", "nanquantile", "nanpercentile"):
        q = r.choice([0.5, [0.25, 0.75], 0.0, 1.0])
        q = [v * 100 for v in q] if isinstance(q, list) and "perc" in name else q
        q = q * 100 if isinstance(q, float) and "perc" in name else q
        x = array(r, dtype=r.choice(FLOATS + ["int32"]))
        method = r.choice(["linear", "lower", "higher", "midpoint", "nearest"])
        return [x, q], {"axis": axis(r, rank_of(x)), "method": method,
                        "keepdims": r.random() < 0.3}  # fmt: skip
    if name == "norm":
        x = array(r, dtype=r.choice(FLOATS + ["int32"]), shape=_shape(r, 1, 3))
        rk = rank_of(x)
        ax = r.choice([None, -1, 0] + ([(0, 1)] if rk >= 2 else []))
        ords = [None, 1, 2, np.inf] if not isinstance(ax, tuple) and (rk == 1 or ax is not None) \
            else [None, "fro", 1, 2, -1, "nuc", np.inf]  # fmt: skip
        o = r.choice(ords)
        return [x], {"ord": "inf" if o is np.inf else o, "axis": ax, "keepdims": r.random() < 0.3}
    if name == "average":
        ax = some_axis(True) if rk else None
        w = None
        if r.random() < 0.5 and ax is not None:
            w = array(r, shape=[s[ax]], dtype="float32", kind="pos")
        return [x], {"axis": ax, "weights": w}
    if name == "trapezoid":
        return [x], {"dx": r.choice([1.0, 0.5]), "axis": some_axis() if rk else -1}
    if name == "vander":
        return [array(r, shape=[r.randint(0, 4)])], {
            "N": r.choice([None, 2]),
            "increasing": r.random() < 0.5,
        }
    if name == "isin":
        return [x, array(r, shape=[r.randint(0, 4)])], {"invert": r.random() < 0.3}
    if name in ("digitize", "searchsorted"):
        bins = array(r, shape=[r.randint(1, 4)], dtype="float32", kind="distinct")
        bins["a"] = sorted(bins["a"])
        if name == "digitize":
            return [x, bins], {}
        return [bins, array(r, shape=_shape(r, 0, 1))], {"side": r.choice(["left", "right"])}
    if name == "unique":
        return [x], {"return_counts": r.random() < 0.3, "return_inverse": r.random() < 0.3}
    if name == "bincount":
        x = array(r, shape=[r.randint(0, 6)], dtype=r.choice(["int32", "int64", "uint8"]),
                  kind="small")  # fmt: skip
        w = (
            array(r, shape=x["shape"], dtype=r.choice(FLOATS + ["int32"]))
            if r.random() < 0.4
            else None
        )
        return [x], {"weights": w, "minlength": r.choice([0, 5])}
    if name in ("one_hot", "multi_hot"):
        x = array(r, dtype=r.choice(["int32", "int64", "uint8", "int8"]), kind="small",
                  shape=_shape(r, 1 if name == "multi_hot" else 0, 2))  # fmt: skip
        return [x, r.choice([3, 4])], {
            "dtype": r.choice([None] + DTYPES),
            "axis": r.choice([-1, 0]) if name == "one_hot" else -1,
        }
    if name == "meshgrid":
        xs = [array(r, shape=[r.randint(0, 3)]) for _ in range(r.choice([1, 2, 3]))]
        return xs, {"indexing": r.choice(["xy", "ij"])}
    if name == "get_item":
        if not rk:
            x = array(r, shape=[3, 2])
        return [x, r.choice([0, -1, 1])], {}
    if name in ("slice", "slice_update"):
        x = array(r, shape=_shape(r, 1, 3, zero=False))
        start = [r.randrange(d) for d in x["shape"]]
        size = [r.randint(1, d - st) if d - st else 0 for d, st in zip(x["shape"], start)]
        if name == "slice":
            return [x, start, size], {}
        return [x, start, array(r, shape=size, dtype=r.choice([x["dtype"], "float32"]))], {}
    if name == "unravel_index":
        return [array(r, shape=_shape(r, 0, 1), dtype="int32", kind="small"), (2, 3)], {}
    if name == "histogram":
        x = array(r, shape=[r.randint(1, 6)], dtype=r.choice(["float32", "float64", "int32"]))
        return [x], {"bins": r.choice([2, 5]), "range": r.choice([None, (-1, 1)])}
    if name == "select":
        c = [array(r, shape=[3], dtype="bool") for _ in range(2)]
        return [c, [array(r, shape=[3]) for _ in range(2)]], {"default": r.choice([0, 1.5])}
    raise KeyError(name)


def d_nn(r, name):
    f = r.choice(FLOATS)
    if name == "softmax_axes":  # softmax over several axes
        x = array(r, dtype=f, shape=_shape(r, 2, 3, zero=False))
        return [x], {"axis": (0, 1)}
    if name in ("batch_normalization", "layer_normalization", "rms_normalization", "normalize"):
        x = array(r, dtype=r.choice(FLOATS + ["int32"]), shape=_shape(r, 1, 3, zero=False))
        c = x["shape"][-1]
        if name == "batch_normalization":
            mean, var = array(r, dtype=f, shape=[c]), array(r, dtype=f, shape=[c], kind="pos")
            kw = {"offset": r.choice([None, array(r, dtype=f, shape=[c])]),
                  "scale": r.choice([None, array(r, dtype=f, shape=[c])])}  # fmt: skip
            return [x, mean, var, -1], kw
        if name == "layer_normalization":
            return [x], {"gamma": r.choice([None, array(r, dtype=f, shape=[c])]),
                         "beta": r.choice([None, array(r, dtype=f, shape=[c])]),
                         "epsilon": r.choice([None, 1e-3])}  # fmt: skip
        if name == "rms_normalization":
            return [x], {"scale": r.choice([None, 2.0, array(r, dtype=f, shape=[c])]),
                         "epsilon": r.choice([None, 1e-3])}  # fmt: skip
        return [x], {"axis": -1, "order": r.choice([1, 2])}
    if name == "moments":
        x = array(r, dtype=r.choice(FLOATS + ["int32"]), shape=_shape(r, 1, 3))
        return [x, r.choice([[0], [-1], list(range(rank_of(x)))])], {"keepdims": r.random() < 0.4}
    if name in ("binary_crossentropy", "categorical_crossentropy",
                "sparse_categorical_crossentropy"):  # fmt: skip
        shape = _shape(r, 1, 3, zero=False)
        logits = r.random() < 0.5
        out = array(r, dtype=f, shape=shape, kind="any" if logits else "unit")
        if not logits:
            out["a"] = [abs(v) if v is not None else v for v in out["a"]]
        if name == "sparse_categorical_crossentropy":
            t = array(r, dtype=r.choice(["int32", "int64"]), shape=shape[:-1], kind="small")
            t["a"] = [min(v, shape[-1] - 1) for v in t["a"]]
        else:
            t = array(r, dtype=r.choice(FLOATS), shape=shape, kind="unit")
            t["a"] = [abs(v) for v in t["a"]]
        return [t, out], {"from_logits": logits}
    if name in ("average_pool", "max_pool", "adaptive_average_pool", "adaptive_max_pool"):
        dtype = r.choice([f, f, f, r.choice(INTS)])  # (the max keeps integers, the mean not)
        x = array(r, dtype=dtype, shape=[r.choice([1, 2]), r.randint(3, 6), r.randint(3, 5), 2])
        if name.startswith("adaptive"):
            return [x, r.choice([1, 2, (2, 3)])], {}
        return [x, r.choice([2, 3, (2, 1)])], {
            "strides": r.choice([1, 2]),
            "padding": r.choice(["valid", "same"]),
        }
    if name in ("conv", "depthwise_conv"):
        c = r.choice([1, 2])
        x = array(r, dtype=f, shape=[r.choice([1, 2]), r.randint(3, 6), c])
        k = r.choice([1, 2, 3])
        kernel = array(r, dtype=f, shape=[k, c, r.choice([1, 2])])
        return [x, kernel], {"strides": r.choice([1, 2]), "padding": r.choice(["valid", "same"]),
                             "dilation_rate": r.choice([1, 1, 2])}  # fmt: skip
    if name in ("depth_to_space", "space_to_depth"):
        x = array(r, dtype=r.choice(DTYPES), shape=[1, 2, 2, 4])
        return [x, 2], {}
    if name == "in_top_k":
        p = array(r, dtype="float32", shape=[3, 4], kind="distinct")
        t = array(r, dtype="int32", shape=[3], kind="small")
        return [t, p, r.choice([1, 2])], {}
    if name == "psnr":
        a = array(r, dtype=f, shape=[2, 3], kind="unit")
        return [a, array(r, dtype=f, shape=[2, 3], kind="unit"), 1.0], {}
    if name == "dot_product_attention":
        q = array(r, dtype=f, shape=[1, 3, 2, 4])
        k = array(r, dtype=f, shape=[1, 2, 2, 4])
        return [q, k, array(r, dtype=f, shape=[1, 2, 2, 4])], {"scale": r.choice([None, 0.5])}
    if name == "attention_options":  # (dot_product_attention with its options)
        q = array(r, dtype=f, shape=[1, 3, 2, 4])
        k = array(r, dtype=f, shape=[1, 3, 2, 4])
        kw = {"is_causal": r.random() < 0.5, "scale": r.choice([None, 0.5])}
        if r.random() < 0.4:
            kw["mask"] = array(r, dtype="bool", shape=[1, 2, 3, 3])
        if r.random() < 0.3:
            kw["bias"] = array(r, dtype=f, shape=[1, 2, 3, 3])
        if r.random() < 0.3:
            kw["attn_logits_soft_cap"] = 2.0
        return [q, k, array(r, dtype=f, shape=[1, 3, 2, 4])], kw
    if name == "ctc_loss":
        labels = array(r, dtype="int32", shape=[2, 3], kind="pos")
        labels["a"] = [min(v, 4) for v in labels["a"]]
        logits = array(r, dtype=f, shape=[2, 6, 5])
        lengths = array(r, dtype="int32", shape=[2], kind="small")
        lengths["a"] = [v % 3 + 1 for v in lengths["a"]]
        out_len = {**lengths, "a": [6, 5]}
        return [labels, logits, lengths, out_len], {}
    if name == "ctc_decode":
        logits = array(r, dtype="float32", shape=[2, 5, 4])
        lengths = array(r, dtype="int32", shape=[2], kind="small")
        lengths["a"] = [5, 3]
        return [logits, lengths], {"merge_repeated": r.random() < 0.5}
    if name == "one_hot_sparse_categorical":
        x = array(r, dtype=r.choice(["int32", "int8", "uint8"]), shape=[3], kind="small")
        return [x, 4], {"dtype": r.choice(["float32", "int32", "bool", "float16"])}
    if name == "extract_sequences":
        return [array(r, dtype=f, shape=[2, r.randint(3, 7)]), 2, r.choice([1, 2])], {}
    if name.startswith("segment_"):
        data = array(r, dtype=r.choice(FLOATS + ["int32"]), shape=[5] + _shape(r, 0, 1, False))
        ids = array(r, dtype="int32", shape=[5], kind="small")
        ids["a"] = sorted(ids["a"])
        return [data, ids], {"num_segments": 4, "sorted": r.random() < 0.5}
    raise KeyError(name)


def d_linalg(r, name):
    n = r.choice([1, 2, 3])
    shape = _shape(r, 0, 1, zero=False) + [n, n]
    a = array(r, dtype=r.choice(FLOATS[1:] + ["int32"]), shape=shape, kind="wellcond")
    if name == "cholesky":
        return [a], {}
    if name in ("solve", "solve_triangular"):
        b = array(r, dtype=r.choice(FLOATS[1:]), shape=shape[:-1] + [r.choice([1, 2])])
        return [a, b], {"lower": r.random() < 0.5} if name == "solve_triangular" else {}
    return [a], {}


def d_more(r, name):
    f = r.choice(FLOATS[1:])
    n = r.choice([2, 3])
    if name in ("cholesky_inverse",):
        return [array(r, dtype=f, shape=[n, n], kind="wellcond")], {"upper": r.random() < 0.5}
    if name == "eigh":  # (symmetric: JAX averages a with a.T, NumPy reads one triangle)
        a = array(r, dtype=f, shape=[n, n], kind="wellcond")
        m = np.asarray(a["a"]).reshape(n, n)
        a["a"] = ((m + m.T) / 2).ravel().tolist()
        return [a], {}
    if name in ("lstsq", "lu_factor", "qr", "svd"):
        a = array(r, dtype=f, shape=[n + 1, n], kind="unit")
        if name == "lstsq":
            return [a, array(r, dtype=f, shape=[n + 1])], {}
        if name == "svd":
            return [a], {"compute_uv": False}
        if name == "qr":
            return [a], {"mode": r.choice(["reduced", "complete"])}
        return [array(r, dtype=f, shape=[n, n], kind="wellcond")], {}
    if name in ("conv_transpose", "separable_conv"):
        c = r.choice([1, 2])
        x = array(r, dtype=f, shape=[1, r.randint(3, 5), c])
        k = r.choice([1, 2, 3])
        kw = {"strides": r.choice([1, 2]), "padding": r.choice(["valid", "same"])}
        if name == "conv_transpose":
            return [x, array(r, dtype=f, shape=[k, 2, c])], kw
        dw, pw = array(r, dtype=f, shape=[k, c, 1]), array(r, dtype=f, shape=[1, c, 2])
        return [x, dw, pw], kw
    if name in ("convert_to_numpy", "dtype", "is_tensor", "corrcoef", "view"):
        x = array(r, shape=_shape(r, 1 + (name == "corrcoef"), 2))
        if name == "view":
            return [x], {"dtype": r.choice(["int8", "uint8", x["dtype"]])}
        return [x], {}
    if name in ("fft", "fft2", "ifft2"):
        shape = _shape(r, 2 if name != "fft" else 1, 3, zero=False)
        return [[array(r, dtype=f, shape=shape), array(r, dtype=f, shape=shape)]], {}
    if name == "rfft":
        return [array(r, dtype=f, shape=_shape(r, 1, 2, zero=False))], {
            "fft_length": r.choice([None, 4])}  # fmt: skip
    if name == "irfft":
        shape = _shape(r, 1, 2, zero=False)
        return [[array(r, dtype=f, shape=shape), array(r, dtype=f, shape=shape)]], {
            "fft_length": r.choice([None, 4])}  # fmt: skip
    if name == "stft":
        return [array(r, dtype=f, shape=[2, r.randint(6, 10)]), 4, 2, 4], {
            "window": r.choice(["hann", None]), "center": r.random() < 0.5}  # fmt: skip
    if name == "unfold":
        return [array(r, dtype=f, shape=[1, 2, 4, 4]), 2], {"stride": r.choice([1, 2])}
    if name == "fold":
        return [array(r, dtype=f, shape=[1, 8, 9]), (4, 4), 2], {}
    if name == "polar":
        return [array(r, dtype=f, kind="pos", shape=[3]), array(r, dtype=f, shape=[3])], {}
    if name == "rearrange":
        x = array(r, shape=[2, 3, 4])
        return [x, r.choice(["a b c -> c a b", "a b c -> a (b c)", "a b c -> (a b) c"])], {}
    if name == "scatter":
        idx = array(r, dtype="int32", shape=[2, 1], kind="small")
        return [idx, array(r, shape=[2]), (4,)], {}
    if name == "scatter_update":
        idx = array(r, dtype="int32", shape=[2, 1], kind="small")
        x = array(r, shape=[4, 2])
        return [x, idx, array(r, dtype=x["dtype"], shape=[2, 2])], {}
    xs = array(r, dtype=r.choice(FLOATS + ["int32"]), shape=[r.randint(1, 4), 2])
    if name == "map":
        return [{"fn": "double"}, xs], {}
    if name == "fori_loop":
        return [0, r.randint(0, 3), {"fn": "add_index"}, xs], {}
    if name == "associative_scan":
        return [{"fn": r.choice(["add", "maximum"])}, xs], {"reverse": r.random() < 0.5}
    if name == "scan":
        return [{"fn": "scan_step"}, array(r, dtype=xs["dtype"], shape=[2]), xs], {
            "reverse": r.random() < 0.5}  # fmt: skip
    if name == "vectorized_map":
        return [{"fn": "row_sum"}, xs], {}
    if name == "cond":
        return [r.random() < 0.5, {"fn": "ones"}, {"fn": "zeros"}], {}
    if name == "switch":
        return [r.randint(0, 2), [{"fn": "double"}, {"fn": "negative"}], xs], {}
    if name == "while_loop":
        return [{"fn": "below_ten"}, {"fn": "plus_one"}, (xs,)], {"maximum_iterations": 5}
    raise KeyError(name)


def d_image(r, name):
    f = r.choice(FLOATS[1:] + ["uint8", "int32"])
    h, w, c = r.randint(2, 6), r.randint(2, 6), r.choice([1, 3])
    batch = [r.choice([1, 2])] if r.random() < 0.8 else []
    kind = "pos" if name in ("hsv_to_rgb", "rgb_to_hsv") else "any"
    images = array(r, dtype=f, shape=batch + [h, w, 3 if "hsv" in name else c], kind=kind)
    images = {**images, "a": [abs(v) if isinstance(v, float) else v for v in images["a"]]}
    interp = r.choice(["bilinear", "nearest"])
    if name == "resize":
        kw = {"interpolation": r.choice(["bilinear", "nearest", "bicubic", "lanczos3", "area"]),
              "antialias": r.random() < 0.3}  # fmt: skip
        if r.random() < 0.2:
            kw[r.choice(["crop_to_aspect_ratio", "pad_to_aspect_ratio"])] = True
        return [images, (r.randint(1, 7), r.randint(1, 7))], kw
    if name == "affine_transform":
        t = array(r, dtype="float32", shape=batch + [8], kind="unit")
        # (no projective terms: Keras-JAX ignores them, numkeras refuses them)
        t["a"] = [0.0 if i % 8 >= 6 else v for i, v in enumerate(t["a"])]
        return [images, t], {
            "interpolation": interp,
            "fill_mode": r.choice(["constant", "nearest", "reflect", "wrap"]),
        }
    if name in ("crop_images", "pad_images"):
        a, b = r.randint(0, 1), r.randint(0, 1)
        if name == "crop_images":
            return [images], {"top_cropping": a, "left_cropping": b,
                              "target_height": h - a, "target_width": w - b}  # fmt: skip
        return [images], {"top_padding": a, "left_padding": b, "bottom_padding": 1,
                          "right_padding": 0}  # fmt: skip
    if name == "extract_patches":
        return [images, r.choice([1, 2, (2, 1)])], {
            "strides": r.choice([None, 1]),
            "padding": r.choice(["valid", "same"]),
        }
    if name == "extract_patches_3d":
        return [array(r, dtype=f, shape=batch + [3, 3, 3, 1]), 2], {}
    if name == "gaussian_blur":  # (data_format given: see _keras_quirk)
        return [images], {"kernel_size": r.choice([(3, 3), (3, 1)]), "sigma": (1.0, 0.5),
                          "data_format": "channels_last"}  # fmt: skip
    if name == "map_coordinates":
        x = array(r, dtype=f, shape=[h, w])
        coords = array(r, dtype="float32", shape=[2, 3], kind="pos")
        return [x, coords, r.choice([0, 1])], {"fill_mode": r.choice(["constant", "nearest"])}
    if name == "perspective_transform":
        start = array(r, dtype="float32", shape=batch + [4, 2], kind="pos")
        end = array(r, dtype="float32", shape=batch + [4, 2], kind="pos")
        return [images, start, end], {"interpolation": interp}
    if name == "ssim":
        b = array(r, dtype=images["dtype"], shape=images["shape"], kind="pos")
        return [images, b], {"max_val": 4.0, "filter_size": 3}
    if name == "scale_and_translate":
        x = array(r, dtype="float32", shape=[h, w, 1])
        method = r.choice(["linear", "cubic"])
        return [x, (h + 1, w, 1), [1.2, 1.0], [0.5, 0.0], (0, 1), method], {}
    return [images], {}


# -- the fifth menu (seeds 500 on): the ops drawn nowhere above, and argument combinations
# the drawers above leave out (2-D / 3-D convolutions and pools, channels_first, more
# einsum subscripts, axis pairs, unique's size, beam search, ...)
FIFTH = """eig istft view_as_complex view_as_real_of_complex vectorize_call custom_gradient_call
image.elastic_transform conv_nd conv_transpose_2d depthwise_conv_2d separable_conv_2d pool_nd
einsum_more tensordot_more image_channels_first ctc_beam axis_pairs unique_more linspace_axis
roll_more extract_patches_more""".split()
PSEUDO = {"view_as_real_of_complex", "vectorize_call", "custom_gradient_call", "jvp_call",
          "activation_get_call", "activation_deserialize_call",
          "activation_serialize"}  # fmt: skip


def _misuse_arrays(r):
    """The misuse menus' array maker `a(*shape, dtype=None)` (one float dtype drawn for
    the case) and an int32 vector of class ids, drawn in that order."""
    f = r.choice(FLOATS[1:])

    def a(*shape, dtype=None):
        return array(r, dtype=dtype or f, shape=list(shape))

    ints = a(4, dtype="int32")
    ints["a"] = [0, 1, 2, 1]
    return a, ints


def draw_misuse(r) -> dict:
    """An op called wrongly (seeds 508 on): sizes that do not fit, arguments of the wrong
    type or out of range; the exception's built-in class must be Keras's."""
    a, ints = _misuse_arrays(r)
    cases = [
        ("reshape", [a(2, 3), (4, 2)], {}), ("reshape", [a(2, 3), (2.0, 3)], {}),
        ("sum", [a(2, 3)], {"axis": 1.5}), ("one_hot", [ints, 3.5], {}),
        ("one_hot", [ints, -2], {}), ("conv", [a(1, 5, 2), a(3, 3, 2, 1)], {}),
        ("image.resize", [a(1, 4, 4, 3), (2, 3, 4)], {}), ("pad", [a(2, 3), -1], {}),
        ("split", [a(5), 2], {}), ("matmul", [a(2, 3), a(4, 5)], {}),
        ("concatenate", [[a(2, 3), a(3, 4)]], {"axis": 1}), ("take", [a(4), 1.5], {}),
        ("transpose", [a(2, 3)], {"axes": (0, 0)}), ("broadcast_to", [a(2, 3), (3, 3)], {}),
        ("tile", [a(2), 1.5], {}), ("repeat", [a(3), -1], {}), ("arange", [0, 5, 0], {}),
        ("linspace", [0, 1], {"num": -1}), ("eye", [-1], {}), ("full", [(2, -1), 0], {}),
        ("squeeze", [a(2, 3)], {"axis": 0}), ("expand_dims", [a(2, 3), 5], {}),
        ("top_k", [a(3), 5], {}), ("stack", [[]], {}),
        ("einsum", ["ij,jk->ik", a(2, 3), a(2, 3)], {}), ("moveaxis", [a(2, 3), 0, 5], {}),
        ("softmax", [a(2, 3)], {"axis": 5}), ("cast", [a(2), "nope"], {}),
        ("convert_to_tensor", ["abc"], {}),
        ("image.crop_images", [a(1, 4, 4, 1)], {"target_height": 10, "target_width": 2}),
        ("segment_sum", [a(4), a(3, dtype="int32")], {"num_segments": 2}),
        ("ctc_decode", [a(1, 4, 3), a(1, dtype="int32")], {"strategy": "nope"}),
        ("norm", [a(3)], {"ord": "nope"}), ("array_split", [a(4), 0], {}),
        ("unravel_index", [ints, (2, -3)], {}), ("where", [a(2, dtype="bool"), a(3), a(4)], {}),
        ("dot", [a(2, 3), a(2, 3)], {}), ("argmax", [a(2, 3)], {"axis": 2}),
        ("image.pad_images", [a(1, 3, 3, 1)], {"target_height": 2, "target_width": 3}),
        ("max_pool", [a(1, 4, 4, 1), 5], {}),
        ("depthwise_conv", [a(1, 5, 5, 2), a(3, 3, 3, 1)], {}),
        ("slice", [a(4, 4), (0, 0), (5, 2)], {}), ("cumsum", [a(2, 3)], {"axis": 3}),
        ("roll", [a(2, 3), 1], {"axis": 4}), ("diagonal", [a(3)], {}), ("trace", [a(3)], {}),
        ("tri", [-2], {}), ("identity", [2.5], {}), ("zeros", [(2, 2.5)], {}),
        ("take_along_axis", [a(2, 3), a(2, 3, dtype="float32")], {"axis": 1}),
        ("batch_normalization", [a(2, 3), a(4), a(4), -1], {}),
        ("categorical_crossentropy", [a(2, 3), a(2, 4)], {}),
        ("sparse_categorical_crossentropy", [a(2, dtype="int32"), a(3, 4)], {}),
    ]  # fmt: skip
    op, args, kwargs = r.choice(cases)
    return _call(op, args, **kwargs)


def draw_fifth(r, seed: int = 500) -> dict:
    if seed >= 508 and r.random() < 0.4:  # (misuse: seeds 508 on)
        return draw_misuse(r)
    name = r.choice(FIFTH + ["jvp_call"] * 4 * (seed >= 505))  # (jvp: seeds 505 on)
    if name == "jvp_call":
        x = array(r, dtype=r.choice(FLOATS[1:]), shape=_shape(r, 0, 2))
        t = array(r, dtype=x["dtype"], shape=x["shape"])
        fn = r.choice(["sin_times", "row_sum", "double", "softmax_last", "with_aux"])
        return _call(name, [{"fn": fn}, x, t], has_aux=fn == "with_aux")
    f = r.choice(FLOATS[1:])
    if name == "eig":
        return _call(name, [array(r, dtype=f, shape=[r.choice([1, 2, 3])] * 2, kind="wellcond")])
    if name == "istft":
        n, step = r.choice([(4, 2), (8, 4), (4, 1)])
        frames, bins = r.randint(2, 5), n // 2 + 1
        x = [array(r, dtype=f, shape=[2, frames, bins]), array(r, dtype=f, shape=[2, frames, bins])]
        return _call(name, [x, n, step, n], length=r.choice([None, 6]),
                     window=r.choice(["hann", None]), center=r.random() < 0.5)  # fmt: skip
    if name in ("view_as_complex", "view_as_real_of_complex"):
        return _call(name, [array(r, dtype=f, shape=_shape(r, 0, 2) + [2])])
    if name == "vectorize_call":
        x = array(r, dtype=r.choice(FLOATS[1:] + ["int32"]), shape=_shape(r, 1, 2, zero=False))
        if r.random() < 0.5:
            return _call(name, [{"fn": "row_sum"}, x], signature="(n)->()")
        return _call(name, [{"fn": "double"}, x])
    if name == "custom_gradient_call":
        return _call(name, [array(r, dtype=f)])
    if name == "image.elastic_transform":  # (random: shapes and dtypes only)
        images = array(r, dtype=r.choice([f, "uint8"]), shape=[1, 5, 5, r.choice([1, 3])])
        return _call(name, [images], alpha=r.choice([2.0, 20.0]), sigma=r.choice([1.0, 5.0]),
                     seed=1, fill_mode=r.choice(["reflect", "constant", "nearest"]))  # fmt: skip
    first = r.random() < 0.4
    fmt = "channels_first" if first else "channels_last"

    def images(dims, c, dtype=f, batch=(1,)):
        sizes = [r.randint(3, 5) for _ in range(dims)]
        return array(r, dtype=dtype, shape=[*batch, *([c] if first else []), *sizes,
                                            *([] if first else [c])])  # fmt: skip

    if name in ("conv_nd", "depthwise_conv_2d", "separable_conv_2d", "conv_transpose_2d"):
        dims = r.choice([2, 2, 3]) if name == "conv_nd" else 2
        c, k = r.choice([1, 2]), [r.choice([1, 2, 3]) for _ in range(dims)]
        x = images(dims, c)
        kw = {"padding": r.choice(["valid", "same"]), "data_format": fmt,
              "strides": r.choice([1, 2, (1, 2)[:dims] if dims == 2 else 1])}  # fmt: skip
        if name == "conv_nd":
            kw["dilation_rate"] = r.choice([1, 1, 2])
            return _call("conv", [x, array(r, dtype=f, shape=k + [c, r.choice([1, 2])])], **kw)
        if name == "depthwise_conv_2d":
            return _call("depthwise_conv", [x, array(r, dtype=f, shape=k + [c, 2])], **kw)
        if name == "separable_conv_2d":
            dw, pw = array(r, dtype=f, shape=k + [c, 2]), array(r, dtype=f, shape=[1, 1, 2 * c, 3])
            return _call("separable_conv", [x, dw, pw], **kw)
        kw["strides"] = r.choice([1, 2])
        if kw["strides"] == 2 and r.random() < 0.5:
            kw["output_padding"] = r.choice([0, 1])
        return _call("conv_transpose", [x, array(r, dtype=f, shape=k + [2, c])], **kw)
    if name == "pool_nd":
        dims = r.choice([1, 3])
        x = images(dims, 2, dtype=r.choice([f, f, "int32"]))
        op = r.choice(["max_pool", "average_pool"])
        return _call(op, [x, r.choice([1, 2])], strides=r.choice([1, 2]),
                     padding=r.choice(["valid", "same"]), data_format=fmt)  # fmt: skip
    if name == "einsum_more":
        n = r.choice([1, 2, 3])
        sub, shapes = r.choice([
            ("ii->i", [[n, n]]), ("ii", [[n, n]]), ("bij,bjk->bik", [[2, n, 3], [2, 3, 2]]),
            ("i,i->", [[n], [n]]), ("...ij,...jk->...ik", [[2, 2, n], [n, 3]]),
            ("ij->ji", [[2, n]]), ("i,j->ij", [[n], [3]]), ("ijk->kj", [[2, n, 3]]),
            ("ij,ij->i", [[2, n], [2, n]]), ("i,i,i->", [[n]] * 3),
        ])  # fmt: skip
        dt = r.choice(FLOATS + ["int32"])
        return _call("einsum", [sub] + [array(r, dtype=dt, shape=sh) for sh in shapes])
    if name == "tensordot_more":
        a, b = array(r, shape=[2, 3, 4]), array(r, shape=[3, 4, 2])
        if r.random() < 0.5:
            return _call("tensordot", [a, b], axes=2)
        return _call("tensordot", [a, array(r, shape=[4, 2, 3])], axes=[[1, 2], [2, 0]])
    if name == "image_channels_first":  # (images given channels first)
        op = r.choice(["resize", "crop_images", "pad_images", "rgb_to_grayscale",
                       "rgb_to_hsv", "affine_transform", "gaussian_blur"])  # fmt: skip
        first, fmt = True, "channels_first"
        x = images(2, 3, dtype=r.choice([f, "uint8"]), batch=r.choice([(1,), (2,), ()]))
        x = {**x, "a": [abs(v) if isinstance(v, float) else v for v in x["a"]]}
        kw = {"data_format": fmt}
        if op == "resize":
            return _call("image.resize", [x, (r.randint(2, 6), r.randint(2, 6))], **kw,
                         interpolation=r.choice(["bilinear", "nearest"]))  # fmt: skip
        if op == "crop_images":
            return _call("image.crop_images", [x], top_cropping=1, bottom_cropping=1, **kw)
        if op == "pad_images":
            return _call("image.pad_images", [x], top_padding=1, target_height=x["shape"][-2] + 3,
                         left_padding=0, right_padding=2, **kw)  # fmt: skip
        if op == "affine_transform":
            t = array(r, dtype="float32", shape=x["shape"][:-3] + [8], kind="unit")
            t["a"] = [0.0 if i % 8 >= 6 else v for i, v in enumerate(t["a"])]
            return _call("image.affine_transform", [x, t], **kw)
        if op == "gaussian_blur":
            return _call("image.gaussian_blur", [x], kernel_size=(3, 3), sigma=(1.0, 0.5), **kw)
        return _call("image." + op, [x], **kw)
    if name == "ctc_beam":
        logits = array(r, dtype="float32", shape=[2, 5, 4])
        lengths = array(r, dtype="int32", shape=[2], kind="small")
        lengths["a"] = [5, r.choice([3, 5])]
        return _call("ctc_decode", [logits, lengths], strategy="beam_search",
                     beam_width=r.choice([2, 4]), top_paths=r.choice([1, 2]),
                     merge_repeated=r.random() < 0.5)  # fmt: skip
    if name == "axis_pairs":
        x = array(r, shape=[2, 3, r.choice([3, 4])])
        op = r.choice(["diagonal", "trace", "moveaxis", "expand_dims", "squeeze", "flip"])
        if op in ("diagonal", "trace"):
            a1, a2 = r.sample([0, 1, 2, -1], 2)
            if a1 % 3 == a2 % 3:
                a2 = (a1 + 1) % 3
            return _call(op, [x], offset=r.choice([0, 1, -1]), axis1=a1, axis2=a2)
        if op == "moveaxis":
            return _call(op, [x, (0, 1), r.choice([(1, 0), (-1, 0), (2, 1)])])
        if op == "expand_dims":
            return _call(op, [x, r.choice([(0, 1), (0, -1), (1, 3)])])
        if op == "squeeze":
            return _call(op, [array(r, shape=[1, 2, 1, 3])], axis=r.choice([(0, 2), (-2,), 1]))
        return _call(op, [x], axis=r.choice([(0, 2), (-1, 1), ()]))
    if name == "unique_more":
        x = array(r, dtype=r.choice(["int32", "float32"]), kind="small", shape=_shape(r, 1, 2))
        kw = {"return_index": r.random() < 0.5, "return_counts": r.random() < 0.3}
        if r.random() < 0.5:
            kw.update(size=6, fill_value=r.choice([None, -1]))
        if rank_of(x) == 2 and r.random() < 0.4:
            kw["axis"] = r.choice([0, 1])
        return _call("unique", [x], **kw)
    if name == "linspace_axis":
        start = array(r, shape=[2, 2], dtype="float32")
        return _call("linspace", [start, r.choice([3.0, 10])], num=r.choice([1, 4]),
                     axis=r.choice([0, 1, -1]), endpoint=r.random() < 0.5)  # fmt: skip
    if name == "roll_more":
        x = array(r, shape=[2, 3, 4])
        return _call("roll", [x, r.choice([(1, -2), [2, 1], 5])], axis=r.choice([(0, 2), [1, -1]]))
    x = images(2, r.choice([1, 3]), dtype=r.choice([f, "uint8"]))
    return _call("image.extract_patches", [x, r.choice([2, (2, 1)])], data_format=fmt,
                 strides=r.choice([None, 1, 2]), dilation_rate=r.choice([1, 2]),
                 padding=r.choice(["valid", "same"]))  # fmt: skip


# -- the sixth menu (seeds 518 on): dtypes and edges the menus above seldom reach: type
# promotion between int8 / uint8 / uint16 / uint32 / bool / float16 and Python scalars,
# 0-size and size-1 broadcasting, negative axes and keepdims, one_hot / take of negative
# indices, grouped and dilated convolutions, ctc's mask_index, batched and empty matrices,
# image ops of float16 / uint8, normalizations over several axes
SIXTH = """promote promote unary_small reduce_axes reduce_axes one_hot_neg take_neg ctc_more
conv_groups conv_more pool_more linalg_batch linalg_empty image_more nn_axes shape_edge
cumulative_more where_mixed batch_norm_more""".split()
SMALL = ["bool", "int8", "uint8", "int16", "uint16", "uint32", "int32", "float16", "float32"]
EDGE_PAIRS = [([0], [1]), ([3, 0], [1, 1]), ([2, 1, 3], [4, 1]), ([], [2, 3]), ([1], [0]),
              ([2, 3], [3]), ([0, 3], [3]), ([1, 1], [2, 1, 1]), ([3], [3]), ([2, 1], [1, 2]),
              ([2, 3], [2, 1]), ([4], [])]  # fmt: skip
PROMOTE_OPS = """add subtract multiply divide true_divide maximum minimum power arctan2 equal
less greater_equal floor_divide mod logaddexp hypot fmax greater where_xy matmul_pair
heaviside logical_and bitwise_and""".split()
# (pseudo-ops of the sixth menu: another op's values compared where the drawn inputs are
# in range; one_hot / take of negative indices are in range for both libraries)
ALIASES = {"one_hot_neg": "one_hot", "multi_hot_neg": "multi_hot", "take_neg": "take",
           "take_along_neg": "take_along_axis", "where_xy": "where",
           "matmul_pair": "matmul"}  # fmt: skip


def draw_sixth(r) -> dict:
    name = r.choice(SIXTH)
    if name == "promote":
        op = r.choice(PROMOTE_OPS)
        sa, sb = r.choice(EDGE_PAIRS) if r.random() < 0.6 else ([2, 3], [2, 3])
        bit = op.startswith(("bitwise", "logical"))
        pool = [d for d in SMALL if not (bit and d.startswith("float"))]
        if op == "matmul_pair":
            sa, sb = r.choice([([2, 3], [3, 0]), ([0, 3], [3, 2]), ([3], [3, 2]), ([2, 3], [3])])
        da, db = r.choice(pool), r.choice(pool)
        a = array(r, dtype=da, shape=sa)
        b = array(r, dtype=db, shape=sb) if r.random() < 0.7 else r.choice(
            [2, -1, 0.5, True, 3.0] if not bit else [2, True])  # fmt: skip
        if r.random() < 0.3:
            a, b = b, a
        if op == "where_xy":
            cond = array(r, dtype="bool", shape=sa)
            return _call(op, [cond, a, b])
        return _call(op, [a, b])
    if name == "unary_small":
        op = r.choice(
            """abs negative square sign sqrt exp log1p floor ceil round sin tanh relu
        relu6 softplus cbrt reciprocal logical_not isnan sort argsort nonzero ravel
        count_nonzero trunc exp2 arctan conj real square""".split()
        )
        dt = r.choice(["int8", "uint8", "bool", "float16", "uint16", "int16"])
        return _call(op, [array(r, dtype=dt, shape=r.choice([[0], [2, 0], [3], [2, 3], []]))])
    if name == "reduce_axes":
        op = r.choice(
            """sum mean max min prod std var any all argmax argmin logsumexp amax amin
        count_nonzero median quantile norm nansum nanmean ptp""".split()
        )
        shape = r.choice([[2, 3, 4], [2, 0, 3], [0, 3], [3, 1, 2], [1, 0]])
        x = array(r, dtype=r.choice(SMALL), shape=shape)
        rk = len(shape)
        ax = r.choice([-1, -2, (-1, -2), (0, -1), -rk, None, (-3, -1) if rk == 3 else -1])
        if op in ("argmax", "argmin", "count_nonzero") and isinstance(ax, tuple):
            ax = ax[0] if op != "count_nonzero" else ax
        args = [x, 0.5] if op == "quantile" else [x]
        kw = {"axis": ax, "keepdims": r.random() < 0.6}
        if op == "count_nonzero":
            kw.pop("keepdims")
        return _call(op, args, **kw)
    if name == "one_hot_neg":
        x = array(r, dtype=r.choice(["int32", "int8", "int16"]), shape=r.choice([[4], [2, 3], [0]]))
        x["a"] = [r.choice([-1, -2, 0, 1, 2, -3]) for _ in x["a"]]
        if r.random() < 0.4:
            return _call("multi_hot_neg", [x, 3], dtype=r.choice([None, "int32", "float16"]))
        n = r.choice([3, 4])  # (drawn in this order: classes, axis, dtype)
        ax = r.choice([-1, 0, -2]) if len(x["shape"]) > 1 else r.choice([-1, 0])
        return _call("one_hot_neg", [x, n], axis=ax, dtype=r.choice([None, "int8", "bool"]))
    if name == "take_neg":
        x = array(r, dtype=r.choice(SMALL), shape=r.choice([[4], [3, 4], [2, 3, 2]]))
        rk = len(x["shape"])
        if r.random() < 0.4 and rk > 1:
            ax = r.choice([-1, -2])
            idx_shape = [2 if i == ax % rk else d for i, d in enumerate(x["shape"])]
            idx = array(r, dtype="int32", shape=idx_shape)
            n = x["shape"][ax]
            idx["a"] = [r.randint(-n, n - 1) for _ in idx["a"]]
            return _call("take_along_neg", [x, idx], axis=ax)
        ax = r.choice([None, -1, 0, -rk])
        n = math.prod(x["shape"]) if ax is None else x["shape"][ax]
        idx = r.choice([[-1], [-n, n - 1], [[0, -1], [-2, 1]], -2])
        return _call("take_neg", [x, idx], axis=ax)
    if name == "ctc_more":
        f = r.choice(["float32", "float16"])
        k = r.choice([4, 5])
        t = r.choice([5, 6])
        mask = r.choice([0, k - 1])
        labels = array(r, dtype="int32", shape=[2, 3])
        labels["a"] = [r.choice([c for c in range(k) if c != mask]) for _ in labels["a"]]
        logits = array(r, dtype=f, shape=[2, t, k])
        if r.random() < 0.5:
            lab_len = {**array(r, dtype="int32", shape=[2]), "a": [r.choice([0, 1, 3]), 2]}
            out_len = {**array(r, dtype="int32", shape=[2]), "a": [t, r.choice([3, t])]}
            return _call("ctc_loss", [labels, logits, lab_len, out_len], mask_index=mask)
        lengths = {**array(r, dtype="int32", shape=[2]), "a": [t, r.choice([2, t])]}
        return _call("ctc_decode", [logits, lengths], mask_index=r.choice([mask, None]),
                     merge_repeated=r.random() < 0.5)  # fmt: skip
    if name == "conv_groups":  # (kernel's input channels = channels / groups)
        dims, groups = r.choice([1, 2]), r.choice([2, 3])
        per = r.choice([1, 2])
        c = groups * per
        first = r.random() < 0.3
        sizes = [r.randint(3, 5) for _ in range(dims)]
        shape = [1] + ([c] if first else []) + sizes + ([] if first else [c])
        x = array(r, dtype=r.choice(["float32", "float16"]), shape=shape)
        k = [r.choice([1, 2, 3]) for _ in range(dims)]
        kernel = array(r, dtype=x["dtype"], shape=k + [per, groups * r.choice([1, 2])])
        return _call(
            "conv",
            [x, kernel],
            padding=r.choice(["valid", "same"]),
            data_format="channels_first" if first else "channels_last",
            strides=r.choice([1, 2]),
            dilation_rate=r.choice([1, 2]) if dims == 1 else 1,
        )
    if name == "conv_more":
        op = r.choice(["conv", "depthwise_conv", "conv_transpose", "separable_conv"])
        dims = r.choice([1, 2])
        c = r.choice([1, 2])
        x = array(
            r,
            dtype=r.choice(["float32", "float16", "float32"]),
            shape=[r.choice([1, 2])] + [r.randint(4, 6) for _ in range(dims)] + [c],
        )
        k = [r.choice([2, 3]) for _ in range(dims)]
        kw = {"padding": r.choice(["valid", "same"]), "strides": r.choice([1, 2]),
              "dilation_rate": r.choice([1, 2])}  # fmt: skip
        if kw["strides"] > 1 and kw["dilation_rate"] > 1:
            kw["strides"] = 1  # (Keras refuses both above 1)
        f = x["dtype"]
        if op == "conv":
            return _call(op, [x, array(r, dtype=f, shape=k + [c, 2])], **kw)
        if op == "depthwise_conv":
            return _call(op, [x, array(r, dtype=f, shape=k + [c, r.choice([1, 2])])], **kw)
        if op == "separable_conv":
            pw = array(r, dtype=f, shape=[1] * dims + [2 * c, 3])
            return _call(op, [x, array(r, dtype=f, shape=k + [c, 2]), pw], **kw)
        if kw["strides"] > 1 and r.random() < 0.5:
            kw["output_padding"] = 1
        return _call(op, [x, array(r, dtype=f, shape=k + [2, c])], **kw)
    if name == "pool_more":
        op = r.choice(["max_pool", "average_pool", "adaptive_average_pool", "adaptive_max_pool"])
        dims = r.choice([1, 2, 3])
        first = r.random() < 0.4
        sizes = [r.randint(3, 6) for _ in range(dims)]
        shape = [r.choice([1, 2])] + ([2] if first else []) + sizes + ([] if first else [2])
        x = array(r, dtype=r.choice(["float32", "float16", "int8", "uint8"]), shape=shape)
        fmt = "channels_first" if first else "channels_last"
        if op.startswith("adaptive"):
            return _call(op, [x, r.choice([1, 2, 3])], data_format=fmt)
        pool = r.choice([2, 3, tuple(r.choice([1, 2, 3]) for _ in range(dims))])
        strides = r.choice([1, 2, pool if isinstance(pool, int) else None])
        return _call(op, [x, pool], strides=strides, padding=r.choice(["valid", "same"]),
                     data_format=fmt)  # fmt: skip
    if name == "linalg_batch":
        op = r.choice(["inv", "det", "slogdet", "solve", "cholesky", "eigh", "qr", "svd",
                       "norm", "lstsq", "pinv", "matrix_rank", "solve_triangular",
                       "logdet"])  # fmt: skip
        n = r.choice([1, 2, 3])
        batch = r.choice([[2], [2, 1], [1, 2]])
        f = r.choice(["float32", "float16", "int32"]) if op in ("det", "inv", "norm") else "float32"
        a = array(r, dtype=f, shape=batch + [n, n], kind="wellcond")
        if op in ("cholesky", "eigh", "logdet"):
            m = np.asarray(a["a"], dtype="float64").reshape(batch + [n, n])
            m = m @ np.swapaxes(m, -1, -2) + np.eye(n)
            a["a"] = m.round(3).ravel().tolist()
            return _call(op, [a], **({"upper": r.random() < 0.5} if op == "cholesky" else {}))
        if op == "solve":
            return _call(op, [a, array(r, dtype=f, shape=r.choice([batch, [2]]) + [n, 2])])
        if op == "solve_triangular":
            return _call(op, [a, array(r, dtype=f, shape=batch + [n, 1])], lower=r.random() < 0.5)
        if op == "lstsq":
            return _call(op, [array(r, dtype=f, shape=[n + 1, n]), array(r, dtype=f,
                         shape=[n + 1, 2])], rcond=r.choice([None, 1e-3]))  # fmt: skip
        if op == "norm":
            ax = r.choice([(-2, -1), (-1, -2), -1, (0, -1)])
            ords = (
                [None, "fro", 1, -1, "inf", "nuc", 2] if isinstance(ax, tuple) else [None, 1, 3, 0]
            )
            return _call(op, [a], ord=r.choice(ords), axis=ax, keepdims=r.random() < 0.5)
        if op == "svd":
            return _call(op, [a], full_matrices=r.random() < 0.5, compute_uv=False)
        if op == "qr":
            return _call(op, [array(r, dtype=f, shape=batch + [n + 1, n])],
                         mode=r.choice(["reduced", "complete"]))  # fmt: skip
        if op == "matrix_rank":
            return _call(op, [a], tol=r.choice([None, 0.5]))
        return _call(op, [a])
    if name == "linalg_empty":
        op = r.choice(["inv", "det", "slogdet", "cholesky", "eigh", "svd", "norm", "qr", "pinv",
                       "solve", "matmul", "trace", "diagonal", "tril"])  # fmt: skip
        shape = r.choice([[0, 0], [2, 0, 0], [0, 2, 2]])
        a = array(r, dtype="float32", shape=shape)
        if op == "solve":
            return _call(op, [a, array(r, dtype="float32", shape=shape[:-1] + [1])])
        if op == "matmul":
            return _call(op, [a, array(r, dtype="float32", shape=shape)])
        if op == "svd":
            return _call(op, [a], compute_uv=False)
        return _call(op, [a])
    if name == "image_more":
        op = r.choice(["rgb_to_grayscale", "rgb_to_hsv", "hsv_to_rgb", "resize", "affine_transform",
                       "pad_images", "crop_images", "map_coordinates"])  # fmt: skip
        dt = r.choice(["float16", "uint8", "float32", "int32"])
        first = r.random() < 0.4
        h, w = r.randint(2, 5), r.randint(2, 5)
        shape = [1] + ([3, h, w] if first else [h, w, 3])
        x = array(r, dtype=dt, shape=shape, kind="pos")
        fmt = {"data_format": "channels_first" if first else "channels_last"}
        if op == "resize":
            return _call("image.resize", [x, (r.randint(1, 6), r.randint(1, 6))], **fmt,
                         interpolation=r.choice(["bilinear", "nearest", "bicubic", "area"]),
                         crop_to_aspect_ratio=r.random() < 0.3)  # fmt: skip
        if op == "affine_transform":
            t = array(r, dtype="float32", shape=[1, 8], kind="unit")
            t["a"] = [0.0 if i >= 6 else v for i, v in enumerate(t["a"])]
            return _call("image.affine_transform", [x, t], **fmt, fill_value=r.choice([0, 2.5]),
                         fill_mode=r.choice(["constant", "nearest"]),
                         interpolation=r.choice(["nearest", "bilinear"]))  # fmt: skip
        if op == "pad_images":
            return _call("image.pad_images", [x], **fmt, top_padding=1, left_padding=0,
                         target_height=h + 2, target_width=w + 1)  # fmt: skip
        if op == "crop_images":
            return _call("image.crop_images", [x], **fmt, bottom_cropping=1, right_cropping=0,
                         target_height=h - 1, target_width=w)  # fmt: skip
        if op == "map_coordinates":
            img = array(r, dtype=r.choice(["float32", "float16"]), shape=[h, w])
            coords = array(r, dtype="float32", shape=[2, 2, 3], kind="unit")
            coords["a"] = [v * 4 for v in coords["a"]]
            return _call("image.map_coordinates", [img, coords, r.choice([0, 1])],
                         fill_mode=r.choice(["constant", "nearest", "reflect", "mirror", "wrap"]),
                         fill_value=r.choice([0, 1.5]))  # fmt: skip
        return _call("image." + op, [x], **fmt)
    if name == "nn_axes":
        op = r.choice(["softmax", "log_softmax", "normalize", "moments", "rms_normalization",
                       "layer_normalization", "categorical_crossentropy",
                       "sparse_categorical_crossentropy", "logsumexp"])  # fmt: skip
        f = r.choice(["float32", "float16"])
        x = array(r, dtype=f, shape=[2, 3, 4], kind="unit")
        ax = r.choice([-1, -2, (-1, -2), (0, 2)])
        if op in ("categorical_crossentropy", "sparse_categorical_crossentropy"):
            ax = r.choice([-1, 1, 0])
            probs = {**x, "a": [abs(v) + 0.05 for v in x["a"]]}
            if op == "categorical_crossentropy":
                t = array(r, dtype=f, shape=[2, 3, 4], kind="unit")
                t["a"] = [abs(v) for v in t["a"]]
            else:
                shape = [d for i, d in enumerate(x["shape"]) if i != ax % 3]
                t = array(r, dtype="int32", shape=shape, kind="small")
                t["a"] = [min(v, x["shape"][ax] - 1) for v in t["a"]]
            return _call(op, [t, probs], from_logits=r.random() < 0.5, axis=ax)
        if op in ("softmax", "log_softmax"):
            return _call(op, [x], axis=ax)
        if op == "normalize":
            return _call(op, [x], axis=ax if not isinstance(ax, tuple) else -1,
                         order=r.choice([1, 2]))  # fmt: skip
        if op == "moments":
            return _call(op, [x, list(ax) if isinstance(ax, tuple) else [ax]],
                         keepdims=r.random() < 0.5)  # fmt: skip
        if op == "rms_normalization":
            return _call(op, [x], axis=ax, epsilon=r.choice([None, 1e-3]))
        if op == "layer_normalization":
            return _call(op, [x], axis=ax)
        return _call(op, [x], axis=ax, keepdims=r.random() < 0.5)
    if name == "shape_edge":
        op = r.choice(["concatenate", "stack", "split", "repeat", "tile", "pad", "squeeze",
                       "expand_dims", "transpose", "swapaxes", "flip", "sort", "top_k", "tril",
                       "diagonal", "reshape", "roll", "broadcast_to", "moveaxis"])  # fmt: skip
        x = array(r, dtype=r.choice(SMALL), shape=r.choice([[2, 0, 3], [0, 2], [1, 3, 1], [2, 3]]))
        s, rk = x["shape"], len(x["shape"])
        if op == "concatenate":
            y = array(r, dtype=r.choice(SMALL), shape=s[:-1] + [r.choice([0, 2])])
            return _call(op, [[x, y]], axis=-1)
        if op == "stack":
            return _call(
                op, [[x, array(r, dtype=r.choice(SMALL), shape=s)]], axis=r.choice([-1, -rk - 1])
            )
        if op == "split":
            return _call(op, [x, r.choice([1, [0], [1, 1]])], axis=-rk)
        if op == "repeat":
            reps = array(r, dtype="int32", shape=[s[-1]], kind="small")
            return _call(op, [x, r.choice([0, 2, reps])], axis=-1)
        if op == "tile":
            return _call(op, [x, r.choice([(0, 1), (2, 1, 1), 2])])
        if op == "pad":
            return _call(op, [x, r.choice([((0, 0),) * (rk - 1) + ((1, 2),), 1])],
                         mode=r.choice(["constant", "edge", "reflect", "symmetric"]))  # fmt: skip
        if op == "squeeze":
            return _call(op, [x], axis=r.choice([-1, (-1, 0), -rk]))
        if op == "expand_dims":
            return _call(op, [x, r.choice([-1, (-1, -2), (0, -1)])])
        if op == "transpose":
            return _call(op, [x], axes=tuple(range(-1, -rk - 1, -1)))
        if op == "swapaxes":
            return _call(op, [x, -1, -rk])
        if op == "flip":
            return _call(op, [x], axis=r.choice([-1, (-1, -2)]))
        if op == "sort":
            return _call(op, [x], axis=r.choice([-1, -2]))
        if op == "top_k":
            x = array(r, dtype=r.choice(["float32", "int8", "uint8"]), shape=s, kind="distinct")
            return _call(op, [x, r.choice([0, 1])], sorted=True)
        if op in ("tril", "diagonal"):
            kw = {"k": r.choice([-1, 0, 2])} if op == "tril" else {"offset": r.choice([-1, 1]),
                  "axis1": -1, "axis2": -2}  # fmt: skip
            return _call(op, [x], **kw)
        if op == "reshape":
            return _call(op, [x, r.choice([(-1,), (0, -1), (-1, 0), (s[-1], -1)])])
        if op == "roll":
            return _call(op, [x, r.choice([-1, 2])], axis=r.choice([-1, -rk, None]))
        if op == "broadcast_to":
            return _call(op, [x, tuple([2] + [d for d in s])])
        return _call(op, [x, -1, 0])
    if name == "cumulative_more":
        op = r.choice(["cumsum", "cumprod", "nancumsum"])
        x = array(r, dtype=r.choice(["bool", "int8", "uint8", "float16", "int16"]),
                  shape=r.choice([[3], [2, 3], [0, 2]]), kind="small")  # fmt: skip
        return _call(op, [x], axis=r.choice([None, -1, 0]),
                     dtype=r.choice([None, None, "int32", "float32"]))  # fmt: skip
    if name == "where_mixed":
        op = r.choice(["where", "clip", "select", "full_like", "isclose"])
        x = array(r, dtype=r.choice(SMALL), shape=[3])
        if op == "where":
            c = array(r, dtype=r.choice(["bool", "int8", "float16"]), shape=[2, 1])
            return _call(op, [c, x, r.choice([0, 1.5, True, array(r, dtype=r.choice(SMALL),
                         shape=[1])])])  # fmt: skip
        if op == "clip":
            return _call(op, [x, r.choice([0, -1.5, 1]), r.choice([2, 3.5])])
        if op == "select":
            c = [array(r, dtype="bool", shape=[3]) for _ in range(2)]
            return _call(op, [c, [x, array(r, dtype=r.choice(SMALL), shape=[3])]],
                         default=r.choice([0, 2.5]))  # fmt: skip
        if op == "full_like":
            return _call(op, [x, r.choice([2, -1.5, True])], dtype=r.choice([None, "int8"]))
        return _call(op, [x, array(r, dtype=r.choice(SMALL), shape=[3])])
    # batch_normalization: statistics of length 1, or of the channels, on other axes
    x = array(r, dtype=r.choice(["float32", "float16", "int32"]), shape=[2, 3, 4])
    ax = r.choice([-1, 1, 0, -2])
    n = r.choice([1, x["shape"][ax]])
    f = r.choice(["float32", "float16"])

    def stat(kind="any", length=n):
        return array(r, dtype=f, shape=[length], kind=kind)

    kw = {}
    if r.random() < 0.6:
        kw["offset"] = stat(length=r.choice([n, n, 1]))
    if r.random() < 0.6:
        kw["scale"] = stat()
    return _call("batch_normalization", [x, stat(), stat("pos"), ax], epsilon=r.choice([1e-3, 0.1]),
                 **kw)  # fmt: skip


# -- the seventh menu (seeds 536 on): more misuse, of the ops draw_misuse leaves out (shapes
# that do not broadcast or multiply, axes out of range or repeated, bad modes and dtype
# names, lengths that do not line up, matrices that are not square); the exception's
# built-in class must be Keras's
def draw_seventh(r) -> dict:
    a, ints = _misuse_arrays(r)
    cases = [
        ("add", [a(2, 3), a(4)], {}), ("multiply", [a(2, 3), a(2, 4)], {}),
        ("maximum", [a(3), a(2)], {}), ("equal", [a(2, 3), a(3, 2)], {}),
        ("reshape", [a(2, 3), (-1, -1)], {}), ("swapaxes", [a(2, 3), 0, 3], {}),
        ("take", [a(2, 3), ints], {"axis": 3}), ("stack", [[a(2, 3), a(3, 2)]], {}),
        ("concatenate", [[a(2, 3), a(2, 3)]], {"axis": 3}),
        ("concatenate", [[a(2, 3), a(3)]], {"axis": 0}),
        ("tensordot", [a(2, 3), a(4, 2)], {"axes": 1}), ("einsum", ["ij->k", a(2, 3)], {}),
        ("einsum", ["ij,jk->ik", a(2, 3)], {}), ("max_pool", [a(1, 4, 4, 1), 2],
        {"padding": "nope"}), ("pad", [a(2, 3), 1], {"mode": "nope"}),
        ("pad", [a(2, 3), ((1, 1), (1, 1), (1, 1))], {}), ("argsort", [a(2, 3)], {"axis": 3}),
        ("sort", [a(2, 3)], {"axis": -3}), ("diag", [a(2, 2, 2)], {}),
        ("inv", [a(2, 3)], {}), ("det", [a(3)], {}), ("solve", [a(2, 2), a(3, 1)], {}),
        ("cholesky", [a(2, 3)], {}), ("cross", [a(4), a(4)], {}),
        ("logsumexp", [a(2, 3)], {"axis": 3}), ("mean", [a(2, 3)], {"axis": (0, 0)}),
        ("var", [a(2, 3)], {"axis": 2}), ("max", [a(2, 3)], {"axis": -3}),
        ("repeat", [a(3), [1, 2]], {}), ("zeros", [(2, 2)], {"dtype": "nope"}),
        ("arange", [0, 5], {"dtype": "nope"}), ("ones", [(2, -2)], {}),
        ("slice_update", [a(4, 4), (0, 0), a(5, 2)], {}),
        ("binary_crossentropy", [a(2, 3), a(3, 2)], {}), ("moments", [a(2, 3), [3]], {}),
        ("normalize", [a(2, 3)], {"axis": 3}), ("average", [a(2, 3)], {"weights": a(4)}),
        ("average", [a(2, 3)], {"axis": 1, "weights": a(2)}),
        ("searchsorted", [a(2, 3), a(2)], {}), ("bincount", [ints], {"weights": a(3)}),
        ("meshgrid", [a(2), a(3)], {"indexing": "nope"}), ("flip", [a(2, 3)], {"axis": 3}),
        ("rot90", [a(2, 3)], {"axes": (0, 0)}), ("roll", [a(2, 3), (1, 2)], {"axis": 0}),
        ("trace", [a(3, 3)], {"axis1": 1, "axis2": 1}), ("norm", [a(2, 3)],
        {"ord": 3, "axis": (0, 1)}), ("dot", [a(3), a(4)], {}), ("vdot", [a(3), a(4)], {}),
        ("inner", [a(3), a(4)], {}), ("correlate", [a(2, 2), a(3)], {}),
        ("outer", [a(2), a(3)], {}), ("cdist", [a(2, 3), a(2, 4)], {}),
        ("log_softmax", [a(2, 3)], {"axis": 5}), ("matmul", [a(3), a(4)], {}),
        ("unstack", [a(2, 3)], {"num": 3}), ("tril", [a(3)], {}), ("triu", [a(3)], {}),
        ("cumprod", [a(2, 3)], {"axis": -3}), ("diff", [a(2, 3)], {"axis": 2}),
        ("quantile", [a(2, 3), 0.5], {"axis": 2}), ("quantile", [a(2, 3), 0.5],
        {"method": "nope"}), ("take_along_axis", [a(2, 3), ints], {"axis": 1}),
        ("expand_dims", [a(2, 3), -4], {}), ("squeeze", [a(2, 1)], {"axis": 2}),
        ("split", [a(6)], {"indices_or_sections": 4}), ("tile", [a(2), (-1,)], {}),
        ("full", [(2, 2), a(3)], {}), ("broadcast_to", [a(2, 3), (3,)], {}),
        ("where", [a(2, 3, dtype="bool"), a(2, 3), a(3, 2)], {}),
        ("clip", [a(2, 3), a(4), 1.0], {}), ("select", [[a(3, dtype="bool")], [a(3), a(3)]], {}),
        ("conv", [a(1, 5, 2), a(3, 2, 1)], {"padding": "nope"}),
        ("conv", [a(1, 5, 5, 2), a(3, 2, 1)], {}),
        ("conv_transpose", [a(1, 5, 2), a(3, 4, 2)], {}),
        ("average_pool", [a(1, 4), 2], {}), ("average_pool", [a(1, 4, 4, 1), 2],
        {"data_format": "nope"}), ("one_hot", [ints, 3], {"axis": 5}),
        ("image.resize", [a(1, 4, 4, 3), (2, 2)], {"interpolation": "nope"}),
        ("image.affine_transform", [a(1, 4, 4, 1), a(1, 6)], {}),
        ("image.rgb_to_grayscale", [a(4, 4)], {}),
        ("segment_max", [a(4), a(4, dtype="float32")], {"num_segments": 2}),
        ("ctc_loss", [a(2, 3, dtype="int32"), a(3, 5, 4), a(2, dtype="int32"),
                      a(2, dtype="int32")], {}),
        ("dot_product_attention", [a(1, 2, 3, 4), a(1, 2, 3, 5), a(1, 2, 3, 4)], {}),
        ("categorical_crossentropy", [a(2, 3), a(2, 3)], {"axis": 3}),
        ("istft", [(a(2, 3), a(2, 4)), 4, 2, 4], {}),
    ]  # fmt: skip
    op, args, kwargs = r.choice(cases)
    return _call(op, args, **kwargs)


# -- the eighth menu (seeds 551 on): misuse of dtypes and ranks the menus above leave out
# (floats where integers go: bitwise operands, indices, ids, counts, axes, sizes; inputs
# missing their batch axis for convolutions, pools, attention and images; decompositions
# of vectors; repeated or mismatched axes; sizes past the data); the exception's built-in
# class must be Keras's
def draw_eighth(r) -> dict:
    a, ints = _misuse_arrays(r)
    cases = [
        ("bitwise_and", [a(3), a(3)], {}), ("left_shift", [a(3), ints], {}),
        ("gcd", [a(3), a(3)], {}), ("take", [a(4), a(2)], {}), ("one_hot", [a(4), 3], {}),
        ("bincount", [a(4)], {}), ("argsort", [a(2, 3)], {"axis": 1.5}),
        ("conv", [a(5, 2), a(3, 2, 1)], {}), ("max_pool", [a(4, 4, 1), 2], {}),
        ("average_pool", [a(4, 1), 2], {}), ("depthwise_conv", [a(1, 5, 2), a(3, 2)], {}),
        ("conv_transpose", [a(5, 2), a(3, 1, 2)], {}),
        ("dot_product_attention", [a(2, 3), a(2, 3), a(2, 3)], {}),
        ("image.resize", [a(4, 4), (2, 2)], {}), ("image.rgb_to_hsv", [a(1, 4, 4, 2)], {}),
        ("image.rgb_to_grayscale", [a(1, 4, 4, 2)], {}), ("matmul", [a(), a(3)], {}),
        ("einsum", ["ij->ji", a(2, 3, 4)], {}), ("split", [a(6)], {"indices_or_sections": 2.5}),
        ("linspace", [0, 1], {"num": 2.5}), ("full", [(2, 2), "a"], {}), ("cast", [a(2), 3], {}),
        ("sum", [a(2, 3)], {"axis": "0"}), ("top_k", [a(2, 3), -1], {}),
        ("top_k", [a(2, 3), 2.5], {}), ("segment_sum", [a(4), ints], {"num_segments": 2.5}),
        ("segment_sum", [a(4), ints], {"num_segments": -1}), ("rfft", [a(8)], {"fft_length": 0}),
        ("pad", [a(2, 3), 1.5], {}), ("repeat", [a(2, 3), 2], {"axis": 3}),
        ("expand_dims", [a(2, 3), (0, 0)], {}), ("squeeze", [a(2, 1)], {"axis": 1.5}),
        ("flip", [a(2, 3)], {"axis": (0, 0)}), ("diagonal", [a(3, 3)], {"axis1": 0, "axis2": 0}),
        ("moveaxis", [a(2, 3), (0, 1), (0,)], {}), ("transpose", [a(2, 3)], {"axes": (0,)}),
        ("transpose", [a(2, 3)], {"axes": (0, 2)}), ("swapaxes", [a(2, 3), 0, 1.5], {}),
        ("norm", [a(2, 3, 4)], {"axis": (0, 1, 2)}), ("norm", [a(3)], {"ord": "fro"}),
        ("qr", [a(3)], {}), ("svd", [a(3)], {}), ("eigh", [a(2, 3)], {}),
        ("slogdet", [a(2, 3)], {}), ("lstsq", [a(3, 2), a(4)], {}),
        ("solve_triangular", [a(3, 3), a(2)], {}), ("fft", [(a(3), a(4))], {}),
        ("convert_to_tensor", [[1, [2, 3]]], {}), ("convert_to_tensor", [[1, "a"]], {}),
        ("histogram", [a(5)], {"bins": 0}), ("histogram", [a(5)], {"bins": 2.5}),
        ("digitize", [a(3), a(2, 2)], {}), ("searchsorted", [a(3), a(2)], {"side": "middle"}),
        ("vstack", [[a(2, 3), a(2, 4)]], {}), ("hstack", [[a(2, 3), a(3, 3)]], {}),
        ("append", [a(2, 3), a(2, 4)], {"axis": 0}), ("array_split", [a(4), -1], {}),
        ("unstack", [a(2, 3)], {"axis": 2}), ("extract_sequences", [a(5), 6, 1], {}),
        ("image.extract_patches", [a(1, 4, 4, 1), 5], {}),
        ("depth_to_space", [a(1, 2, 2, 3), 2], {}),
        ("space_to_depth", [a(1, 3, 3, 1), 2], {}), ("psnr", [a(2, 3), a(3, 2), 1.0], {}),
        ("cdist", [a(3), a(3)], {}), ("cross", [a(2, 3), a(3, 2)], {}),
        ("layer_normalization", [a(2, 3)], {"axis": 3}),
        ("rms_normalization", [a(2, 3)], {"axis": 3}),
        ("ctc_decode", [a(1, 4, 3), a(1, dtype="int32")],
         {"beam_width": 0, "strategy": "beam_search"}),
        ("image.map_coordinates", [a(4, 4), a(3, 2), 1], {}),
        ("image.perspective_transform", [a(1, 4, 4, 1), a(1, 4, 2), a(1, 3, 2)], {}),
        ("nonzero", [a()], {}),
        ("tri", [2.5], {}), ("eye", [2], {"k": 1.5}), ("full_like", [a(2), "a"], {}),
        ("in_top_k", [a(4), a(4, 3), 1], {}), ("categorical_crossentropy", [a(2, 3), a(2)], {}),
        ("binary_crossentropy", [a(2, 3), a(2, 3, 1)], {}), ("logsumexp", [a(2, 3)], {"axis": 1.5}),
        ("reshape", [a(6), (2, -1, -1)], {}), ("reshape", [a(6), (4, -1)], {}),
        ("arange", [0, 5], {"step": "a"}), ("broadcast_to", [a(2, 3), (2, -1)], {}),
    ]  # fmt: skip
    op, args, kwargs = r.choice(cases)
    return _call(op, args, **kwargs)


# -- the ninth menu (seeds 581 on): activations given parameters at their edges (negative
# or zero thresholds, slopes, alphas and b; a max_value below the threshold; fills of
# another type; axis tuples), on float16 / int8 / bool tensors too, and the identifier
# round trips (`activations.get` / `deserialize` then a call, `serialize(get(name))`),
# with misuse (unknown names, text parameters)
NINTH_NAMES = ACTIVATIONS + ["swish", "gelu", None]


def draw_ninth(r) -> dict:
    dtype = r.choice(FLOATS + ["float16", "int8", "int16", "int32", "bool"])
    x = array(r, dtype=dtype, shape=_shape(r, 0, 3))
    f = array(r, dtype=r.choice(FLOATS), shape=_shape(r, 1, 3))
    edge = lambda *vs: r.choice(list(vs))  # noqa: E731
    kind = r.randrange(16)
    if kind == 0:
        return _call("activation_get_call", [edge(*NINTH_NAMES), f])
    if kind == 1:
        return _call("activation_deserialize_call", [edge(*NINTH_NAMES), f])
    if kind == 2:
        return _call("activation_serialize", [edge(*NINTH_NAMES)])
    if kind == 3:  # (misuse: the exception's built-in class must be Keras's)
        return r.choice([
            _call("activation_get_call", [edge("nope", "Relu", 3, 2.5), f]),
            _call("activations.relu", [f], max_value="a"),
            _call("activations.relu", [f], threshold="a"),
            _call("activations.leaky_relu", [f], negative_slope="a"),
            _call("activations.elu", [f], alpha="a"),
            _call("activations.softmax", [f], axis=1.5),
            _call("activations.threshold", [f], threshold="a", default_value=0.0),
            _call("activations.relu", [f], nope=1),
        ])  # fmt: skip
    if kind in (4, 5):
        return _call("activations.relu", [x], negative_slope=edge(0.0, -0.5, 0.2, 1.0),
                     max_value=edge(None, 0.0, 0.3, 2, -1.0),
                     threshold=edge(0.0, -1.0, 0.5, 2.0, 1))  # fmt: skip
    if kind == 6:
        name = edge("soft_shrink", "hard_shrink")
        op = edge("activations." + name, name)
        return _call(op, [x], threshold=edge(-1.0, 0.0, 0.25, 2.5, 1))
    if kind == 7:
        return _call(edge("activations.elu", "activations.celu", "elu", "celu"), [x],
                     alpha=edge(-1.0, 0.5, 2.0, 1))  # fmt: skip
    if kind == 8:
        return _call(edge("activations.leaky_relu", "leaky_relu"), [x],
                     negative_slope=edge(-0.5, 0.0, 1.0, 1.5, 2))  # fmt: skip
    if kind == 9:
        return _call(edge("activations.threshold", "threshold"), [x],
                     threshold=edge(-1.0, 0.0, 1, 0.5, "inf"),
                     default_value=edge(0, 2, -1.5, 0.0, "inf"))  # fmt: skip
    if kind == 10:
        return _call(edge("activations.squareplus", "squareplus"), [x], b=edge(0, 1, 9, 0.5))
    if kind == 11:
        name = edge("softmax", "log_softmax")
        rank = len(f["shape"])
        ax = edge(*range(rank), tuple(range(rank)), tuple(sorted(r.sample(range(rank), 1))))
        return _call(edge("activations." + name, name), [f], axis=ax)
    if kind == 12:
        g = array(r, dtype=r.choice(FLOATS), shape=[2 * r.randint(1, 2)] + _shape(r, 0, 2))
        return _call(edge("activations.glu", "glu"), [g], axis=edge(0, -len(g["shape"])))
    if kind == 13:
        return _call(edge("activations.gelu", "gelu"), [x], approximate=r.random() < 0.5)
    name = edge(*ACTIVATIONS)
    return _call("activations." + name, [x])


def _call(op: str, args: list, **kwargs) -> dict:
    return {"op": op, "args": args, "kwargs": kwargs}


DRAWERS = {name: d_image for name in IMAGE}
DRAWERS.update({name: d_more for name in MORE})
DRAWERS.update({name: d_cumulative for name in CUMULATIVE})
DRAWERS.update({name: d_matmul for name in MATMUL})
DRAWERS.update({name: d_join for name in JOIN})
DRAWERS.update({name: d_split for name in SPLIT})
DRAWERS.update({name: d_create for name in CREATE})
DRAWERS.update({name: d_shape for name in SHAPE})
DRAWERS.update({name: d_nn for name in NN})
DRAWERS.update({name: d_linalg for name in LINALG})


def calls(seed: int, count: int) -> list:
    r = random.Random(seed)
    fifth = random.Random(seed * 1_000_003 + 5)  # (seeds 500 on: the fifth menu)
    sixth = random.Random(seed * 1_000_033 + 6)  # (seeds 518 on: the sixth menu)
    seventh = random.Random(seed * 1_000_037 + 7)  # (seeds 536 on: the seventh menu)
    eighth = random.Random(seed * 1_000_039 + 8)  # (seeds 551 on: the eighth menu)
    ninth = random.Random(seed * 1_000_081 + 9)  # (seeds 581 on: the ninth menu)
    out = []
    for _ in range(count):
        if seed >= 581 and ninth.random() < 0.3:
            out.append(draw_ninth(ninth))
        elif seed >= 551 and eighth.random() < 0.3:
            out.append(draw_eighth(eighth))
        elif seed >= 536 and seventh.random() < 0.3:
            out.append(draw_seventh(seventh))
        elif seed >= 518 and sixth.random() < 0.5:
            out.append(draw_sixth(sixth))
        elif seed >= 500 and fifth.random() < 0.4:
            out.append(draw_fifth(fifth, seed))
        else:
            out.append(draw_call(r))
    return out


# -- running -------------------------------------------------------------------------------
def _is_array(v) -> bool:
    return isinstance(v, dict) and "a" in v


def _callables(K) -> dict:
    """The functions calls pass to control flow, written with `K.ops`."""
    o = K.ops
    return {
        "double": lambda x: o.multiply(x, 2),
        "negative": lambda x: o.negative(x),
        "add": lambda a, b: o.add(a, b),
        "maximum": lambda a, b: o.maximum(a, b),
        "add_index": lambda i, v: o.add(v, 1),
        "scan_step": lambda c, x: (o.add(c, x), o.multiply(c, x)),
        "row_sum": lambda x: o.sum(x),
        "ones": lambda: o.ones((2,)),
        "zeros": lambda: o.zeros((2,)),
        "below_ten": lambda v: o.less(o.sum(v), 10),
        "plus_one": lambda v: (o.add(v, 1),),
        "sin_times": lambda x: o.multiply(o.sin(x), x),
        "softmax_last": lambda x: o.softmax(o.reshape(x, (-1,))),
        "with_aux": lambda x: (o.exp(x), o.sum(x)),
    }


CALLABLES: dict = {}


def decode(v, symbolic=None):
    """The value of a JSON argument: arrays become NumPy arrays, or symbolic tensors made
    by `symbolic(shape, dtype)`; `{"fn"}` one of `CALLABLES`."""
    if isinstance(v, dict) and "fn" in v:
        return CALLABLES[v["fn"]]
    if isinstance(v, tuple):
        return tuple(decode(x, symbolic) for x in v)
    if _is_array(v):
        if symbolic is not None:
            return symbolic(tuple(v["shape"]), v["dtype"])
        a = np.asarray([np.nan if x is None else x for x in v["a"]], dtype="float64")
        a = a if v["dtype"].startswith("float") else np.asarray(v["a"])
        return a.astype(v["dtype"]).reshape(v["shape"])
    if isinstance(v, list):
        return [decode(x, symbolic) for x in v]
    if v == "inf":
        return np.inf
    return v


def _fn(K, op: str):
    if op.startswith("activations."):
        return getattr(K.activations, op.split(".")[1])
    if op == "softmax_axes":
        return K.ops.softmax
    if op == "attention_options":
        return K.ops.dot_product_attention
    if op == "one_hot_sparse_categorical":
        return K.ops.one_hot
    if op.startswith("image."):
        return getattr(K.ops.image, op.split(".")[1])
    if op in PSEUDO:
        return _pseudo(K, op)
    if op in ALIASES:
        return getattr(K.ops, ALIASES[op])
    return getattr(K.ops, op)


def _pseudo(K, op: str):
    """The fifth menu's calls that wrap an op: view_as_real of a complex tensor made by
    view_as_complex, a function made by vectorize, one decorated by custom_gradient."""
    o = K.ops
    if op == "view_as_real_of_complex":
        return lambda x: o.view_as_real(o.view_as_complex(x))
    if op == "jvp_call":  # (one primal, one tangent)
        return lambda fn, x, t, has_aux=False: o.jvp(fn, (x,), (t,), has_aux=has_aux)
    if op == "activation_get_call":  # (an identifier, then the function it names)
        return lambda name, x: K.activations.get(name)(x)
    if op == "activation_deserialize_call":
        return lambda name, x: K.activations.deserialize(name)(x)
    if op == "activation_serialize":
        return lambda name: K.activations.serialize(K.activations.get(name))
    if op == "vectorize_call":
        return lambda fn, x, signature=None: o.vectorize(fn, signature=signature)(x)

    @o.custom_gradient
    def square(x):
        return o.square(x), lambda *upstream, **kw: o.multiply(upstream[0], o.multiply(x, 2))

    return square


def _encode(out):
    """A result as JSON: arrays as dtype, shape and values."""
    if isinstance(out, (tuple, list)):
        return {"items": [_encode(o) for o in out]}
    if isinstance(out, (bool, int, float)) and not hasattr(out, "dtype"):
        return {"py": type(out).__name__, "value": float(out)}
    if isinstance(out, str):  # (ops.dtype)
        return {"py": "str", "value": out}
    a = np.asarray(out)
    rec = {"dtype": str(a.dtype), "shape": list(a.shape)}
    flat = a.ravel()
    if a.dtype.kind == "c":
        flat = np.concatenate([flat.real, flat.imag])
    v = flat.astype("float64")
    rec["values"] = [None if math.isnan(x) else x for x in v.tolist()]
    return rec


def _symbolic_out(out):
    if isinstance(out, (tuple, list)):
        return {"items": [_symbolic_out(o) for o in out]}
    if hasattr(out, "shape") and hasattr(out, "dtype"):
        return {"dtype": str(out.dtype), "shape": list(out.shape)}
    return {"py": type(out).__name__}


def _error(e: Exception) -> dict:
    builtins = [c.__name__ for c in type(e).__mro__[:-2] if c.__module__ == "builtins"]
    return {"error": builtins, "message": f"{type(e).__name__}: {str(e)[:160]}"}


def run_call(K, call: dict) -> dict:
    fn = _fn(K, call["op"])
    rec = {}
    try:
        args = [decode(a) for a in call["args"]]
        kwargs = {k: decode(v) for k, v in call["kwargs"].items()}
        out = fn(*args, **kwargs)
        if call["op"] == "eigh" and np.size(out[1]):  # (an eigenvector's sign: the solver's)
            w, v = (np.asarray(o) for o in out)
            top = np.take_along_axis(v, np.abs(v).argmax(axis=-2)[..., None, :], axis=-2)
            out = (w, v * np.where(top < 0, -1, 1).astype(v.dtype))
        rec["eager"] = _encode(out)
    except Exception as e:  # noqa: BLE001 - an error is a result to compare too
        rec["eager"] = _error(e)
    if any(_is_array(a) or (isinstance(a, list) and any(map(_is_array, a))) for a in call["args"]):
        first = _first_size(call["args"])
        # the arrays' shapes, then with axis 0 unknown where it has the first array's size
        for key, unknown in (("symbolic", False), ("batch", True)):
            if unknown and first is None:
                continue

            def tensor(shape, dtype, unknown=unknown):
                if unknown and shape and shape[0] == first:
                    shape = (None, *shape[1:])
                return K.KerasTensor(shape, dtype=dtype)

            try:
                sym = lambda v: decode(v, tensor)  # noqa: E731
                args = [sym(a) for a in call["args"]]
                out = fn(*args, **{k: sym(v) for k, v in call["kwargs"].items()})
                rec[key] = _symbolic_out(out)
            except Exception as e:  # noqa: BLE001
                rec[key] = _error(e)
    return rec


def _first_size(args):
    """The size of axis 0 of the first array among `args` (None for none or a 0-d one)."""
    for a in args:
        for v in a if isinstance(a, list) else [a]:
            if _is_array(v):
                return v["shape"][0] if v["shape"] else None
    return None


def run(library: str, seed: int, count: int, out_dir: str) -> None:
    import warnings

    warnings.filterwarnings("ignore")
    np.seterr(all="ignore")
    K = importlib.import_module(library)
    CALLABLES.update(_callables(K))
    os.makedirs(out_dir, exist_ok=True)
    records = {i: run_call(K, c) for i, c in enumerate(calls(seed, count))}
    with open(f"{out_dir}/{library}.json", "w") as f:
        json.dump(records, f)


# -- comparing -----------------------------------------------------------------------------
TOL = {"float16": (2e-2, 2e-2), "float32": (2e-4, 2e-5), "float64": (1e-9, 1e-12)}
WIDER = {"float32": "float64", "int32": "int64", "uint32": "uint64", "complex64": "complex128"}


def _values_differ(w: dict, g: dict, dtype: str, half: bool = False) -> str | None:
    a = np.asarray([np.nan if v is None else v for v in w["values"]], dtype="float64")
    b = np.asarray([np.nan if v is None else v for v in g["values"]], dtype="float64")
    if a.shape != b.shape:
        return f"values {a.shape} vs {b.shape}"
    if dtype.startswith("complex"):
        dtype = "float32" if dtype == "complex64" else "float64"
    rtol, atol = TOL.get(dtype, (0, 0))
    if dtype == "float64":  # (numkeras's float64 against Keras-JAX's float32 numbers)
        rtol, atol = TOL["float32"]
    if half and dtype.startswith("float"):  # float16 inputs: float16 rounding
        rtol, atol = TOL["float16"]
    if not np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True):
        bad = ~np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=True)
        i = int(np.argmax(bad))
        return f"values differ at {i}/{a.size}: {a[i]} vs {b[i]}"
    return None


def _diff(want, got, wide=False, values=True, half=False) -> str | None:
    """Where `got` differs from `want`; with `wide` (a 64-bit input), numkeras's 64-bit
    dtype for Keras-JAX's 32-bit one."""
    if "error" in want or "error" in got:
        if "error" in want and "error" in got:
            return None if want["error"][0] in got["error"] else (
                f"{want['message']}  vs  {got['message']}")  # fmt: skip
        return f"{want.get('message', 'ok')}  vs  {got.get('message', 'ok')}"
    if "items" in want:
        if "items" not in got or len(want["items"]) != len(got["items"]):
            return f"{len(want['items'])} items vs {got}"
        for i, (w, g) in enumerate(zip(want["items"], got["items"])):
            if (d := _diff(w, g, wide, values, half)) is not None:
                return f"[{i}] {d}"
        return None
    if "py" in want:
        if "value" not in want or ("py" in got and "value" not in got):  # (symbolic)  # (symbolic)
            return None if got.get("py") == want["py"] else f"py {want} vs {got}"
        if "py" in got and isinstance(want["value"], str):
            return None if want["value"] == got["value"] else f"{want['value']} vs {got['value']}"
        if "py" in got:
            return None if math.isclose(want["value"], got["value"], rel_tol=1e-5) else (
                f"{want['value']} vs {got['value']}")  # fmt: skip
        if got.get("shape") == [] and math.isclose(want["value"], got["values"][0], rel_tol=1e-5):
            return None  # (a 0-d array for a Python number)
        return f"py {want} vs {got}"
    if "py" in got:
        return f"{want['dtype']} {want['shape']} vs py {got['py']}"
    dtype = want["dtype"]
    if got["dtype"] != dtype and not (wide and WIDER.get(dtype) == got["dtype"]):
        return f"dtype {dtype} vs {got['dtype']}"
    if want["shape"] != got["shape"]:
        return f"shape {want['shape']} vs {got['shape']}"
    return _values_differ(want, got, dtype, half) if values else None


def _compare_values(call: dict) -> bool:
    op = call["op"]
    args = call["args"]
    if op in NO_VALUES or op in INDEXED:
        return False
    ints = [a for a in args if _is_array(a) and a["dtype"][0] in "iub"]
    if op in INT_DIVISION and ints:
        return False
    if op == "saturate_cast" and "64" in str(args[1:]):
        return False  # (Keras-JAX clips to the 64-bit limits in 32 bits)
    if op in ("logspace", "geomspace", "linspace", "arange") and call["kwargs"].get("dtype"):
        return False  # (floats past an integer dtype's range: JAX saturates, NumPy wraps)
    if call["kwargs"].get("method") == "nearest":
        return False  # JAX rounds a tie down, NumPy and torch to even
    leaves = [v for a in args for v in _leaves(a)]  # (select's lists of arrays too)
    if any(a["dtype"] == "uint32" for a in leaves) and any(a["dtype"][0] == "i" for a in leaves):
        return False  # (int64 on numkeras, int32 on Keras-JAX: uint32's top values wrap)
    if (op in MATMUL or op == "matmul_pair") and any(a["dtype"] == "float16" for a in leaves):
        if any(a["dtype"][0] in "iu" and max(map(abs, a["a"]), default=0) > 65504 for a in leaves):
            return False  # integers past float16's range: JAX casts them to inf before the
            # product (inf - inf: NaN), numkeras multiplies in float32 (inf, or a number)
    unsigned = any(_is_array(a) and a["dtype"] == "uint8" for a in args)
    if unsigned and any(isinstance(a, int) and a < 0 for a in args):
        return False  # JAX wraps a negative Python int into uint8 (2 > -3 is False)
    if op in ("cast", "saturate_cast", "array", "convert_to_tensor", "full_like",
              "ones_like", "zeros_like") or call["kwargs"].get("dtype"):  # fmt: skip
        return not any(_is_array(a) and a["dtype"].startswith("float") for a in args)
    if op in ("multiply", "power", "prod", "cumprod", "nancumprod", "nanprod", "square",
              "left_shift", "bitwise_left_shift", "ldexp", "lcm") and ints:  # fmt: skip
        return False  # (overflow)
    return True


def values_nonfinite(x) -> bool:
    return bool(x) and any(v is None or not math.isfinite(v) for v in x["a"])


# Keras's own crashes (an internal error where a user error was meant; the eighth menu)
KERAS_OPS_CRASHES = ("unbound axis name", "AssertionError:", "reduce_window got inconsistent",
                     "StopIteration:", "tuple index out of range")  # fmt: skip


def _keras_quirk(call: dict, want: dict, got: dict) -> bool:
    """Whether an eager difference is one of Keras-JAX's (see the notes above)."""
    op, args = call["op"], call["args"]
    message = want.get("message", "")
    if "does not accept dtype" in message and "error" not in got:
        return True  # JAX refuses integers in sigmoid, erf, ... (Keras's torch backend does not)
    if "divisible by 2" in message or "jax.numpy" in message:
        return True  # glu of an odd axis asserts; gcd / lcm of floats: JAX's own error class
    if "numkeras refuses it" in got.get("message", ""):
        return True  # take / one_hot of an index out of range: JAX fills NaN
    if any(c in message for c in KERAS_OPS_CRASHES):
        return True  # Keras crashes inside itself; numkeras raises its own error
    if op == "split" and isinstance(call["kwargs"].get("indices_or_sections"), float):
        return True  # Keras-JAX cuts 2.5 sections as 2; numkeras refuses a float
    if op == "histogram" and call["kwargs"].get("bins") == 0:
        return True  # Keras-JAX gives a bin's edges for bins=0; numkeras refuses
    x = args[0] if args and _is_array(args[0]) else None
    if op in ("quantile", "percentile", "nanquantile", "nanpercentile", "median", "nanmedian"):
        if x and (not x["shape"] or 0 in x["shape"]):
            return True  # JAX: a 0-d input keeps an axis; an empty axis is a gather error
    if op in ("split", "hsplit", "vsplit", "dsplit") and "must be nonnegative" in message:
        return True  # decreasing indices: JAX refuses the negative sizes NumPy gives as empty
    if op == "layer_normalization" and x and x["dtype"][0] in "iub":
        return True  # Keras-JAX normalizes integers into integers (truncated to 0, -1, 1)
    if op == "rms_normalization" and x and x["dtype"][0] in "iub":
        return True  # Keras-JAX's integer results are 0 (numkeras computes in float32)
    if "Singular matrix" in got.get("message", ""):
        return True  # JAX solves a singular matrix into inf; NumPy (and torch) raise
    if op == "geomspace" and "cannot include zero" in got.get("message", ""):
        return True  # JAX gives 0s for a start of 0; NumPy refuses
    if "requires arguments to have the same dtypes" in message:
        return True  # slice_update / gaussian_blur of another dtype: JAX refuses, numkeras casts
    if op == "image.gaussian_blur" and "data_format" not in call["kwargs"]:
        return True  # Keras-JAX's eager blur reads data_format=None as channels_first
    if op in ("image.ssim", "image.sobel_edges") and x and x["dtype"][0] in "iu":
        return True  # Keras keeps integer images' dtype (ssim, sobel_edges); numkeras: floats
    if op.endswith("softmax") and x and x["dtype"] == "uint8":
        return True  # Keras-JAX subtracts the maximum in uint8 (wrapping)
    if op in ("argmax", "argmin", "nanargmax", "nanargmin") and x and not x["shape"]:
        return True  # axis 0 of a 0-d tensor: NumPy allows it, JAX does not
    if op == "view" and x and "64" in x["dtype"]:
        return True  # (int64 is int32 on JAX)
    if "negative integer powers" in got.get("message", ""):
        return True  # int ** negative int: JAX computes garbage, NumPy and torch refuse
    if op == "histogram" and "not finite" in got.get("message", ""):
        return True  # an infinite value and no `range`: JAX bins it, NumPy refuses
    if op == "round" and "not inexact" in message:
        return True  # JAX refuses to round bool to decimals
    if op == "trapezoid" and "out of bounds for axis" in message:
        return True  # JAX's gather fails on an empty axis; NumPy gives 0
    if op == "irfft" and "Invalid number of FFT data points" in got.get("message", ""):
        return True  # one entry and no fft_length: JAX returns an empty signal
    if op in ("cast", "saturate_cast") and "out of bounds for" in message:
        return True  # Keras-JAX refuses a negative Python float cast to uint8
    if op == "stop_gradient" and not x:
        return True  # Keras-JAX returns a Python number as it is
    threshold = call["kwargs"].get("threshold", 0)
    bool_relu = op == "activations.relu" and x and x["dtype"] == "bool"
    if bool_relu and isinstance(threshold, (int, float)) and threshold not in (0, 1):
        return True  # Keras casts the threshold to bool (0.5 -> True): x > True is all 0s
    dtype = call["kwargs"].get("dtype") or (x["dtype"] if x and op == "full_like" else None)
    if op in ("full", "full_like") and dtype == "uint8":
        return True  # a negative float into uint8 (undefined; JAX clamps, NumPy wraps)
    if "float16 is unsupported in linalg" in got.get("message", ""):
        return True  # float16 SVD norms: Keras-JAX refuses them too, unless the matrix is empty
    if op == "is_tensor":
        return True  # a NumPy array is no JAX tensor, but is numkeras's backend tensor
    if "has no attribute" in message:
        return True  # Keras crashes (softmax of a Python int)
    if op in ("solve", "solve_triangular") and x and len(args) > 1 and _is_array(args[1]):
        if 1 < len(args[1]["shape"]) < len(x["shape"]):
            return True  # a `b` of lower rank: JAX's matrices, Keras-TF's (numkeras's) vectors
    if "isn't a permutation of operand dimensions" in message:
        return True  # Keras-JAX's softmax over a tuple of negative axes crashes
    if op == "convert_to_tensor" and "not a valid JAX array type" in message:
        return True  # text: JAX has no string tensors; numkeras's are NumPy's (Keras-TF's)
    if "integer modulo by zero" in message:
        return True  # Keras crashes on reshape(0-size, (-1, 0)) (ZeroDivisionError)
    if op == "sparse_categorical_crossentropy" and call["kwargs"].get("axis", -1) != -1:
        return True  # Keras-JAX checks target.shape == output.shape[:-1] whatever the axis
    if "inconsistent window_strides" in message:
        return True  # Keras-JAX's max_pool(strides=None) crashes (numkeras: the window's error)
    if "Unrecognized padding type" in message:
        return True  # XLA's RuntimeError for conv(padding="nope"); numkeras: Keras's ValueError
    if op.startswith("conv") and "is out of bounds for axis 0" in message and "error" in got:
        return True  # Keras-JAX crashes (IndexError) on a kernel of another rank than x
    pools = ("max_pool", "average_pool")
    if op in pools and "strides" in call["kwargs"] and call["kwargs"]["strides"] is None:
        return True  # ... and with padding="same" too ("operands could not be broadcast")
    resamplings = ("image.affine_transform", "image.perspective_transform",
                   "image.map_coordinates", "image.extract_patches",
                   "image.extract_patches_3d")  # fmt: skip
    if op in resamplings and values_nonfinite(x):
        return True  # where inf * 0 becomes NaN differs (Keras's patches: a convolution)
    given = list(args) + list(call["kwargs"].values())
    arrays = [a for a in given if _is_array(a)] + [
        a for a in given if isinstance(a, list) for a in a
    ]
    if any(a["dtype"] == "bool" for a in arrays if _is_array(a)) and any(
        values_nonfinite(a) for a in arrays if _is_array(a) and a["dtype"][0] == "f"
    ):
        return True  # XLA multiplies by a bool as a select: inf * False is 0, not NaN
    if op in SPECTRAL and any(values_nonfinite(a) for a in arrays if _is_array(a)):
        return True  # inf in an FFT, a fold, a solve, a convolution: where NaN appears differs
    if op == "unravel_index" and "out of bounds for array with size -" in got.get("message", ""):
        return True  # a negative shape: Keras-JAX unravels into it, NumPy refuses
    if op == "istft" and len(want.get("shape", [])) == len(got.get("shape", [])) > 0:
        if want["shape"][-1] < got["shape"][-1]:
            return True  # JAX's istft cuts the signal short for strides below fft_length / 2
    if op == "image.elastic_transform" and "must be a float" in message:
        return True  # Keras-JAX crashes on integer images (its noise takes their dtype)
    if op == "pad" and x and not x["shape"]:
        return True  # JAX returns a 0-d tensor as it is; NumPy refuses to pad it
    if op == "activation_deserialize_call" and "not a KerasSaveable" in message:
        return True  # Keras 3.15's deserialize("swish" / "hard_swish") fails: get() takes them
    slope = call["kwargs"].get("negative_slope")
    if op.endswith("leaky_relu") and x and x["dtype"][0] in "iub" and type(slope) is int:
        return True  # JAX keeps integers with an integer slope (bool: int32); numkeras: floats
    return False


def _fits(shape, eager) -> bool:
    """Whether a symbolic `shape` (None for unknown) fits the eager shape."""
    return len(shape) == len(eager) and all(s is None or s == e for s, e in zip(shape, eager))


def _batch_ok(want, got, eager) -> bool:
    """Whether numkeras's shapes with an unknown axis 0 are right where Keras's differ:
    they fit the arrays' shapes, and Keras's do not or are less known (a size numkeras
    infers from another input: `hstack` of (None, 4) and (2, 4))."""
    if "items" in want:
        if "items" not in got or "items" not in eager:
            return False
        triples = zip(want["items"], got["items"], eager["items"])
        return all(_batch_ok(w, g, e) for w, g, e in triples)
    if "shape" not in got or "shape" not in want or "shape" not in eager:
        return False
    if not _fits(got["shape"], eager["shape"]):
        return False
    unknown = sum(s is None for s in want["shape"]) >= sum(s is None for s in got["shape"])
    return not _fits(want["shape"], eager["shape"]) or unknown


def compare(out_dir: str, seed: int = 0, verbose: bool = True) -> int:
    with open(f"{out_dir}/keras.json") as f:
        keras = json.load(f)
    with open(f"{out_dir}/numkeras.json") as f:
        ours = json.load(f)
    program = calls(seed, len(keras))
    bad = 0
    for i, want in keras.items():
        got, call = ours[i], program[int(i)]
        problems = []
        # (uint32 with signed integers: int64, which is int32 on Keras-JAX too)
        sym, wide = want.get("symbolic"), "64" in json.dumps(call) or "uint32" in json.dumps(call)
        if sym and any(c in sym.get("message", "") for c in KERAS_OPS_CRASHES):
            sym = None  # (Keras's symbolic call crashes: matmul of a 0-d tensor, ...)
        quirk = _keras_quirk(call, want["eager"], got["eager"])
        half = "float16" in json.dumps(call)
        values = _compare_values(call) and not (wide and call["op"] in ROUNDING)
        d = _diff(want["eager"], got["eager"], wide, values, half)
        # where Keras's eager dtype is not its symbolic one (the one its promotion rules
        # give: Python floats stay weak), numkeras's may be either
        if d and sym and _diff(sym, got["eager"], wide, False) is None:
            d = _diff(want["eager"], {**got["eager"], "dtype": want["eager"].get("dtype")},
                      wide, values, half)  # fmt: skip
        if d is not None and not quirk:
            problems.append(f"eager: {d}")
        if sym is not None and "symbolic" in got and not quirk:
            got_sym = got["symbolic"]
            d = _diff(sym, got_sym, wide, values=False)
            # where Keras's symbolic dtype is not its eager one, numkeras's follows eager
            if d and _diff(want["eager"], got_sym, wide, values=False) is None:
                d = None
            # Keras's symbolic checks miss some errors its arrays raise; numkeras's do not
            if d and "error" in got_sym and "error" in want["eager"]:
                d = None
            # where both raise on arrays, Keras's symbolic dtype is unchecked (cholesky and
            # multi_hot of integers: the input's; numkeras's: the float the values would be)
            if d and d.startswith("dtype") and "error" in want["eager"] and "error" in got["eager"]:
                d = None
            if d is not None and "arrays only" not in got_sym.get("message", ""):
                problems.append(f"symbolic: {d}")
        batch = want.get("batch")
        if batch is not None and "batch" in got and not quirk and sym is not None:
            # (only where the known shapes agree and Keras's arrays do not raise)
            if "error" not in batch and "error" not in want["eager"] and not problems:
                d = _diff(batch, got["batch"], wide, values=False)
                if d and ("dtype" in d or _batch_ok(batch, got["batch"], want["eager"])):
                    d = None  # (dtypes: compared above)
                message = got["batch"].get("message", "")
                if d and ("arrays only" in message or "one known size" in message):
                    d = None  # (numkeras's loops unroll: they need the length)
                # (cross of a vector of unknown length: 2 or 3 entries, Keras guesses 2)
                if d is not None and call["op"] not in ("size", "shape", "ndim", "cross"):
                    # (numkeras's unknown size is a SymbolicDim, read at run time)
                    problems.append(f"batch: {d}")
        if problems:
            bad += 1
            if verbose:
                print(f"{i} {_show(call)}", *problems, sep="\n    ")
    print(f"{len(keras)} calls, {bad} differ")
    return bad


def _leaves(v) -> list:
    """The arrays of a JSON argument, in the order `decode` meets them."""
    if _is_array(v):
        return [v]
    if isinstance(v, (list, tuple)):
        return [a for x in v for a in _leaves(x)]
    return []


def graph(seed: int, count: int) -> int:
    """numkeras alone: each call whose arguments are arrays of rank 1 or more, built into a
    functional model on `Input`s of their shapes and dtypes (then again with axis 0
    unknown), called on the arrays, against the eager call (the graph's forward against
    the eager code). Prints each mismatch."""
    import warnings

    import numkeras as K

    warnings.filterwarnings("ignore")
    np.seterr(all="ignore")
    CALLABLES.update(_callables(K))
    bad = checked = 0
    for i, call in enumerate(calls(seed, count)):
        leaves = _leaves([call["args"], list(call["kwargs"].values())])
        if not leaves or len({a["shape"][0] if a["shape"] else None for a in leaves}) != 1:
            continue  # (a model's inputs share axis 0)
        if not leaves[0]["shape"]:
            continue
        for batch in (False, True):
            d = _graph_call(K, call, batch)
            if d is None:
                continue
            checked += 1
            if d:
                bad += 1
                print(f"{i} {_show(call)}\n    graph{' (batch None)' * batch}: {d}")
    print(f"{checked} models built, {bad} differ")
    return bad


def _graph_call(K, call: dict, batch: bool):
    """'' where `call` built into a model (axis 0 unknown if `batch`) gives its eager
    result, else the difference; None where the eager or symbolic call raises."""
    fn = _fn(K, call["op"])
    kw = call["kwargs"]
    if batch and call["op"] == "unstack" and kw.get("num") is not None and kw.get("axis", 0) in (
        0, -len(call["args"][0]["shape"])
    ):  # fmt: skip
        return None  # (built for `num` slices of the unknown axis: other data are refused)
    try:
        want = _encode(fn(*[decode(a) for a in call["args"]],
                          **{k: decode(v) for k, v in call["kwargs"].items()}))  # fmt: skip
        inputs = []

        def tensor(shape, dtype, inputs=inputs):
            shape = (None, *shape[1:]) if batch else shape
            inputs.append(K.Input(batch_shape=shape, dtype=dtype))
            return inputs[-1]

        args = [decode(a, tensor) for a in call["args"]]
        kwargs = {k: decode(v, tensor) for k, v in call["kwargs"].items()}
        out = fn(*args, **kwargs)
        arrays = [decode(a) for a in _leaves([call["args"], list(call["kwargs"].values())])]
        model = K.Model(inputs, out)
        if isinstance(out, (list, tuple)) and len(out) == 1:
            want = want["items"][0]  # (a model of one output gives it alone, as Keras)
    except Exception:  # noqa: BLE001 - (eager or symbolic refusals: compared elsewhere)
        return None
    try:
        got = _encode(model(arrays if len(arrays) > 1 else arrays[0]))
    except Exception as e:  # noqa: BLE001
        got = _error(e)
    return _diff(want, got, False, True, "float16" in json.dumps(call)) or ""


def _show(call: dict) -> str:
    def short(v):
        if _is_array(v):
            return f"{v['dtype']}{v['shape']}"
        if isinstance(v, list):
            return "[" + ", ".join(map(short, v)) + "]"
        return repr(v)

    args = [short(a) for a in call["args"]] + [f"{k}={short(v)}" for k, v in call["kwargs"].items()]
    return f"{call['op']}({', '.join(args)})"


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "run":  # run LIBRARY SEED COUNT OUT_DIR
        run(args[0], int(args[1]), int(args[2]), args[3])
    elif command == "graph":  # graph SEED COUNT (numkeras only)
        sys.exit(1 if graph(int(args[0]), int(args[1])) else 0)
    elif command == "compare":  # compare OUT_DIR [SEED]
        sys.exit(1 if compare(args[0], int(args[1]) if len(args) > 1 else 0) else 0)
    else:  # show SEED INDEX
        print(json.dumps(calls(int(args[0]), int(args[1]) + 1)[int(args[1])], indent=1))

"""Goldens for tests/ops/test_fuzz_ops.py: minimal repros of what the ops fuzzer
(scripts/fuzz/fuzz_ops.py) found numkeras doing differently from Keras 3's `keras.ops`
and `keras.activations`, each a scenario run in both:

- `keras.activations.*` on symbolic tensors (an `Input`, a layer's traced call), which
  numkeras refused; `relu` with arguments and `mish` are Keras's `ReLU` / `Mish` nodes.
- integer dtypes: `relu`, `hard_tanh`, `linear` and `threshold` keep integers (bool and
  Python ints as int32); bitwise ops promote a 0-d array as any array, bool with a
  Python int to int32; `ldexp`'s and `meshgrid`'s symbolic dtypes; `full` wraps an
  out-of-range fill value into an integer dtype.
- shape errors on arrays that Keras (JAX) raises as TypeError (broadcasting in comparisons,
  division and bitwise ops, `dstack`, `vdot`, `inner`, `dot` / `tensordot` of a size-1
  summed axis, which numkeras broadcast), and ones symbolic tensors raise (`dstack`,
  `inner`, `unstack` of an axis out of range, a convolution with no output);
  `array_split` refuses a list; an axis out of range is an IndexError where Keras's is.
- `softmax`, `log_softmax`, `logsumexp`, `norm`, convolutions of empty arrays; softmax
  and `trapezoid` of a 0-d tensor raise; `linspace(num=1, retstep=True)`'s step;
  `unstack` of an empty axis; `ldexp` refuses a bool exponent; `median` of infinities;
  `sobel_edges` of a NaN (its 3x3 neighbours only); `histogram` bins with float32 edges.
- ops on Python numbers (`negative(2)`, `real(2.5)`, `ravel(-3)`, `clip(5, 0, 3)`):
  Keras makes them int32 / float32 tensors first (in `arctan2` too: `arctan2(1.5,
  float16)` is float32); `clip` with a None bound keeps an integer dtype.
- promotions: `batch_normalization` (int32 with float16 statistics: float16), `cdist`,
  `dstack` / `vstack` (float32 with int32: float32, not NumPy's float64), `i0`,
  `nan_to_num`; `associative_scan` on an `Input`.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the
test) returning JSON-able values; 64-bit dtypes are left out (Keras on JAX computes them in
32 bits). Run with Keras 3 and JAX installed (writes tests/goldens/fuzz_ops.json):
    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python /work/main/scripts/goldens/make_fuzz_ops.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_ops.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario

ACTIVATIONS = """celu elu exponential gelu glu hard_shrink hard_sigmoid hard_silu hard_swish
hard_tanh leaky_relu linear log_sigmoid log_softmax mish relu relu6 selu sigmoid silu
soft_shrink softmax softplus softsign sparse_plus sparse_sigmoid squareplus swish tanh
tanh_shrink""".split()
X = np.array([[-2.5, -0.5, 0.0, 0.7], [1.5, 3.0, -1.2, 6.5]], "float32")


SOBEL_NAN = np.arange(30, dtype="float32").reshape(1, 5, 6, 1)
SOBEL_NAN[0, 0, 0, 0] = np.nan  # (reaches its 3x3 neighbours only)


def enc(x) -> dict:
    """An array as its dtype, shape and values (floats; NaN stays NaN, infinities are
    "inf" / "-inf")."""
    a = np.asarray(x)
    values = [
        float(v) if np.isnan(v) or np.isfinite(v) else str(v) for v in a.astype("float64").ravel()
    ]
    return {"dtype": str(a.dtype), "shape": list(a.shape), "values": values}


def spec(t) -> dict:
    return {"dtype": str(t.dtype), "shape": list(t.shape)}


def catches(fn, cls) -> str:
    """'ok', True when `fn()` raises an exception an `except cls` catches, else its type."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the type is the result
        return True if isinstance(e, cls) else type(e).__name__
    return "ok"


@scenario
def activations_on_inputs(keras):
    """Each activation on an `Input`: the output's shape and dtype, and a model's values."""
    x = keras.Input((4,))
    out = {}
    # (not hard_silu, hard_swish, mish: Keras 3.15 hands the Input to JAX there and
    # crashes; numkeras records them as on the others, tested in the test file)
    for name in sorted(set(ACTIVATIONS) - {"hard_silu", "hard_swish", "mish"}) + ["threshold"]:
        kw = {"threshold": 0.5, "default_value": -1.0} if name == "threshold" else {}
        y = getattr(keras.activations, name)(x, **kw)
        out[name] = {**spec(y), "predict": keras.Model(x, y).predict(X, verbose=0).tolist()}
    return out


@scenario
def activations_with_arguments_in_a_model(keras):
    x = keras.Input((4,))
    y = keras.activations.relu(x, negative_slope=0.1, max_value=2.0, threshold=0.5)
    y = keras.activations.elu(y, alpha=0.5)
    z = keras.activations.gelu(x, approximate=True)
    z = keras.activations.softmax(z, axis=-1)
    model = keras.Model(x, [y, z])
    nodes = [
        (layer["class_name"], layer["module"])
        for layer in model.get_config()["layers"]
        if layer["class_name"] != "InputLayer"
    ]
    return {"predict": [p.tolist() for p in model.predict(X, verbose=0)], "nodes": nodes}


@scenario
def activations_in_a_trained_layer(keras):
    class Gated(keras.layers.Layer):
        def build(self, shape):
            self.w = self.add_weight(shape=(shape[-1], 3), initializer="ones")

        def call(self, x):
            h = keras.ops.matmul(x, self.w)
            return keras.activations.mish(h) + keras.activations.relu(h, max_value=1.0)

    model = keras.Sequential([keras.Input((4,)), Gated(), keras.layers.Dense(1)])
    rng = np.random.default_rng(0)
    model.set_weights([rng.normal(0, 0.3, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    y = np.array([[1.0], [-1.0]], "float32")
    history = model.fit(X, y, epochs=3, batch_size=2, shuffle=False, verbose=0)
    return {"loss": history.history["loss"], "weights": [w.tolist() for w in model.get_weights()]}


WRAPS_MINUS_ONE = {"hard_tanh", "ops_hard_tanh", "threshold", "threshold_float", "ops_threshold"}


@scenario
def integer_activations(keras):
    A, ops = keras.activations, keras.ops
    inputs = {
        "int32": np.array([-2, 0, 1, 3], "int32"),
        "int8": np.array([-2, 0, 1, 3], "int8"),
        "uint8": np.array([0, 1, 3, 200], "uint8"),
        "bool": np.array([True, False, True, False]),
        "list": [-2, 0, 1, 3],
        "pyint": 2,
    }
    fns = {
        "relu": A.relu,
        "relu_max": lambda x: A.relu(x, max_value=2.0),
        "relu_threshold": lambda x: A.relu(x, threshold=1.0),
        "relu_slope": lambda x: A.relu(x, negative_slope=0.5),
        "hard_tanh": A.hard_tanh,
        "linear": A.linear,
        "threshold": lambda x: A.threshold(x, 1, -1),
        "threshold_float": lambda x: A.threshold(x, 0.5, 2.5),
        "ops_relu": ops.relu,
        "ops_hard_tanh": ops.hard_tanh,
        "ops_threshold": lambda x: ops.threshold(x, 1, -1),
    }
    return {
        f"{fn}_{inp}": enc(fns[fn](x))
        for fn in fns
        for inp, x in inputs.items()
        if not (inp in ("list", "pyint") and fn == "linear")  # (Keras returns them as given)
        # (uint8 clips and thresholds at -1: JAX wraps the -1 to 255, hard_tanh gives 255
        # for 0; numkeras clips as NumPy and torch, see the test)
        and not (inp == "uint8" and fn in WRAPS_MINUS_ONE)
    }


@scenario
def integer_symbolic_dtypes(keras):
    ops = keras.ops
    t = keras.KerasTensor
    return {
        "ldexp_int8": spec(ops.ldexp(t((3,), "int8"), t((3,), "int32"))),
        "ldexp_float16": spec(ops.ldexp(t((3,), "float16"), t((3,), "int8"))),
        "threshold_int8": spec(ops.threshold(t((3,), "int8"), 1, -1)),
        "relu_int16": spec(ops.relu(t((3,), "int16"))),
        # (Keras's symbolic meshgrid gives every grid the last vector's dtype; its arrays
        # keep each vector's, as numkeras's symbolic grids do: see the test)
        "meshgrid_eager": [
            enc(g)
            for g in ops.meshgrid(
                np.array([1.0, 2.0], "float32"), np.array([1, 2, 3], "int8"), indexing="ij"
            )
        ],
    }


@scenario
def bitwise_promotion(keras):
    ops = keras.ops
    i16, i8 = np.array(5, "int16"), np.array([1, 2, 3], "int8")
    u8, b = np.array(3, "uint8"), np.array([True, False, True])
    return {
        "xor_0d_int16_int8": enc(ops.bitwise_xor(i16, i8)),
        "and_int8_pyint": enc(ops.bitwise_and(i8, 1)),
        "and_bool_pyint": enc(ops.bitwise_and(b, 1)),
        "or_bool_bool": enc(ops.bitwise_or(b, b)),
        "left_shift_0d_uint8_int16": enc(ops.left_shift(u8, np.array(2, "int16"))),
        "right_shift_int8_pyint": enc(ops.right_shift(i8, 1)),
        "lcm_pybool_pyint": enc(ops.lcm(False, 0)),
        "gcd_bool_pyint": enc(ops.gcd(b, 2)),
        "gcd_int8_0d_int16": enc(ops.gcd(i8, i16)),
    }


@scenario
def python_numbers_as_tensors(keras):
    """Ops on Python numbers: Keras converts an int to int32, a float to float32 first."""
    ops = keras.ops
    names = "negative abs square sign round trunc real imag conj copy".split()
    out = {f"{n}_{type(v).__name__}": enc(getattr(ops, n)(v)) for n in names for v in (2, -2.5)}
    out.update({f"{n}_bool": enc(getattr(ops, n)(True)) for n in ("abs", "real", "conj", "copy")})
    out["clip_int"] = enc(ops.clip(5, 0, 3))
    out["clip_int16_no_lower_bound"] = enc(ops.clip(np.array([1, 5], "int16"), None, 3))
    out["clip_uint8_no_upper_bound"] = enc(ops.clip(np.array([1, 5], "uint8"), 2, None))
    out["ravel_int"] = enc(ops.ravel(-3))
    out["ravel_float"] = enc(ops.ravel(2.5))
    half = np.array([0.5, -1.0], "float16")
    out["arctan2_float_float16"] = enc(ops.arctan2(1.5, half))
    out["arctan2_float16_int"] = enc(ops.arctan2(half, 2))
    return out


@scenario
def promotions(keras):
    ops = keras.ops
    i32, f16 = np.array([[1, 2, 3], [4, 6, 9]], "int32"), np.array([0.5, 1.0, 2.0], "float16")
    f32 = f16.astype("float32")
    return {
        "batch_norm_int32_float16": enc(ops.batch_normalization(i32, f16, f16, -1, scale=f16)),
        "batch_norm_int32_int32": enc(ops.batch_normalization(i32, i32[0], i32[1], -1)),
        "batch_norm_float16_float32": enc(
            ops.batch_normalization(i32.astype("float16"), f32, f32, -1)
        ),
        "cdist_bool_int16": enc(
            ops.cdist(np.ones((2, 1), bool), np.arange(3, dtype="int16")[:, None])
        ),
        "cdist_float16_int16": enc(ops.cdist(np.ones((2, 1), "float16"), np.ones((3, 1), "int16"))),
        "nan_to_num_int": enc(ops.nan_to_num(2, nan=1.5)),
        "angle_int8": enc(ops.angle(np.array([-1, 2, 0], "int8"))),
        "ctc_loss_float16": enc(
            ops.ctc_loss(
                np.array([[1, 2, 0]]),
                np.random.default_rng(0).normal(size=(1, 5, 4)).astype("float16"),
                np.array([2]),
                np.array([5]),
            )
        ),
        "select_float_default": enc(
            ops.select(
                [np.array([True, False, False]), np.array([False, True, False])],
                [np.array([1, 2, 3], "uint8"), np.array([4, 5, 6], "int32")],
                default=1.5,
            )
        ),
        "i0_float": enc(ops.i0(0.5)),
        "dstack_float32_int32": enc(
            ops.dstack([np.ones((1, 2), "float32"), np.ones((1, 2), "int32")])
        ),
        "vstack_float16_int8": enc(ops.vstack([np.ones(2, "float16"), np.ones(2, "int8")])),
        "median_infinities": enc(
            ops.median(np.array([[-1.62, -np.inf, -np.inf]], "float32"), axis=1)
        ),
    }


@scenario
def associative_scan_in_a_model(keras):
    x = keras.Input((3,))
    y = keras.ops.associative_scan(lambda a, b: keras.ops.maximum(a, b), x, reverse=True, axis=1)
    z = keras.ops.associative_scan(lambda a, b: a + b, x, axis=1)
    data = np.array([[1.0, 3.0, 2.0], [5.0, 0.0, 4.0]], "float32")
    return [p.tolist() for p in keras.Model(x, [y, z]).predict(data, verbose=0)]


@scenario
def python_ints_wrap_into_integer_dtypes(keras):
    """A Python int out of an integer array's range (NumPy 2 raises OverflowError): Keras
    wraps it into the array's dtype, as a weak int."""
    ops = keras.ops
    u, i8 = np.array([1, 5], "uint8"), np.array([1, -3], "int8")
    names = "add subtract multiply floor_divide mod fmod maximum minimum fmax fmin".split()
    out = {}
    for name in names:
        fn = getattr(ops, name)
        out[f"{name}_uint8_minus_2"] = enc(fn(u, -2))
        out[f"{name}_minus_2_uint8"] = enc(fn(-2, u))
        out[f"{name}_int8_200"] = enc(fn(i8, 200))
    return out


@scenario
def full_casts_its_fill_value(keras):
    ops = keras.ops
    return {
        "uint8_minus_one": enc(ops.full((2,), -1, dtype="uint8")),
        "uint8_300": enc(ops.full((2,), 300, dtype="uint8")),
        "int32_float": enc(ops.full((2,), 2.7, dtype="int32")),
        "int8_array": enc(ops.full((2, 2), np.array([1, 200]), dtype="int8")),
    }


@scenario
def shape_errors_on_arrays_are_type_errors(keras):
    ops = keras.ops
    a3, a2 = np.ones(3, "float32"), np.ones(2, "float32")
    i3, u2 = np.ones(3, "int32"), np.ones(2, "uint8")
    cases = {
        "not_equal": lambda: ops.not_equal(a3, u2),
        "greater": lambda: ops.greater(a3, a2),
        "true_divide": lambda: ops.true_divide(np.ones((2, 1)), np.ones((3, 1))),
        "logical_and": lambda: ops.logical_and(a3 > 0, a2 > 0),
        "bitwise_left_shift": lambda: ops.bitwise_left_shift(i3, u2),
        "bitwise_and": lambda: ops.bitwise_and(i3, u2),
        "dstack": lambda: ops.dstack([a3, a2]),
        "hstack_2d": lambda: ops.hstack([np.ones((2, 3)), np.ones((3, 3))]),
        "vdot": lambda: ops.vdot(np.ones((4, 3)), np.ones(5)),
        "inner": lambda: ops.inner(np.ones((2, 3)), np.ones(4)),
        "dot_size_one": lambda: ops.dot(np.ones((3, 2)), np.ones((1, 4))),
        "dot_empty": lambda: ops.dot(np.zeros((0, 0, 2), "int32"), np.zeros((1, 2), bool)),
        "tensordot_size_one": lambda: ops.tensordot(np.ones((3, 2)), np.ones((1, 4)), axes=1),
    }
    return {name: catches(fn, TypeError) for name, fn in cases.items()}


@scenario
def argument_and_symbolic_errors(keras):
    ops = keras.ops
    t = keras.KerasTensor
    cases = {
        "array_split_list": (lambda: ops.array_split(np.arange(4), [1]), TypeError),
        "array_split_list_symbolic": (lambda: ops.array_split(t((4,)), [1, 2]), TypeError),
        "dstack_symbolic": (lambda: ops.dstack([t((3,)), t((2,))]), ValueError),
        "inner_symbolic": (lambda: ops.inner(t((2, 3)), t((4,))), ValueError),
        "cross_sizes": (lambda: ops.cross(np.ones((1, 3, 3)), np.ones((3, 1))), ValueError),
        "unstack_axis_symbolic": (lambda: ops.unstack(t((2, 4, 3)), axis=3), ValueError),
        "array_split_axis": (lambda: ops.array_split(np.ones((1, 3, 3)), 2, axis=3), IndexError),
        "array_split_axis_symbolic": (lambda: ops.array_split(t((1, 3, 3)), 2, axis=3), IndexError),
        "softmax_0d": (lambda: ops.softmax(np.array(1.0, "float32")), ValueError),
        "log_softmax_0d": (lambda: ops.log_softmax(np.array(1.0, "float32")), ValueError),
        "activations_softmax_0d": (
            lambda: keras.activations.softmax(np.array(1.0, "float32")),
            ValueError,
        ),
        "activations_log_softmax_0d": (
            lambda: keras.activations.log_softmax(np.array(1.0, "float32")),
            ValueError,
        ),
        "softmax_0d_symbolic": (lambda: ops.softmax(t(())), ValueError),
        "ldexp_bool_exponent": (
            lambda: ops.ldexp(np.ones(2, "float32"), np.array([True, False])),
            TypeError,
        ),
        "trapezoid_0d": (lambda: ops.trapezoid(np.array(1.0, "float32")), ValueError),
        "ssim_smaller_than_filter": (
            lambda: keras.ops.image.ssim(np.ones((4, 2, 3)), np.ones((4, 2, 3)), filter_size=3),
            ValueError,
        ),
        "conv_too_wide_symbolic": (
            lambda: ops.depthwise_conv(t((1, 3, 2)), t((3, 2, 2)), dilation_rate=2),
            ValueError,
        ),
    }
    return {name: catches(fn, cls) for name, (fn, cls) in cases.items()}


def raised(fn) -> str:
    """The first built-in class of the exception `fn()` raises ('ok' if none)."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the type is the result
        return next(c for c in type(e).__mro__ if c.__module__ == "builtins").__name__
    return "ok"


@scenario
def raises_axis_out_of_range(keras):
    """The exception class of an axis out of range, on arrays and on symbolic tensors
    (the test checks numkeras's error is an instance of it)."""
    ops = keras.ops
    x, t = np.ones((2, 2), "float32"), keras.KerasTensor((2, 2))
    names = "sum mean std var max argmax prod any logsumexp median cumsum sort flip squeeze"
    out = {}
    for name in names.split() + ["expand_dims", "softmax", "log_softmax"]:
        axis = 3 if name == "expand_dims" else 2
        for kind, v in (("array", x), ("symbolic", t)):
            fn = getattr(ops, name)
            out[f"{name}_{kind}"] = raised(lambda fn=fn, v=v, axis=axis: fn(v, axis=axis))
    return out


@scenario
def empty_and_edge_values(keras):
    ops = keras.ops
    empty = np.zeros((0, 4), "float32")
    values, step = ops.linspace(0, 4.0, num=1, retstep=True)
    return {
        "log_softmax_empty": enc(ops.log_softmax(np.zeros(0, "float32"), axis=0)),
        "softmax_empty_axis": enc(ops.softmax(empty, axis=-2)),
        "activations_softmax_empty": enc(keras.activations.softmax(empty)),
        "activations_log_softmax_empty": enc(keras.activations.log_softmax(empty)),
        "logsumexp_empty": enc(ops.logsumexp(np.zeros(0, "int16"), keepdims=True)),
        "logsumexp_empty_axis": enc(ops.logsumexp(empty, axis=0)),
        "linspace_retstep_num1": [enc(values), enc(step)],
        "linspace_retstep_int32": [
            enc(v) for v in ops.linspace(0, 4, 5, dtype="int32", retstep=True)
        ],
        "norm_inf_empty_output": enc(ops.norm(np.zeros((1, 0, 0), "float32"), ord=np.inf, axis=-1)),
        "norm_empty_axis": enc(ops.norm(np.zeros((2, 0), "float32"), axis=-1)),
        "matrix_norm_empty_output": enc(
            ops.norm(np.zeros((1, 0, 0), "float32"), ord=1, axis=(0, 1), keepdims=True)
        ),
        "conv_too_wide": enc(
            ops.depthwise_conv(
                np.ones((1, 3, 2), "float32"), np.ones((3, 2, 2), "float32"), dilation_rate=2
            )
        ),
        "sobel_edges_nan": enc(ops.image.sobel_edges(SOBEL_NAN)),
        # (an entry on an edge computed in float32: JAX's bin, not NumPy's float64 one)
        "histogram_float32_edges": [
            enc(v) for v in ops.histogram(np.array([0.1, 0.2, 0.3], "float32"), bins=2)
        ],
        "histogram_ints": [enc(v) for v in ops.histogram(np.array([1, 2, 3, 3, 9]), bins=3)],
        "unstack_empty_axis": len(ops.unstack(np.zeros((2, 0)), axis=1)),
        "unstack_empty_axis_symbolic": len(ops.unstack(keras.KerasTensor((0,), "uint8"))),
        "unstack_last_axis": [
            enc(p) for p in ops.unstack(np.arange(6, dtype="int32").reshape(2, 3), axis=-1)
        ],
    }


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

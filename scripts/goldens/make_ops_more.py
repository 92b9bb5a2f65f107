"""Golden values for the `keras.ops` that custom losses and Lambda layers use (comparisons,
logic, `where`, rounding, reductions, the nn activations, `one_hot`, `normalize`, `norm`,
the crossentropies), produced by real Keras 3 on the JAX backend; and for Keras 2's
backend functions that call them (`K.binary_crossentropy`, `K.switch`, ...), produced by
tf_keras 2.21.

Run with Keras and JAX installed:
    KERAS_BACKEND=jax python scripts/goldens/make_ops_more.py
Writes tests/goldens/ops_more.json:
- per eager case: the inputs (with their dtypes), Keras's output and its dtype, the
  cotangent `r` and the gradients (jax.grad) of `sum(output * r)` w.r.t. each float input
  (none for bool and integer outputs), the symbolic output shape and dtype Keras computes
  (axis 0 unknown), and the op's config;
- per functional model (the builders below, shared with the tests): Keras's config, its
  predictions, and the weights after 2 SGD steps from fixed initial weights;
and tests/goldens/saving/keras_ops_more.keras, a Keras file of `model_gates`.

Run with TensorFlow and tf_keras installed (no Keras 3 needed):
    python scripts/goldens/make_ops_more.py --keras2
Writes tests/goldens/keras2_backend_functions.json: per case of `K2_CASES`, the inputs,
tf_keras's output, and the gradient (tf.GradientTape) of `sum(output * r)` w.r.t. the float
inputs listed in the case.

Inputs are small fixed float32 arrays with edge values (exact zeros, ties, probabilities at
and beyond the clip limits `1e-7` and `1 - 1e-7`). Inputs where JAX's gradient is NaN (the
std of a constant row, the norm of a zero vector) are left out: numkeras gives 0 there,
checked by the tests on their own.
"""

import json
import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "goldens" / "ops_more.json"
OUT_K2 = ROOT / "tests" / "goldens" / "keras2_backend_functions.json"
KERAS_FILE = ROOT / "tests" / "goldens" / "saving" / "keras_ops_more.keras"


def T(i):
    return {"tensor": i}


def F(*shape, kind="normal"):
    """A float32 input of `shape` drawn by `kind`."""
    return {"shape": list(shape), "dtype": "float32", "kind": kind}


def INT(*shape, kind="labels4"):
    return {"shape": list(shape), "dtype": "int32", "kind": kind}


def BOOL(*shape):
    return {"shape": list(shape), "dtype": "bool", "kind": "bool"}


# (label, function, args, kwargs, inputs)
CASES = [
    # comparisons and logic (bool outputs)
    ("greater", "greater", [T(0), T(1)], {}, [F(3, 4, kind="ties"), F(3, 4, kind="ties")]),
    ("greater_scalar", "greater", [T(0), 0.5], {}, [F(3, 4)]),
    ("greater_equal", "greater_equal", [T(0), T(1)], {}, [F(3, 4, kind="ties"), F(4, kind="ties")]),
    ("less", "less", [T(0), 0.0], {}, [F(3, 4, kind="zeros")]),
    ("less_equal", "less_equal", [T(0), T(1)], {}, [F(3, 4, kind="ties"), F(3, 1, kind="ties")]),
    ("equal", "equal", [T(0), T(1)], {}, [F(3, 4, kind="ties"), F(3, 4, kind="ties")]),
    ("equal_int", "equal", [T(0), 2], {}, [INT(3, 4)]),
    ("not_equal", "not_equal", [T(0), 0.0], {}, [F(3, 4, kind="zeros")]),
    ("logical_and", "logical_and", [T(0), T(1)], {}, [BOOL(3, 4), BOOL(3, 4)]),
    ("logical_and_float", "logical_and", [T(0), T(1)], {}, [F(3, 4, kind="zeros"), BOOL(4)]),
    ("logical_or", "logical_or", [T(0), T(1)], {}, [BOOL(3, 4), BOOL(3, 4)]),
    ("logical_xor", "logical_xor", [T(0), T(1)], {}, [BOOL(3, 4), BOOL(3, 4)]),
    ("logical_not", "logical_not", [T(0)], {}, [BOOL(3, 4)]),
    ("logical_not_float", "logical_not", [T(0)], {}, [F(3, 4, kind="zeros")]),
    # where
    ("where", "where", [T(0), T(1), T(2)], {}, [BOOL(3, 4), F(3, 4), F(3, 4)]),
    ("where_broadcast", "where", [T(0), T(1), T(2)], {}, [BOOL(3, 1), F(3, 4), F(4)]),
    ("where_scalar", "where", [T(0), T(1), 0.1], {}, [BOOL(3, 4), F(3, 4)]),
    ("where_scalar_left", "where", [T(0), -1.0, T(1)], {}, [BOOL(3, 4), F(1, 4)]),
    ("where_float_condition", "where", [T(0), T(1), T(1)], {}, [F(3, 4, kind="zeros"), F(3, 4)]),
    # floor_divide, mod
    (
        "floor_divide",
        "floor_divide",
        [T(0), T(1)],
        {},
        [F(3, 4, kind="wide"), F(3, 4, kind="nonzero")],
    ),
    ("floor_divide_scalar", "floor_divide", [T(0), 0.5], {}, [F(3, 4, kind="wide")]),
    ("mod", "mod", [T(0), T(1)], {}, [F(3, 4, kind="wide"), F(3, 4, kind="nonzero")]),
    ("mod_broadcast", "mod", [T(0), T(1)], {}, [F(3, 4, kind="wide"), F(4, kind="nonzero")]),
    ("mod_scalar_left", "mod", [2.5, T(0)], {}, [F(3, 4, kind="nonzero")]),
    # element-wise math
    ("log1p", "log1p", [T(0)], {}, [F(3, 4, kind="log1p")]),
    ("expm1", "expm1", [T(0)], {}, [F(3, 4)]),
    ("sin", "sin", [T(0)], {}, [F(3, 4, kind="wide")]),
    ("cos", "cos", [T(0)], {}, [F(3, 4, kind="wide")]),
    ("reciprocal", "reciprocal", [T(0)], {}, [F(3, 4, kind="nonzero")]),
    ("sign", "sign", [T(0)], {}, [F(3, 4, kind="zeros")]),
    ("sign_int", "sign", [T(0)], {}, [INT(3, 4, kind="signed")]),
    ("round", "round", [T(0)], {}, [F(3, 4, kind="halves")]),
    ("round_decimals", "round", [T(0)], {"decimals": 1}, [F(3, 4)]),
    ("floor", "floor", [T(0)], {}, [F(3, 4, kind="halves")]),
    ("ceil", "ceil", [T(0)], {}, [F(3, 4, kind="halves")]),
    # like, one_hot, argmax, cast
    ("ones_like", "ones_like", [T(0)], {}, [F(3, 4)]),
    ("ones_like_int", "ones_like", [T(0)], {"dtype": "int32"}, [F(3, 4)]),
    ("zeros_like", "zeros_like", [T(0)], {}, [F(3, 4)]),
    ("zeros_like_int_input", "zeros_like", [T(0)], {}, [INT(3, 4)]),
    ("full_like", "full_like", [T(0), 2.5], {}, [F(3, 4)]),
    ("full_like_tensor", "full_like", [T(0), T(1)], {}, [F(3, 4), F(4)]),
    ("one_hot", "one_hot", [T(0)], {"num_classes": 4}, [INT(3, 5, kind="labels4_oob")]),
    ("one_hot_axis0", "one_hot", [T(0)], {"num_classes": 3, "axis": 0}, [INT(4, kind="labels3")]),
    ("one_hot_int", "one_hot", [T(0)], {"num_classes": 4, "dtype": "int32"}, [INT(3)]),
    ("argmax", "argmax", [T(0)], {"axis": -1}, [F(3, 4, kind="ties")]),
    ("argmax_all", "argmax", [T(0)], {}, [F(3, 4)]),
    ("argmin_keepdims", "argmin", [T(0)], {"axis": 0, "keepdims": True}, [F(3, 4, kind="ties")]),
    ("cast_int32", "cast", [T(0), "int32"], {}, [F(3, 4, kind="wide")]),
    ("cast_bool", "cast", [T(0), "bool"], {}, [F(3, 4, kind="zeros")]),
    ("cast_int_to_float", "cast", [T(0), "float32"], {}, [INT(3, 4)]),
    # reductions
    ("std", "std", [T(0)], {}, [F(3, 4)]),
    ("std_axis", "std", [T(0)], {"axis": -1, "keepdims": True}, [F(3, 4)]),
    ("var_axes", "var", [T(0)], {"axis": [0, 2]}, [F(2, 3, 4)]),
    ("var", "var", [T(0)], {"axis": 1}, [F(3, 4)]),
    ("prod", "prod", [T(0)], {"axis": -1}, [F(3, 4)]),
    ("prod_zeros", "prod", [T(0)], {"axis": 1, "keepdims": True}, [F(3, 4, kind="zeros")]),
    ("prod_all", "prod", [T(0)], {}, [F(2, 3, kind="positive")]),
    ("logsumexp", "logsumexp", [T(0)], {}, [F(3, 4)]),
    ("logsumexp_axis", "logsumexp", [T(0)], {"axis": -1, "keepdims": True}, [F(3, 4, kind="wide")]),
    ("logsumexp_axes", "logsumexp", [T(0)], {"axis": [1, 2]}, [F(2, 3, 4)]),
    ("any", "any", [T(0)], {"axis": 1}, [F(3, 4, kind="sparse")]),
    ("all_keepdims", "all", [T(0)], {"axis": -1, "keepdims": True}, [F(3, 4, kind="sparse")]),
    ("any_all", "any", [T(0)], {}, [BOOL(3, 4)]),
    ("norm", "norm", [T(0)], {}, [F(3, 4)]),
    ("norm_axis", "norm", [T(0)], {"axis": -1}, [F(3, 4)]),
    ("norm_l1", "norm", [T(0)], {"ord": 1, "axis": -1, "keepdims": True}, [F(3, 4, kind="zeros")]),
    ("norm_inf", "norm", [T(0)], {"ord": float("inf"), "axis": 1}, [F(3, 4, kind="ties")]),
    ("norm_p3", "norm", [T(0)], {"ord": 3, "axis": 0}, [F(3, 4, kind="positive")]),
    ("norm_fro", "norm", [T(0)], {"ord": "fro", "axis": [1, 2]}, [F(2, 3, 4)]),
    # nn
    ("log_softmax", "log_softmax", [T(0)], {}, [F(3, 4, kind="wide")]),
    ("log_softmax_axis", "log_softmax", [T(0)], {"axis": 1}, [F(2, 3, 4)]),
    ("softplus", "softplus", [T(0)], {}, [F(3, 4, kind="wide")]),
    ("softsign", "softsign", [T(0)], {}, [F(3, 4, kind="zeros")]),
    ("elu", "elu", [T(0)], {}, [F(3, 4, kind="zeros")]),
    ("elu_alpha", "elu", [T(0)], {"alpha": 0.5}, [F(3, 4)]),
    ("selu", "selu", [T(0)], {}, [F(3, 4, kind="zeros")]),
    ("gelu", "gelu", [T(0)], {}, [F(3, 4, kind="wide")]),
    ("gelu_exact", "gelu", [T(0)], {"approximate": False}, [F(3, 4, kind="wide")]),
    ("silu", "silu", [T(0)], {}, [F(3, 4, kind="wide")]),
    ("swish", "swish", [T(0)], {}, [F(3, 4)]),
    ("leaky_relu", "leaky_relu", [T(0)], {}, [F(3, 4, kind="zeros")]),
    ("leaky_relu_slope", "leaky_relu", [T(0)], {"negative_slope": 0.01}, [F(3, 4)]),
    ("relu6", "relu6", [T(0)], {}, [F(3, 4, kind="relu6")]),
    ("hard_sigmoid", "hard_sigmoid", [T(0)], {}, [F(3, 4, kind="relu6")]),
    ("log_sigmoid", "log_sigmoid", [T(0)], {}, [F(3, 4, kind="wide")]),
    ("normalize", "normalize", [T(0)], {}, [F(3, 4)]),
    ("normalize_axis0", "normalize", [T(0)], {"axis": 0}, [F(3, 4)]),
    ("normalize_axes", "normalize", [T(0)], {"axis": [1, 2]}, [F(2, 3, 4)]),
    ("normalize_tiny", "normalize", [T(0)], {}, [F(3, 4, kind="tiny_rows")]),
    ("normalize_order1", "normalize", [T(0)], {"order": 1}, [F(3, 4)]),
    (
        "normalize_order3_eps",
        "normalize",
        [T(0)],
        {"order": 3, "epsilon": 0.5},
        [F(3, 4, kind="small")],
    ),
    (
        "binary_crossentropy",
        "binary_crossentropy",
        [T(0), T(1)],
        {},
        [F(3, 4, kind="target01"), F(3, 4, kind="prob")],
    ),
    (
        "binary_crossentropy_logits",
        "binary_crossentropy",
        [T(0), T(1)],
        {"from_logits": True},
        [F(3, 4, kind="target01"), F(3, 4, kind="logits")],
    ),
    (
        "categorical_crossentropy",
        "categorical_crossentropy",
        [T(0), T(1)],
        {},
        [F(4, 4, kind="soft_targets"), F(4, 4, kind="cat_prob")],
    ),
    (
        "categorical_crossentropy_logits",
        "categorical_crossentropy",
        [T(0), T(1)],
        {"from_logits": True},
        [F(3, 4, kind="soft_targets"), F(3, 4, kind="logits")],
    ),
    (
        "categorical_crossentropy_axis1",
        "categorical_crossentropy",
        [T(0), T(1)],
        {"axis": 1},
        [F(2, 3, 4, kind="soft_targets_axis1"), F(2, 3, 4, kind="positive")],
    ),
    (
        "sparse_categorical_crossentropy",
        "sparse_categorical_crossentropy",
        [T(0), T(1)],
        {},
        [INT(4, kind="labels4"), F(4, 4, kind="cat_prob")],
    ),
    (
        "sparse_categorical_crossentropy_logits",
        "sparse_categorical_crossentropy",
        [T(0), T(1)],
        {"from_logits": True},
        [INT(3, 1, kind="labels4"), F(3, 4, kind="logits")],
    ),
    (
        "sparse_categorical_crossentropy_3d",
        "sparse_categorical_crossentropy",
        [T(0), T(1)],
        {},
        [INT(2, 3, kind="labels4_oob"), F(2, 3, 4, kind="positive")],
    ),
]


def decode(arg, tensors):
    """An argument as written above, with `tensors[i]` for `{"tensor": i}`."""
    if isinstance(arg, dict) and "tensor" in arg:
        return tensors[arg["tensor"]]
    if isinstance(arg, list):
        return [decode(a, tensors) for a in arg]
    return arg


def call(ops, fn, args, kwargs):
    """`ops.<fn>(*args, **kwargs)`; list axes become tuples, `cast` takes its dtype
    positionally."""
    kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in kwargs.items()}
    return getattr(ops, fn)(*args, **kwargs)


def draw(rng, spec):
    """An input by its spec (shape, dtype, kind), as float64 / int / bool values."""
    shape, kind = tuple(spec["shape"]), spec["kind"]
    n = int(np.prod(shape))
    if kind == "bool":
        return rng.random(shape) < 0.5
    if kind.startswith("labels"):
        classes = int(kind[6]) if kind[6].isdigit() else 4
        x = rng.integers(0, classes, shape)
        if kind.endswith("_oob"):
            x.flat[0], x.flat[-1] = -1, classes  # out of range: all-zero one-hot rows
        return x
    if kind == "signed":
        return rng.integers(-3, 4, shape)
    if kind == "normal":
        x = rng.normal(0, 1, shape)
    elif kind == "wide":
        x = rng.normal(0, 3, shape)
    elif kind == "small":
        x = rng.normal(0, 0.1, shape)
    elif kind == "positive":
        x = rng.uniform(0.5, 2.0, shape)
    elif kind == "nonzero":
        x = rng.uniform(0.5, 2.0, shape) * rng.choice([-1, 1], shape)
    elif kind == "ties":
        x = rng.integers(-2, 3, shape).astype("float64")
    elif kind == "zeros":
        x = rng.normal(0, 1, shape)
        x.flat[::3] = 0.0
    elif kind == "sparse":
        x = rng.normal(0, 1, shape) * (rng.random(shape) < 0.6)
        x.flat[: shape[-1]] = 1.0  # one row with no zero
    elif kind == "halves":
        x = rng.integers(-6, 7, shape) / 2.0
        x.flat[::5] += 0.3
    elif kind == "log1p":
        x = rng.uniform(-0.9, 3.0, shape)
    elif kind == "relu6":
        x = rng.normal(0, 4, shape)
        x.flat[:6] = [0.0, 6.0, -3.0, 3.0, 7.0, -4.0][: min(6, n)]
    elif kind == "tiny_rows":
        x = rng.normal(0, 1, shape)
        x[0] = x[0] * 1e-9  # norm below epsilon: scaled by 1 / epsilon
    elif kind == "target01":
        x = rng.integers(0, 2, shape).astype("float64")
        x.flat[::5] = 0.3
    elif kind == "prob":
        x = rng.uniform(0.05, 0.95, shape)
        edges = [0.0, 1.0, 1e-8, 1 - 1e-8, 1e-7, 0.5, 1e-6, 1 - 1e-6]
        x.flat[: len(edges)] = edges
    elif kind == "logits":
        x = rng.normal(0, 4, shape)
        x.flat[0], x.flat[-1] = 30.0, -30.0
    elif kind == "soft_targets":
        x = rng.uniform(0, 1, shape)
        x /= x.sum(axis=-1, keepdims=True)
        x[0] = np.eye(shape[-1])[1]
    elif kind == "soft_targets_axis1":
        x = rng.uniform(0, 1, shape)
        x /= x.sum(axis=1, keepdims=True)
    elif kind == "cat_prob":
        x = rng.uniform(0.05, 1.0, shape)  # not normalised: Keras renormalises
        x[0] = [1.0, 1e-9, 1e-9, 1e-9]  # one class near 1 - 3e-9 after renormalising
        x[1] = [0.0, 0.5, 0.25, 0.25]  # an exact 0
    else:
        raise ValueError(kind)
    return np.asarray(x, "float64").round(10 if kind in ("prob", "tiny_rows", "cat_prob") else 4)


def symbolic_shapes(specs) -> list:
    """The inputs' shapes with axis 0 unknown (None) where it is the batch axis: in the
    inputs of the highest rank, and in the others whose axis 0 has the same size."""
    top = max(specs, key=lambda s: len(s["shape"]))["shape"]
    out = []
    for s in specs:
        shape = list(s["shape"])
        if shape and top and (len(shape) == len(top) or shape[0] == top[0]):
            shape[0] = None
        out.append(tuple(shape))
    return out


def as_inputs(specs, values):
    """The inputs as arrays of their dtypes (floats as float32)."""
    return [np.asarray(v).astype(s["dtype"]) for s, v in zip(specs, values)]


def to_json(a):
    a = np.asarray(a)
    if a.dtype == bool:
        return a.tolist()
    if a.dtype.kind in "iu":
        return a.astype("int64").tolist()
    return a.astype("float64").tolist()


# -- functional models (builders shared with the tests: `K` is keras or numkeras) ----------
def model_gates(K):
    """Comparisons, where, logic, rounding, reductions and the nn activations in one graph."""
    ops = K.ops
    x = K.Input(shape=(6,), name="x")
    h = K.layers.Dense(6, name="h")(x)
    a = ops.where(h > 0, h, 0.1 * h)
    small = (h > -0.5) & (h < 0.5)
    b = ops.where(small, 0.5 * ops.square(h), ops.abs(h) - 0.25)
    c = ops.elu(h) + ops.softplus(h) - ops.log_sigmoid(h) + ops.gelu(h) * ops.silu(h)
    d = ops.normalize(h, axis=-1) * ops.std(h, axis=-1, keepdims=True)
    d = d + ops.logsumexp(h, axis=-1, keepdims=True)
    e = ops.log_softmax(h) + ops.leaky_relu(h) + ops.relu6(h * 4.0) + ops.hard_sigmoid(h)
    e = e + ops.softsign(h) + ops.selu(h) + ops.expm1(h * 0.5) * ops.sin(h)
    f = ops.prod(ops.tanh(h[:, :3]) + 1.0, axis=-1, keepdims=True)
    f = f + ops.var(h, axis=-1, keepdims=True) + ops.norm(h, axis=(-1,), keepdims=True)
    g = ops.cast(ops.argmax(h, axis=-1), "float32")[:, None]
    g = g + ops.cast(ops.any(h > 1.0, axis=-1, keepdims=True), "float32")
    g = g + ops.round(h[:, :1] * 2.0) + ops.floor(h[:, 1:2]) + (h[:, 2:3] % 0.7)
    k = ops.where(ops.logical_not(small), ops.log1p(ops.abs(h)), ops.cos(h))
    m = ops.concatenate([a, b, c, d, e, f, g, k], axis=-1)
    out = K.layers.Dense(3, name="out")(m)
    return K.Model(x, out, name="gates")


def model_crossentropy(K):
    """The crossentropies of keras.ops inside a graph, trained through their output."""
    ops = K.ops
    x = K.Input(shape=(5,), name="x")
    t = K.Input(shape=(4,), name="t")
    label = K.Input(shape=(1,), dtype="int32", name="label")
    logits = K.layers.Dense(4, name="logits")(x)
    p = ops.softmax(logits)
    s = ops.sigmoid(logits)
    parts = [
        ops.categorical_crossentropy(t, p),
        ops.categorical_crossentropy(t, logits, from_logits=True),
        ops.sparse_categorical_crossentropy(label, p),
        ops.sparse_categorical_crossentropy(label, logits, from_logits=True),
        ops.mean(ops.binary_crossentropy(t, s), axis=-1),
        ops.mean(ops.binary_crossentropy(t, logits, from_logits=True), axis=-1),
    ]
    out = ops.stack(parts, axis=-1)
    hot = ops.one_hot(ops.squeeze(label, -1), 4)
    out = ops.concatenate([out, ops.sum(hot * p, axis=-1, keepdims=True)], axis=-1)
    return K.Model([x, t, label], out, name="crossentropy")


MODELS = {"gates": model_gates, "crossentropy": model_crossentropy}


def model_data(rng, model):
    """Inputs, targets and initial weights for a model (a numkeras or Keras one)."""
    xs = []
    for t in model.inputs:
        shape = (5, *t.shape[1:])
        if "int" in str(t.dtype):
            xs.append(rng.integers(0, 4, shape))
        else:
            xs.append(
                rng.uniform(0, 1, shape).round(4)
                if t.name == "t"
                else rng.normal(0, 1, shape).round(4)
            )
    y = rng.normal(0, 1, (5, *model.outputs[0].shape[1:])).round(4)
    weights = [rng.normal(0, 0.5, w.shape).round(4) for w in model.get_weights()]
    return xs, y, weights


def main():
    import jax
    import keras
    from keras import ops

    assert keras.backend.backend() == "jax", "run with KERAS_BACKEND=jax"
    rng = np.random.default_rng(31)

    cases = []
    for label, fn, args, kwargs, specs in CASES:
        values = [draw(rng, s) for s in specs]
        xs = as_inputs(specs, values)
        out = np.asarray(call(ops, fn, decode(args, xs), kwargs))
        case = {
            "label": label,
            "fn": fn,
            "args": args,
            "kwargs": kwargs,
            "input_dtypes": [s["dtype"] for s in specs],
            "inputs": [to_json(v) for v in values],
            "output": to_json(out),
            "output_dtype": str(out.dtype),
        }
        floats = [i for i, s in enumerate(specs) if s["dtype"] == "float32"]
        if out.dtype.kind == "f" and floats:
            r = rng.normal(0, 1, out.shape).round(4)

            def loss(*fs, args=args, fn=fn, kwargs=kwargs, r=r, xs=xs, floats=floats):
                ts = list(xs)
                for i, f in zip(floats, fs):
                    ts[i] = f
                o = call(ops, fn, decode(args, ts), kwargs)
                return (o.astype("float32") * r.astype("float32")).sum()

            grads = jax.grad(loss, argnums=tuple(range(len(floats))))(*[xs[i] for i in floats])
            case["r"] = r.tolist()
            case["grads"] = {str(i): to_json(g) for i, g in zip(floats, grads)}
        syms = [
            keras.KerasTensor(shape, dtype=s["dtype"])
            for s, shape in zip(specs, symbolic_shapes(specs))
        ]
        sym = call(ops, fn, decode(args, syms), kwargs)
        op = sym._keras_history.operation
        case.update(
            symbolic_shape=list(sym.shape),
            symbolic_dtype=sym.dtype,
            op={
                "module": type(op).__module__,
                "class_name": type(op).__name__,
                "config": json.loads(json.dumps(op.get_config())),
            },
        )
        cases.append(case)

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
            "config": json.loads(model.to_json())["config"],
            "layer_names": [la.name for la in model.layers],
            "inputs": [x.tolist() for x in xs],
            "y": y.tolist(),
            "weights": [w.tolist() for w in weights],
            "prediction": to_json(pred),
            "losses": losses,
            "trained": [to_json(w) for w in model.get_weights()],
        }
        if name == "gates":
            keras.utils.clear_session()
            saved = build(keras)
            saved.set_weights([w.astype("float32") for w in weights])
            saved.save(KERAS_FILE)

    OUT.write_text(
        json.dumps({"keras_version": keras.__version__, "cases": cases, "models": models}) + "\n"
    )
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes) and {KERAS_FILE}")


# -- Keras 2 (tf_keras) -----------------------------------------------------------------------
# (label, K function, args, kwargs, inputs, the float inputs to differentiate)
K2_CASES = [
    (
        "binary_crossentropy",
        "binary_crossentropy",
        [T(0), T(1)],
        {},
        [F(3, 4, kind="target01"), F(3, 4, kind="prob")],
        [1],
    ),
    (
        "binary_crossentropy_logits",
        "binary_crossentropy",
        [T(0), T(1)],
        {"from_logits": True},
        [F(3, 4, kind="target01"), F(3, 4, kind="logits")],
        [1],
    ),
    (
        "categorical_crossentropy",
        "categorical_crossentropy",
        [T(0), T(1)],
        {},
        [F(4, 4, kind="soft_targets"), F(4, 4, kind="cat_prob")],
        [1],
    ),
    (
        "categorical_crossentropy_logits",
        "categorical_crossentropy",
        [T(0), T(1)],
        {"from_logits": True},
        [F(3, 4, kind="soft_targets"), F(3, 4, kind="logits")],
        [1],
    ),
    (
        "sparse_categorical_crossentropy",
        "sparse_categorical_crossentropy",
        [T(0), T(1)],
        {},
        [INT(4, kind="labels4"), F(4, 4, kind="cat_prob")],
        [1],
    ),
    (
        "sparse_categorical_crossentropy_column",
        "sparse_categorical_crossentropy",
        [T(0), T(1)],
        {},
        [INT(3, 1, kind="labels4"), F(3, 4, kind="positive")],
        [1],
    ),
    (
        "sparse_categorical_crossentropy_flattened",
        "sparse_categorical_crossentropy",
        [T(0), T(1)],
        {"from_logits": True},
        [INT(2, 3, 1, kind="labels4"), F(2, 3, 4, kind="logits")],
        [1],
    ),
    (
        "sparse_categorical_crossentropy_axis1",
        "sparse_categorical_crossentropy",
        [T(0), T(1)],
        {"axis": 1},
        [INT(2, 4, kind="labels3"), F(2, 3, 4, kind="positive")],
        [1],
    ),
    ("l2_normalize", "l2_normalize", [T(0)], {"axis": -1}, [F(3, 4, kind="tiny_rows")], [0]),
    ("l2_normalize_all", "l2_normalize", [T(0)], {}, [F(3, 4)], [0]),
    ("switch", "switch", [T(0), T(1), T(2)], {}, [BOOL(3, 4), F(3, 4), F(3, 4)], [1, 2]),
    (
        "switch_trailing",
        "switch",
        [T(0), T(1), T(2)],
        {},
        [BOOL(2, 3), F(2, 3, 4), F(2, 3, 4)],
        [1, 2],
    ),
    ("switch_vector", "switch", [T(0), T(1), T(2)], {}, [BOOL(4), F(3, 4), F(3, 4)], [1, 2]),
    ("switch_scalar", "switch", [T(0), T(1), T(2)], {}, [BOOL(), F(3, 4), F(3, 4)], [1, 2]),
    ("elu", "elu", [T(0)], {}, [F(3, 4, kind="zeros")], [0]),
    ("elu_alpha", "elu", [T(0)], {"alpha": 0.5}, [F(3, 4)], [0]),
    ("softplus", "softplus", [T(0)], {}, [F(3, 4, kind="wide")], [0]),
    ("softsign", "softsign", [T(0)], {}, [F(3, 4)], [0]),
    ("one_hot", "one_hot", [T(0), 4], {}, [INT(3, 2, kind="labels4_oob")], []),
    ("std", "std", [T(0)], {"axis": -1}, [F(3, 4)], [0]),
    ("var", "var", [T(0)], {"axis": 0, "keepdims": True}, [F(3, 4)], [0]),
    ("prod", "prod", [T(0)], {"axis": 1}, [F(3, 4, kind="zeros")], [0]),
    ("any", "any", [T(0)], {"axis": 1}, [F(3, 4, kind="sparse")], []),
    ("all", "all", [T(0)], {}, [F(3, 4, kind="sparse")], []),
    ("argmax", "argmax", [T(0)], {}, [F(3, 4, kind="ties")], []),
    ("argmin", "argmin", [T(0)], {"axis": 0}, [F(3, 4, kind="ties")], []),
    ("round", "round", [T(0)], {}, [F(3, 4, kind="halves")], []),
    ("sign", "sign", [T(0)], {}, [F(3, 4, kind="zeros")], []),
    ("equal", "equal", [T(0), T(1)], {}, [F(3, 4, kind="ties"), F(3, 4, kind="ties")], []),
    ("greater_equal", "greater_equal", [T(0), 0.0], {}, [F(3, 4, kind="zeros")], []),
    ("ones_like", "ones_like", [T(0)], {}, [F(3, 4)], []),
    ("zeros_like", "zeros_like", [T(0)], {"dtype": "int32"}, [F(3, 4)], []),
    ("flatten", "flatten", [T(0)], {}, [F(2, 3, 4)], []),
    ("batch_flatten", "batch_flatten", [T(0)], {}, [F(2, 3, 4)], []),
    ("sin", "sin", [T(0)], {}, [F(3, 4, kind="wide")], [0]),
    ("cos", "cos", [T(0)], {}, [F(3, 4, kind="wide")], [0]),
]


def main_keras2():
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf
    import tf_keras
    from tf_keras import backend as K

    rng = np.random.default_rng(37)
    cases = []
    for label, fn, args, kwargs, specs, diff in K2_CASES:
        values = [draw(rng, s) for s in specs]
        xs = as_inputs(specs, values)
        ts = [tf.constant(x) for x in xs]
        with tf.GradientTape() as tape:
            for i in diff:
                tape.watch(ts[i])
            out = getattr(K, fn)(*decode(args, ts), **kwargs)
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
            case["grads"] = {str(i): to_json(g.numpy()) for i, g in zip(diff, grads)}
        cases.append(case)
    OUT_K2.write_text(json.dumps({"tf_keras_version": tf_keras.__version__, "cases": cases}) + "\n")
    print(f"wrote {OUT_K2} ({OUT_K2.stat().st_size} bytes)")


if __name__ == "__main__":
    main_keras2() if "--keras2" in sys.argv else main()

"""Golden values for `keras.ops` on arrays and on symbolic tensors (functional graphs),
produced by real Keras 3 on the JAX backend.

Run with Keras and JAX installed:
    KERAS_BACKEND=jax python scripts/goldens/make_ops.py
Writes tests/goldens/ops.json:
- per eager case: the inputs, Keras's output, the cotangent `r` and the gradients of
  `sum(output * r)` w.r.t. each tensor argument (jax.grad: ties of max/min/clip get JAX's
  rule), the symbolic output shape Keras computes (axis 0 unknown), and the op's config;
- per functional model (the builders below, shared with the tests): Keras's config,
  its predictions, and the weights after 2 SGD steps from fixed initial weights;
and tests/goldens/saving/keras_ops.keras, a Keras file of `model_mixed` with ops.

Arguments are written as JSON: a tensor argument is `{"tensor": i}` (the i-th input), slices
and Ellipsis as Keras serializes them (`__slice__`, `__ellipsis__`).
"""

import json
import pathlib

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "goldens" / "ops.json"
KERAS_FILE = ROOT / "tests" / "goldens" / "saving" / "keras_ops.keras"


def S(start=None, stop=None, step=None):
    return {"class_name": "__slice__", "config": {"start": start, "stop": stop, "step": step}}


E = {"class_name": "__ellipsis__", "config": {}}


def T(i):
    return {"tensor": i}


# (label, function, args, kwargs, input shapes, input kind)
# kinds: "normal", "positive" (away from 0), "ties" (small integers), "zeros" (some exact 0)
CASES = [
    ("add", "add", [T(0), T(1)], {}, [(3, 4), (3, 4)], "normal"),
    ("add_broadcast", "add", [T(0), T(1)], {}, [(3, 4), (4,)], "normal"),
    ("add_scalar", "add", [T(0), 2.0], {}, [(3, 4)], "normal"),
    ("add_scalar_left", "add", [1.5, T(0)], {}, [(3, 4)], "normal"),
    ("subtract_broadcast", "subtract", [T(0), T(1)], {}, [(3, 1), (3, 4)], "normal"),
    ("subtract_scalar_left", "subtract", [1.0, T(0)], {}, [(3, 4)], "normal"),
    ("multiply_broadcast", "multiply", [T(0), T(1)], {}, [(2, 3, 4), (3, 1)], "normal"),
    ("multiply_same", "multiply", [T(0), T(0)], {}, [(3, 4)], "normal"),
    ("divide", "divide", [T(0), T(1)], {}, [(3, 4), (3, 4)], "positive"),
    ("divide_scalar_left", "divide", [2.0, T(0)], {}, [(3, 4)], "positive"),
    ("true_divide_scalar", "true_divide", [T(0), 3], {}, [(3, 4)], "normal"),
    ("power_int", "power", [T(0), 2], {}, [(3, 4)], "normal"),
    ("power_tensors", "power", [T(0), T(1)], {}, [(3, 4), (4,)], "positive"),
    ("power_base", "power", [2.0, T(0)], {}, [(3, 4)], "normal"),
    ("negative", "negative", [T(0)], {}, [(3, 4)], "normal"),
    ("absolute", "absolute", [T(0)], {}, [(3, 4)], "zeros"),
    ("abs", "abs", [T(0)], {}, [(3, 4)], "normal"),
    ("square", "square", [T(0)], {}, [(3, 4)], "normal"),
    ("sqrt", "sqrt", [T(0)], {}, [(3, 4)], "positive"),
    ("exp", "exp", [T(0)], {}, [(3, 4)], "normal"),
    ("log", "log", [T(0)], {}, [(3, 4)], "positive"),
    ("tanh", "tanh", [T(0)], {}, [(3, 4)], "normal"),
    ("sigmoid", "sigmoid", [T(0)], {}, [(3, 4)], "normal"),
    ("relu", "relu", [T(0)], {}, [(3, 4)], "zeros"),
    ("softmax", "softmax", [T(0)], {}, [(3, 4)], "normal"),
    ("softmax_axis1", "softmax", [T(0)], {"axis": 1}, [(2, 3, 4)], "normal"),
    ("sum_all", "sum", [T(0)], {}, [(3, 4)], "normal"),
    ("sum_axis_keepdims", "sum", [T(0)], {"axis": 1, "keepdims": True}, [(2, 3, 4)], "normal"),
    ("sum_axes", "sum", [T(0)], {"axis": [0, 2]}, [(2, 3, 4)], "normal"),
    ("mean_last", "mean", [T(0)], {"axis": -1}, [(3, 4)], "normal"),
    ("mean_all_keepdims", "mean", [T(0)], {"keepdims": True}, [(3, 4)], "normal"),
    ("max_axis_ties", "max", [T(0)], {"axis": 1}, [(3, 4)], "ties"),
    ("max_keepdims", "max", [T(0)], {"axis": -1, "keepdims": True}, [(2, 3, 4)], "normal"),
    ("min_all_ties", "min", [T(0)], {}, [(3, 4)], "ties"),
    ("min_axis", "min", [T(0)], {"axis": 0}, [(3, 4)], "normal"),
    ("reshape", "reshape", [T(0)], {"newshape": [-1, 2, 6]}, [(3, 4, 3)], "normal"),
    ("reshape_flat", "reshape", [T(0)], {"newshape": [3, 12]}, [(3, 4, 3)], "normal"),
    ("transpose_axes", "transpose", [T(0)], {"axes": [0, 2, 1]}, [(2, 3, 4)], "normal"),
    ("transpose_none", "transpose", [T(0)], {}, [(3, 4)], "normal"),
    ("expand_dims", "expand_dims", [T(0)], {"axis": 1}, [(3, 4)], "normal"),
    ("expand_dims_last", "expand_dims", [T(0)], {"axis": -1}, [(3, 4)], "normal"),
    ("squeeze_axis", "squeeze", [T(0)], {"axis": 1}, [(3, 1, 4)], "normal"),
    ("squeeze_all", "squeeze", [T(0)], {}, [(3, 1, 4, 1)], "normal"),
    ("concatenate", "concatenate", [[T(0), T(1)]], {"axis": 1}, [(3, 2), (3, 4)], "normal"),
    ("concatenate_axis0", "concatenate", [[T(0), T(1)]], {"axis": 0}, [(2, 4), (3, 4)], "normal"),
    ("stack", "stack", [[T(0), T(1)]], {"axis": 1}, [(3, 4), (3, 4)], "normal"),
    ("stack_first", "stack", [[T(0), T(1), T(0)]], {}, [(3, 4), (3, 4)], "normal"),
    ("matmul", "matmul", [T(0), T(1)], {}, [(3, 4), (4, 5)], "normal"),
    ("matmul_batch_2d", "matmul", [T(0), T(1)], {}, [(2, 3, 4), (4, 5)], "normal"),
    ("matmul_batched", "matmul", [T(0), T(1)], {}, [(2, 3, 4), (2, 4, 5)], "normal"),
    ("matmul_vector_left", "matmul", [T(0), T(1)], {}, [(4,), (3, 4, 5)], "normal"),
    ("matmul_vector_right", "matmul", [T(0), T(1)], {}, [(3, 4), (4,)], "normal"),
    ("maximum_ties", "maximum", [T(0), T(1)], {}, [(3, 4), (3, 4)], "ties"),
    ("maximum_scalar", "maximum", [T(0), 0.5], {}, [(3, 4)], "normal"),
    ("minimum_broadcast", "minimum", [T(0), T(1)], {}, [(3, 4), (1, 4)], "ties"),
    ("clip", "clip", [T(0), -0.5, 0.5], {}, [(3, 4)], "normal"),
    ("clip_ties", "clip", [T(0), -1, 1], {}, [(3, 4)], "ties"),
    ("cast_float16", "cast", [T(0), "float16"], {}, [(3, 4)], "normal"),
    ("cast_float32", "cast", [T(0), "float32"], {}, [(3, 4)], "normal"),
    ("getitem_slice", "getitem", [T(0), [S(), S(0, 2)]], {}, [(3, 4)], "normal"),
    ("getitem_int", "getitem", [T(0), 1], {}, [(3, 4)], "normal"),
    ("getitem_ellipsis", "getitem", [T(0), [E, None, 1]], {}, [(3, 4, 5)], "normal"),
    ("getitem_step", "getitem", [T(0), [S(), S(None, None, 2)]], {}, [(3, 5)], "normal"),
    ("getitem_negative", "getitem", [T(0), [-1, S(1, 3)]], {}, [(3, 4, 5)], "normal"),
    ("getitem_newaxis", "getitem", [T(0), [None, S(), 2]], {}, [(3, 4)], "normal"),
]


def decode(arg, tensors, slice_=slice):
    """An argument as written above, with `tensors[i]` for `{"tensor": i}`; lists of slice
    parts (getitem keys) become tuples."""
    if isinstance(arg, dict) and "tensor" in arg:
        return tensors[arg["tensor"]]
    if isinstance(arg, dict) and arg.get("class_name") == "__slice__":
        c = arg["config"]
        return slice_(c["start"], c["stop"], c["step"])
    if isinstance(arg, dict) and arg.get("class_name") == "__ellipsis__":
        return Ellipsis
    if isinstance(arg, list):
        return [decode(a, tensors, slice_) for a in arg]
    return arg


def call(ops, fn, args, kwargs):
    """`ops.<fn>(*args, **kwargs)`; `getitem` is `x[key]` (a key list becomes a tuple)."""
    if fn == "getitem":
        x, key = args
        return x[tuple(key) if isinstance(key, list) else key]
    if fn == "sum" and isinstance(kwargs.get("axis"), list):
        kwargs = {**kwargs, "axis": tuple(kwargs["axis"])}
    if fn == "transpose" and isinstance(kwargs.get("axes"), list):
        kwargs = {**kwargs, "axes": tuple(kwargs["axes"])}
    if fn == "reshape":
        return ops.reshape(args[0], tuple(kwargs["newshape"]))
    if fn == "cast":
        return ops.cast(args[0], args[1])
    if fn == "clip":
        return ops.clip(*args)
    return getattr(ops, fn)(*args, **kwargs)


def inputs_for(rng, shapes, kind):
    xs = []
    for s in shapes:
        if kind == "positive":
            x = rng.uniform(0.5, 2.0, s)
        elif kind == "ties":
            x = rng.integers(-2, 3, s).astype("float64")
        else:
            x = rng.normal(0, 1, s)
            if kind == "zeros":
                x.flat[::3] = 0.0
        xs.append(np.asarray(x, "float64").round(4))
    return xs


# -- functional models (builders shared with the tests: `K` is keras or numkeras) ----------
def model_residual(K):
    x = K.Input(shape=(4,), name="x")
    h = K.layers.Dense(4, name="h")(x)
    y = (h + x) * h - x
    y = y * 0.5 + 1.0
    y = -y / 3
    y = abs(y) ** 2
    out = K.layers.Dense(2, name="out")(y[:, 1:])
    return K.Model(x, out, name="residual")


def model_mixed(K):
    ops = K.ops
    x = K.Input(shape=(6,), name="x")
    h = K.layers.Dense(6, name="h")(x)
    a = ops.relu(h)[:, 0:4]
    b = ops.sum(ops.square(h), axis=-1, keepdims=True)
    c = ops.mean(ops.tanh(h), axis=1, keepdims=True)
    m = ops.concatenate([a, b / 6, c, ops.sigmoid(h[..., 4:])], axis=-1)
    m = ops.clip(m, -2.0, 2.0)
    s = ops.softmax(K.layers.Dense(3, name="logits")(m), axis=-1)
    out = ops.maximum(s, 0.05) + ops.minimum(ops.exp(h[:, :3]), 2.0)
    return K.Model(x, out, name="mixed")


def model_shapes(K):
    ops = K.ops
    a = K.Input(shape=(3, 4), name="a")
    w = K.Input(shape=(4, 2), name="w")
    p = ops.matmul(K.layers.Dense(4, name="d")(a), w)  # (None, 3, 2)
    p = ops.transpose(p, (0, 2, 1))  # (None, 2, 3)
    q = ops.expand_dims(ops.max(p, axis=1), 1)  # (None, 1, 3)
    r = ops.squeeze(ops.stack([q, ops.min(p, axis=1, keepdims=True)], axis=1), 2)
    f = ops.reshape(ops.concatenate([p, r], axis=1), (-1, 12))
    f = ops.sqrt(ops.square(f) + 1.0) - ops.log(abs(f) + 1.0) + ops.cast(f, "float32")
    out = K.layers.Dense(2, name="out")(ops.subtract(f, ops.divide(f, 4.0)))
    return K.Model([a, w], out, name="shapes")


MODELS = {"residual": model_residual, "mixed": model_mixed, "shapes": model_shapes}


def model_data(rng, model):
    """Inputs, targets and initial weights for a model (a numkeras or Keras one)."""
    xs = [rng.normal(0, 1, (5, *t.shape[1:])).round(4) for t in model.inputs]
    y = rng.normal(0, 1, (5, *model.outputs[0].shape[1:])).round(4)
    weights = [rng.normal(0, 0.5, w.shape).round(4) for w in model.get_weights()]
    return xs, y, weights


def main():
    import jax
    import keras
    from keras import ops

    assert keras.backend.backend() == "jax", "run with KERAS_BACKEND=jax"
    rng = np.random.default_rng(23)

    def f64(a):
        return np.asarray(a, "float64").tolist()

    cases = []
    for label, fn, args, kwargs, shapes, kind in CASES:
        xs = inputs_for(rng, shapes, kind)
        xs32 = [x.astype("float32") for x in xs]
        out = call(ops, fn, decode(args, xs32), kwargs)
        r = rng.normal(0, 1, np.shape(out)).round(4)

        def loss(*ts, args=args, fn=fn, kwargs=kwargs, r=r):
            o = call(ops, fn, decode(args, list(ts)), kwargs)
            return (o.astype("float32") * r.astype("float32")).sum()

        grads = jax.grad(loss, argnums=tuple(range(len(xs))))(*xs32)
        # the symbolic shape: axis 0 unknown in the inputs of the highest rank
        top = max(len(s) for s in shapes)
        syms = [keras.KerasTensor((None, *s[1:]) if len(s) == top else s) for s in shapes]
        sym = call(ops, fn, decode(args, syms), kwargs)
        op = sym._keras_history.operation
        cases.append(
            {
                "label": label,
                "fn": fn,
                "args": args,
                "kwargs": kwargs,
                "inputs": [x.tolist() for x in xs],
                "output": f64(out),
                "output_dtype": str(np.asarray(out).dtype),
                "r": r.tolist(),
                "grads": [f64(g) for g in grads],
                "symbolic_shape": list(sym.shape),
                "symbolic_dtype": sym.dtype,
                "op": {
                    "module": type(op).__module__,
                    "class_name": type(op).__name__,
                    "config": json.loads(json.dumps(op.get_config())),
                },
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
            "config": json.loads(model.to_json())["config"],
            "layer_names": [la.name for la in model.layers],
            "inputs": [x.tolist() for x in xs],
            "y": y.tolist(),
            "weights": [w.tolist() for w in weights],
            "prediction": f64(pred),
            "losses": losses,
            "trained": [f64(w) for w in model.get_weights()],
        }
        if name == "mixed":
            keras.utils.clear_session()
            saved = build(keras)
            saved.set_weights([w.astype("float32") for w in weights])
            saved.save(KERAS_FILE)

    OUT.write_text(
        json.dumps({"keras_version": keras.__version__, "cases": cases, "models": models}) + "\n"
    )
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes) and {KERAS_FILE}")


if __name__ == "__main__":
    main()

"""The `numkeras.ops` that custom losses and Lambda layers use (comparisons, logic, where,
rounding, reductions, nn activations, one_hot, normalize, norm, crossentropies) against
real Keras 3.15 (goldens from scripts/goldens/make_ops_more.py): eager outputs and dtypes,
JAX's gradients through each hand-written backward pass, symbolic output shapes and
dtypes with unknown axes, configs; every backward pass against finite differences; and a
functional model holding each op round-trips through a `.keras` file."""

import importlib.util
import json
import pathlib

import numpy as np
import pytest

import numkeras
from numkeras import backend, ops
from numkeras.layers import Input
from numkeras.layers.keras_tensor import KerasTensor
from numkeras.models import Model
from numkeras.utils.gradcheck import numeric_gradient

ROOT = pathlib.Path(__file__).parents[2]
GOLD = json.loads((ROOT / "tests" / "goldens" / "ops_more.json").read_text())
CASES = {c["label"]: c for c in GOLD["cases"]}


def _script():
    path = ROOT / "scripts" / "goldens" / "make_ops_more.py"
    spec = importlib.util.spec_from_file_location("make_ops_more", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()


def specs(case) -> list:
    return [
        {"shape": list(np.shape(x)), "dtype": d}
        for x, d in zip(case["inputs"], case["input_dtypes"])
    ]


def inputs(case, float_dtype="float32") -> list:
    return [
        np.asarray(x).astype(float_dtype if d == "float32" else d)
        for x, d in zip(case["inputs"], case["input_dtypes"])
    ]


def run(case, tensors):
    """The case's function on `tensors` (arrays or KerasTensors), through numkeras.ops."""
    return SCRIPT.call(ops, case["fn"], SCRIPT.decode(case["args"], tensors), case["kwargs"])


def tol(case):
    return 1e-5


@pytest.mark.parametrize("label", sorted(CASES))
def test_eager_output_matches_keras(label):
    case = CASES[label]
    out = run(case, inputs(case))
    assert isinstance(out, backend.xp.ndarray)
    assert str(out.dtype) == case["output_dtype"]
    want = np.asarray(case["output"])
    if out.dtype.kind in "biu":
        np.testing.assert_array_equal(out, want)
    else:
        np.testing.assert_allclose(out, want, rtol=tol(case), atol=tol(case))


@pytest.mark.parametrize("label", sorted(CASES))
def test_symbolic_shape_dtype_and_config_match_keras(label):
    case = CASES[label]
    syms = [
        KerasTensor(shape, dtype=s["dtype"])
        for s, shape in zip(specs(case), SCRIPT.symbolic_shapes(specs(case)))
    ]
    out = run(case, syms)
    want = case["symbolic_shape"]
    if label == "categorical_crossentropy_axis1":
        # Keras's CategoricalCrossentropy.compute_output_spec drops the last axis whatever
        # `axis` is (its computed value drops `axis`): numkeras's shape is the computed one
        assert want == [None, 3] and np.shape(case["output"]) == (2, 4)
        want = [None, 4]
    assert list(out.shape) == want
    assert out.dtype == case["symbolic_dtype"]
    op = out.node.layer
    gold = case["op"]
    assert (op.keras_module, type(op).__name__) == (gold["module"], gold["class_name"])
    ours = {k: v for k, v in op.get_config().items() if k != "name"}
    assert ours == {k: v for k, v in gold["config"].items() if k != "name"}
    assert type(op).from_config(op.get_config()).get_config() == op.get_config()
    assert op.name.rstrip("_0123456789") == gold["config"]["name"].rstrip("_0123456789")


def _forward_backward(case, xs, r):
    """The op's executor protocol: forward on the flat tensor list, backward of `r`; the
    gradient of each input (zeros where the op passes none, as JAX's zero gradients)."""
    syms = [KerasTensor(np.shape(x), dtype=str(x.dtype)) for x in xs]
    node = run(case, syms).node
    where = [next(i for i, t in enumerate(syms) if t is u) for u in node.inputs]
    op = node.layer

    def forward():
        return op.forward([xs[i] for i in where])

    out, cache = forward()
    grads = [np.zeros(np.shape(x)) for x in xs]
    for i, g in zip(where, op.backward(cache, r.copy(), need_input_grad=True)):
        if g is not None:
            assert g.shape == xs[i].shape
            grads[i] = grads[i] + g
    return forward, out, grads


GRAD_CASES = sorted(c for c in CASES if "grads" in CASES[c])


@pytest.mark.parametrize("label", GRAD_CASES)
def test_backward_matches_jax_gradients(label):
    case = CASES[label]
    xs = inputs(case)
    r = np.asarray(case["r"], "float32").astype(case["output_dtype"])
    _, _, grads = _forward_backward(case, xs, r)
    for i, want in case["grads"].items():
        np.testing.assert_allclose(grads[int(i)], want, rtol=2e-5, atol=2e-5, err_msg=f"input {i}")


def test_the_zero_gradients_are_arrays_as_in_jax():
    """Round, sign, floor, ceil and floor_divide pass zeros (so the weights before them get
    a zero gradient, as in Keras), not None."""
    x = np.array([[0.3, -1.7]], "float32")
    for fn in (ops.round, ops.sign, ops.floor, ops.ceil, lambda t: ops.floor_divide(t, 0.5)):
        node = fn(KerasTensor((None, 2))).node
        _, cache = node.layer.forward([x])
        (g,) = node.layer.backward(cache, np.ones_like(x))
        np.testing.assert_array_equal(g, np.zeros_like(x))


# -- finite differences (float64, away from kinks) ----------------------------------------
_FD_KINDS = {
    "ties": "normal",
    "zeros": "normal",
    "halves": "wide",
    "sparse": "normal",
    "relu6": "wide",
    "tiny_rows": "normal",
    "prob": "inner_prob",
    "cat_prob": "positive",
}


def _fd_inputs(case, rng):
    xs = []
    for x, d, kind in zip(case["inputs"], case["input_dtypes"], _kinds(case)):
        shape = np.shape(x)
        if d != "float32":
            xs.append(np.asarray(x).astype(d))
            continue
        kind = _FD_KINDS.get(kind, kind)
        if kind == "inner_prob":
            xs.append(rng.uniform(0.05, 0.95, shape))
        else:
            xs.append(SCRIPT.draw(rng, {"shape": list(shape), "kind": kind}).astype("float64"))
    return xs


def _kinds(case):
    """Each input's kind, from the script's case list."""
    (entry,) = [c for c in SCRIPT.CASES if c[0] == case["label"]]
    return [s["kind"] for s in entry[4]]


# piecewise-constant ops (zero gradients, jumps) are checked away from their jumps
_STEPS = ("round", "floor", "ceil", "sign", "floor_divide", "mod")


@pytest.mark.parametrize("label", GRAD_CASES)
def test_backward_matches_finite_differences(label):
    case = CASES[label]
    rng = np.random.default_rng(5)
    xs = _fd_inputs(case, rng)
    if case["fn"] in _STEPS:  # keep every entry 1e-3 away from a jump
        xs = [x + 0.0 if x.dtype.kind != "f" else np.round(x, 1) + 0.0317 for x in xs]
    r = rng.normal(0, 1, np.shape(run(case, xs)))
    forward, _, grads = _forward_backward(case, xs, r)
    for i in case["grads"]:
        x = xs[int(i)]

        def f():
            out, _ = forward()
            return float((np.asarray(out, "float64") * r).sum())

        np.testing.assert_allclose(
            grads[int(i)], numeric_gradient(f, x), rtol=1e-5, atol=1e-6, err_msg=f"input {i}"
        )


# -- where JAX's gradient is NaN, numkeras's is the limit -------------------------------------
def _grad(fn, x, r=None):
    node = fn(KerasTensor(x.shape, dtype=str(x.dtype))).node
    out, cache = node.layer.forward([x])
    r = np.ones_like(out) if r is None else r
    (g,) = node.layer.backward(cache, r)
    return out, g


def test_std_and_norm_of_a_constant_or_zero_row_pass_zero_not_nan():
    x = np.array([[2.0, 2.0, 2.0], [1.0, 2.0, 4.0]])
    _, g = _grad(lambda t: ops.std(t, axis=-1), x)
    assert np.all(np.isfinite(g)) and np.all(g[0] == 0)
    z = np.array([[0.0, 0.0, 0.0], [3.0, 0.0, 4.0]])
    _, g = _grad(lambda t: ops.norm(t, axis=-1), z)
    np.testing.assert_allclose(g, [[0, 0, 0], [0.6, 0, 0.8]])
    _, g = _grad(lambda t: ops.norm(t, ord=3, axis=-1), z)
    assert np.all(np.isfinite(g)) and np.all(g[0] == 0)


def test_normalize_scales_a_row_below_epsilon_by_one_over_epsilon_with_its_gradient():
    x = np.array([[1e-9, -2e-9, 0.0], [0.0, 0.0, 0.0], [3.0, 0.0, 4.0]])
    r = np.array([[1.0, 2.0, 3.0], [1.0, -1.0, 0.5], [0.0, 1.0, 0.0]])
    out, g = _grad(lambda t: ops.normalize(t, axis=-1), x, r)
    np.testing.assert_allclose(out[:2], x[:2] * 1e7)
    np.testing.assert_allclose(g[:2], r[:2] * 1e7)  # JAX: NaN for the all-zero row

    def f():
        return float((ops.normalize(x, axis=-1) * r).sum())

    np.testing.assert_allclose(g[0], numeric_gradient(f, x, eps=1e-11)[0], rtol=1e-4)


def test_prod_gradient_is_exact_with_zeros():
    x = np.array([[0.0, 2.0, 3.0], [0.0, 0.0, 5.0], [1.0, 2.0, 4.0]])
    _, g = _grad(lambda t: ops.prod(t, axis=-1), x)
    np.testing.assert_array_equal(g, [[6, 0, 0], [0, 0, 0], [8, 4, 2]])


def test_crossentropy_gradient_through_the_clip_is_zero_outside_it():
    t = np.array([[1.0, 0.0, 1.0]])
    o = np.array([[0.0, 1.0, 0.5]])
    node = ops.binary_crossentropy(KerasTensor((None, 3)), KerasTensor((None, 3))).node
    _, cache = node.layer.forward([t, o])
    gt, go = node.layer.backward(cache, np.ones((1, 3)))
    np.testing.assert_allclose(go, [[0.0, 0.0, -2.0]])
    assert np.all(np.isfinite(gt))


# -- each op in a functional model saves and loads ------------------------------------------
def _batched(case) -> bool:
    """Do all inputs share axis 0 (a batch), and the output keep it first?"""
    rows = {np.shape(x)[0] if np.ndim(x) else None for x in case["inputs"]}
    return len(rows) == 1 and None not in rows and case["symbolic_shape"][:1] == [None]


SAVE_CASES = sorted(c for c in CASES if _batched(CASES[c]))


@pytest.mark.parametrize("label", SAVE_CASES)
def test_a_model_with_the_op_saves_and_loads(tmp_path, label):
    case = CASES[label]
    backend.clear_session(free_memory=False)
    tensors = [
        Input(shape=tuple(s["shape"][1:]), dtype=s["dtype"], name=f"in{i}")
        for i, s in enumerate(specs(case))
    ]
    model = Model(tensors, run(case, tensors))
    xs = inputs(case)
    feed = xs[0] if len(xs) == 1 else xs
    before = model.predict(feed, verbose=0)
    np.testing.assert_allclose(before, np.asarray(case["output"], "float64"), rtol=1e-5, atol=1e-5)
    model.save(tmp_path / "m.keras")
    again = numkeras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(again.predict(feed, verbose=0), before)
    (op,) = [o for o in again.operations if getattr(o, "is_operation", False)]
    assert type(op).__name__ == case["op"]["class_name"]


def test_every_new_op_is_covered_by_a_case():
    """Each registered operation class added here has a golden case."""
    from numkeras.ops import linalg, math, numpy_more

    classes = {*numpy_more.OPS, *math.OPS, *linalg.OPS}
    classes |= {"LogSoftmax", "Softplus", "Softsign", "Elu", "Selu", "Gelu", "Silu"}
    classes |= {"LeakyRelu", "Relu6", "HardSigmoid", "LogSigmoid", "OneHot", "Normalize"}
    classes |= {"BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy"}
    assert classes <= {c["op"]["class_name"] for c in GOLD["cases"]}

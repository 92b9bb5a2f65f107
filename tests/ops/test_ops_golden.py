"""`numkeras.ops` against real Keras 3.15 (goldens from scripts/goldens/make_ops.py): eager
outputs, JAX's gradients through each operation's hand-written backward, the symbolic
output shapes and the configs; and every backward pass against finite differences."""

import importlib.util
import json
import pathlib

import numpy as np
import pytest

from numkeras import backend, ops
from numkeras.layers.keras_tensor import KerasTensor
from numkeras.utils.gradcheck import numeric_gradient

ROOT = pathlib.Path(__file__).parents[2]
GOLD = json.loads((ROOT / "tests" / "goldens" / "ops.json").read_text())
CASES = {c["label"]: c for c in GOLD["cases"]}


def _script():
    path = ROOT / "scripts" / "goldens" / "make_ops.py"
    spec = importlib.util.spec_from_file_location("make_ops", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()


def run(case, tensors):
    """The case's function on `tensors` (arrays or KerasTensors), through numkeras.ops."""
    args = SCRIPT.decode(case["args"], tensors)
    if case["fn"] == "getitem":
        x, key = args
        key = tuple(key) if isinstance(key, list) else key
        return ops.getitem(x, key) if not isinstance(x, KerasTensor) else x[key]
    return SCRIPT.call(ops, case["fn"], args, case["kwargs"])


def tol(case):
    return 2e-3 if case["label"] == "cast_float16" else 1e-5


@pytest.mark.parametrize("label", sorted(CASES))
def test_eager_output_matches_keras(label):
    case = CASES[label]
    xs = [np.asarray(x, "float32") for x in case["inputs"]]
    out = run(case, xs)
    assert isinstance(out, backend.xp.ndarray)
    assert str(out.dtype) == case["output_dtype"]
    np.testing.assert_allclose(out, case["output"], rtol=tol(case), atol=tol(case))


@pytest.mark.parametrize("label", sorted(CASES))
def test_symbolic_shape_dtype_and_config_match_keras(label):
    case = CASES[label]
    shapes = [np.shape(x) for x in case["inputs"]]
    top = max(len(s) for s in shapes)
    syms = [KerasTensor((None, *s[1:]) if len(s) == top else s) for s in shapes]
    out = run(case, syms)
    assert list(out.shape) == case["symbolic_shape"]
    assert out.dtype == case["symbolic_dtype"]
    op = out.node.layer
    gold = case["op"]
    assert (op.keras_module, type(op).__name__) == (gold["module"], gold["class_name"])
    ours = {k: v for k, v in op.get_config().items() if k != "name"}
    assert ours == {k: v for k, v in gold["config"].items() if k != "name"}
    assert type(op).from_config(op.get_config()).get_config() == op.get_config()


def _forward_backward(case, xs, r):
    """The op's executor protocol: forward on the flat tensor list, backward of `r`."""
    syms = [KerasTensor(np.shape(x)) for x in xs]
    node = run(case, syms).node
    # the node's inputs list a tensor used twice (x * x) twice, as the executor's slots
    where = [next(i for i, t in enumerate(syms) if t is u) for u in node.inputs]
    op = node.layer

    def forward():
        return op.forward([xs[i] for i in where])

    out, cache = forward()
    grads = [np.zeros(np.shape(x)) for x in xs]
    for i, g in zip(where, op.backward(cache, r.copy(), need_input_grad=True)):
        grads[i] = grads[i] + g
    return forward, out, grads


@pytest.mark.parametrize("label", sorted(CASES))
def test_backward_matches_jax_gradients(label):
    case = CASES[label]
    xs = [np.asarray(x, "float32") for x in case["inputs"]]
    r = np.asarray(case["r"], "float32").astype(case["output_dtype"])
    _, _, grads = _forward_backward(case, xs, r)
    assert len(grads) == len(xs)
    for g, want, x in zip(grads, case["grads"], xs):
        assert g.shape == x.shape
        np.testing.assert_allclose(g, want, rtol=tol(case), atol=tol(case))


def _fd_inputs(case, rng):
    kind = "positive" if any(k in case["label"] for k in ("sqrt", "log", "power", "divide")) else ""
    shapes = [np.shape(x) for x in case["inputs"]]
    if kind:
        return [rng.uniform(0.5, 2.0, s) for s in shapes]
    return [rng.normal(0, 1, s) for s in shapes]


@pytest.mark.parametrize("label", sorted(c for c in CASES if c != "cast_float16"))
def test_backward_matches_finite_differences(label):
    case = CASES[label]
    rng = np.random.default_rng(5)
    xs = [x.astype("float64") for x in _fd_inputs(case, rng)]
    if label == "cast_float32":  # float64 -> float32 loses the precision differences need
        case = {**case, "args": [case["args"][0], "float64"]}
    r = rng.normal(0, 1, np.shape(run(case, xs)))
    forward, _, grads = _forward_backward(case, xs, r)
    for x, g in zip(xs, grads):

        def f():
            out, _ = forward()
            return float((np.asarray(out, "float64") * r).sum())

        np.testing.assert_allclose(g, numeric_gradient(f, x), rtol=1e-5, atol=1e-7)


def test_eager_calls_keep_float64_and_take_python_numbers():
    x = np.arange(4.0).reshape(2, 2)
    assert ops.add(x, 1).dtype == np.float64
    assert ops.multiply(x.astype("float32"), 2.0).dtype == np.float32
    assert ops.divide(np.arange(3), 2).dtype == np.float32  # integers divide to floats
    np.testing.assert_allclose(ops.add(1.0, 2.0), 3.0)
    np.testing.assert_allclose(ops.concatenate([x, x], axis=1).shape, (2, 4))
    np.testing.assert_allclose(ops.getitem(x, (slice(None), 0)), [0.0, 2.0])


def test_symbolic_errors_explain_themselves():
    from numkeras.errors import ShapeError
    from numkeras.layers import Input

    x = Input(shape=(4,))
    with pytest.raises(ShapeError, match="broadcast"):
        x + Input(shape=(3,))
    with pytest.raises(ShapeError, match="Inner dimensions"):
        x @ Input(shape=(3, 2))
    with pytest.raises(TypeError, match="index arrays"):
        x[:, np.array([0, 1])]
    with pytest.raises(TypeError, match="iterated"):
        list(x)
    with pytest.raises(TypeError, match="symbolic"):
        np.asarray(x)

"""The further `numkeras.ops` (tile, repeat, split, einsum, take, pad, sort, top_k, moments,
dot_product_attention, ...) against real Keras 3.15 (goldens from
scripts/goldens/make_ops_extra.py): eager outputs and dtypes, JAX's gradients through each
hand-written backward pass, symbolic output shapes and dtypes with unknown axes, configs;
every backward pass against finite differences; and a functional model holding each op
round-trips through a `.keras` file."""

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
GOLD = json.loads((ROOT / "tests" / "goldens" / "ops_extra.json").read_text())
CASES = {c["label"]: c for c in GOLD["cases"]}


def _script():
    path = ROOT / "scripts" / "goldens" / "make_ops_extra.py"
    spec = importlib.util.spec_from_file_location("make_ops_extra", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()

# Keras 3.15's symbolic results that differ from what its own eager call computes;
# numkeras's symbolic shapes and dtypes are those of the values it computes
KERAS_SYMBOLIC_QUIRKS = {
    # Vstack.compute_output_spec keeps the rank of 1-D inputs: (None,) for two (4,) rows
    "vstack_vectors": {"shapes": [[2, None]]},
    # MultiHot.compute_output_spec gives the inputs' dtype; its values are floatx
    "multi_hot": {"dtypes": ["float32"]},
    "multi_hot_vector": {"dtypes": ["float32"]},
}


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


def run(case, tensors) -> list:
    """The case's function on `tensors` (arrays or KerasTensors), through numkeras.ops;
    its outputs as a list."""
    out = SCRIPT.call(ops, case["fn"], SCRIPT.decode(case["args"], tensors), case["kwargs"])
    return SCRIPT.outputs_of(out)


@pytest.mark.parametrize("label", sorted(CASES))
def test_eager_output_matches_keras(label):
    case = CASES[label]
    outs = run(case, inputs(case))
    assert len(outs) == len(case["outputs"])
    for out, want, dtype in zip(outs, case["outputs"], case["output_dtypes"]):
        assert isinstance(out, backend.xp.ndarray)
        assert str(out.dtype) == dtype
        want = np.asarray(want)
        assert out.shape == want.shape
        if out.dtype.kind in "biu":
            np.testing.assert_array_equal(out, want)
        else:
            np.testing.assert_allclose(out, want, rtol=2e-5, atol=2e-5)


def _symbolic_inputs(case):
    return [
        KerasTensor(shape, dtype=s["dtype"])
        for s, shape in zip(specs(case), SCRIPT.symbolic_shapes(specs(case)))
    ]


@pytest.mark.parametrize("label", sorted(CASES))
def test_symbolic_shape_dtype_and_config_match_keras(label):
    case = CASES[label]
    outs = run(case, _symbolic_inputs(case))
    quirk = KERAS_SYMBOLIC_QUIRKS.get(label, {})
    assert [list(t.shape) for t in outs] == quirk.get("shapes", case["symbolic_shapes"])
    assert [t.dtype for t in outs] == quirk.get("dtypes", case["symbolic_dtypes"])
    op = outs[0].node.layer
    assert all(t.node.layer is op for t in outs)
    gold = case["op"]
    assert (op.keras_module, type(op).__name__) == (gold["module"], gold["class_name"])
    ours = {k: v for k, v in op.get_config().items() if k != "name"}
    assert ours == {k: v for k, v in gold["config"].items() if k != "name"}
    assert type(op).from_config(op.get_config()).get_config() == op.get_config()
    assert op.name.rstrip("_0123456789") == gold["config"]["name"].rstrip("_0123456789")


def _forward_backward(case, xs, rs):
    """The op's executor protocol: forward on the flat tensor list, backward of the
    cotangents `rs` (one per output; zeros where None); each input's gradient (zeros
    where the op passes none, as JAX's zero gradients)."""
    syms = [KerasTensor(np.shape(x), dtype=str(x.dtype)) for x in xs]
    node = run(case, syms)[0].node
    where = [next(i for i, t in enumerate(syms) if t is u) for u in node.inputs]
    op = node.layer

    def forward():
        return op.forward([xs[i] for i in where])

    out, cache = forward()
    outs = out if op.multi_output else [out]
    cot = [np.zeros(o.shape, "float32") if r is None else r.copy() for o, r in zip(outs, rs)]
    grads = [np.zeros(np.shape(x)) for x in xs]
    given = cot if op.multi_output else cot[0]
    for i, g in zip(where, op.backward(cache, given, need_input_grad=True)):
        if g is not None:
            assert g.shape == xs[i].shape
            grads[i] = grads[i] + g
    return forward, grads


GRAD_CASES = sorted(c for c in CASES if "grads" in CASES[c])


def _cotangents(case):
    """The cotangents, in the outputs' dtypes (as the executor passes them)."""
    return [
        None if r is None else np.asarray(r, "float32").astype(dtype)
        for r, dtype in zip(case["r"], case["output_dtypes"])
    ]


@pytest.mark.parametrize("label", GRAD_CASES)
def test_backward_matches_jax_gradients(label):
    case = CASES[label]
    xs = inputs(case)
    _, grads = _forward_backward(case, xs, _cotangents(case))
    for i, want in case["grads"].items():
        np.testing.assert_allclose(grads[int(i)], want, rtol=2e-5, atol=2e-5, err_msg=f"input {i}")


# -- finite differences (float64, away from kinks and ties) ---------------------------------
_FD_KINDS = {"ties": "normal", "zeros": "normal", "special": "normal", "wide": "normal"}


def _kinds(case):
    (entry,) = [c for c in SCRIPT.CASES if c[0] == case["label"]]
    return [s["kind"] for s in entry[4]]


def _fd_inputs(case, rng):
    xs = []
    for x, d, kind in zip(case["inputs"], case["input_dtypes"], _kinds(case)):
        if d != "float32":
            xs.append(np.asarray(x).astype(d))
            continue
        spec = {"shape": list(np.shape(x)), "kind": _FD_KINDS.get(kind, kind)}
        xs.append(np.asarray(SCRIPT.draw(rng, spec), "float64"))
    return xs


# stop_gradient passes zeros (checked against JAX); a float16 result has no precision
# for differences
FD_CASES = sorted(
    c for c in GRAD_CASES if c != "stop_gradient" and "float16" not in CASES[c]["output_dtypes"]
)


@pytest.mark.parametrize("label", FD_CASES)
def test_backward_matches_finite_differences(label, float64):
    case = CASES[label]
    rng = np.random.default_rng(5)
    xs = _fd_inputs(case, rng)
    if case["fn"] == "cumprod" and "zeros" in _kinds(case):  # exact zeros: the quadratic path
        xs[0].reshape(-1)[::3] = 0.0
    outs = run(case, xs)
    rs = [None if r is None else rng.normal(0, 1, np.shape(o)) for o, r in zip(outs, case["r"])]
    forward, grads = _forward_backward(case, xs, rs)
    for i in case["grads"]:
        x = xs[int(i)]

        def f():
            out, _ = forward()
            got = out if isinstance(out, list) else [out]
            return float(
                sum((np.asarray(o, "float64") * r).sum() for o, r in zip(got, rs) if r is not None)
            )

        np.testing.assert_allclose(
            grads[int(i)], numeric_gradient(f, x), rtol=1e-5, atol=1e-6, err_msg=f"input {i}"
        )


# -- each op in a functional model saves and loads ------------------------------------------
def _batched(case) -> bool:
    """Do all inputs share axis 0 (a batch), and every output keep it first?"""
    rows = {np.shape(x)[0] if np.ndim(x) else None for x in case["inputs"]}
    firsts = {tuple(s[:1]) for s in case["symbolic_shapes"]}
    return len(rows) == 1 and None not in rows and firsts == {(None,)}


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
    before = before if isinstance(before, list) else [before]
    for got, want in zip(before, case["outputs"]):
        np.testing.assert_allclose(got, np.asarray(want, "float64"), rtol=2e-5, atol=2e-5)
    model.save(tmp_path / "m.keras")
    again = numkeras.models.load_model(tmp_path / "m.keras")
    after = again.predict(feed, verbose=0)
    for got, want in zip(after if isinstance(after, list) else [after], before):
        np.testing.assert_array_equal(got, want)
    (op,) = [o for o in again.operations if getattr(o, "is_operation", False)]
    assert type(op).__name__ == case["op"]["class_name"]


def test_every_new_op_is_covered_by_a_case():
    """Each registered operation class added here has a golden case."""
    from numkeras.ops import core_extra, numpy_extra

    classes = {*numpy_extra.OPS, *core_extra.CORE_OPS, *core_extra.MATH_OPS}
    classes |= {"Moments", "Glu", "HardSilu", "SparsePlus", "MultiHot", "DotProductAttention"}
    assert classes <= {c["op"]["class_name"] for c in GOLD["cases"]}
    registered = ops.operation_classes()
    for module, names in (
        ("keras.src.ops.numpy", numpy_extra.OPS),
        ("keras.src.ops.core", core_extra.CORE_OPS),
        ("keras.src.ops.math", core_extra.MATH_OPS),
    ):
        assert set(names) <= set(registered[module])

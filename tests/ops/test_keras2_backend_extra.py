"""Keras 2's backend functions that map onto the further ops (`K.dot`, `K.batch_dot`,
`K.tile`, `K.repeat_elements`, `K.gather`, `K.cumsum`, `K.permute_dimensions`,
`K.stop_gradient`, `K.arange`, `K.eye`, `K.zeros`, ...) against tf_keras 2.21 (goldens
from `scripts/goldens/make_ops_extra.py --keras2`): their values on arrays, and through
the operations they record on symbolic tensors, tf's gradients."""

import importlib.util
import json
import pathlib
import warnings

import numpy as np
import pytest

from numkeras import backend as K
from numkeras.layers.keras_tensor import KerasTensor

ROOT = pathlib.Path(__file__).parents[2]
GOLD = json.loads((ROOT / "tests" / "goldens" / "keras2_backend_extra.json").read_text())
CASES = {c["label"]: c for c in GOLD["cases"]}


def _script():
    path = ROOT / "scripts" / "goldens" / "make_ops_extra.py"
    spec = importlib.util.spec_from_file_location("make_ops_extra", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()


def inputs(case) -> list:
    return [np.asarray(x).astype(d) for x, d in zip(case["inputs"], case["input_dtypes"])]


def run(case, tensors):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fn = getattr(K, case["fn"])
        return fn(*SCRIPT.decode(case["args"], tensors), **case["kwargs"])


@pytest.mark.parametrize("label", sorted(CASES))
def test_values_on_arrays_match_tf_keras(label):
    case = CASES[label]
    out = np.asarray(run(case, inputs(case)))
    want = np.asarray(case["output"])
    assert out.shape == want.shape
    assert str(out.dtype) == case["output_dtype"]
    if out.dtype.kind in "biu":
        np.testing.assert_array_equal(out, want)
    else:
        np.testing.assert_allclose(out, want, rtol=2e-5, atol=2e-5)


GRAD_CASES = sorted(c for c in CASES if "grads" in CASES[c])


@pytest.mark.parametrize("label", GRAD_CASES)
def test_the_recorded_operations_give_tf_gradients(label):
    case = CASES[label]
    xs = inputs(case)
    syms = [KerasTensor(x.shape, dtype=str(x.dtype)) for x in xs]
    out = run(case, syms)  # the operations it records, run forward and backward
    values, grads = _graph_gradients(out, syms, xs, np.asarray(case["r"], "float32"))
    np.testing.assert_allclose(values, np.asarray(case["output"]), rtol=2e-5, atol=2e-5)
    for i, want in case["grads"].items():
        np.testing.assert_allclose(grads[int(i)], want, rtol=2e-5, atol=2e-5, err_msg=i)


def _graph_gradients(out, syms, xs, r):
    """Run the operations between `syms` and `out` (found by walking back from `out`)
    forward on `xs`, then backward from `r`: the output and each input's gradient."""
    order, seen = [], set()

    def visit(t):
        node = t.node
        if node is None or id(node) in seen:
            return
        seen.add(id(node))
        for u in node.inputs:
            visit(u)
        order.append(node)

    visit(out)
    values = {id(s): x for s, x in zip(syms, xs)}
    caches = []
    for node in order:
        got, cache = node.layer.forward([values[id(u)] for u in node.inputs])
        for t, v in zip(node.outputs, got if node.is_multi_output else [got]):
            values[id(t)] = v
        caches.append(cache)
    grads = {id(out): r}
    for node, cache in zip(reversed(order), reversed(caches)):
        g = grads.get(id(node.outputs[0]))
        if g is None:
            continue
        for u, gu in zip(node.inputs, node.layer.backward(cache, g)):
            if gu is not None:
                grads[id(u)] = gu if id(u) not in grads else grads[id(u)] + gu
    return values[id(out)], [grads.get(id(s), np.zeros(s.shape)) for s in syms]


def test_batch_dot_shapes_on_symbolic_tensors_follow_keras2():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        x2, y2 = KerasTensor((None, 4)), KerasTensor((None, 4))
        assert K.batch_dot(x2, y2).shape == (None, 1)
        x3, y3 = KerasTensor((None, 3, 4)), KerasTensor((None, 4, 5))
        assert K.batch_dot(x3, y3).shape == (None, 3, 5)
        assert K.batch_dot(x3, KerasTensor((None, 3, 5)), axes=1).shape == (None, 4, 5)
        with pytest.raises(ValueError, match="axis 0"):
            K.batch_dot(x3, y3, axes=[0, 1])
        assert K.dot(x3, KerasTensor((2, 4, 6))).shape == (None, 3, 2, 6)
        assert K.gather(KerasTensor((5, 3)), np.array([0, 4])).shape == (2, 3)
        assert K.cumsum(x3).shape == (None, 3, 4)  # along axis 0, not flattened
        assert K.repeat(x2, 3).shape == (None, 3, 4)


def test_stop_gradient_of_a_list_gives_a_list():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = K.stop_gradient([np.ones(2), np.zeros(3)])
    assert isinstance(out, list) and [o.shape for o in out] == [(2,), (3,)]

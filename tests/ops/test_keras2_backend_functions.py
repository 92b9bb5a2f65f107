"""Keras 2's backend functions (`K.binary_crossentropy`, `K.switch`, `K.l2_normalize`,
`K.argmax`, ...) against tf_keras 2.21 (goldens from `scripts/goldens/make_ops_more.py
--keras2`): their values on arrays, and on symbolic tensors the graph they record, whose
backward passes give tf's gradients."""

import importlib.util
import json
import pathlib
import warnings

import numpy as np
import pytest

from numkeras import backend as K
from numkeras.errors import ShapeError
from numkeras.layers import Input
from numkeras.models import Model

ROOT = pathlib.Path(__file__).parents[2]
GOLD = json.loads((ROOT / "tests" / "goldens" / "keras2_backend_functions.json").read_text())
CASES = {c["label"]: c for c in GOLD["cases"]}


def _script():
    path = ROOT / "scripts" / "goldens" / "make_ops_more.py"
    spec = importlib.util.spec_from_file_location("make_ops_more", path)
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


def _symbolic(case):
    """A model of the case's inputs (all sharing axis 0), or None."""
    xs = inputs(case)
    if len({x.shape[0] if x.ndim else None for x in xs}) != 1 or xs[0].ndim == 0:
        return None
    tensors = [Input(shape=x.shape[1:], dtype=d) for x, d in zip(xs, case["input_dtypes"])]
    return Model(tensors, run(case, tensors))


GRAD_CASES = sorted(c for c in CASES if "grads" in CASES[c])


@pytest.mark.parametrize("label", GRAD_CASES)
def test_symbolic_graph_gives_tf_gradients(label):
    case = CASES[label]
    model = _symbolic(case)
    if model is None:
        pytest.skip("inputs without a shared batch axis")
    xs = inputs(case)
    np.testing.assert_allclose(
        model.predict(xs[0] if len(xs) == 1 else xs, verbose=0),
        np.asarray(case["output"], "float64"),
        rtol=2e-5,
        atol=2e-5,
    )
    arrays = [x if x.dtype.kind == "f" else x.astype("float32") for x in xs]
    _, caches = model.forward(arrays[0] if len(arrays) == 1 else arrays)
    grads = model.backward(caches, np.asarray(case["r"], "float32"))
    grads = grads if isinstance(grads, list) else [grads]
    for i, want in case["grads"].items():
        got, want = grads[int(i)], np.asarray(want)
        if case["fn"] == "binary_crossentropy":
            # at exactly a clip bound tf's clip_by_value passes the whole gradient, JAX's
            # clip (numkeras's) half of it
            eps = np.float32(1e-7)
            tie = (xs[int(i)] == eps) | (xs[int(i)] == 1 - eps)
            np.testing.assert_allclose(got[tie], want[tie] / 2, rtol=2e-4)
            got, want = got[~tie], want[~tie]
        np.testing.assert_allclose(got, want, rtol=2e-4, atol=2e-5, err_msg=i)


def test_keras2_crossentropies_differ_from_keras3_as_in_keras2():
    from numkeras import ops

    t = np.array([[1.0, 0.0]], "float32")
    o = np.array([[0.5, 0.25]], "float32")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        k2 = K.binary_crossentropy(t, o)
        labels = np.array([0])
        k2_sparse = K.sparse_categorical_crossentropy(labels, np.array([[0.0, 0.5]], "float32"))
    # Keras 2 adds epsilon inside the logs; Keras 3 does not
    np.testing.assert_allclose(
        k2, -np.log(o + [[1e-7, 0]]) * t - np.log(1 - o + 1e-7) * (1 - t), rtol=1e-6
    )
    assert not np.allclose(k2, ops.binary_crossentropy(t, o), rtol=1e-9, atol=0)
    # Keras 2 clips before renormalising: log(1e-7 / (0.5 + 1e-7)), Keras 3 log(1e-7)
    np.testing.assert_allclose(k2_sparse, [-np.log(1e-7 / (0.5 + 1e-7))], rtol=1e-5)


def test_batch_flatten_and_switch_on_symbolic_tensors():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        x = Input(shape=(3, 4))
        assert K.batch_flatten(x).shape == (None, 12)
        assert K.flatten(x).shape == (None,)
        with pytest.raises(ShapeError, match="batch_flatten"):
            K.batch_flatten(Input(shape=(None, 4)))
        assert K.switch(x > 0, x, lambda: -x).shape == (None, 3, 4)
        np.testing.assert_array_equal(K.switch(True, lambda: np.ones(2), np.zeros(2)), np.ones(2))
        assert K.argmax(x).dtype == "int64"
        assert K.logsumexp(x, axis=1).shape == (None, 4)

"""Differential checks of `numkeras.ops` against real Keras 3 (goldens from
scripts/goldens/make_diff_ops.py): result dtypes under Keras's promotion rules, integer
reductions, NaN handling, the one-argument `where`, `trace`, matrix norms, dtype arguments
given as NumPy types, `saturate_cast`'s limits, control flow returning tensors and the
exception types of shape errors."""

import json
import pathlib

import numpy as np
import pytest

from numkeras import ops
from numkeras.layers import Input
from numkeras.models import Model

GOLDENS = json.loads((pathlib.Path(__file__).parents[1] / "goldens" / "diff_ops.json").read_text())
CASES = GOLDENS["cases"]


def _namespace():
    ns = {"np": np, "ops": ops}
    exec(GOLDENS["setup"], ns)
    return ns


def _check(result, golden, where):
    if "items" in golden:
        assert isinstance(result, (tuple, list)), where
        assert len(result) == len(golden["items"]), where
        for i, (r, g) in enumerate(zip(result, golden["items"])):
            _check(r, g, f"{where}[{i}]")
        return
    if "py" in golden:  # Keras gave a Python number
        assert not hasattr(result, "shape") or np.ndim(result) == 0, where
        assert float(result) == pytest.approx(golden["value"]), where
        return
    assert hasattr(result, "dtype"), f"{where}: expected an array, got {type(result)}"
    result = np.asarray(result)
    assert str(result.dtype) == golden["dtype"], where
    assert list(result.shape) == golden["shape"], where
    expected = np.array(golden["value"], dtype=object)
    if result.dtype.kind == "f":
        expected = np.array(
            [np.nan if v is None else v for v in expected.ravel()], "float64"
        ).reshape(expected.shape)
        rtol = 2e-3 if result.dtype == np.float16 else 2e-5  # Keras computes in float16
        np.testing.assert_allclose(result, expected, rtol=rtol, atol=1e-6, err_msg=where)
    else:
        np.testing.assert_array_equal(result, expected.astype(result.dtype), err_msg=where)


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_keras(name):
    case = CASES[name]
    golden = case["keras"]
    ns = _namespace()
    if "raises" in golden:
        expected = {"TypeError": TypeError, "ValueError": ValueError}[golden["raises"]]
        with pytest.raises(expected):
            eval(case["expr"], ns)
        return
    _check(eval(case["expr"], ns), golden, name)


def test_shape_errors_on_arrays_are_value_errors_too():
    """Keras raises TypeError on JAX arrays and ValueError on symbolic tensors: numkeras's
    error is both, with both shapes in the message."""
    x = np.ones((3, 4), "float32")
    with pytest.raises(ValueError, match=r"\(3, 4\)"):
        ops.matmul(x, x)
    with pytest.raises(ValueError):
        ops.reshape(x, (5, 3))


def test_symbolic_dtypes_follow_keras_promotion_as_the_arrays_do():
    i = Input(shape=(3,), dtype="int32")
    f = Input(shape=(3,), dtype="float32")
    fns = [ops.add, lambda a, b: ops.multiply(a, 2.5), lambda a, b: ops.sum(a, axis=-1)]
    fns.append(lambda a, b: ops.divide(a, 2))
    symbolic = [fn(i, f).dtype for fn in fns]
    arrays = (np.ones((2, 3), "int32"), np.ones((2, 3), "float32"))
    eager = [str(fn(*arrays).dtype) for fn in fns]
    assert symbolic == eager == ["float32", "float32", "int32", "float32"]
    got = Model([i, f], fns[0](i, f)).predict(list(arrays), verbose=0)
    np.testing.assert_allclose(got, 2.0)


@pytest.mark.parametrize("ord_", ["nuc", 1, -1, 2, -2, np.inf, -np.inf])
def test_matrix_norm_gradients_match_finite_differences(ord_):
    from numkeras.ops.linalg import Norm

    rng = np.random.default_rng(0)
    a = rng.normal(size=(2, 4, 3))
    op = Norm(ord=ord_, axis=(1, 2))
    out, cache = op._forward(a)
    weights = rng.normal(size=out.shape)
    (grad,) = op._backward(cache, weights, (True,))
    numeric = np.zeros_like(a)
    eps = 1e-6
    for idx in np.ndindex(a.shape):
        up, down = a.copy(), a.copy()
        up[idx] += eps
        down[idx] -= eps
        f_up = (op._forward(up)[0] * weights).sum()
        f_down = (op._forward(down)[0] * weights).sum()
        numeric[idx] = (f_up - f_down) / (2 * eps)
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-6)


def test_trace_is_differentiable_in_a_model():
    x = Input(shape=(3, 3))
    model = Model(x, ops.trace(x, axis1=1, axis2=2))
    data = np.arange(18, dtype="float32").reshape(2, 3, 3)
    np.testing.assert_allclose(model.predict(data, verbose=0), [12.0, 39.0])

"""Forward values against real Keras 3 goldens, dtype rules, and input safety."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from numkeras import activations
from numkeras.errors import ShapeError

GOLDEN = json.loads(
    (Path(__file__).resolve().parents[1] / "goldens" / "activations.json").read_text()
)
X = np.array(GOLDEN["x"], dtype=np.float32)


def _id(case):
    kw = ",".join(f"{k}={v}" for k, v in case["kwargs"].items())
    return f"{case['name']}({kw})"


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=_id)
def test_elementwise_matches_keras(case):
    fn = activations.get(case["name"])
    x = X.copy()
    with np.errstate(over="ignore"):  # exponential(100) is inf in Keras too
        y = fn(x, **case["kwargs"])
    assert y.dtype == np.float32
    assert y.shape == x.shape
    np.testing.assert_array_equal(x, X)  # forward must not touch its input
    np.testing.assert_allclose(y, np.array(case["y"], dtype=np.float32), rtol=2e-6, atol=5e-7)


@pytest.mark.parametrize("case", GOLDEN["axis_cases"], ids=_id)
def test_axis_activations_match_keras(case):
    fn = activations.get(case["name"])
    x = np.array(case["x"], dtype=np.float32).reshape(case["shape"])
    y = fn(x, **case["kwargs"])
    assert y.dtype == np.float32
    assert y.shape == tuple(case["y_shape"])
    expected = np.array(case["y"], dtype=np.float32).reshape(case["y_shape"])
    np.testing.assert_allclose(y, expected, rtol=2e-6, atol=5e-7)


def test_softmax_is_stable_and_normalized():
    x = np.array([[1000.0, 999.0, -1000.0], [-1e4, -1e4, -1e4]], dtype=np.float32)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y = activations.softmax(x)
    assert np.isfinite(y).all()
    np.testing.assert_allclose(y.sum(-1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(y[1], 1 / 3, rtol=1e-6)


def test_sigmoid_softplus_no_overflow_warnings():
    x = np.array([-1e4, -100.0, 0.0, 100.0, 1e4], dtype=np.float32)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = activations.sigmoid(x)
        sp = activations.softplus(x)
        ls = activations.log_sigmoid(x)
    np.testing.assert_allclose(s, [0, 0, 0.5, 1, 1], atol=1e-30)
    np.testing.assert_allclose(sp, [0, 0, np.log(2), 100, 1e4], rtol=1e-6, atol=1e-30)
    np.testing.assert_allclose(ls, [-1e4, -100, -np.log(2), 0, 0], rtol=1e-6, atol=1e-30)


def test_sigmoid_keeps_relative_precision_in_the_tail():
    y = activations.sigmoid(np.array([-20.0, -30.0], dtype=np.float32))
    np.testing.assert_allclose(y, 1 / (1 + np.exp([20.0, 30.0])), rtol=1e-5)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_float_dtype_is_preserved(dtype):
    x = np.linspace(-2, 2, 8, dtype=dtype).reshape(2, 4)
    for name, fn in activations.ALL_ACTIVATIONS.items():
        kwargs = {"threshold": 0.5, "default_value": -1.0} if name == "threshold" else {}
        y = fn(x, **kwargs)
        assert y.dtype == np.dtype(dtype), name
        dx = fn.grad(x, y, np.ones_like(y), **kwargs)
        assert dx.dtype == np.dtype(dtype), name
        assert dx.shape == x.shape, name


def test_float32_not_upcast_by_numpy_scalar_kwargs():
    x = np.linspace(-2, 2, 5, dtype=np.float32)
    assert activations.relu(x, negative_slope=np.float64(0.1), max_value=np.float64(1.5)).dtype == (
        np.float32
    )
    assert activations.leaky_relu(x, negative_slope=np.float64(0.3)).dtype == np.float32
    assert activations.elu(x, alpha=np.float64(0.5)).dtype == np.float32


@pytest.mark.parametrize("value", [[-1, 0, 2], 3, [-1.0, 2.0]])
def test_non_float_input_becomes_float32(value):
    y = activations.sigmoid(value)
    assert y.dtype == np.float32
    y = activations.relu(value)  # Keras's relu keeps integers: a Python int list is int32
    assert y.dtype == ("float32" if isinstance(np.asarray(value).flat[0], float) else "int32")
    np.testing.assert_array_equal(y, np.maximum(np.asarray(value), 0))


def test_relu_keeps_integer_arrays_as_keras():
    x = np.array([-1, 0, 2])
    assert activations.relu(x).dtype == x.dtype  # (int64 stays 64-bit, as ops do)
    assert activations.relu(np.array([True, False])).dtype == "int32"
    assert activations.relu(x.astype("int32"), negative_slope=0.1).dtype == "float32"


def test_zero_dim_input():
    y = activations.sigmoid(np.float32(0.0))
    assert y.shape == () and y.dtype == np.float32 and float(y) == 0.5


def test_linear_returns_input_without_copy():
    x = np.ones(3, dtype=np.float32)
    assert activations.linear(x) is x


def test_threshold_function():
    x = np.array([-1.0, 0.5, 2.0], dtype=np.float32)
    y = activations.threshold(x, 0.5, -7.0)
    np.testing.assert_array_equal(y, [-7.0, -7.0, 2.0])
    assert y.dtype == np.float32


def test_glu_rejects_odd_axis():
    with pytest.raises(ShapeError, match=r"size 5 .*\(2, 5\)"):
        activations.glu(np.zeros((2, 5), dtype=np.float32))


def test_gelu_exact_matches_math_erf_in_float64():
    import math

    x = np.linspace(-6, 6, 101)
    expected = [0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in x]
    np.testing.assert_allclose(activations.gelu(x), expected, rtol=1e-13, atol=1e-15)

"""Every activation's `.grad` against central finite differences in float64."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from numkeras import activations

GOLDEN = json.loads(
    (Path(__file__).resolve().parents[1] / "goldens" / "activations.json").read_text()
)

# Kinks of the piecewise activations (and of the kwargs the goldens use): finite
# differences are meaningless within H of these.
KINKS = np.array([0.0, 0.5, -0.5, 1.0, -1.0, 3.0, -3.0, 4.0, 5.0, 6.0])
H = 1e-6


def _points(rng, shape):
    x = rng.uniform(-7.0, 8.0, size=shape)
    near = np.abs(x[..., None] - KINKS).min(-1) < 1e-3
    x[near] += 0.01
    return x


ELEMENTWISE = [(c["name"], c["kwargs"]) for c in GOLDEN["cases"]]


def _check_no_mutation(fn, x, kwargs):
    y = fn(x, **kwargs)
    dy = np.random.default_rng(1).normal(size=y.shape)
    copies = x.copy(), y.copy(), dy.copy()
    dx = fn.grad(x, y, dy, **kwargs)
    for before, after in zip(copies, (x, y, dy)):
        np.testing.assert_array_equal(before, after)
    return y, dy, dx


@pytest.mark.parametrize("name,kwargs", ELEMENTWISE, ids=[f"{n}{k}" for n, k in ELEMENTWISE])
def test_elementwise_grad_matches_finite_differences(name, kwargs):
    fn = activations.get(name)
    x = _points(np.random.default_rng(0), (5, 7))
    y, dy, dx = _check_no_mutation(fn, x, kwargs)
    assert dx.dtype == np.float64 and dx.shape == x.shape
    numeric = (fn(x + H, **kwargs) - fn(x - H, **kwargs)) / (2 * H) * dy
    np.testing.assert_allclose(dx, numeric, rtol=1e-5, atol=1e-7)
    # y=None: the grad recomputes what it needs
    np.testing.assert_allclose(fn.grad(x, None, dy, **kwargs), dx, rtol=1e-12, atol=1e-15)


AXIS_CASES = [
    ("softmax", (4, 5), {}),
    ("softmax", (4, 5), {"axis": 0}),
    ("softmax", (2, 3, 4), {"axis": 1}),
    ("softmax", (2, 3, 4), {}),
    ("log_softmax", (4, 5), {}),
    ("log_softmax", (2, 3, 4), {"axis": 1}),
    ("sparsemax", (4, 5), {}),
    ("sparsemax", (2, 3, 4), {"axis": 1}),
    ("glu", (3, 4), {}),
    ("glu", (2, 4, 3), {"axis": 1}),
]


def _numeric_grad(fn, x, dy, kwargs):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += H
        xm[i] -= H
        grad[i] = ((fn(xp, **kwargs) - fn(xm, **kwargs)) * dy).sum() / (2 * H)
    return grad


@pytest.mark.parametrize(
    "name,shape,kwargs", AXIS_CASES, ids=[f"{c[0]}{c[1]}{c[2]}" for c in AXIS_CASES]
)
def test_axis_grad_matches_finite_differences(name, shape, kwargs):
    fn = activations.get(name)
    x = np.random.default_rng(2).normal(0.0, 1.5, size=shape)
    y, dy, dx = _check_no_mutation(fn, x, kwargs)
    assert dx.shape == x.shape
    np.testing.assert_allclose(dx, _numeric_grad(fn, x, dy, kwargs), rtol=1e-5, atol=1e-7)


def test_softmax_grad_formula():
    x = np.random.default_rng(3).normal(size=(3, 4))
    dy = np.random.default_rng(4).normal(size=(3, 4))
    y = activations.softmax(x)
    expected = y * (dy - (dy * y).sum(-1, keepdims=True))
    np.testing.assert_allclose(activations.softmax.grad(x, y, dy), expected, rtol=1e-12)


def test_threshold_grad():
    x = np.array([-1.0, 0.25, 2.0])
    dx = activations.threshold.grad(x, None, np.ones(3), threshold=0.5, default_value=-1.0)
    np.testing.assert_array_equal(dx, [0.0, 0.0, 1.0])


def test_relu_grad_at_zero_is_zero_and_leaky_is_one():
    x = np.zeros(2, dtype=np.float32)
    dy = np.ones(2, dtype=np.float32)
    np.testing.assert_array_equal(activations.relu.grad(x, x, dy), [0.0, 0.0])
    np.testing.assert_array_equal(activations.leaky_relu.grad(x, x, dy), [1.0, 1.0])


def test_every_activation_has_a_grad():
    for name, fn in activations.ALL_ACTIVATIONS.items():
        assert callable(getattr(fn, "grad", None)), name

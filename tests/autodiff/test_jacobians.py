"""`GradientTape.jacobian` / `batch_jacobian` (TF's) against finite differences, and
`ops.jvp` (JAX's) against Keras 3 on JAX (scripts/goldens/make_jvp.py) and against the
Jacobian it multiplies."""

import json

import numpy as np
import pytest

import numkeras
from numkeras import layers, ops
from numkeras.autodiff import GradientTape, TapeError

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("jvp")
SCRIPT = scenario_script("make_jvp")
RNG = np.random.default_rng(3)


def _finite_difference_jacobian(fun, x, eps=1e-3):
    """d fun(x) / d x, `fun(x).shape + x.shape`, by central differences in float64."""
    x = x.astype("float64")
    out_shape = np.shape(fun(x))
    jac = np.zeros((*out_shape, x.size))
    for i in range(x.size):
        step = np.zeros(x.size)
        step[i] = eps
        step = step.reshape(x.shape)
        jac[..., i] = (np.asarray(fun(x + step)) - np.asarray(fun(x - step))) / (2 * eps)
    return jac.reshape(*out_shape, *x.shape)


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_jvp_matches_keras_on_jax(name):
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))
    assert_json_close(got, GOLD[name], rtol=1e-5, atol=1e-6, where=name)


def test_jacobian_of_a_layer_matches_finite_differences():
    dense = layers.Dense(3, activation="tanh")
    x = RNG.standard_normal((2, 4)).astype("float32")
    dense.build(x.shape)
    with GradientTape() as tape:
        xw = tape.watch(x)
        y = dense(xw)
    jac_x, jac_kernel = tape.jacobian(y, [xw, dense.kernel])
    kernel = dense.kernel.numpy().astype("float64")
    bias = dense.bias.numpy().astype("float64")
    want_x = _finite_difference_jacobian(lambda v: np.tanh(v @ kernel + bias), x)
    want_k = _finite_difference_jacobian(lambda k: np.tanh(x.astype("float64") @ k + bias), kernel)
    assert jac_x.shape == (2, 3, 2, 4) and jac_kernel.shape == (2, 3, 4, 3)
    np.testing.assert_allclose(jac_x, want_x, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(jac_kernel, want_k, rtol=1e-4, atol=1e-5)


def test_batch_jacobian_is_each_rows_jacobian():
    x = RNG.standard_normal((3, 4)).astype("float32")
    w = RNG.standard_normal((4, 2)).astype("float32")
    with GradientTape() as tape:
        xw = tape.watch(x)
        y = ops.softmax(ops.matmul(xw, w))
    got = tape.batch_jacobian(y, xw)
    assert got.shape == (3, 2, 4)
    for b in range(3):
        want = _finite_difference_jacobian(
            lambda row: np.exp(row @ w) / np.exp(row @ w).sum(), x[b]
        )
        np.testing.assert_allclose(got[b], want, rtol=1e-4, atol=1e-5)


def test_unconnected_sources_give_none_or_zeros_and_the_tape_is_spent():
    x = np.ones(2, "float32")
    other = np.ones(3, "float32")
    with GradientTape(persistent=True) as tape:
        xw, ow = tape.watch(x), tape.watch(other)
        y = xw * 2.0
    assert tape.jacobian(y, ow) is None
    np.testing.assert_array_equal(
        tape.jacobian(y, ow, unconnected_gradients="zero"), np.zeros((2, 3))
    )
    np.testing.assert_array_equal(tape.jacobian(y, xw), 2 * np.eye(2))
    with GradientTape() as once:
        xw = once.watch(x)
        y = xw * 2.0
    once.jacobian(y, xw)
    with pytest.raises(TapeError, match="persistent"):
        once.jacobian(y, xw)


def test_batch_jacobian_needs_matching_batches():
    with GradientTape() as tape:
        xw = tape.watch(np.ones((2, 3), "float32"))
        y = ops.sum(xw, axis=0)  # (3,): not a batch of 2
    with pytest.raises(TapeError, match="first axis"):
        tape.batch_jacobian(y, xw)


def test_jvp_is_the_jacobian_times_the_tangents():
    x = RNG.standard_normal((2, 3)).astype("float32")
    t = RNG.standard_normal((2, 3)).astype("float32")
    out, tangent = ops.jvp(lambda a: ops.tanh(a) * ops.sum(a), (x,), (t,))
    jac = _finite_difference_jacobian(lambda a: np.tanh(a) * a.sum(), x)
    np.testing.assert_allclose(out, np.tanh(x) * x.sum(), rtol=1e-6)
    np.testing.assert_allclose(tangent, np.tensordot(jac, t, axes=2), rtol=1e-4, atol=1e-5)


def test_jvp_refuses_symbolic_tensors():
    with pytest.raises(TypeError, match="eager"):
        ops.jvp(ops.sin, (numkeras.Input((2,)),), (numkeras.Input((2,)),))

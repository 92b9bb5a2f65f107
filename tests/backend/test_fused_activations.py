"""The fused float32 activations (sigmoid, tanh, ELU, SELU, softplus, SiLU, GELU) against
the NumPy code they replace: within a few float32 ulps, forward and backward, with the
same special values; float64, strided and broadcasting inputs take the NumPy code."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from numkeras import activations, backend, layers, models
from numkeras.backend import fused
from numkeras.utils import set_random_seed

HAVE_NUMBA = importlib.util.find_spec("numba") is not None
pytestmark = [
    pytest.mark.filterwarnings("ignore::RuntimeWarning"),  # inf/NaN edge inputs
    # the kernels serve NumPy arrays; on CuPy (NUMKERAS_ARRAY_MODULE=cupy) they stand aside
    pytest.mark.skipif(backend.xp is not np, reason="fused kernels: NumPy backend only"),
]

# activation (name, kwargs) -> (forward kernel, gradient kernel)
CASES = {
    ("sigmoid", ()): ("sigmoid", "sigmoid_grad"),
    ("tanh", ()): ("tanh", None),
    ("elu", ()): ("elu", "elu_grad"),
    ("elu", (("alpha", 0.5),)): ("elu", "elu_grad"),
    ("selu", ()): ("elu", "elu_grad"),
    ("softplus", ()): ("softplus", "softplus_grad"),
    ("silu", ()): ("silu", "silu_grad"),
    ("gelu", ()): ("gelu", "gelu_grad"),
    ("gelu", (("approximate", True),)): ("gelu_tanh", "gelu_tanh_grad"),
}
IDS = [name + "".join(f"-{k}={v}" for k, v in kw) for name, kw in CASES]


@pytest.fixture
def kernels_on(monkeypatch, used):
    """Run a function with the kernels on and off; report which kernels ran."""

    def both(fn):
        monkeypatch.setattr(fused, "_enabled", True)
        on = fn()
        names = set(used)
        monkeypatch.setattr(fused, "_enabled", False)
        off = fn()
        used.clear()
        return on, off, names

    return both


def _inputs(dtype="float32"):
    rng = np.random.default_rng(0)
    x = (rng.standard_normal((64, 33)) * 4).astype(dtype)
    x.reshape(-1)[:8] = [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-40, 90.0, -90.0]
    dy = rng.standard_normal(x.shape).astype(dtype)
    return x, dy


def _close(a, b, rtol=3e-6, atol=2e-6):
    """Equal specials (NaN where NaN, same infinities), finite values within tolerance.
    The atol covers values computed with cancellation alike on both paths (GELU's
    1 + erf(x) for negative x, x * (1 - s) in SiLU's gradient)."""
    assert a.dtype == b.dtype and a.shape == b.shape
    np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
    np.testing.assert_array_equal(np.isinf(a) * np.sign(a), np.isinf(b) * np.sign(b))
    finite = np.isfinite(a) & np.isfinite(b)
    np.testing.assert_allclose(a[finite], b[finite], rtol=rtol, atol=atol)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_forward_and_gradient_close_to_the_numpy_code(kernels_on, case):
    name, kwargs = case
    fn, kw = activations.get(name), dict(kwargs)
    x, dy = _inputs()
    before = x.copy()

    def run():
        y = fn(x, **kw)
        return y, fn.grad(x, y, dy, **kw), fn.grad(x, None, dy, **kw)

    (y1, g1, h1), (y2, g2, h2), ran = kernels_on(run)
    if HAVE_NUMBA:
        forward, backward = CASES[case]
        assert forward in ran and (backward is None or backward in ran)
    np.testing.assert_array_equal(x, before)  # inputs untouched
    _close(y1, y2)
    if kw.get("approximate"):
        # 1 - t * t of the tanh approximation near t = +-1, times up to ~20 for |x| ~ 5:
        # a few 1e-6 absolute (Keras on JAX differentiates the same approximation)
        _close(g1, g2, atol=1e-5)
    else:
        _close(g1, g2)
    assert g1.tobytes() == h1.tobytes()  # y given or recomputed: the same gradient


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_float64_keeps_the_exact_numpy_code(kernels_on, case):
    name, kwargs = case
    fn, kw = activations.get(name), dict(kwargs)
    x, dy = _inputs("float64")

    def run():
        y = fn(x, **kw)
        return y, fn.grad(x, y, dy, **kw)

    (y1, g1), (y2, g2), ran = kernels_on(run)
    assert CASES[case][0] not in ran  # only bit-identical gradient kernels may run
    assert y1.tobytes() == y2.tobytes() and g1.tobytes() == g2.tobytes()


def test_strided_input_and_broadcast_gradient_take_the_numpy_code(kernels_on):
    x, dy = _inputs()
    strided = x[:, ::2]

    def run():
        y = activations.gelu(strided)
        return y, activations.gelu.grad(strided, y, dy[:1, ::2])  # dy broadcasts over rows

    (y1, g1), (y2, g2), ran = kernels_on(run)
    assert not ran & {"gelu", "gelu_grad"}
    assert y1.tobytes() == y2.tobytes() and g1.tobytes() == g2.tobytes()


@pytest.mark.parametrize("name", ["sigmoid", "elu", "softplus", "gelu", "silu", "selu"])
def test_values_against_float64_formulas(name):
    # the fused path on its own, against the textbook formula in float64
    x = np.linspace(-12, 12, 4001).astype("float32")
    y = activations.get(name)(x).astype(np.float64)
    xd = x.astype(np.float64)
    sig = 1 / (1 + np.exp(-xd))
    erf = np.vectorize(__import__("math").erf)
    alpha, scale = 1.6732632423543772, 1.0507009873554805
    exact = {
        "sigmoid": sig,
        "elu": np.where(xd > 0, xd, np.expm1(xd)),
        "softplus": np.logaddexp(xd, 0),
        "gelu": 0.5 * xd * (1 + erf(xd / np.sqrt(2))),
        "silu": xd * sig,
        "selu": scale * np.where(xd > 0, xd, alpha * np.expm1(xd)),
    }[name]
    np.testing.assert_allclose(y, exact, rtol=1e-6, atol=3e-7)


@pytest.mark.parametrize("activation", ["gelu", "elu", "softplus", "swish", "sigmoid"])
def test_training_with_fused_activations_stays_close(kernels_on, activation):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 10)).astype("float32")
    y = rng.integers(0, 3, 64)

    def run():
        set_random_seed(1)
        model = models.Sequential(
            [
                layers.Input((10,)),
                layers.Dense(16, activation=activation),
                layers.Dense(16),
                layers.Activation(activation),
                layers.Dense(3, activation="softmax"),
            ]
        )
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        model.fit(x, y, batch_size=16, epochs=2, verbose=0)
        return [*model.get_weights(), model.predict(x, verbose=0)]

    on, off, _ = kernels_on(run)
    for a, b in zip(on, off):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)

"""vecmath's float32 exp / expm1 / log1p / erf: accuracy against float64 references,
special values, and the compiled helpers equal to the Python formulas bit for bit."""

from __future__ import annotations

import functools
import importlib.util
import math

import numpy as np
import pytest

from numkeras.backend import fused, vecmath

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("numba") is None, reason="numba not installed: nothing compiled"
)

F32 = np.float32


@functools.cache
def _compiled(name):
    """A numba loop applying the compiled helper `name` to each element of a 1-D array."""
    import numba

    helper = vecmath.compile_helpers(numba, lambda _, fn, **kw: numba.njit(fn, **kw))[name]

    @numba.njit
    def apply(x, out):
        for i in range(x.shape[0]):
            out[i] = helper(x[i])

    def run(x):
        out = np.empty_like(x)
        apply(x, out)
        return out

    return run


def _ulps(got, exact):
    """|got - exact| in units of the float32 spacing at the exact value."""
    spacing = np.spacing(np.abs(exact.astype(F32))).astype(np.float64)
    return np.abs(got.astype(np.float64) - exact) / spacing


def test_exp_within_one_ulp_over_the_whole_range():
    rng = np.random.default_rng(0)
    x = np.concatenate([np.linspace(-103, 88.7, 400_001, dtype=F32), rng.normal(size=10_000)])
    x = x.astype(F32)
    got = _compiled("_exp")(x)
    exact = np.exp(x.astype(np.float64))
    normal = (exact > np.finfo(F32).tiny) & (exact < np.finfo(F32).max)
    assert _ulps(got[normal], exact[normal]).max() <= 1.0
    # subnormal results: within one subnormal step of the exact value
    sub = ~normal & (exact < 1)
    assert np.abs(got[sub] - exact[sub]).max() <= np.finfo(F32).smallest_subnormal


def test_exp_special_values():
    x = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 88.8, -104.5, 1e-40], F32)
    got = _compiled("_exp")(x)
    assert np.isnan(got[0])
    assert got[1:].tolist() == [np.inf, 0.0, 1.0, 1.0, np.inf, 0.0, 1.0]


def test_expm1_within_two_ulps_and_exact_near_zero():
    sign = np.random.default_rng(1).choice([-1.0, 1.0], 20_000)
    tiny = (np.logspace(-30, 0, 20_000) * sign).astype(F32)
    x = np.concatenate([np.linspace(-20, 20, 400_001, dtype=F32), tiny])
    got = _compiled("_expm1")(x)
    assert _ulps(got, np.expm1(x.astype(np.float64))).max() <= 2.0
    special = np.array([np.nan, np.inf, -np.inf, 0.0, 1e-40, -1e-40], F32)
    got = _compiled("_expm1")(special)
    assert np.isnan(got[0])
    assert got[1:].tolist() == [np.inf, -1.0, 0.0, special[4], special[5]]


def test_log1p_within_three_ulps_from_tiny_to_huge():
    t = np.concatenate([np.linspace(-0.99, 2, 400_001), np.logspace(-37, 38, 20_000)])
    t = t.astype(F32)
    got = _compiled("_log1p")(t)
    exact = np.log1p(t.astype(np.float64))
    normal = np.abs(exact) > np.finfo(F32).tiny
    assert _ulps(got[normal], exact[normal]).max() <= 3.0
    special = np.array([np.nan, np.inf, 0.0, 1e-40], F32)
    got = _compiled("_log1p")(special)
    assert np.isnan(got[0])
    assert got[1:].tolist() == [np.inf, 0.0, special[3]]


def test_erf_within_1_2e7_of_the_exact_erf():
    x = np.concatenate([np.linspace(-6, 6, 200_001), [np.inf, -np.inf, 0.0]]).astype(F32)
    got = _compiled("_erf")(x)
    exact = np.array([math.erf(v) for v in x.astype(np.float64)])
    assert np.abs(got - exact).max() <= 1.2e-7
    assert np.isnan(_compiled("_erf")(np.array([np.nan], F32))[0])


@pytest.mark.parametrize("name", vecmath.HELPERS)
def test_the_python_formulas_are_what_runs_compiled(name):
    x = np.random.default_rng(2).normal(scale=4, size=300).astype(F32)
    if name == "_log1p":
        x = np.abs(x)
    python = np.array([getattr(vecmath, name)(v) for v in x], F32)
    assert python.tobytes() == _compiled(name)(x).tobytes()


def test_fused_kernels_get_the_compiled_helpers():
    if not fused.available():
        pytest.skip("fused kernels disabled in this run")
    for name in vecmath.HELPERS:
        assert hasattr(getattr(fused, name), "py_func")
        assert not hasattr(getattr(vecmath, name), "py_func")  # Python callers keep Python

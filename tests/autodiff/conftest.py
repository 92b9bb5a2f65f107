"""Finite differences for the GradientTape tests (float64, central differences), given
to the tests as the `check_grads` fixture."""

from __future__ import annotations

import numpy as np
import pytest

from numkeras.variables import Variable


def numeric_grad(fn, source, eps: float = 1e-6) -> np.ndarray:
    """d fn() / d source by central differences, perturbing `source` in place (a
    Variable's value or a float64 array); `fn()` returns a scalar (array or number)."""
    a = source.value if isinstance(source, Variable) else source
    out = np.zeros(a.shape, "float64")
    for i in np.ndindex(a.shape):  # (in place: a variable's value may be a strided view)
        old = a[i]
        a[i] = old + eps
        up = float(np.asarray(fn()))
        a[i] = old - eps
        down = float(np.asarray(fn()))
        a[i] = old
        out[i] = (up - down) / (2 * eps)
    return out


def check_grads(fn, sources, grads, rtol=1e-5, atol=1e-7, eps=1e-6) -> None:
    assert len(grads) == len(sources)
    for s, g in zip(sources, grads):
        assert g is not None, f"no gradient for {s!r}"
        assert type(g) is np.ndarray
        expected = numeric_grad(fn, s, eps)
        assert g.shape == expected.shape
        np.testing.assert_allclose(g, expected, rtol=rtol, atol=atol)


@pytest.fixture(name="check_grads")
def check_grads_fixture():
    return check_grads

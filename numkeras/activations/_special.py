"""Special functions NumPy lacks (only `erf`, for exact GELU).

SciPy is optional, so `erf` falls back to pure NumPy: a rational approximation
(the one XLA/Eigen use for float32, max abs error 6.5e-8) evaluated in float64 for
float32/float16 input, and the correctly rounded `math.erf` for float64 input, where
finite-difference gradient checks need full precision.

>>> import numpy as np
>>> from numkeras.activations._special import erf
>>> erf(np.array([0.0, 1.0], dtype="float32")).round(6)
array([0.      , 0.842701], dtype=float32)
"""

from __future__ import annotations

import math

import numpy as np

from numkeras import backend
from numkeras.backend.vecmath import ERF_CLAMP, ERF_P, ERF_Q

try:  # optional: exact and fast when present
    from scipy.special import erf as _scipy_erf
except ImportError:  # pragma: no cover - depends on the environment
    _scipy_erf = None


_math_erf = np.frompyfunc(math.erf, 1, 1)


def _erf_rational(x):
    xp = backend.xp
    # erf(x) ~= x * P(x^2) / Q(x^2) on [-4, 4]; |erf| rounds to 1 beyond that in float32.
    x = xp.clip(x, -ERF_CLAMP, ERF_CLAMP)
    x2 = x * x
    p = xp.full_like(x, ERF_P[0])
    for c in ERF_P[1:]:
        p *= x2
        p += c
    q = xp.full_like(x, ERF_Q[0])
    for c in ERF_Q[1:]:
        q *= x2
        q += c
    p *= x
    p /= q
    return p


def _module_erf():
    """The array module's own exact erf (CuPy's `cupyx.scipy.special.erf`), if any."""
    if backend.xp is np:
        return _scipy_erf
    if backend.on_cupy():
        try:
            from cupyx.scipy.special import erf as cupy_erf
        except ImportError:  # pragma: no cover - depends on the CuPy build
            return None
        return cupy_erf
    return None


def erf(x):
    """Elementwise error function; returns the dtype of `x` (a float array)."""
    xp = backend.xp
    exact = _module_erf()
    if exact is not None:
        return exact(x).astype(x.dtype, copy=False)
    if x.dtype == np.float64 and xp is np:
        return np.asarray(_math_erf(x), dtype=np.float64)
    return _erf_rational(x.astype(np.float64)).astype(x.dtype)

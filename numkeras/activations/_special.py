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

try:  # optional: exact and fast when present
    from scipy.special import erf as _scipy_erf
except ImportError:  # pragma: no cover - depends on the environment
    _scipy_erf = None

# erf(x) ~= x * P(x^2) / Q(x^2) on [-4, 4]; |erf| rounds to 1 beyond that in float32.
_ALPHA = (
    -2.72614225801306e-10,
    2.77068142495902e-08,
    -2.10102402082508e-06,
    -5.69250639462346e-05,
    -7.34990630326855e-04,
    -2.95459980854025e-03,
    -1.60960333262415e-02,
)
_BETA = (
    -1.45660718464996e-05,
    -2.13374055278905e-04,
    -1.68282697438203e-03,
    -7.37332916720468e-03,
    -1.42647390514189e-02,
)

_math_erf = np.frompyfunc(math.erf, 1, 1)


def _erf_rational(x):
    xp = backend.xp
    x = xp.clip(x, -4.0, 4.0)
    x2 = x * x
    p = xp.full_like(x, _ALPHA[0])
    for c in _ALPHA[1:]:
        p *= x2
        p += c
    q = xp.full_like(x, _BETA[0])
    for c in _BETA[1:]:
        q *= x2
        q += c
    p *= x
    p /= q
    return p


def erf(x):
    """Elementwise error function; returns the dtype of `x` (a float array)."""
    xp = backend.xp
    if _scipy_erf is not None and xp is np:
        return _scipy_erf(x).astype(x.dtype, copy=False)
    if x.dtype == np.float64 and xp is np:
        return np.asarray(_math_erf(x), dtype=np.float64)
    return _erf_rational(x.astype(np.float64)).astype(x.dtype)

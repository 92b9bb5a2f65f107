"""float32 `exp`, `expm1`, `log1p`, `erf` (and the sigmoid) that vectorize, for fused kernels.

NumPy's float32 `exp` is SIMD but costs ~2 ns a value here; `expm1`, `log1p` and `erf`
are scalar libm calls at ~20 ns a value, so an ELU, softplus or exact GELU layer cost
more than its matrix product. These are the usual branch-free polynomial evaluations
(Cephes's, which Eigen and so XLA, that is Keras on JAX, also use): plain multiplies,
adds and selects, with the exponent handled by integer bit operations, so LLVM turns a
numba loop that calls them into AVX code (~1 ns a value for exp). tanh's rational
approximation lives in `fused.py` (`_tanh_of`), which had it first.

Accuracy, checked against float64 references in `tests/backend/test_vecmath.py`:
`exp` within 1 ulp (NumPy's float32 exp: 2.3 ulp), `expm1` within 2 ulp, `log1p` (for
t > -1) within 3 ulp, `erf` within 1.2e-7 absolute (its polynomial runs in float64).
Results are therefore close to NumPy's, not bit-identical: the fused activations that
use them (see `fused.py`) run only for float32 arrays, and float64 keeps NumPy's
correctly rounded functions (finite-difference checks need them).

Each function also runs as plain Python on NumPy float32 scalars (that is how the
tests read the formulas); `compile_helpers` compiles them with numba.

>>> import numpy as np
>>> float(_exp(np.float32(1.0)))
2.7182817459106445
"""

from __future__ import annotations

import types as types_module

import numpy as np

_F = np.float32

# exp(x) = 2**n * exp(r), n = round(x / ln 2), r = x - n ln 2 (ln 2 split in two parts so
# r is exact), exp(r) by Cephes's degree-7 polynomial on [-ln2/2, ln2/2].
_LOG2E = _F(1.44269504088896341)
_LN2_HI = _F(0.693359375)
_LN2_LO = _F(-2.12194440e-4)
_EXP_P = tuple(
    _F(c)
    for c in (1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1)
)
_EXP_P5 = _F(5.0000001201e-1)
# Beyond these exp is inf / 0 in float32; clamping keeps n in int32 range.
_EXP_HI = _F(89.0)
_EXP_LO = _F(-104.0)

# expm1 on |x| < 1: its Taylor series to x**10 (truncation below 0.2 ulp there); beyond,
# exp(x) - 1 loses nothing to cancellation.
_EXPM1_C = tuple(_F(1.0 / f) for f in (3628800, 362880, 40320, 5040, 720, 120, 24, 6, 2))

# log(1 + f) on f in [sqrt(1/2) - 1, sqrt(2) - 1]: Cephes's logf polynomial.
_LOG_P = tuple(
    _F(c)
    for c in (
        7.0376836292e-2,
        -1.1514610310e-1,
        1.1676998740e-1,
        -1.2420140846e-1,
        1.4249322787e-1,
        -1.6668057665e-1,
        2.0000714765e-1,
        -2.4999993993e-1,
        3.3333331174e-1,
    )
)
_SQRT2 = _F(1.41421356237309504880)

# erf(x) = x * P(x**2) / Q(x**2) on [-4, 4], +-1 beyond: the rational approximation XLA
# evaluates for float32 (max error 6.5e-8; `activations/_special.py` uses these too), here
# in float64: float32 evaluation errs by up to 4.4e-7, and GELU's 1 + erf(x) magnifies
# that into a large relative error for negative x.
ERF_CLAMP = 4.0
ERF_P = (
    -2.72614225801306e-10,
    2.77068142495902e-08,
    -2.10102402082508e-06,
    -5.69250639462346e-05,
    -7.34990630326855e-04,
    -2.95459980854025e-03,
    -1.60960333262415e-02,
)
ERF_Q = (
    -1.45660718464996e-05,
    -2.13374055278905e-04,
    -1.68282697438203e-03,
    -7.37332916720468e-03,
    -1.42647390514189e-02,
)

_ONE = _F(1.0)
_HALF = _F(0.5)
_ZERO = _F(0.0)
_INF = _F(np.inf)


# The float32 <-> int32 bit casts. numba compiles these as LLVM bitcasts (intrinsics made
# by `compile_helpers`); in Python they are NumPy views.
def _bits(x):
    return np.array(x, np.float32).view(np.int32)[()]


def _from_bits(i):
    return np.array(i, np.int32).view(np.float32)[()]


def _exp(x):
    xc = _EXP_HI if x > _EXP_HI else (_EXP_LO if x < _EXP_LO else x)
    n = np.floor(xc * _LOG2E + _HALF)
    r = xc - n * _LN2_HI
    r = r - n * _LN2_LO
    p0, p1, p2, p3, p4 = _EXP_P
    p = ((((p0 * r + p1) * r + p2) * r + p3) * r + p4) * r + _EXP_P5
    y = p * (r * r) + r + _ONE
    # times 2**n in two factors, so 2**128 (overflow to inf) and the subnormal results
    # below 2**-126 come out right; each factor is a normal float32
    k = np.int32(n)
    k1 = k >> np.int32(1)
    y = y * _from_bits((k1 + np.int32(127)) << np.int32(23))
    y = y * _from_bits((k - k1 + np.int32(127)) << np.int32(23))
    return x if x != x else y


def _expm1(x):
    c10, c9, c8, c7, c6, c5, c4, c3, c2 = _EXPM1_C
    p = (((((((c10 * x + c9) * x + c8) * x + c7) * x + c6) * x + c5) * x + c4) * x + c3) * x + c2
    small = p * (x * x) + x
    big = _exp(x) - _ONE
    return small if abs(x) < _ONE else big


def _log1p(t):
    # For t >= 0 (and NaN): log(w) of w = 1 + t, corrected by t / (w - 1) for the rounding
    # of 1 + t (Goldberg's trick); w - 1 is exact.
    w = _ONE + t
    bits = _bits(w)
    e = (bits >> np.int32(23)) - np.int32(127)
    m = _from_bits((bits & np.int32(0x7FFFFF)) | np.int32(0x3F800000))  # in [1, 2)
    hi = m > _SQRT2
    m = m * _HALF if hi else m
    ef = _F(e + np.int32(1) if hi else e)
    f = m - _ONE
    z = f * f
    p0, p1, p2, p3, p4, p5, p6, p7, p8 = _LOG_P
    p = (((((((p0 * f + p1) * f + p2) * f + p3) * f + p4) * f + p5) * f + p6) * f + p7) * f + p8
    y = f * z * p
    y = y + ef * _LN2_LO
    y = y - _HALF * z
    log_w = f + y
    log_w = log_w + ef * _LN2_HI
    d = w - _ONE
    out = log_w * (t / d) if d != _ZERO else t
    return t if w == _INF or t != t else out


def _erf(x):
    xd = np.float64(x)
    xc = ERF_CLAMP if xd > ERF_CLAMP else (-ERF_CLAMP if xd < -ERF_CLAMP else xd)
    x2 = xc * xc
    a0, a1, a2, a3, a4, a5, a6 = ERF_P
    b0, b1, b2, b3, b4 = ERF_Q
    p = (((((a0 * x2 + a1) * x2 + a2) * x2 + a3) * x2 + a4) * x2 + a5) * x2 + a6
    q = (((b0 * x2 + b1) * x2 + b2) * x2 + b3) * x2 + b4
    return _F(xc * p / q)


def _logistic(x):
    # the sigmoid 1 / (1 + exp(-x)), in activations._sigmoid_into's order
    return _ONE / (_ONE + _exp(-x))


# Compiled by `compile_helpers`, callees before their callers.
HELPERS = ("_exp", "_expm1", "_log1p", "_erf", "_logistic")


def compile_helpers(numba, jit) -> dict:
    """Compile the bit casts (as LLVM intrinsics) and `HELPERS` with
    `jit(name, fn, **options)`; returns the compiled helpers by name. They are inlined into
    their callers at numba's level: LLVM's own inliner leaves `_expm1` (with `_exp`
    inside) a call, and a call stops the caller's loop from vectorizing."""
    from llvmlite import ir
    from numba import types
    from numba.extending import intrinsic

    @intrinsic
    def bits(typingctx, x):
        def codegen(context, builder, signature, args):
            return builder.bitcast(args[0], ir.IntType(32))

        return types.int32(types.float32), codegen

    @intrinsic
    def from_bits(typingctx, i):
        def codegen(context, builder, signature, args):
            return builder.bitcast(args[0], ir.FloatType())

        return types.float32(types.int32), codegen

    # The compiled helpers resolve names in a copy of this module's namespace, which has the
    # intrinsics; the module keeps the Python versions (NumPy views) for Python callers.
    space = dict(globals())
    space["_bits"], space["_from_bits"] = bits, from_bits
    for name in HELPERS:
        fn = globals()[name]
        local = types_module.FunctionType(fn.__code__, space, fn.__name__)
        space[name] = jit(name, local, inline="always")
    return {name: space[name] for name in HELPERS}

"""Fused element-wise kernels, compiled by numba when it is installed (`numkeras[fast]`).

NumPy runs `m += (g - m) * c1` as three passes over memory, and one Adam step as twelve;
each pass is cheap, but on small dense models those passes are most of what is left
once the matrix products are done. A fused kernel makes one pass and keeps every
intermediate in registers: Adam over 670k float32 weights takes ~0.4 ms instead of ~2 ms.

Numerics do not change. Each kernel performs the float operations of the NumPy code it
replaces, in the same order, without fast-math (no reassociation, no fused multiply-add),
so results are bit-for-bit identical with or without numba; `tests/backend/test_fused.py`
checks every kernel against its NumPy reference. The one exception is `bias_tanh`, which
evaluates tanh as XLA does (its rational approximation, with fused multiply-adds; within
4e-7 of the exact value) because `np.tanh` is a scalar libm call, too slow to fuse.

The kernels are used only on the NumPy array module, for C-contiguous float arrays, and
only while enabled: `NUMKERAS_FUSED=0` in the environment or `set_enabled(False)` turns
them off (the NumPy code then runs). numba is imported, and each kernel compiled, on first
use (about a second; cached on disk afterwards), never at `import numkeras`.

>>> import numpy as np
>>> x = np.array([-1.0, 2.0], "float32")
>>> out = np.empty_like(x)
>>> if run("leaky_relu", x, np.float32(0.2), out) is None:  # no numba, or disabled
...     _ = np.maximum(x * np.float32(0.2), x, out=out)
>>> out
array([-0.2,  2. ], dtype=float32)
"""

from __future__ import annotations

import functools
import math
import os
import warnings

import numpy as np

from numkeras import backend
from numkeras.backend.random import FMIX_C1, FMIX_C2, GOLDEN

_enabled = os.environ.get("NUMKERAS_FUSED", "1").strip().lower() not in ("0", "false", "no")
_kernels: dict | None = None  # name -> compiled kernel; {} when numba is unavailable
_TYPES = (np.dtype("float32"), np.dtype("float64"), np.dtype("uint32"))


def set_enabled(enabled: bool) -> None:
    """Turn the fused kernels on or off for this process (on by default when available)."""
    global _enabled
    _enabled = bool(enabled)


def available() -> bool:
    """Whether fused kernels will run: enabled, numba importable, NumPy array module."""
    return _enabled and backend.xp is np and bool(_load())


def run(name: str, *args):
    """Run kernel `name` on `args` and return its result, or None: then the caller runs
    its NumPy code. None when the kernels are off or unavailable, when an array argument
    is not C-contiguous float32/float64/uint32 (float16, strided views), or when the
    kernel fails to compile for these types (it is then dropped, with one warning;
    nothing has been written, as compilation comes before execution).

    Scalars must already have the arrays' dtype (e.g. `np.float32(0.2)`): a Python
    float would compile a float64 variant and change the rounding.
    """
    if not _enabled or backend.xp is not np:
        return None
    kernel = _load().get(name)
    if kernel is None:
        return None
    for a in args:
        if isinstance(a, np.ndarray) and not (a.flags.c_contiguous and a.dtype in _TYPES):
            return None
    try:
        return kernel(*args)
    except Exception as e:  # a numba typing or lowering error
        _kernels.pop(name, None)
        warnings.warn(
            f"numkeras: fused kernel {name!r} failed to compile ({type(e).__name__}: "
            f"{str(e).splitlines()[0] if str(e) else ''}); using the NumPy code instead.",
            RuntimeWarning,
            stacklevel=2,
        )
        return None


def _load() -> dict:
    global _kernels
    if _kernels is None:
        try:
            import numba
        except Exception:  # not installed, or built for another NumPy
            _kernels = {}
        else:
            _kernels = _compile_all(numba)
    return _kernels


def _compile_all(numba) -> dict:
    # error_model="numpy": no Python ZeroDivisionError checks, which would stop the loops
    # from vectorizing. cache=True keeps the machine code on disk across processes.
    # bias_tanh alone may contract a * b + c into one FMA (as Eigen's, hence XLA's, tanh
    # does): it is not bit-matched to NumPy anyway, and this makes it 25% faster and closer
    # to the exact tanh. Every other kernel keeps NumPy's separate roundings.
    def jit(name, fn):
        options = dict(error_model="numpy", nogil=True)
        if name == "bias_tanh":
            options["fastmath"] = {"contract"}
        try:
            return numba.njit(fn, cache=True, **options)
        except Exception as e:  # an unwritable cache location: compile per process
            warnings.warn(f"numba cache unavailable ({e}); compiling in memory", stacklevel=3)
            return numba.njit(fn, **options)

    return {name: jit(name, fn) for name, fn in _PYTHON_KERNELS.items()}


# ----------------------------------------------------------------------------------------
# The kernels, as plain Python loops (numba compiles them). Each comment names the NumPy
# code it matches bit for bit. Arrays are 1-D or C-contiguous 2-D, as the callers pass.


def _adam(p, g, m, v, alpha, c1, c2, eps):
    # optimizers/adam.py: m += (g - m) * c1; v += (g*g - v) * c2;
    # p -= m / (sqrt(v) + eps) * alpha
    for i in range(p.shape[0]):
        gi = g[i]
        mi = m[i] + (gi - m[i]) * c1
        vi = v[i] + (gi * gi - v[i]) * c2
        m[i] = mi
        v[i] = vi
        p[i] -= mi / (math.sqrt(vi) + eps) * alpha
    return p


def _leaky_relu(x, slope, out):
    # layers/leaky_relu.py: out = maximum(x * slope, x) (NaN propagates, as np.maximum)
    xf = x.reshape(-1)
    of = out.reshape(-1)
    for i in range(xf.shape[0]):
        xi = xf[i]
        a = xi * slope
        of[i] = a if a > xi or a != a else xi
    return out


def _bias_leaky_relu(z, b, slope, out):
    # layers/leaky_relu.py with a bias handed over by the preceding Dense:
    # z += b; out = maximum(z * slope, z). z keeps the biased values (the layer's cache).
    rows, cols = z.shape
    for r in range(rows):
        zr = z[r]
        orow = out[r]
        for c in range(cols):
            x = zr[c] + b[c]
            zr[c] = x
            a = x * slope
            orow[c] = a if a > x or a != a else x
    return out


def _leaky_relu_grad(x, dy, above, below):
    # layers/leaky_relu.py: dy *= (x >= 0) * (1 - slope) + slope, in place in dy; the
    # caller passes the two possible factors, computed in NumPy float arithmetic
    xf = x.reshape(-1)
    df = dy.reshape(-1)
    for i in range(xf.shape[0]):
        df[i] *= above if xf[i] >= 0 else below
    return dy


def _bias_relu(z, b, zero):
    # layers/dense.py: z += b; maximum(z, 0, out=z) (np.maximum keeps NaN, ties give 0)
    rows, cols = z.shape
    for r in range(rows):
        zr = z[r]
        for c in range(cols):
            s = zr[c] + b[c]
            zr[c] = s if s > 0 or s != s else zero
    return z


def _relu_grad(x, dy, one, zero):
    # activations: dy * (x > 0), in place in dy (the mask as 1.0 / 0.0, as NumPy casts
    # it; a select between dy and dy * 0 instead would not vectorize: 4x slower)
    xf = x.reshape(-1)
    df = dy.reshape(-1)
    for i in range(xf.shape[0]):
        df[i] *= one if xf[i] > 0 else zero
    return dy


def _dropout(x, key0, key1, threshold, scale, zero, mask, out):
    # layers/dropout.py: bits = backend.random.counter_bits(x.shape, (key0, key1));
    # mask = (bits >= threshold) * scale; out = x * mask. The bits are a hash of the
    # element's index (uint32 arithmetic, wrapping as NumPy's), so no array of them exists.
    golden, c1, c2 = GOLDEN, FMIX_C1, FMIX_C2  # numba freezes globals as constants
    s16, s13 = np.uint32(16), np.uint32(13)
    xf = x.reshape(-1)
    mf = mask.reshape(-1)
    of = out.reshape(-1)
    for i in range(xf.shape[0]):
        h = np.uint32(np.uint32(i) * golden + key0)
        h ^= h >> s16
        h = np.uint32(h * c1)
        h ^= h >> s13
        h = np.uint32(h * c2)
        h ^= h >> s16
        h ^= key1
        h ^= h >> s16
        h = np.uint32(h * c1)
        h ^= h >> s13
        h = np.uint32(h * c2)
        h ^= h >> s16
        k = scale if h >= threshold else zero
        mf[i] = k
        of[i] = xf[i] * k
    return out


# tanh(x) = x * P(x^2) / Q(x^2) on [-7.9053, 7.9053]: the rational approximation XLA (and
# so Keras on JAX) evaluates on CPU, from Eigen's `generic_fast_tanh_float`.
_TANH_CLAMP = 7.90531110763549805
_TANH_P = (
    -2.76076847742355e-16,
    2.00018790482477e-13,
    -8.60467152213735e-11,
    5.12229709037114e-08,
    1.48572235717979e-05,
    6.37261928875436e-04,
    4.89352455891786e-03,
)
_TANH_Q = (1.19825839466702e-06, 1.18534705686654e-04, 2.26843463243900e-03, 4.89352518554385e-03)


def _bias_tanh(z, b, coef):
    # layers/dense.py: z = tanh(z + b), in place. The one kernel that is not bit-identical
    # to NumPy: np.tanh is a scalar libm call (~3 ns a value); this vectorizes. Within
    # 4e-7 of the exact tanh (tests/backend/test_fused.py); exactly +-1 past |x| = 9, where
    # float32 tanh rounds to +-1; tiny |x| return x, as tanh(x) = x there. Branch-free, so
    # the loop vectorizes: every value takes the polynomial, then the selects.
    rows, cols = z.shape
    c, tiny, big, one = coef[0], coef[12], coef[13], coef[14]
    p13, p11, p9, p7, p5, p3, p1 = coef[1], coef[2], coef[3], coef[4], coef[5], coef[6], coef[7]
    q6, q4, q2, q0 = coef[8], coef[9], coef[10], coef[11]
    for r in range(rows):
        zr = z[r]
        for j in range(cols):
            x = zr[j] + b[j]
            xc = c if x > c else (-c if x < -c else x)
            x2 = xc * xc
            p = ((((((p13 * x2 + p11) * x2 + p9) * x2 + p7) * x2 + p5) * x2 + p3) * x2 + p1) * xc
            q = ((q6 * x2 + q4) * x2 + q2) * x2 + q0
            y = p / q
            a = abs(x)
            y = x if a < tiny else y
            y = (one if x > 0 else -one) if a >= big else y
            zr[j] = y
    return z


def _tanh_grad(y, dy, one):
    # activations: dy *= 1 - y * y (in place in dy; (1 - y*y) * dy, NumPy's order)
    yf = y.reshape(-1)
    df = dy.reshape(-1)
    for i in range(yf.shape[0]):
        yi = yf[i]
        df[i] = (one - yi * yi) * df[i]
    return dy


@functools.cache
def tanh_coefficients(dtype) -> np.ndarray:
    """The constants `bias_tanh` takes, in `dtype`: clamp, P, Q, tiny, saturation, one."""
    coef = np.array([_TANH_CLAMP, *_TANH_P, *_TANH_Q, 4e-4, 9.0, 1.0], dtype=dtype)
    coef.setflags(write=False)
    return coef


_PYTHON_KERNELS = {
    "bias_tanh": _bias_tanh,
    "tanh_grad": _tanh_grad,
    "adam": _adam,
    "leaky_relu": _leaky_relu,
    "bias_leaky_relu": _bias_leaky_relu,
    "leaky_relu_grad": _leaky_relu_grad,
    "bias_relu": _bias_relu,
    "relu_grad": _relu_grad,
    "dropout": _dropout,
}

"""Fused element-wise kernels, compiled by numba when it is installed (`numkeras[fast]`).

NumPy runs `m += (g - m) * c1` as three passes over memory, and one Adam step as twelve;
each pass is cheap, but on small dense models those passes are most of what is left
once the matrix products are done. A fused kernel makes one pass and keeps every
intermediate in registers: Adam over 670k float32 weights takes ~0.4 ms instead of ~2 ms.

Numerics do not change. Each kernel performs the float operations of the NumPy code it
replaces, in the same order, without fast-math (no reassociation, no fused multiply-add),
so results are bit-for-bit identical with or without numba; `tests/backend/test_fused.py`
checks every kernel against its NumPy reference. Row sums follow NumPy's pairwise order
(`_row_sum`), and the softmax and cross-entropy kernels leave `np.exp` / `np.log` to NumPy
(its own SIMD routines), running only the passes around them. The exceptions are the
float32 activations whose NumPy code calls a scalar libm function, too slow to fuse:
`bias_tanh` and `tanh` evaluate tanh as XLA does (its rational approximation, with fused
multiply-adds; within 4e-7 of the exact value), and sigmoid, ELU/SELU, softplus, SiLU
and GELU use `vecmath`'s vectorizing exp / expm1 / log1p / erf (within a few ulp). They
run for float32 only (`_F32_KERNELS`): float64 keeps NumPy's functions.

The kernels are used on the NumPy array module, for C-contiguous float arrays; on CuPy,
`run` hands the names `backend/cuda.py` implements (Adam, ReLU / LeakyReLU with their
bias and gradients, Dropout) to its GPU kernels. Either only while enabled:
`NUMKERAS_FUSED=0` in the environment or `set_enabled(False)` turns them off (the NumPy
code then runs). numba is imported, and each kernel compiled, on first
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

import contextlib
import functools
import math
import os
import warnings

import numpy as np

from numkeras import backend
from numkeras.backend import vecmath
from numkeras.backend.random import FMIX_C1, FMIX_C2, GOLDEN
from numkeras.backend.vecmath import _HALF, _ONE, _ZERO, _erf, _exp, _expm1, _log1p, _logistic

_enabled = os.environ.get("NUMKERAS_FUSED", "1").strip().lower() not in ("0", "false", "no")
_kernels: dict | None = None  # name -> compiled kernel; {} when numba is unavailable
_FLOATS = (np.dtype("float32"), np.dtype("float64"))
_FLOAT32 = (np.dtype("float32"),)
# Kernels built on vecmath's float32 functions: float64 arrays take the NumPy code.
# The tanh approximation has float32 accuracy: float64 keeps np.tanh too.
_F32_KERNELS = frozenset(
    {
        *("sigmoid", "elu", "softplus", "softplus_grad", "silu", "silu_grad"),
        *("gelu", "gelu_grad", "tanh", "bias_tanh", "gelu_tanh", "gelu_tanh_grad"),
        "lstm_step",
    }
)
_LABEL_KERNELS = frozenset(
    {
        "scatter_add_rows",  # (its row indices)
        "max_pool2d",  # (its window-index array)
        "max_pool2d_grad",
        "sparse_ce_probs",
        "sparse_ce_probs_grad",
        "sparse_ce_logits",
        "sparse_ce_logits_grad",
        "sparse_argmax_hits",
    }
)


def set_enabled(enabled: bool) -> None:
    """Turn the fused kernels on or off for this process (on by default when available)."""
    global _enabled
    _enabled = bool(enabled)


def is_enabled() -> bool:
    """Whether the fused kernels are switched on (see `set_enabled`)."""
    return _enabled


def kernel_names() -> list[str]:
    """The names of every fused kernel, whether or not numba is installed."""
    return list(_PYTHON_KERNELS)


@contextlib.contextmanager
def without(*names: str):
    """Inside the block, the named kernels do not run (their callers run the NumPy code);
    the others still do. For measuring what a kernel buys (`python -m bench.kernels_ab`).

    >>> x, out = np.ones(3, "float32"), np.empty(3, "float32")
    >>> with without("leaky_relu"):
    ...     run("leaky_relu", x, np.float32(0.2), out) is None
    True
    """
    unknown = sorted(set(names) - set(_PYTHON_KERNELS))
    if unknown:
        raise ValueError(f"No fused kernel named {unknown}; the kernels: {kernel_names()}.")
    kernels = _load()
    removed = {n: kernels.pop(n) for n in names if n in kernels}
    try:
        yield
    finally:
        kernels.update(removed)


def row_labels(y_true, scores):
    """`y_true` as `(rows,)` integer labels when it holds one per row of 2-D `scores`
    (shape `(rows,)` or `(rows, 1)`), the form the label kernels take; else None.

    >>> row_labels(np.array([[2], [0]]), np.zeros((2, 3), "float32"))
    array([2, 0])
    """
    if not (isinstance(y_true, np.ndarray) and isinstance(scores, np.ndarray)):
        return None
    if y_true.dtype.kind not in "iu" or scores.ndim != 2:
        return None
    if y_true.shape not in ((len(scores),), (len(scores), 1)):
        return None
    return y_true.reshape(-1)


def kernel(name: str):
    """The compiled kernel `name`, to call directly in a hot loop, or None (kernels off or
    unavailable, or not on NumPy). Unlike `run`, a direct call checks nothing: the caller
    passes C-contiguous arrays of one float dtype (those `run` would take).

    >>> k = kernel("leaky_relu")
    >>> k is None or callable(k)
    True
    """
    return _load().get(name) if available() else None


def available() -> bool:
    """Whether fused kernels will run: enabled, numba importable, NumPy array module."""
    return _enabled and backend.xp is np and bool(_load())


def run(name: str, *args):
    """Run kernel `name` on `args`; return its result (a count, for the kernels that
    count), True for the kernels that only write their outputs, or None: then the caller
    runs its NumPy code. None when the kernels are off or unavailable, when an array argument
    is not C-contiguous float32/float64 (float16, strided views), or when the
    kernel fails to compile for these types (it is then dropped, with one warning;
    nothing has been written, as compilation comes before execution).

    Scalars must already have the arrays' dtype (e.g. `np.float32(0.2)`): a Python
    float would compile a float64 variant and change the rounding. Integer arrays go only
    to the kernels that take class labels (`_LABEL_KERNELS`).
    """
    if not _enabled:
        return None
    if backend.xp is not np:  # CuPy has its own kernels for the hottest of these names
        if backend.on_cupy():
            from numkeras.backend import cuda

            return cuda.run(backend.xp, name, args)
        return None
    kernel = _load().get(name)
    if kernel is None:
        return None
    ints = "iu" if name in _LABEL_KERNELS else ""
    floats = _FLOAT32 if name in _F32_KERNELS else _FLOATS
    for a in args:
        if isinstance(a, np.ndarray) and not (
            a.flags.c_contiguous and (a.dtype in floats or a.dtype.kind in ints)
        ):
            return None
    try:
        result = kernel(*args)
    except Exception as e:  # a numba typing or lowering error
        _kernels.pop(name, None)
        warnings.warn(
            f"numkeras: fused kernel {name!r} failed to compile ({type(e).__name__}: "
            f"{str(e).splitlines()[0] if str(e) else ''}); using the NumPy code instead.",
            RuntimeWarning,
            stacklevel=2,
        )
        return None
    return True if result is None else result


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
    # The tanh approximation alone may contract a * b + c into one FMA (as Eigen's, hence
    # XLA's, tanh does): it is not bit-matched to NumPy anyway, and this makes it 25% faster
    # and closer to the exact tanh. Every other kernel keeps NumPy's separate roundings.
    def jit(name, fn, **extra):
        options = dict(error_model="numpy", nogil=True, **extra)
        if name in ("_tanh_of", "bias_tanh", "tanh"):
            options["fastmath"] = {"contract"}
        try:
            return numba.njit(fn, cache=True, **options)
        except Exception as e:  # an unwritable cache location: compile per process
            warnings.warn(f"numba cache unavailable ({e}); compiling in memory", stacklevel=3)
            return numba.njit(fn, **options)

    helpers = globals()
    helpers.update(vecmath.compile_helpers(numba, jit))
    for name in _HELPERS:  # the kernels call the compiled helpers
        if not hasattr(helpers[name], "py_func"):
            helpers[name] = jit(name, helpers[name])
    return {name: jit(name, fn) for name, fn in _PYTHON_KERNELS.items()}


# ----------------------------------------------------------------------------------------
# The kernels, as plain Python loops (numba compiles them). Each comment names the NumPy
# code it matches bit for bit. Arrays are 1-D or C-contiguous 2-D, as the callers pass.
# They write into their arguments and return nothing (or a count): returning an array
# would box a new ndarray object for Python, ~1.4 us a call.


# The optimizer kernels take decoupled weight decay as their last three arguments:
# `decay` says whether to apply it, `wd` and `lr` are its factors (optimizer.py).


def _decayed(p, wd, lr, decay):
    # optimizers/optimizer.py, before the update: p -= p * weight_decay * lr
    return p - p * wd * lr if decay else p


def _grad_transform(g, scale, lo, hi, use_scale, use_clip, out):
    # optimizers/optimizer.py, before an update: out = g * scale (loss-scale unscaling,
    # norm clipping), then out = clip(out, lo, hi) (clipvalue; NaN stays NaN), each if used
    gf, of = g.reshape(-1), out.reshape(-1)  # (a strided variable's chunk is N-D)
    for i in range(gf.shape[0]):
        gi = gf[i] * scale if use_scale else gf[i]
        of[i] = _clip(gi, lo, hi) if use_clip else gi


def _moments(m, v, i, gi, c1, c2):
    # optimizers/adam.py and nadam.py, at index i: m += (g - m) * c1; v += (g*g - v) * c2
    mi = m[i] + (gi - m[i]) * c1
    vi = v[i] + (gi * gi - v[i]) * c2
    m[i] = mi
    v[i] = vi
    return mi, vi


def _maximum(a, b):
    # np.maximum(a, b): NaN if either is NaN
    return a if a >= b or a != a else b


def _clip_slope(v, lo, hi, grad, zero):
    # losses/crossentropy.py _through_clip: `grad` inside (lo, hi), half at a bound (JAX's
    # tie rule for the clip's maximum / minimum), zero outside
    if v > lo and v < hi:
        return grad
    return grad * _HALF if v == lo or v == hi else zero


def _clip(v, lo, hi):
    # np.minimum(np.maximum(v, lo), hi) (np.clip) for bounds that are not NaN: NaN stays
    v = lo if v < lo else v
    return hi if v > hi else v


def _adam(p, g, m, v, alpha, c1, c2, eps, wd, lr, decay):
    # optimizers/adam.py: the moments, then p -= m / (sqrt(v) + eps) * alpha
    for i in range(p.shape[0]):
        mi, vi = _moments(m, v, i, g[i], c1, c2)
        p[i] = _decayed(p[i], wd, lr, decay) - mi / (math.sqrt(vi) + eps) * alpha


def _adam_amsgrad(p, g, m, v, v_hat, alpha, c1, c2, eps, wd, lr, decay):
    # optimizers/adam.py with amsgrad: as _adam, with v_hat = maximum(v_hat, v) in the
    # last step
    for i in range(p.shape[0]):
        mi, vi = _moments(m, v, i, g[i], c1, c2)
        vh = _maximum(v_hat[i], vi)
        v_hat[i] = vh
        p[i] = _decayed(p[i], wd, lr, decay) - mi / (math.sqrt(vh) + eps) * alpha


def _nadam(p, g, m, v, rate, c1, c2, m_coef, g_coef, v_coef, eps, wd, lr, decay):
    # optimizers/nadam.py: the moments, then
    # p -= (m * m_coef + g * g_coef) / (sqrt(v * v_coef) + eps) * lr
    for i in range(p.shape[0]):
        gi = g[i]
        mi, vi = _moments(m, v, i, gi, c1, c2)
        step = (mi * m_coef + gi * g_coef) / (math.sqrt(vi * v_coef) + eps) * rate
        p[i] = _decayed(p[i], wd, lr, decay) - step


def _adamax(p, g, m, u, rate, c1, beta_2, eps, correction, wd, lr, decay):
    # optimizers/adamax.py: m += (g - m) * c1; u = maximum(u * beta_2, |g|);
    # p -= m / ((u + eps) * correction) * lr
    for i in range(p.shape[0]):
        gi = g[i]
        mi = m[i] + (gi - m[i]) * c1
        m[i] = mi
        ui = _maximum(u[i] * beta_2, abs(gi))
        u[i] = ui
        p[i] = _decayed(p[i], wd, lr, decay) - mi / ((ui + eps) * correction) * rate


def _adagrad(p, g, acc, rate, eps, wd, lr, decay):
    # optimizers/adagrad.py: acc += g * g; p -= g * lr / sqrt(acc + eps)
    for i in range(p.shape[0]):
        gi = g[i]
        ai = acc[i] + gi * gi
        acc[i] = ai
        p[i] = _decayed(p[i], wd, lr, decay) - gi * rate / math.sqrt(ai + eps)


def _sgd(p, g, rate, wd, lr, decay):
    # optimizers/sgd.py without momentum: p -= g * lr
    for i in range(p.shape[0]):
        p[i] = _decayed(p[i], wd, lr, decay) - g[i] * rate


def _sgd_momentum(p, g, m, rate, momentum, nesterov, wd, lr, decay):
    # optimizers/sgd.py: m = m * momentum - g * lr; p += m, or with Nesterov
    # p += m * momentum - g * lr
    for i in range(p.shape[0]):
        step = g[i] * rate
        mi = m[i] * momentum - step
        m[i] = mi
        pi = _decayed(p[i], wd, lr, decay)
        p[i] = pi + (mi * momentum - step if nesterov else mi)


def _rmsprop(
    p, g, v, m, avg, rate, rho, one_minus_rho, eps, momentum, use_momentum, centered, wd, lr, decay
):
    # optimizers/rmsprop.py: v = v * rho + g * g * (1 - rho); centered, also
    # avg = avg * rho + g * (1 - rho) and the denominator v - avg * avg; then
    # inc = g * lr / sqrt(denominator + eps); m = m * momentum + inc, p -= m (or p -= inc)
    for i in range(p.shape[0]):
        gi = g[i]
        vi = v[i] * rho + gi * gi * one_minus_rho
        v[i] = vi
        if centered:
            ai = avg[i] * rho + gi * one_minus_rho
            avg[i] = ai
            vi = vi - ai * ai
        inc = gi * rate / math.sqrt(vi + eps)
        pi = _decayed(p[i], wd, lr, decay)
        if use_momentum:
            mi = m[i] * momentum + inc
            m[i] = mi
            p[i] = pi - mi
        else:
            p[i] = pi - inc


def _leaky_relu(x, slope, out):
    # layers/leaky_relu.py: out = maximum(x * slope, x) (NaN propagates, as np.maximum)
    xf = x.reshape(-1)
    of = out.reshape(-1)
    for i in range(xf.shape[0]):
        xi = xf[i]
        of[i] = _maximum(xi * slope, xi)


def _bias_leaky_relu(z, b, slope, keep, out):
    # layers/leaky_relu.py with a bias handed over by the preceding Dense:
    # z += b; out = maximum(z * slope, z). With `keep` z keeps the biased values (the
    # layer's cache in training); inference skips that write, a third of the traffic.
    rows, cols = z.shape
    for r in range(rows):
        zr = z[r]
        orow = out[r]
        for c in range(cols):
            x = zr[c] + b[c]
            if keep:
                zr[c] = x
            orow[c] = _maximum(x * slope, x)


def _leaky_relu_grad(x, dy, above, below):
    # layers/leaky_relu.py: dy *= (x >= 0) * (1 - slope) + slope, in place in dy; the
    # caller passes the two possible factors, computed in NumPy float arithmetic
    xf = x.reshape(-1)
    df = dy.reshape(-1)
    for i in range(xf.shape[0]):
        df[i] *= above if xf[i] >= 0 else below


def _bias_relu(z, b, zero):
    # layers/dense.py: z += b; maximum(z, 0, out=z) (np.maximum keeps NaN, ties give 0)
    rows, cols = z.shape
    for r in range(rows):
        zr = z[r]
        for c in range(cols):
            s = zr[c] + b[c]
            zr[c] = s if s > 0 or s != s else zero


def _relu_grad(x, dy, one, zero):
    # activations: dy * (x > 0), in place in dy (the mask as 1.0 / 0.0, as NumPy casts
    # it; a select between dy and dy * 0 instead would not vectorize: 4x slower)
    xf = x.reshape(-1)
    df = dy.reshape(-1)
    for i in range(xf.shape[0]):
        df[i] *= one if xf[i] > 0 else zero


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


def _block_sum(row, start, n):
    # row[start:start + n].sum() for n <= 128, exactly as NumPy adds a contiguous run of
    # floats: one sequential sum below 8 values, else eight interleaved partial sums.
    if n < 8:
        r = row[start]
        for j in range(1, n):
            r += row[start + j]
        return r
    r0, r1, r2, r3 = row[start], row[start + 1], row[start + 2], row[start + 3]
    r4, r5, r6, r7 = row[start + 4], row[start + 5], row[start + 6], row[start + 7]
    j = 8
    while j < n - n % 8:
        k = start + j
        r0 += row[k]
        r1 += row[k + 1]
        r2 += row[k + 2]
        r3 += row[k + 3]
        r4 += row[k + 4]
        r5 += row[k + 5]
        r6 += row[k + 6]
        r7 += row[k + 7]
        j += 8
    r = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while j < n:
        r += row[start + j]
        j += 1
    return r


def _row_sum(row, start, n):
    # row[start:start + n].sum(), NumPy's pairwise summation: above 128 values, the halves
    # (cut at a multiple of 8) are summed apart and added. Row reductions over the last
    # axis (x.sum(axis=-1)) run it once per row. Written with an explicit stack, as numba
    # cannot cache recursive functions (one segfaulted when loaded from the cache).
    if n <= 128:
        return _block_sum(row, start, n)
    starts = np.empty(64, np.int64)  # pending ranges; each level halves n, so 64 suffice
    sizes = np.empty(64, np.int64)
    stages = np.empty(64, np.int64)  # 0: left half next, 1: right half next, 2: add them
    partial = np.empty(64, row.dtype)
    top, done = 0, 0
    starts[0], sizes[0], stages[0] = start, n, 0
    while top >= 0:
        s, m = starts[top], sizes[top]
        if m <= 128:
            partial[done] = _block_sum(row, s, m)
            done += 1
            top -= 1
            continue
        half = m // 2
        half -= half % 8
        stage = stages[top]
        stages[top] = stage + 1
        if stage == 2:
            done -= 1
            partial[done - 1] = partial[done - 1] + partial[done]
            top -= 1
        else:
            top += 1
            starts[top] = s if stage == 0 else s + half
            sizes[top] = half if stage == 0 else m - half
            stages[top] = 0
    return partial[0]


def _row_max_subtract(x, out):
    # activations.softmax, before np.exp: out = x - x.max(axis=-1, keepdims=True)
    # (2-D rows; the max keeps NaN, as np.max)
    rows, cols = x.shape
    for r in range(rows if cols else 0):
        xr = x[r]
        m = xr[0]
        for c in range(1, cols):
            v = xr[c]
            if v > m or v != v:
                m = v
        orow = out[r]
        for c in range(cols):
            orow[c] = xr[c] - m


def _row_divide_by_sum(y):
    # activations.softmax, after np.exp: y /= y.sum(axis=-1, keepdims=True)
    rows, cols = y.shape
    for r in range(rows if cols else 0):
        yr = y[r]
        s = _row_sum(yr, 0, cols)
        for c in range(cols):
            yr[c] /= s


def _softmax_grad(y, dy, out):
    # activations._softmax_grad: out = dy * y; out = (dy - out.sum(axis=-1)) * y
    rows, cols = y.shape
    for r in range(rows if cols else 0):
        yr, dr, orow = y[r], dy[r], out[r]
        for c in range(cols):
            orow[c] = dr[c] * yr[c]
        s = _row_sum(orow, 0, cols)
        for c in range(cols):
            orow[c] = (dr[c] - s) * yr[c]


def _bn_stats(x, mean, var):
    # layers/batch_normalization.py on 2-D rows: np.mean(x, axis=0) and np.var(x, axis=0).
    # NumPy reduces axis 0 row after row (each column summed in row order, from +0.0: a
    # column of -0.0 sums to +0.0), then divides by the count; var sums (x - mean)**2 so.
    rows, cols = x.shape
    zero, n = mean.dtype.type(0), mean.dtype.type(rows)
    for c in range(cols):
        mean[c] = zero
        var[c] = zero
    for r in range(rows):
        for c in range(cols):
            mean[c] += x[r, c]
    for c in range(cols):
        mean[c] = mean[c] / n
    for r in range(rows):
        for c in range(cols):
            d = x[r, c] - mean[c]
            var[c] += d * d
    for c in range(cols):
        var[c] = var[c] / n


def _bn_apply(x, inv, res, out):
    # layers/batch_normalization.py: out = x * inv + res, per column (inv, res: (cols,))
    rows, cols = x.shape
    for r in range(rows):
        for c in range(cols):
            out[r, c] = x[r, c] * inv[c] + res[c]


def _bn_grad(x, dy, mean, rstd, gamma, sums, dx):
    # layers/batch_normalization.py backward through the batch statistics, on 2-D rows:
    # xhat = (x - mean) * rstd; g = dy * gamma; the column sums of dy, dy * xhat, g and
    # g * xhat (row order, as NumPy's axis-0 sums); then
    # dx = (g - sum(g) / n - xhat * (sum(g * xhat) / n)) * rstd
    rows, cols = x.shape
    for k in range(4):
        for c in range(cols):
            sums[k, c] = dx.dtype.type(0)  # NumPy's sums start from +0.0
    for r in range(rows):
        for c in range(cols):
            xhat = (x[r, c] - mean[c]) * rstd[c]
            d = dy[r, c]
            g = d * gamma[c]
            sums[0, c] += d
            sums[1, c] += d * xhat
            sums[2, c] += g
            sums[3, c] += g * xhat
    n = dx.dtype.type(rows)
    for c in range(cols):
        sums[2, c] = sums[2, c] / n
        sums[3, c] = sums[3, c] / n
    for r in range(rows):
        for c in range(cols):
            xhat = (x[r, c] - mean[c]) * rstd[c]
            g = dy[r, c] * gamma[c]
            dx[r, c] = (g - sums[2, c] - xhat * sums[3, c]) * rstd[c]


def _bad_labels(labels, classes):
    # how many labels fall outside [0, classes): the label kernels return it before
    # writing anything, and their caller raises its error
    bad = 0
    for r in range(labels.shape[0]):
        t = labels[r]
        if t < 0 or t >= classes:
            bad += 1
    return bad


def _sparse_ce_probs(x, labels, lo, hi, s, q, qc):
    # losses/crossentropy.py, probabilities: s = x.sum(-1); q = x[label] / s;
    # qc = minimum(maximum(q, lo), hi). Returns _bad_labels (0: all written).
    rows, cols = x.shape
    bad = _bad_labels(labels, cols)
    if bad:
        return bad
    for r in range(rows):
        t = labels[r]
        xr = x[r]
        sr = _row_sum(xr, 0, cols)
        qr = xr[t] / sr
        s[r] = sr
        q[r] = qr
        qc[r] = _clip(qr, lo, hi)
    return 0


def _sparse_ce_probs_grad(labels, g, s, q, qc, lo, hi, zero, one, out):
    # losses/crossentropy.py, its vjp: dq = -g / qc through the clip (_clip_slope);
    # out = (dq / s) * (one_hot - q)
    rows, cols = out.shape
    for r in range(rows):
        qr = q[r]
        dq = _clip_slope(qr, lo, hi, -g[r] / qc[r], zero)
        d = dq / s[r]
        t = labels[r]
        orow = out[r]
        for c in range(cols):
            orow[c] = d * ((one if c == t else zero) - qr)


def _row_sums(x, out):
    # out = x.sum(axis=-1) (2-D rows)
    rows, cols = x.shape
    for r in range(rows if cols else 0):
        out[r] = _row_sum(x[r], 0, cols)


def _sparse_ce_logits(z, lse, labels, values):
    # losses/crossentropy.py, logits: logp = z - lse (z = x - max, lse = log(sum(exp(z))),
    # both from the caller), in place in z; values = -logp[label]. Returns _bad_labels.
    rows, cols = z.shape
    bad = _bad_labels(labels, cols)
    if bad:
        return bad
    for r in range(rows):
        zr = z[r]
        lr = lse[r]
        for c in range(cols):
            zr[c] -= lr
        values[r] = -zr[labels[r]]
    return 0


def _sparse_ce_logits_grad(labels, g, e, zero, one):
    # losses/crossentropy.py, its vjp: g[:, None] * (exp(logp) - one_hot), in place in
    # e = exp(logp)
    rows, cols = e.shape
    for r in range(rows):
        t = labels[r]
        gr = g[r]
        er = e[r]
        for c in range(cols):
            er[c] = gr * (er[c] - (one if c == t else zero))


def _cce_probs(x, lo, hi, s, q, qc):
    # losses/crossentropy.py, categorical on probabilities: s = x.sum(-1); q = x / s;
    # qc = minimum(maximum(q, lo), hi) (np.log(qc) is NumPy's; _cce_values finishes)
    rows, cols = x.shape
    for r in range(rows):
        xr, qr, cr = x[r], q[r], qc[r]
        sr = _row_sum(xr, 0, cols)
        s[r] = sr
        for c in range(cols):
            v = xr[c] / sr
            qr[c] = v
            cr[c] = _clip(v, lo, hi)


def _cce_values(y, logp, prod, values):
    # losses/crossentropy.py, categorical: values = -(y * logp).sum(-1) (prod: a row
    # of scratch for the products, summed in NumPy's order)
    rows, cols = y.shape
    for r in range(rows):
        yr, lr = y[r], logp[r]
        for c in range(cols):
            prod[c] = yr[c] * lr[c]
        values[r] = -_row_sum(prod, 0, cols)


def _cce_probs_grad(y, g, s, q, qc, lo, hi, zero, prod, out):
    # losses/crossentropy.py, its vjp on probabilities: dq = -g * y / qc through the clip
    # (_clip_slope); out = (dq - (dq * q).sum(-1)) / s
    rows, cols = out.shape
    for r in range(rows):
        neg_g = -g[r]
        yr, qr, cr, orow = y[r], q[r], qc[r], out[r]
        for c in range(cols):
            v = qr[c]
            d = _clip_slope(v, lo, hi, neg_g * yr[c] / cr[c], zero)
            orow[c] = d
            prod[c] = d * v
        t = _row_sum(prod, 0, cols)
        sr = s[r]
        for c in range(cols):
            orow[c] = (orow[c] - t) / sr


def _cce_logits_grad(y, g, e):
    # losses/crossentropy.py, its vjp on logits: g * (exp(logp) * y.sum(-1) - y), in place
    # in e = exp(logp)
    rows, cols = e.shape
    for r in range(rows):
        yr, er = y[r], e[r]
        total = _row_sum(yr, 0, cols)
        gr = g[r]
        for c in range(cols):
            er[c] = gr * (er[c] * total - yr[c])


def _sparse_argmax_hits(y, labels):
    # metrics/accuracy.py: (labels == argmax(y, axis=-1)).sum(), argmax as NumPy's (the
    # first maximum; the first NaN if there is one)
    rows, cols = y.shape
    hits = 0
    for r in range(rows if cols else 0):
        yr = y[r]
        best, m = 0, yr[0]
        if m == m:
            for c in range(1, cols):
                v = yr[c]
                if v != v:
                    best = c
                    break
                if v > m:
                    best, m = c, v
        if labels[r] == best:
            hits += 1
    return hits


def _bce_terms(x, lo, hi, one, pq):
    # losses/crossentropy.py, binary on probabilities: p = minimum(maximum(x, lo), hi) into
    # pq[0], not_p = 1 - p into pq[1] (one array, so np.log takes both in one call)
    rows, cols = x.shape
    for r in range(rows):
        xr, pr, nr = x[r], pq[0, r], pq[1, r]
        for c in range(cols):
            v = _clip(xr[c], lo, hi)
            pr[c] = v
            nr[c] = one - v


def _bce_values(y, logs, one, n, elem, values):
    # ... elem = -(y * log(p) + (1 - y) * log(1 - p)); values = elem.sum(axis=-1) / n
    rows, cols = y.shape
    for r in range(rows if cols else 0):
        yr, lp, lq, er = y[r], logs[0, r], logs[1, r], elem[r]
        for c in range(cols):
            er[c] = -(yr[c] * lp[c] + (one - yr[c]) * lq[c])
        values[r] = _row_sum(er, 0, cols) / n


def _bce_grad(x, y, pq, g, n, lo, hi, one, zero, out):
    # ... its vjp: (g / n)[:, None] * ((1 - y) / (1 - p) - y / p) through the clip (_clip_slope)
    rows, cols = x.shape
    for r in range(rows):
        xr, yr, pr, nr, orow = x[r], y[r], pq[0, r], pq[1, r], out[r]
        gn = g[r] / n
        for c in range(cols):
            v, t = xr[c], yr[c]
            d = (one - t) / nr[c] - t / pr[c]
            orow[c] = _clip_slope(v, lo, hi, gn * d, zero)


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


def _tanh_constants(coef):
    # the `tanh_coefficients` array as a tuple of scalars, hoisted out of the loops (a tuple
    # lives in registers; array loads inside the loop could alias the output and stop
    # vectorization)
    return (
        coef[0], coef[1], coef[2], coef[3], coef[4], coef[5], coef[6], coef[7],
        coef[8], coef[9], coef[10], coef[11], coef[12], coef[13], coef[14],
    )  # fmt: skip


def _tanh_of(x, k):
    # tanh(x) by the rational approximation, k = _tanh_constants(coef). Within 4e-7 of the
    # exact tanh (tests/backend/test_fused.py); exactly +-1 past |x| = 9, where float32
    # tanh rounds to +-1; tiny |x| return x, as tanh(x) = x there. Branch-free, so loops
    # calling it vectorize: every value takes the polynomial, then the selects.
    c, p13, p11, p9, p7, p5, p3, p1, q6, q4, q2, q0, tiny, big, one = k
    xc = c if x > c else (-c if x < -c else x)
    x2 = xc * xc
    p = ((((((p13 * x2 + p11) * x2 + p9) * x2 + p7) * x2 + p5) * x2 + p3) * x2 + p1) * xc
    q = ((q6 * x2 + q4) * x2 + q2) * x2 + q0
    y = p / q
    a = abs(x)
    y = x if a < tiny else y
    return (one if x > 0 else -one) if a >= big else y


def _bias_tanh(z, b, coef):
    # layers/dense.py: z = tanh(z + b), in place. Not bit-identical to NumPy: np.tanh is a
    # scalar libm call (~3 ns a value); this vectorizes (see _tanh_of).
    rows, cols = z.shape
    k = _tanh_constants(coef)
    for r in range(rows):
        zr = z[r]
        for j in range(cols):
            zr[j] = _tanh_of(zr[j] + b[j], k)


def _tanh(x, coef, out):
    # activations.tanh: out = tanh(x), as _bias_tanh without the bias
    xf, of = x.reshape(-1), out.reshape(-1)
    k = _tanh_constants(coef)
    for i in range(xf.shape[0]):
        of[i] = _tanh_of(xf[i], k)


def _tanh_grad(y, dy, one):
    # activations: dy *= 1 - y * y (in place in dy; (1 - y*y) * dy, NumPy's order)
    yf = y.reshape(-1)
    df = dy.reshape(-1)
    for i in range(yf.shape[0]):
        yi = yf[i]
        df[i] = (one - yi * yi) * df[i]


@functools.cache
def tanh_coefficients(dtype) -> np.ndarray:
    """The constants `bias_tanh` takes, in `dtype`: clamp, P, Q, tiny, saturation, one."""
    coef = np.array([_TANH_CLAMP, *_TANH_P, *_TANH_Q, 4e-4, 9.0, 1.0], dtype=dtype)
    coef.setflags(write=False)
    return coef


# Activations with exp, expm1, log1p or erf inside, on float32 only (`_F32_KERNELS`):
# vecmath's vectorizing versions of those functions replace NumPy's (scalar libm calls
# but for exp), so values are within a few ulp of the NumPy code's, not bit-identical.
# Each follows the NumPy code of the activation named in its comment, in the same order.


def _sigmoid(x, out):
    # activations._sigmoid_into: out = 1 / (1 + exp(-x))
    xf, of = x.reshape(-1), out.reshape(-1)
    for i in range(xf.shape[0]):
        of[i] = _logistic(xf[i])


def _sigmoid_grad(y, dy, one, out):
    # activations._sigmoid_grad: out = (1 - y) * y * dy (bit-identical, any float dtype)
    yf, df, of = y.reshape(-1), dy.reshape(-1), out.reshape(-1)
    for i in range(yf.shape[0]):
        yi = yf[i]
        of[i] = (one - yi) * yi * df[i]


def _elu(x, alpha, scale, out):
    # activations.elu (scale 1) and selu: (expm1(min(x, 0)) * alpha + max(x, 0)) * scale
    xf, of = x.reshape(-1), out.reshape(-1)
    for i in range(xf.shape[0]):
        xi = xf[i]
        pos = xi > _ZERO
        neg = _ZERO if pos else xi  # NaN goes this way, and stays NaN
        of[i] = (_expm1(neg) * alpha + (xi if pos else _ZERO)) * scale


def _elu_grad(x, y, dy, offset, slope, one, zero, out):
    # activations._select_grad for elu / selu: ((y + offset) * (x <= 0) + (x > 0) * slope)
    # * dy, the masks as 1.0 / 0.0 as NumPy casts them (bit-identical, any float dtype;
    # y = inf at x = inf gives NaN on both paths)
    xf, yf, df, of = x.reshape(-1), y.reshape(-1), dy.reshape(-1), out.reshape(-1)
    for i in range(xf.shape[0]):
        xi = xf[i]
        neg = (yf[i] + offset) * (one if xi <= 0 else zero)
        of[i] = (neg + (slope if xi > 0 else zero)) * df[i]


def _softplus(x, out):
    # activations._softplus_into: log1p(exp(-|x|)) + max(x, 0)
    xf, of = x.reshape(-1), out.reshape(-1)
    for i in range(xf.shape[0]):
        xi = xf[i]
        of[i] = _log1p(_exp(-abs(xi))) + (xi if xi > _ZERO else _ZERO)


def _softplus_grad(x, dy, out):
    # activations._softplus_grad: sigmoid(x) * dy
    xf, df, of = x.reshape(-1), dy.reshape(-1), out.reshape(-1)
    for i in range(xf.shape[0]):
        of[i] = _logistic(xf[i]) * df[i]


def _silu(x, out):
    # activations.silu: sigmoid(x) * x
    xf, of = x.reshape(-1), out.reshape(-1)
    for i in range(xf.shape[0]):
        xi = xf[i]
        of[i] = _logistic(xi) * xi


def _silu_grad(x, dy, out):
    # activations._silu_grad: s = sigmoid(x); ((1 - s) * x + 1) * s * dy
    xf, df, of = x.reshape(-1), dy.reshape(-1), out.reshape(-1)
    for i in range(xf.shape[0]):
        xi = xf[i]
        s = _logistic(xi)
        of[i] = ((_ONE - s) * xi + _ONE) * s * df[i]


def _gelu(x, sqrt_half, out):
    # activations.gelu: (erf(x * sqrt_half) + 1) * x / 2
    xf, of = x.reshape(-1), out.reshape(-1)
    two = _ONE + _ONE
    for i in range(xf.shape[0]):
        xi = xf[i]
        of[i] = (_erf(xi * sqrt_half) + _ONE) * xi / two


def _gelu_grad(x, dy, sqrt_half, inv_sqrt_2pi, out):
    # activations._gelu_grad: ((erf(x * sqrt_half) + 1) * 0.5
    #                          + exp(x * x * -0.5) * inv_sqrt_2pi * x) * dy
    xf, df, of = x.reshape(-1), dy.reshape(-1), out.reshape(-1)
    for i in range(xf.shape[0]):
        xi = xf[i]
        cdf = (_erf(xi * sqrt_half) + _ONE) * _HALF
        pdf = _exp(xi * xi * -_HALF) * inv_sqrt_2pi * xi
        of[i] = (cdf + pdf) * df[i]


def _gelu_tanh(x, a, c, coef, out):
    # activations.gelu(approximate=True): (tanh((x * x * x * a + x) * c) + 1) * 0.5 * x
    xf, of = x.reshape(-1), out.reshape(-1)
    k = _tanh_constants(coef)
    for i in range(xf.shape[0]):
        xi = xf[i]
        of[i] = (_tanh_of((xi * xi * xi * a + xi) * c, k) + _ONE) * _HALF * xi


def _gelu_tanh_grad(x, dy, a, a3, c, coef, out):
    # activations._gelu_grad(approximate=True): x2 = x * x; t = tanh((x2 * a + 1) * x * c);
    # du = (x2 * a3 + 1) * c * x * (1 - t * t); (t + 1 + du) * 0.5 * dy
    xf, df, of = x.reshape(-1), dy.reshape(-1), out.reshape(-1)
    k = _tanh_constants(coef)
    for i in range(xf.shape[0]):
        xi = xf[i]
        x2 = xi * xi
        t = _tanh_of((x2 * a + _ONE) * xi * c, k)
        du = (x2 * a3 + _ONE) * c * xi * (_ONE - t * t)
        of[i] = (t + _ONE + du) * _HALF * df[i]


def _scatter_add_rows(table, index, rows):
    # layers/embedding.py: np.add.at(table, index, rows), i.e. table[index[i]] += rows[i]
    # for i in order. Returns the number of indices outside the table (then nothing is
    # added: the caller's NumPy code raises NumPy's IndexError).
    n = table.shape[0]
    bad = 0
    for i in range(index.shape[0]):
        if index[i] < 0 or index[i] >= n:
            bad += 1
    if bad:
        return bad
    for i in range(index.shape[0]):
        dst, src = table[index[i]], rows[i]
        for c in range(dst.shape[0]):
            dst[c] += src[c]
    return 0


def _lstm_step(z, hr_product, c, coef, gates, c_new, ac, h):
    # layers/lstm.py, one step with the default activations: z += h_prev @ R (given as
    # `hr_product`); i, f, o = sigmoid(z's quarters), g = tanh(z's third quarter);
    # c_new = f * c + i * g; ac = tanh(c_new); h = o * ac. (sigmoid and tanh as the fused
    # activation kernels compute them.) Short loops over one row each: with few arrays in a
    # loop, LLVM vectorizes it.
    k = _tanh_constants(coef)
    U = c.shape[1]
    for b in range(c.shape[0]):
        zr, gr, cr, nr, ar, hr = z[b], gates[b], c[b], c_new[b], ac[b], h[b]
        pr = hr_product[b]
        for j in range(4 * U):
            zr[j] = zr[j] + pr[j]
        for j in range(2 * U):
            gr[j] = _logistic(zr[j])
        for j in range(2 * U, 3 * U):
            gr[j] = _tanh_of(zr[j], k)
        for j in range(3 * U, 4 * U):
            gr[j] = _logistic(zr[j])
        for u in range(U):
            nr[u] = gr[U + u] * cr[u] + gr[u] * gr[2 * U + u]
        for u in range(U):
            ar[u] = _tanh_of(nr[u], k)
        for u in range(U):
            hr[u] = gr[3 * U + u] * ar[u]


def _lstm_step_grad(gates, c_prev, ac, gh, dc, one, dz):
    # layers/lstm.py _sequence_backward, one step, sigmoid / tanh gradients in the NumPy
    # code's order: dz_o = (1-o) * o * (gh*ac); dc += (1 - ac*ac) * (gh*o);
    # dz_i = (1-i) * i * (dc*g); dz_f = (1-f) * f * (dc*c_prev); dz_g = (1 - g*g) * (dc*i);
    # then dc *= f (in place in dc)
    U = dc.shape[1]
    for b in range(dc.shape[0]):
        gr, zr, ar, hr, dr, pr = gates[b], dz[b], ac[b], gh[b], dc[b], c_prev[b]
        for u in range(U):
            o = gr[3 * U + u]
            zr[3 * U + u] = (one - o) * o * (hr[u] * ar[u])
        for u in range(U):
            a = ar[u]
            dr[u] = dr[u] + (one - a * a) * (hr[u] * gr[3 * U + u])
        for u in range(U):
            i = gr[u]
            zr[u] = (one - i) * i * (dr[u] * gr[2 * U + u])
        for u in range(U):
            f = gr[U + u]
            zr[U + u] = (one - f) * f * (dr[u] * pr[u])
        for u in range(U):
            g = gr[2 * U + u]
            zr[2 * U + u] = (one - g * g) * (dr[u] * gr[u])
        for u in range(U):
            dr[u] = dr[u] * gr[U + u]


# Window kernels on channels-last 4-D arrays `(batch, rows, cols, channels)` (1-D layers
# pass a view with one row). Each reads or writes the windows in the order of
# layers/conv_utils.py's NumPy code: kernel offsets in row-major order, outermost.


def _max_pool2d(x, y, index, ph, pw, sh, sw, keep):
    # layers/base_pooling.py: y = the window's first element; then for each later offset k
    # (row-major), a strictly greater value, or a NaN, replaces it (and index = k, with
    # `keep`): a NaN in a window gives NaN, as XLA's max does
    B, OH, OW, C = y.shape
    for b in range(B):
        for oh in range(OH):
            for ow in range(OW):
                r0, c0 = oh * sh, ow * sw
                yr = y[b, oh, ow]
                ir = index[b, oh, ow] if keep else index[0, 0, 0]
                first = x[b, r0, c0]
                for c in range(C):
                    yr[c] = first[c]
                if keep:
                    for c in range(C):
                        ir[c] = 0
                k = 0
                for i in range(ph):
                    for j in range(pw):
                        if k > 0:
                            row = x[b, r0 + i, c0 + j]
                            for c in range(C):
                                v = row[c]
                                better = (v > yr[c]) | (v != v)
                                yr[c] = v if better else yr[c]
                                if keep:
                                    ir[c] = k if better else ir[c]
                        k += 1


def _max_pool2d_grad(dy, index, ph, pw, sh, sw, dx):
    # layers/base_pooling.py: for each offset k in turn, dx[window k] += dy where index == k.
    # Windows that do not overlap give each dx element one term at most, so the order of
    # the loops does not matter there; overlapping ones keep the offsets outermost.
    B, OH, OW, C = dy.shape
    if sh >= ph and sw >= pw:
        for b in range(B):
            for oh in range(OH):
                for ow in range(OW):
                    d, ir = dy[b, oh, ow], index[b, oh, ow]
                    k = 0
                    for i in range(ph):
                        for j in range(pw):
                            out = dx[b, oh * sh + i, ow * sw + j]
                            for c in range(C):
                                if ir[c] == k:
                                    out[c] += d[c]
                            k += 1
        return
    k = 0
    for i in range(ph):
        for j in range(pw):
            for b in range(B):
                for oh in range(OH):
                    for ow in range(OW):
                        d, ir = dy[b, oh, ow], index[b, oh, ow]
                        out = dx[b, oh * sh + i, ow * sw + j]
                        for c in range(C):
                            if ir[c] == k:
                                out[c] += d[c]
            k += 1


def _im2col2d(x, sh, sw, dh, dw, cols):
    # layers/conv_utils.py windows: cols[n, oh, ow, i, j, c] = x[n, oh*sh + i*dh, ow*sw + j*dw, c]
    B, OH, OW, KH, KW, C = cols.shape
    if C < 8:
        # few channels (an image's first layer): a loop over C would run 1-3 times, so run
        # along the output row instead (3.3x as fast for one channel)
        for b in range(B):
            for oh in range(OH):
                for i in range(KH):
                    xr = x[b, oh * sh + i * dh]
                    for j in range(KW):
                        for c in range(C):
                            for ow in range(OW):
                                cols[b, oh, ow, i, j, c] = xr[ow * sw + j * dw, c]
        return
    for b in range(B):
        for oh in range(OH):
            for ow in range(OW):
                for i in range(KH):
                    for j in range(KW):
                        r, q = oh * sh + i * dh, ow * sw + j * dw
                        for c in range(C):
                            cols[b, oh, ow, i, j, c] = x[b, r, q, c]


def _col2im2d(cols, sh, sw, dh, dw, out):
    # layers/conv_utils.py add_windows: for each kernel offset (i, j) in turn,
    # out[n, oh*sh + i*dh, ow*sw + j*dw, c] += cols[n, oh, ow, i, j, c]
    B, OH, OW, KH, KW, C = cols.shape
    for i in range(KH):
        for j in range(KW):
            for b in range(B):
                for oh in range(OH):
                    r = oh * sh + i * dh
                    for ow in range(OW):
                        q = ow * sw + j * dw
                        for c in range(C):
                            out[b, r, q, c] += cols[b, oh, ow, i, j, c]


# Functions the kernels call, compiled (and bound to these names) before any kernel.
_HELPERS = (
    *("_decayed", "_moments", "_maximum", "_clip", "_clip_slope"),
    *("_block_sum", "_row_sum", "_bad_labels", "_tanh_constants", "_tanh_of"),
)

_PYTHON_KERNELS = {
    "lstm_step": _lstm_step,
    "lstm_step_grad": _lstm_step_grad,
    "scatter_add_rows": _scatter_add_rows,
    "max_pool2d": _max_pool2d,
    "max_pool2d_grad": _max_pool2d_grad,
    "im2col2d": _im2col2d,
    "col2im2d": _col2im2d,
    "bn_stats": _bn_stats,
    "bn_apply": _bn_apply,
    "bn_grad": _bn_grad,
    "bias_tanh": _bias_tanh,
    "tanh": _tanh,
    "tanh_grad": _tanh_grad,
    "grad_transform": _grad_transform,
    "adam": _adam,
    "adam_amsgrad": _adam_amsgrad,
    "nadam": _nadam,
    "adamax": _adamax,
    "adagrad": _adagrad,
    "sgd": _sgd,
    "sgd_momentum": _sgd_momentum,
    "rmsprop": _rmsprop,
    "leaky_relu": _leaky_relu,
    "bias_leaky_relu": _bias_leaky_relu,
    "leaky_relu_grad": _leaky_relu_grad,
    "bias_relu": _bias_relu,
    "relu_grad": _relu_grad,
    "dropout": _dropout,
    "row_max_subtract": _row_max_subtract,
    "row_divide_by_sum": _row_divide_by_sum,
    "softmax_grad": _softmax_grad,
    "sparse_ce_probs": _sparse_ce_probs,
    "sparse_ce_probs_grad": _sparse_ce_probs_grad,
    "row_sums": _row_sums,
    "sparse_ce_logits": _sparse_ce_logits,
    "sparse_ce_logits_grad": _sparse_ce_logits_grad,
    "sparse_argmax_hits": _sparse_argmax_hits,
    "cce_probs": _cce_probs,
    "cce_values": _cce_values,
    "cce_probs_grad": _cce_probs_grad,
    "cce_logits_grad": _cce_logits_grad,
    "bce_terms": _bce_terms,
    "bce_values": _bce_values,
    "bce_grad": _bce_grad,
    "sigmoid": _sigmoid,
    "sigmoid_grad": _sigmoid_grad,
    "elu": _elu,
    "elu_grad": _elu_grad,
    "softplus": _softplus,
    "softplus_grad": _softplus_grad,
    "silu": _silu,
    "silu_grad": _silu_grad,
    "gelu": _gelu,
    "gelu_grad": _gelu_grad,
    "gelu_tanh": _gelu_tanh,
    "gelu_tanh_grad": _gelu_tanh_grad,
}

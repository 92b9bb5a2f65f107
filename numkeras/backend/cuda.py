"""Fused element-wise kernels for CuPy: one GPU kernel where the generic code launches several.

On a GPU a small model's step is bound by kernel launches, not arithmetic: CuPy spends
~9-20 us of host time on each call (measured on an H200 by scripts/gpu_profile.py), and
the generic code runs 3 ops for a LeakyReLU, 12 for an Adam update and ~20 for a Dropout
mask. The kernels here do each of
those in one launch. They are the `backend.fused` kernels of the same names (same
arguments, same per-element arithmetic in the same order), compiled by CuPy with
`--fmad=false`, so no multiply-add is contracted: every operation rounds as the generic
code's separate ops do, and the results are the generic CuPy code's, bit for bit (tested
in tests/backend/test_cupy.py on a GPU).

`fused.run(name, ...)` dispatches here when the array module is CuPy; a name not below
returns None there, and the caller runs its generic code.
"""

from __future__ import annotations

from collections.abc import Callable

# np.maximum(a, b) semantics (NaN if either is NaN), as backend/fused.py's _maximum
_PREAMBLE = """
template <typename T> __device__ T nk_maximum(T a, T b) { return (a >= b || a != a) ? a : b; }
__device__ unsigned int nk_fmix32(unsigned int h) {
    h ^= h >> 16; h *= 0x85EBCA6Bu; h ^= h >> 13; h *= 0xC2B2AE35u; h ^= h >> 16;
    return h;
}
"""

# name: (in_params, out_params, operation); wrappers below map fused.run's argument order
_SOURCES = {
    "leaky_relu": ("T x, T slope", "T y", "y = nk_maximum<T>(x * slope, x)"),
    "bias_leaky_relu": (
        "T b, T slope, bool keep",
        "T z, T y",
        "T s = z + b; if (keep) { z = s; } y = nk_maximum<T>(s * slope, s)",
    ),
    "leaky_relu_grad": ("T x, T above, T below", "T dy", "dy = dy * (x >= 0 ? above : below)"),
    "bias_relu": ("T b, T zero", "T z", "T s = z + b; z = (s > 0 || s != s) ? s : zero"),
    "relu_grad": ("T x, T one, T zero", "T dy", "dy = dy * (x > 0 ? one : zero)"),
    "dropout": (
        "T x, uint32 key0, uint32 key1, uint32 threshold, T scale, T zero",
        "T mask, T y",
        # backend/random.py's counter_bits: fmix32(fmix32(i * GOLDEN + key0) ^ key1)
        "unsigned int h = nk_fmix32((unsigned int)i * 0x9E3779B9u + key0);"
        "h = nk_fmix32(h ^ key1);"
        "T k = h >= threshold ? scale : zero; mask = k; y = x * k",
    ),
    "adam": (
        "T g, T alpha, T c1, T c2, T eps, T wd, T lr, bool decay",
        "T p, T m, T v",
        # optimizers/adam.py's update_step, with decoupled weight decay first
        "T mi = m + (g - m) * c1; T vi = v + (g * g - v) * c2; m = mi; v = vi;"
        "T pd = decay ? p - p * wd * lr : p;"
        "p = pd - mi / (sqrt(vi) + eps) * alpha",
    ),
}

# fused.run's argument order -> (inputs..., outputs...) of the kernel
_ORDER: dict[str, Callable] = {
    "leaky_relu": lambda x, slope, out: (x, slope, out),
    "bias_leaky_relu": lambda z, b, slope, keep, out: (b, slope, bool(keep), z, out),
    "leaky_relu_grad": lambda x, dy, above, below: (x, above, below, dy),
    "bias_relu": lambda z, b, zero: (b, zero, z),
    "relu_grad": lambda x, dy, one, zero: (x, one, zero, dy),
    "dropout": lambda *args: args,  # (x, key0, key1, threshold, scale, zero, mask, out)
    # (alpha, c1, c2, eps, wd, lr, decay) stay in order; the three arrays written go last
    "adam": lambda p, g, m, v, *scalars: (g, *scalars[:-1], bool(scalars[-1]), p, m, v),
}

_compiled: dict[str, object] = {}


def kernel_names() -> list[str]:
    return sorted(_SOURCES)


def run(cupy, name: str, args: tuple) -> bool | None:
    """Run kernel `name` with `fused.run`'s arguments on CuPy arrays; True if it ran, None
    when there is no such kernel or an array is not a C-contiguous float32/float64 one."""
    source = _SOURCES.get(name)
    if source is None:
        return None
    for a in args:
        if isinstance(a, cupy.ndarray) and not (a.flags.c_contiguous and a.dtype.char in "fd"):
            return None
    kernel = _compiled.get(name)
    if kernel is None:
        in_params, out_params, operation = source
        kernel = _compiled[name] = cupy.ElementwiseKernel(
            in_params,
            out_params,
            operation,
            name=f"numkeras_{name}",
            preamble=_PREAMBLE,
            options=("--fmad=false",),
        )
    kernel(*_ORDER[name](*args))
    return True

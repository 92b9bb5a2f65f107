"""Random initializers with Keras 3 names, defaults, configs and formulas.

Seeds:

- `seed=<int>`: deterministic; every call returns the same values (as in Keras 3).
- `seed=None`: each call draws fresh values from `numkeras.backend.random`'s global
  generator, so `numkeras.utils.set_random_seed(s)` makes a whole run reproducible.
  Deviation: Keras 3 instead picks a hidden seed when the initializer is constructed
  and reuses it, so one unseeded instance shared by two layers gives both the same
  weights; numkeras never does that.

>>> from numkeras.initializers import GlorotUniform
>>> w = GlorotUniform(seed=0)((784, 256))
>>> w.dtype, bool(abs(w).max() <= (6 / (784 + 256)) ** 0.5)
(dtype('float32'), True)
"""

from __future__ import annotations

import math

import numpy as np

from numkeras.backend import random as nk_random
from numkeras.errors import ConfigError, ShapeError, did_you_mean, format_shape
from numkeras.initializers.initializer import (
    Initializer,
    python_number,
    standardize_dtype,
    standardize_shape,
    to_backend,
)

# Std of a standard normal truncated to [-2, 2]; VarianceScaling divides by it so the
# truncated draw has the requested std (Keras's constant).
_TRUNCATED_STD = 0.87962566103423978


# ----------------------------------------------------------------------------- sampling
def _generator(seed: int | None) -> np.random.Generator:
    if seed is None:
        return nk_random.global_generator()  # looked up per call: set_seed rebinds it
    return np.random.default_rng(seed % 2**64)  # default_rng rejects negative seeds


def _draw_dtype(dtype: np.dtype) -> np.dtype:
    # NumPy's generators draw float32 and float64 natively; float16 goes via float32.
    return dtype if dtype in (np.float32, np.float64) else np.dtype(np.float32)


def _finish(z: np.ndarray, dtype: np.dtype, scale: float, shift: float):
    if scale != 1.0:
        z *= scale
    if shift != 0.0:
        z += shift
    return to_backend(z.astype(dtype, copy=False))


def normal(shape, dtype, mean: float, stddev: float, seed: int | None):
    """Samples from N(mean, stddev^2) as a `backend.xp` array of `dtype`."""
    z = _generator(seed).standard_normal(shape, dtype=_draw_dtype(dtype))
    return _finish(z, dtype, stddev, mean)


def truncated_normal(shape, dtype, mean: float, stddev: float, seed: int | None):
    """N(mean, stddev^2) with draws beyond 2 stddev resampled (as Keras/TF/JAX)."""
    rng = _generator(seed)
    draw = _draw_dtype(dtype)
    z = rng.standard_normal(shape, dtype=draw)
    flat = z.reshape(-1)  # a view: z is freshly allocated and contiguous
    bad = np.flatnonzero(np.abs(flat) > 2.0)
    while bad.size:  # ~4.6% per round, so a handful of rounds
        flat[bad] = rng.standard_normal(bad.size, dtype=draw)
        bad = bad[np.abs(flat[bad]) > 2.0]
    return _finish(z, dtype, stddev, mean)


def uniform(shape, dtype, minval: float, maxval: float, seed: int | None):
    """Samples from U[minval, maxval) as a `backend.xp` array of `dtype`."""
    u = _generator(seed).random(shape, dtype=_draw_dtype(dtype))
    return _finish(u, dtype, maxval - minval, minval)


def compute_fans(shape, input_axes=None, output_axes=None) -> tuple[int, int]:
    """(fan_in, fan_out) exactly as Keras 3 computes them.

    Rank 0: (1, 1); rank 1: (n, n); rank 2: (in, out); rank >= 3 (conv kernels,
    `(..., in, out)`): both multiplied by the receptive field size. Explicit
    `input_axes`/`output_axes` multiply the sizes of those axes instead.

    >>> compute_fans((3, 3, 64, 32))
    (576, 288)
    """
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        fan_in = math.prod(shape[a] for a in input_axes)
        fan_out = math.prod(shape[a] for a in output_axes)
        return int(fan_in), int(fan_out)
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return int(shape[0]), int(shape[0])
    if len(shape) == 2:
        return int(shape[0]), int(shape[1])
    receptive_field = math.prod(shape[:-2])
    return int(shape[-2] * receptive_field), int(shape[-1] * receptive_field)


# ----------------------------------------------------------------------------- base
def _check_seed(seed):
    if isinstance(seed, dict):  # a serialized keras.random.SeedGenerator
        seed = (seed.get("config") or {}).get("seed")
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ConfigError(
            f"`seed` must be an int or None; received seed={seed!r} (type {type(seed).__name__})."
        )
    return int(seed)


class RandomInitializer(Initializer):
    """Base of the random initializers: holds and validates `seed` (int or None)."""

    def __init__(self, seed=None):
        self.seed = _check_seed(seed)

    def get_config(self) -> dict:
        return {"seed": self.seed}


def _check_stddev(stddev):
    stddev = python_number(stddev, "stddev")
    if stddev < 0:
        raise ConfigError(f"`stddev` must be >= 0; received stddev={stddev}.")
    return stddev


class RandomNormal(RandomInitializer):
    """Normal distribution N(mean, stddev^2).

    >>> w = RandomNormal(stddev=0.02, seed=1)((3, 4))
    >>> w.shape, w.dtype
    ((3, 4), dtype('float32'))
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = python_number(mean, "mean")
        self.stddev = _check_stddev(stddev)
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        shape = standardize_shape(shape)
        dtype = standardize_dtype(dtype, float_only=True)
        return normal(shape, dtype, self.mean, self.stddev, self.seed)

    def get_config(self) -> dict:
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class TruncatedNormal(RandomInitializer):
    """Normal distribution N(mean, stddev^2), values beyond 2 stddev redrawn.

    >>> w = TruncatedNormal(stddev=1.0, seed=1)((1000,))
    >>> bool(abs(w).max() <= 2.0)
    True
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = python_number(mean, "mean")
        self.stddev = _check_stddev(stddev)
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        shape = standardize_shape(shape)
        dtype = standardize_dtype(dtype, float_only=True)
        return truncated_normal(shape, dtype, self.mean, self.stddev, self.seed)

    def get_config(self) -> dict:
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class RandomUniform(RandomInitializer):
    """Uniform distribution on [minval, maxval).

    >>> w = RandomUniform(-1.0, 1.0, seed=1)((1000,))
    >>> bool(w.min() >= -1.0 and w.max() < 1.0)
    True
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval = python_number(minval, "minval")
        self.maxval = python_number(maxval, "maxval")
        if self.minval > self.maxval:
            raise ConfigError(
                f"RandomUniform needs minval <= maxval; received minval={self.minval}, "
                f"maxval={self.maxval}. Swap them."
            )
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        shape = standardize_shape(shape)
        dtype = standardize_dtype(dtype, float_only=True)
        return uniform(shape, dtype, self.minval, self.maxval, self.seed)

    def get_config(self) -> dict:
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}


# ----------------------------------------------------------------------------- variance scaling
_MODES = ("fan_in", "fan_out", "fan_avg")
_DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")


def _choice_error(arg: str, value, allowed) -> ConfigError:
    hint = did_you_mean(value, allowed)
    return ConfigError(
        f"Invalid `{arg}` argument: {value!r}.{hint} Use one of {', '.join(map(repr, allowed))}."
    )


class VarianceScaling(RandomInitializer):
    """Samples scaled to the weight's fan: `scale / n` is the target variance.

    `n` is fan_in, fan_out or their average (`mode`). `distribution`:
    `"truncated_normal"` (std `sqrt(scale / n) / 0.87962566103423978`, truncated at
    2 std so the result has std `sqrt(scale / n)`), `"untruncated_normal"` (std
    `sqrt(scale / n)`) or `"uniform"` (on `[-limit, limit]`, `limit = sqrt(3 * scale / n)`).
    `"normal"` is accepted and means `"truncated_normal"`, as in Keras.

    >>> init = VarianceScaling(scale=2.0, mode="fan_in", distribution="uniform", seed=0)
    >>> bool(abs(init((100, 10))).max() <= (3 * 2.0 / 100) ** 0.5)
    True
    """

    def __init__(
        self,
        scale=1.0,
        mode="fan_in",
        distribution="truncated_normal",
        seed=None,
        input_axes=None,
        output_axes=None,
    ):
        scale = python_number(scale, "scale")
        if scale <= 0.0:
            raise ConfigError(f"Argument `scale` must be a positive float; received scale={scale}.")
        if mode not in _MODES:
            raise _choice_error("mode", mode, _MODES)
        if not isinstance(distribution, str):
            raise _choice_error("distribution", distribution, _DISTRIBUTIONS)
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in _DISTRIBUTIONS:
            raise _choice_error("distribution", distribution, _DISTRIBUTIONS)
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.input_axes = input_axes
        self.output_axes = output_axes
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        shape = standardize_shape(shape)
        dtype = standardize_dtype(dtype, float_only=True)
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        scale = self.scale
        if self.mode == "fan_in":
            scale /= max(1.0, fan_in)
        elif self.mode == "fan_out":
            scale /= max(1.0, fan_out)
        else:
            scale /= max(1.0, (fan_in + fan_out) / 2.0)
        if self.distribution == "truncated_normal":
            stddev = math.sqrt(scale) / _TRUNCATED_STD
            return truncated_normal(shape, dtype, 0.0, stddev, self.seed)
        if self.distribution == "untruncated_normal":
            return normal(shape, dtype, 0.0, math.sqrt(scale), self.seed)
        limit = math.sqrt(3.0 * scale)
        return uniform(shape, dtype, -limit, limit, self.seed)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


class _FixedVarianceScaling(VarianceScaling):
    """A VarianceScaling preset; its config holds only seed and the fan axes."""

    _SCALE = 1.0
    _MODE = "fan_in"
    _DISTRIBUTION = "truncated_normal"

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        super().__init__(
            scale=self._SCALE,
            mode=self._MODE,
            distribution=self._DISTRIBUTION,
            seed=seed,
            input_axes=input_axes,
            output_axes=output_axes,
        )

    def get_config(self) -> dict:
        return {"seed": self.seed, "input_axes": self.input_axes, "output_axes": self.output_axes}


class GlorotUniform(_FixedVarianceScaling):
    """Glorot (Xavier) uniform: U[-limit, limit], `limit = sqrt(6 / (fan_in + fan_out))`.

    Keras's default kernel initializer for Dense.

    >>> GlorotUniform(seed=0)
    GlorotUniform(seed=0)
    """

    _SCALE, _MODE, _DISTRIBUTION = 1.0, "fan_avg", "uniform"


class GlorotNormal(_FixedVarianceScaling):
    """Glorot (Xavier) normal: truncated normal, std `sqrt(2 / (fan_in + fan_out))`.

    >>> GlorotNormal(seed=0)((4, 4)).shape
    (4, 4)
    """

    _SCALE, _MODE, _DISTRIBUTION = 1.0, "fan_avg", "truncated_normal"


class HeNormal(_FixedVarianceScaling):
    """He normal: truncated normal, std `sqrt(2 / fan_in)`.

    >>> HeNormal(seed=0)((4, 4)).shape
    (4, 4)
    """

    _SCALE, _MODE, _DISTRIBUTION = 2.0, "fan_in", "truncated_normal"


class HeUniform(_FixedVarianceScaling):
    """He uniform: U[-limit, limit], `limit = sqrt(6 / fan_in)`.

    >>> HeUniform(seed=0)((4, 4)).shape
    (4, 4)
    """

    _SCALE, _MODE, _DISTRIBUTION = 2.0, "fan_in", "uniform"


class LecunNormal(_FixedVarianceScaling):
    """LeCun normal: truncated normal, std `sqrt(1 / fan_in)` (pairs with selu).

    >>> LecunNormal(seed=0)((4, 4)).shape
    (4, 4)
    """

    _SCALE, _MODE, _DISTRIBUTION = 1.0, "fan_in", "truncated_normal"


class LecunUniform(_FixedVarianceScaling):
    """LeCun uniform: U[-limit, limit], `limit = sqrt(3 / fan_in)`.

    >>> LecunUniform(seed=0)((4, 4)).shape
    (4, 4)
    """

    _SCALE, _MODE, _DISTRIBUTION = 1.0, "fan_in", "uniform"


# ----------------------------------------------------------------------------- orthogonal
class Orthogonal(RandomInitializer):
    """A (semi-)orthogonal matrix times `gain`, from the QR of a normal matrix.

    Shapes of rank > 2 are flattened to `(prod(shape[:-1]), shape[-1])` first.

    >>> import numpy as np
    >>> q = Orthogonal(seed=0)((4, 4))
    >>> bool(np.allclose(q.T @ q, np.eye(4), atol=1e-5))
    True
    """

    def __init__(self, gain=1.0, seed=None):
        self.gain = python_number(gain, "gain")
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        shape = standardize_shape(shape)
        dtype = standardize_dtype(dtype, float_only=True)
        if len(shape) < 2:
            raise ShapeError(
                f"Orthogonal needs a shape of rank >= 2; received {format_shape(shape)} "
                f"of rank {len(shape)}."
            )
        num_rows = math.prod(shape[:-1])
        num_cols = shape[-1]
        flat_shape = (max(num_rows, num_cols), min(num_rows, num_cols))
        # QR in float64 for accuracy; the result is cast to `dtype` at the end.
        a = _generator(self.seed).standard_normal(flat_shape)
        q, r = np.linalg.qr(a)
        d = np.sign(np.diag(r))
        d[d == 0] = 1.0  # keep a column even if r has an exact zero on its diagonal
        q *= d
        if num_rows < num_cols:
            q = q.T
        q = q.reshape(shape)
        if self.gain != 1:
            q *= self.gain
        return to_backend(q.astype(dtype))

    def get_config(self) -> dict:
        return {**super().get_config(), "gain": self.gain}

"""`RandomGaussianBlur(factor=1.0, kernel_size=3, sigma=1.0, value_range=(0, 255),
data_format=None, seed=None)`: in training, blur some images with a Gaussian filter;
at inference (`training=False`), the identity.

Per image (as Keras 3): a blur probability `p` is drawn from `factor`'s range (a number
`f` in [0, 1] gives `(0, f)`) and the image is blurred when a uniform draw in [0, 1) is
below `p`. One pair of standard deviations `(sigma_x, sigma_y)` is drawn per batch from
`sigma`'s range (a number `s` in [0, 1] gives `(0, s)`), plus 1e-6. `kernel_size` is an
odd integer or a pair of odd integers `(width, height)` (columns first, as Keras's
`gaussian_blur`). The filter is Keras's `ops.image.gaussian_blur` (a normalised,
separable Gaussian, zero padding, "same" size); the whole batch is then clipped to
`value_range`. The backward pass is exact: the filter is symmetric, so its transpose is
itself (zero where the output was clipped).

A direct call without `training=` augments, as Keras's. Bad arguments raise ConfigError.

>>> import numpy as np
>>> x = np.zeros((1, 1, 3, 1)); x[0, 0, 1, 0] = 100.0
>>> layer = RandomGaussianBlur(kernel_size=(3, 1))
>>> t = {"should_apply_blur": [True], "blur_factor": [1.0, 1.0]}
>>> layer.transform_images(x, t)[0, 0, :, 0].round(2)
array([27.41, 45.19, 27.41], dtype=float32)
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError
from numkeras.layers import image_utils as iu
from numkeras.utils.checks import is_int


def _kernel_size(value) -> tuple:
    values = value if isinstance(value, (tuple, list)) else [value, value]
    if len(values) != 2 or not all(is_int(v) and v > 0 and v % 2 == 1 for v in values):
        raise ConfigError(
            "RandomGaussianBlur: `kernel_size` must be an odd positive integer or a pair of "
            f"them (width, height). Received: kernel_size={value!r}"
        )
    return int(values[0]), int(values[1])


def _sigma(value) -> tuple:
    try:
        return iu.base_factor("RandomGaussianBlur", value, bounds=(0, 1))
    except ConfigError:
        raise ConfigError(
            "RandomGaussianBlur: the `sigma` argument should be a number (or a list of two "
            f"numbers) in the range [0, 1]. Received: sigma={value!r}"
        ) from None


def gaussian_kernel(size: int, sigma: float, dtype=np.float32) -> np.ndarray:
    """Keras's normalised 1-D Gaussian of `size` taps."""
    t = np.dtype(dtype).type
    taps = np.arange(size, dtype=dtype) - t((size - 1) / 2)
    kernel = np.exp(t(-0.5) * (taps / t(sigma)) ** 2)
    return kernel / np.sum(kernel)


def gaussian_matrix(n: int, size: int, sigma: float, dtype=np.float32):
    """The `(n, n)` matrix of a 1-D "same" correlation with Keras's normalised Gaussian of
    `size` taps (zero padding)."""
    t = np.dtype(dtype).type
    kernel = gaussian_kernel(size, sigma, dtype)
    i = np.arange(n)
    offset = i[None, :] - i[:, None] + (size - 1) // 2  # out row i reads input column j
    inside = (offset >= 0) & (offset < size)
    return np.where(inside, kernel[np.clip(offset, 0, size - 1)], t(0)).astype(dtype)


class _Blur:
    def __init__(self, rows, cols, apply, mask):
        self.rows, self.cols = rows, cols
        self.apply = apply
        self.mask = mask

    def transpose(self, g, data_format: str):
        g = g * self.mask
        h_axis, w_axis = iu.spatial_axes(4, data_format)
        blurred = iu.along(iu.along(g, self.cols.T, w_axis), self.rows.T, h_axis)
        return backend.xp.where(self.apply, blurred, g)


class RandomGaussianBlur(iu.DrawLayer):
    masks_follow = "keep"  # (a dict's segmentation masks pass unchanged, as Keras's)

    def __init__(
        self,
        factor=1.0,
        kernel_size=3,
        sigma=1.0,
        value_range=(0, 255),
        data_format=None,
        seed: int | None = None,
        **kwargs,
    ):
        name = type(self).__name__
        factor = iu.base_factor(name, factor, bounds=(0, 1))
        kernel_size = _kernel_size(kernel_size)
        sigma = _sigma(sigma)
        value_range = iu.check_value_range(name, value_range)
        super().__init__(data_format=data_format, **kwargs)
        self.factor = factor
        self.kernel_size = kernel_size
        self.sigma = sigma
        self.value_range = value_range
        self._set_seed(seed)

    def get_random_transformation(self, x) -> dict:
        generator = self._generator()
        batch = x.shape[0]
        probability = iu.uniform(generator, *self.factor, (batch,))
        apply = iu.uniform(generator, 0.0, 1.0, (batch,)) < probability
        sigma = iu.uniform(generator, *self.sigma, (2,)) + np.float32(1e-6)
        return {"should_apply_blur": apply, "blur_factor": sigma}

    def _apply(self, x, transformation: dict):
        xp = backend.xp
        sigma_x, sigma_y = (float(s) for s in np.asarray(transformation["blur_factor"]))
        h_axis, w_axis = iu.spatial_axes(4, self.data_format)
        rows = gaussian_matrix(x.shape[h_axis], self.kernel_size[1], sigma_y, x.dtype)
        cols = gaussian_matrix(x.shape[w_axis], self.kernel_size[0], sigma_x, x.dtype)
        blurred = iu.along(iu.along(x, rows, h_axis), cols, w_axis)
        apply = iu.batch_mask(transformation["should_apply_blur"])
        out = xp.where(apply, blurred, x)
        low, high = (x.dtype.type(v) for v in sorted(self.value_range))
        mask = (out >= low) & (out <= high)
        return xp.clip(out, low, high), _Blur(rows, cols, apply, mask)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "factor": self.factor,
            "kernel_size": self.kernel_size,
            "sigma": self.sigma,
            "value_range": self.value_range,
            "seed": self.seed,
        }

    def _repr_args(self) -> str:
        return f"factor={self.factor}, kernel_size={self.kernel_size}, sigma={self.sigma}"

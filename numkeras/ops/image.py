"""`numkeras.ops.image`: Keras 3's `keras.ops.image` functions, matching Keras on JAX.

Each function takes a 3-D image or a 4-D batch (`data_format` "channels_last" or
"channels_first", default `numkeras.backend.image_data_format()`) and keeps float32 as
float32. On arrays it computes; on symbolic tensors (from `Input`) it records an
`Operation` (module "keras.src.ops.image" in a model's config, as Keras writes it), so a
functional model that uses it predicts, trains, saves and loads.

Every operation has a hand-written backward pass, checked against finite differences:
the resamplings (`resize`, `affine_transform`, `perspective_transform`,
`elastic_transform`, `scale_and_translate`, `map_coordinates`), `crop_images`,
`pad_images`, `rgb_to_grayscale`, `gaussian_blur`, `sobel_edges` and `extract_patches`
are linear in the images; `rgb_to_hsv`, `hsv_to_rgb` and `ssim` are piecewise smooth
(at a kink the gradient takes one side). Transforms, coordinates, points, scales and
translations take no gradient (Keras documents the same for `affine_transform`).

Where numkeras does better than Keras on JAX (each documented at its function):
`affine_transform` refuses projective terms (`c0`, `c1`) that JAX silently ignores and
broadcasts one transform over a batch; `gaussian_blur` reads `image_data_format()` when
`data_format` is None (the eager JAX path treats the images as channels-first there) and
refuses non-positive sigmas (JAX gives NaN); `crop_images` refuses a window that leaves
the image (JAX clamps it silently).

>>> import numpy as np
>>> x = np.arange(12, dtype="float32").reshape(2, 2, 3)
>>> resize(x, (4, 4)).shape
(4, 4, 3)
>>> rgb_to_grayscale(x)[..., 0].round(3)
array([[0.815, 3.815],
       [6.814, 9.814]], dtype=float32)
>>> from numkeras.layers import Input
>>> resize(Input(shape=(5, 7, 3)), (4, 4))
<KerasTensor shape=(None, 4, 4, 3), dtype=float32, sparse=False, ragged=False, name=keras_tensor...>
"""

from __future__ import annotations

import itertools

import numpy as np

from numkeras import backend
from numkeras.errors import (
    ConfigError,
    FillValueRangeError,
    IncompatibleShapesError,
    ShapeError,
    did_you_mean,
    format_shape,
)
from numkeras.layers import conv_utils as cu
from numkeras.layers import image_utils as iu
from numkeras.layers.random_gaussian_blur import gaussian_kernel, gaussian_matrix
from numkeras.layers.random_grayscale import RGB_WEIGHTS
from numkeras.ops.operation import Operation, arr, shape_of
from numkeras.utils.checks import is_int

_F32 = np.float32


# -- helpers ------------------------------------------------------------------------------
def _choice(arg: str, value, allowed) -> str:
    """`value` if it is one of `allowed`, else Keras's ValueError (a ConfigError here)
    listing them, with the closest name."""
    if isinstance(value, str) and value in allowed:
        return value
    hint = did_you_mean(value, list(allowed))
    raise ConfigError(
        f"Invalid value for argument `{arg}`. Expected one of {tuple(allowed)}. "
        f"Received: {arg}={value!r}.{hint}"
    )


def _check_rank(shape, name: str = "images") -> None:
    if len(shape) not in (3, 4):
        raise ShapeError(
            f"Invalid {name} rank: expected rank 3 (single image) or rank 4 (batch of "
            f"images). Received: {name}.shape={format_shape(shape)}"
        )


def _images(x):
    """An eager image argument as a backend array."""
    a = arr(x)
    return backend.xp.asarray(a)


def _host(x) -> np.ndarray:
    """A small argument (transform, points, coordinates) as a host NumPy array."""
    return backend.to_numpy(backend.xp.asarray(arr(x)))


def _is_float(dtype) -> bool:
    return np.dtype(dtype).kind == "f"


def _float(x):
    """`x` itself when it is a float array, else `x` as float32 (as JAX computes on
    integer images)."""
    return x if _is_float(x.dtype) else x.astype(_F32)


def _to_int(y, dtype, rounding: str):
    """A float result back to the integer `dtype` of the input: "even" rounds half to
    even and saturates (Keras's `resize`), "away" rounds half away from zero (JAX's
    `map_coordinates`), "trunc" truncates (a plain cast)."""
    xp = backend.xp
    if rounding == "even":
        info = np.iinfo(dtype)
        y = xp.clip(xp.round(y), info.min, info.max)
    elif rounding == "away":
        y = xp.sign(y) * xp.floor(xp.abs(y) + 0.5)
    return y.astype(dtype)


def _fill_for(fill_value, dtype) -> float:
    """`fill_value` as a resampling of images of `dtype` reads it: JAX casts it to the
    images' dtype first, so an integer image's fill truncates (2.7 -> 2) and one outside
    the dtype's range is refused (OverflowError), not wrapped around."""
    if _is_float(dtype):
        return float(fill_value)
    if np.dtype(dtype).kind == "b":
        return float(bool(fill_value))
    value, info = int(np.trunc(float(fill_value))), np.iinfo(dtype)
    if not info.min <= value <= info.max:
        raise FillValueRangeError(
            f"fill_value={fill_value!r} does not fit images of dtype {np.dtype(dtype).name} "
            f"(expected a value in [{info.min}, {info.max}]); pass a fill value in that "
            "range, or cast the images to float32 first."
        )
    return float(value)


def _spatial(ndim: int, data_format: str) -> tuple:
    return iu.spatial_axes(ndim, data_format)


def _channel_axis(ndim: int, data_format: str) -> int:
    return ndim - 1 if data_format == "channels_last" else ndim - 3


def _batch(x):
    """`(x as a 4-D batch, whether it was a single image)`."""
    return (x[None], True) if x.ndim == 3 else (x, False)


def _pair(value, arg: str, kind=int, positive=True) -> tuple:
    """A pair of `kind` numbers (a single one is used twice)."""
    values = list(value) if isinstance(value, (list, tuple)) else [value, value]
    ok = len(values) == 2 and all(
        (is_int(v) if kind is int else iu.is_number(v)) and (v > 0 or not positive) for v in values
    )
    if not ok:
        what = "integers" if kind is int else "numbers"
        raise ConfigError(
            f"`{arg}` must be a pair of positive {what} (or one, used for both). "
            f"Received: {arg}={value!r}"
        )
    return tuple(kind(v) for v in values)


def _listed(value):
    if isinstance(value, (list, tuple)):
        return [_listed(v) for v in value]
    return value


class _ImageOp(Operation):
    """Base of the image operations: `data_format` (kept in the config as given, as
    Keras's automatic config does), the module Keras writes, and the images' dtype."""

    keras_module = "keras.src.ops.image"
    float_output = False  # integer images give float32 (the filters)

    def __init__(self, data_format=None, *, name=None):
        super().__init__(name=name)
        self._data_format_arg = data_format
        self.data_format = cu.standardize_data_format(data_format)

    def get_config(self) -> dict:
        return {"name": self.name, "data_format": self._data_format_arg}

    def output_dtype(self, images, *rest) -> str:
        return _dtype_of(images, self.float_output)


def _dtype_of(images, float_output: bool) -> str:
    dtype = str(getattr(images, "dtype", None) or backend.floatx())
    return backend.floatx() if float_output and not _is_float(dtype) else dtype


# -- resize ---------------------------------------------------------------------------------
class Resize(_ImageOp):
    """`resize(images, size, ...)` as `jax.image.resize` (via `image_utils.resize_plan`);
    linear, so the gradient applies the transposed interpolation matrices."""

    def __init__(
        self,
        size,
        interpolation="bilinear",
        antialias=False,
        crop_to_aspect_ratio=False,
        pad_to_aspect_ratio=False,
        fill_mode="constant",
        fill_value=0.0,
        data_format=None,
        *,
        name=None,
    ):
        super().__init__(data_format, name=name)
        if not isinstance(size, (list, tuple)) or len(size) != 2:
            raise ConfigError(
                f"Expected `size` to be a tuple of 2 integers. Received: size={size!r}"
            )
        if not all(is_int(s) for s in size) or size[0] <= 0 or size[1] <= 0:
            raise ConfigError(
                f"`size` must have positive height and width. Received: size={tuple(size)}"
            )
        _choice("interpolation", interpolation, iu.RESIZE_INTERPOLATIONS)
        if fill_mode != "constant":
            raise ConfigError(
                "Invalid value for argument `fill_mode`. Only `'constant'` is supported. "
                f"Received: fill_mode={fill_mode!r}"
            )
        if pad_to_aspect_ratio and crop_to_aspect_ratio:
            raise ConfigError(
                "Only one of `pad_to_aspect_ratio` & `crop_to_aspect_ratio` can be `True`."
            )
        self.size = (int(size[0]), int(size[1]))
        self.interpolation = interpolation
        self.antialias = bool(antialias)
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)
        self.pad_to_aspect_ratio = bool(pad_to_aspect_ratio)
        self.fill_mode = fill_mode
        self.fill_value = fill_value

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "size": list(self.size),
            "interpolation": self.interpolation,
            "antialias": self.antialias,
            "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
            "pad_to_aspect_ratio": self.pad_to_aspect_ratio,
            "fill_mode": self.fill_mode,
            "fill_value": self.fill_value,
        }

    def compute_output_spec(self, images):
        shape = list(shape_of(images))
        _check_rank(shape)
        h, w = _spatial(len(shape), self.data_format)
        shape[h], shape[w] = self.size
        return tuple(shape)

    def _forward(self, images):
        x = _images(images)
        _check_rank(x.shape)
        x4, single = _batch(x)
        h, w = _spatial(4, self.data_format)
        plan = iu.resize_plan(
            (x4.shape[h], x4.shape[w]),
            self.size,
            self.interpolation,
            self.antialias,
            self.crop_to_aspect_ratio,
            self.pad_to_aspect_ratio,
            float(self.fill_value),
        )
        out = plan.apply(_float(x4), self.data_format)
        if not _is_float(x.dtype):
            out = _to_int(out, x.dtype, "even")
        return (out[0] if single else out), (plan, single, x.dtype)

    def _backward(self, cache, grad, need):
        plan, single, dtype = cache
        if not _is_float(dtype):
            return (None,)
        g = grad[None] if single else grad
        gx = plan.transpose(g, self.data_format)
        return (gx[0] if single else gx,)


def resize(
    images,
    size,
    interpolation="bilinear",
    antialias=False,
    crop_to_aspect_ratio=False,
    pad_to_aspect_ratio=False,
    fill_mode="constant",
    fill_value=0.0,
    data_format=None,
):
    """Resize images to `size` (height, width) with `interpolation` ("bilinear",
    "nearest", "bicubic", "lanczos3", "lanczos5"), as Keras on JAX (`jax.image.resize`).

    `antialias` filters when downsampling; `crop_to_aspect_ratio` resizes the largest
    centred window of the target's aspect ratio; `pad_to_aspect_ratio` pads the short side
    evenly with `fill_value` first. Integer images are resized in float32, then rounded
    and saturated back to their dtype, as Keras does.

    >>> import numpy as np
    >>> x = np.array([[0.0, 1.0]], "float32").reshape(1, 2, 1)
    >>> resize(x, (1, 4))[..., 0]
    array([[0.  , 0.25, 0.75, 1.  ]], dtype=float32)
    """
    return Resize(
        size,
        interpolation=interpolation,
        antialias=antialias,
        crop_to_aspect_ratio=crop_to_aspect_ratio,
        pad_to_aspect_ratio=pad_to_aspect_ratio,
        fill_mode=fill_mode,
        fill_value=fill_value,
        data_format=data_format,
    )(images)


# -- affine and perspective transforms ---------------------------------------------------------
def _check_sampling(interpolation, fill_mode=None) -> int:
    order = ("nearest", "bilinear").index(
        _choice("interpolation", interpolation, iu.AFFINE_INTERPOLATIONS)
    )
    if fill_mode is not None:
        _choice("fill_mode", fill_mode, iu.AFFINE_FILL_MODES)
    return order


def _per_image(values, batch: int, what: str, shape: str) -> np.ndarray:
    """`values` (one per image, or one for all) as `batch` rows."""
    if values.shape[0] == 1 and batch > 1:
        return np.repeat(values, batch, axis=0)
    if values.shape[0] != batch:
        raise ShapeError(
            f"Expected one {what} per image ({shape}) or a single one; received "
            f"{values.shape[0]} for a batch of {batch} images."
        )
    return values


class _Sampled(_ImageOp):
    """An operation whose images are resampled by a fixed `image_utils.Affine` gather
    (built by `_plan`): linear in the images, so the gradient scatters back."""

    def _plan(self, hw, batch: int, *rest, fill: float | None = None):
        """The gather for images of `hw` pixels (`fill`: the fill value, as the images'
        dtype reads it; None: `fill_value` as given, for the random layers' float images)."""
        raise NotImplementedError

    def compute_output_spec(self, images, *rest):
        shape = shape_of(images)
        _check_rank(shape)
        self._check_rest(*(shape_of(r) for r in rest))
        return shape

    def _check_rest(self, *shapes) -> None:
        pass

    def _forward(self, images, *rest):
        x = _images(images)
        _check_rank(x.shape)
        rest = tuple(_host(r) for r in rest)
        self._check_rest(*(r.shape for r in rest))
        x4, single = _batch(x)
        h, w = _spatial(4, self.data_format)
        fill = _fill_for(self.fill_value, x.dtype)
        plan = self._plan((x4.shape[h], x4.shape[w]), x4.shape[0], *rest, fill=fill)
        out = plan.apply(_float(x4), self.data_format)
        if not _is_float(x.dtype):
            out = _to_int(out, x.dtype, "away")
        return (out[0] if single else out), (plan, single, x.dtype)

    def _backward(self, cache, grad, need):
        plan, single, dtype = cache
        gx = None
        if need[0] and _is_float(dtype):
            gx = plan.transpose(grad[None] if single else grad, self.data_format)
            gx = gx[0] if single else gx
        return (gx,) + (None,) * (len(need) - 1)


class AffineTransform(_Sampled):
    """`affine_transform(images, transform, ...)`: a sparse gather (`image_utils.affine_plan`);
    the transform takes no gradient."""

    def __init__(
        self, interpolation="bilinear", fill_mode="constant", fill_value=0, data_format=None,
        *, name=None,
    ):  # fmt: skip
        super().__init__(data_format, name=name)
        self.order = _check_sampling(interpolation, fill_mode)
        self.interpolation = interpolation
        self.fill_mode = fill_mode
        self.fill_value = fill_value

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "interpolation": self.interpolation,
            "fill_mode": self.fill_mode,
            "fill_value": self.fill_value,
        }

    def _check_rest(self, transform_shape) -> None:
        if len(transform_shape) not in (1, 2):
            raise ShapeError(
                "Invalid transform rank: expected rank 1 (single transform, 8 values) or "
                "rank 2 (batch of transforms, (batch, 8)). Received input with shape: "
                f"transform.shape={format_shape(transform_shape)}"
            )
        if transform_shape[-1] not in (8, None):  # (Keras-JAX: a reshape's TypeError)
            raise IncompatibleShapesError(
                "A transform has 8 values [a0, a1, a2, b0, b1, b2, c0, c1] (the last row of "
                "the 3x3 matrix is implied); received transform.shape="
                f"{format_shape(transform_shape)}. Append zeros for c0, c1 if you have 6."
            )

    def _plan(self, hw, batch, transform, *, fill=None):
        t = np.asarray(transform, _F32).reshape(-1, 8)
        if np.any(t[:, 6:] != 0):
            raise ConfigError(
                "affine_transform: the projective terms c0, c1 (the last two values of each "
                "transform) must be 0; Keras's JAX backend ignores them silently, which gives "
                "a different transform than the one asked for. Received: "
                f"{t[:, 6:].tolist()}. Use perspective_transform for projective warps."
            )
        t = _per_image(t, batch, "transform", "(batch, 8)")
        fill = float(self.fill_value) if fill is None else fill
        return iu.affine_plan(t, hw, self.interpolation, self.fill_mode, fill)


def affine_transform(
    images, transform, interpolation="bilinear", fill_mode="constant", fill_value=0,
    data_format=None,
):  # fmt: skip
    """Apply `transform` (`[a0, a1, a2, b0, b1, b2, c0, c1]`, or one row per image) to the
    images: output point `(x, y)` reads input point `(a0 x + a1 y + a2, b0 x + b1 y + b2)`
    with `interpolation` "nearest" or "bilinear", and points outside filled by `fill_mode`
    ("constant" with `fill_value`, "nearest", "wrap", "mirror", "reflect").

    Differences from Keras on JAX: `c0` and `c1` must be 0 (JAX ignores them silently);
    a single transform (shape `(8,)` or `(1, 8)`) applies to every image of a batch
    (JAX fails to reshape it). The gradient reaches the images, not the transform.

    >>> import numpy as np
    >>> x = np.arange(9, dtype="float32").reshape(3, 3, 1)
    >>> affine_transform(x, [1, 0, 1, 0, 1, 0, 0, 0])[..., 0]
    array([[1., 2., 0.],
           [4., 5., 0.],
           [7., 8., 0.]], dtype=float32)
    """
    return AffineTransform(interpolation, fill_mode, fill_value, data_format)(images, transform)


def _homographies(start_points, end_points) -> np.ndarray:
    """Keras's `compute_homography_matrix`: the (N, 8) projective transforms that map
    each output point (in `end_points`) to its input point (in `start_points`)."""
    sx, sy = start_points[..., 0], start_points[..., 1]
    ex, ey = end_points[..., 0], end_points[..., 1]
    zeros, ones = np.zeros_like(ex), np.ones_like(ex)
    x_rows = np.stack([ex, ey, ones, zeros, zeros, zeros, -sx * ex, -sx * ey], axis=-1)
    y_rows = np.stack([zeros, zeros, zeros, ex, ey, ones, -sy * ex, -sy * ey], axis=-1)
    a = np.concatenate([x_rows, y_rows], axis=1)
    b = np.concatenate([sx, sy], axis=-1)[..., None]
    try:
        return np.linalg.solve(a, b)[..., 0].astype(_F32)
    except np.linalg.LinAlgError:
        raise ConfigError(
            "perspective_transform: the points do not define a perspective transform "
            "(three of them are collinear, or two coincide)."
        ) from None


class PerspectiveTransform(_Sampled):
    """`perspective_transform(images, start_points, end_points, ...)`: the homography's
    sampling points, then the same gather as `affine_transform` (constant fill)."""

    def __init__(self, interpolation="bilinear", fill_value=0, data_format=None, *, name=None):
        super().__init__(data_format, name=name)
        self.order = _check_sampling(interpolation)
        self.interpolation = interpolation
        self.fill_value = fill_value

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "interpolation": self.interpolation,
            "fill_value": self.fill_value,
        }

    def _check_rest(self, start_shape, end_shape) -> None:
        for name, shape in (("start_points", start_shape), ("end_points", end_shape)):
            if tuple(shape[-2:]) != (4, 2) or len(shape) not in (2, 3):
                raise ShapeError(
                    f"Invalid {name} shape: expected (4, 2) for a single image or (N, 4, 2) "
                    f"for a batch. Received shape: {format_shape(shape)}"
                )
        if tuple(start_shape) != tuple(end_shape):
            raise ShapeError(
                "start_points and end_points must have the same shape. Received "
                f"start_points.shape={format_shape(start_shape)}, "
                f"end_points.shape={format_shape(end_shape)}"
            )

    def _plan(self, hw, batch, start_points, end_points, *, fill=None):
        start = np.asarray(start_points, _F32).reshape(-1, 4, 2)
        end = np.asarray(end_points, _F32).reshape(-1, 4, 2)
        t = _per_image(_homographies(start, end), batch, "set of points", "(batch, 4, 2)")
        h, w = hw
        ys, xs = np.meshgrid(np.arange(h, dtype=_F32), np.arange(w, dtype=_F32), indexing="ij")
        xs, ys = xs.reshape(1, -1), ys.reshape(1, -1)
        c = [t[:, i : i + 1] for i in range(8)]
        denom = c[6] * xs + c[7] * ys + _F32(1)
        col = (c[0] * xs + c[1] * ys + c[2]) / denom
        row = (c[3] * xs + c[4] * ys + c[5]) / denom
        fill = float(self.fill_value) if fill is None else fill
        return iu.sample_plan(row, col, hw, self.order, "constant", fill)


def perspective_transform(
    images, start_points, end_points, interpolation="bilinear", fill_value=0, data_format=None
):
    """Warp the images so that `start_points` (4 `(x, y)` corners in the input, shape
    `(4, 2)` or `(N, 4, 2)`) land on `end_points` in the output, as Keras on JAX:
    "nearest" or "bilinear" sampling, `fill_value` outside. The gradient reaches the
    images, not the points.

    >>> import numpy as np
    >>> x = np.arange(9, dtype="float32").reshape(3, 3, 1)
    >>> corners = np.array([[0, 0], [2, 0], [0, 2], [2, 2]], "float32")
    >>> perspective_transform(x, corners, corners)[..., 0]
    array([[0., 1., 2.],
           [3., 4., 5.],
           [6., 7., 8.]], dtype=float32)
    """
    return PerspectiveTransform(interpolation, fill_value, data_format)(
        images, start_points, end_points
    )


class ElasticTransform(_Sampled):
    """`elastic_transform(images, alpha, sigma, ...)`: a smoothed random displacement field
    per image, then the same gather as `affine_transform`; linear in the images for a
    given field, so the gradient scatters back through the field that was drawn."""

    def __init__(
        self, alpha=20.0, sigma=5.0, interpolation="bilinear", fill_mode="reflect",
        fill_value=0.0, seed=None, data_format=None, *, name=None,
    ):  # fmt: skip
        super().__init__(data_format, name=name)
        self.order = _check_sampling(interpolation, fill_mode)
        if not iu.is_number(sigma) or sigma <= 0 or not iu.is_number(alpha):
            raise ConfigError(
                "elastic_transform: `alpha` must be a number and `sigma` a positive number. "
                f"Received: alpha={alpha!r}, sigma={sigma!r}"
            )
        if seed is not None and not is_int(seed):
            raise ConfigError(f"`seed` must be an integer or None. Received: seed={seed!r}")
        self.alpha, self.sigma = alpha, sigma
        self.interpolation, self.fill_mode, self.fill_value = interpolation, fill_mode, fill_value
        self.seed = seed

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "alpha": self.alpha,
            "sigma": self.sigma,
            "interpolation": self.interpolation,
            "fill_mode": self.fill_mode,
            "fill_value": self.fill_value,
            "seed": self.seed,
        }

    def _plan(self, hw, batch, *, fill=None):
        from numkeras.backend import random

        h, w = hw
        # a fixed seed gives the same field at each call (as Keras's draw_seed of an int)
        generator = (
            random.global_generator() if self.seed is None else np.random.default_rng(self.seed)
        )
        size = int(6 * self.sigma) | 1
        rows = gaussian_matrix(h, size, self.sigma, _F32)
        cols = gaussian_matrix(w, size, self.sigma, _F32)
        fields = []
        for _ in range(2):  # dx, then dy (independent draws)
            d = generator.standard_normal((batch, h, w)).astype(_F32) * _F32(self.sigma)
            fields.append(iu.along(iu.along(d, rows, 1), cols, 2))
        dx, dy = fields
        ys, xs = np.meshgrid(np.arange(h, dtype=_F32), np.arange(w, dtype=_F32), indexing="ij")
        col = (xs[None] + _F32(self.alpha) * dx).reshape(batch, -1)
        row = (ys[None] + _F32(self.alpha) * dy).reshape(batch, -1)
        fill = float(self.fill_value) if fill is None else fill
        return iu.sample_plan(row, col, hw, self.order, self.fill_mode, fill)


def elastic_transform(
    images, alpha=20.0, sigma=5.0, interpolation="bilinear", fill_mode="reflect",
    fill_value=0.0, seed=None, data_format=None,
):  # fmt: skip
    """Distort the images with a random elastic field, as Keras: per image, two Gaussian
    noise fields (standard deviation `sigma`) are blurred by a Gaussian of `sigma`
    (`int(6 sigma) | 1` taps) and scaled by `alpha`; each output pixel reads the input at
    its position plus that displacement (`interpolation`, `fill_mode`, `fill_value` as in
    `affine_transform`). `seed` (an int) gives the same field at every call; None draws
    from numkeras's global generator (`numkeras.utils.set_random_seed`).

    Differences from Keras on JAX: the fields are drawn from numkeras's generator (values
    differ from JAX's), and the horizontal and vertical fields are independent (Keras
    draws both with the same seed, so it only ever moves pixels along the diagonal).

    >>> import numpy as np
    >>> x = np.zeros((8, 8, 1), "float32")
    >>> elastic_transform(x, alpha=2.0, sigma=1.0, seed=0).shape
    (8, 8, 1)
    """
    return ElasticTransform(alpha, sigma, interpolation, fill_mode, fill_value, seed, data_format)(
        images
    )


# -- crop and pad -----------------------------------------------------------------------------
def _check_offsets(names: tuple, values: tuple) -> None:
    for trio in ((0, 2, 4), (1, 3, 5)):
        if [values[i] for i in trio].count(None) != 1:
            a, b, c = (names[i] for i in trio)
            given = ", ".join(f"{names[i]}={values[i]!r}" for i in trio)
            raise ConfigError(f"Must specify exactly two of {a}, {b}, {c}. Received: {given}")
    for name, value in zip(names, values):
        if value is None:
            continue
        if not is_int(value):
            raise ConfigError(f"{name} must be an integer. Received: {name}={value!r}")
        if value < 0:
            raise ConfigError(f"{name} must be >= 0. Received: {name}={value}")


class _Window(_ImageOp):
    """Base of `CropImages` / `PadImages`: offsets on each side or a target size."""

    names: tuple = ()
    padding = False

    def __init__(self, top, left, bottom, right, target_height, target_width, data_format,
                 *, name=None):  # fmt: skip
        super().__init__(data_format, name=name)
        # (top, left, bottom, right, target_height, target_width), as Keras orders them
        self.values = (top, left, bottom, right, target_height, target_width)
        _check_offsets(self._arg_names(), self.values)

    def _arg_names(self) -> tuple:
        return (*self.names, "target_height", "target_width")

    def get_config(self) -> dict:
        config = {"name": self.name}
        config.update(dict(zip(self._arg_names(), self.values)))
        config["data_format"] = self._data_format_arg
        return config

    def _sides(self, size, axis: int):
        """(before, after, target) along height (axis 0) or width (axis 1) for a `size`
        (None: unknown), with Keras's checks."""
        before, after, target = self.values[axis], self.values[axis + 2], self.values[axis + 4]
        names = (self.names[axis], self.names[axis + 2], ("target_height", "target_width")[axis])
        if size is None:
            if target is None and not self.padding:
                raise ShapeError(
                    f"When the {('height', 'width')[axis]} of the images is unknown, "
                    f"`{names[2]}` must be specified. Received {names[2]}=None"
                )
            return before, after, target
        sign = 1 if self.padding else -1  # padded: target = size + before + after
        if target is None:
            target = size + sign * (before + after)
        if before is None:
            before = sign * (target - size) - after
        if after is None:
            after = sign * (target - size) - before
        for name, value in zip(names, (before, after, target)):
            if value < 0:
                raise ShapeError(
                    f"{name} must be >= 0. Received: {name}={value} (for images of "
                    f"{('height', 'width')[axis]} {size})"
                )
        return before, after, target

    def compute_output_spec(self, images):
        shape = list(shape_of(images))
        _check_rank(shape)
        h, w = _spatial(len(shape), self.data_format)
        shape[h] = self._sides(shape[h], 0)[2]
        shape[w] = self._sides(shape[w], 1)[2]
        return tuple(shape)

    def _forward(self, images):
        x = _images(images)
        _check_rank(x.shape)
        h, w = _spatial(x.ndim, self.data_format)
        top, bottom, _ = self._sides(x.shape[h], 0)
        left, right, _ = self._sides(x.shape[w], 1)
        return self._apply(x, h, w, top, bottom, left, right), (x.shape, x.dtype, h, w, top, left)


class CropImages(_Window):
    """`crop_images(images, top_cropping, left_cropping, bottom_cropping, right_cropping,
    target_height, target_width)`: a slice; the gradient places back into zeros."""

    names = ("top_cropping", "left_cropping", "bottom_cropping", "right_cropping")

    def __init__(
        self, top_cropping=None, left_cropping=None, bottom_cropping=None, right_cropping=None,
        target_height=None, target_width=None, data_format=None, *, name=None,
    ):  # fmt: skip
        super().__init__(
            top_cropping, left_cropping, bottom_cropping, right_cropping, target_height,
            target_width, data_format, name=name,
        )  # fmt: skip

    def _apply(self, x, h, w, top, bottom, left, right):
        index = [slice(None)] * x.ndim
        index[h] = slice(top, x.shape[h] - bottom)
        index[w] = slice(left, x.shape[w] - right)
        return x[tuple(index)].copy()

    def _backward(self, cache, grad, need):
        shape, dtype, h, w, top, left = cache
        if not _is_float(dtype):
            return (None,)
        out = backend.xp.zeros(shape, dtype=grad.dtype)
        index = [slice(None)] * len(shape)
        index[h] = slice(top, top + grad.shape[h])
        index[w] = slice(left, left + grad.shape[w])
        out[tuple(index)] = grad
        return (out,)


class PadImages(_Window):
    """`pad_images(images, top_padding, left_padding, bottom_padding, right_padding,
    target_height, target_width)`: zeros around; the gradient takes the interior."""

    names = ("top_padding", "left_padding", "bottom_padding", "right_padding")
    padding = True

    def __init__(
        self, top_padding=None, left_padding=None, bottom_padding=None, right_padding=None,
        target_height=None, target_width=None, data_format=None, *, name=None,
    ):  # fmt: skip
        super().__init__(
            top_padding, left_padding, bottom_padding, right_padding, target_height,
            target_width, data_format, name=name,
        )  # fmt: skip

    def _apply(self, x, h, w, top, bottom, left, right):
        widths = [(0, 0)] * x.ndim
        widths[h], widths[w] = (top, bottom), (left, right)
        return backend.xp.pad(x, widths)

    def _backward(self, cache, grad, need):
        shape, dtype, h, w, top, left = cache
        if not _is_float(dtype):
            return (None,)
        index = [slice(None)] * len(shape)
        index[h] = slice(top, top + shape[h])
        index[w] = slice(left, left + shape[w])
        return (grad[tuple(index)].copy(),)


def crop_images(
    images, top_cropping=None, left_cropping=None, bottom_cropping=None, right_cropping=None,
    target_height=None, target_width=None, data_format=None,
):  # fmt: skip
    """Crop the images: give exactly two of `top_cropping`, `bottom_cropping`,
    `target_height`, and two of `left_cropping`, `right_cropping`, `target_width`.

    Unlike Keras on JAX (whose slice clamps silently), a window that leaves the image
    raises ShapeError.

    >>> import numpy as np
    >>> x = np.arange(1, 28, dtype="float32").reshape(3, 3, 3)
    >>> crop_images(x, 0, 0, target_height=2, target_width=2)[..., 0]
    array([[ 1.,  4.],
           [10., 13.]], dtype=float32)
    """
    return CropImages(
        top_cropping, left_cropping, bottom_cropping, right_cropping, target_height,
        target_width, data_format,
    )(images)  # fmt: skip


def pad_images(
    images, top_padding=None, left_padding=None, bottom_padding=None, right_padding=None,
    target_height=None, target_width=None, data_format=None,
):  # fmt: skip
    """Pad the images with zeros: give exactly two of `top_padding`, `bottom_padding`,
    `target_height`, and two of `left_padding`, `right_padding`, `target_width`.

    >>> import numpy as np
    >>> pad_images(np.ones((15, 25, 3), "float32"), 2, 3, target_height=20,
    ...            target_width=30).shape
    (20, 30, 3)
    """
    return PadImages(
        top_padding, left_padding, bottom_padding, right_padding, target_height, target_width,
        data_format,
    )(images)  # fmt: skip


# -- colour -----------------------------------------------------------------------------------
def _check_channels(shape, data_format: str, allowed: tuple, message: str) -> None:
    c = shape[_channel_axis(len(shape), data_format)]
    if c is not None and c not in allowed:
        raise ShapeError(f"{message} Received input with shape: images.shape={format_shape(shape)}")


def _check_float(dtype) -> None:
    if not str(dtype).startswith(("float", "bfloat")):
        raise ConfigError(
            f"Invalid images dtype: expected float dtype. Received: images.dtype={dtype}. "
            "Cast the images first (ops.cast(images, 'float32'), scaled to [0, 1])."
        )


class RGBToGrayscale(_ImageOp):
    """`rgb_to_grayscale(images)`: `0.2989 R + 0.5870 G + 0.1140 B` in one channel (1
    channel: unchanged); linear."""

    def _rgb_weights(self, dtype, ndim):
        shape = [1] * ndim
        shape[_channel_axis(ndim, self.data_format)] = 3
        return backend.xp.asarray(RGB_WEIGHTS, dtype=dtype).reshape(shape)

    def _check(self, shape):
        _check_rank(shape)
        _check_channels(
            shape, self.data_format, (1, 3), "Invalid channel size: expected 3 (RGB) or 1 "
            "(Grayscale)."
        )  # fmt: skip

    def compute_output_spec(self, images):
        shape = list(shape_of(images))
        self._check(shape)
        shape[_channel_axis(len(shape), self.data_format)] = 1
        return tuple(shape)

    def _forward(self, images):
        x = _images(images)
        self._check(x.shape)
        axis = _channel_axis(x.ndim, self.data_format)
        if x.shape[axis] == 1:
            return x.copy(), None
        xf = _float(x)
        out = backend.xp.sum(xf * self._rgb_weights(xf.dtype, x.ndim), axis=axis, keepdims=True)
        if not _is_float(x.dtype):
            out = _to_int(out, x.dtype, "trunc")
        return out, (x.dtype, x.ndim)

    def _backward(self, cache, grad, need):
        if cache is None:
            return (grad,)
        dtype, ndim = cache
        if not _is_float(dtype):
            return (None,)
        return (grad * self._rgb_weights(grad.dtype, ndim),)


def rgb_to_grayscale(images, data_format=None):
    """Grayscale images (one channel) from RGB ones, with Keras's (TensorFlow's) weights
    `0.2989, 0.5870, 0.1140`; one-channel images come back unchanged. Integer images are
    weighted in float32, then truncated back, as Keras on JAX.

    >>> import numpy as np
    >>> rgb_to_grayscale(np.ones((2, 4, 4, 3), "float32")).shape
    (2, 4, 4, 1)
    """
    return RGBToGrayscale(data_format)(images)


_RGB_ONLY = "Input images must have 3 channels."


class _ColorSpace(_ImageOp):
    """Base of `RGBToHSV` / `HSVToRGB`: float images with 3 channels, converted plane by
    plane by `_convert(x, channel_axis)` to the same shape; the cache is the input."""

    _convert = None

    def _check(self, shape, dtype):
        _check_rank(shape)
        _check_float(dtype)
        _check_channels(shape, self.data_format, (3,), _RGB_ONLY)

    def compute_output_spec(self, images):
        shape = shape_of(images)
        self._check(shape, getattr(images, "dtype", backend.floatx()))
        return shape

    def _forward(self, images):
        x = _images(images)
        self._check(x.shape, x.dtype)
        return self._convert(x, _channel_axis(x.ndim, self.data_format)), x


class RGBToHSV(_ColorSpace):
    """`rgb_to_hsv(images)` (dm_pix's formulas, as Keras on JAX). The gradient is exact
    where the channels differ (at ties, where the formulas switch cases, it takes one
    side); near-zero inputs (below float eps, zeroed first as Keras does) take none."""

    _convert = staticmethod(iu.rgb_to_hsv)

    def _backward(self, cache, grad, need):
        xp = backend.xp
        x = cache
        t = x.dtype.type
        axis = _channel_axis(x.ndim, self.data_format)
        live = xp.abs(x) >= np.finfo(x.dtype).eps
        x = xp.where(live, x, t(0))
        r, g, b = (xp.take(x, i, axis=axis) for i in range(3))
        g_hue, g_sat, g_val = (xp.take(grad, i, axis=axis) for i in range(3))
        value = xp.maximum(xp.maximum(r, g), b)
        low = xp.minimum(xp.minimum(r, g), b)
        range_ = value - low
        # which channel is the maximum (r first, then g, as the hue formula picks them)
        v_r = value == r
        v_g = (value == g) & ~v_r
        v_b = ~v_r & ~v_g
        m_r = low == r
        m_g = (low == g) & ~m_r
        m_b = ~m_r & ~m_g
        numer = xp.where(v_r, g - b, xp.where(v_g, b - r, r - g))
        safe_v = xp.where(value > 0, value, t(1))
        safe_r = xp.where(range_ > 0, range_, t(1))
        sat = range_ / safe_v
        gs = xp.where(value > 0, g_sat, t(0))
        gh = xp.where(range_ > 0, g_hue, t(0))
        planes = []
        for is_max, is_min, c_num in (
            (v_r, m_r, xp.where(v_r, t(0), xp.where(v_g, t(-1), t(1)))),
            (v_g, m_g, xp.where(v_r, t(1), xp.where(v_g, t(0), t(-1)))),
            (v_b, m_b, xp.where(v_r, t(-1), xp.where(v_g, t(1), t(0)))),
        ):
            d_max, d_range = is_max.astype(x.dtype), is_max.astype(x.dtype) - is_min
            out = g_val * d_max
            out = out + gs * (d_range - sat * d_max) / safe_v
            out = out + gh * (c_num - numer * d_range / safe_r) / (t(6) * safe_r)
            planes.append(out)
        return (xp.where(live, xp.stack(planes, axis=axis), t(0)),)


def rgb_to_hsv(images, data_format=None):
    """HSV images from RGB ones (float, values in [0, 1]): hue in [0, 1) (0 red, 1/3
    green, 2/3 blue), saturation and value in [0, 1], as Keras on JAX.

    >>> import numpy as np
    >>> rgb_to_hsv(np.array([[[0.0, 1.0, 0.0]]], "float32"))[0, 0].round(4)
    array([0.3333, 1.    , 1.    ], dtype=float32)
    """
    return RGBToHSV(data_format)(images)


class HSVToRGB(_ColorSpace):
    """`hsv_to_rgb(images)` (dm_pix's formulas, as Keras on JAX); piecewise linear in hue,
    so the gradient is exact away from the kinks (where it takes JAX's one-sided values)."""

    _convert = staticmethod(iu.hsv_to_rgb)

    def _backward(self, cache, grad, need):
        xp = backend.xp
        x = cache
        axis = _channel_axis(x.ndim, self.data_format)
        t = x.dtype.type
        hue, sat, val = (xp.take(x, i, axis=axis) for i in range(3))
        gr, gg, gb = (xp.take(grad, i, axis=axis) for i in range(3))
        dh = xp.mod(hue, t(1)) * t(6)
        # each plane is clip(a + s * |dh - c|, 0, 1); its slope in dh where it is inside
        planes = []
        for sign, centre, offset in ((1, 3, -1), (-1, 2, 2), (-1, 4, 2)):
            raw = offset + sign * xp.abs(dh - t(centre))
            d = xp.clip(raw, t(0), t(1))
            inside = (raw > 0) & (raw < 1)
            slope = xp.where(inside, t(sign) * xp.sign(dh - t(centre)), t(0))
            planes.append((d, slope))
        g_hue = xp.zeros_like(hue)
        g_sat = xp.zeros_like(hue)
        g_val = xp.zeros_like(hue)
        for (d, slope), g in zip(planes, (gr, gg, gb)):
            g_val += g * (t(1) - sat + sat * d)
            g_sat += g * val * (d - t(1))
            g_hue += g * val * sat * slope * t(6)
        return (xp.stack([g_hue, g_sat, g_val], axis=axis),)


def hsv_to_rgb(images, data_format=None):
    """RGB images from HSV ones (float, values in [0, 1]), as Keras on JAX.

    >>> import numpy as np
    >>> hsv_to_rgb(np.array([[[1 / 3, 1.0, 1.0]]], "float32"))[0, 0].round(4)
    array([0., 1., 0.], dtype=float32)
    """
    return HSVToRGB(data_format)(images)


# -- filters ----------------------------------------------------------------------------------
def _matrix_along(x, matrix, axis: int):
    return iu.along(x, matrix, axis)


def _band(n: int, taps, dtype) -> np.ndarray:
    """The `(n, n)` matrix of a "same" cross-correlation with `taps` (odd count, zero
    padding): `out[i] = sum_t taps[t] x[i + t - len(taps) // 2]`."""
    m = np.zeros((n, n), dtype)
    half = len(taps) // 2
    for t, tap in enumerate(taps):
        m += np.eye(n, k=t - half, dtype=dtype) * dtype.type(tap)
    return m


def _correlate(x, taps, axis: int, half: int | None = None):
    """`x` correlated with `taps` along `axis`, zero padding ("same"), as `_band`'s matrix
    would: `out[i] = sum_t taps[t] x[i + t - half]` (`half`: `len(taps) // 2` unless
    given)."""
    xp = backend.xp
    n = x.shape[axis]
    half = len(taps) // 2 if half is None else half
    pad = [(0, 0)] * x.ndim
    pad[axis] = (half, len(taps) - 1 - half)
    padded = xp.pad(x, pad)
    out = xp.zeros_like(x)
    for t, tap in enumerate(taps):
        out += x.dtype.type(tap) * xp.take(padded, range(t, t + n), axis=axis)
    return out


class GaussianBlur(_ImageOp):
    """`gaussian_blur(images, kernel_size, sigma)`: separable and linear; the gradient
    applies the transposed matrices."""

    float_output = True

    def __init__(self, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None, *, name=None):
        super().__init__(data_format, name=name)
        self.kernel_size = _pair(kernel_size, "kernel_size")
        self.sigma = _pair(sigma, "sigma", kind=float)
        self._config = {"kernel_size": _listed(kernel_size), "sigma": _listed(sigma)}

    def get_config(self) -> dict:
        return {**super().get_config(), **self._config}

    def compute_output_spec(self, images):
        shape = shape_of(images)
        _check_rank(shape)
        return shape

    def _forward(self, images):
        x = _images(images)
        _check_rank(x.shape)
        x = _float(x)
        h, w = _spatial(x.ndim, self.data_format)
        # (kernel_size and sigma are (x, y): columns first, as Keras's code reads them)
        plan = ((h, self.kernel_size[1], self.sigma[1]), (w, self.kernel_size[0], self.sigma[0]))
        # shifted sums, not band matrices: a NaN or inf reaches its window only (as in
        # Keras's convolution), where a product's 0 * inf would spread NaN along the axis
        out = x
        for axis, size, sigma in plan:
            out = _correlate(out, gaussian_kernel(size, sigma, x.dtype), axis, (size - 1) // 2)
        return backend.xp.ascontiguousarray(out), (plan, x.shape, x.dtype)

    def _backward(self, cache, grad, need):
        plan, shape, dtype = cache
        for axis, size, sigma in reversed(plan):
            grad = _matrix_along(grad, gaussian_matrix(shape[axis], size, sigma, dtype).T, axis)
        return (grad,)


def gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    """Blur the images with a normalised Gaussian ("same" size, zero padding), as Keras
    on JAX. `kernel_size` and `sigma` are pairs read as (x, y): the first applies along the
    width, the second along the height (Keras's code; its docstring says the reverse).

    Differences from Keras on JAX: `data_format=None` reads `image_data_format()` (the
    eager JAX path treats the images as channels-first then); sigmas must be positive
    (JAX gives NaN for 0); integer images give float32.

    >>> import numpy as np
    >>> x = np.zeros((1, 3, 1), "float32"); x[0, 1, 0] = 1.0
    >>> gaussian_blur(x, kernel_size=(3, 1))[0, :, 0].round(4)
    array([0.2741, 0.4519, 0.2741], dtype=float32)
    """
    return GaussianBlur(kernel_size, sigma, data_format)(images)


_SOBEL_SMOOTH = (1.0, 2.0, 1.0)
_SOBEL_DIFF = (-1.0, 0.0, 1.0)


class SobelEdges(_ImageOp):
    """`sobel_edges(images)`: the vertical and horizontal Sobel responses stacked on a new
    last axis `[dy, dx]`; linear."""

    float_output = True

    def compute_output_spec(self, images):
        shape = shape_of(images)
        if len(shape) != 4:
            raise ShapeError(
                "Invalid images rank: expected rank 4 (batch of images). Received: "
                f"images.shape={format_shape(shape)}"
            )
        return (*shape, 2)

    def _forward(self, images):
        x = _images(images)
        self.compute_output_spec(x)
        x = _float(x)
        h, w = _spatial(4, self.data_format)
        # (shifted sums, not band matrices: a NaN reaches only its 3x3 neighbours)
        dy = _correlate(_correlate(x, _SOBEL_DIFF, h), _SOBEL_SMOOTH, w)
        dx = _correlate(_correlate(x, _SOBEL_SMOOTH, h), _SOBEL_DIFF, w)
        return backend.xp.stack([dy, dx], axis=-1), (h, w, x.shape[h], x.shape[w], x.dtype)

    def _backward(self, cache, grad, need):
        h, w, n_h, n_w, dtype = cache
        sh, dh = _band(n_h, _SOBEL_SMOOTH, dtype), _band(n_h, _SOBEL_DIFF, dtype)
        sw, dw = _band(n_w, _SOBEL_SMOOTH, dtype), _band(n_w, _SOBEL_DIFF, dtype)
        gy, gx = grad[..., 0], grad[..., 1]
        out = _matrix_along(_matrix_along(gy, sw.T, w), dh.T, h)
        out = out + _matrix_along(_matrix_along(gx, dw.T, w), sh.T, h)
        return (out,)


def sobel_edges(images, data_format=None):
    """The Sobel edge responses of a 4-D batch, shape `images.shape + (2,)` with `[dy, dx]`
    on the last axis (3x3 kernels, zero padding), as Keras on JAX.

    >>> import numpy as np
    >>> x = np.tile(np.arange(4, dtype="float32"), (1, 4, 1)).reshape(1, 4, 4, 1)
    >>> sobel_edges(x)[0, 1, :, 0, 1]
    array([ 4., 8., 8., -8.], dtype=float32)
    """
    return SobelEdges(data_format)(images)


# -- patches ----------------------------------------------------------------------------------
def _tuple(value, n: int, arg: str) -> tuple:
    values = tuple(value) if isinstance(value, (list, tuple)) else (value,) * n
    if len(values) != n or not all(is_int(v) and v > 0 for v in values):
        raise ConfigError(
            f"Invalid `{arg}` argument: expected a positive integer or a tuple of {n} of "
            f"them. Received: {arg}={value!r}"
        )
    return tuple(int(v) for v in values)


class ExtractPatches(_ImageOp):
    """`extract_patches(images, size, strides, dilation_rate, padding)`: 2-D patches of a
    3-D image or 4-D batch (or 3-D patches of a 4-D volume or 5-D batch), flattened in the
    order (rows, columns, channels) as Keras's identity-kernel convolution; the gradient
    adds each patch entry back to its pixel."""

    def __init__(self, size, strides=None, dilation_rate=1, padding="valid", data_format=None,
                 *, name=None):  # fmt: skip
        super().__init__(data_format, name=name)
        if isinstance(size, bool) or not isinstance(size, (int, np.integer, list, tuple)):
            raise ConfigError(
                "Invalid `size` argument. Expected an int or a tuple. Received: "
                f"size={size!r} of type {type(size).__name__}"
            )
        if isinstance(size, (list, tuple)) and len(size) not in (2, 3):
            raise ConfigError(
                "Invalid `size` argument. Expected a tuple of length 2 or 3. Received: "
                f"size={size!r} with length {len(size)}"
            )
        if is_int(size):
            size = (int(size), int(size))
        self._size_arg = size
        self.rank = len(size)
        self.size = _tuple(size, self.rank, "size")
        self._strides_arg = size if strides is None else strides
        self.strides = _tuple(self._strides_arg, self.rank, "strides")
        self._dilation_arg = dilation_rate
        self.dilation_rate = _tuple(dilation_rate, self.rank, "dilation_rate")
        self.padding = cu.standardize_padding(padding)

    def get_config(self) -> dict:
        # (Keras's own get_config: no name, the resolved strides and data format)
        return {
            "size": _listed(self._size_arg),
            "strides": _listed(self._strides_arg),
            "dilation_rate": _listed(self._dilation_arg),
            "padding": self.padding,
            "data_format": self.data_format,
        }

    def _spatial_axes(self, ndim: int, channels_last: bool | None = None) -> list:
        if channels_last is None:
            channels_last = self.data_format == "channels_last"
        first = ndim - self.rank - (1 if channels_last else 0)
        return list(range(first, first + self.rank))

    def _check(self, shape) -> None:
        if len(shape) not in (self.rank + 1, self.rank + 2):
            kind = "image" if self.rank == 2 else "volume"
            raise ShapeError(
                f"extract_patches with a size of {self.rank} values expects a single {kind} "
                f"(rank {self.rank + 1}) or a batch (rank {self.rank + 2}). Received: "
                f"images.shape={format_shape(shape)}"
            )

    def _out_size(self, n, k, s, d):
        if n is None:
            return None
        if self.padding == "same":
            return -(-n // s)
        out = (n - d * (k - 1) - 1) // s + 1
        if out <= 0:
            raise ShapeError(
                f"Computed output size would be zero or negative: a patch of {k} (dilation "
                f"{d}) does not fit in {n} pixels with padding='valid'."
            )
        return out

    def compute_output_spec(self, images):
        shape = list(shape_of(images))
        self._check(shape)
        axes = self._spatial_axes(len(shape))
        for a, k, s, d in zip(axes, self.size, self.strides, self.dilation_rate):
            shape[a] = self._out_size(shape[a], k, s, d)
        c_axis = len(shape) - 1 if self.data_format == "channels_last" else axes[0] - 1
        c = shape[c_axis]
        shape[c_axis] = None if c is None else c * int(np.prod(self.size))
        return tuple(shape)

    def _geometry(self, shape):
        """(spatial axes, padded widths, output sizes) of a channels-last batch."""
        axes = self._spatial_axes(len(shape), channels_last=True)
        widths, outs = [], []
        for a, k, s, d in zip(axes, self.size, self.strides, self.dilation_rate):
            n = shape[a]
            out = self._out_size(n, k, s, d)
            total = max((out - 1) * s + (k - 1) * d + 1 - n, 0) if self.padding == "same" else 0
            widths.append((total // 2, total - total // 2))
            outs.append(out)
        return axes, widths, outs

    def _windows(self, outs):
        """For each patch offset: the strided slices of the padded input it reads."""
        for offset in itertools.product(*(range(k) for k in self.size)):
            yield tuple(
                slice(o * d, o * d + (n - 1) * s + 1, s)
                for o, d, s, n in zip(offset, self.dilation_rate, self.strides, outs)
            )

    def _forward(self, images):
        xp = backend.xp
        x = _images(images)
        self._check(x.shape)
        single = x.ndim == self.rank + 1
        xb = x[None] if single else x
        cl = self.data_format == "channels_last"
        if not cl:  # work channels-last
            xb = xp.moveaxis(xb, 1, -1)
        axes, widths, outs = self._geometry(xb.shape)
        padded = xp.pad(xb, [(0, 0), *widths, (0, 0)])
        pieces = [padded[(slice(None), *window)] for window in self._windows(outs)]
        out = xp.stack(pieces, axis=-2).reshape(*pieces[0].shape[:-1], -1)
        if not cl:
            out = xp.moveaxis(out, -1, 1)
        out = xp.ascontiguousarray(out)
        return (out[0] if single else out), (padded.shape, widths, outs, single, x.dtype)

    def _backward(self, cache, grad, need):
        xp = backend.xp
        padded_shape, widths, outs, single, dtype = cache
        if not _is_float(dtype):
            return (None,)
        g = grad[None] if single else grad
        cl = self.data_format == "channels_last"
        if not cl:
            g = xp.moveaxis(g, 1, -1)
        channels = padded_shape[-1]
        g = g.reshape(*g.shape[:-1], -1, channels)
        out = xp.zeros(padded_shape, dtype=grad.dtype)
        for i, window in enumerate(self._windows(outs)):
            out[(slice(None), *window)] += g[..., i, :]
        inner = tuple(slice(a, n - b) for (a, b), n in zip(widths, padded_shape[1:-1]))
        out = out[(slice(None), *inner)]
        if not cl:
            out = xp.moveaxis(out, -1, 1)
        out = xp.ascontiguousarray(out)
        return (out[0] if single else out,)


def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid",
                    data_format=None):  # fmt: skip
    """Patches of the images, each flattened onto the channel axis (in the order rows,
    columns, channels), as Keras: `size` is an int or `(patch_h, patch_w)` for 2-D patches
    of a 3-D image or 4-D batch, or `(d, h, w)` for 3-D patches of a 4-D volume or 5-D
    batch; `strides` defaults to `size` (non-overlapping); `padding` "valid" or "same".

    >>> import numpy as np
    >>> extract_patches(np.ones((2, 20, 20, 3), "float32"), (5, 5)).shape
    (2, 4, 4, 75)
    """
    return ExtractPatches(size, strides, dilation_rate, padding, data_format)(images)


def extract_patches_3d(volumes, size, strides=None, dilation_rate=1, padding="valid",
                       data_format=None):  # fmt: skip
    """3-D patches of a 4-D volume or 5-D batch (`size` an int or a triple), as Keras.

    >>> import numpy as np
    >>> extract_patches_3d(np.ones((10, 10, 10, 3), "float32"), 3).shape
    (3, 3, 3, 81)
    """
    if is_int(size):
        size = (int(size),) * 3
    return ExtractPatches(size, strides, dilation_rate, padding, data_format)(volumes)


# -- map_coordinates ----------------------------------------------------------------------------
class _Gather:
    """`out.flat[n] = sum_k weight[k, n] * x.flat[index[k, n]] + fill[n] * fill_value`."""

    def __init__(self, in_shape, out_shape, index, weight, fill, fill_value):
        self.in_shape, self.out_shape = tuple(in_shape), tuple(out_shape)
        self.index, self.weight, self.fill, self.fill_value = index, weight, fill, fill_value

    def apply(self, x):
        xp = backend.xp
        flat = x.reshape(-1)
        w = xp.asarray(self.weight, dtype=x.dtype)
        out = (w * flat[xp.asarray(self.index)]).sum(axis=0)
        if self.fill is not None and self.fill_value != 0:
            out = out + xp.asarray(self.fill, dtype=x.dtype) * x.dtype.type(self.fill_value)
        return out.reshape(self.out_shape)

    def transpose(self, g):
        xp = backend.xp
        w = xp.asarray(self.weight, dtype=g.dtype)
        contrib = (w * g.reshape(1, -1)).reshape(-1)
        size = int(np.prod(self.in_shape))
        out = xp.bincount(xp.asarray(self.index).reshape(-1), weights=contrib, minlength=size)
        return out.astype(g.dtype).reshape(self.in_shape)


def _gather_plan(shape, coordinates, order: int, fill_mode: str, fill_value) -> _Gather:
    """`jax.scipy.ndimage.map_coordinates` as a `_Gather` (one node per axis for order 0,
    two for order 1; invalid combinations read `fill_value` in "constant" mode)."""
    coords = [np.asarray(c).reshape(-1) for c in coordinates]
    per_axis = [iu._axis_nodes(c, int(n), order, fill_mode) for c, n in zip(coords, shape)]
    strides = np.cumprod((1,) + tuple(int(n) for n in shape[:0:-1]))[::-1]
    indices, weights, fills = [], [], []
    for combo in itertools.product(*per_axis):
        index = sum(node[0].astype(np.int64) * int(s) for node, s in zip(combo, strides))
        weight = np.prod([node[1] for node in combo], axis=0)
        if fill_mode == "constant":
            valid = np.logical_and.reduce([node[2] for node in combo])
            fills.append(np.where(valid, 0, weight))
            weight = np.where(valid, weight, 0)
            index = np.where(valid, index, 0)
        indices.append(index)
        weights.append(weight)
    fill = np.sum(fills, axis=0) if fills else None
    out_shape = np.asarray(coordinates[0]).shape
    return _Gather(shape, out_shape, np.stack(indices), np.stack(weights), fill, fill_value)


class MapCoordinates(Operation):
    """`map_coordinates(inputs, coordinates, order, fill_mode, fill_value)`: linear in the
    inputs (the gradient scatters back); the coordinates take no gradient."""

    keras_module = "keras.src.ops.image"

    def __init__(self, order, fill_mode="constant", fill_value=0, *, name=None):
        super().__init__(name=name)
        if isinstance(order, bool) or order not in (0, 1):
            raise ConfigError(
                f"Invalid value for argument `order`. Expected one of [0, 1]. Received: "
                f"order={order!r}"
            )
        _choice("fill_mode", fill_mode, iu.AFFINE_FILL_MODES)
        self.order = int(order)
        self.fill_mode = fill_mode
        self.fill_value = fill_value

    def get_config(self) -> dict:
        return {
            "name": self.name,
            "order": self.order,
            "fill_mode": self.fill_mode,
            "fill_value": self.fill_value,
        }

    def output_dtype(self, inputs, coordinates) -> str:
        return str(getattr(inputs, "dtype", None) or backend.floatx())

    def compute_output_spec(self, inputs, coordinates):
        shape, cshape = shape_of(inputs), shape_of(coordinates)
        if len(cshape) < 2:
            raise ShapeError(
                "Invalid coordinates rank: expected at least rank 2. Received input with "
                f"shape: {format_shape(cshape)}"
            )
        if cshape[0] is not None and cshape[0] != len(shape):
            raise ShapeError(
                "First dim of `coordinates` must be the same as the rank of `inputs`. "
                f"Received inputs with shape: {format_shape(shape)} and coordinate leading "
                f"dim of {cshape[0]}"
            )
        return tuple(cshape[1:])

    def _forward(self, inputs, coordinates):
        x = _images(inputs)
        if isinstance(coordinates, (list, tuple)):
            c = np.stack([_host(a) for a in coordinates])
        else:
            c = _host(coordinates)
        self.compute_output_spec(x, c)
        xf = _float(x)
        c = c.astype(xf.dtype)  # (JAX: float32 coordinates for float32 inputs)
        fill = _fill_for(self.fill_value, x.dtype)
        plan = _gather_plan(x.shape, list(c), self.order, self.fill_mode, fill)
        out = plan.apply(xf)
        if not _is_float(x.dtype):
            out = _to_int(out, x.dtype, "away")
        return out, (plan, x.dtype)

    def _backward(self, cache, grad, need):
        plan, dtype = cache
        gx = plan.transpose(grad) if need[0] and _is_float(dtype) else None
        return gx, None


def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    """Sample `inputs` (any rank n) at `coordinates` (shape `(n, ...)`, in index units)
    with `order` 0 (nearest) or 1 (linear), points outside filled by `fill_mode`
    ("constant" with `fill_value`, "nearest", "wrap", "mirror", "reflect"), as
    `jax.scipy.ndimage.map_coordinates` (Keras on JAX). The gradient reaches the inputs,
    not the coordinates.

    >>> import numpy as np
    >>> x = np.arange(4, dtype="float32")
    >>> map_coordinates(x, np.array([[0.5, 2.25, 5.0]], "float32"), order=1)
    array([0.5 , 2.25, 0.  ], dtype=float32)
    """
    return MapCoordinates(order, fill_mode, fill_value)(inputs, coordinates)


# -- scale_and_translate -------------------------------------------------------------------------
_SCALE_METHODS = {
    "linear": "bilinear",
    "bilinear": "bilinear",
    "trilinear": "bilinear",
    "triangle": "bilinear",
    "cubic": "bicubic",
    "bicubic": "bicubic",
    "tricubic": "bicubic",
    "lanczos3": "lanczos3",
    "lanczos5": "lanczos5",
}


def _scale_matrix(n_in: int, n_out: int, scale, translation, method: str, antialias: bool):
    """`jax.image.scale_and_translate`'s `(n_out, n_in)` weight matrix for one axis."""
    kernel = iu._KERNELS[_SCALE_METHODS[method]]
    scale, translation = _F32(scale), _F32(translation)
    inv_scale = _F32(1) / scale
    kernel_scale = max(inv_scale, _F32(1)) if antialias else _F32(1)
    sample = (np.arange(n_out, dtype=_F32) + _F32(0.5)) * inv_scale
    sample = sample - translation * inv_scale - _F32(0.5)
    x = np.abs(sample[None, :] - np.arange(n_in, dtype=_F32)[:, None]) / _F32(kernel_scale)
    weights = kernel(x).astype(_F32)
    total = weights.sum(axis=0, keepdims=True)
    ok = np.abs(total) > 1000.0 * float(np.finfo(np.float32).eps)
    weights = np.where(ok, weights / np.where(total != 0, total, 1), _F32(0))
    inside = (sample >= -0.5) & (sample <= n_in - 0.5)
    return np.ascontiguousarray(np.where(inside[None, :], weights, _F32(0)).T, dtype=_F32)


class ScaleAndTranslate(Operation):
    """`scale_and_translate(images, output_shape, scale, translation, spatial_dims,
    method, antialias)`: one weight matrix per spatial axis; linear in the images (the
    scale and translation take no gradient)."""

    keras_module = "keras.src.ops.image"

    def __init__(self, spatial_dims, method, antialias=True, *, name=None):
        super().__init__(name=name)
        _choice("method", method, tuple(_SCALE_METHODS))
        self.spatial_dims = tuple(int(d) for d in spatial_dims)
        self.method = method
        self.antialias = bool(antialias)

    def get_config(self) -> dict:
        return {
            "name": self.name,
            "spatial_dims": list(self.spatial_dims),
            "method": self.method,
            "antialias": self.antialias,
        }

    def output_dtype(self, images, *rest) -> str:
        return _dtype_of(images, True)

    def compute_output_spec(self, images, output_shape, scale, translation):
        return tuple(output_shape)

    def _forward(self, images, output_shape, scale, translation):
        x = _float(_images(images))
        output_shape = tuple(int(d) for d in output_shape)
        scale, translation = _host(scale).reshape(-1), _host(translation).reshape(-1)
        k = len(self.spatial_dims)
        if len(output_shape) != x.ndim or scale.size != k or translation.size != k:
            raise ShapeError(
                f"scale_and_translate: `output_shape` needs {x.ndim} sizes (the images' "
                f"rank) and `scale`, `translation` one value per spatial dim ({k}). Received "
                f"output_shape={output_shape}, scale={scale.tolist()}, "
                f"translation={translation.tolist()}"
            )
        for d in range(x.ndim):
            if d not in self.spatial_dims and output_shape[d] != x.shape[d]:
                raise ShapeError(
                    f"scale_and_translate: axis {d} is not in spatial_dims, so its size "
                    f"({x.shape[d]}) cannot change; received output_shape={output_shape}"
                )
        mats = []
        y = x
        for d, s, t in zip(self.spatial_dims, scale, translation):
            m = _scale_matrix(x.shape[d], output_shape[d], s, t, self.method, self.antialias)
            mats.append((d, m))
            y = iu.along(y, m, d)
        return backend.xp.ascontiguousarray(y), mats

    def _backward(self, cache, grad, need):
        g = grad
        for d, m in reversed(cache):
            g = iu.along(g, m.T, d)
        return (g, None, None, None)


def scale_and_translate(images, output_shape, scale, translation, spatial_dims, method,
                        antialias=True):  # fmt: skip
    """Resample `images` to `output_shape`: along each of `spatial_dims`, output location
    `y` reads input location `(y - translation) / scale` (half-pixel centres), with
    `method` "linear" (or "bilinear", "trilinear", "triangle"), "cubic" (or "bicubic",
    "tricubic"), "lanczos3", "lanczos5", as `jax.image.scale_and_translate`.

    >>> import numpy as np
    >>> x = np.arange(9, dtype="float32").reshape(3, 3)
    >>> scale = np.array([2.0, 2.0], "float32")
    >>> scale_and_translate(x, (5, 5), scale, -(scale / 2 - 0.5), (0, 1), "linear")[0]
    array([0. , 0.5, 1. , 1.5, 2. ], dtype=float32)
    """
    return ScaleAndTranslate(spatial_dims, method, antialias)(
        images, output_shape, scale, translation
    )


# -- ssim -----------------------------------------------------------------------------------------
class SSIM(Operation):
    """`ssim(image1, image2, ...)`: Keras's formula (Gaussian window, "valid" filtering,
    averaged over pixels and channels); the gradient reaches both images (so `1 - ssim`
    works as a loss)."""

    keras_module = "keras.src.ops.image"

    def __init__(self, max_val=1.0, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03,
                 data_format=None, *, name=None):  # fmt: skip
        super().__init__(name=name)
        self.max_val, self.filter_size, self.filter_sigma = max_val, filter_size, filter_sigma
        self.k1, self.k2 = k1, k2
        self._data_format_arg = data_format
        self.data_format = cu.standardize_data_format(data_format)
        if not is_int(filter_size) or filter_size < 1:
            raise ConfigError(f"`filter_size` must be a positive integer; got {filter_size!r}")

    def get_config(self) -> dict:
        return {
            "name": self.name,
            "max_val": self.max_val,
            "filter_size": self.filter_size,
            "filter_sigma": self.filter_sigma,
            "k1": self.k1,
            "k2": self.k2,
            "data_format": self._data_format_arg,
        }

    def output_dtype(self, image1, image2) -> str:
        return _dtype_of(image1, True)

    def compute_output_spec(self, image1, image2):
        s1, s2 = shape_of(image1), shape_of(image2)
        _check_rank(s1, "image1")
        _check_rank(s2, "image2")
        return () if len(s1) == 3 else (s1[0],)

    def _forward(self, image1, image2):
        xp = backend.xp
        a, b = _images(image1), _images(image2)
        self.compute_output_spec(a, b)
        dtype = a.dtype if _is_float(a.dtype) else np.dtype(_F32)
        a, b = a.astype(dtype), b.astype(dtype)
        if a.ndim == 3:
            a, b = a[None], b[None]
        spatial = a.shape[2:] if self.data_format == "channels_first" else a.shape[1:3]
        if min(spatial) < self.filter_size:  # ("valid" filtering leaves nothing, as Keras)
            raise ShapeError(
                "The convolution operation resulted in an empty output: the images "
                f"({format_shape(a.shape)}) are smaller than `filter_size={self.filter_size}`."
            )
        if self.data_format == "channels_first":
            a, b = xp.moveaxis(a, 1, -1), xp.moveaxis(b, 1, -1)
        n = self.filter_size
        t = np.arange(n, dtype=dtype) - dtype.type((n - 1) / 2.0)
        g = np.exp(-(t**2) / dtype.type(2.0 * self.filter_sigma**2)).astype(dtype)
        g = g / g.sum()

        def valid(size):  # the (size - n + 1, size) matrix of a "valid" correlation
            m = np.zeros((max(size - n + 1, 0), size), dtype)
            for i in range(size - n + 1):
                m[i, i : i + n] = g
            return m

        rows, cols = valid(a.shape[1]), valid(a.shape[2])

        def blur(z):
            return iu.along(iu.along(z, rows, 1), cols, 2)

        c1 = dtype.type((self.k1 * self.max_val) ** 2)
        c2 = dtype.type((self.k2 * self.max_val) ** 2)
        mu1, mu2 = blur(a), blur(b)
        s11 = blur(a * a) - mu1 * mu1
        s22 = blur(b * b) - mu2 * mu2
        s12 = blur(a * b) - mu1 * mu2
        two = dtype.type(2)
        num = (two * mu1 * mu2 + c1) * (two * s12 + c2)
        den = (mu1 * mu1 + mu2 * mu2 + c1) * (s11 + s22 + c2)
        out = (num / den).mean(axis=(1, 2)).mean(axis=-1).astype(dtype)
        single = image_rank(image1) == 3
        out = out[0] if single else out
        saved = (a, b, mu1, mu2, s11, s22, s12, num, den, c1, c2, rows, cols, single)
        return xp.asarray(out), (saved if _is_float(_images(image1).dtype) else None)

    def _backward(self, cache, grad, need):
        if cache is None:
            return None, None
        xp = backend.xp
        a, b, mu1, mu2, s11, s22, s12, num, den, c1, c2, rows, cols, single = cache
        t = a.dtype.type
        count = t(mu1.shape[1] * mu1.shape[2] * mu1.shape[3])
        g = xp.reshape(xp.asarray(grad, dtype=a.dtype), (-1, 1, 1, 1)) / count
        g_num, g_den = g / den, -g * num / (den * den)
        a1, a2 = t(2) * mu1 * mu2 + c1, t(2) * s12 + c2
        d1, d2 = mu1 * mu1 + mu2 * mu2 + c1, s11 + s22 + c2
        g_a1, g_a2, g_d1, g_d2 = g_num * a2, g_num * a1, g_den * d2, g_den * d1
        g_s12 = t(2) * g_a2  # (g_s11 = g_s22 = g_d2)
        g_mu1 = t(2) * mu2 * g_a1 + t(2) * mu1 * g_d1 - t(2) * mu1 * g_d2 - mu2 * g_s12
        g_mu2 = t(2) * mu1 * g_a1 + t(2) * mu2 * g_d1 - t(2) * mu2 * g_d2 - mu1 * g_s12

        def blur_t(z):  # the transposed "valid" filter
            return iu.along(iu.along(z, cols.T, 2), rows.T, 1)

        back_d2, back_s12 = blur_t(g_d2), blur_t(g_s12)
        ga = blur_t(g_mu1) + t(2) * a * back_d2 + b * back_s12
        gb = blur_t(g_mu2) + t(2) * b * back_d2 + a * back_s12
        out = []
        for gx in (ga, gb):
            if self.data_format == "channels_first":
                gx = xp.moveaxis(gx, -1, 1)
            gx = xp.ascontiguousarray(gx[0] if single else gx)
            out.append(gx)
        return tuple(out)


def image_rank(x) -> int:
    return len(shape_of(x))


def ssim(image1, image2, max_val=1.0, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03,
         data_format=None):  # fmt: skip
    """The structural similarity of two images (or batches; one value per image), as
    Keras: a Gaussian window of `filter_size` taps with `filter_sigma`, "valid" filtering,
    constants `(k1 max_val)^2`, `(k2 max_val)^2`, averaged over pixels and channels. The
    gradient reaches both images. Integer images give float32 (Keras casts the score back
    to the integer dtype, which truncates it to 0 or 1).

    >>> import numpy as np
    >>> x = np.linspace(0, 1, 12 * 12 * 3, dtype="float32").reshape(12, 12, 3)
    >>> float(ssim(x, x))
    1.0
    """
    return SSIM(max_val, filter_size, filter_sigma, k1, k2, data_format)(image1, image2)


OPS = {
    cls.__name__: cls
    for cls in (
        Resize,
        AffineTransform,
        PerspectiveTransform,
        ElasticTransform,
        CropImages,
        PadImages,
        RGBToGrayscale,
        RGBToHSV,
        HSVToRGB,
        GaussianBlur,
        SobelEdges,
        ExtractPatches,
        MapCoordinates,
        ScaleAndTranslate,
        SSIM,
    )
}

__all__ = [
    "affine_transform",
    "crop_images",
    "elastic_transform",
    "extract_patches",
    "extract_patches_3d",
    "gaussian_blur",
    "hsv_to_rgb",
    "map_coordinates",
    "pad_images",
    "perspective_transform",
    "resize",
    "rgb_to_grayscale",
    "rgb_to_hsv",
    "scale_and_translate",
    "sobel_edges",
    "ssim",
]

"""Shared machinery of the image preprocessing layers (`Resizing`, `CenterCrop`,
`RandomCrop`, `RandomFlip`, `RandomRotation`, `RandomTranslation`, `RandomZoom`,
`RandomContrast`, `RandomBrightness`), written to match Keras 3 on JAX:

- `resize_matrix`: the 1-D interpolation matrix of `jax.image.resize` (what Keras's
  `ops.image.resize` calls): nearest, bilinear, bicubic (Keys, a=-0.5), lanczos3/5, with
  or without antialiasing. Resizing is separable and linear, so `Resample` applies a row
  matrix and a column matrix (after an optional crop, plus a constant for padding) and its
  backward pass applies the transposed matrices.
- `affine_plan` / `Affine`: Keras's `ops.image.affine_transform` (which samples with
  `jax.scipy.ndimage.map_coordinates`, order 0 or 1) as a sparse gather: each output pixel
  reads at most 4 input pixels with fixed weights (plus `fill_value` for "constant" fill),
  so the backward pass scatters the gradient back (`bincount`, i.e. `np.add.at`).
- `ImageLayer`: the base class (3-D or 4-D inputs, `data_format`, config, training and
  inference paths, the backward pass through a cache); `AffineLayer`: the base of the
  random rotation, translation and zoom layers.

>>> import numpy as np
>>> resize_matrix(2, 4, "bilinear", False)
array([[1.  , 0.  ],
       [0.75, 0.25],
       [0.25, 0.75],
       [0.  , 1.  ]], dtype=float32)
"""

from __future__ import annotations

import functools
import numbers

import numpy as np

from numkeras import backend
from numkeras.backend import random
from numkeras.errors import (
    ArgumentTypeError,
    ConfigError,
    ShapeError,
    did_you_mean,
    format_shape,
)
from numkeras.layers import conv_utils as cu
from numkeras.layers.input_spec import InputSpec
from numkeras.layers.integer_inputs import as_float
from numkeras.layers.layer import Layer
from numkeras.utils.checks import is_int

RESIZE_INTERPOLATIONS = ("bilinear", "nearest", "lanczos3", "lanczos5", "bicubic")
AFFINE_INTERPOLATIONS = ("nearest", "bilinear")
AFFINE_FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")
LAYER_FILL_MODES = ("reflect", "wrap", "constant", "nearest")  # what the random layers take

_F32 = np.float32


def check_choice(layer: str, arg: str, value, allowed) -> str:
    """`value` if it is one of `allowed`, else a ConfigError listing them (and the closest)."""
    if isinstance(value, str) and value in allowed:
        return value
    hint = did_you_mean(value, allowed)
    raise ConfigError(
        f"{layer}: invalid `{arg}` {value!r}; expected one of {tuple(allowed)}.{hint}"
    )


def check_size(layer: str, arg: str, value) -> int:
    # (not an integer at all: a TypeError, as Keras's call raises; zero or less: a ValueError)
    error = ConfigError if is_int(value) else ArgumentTypeError
    if not is_int(value) or value <= 0:
        raise error(f"{layer}: `{arg}` must be a positive integer, received {arg}={value!r}.")
    return int(value)


def is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_number(layer: str, arg: str, value) -> float | int:
    if not is_number(value):
        raise ConfigError(f"{layer}: `{arg}` must be a number, received {arg}={value!r}.")
    return value


# -- resizing ---------------------------------------------------------------------------
def _triangle(x):
    return np.maximum(_F32(0), _F32(1) - np.abs(x))


def _keys_cubic(x):  # Keys' cubic kernel with a = -0.5 (jax's "cubic")
    out = ((_F32(1.5) * x - _F32(2.5)) * x) * x + _F32(1)
    out = np.where(x >= 1, ((_F32(-0.5) * x + _F32(2.5)) * x - _F32(4)) * x + _F32(2), out)
    return np.where(x >= 2, _F32(0), out)


def _lanczos(radius: float):
    def kernel(x):
        y = _F32(radius) * np.sin(_F32(np.pi) * x) * np.sin(_F32(np.pi) * x / _F32(radius))
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(x > 1e-3, y / np.where(x != 0, _F32(np.pi**2) * x * x, 1), 1)
        return np.where(x > radius, _F32(0), out).astype(_F32)

    return kernel


_KERNELS = {
    "bilinear": _triangle,
    "bicubic": _keys_cubic,
    "lanczos3": _lanczos(3.0),
    "lanczos5": _lanczos(5.0),
}


@functools.lru_cache(maxsize=256)
def _resize_matrix(in_size: int, out_size: int, method: str, antialias: bool):
    if method == "nearest":
        # jax: floor((i + 0.5) * in / out), computed in float32
        pos = (np.arange(out_size, dtype=_F32) + _F32(0.5)) * _F32(in_size) / _F32(out_size)
        index = np.floor(pos).astype(np.int64)
        m = np.zeros((out_size, in_size), _F32)
        m[np.arange(out_size), index] = 1
        return m
    # jax.image.scale_and_translate with translation 0 (compute_weight_mat), in float32
    inv_scale = 1.0 / (out_size / in_size)
    kernel_scale = max(inv_scale, 1.0) if antialias else 1.0
    sample = (np.arange(out_size, dtype=_F32) + _F32(0.5)) * _F32(inv_scale) - _F32(0.5)
    x = np.abs(sample[None, :] - np.arange(in_size, dtype=_F32)[:, None]) / _F32(kernel_scale)
    weights = _KERNELS[method](x).astype(_F32)
    total = weights.sum(axis=0, keepdims=True)
    ok = np.abs(total) > 1000.0 * float(np.finfo(np.float32).eps)
    weights = np.where(ok, weights / np.where(total != 0, total, 1), _F32(0))
    inside = (sample >= -0.5) & (sample <= in_size - 0.5)
    weights = np.where(inside[None, :], weights, _F32(0))
    return np.ascontiguousarray(weights.T, dtype=_F32)


def resize_matrix(in_size: int, out_size: int, method: str = "bilinear", antialias=False):
    """The `(out_size, in_size)` matrix that resizes one axis as `jax.image.resize` does
    (None when the sizes are equal: jax leaves such an axis untouched)."""
    if in_size == out_size:
        return None
    m = _resize_matrix(int(in_size), int(out_size), method, bool(antialias) and method != "nearest")
    return m.copy()


def aspect_crop(height: int, width: int, target_h: int, target_w: int) -> tuple:
    """Keras's `crop_to_aspect_ratio` / `smart_resize` window: (top, left, rows, cols)."""
    crop_h = max(min(height, int(float(width * target_h) / target_w)), 1)
    crop_w = max(min(width, int(float(height * target_w) / target_h)), 1)
    return int(float(height - crop_h) / 2), int(float(width - crop_w) / 2), crop_h, crop_w


class Resample:
    """`out = R @ x[top:top+rows, left:left+cols] @ C.T + constant` for every image and
    channel, where `R` and `C` are interpolation matrices (None: identity) and `constant`
    (None: zero) is what padding adds. Backward: `R.T @ g @ C`, placed back in the window."""

    def __init__(
        self, in_hw, window, row_matrix=None, col_matrix=None, constant=None, gather=False
    ):
        self.in_hw = tuple(in_hw)
        # (nearest: the matrices select one pixel each, applied as a gather, as JAX's)
        self.gather = gather
        self.window = tuple(window)  # (top, left, rows, cols)
        self.row_matrix = row_matrix
        self.col_matrix = col_matrix
        self.constant = constant

    def apply(self, x, data_format: str):
        """`x`: a batch, (B, H, W, C) or (B, C, H, W)."""
        h_axis, w_axis = (1, 2) if data_format == "channels_last" else (2, 3)
        top, left, rows, cols = self.window
        index = [slice(None)] * 4
        index[h_axis] = slice(top, top + rows)
        index[w_axis] = slice(left, left + cols)
        y = x[tuple(index)]
        y = _along(y, self.row_matrix, h_axis, self.gather)
        y = _along(y, self.col_matrix, w_axis, self.gather)
        if self.constant is not None:
            const = backend.xp.asarray(self.constant, dtype=x.dtype)
            y = y + (const if data_format == "channels_first" else const[:, :, None])
        return backend.xp.ascontiguousarray(y, dtype=x.dtype)

    def transpose(self, g, data_format: str):
        """The gradient with respect to the input, given the output gradient `g`."""
        xp = backend.xp
        h_axis, w_axis = (1, 2) if data_format == "channels_last" else (2, 3)
        y = _along(g, None if self.col_matrix is None else self.col_matrix.T, w_axis)
        y = _along(y, None if self.row_matrix is None else self.row_matrix.T, h_axis)
        top, left, rows, cols = self.window
        shape = list(g.shape)
        shape[h_axis], shape[w_axis] = self.in_hw
        out = xp.zeros(shape, dtype=g.dtype)
        index = [slice(None)] * 4
        index[h_axis] = slice(top, top + rows)
        index[w_axis] = slice(left, left + cols)
        out[tuple(index)] = y
        return out


def _along(x, matrix, axis: int, gather: bool = False):
    """`matrix` (out, in) applied along `axis` of `x` (one BLAS product; None: identity).
    `gather`: each row of `matrix` selects one entry (a 1) or none (0s)."""
    if matrix is None:
        return x
    xp = np if isinstance(x, np.ndarray) else backend.xp  # (a plan drawn on the host)
    if gather:
        # as JAX's nearest resizing: a product's 0 * inf would put NaN in every row the
        # matrix's zeros touch
        picked = xp.take(x, xp.asarray(matrix.argmax(axis=1)), axis=axis)
        hit = (matrix != 0).any(axis=1)
        if hit.all():
            return picked
        shape = [1] * x.ndim
        shape[axis] = -1
        return xp.where(xp.asarray(hit.reshape(shape)), picked, x.dtype.type(0))
    y = xp.tensordot(x, xp.asarray(matrix, dtype=x.dtype), axes=([axis], [1]))
    return xp.moveaxis(y, -1, axis)


def resize_plan(
    in_hw,
    size,
    interpolation: str = "bilinear",
    antialias: bool = False,
    crop_to_aspect_ratio: bool = False,
    pad_to_aspect_ratio: bool = False,
    fill_value: float = 0.0,
) -> Resample:
    """Keras's `ops.image.resize` (JAX backend) from `in_hw` to `size`, as a `Resample`."""
    height, width = (int(d) for d in in_hw)
    target_h, target_w = (int(d) for d in size)
    window = (0, 0, height, width)
    if crop_to_aspect_ratio:
        window = aspect_crop(height, width, target_h, target_w)
    rows = resize_matrix(window[2], target_h, interpolation, antialias)
    cols = resize_matrix(window[3], target_w, interpolation, antialias)
    constant = None
    if pad_to_aspect_ratio:
        # Keras pads `start` rows (or columns) of fill_value on both sides, then resizes
        pad_h = max(height, int(float(width * target_h) / target_w))
        pad_w = max(width, int(float(height * target_w) / target_h))
        start_h = int(float(pad_h - height) / 2)
        start_w = int(float(pad_w - width) / 2)
        if start_h > 0 or start_w > 0:
            rows, row_sums, row_kept = _padded_axis(
                height, start_h, target_h, interpolation, antialias
            )
            cols, col_sums, col_kept = _padded_axis(
                width, 0 if start_h > 0 else start_w, target_w, interpolation, antialias
            )
            # padded = fill + embed(x - fill): the fill reaches the output through the
            # whole matrices, minus the part of it that the image window covers
            constant = _F32(fill_value) * (
                np.outer(row_sums, col_sums) - np.outer(row_kept, col_kept)
            ).astype(_F32)
    return Resample((height, width), window, rows, cols, constant, interpolation == "nearest")


def _padded_axis(size: int, start: int, target: int, interpolation: str, antialias: bool):
    """For an axis padded by `start` on both sides and resized to `target`: the matrix
    restricted to the image's own positions, the full matrix's row sums and the kept ones'."""
    padded = size + 2 * start
    full = resize_matrix(padded, target, interpolation, antialias)
    if full is None:
        full = np.eye(padded, dtype=_F32)
    kept = np.ascontiguousarray(full[:, start : start + size])
    return kept, full.sum(axis=1), kept.sum(axis=1)


# -- affine transforms -------------------------------------------------------------------
def _round_half_away(x):
    return np.sign(x) * np.floor(np.abs(x) + _F32(0.5))


def _fix_index(index, size: int, mode: str):
    """`jax.scipy.ndimage.map_coordinates`'s index fixers, applied to the out-of-range
    indices only (integer modulo is slow; most indices are in range)."""
    if mode == "constant":
        return index  # out-of-range indices are masked by the caller
    outside = (index < 0) | (index >= size)
    if not outside.any():
        return index
    index = index.copy()
    index[outside] = _fix_outside(index[outside], size, mode)
    return index


def _fix_outside(index, size: int, mode: str):
    if mode == "nearest":
        return np.clip(index, 0, size - 1)
    if mode == "wrap":
        return np.mod(index, size)
    if mode == "mirror":
        if size == 1:
            return np.zeros_like(index)
        s = size - 1
        return np.abs(np.mod(index + s, 2 * s) - s)
    if mode == "reflect":
        m = 2 * size  # mirror of 2i+1 on a period of 2 * (2 * size + 1 - 1)
        return np.floor_divide(np.abs(np.mod(2 * index + 1 + m, 2 * m) - m) - 1, 2)
    raise ConfigError(f"unknown fill_mode {mode!r}")


def _axis_nodes(coord, size: int, order: int, mode: str):
    """[(fixed index, weight, valid)] for one axis: 1 node (nearest) or 2 (linear)."""
    if order == 0:
        nodes = [(_round_half_away(coord).astype(np.int64), np.ones_like(coord))]
    else:
        lower = np.floor(coord)
        upper_w = coord - lower
        lower = lower.astype(np.int64)
        nodes = [(lower, _F32(1) - upper_w), (lower + 1, upper_w)]
    out = []
    for index, weight in nodes:
        valid = (index >= 0) & (index < size) if mode == "constant" else None
        out.append((_fix_index(index, size, mode), weight, valid))
    return out


class Affine:
    """A batch of affine resamplings as a sparse gather: output pixel `n` of image `b` is
    `sum_k weight[b, n, k] * x[b, index[b, n, k]] + fill[b, n] * fill_value`."""

    def __init__(self, hw, index, weight, fill, fill_value):
        self.hw = tuple(hw)
        self.index = index  # (B, H*W, K) flat pixel indices within each image
        self.weight = weight  # (B, H*W, K) float32
        self.fill = fill  # (B, H*W) float32 or None
        self.fill_value = fill_value
        b, n, k = index.shape
        # (K, B*H*W) indices into the batch's (B*H*W, C) pixel rows, one row per neighbour
        offsets = (np.arange(b, dtype=np.intp) * n)[:, None, None]
        self._rows = np.ascontiguousarray((index + offsets).transpose(2, 0, 1).reshape(k, -1))
        self._weights = np.ascontiguousarray(weight.transpose(2, 0, 1).reshape(k, -1))

    def apply(self, x, data_format: str):
        xp = backend.xp
        y = xp.ascontiguousarray(_channels_last(x, data_format))
        b, h, w, c = y.shape
        flat = y.reshape(b * h * w, c)
        rows = xp.asarray(self._rows)
        weights = xp.asarray(self._weights, dtype=x.dtype)
        out = xp.zeros((b * h * w, c), dtype=x.dtype)
        for k in range(rows.shape[0]):  # (one gather per neighbour: no (B, HW, K, C) temp)
            out += weights[k, :, None] * xp.take(flat, rows[k], axis=0)
        if self.fill is not None and self.fill_value != 0:
            fill = xp.asarray(self.fill, dtype=x.dtype).reshape(-1, 1)
            out += fill * x.dtype.type(self.fill_value)
        return xp.ascontiguousarray(_from_channels_last(out.reshape(b, h, w, c), data_format))

    def transpose(self, g, data_format: str):
        xp = backend.xp
        y = xp.ascontiguousarray(_channels_last(g, data_format))
        b, h, w, c = y.shape
        flat_g = y.reshape(b * h * w, c)
        rows = xp.asarray(self._rows).reshape(-1)
        weights = xp.asarray(self._weights, dtype=g.dtype)
        out = xp.empty((b * h * w, c), dtype=g.dtype)
        for ch in range(c):  # the transposed gather: bincount, the fast form of np.add.at
            contrib = (weights * flat_g[:, ch]).reshape(-1)
            out[:, ch] = xp.bincount(rows, weights=contrib, minlength=b * h * w)
        return xp.ascontiguousarray(_from_channels_last(out.reshape(b, h, w, c), data_format))


def _channels_last(x, data_format: str):
    return x if data_format == "channels_last" else backend.xp.moveaxis(x, 1, -1)


def _from_channels_last(x, data_format: str):
    return x if data_format == "channels_last" else backend.xp.moveaxis(x, -1, 1)


def affine_plan(
    transforms, hw, interpolation: str = "bilinear", fill_mode="constant", fill_value=0.0
) -> Affine:
    """Keras's `ops.image.affine_transform` for a batch of images of spatial size `hw`.

    `transforms` is `(B, 8)` (or `(8,)`): `[a0, a1, a2, b0, b1, b2, c0, c1]` maps output
    point `(x, y)` to input point `(a0 x + a1 y + a2, b0 x + b1 y + b2)`. The projective
    terms `c0, c1` must be 0 (Keras's JAX backend does not divide by them either; none of
    the layers sets them).
    """
    t = np.asarray(transforms, dtype=_F32)
    if t.ndim == 1:
        t = t[None]
    if t.ndim != 2 or t.shape[1] != 8:
        raise ShapeError(
            "affine transforms must have shape (8,) or (batch, 8), received "
            f"{format_shape(t.shape)}."
        )
    if np.any(t[:, 6:] != 0):
        raise ConfigError("affine_plan supports affine transforms only: c0 and c1 must be 0.")
    order = AFFINE_INTERPOLATIONS.index(
        check_choice("affine_transform", "interpolation", interpolation, AFFINE_INTERPOLATIONS)
    )
    check_choice("affine_transform", "fill_mode", fill_mode, AFFINE_FILL_MODES)
    h, w = (int(d) for d in hw)
    ys, xs = np.meshgrid(np.arange(h, dtype=_F32), np.arange(w, dtype=_F32), indexing="ij")
    ys, xs = ys.reshape(1, -1), xs.reshape(1, -1)
    a0, a1, a2, b0, b1, b2 = (t[:, i : i + 1] for i in range(6))
    # (float32, as JAX computes them: row = y*b1 + x*b0 + b2, column = y*a1 + x*a0 + a2)
    row = (ys * b1 + xs * b0) + b2
    col = (ys * a1 + xs * a0) + a2
    return sample_plan(row, col, (h, w), order, fill_mode, fill_value)


def sample_plan(row, col, hw, order: int, fill_mode="constant", fill_value=0.0) -> Affine:
    """The `Affine` gather that samples each image of a batch at the points `(row, col)`
    (each `(B, H*W)`, in input pixels) as `jax.scipy.ndimage.map_coordinates` does (order 0:
    nearest, 1: linear), for an output of the input's spatial size `hw`."""
    h, w = (int(d) for d in hw)
    indices, weights, fills = [], [], []
    for ri, rw, rv in _axis_nodes(row, h, order, fill_mode):
        for ci, cw, cv in _axis_nodes(col, w, order, fill_mode):
            weight = (rw * cw).astype(_F32)
            index = ri * w + ci
            if fill_mode == "constant":
                valid = rv & cv
                fills.append(np.where(valid, _F32(0), weight))
                weight = np.where(valid, weight, _F32(0))
                index = np.where(valid, index, 0)
            indices.append(index)
            weights.append(weight)
    fill = np.sum(fills, axis=0).astype(_F32) if fills else None
    return Affine((h, w), np.stack(indices, -1), np.stack(weights, -1), fill, float(fill_value))


def affine_transform(
    images,
    transforms,
    interpolation="bilinear",
    fill_mode="constant",
    fill_value=0.0,
    data_format="channels_last",
):
    """Keras's `ops.image.affine_transform` on a 3-D image or a 4-D batch (NumPy arrays).

    >>> img = np.arange(9, dtype="float32").reshape(3, 3, 1)
    >>> shift = [1, 0, 1, 0, 1, 0, 0, 0]  # read one column to the right
    >>> affine_transform(img, shift, fill_mode="constant")[..., 0]
    array([[1., 2., 0.],
           [4., 5., 0.],
           [7., 8., 0.]], dtype=float32)
    """
    x = backend.xp.asarray(images)
    single = x.ndim == 3
    if single:
        x = x[None]
    if x.ndim != 4:
        raise ShapeError(
            "affine_transform expects a 3-D image or a 4-D batch, received "
            f"{format_shape(x.shape)}."
        )
    hw = x.shape[1:3] if data_format == "channels_last" else x.shape[2:4]
    plan = affine_plan(transforms, hw, interpolation, fill_mode, fill_value)
    t = np.asarray(transforms)
    if t.ndim == 1 and x.shape[0] > 1:
        plan = affine_plan(np.tile(t, (x.shape[0], 1)), hw, interpolation, fill_mode, fill_value)
    out = plan.apply(x, data_format)
    return out[0] if single else out


# -- layers ----------------------------------------------------------------------------
def spatial_axes(ndim: int, data_format: str) -> tuple:
    """The (height, width) axes of a 3-D image or a 4-D batch."""
    return (ndim - 3, ndim - 2) if data_format == "channels_last" else (ndim - 2, ndim - 1)


class ImageLayer(Layer):
    """Base class of the image preprocessing layers: inputs are a 3-D image or a 4-D batch
    (`data_format` says where the channels are). Subclasses implement
    `_transform(x4, training) -> (outputs, plan)` on a 4-D batch, where `plan` (or None for
    the identity) has `.transpose(g, data_format)` for the backward pass."""

    # random layers store `seed` and draw from `self._generator()`
    seed = None
    _rng = None
    # Integer images (layers/integer_inputs.py): the layer transforms them in floats and
    # gives float32, as Keras's; with `identity_keeps_integers`, a call that leaves them
    # as they are (the identity at inference) gives them back in their own dtype, as
    # Keras's layers that cast only the images they transform
    identity_keeps_integers = False

    @property
    def integer_inputs(self) -> str:
        return "keep" if self.identity_keeps_integers else "float"

    def __init__(self, data_format=None, **kwargs):
        data_format = cu.standardize_data_format(data_format)
        super().__init__(**kwargs)
        self.data_format = data_format
        self.input_spec = InputSpec(min_ndim=3, max_ndim=4)

    def _set_seed(self, seed):
        if seed is not None and not is_int(seed):
            raise ConfigError(
                f"{type(self).__name__}: `seed` must be an integer or None, received {seed!r}."
            )
        self.seed = seed
        self._rng = random.make_generator(seed) if seed is not None else None

    def _generator(self) -> np.random.Generator:
        # (the global generator is looked up at each draw: set_random_seed replaces it)
        return self._rng if self._rng is not None else random.global_generator()

    def _hw(self, shape) -> tuple:
        ha, wa = spatial_axes(len(shape), self.data_format)
        return shape[ha], shape[wa]

    def _with_hw(self, shape, height, width) -> tuple:
        shape = list(shape)
        if len(shape) not in (3, 4):
            raise ShapeError(
                f"Layer '{self.name}' ({type(self).__name__}) expects a 3-D image or a 4-D batch "
                f"of images, received shape {format_shape(tuple(shape))}."
            )
        ha, wa = spatial_axes(len(shape), self.data_format)
        shape[ha], shape[wa] = height, width
        return tuple(shape)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    # How a dict input's "segmentation_masks" follow its "images" (Keras's
    # `transform_segmentation_masks`): "keep" (colour layers: unchanged), "images" (moved
    # pixel for pixel with the images, as extra channels: flips and crops), "nearest"
    # (resampled as the images, with nearest interpolation), or None (not supported).
    masks_follow: str | None = None

    def __call__(self, inputs, *more, training=None, **kwargs):
        if isinstance(inputs, dict) and not more and not kwargs:
            return self._call_dict(inputs, training)
        return super().__call__(inputs, *more, training=training, **kwargs)

    def _call_dict(self, data: dict, training):
        """Keras's dict input: `{"images": ..., "labels": ..., "segmentation_masks": ...}`
        (other keys pass through). The images are transformed as a plain call would; the
        labels are unchanged; the masks follow `masks_follow`."""
        name = type(self).__name__
        if "images" not in data:
            raise ConfigError(
                f"{name}: a dict input needs an 'images' entry; received keys {sorted(data)}."
            )
        if "bounding_boxes" in data:
            raise ConfigError(
                "You passed an input with a 'bounding_boxes' key, but you didn't specify a "
                f"bounding box format. numkeras's {name} does not transform bounding boxes."
            )
        out = {k: self._passed_through(v) for k, v in data.items()}
        masks = data.get("segmentation_masks")
        if masks is None or self.masks_follow == "keep":
            out["images"] = super().__call__(data["images"], training=training)
            return out
        if self.masks_follow == "nearest":
            return self._call_dict_nearest_masks(data, out, training)
        if self.masks_follow != "images":
            raise ConfigError(f"numkeras's {name} does not transform 'segmentation_masks'.")
        images = backend.cast_input(data["images"], self.dtype)
        masks = backend.cast_input(masks, self.dtype)
        axis = -1 if self.data_format == "channels_last" else -3
        both = super().__call__(
            backend.xp.concatenate([images, masks], axis=axis), training=training
        )
        out["images"], out["segmentation_masks"] = backend.xp.split(
            both, [images.shape[axis]], axis=axis
        )
        return out

    def _call_dict_nearest_masks(self, data: dict, out: dict, training):
        """The masks resampled as the images, with "nearest" interpolation (as Keras's):
        the layer's random draws are replayed for them from the generator's state."""
        generator = self._generator()
        before = generator.bit_generator.state
        out["images"] = super().__call__(data["images"], training=training)
        after = generator.bit_generator.state
        masks = backend.xp.asarray(data["segmentation_masks"])
        interpolation = self.interpolation
        generator.bit_generator.state = before
        try:
            self.interpolation = "nearest"
            moved = self.forward(masks.astype(self.dtype), training=training is not False)[0]
        finally:
            self.interpolation = interpolation
            generator.bit_generator.state = after
        out["segmentation_masks"] = moved.astype(masks.dtype)
        return out

    def _passed_through(self, value):
        """An entry Keras converts to a tensor: floats in the layer's dtype, others as is."""
        if isinstance(value, dict):
            return {k: self._passed_through(v) for k, v in value.items()}
        array = backend.xp.asarray(value)
        return array.astype(self.dtype) if array.dtype.kind == "f" else array

    def _transform(self, x, training: bool):
        raise NotImplementedError

    def call(self, inputs, training: bool = False):
        return self.forward(inputs, training=training)[0]

    def forward(self, inputs, training: bool = True):
        single = inputs.ndim == 3
        x = inputs[None] if single else inputs
        x = as_float(x, self.dtype)  # (kept integers: `identity_keeps_integers`)
        out, plan = self._transform(x, bool(training))
        if out is x:  # (the identity: integer images keep their dtype)
            return inputs, None
        return (out[0] if single else out), (plan, single)

    def backward(self, cache, grad_output, need_input_grad: bool = True):
        if not need_input_grad:
            return None
        if cache is None:
            return grad_output
        plan, single = cache
        g = grad_output[None] if single else grad_output
        g = plan.transpose(g, self.data_format)
        return g[0] if single else g

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format}


def base_factor(layer: str, factor, bounds=(-1, 1)) -> tuple:
    """Keras's `BaseImagePreprocessingLayer._set_factor`: a number `f` in `bounds` gives
    `(max(-|f|, low), |f|)`; a pair is sorted (and must overlap `bounds`)."""
    error = (
        f"{layer}: the `factor` argument should be a number (or a list of two numbers) in the "
        f"range [{bounds[0]}, {bounds[1]}]. Received: factor={factor!r}"
    )
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2 or not all(is_number(f) for f in factor):
            raise ConfigError(error)
        if factor[0] > bounds[1] or factor[1] < bounds[0]:
            raise ConfigError(error)
        lower, upper = sorted(factor)
        return lower, upper
    if not is_number(factor) or not bounds[0] <= factor <= bounds[1]:
        raise ConfigError(error)
    factor = abs(factor)
    return max(-factor, bounds[0]), factor


def range_factor(layer: str, name: str, factor, open_low: bool = False) -> tuple:
    """`RandomTranslation`/`RandomZoom`'s factors: a number `f` gives `(-|f|, |f|)`, a pair
    is sorted; every number lies in [-1, 1] (in (-1, 1] for zoom: `open_low`)."""
    return unit_pair(layer, name, factor, (-1.0, 1.0), symmetric=True, open_low=open_low)


def config_value(value):
    """A factor as Keras writes it in the config (tuples stay tuples)."""
    return tuple(value) if isinstance(value, list) else value


def uniform(generator: np.random.Generator, low, high, shape):
    """Float32 draws in [low, high) (low == high gives low)."""
    return generator.uniform(float(low), float(high), size=shape).astype(_F32)


__all__ = [
    "AFFINE_FILL_MODES",
    "AFFINE_INTERPOLATIONS",
    "Affine",
    "AffineLayer",
    "ImageLayer",
    "RESIZE_INTERPOLATIONS",
    "Resample",
    "affine_plan",
    "affine_transform",
    "aspect_crop",
    "resize_matrix",
    "resize_plan",
    "rotation_matrices",
    "AugmentationLayer",
]


class AugmentationLayer(ImageLayer):
    """Base of the random augmentation layers: random in training, the identity at
    inference (predict, evaluate). Called directly without `training=`, they augment, as
    Keras 3's do (their `call` defaults `training` to True), so `layer(images)` in a data
    pipeline augments; pass `training=False` for the identity."""

    def call(self, inputs, training: bool = True):
        return self.forward(inputs, training=training)[0]

    # (named here so the redefined `call` is not taken for a user's call to trace)
    forward = ImageLayer.forward
    backward = ImageLayer.backward


class AffineLayer(AugmentationLayer):
    """Base of `RandomRotation`, `RandomTranslation` and `RandomZoom`: in training, one
    random affine transform per image (`_matrices(generator, batch, height, width)` gives
    them as `(batch, 8)`), sampled by `affine_plan`; at inference, the identity."""

    masks_follow = "nearest"  # (a dict's segmentation masks: the same transforms, nearest)

    def _check_sampling(self, fill_mode, interpolation, fill_value) -> None:
        name = type(self).__name__
        check_choice(name, "fill_mode", fill_mode, LAYER_FILL_MODES)
        check_choice(name, "interpolation", interpolation, AFFINE_INTERPOLATIONS)
        check_number(name, "fill_value", fill_value)

    def _matrices(self, generator, batch: int, height: int, width: int):
        raise NotImplementedError

    def _transform(self, x, training: bool):
        if not training:
            return x, None
        height, width = self._hw(x.shape)
        transforms = self._matrices(self._generator(), x.shape[0], height, width)
        plan = affine_plan(
            transforms, (height, width), self.interpolation, self.fill_mode, self.fill_value
        )
        return plan.apply(x, self.data_format), plan

    def _sampling_config(self) -> dict:
        return {
            "fill_mode": self.fill_mode,
            "fill_value": self.fill_value,
            "interpolation": self.interpolation,
            "seed": self.seed,
        }


def rotation_matrices(degrees, height: int, width: int):
    """Keras's `_compute_affine_matrix` for rotations about the image centre: `(B, 8)`."""
    theta = np.deg2rad(np.asarray(degrees, dtype=np.float64))
    cx, cy = 0.5 * (width - 1), 0.5 * (height - 1)
    cos, sin = np.cos(theta), np.sin(theta)
    zero = np.zeros_like(theta)
    a2 = cx - cx * cos + cy * sin
    b2 = cy - cx * sin - cy * cos
    return np.stack([cos, -sin, a2, sin, cos, b2, zero, zero], axis=-1).astype(_F32)


# -- shared by the augmentation layers of keras/layers/preprocessing/image_preprocessing
# (RandomGrayscale, Solarization, AutoContrast, RandomInvert, RandomPosterization,
# RandomSharpness, RandomShear, RandomErasing, RandomGaussianBlur) ---------------------
along = _along  # `matrix` (out, in) applied along one axis


def check_value_range(layer: str, value_range) -> tuple | list:
    """`value_range` if it is a pair of numbers (kept as given), else a ConfigError."""
    if (
        not isinstance(value_range, (tuple, list))
        or len(value_range) != 2
        or not all(is_number(v) for v in value_range)
    ):
        raise ConfigError(
            f"{layer}: the `value_range` argument should be a list of two numbers, e.g. "
            f"(0, 255) or (0, 1). Received: value_range={value_range!r}"
        )
    return value_range


def unit_pair(
    layer: str, name: str, factor, bounds=(0, 1), symmetric=False, open_low: bool = False
) -> tuple:
    """A factor whose numbers must each lie in `bounds` (Solarization, RandomShear; with
    `open_low`, above the lower bound): a number `f` gives `(0, f)` (`(-|f|, |f|)` when
    `symmetric`), a pair is sorted."""
    interval = f"{'(' if open_low else '['}{bounds[0]}, {bounds[1]}]"
    error = (
        f"{layer}: the `{name}` argument should be a number (or a list of two numbers) in "
        f"the range {interval}. Received: {name}={factor!r}"
    )

    def check(v):
        if not is_number(v) or v < bounds[0] or v > bounds[1] or (open_low and v == bounds[0]):
            raise ConfigError(error)

    if isinstance(factor, (tuple, list)):
        if len(factor) != 2:
            raise ConfigError(error)
        check(factor[0])
        check(factor[1])
        lower, upper = sorted(factor)
        return lower, upper
    check(factor)
    return (-abs(factor), abs(factor)) if symmetric else (0, factor)


def to_value_range(x, original, target):
    """Keras's `_transform_value_range`: map `original` linearly onto `target` (in
    `x`'s dtype; the identity when the ranges are equal)."""
    if original[0] == target[0] and original[1] == target[1]:
        return x
    t = x.dtype.type
    x = (x - t(original[0])) / (t(original[1]) - t(original[0]))
    return x * (t(target[1]) - t(target[0])) + t(target[0])


def batch_mask(flags, ndim: int = 4):
    """Per-image booleans `(B,)` shaped `(B, 1, 1, 1)` for broadcasting."""
    return backend.xp.asarray(flags, dtype=bool).reshape((-1,) + (1,) * (ndim - 1))


class MaskPlan:
    """Backward pass of an elementwise `where`/clip: `g * factor` (a broadcastable array)."""

    def __init__(self, factor):
        self.factor = factor

    def transpose(self, g, data_format: str):
        return g * backend.xp.asarray(self.factor, dtype=g.dtype)


class NoGradient:
    """Backward pass of a transform that is not differentiated (posterization,
    equalization, ...): a zero gradient, so such a layer may sit anywhere in a trained model
    (normally at its input, where no input gradient is asked for)."""

    def transpose(self, g, data_format: str):
        return backend.xp.zeros_like(g)


class DrawLayer(AugmentationLayer):
    """Base of the random layers that draw a `transformation` dict per batch (named as
    Keras's): `get_random_transformation(x4)` draws it (numkeras generators), and
    `_apply(x4, transformation) -> (outputs, plan)` is the deterministic transform.
    `transform_images(images, transformation)` runs that transform on a 3-D image or a
    4-D batch, as Keras's method of that name (for a fixed draw)."""

    def get_random_transformation(self, x) -> dict:
        raise NotImplementedError

    def _apply(self, x, transformation: dict):
        raise NotImplementedError

    def _transform(self, x, training: bool):
        if not training:
            return x, None
        return self._apply(x, self.get_random_transformation(x))

    def transform_images(self, images, transformation: dict):
        x = backend.cast_input(images, self.dtype)
        if x.ndim not in (3, 4):
            raise ShapeError(
                f"{type(self).__name__}.transform_images expects a 3-D image or a 4-D batch, "
                f"received shape {format_shape(x.shape)}."
            )
        single = x.ndim == 3
        out, _ = self._apply(x[None] if single else x, transformation)
        return out[0] if single else out


def rgb_to_hsv(x, channel_axis: int):
    """Keras's `ops.image.rgb_to_hsv` on JAX (dm_pix's formulas), in `x`'s dtype: hue in
    [0, 1), saturation `range / max`, value `max` (any scale)."""
    xp = backend.xp
    t = x.dtype.type
    x = xp.where(xp.abs(x) < np.finfo(x.dtype).eps, t(0), x)
    r, g, b = (xp.take(x, i, axis=channel_axis) for i in range(3))
    value = xp.maximum(xp.maximum(r, g), b)
    range_ = value - xp.minimum(xp.minimum(r, g), b)
    safe_value = xp.where(value > 0, value, t(1))
    safe_range = xp.where(range_ > 0, range_, t(1))
    saturation = xp.where(value > 0, range_ / safe_value, t(0))
    norm = t(1) / (t(6) * safe_range)
    hue = xp.where(value == g, norm * (b - r) + t(2.0 / 6.0), norm * (r - g) + t(4.0 / 6.0))
    hue = xp.where(value == r, norm * (g - b), hue)
    hue = xp.where(range_ > 0, hue, t(0)) + (hue < 0).astype(x.dtype)
    return xp.stack([hue, saturation, value], axis=channel_axis)


def hsv_to_rgb(x, channel_axis: int):
    """Keras's `ops.image.hsv_to_rgb` on JAX, in `x`'s dtype."""
    xp = backend.xp
    t = x.dtype.type
    hue, saturation, value = (xp.take(x, i, axis=channel_axis) for i in range(3))
    dh = xp.mod(hue, t(1)) * t(6)
    dr = xp.clip(xp.abs(dh - t(3)) - t(1), t(0), t(1))
    dg = xp.clip(t(2) - xp.abs(dh - t(2)), t(0), t(1))
    db = xp.clip(t(2) - xp.abs(dh - t(4)), t(0), t(1))
    one_minus_s = t(1) - saturation
    planes = [value * (one_minus_s + saturation * d) for d in (dr, dg, db)]
    return xp.stack(planes, axis=channel_axis)


def check_rgb(layer, x, channel_axis: int) -> None:
    if x.shape[channel_axis] != 3:
        raise ShapeError(
            f"Layer '{layer.name}' ({type(layer).__name__}) works on RGB images: it expects 3 "
            f"channels, received input of shape {format_shape(x.shape)}."
        )

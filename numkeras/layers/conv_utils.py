"""What the convolution, pooling and image-reshaping layers share: argument checks, the
output-size rules of Keras 3, and the array kernels they run on.

- `windows` (im2col) gathers each output position's window into one array
  `(batch, *out, *kernel, channels)` with one strided slice copy per kernel offset, so a
  convolution is then one matmul;
- `add_windows` (col2im) is its transpose: it sums such an array back onto the input
  positions, one slice add per kernel offset (the backward pass of a convolution, and the
  forward pass of a transposed convolution);
- `window_slices`: per kernel offset, the strided view of the input that it meets in every
  window (the poolings reduce over these views directly, without copying windows).

Layers work channels-last inside; `channels_first` inputs are transposed on the way in and
out. "same" padding splits as TensorFlow / XLA do: `total // 2` before, the rest (one more
when `total` is odd) after.

>>> import numpy as np
>>> x = np.arange(5.0).reshape(1, 5, 1)
>>> windows(x, (2,), (2,), (1,), (2,))[0, :, :, 0]  # two windows of 2, stride 2
array([[0., 1.],
       [2., 3.]])
>>> out_size(5, 3, 1, 2, "same"), same_pads(5, 3, 1, 2)
(3, (1, 1))
"""

from __future__ import annotations

import itertools
import math

from numkeras import backend
from numkeras.backend import fused
from numkeras.errors import ConfigError, ShapeError, format_shape
from numkeras.layers.input_spec import InputSpec
from numkeras.shapes import Diagnosis
from numkeras.utils.checks import is_int

_SPATIAL_NAMES = {1: ("steps",), 2: ("rows", "cols"), 3: ("depth", "rows", "cols")}


# -- argument checks (ConfigError, Keras's wording) ---------------------------------------
def standardize_tuple(value, n: int, name: str, allow_zero: bool = False) -> tuple:
    """An int or `n` ints as a tuple of `n` ints (Keras's `standardize_tuple`)."""
    msg = f"The `{name}` argument must be a tuple of {n} integers. Received {name}={value!r}"
    if is_int(value):
        values = (int(value),) * n
    else:
        try:
            values = tuple(value)
        except TypeError:
            raise ConfigError(msg) from None
        if len(values) != n or not all(is_int(v) for v in values):
            raise ConfigError(msg)
        values = tuple(int(v) for v in values)
    bad = [v for v in values if v < 0 or (v == 0 and not allow_zero)]
    if bad:
        need = ">= 0" if allow_zero else "> 0"
        raise ConfigError(f"{msg}, including values {bad} that do not satisfy `value {need}`.")
    return values


def standardize_padding(value, allowed=("valid", "same")) -> str:
    if isinstance(value, str) and value.lower() in allowed:
        return value.lower()
    raise ConfigError(
        f"The `padding` argument must be one of {', '.join(repr(a) for a in allowed)}. "
        f"Received: padding={value!r}"
    )


def standardize_data_format(value) -> str:
    if value is None:
        return backend.image_data_format()
    if isinstance(value, str) and value.lower() in ("channels_last", "channels_first"):
        return value.lower()
    raise ConfigError(
        "The `data_format` argument must be one of 'channels_last', 'channels_first'. "
        f"Received: data_format={value!r}"
    )


def positive_int(value, name: str) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not is_int(value) or value <= 0:
        raise ConfigError(
            f"Invalid value for argument `{name}`. Expected a strictly positive integer. "
            f"Received {name}={value!r}."
        )
    return int(value)


def standardize_pairs(value, name: str, n: int = 2) -> tuple:
    """ZeroPadding2D/3D's `padding` / Cropping2D/3D's `cropping`: an int, `n` ints
    (symmetric) or `n` pairs ((before, after) per spatial axis), all >= 0."""
    if is_int(value):
        if value < 0:
            raise ConfigError(f"`{name}` cannot be negative. Received: {name}={value!r}.")
        return ((int(value),) * 2,) * n
    if isinstance(value, (list, tuple)) and len(value) == n:
        return tuple(
            standardize_tuple(v, 2, f"{_ORDINALS[i]} entry of {name}", allow_zero=True)
            for i, v in enumerate(value)
        )
    if n == 2:
        forms = (
            "a tuple of 2 ints (symmetric_height, symmetric_width), or a tuple of 2 tuples "
            "of 2 ints ((top, bottom), (left, right))"
        )
    else:
        forms = (
            f"a tuple of {n} ints (symmetric padding per spatial axis), or a tuple of {n} "
            "tuples of 2 ints ((before, after) per spatial axis)"
        )
    raise ConfigError(f"`{name}` should be either an int, {forms}. Received: {name}={value!r}.")


_ORDINALS = ("1st", "2nd", "3rd")


# -- shapes -------------------------------------------------------------------------------
def spatial_axes(rank: int, data_format: str) -> tuple:
    first = 1 if data_format == "channels_last" else 2
    return tuple(range(first, first + rank))


def channel_axis(data_format: str) -> int:
    return -1 if data_format == "channels_last" else 1


def out_size(size, kernel: int, dilation: int, stride: int, padding: str):
    """Keras's output length of one spatial axis (None stays None; may be <= 0 for
    'valid', which the caller reports)."""
    if size is None:
        return None
    if padding == "valid":
        return (size - (kernel - 1) * dilation - 1) // stride + 1
    return (size - 1) // stride + 1  # "same" and "causal"


def same_pads(size: int, kernel: int, dilation: int, stride: int) -> tuple:
    """(before, after) of TF/XLA's "same" padding: the larger half after."""
    effective = (kernel - 1) * dilation + 1
    out = out_size(size, kernel, dilation, stride, "same")
    total = max((out - 1) * stride + effective - size, 0)
    return total // 2, total - total // 2


def pads_for(padding: str, sizes, kernel, dilation, strides) -> tuple:
    if padding == "valid":
        return tuple((0, 0) for _ in sizes)
    if padding == "causal":
        return tuple(((k - 1) * d, 0) for k, d in zip(kernel, dilation))
    return tuple(same_pads(n, k, d, s) for n, k, d, s in zip(sizes, kernel, dilation, strides))


def window_too_big(layer, input_shape, kernel, dilation, strides, padding, what="window"):
    """The ShapeError of a 'valid' window that does not fit (Keras: "Computed output size
    would be zero or negative")."""
    effective = tuple((k - 1) * d + 1 for k, d in zip(kernel, dilation))
    dilated = "" if effective == tuple(kernel) else f" (dilated: {'x'.join(map(str, effective))})"
    rank = len(kernel)
    sizes = (
        tuple(input_shape)[1:-1] if layer.data_format == "channels_last" else tuple(input_shape)[2:]
    )
    names = " x ".join(_SPATIAL_NAMES[rank])
    return ShapeError(
        f"Layer '{layer.name}' ({type(layer).__name__}) received inputs of shape "
        f"{format_shape(input_shape)}: its {'x'.join(map(str, kernel))} {what}{dilated} with "
        f"padding='{padding}' does not fit in the {names} {format_shape(sizes)}, so the output "
        f"would be empty (Keras: computed output size would be zero or negative). Use "
        "padding='same', a smaller window, or larger inputs (or fewer downsampling layers "
        "before this one)."
    )


class SpatialInputSpec(InputSpec):
    """An InputSpec whose errors name the axes: `(batch, rows, cols, channels)`, and that
    spots a missing channels axis (MNIST's `(60000, 28, 28)` into a Conv2D)."""

    def __init__(self, rank: int, data_format: str, channels: int | None = None):
        axes = {channel_axis(data_format): channels} if channels is not None else None
        super().__init__(ndim=rank + 2, axes=axes)
        self.rank = rank
        self.data_format = data_format
        self.channels = channels

    def describe(self) -> str:
        ch = "channels" if self.channels is None else f"channels={self.channels}"
        names = _SPATIAL_NAMES.get(self.rank, tuple(f"dim{i}" for i in range(self.rank)))
        parts = (
            ["batch", *names, ch]
            if self.data_format == "channels_last"
            else [
                "batch",
                ch,
                *names,
            ]
        )
        return "(" + ", ".join(parts) + ")"

    def diagnose_rank(self, shape) -> Diagnosis:
        shape = tuple(shape)
        want = self.rank + 2
        reason = f"expected rank {want} {self.describe()}, received rank {len(shape)}."
        fix = None
        if len(shape) == want - 1:
            single = self.channels is not None and shape[channel_axis(self.data_format)] == (
                self.channels
            )
            if single:
                fix = (
                    "this looks like a single sample without the batch axis; use x[None], "
                    f"shape {format_shape((1, *shape))}."
                )
            else:
                cl = self.data_format == "channels_last"
                new = (*shape, 1) if cl else (shape[0], 1, *shape[1:])
                fix = (
                    "the channels axis is missing (single-channel images still need one); use "
                    f"{'x[..., None]' if cl else 'x[:, None]'}, shape {format_shape(new)}"
                    + (" (or declare data_format='channels_first')" if cl else "")
                    + "."
                )
        return Diagnosis(reason, fix)


def check_channels(layer, input_shape, data_format: str):
    channels = tuple(input_shape)[channel_axis(data_format)]
    if channels is None:
        raise ShapeError(
            f"Layer '{layer.name}': the channels axis of its inputs must be known to create "
            f"its weights; received shape {format_shape(input_shape)} ({data_format})."
        )
    return int(channels)


# -- layout -------------------------------------------------------------------------------
def to_last(x, data_format: str):
    """A channels-first array as channels-last (a view); channels-last unchanged."""
    if data_format == "channels_last":
        return x
    return x.transpose(0, *range(2, x.ndim), 1)


def from_last(x, data_format: str):
    """The inverse of `to_last` (contiguous)."""
    if data_format == "channels_last":
        return x
    return backend.xp.ascontiguousarray(x.transpose(0, x.ndim - 1, *range(1, x.ndim - 1)))


def pad(x, pads, value=0.0):
    """Pad the spatial axes of a channels-last array (no copy when nothing to pad)."""
    if not any(a or b for a, b in pads):
        return x
    widths = ((0, 0), *pads, (0, 0))
    return backend.xp.pad(x, widths, mode="constant", constant_values=value)


def crop(x, pads):
    """Undo `pad` (a view)."""
    if not any(a or b for a, b in pads):
        return x
    index = tuple(slice(a, x.shape[i + 1] - b) for i, (a, b) in enumerate(pads))
    return x[(slice(None), *index)]


# -- im2col / col2im ----------------------------------------------------------------------
def _offsets(kernel, dilation, strides, outs):
    """Per kernel offset: the offset tuple and the slices of the padded input it reads."""
    for offs in itertools.product(*(range(k) for k in kernel)):
        index = tuple(
            slice(j * d, j * d + s * (o - 1) + 1, s)
            for j, d, s, o in zip(offs, dilation, strides, outs)
        )
        yield offs, (slice(None), *index)


def window_slices(kernel, dilation, strides, outs) -> list:
    """Per kernel offset, in row-major order, the index of the (padded) input values it
    meets in every window."""
    return [index for _, index in _offsets(kernel, dilation, strides, outs)]


def windows(x, kernel, strides, dilation, outs):
    """`cols[n, *o, *j, c] = x[n, *(o * stride + j * dilation), c]` for a channels-last
    (already padded) `x`: shape `(batch, *outs, *kernel, channels)`, a new array."""
    rank = len(kernel)
    cols = backend.xp.empty((x.shape[0], *outs, *kernel, x.shape[-1]), x.dtype)
    if rank <= 2 and fused.run("im2col2d", *as_2d(x, cols, strides, dilation)) is not None:
        return cols  # one pass (the slice copies below write 64-128 byte pieces)
    lead = (slice(None),) * (rank + 1)
    for offs, index in _offsets(kernel, dilation, strides, outs):
        cols[(*lead, *offs)] = x[index]
    return cols


def as_2d(x, cols, strides, dilation) -> tuple:
    """The arguments of the 2-D window kernels (`backend.fused`) for a 1-D or 2-D layer:
    `(x, sh, sw, dh, dw, cols)`, a 1-D layer's arrays as views with one row."""
    if len(strides) == 1:
        x, cols = x[:, None], cols.reshape(cols.shape[0], 1, cols.shape[1], 1, *cols.shape[2:])
        strides, dilation = (1, *strides), (1, *dilation)
    return (x, *strides, *dilation, cols)


def add_windows(cols, shape, kernel, strides, dilation):
    """The transpose of `windows`: a zero array of `shape` (channels-last) with each
    window of `cols` added at its place."""
    rank = len(kernel)
    outs = cols.shape[1 : rank + 1]
    out = backend.xp.zeros(shape, cols.dtype)
    if rank <= 2:
        x, sh, sw, dh, dw, cols2 = as_2d(out, cols, strides, dilation)
        if fused.run("col2im2d", cols2, sh, sw, dh, dw, x) is not None:
            return out
    lead = (slice(None),) * (rank + 1)
    for offs, index in _offsets(kernel, dilation, strides, outs):
        out[index] += cols[(*lead, *offs)]
    return out


def window_counts(sizes, outs, kernel, strides, pads, dtype):
    """For average pooling with "same" padding: how many real (unpadded) inputs each
    output window covers, shape `(1, *outs, 1)` (as Keras/JAX divide by)."""
    xp = backend.xp
    counts = None
    for n, o, k, s, (before, _) in zip(sizes, outs, kernel, strides, pads):
        start = xp.arange(o) * s - before
        c = (xp.minimum(start + k, n) - xp.maximum(start, 0)).astype(dtype)
        counts = c if counts is None else counts[..., None] * c
    return counts.reshape(1, *outs, 1)


def prod(values) -> int:
    return math.prod(values)

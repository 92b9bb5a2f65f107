"""`ContrastLimitedAdaptiveHistogramEqualization(value_range=(0, 255), clip_limit=4.0,
tile_grid_size=(8, 8), data_format=None)`: CLAHE, in training and inference, computed as
Keras 3 computes it.

Per image and channel, in the [0, 255] scale: the image (padded symmetrically to whole
tiles) is cut into `tile_grid_size` tiles; each tile's 256-bin histogram of its integer
pixel values is clipped at `clip_limit * tile_pixels / 256` (the excess spread evenly
over the bins, when `clip_limit > 0`), and its cumulative sum normalized to [0, 255]
(`(cdf - min) * 255 / (tile_pixels - min)`) maps pixels; each pixel's value is the
bilinear blend of the maps of the four nearest tile centres (edge tiles repeated).
Values are mapped from `value_range` to [0, 255] and back.

It passes no gradient (a zero one, as the other histogram layers here).

>>> import numpy as np
>>> layer = ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(2, 2))
>>> layer(np.arange(64, dtype="float32").reshape(1, 8, 8, 1)).shape
(1, 8, 8, 1)
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.layers import image_utils as iu


def clahe(images, clip_limit: float, grid) -> np.ndarray:
    """Keras's `_clahe` on a channels-last float batch in [0, 255] (float32 math)."""
    batch, height, width, channels = images.shape
    grid_h, grid_w = grid
    tile_h, tile_w = -(-height // grid_h), -(-width // grid_w)
    pad_h, pad_w = tile_h * grid_h - height, tile_w * grid_w - width
    padded = np.pad(images, [[0, 0], [0, pad_h], [0, pad_w], [0, 0]], mode="symmetric")
    tiles = padded.reshape(batch, grid_h, tile_h, grid_w, tile_w, channels)
    tiles = tiles.transpose(0, 1, 3, 5, 2, 4).reshape(batch, grid_h, grid_w, channels, -1)
    ints = np.clip(tiles.astype(np.int32), 0, 255)
    # each tile's histogram: one bincount over (tile index * 256 + value)
    count = int(np.prod(ints.shape[:-1]))
    offsets = (np.arange(count) * 256).reshape(ints.shape[:-1] + (1,))
    hists = np.bincount((ints + offsets).ravel(), minlength=count * 256)
    hists = hists.reshape(ints.shape[:-1] + (256,)).astype(np.float32)
    pixels = tile_h * tile_w
    if clip_limit > 0:
        limit = np.float32(clip_limit * pixels / 256.0)
        clipped = np.clip(hists, np.float32(0), limit)
        excess = np.sum(hists - clipped, axis=-1, keepdims=True)
        hists = clipped + excess / np.float32(256.0)
    cdf = np.cumsum(hists, axis=-1, dtype=np.float32)
    cdf_min = np.min(cdf, axis=-1, keepdims=True)
    denominator = np.float32(pixels) - cdf_min
    denominator = np.where(denominator == 0, np.float32(1.0), denominator)
    cdf = np.clip((cdf - cdf_min) * np.float32(255.0) / denominator, 0, 255)
    cdf = np.concatenate([cdf[:, :1], cdf, cdf[:, -1:]], axis=1)
    cdf = np.concatenate([cdf[:, :, :1], cdf, cdf[:, :, -1:]], axis=2)

    def coords(size, tile, count):
        grid_pos = (np.arange(size, dtype=np.float32) - np.float32(tile / 2.0)) / np.float32(tile)
        grid_pos = grid_pos + np.float32(1.0)
        low = np.floor(grid_pos)
        weight = grid_pos - low
        low_i = np.clip(low, 0, count + 1).astype(np.int32)
        high_i = np.clip(low + 1.0, 0, count + 1).astype(np.int32)
        return low_i, high_i, weight

    y0, y1, wy = coords(tile_h * grid_h, tile_h, grid_h)
    x0, x1, wx = coords(tile_w * grid_w, tile_w, grid_w)
    values = np.clip(padded, 0, 255).astype(np.int32)
    b = np.arange(batch)[:, None, None, None]
    c = np.arange(channels)[None, None, None, :]
    y0, y1, wy = y0[None, :, None, None], y1[None, :, None, None], wy[None, :, None, None]
    x0, x1, wx = x0[None, None, :, None], x1[None, None, :, None], wx[None, None, :, None]
    nw, ne = cdf[b, y0, x0, c, values], cdf[b, y0, x1, c, values]
    sw, se = cdf[b, y1, x0, c, values], cdf[b, y1, x1, c, values]
    top = nw * (1.0 - wx) + ne * wx
    bottom = sw * (1.0 - wx) + se * wx
    result = top * (1.0 - wy) + bottom * wy
    return result[:, :height, :width, :].astype(np.float32)


class ContrastLimitedAdaptiveHistogramEqualization(iu.ImageLayer):
    def __init__(
        self,
        value_range=(0, 255),
        clip_limit=4.0,
        tile_grid_size=(8, 8),
        data_format=None,
        **kwargs,
    ):
        value_range = iu.check_value_range(type(self).__name__, value_range)
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = value_range
        self.clip_limit = clip_limit
        self.tile_grid_size = tile_grid_size

    def _transform(self, x, training: bool):
        images = backend.to_numpy(x).astype(np.float32)
        if self.data_format == "channels_first":
            images = images.transpose(0, 2, 3, 1)
        images = iu.to_value_range(images, self.value_range, (0, 255))
        out = clahe(images, self.clip_limit, self.tile_grid_size)
        out = iu.to_value_range(out, (0, 255), self.value_range)
        if self.data_format == "channels_first":
            out = out.transpose(0, 3, 1, 2)
        return backend.xp.asarray(out.astype(x.dtype)), iu.NoGradient()

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "value_range": self.value_range,
            "clip_limit": self.clip_limit,
            "tile_grid_size": self.tile_grid_size,
        }

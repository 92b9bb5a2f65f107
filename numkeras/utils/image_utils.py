"""Keras's image file helpers (`keras.utils.load_img`, `img_to_array`, `array_to_img`,
`save_img`), with Keras 3's behaviour: arrays are `(height, width, channels)` unless
`data_format="channels_first"`, `array_to_img` rescales to [0, 255] by default, and
`load_img(..., keep_aspect_ratio=True)` center-crops to the target's aspect ratio before
resizing. Images are read and written with Pillow (`pip install "numkeras[image]"`).

>>> import numpy as np
>>> img = array_to_img(np.arange(12.0).reshape(2, 2, 3))
>>> img.size, img.mode
((2, 2), 'RGB')
>>> img_to_array(img)[0, 0].tolist()
[0.0, 23.0, 46.0]
"""

from __future__ import annotations

import io
import os
import pathlib
import warnings

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError, ShapeError
from numkeras.layers.conv_utils import standardize_data_format

_RESAMPLE = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")


def _pil():
    try:
        from PIL import Image
    except ImportError as e:
        raise ImportError(
            'Reading and writing images needs Pillow: pip install pillow (or "numkeras[image]").'
        ) from e
    return Image


def _data_format(data_format) -> str:
    return standardize_data_format(data_format) or backend.image_data_format()


def img_to_array(img, data_format: str | None = None, dtype: str | None = None) -> np.ndarray:
    """A PIL image (or anything array-like) as a 3-D array: `(height, width, channels)`,
    or `(channels, height, width)` for `"channels_first"`; grayscale gets one channel."""
    data_format = _data_format(data_format)
    x = np.asarray(img, dtype=dtype or backend.floatx())
    if x.ndim == 3:
        if data_format == "channels_first":
            x = x.transpose(2, 0, 1)
    elif x.ndim == 2:
        x = x.reshape((1, *x.shape) if data_format == "channels_first" else (*x.shape, 1))
    else:
        raise ShapeError(
            f"img_to_array expects one image of rank 2 or 3, received shape {x.shape}. For a "
            "batch, convert each image: np.stack([img_to_array(i) for i in images])."
        )
    return x


def array_to_img(x, data_format: str | None = None, scale: bool = True, dtype=None):
    """A 3-D array as a PIL image (RGB, RGBA or grayscale by the channel count). With
    `scale`, values are shifted and stretched to span [0, 255] first."""
    image = _pil()
    data_format = _data_format(data_format)
    x = np.array(x, dtype=dtype or backend.floatx())
    if x.ndim != 3:
        raise ShapeError(
            "Expected image array to have rank 3 (single image). Got array with shape: "
            f"{x.shape}. For a batch, convert one image: array_to_img(x[0])."
        )
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        x_max = np.max(x)
        if x_max != 0:
            x /= x_max
        x *= 255
    channels = x.shape[2]
    if channels == 4:
        return image.fromarray(x.astype("uint8"), "RGBA")
    if channels == 3:
        return image.fromarray(x.astype("uint8"), "RGB")
    if channels == 1:
        if np.max(x) > 255:  # 32-bit grayscale (Pillow's mode "I")
            return image.fromarray(x[:, :, 0].astype("int32"), "I")
        return image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ShapeError(
        f"Unsupported channel number: {channels} (shape {x.shape}). An image has 1, 3 or 4 "
        "channels; for channels-first data pass data_format='channels_first'."
    )


def save_img(path, x, data_format=None, file_format=None, scale: bool = True, **kwargs) -> None:
    """Write the array `x` as an image file; the format comes from the file's extension
    unless `file_format` is given. A path is written atomically (a temporary file, then
    renamed), so an interrupted save leaves no half-written image."""
    if file_format is None and isinstance(path, (str, pathlib.Path)):
        file_format = pathlib.Path(path).suffix[1:].lower()
    if file_format and file_format.lower() == "jpg":
        file_format = "jpeg"
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and file_format == "jpeg":
        warnings.warn(
            "The JPEG format does not support RGBA images, converting to RGB.", stacklevel=2
        )
        img = img.convert("RGB")
    if not isinstance(path, (str, pathlib.Path)):  # a file object
        img.save(path, format=file_format, **kwargs)
        return
    from numkeras.saving.saving_api import write_atomically

    write_atomically(
        os.fspath(path), True, lambda tmp: img.save(tmp, format=file_format or None, **kwargs)
    )


def load_img(
    path,
    color_mode: str = "rgb",
    target_size: tuple[int, int] | None = None,
    interpolation: str = "nearest",
    keep_aspect_ratio: bool = False,
):
    """Read an image file as a PIL image in `color_mode` ("grayscale", "rgb", "rgba"),
    resized to `target_size` `(height, width)` if given."""
    image = _pil()
    modes = {"grayscale": ("L", "I;16", "I"), "rgba": ("RGBA",), "rgb": ("RGB",)}
    if color_mode not in modes:
        raise ConfigError(
            f'color_mode must be "grayscale", "rgb", or "rgba", received {color_mode!r}.'
        )
    if isinstance(path, io.BytesIO):
        img = image.open(path)
    elif isinstance(path, (pathlib.Path, bytes, str)):
        with open(path, "rb") as f:
            img = image.open(io.BytesIO(f.read()))
    else:
        raise TypeError(f"path should be path-like or io.BytesIO, not {type(path).__name__}.")
    if img.mode not in modes[color_mode]:
        img = img.convert(modes[color_mode][0])
    if target_size is None:
        return img
    target_width, target_height = target_size[1], target_size[0]
    if img.size == (target_width, target_height):
        return img
    if interpolation not in _RESAMPLE:
        raise ConfigError(
            f"Invalid interpolation method {interpolation!r}. Supported methods are "
            f"{', '.join(_RESAMPLE)}."
        )
    resample = getattr(image.Resampling, interpolation.upper())
    box = None
    if keep_aspect_ratio:  # the centered crop with the target's aspect ratio (Keras's)
        width, height = img.size
        crop_height = min(height, (width * target_height) // target_width)
        crop_width = min(width, (height * target_width) // target_height)
        top, left = (height - crop_height) // 2, (width - crop_width) // 2
        box = (left, top, left + crop_width, top + crop_height)
    return img.resize((target_width, target_height), resample, box=box)


__all__ = ["array_to_img", "img_to_array", "load_img", "save_img"]

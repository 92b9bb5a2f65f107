"""`convert_format`: bounding boxes from one format to another, through `xyxy`."""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError, ShapeError

SUPPORTED_FORMATS = (
    "xyxy",
    "yxyx",
    "xywh",
    "center_xywh",
    "center_yxhw",
    "rel_xyxy",
    "rel_yxyx",
    "rel_xywh",
    "rel_center_xywh",
)


def as_array(x) -> np.ndarray:
    """A host NumPy array of `x` (an array, a list, a CuPy array)."""
    return np.asarray(backend.to_numpy(x))


def split4(boxes: np.ndarray) -> list[np.ndarray]:
    """The four coordinates of `boxes`, each keeping a last axis of 1 (as Keras splits)."""
    return np.split(boxes, 4, axis=-1)


def _join(*parts) -> np.ndarray:
    return np.concatenate(parts, axis=-1)


def _to_xyxy(boxes, fmt: str, height, width):
    a, b, c, d = split4(boxes)
    if fmt == "xyxy":
        return boxes
    if fmt == "yxyx":
        return _join(b, a, d, c)
    if fmt == "xywh":
        return _join(a, b, a + c, b + d)
    if fmt == "center_xywh":
        return _join(a - c / 2.0, b - d / 2.0, a + c / 2.0, b + d / 2.0)
    if fmt == "center_yxhw":
        return _join(b - d / 2.0, a - c / 2.0, b + d / 2.0, a + c / 2.0)
    if fmt == "rel_xyxy":
        return _join(a * width, b * height, c * width, d * height)
    if fmt == "rel_yxyx":
        return _join(b * width, a * height, d * width, c * height)
    if fmt == "rel_xywh":
        return _join(a * width, b * height, (a + c) * width, (b + d) * height)
    # rel_center_xywh
    return _join(
        (a - c / 2.0) * width, (b - d / 2.0) * height, (a + c / 2.0) * width, (b + d / 2.0) * height
    )


def _from_xyxy(boxes, fmt: str, height, width):
    x1, y1, x2, y2 = split4(boxes)
    w, h = x2 - x1, y2 - y1
    cx, cy = x1 + w / 2.0, y1 + h / 2.0
    if fmt == "xyxy":
        return boxes
    if fmt == "yxyx":
        return _join(y1, x1, y2, x2)
    if fmt == "xywh":
        return _join(x1, y1, w, h)
    if fmt == "center_xywh":
        return _join(cx, cy, w, h)
    if fmt == "center_yxhw":
        return _join(cy, cx, h, w)
    if fmt == "rel_xyxy":
        return _join(x1 / width, y1 / height, x2 / width, y2 / height)
    if fmt == "rel_yxyx":
        return _join(y1 / height, x1 / width, y2 / height, x2 / width)
    if fmt == "rel_xywh":
        return _join(x1 / width, y1 / height, w / width, h / height)
    # rel_center_xywh
    return _join(cx / width, cy / height, w / width, h / height)


def convert_format(boxes, source: str, target: str, height=None, width=None, dtype="float32"):
    """`boxes` (an array of shape `(..., 4)`, or a dict whose `"boxes"` it converts, in
    place, returning the same dict, as Keras) from format `source` to `target`, cast to
    `dtype`. A relative format on either side needs the image's `height` and `width`.

    >>> import numpy as np
    >>> convert_format(np.array([[10, 20, 30, 40]]), "xyxy", "rel_xyxy", height=200, width=100)
    array([[0.1, 0.1, 0.3, 0.2]], dtype=float32)
    """
    if isinstance(boxes, dict):
        boxes["boxes"] = convert_format(boxes["boxes"], source, target, height, width, dtype)
        return boxes
    boxes = as_array(boxes)
    if not boxes.shape or boxes.shape[-1] != 4:
        raise ShapeError(
            "`boxes` must be a tensor with the last dimension of 4. "
            f"Received: boxes.shape={boxes.shape}"
        )
    source, target = source.lower(), target.lower()
    if source not in SUPPORTED_FORMATS or target not in SUPPORTED_FORMATS:
        raise ConfigError(
            f"Invalid source or target format. Supported formats: {SUPPORTED_FORMATS}"
        )
    if (source.startswith("rel_") or target.startswith("rel_")) and (
        width is None or height is None
    ):
        raise ConfigError(
            "convert_format() must receive `height` and `width` transforming between "
            f"relative and absolute formats. convert_format() received source=`{source}`, "
            f"target=`{target}`, but height={height} and width={width}."
        )
    boxes = boxes.astype(dtype)  # (a copy, as Keras returns a new tensor)
    if source == target:
        return boxes
    width = None if width is None else np.asarray(width).astype(dtype)
    height = None if height is None else np.asarray(height).astype(dtype)
    if source.startswith("rel_") and target.startswith("rel_"):
        # (relative to relative: the same arithmetic as between the absolute formats)
        source, target = source[4:], target[4:]
    return _from_xyxy(_to_xyxy(boxes, source, height, width), target, height, width)

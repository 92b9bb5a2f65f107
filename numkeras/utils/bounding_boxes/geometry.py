"""Boxes moved with their image: `clip_to_image_size`, `crop`, `pad` and
`affine_transform` (as Keras 3's image augmentation layers move them)."""

from __future__ import annotations

import math

import numpy as np

from numkeras.errors import ConfigError, InputTypeError
from numkeras.utils.bounding_boxes.converters import as_array, split4


def _xyxy_only(bounding_box_format: str) -> None:
    if bounding_box_format != "xyxy":  # (Keras: only "xyxy", as a bare NotImplementedError)
        raise NotImplementedError(
            f"Only bounding_box_format='xyxy' is supported, received {bounding_box_format!r}."
        )


def clip_to_image_size(
    bounding_boxes: dict, height=None, width=None, bounding_box_format: str = "xyxy"
) -> dict:
    """A copy of the dict `bounding_boxes` with its `"boxes"` (`(N, 4)` or `(batch, N,
    4)`, format `"xyxy"` or `"rel_xyxy"`) clipped to the image, and the `"labels"` of boxes
    left with no area set to -1.

    >>> import numpy as np
    >>> clip_to_image_size({"boxes": np.array([[-10, -20, 150, 160]])}, 100, 120)["boxes"]
    array([[  0,   0, 120, 100]])
    """
    if bounding_box_format not in ("xyxy", "rel_xyxy"):
        raise NotImplementedError(
            "clip_to_image_size() supports bounding_box_format 'xyxy' and 'rel_xyxy', "
            f"received {bounding_box_format!r}."
        )
    if bounding_box_format == "xyxy" and (height is None or width is None):
        raise ConfigError("`height` and `width` must be set if `format='xyxy'`.")
    boxes = as_array(bounding_boxes["boxes"])
    labels = bounding_boxes.get("labels", None)
    if bounding_box_format == "xyxy":
        high_x, high_y = (
            np.asarray(width).astype(boxes.dtype),
            np.asarray(height).astype(boxes.dtype),
        )
    else:
        high_x = high_y = 1.0
    x1, y1, x2, y2 = split4(boxes)
    boxes = np.concatenate(
        [
            np.clip(x1, 0, high_x),
            np.clip(y1, 0, high_y),
            np.clip(x2, 0, high_x),
            np.clip(y2, 0, high_y),
        ],
        axis=-1,
    )
    result = dict(bounding_boxes)
    result["boxes"] = boxes
    if labels is not None:
        x1, y1, x2, y2 = split4(boxes)
        areas = np.squeeze((x2 - x1) * (y2 - y1), axis=-1)
        result["labels"] = np.where(areas > 0, as_array(labels), -1)
    return result


def crop(boxes, top, left, height, width, bounding_box_format: str = "xyxy") -> np.ndarray:
    """`boxes` in the frame of the crop of the image at (`top`, `left`), `height` by
    `width`: moved by the offsets and clipped to the crop.

    >>> import numpy as np
    >>> crop(np.array([[10., 20., 50., 60.]]), top=10, left=20, height=40, width=30)
    array([[ 0., 10., 30., 40.]])
    """
    _xyxy_only(bounding_box_format)
    x1, y1, x2, y2 = split4(as_array(boxes))
    return np.concatenate(
        [
            np.clip(x1 - left, 0, width),
            np.clip(y1 - top, 0, height),
            np.clip(x2 - left, 0, width),
            np.clip(y2 - top, 0, height),
        ],
        axis=-1,
    )


def pad(boxes, top, left, height=None, width=None, bounding_box_format: str = "xyxy"):
    """`boxes` moved by the `top` and `left` padding of their image (`height` and `width`
    are taken, as Keras takes them, and not needed).

    >>> import numpy as np
    >>> pad(np.array([[10., 20., 50., 60.]]), top=3, left=7)
    array([[17., 23., 57., 63.]])
    """
    _xyxy_only(bounding_box_format)
    x1, y1, x2, y2 = split4(as_array(boxes))
    return np.concatenate([x1 + left, y1 + top, x2 + left, y2 + top], axis=-1)


def _inverse_affine_matrix(center_x, center_y, angle, tx, ty, scale, shear_x, shear_y, h, w):
    """Per image, the 3 x 3 matrix of the affine transform (rotation about the center,
    translation, scale and shear: TF's `_get_inverse_affine_matrix`)."""
    rot = -angle * (1.0 / 180.0 * math.pi)
    sx = -shear_x * (1.0 / 180.0 * math.pi)
    sy = -shear_y * (1.0 / 180.0 * math.pi)
    cx, cy = center_x * (w - 1), center_y * (h - 1)
    tx, ty = -tx * (w - 1), -ty * (h - 1)
    cos_sy, tan_sx = np.cos(sy), np.tan(sx)
    a = np.cos(rot - sy) / cos_sy
    b = a * tan_sx + np.sin(rot)
    c = -np.sin(rot - sy) / cos_sy
    d = np.cos(rot) - c * tan_sx
    a0, a1, b0, b1 = d * scale, -b * scale, -c * scale, a * scale
    a2 = cx - a0 * (cx + tx) - a1 * (cy + ty)
    b2 = cy - b0 * (cx + tx) - b1 * (cy + ty)
    rows = np.stack(np.broadcast_arrays(a0, a1, a2, b0, b1, b2), axis=-1)
    return rows.reshape(-1, 2, 3)


def affine_transform(
    boxes,
    angle,
    translate_x,
    translate_y,
    scale,
    shear_x,
    shear_y,
    height,
    width,
    center_x=None,
    center_y=None,
    bounding_box_format: str = "xyxy",
) -> np.ndarray:
    """`boxes` (`(batch, N, 4)`) under each image's affine transform: the rotation
    `angle` and shears in degrees, translations as fractions of the image size, `scale`,
    about the center (`center_x`, `center_y`, fractions; 0.5 by default). The transform
    arguments hold one value per image; a box becomes the bounds of its moved corners.
    """
    _xyxy_only(bounding_box_format)
    boxes = as_array(boxes)
    if boxes.ndim != 3:  # (Keras reshapes them so, and raises TypeError)
        raise InputTypeError(
            "affine_transform() takes batched boxes, of shape (batch_size, N, 4) with one "
            f"transform per image; received boxes of shape {boxes.shape}."
        )
    floating = getattr(angle, "dtype", None) is not None and np.dtype(angle.dtype).kind == "f"
    angle = as_array(angle)
    dtype = angle.dtype if floating else np.dtype("float32")  # (Python numbers: float32)

    def value(x, default=None):
        return as_array(default if x is None else x).astype(dtype)

    matrix = _inverse_affine_matrix(
        value(center_x, 0.5),
        value(center_y, 0.5),
        angle.astype(dtype),
        value(translate_x),
        value(translate_y),
        value(scale),
        value(shear_x),
        value(shear_y),
        height,
        width,
    )
    boxes = boxes.astype(dtype)
    batch, n = boxes.shape[0], boxes.shape[1]
    x1, y1, x2, y2 = (boxes[..., i] for i in range(4))
    corners = np.stack([x1, y1, x2, y1, x2, y2, x1, y2], axis=-1).reshape(batch, n, 4, 2)
    corners = np.concatenate([corners, np.ones((batch, n, 4, 1), dtype)], axis=-1)
    moved = np.einsum("bnxy,bzy->bnxz", corners, matrix)
    return np.concatenate([moved.min(axis=2), moved.max(axis=2)], axis=-1)

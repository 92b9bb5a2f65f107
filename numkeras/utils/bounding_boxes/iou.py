"""`compute_iou` (pairwise intersection over union) and `compute_ciou` (complete IoU)."""

from __future__ import annotations

import math

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError
from numkeras.utils.bounding_boxes.converters import as_array, convert_format, split4


def _image_size(image_shape):
    if image_shape is None:
        return None, None
    height, width, _ = image_shape
    return height, width


def _area(boxes: np.ndarray) -> np.ndarray:
    y1, x1, y2, x2 = split4(boxes)
    return np.squeeze((y2 - y1) * (x2 - x1), axis=-1)


def _intersection(boxes1: np.ndarray, boxes2: np.ndarray) -> np.ndarray:
    """`[..., N, M]` intersection areas of yxyx boxes `[..., N, 4]` and `[..., M, 4]`."""
    y1a, x1a, y2a, x2a = split4(boxes1)
    y1b, x1b, y2b, x2b = (np.swapaxes(c, -1, -2) for c in split4(boxes2))
    height = np.maximum(np.minimum(y2a, y2b) - np.maximum(y1a, y1b), 0)
    width = np.maximum(np.minimum(x2a, x2b) - np.maximum(x1a, x1b), 0)
    return height * width


def compute_iou(
    boxes1,
    boxes2,
    bounding_box_format: str,
    use_masking: bool = False,
    mask_val=-1,
    image_shape=None,
) -> np.ndarray:
    """The IoU of every box of `boxes1` with every box of `boxes2`: `[N, M]` for
    unbatched `[N, 4]` and `[M, 4]`, `[batch, N, M]` when either is batched. With
    `use_masking`, pairs where either box has all four values below 0 get `mask_val`.
    A relative format needs `image_shape` (height, width, channels).

    >>> import numpy as np
    >>> compute_iou(np.array([[0, 0, 10, 10]]), np.array([[5, 0, 15, 10]]), "xyxy")
    array([[0.33333334]], dtype=float32)
    """
    boxes1, boxes2 = as_array(boxes1), as_array(boxes2)
    for name, boxes in (("boxes1", boxes1), ("boxes2", boxes2)):
        if boxes.ndim not in (2, 3):
            raise ConfigError(
                f"compute_iou() expects {name} to be batched, or to be unbatched. Received "
                f"len(boxes1.shape)={boxes1.ndim}, len(boxes2.shape)={boxes2.ndim}. "
                f"Expected either len({name}.shape)=2 AND or len({name}.shape)=3."
            )
    if "rel" in bounding_box_format and image_shape is None:
        raise _relative_format_error(image_shape)
    height, width = _image_size(image_shape)
    boxes1 = convert_format(boxes1, bounding_box_format, "yxyx", height, width)
    boxes2 = convert_format(boxes2, bounding_box_format, "yxyx", height, width)
    intersection = _intersection(boxes1, boxes2)
    union = _area(boxes1)[..., :, None] + _area(boxes2)[..., None, :] - intersection
    iou = intersection / (union + np.float32(backend.epsilon()))
    if not use_masking:
        return iou
    # (the broadcast Keras means: it raises for one batched and one unbatched set)
    masked1 = np.max(boxes1, axis=-1, keepdims=True) < 0
    masked2 = np.swapaxes(np.max(boxes2, axis=-1, keepdims=True) < 0, -1, -2)
    return np.where(masked1 | masked2, np.asarray(mask_val).astype(iou.dtype), iou)


def compute_ciou(boxes1, boxes2, bounding_box_format: str, image_shape=None) -> np.ndarray:
    """The complete IoU of `boxes1` and `boxes2` box by box (shapes `(..., 4)`,
    broadcast): the IoU less the normalized distance of the centers and an aspect-ratio
    term. Relative formats are refused, as Keras refuses them.

    >>> import numpy as np
    >>> compute_ciou(np.array([[0, 0, 10, 10]]), np.array([[0, 0, 10, 10]]), "xyxy")
    array([1.], dtype=float32)
    """
    if "rel" in bounding_box_format:
        raise _relative_format_error(image_shape)
    height, width = _image_size(image_shape)
    boxes1 = convert_format(boxes1, bounding_box_format, "xyxy", height, width)
    boxes2 = convert_format(boxes2, bounding_box_format, "xyxy", height, width)
    eps = np.float32(backend.epsilon())
    x1a, y1a, x2a, y2a = split4(boxes1)
    x1b, y1b, x2b, y2b = split4(boxes2)
    width1, height1 = x2a - x1a, y2a - y1a + eps
    width2, height2 = x2b - x1b, y2b - y1b + eps
    intersection = np.maximum(np.minimum(x2a, x2b) - np.maximum(x1a, x1b), 0) * np.maximum(
        np.minimum(y2a, y2b) - np.maximum(y1a, y1b), 0
    )
    union = width1 * height1 + width2 * height2 - intersection + eps
    iou = np.squeeze(intersection / (union + eps), axis=-1)
    convex_width = np.maximum(x2a, x2b) - np.minimum(x1a, x1b)
    convex_height = np.maximum(y2a, y2b) - np.minimum(y1a, y1b)
    diagonal = np.squeeze(convex_width**2 + convex_height**2 + eps, axis=-1)
    centers = np.squeeze(
        ((x1a + x2a) / 2 - (x1b + x2b) / 2) ** 2 + ((y1a + y2a) / 2 - (y1b + y2b) / 2) ** 2,
        axis=-1,
    )
    v = np.squeeze(
        (4 / math.pi**2) * (np.arctan(width2 / height2) - np.arctan(width1 / height1)) ** 2,
        axis=-1,
    )
    alpha = v / (v - iou + (1 + eps))
    return iou - (centers / diagonal + v * alpha)


def _relative_format_error(image_shape) -> ConfigError:
    # (Keras's words, for compute_iou without an image shape and compute_ciou always)
    return ConfigError(
        "When using relative bounding box formats (e.g. `rel_yxyx`) the `image_shape` "
        f"argument must be provided. Received `image_shape`: {image_shape}"
    )

"""Anchor-relative box deltas (a detection head's regression targets and outputs):
`encode_box_to_deltas` and its inverse `decode_deltas_to_boxes`."""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError
from numkeras.utils.bounding_boxes.converters import as_array, convert_format

_ENCODINGS = ("center_xywh", "center_yxhw")


def _variance(variance):
    if variance is None:
        return None
    variance = as_array(variance).astype("float32")
    if variance.shape[-1] != 4:
        raise ConfigError(f"`variance` must be length 4, got {variance}")
    return variance


def _image_size(image_shape):
    if image_shape is None:
        return None, None
    height, width, _ = image_shape
    return height, width


def encode_box_to_deltas(
    anchors,
    boxes,
    anchor_format: str,
    box_format: str,
    encoding_format: str = "center_yxhw",
    variance=None,
    image_shape=None,
) -> np.ndarray:
    """The deltas taking each anchor (`(N, 4)`) to its box (`(N, 4)` or `(batch, N,
    4)`), both first converted to `encoding_format` ("center_yxhw" or "center_xywh"):
    the centers' offsets in anchor sizes, then the log of the size ratios; divided by
    `variance` (4 values) when given. `image_shape` (height, width, channels) places
    relative formats.

    >>> import numpy as np
    >>> a = np.array([[0., 0., 10., 10.]])
    >>> encode_box_to_deltas(a, np.array([[0., 0., 10., 20.]]), "xyxy", "xyxy")
    array([[0.5      , 0.       , 0.6931472, 0.       ]], dtype=float32)
    """
    variance = _variance(variance)
    if encoding_format not in _ENCODINGS:
        raise ConfigError(
            "`encoding_format` should be one of 'center_xywh' or 'center_yxhw', got "
            f"{encoding_format}"
        )
    height, width = _image_size(image_shape)
    anchors = convert_format(anchors, anchor_format, encoding_format, height, width)
    boxes = convert_format(boxes, box_format, encoding_format, height, width)
    eps = np.float32(backend.epsilon())
    anchor_size = np.maximum(anchors[..., 2:], eps)
    box_size = np.maximum(boxes[..., 2:], eps)
    deltas = np.concatenate(
        [(boxes[..., :2] - anchors[..., :2]) / anchor_size, np.log(box_size / anchor_size)],
        axis=-1,
    )
    return deltas if variance is None else deltas / variance


def decode_deltas_to_boxes(
    anchors,
    boxes_delta,
    anchor_format: str,
    box_format: str,
    encoded_format: str = "center_yxhw",
    variance=None,
    image_shape=None,
):
    """The boxes (in `box_format`) that `boxes_delta` (`(N, 4)` or `(batch, N, 4)`, as
    `encode_box_to_deltas` makes them in `encoded_format`) give with `anchors` (`(N, 4)`).
    `anchors` and `boxes_delta` may be dicts of levels (the same keys): a dict of boxes.

    >>> import numpy as np
    >>> a = np.array([[0., 0., 10., 10.]])
    >>> decode_deltas_to_boxes(a, np.array([[0.5, 0., np.log(2.), 0.]]), "xyxy", "xyxy")
    array([[ 0.,  0., 10., 20.]], dtype=float32)
    """
    variance = _variance(variance)
    if encoded_format not in _ENCODINGS:
        raise ConfigError(
            "`encoded_format` should be 'center_xywh' or 'center_yxhw', but got "
            f"'{encoded_format}'."
        )
    height, width = _image_size(image_shape)

    def decode(anchor, delta):
        anchor = convert_format(anchor, anchor_format, encoded_format, height, width)
        delta = as_array(delta)
        if variance is not None:
            delta = delta * variance
        box = np.concatenate(
            [
                delta[..., :2] * anchor[..., 2:] + anchor[..., :2],
                np.exp(delta[..., 2:]) * anchor[..., 2:],
            ],
            axis=-1,
        )
        return convert_format(box, encoded_format, box_format, height, width)

    if isinstance(anchors, dict) and isinstance(boxes_delta, dict):
        return {level: decode(anchor, boxes_delta[level]) for level, anchor in anchors.items()}
    return decode(anchors, boxes_delta)

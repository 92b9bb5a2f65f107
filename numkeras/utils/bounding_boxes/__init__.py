"""Keras 3's `keras.utils.bounding_boxes`: convert boxes between formats, IoU and CIoU,
clip / crop / pad / affine-transform boxes, and encode / decode anchor deltas.

The formats (case-insensitive): `"xyxy"` [left, top, right, bottom], `"yxyx"`, `"xywh"`
[left, top, width, height], `"center_xywh"`, `"center_yxhw"`, and the relative `"rel_xyxy"`,
`"rel_yxyx"`, `"rel_xywh"`, `"rel_center_xywh"` (fractions of the image's height and
width). Boxes are arrays of shape `(N, 4)` or `(batch, N, 4)`; the results are NumPy arrays.

>>> import numpy as np
>>> convert_format(np.array([[10, 20, 30, 40]]), source="xyxy", target="xywh")
array([[10., 20., 20., 20.]], dtype=float32)
"""

from numkeras.utils.bounding_boxes.converters import convert_format
from numkeras.utils.bounding_boxes.deltas import decode_deltas_to_boxes, encode_box_to_deltas
from numkeras.utils.bounding_boxes.geometry import affine_transform, clip_to_image_size, crop, pad
from numkeras.utils.bounding_boxes.iou import compute_ciou, compute_iou

__all__ = [
    "affine_transform",
    "clip_to_image_size",
    "compute_ciou",
    "compute_iou",
    "convert_format",
    "crop",
    "decode_deltas_to_boxes",
    "encode_box_to_deltas",
    "pad",
]

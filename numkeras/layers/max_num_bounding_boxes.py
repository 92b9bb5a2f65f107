"""`MaxNumBoundingBoxes(max_number, fill_value=-1, bounding_box_format=None)`: give every
image exactly `max_number` bounding boxes, as Keras 3: a dict input's
`{"bounding_boxes": {"boxes": (batch, n, 4), "labels": (batch, n)}}` is cut to the first
`max_number` boxes, or padded with `fill_value` (boxes float32, labels in their dtype).
Images, labels and segmentation masks pass through unchanged (an array input too);
`bounding_box_format` must be given when the dict holds bounding boxes (it is only
recorded: the boxes are not converted).

Deviation from Keras 3.15: its config omits `fill_value`, so a reloaded layer pads with
-1; here the config keeps it.

>>> import numpy as np
>>> layer = MaxNumBoundingBoxes(max_number=2, bounding_box_format="xyxy")
>>> out = layer({"images": np.zeros((1, 4, 4, 3)),
...              "bounding_boxes": {"boxes": np.ones((1, 1, 4)), "labels": np.array([[7]])}})
>>> out["bounding_boxes"]["labels"].tolist()
[[7, -1]]
"""

from __future__ import annotations

from numkeras import backend
from numkeras.errors import ConfigError
from numkeras.layers import conv_utils as cu
from numkeras.layers.layer import Layer


class MaxNumBoundingBoxes(Layer):
    def __init__(
        self, max_number, fill_value=-1, bounding_box_format=None, data_format=None, **kwargs
    ):
        super().__init__(**kwargs)
        self.max_number = int(max_number)
        self.fill_value = int(fill_value)
        self.bounding_box_format = bounding_box_format
        self.data_format = cu.standardize_data_format(data_format)

    def __call__(self, inputs, *more, training=None, **kwargs):
        if more or kwargs or not isinstance(inputs, dict):
            return super().__call__(inputs, *more, training=training, **kwargs)
        out = dict(inputs)
        if "bounding_boxes" in inputs:
            if not self.bounding_box_format:
                raise ConfigError(
                    "You passed an input with a 'bounding_boxes' key, but you didn't specify a "
                    "bounding box format. Pass a `bounding_box_format` argument to your "
                    "MaxNumBoundingBoxes layer, e.g. `bounding_box_format='xyxy'`."
                )
            out["bounding_boxes"] = self._fit(inputs["bounding_boxes"])
        self.built = True  # (as Keras's, built by its first call)
        return out

    def call(self, inputs):
        return inputs  # (images alone pass through)

    def _fit(self, bounding_boxes: dict) -> dict:
        xp = backend.xp
        boxes = xp.asarray(bounding_boxes["boxes"]).astype("float32")
        labels = xp.asarray(bounding_boxes["labels"])
        single = boxes.ndim == 2
        if single:
            boxes, labels = boxes[None], labels[None]
        pad = max(self.max_number - boxes.shape[1], 0)
        boxes = boxes[:, : self.max_number]
        boxes = xp.pad(boxes, [[0, 0], [0, pad], [0, 0]], constant_values=self.fill_value)
        labels = labels[:, : self.max_number]
        labels = xp.pad(labels, [[0, 0], [0, pad]], constant_values=self.fill_value)
        fitted = dict(bounding_boxes)
        fitted["boxes"] = boxes[0] if single else boxes
        fitted["labels"] = labels[0] if single else labels
        return fitted

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "data_format": self.data_format,
            "bounding_box_format": self.bounding_box_format,
            "max_number": self.max_number,
            "fill_value": self.fill_value,
        }

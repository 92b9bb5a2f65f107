"""`CenterCrop(height, width)`: the central `(height, width)` window of each image, as
Keras 3. When the image is smaller than the crop along either axis, Keras (and numkeras)
instead crops the largest centred window of the target aspect ratio and resizes it
(bilinear) to `(height, width)` (`smart_resize`), so the output always has the target size.

Inputs are a 3-D image or a 4-D batch (`data_format` "channels_last" or
"channels_first"); outputs are float32, in training and inference alike. The backward
pass places the gradient back in the window (through the resize's transposed matrices
when it resized).

>>> import numpy as np
>>> CenterCrop(2, 2)(np.arange(16.0).reshape(4, 4, 1))[..., 0]
array([[ 5.,  6.],
       [ 9., 10.]], dtype=float32)
"""

from __future__ import annotations

from numkeras.layers import image_utils as iu


class CenterCrop(iu.ImageLayer):
    masks_follow = "images"  # (a dict's segmentation masks are moved with the images, as Keras's)

    def __init__(self, height: int, width: int, data_format: str | None = None, **kwargs):
        name = type(self).__name__
        height = iu.check_size(name, "height", height)
        width = iu.check_size(name, "width", width)
        super().__init__(data_format=data_format, **kwargs)
        self.height = height
        self.width = width

    def compute_output_shape(self, input_shape):
        return self._with_hw(input_shape, self.height, self.width)

    def _transform(self, x, training: bool):
        in_h, in_w = self._hw(x.shape)
        if in_h >= self.height and in_w >= self.width:
            top, left = (in_h - self.height) // 2, (in_w - self.width) // 2
            plan = iu.Resample((in_h, in_w), (top, left, self.height, self.width))
        else:
            plan = iu.resize_plan(
                (in_h, in_w), (self.height, self.width), crop_to_aspect_ratio=True
            )
        return plan.apply(x, self.data_format), plan

    def get_config(self) -> dict:
        return {**super().get_config(), "height": self.height, "width": self.width}

    def _repr_args(self) -> str:
        return f"{self.height}, {self.width}"

"""`RandomCrop(height, width, seed=None)`: in training, a `(height, width)` window at a
random position (one position for the whole batch, as Keras 3); the output always has
the target size.

- Training, image larger than the crop along both axes: the random window.
- Training otherwise: Keras 3's fallback, reproduced exactly: a window of at most
  `(height, width)` at the aspect-ratio crop's corner, resized (bilinear) if it is smaller.
- Inference (`training=False`: predict, evaluate): the largest centred
  window of the target aspect ratio, resized (bilinear) to `(height, width)` (Keras's
  `smart_resize`).

Difference from Keras 3.15: its inference path returns the input unchanged (so the
output shape differs from `compute_output_shape` and from training, and a Dense after it
breaks at predict time), although its docstring says inference resizes and crops as
above; numkeras does what the docstring says (which is also what Keras 2 did). A direct
call without `training=` crops at random, as Keras 3's does. Like Keras, a config without
a seed gets a random one.

>>> import numpy as np
>>> layer = RandomCrop(2, 2, seed=0)
>>> layer(np.ones((1, 4, 5, 3)), training=True).shape
(1, 2, 2, 3)
"""

from __future__ import annotations

from numkeras.backend import random
from numkeras.layers import image_utils as iu


class RandomCrop(iu.AugmentationLayer):
    masks_follow = "images"  # (a dict's segmentation masks are moved with the images, as Keras's)

    def __init__(
        self,
        height: int,
        width: int,
        seed: int | None = None,
        data_format: str | None = None,
        name: str | None = None,
        **kwargs,
    ):
        cls = type(self).__name__
        height = iu.check_size(cls, "height", height)
        width = iu.check_size(cls, "width", width)
        super().__init__(data_format=data_format, name=name, **kwargs)
        self.height = height
        self.width = width
        self._set_seed(seed)
        if seed is None:  # Keras stores a default seed in the config (draws stay global)
            self.seed = int(random.global_generator().integers(1, 10**9))

    def compute_output_shape(self, input_shape):
        return self._with_hw(input_shape, self.height, self.width)

    def _transform(self, x, training: bool):
        in_h, in_w = self._hw(x.shape)
        size = (self.height, self.width)
        if not training:
            plan = iu.resize_plan((in_h, in_w), size, crop_to_aspect_ratio=True)
        elif in_h > self.height and in_w > self.width:
            gen = self._generator()
            top = int(gen.integers(0, in_h - self.height + 1))
            left = int(gen.integers(0, in_w - self.width + 1))
            plan = iu.Resample((in_h, in_w), (top, left, self.height, self.width))
        else:
            top, left, _, _ = iu.aspect_crop(in_h, in_w, self.height, self.width)
            rows = min(self.height, in_h - top)
            cols = min(self.width, in_w - left)
            plan = iu.Resample(
                (in_h, in_w),
                (top, left, rows, cols),
                iu.resize_matrix(rows, self.height),
                iu.resize_matrix(cols, self.width),
            )
        return plan.apply(x, self.data_format), plan

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "height": self.height,
            "width": self.width,
            "seed": self.seed,
        }

    def _repr_args(self) -> str:
        return f"{self.height}, {self.width}"

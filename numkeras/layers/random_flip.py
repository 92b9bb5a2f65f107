"""`RandomFlip(mode="horizontal_and_vertical", seed=None)`: in training, flip each image
with probability 1/2; at inference (`training=False`: predict, evaluate),
the identity.

`mode` is "horizontal" (left-right), "vertical" (up-down) or "horizontal_and_vertical".
As in Keras 3, "horizontal_and_vertical" draws ONE coin per image: the image is either
unchanged or flipped both ways (a 180-degree rotation), never flipped one way only.
The backward pass flips the gradient of each flipped image the same way (a flip is its
own transpose).

Differences from Keras: an unknown `mode` is an error (Keras silently never flips);; a
direct call without `training=` flips, as Keras 3's does.

>>> import numpy as np
>>> x = np.arange(6.0).reshape(1, 2, 3, 1)
>>> bool((RandomFlip()(x, training=False) == x).all())  # inference: identity
True
>>> RandomFlip("horizontal", seed=1)(x, training=True).shape
(1, 2, 3, 1)
"""

from __future__ import annotations

from numkeras import backend
from numkeras.layers import image_utils as iu

MODES = ("horizontal", "vertical", "horizontal_and_vertical")


class _Flip:
    """The flips of one batch: `mask[b]` says whether image `b` is flipped."""

    def __init__(self, mask, axes):
        self.mask = mask
        self.axes = axes

    def apply(self, x, data_format: str):
        xp = backend.xp
        flipped = xp.flip(x, axis=self.axes)
        mask = xp.asarray(self.mask).reshape((-1,) + (1,) * (x.ndim - 1))
        return xp.where(mask, flipped, x)

    transpose = apply  # a flip is its own transpose


class RandomFlip(iu.AugmentationLayer):
    masks_follow = "images"  # (a dict's segmentation masks are moved with the images, as Keras's)

    def __init__(
        self,
        mode: str = "horizontal_and_vertical",
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs,
    ):
        iu.check_choice(type(self).__name__, "mode", mode, MODES)
        super().__init__(data_format=data_format, **kwargs)
        self.mode = mode
        self._set_seed(seed)

    def _axes(self, ndim: int) -> tuple:
        h, w = iu.spatial_axes(ndim, self.data_format)
        return {"horizontal": (w,), "vertical": (h,)}.get(self.mode, (h, w))

    def _transform(self, x, training: bool):
        if not training:
            return x, None
        mask = self._generator().random(x.shape[0]) < 0.5
        plan = _Flip(mask, self._axes(x.ndim))
        return plan.apply(x, self.data_format), plan

    def get_config(self) -> dict:
        return {**super().get_config(), "seed": self.seed, "mode": self.mode}

    def _repr_args(self) -> str:
        return f"{self.mode!r}"

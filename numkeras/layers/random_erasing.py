"""`RandomErasing(factor=1.0, scale=(0.02, 0.33), fill_value=None, value_range=(0, 255),
seed=None, data_format=None)`: in training, fill a random rectangle of some images;
at inference (`training=False`), the identity.

Per image (as Keras 3): an erase probability `p` is drawn from `factor`'s range (a
number `f` in [0, 1] gives `(0, f)`) and the image is erased when a uniform draw in
[0, 1) is below `p`. The rectangle's width and height fractions are the square roots of
draws from `scale`'s range; its start is uniform over the positions that keep it inside
the image, and it covers the pixels whose integer coordinates fall in
`[start, start + size)`. The rectangle is filled with `fill_value` (a number, or one
number per channel), or, when None, with Gaussian noise times `value_range[1]`; the fill
is clipped to `value_range`. The backward pass passes the gradient outside the erased
rectangles (the fill is a constant).

Deviations from Keras 3.15: `fill_value` is checked when the layer is made (Keras: at
the first call), and a per-channel `fill_value` follows `data_format` (Keras broadcasts
it along the last axis, wrong for "channels_first"). A direct call without `training=`
augments, as Keras's. Bad arguments raise ConfigError.

>>> import numpy as np
>>> x = np.full((1, 2, 4, 1), 9.0)
>>> layer = RandomErasing(fill_value=0.0)
>>> t = {"apply_erasing": [True], "boxes": [[1.0, 3.0, 0.0, 1.0]], "fill_value": 0.0}
>>> layer.transform_images(x, t)[0, ..., 0]  # columns 1-2 of row 0
array([[9., 0., 0., 9.],
       [9., 9., 9., 9.]], dtype=float32)
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError
from numkeras.layers import image_utils as iu


def _check_fill_value(fill_value):
    if fill_value is None or iu.is_number(fill_value):
        return fill_value
    if (
        isinstance(fill_value, (tuple, list))
        and len(fill_value) == 3
        and all(iu.is_number(v) for v in fill_value)
    ):
        return fill_value
    raise ConfigError(
        "RandomErasing: the `fill_value` argument should be None (Gaussian noise), a number or "
        f"a list of three numbers (one per channel). Received: fill_value={fill_value!r}"
    )


class RandomErasing(iu.DrawLayer):
    masks_follow = "keep"  # (a dict's segmentation masks pass unchanged, as Keras's)

    def __init__(
        self,
        factor=1.0,
        scale=(0.02, 0.33),
        fill_value=None,
        value_range=(0, 255),
        seed: int | None = None,
        data_format=None,
        **kwargs,
    ):
        name = type(self).__name__
        factor = iu.base_factor(name, factor, bounds=(0, 1))
        scale = _scale(scale)
        fill_value = _check_fill_value(fill_value)
        value_range = iu.check_value_range(name, value_range)
        super().__init__(data_format=data_format, **kwargs)
        self.factor = factor
        self.scale = scale
        self.fill_value = fill_value
        self.value_range = value_range
        self._set_seed(seed)

    def get_random_transformation(self, x) -> dict:
        generator = self._generator()
        batch = x.shape[0]
        height, width = self._hw(x.shape)
        fractions = np.sqrt(iu.uniform(generator, *self.scale, (batch, 2)))
        boxes = []
        for size, fraction in ((width, fractions[:, 0]), (height, fractions[:, 1])):
            length = (fraction * np.float32(size)).astype(np.float32)
            start = iu.uniform(generator, 0.0, 1.0, (batch,)) * (np.float32(size) - length)
            boxes += [start, start + length]
        probability = iu.uniform(generator, *self.factor, (batch,))
        apply = iu.uniform(generator, 0.0, 1.0, (batch,)) < probability
        if self.fill_value is None:
            fill = generator.standard_normal(x.shape).astype(np.float32)
            fill *= np.float32(self.value_range[1])
        else:
            fill = np.float32(self.fill_value)
        return {"apply_erasing": apply, "boxes": np.stack(boxes, axis=1), "fill_value": fill}

    def box_masks(self, shape, boxes):
        """Keras's `_generate_batch_mask`: `(B, 4)` boxes `(x0, x1, y0, y1)` -> a boolean
        mask broadcastable to a batch of `shape` (True inside each box)."""
        boxes = np.asarray(boxes, dtype=np.float32)
        height, width = self._hw(shape)
        xs = np.arange(width, dtype=np.float32)
        ys = np.arange(height, dtype=np.float32)
        x0, x1, y0, y1 = (boxes[:, i, None] for i in range(4))
        cols = (xs >= x0) & (xs < x1)  # (B, W)
        rows = (ys >= y0) & (ys < y1)  # (B, H)
        mask = rows[:, :, None] & cols[:, None, :]
        return mask[..., None] if self.data_format == "channels_last" else mask[:, None]

    def _apply(self, x, transformation: dict):
        xp = backend.xp
        mask = self.box_masks(x.shape, transformation["boxes"])
        erase = xp.asarray(mask) & iu.batch_mask(transformation["apply_erasing"])
        fill = xp.asarray(transformation["fill_value"], dtype=x.dtype)
        if fill.ndim == 1:  # one value per channel
            fill = fill.reshape(
                (1, 1, 1, -1) if self.data_format == "channels_last" else (1, -1, 1, 1)
            )
        low, high = self.value_range
        fill = xp.clip(fill, x.dtype.type(low), x.dtype.type(high))
        out = xp.where(erase, fill, x).astype(x.dtype, copy=False)
        return out, iu.MaskPlan(~erase)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "factor": self.factor,
            "scale": self.scale,
            "fill_value": self.fill_value,
            "value_range": self.value_range,
            "seed": self.seed,
        }

    def _repr_args(self) -> str:
        return f"factor={self.factor}, scale={self.scale}"


def _scale(scale) -> tuple:
    try:
        return iu.base_factor("RandomErasing", scale, bounds=(0, 1))
    except ConfigError:
        raise ConfigError(
            "RandomErasing: the `scale` argument should be a number (or a list of two numbers) "
            "in the range [0, 1] (fractions of the image's area). "
            f"Received: scale={scale!r}"
        ) from None

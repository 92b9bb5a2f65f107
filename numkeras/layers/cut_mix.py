"""`CutMix(factor=1.0, seed=None, data_format=None)`: in training, paste into each image
a rectangle cut from another image of the batch (a random permutation), and, when given,
mix the labels by the pasted area; at inference (`training=False`), the identity.

As Keras 3: `alpha` is drawn uniformly from `factor`'s range (a number `f` in [0, 1]
gives `(0, f)`) plus 1e-6, once per batch; per image `lam ~ Beta(alpha, alpha)`, the
rectangle's sides are `sqrt(1 - lam)` times the image's, its start is uniform over the
positions that keep it inside, and it covers the pixels whose integer coordinates fall in
`[start, start + size)`. Labels are mixed with weight `1 - area / (height * width)` (the
rectangle's real-valued area; the transformation's "mix_weight", see `box_mix_weight`).
Call it on a batch of images or on a dict `{"images": ..., "labels": ...}`, which
returns a dict. The backward pass routes each output pixel's gradient to the image it
came from. A single image (3-D) comes back as it is. A direct call without `training=`
mixes, as Keras's.

>>> import numpy as np
>>> x = np.stack([np.zeros((2, 4, 1)), np.ones((2, 4, 1))])
>>> t = {"permutation_order": [1, 0], "boxes": [[1.0, 3.0, 0.0, 1.0], [0.0, 4.0, 0.0, 2.0]]}
>>> CutMix().transform_images(x, t)[..., 0]
array([[[0., 1., 1., 0.],
        [0., 0., 0., 0.]],
<BLANKLINE>
       [[0., 0., 0., 0.],
        [0., 0., 0., 0.]]], dtype=float32)
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.layers import image_utils as iu
from numkeras.layers.mix_up import MixingLayer, _Mix
from numkeras.layers.random_erasing import RandomErasing


def box_mix_weight(boxes, height: int, width: int):
    """Keras's label weight: `1 - area / (height * width)` per `(x0, x1, y0, y1)` box."""
    boxes = np.asarray(boxes, dtype=np.float32)
    x0, x1, y0, y1 = (boxes[:, i] for i in range(4))
    return np.float32(1) - (x1 - x0) * (y1 - y0) / np.float32(width * height)


class CutMix(MixingLayer):
    def __init__(self, factor=1.0, seed: int | None = None, data_format=None, **kwargs):
        factor = iu.base_factor(type(self).__name__, factor, bounds=(0, 1))
        super().__init__(data_format=data_format, **kwargs)
        self.factor = factor
        self._set_seed(seed)

    def get_random_transformation(self, x) -> dict:
        generator = self._generator()
        batch = x.shape[0]
        height, width = self._hw(x.shape)
        alpha = float(iu.uniform(generator, *self.factor, ())) + 1e-6
        ratio = np.sqrt(1 - generator.beta(alpha, alpha, batch).astype(np.float32))
        boxes = []
        for size in (width, height):
            length = (ratio * np.float32(size)).astype(np.float32)
            start = iu.uniform(generator, 0.0, 1.0, (batch,)) * (np.float32(size) - length)
            boxes += [start, start + length]
        boxes = np.stack(boxes, axis=1)
        return {
            "permutation_order": generator.permutation(batch),
            "boxes": boxes,
            "mix_weight": box_mix_weight(boxes, height, width),
        }

    def _apply(self, x, transformation: dict):
        xp = backend.xp
        mask = xp.asarray(RandomErasing.box_masks(self, x.shape, transformation["boxes"]))
        perm = np.asarray(transformation["permutation_order"])
        out = xp.where(mask, xp.take(x, perm, axis=0), x)
        return out, _Mix(~mask, mask, perm)

    def _label_weight(self, shape, transformation):
        return transformation["mix_weight"]

    def get_config(self) -> dict:
        return {**super().get_config(), "factor": self.factor, "seed": self.seed}

    def _repr_args(self) -> str:
        return f"factor={self.factor}"

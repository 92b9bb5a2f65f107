"""`MixUp(alpha=0.2, data_format=None, seed=None)`: in training, blend each image of a
batch with another image of the same batch (a random permutation), and, when given, the
labels alike; at inference (`training=False`), the identity.

Per image `i` (as Keras 3): `w_i ~ Beta(alpha, alpha)` and `out_i = w_i x_i + (1 - w_i)
x_perm(i)`. Call it on a batch of images, or, to mix the labels too, on a dict
`{"images": ..., "labels": ...}` (labels one-hot or soft, `(batch, classes)`), which
returns a dict. The backward pass is exact (the mix is linear in the images). A single
image (3-D) has nobody to mix with and comes back as it is. A direct call without
`training=` mixes, as Keras's.

>>> import numpy as np
>>> x = np.array([[[[0.0]]], [[[10.0]]]])
>>> t = {"mix_weight": [0.75, 0.5], "permutation_order": [1, 0]}
>>> MixUp().transform_images(x, t).ravel()
array([2.5, 5. ], dtype=float32)
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.errors import ConfigError, ShapeError, format_shape
from numkeras.layers import image_utils as iu


class _Mix:
    """Backward of `out = a * x + b * x[perm]` (`a`, `b` broadcastable per image)."""

    def __init__(self, a, b, perm):
        self.a, self.b, self.perm = a, b, np.asarray(perm)

    def transpose(self, g, data_format: str):
        xp = backend.xp
        out = self.a * g
        back = xp.zeros_like(g)
        xp.add.at(back, self.perm, self.b * g)  # (a permutation: each image once)
        return out + back


class MixingLayer(iu.DrawLayer):
    """Base of MixUp and CutMix: images alone, or a dict with "images" and "labels"."""

    def __call__(self, inputs, training=None, **kwargs):
        if not isinstance(inputs, dict):
            return super().__call__(inputs, training=training, **kwargs)
        if "images" not in inputs:
            raise ConfigError(
                f"{type(self).__name__}: a dict input needs an 'images' entry (and optionally "
                f"'labels'); received keys {sorted(inputs)}."
            )
        out = dict(inputs)
        images = backend.cast_input(inputs["images"], self.dtype)
        if images.ndim not in (3, 4):
            raise ShapeError(
                f"{type(self).__name__} expects a 3-D image or a 4-D batch, received shape "
                f"{format_shape(images.shape)}."
            )
        if (True if training is None else training) and images.ndim == 4:
            t = self.get_random_transformation(images)
            out["images"] = self._apply(images, t)[0]
            if "labels" in inputs:
                out["labels"] = self.transform_labels(inputs["labels"], t)
        else:
            out["images"] = images
        self.built = True  # (as Keras's, built by its first call, a dict one too)
        return out

    def transform_labels(self, labels, transformation: dict):
        """Mix `(batch, ...)` labels as the images of `transformation` were mixed."""
        xp = backend.xp
        labels = backend.cast_input(labels, self.dtype)
        w = xp.asarray(self._label_weight(labels.shape, transformation), dtype=labels.dtype)
        w = w.reshape((-1,) + (1,) * (labels.ndim - 1))
        perm = np.asarray(transformation["permutation_order"])
        return w * labels + (1 - w) * xp.take(labels, perm, axis=0)

    def _label_weight(self, shape, transformation):
        raise NotImplementedError


class MixUp(MixingLayer):
    identity_keeps_integers = True  # (at inference: integer images as they are)

    def __init__(self, alpha: float = 0.2, data_format=None, seed: int | None = None, **kwargs):
        if not iu.is_number(alpha) or alpha <= 0:
            raise ConfigError(
                f"MixUp: `alpha` (of the Beta(alpha, alpha) mixing weights) must be a positive "
                f"number. Received: alpha={alpha!r}"
            )
        super().__init__(data_format=data_format, **kwargs)
        self.alpha = alpha
        self._set_seed(seed)

    def get_random_transformation(self, x) -> dict:
        generator = self._generator()
        batch = x.shape[0]
        return {
            "mix_weight": generator.beta(self.alpha, self.alpha, batch).astype(np.float32),
            "permutation_order": generator.permutation(batch),
        }

    def _apply(self, x, transformation: dict):
        xp = backend.xp
        w = xp.asarray(transformation["mix_weight"], dtype=x.dtype).reshape(-1, 1, 1, 1)
        perm = np.asarray(transformation["permutation_order"])
        out = w * x + (1 - w) * xp.take(x, perm, axis=0)
        return out, _Mix(w, 1 - w, perm)

    def _label_weight(self, shape, transformation):
        return transformation["mix_weight"]

    def get_config(self) -> dict:
        return {**super().get_config(), "alpha": self.alpha, "seed": self.seed}

    def _repr_args(self) -> str:
        return f"alpha={self.alpha}"

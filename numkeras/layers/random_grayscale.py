"""`RandomGrayscale(factor=0.5, data_format=None, seed=None)`: in training, convert each
image to grayscale with probability `factor`, keeping its channel count (every channel
gets the luminance `0.2989 R + 0.5870 G + 0.1140 B`, Keras's `rgb_to_grayscale`
weights); at inference (`training=False`), the identity.

Images must have 3 channels (RGB) or 1 (left as they are). The backward pass is exact:
for a converted image, each input channel receives its weight times the sum of the output
channels' gradients. As in Keras 3, a direct call without `training=` augments. Bad
arguments raise ConfigError (Keras: ValueError); a channel count other than 1 or 3 raises
ShapeError.

>>> import numpy as np
>>> x = np.array([[[[255.0, 0.0, 0.0]]]])  # one red pixel
>>> RandomGrayscale(factor=1.0)(x)[0, 0, 0].round(3)
array([76.22, 76.22, 76.22], dtype=float32)
"""

from __future__ import annotations

from numkeras import backend
from numkeras.errors import ConfigError, ShapeError, format_shape
from numkeras.layers import image_utils as iu

RGB_WEIGHTS = (0.2989, 0.5870, 0.1140)


class _Gray:
    def __init__(self, apply, channel_axis):
        self.apply = apply  # (B, 1, 1, 1) bool
        self.channel_axis = channel_axis

    def transpose(self, g, data_format: str):
        xp = backend.xp
        w = _weights(g.dtype, self.channel_axis)
        total = xp.sum(g, axis=self.channel_axis, keepdims=True, dtype=g.dtype)
        return xp.where(self.apply, total * w, g)


def _weights(dtype, channel_axis: int):
    shape = [1, 1, 1, 1]
    shape[channel_axis] = 3
    return backend.xp.asarray(RGB_WEIGHTS, dtype=dtype).reshape(shape)


class RandomGrayscale(iu.DrawLayer):
    identity_keeps_integers = True  # (at inference: integer images as they are)

    masks_follow = "keep"  # (a dict's segmentation masks pass unchanged, as Keras's)

    def __init__(self, factor=0.5, data_format=None, seed: int | None = None, **kwargs):
        if not iu.is_number(factor) or not 0 <= factor <= 1:
            raise ConfigError(
                f"RandomGrayscale: `factor` should be a number between 0 and 1 (the probability "
                f"of converting an image). Received: factor={factor!r}"
            )
        super().__init__(data_format=data_format, **kwargs)
        self.factor = factor
        self._set_seed(seed)

    def _channel_axis(self) -> int:
        return 3 if self.data_format == "channels_last" else 1

    def get_random_transformation(self, x) -> dict:
        draws = iu.uniform(self._generator(), 0.0, 1.0, (x.shape[0],))
        return {"should_apply": draws < self.factor}

    def _apply(self, x, transformation: dict):
        xp = backend.xp
        axis = self._channel_axis()
        channels = x.shape[axis]
        if channels not in (1, 3):
            raise ShapeError(
                f"Layer '{self.name}' (RandomGrayscale) expects 3 channels (RGB) or 1 "
                f"(grayscale), received input of shape {format_shape(x.shape)}."
            )
        if channels == 1:
            return x, None
        apply = iu.batch_mask(transformation["should_apply"])
        gray = xp.sum(x * _weights(x.dtype, axis), axis=axis, keepdims=True, dtype=x.dtype)
        return xp.where(apply, gray, x), _Gray(apply, axis)

    def get_config(self) -> dict:
        # (as Keras 3.15, the config has no `seed`: a reloaded layer draws from the global
        # generator)
        return {**super().get_config(), "factor": self.factor}

    def _repr_args(self) -> str:
        return f"factor={self.factor}"

"""`Resizing(height, width)`: resize images to `(height, width)`, as Keras 3 on JAX
(`jax.image.resize`): `interpolation` is "bilinear" (default), "nearest", "bicubic"
(Keys' cubic, a = -0.5), "lanczos3" or "lanczos5"; `antialias=True` widens the kernel
when downsampling. `crop_to_aspect_ratio=True` first crops the largest centred window of
the target aspect ratio; `pad_to_aspect_ratio=True` first pads the short side with
`fill_value` (Keras pads the same number of rows, or columns, on both sides).

Inputs are a 3-D image or a 4-D batch, `"channels_last"` (default) or
`"channels_first"`; outputs are float32, or, from integer images, the images' dtype
(rounded half to even and clipped to its range, as Keras's). Resizing is linear in the
image: the forward pass multiplies by one interpolation matrix per spatial axis and the
backward pass by their transposes, so models train through it.

Differences from Keras: arguments are checked in the constructor (Keras accepts
`Resizing(0, 5)` or an unknown interpolation and fails at the first call).

>>> import numpy as np
>>> Resizing(2, 4)(np.arange(4.0).reshape(1, 2, 2, 1))[0, ..., 0]
array([[0.  , 0.25, 0.75, 1.  ],
       [2.  , 2.25, 2.75, 3.  ]], dtype=float32)
"""

from __future__ import annotations

from numkeras.errors import ConfigError
from numkeras.layers import image_utils as iu
from numkeras.layers.integer_inputs import as_float, rounded_to


class Resizing(iu.ImageLayer):
    masks_follow = "nearest"  # (a dict's segmentation masks: resized with "nearest", as Keras)
    integer_inputs = "keep"  # (resized in floats, then rounded back: `forward`)

    def __init__(
        self,
        height: int,
        width: int,
        interpolation: str = "bilinear",
        crop_to_aspect_ratio: bool = False,
        pad_to_aspect_ratio: bool = False,
        fill_mode: str = "constant",
        fill_value: float = 0.0,
        antialias: bool = False,
        data_format: str | None = None,
        **kwargs,
    ):
        name = type(self).__name__
        height = iu.check_size(name, "height", height)
        width = iu.check_size(name, "width", width)
        iu.check_choice(name, "interpolation", interpolation, iu.RESIZE_INTERPOLATIONS)
        if fill_mode != "constant":
            raise ConfigError(
                f"{name}: only fill_mode='constant' is supported (it fills the padding of "
                f"pad_to_aspect_ratio=True with fill_value), received fill_mode={fill_mode!r}."
            )
        iu.check_number(name, "fill_value", fill_value)
        super().__init__(data_format=data_format, **kwargs)
        self.height = height
        self.width = width
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)
        self.pad_to_aspect_ratio = bool(pad_to_aspect_ratio)
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.antialias = bool(antialias)

    def compute_output_shape(self, input_shape):
        return self._with_hw(input_shape, self.height, self.width)

    def forward(self, inputs, training: bool = True):
        if inputs.dtype.kind == "f":
            return super().forward(inputs, training)
        out, cache = super().forward(as_float(inputs, self.dtype), training)
        return rounded_to(out, inputs.dtype), cache

    def _transform(self, x, training: bool):
        if self.crop_to_aspect_ratio and self.pad_to_aspect_ratio:
            # (Keras refuses them in the call: the layer builds, configs and saves)
            raise ConfigError(
                "Only one of `pad_to_aspect_ratio` & `crop_to_aspect_ratio` can be `True`."
            )
        plan = iu.resize_plan(
            self._hw(x.shape),
            (self.height, self.width),
            self.interpolation,
            self.antialias,
            self.crop_to_aspect_ratio,
            self.pad_to_aspect_ratio,
            self.fill_value,
        )
        return plan.apply(x, self.data_format), plan

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "height": self.height,
            "width": self.width,
            "interpolation": self.interpolation,
            "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
            "pad_to_aspect_ratio": self.pad_to_aspect_ratio,
            "fill_mode": self.fill_mode,
            "fill_value": self.fill_value,
            "antialias": self.antialias,
        }

    def _repr_args(self) -> str:
        extra = (
            "" if self.interpolation == "bilinear" else f", interpolation={self.interpolation!r}"
        )
        return f"{self.height}, {self.width}{extra}"

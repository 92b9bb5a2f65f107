"""ConvNeXt Tiny, Small, Base, Large and XLarge (Liu et al., CVPR 2022): a 4x4 patchify
stem, four stages of blocks (7x7 depthwise convolution, layer norm, an inverted MLP,
a learned per-channel scale, a residual sum), layer-normed 2x2 downsampling between them.
The models normalize their own inputs: feed pixels in [0, 255] (`preprocess_input`
passes them through). Channels-last only.

>>> import numkeras
>>> from numkeras.applications.convnext import ConvNeXtBlock
>>> x = numkeras.Input((8, 8, 96))
>>> ConvNeXtBlock(96, name="stage_0_block_0")(x).shape
(None, 8, 8, 96)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from numkeras import backend, initializers, layers, ops, random
from numkeras.applications import imagenet_utils
from numkeras.applications.application import WeightFiles, finish, image_input
from numkeras.errors import ConfigError

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/convnext/"
# (with top, without top) sha256 of each published weights file
_HASHES = {
    "convnext_tiny": (
        "8ae6e78ce2933352b1ef4008e6dd2f17bc40771563877d156bc6426c7cf503ff",
        "d547c096cabd03329d7be5562c5e14798aa39ed24b474157cef5e85ab9e49ef1",
    ),
    "convnext_small": (
        "ce1277d8f1ee5a0ef0e171469089c18f5233860ceaf9b168049cb9263fd7483c",
        "6fc8009faa2f00c1c1dfce59feea9b0745eb260a7dd11bee65c8e20843da6eab",
    ),
    "convnext_base": (
        "52cbb006d3dadd03f6e095a8ca1aca47aecdd75acb4bc74bce1f5c695d0086e6",
        "40a20c5548a5e9202f69735ecc06c990e6b7c9d2de39f0361e27baeb24cb7c45",
    ),
    "convnext_large": (
        "070c5ed9ed289581e477741d3b34beffa920db8cf590899d6d2c67fba2a198a6",
        "96f02b6f0753d4f543261bc9d09bed650f24dd6bc02ddde3066135b63d23a1cd",
    ),
    "convnext_xlarge": (
        "c1f5ccab661354fc3a79a10fa99af82f0fbf10ec65cb894a3ae0815f17a889ee",
        "de3f8a54174130e0cecdc71583354753d557fcf1f4487331558e2a16ba0cfe05",
    ),
}
# variant -> (blocks per stage, channels per stage)
MODEL_CONFIGS = {
    "tiny": ((3, 3, 9, 3), (96, 192, 384, 768)),
    "small": ((3, 3, 27, 3), (96, 192, 384, 768)),
    "base": ((3, 3, 27, 3), (128, 256, 512, 1024)),
    "large": ((3, 3, 27, 3), (192, 384, 768, 1536)),
    "xlarge": ((3, 3, 27, 3), (256, 512, 1024, 2048)),
}
_EPSILON = 1e-6


class StochasticDepth(layers.Layer):
    """In training, each sample's residual branch is dropped whole with probability
    `drop_path_rate` (the kept ones scaled by its inverse); the identity in inference."""

    def __init__(self, drop_path_rate: float, **kwargs):
        super().__init__(**kwargs)
        self.drop_path_rate = drop_path_rate

    def call(self, x, training=None):
        if not training:
            return x
        keep = 1 - self.drop_path_rate
        shape = (ops.shape(x)[0],) + (1,) * (len(ops.shape(x)) - 1)
        return x / keep * ops.floor(keep + random.uniform(shape, 0, 1))

    def get_config(self) -> dict:
        return {**super().get_config(), "drop_path_rate": self.drop_path_rate}


class LayerScale(layers.Layer):
    """Scales each of the last axis's `projection_dim` channels by a learned factor,
    starting at `init_values`."""

    def __init__(self, init_values: float, projection_dim: int, **kwargs):
        super().__init__(**kwargs)
        self.init_values = init_values
        self.projection_dim = projection_dim

    def build(self, _):
        self.gamma = self.add_weight(
            shape=(self.projection_dim,),
            initializer=initializers.Constant(self.init_values),
            trainable=True,
        )

    def call(self, x):
        return x * self.gamma

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "init_values": self.init_values,
            "projection_dim": self.projection_dim,
        }


def _layer_norm(name: str | None = None):
    return layers.LayerNormalization(epsilon=_EPSILON, name=name)


def ConvNeXtBlock(  # noqa: N802 (Keras's name)
    projection_dim: int,
    drop_path_rate: float = 0.0,
    layer_scale_init_value: float | None = 1e-6,
    name: str | None = None,
) -> Callable:
    """The block as a function of its input: a 7x7 depthwise convolution, layer norm,
    Dense to 4x the channels, GELU, Dense back, the layer scale, and the residual sum."""
    name = name or f"prestem{backend.get_uid('prestem')}"

    def apply(inputs):
        x = layers.Conv2D(
            filters=projection_dim,
            kernel_size=7,
            padding="same",
            groups=projection_dim,
            name=f"{name}_depthwise_conv",
        )(inputs)
        x = _layer_norm(f"{name}_layernorm")(x)
        x = layers.Dense(4 * projection_dim, name=f"{name}_pointwise_conv_1")(x)
        x = layers.Activation("gelu", name=f"{name}_gelu")(x)
        x = layers.Dense(projection_dim, name=f"{name}_pointwise_conv_2")(x)
        if layer_scale_init_value is not None:
            x = LayerScale(layer_scale_init_value, projection_dim, name=f"{name}_layer_scale")(x)
        if drop_path_rate:
            x = StochasticDepth(drop_path_rate, name=f"{name}_stochastic_depth")(x)
        else:
            x = layers.Activation("linear", name=f"{name}_identity")(x)
        return inputs + x  # (a symbolic operation, not a layer, as in Keras)

    return apply


def PreStem(name: str | None = None) -> Callable:  # noqa: N802 (Keras's name)
    """ImageNet's per-channel normalization of pixels in [0, 255]."""
    name = name or f"prestem{backend.get_uid('prestem')}"
    mean = [0.485 * 255, 0.456 * 255, 0.406 * 255]
    variance = [(0.229 * 255) ** 2, (0.224 * 255) ** 2, (0.225 * 255) ** 2]
    return layers.Normalization(mean=mean, variance=variance, name=f"{name}_prestem_normalization")


def Head(  # noqa: N802 (Keras's name)
    num_classes: int = 1000, classifier_activation=None, name: str | None = None
) -> Callable:
    """Global average pooling, layer norm and the classifier."""
    name = name or str(backend.get_uid("head"))

    def apply(x):
        x = layers.GlobalAveragePooling2D(name=f"{name}_head_gap")(x)
        x = _layer_norm(f"{name}_head_layernorm")(x)
        return layers.Dense(
            num_classes, activation=classifier_activation, name=f"{name}_head_dense"
        )(x)

    return apply


def ConvNeXt(  # noqa: N802 (Keras's name)
    depths,
    projection_dims,
    drop_path_rate: float = 0.0,
    layer_scale_init_value: float | None = 1e-6,
    default_size: int = 224,
    name: str = "convnext",
    include_preprocessing: bool = True,
    include_top: bool = True,
    weights=None,
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes: int = 1000,
    classifier_activation="softmax",
    weights_name: str | None = None,
):
    """A ConvNeXt with `depths[i]` blocks of `projection_dims[i]` channels in stage i; the
    stochastic depth rises linearly from 0 to `drop_path_rate` over the blocks."""
    if backend.image_data_format() == "channels_first":
        raise ConfigError(
            "ConvNeXt does not support the `channels_first` image data format. Switch to "
            "`channels_last` (`keras.backend.set_image_data_format('channels_last')`, or "
            "in ~/.keras/keras.json)."
        )
    img_input, input_shape = image_input(
        weights, include_top, classes, input_tensor, input_shape,
        default_size=default_size, min_size=32,
    )  # fmt: skip
    if weights == "imagenet" and weights_name is not None:
        variant = weights_name.removeprefix("convnext_")
        want_depths, want_dims = MODEL_CONFIGS[variant]
        if tuple(depths) != want_depths or tuple(projection_dims) != want_dims:
            raise ConfigError(
                f"Architecture configuration does not match {weights_name} variant: the "
                f"pretrained weights need depths={list(want_depths)} and "
                f"projection_dims={list(want_dims)}. Received: depths={list(depths)}, "
                f"projection_dims={list(projection_dims)}."
            )

    from numkeras.models import Sequential

    x = img_input
    if include_preprocessing and input_shape[2] == 3:
        x = PreStem(name=name)(x)
    stem_conv = layers.Conv2D(projection_dims[0], 4, strides=4, name=f"{name}_stem_conv")
    stages = [Sequential([stem_conv, _layer_norm(f"{name}_stem_layernorm")], name=f"{name}_stem")]
    for i in range(3):
        stages.append(
            Sequential(
                [
                    _layer_norm(f"{name}_downsampling_layernorm_{i}"),
                    layers.Conv2D(
                        projection_dims[i + 1],
                        kernel_size=2,
                        strides=2,
                        name=f"{name}_downsampling_conv_{i}",
                    ),
                ],
                name=f"{name}_downsampling_block_{i}",
            )
        )
    drop_rates = [float(r) for r in np.linspace(0.0, drop_path_rate, sum(depths))]
    done = 0
    for i, stage in enumerate(stages):
        x = stage(x)
        for j in range(depths[i]):
            x = ConvNeXtBlock(
                projection_dim=projection_dims[i],
                drop_path_rate=drop_rates[done + j],
                layer_scale_init_value=layer_scale_init_value,
                name=f"{name}_stage_{i}_block_{j}",
            )(x)
        done += depths[i]
    if include_top:
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = Head(num_classes=classes, classifier_activation=classifier_activation, name=name)(x)
    else:
        if pooling == "avg":
            x = layers.GlobalAveragePooling2D()(x)
        elif pooling == "max":
            x = layers.GlobalMaxPooling2D()(x)
        x = _layer_norm()(x)
    files = None
    if weights_name in _HASHES:
        top, notop = _HASHES[weights_name]
        files = WeightFiles(_BASE, (f"{weights_name}.h5", top), (f"{weights_name}_notop.h5", notop))
    return finish(img_input, input_tensor, x, name, weights, include_top, files)


def _application(variant: str) -> Callable:
    depths, dims = MODEL_CONFIGS[variant]

    def build(
        include_top: bool = True,
        include_preprocessing: bool = True,
        weights="imagenet",
        input_tensor=None,
        input_shape=None,
        pooling=None,
        classes: int = 1000,
        classifier_activation="softmax",
        name: str = f"convnext_{variant}",
    ):
        return ConvNeXt(
            weights_name=f"convnext_{variant}",
            depths=list(depths),
            projection_dims=list(dims),
            drop_path_rate=0.0,
            layer_scale_init_value=1e-6,
            default_size=224,
            name=name,
            include_top=include_top,
            include_preprocessing=include_preprocessing,
            weights=weights,
            input_tensor=input_tensor,
            input_shape=input_shape,
            pooling=pooling,
            classes=classes,
            classifier_activation=classifier_activation,
        )

    build.__name__ = build.__qualname__ = f"ConvNeXt{variant.title().replace('large', 'Large')}"
    build.__doc__ = (
        f"ConvNeXt {variant.title()}: stages of {depths} blocks with {dims} channels. "
        "Inputs: pixels in [0, 255] (the model normalizes them)."
    )
    return build


ConvNeXtTiny = _application("tiny")
ConvNeXtSmall = _application("small")
ConvNeXtBase = _application("base")
ConvNeXtLarge = _application("large")
ConvNeXtXLarge = _application("xlarge")


def preprocess_input(x, data_format=None):
    """The identity: the model normalizes its own inputs."""
    return x


decode_predictions = imagenet_utils.decode_predictions

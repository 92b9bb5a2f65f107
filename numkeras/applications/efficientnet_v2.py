"""EfficientNetV2 B0-B3, S, M and L (Tan & Le, ICML 2021): EfficientNet's MBConv blocks
after early stages of fused MBConv blocks (one full convolution in place of the 1x1
expansion and the depthwise one). The models rescale their own inputs: feed pixels in
[0, 255] (`preprocess_input` passes them through), or in [-1, 1] with
`include_preprocessing=False`.

>>> from numkeras.applications.efficientnet_v2 import EfficientNetV2B0
>>> model = EfficientNetV2B0(weights=None, input_shape=(32, 32, 3), classes=10)
>>> model.output_shape, len(model.layers)
((None, 10), 273)
"""

from __future__ import annotations

from collections.abc import Callable

from numkeras import initializers, layers
from numkeras.applications import imagenet_utils
from numkeras.applications.application import (
    WeightFiles,
    channel_axis,
    finish,
    image_input,
    pool,
)
from numkeras.applications.efficientnet import (
    _STEM_TOP,
    CONV_KERNEL_INITIALIZER,
    DENSE_KERNEL_INITIALIZER,
    _conv,
    _conv_bn_act,
    residual,
    round_filters,
    round_repeats,
    squeeze_excite,
)
from numkeras.errors import ConfigError

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/efficientnet_v2/"
# (with top, without top) md5 of each published weights file
_HASHES = {
    "b0": ("21ecbf6da12460d5c40bb2f29ceb2188", "893217f2bb855e2983157299931e43ff"),
    "b1": ("069f0534ff22adf035c89e2d9547a9dc", "0e80663031ca32d657f9caa404b6ec37"),
    "b2": ("424e49f28180edbde1e94797771950a7", "1dfe2e7a5d45b6632553a8961ea609eb"),
    "b3": ("1f1fc43bd98a6e4fd8fdfd551e02c7a0", "f6abf7b5849ac99a89b50dd3fd532856"),
    "s": ("e1d88a8495beba45748fedd0cecbe016", "af0682fb74e8c54910f2d4393339c070"),
    "m": ("a3bf6aa3276309f4fc6a34aa114c95cd", "1b8dc055df72dde80d614482840fe342"),
    "l": ("27e6d408b53c7ebc868fefa357689935", "b0b66b5c863aef5b46e8608fe1711615"),
}
# variant -> (width coefficient, depth coefficient, default size)
_VARIANTS = {
    "b0": (1.0, 1.0, 224),
    "b1": (1.0, 1.1, 240),
    "b2": (1.1, 1.2, 260),
    "b3": (1.2, 1.4, 300),
    "s": (1.0, 1.0, 384),
    "m": (1.0, 1.0, 480),
    "l": (1.0, 1.0, 480),
}
# Each variant's stages: (fused, repeats, filters in, filters out, expand ratio, strides,
# se ratio); every kernel is 3x3. B1-B3 scale B0's.
_B0 = (
    (True, 1, 32, 16, 1, 1, 0),
    (True, 2, 16, 32, 4, 2, 0),
    (True, 2, 32, 48, 4, 2, 0),
    (False, 3, 48, 96, 4, 2, 0.25),
    (False, 5, 96, 112, 6, 1, 0.25),
    (False, 8, 112, 192, 6, 2, 0.25),
)
STAGES = {
    "b0": _B0,
    "b1": _B0,
    "b2": _B0,
    "b3": _B0,
    "s": (
        (True, 2, 24, 24, 1, 1, 0),
        (True, 4, 24, 48, 4, 2, 0),
        (True, 4, 48, 64, 4, 2, 0),
        (False, 6, 64, 128, 4, 2, 0.25),
        (False, 9, 128, 160, 6, 1, 0.25),
        (False, 15, 160, 256, 6, 2, 0.25),
    ),
    "m": (
        (True, 3, 24, 24, 1, 1, 0),
        (True, 5, 24, 48, 4, 2, 0),
        (True, 5, 48, 80, 4, 2, 0),
        (False, 7, 80, 160, 4, 2, 0.25),
        (False, 14, 160, 176, 6, 1, 0.25),
        (False, 18, 176, 304, 6, 2, 0.25),
        (False, 5, 304, 512, 6, 1, 0.25),
    ),
    "l": (
        (True, 4, 32, 32, 1, 1, 0),
        (True, 7, 32, 64, 4, 2, 0),
        (True, 7, 64, 96, 4, 2, 0),
        (False, 10, 96, 192, 4, 2, 0.25),
        (False, 19, 192, 224, 6, 1, 0.25),
        (False, 25, 224, 384, 6, 2, 0.25),
        (False, 7, 384, 640, 6, 1, 0.25),
    ),
}
_TORCH_MEAN = [0.485, 0.456, 0.406]
_TORCH_VARIANCE = [0.229**2, 0.224**2, 0.225**2]


def _bn(name: str, momentum: float):
    return layers.BatchNormalization(axis=channel_axis(), momentum=momentum, name=name)


def mb_conv_block(
    inputs,
    input_filters: int,
    output_filters: int,
    expand_ratio: int = 1,
    kernel_size: int = 3,
    strides: int = 1,
    se_ratio: float = 0.0,
    bn_momentum: float = 0.9,
    activation="swish",
    survival_probability: float = 0.8,
    name: str = "",
):
    """An MBConv block: 1x1 expansion, depthwise kxk, squeeze-and-excitation, 1x1
    projection, and the identity skip (dropped per sample) where the shape keeps."""
    filters = input_filters * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = _conv_bn_act(x, filters, 1, activation, name, bn_momentum=bn_momentum)
    x = layers.DepthwiseConv2D(
        kernel_size,
        strides=strides,
        depthwise_initializer=CONV_KERNEL_INITIALIZER,
        padding="same",
        use_bias=False,
        name=f"{name}dwconv2",
    )(x)
    x = _bn(f"{name}bn", bn_momentum)(x)
    x = layers.Activation(activation, name=f"{name}activation")(x)
    if 0 < se_ratio <= 1:
        x = squeeze_excite(x, filters, input_filters, se_ratio, activation, name)
    x = _conv(output_filters, 1, f"{name}project_conv")(x)
    x = _bn(f"{name}project_bn", bn_momentum)(x)
    if strides == 1 and input_filters == output_filters:
        x = residual(x, inputs, survival_probability, name)
    return x


def fused_mb_conv_block(
    inputs,
    input_filters: int,
    output_filters: int,
    expand_ratio: int = 1,
    kernel_size: int = 3,
    strides: int = 1,
    se_ratio: float = 0.0,
    bn_momentum: float = 0.9,
    activation="swish",
    survival_probability: float = 0.8,
    name: str = "",
):
    """A fused MBConv block: one (strided) kxk convolution expanding the channels, then a
    1x1 projection (or, without expansion, the kxk convolution is the projection)."""
    filters = input_filters * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = _conv_bn_act(
            x, filters, kernel_size, activation, name, bn_momentum=bn_momentum, strides=strides
        )
    if 0 < se_ratio <= 1:
        x = squeeze_excite(x, filters, input_filters, se_ratio, activation, name)
    expanded = expand_ratio != 1
    x = _conv(
        output_filters,
        1 if expanded else kernel_size,
        f"{name}project_conv",
        strides=1 if expanded else strides,
    )(x)
    x = _bn(f"{name}project_bn", bn_momentum)(x)
    if not expanded:
        x = layers.Activation(activation, name=f"{name}project_activation")(x)
    if strides == 1 and input_filters == output_filters:
        x = residual(x, inputs, survival_probability, name)
    return x


def EfficientNetV2(  # noqa: N802 (Keras's name)
    width_coefficient: float,
    depth_coefficient: float,
    default_size: int,
    dropout_rate: float = 0.2,
    drop_connect_rate: float = 0.2,
    depth_divisor: int = 8,
    min_depth: int = 8,
    bn_momentum: float = 0.9,
    activation="swish",
    blocks_args="default",
    name: str = "efficientnetv2",
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes: int = 1000,
    classifier_activation="softmax",
    include_preprocessing: bool = True,
    weights_name: str | None = None,
):
    """An EfficientNetV2 of the given scaling. `blocks_args` is "default" (the variant
    `weights_name`'s stages) or a list of Keras's block dicts (`kernel_size`, `num_repeat`,
    `input_filters`, `output_filters`, `expand_ratio`, `se_ratio`, `strides`, `conv_type`:
    0 MBConv, 1 fused). The B variants normalize their inputs with ImageNet's statistics,
    S, M and L scale them into [-1, 1]."""
    variant = weights_name or "b0"
    if blocks_args == "default":
        blocks_args = [
            dict(kernel_size=3, num_repeat=r, input_filters=i, output_filters=o,
                 expand_ratio=e, se_ratio=se, strides=s, conv_type=int(fused))
            for fused, r, i, o, e, s, se in STAGES[variant]
        ]  # fmt: skip
    img_input, input_shape = image_input(
        weights, include_top, classes, input_tensor, input_shape,
        default_size=default_size, min_size=32,
    )  # fmt: skip

    def filters(n: int) -> int:
        return round_filters(n, width_coefficient, depth_divisor, min_depth=min_depth)

    x = img_input
    if include_preprocessing:
        axis = channel_axis()
        if variant.startswith("b") and input_shape[axis - 1] == 3:
            x = layers.Rescaling(scale=1.0 / 255)(x)
            x = layers.Normalization(mean=_TORCH_MEAN, variance=_TORCH_VARIANCE, axis=axis)(x)
        else:
            x = layers.Rescaling(scale=1.0 / 128.0, offset=-1)(x)
    stem_filters = filters(blocks_args[0]["input_filters"])
    x = _conv_bn_act(
        x, stem_filters, 3, activation, "stem", _STEM_TOP, bn_momentum=bn_momentum, strides=2
    )

    total = float(sum(args["num_repeat"] for args in blocks_args))
    b = 0
    for i, args in enumerate(blocks_args):
        if args["num_repeat"] <= 0:
            raise ConfigError(
                "The number of repeats in `EfficientNetV2` must be > 0. "
                f"Received: num_repeat={args['num_repeat']}"
            )
        args = dict(args, input_filters=filters(args["input_filters"]))
        args["output_filters"] = filters(args["output_filters"])
        block = fused_mb_conv_block if args.pop("conv_type") else mb_conv_block
        for j in range(round_repeats(args.pop("num_repeat"), depth_coefficient)):
            if j > 0:  # only a stage's first block strides and changes the width
                args.update(strides=1, input_filters=args["output_filters"])
            x = block(
                x,
                activation=activation,
                bn_momentum=bn_momentum,
                survival_probability=drop_connect_rate * b / total,
                name=f"block{i + 1}{chr(j + 97)}_",
                **args,
            )
            b += 1

    x = _conv_bn_act(x, filters(1280), 1, activation, "top", _STEM_TOP, bn_momentum=bn_momentum)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate, name="top_dropout")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(
            classes,
            activation=classifier_activation,
            kernel_initializer=DENSE_KERNEL_INITIALIZER,
            bias_initializer=initializers.Constant(0.0),
            name="predictions",
        )(x)
    else:
        x = pool(x, pooling, avg_name="avg_pool", max_name="max_pool")
    files = None
    if weights_name in _HASHES:
        top_hash, notop_hash = _HASHES[weights_name]
        stem = f"efficientnetv2-{weights_name}"
        files = WeightFiles(_BASE, (f"{stem}.h5", top_hash), (f"{stem}_notop.h5", notop_hash))
    return finish(img_input, input_tensor, x, name, weights, include_top, files)


def _application(variant: str) -> Callable:
    width, depth, size = _VARIANTS[variant]

    def build(
        include_top: bool = True,
        weights="imagenet",
        input_tensor=None,
        input_shape=None,
        pooling=None,
        classes: int = 1000,
        classifier_activation="softmax",
        include_preprocessing: bool = True,
        name: str = f"efficientnetv2-{variant}",
    ):
        return EfficientNetV2(
            width,
            depth,
            size,
            name=name,
            include_top=include_top,
            weights=weights,
            input_tensor=input_tensor,
            input_shape=input_shape,
            pooling=pooling,
            classes=classes,
            classifier_activation=classifier_activation,
            include_preprocessing=include_preprocessing,
            weights_name=variant,
        )

    build.__name__ = build.__qualname__ = f"EfficientNetV2{variant.upper()}"
    build.__doc__ = (
        f"EfficientNetV2{variant.upper()}: {size}x{size} images by default. Inputs: pixels "
        "in [0, 255] (the model rescales them), or in [-1, 1] with "
        "`include_preprocessing=False`."
    )
    return build


EfficientNetV2B0 = _application("b0")
EfficientNetV2B1 = _application("b1")
EfficientNetV2B2 = _application("b2")
EfficientNetV2B3 = _application("b3")
EfficientNetV2S = _application("s")
EfficientNetV2M = _application("m")
EfficientNetV2L = _application("l")


def preprocess_input(x, data_format=None):
    """The identity: the model rescales its own inputs."""
    return x


decode_predictions = imagenet_utils.decode_predictions

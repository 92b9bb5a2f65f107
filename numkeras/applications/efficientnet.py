"""EfficientNetB0 to B7 (Tan & Le, ICML 2019): a stem, seven stages of inverted residual
(MBConv) blocks with squeeze-and-excitation, scaled in width, depth and input size by one
compound coefficient. The models rescale their own inputs: feed pixels in [0, 255]
(`preprocess_input` passes them through).

>>> from numkeras.applications.efficientnet import EfficientNetB0
>>> model = EfficientNetB0(weights=None, input_shape=(32, 32, 3), classes=10)
>>> model.output_shape, len(model.layers)
((None, 10), 240)
"""

from __future__ import annotations

import math
from collections.abc import Callable

from numkeras import layers
from numkeras.applications import imagenet_utils
from numkeras.applications.application import (
    WeightFiles,
    channel_axis,
    finish,
    image_input,
    pool,
    variant,
)
from numkeras.errors import ConfigError

_BASE = "https://storage.googleapis.com/keras-applications/"
# (with top, without top) md5 of each published weights file
_HASHES = {
    "b0": ("902e53a9f72be733fc0bcb005b3ebbac", "50bc09e76180e00e4465e1a485ddc09d"),
    "b1": ("1d254153d4ab51201f1646940f018540", "74c4e6b3e1f6a1eea24c589628592432"),
    "b2": ("b15cce36ff4dcbd00b6dd88e7857a6ad", "111f8e2ac8aa800a7a99e3239f7bfb39"),
    "b3": ("ffd1fdc53d0ce67064dc6a9c7960ede0", "af6d107764bb5b1abb91932881670226"),
    "b4": ("18c95ad55216b8f92d7e70b3a046e2fc", "ebc24e6d6c33eaebbd558eafbeedf1ba"),
    "b5": ("ace28f2a6363774853a83a0b21b9421a", "38879255a25d3c92d5e44e04ae6cec6f"),
    "b6": ("165f6e37dce68623721b423839de8be5", "9ecce42647a20130c1f39a5d4cb75743"),
    "b7": ("8c03f828fec3ef71311cd463b6759d99", "cbcfe4450ddf6f3ad90b1b398090fe4a"),
}
# variant -> (width coefficient, depth coefficient, default size, top dropout rate)
_VARIANTS = {
    "b0": (1.0, 1.0, 224, 0.2),
    "b1": (1.0, 1.1, 240, 0.2),
    "b2": (1.1, 1.2, 260, 0.3),
    "b3": (1.2, 1.4, 300, 0.3),
    "b4": (1.4, 1.8, 380, 0.4),
    "b5": (1.6, 2.2, 456, 0.4),
    "b6": (1.8, 2.6, 528, 0.5),
    "b7": (2.0, 3.1, 600, 0.5),
}
# the seven stages of B0: (kernel, repeats, filters in, filters out, expand ratio, strides);
# every block has squeeze-and-excitation at ratio 0.25 and an identity skip
STAGES = (
    (3, 1, 32, 16, 1, 1),
    (3, 2, 16, 24, 6, 2),
    (5, 2, 24, 40, 6, 2),
    (3, 3, 40, 80, 6, 2),
    (5, 3, 80, 112, 6, 1),
    (5, 4, 112, 192, 6, 2),
    (3, 1, 192, 320, 6, 1),
)
CONV_KERNEL_INITIALIZER = {
    "class_name": "VarianceScaling",
    "config": {"scale": 2.0, "mode": "fan_out", "distribution": "truncated_normal"},
}
DENSE_KERNEL_INITIALIZER = {
    "class_name": "VarianceScaling",
    "config": {"scale": 1.0 / 3.0, "mode": "fan_out", "distribution": "uniform"},
}
IMAGENET_STDDEV_RGB = (0.229, 0.224, 0.225)


def round_filters(filters: float, width: float, divisor: int = 8, min_depth=None) -> int:
    """`filters * width` rounded to a multiple of `divisor` (at least `min_depth`, which
    defaults to `divisor`), not more than 10% below unless `min_depth` is given (V2)."""
    filters *= width
    rounded = max(min_depth or divisor, int(filters + divisor / 2) // divisor * divisor)
    if min_depth is None and rounded < 0.9 * filters:
        rounded += divisor
    return int(rounded)


def round_repeats(repeats: int, depth: float) -> int:
    """A stage's blocks, scaled by the depth coefficient and rounded up."""
    return int(math.ceil(depth * repeats))


def _conv(filters: int, kernel_size, name: str, **kwargs):
    return layers.Conv2D(
        filters,
        kernel_size,
        padding=kwargs.pop("padding", "same"),
        use_bias=kwargs.pop("use_bias", False),
        kernel_initializer=CONV_KERNEL_INITIALIZER,
        name=name,
        **kwargs,
    )


def _conv_bn_act(
    x,
    filters: int,
    kernel_size,
    activation,
    name: str,
    parts=("expand_conv", "expand_bn", "expand_activation"),
    bn_momentum: float = 0.99,
    **conv_kwargs,
):
    """A bias-free convolution, batch norm and activation, named `name` + each of `parts`
    (a block's expansion by default)."""
    conv, bn, act = (f"{name}{part}" for part in parts)
    x = _conv(filters, kernel_size, conv, **conv_kwargs)(x)
    x = layers.BatchNormalization(axis=channel_axis(), momentum=bn_momentum, name=bn)(x)
    return layers.Activation(activation, name=act)(x)


_STEM_TOP = ("_conv", "_bn", "_activation")  # (stem_conv, stem_bn, ...; top_conv, ...)


def squeeze_excite(x, filters: int, filters_in: int, se_ratio: float, activation, name: str):
    """Squeeze-and-excitation: the channels rescaled by a gate computed from their means
    (reduced to `filters_in * se_ratio` channels and back)."""
    reduced = max(1, int(filters_in * se_ratio))
    se = layers.GlobalAveragePooling2D(name=f"{name}se_squeeze")(x)
    shape = (filters, 1, 1) if channel_axis() == 1 else (1, 1, filters)
    se = layers.Reshape(shape, name=f"{name}se_reshape")(se)
    se = _conv(reduced, 1, f"{name}se_reduce", activation=activation, use_bias=True)(se)
    se = _conv(filters, 1, f"{name}se_expand", activation="sigmoid", use_bias=True)(se)
    return layers.multiply([x, se], name=f"{name}se_excite")


def residual(x, inputs, drop_rate: float, name: str):
    """The identity skip, the block's branch dropped whole per sample at `drop_rate`."""
    if drop_rate > 0:
        x = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=f"{name}drop")(x)
    return layers.add([x, inputs], name=f"{name}add")


def block(
    inputs,
    activation="swish",
    drop_rate: float = 0.0,
    name: str = "",
    filters_in: int = 32,
    filters_out: int = 16,
    kernel_size: int = 3,
    strides: int = 1,
    expand_ratio: int = 1,
    se_ratio: float = 0.0,
    id_skip: bool = True,
):
    """An MBConv block: 1x1 expansion, depthwise kxk (zero-padded before a stride of 2),
    squeeze-and-excitation, 1x1 projection, and the identity skip where the shape keeps."""
    filters = filters_in * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = _conv_bn_act(x, filters, 1, activation, name)
    if strides == 2:
        pad = imagenet_utils.correct_pad(x, kernel_size)
        x = layers.ZeroPadding2D(padding=pad, name=f"{name}dwconv_pad")(x)
    x = layers.DepthwiseConv2D(
        kernel_size,
        strides=strides,
        padding="valid" if strides == 2 else "same",
        use_bias=False,
        depthwise_initializer=CONV_KERNEL_INITIALIZER,
        name=f"{name}dwconv",
    )(x)
    x = layers.BatchNormalization(axis=channel_axis(), name=f"{name}bn")(x)
    x = layers.Activation(activation, name=f"{name}activation")(x)
    if 0 < se_ratio <= 1:
        x = squeeze_excite(x, filters, filters_in, se_ratio, activation, name)
    x = _conv(filters_out, 1, f"{name}project_conv")(x)
    x = layers.BatchNormalization(axis=channel_axis(), name=f"{name}project_bn")(x)
    if id_skip and strides == 1 and filters_in == filters_out:
        x = residual(x, inputs, drop_rate, name)
    return x


def _top(x, include_top, pooling, classes, classifier_activation, weights, dropout_rate):
    """Global average pooling, dropout and the classifier; or the optional pooling."""
    if not include_top:
        return pool(x, pooling, avg_name="avg_pool", max_name="max_pool")
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if dropout_rate > 0:
        x = layers.Dropout(dropout_rate, name="top_dropout")(x)
    imagenet_utils.validate_activation(classifier_activation, weights)
    return layers.Dense(
        classes,
        activation=classifier_activation,
        kernel_initializer=DENSE_KERNEL_INITIALIZER,
        name="predictions",
    )(x)


def EfficientNet(  # noqa: N802 (Keras's name)
    width_coefficient: float,
    depth_coefficient: float,
    default_size: int,
    dropout_rate: float = 0.2,
    drop_connect_rate: float = 0.2,
    depth_divisor: int = 8,
    activation="swish",
    blocks_args="default",
    name: str = "efficientnet",
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes: int = 1000,
    classifier_activation="softmax",
    weights_name: str | None = None,
):
    """An EfficientNet of the given scaling. `blocks_args` is "default" (B0's `STAGES`) or a
    list of Keras's block dicts (`kernel_size`, `repeats`, `filters_in`, `filters_out`,
    `expand_ratio`, `id_skip`, `strides`, `se_ratio`); `drop_connect_rate` is the last
    block's skip dropout, rising linearly from 0 at the first."""
    if blocks_args == "default":
        blocks_args = [
            dict(kernel_size=k, repeats=r, filters_in=i, filters_out=o, expand_ratio=e,
                 id_skip=True, strides=s, se_ratio=0.25)
            for k, r, i, o, e, s in STAGES
        ]  # fmt: skip
    img_input, _ = image_input(
        weights, include_top, classes, input_tensor, input_shape,
        default_size=default_size, min_size=32,
    )  # fmt: skip

    def filters(n: int) -> int:
        return round_filters(n, width_coefficient, depth_divisor)

    x = layers.Rescaling(1.0 / 255.0)(img_input)
    x = layers.Normalization(axis=channel_axis())(x)  # ImageNet's statistics, in the file
    if weights == "imagenet":
        # The original divides by the variance, not its root: undo the extra root.
        x = layers.Rescaling([1.0 / math.sqrt(std) for std in IMAGENET_STDDEV_RGB])(x)
    pad = imagenet_utils.correct_pad(x, 3)
    x = layers.ZeroPadding2D(padding=pad, name="stem_conv_pad")(x)
    x = _conv_bn_act(x, filters(32), 3, activation, "stem", _STEM_TOP, strides=2, padding="valid")

    total = float(sum(round_repeats(args["repeats"], depth_coefficient) for args in blocks_args))
    b = 0
    for i, args in enumerate(blocks_args):
        if args["repeats"] <= 0:
            raise ConfigError(
                "The number of repeats in `EfficientNet` must be > 0. "
                f"Received: repeats={args['repeats']}"
            )
        args = dict(args, filters_in=filters(args["filters_in"]))
        args["filters_out"] = filters(args["filters_out"])
        for j in range(round_repeats(args.pop("repeats"), depth_coefficient)):
            if j > 0:  # only a stage's first block strides and changes the width
                args.update(strides=1, filters_in=args["filters_out"])
            name_j = f"block{i + 1}{chr(j + 97)}_"
            x = block(x, activation, drop_connect_rate * b / total, name=name_j, **args)
            b += 1

    x = _conv_bn_act(x, filters(1280), 1, activation, "top", _STEM_TOP)
    x = _top(x, include_top, pooling, classes, classifier_activation, weights, dropout_rate)
    files = None
    if weights_name in _HASHES:
        top_hash, notop_hash = _HASHES[weights_name]
        stem = f"efficientnet{weights_name}"
        files = WeightFiles(_BASE, (f"{stem}.h5", top_hash), (f"{stem}_notop.h5", notop_hash))
    return finish(img_input, input_tensor, x, name, weights, include_top, files)


def _application(name: str) -> Callable:
    width, depth, size, dropout = _VARIANTS[name]
    public = f"EfficientNet{name.upper()}"
    doc = (
        f"{public}: width x{width}, depth x{depth}, {size}x{size} images by default. Inputs: "
        "pixels in [0, 255] (the model rescales them)."
    )
    return variant(
        EfficientNet, public, f"efficientnet{name}", doc, width_coefficient=width,
        depth_coefficient=depth, default_size=size, dropout_rate=dropout, weights_name=name,
    )  # fmt: skip


EfficientNetB0 = _application("b0")
EfficientNetB1 = _application("b1")
EfficientNetB2 = _application("b2")
EfficientNetB3 = _application("b3")
EfficientNetB4 = _application("b4")
EfficientNetB5 = _application("b5")
EfficientNetB6 = _application("b6")
EfficientNetB7 = _application("b7")


def preprocess_input(x, data_format=None):
    """The identity: the model rescales and normalizes its own inputs."""
    return x


decode_predictions = imagenet_utils.decode_predictions

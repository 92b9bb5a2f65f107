"""MobileNet (Howard et al., 2017): a strided 3x3 convolution, then 13 depthwise-separable
blocks (3x3 depthwise, 1x1 pointwise, each batch-normalized, ReLU6), `alpha` thinning every
layer's filters and `depth_multiplier` the depthwise ones.

>>> from numkeras.applications import MobileNet
>>> model = MobileNet(weights=None, input_shape=(32, 32, 3), alpha=0.25, classes=10)
>>> model.name, model.output_shape
('mobilenet_0.25_32', (None, 10))
"""

from __future__ import annotations

import warnings

from numkeras import backend, layers
from numkeras.applications import imagenet_utils
from numkeras.applications.application import (
    WeightFiles,
    channel_axis,
    check_weights,
    finish,
    image_input,
    pool,
)
from numkeras.errors import ConfigError

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/"
_SIZES = (128, 160, 192, 224)
_ALPHAS = {1.0: "1_0", 0.75: "7_5", 0.5: "5_0", 0.25: "2_5"}
# (pointwise filters, stride) of depthwise-separable blocks 1 .. 13
_BLOCKS = (
    (64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
    (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1),
)  # fmt: skip


def image_rows(shape) -> tuple:
    """The (rows, cols) of an image shape without its batch axis."""
    if shape is None:
        return None, None
    first = 1 if backend.image_data_format() == "channels_first" else 0
    return tuple(shape[first : first + 2])


def size_of_weights(input_shape, sizes: tuple[int, ...]) -> int:
    """The square size whose pretrained weights fit `input_shape` best: its own when it is
    square and one of `sizes`, else 224."""
    rows, cols = image_rows(input_shape)
    return rows if rows == cols and rows in sizes else 224


def imagenet_rows(weights, input_shape, sizes: tuple[int, ...]):
    """The image size to name the model and its weight file by; with ImageNet weights,
    224 (with a warning) where the input's size has none published."""
    rows, cols = image_rows(input_shape)
    if weights == "imagenet" and (rows != cols or rows not in sizes):
        warnings.warn(
            "`input_shape` is undefined or non-square, or `rows` is not in "
            f"{list(sizes)}. Weights for input shape (224, 224) will be loaded as the "
            "default.",
            stacklevel=3,
        )
        return 224
    return rows


def _conv_block(inputs, filters: int, alpha: float, strides=(2, 2)):
    x = layers.Conv2D(
        int(filters * alpha), (3, 3), padding="same", use_bias=False, strides=strides,
        name="conv1",
    )(inputs)  # fmt: skip
    x = layers.BatchNormalization(axis=channel_axis(), name="conv1_bn")(x)
    return layers.ReLU(6.0, name="conv1_relu")(x)


def _depthwise_conv_block(inputs, filters: int, alpha, depth_multiplier, strides, block_id):
    """One depthwise-separable block; a strided one pads bottom/right first, as TF did."""
    x = inputs
    if strides != 1:
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{block_id}")(x)
    x = layers.DepthwiseConv2D(
        (3, 3),
        padding="same" if strides == 1 else "valid",
        depth_multiplier=depth_multiplier,
        strides=(strides, strides),
        use_bias=False,
        name=f"conv_dw_{block_id}",
    )(x)
    x = layers.BatchNormalization(axis=channel_axis(), name=f"conv_dw_{block_id}_bn")(x)
    x = layers.ReLU(6.0, name=f"conv_dw_{block_id}_relu")(x)
    x = layers.Conv2D(
        int(filters * alpha), (1, 1), padding="same", use_bias=False, strides=(1, 1),
        name=f"conv_pw_{block_id}",
    )(x)  # fmt: skip
    x = layers.BatchNormalization(axis=channel_axis(), name=f"conv_pw_{block_id}_bn")(x)
    return layers.ReLU(6.0, name=f"conv_pw_{block_id}_relu")(x)


def MobileNet(  # noqa: N802 (Keras's name)
    input_shape=None,
    alpha: float = 1.0,
    depth_multiplier: int = 1,
    dropout: float = 1e-3,
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    pooling=None,
    classes: int = 1000,
    classifier_activation="softmax",
    name: str | None = None,
):
    """MobileNet v1. Pretrained weights exist for `alpha` in 0.25, 0.5, 0.75, 1.0,
    `depth_multiplier=1` and sizes 128, 160, 192, 224. Inputs: `preprocess_input` ("tf")."""
    check_weights(weights, include_top, classes)
    default_size = size_of_weights(input_shape, _SIZES)
    img_input, input_shape = image_input(
        weights, include_top, classes, input_tensor, input_shape,
        default_size=default_size, min_size=32,
    )  # fmt: skip
    if weights == "imagenet":
        if depth_multiplier != 1:
            raise ConfigError(
                "If imagenet weights are being loaded, depth multiplier must be 1.  "
                f"Received depth_multiplier={depth_multiplier}"
            )
        if alpha not in _ALPHAS:
            raise ConfigError(
                "If imagenet weights are being loaded, alpha can be one of`0.25`, `0.50`, "
                f"`0.75` or `1.0` only.  Received alpha={alpha}"
            )
    rows = imagenet_rows(weights, input_shape, _SIZES)
    x = _conv_block(img_input, 32, alpha)
    for block_id, (filters, stride) in enumerate(_BLOCKS, start=1):
        x = _depthwise_conv_block(x, filters, alpha, depth_multiplier, stride, block_id)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Dropout(dropout, name="dropout")(x)
        x = layers.Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
        x = layers.Reshape((classes,), name="reshape_2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    else:
        x = pool(x, pooling)
    name = name or f"mobilenet_{alpha:0.2f}_{rows}"
    return finish(
        img_input, input_tensor, x, name, weights, include_top,
        _weight_files(alpha, rows) if weights == "imagenet" else None,
    )  # fmt: skip


def _weight_files(alpha: float, rows: int) -> WeightFiles:
    stem = f"mobilenet_{_ALPHAS[alpha]}_{rows}_tf"
    return WeightFiles(BASE_WEIGHT_PATH, (f"{stem}.h5", None), (f"{stem}_no_top.h5", None))


def preprocess_input(x, data_format=None):
    """The "tf" preprocessing: pixels into [-1, 1]."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


decode_predictions = imagenet_utils.decode_predictions

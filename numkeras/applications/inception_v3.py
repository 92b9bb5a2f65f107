"""InceptionV3 (Szegedy et al., CVPR 2016): a convolutional stem, then Inception modules
(`mixed0` .. `mixed10`) whose parallel branches (1x1, factorized 5x5 / 7x7 / 3x3, pooling)
are concatenated along the channels.

>>> from numkeras.applications import InceptionV3
>>> InceptionV3(weights=None, include_top=False, input_shape=(75, 75, 3)).output_shape
(None, 1, 1, 2048)
"""

from __future__ import annotations

from numkeras import layers
from numkeras.applications import imagenet_utils
from numkeras.applications.application import (
    WeightFiles,
    channel_axis,
    classifier,
    finish,
    image_input,
    pool,
)

_WEIGHTS = WeightFiles(
    "https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/",
    ("inception_v3_weights_tf_dim_ordering_tf_kernels.h5", "9a0d58056eeedaa3f26cb7ebd46da564"),
    (
        "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5",
        "bcbd6486424b2319ff4ef7d526e38f63",
    ),
)


def conv2d_bn(x, filters: int, num_row: int, num_col: int, padding="same", strides=(1, 1),
              name: str | None = None):  # fmt: skip
    """A bias-free convolution, batch norm without a scale (ReLU follows), ReLU."""
    x = layers.Conv2D(
        filters, (num_row, num_col), strides=strides, padding=padding, use_bias=False,
        name=None if name is None else f"{name}_conv",
    )(x)  # fmt: skip
    x = layers.BatchNormalization(
        axis=channel_axis(), scale=False, name=None if name is None else f"{name}_bn"
    )(x)
    return layers.Activation("relu", name=name)(x)


def _chain(x, *convs):
    """conv2d_bn applied in turn: each conv is (filters, rows, cols[, strides, padding])."""
    for filters, rows, cols, *rest in convs:
        strides, padding = rest if rest else ((1, 1), "same")
        x = conv2d_bn(x, filters, rows, cols, padding=padding, strides=strides)
    return x


def _mean_pool_branch(x, filters: int):
    x = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x)
    return conv2d_bn(x, filters, 1, 1)


def _concat(branches, name: str | None):
    return layers.concatenate(branches, axis=channel_axis(), name=name)


def _module_35(x, pool_filters: int, name: str):
    """The 35x35 module: 1x1 | 1x1 -> 5x5 | 1x1 -> 3x3 -> 3x3 | mean pool -> 1x1."""
    branches = [
        _chain(x, (64, 1, 1)),
        _chain(x, (48, 1, 1), (64, 5, 5)),
        _chain(x, (64, 1, 1), (96, 3, 3), (96, 3, 3)),
        _mean_pool_branch(x, pool_filters),
    ]
    return _concat(branches, name)


def _module_17(x, width: int, name: str):
    """The 17x17 module with factorized 7x7 convolutions `width` wide."""
    branches = [
        _chain(x, (192, 1, 1)),
        _chain(x, (width, 1, 1), (width, 1, 7), (192, 7, 1)),
        _chain(x, (width, 1, 1), (width, 7, 1), (width, 1, 7), (width, 7, 1), (192, 1, 7)),
        _mean_pool_branch(x, 192),
    ]
    return _concat(branches, name)


def _module_8(x, index: int):
    """The 8x8 module: its 3x3 branches split into parallel 1x3 and 3x1 halves."""
    branch1x1 = conv2d_bn(x, 320, 1, 1)
    branch3x3 = conv2d_bn(x, 384, 1, 1)
    branch3x3 = _concat(
        [conv2d_bn(branch3x3, 384, 1, 3), conv2d_bn(branch3x3, 384, 3, 1)], f"mixed9_{index}"
    )
    double = _chain(x, (448, 1, 1), (384, 3, 3))
    double = _concat([conv2d_bn(double, 384, 1, 3), conv2d_bn(double, 384, 3, 1)], None)
    branch_pool = _mean_pool_branch(x, 192)
    return _concat([branch1x1, branch3x3, double, branch_pool], f"mixed{9 + index}")


def InceptionV3(  # noqa: N802 (Keras's name)
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes: int = 1000,
    classifier_activation="softmax",
    name: str = "inception_v3",
):
    """InceptionV3, for images of at least 75x75 (299x299 by default).
    Inputs: `inception_v3.preprocess_input` ("tf")."""
    img_input, _ = image_input(
        weights, include_top, classes, input_tensor, input_shape, default_size=299, min_size=75
    )
    valid = "valid"
    x = _chain(img_input, (32, 3, 3, (2, 2), valid), (32, 3, 3, (1, 1), valid), (64, 3, 3))
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = _chain(x, (80, 1, 1, (1, 1), valid), (192, 3, 3, (1, 1), valid))
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = _module_35(x, 32, "mixed0")
    x = _module_35(x, 64, "mixed1")
    x = _module_35(x, 64, "mixed2")
    # to 17x17
    branches = [
        _chain(x, (384, 3, 3, (2, 2), valid)),
        _chain(x, (64, 1, 1), (96, 3, 3), (96, 3, 3, (2, 2), valid)),
        layers.MaxPooling2D((3, 3), strides=(2, 2))(x),
    ]
    x = _concat(branches, "mixed3")
    for width, module in ((128, 4), (160, 5), (160, 6), (192, 7)):
        x = _module_17(x, width, f"mixed{module}")
    # to 8x8
    branches = [
        _chain(x, (192, 1, 1), (320, 3, 3, (2, 2), valid)),
        _chain(x, (192, 1, 1), (192, 1, 7), (192, 7, 1), (192, 3, 3, (2, 2), valid)),
        layers.MaxPooling2D((3, 3), strides=(2, 2))(x),
    ]
    x = _concat(branches, "mixed8")
    for index in range(2):
        x = _module_8(x, index)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = classifier(x, classes, classifier_activation, weights)
    else:
        x = pool(x, pooling)
    return finish(img_input, input_tensor, x, name, weights, include_top, _WEIGHTS)


def preprocess_input(x, data_format=None):
    """The "tf" preprocessing: pixels into [-1, 1]."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


decode_predictions = imagenet_utils.decode_predictions

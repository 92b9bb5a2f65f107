"""Xception (Chollet, CVPR 2017): depthwise-separable convolutions throughout, in an entry
flow of strided residual blocks, eight middle-flow residual blocks and an exit flow.

>>> from numkeras.applications import Xception
>>> Xception(weights=None, include_top=False, input_shape=(71, 71, 3)).output_shape
(None, 3, 3, 2048)
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
    "https://storage.googleapis.com/tensorflow/keras-applications/xception/",
    ("xception_weights_tf_dim_ordering_tf_kernels.h5", "0a58e3b7378bc2990ea3b43d5981f1f6"),
    ("xception_weights_tf_dim_ordering_tf_kernels_notop.h5", "b0042744bf5b25fce3cb969f33bebb97"),
)


def _batch_norm(name: str | None = None):
    return layers.BatchNormalization(axis=channel_axis(), name=name)


def _separable(x, filters: int, name: str, activate_first: bool = True):
    """(ReLU,) a 3x3 separable convolution and batch norm, named after `name`."""
    if activate_first:
        x = layers.Activation("relu", name=f"{name}_act")(x)
    x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    return _batch_norm(f"{name}_bn")(x)


def _strided_block(x, filters: tuple[int, int], block: int, activate_first: bool = True):
    """Two separable convolutions and a strided max pooling, beside a strided 1x1 projection."""
    residual = layers.Conv2D(filters[1], (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    residual = _batch_norm()(residual)
    x = _separable(x, filters[0], f"block{block}_sepconv1", activate_first)
    x = _separable(x, filters[1], f"block{block}_sepconv2")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=f"block{block}_pool")(x)
    return layers.add([x, residual])


def Xception(  # noqa: N802 (Keras's name)
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes: int = 1000,
    classifier_activation="softmax",
    name: str = "xception",
):
    """Xception, for images of at least 71x71 (299x299 by default).
    Inputs: `xception.preprocess_input` ("tf")."""
    img_input, _ = image_input(
        weights, include_top, classes, input_tensor, input_shape, default_size=299, min_size=71
    )
    x = layers.Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(img_input)
    x = _batch_norm("block1_conv1_bn")(x)
    x = layers.Activation("relu", name="block1_conv1_act")(x)
    x = layers.Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = _batch_norm("block1_conv2_bn")(x)
    x = layers.Activation("relu", name="block1_conv2_act")(x)
    # entry flow (block 2 follows an activation already)
    x = _strided_block(x, (128, 128), 2, activate_first=False)
    x = _strided_block(x, (256, 256), 3)
    x = _strided_block(x, (728, 728), 4)
    # middle flow
    for block in range(5, 13):
        residual = x
        for conv in (1, 2, 3):
            x = _separable(x, 728, f"block{block}_sepconv{conv}")
        x = layers.add([x, residual])
    # exit flow
    x = _strided_block(x, (728, 1024), 13)
    x = layers.SeparableConv2D(
        1536, (3, 3), padding="same", use_bias=False, name="block14_sepconv1"
    )(x)
    x = _batch_norm("block14_sepconv1_bn")(x)
    x = layers.Activation("relu", name="block14_sepconv1_act")(x)
    x = layers.SeparableConv2D(
        2048, (3, 3), padding="same", use_bias=False, name="block14_sepconv2"
    )(x)
    x = _batch_norm("block14_sepconv2_bn")(x)
    x = layers.Activation("relu", name="block14_sepconv2_act")(x)
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

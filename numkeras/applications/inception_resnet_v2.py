"""InceptionResNetV2 (Szegedy et al., AAAI 2017): an Inception stem, then 10, 20 and 10
residual Inception blocks (35x35, 17x17 and 8x8 at 299x299 inputs), each branch sum scaled
down before it is added, with reduction blocks between.

>>> import numkeras
>>> from numkeras.applications.inception_resnet_v2 import inception_resnet_block
>>> x = numkeras.Input((8, 8, 320))
>>> inception_resnet_block(x, scale=0.17, block_type="block35", block_idx=1).shape
(None, 8, 8, 320)
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
from numkeras.errors import ConfigError

_FILES = WeightFiles(
    "https://storage.googleapis.com/tensorflow/keras-applications/inception_resnet_v2/",
    (
        "inception_resnet_v2_weights_tf_dim_ordering_tf_kernels.h5",
        "e693bd0210a403b3192acc6073ad2e96",
    ),
    (
        "inception_resnet_v2_weights_tf_dim_ordering_tf_kernels_notop.h5",
        "d19885ff4a710c122648d3b5c3b684e4",
    ),
)


def conv2d_bn(
    x,
    filters: int,
    kernel_size,
    strides=1,
    padding: str = "same",
    activation="relu",
    use_bias: bool = False,
    name: str | None = None,
):
    """A convolution, then (without a bias) batch norm without its scale, and the
    activation; named `name`, `name_bn`, `name_ac` (automatically without a name)."""
    x = layers.Conv2D(
        filters, kernel_size, strides=strides, padding=padding, use_bias=use_bias, name=name
    )(x)
    if not use_bias:
        bn_name = None if name is None else f"{name}_bn"
        x = layers.BatchNormalization(axis=channel_axis(), scale=False, name=bn_name)(x)
    if activation is not None:
        x = layers.Activation(activation, name=None if name is None else f"{name}_ac")(x)
    return x


class CustomScaleLayer(layers.Layer):
    """`inputs[0] + inputs[1] * scale`: the residual sum with its branch scaled down."""

    def __init__(self, scale: float, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def get_config(self) -> dict:
        return {**super().get_config(), "scale": self.scale}

    def call(self, inputs):
        return inputs[0] + inputs[1] * self.scale


# block type -> its branches, each a list of (filters, kernel size)
_BLOCKS = {
    "block35": (((32, 1),), ((32, 1), (32, 3)), ((32, 1), (48, 3), (64, 3))),
    "block17": (((192, 1),), ((128, 1), (160, (1, 7)), (192, (7, 1)))),
    "block8": (((192, 1),), ((192, 1), (224, (1, 3)), (256, (3, 1)))),
}


def inception_resnet_block(x, scale: float, block_type: str, block_idx: int, activation="relu"):
    """A residual Inception block: its branches concatenated, projected back to the
    input's channels by a 1x1 convolution, scaled by `scale`, added, and activated."""
    if block_type not in _BLOCKS:
        raise ConfigError(
            "Unknown Inception-ResNet block type. Expects 'block35', 'block17' or 'block8', "
            f"but got: {block_type}"
        )
    branches = []
    for convs in _BLOCKS[block_type]:
        branch = x
        for filters, kernel_size in convs:
            branch = conv2d_bn(branch, filters, kernel_size)
        branches.append(branch)
    name = f"{block_type}_{block_idx}"
    mixed = layers.Concatenate(axis=channel_axis(), name=f"{name}_mixed")(branches)
    up = conv2d_bn(
        mixed, x.shape[channel_axis()], 1, activation=None, use_bias=True, name=f"{name}_conv"
    )
    x = CustomScaleLayer(scale)([x, up])
    if activation is not None:
        x = layers.Activation(activation, name=f"{name}_ac")(x)
    return x


def _chain(x, convs):
    """`conv2d_bn` after `conv2d_bn`, each given as (filters, kernel, strides, padding)."""
    for filters, kernel_size, strides, padding in convs:
        x = conv2d_bn(x, filters, kernel_size, strides=strides, padding=padding)
    return x


def _reduction(x, branches, name: str):
    """A reduction block: the `_chain` branches and a strided 3x3 max pooling (created
    last, as Keras does), concatenated as `name`."""
    outputs = [_chain(x, convs) for convs in branches]
    outputs.append(layers.MaxPooling2D(3, strides=2, padding="valid")(x))
    return layers.Concatenate(axis=channel_axis(), name=name)(outputs)


def InceptionResNetV2(  # noqa: N802 (Keras's name)
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes: int = 1000,
    classifier_activation="softmax",
    name: str = "inception_resnet_v2",
):
    """InceptionResNetV2 on images of at least 75x75 (299x299 by default). Inputs:
    `inception_resnet_v2.preprocess_input` ("tf": pixels into [-1, 1])."""
    img_input, _ = image_input(
        weights, include_top, classes, input_tensor, input_shape, default_size=299, min_size=75
    )
    x = conv2d_bn(img_input, 32, 3, strides=2, padding="valid")
    x = conv2d_bn(x, 32, 3, padding="valid")
    x = conv2d_bn(x, 64, 3)
    x = layers.MaxPooling2D(3, strides=2)(x)
    x = conv2d_bn(x, 80, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, padding="valid")
    x = layers.MaxPooling2D(3, strides=2)(x)

    # (Layers are created in Keras's order: its automatic names count in that order.)
    same = (1, "same")
    branch_0 = conv2d_bn(x, 96, 1)
    branch_1 = _chain(x, ((48, 1, *same), (64, 5, *same)))
    branch_2 = _chain(x, ((64, 1, *same), (96, 3, *same), (96, 3, *same)))
    branch_pool = layers.AveragePooling2D(3, strides=1, padding="same")(x)
    branch_pool = conv2d_bn(branch_pool, 64, 1)
    x = layers.Concatenate(axis=channel_axis(), name="mixed_5b")(
        [branch_0, branch_1, branch_2, branch_pool]
    )
    for block_idx in range(1, 11):
        x = inception_resnet_block(x, scale=0.17, block_type="block35", block_idx=block_idx)

    valid = (2, "valid")
    x = _reduction(
        x,
        (((384, 3, *valid),), ((256, 1, *same), (256, 3, *same), (384, 3, *valid))),
        "mixed_6a",
    )
    for block_idx in range(1, 21):
        x = inception_resnet_block(x, scale=0.1, block_type="block17", block_idx=block_idx)

    x = _reduction(
        x,
        (
            ((256, 1, *same), (384, 3, *valid)),
            ((256, 1, *same), (288, 3, *valid)),
            ((256, 1, *same), (288, 3, *same), (320, 3, *valid)),
        ),
        "mixed_7a",
    )
    for block_idx in range(1, 10):
        x = inception_resnet_block(x, scale=0.2, block_type="block8", block_idx=block_idx)
    x = inception_resnet_block(x, scale=1.0, activation=None, block_type="block8", block_idx=10)
    x = conv2d_bn(x, 1536, 1, name="conv_7b")

    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = classifier(x, classes, classifier_activation, weights)
    else:
        x = pool(x, pooling)
    return finish(img_input, input_tensor, x, name, weights, include_top, _FILES)


def preprocess_input(x, data_format=None):
    """The "tf" preprocessing: pixels into [-1, 1]."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


decode_predictions = imagenet_utils.decode_predictions

"""DenseNet121/169/201 (Huang et al., CVPR 2017): dense blocks, where each 1x1 + 3x3
bottleneck's 32 new channels are concatenated to all before them, joined by transition
blocks that halve the channels and the image.

>>> from numkeras.applications import DenseNet121
>>> model = DenseNet121(weights=None, input_shape=(32, 32, 3), classes=10)
>>> model.output_shape, len(model.layers)
((None, 10), 429)
"""

from __future__ import annotations

from collections.abc import Callable

from numkeras import backend, layers
from numkeras.applications import imagenet_utils
from numkeras.applications.application import (
    WeightFiles,
    channel_axis,
    classifier,
    finish,
    image_input,
    pool,
    variant,
)
from numkeras.errors import ConfigError

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/densenet/"
# blocks per dense block -> (family, md5 with top, md5 without)
_VARIANTS = {
    (6, 12, 24, 16): ("densenet121", "9d60b8095a5708f2dcce2bca79d332c7",
                      "30ee3e1110167f948a6b9946edeeb738"),
    (6, 12, 32, 32): ("densenet169", "d699b8f76981ab1b30698df4c175e90b",
                      "b8c4d4c20dd625c148057b9ff1c1176b"),
    (6, 12, 48, 32): ("densenet201", "1ceb130c1ea1b78c3bf6114dbdfd8807",
                      "c13680b51ded0fb44dff2d8f86ac8bb1"),
}  # fmt: skip
GROWTH_RATE = 32


def _batch_norm(name: str):
    return layers.BatchNormalization(axis=channel_axis(), epsilon=1.001e-5, name=name)


def conv_block(x, growth_rate: int, name: str):
    """Batch norm, ReLU, 1x1 to 4 * growth_rate, batch norm, ReLU, 3x3 to growth_rate,
    concatenated to the block's input."""
    x1 = _batch_norm(f"{name}_0_bn")(x)
    x1 = layers.Activation("relu", name=f"{name}_0_relu")(x1)
    x1 = layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=f"{name}_1_conv")(x1)
    x1 = _batch_norm(f"{name}_1_bn")(x1)
    x1 = layers.Activation("relu", name=f"{name}_1_relu")(x1)
    x1 = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False, name=f"{name}_2_conv")(x1)
    return layers.Concatenate(axis=channel_axis(), name=f"{name}_concat")([x, x1])


def dense_block(x, blocks: int, name: str):
    for i in range(blocks):
        x = conv_block(x, GROWTH_RATE, name=f"{name}_block{i + 1}")
    return x


def transition_block(x, reduction: float, name: str):
    """Batch norm, ReLU, a 1x1 convolution keeping `reduction` of the channels, 2x2 mean."""
    x = _batch_norm(f"{name}_bn")(x)
    x = layers.Activation("relu", name=f"{name}_relu")(x)
    channels = int(x.shape[channel_axis()] * reduction)
    x = layers.Conv2D(channels, 1, use_bias=False, name=f"{name}_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)


def DenseNet(  # noqa: N802 (Keras's name)
    blocks,
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes: int = 1000,
    classifier_activation="softmax",
    name: str = "densenet",
):
    """A DenseNet of four dense blocks of `blocks[i]` bottlenecks (channels_last only, as
    in Keras)."""
    if backend.image_data_format() == "channels_first":
        raise ConfigError(
            "DenseNet does not support the `channels_first` image data format. Switch to "
            "`channels_last` by editing your local config file at ~/.keras/keras.json"
        )
    img_input, _ = image_input(
        weights, include_top, classes, input_tensor, input_shape, default_size=224, min_size=32
    )
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = _batch_norm("conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    for i, count in enumerate(blocks):
        x = dense_block(x, count, name=f"conv{i + 2}")
        if i < len(blocks) - 1:
            x = transition_block(x, 0.5, name=f"pool{i + 2}")
    x = _batch_norm("bn")(x)
    x = layers.Activation("relu", name="relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = classifier(x, classes, classifier_activation, weights)
    else:
        x = pool(x, pooling, avg_name="avg_pool", max_name="max_pool")
    files = None
    if weights == "imagenet":
        if tuple(blocks) not in _VARIANTS:
            raise ConfigError("weights_path undefined")
        family, top, notop = _VARIANTS[tuple(blocks)]
        stem = f"{family}_weights_tf_dim_ordering_tf_kernels"
        files = WeightFiles(BASE_WEIGHTS_PATH, (f"{stem}.h5", top), (f"{stem}_notop.h5", notop))
    return finish(img_input, input_tensor, x, name, weights, include_top, files)


def _application(blocks: tuple[int, ...], default_name: str) -> Callable:
    public = default_name.replace("densenet", "DenseNet")
    doc = f"{public}: dense blocks of {blocks} bottlenecks. Inputs: `preprocess_input` ('torch')."
    return variant(DenseNet, public, default_name, doc, blocks=list(blocks))


DenseNet121 = _application((6, 12, 24, 16), "densenet121")
DenseNet169 = _application((6, 12, 32, 32), "densenet169")
DenseNet201 = _application((6, 12, 48, 32), "densenet201")


def preprocess_input(x, data_format=None):
    """The "torch" preprocessing: pixels into [0, 1], then ImageNet's mean and std."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="torch")


decode_predictions = imagenet_utils.decode_predictions

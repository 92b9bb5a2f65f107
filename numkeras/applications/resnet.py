"""ResNet50/101/152 (He et al., CVPR 2016) and ResNet50V2/101V2/152V2 (pre-activation,
ECCV 2016): a 7x7 stem, four stacks of bottleneck residual blocks, global average pooling.

>>> from numkeras.applications import ResNet50
>>> model = ResNet50(weights=None, input_shape=(32, 32, 3), classes=10)
>>> model.output_shape, len(model.layers)
((None, 10), 177)
"""

from __future__ import annotations

from collections.abc import Callable

from numkeras import layers
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

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/resnet/"
# (with top, without top) md5 of each published weights file
_HASHES = {
    "resnet50": ("2cb95161c43110f7111970584f804107", "4d473c1dd8becc155b73f8504c6f6626"),
    "resnet101": ("f1aeb4b969a6efcfb50fad2f0c20cfc5", "88cf7a10940856eca736dc7b7e228a21"),
    "resnet152": ("100835be76be38e30d865e96f2aaae62", "ee4c566cf9a93f14d82f913c2dc6dd0c"),
    "resnet50v2": ("3ef43a0b657b3be2300d5770ece849e0", "fac2f116257151a9d068a22e544a4917"),
    "resnet101v2": ("6343647c601c52e1368623803854d971", "c0ed64b8031c3730f411d2eb4eea35b5"),
    "resnet152v2": ("a49b44d1979771252814e80f8ec446f9", "ed17cf2e0169df9d443503ef94b23b33"),
}
# bottleneck blocks in the stacks conv2 .. conv5
_DEPTHS = {50: (3, 4, 6, 3), 101: (3, 4, 23, 3), 152: (3, 8, 36, 3)}


def _weight_files(weights_name: str) -> WeightFiles:
    top, notop = _HASHES[weights_name]
    stem = f"{weights_name}_weights_tf_dim_ordering_tf_kernels"
    return WeightFiles(_BASE, (f"{stem}.h5", top), (f"{stem}_notop.h5", notop))


def _batch_norm(name: str):
    return layers.BatchNormalization(axis=channel_axis(), epsilon=1.001e-5, name=name)


def residual_block_v1(x, filters: int, kernel_size=3, stride=1, conv_shortcut=True, name=None):
    """A bottleneck block: 1x1 (strided), kxk, 1x1 to 4 * filters, each batch-normalized,
    added to the input (through a 1x1 convolution with `conv_shortcut`), then ReLU."""
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = _batch_norm(f"{name}_0_bn")(shortcut)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    x = _batch_norm(f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.Conv2D(filters, kernel_size, padding="same", name=f"{name}_2_conv")(x)
    x = _batch_norm(f"{name}_2_bn")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    x = _batch_norm(f"{name}_3_bn")(x)
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


def stack_residual_blocks_v1(x, filters: int, blocks: int, stride1=2, name=None):
    """`blocks` v1 blocks; the first projects the shortcut and strides by `stride1`."""
    x = residual_block_v1(x, filters, stride=stride1, name=f"{name}_block1")
    for i in range(2, blocks + 1):
        x = residual_block_v1(x, filters, conv_shortcut=False, name=f"{name}_block{i}")
    return x


def residual_block_v2(x, filters: int, kernel_size=3, stride=1, conv_shortcut=False, name=None):
    """A pre-activation bottleneck block: batch norm and ReLU first, the stride on the kxk
    convolution, and a bare sum (the shortcut subsampled by a 1x1 max pooling)."""
    preact = _batch_norm(f"{name}_preact_bn")(x)
    preact = layers.Activation("relu", name=f"{name}_preact_relu")(preact)
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(preact)
    else:
        shortcut = layers.MaxPooling2D(1, strides=stride)(x) if stride > 1 else x
    x = layers.Conv2D(filters, 1, strides=1, use_bias=False, name=f"{name}_1_conv")(preact)
    x = _batch_norm(f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name=f"{name}_2_pad")(x)
    x = layers.Conv2D(filters, kernel_size, strides=stride, use_bias=False, name=f"{name}_2_conv")(
        x
    )
    x = _batch_norm(f"{name}_2_bn")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    return layers.Add(name=f"{name}_out")([shortcut, x])


def stack_residual_blocks_v2(x, filters: int, blocks: int, stride1=2, name=None):
    """`blocks` v2 blocks; the first projects the shortcut, the last strides by `stride1`."""
    x = residual_block_v2(x, filters, conv_shortcut=True, name=f"{name}_block1")
    for i in range(2, blocks):
        x = residual_block_v2(x, filters, name=f"{name}_block{i}")
    return residual_block_v2(x, filters, stride=stride1, name=f"{name}_block{blocks}")


def ResNet(  # noqa: N802 (Keras's name)
    stack_fn: Callable,
    preact: bool,
    use_bias: bool,
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes: int = 1000,
    classifier_activation="softmax",
    name: str = "resnet",
    weights_name: str | None = None,
):
    """A ResNet around `stack_fn(x)` (its residual stacks): the stem before, with batch norm
    after its convolution unless `preact`, and a final batch norm + ReLU when `preact`."""
    img_input, _ = image_input(
        weights, include_top, classes, input_tensor, input_shape, default_size=224, min_size=32
    )
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=use_bias, name="conv1_conv")(x)
    if not preact:
        x = _batch_norm("conv1_bn")(x)
        x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    x = stack_fn(x)
    if preact:
        x = _batch_norm("post_bn")(x)
        x = layers.Activation("relu", name="post_relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = classifier(x, classes, classifier_activation, weights)
    else:
        x = pool(x, pooling, avg_name="avg_pool", max_name="max_pool")
    files = _weight_files(weights_name) if weights_name in _HASHES else None
    return finish(img_input, input_tensor, x, name, weights, include_top, files)


def _resnet(depth: int, v2: bool, **kwargs):
    stack = stack_residual_blocks_v2 if v2 else stack_residual_blocks_v1
    depths = _DEPTHS[depth]

    def stack_fn(x):
        for i, (filters, blocks) in enumerate(zip((64, 128, 256, 512), depths)):
            # v1 strides at the start of every stack but the first; v2 at the end of
            # every stack but the last.
            first, last = i == 0, i == len(depths) - 1
            stride1 = (1 if last else 2) if v2 else (1 if first else 2)
            x = stack(x, filters, blocks, stride1=stride1, name=f"conv{i + 2}")
        return x

    weights_name = f"resnet{depth}v2" if v2 else f"resnet{depth}"
    return ResNet(stack_fn, preact=v2, use_bias=True, weights_name=weights_name, **kwargs)


def _application(depth: int, v2: bool, default_name: str) -> Callable:
    version, mode = ("ResNetV2 (pre-activation)", "tf") if v2 else ("ResNet", "caffe")
    doc = (
        f"{version} with {depth} layers: stacks of {_DEPTHS[depth]} bottleneck blocks. "
        f"Inputs: `preprocess_input` ('{mode}')."
    )
    public = f"ResNet{depth}{'V2' if v2 else ''}"
    return variant(_resnet, public, default_name, doc, depth=depth, v2=v2)


ResNet50 = _application(50, False, "resnet50")
ResNet101 = _application(101, False, "resnet101")
ResNet152 = _application(152, False, "resnet152")
ResNet50V2 = _application(50, True, "resnet50v2")
ResNet101V2 = _application(101, True, "resnet101v2")
ResNet152V2 = _application(152, True, "resnet152v2")


def preprocess_input(x, data_format=None):
    """ImageNet's "caffe" preprocessing (ResNet v1): RGB to BGR, less each channel's mean."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def preprocess_input_v2(x, data_format=None):
    """ResNetV2's "tf" preprocessing: pixels into [-1, 1]."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


decode_predictions = imagenet_utils.decode_predictions

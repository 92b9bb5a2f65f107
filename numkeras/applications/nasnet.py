"""NASNetMobile and NASNetLarge (Zoph et al., CVPR 2018): stacks of "normal" and
"reduction" cells found by architecture search, each cell combining the two previous
cells' outputs through separable convolutions and poolings. Channels-last only.

>>> from numkeras.applications.nasnet import NASNetMobile
>>> model = NASNetMobile(weights=None, input_shape=(32, 32, 3), classes=10)
>>> model.output_shape, len(model.layers)
((None, 10), 771)
"""

from __future__ import annotations

from numkeras import backend, layers
from numkeras.applications import imagenet_utils
from numkeras.applications.application import WeightFiles, classifier, finish, image_input, pool
from numkeras.backend.scopes import name_scope
from numkeras.errors import ConfigError, ShapeError

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/nasnet/"
# default size -> the published weights: (file name, URL name, md5) with and without top
_WEIGHTS = {
    224: (
        ("nasnet_mobile.h5", "NASNet-mobile.h5", "020fb642bf7360b370c678b08e0adf61"),
        ("nasnet_mobile_no_top.h5", "NASNet-mobile-no-top.h5", "1ed92395b5b598bdda52abe5c0dbfd63"),
    ),
    331: (
        ("nasnet_large.h5", "NASNet-large.h5", "11577c9a518f0070763c2b964a382f17"),
        ("nasnet_large_no_top.h5", "NASNet-large-no-top.h5", "d81d89dc07e6e56530c4e77faddd61b5"),
    ),
}  # fmt: skip


class _NASNetWeights(WeightFiles):
    """NASNet's files are published under other names than they are cached as."""

    def path(self, include_top: bool) -> str:
        from numkeras.utils.file_utils import get_file

        file_name, url_name, md5 = self.top if include_top else self.notop
        return get_file(file_name, self.base_url + url_name, cache_subdir="models", file_hash=md5)


def _bn(name: str):
    return layers.BatchNormalization(axis=-1, momentum=0.9997, epsilon=1e-3, name=name)


def _conv(filters: int, name: str, strides=(1, 1)):
    return layers.Conv2D(
        filters,
        (1, 1),
        strides=strides,
        padding="same",
        use_bias=False,
        name=name,
        kernel_initializer="he_normal",
    )


def _separable_conv_block(ip, filters: int, kernel_size=(3, 3), strides=(1, 1), block_id=None):
    """ReLU, a separable convolution (zero-padded before a stride of 2), batch norm, ReLU,
    a second separable convolution and batch norm."""
    with name_scope(f"separable_conv_block_{block_id}"):
        x = layers.Activation("relu")(ip)
        if strides == (2, 2):
            pad = imagenet_utils.correct_pad(x, kernel_size)
            x = layers.ZeroPadding2D(padding=pad, name=f"separable_conv_1_pad_{block_id}")(x)
        x = layers.SeparableConv2D(
            filters,
            kernel_size,
            strides=strides,
            name=f"separable_conv_1_{block_id}",
            padding="valid" if strides == (2, 2) else "same",
            use_bias=False,
        )(x)
        x = _bn(f"separable_conv_1_bn_{block_id}")(x)
        x = layers.Activation("relu")(x)
        x = layers.SeparableConv2D(
            filters,
            kernel_size,
            name=f"separable_conv_2_{block_id}",
            padding="same",
            use_bias=False,
        )(x)
        return _bn(f"separable_conv_2_bn_{block_id}")(x)


def _adjust_block(p, ip, filters: int, block_id=None):
    """The previous cell's output `p` matched to `ip`: halved in size (two offset 1x1
    strided poolings, each projected to half the filters) or projected to `filters`."""
    with name_scope("adjust_block"):
        if p is None:
            return ip
        if p.shape[-2] != ip.shape[-2]:
            with name_scope(f"adjust_reduction_block_{block_id}"):
                p = layers.Activation("relu", name=f"adjust_relu_1_{block_id}")(p)
                p1 = layers.AveragePooling2D(
                    (1, 1), strides=(2, 2), padding="valid", name=f"adjust_avg_pool_1_{block_id}"
                )(p)
                p1 = _conv(filters // 2, f"adjust_conv_1_{block_id}")(p1)
                p2 = layers.ZeroPadding2D(padding=((0, 1), (0, 1)))(p)
                p2 = layers.Cropping2D(cropping=((1, 0), (1, 0)))(p2)
                p2 = layers.AveragePooling2D(
                    (1, 1), strides=(2, 2), padding="valid", name=f"adjust_avg_pool_2_{block_id}"
                )(p2)
                p2 = _conv(filters // 2, f"adjust_conv_2_{block_id}")(p2)
                p = layers.concatenate([p1, p2], axis=-1)
                return _bn(f"adjust_bn_{block_id}")(p)
        if p.shape[-1] != filters:
            with name_scope(f"adjust_projection_block_{block_id}"):
                p = layers.Activation("relu")(p)
                p = _conv(filters, f"adjust_conv_projection_{block_id}")(p)
                return _bn(f"adjust_bn_{block_id}")(p)
        return p


def _squeeze(ip, filters: int, kind: str, block_id):
    """ReLU, 1x1 convolution to `filters`, batch norm: a cell's view of its input."""
    h = layers.Activation("relu")(ip)
    h = _conv(filters, f"{kind}_conv_1_{block_id}")(h)
    return _bn(f"{kind}_bn_1_{block_id}")(h)


def _pool(kind: str, size_strides, padding: str, name: str):
    pooling = layers.AveragePooling2D if kind == "avg" else layers.MaxPooling2D
    return pooling((3, 3), strides=size_strides, padding=padding, name=name)


def _normal_a_cell(ip, p, filters: int, block_id=None):
    """A normal cell: five pairwise sums of separable convolutions, poolings and
    identities of the cell's input and the previous one's, concatenated with `p`."""
    sep = _separable_conv_block
    with name_scope(f"normal_A_block_{block_id}"):
        p = _adjust_block(p, ip, filters, block_id)
        h = _squeeze(ip, filters, "normal", block_id)
        with name_scope("block_1"):
            x1_1 = sep(h, filters, kernel_size=(5, 5), block_id=f"normal_left1_{block_id}")
            x1_2 = sep(p, filters, block_id=f"normal_right1_{block_id}")
            x1 = layers.add([x1_1, x1_2], name=f"normal_add_1_{block_id}")
        with name_scope("block_2"):
            x2_1 = sep(p, filters, (5, 5), block_id=f"normal_left2_{block_id}")
            x2_2 = sep(p, filters, (3, 3), block_id=f"normal_right2_{block_id}")
            x2 = layers.add([x2_1, x2_2], name=f"normal_add_2_{block_id}")
        with name_scope("block_3"):
            x3 = _pool("avg", (1, 1), "same", f"normal_left3_{block_id}")(h)
            x3 = layers.add([x3, p], name=f"normal_add_3_{block_id}")
        with name_scope("block_4"):
            x4_1 = _pool("avg", (1, 1), "same", f"normal_left4_{block_id}")(p)
            x4_2 = _pool("avg", (1, 1), "same", f"normal_right4_{block_id}")(p)
            x4 = layers.add([x4_1, x4_2], name=f"normal_add_4_{block_id}")
        with name_scope("block_5"):
            x5 = sep(h, filters, block_id=f"normal_left5_{block_id}")
            x5 = layers.add([x5, h], name=f"normal_add_5_{block_id}")
        x = layers.concatenate([p, x1, x2, x3, x4, x5], axis=-1, name=f"normal_concat_{block_id}")
    return x, ip


def _reduction_a_cell(ip, p, filters: int, block_id=None):
    """A reduction cell: as a normal cell, strided by 2, its four sums concatenated."""
    sep = _separable_conv_block
    with name_scope(f"reduction_A_block_{block_id}"):
        p = _adjust_block(p, ip, filters, block_id)
        h = _squeeze(ip, filters, "reduction", block_id)
        pad = imagenet_utils.correct_pad(h, 3)
        h3 = layers.ZeroPadding2D(padding=pad, name=f"reduction_pad_1_{block_id}")(h)
        with name_scope("block_1"):
            x1_1 = sep(h, filters, (5, 5), strides=(2, 2), block_id=f"reduction_left1_{block_id}")
            x1_2 = sep(p, filters, (7, 7), strides=(2, 2), block_id=f"reduction_right1_{block_id}")
            x1 = layers.add([x1_1, x1_2], name=f"reduction_add_1_{block_id}")
        with name_scope("block_2"):
            x2_1 = _pool("max", (2, 2), "valid", f"reduction_left2_{block_id}")(h3)
            x2_2 = sep(p, filters, (7, 7), strides=(2, 2), block_id=f"reduction_right2_{block_id}")
            x2 = layers.add([x2_1, x2_2], name=f"reduction_add_2_{block_id}")
        with name_scope("block_3"):
            x3_1 = _pool("avg", (2, 2), "valid", f"reduction_left3_{block_id}")(h3)
            x3_2 = sep(p, filters, (5, 5), strides=(2, 2), block_id=f"reduction_right3_{block_id}")
            x3 = layers.add([x3_1, x3_2], name=f"reduction_add3_{block_id}")
        with name_scope("block_4"):
            x4 = _pool("avg", (1, 1), "same", f"reduction_left4_{block_id}")(x1)
            x4 = layers.add([x2, x4])
        with name_scope("block_5"):
            x5_1 = sep(x1, filters, (3, 3), block_id=f"reduction_left4_{block_id}")
            x5_2 = _pool("max", (2, 2), "valid", f"reduction_right5_{block_id}")(h3)
            x5 = layers.add([x5_1, x5_2], name=f"reduction_add4_{block_id}")
        x = layers.concatenate([x2, x3, x4, x5], axis=-1, name=f"reduction_concat_{block_id}")
    return x, ip


def NASNet(  # noqa: N802 (Keras's name)
    input_shape=None,
    penultimate_filters: int = 4032,
    num_blocks: int = 6,
    stem_block_filters: int = 96,
    skip_reduction: bool = True,
    filter_multiplier: int = 2,
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    pooling=None,
    classes: int = 1000,
    default_size: int | None = None,
    classifier_activation="softmax",
    name: str = "NASNet",
):
    """A NASNet-A: a strided stem, two reduction cells, then three stacks of `num_blocks`
    normal cells with a reduction cell between them; `penultimate_filters` (a multiple of
    24 * filter_multiplier**2) sets the widths."""
    if backend.image_data_format() == "channels_first":
        raise ConfigError(
            "NASNet does not support the `channels_first` image data format. Switch to "
            "`channels_last` (`keras.backend.set_image_data_format('channels_last')`, or "
            "in ~/.keras/keras.json)."
        )
    if isinstance(input_shape, tuple) and None in input_shape and weights == "imagenet":
        raise ShapeError(
            "When specifying the input shape of a NASNet and loading `ImageNet` weights, "
            "the input_shape argument must be static (no None entries). Got: "
            f"`input_shape={input_shape}`."
        )
    default_size = default_size or 331
    if weights == "imagenet" and default_size not in _WEIGHTS:
        raise ConfigError("ImageNet weights can only be loaded with NASNetLarge or NASNetMobile")
    img_input, _ = image_input(
        weights, include_top, classes, input_tensor, input_shape,
        default_size=default_size, min_size=32,
    )  # fmt: skip
    if penultimate_filters % (24 * filter_multiplier**2) != 0:
        raise ConfigError(
            "For NASNet-A models, the `penultimate_filters` must be a multiple of 24 * "
            f"(`filter_multiplier` ** 2). Current value: {penultimate_filters}"
        )
    filters = penultimate_filters // 24
    x = layers.Conv2D(
        stem_block_filters,
        (3, 3),
        strides=(2, 2),
        padding="valid",
        use_bias=False,
        name="stem_conv1",
        kernel_initializer="he_normal",
    )(img_input)
    x = _bn("stem_bn1")(x)
    x, p = _reduction_a_cell(x, None, filters // filter_multiplier**2, block_id="stem_1")
    x, p = _reduction_a_cell(x, p, filters // filter_multiplier, block_id="stem_2")
    for stack in range(3):
        width = filters * filter_multiplier**stack
        if stack:
            block_id = f"reduce_{stack * num_blocks}"
            x, p_reduced = _reduction_a_cell(x, p, width, block_id=block_id)
            p = p if skip_reduction else p_reduced
        first = stack * num_blocks + min(stack, 1)  # (ids skip the first reduction's)
        for i in range(num_blocks):
            x, p = _normal_a_cell(x, p, width, block_id=f"{first + i}")
    x = layers.Activation("relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        x = classifier(x, classes, classifier_activation, weights)
    else:
        x = pool(x, pooling)
    files = None
    if default_size in _WEIGHTS:
        files = _NASNetWeights(_BASE, *_WEIGHTS[default_size])
    return finish(img_input, input_tensor, x, name, weights, include_top, files)


def NASNetMobile(  # noqa: N802 (Keras's name)
    input_shape=None,
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    pooling=None,
    classes: int = 1000,
    classifier_activation="softmax",
    name: str = "nasnet_mobile",
):
    """NASNet-A (4 @ 1056) for 224x224 images (5.3 million weights). Inputs:
    `nasnet.preprocess_input` ("tf": pixels into [-1, 1])."""
    if not include_top and input_shape is None:
        input_shape = (224, 224, 3)
    return NASNet(
        input_shape, penultimate_filters=1056, num_blocks=4, stem_block_filters=32,
        skip_reduction=False, filter_multiplier=2, include_top=include_top, weights=weights,
        input_tensor=input_tensor, pooling=pooling, classes=classes, default_size=224,
        classifier_activation=classifier_activation, name=name,
    )  # fmt: skip


def NASNetLarge(  # noqa: N802 (Keras's name)
    input_shape=None,
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    pooling=None,
    classes: int = 1000,
    classifier_activation="softmax",
    name: str = "nasnet_large",
):
    """NASNet-A (6 @ 4032) for 331x331 images (89 million weights). Inputs:
    `nasnet.preprocess_input` ("tf": pixels into [-1, 1])."""
    return NASNet(
        input_shape, penultimate_filters=4032, num_blocks=6, stem_block_filters=96,
        skip_reduction=True, filter_multiplier=2, include_top=include_top, weights=weights,
        input_tensor=input_tensor, pooling=pooling, classes=classes, default_size=331,
        classifier_activation=classifier_activation, name=name,
    )  # fmt: skip


def preprocess_input(x, data_format=None):
    """The "tf" preprocessing: pixels into [-1, 1]."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


decode_predictions = imagenet_utils.decode_predictions

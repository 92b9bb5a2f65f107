"""VGG16 and VGG19 (Simonyan & Zisserman, ICLR 2015): five blocks of 3x3 convolutions, each
closed by a 2x2 max pooling, and three Dense layers on top.

>>> from numkeras.applications import VGG16
>>> model = VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
>>> model.output_shape
(None, 1, 1, 512)
"""

from __future__ import annotations

from numkeras import layers
from numkeras.applications import imagenet_utils
from numkeras.applications.application import WeightFiles, classifier, finish, image_input, pool

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/"
_FILES = {
    "vgg16": ("64373286793e3c8b2b4e3219cbf3544b", "6d6bbae143d832006294945121d1f1fc"),
    "vgg19": ("cbe5617147190e668d6c5d5026f83318", "253f8cb515780f3b799900260a226db6"),
}
_FILTERS = (64, 128, 256, 512, 512)


def _weight_files(family: str) -> WeightFiles:
    top, notop = _FILES[family]
    stem = f"{family}_weights_tf_dim_ordering_tf_kernels"
    return WeightFiles(f"{_BASE}{family}/", (f"{stem}.h5", top), (f"{stem}_notop.h5", notop))


def VGG(  # noqa: N802 (Keras's name)
    convs_per_block: tuple[int, ...],
    family: str,
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes: int = 1000,
    classifier_activation="softmax",
    name: str | None = None,
):
    """A VGG network with `convs_per_block[i]` convolutions in block i + 1."""
    img_input, _ = image_input(
        weights, include_top, classes, input_tensor, input_shape, default_size=224, min_size=32
    )
    x = img_input
    for block, (filters, convs) in enumerate(zip(_FILTERS, convs_per_block), start=1):
        for conv in range(1, convs + 1):
            x = layers.Conv2D(
                filters,
                (3, 3),
                activation="relu",
                padding="same",
                name=f"block{block}_conv{conv}",
            )(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        x = classifier(x, classes, classifier_activation, weights)
    else:
        x = pool(x, pooling)
    return finish(
        img_input, input_tensor, x, name or family, weights, include_top, _weight_files(family)
    )


def VGG16(  # noqa: N802
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes: int = 1000,
    classifier_activation="softmax",
    name: str = "vgg16",
):
    """VGG16: 13 convolutions in blocks of 2, 2, 3, 3, 3, and the 3 Dense layers
    (138 million weights at 224x224). Inputs: `vgg16.preprocess_input` ("caffe")."""
    return VGG(
        (2, 2, 3, 3, 3), "vgg16", include_top, weights, input_tensor, input_shape,
        pooling, classes, classifier_activation, name,
    )  # fmt: skip


def VGG19(  # noqa: N802
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    input_shape=None,
    pooling=None,
    classes: int = 1000,
    classifier_activation="softmax",
    name: str = "vgg19",
):
    """VGG19: 16 convolutions in blocks of 2, 2, 4, 4, 4, and the 3 Dense layers.
    Inputs: `vgg19.preprocess_input` ("caffe")."""
    return VGG(
        (2, 2, 4, 4, 4), "vgg19", include_top, weights, input_tensor, input_shape,
        pooling, classes, classifier_activation, name,
    )  # fmt: skip


def preprocess_input(x, data_format=None):
    """ImageNet's "caffe" preprocessing: RGB to BGR, less each channel's mean."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


decode_predictions = imagenet_utils.decode_predictions

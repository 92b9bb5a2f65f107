"""The frame every application shares around its own layers: the arguments' checks, the
image input, the classifier or pooling on top, the model and its pretrained weights.

An application is written as

    img_input, input_shape = image_input(weights, include_top, classes, input_tensor,
                                         input_shape, default_size=224, min_size=32)
    x = ...its layers...
    x = top(x, include_top, pooling, classes, classifier_activation, weights)
    return finish(img_input, input_tensor, x, name, weights, include_top,
                  imagenet=WeightFiles(...))
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from numkeras import backend, layers
from numkeras.applications import imagenet_utils
from numkeras.errors import ConfigError


@dataclass(frozen=True)
class WeightFiles:
    """Where an application's ImageNet weights are published: with and without its top."""

    base_url: str
    top: tuple[str, str] | None  # (file name, md5)
    notop: tuple[str, str] | None

    def path(self, include_top: bool) -> str | None:
        """The local file (downloaded once into ~/.keras/models/), or None if unpublished."""
        from numkeras.utils.file_utils import get_file

        entry = self.top if include_top else self.notop
        if entry is None:
            return None
        file_name, md5 = entry
        return get_file(file_name, self.base_url + file_name, cache_subdir="models", file_hash=md5)


def check_weights(weights, include_top: bool, classes: int, imagenet_classes: int = 1000):
    """Keras's checks on `weights` (None, "imagenet" or an existing file) and `classes`."""
    if not (weights in ("imagenet", None) or os.path.exists(os.fspath(weights))):
        raise ConfigError(
            "The `weights` argument should be either `None` (random initialization), "
            "'imagenet' (pre-training on ImageNet), or the path to the weights file to be "
            f"loaded.  Received: weights={weights}"
        )
    if weights == "imagenet" and include_top and classes != imagenet_classes:
        raise ConfigError(
            f"If using `weights='imagenet'` with `include_top=True`, `classes` should be "
            f"{imagenet_classes}.  Received classes={classes}"
        )


def image_input(
    weights,
    include_top: bool,
    classes: int,
    input_tensor,
    input_shape,
    *,
    default_size: int,
    min_size: int,
    require_flatten: bool | None = None,
):
    """The checked arguments' image input: `(tensor, input_shape)`. `input_tensor` is used
    as it is when it is a Keras tensor; anything else is wrapped in an `Input`."""
    check_weights(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape,
        default_size=default_size,
        min_size=min_size,
        data_format=backend.image_data_format(),
        require_flatten=include_top if require_flatten is None else require_flatten,
        weights=weights,
    )
    if input_tensor is None:
        return layers.Input(shape=input_shape), input_shape
    if backend.is_keras_tensor(input_tensor):
        return input_tensor, input_shape
    return layers.Input(tensor=input_tensor, shape=input_shape), input_shape


def channel_axis() -> int:
    """The channels' axis of a 4-D image batch under the global data format."""
    return 1 if backend.image_data_format() == "channels_first" else 3


def pool(x, pooling, avg_name: str | None = None, max_name: str | None = None):
    """`include_top=False`'s optional global pooling ("avg" or "max")."""
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name=avg_name)(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name=max_name)(x)
    return x


def classifier(x, classes: int, classifier_activation, weights, name: str = "predictions"):
    """The top Dense layer, its activation checked against pretrained weights."""
    imagenet_utils.validate_activation(classifier_activation, weights)
    return layers.Dense(classes, activation=classifier_activation, name=name)(x)


def finish(
    img_input,
    input_tensor,
    outputs,
    name: str,
    weights,
    include_top: bool,
    imagenet: WeightFiles | None = None,
):
    """The functional model from the image input (or `input_tensor`'s own source inputs),
    with the weights asked for loaded."""
    from numkeras.models import Model
    from numkeras.utils import get_source_inputs

    inputs = get_source_inputs(input_tensor) if input_tensor is not None else img_input
    model = Model(inputs, outputs, name=name)
    if weights == "imagenet":
        path = imagenet.path(include_top) if imagenet is not None else None
        if path is not None:
            model.load_weights(path)
    elif weights is not None:
        model.load_weights(weights)
    return model


def variant(builder: Callable, public_name: str, default_name: str, doc: str, **fixed) -> Callable:
    """A public model function of one variant (`ResNet50`, `DenseNet121`, ...) with Keras's
    usual arguments, in Keras's order, calling `builder(**fixed, ...)`."""

    def build(
        include_top: bool = True,
        weights="imagenet",
        input_tensor=None,
        input_shape=None,
        pooling=None,
        classes: int = 1000,
        classifier_activation="softmax",
        name: str = default_name,
    ):
        return builder(
            **fixed,
            include_top=include_top,
            weights=weights,
            input_tensor=input_tensor,
            input_shape=input_shape,
            pooling=pooling,
            classes=classes,
            classifier_activation=classifier_activation,
            name=name,
        )

    build.__name__ = build.__qualname__ = public_name
    build.__doc__ = doc
    return build

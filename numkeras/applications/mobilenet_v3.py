"""MobileNetV3Small and MobileNetV3Large (Howard et al., ICCV 2019): inverted residual
blocks with squeeze-and-excitation and hard-swish, found by architecture search.
`alpha` scales every block's width; `minimalistic=True` drops the squeeze-and-excitation,
hard-swish and 5x5 kernels. The models rescale their own inputs: feed pixels in
[0, 255] (`preprocess_input` passes them through), or in [-1, 1] with
`include_preprocessing=False`.

>>> from numkeras.applications.mobilenet_v3 import MobileNetV3Small
>>> model = MobileNetV3Small(weights=None, input_shape=(32, 32, 3), classes=10)
>>> model.output_shape, model.count_params()
((None, 10), 1540218)
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

from numkeras import backend, layers
from numkeras.applications import imagenet_utils
from numkeras.applications.application import WeightFiles, check_weights, finish
from numkeras.errors import ConfigError, ShapeError

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v3/"
# (with top, without top) md5 of each published weights file
_HASHES = {
    "large_224_0.75_float": (
        "765b44a33ad4005b3ac83185abf1d0eb",
        "40af19a13ebea4e2ee0c676887f69a2e",
    ),
    "large_224_1.0_float": ("59e551e166be033d707958cf9e29a6a7", "07fb09a5933dd0c8eaafa16978110389"),
    "large_minimalistic_224_1.0_float": (
        "675e7b876c45c57e9e63e6d90a36599c",
        "ec5221f64a2f6d1ef965a614bdae7973",
    ),
    "small_224_0.75_float": (
        "cb65d4e5be93758266aa0a7f2c6708b7",
        "ebdb5cc8e0b497cd13a7c275d475c819",
    ),
    "small_224_1.0_float": ("8768d4c2e7dee89b9d02b2d03d65d862", "d3e8ec802a04aa4fc771ee12a9a9b836"),
    "small_minimalistic_224_1.0_float": (
        "99cd97fb2fcdad2bf028eb838de69e37",
        "cde8136e733e811080d9fcd8a252f7e4",
    ),
}
# Each model's blocks: (expansion, filters, kernel ("k": 5, or 3 when minimalistic),
# stride, squeeze-and-excitation, activation ("relu" or "act": hard-swish, or ReLU when
# minimalistic)).
_SMALL = (
    (1, 16, 3, 2, True, "relu"),
    (72 / 16, 24, 3, 2, False, "relu"),
    (88 / 24, 24, 3, 1, False, "relu"),
    (4, 40, "k", 2, True, "act"),
    (6, 40, "k", 1, True, "act"),
    (6, 40, "k", 1, True, "act"),
    (3, 48, "k", 1, True, "act"),
    (3, 48, "k", 1, True, "act"),
    (6, 96, "k", 2, True, "act"),
    (6, 96, "k", 1, True, "act"),
    (6, 96, "k", 1, True, "act"),
)
_LARGE = (
    (1, 16, 3, 1, False, "relu"),
    (4, 24, 3, 2, False, "relu"),
    (3, 24, 3, 1, False, "relu"),
    (3, 40, "k", 2, True, "relu"),
    (3, 40, "k", 1, True, "relu"),
    (3, 40, "k", 1, True, "relu"),
    (6, 80, 3, 2, False, "act"),
    (2.5, 80, 3, 1, False, "act"),
    (2.3, 80, 3, 1, False, "act"),
    (2.3, 80, 3, 1, False, "act"),
    (6, 112, 3, 1, True, "act"),
    (6, 112, 3, 1, True, "act"),
    (6, 160, "k", 2, True, "act"),
    (6, 160, "k", 1, True, "act"),
    (6, 160, "k", 1, True, "act"),
)


def relu(x):
    return layers.ReLU()(x)


def hard_sigmoid(x):
    """`relu6(x + 3) / 6`, as symbolic operations (not a layer, as in Keras)."""
    return layers.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)


def hard_swish(x):
    return layers.Activation("hard_swish")(x)


def _depth(v: float, divisor: int = 8, min_value: int | None = None) -> int:
    """`v` rounded to a multiple of `divisor` (at least `min_value`), not 10% below."""
    min_value = divisor if min_value is None else min_value
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    return new_v + divisor if new_v < 0.9 * v else new_v


def _bn(name: str):
    axis = 1 if backend.image_data_format() == "channels_first" else -1
    return layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999, name=name)


def _conv(filters: int, name: str, use_bias: bool = False, **kwargs):
    return layers.Conv2D(filters, 1, padding="same", use_bias=use_bias, name=name, **kwargs)


def _se_block(inputs, filters: int, se_ratio: float, prefix: str):
    """Squeeze-and-excitation with a hard-sigmoid gate."""
    x = layers.GlobalAveragePooling2D(keepdims=True, name=f"{prefix}squeeze_excite_avg_pool")(
        inputs
    )
    x = _conv(_depth(filters * se_ratio), f"{prefix}squeeze_excite_conv", True)(x)
    x = layers.ReLU(name=f"{prefix}squeeze_excite_relu")(x)
    x = _conv(filters, f"{prefix}squeeze_excite_conv_1", True)(x)
    x = hard_sigmoid(x)
    return layers.Multiply(name=f"{prefix}squeeze_excite_mul")([inputs, x])


def _inverted_res_block(x, expansion, filters, kernel_size, stride, se_ratio, activation, block_id):
    """1x1 expansion (not in block 0), depthwise kxk, optional squeeze-and-excitation, 1x1
    projection, and the identity skip where the shape keeps."""
    axis = 1 if backend.image_data_format() == "channels_first" else -1
    shortcut = x
    infilters = x.shape[axis]
    prefix = f"expanded_conv_{block_id}_" if block_id else "expanded_conv_"
    if block_id:
        x = _conv(_depth(infilters * expansion), f"{prefix}expand")(x)
        x = _bn(f"{prefix}expand_bn")(x)
        x = activation(x)
    if stride == 2:
        pad = imagenet_utils.correct_pad(x, kernel_size)
        x = layers.ZeroPadding2D(padding=pad, name=f"{prefix}depthwise_pad")(x)
    x = layers.DepthwiseConv2D(
        kernel_size,
        strides=stride,
        padding="same" if stride == 1 else "valid",
        use_bias=False,
        name=f"{prefix}depthwise",
    )(x)
    x = _bn(f"{prefix}depthwise_bn")(x)
    x = activation(x)
    if se_ratio:
        x = _se_block(x, _depth(infilters * expansion), se_ratio, prefix)
    x = _conv(filters, f"{prefix}project")(x)
    x = _bn(f"{prefix}project_bn")(x)
    if stride == 1 and infilters == filters:
        x = layers.Add(name=f"{prefix}add")([shortcut, x])
    return x


def _image_input(input_tensor, input_shape, weights, alpha, minimalistic):
    """MobileNetV3's own input checks (it takes any size of at least 32x32, and reads the
    size of `input_tensor`) and its image input."""
    channels_first = backend.image_data_format() == "channels_first"
    symbolic = input_tensor is not None and backend.is_keras_tensor(input_tensor)
    if input_tensor is not None and input_shape is not None and not symbolic:
        raise ConfigError(
            f"`input_tensor` should be a Keras tensor (an `Input` or a layer's output) "
            f"when `input_shape` is given. Received: type(input_tensor)={type(input_tensor)}"
        )
    if symbolic:
        shape = input_tensor.shape
        if input_shape is None:
            rows, cols = (shape[2], shape[3]) if channels_first else (shape[1], shape[2])
            # (Keras's order: columns before rows)
            input_shape = (3, cols, rows) if channels_first else (cols, rows, 3)
        elif shape[1 if channels_first else 2] != input_shape[1]:
            axis = 1 if channels_first else 2
            raise ShapeError(
                f"input_shape[1] must equal input_tensor.shape[{axis}].  Received "
                f"input_shape={input_shape}, input_tensor.shape={shape}"
            )
    if input_shape is None:
        input_shape = (3, None, None) if channels_first else (None, None, 3)
    rows, cols = input_shape[1:3] if channels_first else input_shape[0:2]
    if rows and cols and (rows < 32 or cols < 32):
        raise ShapeError(f"Input size must be at least 32x32; Received `input_shape={input_shape}`")
    if weights == "imagenet":
        if (minimalistic and alpha != 1.0) or (not minimalistic and alpha not in (0.75, 1.0)):
            raise ConfigError(
                "If imagenet weights are being loaded, alpha can be one of `0.75`, `1.0` "
                "for non minimalistic or `1.0` for minimalistic only."
            )
        if rows != cols or rows != 224:
            warnings.warn(
                "`input_shape` is undefined or non-square, or `rows` is not 224. Weights "
                "for input shape (224, 224) will be loaded as the default.",
                stacklevel=4,
            )
    if input_tensor is None:
        return layers.Input(shape=input_shape)
    if not symbolic:
        return layers.Input(tensor=input_tensor, shape=input_shape)
    return input_tensor


def MobileNetV3(  # noqa: N802 (Keras's name)
    blocks: tuple,
    last_point_ch: int,
    input_shape=None,
    alpha: float = 1.0,
    model_type: str = "large",
    minimalistic: bool = False,
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    classes: int = 1000,
    pooling=None,
    dropout_rate: float = 0.2,
    classifier_activation="softmax",
    include_preprocessing: bool = True,
    name: str | None = None,
):
    """A MobileNetV3 of the given `blocks` (as `_SMALL`) before a 1x1 convolution to six
    times the last width, and, with the top, a 1x1 convolution to `last_point_ch` and the
    1x1 convolution classifier."""
    check_weights(weights, include_top, classes)
    img_input = _image_input(input_tensor, input_shape, weights, alpha, minimalistic)
    axis = 1 if backend.image_data_format() == "channels_first" else -1
    kernel, activation, se_ratio = (3, relu, None) if minimalistic else (5, hard_swish, 0.25)

    x = img_input
    if include_preprocessing:
        x = layers.Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = layers.Conv2D(16, 3, strides=(2, 2), padding="same", use_bias=False, name="conv")(x)
    x = _bn("conv_bn")(x)
    x = activation(x)
    for block_id, (expansion, filters, k, stride, se, act) in enumerate(blocks):
        x = _inverted_res_block(
            x,
            expansion,
            _depth(filters * alpha),
            kernel if k == "k" else k,
            stride,
            se_ratio if se else None,
            relu if act == "relu" else activation,
            block_id,
        )
    last_conv_ch = _depth(x.shape[axis] * 6)
    if alpha > 1.0:
        last_point_ch = _depth(last_point_ch * alpha)
    x = _conv(last_conv_ch, "conv_1")(x)
    x = _bn("conv_1_bn")(x)
    x = activation(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = _conv(last_point_ch, "conv_2", True)(x)
        x = activation(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate)(x)
        x = _conv(classes, "logits", True)(x)
        x = layers.Flatten()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D(name="max_pool")(x)

    variant = f"{model_type}{'_minimalistic' if minimalistic else ''}_224_{float(alpha)}_float"
    files = None
    if variant in _HASHES:
        top, notop = _HASHES[variant]
        stem = f"weights_mobilenet_v3_{variant}"
        files = WeightFiles(_BASE, (f"{stem}.h5", top), (f"{stem}_no_top_v2.h5", notop))
    return finish(img_input, input_tensor, x, name, weights, include_top, files)


def _application(model_type: str, blocks: tuple, last_point_ch: int) -> Callable:
    def build(
        input_shape=None,
        alpha: float = 1.0,
        minimalistic: bool = False,
        include_top: bool = True,
        weights="imagenet",
        input_tensor=None,
        classes: int = 1000,
        pooling=None,
        dropout_rate: float = 0.2,
        classifier_activation="softmax",
        include_preprocessing: bool = True,
        name: str = f"MobileNetV3{model_type.title()}",
    ):
        return MobileNetV3(
            blocks, last_point_ch, input_shape, alpha, model_type, minimalistic,
            include_top, weights, input_tensor, classes, pooling, dropout_rate,
            classifier_activation, include_preprocessing, name=name,
        )  # fmt: skip

    build.__name__ = build.__qualname__ = f"MobileNetV3{model_type.title()}"
    build.__doc__ = (
        f"MobileNetV3{model_type.title()}: {len(blocks)} inverted residual blocks, any image "
        "of at least 32x32 (ImageNet weights for 224x224, `alpha` 0.75 or 1). Inputs: pixels "
        "in [0, 255] (the model rescales them), or in [-1, 1] with "
        "`include_preprocessing=False`."
    )
    return build


MobileNetV3Small = _application("small", _SMALL, 1024)
MobileNetV3Large = _application("large", _LARGE, 1280)


def preprocess_input(x, data_format=None):
    """The identity: the model rescales its own inputs."""
    return x


decode_predictions = imagenet_utils.decode_predictions

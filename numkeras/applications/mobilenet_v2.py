"""MobileNetV2 (Sandler et al., CVPR 2018): inverted residual blocks (1x1 expansion,
3x3 depthwise, linear 1x1 projection, a residual sum where shapes allow), ReLU6.

>>> from numkeras.applications import MobileNetV2
>>> model = MobileNetV2(weights=None, input_shape=(32, 32, 3), alpha=0.35, classes=10)
>>> model.name, model.output_shape
('mobilenetv2_0.35_32', (None, 10))
"""

from __future__ import annotations

from numkeras import backend, layers
from numkeras.applications import imagenet_utils
from numkeras.applications.application import (
    WeightFiles,
    channel_axis,
    check_weights,
    classifier,
    finish,
    image_input,
    pool,
)
from numkeras.applications.mobilenet import imagenet_rows, size_of_weights
from numkeras.errors import ConfigError, ShapeError

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/"
_SIZES = (96, 128, 160, 192, 224)
_ALPHAS = (0.35, 0.50, 0.75, 1.0, 1.3, 1.4)
# (filters, stride, expansion) of inverted residual blocks 0 .. 16
_BLOCKS = (
    (16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6),
    (64, 2, 6), (64, 1, 6), (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6), (96, 1, 6),
    (160, 2, 6), (160, 1, 6), (160, 1, 6), (320, 1, 6),
)  # fmt: skip


def make_divisible(v: float, divisor: int, min_value: int | None = None) -> int:
    """`v` rounded to the nearest multiple of `divisor` (at least `min_value`), never more
    than 10% below `v`."""
    min_value = divisor if min_value is None else min_value
    rounded = max(min_value, int(v + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * v else rounded


def _batch_norm(name: str):
    return layers.BatchNormalization(axis=channel_axis(), epsilon=1e-3, momentum=0.999, name=name)


def _inverted_res_block(inputs, expansion: int, stride: int, alpha: float, filters: int, block_id):
    in_channels = inputs.shape[channel_axis()]
    pointwise_filters = make_divisible(int(filters * alpha), 8)
    x = inputs
    prefix = f"block_{block_id}_"
    if block_id:
        x = layers.Conv2D(
            expansion * in_channels, kernel_size=1, padding="same", use_bias=False,
            activation=None, name=f"{prefix}expand",
        )(x)  # fmt: skip
        x = _batch_norm(f"{prefix}expand_BN")(x)
        x = layers.ReLU(6.0, name=f"{prefix}expand_relu")(x)
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3), name=f"{prefix}pad")(x)
    x = layers.DepthwiseConv2D(
        kernel_size=3, strides=stride, activation=None, use_bias=False,
        padding="same" if stride == 1 else "valid", name=f"{prefix}depthwise",
    )(x)  # fmt: skip
    x = _batch_norm(f"{prefix}depthwise_BN")(x)
    x = layers.ReLU(6.0, name=f"{prefix}depthwise_relu")(x)
    x = layers.Conv2D(
        pointwise_filters, kernel_size=1, padding="same", use_bias=False, activation=None,
        name=f"{prefix}project",
    )(x)  # fmt: skip
    x = _batch_norm(f"{prefix}project_BN")(x)
    if in_channels == pointwise_filters and stride == 1:
        return layers.Add(name=f"{prefix}add")([inputs, x])
    return x


def _check_input_tensor(input_tensor, input_shape) -> None:
    """Keras's check that a Keras `input_tensor` agrees with `input_shape` (it compares the
    tensor's axis 2 with the shape's axis 1 under channels_last, as written there)."""
    if not backend.is_keras_tensor(input_tensor):
        raise ConfigError(
            f"input_tensor is not a Keras tensor; Received `input_tensor={input_tensor}`"
        )
    channels_first = backend.image_data_format() == "channels_first"
    axis = 1 if channels_first else 2
    if input_tensor.shape[axis] != input_shape[1]:
        raise ShapeError(
            f"input_tensor.shape[{axis}] must equal input_shape[1]; Received "
            f"`input_tensor.shape={input_tensor.shape}`, `input_shape={input_shape}`"
        )


def MobileNetV2(  # noqa: N802 (Keras's name)
    input_shape=None,
    alpha: float = 1.0,
    include_top: bool = True,
    weights="imagenet",
    input_tensor=None,
    pooling=None,
    classes: int = 1000,
    classifier_activation="softmax",
    name: str | None = None,
):
    """MobileNetV2. Pretrained weights exist for `alpha` in 0.35, 0.5, 0.75, 1.0, 1.3, 1.4
    and sizes 96, 128, 160, 192, 224. Inputs: `preprocess_input` ("tf")."""
    check_weights(weights, include_top, classes)
    if input_shape is not None and input_tensor is not None:
        _check_input_tensor(input_tensor, input_shape)
    if input_shape is None and input_tensor is not None and backend.is_keras_tensor(input_tensor):
        default_size = size_of_weights(tuple(input_tensor.shape[1:]), _SIZES)
    else:
        default_size = size_of_weights(input_shape, _SIZES)
    img_input, input_shape = image_input(
        weights, include_top, classes, input_tensor, input_shape,
        default_size=default_size, min_size=32,
    )  # fmt: skip
    if weights == "imagenet" and alpha not in _ALPHAS:
        raise ConfigError(
            "If imagenet weights are being loaded, alpha must be one of `0.35`, `0.50`, "
            f"`0.75`, `1.0`, `1.3` or `1.4` only; Received `alpha={alpha}`"
        )
    rows = imagenet_rows(weights, input_shape, _SIZES)
    x = layers.Conv2D(
        make_divisible(32 * alpha, 8), kernel_size=3, strides=(2, 2), padding="same",
        use_bias=False, name="Conv1",
    )(img_input)  # fmt: skip
    x = _batch_norm("bn_Conv1")(x)
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    for block_id, (filters, stride, expansion) in enumerate(_BLOCKS):
        x = _inverted_res_block(x, expansion, stride, alpha, filters, block_id)
    last_filters = make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = layers.Conv2D(last_filters, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = _batch_norm("Conv_1_bn")(x)
    x = layers.ReLU(6.0, name="out_relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        x = classifier(x, classes, classifier_activation, weights)
    else:
        x = pool(x, pooling)
    name = name or f"mobilenetv2_{alpha:0.2f}_{rows}"
    files = None
    if weights == "imagenet":
        stem = f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}"
        files = WeightFiles(BASE_WEIGHT_PATH, (f"{stem}.h5", None), (f"{stem}_no_top.h5", None))
    return finish(img_input, input_tensor, x, name, weights, include_top, files)


def preprocess_input(x, data_format=None):
    """The "tf" preprocessing: pixels into [-1, 1]."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


decode_predictions = imagenet_utils.decode_predictions

"""What every ImageNet application shares: its input preprocessing, decoding its predictions,
and the checks on `input_shape`, `weights` and `classifier_activation` Keras makes.

>>> import numpy as np
>>> preprocess_input(np.full((1, 2, 2, 3), 255.0), mode="tf")[0, 0, 0]
array([1., 1., 1.])
"""

from __future__ import annotations

import json
import warnings

import numpy as np

from numkeras import activations, backend, ops
from numkeras.errors import ConfigError, ShapeError

CLASS_INDEX: dict | None = None
CLASS_INDEX_PATH = (
    "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json"
)
_CLASS_INDEX_HASH = "c2c37ea517e94d9795004a39431a14cb"

# ImageNet's channel statistics, as the pretrained weights were trained on them.
_CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)
_TORCH_MEAN = (0.485, 0.456, 0.406)
_TORCH_STD = (0.229, 0.224, 0.225)
MODES = ("caffe", "tf", "torch")


def _check_data_format(data_format: str | None) -> str:
    if data_format is None:
        return backend.image_data_format()
    if data_format not in ("channels_first", "channels_last"):
        raise ConfigError(
            "Expected data_format to be one of `channels_first` or `channels_last`. "
            f"Received: data_format={data_format}"
        )
    return data_format


def preprocess_input(x, data_format: str | None = None, mode: str = "caffe"):
    """Scale a batch (or one image) of RGB values in [0, 255] as a pretrained model expects.

    - `"caffe"`: RGB to BGR, then each channel less its ImageNet mean (no scaling);
    - `"tf"`: into [-1, 1];
    - `"torch"`: into [0, 1], then each channel normalized by ImageNet's mean and std.

    A float NumPy array is changed in place, as Keras does (pass `np.copy(x)` to keep it);
    integers become `floatx()`. A symbolic or backend tensor gets a new tensor.

    >>> import numpy as np
    >>> preprocess_input(np.zeros((1, 1, 1, 3)))[0, 0, 0].round(2).tolist()
    [-103.94, -116.78, -123.68]
    """
    if mode not in MODES:
        raise ConfigError(
            f"Expected mode to be one of `caffe`, `tf` or `torch`. Received: mode={mode}"
        )
    data_format = _check_data_format(data_format)
    if isinstance(x, np.ndarray):
        return _preprocess_numpy(x, data_format, mode)
    return _preprocess_tensor(x, data_format, mode)


def _channel_index(x, data_format: str, channel: int):
    """The index selecting `channel` of `x` (one image or a batch)."""
    if data_format == "channels_last":
        return (..., channel)
    return (channel,) if x.ndim == 3 else (slice(None), channel)


def _preprocess_numpy(x: np.ndarray, data_format: str, mode: str) -> np.ndarray:
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(backend.floatx(), copy=False)
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    if mode == "torch":
        x /= 255.0
        mean, std = _TORCH_MEAN, _TORCH_STD
    else:
        axis = -1 if data_format == "channels_last" else (0 if x.ndim == 3 else 1)
        x = np.flip(x, axis=axis)  # RGB -> BGR (a view, as Keras's x[..., ::-1])
        mean, std = _CAFFE_MEAN_BGR, None
    for channel in range(3):
        index = _channel_index(x, data_format, channel)
        x[index] -= mean[channel]
        if std is not None:
            x[index] /= std[channel]
    return x


def _preprocess_tensor(x, data_format: str, mode: str):
    if mode == "tf":
        return x / 127.5 - 1.0
    ndim = len(x.shape)
    if data_format == "channels_last":
        channel_axis, stats_shape = -1, (1,) * (ndim - 1) + (3,)
    elif ndim == 3:
        channel_axis, stats_shape = 0, (3, 1, 1)
    else:
        channel_axis, stats_shape = 1, (1, 3) + (1,) * (ndim - 2)
    if mode == "torch":
        x = x / 255.0
        mean, std = np.array(_TORCH_MEAN), np.array(_TORCH_STD)
    else:
        x = ops.flip(x, axis=channel_axis)
        mean, std = np.array(_CAFFE_MEAN_BGR), None
    x = x - ops.cast(ops.reshape(mean, stats_shape), x.dtype)
    if std is not None:
        x = x / ops.cast(ops.reshape(std, stats_shape), x.dtype)
    return x


def decode_predictions(preds, top: int = 5) -> list[list[tuple[str, str, float]]]:
    """The `top` classes of each row of ImageNet predictions (shape `(batch, 1000)`), as
    `(class_name, class_description, score)` tuples, best first.

    The class index is fetched once with `utils.get_file` into `~/.keras/models/`
    (put `imagenet_class_index.json` there on a machine without a network).
    """
    global CLASS_INDEX
    preds = np.asarray(ops.convert_to_numpy(preds))
    if preds.ndim != 2 or preds.shape[1] != 1000:
        raise ShapeError(
            "`decode_predictions` expects a batch of predictions (i.e. a 2D array of shape "
            f"(samples, 1000)). Received array with shape: {preds.shape}"
        )
    if CLASS_INDEX is None:
        from numkeras.utils.file_utils import get_file

        path = get_file(
            "imagenet_class_index.json",
            CLASS_INDEX_PATH,
            cache_subdir="models",
            file_hash=_CLASS_INDEX_HASH,
        )
        with open(path) as f:
            CLASS_INDEX = json.load(f)
    results = []
    for row in preds:
        best = row.argsort()[-top:][::-1] if top > 0 else []
        results.append([tuple(CLASS_INDEX[str(i)]) + (row[i],) for i in best])
    return results


def obtain_input_shape(
    input_shape,
    default_size: int,
    min_size: int,
    data_format: str,
    require_flatten: bool,
    weights=None,
) -> tuple:
    """The input shape (without the batch axis) an application is built for: the default
    one, or `input_shape` checked against the model's minimum size, its channels, and, with
    a flattened classifier on ImageNet weights, the size those weights were trained at."""
    channels_first = data_format == "channels_first"
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[0] if channels_first else input_shape[-1]
        if channels not in (1, 3):
            warnings.warn(
                "This model usually expects 1 or 3 input channels. However, it was passed "
                f"an input_shape with {channels} input channels.",
                stacklevel=3,
            )
        sizes = (default_size, default_size)
        default_shape = (channels, *sizes) if channels_first else (*sizes, channels)
    else:
        default_shape = (
            (3, default_size, default_size) if channels_first else (default_size, default_size, 3)
        )
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and tuple(input_shape) != default_shape:
            raise ShapeError(
                "When setting `include_top=True` and loading `imagenet` weights, "
                f"`input_shape` should be {default_shape}.  Received: "
                f"input_shape={input_shape}"
            )
        return default_shape
    if input_shape:
        if len(input_shape) != 3:
            raise ShapeError("`input_shape` must be a tuple of three integers.")
        channels = input_shape[0] if channels_first else input_shape[-1]
        if channels != 3 and weights == "imagenet":
            raise ShapeError(
                f"The input must have 3 channels; Received `input_shape={input_shape}`"
            )
        spatial = input_shape[1:] if channels_first else input_shape[:2]
        if any(size is not None and size < min_size for size in spatial):
            raise ShapeError(
                f"Input size must be at least {min_size}x{min_size}; Received: "
                f"input_shape={input_shape}"
            )
        input_shape = tuple(input_shape)
    elif require_flatten:
        input_shape = default_shape
    else:
        input_shape = (3, None, None) if channels_first else (None, None, 3)
    if require_flatten and None in input_shape:
        raise ShapeError(
            "If `include_top` is True, you should specify a static `input_shape`. "
            f"Received: input_shape={input_shape}"
        )
    return input_shape


def correct_pad(inputs, kernel_size) -> tuple[tuple[int, int], tuple[int, int]]:
    """The zero padding before a strided 'valid' convolution that centres its windows as
    'same' padding would on an odd size (TensorFlow's 'same' pads more after)."""
    first = 2 if backend.image_data_format() == "channels_first" else 1
    size = inputs.shape[first : first + 2]
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    adjust = (1, 1) if size[0] is None else (1 - size[0] % 2, 1 - size[1] % 2)
    half = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((half[0] - adjust[0], half[0]), (half[1] - adjust[1], half[1]))


def validate_activation(classifier_activation, weights) -> None:
    """Pretrained classifiers were trained with a softmax: only it or no activation fit."""
    if weights is None:
        return
    activation = activations.get(classifier_activation)
    if activation not in (activations.get("softmax"), activations.get(None)):
        raise ConfigError(
            "Only `None` and `softmax` activations are allowed for the "
            "`classifier_activation` argument when using pretrained weights, with "
            f"`include_top=True`; Received: classifier_activation={classifier_activation}"
        )

"""CIFAR-100 small images: `load_data()` as `keras.datasets.cifar100.load_data()`."""

from __future__ import annotations

import os

import numpy as np

from numkeras import backend
from numkeras.datasets.cifar import load_batch
from numkeras.errors import ConfigError, did_you_mean
from numkeras.utils.file_utils import get_file

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
DIRNAME = "cifar-100-python-target"  # the folder in Keras's cache it is extracted to
FILE_HASH = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"  # sha256

_LABEL_MODES = ("fine", "coarse")


def load_data(label_mode: str = "fine", cache_dir: str | None = None):
    """Load CIFAR-100: 50,000 32x32 colour training images and 10,000 test images, labelled
    over 100 fine-grained classes grouped into 20 coarse-grained superclasses.

    `label_mode`: `"fine"` (labels 0-99) or `"coarse"` (the superclasses, 0-19).
    `cache_dir` (an argument of Keras 2's loader, not of Keras 3's; accepted so tf.keras
    scripts run) caches the data there instead of in `~/.keras`.

    Returns `((x_train, y_train), (x_test, y_test))`, exactly as Keras: `x_*` are uint8
    arrays of shape `(50000, 32, 32, 3)` / `(10000, 32, 32, 3)` when
    `backend.image_data_format()` is `"channels_last"` (the default), `(n, 3, 32, 32)`
    otherwise; `y_*` have shape `(n, 1)` and dtype int64 (Keras's docstring says uint8, but
    its loader returns the stored Python ints as int64; numkeras returns the same).

    The archive `cifar-100-python.tar.gz` is downloaded once from
    https://www.cs.toronto.edu/~kriz/ into Keras's cache (`~/.keras/datasets/`, shared
    with Keras; `$KERAS_HOME` moves it), checked against its published sha256 (a file that
    does not match is downloaded afresh, never parsed), and extracted to
    `cifar-100-python-target/`. Its Python 2 pickles are read with a restricted unpickler
    that can only build lists, dicts and NumPy arrays (see `numkeras.datasets.cifar`).

    Example (downloads 161 MB on first use, so not run as a doctest):

    >>> from numkeras.datasets import cifar100
    >>> (x_train, y_train), _ = cifar100.load_data(label_mode="coarse")  # doctest: +SKIP
    >>> x_train.shape, y_train.shape, int(y_train.max())  # doctest: +SKIP
    ((50000, 32, 32, 3), (50000, 1), 19)
    >>> cifar100.load_data(label_mode="medium")
    Traceback (most recent call last):
      ...
    numkeras.errors.ConfigError: `label_mode` must be one of `"fine"`, `"coarse"`. Received: ...
    """
    if label_mode not in _LABEL_MODES:
        hint = did_you_mean(label_mode, _LABEL_MODES)
        raise ConfigError(
            '`label_mode` must be one of `"fine"`, `"coarse"`. '
            f"Received: label_mode={label_mode}.{hint}"
        )
    path = get_file(
        fname=DIRNAME, origin=ORIGIN, extract=True, file_hash=FILE_HASH, cache_dir=cache_dir
    )

    path = os.path.join(path, "cifar-100-python")
    x_train, y_train = load_batch(os.path.join(path, "train"), label_key=f"{label_mode}_labels")
    x_test, y_test = load_batch(os.path.join(path, "test"), label_key=f"{label_mode}_labels")

    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))

    if backend.image_data_format() == "channels_last":
        x_train = x_train.transpose(0, 2, 3, 1)
        x_test = x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test, y_test)


__all__ = ["load_data"]

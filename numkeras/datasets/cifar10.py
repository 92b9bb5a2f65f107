"""CIFAR-10 small images: `load_data()` as `keras.datasets.cifar10.load_data()`."""

from __future__ import annotations

import os

import numpy as np

from numkeras import backend
from numkeras.datasets.cifar import load_batch
from numkeras.utils.file_utils import get_file

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
DIRNAME = "cifar-10-batches-py-target"  # the folder in Keras's cache it is extracted to
FILE_HASH = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"  # sha256

CLASS_NAMES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)


def load_data(cache_dir: str | None = None):
    """Load CIFAR-10: 50,000 32x32 colour training images and 10,000 test images, labelled
    over 10 categories (`CLASS_NAMES`: airplane, automobile, bird, cat, deer, dog, frog,
    horse, ship, truck).

    Returns `((x_train, y_train), (x_test, y_test))`, exactly as Keras: `x_*` are uint8
    arrays of shape `(50000, 32, 32, 3)` / `(10000, 32, 32, 3)` when
    `backend.image_data_format()` is `"channels_last"` (the default), `(n, 3, 32, 32)`
    otherwise; `y_*` are uint8 arrays of shape `(n, 1)` with labels 0-9.

    `cache_dir` (an argument of Keras 2's loader, not of Keras 3's; accepted so tf.keras
    scripts run) caches the data there instead of in `~/.keras`.

    The archive `cifar-10-python.tar.gz` is downloaded once from
    https://www.cs.toronto.edu/~kriz/ into Keras's cache (`~/.keras/datasets/`, shared
    with Keras; `$KERAS_HOME` moves it), checked against its published sha256 (a file that
    does not match is downloaded afresh, never parsed), and extracted to
    `cifar-10-batches-py-target/`. Its Python 2 pickles are read with a restricted
    unpickler that can only build lists, dicts and NumPy arrays (see `numkeras.datasets.cifar`).

    Example (downloads 163 MB on first use, so not run as a doctest):

    >>> from numkeras.datasets import cifar10
    >>> (x_train, y_train), (x_test, y_test) = cifar10.load_data()  # doctest: +SKIP
    >>> x_train.shape, y_train.shape, x_train.dtype  # doctest: +SKIP
    ((50000, 32, 32, 3), (50000, 1), dtype('uint8'))
    >>> cifar10.CLASS_NAMES[3]
    'cat'
    """
    path = get_file(
        fname=DIRNAME, origin=ORIGIN, extract=True, file_hash=FILE_HASH, cache_dir=cache_dir
    )

    # the batches are in an inner folder
    path = os.path.join(path, "cifar-10-batches-py")
    batches = [load_batch(os.path.join(path, f"data_batch_{i}")) for i in range(1, 6)]

    # Keras fills fixed (50000, ...) arrays in slices of 10000; sizing them from the batches
    # gives the same arrays for the real files and also reads smaller (e.g. test) copies
    num_train_samples = sum(len(data) for data, _ in batches)
    x_train = np.empty((num_train_samples, 3, 32, 32), dtype="uint8")
    y_train = np.empty((num_train_samples,), dtype="uint8")
    start = 0
    for data, labels in batches:
        x_train[start : start + len(data)] = data
        y_train[start : start + len(data)] = labels
        start += len(data)
    del batches  # 150 MB for the real data

    fpath = os.path.join(path, "test_batch")
    x_test, y_test = load_batch(fpath)

    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))

    if backend.image_data_format() == "channels_last":
        x_train = x_train.transpose(0, 2, 3, 1)
        x_test = x_test.transpose(0, 2, 3, 1)

    x_test = x_test.astype(x_train.dtype)
    y_test = y_test.astype(y_train.dtype)
    return (x_train, y_train), (x_test, y_test)


__all__ = ["CLASS_NAMES", "load_data"]

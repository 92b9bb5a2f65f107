"""Boston housing prices: `load_data()` as `keras.datasets.boston_housing.load_data()`."""

from __future__ import annotations

import os

import numpy as np

from numkeras.errors import ConfigError
from numkeras.utils.file_utils import get_file

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/boston_housing.npz"
FILE_HASH = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"  # sha256


def check_test_split(test_split) -> None:
    if not (0 <= test_split < 1):
        raise ConfigError(
            f"Invalid `test_split` argument: {test_split}. "
            "It must be between 0 and 1 (exclusive of 1)."
        )


def shuffle_split(x: np.ndarray, y: np.ndarray, test_split: float, seed):
    """Keras's housing split: shuffle with `np.random.RandomState(seed)`, then the first
    `int(len(x) * (1 - test_split))` rows are the training set."""
    rng = np.random.RandomState(seed)
    indices = np.arange(len(x))
    rng.shuffle(indices)
    x = x[indices]
    y = y[indices]

    split = int(len(x) * (1 - test_split))
    x_train = np.array(x[:split])
    y_train = np.array(y[:split])
    x_test = np.array(x[split:])
    y_test = np.array(y[split:])
    return (x_train, y_train), (x_test, y_test)


def load_data(
    path: str | os.PathLike = "boston_housing.npz",
    test_split: float = 0.2,
    seed: int = 113,
    cache_dir: str | None = None,
):
    """Load the Boston Housing dataset (506 samples, 13 features; StatLib, CMU).

    **Warning:** this dataset has an ethical problem: its authors included a variable, "B",
    that may appear to assume that racial self-segregation influences house prices. Keras
    strongly discourages its use except to illustrate ethical issues in data science;
    `california_housing.load_data(version="small")` is the suggested replacement.

    Args:
        path: the file name in Keras's cache (`~/.keras/datasets/`, shared with Keras).
        test_split: the fraction of the data kept for the test set, in `[0, 1)`.
        seed: the seed of the shuffle (`np.random.RandomState(seed)`) done before splitting.
        cache_dir: where to cache instead of `~/.keras` (an argument of Keras 2's
            loaders, not of Keras 3's; accepted so tf.keras scripts run).

    Returns `((x_train, y_train), (x_test, y_test))`, exactly as Keras (same shuffle, same
    split): `x_*` float64 arrays of shape `(n, 13)`, `y_*` float64 arrays of shape `(n,)`
    (median values in k$). The file is downloaded once from Keras's mirror,
    https://storage.googleapis.com/tensorflow/tf-keras-datasets/, and checked against its
    sha256; it is read with `allow_pickle=False`.

    Example (downloads the file on first use, so not run as a doctest):

    >>> from numkeras.datasets import boston_housing
    >>> (x_train, y_train), (x_test, y_test) = boston_housing.load_data()  # doctest: +SKIP
    >>> x_train.shape, x_test.shape  # doctest: +SKIP
    ((404, 13), (102, 13))
    >>> boston_housing.load_data(test_split=1.0)
    Traceback (most recent call last):
      ...
    numkeras.errors.ConfigError: Invalid `test_split` argument: 1.0. It must be between 0 and 1 ...
    """
    check_test_split(test_split)
    path = get_file(path, origin=ORIGIN, file_hash=FILE_HASH, cache_dir=cache_dir)
    with np.load(path, allow_pickle=False) as f:
        x = f["x"]
        y = f["y"]
    return shuffle_split(x, y, test_split, seed)


__all__ = ["load_data"]

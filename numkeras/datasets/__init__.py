"""Small datasets with Keras's loaders: `mnist.load_data()`, `fashion_mnist.load_data()`.

Data files are verified by sha256, cached under `~/.numkeras/datasets/`, and never shipped
with numkeras (see each `load_data` for where they come from).

>>> from numkeras.datasets import mnist, fashion_mnist
>>> callable(mnist.load_data) and callable(fashion_mnist.load_data)
True
"""

from numkeras.datasets import fashion_mnist, mnist
from numkeras.datasets._idx import ChecksumError, DatasetNotFoundError

__all__ = ["ChecksumError", "DatasetNotFoundError", "fashion_mnist", "mnist"]

"""Probabilistic and hinge metrics: the matching losses, averaged over all samples seen.

>>> m = BinaryCrossentropy()
>>> round(m([[0.0], [1.0]], [[0.4], [0.6]]), 4)
0.5108
"""

from __future__ import annotations

from numkeras.losses import (
    binary_crossentropy,
    categorical_crossentropy,
    categorical_hinge,
    hinge,
    kl_divergence,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
)
from numkeras.metrics.reduction import MeanMetricWrapper


class BinaryCrossentropy(MeanMetricWrapper):
    """Mean binary cross-entropy.

    >>> round(BinaryCrossentropy(from_logits=True)([[1.0]], [[0.0]]), 4)
    0.6931
    """

    _direction = "down"

    def __init__(
        self,
        name: str = "binary_crossentropy",
        dtype=None,
        from_logits: bool = False,
        label_smoothing: float = 0,
    ):
        super().__init__(
            binary_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing

    def get_config(self) -> dict:
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
        }


class CategoricalCrossentropy(MeanMetricWrapper):
    """Mean categorical cross-entropy (one-hot targets).

    >>> round(CategoricalCrossentropy()([[0, 1, 0]], [[0.05, 0.95, 0.0]]), 4)
    0.0513
    """

    _direction = "down"

    def __init__(
        self,
        name: str = "categorical_crossentropy",
        dtype=None,
        from_logits: bool = False,
        label_smoothing: float = 0,
        axis: int = -1,
    ):
        super().__init__(
            categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self) -> dict:
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
            "axis": self.axis,
        }


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """Mean sparse categorical cross-entropy (integer labels).

    >>> round(SparseCategoricalCrossentropy()([1], [[0.05, 0.95, 0.0]]), 4)
    0.0513
    """

    _direction = "down"

    def __init__(
        self,
        name: str = "sparse_categorical_crossentropy",
        dtype=None,
        from_logits: bool = False,
        ignore_class: int | None = None,
        axis: int = -1,
    ):
        super().__init__(
            sparse_categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis

    def get_config(self) -> dict:
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "ignore_class": self.ignore_class,
            "axis": self.axis,
        }


class _Simple(MeanMetricWrapper):
    """A metric averaging `_function` with no options; config is just name and dtype."""

    _direction = "down"

    def __init__(self, name: str, dtype=None):
        super().__init__(type(self)._function, name=name, dtype=dtype)

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class KLDivergence(_Simple):
    """Mean Kullback-Leibler divergence.

    >>> round(KLDivergence()([[0.5, 0.5]], [[0.25, 0.75]]), 4)
    0.1438
    """

    _function = staticmethod(kl_divergence)

    def __init__(self, name: str = "kl_divergence", dtype=None):
        super().__init__(name=name, dtype=dtype)


class Poisson(_Simple):
    """Mean Poisson loss.

    >>> round(Poisson()([[1.0, 2.0]], [[1.0, 1.0]]), 4)
    1.0
    """

    _function = staticmethod(poisson)

    def __init__(self, name: str = "poisson", dtype=None):
        super().__init__(name=name, dtype=dtype)


class Hinge(_Simple):
    """Mean hinge loss.

    >>> Hinge()([[-1.0, 1.0]], [[0.3, 0.8]])
    0.75
    """

    _function = staticmethod(hinge)

    def __init__(self, name: str = "hinge", dtype=None):
        super().__init__(name=name, dtype=dtype)


class SquaredHinge(_Simple):
    """Mean squared hinge loss.

    >>> round(SquaredHinge()([[-1.0, 1.0]], [[0.3, 0.8]]), 4)
    0.865
    """

    _function = staticmethod(squared_hinge)

    def __init__(self, name: str = "squared_hinge", dtype=None):
        super().__init__(name=name, dtype=dtype)


class CategoricalHinge(_Simple):
    """Mean categorical hinge loss.

    >>> round(CategoricalHinge()([[0.0, 1.0]], [[0.6, 0.4]]), 4)
    1.2
    """

    _function = staticmethod(categorical_hinge)

    def __init__(self, name: str = "categorical_hinge", dtype=None):
        super().__init__(name=name, dtype=dtype)

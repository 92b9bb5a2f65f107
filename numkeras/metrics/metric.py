"""`Metric`: the base class of stateful metrics (update_state / result / reset_state).

A metric accumulates over batches exactly as Keras does: after several `update_state` calls,
`result()` is the (sample-weighted) mean over every sample seen since the last reset.
Accumulators are float64 scalars (Keras uses float32 variables), so long epochs don't drift.

>>> import numpy as np
>>> from numkeras.metrics import Mean
>>> m = Mean()
>>> m.update_state([1.0, 2.0])
>>> m.update_state([3.0])
>>> m.result()
2.0
>>> m
Mean()
"""

from __future__ import annotations

from numkeras.losses.loss import standardize_dtype
from numkeras.utils.naming import auto_name, config_repr


class Metric:
    """Base class: subclasses implement `update_state`, `result` and `reset_state`.

    Args:
        dtype: Dtype of the per-batch computations (default `backend.floatx()`).
        name: Name of the metric, used as its key in `History` (default: snake_case of the
            class name, made unique like Keras: `precision`, `precision_1`, ...).

    >>> class Count(Metric):
    ...     def __init__(self, name="count"):
    ...         super().__init__(name=name)
    ...         self.n = 0
    ...     def update_state(self, y_true, y_pred, sample_weight=None):
    ...         self.n += len(y_true)
    ...     def result(self):
    ...         return float(self.n)
    ...     def reset_state(self):
    ...         self.n = 0
    >>> Count()([1, 2], [1, 2])
    2.0
    """

    def __init__(self, dtype=None, name: str | None = None):
        self.name = name or auto_name(type(self).__name__)
        self._dtype = standardize_dtype(dtype)

    @property
    def dtype(self) -> str:
        return self._dtype

    def update_state(self, *args, **kwargs) -> None:
        raise NotImplementedError

    def result(self):
        raise NotImplementedError

    def reset_state(self) -> None:
        raise NotImplementedError

    def __call__(self, *args, **kwargs):
        """Update the state with one batch and return the accumulated result (as Keras)."""
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def __repr__(self) -> str:
        return config_repr(self)

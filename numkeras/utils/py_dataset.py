"""`PyDataset` (and its Keras 2 name `Sequence`): a dataset of batches, indexed by batch.

Subclass it, call `super().__init__(**kwargs)`, and define `__len__` (or `num_batches`)
and `__getitem__(index)` returning one batch: `x`, `(x, y)` or `(x, y, sample_weight)`.
`fit`, `evaluate` and `predict` take it as `x`; `fit(shuffle=True)` visits the batches in
a new random order each epoch, and `on_epoch_begin` / `on_epoch_end` run around each
epoch (the classic place to reshuffle the rows, as in Keras's data-generator recipe).

>>> import numpy as np
>>> class Batches(PyDataset):
...     def __init__(self, x, y, batch_size, **kwargs):
...         super().__init__(**kwargs)
...         self.x, self.y, self.batch_size = x, y, batch_size
...     def __len__(self):
...         return -(-len(self.x) // self.batch_size)
...     def __getitem__(self, i):
...         s = slice(i * self.batch_size, (i + 1) * self.batch_size)
...         return self.x[s], self.y[s]
>>> data = Batches(np.zeros((10, 3)), np.zeros(10), batch_size=4)
>>> len(data), data.num_batches, data[2][0].shape
(3, 3, (2, 3))
"""

from __future__ import annotations

import itertools
import math
import warnings

from numkeras.errors import NumkerasWarning


class PyDataset:
    """Base class of batch datasets (see the module docstring).

    `workers`, `use_multiprocessing` and `max_queue_size` are accepted and kept, as
    Keras's; numkeras reads the batches in the training thread, in order.
    """

    def __init__(self, workers: int = 1, use_multiprocessing: bool = False, max_queue_size=10):
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    def _warn_if_super_not_called(self) -> None:
        missing = False
        for attr, default in (("_workers", 1), ("_use_multiprocessing", False)):
            if not hasattr(self, attr):
                setattr(self, attr, default)
                missing = True
        if not hasattr(self, "_max_queue_size"):
            self._max_queue_size = 10
            missing = True
        if missing:
            warnings.warn(
                "Your `PyDataset` class should call `super().__init__(**kwargs)` in its "
                "constructor. `**kwargs` can include `workers`, `use_multiprocessing`, "
                "`max_queue_size`. Do not pass these arguments to `fit()`, as they will be "
                "ignored.",
                NumkerasWarning,
                stacklevel=3,
            )

    @property
    def workers(self) -> int:
        self._warn_if_super_not_called()
        return self._workers

    @workers.setter
    def workers(self, value: int) -> None:
        self._workers = value

    @property
    def use_multiprocessing(self) -> bool:
        self._warn_if_super_not_called()
        return self._use_multiprocessing

    @use_multiprocessing.setter
    def use_multiprocessing(self, value: bool) -> None:
        self._use_multiprocessing = value

    @property
    def max_queue_size(self) -> int:
        self._warn_if_super_not_called()
        return self._max_queue_size

    @max_queue_size.setter
    def max_queue_size(self, value: int) -> None:
        self._max_queue_size = value

    def __getitem__(self, index: int):
        """Batch number `index` (from 0)."""
        raise NotImplementedError(
            f"{type(self).__name__} must define __getitem__(self, index) returning one batch: "
            "x, (x, y) or (x, y, sample_weight)."
        )

    @property
    def num_batches(self) -> int | None:
        """The number of batches (`len(self)` where defined); None for an endless dataset,
        which then needs `steps_per_epoch`."""
        if hasattr(self, "__len__"):
            return len(self)
        raise NotImplementedError(
            f"{type(self).__name__} must define __len__ (the number of batches) or the "
            "`num_batches` property (None for an endless dataset)."
        )

    def __iter__(self):
        n = self.num_batches
        for index in itertools.count() if n is None else range(n):
            yield self[index]

    def on_epoch_begin(self) -> None:
        """Called at the start of each epoch of `fit` (and of `evaluate` / `predict`)."""

    def on_epoch_end(self) -> None:
        """Called at the end of each epoch of `fit` (and of `evaluate` / `predict`)."""

    def __repr__(self) -> str:
        try:
            n = self.num_batches
        except NotImplementedError:
            n = "?"
        return f"<{type(self).__name__} num_batches={n}>"


class RowBatches(PyDataset):
    """`num_rows` samples served `batch_size` at a time (the last batch partial), or one
    unbatched sample per item when `batch_size` is None, as Keras's datasets of that kind
    (`timeseries_dataset_from_array`, `image_dataset_from_directory`). Subclasses give
    `_batch(rows: slice) -> (x, y or None)`.

    Keras returns these as a `tf.data.Dataset`, whose order `fit(shuffle=True)` leaves
    alone: one made with `shuffle=False` (`fixed_order`) is served in its order every
    epoch; one made with `shuffle=True` is reshuffled each epoch by tf.data's own buffer,
    which numkeras stands in for by shuffling the batch order."""

    # (whether fit keeps the batches' order whatever its `shuffle`; see the docstring)
    fixed_order = False

    def __init__(self, num_rows: int, batch_size: int | None, shuffled: bool = True):
        super().__init__()
        self.num_rows, self.batch_size = num_rows, batch_size
        self.fixed_order = not shuffled

    def __len__(self) -> int:
        if self.batch_size is None:
            return self.num_rows
        return math.ceil(self.num_rows / self.batch_size)

    def _batch(self, rows: slice):
        raise NotImplementedError

    def __getitem__(self, index: int):
        if not -len(self) <= index < len(self):
            raise IndexError(f"Batch index {index} out of range for {len(self)} batches.")
        size = self.batch_size or 1
        start = (index % len(self)) * size
        x, y = self._batch(slice(start, start + size))
        if self.batch_size is None:
            x, y = x[0], None if y is None else y[0]
        return x if y is None else (x, y)


Sequence = PyDataset  # Keras 2's name, still exported by Keras 3 as an alias

__all__ = ["PyDataset", "Sequence"]

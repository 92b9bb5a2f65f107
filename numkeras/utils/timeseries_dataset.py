"""`timeseries_dataset_from_array`: sliding windows over a sequence, in batches, as Keras's
(which returns a `tf.data.Dataset`; numkeras returns a `PyDataset` that `fit`, `evaluate`
and `predict` take directly, and that can be indexed and iterated).

Window `i` starts at `start_index + p` for the `i`-th start position `p` (0,
`sequence_stride`, ...) and takes `sequence_length` rows, `sampling_rate` apart; its
target is `targets[start_index + p]`. With `shuffle`, the start positions are shuffled
once with `np.random.RandomState(seed)`, as Keras does first; Keras then also shuffles
through tf.data's own random buffer, so the windows are Keras's but their order is not.
`fit` keeps an unshuffled dataset's batches in order whatever its own `shuffle`, as it
leaves Keras's `tf.data.Dataset` alone (`RowBatches.fixed_order`).

>>> import numpy as np
>>> ds = timeseries_dataset_from_array(np.arange(10), None, sequence_length=3, batch_size=4)
>>> len(ds), ds[0].tolist()
(2, [[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5]])
>>> x, y = timeseries_dataset_from_array(np.arange(10), np.arange(10) * 10, 3, batch_size=2)[1]
>>> x.tolist(), y.tolist()
([[2, 3, 4], [3, 4, 5]], [20, 30])
"""

from __future__ import annotations

import math

import numpy as np

from numkeras.errors import ConfigError
from numkeras.utils.checks import is_int
from numkeras.utils.py_dataset import RowBatches


class TimeseriesDataset(RowBatches):
    """Batches of windows (and their targets); see `timeseries_dataset_from_array`."""

    def __init__(self, data, targets, windows: np.ndarray, target_rows, batch_size, shuffled=True):
        super().__init__(len(windows), batch_size, shuffled)
        self.data, self.targets = data, targets
        self.windows, self.target_rows = windows, target_rows

    def _batch(self, rows: slice):
        x = np.asarray(self.data)[self.windows[rows]]
        y = None if self.targets is None else np.asarray(self.targets)[self.target_rows[rows]]
        return x, y

    def __repr__(self) -> str:
        return (
            f"<TimeseriesDataset windows={len(self.windows)}, batch_size={self.batch_size}, "
            f"window_shape={tuple(self.windows.shape[1:]) + np.shape(self.data)[1:]}>"
        )


def _positive(value, name: str, n: int) -> int:
    if not is_int(value) or value <= 0:
        raise ConfigError(f"`{name}` must be higher than 0. Received: {name}={value!r}")
    if value >= n and name != "sequence_length":
        raise ConfigError(
            f"`{name}` must be lower than the length of the data. Received: {name}={value}, "
            f"for data of length {n}"
        )
    return int(value)


def timeseries_dataset_from_array(
    data,
    targets,
    sequence_length: int,
    sequence_stride: int = 1,
    sampling_rate: int = 1,
    batch_size: int | None = 128,
    shuffle: bool = False,
    seed: int | None = None,
    start_index: int | None = None,
    end_index: int | None = None,
) -> TimeseriesDataset:
    """Windows of `data` (rows: time steps) with their targets, batched (see the module
    docstring). `batch_size=None` gives one window per item."""
    n = len(data)
    if start_index:
        if start_index < 0:
            raise ConfigError(f"`start_index` must be 0 or greater. Received: {start_index}")
        if start_index >= n:
            raise ConfigError(
                f"`start_index` must be lower than the length of the data. Received: "
                f"start_index={start_index}, for data of length {n}"
            )
    if end_index:
        if start_index and end_index <= start_index:
            raise ConfigError(
                "`end_index` must be higher than `start_index`. Received: "
                f"start_index={start_index}, and end_index={end_index}"
            )
        if end_index >= n:
            raise ConfigError(
                f"`end_index` must be lower than the length of the data. Received: "
                f"end_index={end_index}, for data of length {n}"
            )
    if end_index is not None and end_index <= 0:
        raise ConfigError(f"`end_index` must be higher than 0. Received: end_index={end_index}")
    sampling_rate = _positive(sampling_rate, "sampling_rate", n)
    sequence_stride = _positive(sequence_stride, "sequence_stride", n)
    sequence_length = _positive(sequence_length, "sequence_length", n)
    if batch_size is not None:
        batch_size = _positive(batch_size, "batch_size", math.inf)
    start_index = start_index or 0
    end_index = n if end_index is None else end_index
    num_seqs = end_index - start_index - (sequence_length - 1) * sampling_rate
    if targets is not None:
        num_seqs = min(num_seqs, len(targets))
    starts = np.arange(0, max(num_seqs, 0), sequence_stride, dtype=np.int64)
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(starts)
    offsets = np.arange(0, sequence_length * sampling_rate, sampling_rate)
    windows = start_index + starts[:, None] + offsets[None, :]
    return TimeseriesDataset(data, targets, windows, start_index + starts, batch_size, shuffle)


__all__ = ["TimeseriesDataset", "timeseries_dataset_from_array"]

"""Keras 2's `keras.preprocessing.sequence`: `pad_sequences` (Keras 3:
`keras.utils.pad_sequences`), and three things Keras 3 dropped, as the 2017-2021
tutorials use them: `TimeseriesGenerator` (LSTM forecasting: windows of `length` steps
and the value after each), `skipgrams` and `make_sampling_table` (word2vec). They
behave as Keras 2's (tf_keras 2.21), draws included (`skipgrams` shuffles with Python's
`random`, `TimeseriesGenerator(shuffle=True)` draws rows from `np.random`).

>>> import numpy as np
>>> gen = TimeseriesGenerator(np.arange(10), np.arange(10), length=3, batch_size=2)
>>> len(gen), gen[0][0].tolist(), gen[0][1].tolist()
(4, [[0, 1, 2], [1, 2, 3]], [3, 4])
"""

from __future__ import annotations

import json
import random

import numpy as np

from numkeras.errors import ConfigError, ShapeError
from numkeras.utils.py_dataset import PyDataset
from numkeras.utils.sequences import pad_sequences


class TimeseriesGenerator(PyDataset):
    """Batches of windows over `data`: sample `i` is `data[row - length:row:sampling_rate]`
    and its target `targets[row]`, for rows `start_index + length` to `end_index` (the
    last index by default) every `stride`; `shuffle` draws `batch_size` rows at random
    per batch, `reverse` flips each window in time. A `PyDataset` (Keras 2: a `Sequence`):
    `fit(generator, epochs=...)` takes it.

    >>> gen = TimeseriesGenerator(np.arange(6), np.arange(6) * 10, length=2, stride=2)
    >>> gen[0][0].tolist(), gen[0][1].tolist()
    ([[0, 1], [2, 3]], [20, 40])
    """

    def __init__(
        self,
        data,
        targets,
        length: int,
        sampling_rate: int = 1,
        stride: int = 1,
        start_index: int = 0,
        end_index: int | None = None,
        shuffle: bool = False,
        reverse: bool = False,
        batch_size: int = 128,
    ):
        super().__init__()
        if len(data) != len(targets):
            raise ShapeError(
                f"Data and targets have to be of same length. Data length is {len(data)} "
                f"while target length is {len(targets)}"
            )
        self.data = data
        self.targets = targets
        self.length = length
        self.sampling_rate = sampling_rate
        self.stride = stride
        self.start_index = start_index + length
        self.end_index = len(data) - 1 if end_index is None else end_index
        self.shuffle = shuffle
        self.reverse = reverse
        self.batch_size = batch_size
        if self.start_index > self.end_index:
            raise ConfigError(
                f"`start_index+length={self.start_index} > end_index={self.end_index}` is "
                "disallowed, as no part of the sequence would be left to be used as current "
                "step."
            )

    def __len__(self) -> int:
        step = self.batch_size * self.stride
        return (self.end_index - self.start_index + step) // step

    @property
    def num_batches(self) -> int:
        return len(self)

    def __getitem__(self, index: int):
        if self.shuffle:
            rows = np.random.randint(self.start_index, self.end_index + 1, size=self.batch_size)
        else:
            i = self.start_index + self.batch_size * self.stride * index
            rows = np.arange(
                i, min(i + self.batch_size * self.stride, self.end_index + 1), self.stride
            )
        samples = np.array(
            [self.data[row - self.length : row : self.sampling_rate] for row in rows]
        )
        targets = np.array([self.targets[row] for row in rows])
        if self.reverse:
            return samples[:, ::-1, ...], targets
        return samples, targets

    def get_config(self) -> dict:
        """Keras 2's config: the settings, `data` and `targets` as JSON strings."""

        def as_json(value, what):
            if type(value).__module__ == np.__name__:
                value = value.tolist()
            try:
                return json.dumps(value)
            except TypeError as e:
                raise TypeError(f"{what} not JSON Serializable: {type(value).__name__}") from e

        return {
            "data": as_json(self.data, "Data"),
            "targets": as_json(self.targets, "Targets"),
            "length": self.length,
            "sampling_rate": self.sampling_rate,
            "stride": self.stride,
            "start_index": self.start_index,
            "end_index": self.end_index,
            "shuffle": self.shuffle,
            "reverse": self.reverse,
            "batch_size": self.batch_size,
        }

    def to_json(self, **kwargs) -> str:
        return json.dumps(
            {"class_name": type(self).__name__, "config": self.get_config()}, **kwargs
        )

    def __repr__(self) -> str:
        return (
            f"<TimeseriesGenerator length={self.length}, batch_size={self.batch_size}, "
            f"batches={len(self)}>"
        )


def make_sampling_table(size: int, sampling_factor: float = 1e-5) -> np.ndarray:
    """word2vec's keep-probability per word rank (Zipf's law), for `skipgrams`.

    >>> make_sampling_table(3).round(4).tolist()
    [0.0032, 0.0032, 0.0055]
    """
    gamma = 0.577
    rank = np.arange(size)
    rank[0] = 1
    inv_fq = rank * (np.log(rank) + gamma) + 0.5 - 1.0 / (12.0 * rank)
    f = sampling_factor * inv_fq
    return np.minimum(1.0, f / np.sqrt(f))


def skipgrams(
    sequence,
    vocabulary_size: int,
    window_size: int = 4,
    negative_samples: float = 1.0,
    shuffle: bool = True,
    categorical: bool = False,
    sampling_table=None,
    seed=None,
):
    """word2vec pairs: `[word, context]` labelled 1 for each word within `window_size`,
    plus `negative_samples` times as many `[word, random word]` labelled 0 (index 0 is
    padding and skipped); Python's `random` draws them, as in Keras 2.

    >>> skipgrams([1, 2, 3], 4, window_size=1, negative_samples=0, shuffle=False)
    ([[1, 2], [2, 1], [2, 3], [3, 2]], [1, 1, 1, 1])
    """
    couples, labels = [], []
    for i, wi in enumerate(sequence):
        if not wi:
            continue
        if sampling_table is not None and sampling_table[wi] < random.random():
            continue
        for j in range(max(0, i - window_size), min(len(sequence), i + window_size + 1)):
            if j != i:
                wj = sequence[j]
                if not wj:
                    continue
                couples.append([wi, wj])
                labels.append([0, 1] if categorical else 1)
    if negative_samples > 0:
        num_negative = int(len(labels) * negative_samples)
        words = [c[0] for c in couples]
        random.shuffle(words)
        couples += [
            [words[i % len(words)], random.randint(1, int(vocabulary_size - 1))]
            for i in range(num_negative)
        ]
        labels += ([[1, 0]] if categorical else [0]) * num_negative
    if shuffle:
        if seed is None:
            seed = random.randint(0, int(10e6))
        random.seed(seed)
        random.shuffle(couples)
        random.seed(seed)
        random.shuffle(labels)
    return couples, labels


__all__ = ["TimeseriesGenerator", "make_sampling_table", "pad_sequences", "skipgrams"]

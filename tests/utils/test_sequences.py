"""`utils.pad_sequences` (and Keras 2's `preprocessing.sequence` path) against the arrays
Keras 3.15's `keras.utils.pad_sequences` returns for the same calls."""

import numpy as np
import pytest

from numkeras.errors import ConfigError
from numkeras.preprocessing.sequence import pad_sequences as keras2_pad_sequences
from numkeras.utils import pad_sequences

SEQUENCES = [[1], [2, 3], [], [4, 5, 6, 7], [8, 9]]
# (keyword arguments, what Keras 3.15 returns)
KERAS = [
    ({}, [[0, 0, 0, 1], [0, 0, 2, 3], [0, 0, 0, 0], [4, 5, 6, 7], [0, 0, 8, 9]]),
    ({"maxlen": 3}, [[0, 0, 1], [0, 2, 3], [0, 0, 0], [5, 6, 7], [0, 8, 9]]),
    ({"maxlen": 3, "padding": "post"}, [[1, 0, 0], [2, 3, 0], [0, 0, 0], [5, 6, 7], [8, 9, 0]]),
    ({"maxlen": 3, "truncating": "post"}, [[0, 0, 1], [0, 2, 3], [0, 0, 0], [4, 5, 6], [0, 8, 9]]),
    (
        {"maxlen": 2, "padding": "post", "truncating": "post", "value": -1},
        [[1, -1], [2, 3], [-1, -1], [4, 5], [8, 9]],
    ),
    (
        {"dtype": "float32", "value": 0.5},
        [
            [0.5, 0.5, 0.5, 1.0],
            [0.5, 0.5, 2.0, 3.0],
            [0.5, 0.5, 0.5, 0.5],
            [4.0, 5.0, 6.0, 7.0],
            [0.5, 0.5, 8.0, 9.0],
        ],
    ),
]


@pytest.mark.parametrize("kwargs,want", KERAS)
def test_as_keras(kwargs, want):
    got = pad_sequences(SEQUENCES, **kwargs)
    assert got.dtype == np.dtype(kwargs.get("dtype", "int32"))
    np.testing.assert_array_equal(got, want)


def test_keras2_path_vectors_and_errors():
    assert keras2_pad_sequences is pad_sequences
    vectors = pad_sequences([np.ones((2, 3)), np.ones((1, 3))], maxlen=3, dtype="float32")
    assert vectors.shape == (2, 3, 3) and vectors[1, :2].sum() == 0
    with pytest.raises(ConfigError, match="padding"):
        pad_sequences(SEQUENCES, padding="middle")
    with pytest.raises(ConfigError, match="not a sequence"):
        pad_sequences([1, 2])
    with pytest.raises(ConfigError, match="dtype=object"):
        pad_sequences([["a"]], value="pad")

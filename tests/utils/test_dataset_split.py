"""`split_dataset` against Keras 3 on TensorFlow (goldens: scripts/goldens/make_api.py)."""

import json
from pathlib import Path

import numpy as np
import pytest

from numkeras.utils import split_dataset

X = np.arange(20).reshape(10, 2)
Y = np.arange(10) * 10
GOLDEN = json.loads((Path(__file__).parents[1] / "goldens" / "api.json").read_text())["split"]


def test_shuffled_with_a_seed_as_keras():
    left, right = split_dataset(X, left_size=0.7, shuffle=True, seed=1)
    assert [left.tolist(), right.tolist()] == GOLDEN["array_shuffled"]


def test_counts_and_fractions_take_the_first_and_last_rows():
    (lx, ly), (rx, ry) = split_dataset((X, Y), left_size=3, right_size=0.5)
    got = [[[a, b] for a, b in zip(lx.tolist(), ly.tolist())]]
    got.append([[a, b] for a, b in zip(rx.tolist(), ry.tolist())])
    assert got == GOLDEN["tuple"]
    left, right = split_dataset(X, right_size=0.25)
    assert [len(left), len(right)] == GOLDEN["right_only"]
    parts = split_dataset({"a": X, "b": Y}, left_size=4)
    assert sorted(parts[0]) == ["a", "b"] and len(parts[1]["b"]) == 6


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(left_size=0),
        dict(left_size=1.5),
        dict(left_size=10),
        dict(left_size=0.6, right_size=0.6),
    ],
)
def test_bad_sizes(kwargs):
    with pytest.raises(ValueError):
        split_dataset(X, **kwargs)

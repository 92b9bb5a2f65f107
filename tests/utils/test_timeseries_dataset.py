"""`timeseries_dataset_from_array` against Keras 3's (tf.data) windows, batch for batch,
shuffled with a seed included (goldens: scripts/goldens/make_api.py)."""

import json
from pathlib import Path

import numpy as np
import pytest

from numkeras.layers import Dense, Flatten, Input
from numkeras.models import Sequential
from numkeras.utils import timeseries_dataset_from_array

GOLDEN = json.loads((Path(__file__).parents[1] / "goldens" / "api.json").read_text())
DATA = np.arange(40).reshape(20, 2)
TARGETS = np.arange(20) * 10


@pytest.mark.parametrize("case", GOLDEN["timeseries"], ids=lambda c: str(c["kwargs"]))
def test_windows_and_targets_match_keras(case):
    ds = timeseries_dataset_from_array(DATA, TARGETS, **case["kwargs"])
    got = [[x.tolist(), y.tolist()] for x, y in ds]
    assert [len(b[1]) for b in got] == [len(b[1]) for b in case["batches"]]
    if not case["kwargs"].get("shuffle"):
        assert got == case["batches"]
        return
    # shuffled: Keras's windows with their targets, in another order (see the docstring)

    def pairs(batches):
        return sorted((str(w), t) for x, y in batches for w, t in zip(x, y))

    assert pairs(got) == pairs(case["batches"])
    again = timeseries_dataset_from_array(DATA, TARGETS, **case["kwargs"])
    assert [[x.tolist(), y.tolist()] for x, y in again] == got  # the seed fixes the order


def test_without_targets_and_unbatched():
    ds = timeseries_dataset_from_array(DATA, None, sequence_length=4, batch_size=None)
    assert len(ds) == 17
    np.testing.assert_array_equal(ds[0], DATA[0:4])
    np.testing.assert_array_equal(ds[-1], DATA[16:20])


def test_fit_takes_the_dataset():
    x = np.random.default_rng(0).normal(size=(60, 2)).astype("float32")
    ds = timeseries_dataset_from_array(x, x[:, 0], sequence_length=5, batch_size=8)
    model = Sequential([Input((5, 2)), Flatten(), Dense(1)])
    model.compile("adam", "mse")
    history = model.fit(ds, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert model.predict(ds, verbose=0).shape == (56, 1)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(sampling_rate=0), "sampling_rate"),
        (dict(sequence_stride=25), "sequence_stride"),
        (dict(start_index=30), "start_index"),
        (dict(start_index=5, end_index=3), "end_index"),
    ],
)
def test_bad_arguments_raise_value_error(kwargs, match):
    with pytest.raises(ValueError, match=match):
        timeseries_dataset_from_array(DATA, None, sequence_length=3, **kwargs)

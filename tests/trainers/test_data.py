"""Batch gathering in `fit`: any memory layout gives the same batches, and only the rows
a batch needs are read."""

import tracemalloc

import numpy as np
import pytest

from numkeras import layers, utils
from numkeras.models import Model
from numkeras.trainers import data


@pytest.mark.parametrize(
    "layout",
    ["C", "column slice", "Fortran", "row step"],
)
def test_gathered_rows_match_fancy_indexing_for_every_layout(layout):
    base = np.arange(200 * 12, dtype="float32").reshape(200, 12)
    x = {
        "C": base,
        "column slice": base[:, 3:9],
        "Fortran": np.asfortranarray(base),
        "row step": base[::2],
    }[layout]
    index = np.random.default_rng(0).permutation(len(x))[:17]
    got = data.take([x, None], index)
    np.testing.assert_array_equal(got[0], x[index])
    assert got[1] is None
    assert data.take([x], slice(4, 9))[0].base is not None  # slices stay views


def test_gathering_rows_of_a_strided_array_reads_only_those_rows():
    x = np.ones((40_000, 64), "float32")[:, :32]  # a 5 MiB column slice, not C-contiguous
    index = np.arange(0, 40_000, 1_000)
    tracemalloc.start()
    try:
        rows = data.take([x], index)[0]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert rows.shape == (40, 32)
    assert peak < 64 * 1024  # NumPy's take would first copy all 5 MiB of the slice


def _two_input_model():
    a, b = layers.Input((4,)), layers.Input((4,))
    h = layers.Concatenate()([layers.Dense(8, activation="relu")(a), layers.Dense(8)(b)])
    model = Model([a, b], layers.Dense(1, activation="sigmoid")(h))
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


def test_shuffled_fit_trains_the_same_on_views_and_on_copies():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(96, 8)).astype("float32")
    y = rng.integers(0, 2, (96, 1)).astype("float32")
    results = []
    for inputs in (
        [x[:, :4], x[:, 4:]],  # column slices, as users split one array into two inputs
        [np.ascontiguousarray(x[:, :4]), np.ascontiguousarray(x[:, 4:])],
        [np.asfortranarray(x[:, :4]), np.asfortranarray(x[:, 4:])],
    ):
        utils.set_random_seed(7)
        model = _two_input_model()
        model.fit(inputs, y, batch_size=16, epochs=2, shuffle=True, verbose=0)
        results.append(model.get_weights())
    for other in results[1:]:
        for w, v in zip(results[0], other):
            np.testing.assert_array_equal(w, v)

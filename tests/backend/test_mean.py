"""`backend.mean` is `np.mean`, bit for bit, without NumPy's Python-level wrapper."""

import numpy as np
import pytest

from numkeras import backend


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_mean_equals_numpy_mean_bit_for_bit(dtype):
    rng = np.random.default_rng(0)
    for _ in range(200):
        shape = tuple(int(d) for d in rng.integers(1, 30, rng.integers(1, 4)))
        x = (rng.standard_normal(shape) * 10 ** rng.uniform(-6, 6)).astype(dtype)
        for axis in [-1, *(tuple(range(k, x.ndim)) for k in range(x.ndim))]:
            ours, theirs = backend.mean(x, axis=axis), np.mean(x, axis=axis)
            assert np.asarray(ours).dtype == np.asarray(theirs).dtype
            np.testing.assert_array_equal(ours, theirs)


def test_mean_of_other_dtypes_and_empty_axes_is_numpys():
    half = np.array([[1, 2], [3, 5]], "float16")
    assert backend.mean(half, axis=-1).dtype == np.float16  # NumPy sums float16 in float32
    np.testing.assert_array_equal(backend.mean(half, axis=-1), np.mean(half, axis=-1))
    with pytest.warns(RuntimeWarning):  # NumPy's "mean of empty slice"
        empty = backend.mean(np.zeros((2, 0), "float32"), axis=-1)
    assert np.isnan(empty).all()

"""Gradient accumulation on `Variable`: what the layers' backward passes write into."""

import numpy as np

from numkeras.variables import Variable


def test_add_sum_grad_writes_then_accumulates_the_column_sums():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((2, 33, 7)).astype("float32")
    v = Variable(np.zeros(7, "float32"), name="bias")
    v.add_sum_grad(a)  # not being trained: nothing to write
    assert v.grad is None
    buffer = np.full(7, np.nan, "float32")
    v.start_grad(buffer)
    v.add_sum_grad(a)  # first write replaces the buffer's contents
    np.testing.assert_array_equal(buffer, a.sum(axis=0))
    v.add_sum_grad(b)  # a shared layer's second use adds
    np.testing.assert_array_equal(buffer, a.sum(axis=0) + b.sum(axis=0))


def test_add_sum_grad_of_another_dtype_sums_in_that_dtype():
    a = np.array([[1e-8, 1.0], [1.0, 1e-8]], "float32")
    v = Variable(np.zeros(2), name="bias")  # float64 buffer, float32 gradient
    v.start_grad(np.zeros(2))
    v.add_sum_grad(a)
    np.testing.assert_array_equal(v.grad, a.sum(axis=0).astype("float64"))

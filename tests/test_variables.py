"""Gradient accumulation on `Variable`: what the layers' backward passes write into."""

import numpy as np
import pytest

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


def test_keras3_constructor_forms():
    import numkeras

    v = numkeras.Variable([1.0, 2.0])
    assert v.dtype == np.float32 and v.name.startswith("variable") and v.trainable
    w = numkeras.Variable("zeros", shape=(2, 3), name="w", trainable=False)
    assert w.shape == (2, 3) and w.name == "w" and not w.trainable and not w.numpy().any()
    ints = numkeras.Variable(np.ones(2, "int32"))
    ints.assign_add(2)
    ints.assign_sub(1)
    assert ints.dtype == np.int32 and ints.numpy().tolist() == [2, 2]
    assert (w + 1.0).tolist() == [[1.0] * 3] * 2  # Keras's arithmetic on variables
    with pytest.raises(ValueError, match="needs `shape`"):
        numkeras.Variable("ones")


def test_keras3_variable_attributes():
    v = Variable([[1.0, 2.0]], aggregation="mean")
    assert (v.ndim, v.aggregation, v.synchronization, v.overwrite_with_gradient) == (
        2,
        "mean",
        "auto",
        False,
    )


def test_a_layers_trainable_flag_is_mirrored_on_its_variables_as_in_keras_3():
    from numkeras import layers

    d = layers.Dense(2, trainable=False)
    d.build((None, 3))
    assert [v.trainable for v in d.weights] == [False, False]
    d.trainable = True
    assert [v.trainable for v in d.weights] == [True, True]
    bn = layers.BatchNormalization()
    bn.build((None, 3))
    bn.trainable = False
    assert [v.trainable for v in bn.weights] == [False] * 4
    bn.trainable = True  # the moving statistics stay non-trainable
    assert [v.trainable for v in bn.weights] == [True, True, False, False]


def test_a_variable_frozen_by_itself_is_not_trained():
    import numpy as np

    from numkeras import layers, models

    m = models.Sequential([layers.Input((3,)), layers.Dense(2)])
    m.layers[0].kernel.trainable = False
    m.compile("sgd", "mse")
    kernel, bias = (v.numpy() for v in m.layers[0].weights)
    m.fit(np.ones((4, 3), "float32"), np.ones((4, 2), "float32"), verbose=0)
    np.testing.assert_array_equal(m.layers[0].kernel.numpy(), kernel)
    assert not np.array_equal(m.layers[0].bias.numpy(), bias)


def test_np_array_of_a_variable_is_a_snapshot():
    """`np.array(v)` copies (NumPy 2 asks `__array__` for a copy and trusts it): a snapshot
    taken before a training step keeps the old values; `np.asarray(v)` reads the value."""
    import numkeras

    v = numkeras.Variable(np.zeros(3, "float32"))
    before = np.array(v)
    as_float64 = np.array(v, dtype="float64")
    v.assign(np.ones(3, "float32"))
    np.testing.assert_array_equal(before, 0.0)
    np.testing.assert_array_equal(as_float64, 0.0)
    np.testing.assert_array_equal(np.asarray(v), 1.0)
    with pytest.raises(ValueError, match="needs a copy"):
        v.__array__(dtype="float64", copy=False)

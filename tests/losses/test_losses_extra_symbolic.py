"""A loss object called on symbolic tensors (numkeras/losses/symbolic.py): a graph step with
the loss's own value and gradient."""

import numpy as np
import pytest

from numkeras import Input, Model, losses, ops


def test_a_loss_in_a_functional_graph_gives_its_value_and_gradient():
    y_true, y_pred = Input((3,)), Input((3,))
    model = Model([y_true, y_pred], losses.MeanSquaredError()(y_true, y_pred))
    t = np.zeros((2, 3), "float32")
    p = np.linspace(-1, 1, 6).reshape(2, 3).astype("float32")
    assert float(model([t, p])) == pytest.approx(float(np.mean((p - t) ** 2)), rel=1e-6)
    out, cache = model.forward([t, p])
    g_true, g_pred = model.backward(cache, np.float32(1.0))
    np.testing.assert_allclose(g_pred, 2 * (p - t) / p.size, rtol=1e-6)
    np.testing.assert_allclose(g_true, -2 * (p - t) / p.size, rtol=1e-6)  # (MSE's targets too)


def test_a_loss_written_as_call_is_reduced_with_ops():
    class Abs(losses.Loss):
        def call(self, y_true, y_pred):
            return ops.mean(ops.abs(y_pred - y_true), axis=-1)

    y_true, y_pred = Input((2,)), Input((2,))
    model = Model([y_true, y_pred], Abs()(y_true, y_pred))
    value = model([np.zeros((2, 2), "float32"), np.array([[1, 3], [2, 2]], "float32")])
    assert float(value) == pytest.approx(2.0)


def test_unreduced_losses_on_symbolic_tensors_give_per_sample_values_and_gradients():
    # keras.io's NER example: SparseCategoricalCrossentropy(reduction=None) inside a
    # custom loss's call, its values masked and reduced with ops
    y_true, y_pred = Input((2,)), Input((2,))
    values = losses.MeanSquaredError(reduction="none")(y_true, y_pred)
    assert tuple(values.shape) == (None,)
    model = Model([y_true, y_pred], values)
    t = np.zeros((2, 2), "float32")
    p = np.array([[1, 3], [2, 2]], "float32")
    np.testing.assert_allclose(model([t, p]), [5.0, 4.0])
    out, cache = model.forward([t, p])
    g_true, g_pred = model.backward(cache, np.array([1.0, 2.0], "float32"))
    np.testing.assert_allclose(g_pred, [[1, 3], [4, 4]])

    labels, scores = Input((3,), dtype="int32"), Input((3, 4))
    sparse = losses.SparseCategoricalCrossentropy(reduction=None)(labels, scores)
    assert tuple(sparse.shape) == (None, 3)
    with pytest.raises(NotImplementedError, match="sample weights"):
        losses.MeanSquaredError(reduction="none")(y_true, y_pred, Input(()))

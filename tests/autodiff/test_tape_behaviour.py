"""GradientTape's contract besides the numbers: errors, nesting, state left behind."""

from __future__ import annotations

import numpy as np
import pytest

from numkeras import layers, losses, models, ops
from numkeras.autodiff.tape import GradientTape, TapeError
from numkeras.autodiff.tensor import TapeTensor
from numkeras.layers import layer as layer_module
from numkeras.losses import loss as loss_module
from numkeras.ops import operation as operation_module
from numkeras.trainers import trainer as trainer_module
from numkeras.variables import Variable


def _hooks():
    return [m._tape_hook for m in (layer_module, operation_module, loss_module, trainer_module)]


def _model():
    return models.Sequential([layers.Input((3,)), layers.Dense(2, "relu"), layers.Dense(1)])


def test_hooks_only_while_recording_and_tensors_plain_after():
    x = np.arange(3.0, dtype="float32")
    assert _hooks() == [None] * 4
    with GradientTape() as tape:
        assert all(h is not None for h in _hooks())
        t = tape.watch(x) * 2.0
        with tape.stop_recording():
            assert _hooks() == [None] * 4
            unrecorded = ops.sum(t)
    assert _hooks() == [None] * 4
    assert isinstance(t, TapeTensor) and type(t + 1.0) is np.ndarray  # plain math after
    assert type(unrecorded) is np.ndarray
    with pytest.raises(TapeError, match="no tape recorded"):
        tape.gradient(unrecorded, x)


def test_variable_gradient_state_is_restored():
    model = _model()
    x = np.ones((2, 3), "float32")
    model(x)
    # a training step in progress: its gradient buffers must not change
    buffers = {id(v): np.full(v.shape, 7.0, "float32") for v in model.weights}
    for v in model.weights:
        v.grad, v._grad_fresh = buffers[id(v)], False
    with GradientTape() as tape:
        loss = ops.sum(model(x, training=True))
    grads = tape.gradient(loss, model.trainable_weights)
    assert all(g is not None for g in grads)
    for v in model.weights:
        assert v.grad is buffers[id(v)] and v._grad_fresh is False
        assert (v.grad == 7.0).all()
    for v in model.weights:
        v.grad = None
    assert all(v.grad is None for v in model.weights)


def test_non_persistent_tape_gives_one_set_of_gradients():
    w = Variable(np.ones(2, "float32"))
    with GradientTape() as tape:
        y = ops.sum(w * 3.0)
    tape.gradient(y, w)
    with pytest.raises(TapeError, match="persistent=True"):
        tape.gradient(y, w)


def test_in_place_writes_on_recorded_tensors_are_refused():
    x = np.ones((2, 2), "float32")
    with GradientTape() as tape:
        t = tape.watch(x) * 2.0
        with pytest.raises(TapeError, match="In-place"):
            np.add(t, 1.0, out=t)
        with pytest.raises(TapeError, match="Item assignment"):
            t[0, 0] = 3.0
    t[0, 0] = 3.0  # (once the tape stops, it is an array again)


def test_augmented_assignment_on_a_recorded_tensor_makes_a_new_value():
    # `loss += ops.sum(self.losses)` (Keras's compute_loss docs): a new recorded value, as
    # a TensorFlow or JAX tensor gives; the value it was computed from is unchanged
    x = np.array([1.0, 2.0], "float32")
    with GradientTape() as tape:
        xs = tape.watch(x)
        t = xs * 2.0
        before = t
        t += xs * xs
        t *= 3.0
        total = ops.sum(t)
    assert t is not before and before.tolist() == [2.0, 4.0]
    np.testing.assert_allclose(tape.gradient(total, xs), 3.0 * (2.0 + 2.0 * x))
    plain = np.ones(2, "float32").view(TapeTensor)
    plain += 1.0  # no tape recording: in place, as NumPy
    assert plain.tolist() == [2.0, 2.0]


def test_numpy_without_ops_counterpart_and_unrouted_views_are_refused():
    x = np.linspace(0, 1, 6, dtype="float32").reshape(2, 3)
    with GradientTape():
        t = ops.exp(Variable(x))
        with pytest.raises(TapeError, match="np.gradient"):
            np.gradient(t)
        view = t.swapaxes(0, 1)  # an ndarray method the tape does not route
        with pytest.raises(TapeError, match="ndarray method"):
            ops.sum(view)
        assert (t > 1.0).dtype == bool  # comparisons carry no gradient: plain results


def test_second_order_gradients_are_refused_first_order_inside_is_fine():
    model = _model()
    x = np.ones((4, 3), "float32")
    weights = model.trainable_weights
    with GradientTape() as outer:
        with GradientTape() as inner:
            loss = ops.mean(model(x, training=True))
        grads = inner.gradient(loss, weights)
        penalty = ops.sum(ops.square(grads[0]))  # a penalty on a weight gradient
        total = loss + penalty
    with pytest.raises(TapeError, match="second-order"):
        outer.gradient(total, weights)

    with GradientTape() as outer:
        with GradientTape() as inner:
            loss = ops.mean(model(x, training=True))
        grads = inner.gradient(loss, weights)
        norm = ops.sum(ops.square(grads[0]))  # computed, but not part of the target
    first = outer.gradient(loss, weights)
    assert all(g is not None for g in first) and float(norm) >= 0.0


def test_nested_tapes_both_record():
    x = np.array([1.0, 2.0], "float32")
    with GradientTape() as outer:
        t = outer.watch(x)
        with GradientTape() as inner:
            inner.watch(x)
            y = ops.sum(t * t)
        z = y * 3.0
    np.testing.assert_allclose(inner.gradient(y, x), [2.0, 4.0])
    np.testing.assert_allclose(outer.gradient(z, x), [6.0, 12.0])


def test_watch_accessed_variables_false():
    a, b = Variable(np.ones(2, "float32")), Variable(np.ones(2, "float32"))
    with GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(a)
        y = ops.sum(a * b)
    ga, gb = tape.gradient(y, [a, b])
    assert gb is None and ga.tolist() == [1.0, 1.0]
    assert tape.watched_variables() == [a]


def test_dropout_training_mask_is_the_recorded_one():
    layer = layers.Dropout(0.5, seed=1)
    x = np.ones((4, 6), "float32")
    with GradientTape() as tape:
        y = layer(tape.watch(x), training=True)
        loss = ops.sum(y)
    g = tape.gradient(loss, x)
    np.testing.assert_array_equal(g, np.asarray(y))  # 2 on the kept units (x is ones)
    with GradientTape() as tape:
        loss = ops.sum(layer(tape.watch(x)))  # training defaults to False: identity
    np.testing.assert_array_equal(tape.gradient(loss, x), np.ones_like(x))


def test_loss_objects_with_recorded_targets_and_repr():
    tape = GradientTape(persistent=True)
    assert "persistent=True" in repr(tape)
    with tape:
        p = ops.sigmoid(Variable(np.zeros((2, 1), "float32")))
        value = losses.BinaryCrossentropy()(np.ones((2, 1)), p)
    assert isinstance(value, TapeTensor) and value.shape == ()
    np.testing.assert_allclose(float(value), np.log(2.0), rtol=1e-6)
    assert tape.jacobian(value, []) == []  # (tests/autodiff/test_jacobians.py: the values)


def test_a_tape_on_cupy_is_refused_with_the_way_out(monkeypatch):
    from numkeras import backend

    monkeypatch.setattr(backend, "on_cupy", lambda: True)
    tape = GradientTape()
    with pytest.raises(TapeError, match="NumPy arrays only.*set_array_module"):
        tape.__enter__()
    assert _hooks() == [None] * 4  # nothing started recording

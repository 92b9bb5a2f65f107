"""Loss functions and `Loss` subclasses written with ops (no gradient of their own) train:
their call is traced into operations. Gradients against finite differences here; Keras's
training steps with them in tests/layers/test_traced_call.py."""

import numpy as np
import pytest

import numkeras
from numkeras import backend as K
from numkeras import ops
from numkeras.losses import Loss, LossFunctionWrapper
from numkeras.utils.gradcheck import numeric_gradient


def rmse_keras2(y_true, y_pred):
    return K.sqrt(K.mean(K.square(y_pred - y_true), axis=-1))


def wasserstein(y_true, y_pred):
    return ops.mean(y_true * y_pred)


def weighted_log_loss(y_true, y_pred):
    p = ops.clip(y_pred, 1e-7, 1 - 1e-7)
    return -ops.mean(2.0 * y_true * ops.log(p) + (1.0 - y_true) * ops.log(1.0 - p), axis=-1)


class Charbonnier(Loss):
    def call(self, y_true, y_pred):
        return ops.sum(ops.sqrt(ops.square(y_pred - y_true) + 1e-3), axis=-1)


def _check(loss, y_true, y_pred, sample_weight=None):
    value, grad = loss.value_and_grad(y_true, y_pred, sample_weight=sample_weight)
    np.testing.assert_allclose(value, loss(y_true, y_pred, sample_weight=sample_weight))
    assert grad.shape == y_pred.shape and grad.dtype == y_pred.dtype
    numeric = numeric_gradient(
        lambda: float(loss(y_true, y_pred, sample_weight=sample_weight)), y_pred
    )
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize(
    "fn", [rmse_keras2, wasserstein, weighted_log_loss], ids=lambda f: f.__name__
)
@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum"])
@pytest.mark.filterwarnings("ignore:`K.")
def test_function_gradients(fn, reduction):
    rng = np.random.default_rng(1)
    loss = LossFunctionWrapper(fn, reduction=reduction, dtype="float64")
    y_true = rng.random((5, 3))
    y_pred = rng.uniform(0.05, 0.95, (5, 3))
    _check(loss, y_true, y_pred)
    _check(loss, y_true, y_pred, sample_weight=rng.random(5))


def test_a_loss_subclass_with_only_call_trains():
    rng = np.random.default_rng(2)
    _check(Charbonnier(dtype="float64"), rng.normal(size=(4, 3)), rng.normal(size=(4, 3)))


def test_ranks_are_matched_before_the_function_runs():
    # a (N,) target for a (N, 1) output, as Keras's LossFunctionWrapper matches them
    rng = np.random.default_rng(3)
    loss = LossFunctionWrapper(lambda t, p: ops.mean(ops.abs(p - t), axis=-1), dtype="float64")
    _check(loss, rng.normal(size=(6,)), rng.normal(size=(6, 1)))


def test_a_function_that_ignores_y_pred_has_a_zero_gradient():
    loss = LossFunctionWrapper(lambda t, p: ops.mean(t, axis=-1))
    value, grad = loss.value_and_grad(np.ones((2, 3)), np.ones((2, 3), "float32"))
    assert float(value) == 1.0 and not grad.any()


def test_one_trace_serves_every_batch_size():
    loss = LossFunctionWrapper(wasserstein)
    for n in (4, 7, 1):
        loss.value_and_grad(np.ones((n, 2)), np.ones((n, 2), "float32"))
    assert len(loss._traces) == 1


def test_models_train_with_them():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(32, 4)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    model = numkeras.Sequential(
        [numkeras.Input((4,)), numkeras.layers.Dense(1, activation="sigmoid")]
    )
    model.compile(optimizer=numkeras.optimizers.Adam(0.05), loss=weighted_log_loss)
    history = model.fit(x, y, epochs=20, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]


def test_a_numpy_loss_evaluates_but_training_says_why_and_changes_nothing():
    def numpy_mse(y_true, y_pred):
        return np.mean(np.square(y_pred - y_true), axis=-1)

    model = numkeras.Sequential([numkeras.Input((3,)), numkeras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss=numpy_mse)
    x, y = np.ones((4, 3), "float32"), np.zeros((4, 1), "float32")
    assert model.evaluate(x, y, verbose=0) >= 0
    before = model.get_weights()
    with pytest.raises(NotImplementedError, match="'numpy_mse' cannot be trained with"):
        model.fit(x, y, verbose=0)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_a_trace_that_differs_from_the_function_is_refused():
    noise = np.random.default_rng(0).normal(size=(1, 2)).astype("float32")

    def drifting(y_true, y_pred):  # a constant captured at trace time, new values after
        noise[...] += 1.0
        return ops.mean(ops.square(y_pred - y_true + noise.copy()), axis=-1)

    loss = LossFunctionWrapper(drifting)
    with pytest.raises(NotImplementedError, match="other values when traced"):
        loss.value_and_grad(np.zeros((3, 2)), np.ones((3, 2), "float32"))

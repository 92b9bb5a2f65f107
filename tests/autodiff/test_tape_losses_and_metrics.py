"""What a custom `compute_loss` reads inside the step's GradientTape, as Keras's backends
differentiate it: `self.losses` (the weight penalties get their gradients), a metric
updated with the recorded loss (no gradient, no refusal), and a loss between two computed
values (both get their gradients: knowledge distillation's teacher and student)."""

from __future__ import annotations

import numpy as np
import pytest

from numkeras import layers, losses, metrics, ops, regularizers
from numkeras.autodiff.tape import GradientTape


def test_weight_penalties_read_inside_a_tape_reach_the_weights():
    dense = layers.Dense(2, kernel_regularizer=regularizers.L2(0.5), kernel_initializer="ones")
    dense(np.ones((1, 3), "float32"))
    with GradientTape() as tape:
        penalty = ops.sum(dense.losses)
    grad = tape.gradient(penalty, dense.kernel)
    assert float(penalty) == 3.0  # 0.5 * 6 ones
    np.testing.assert_allclose(grad, np.ones((3, 2)))  # d(0.5 * w^2)/dw = w
    assert type(dense.losses[0]) is np.float32  # outside a tape: plain scalars, as before


def test_a_metric_updated_with_a_recorded_value_inside_a_tape():
    x = np.array([1.0, 2.0], "float32")
    tracker = metrics.Mean()
    with GradientTape() as tape:
        xs = tape.watch(x)
        loss = ops.sum(xs * xs)
        tracker.update_state(loss)
    np.testing.assert_allclose(tape.gradient(loss, xs), 2 * x)
    assert tracker.result() == 5.0


def _finite_difference(fn, x, h=1e-3):
    grad = np.zeros_like(x, dtype="float64")
    for i in np.ndindex(x.shape):
        up, down = x.astype("float64"), x.astype("float64")
        up[i] += h
        down[i] -= h
        grad[i] = (fn(up) - fn(down)) / (2 * h)
    return grad


@pytest.mark.parametrize(
    "loss", [losses.KLDivergence(), losses.MeanSquaredError(), losses.MeanAbsoluteError()]
)
def test_a_loss_of_recorded_targets_differentiates_them_too(loss):
    # keras.io's knowledge distillation: KLDivergence(softmax(teacher), softmax(student));
    # Keras's backends differentiate the targets too (the teacher trains)
    rng = np.random.default_rng(0)
    a = rng.normal(size=(3, 4)).astype("float32")
    b = rng.normal(size=(3, 4)).astype("float32")
    w = np.array([1.0, 0.5, 2.0], "float32")
    with GradientTape() as tape:
        ta, tb = tape.watch(a), tape.watch(b)
        value = loss(ops.softmax(ta), ops.softmax(tb), sample_weight=w)
    grad_a, grad_b = tape.gradient(value, [ta, tb])

    def at(x_a, x_b):
        soft = lambda x: np.exp(x) / np.exp(x).sum(-1, keepdims=True)  # noqa: E731
        return float(loss(soft(x_a).astype("float32"), soft(x_b).astype("float32"), w))

    np.testing.assert_allclose(grad_a, _finite_difference(lambda x: at(x, b), a), atol=2e-3)
    np.testing.assert_allclose(grad_b, _finite_difference(lambda x: at(a, x), b), atol=2e-3)

"""Second-order gradients (numkeras/autodiff/second_order.py): WGAN-GP's gradient penalty
differentiated with respect to a critic's weights, against Keras 3 on JAX (goldens from
scripts/goldens/make_second_order.py) and against central differences."""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest

import numkeras
from numkeras import layers, models, ops
from numkeras.autodiff import GradientTape, TapeError
from tests.autodiff.second_order_critics import TRAINING, critic_inputs, critics, ordered_weights

GOLDEN = json.loads(
    (pathlib.Path(__file__).parents[1] / "goldens" / "second_order.json").read_text()
)["critics"]


def penalty_and_grads(critic, x, training=False, name=""):
    """WGAN-GP's penalty as keras.io writes it, and its gradient for the critic's weights
    (`name`: the critic's, for its inputs besides the images)."""
    with GradientTape() as tape:
        with GradientTape() as gp_tape:
            x = gp_tape.watch(x)
            pred = critic(critic_inputs(name, x), training=training)
        grads = gp_tape.gradient(pred, [x])[0]
        norm = ops.sqrt(ops.sum(ops.square(grads), axis=tuple(range(1, grads.ndim))))
        gp = ops.mean((norm - 1.0) ** 2)
    return float(gp), tape.gradient(gp, ordered_weights(critic))


def _critic(name):
    model = critics(numkeras)[name]
    case = GOLDEN[name]
    for w, value in zip(ordered_weights(model), case["weights"]):
        w.assign(np.asarray(value, "float32"))
    return model, np.asarray(case["x"], "float32"), case


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_gradient_penalty_matches_keras(name):
    model, x, case = _critic(name)
    value, grads = penalty_and_grads(model, x, name in TRAINING, name)
    np.testing.assert_allclose(value, case["penalty"], rtol=2e-5, atol=1e-6)
    assert len(grads) == len(case["grads"])
    # (a weight whose gradient is zero up to rounding, a batch-normalized layer's beta,
    # is compared at the scale of the largest gradient)
    scale = max(np.abs(np.asarray(w)).max() for w in case["grads"])
    for g, want in zip(grads, case["grads"]):
        want = np.asarray(want, "float32")
        if g is None:  # (unconnected, as tf.GradientTape: the last bias; JAX gives zeros)
            assert not want.any()
            continue
        assert g.dtype == np.float32 and g.shape == want.shape
        np.testing.assert_allclose(
            g, want, rtol=2e-4, atol=2e-5 * max(np.abs(want).max(), 0.05 * scale)
        )


def _penalty64(model, x, training=False, name=""):
    """The penalty from first-order gradients alone, in float64 (for central differences)."""
    with GradientTape() as tape:
        x = tape.watch(x)
        pred = model(critic_inputs(name, x), training=training)
    g = np.asarray(tape.gradient(pred, x), np.float64)
    norm = np.sqrt((g * g).reshape(len(g), -1).sum(1))
    return float(np.mean((norm - 1) ** 2))


@pytest.mark.parametrize(
    "name",
    ["dense_tanh", "dense_gelu", "dense_elu", "functional", "subclassed"]
    + ["pooling", "pooling_1d", "batch_norm", "batch_norm_inference", "attention"]
    + ["conditional", "softmax"],
)
def test_gradient_penalty_central_differences(name):
    model, x, _ = _critic(name)
    training = name in TRAINING
    _, grads = penalty_and_grads(model, x, training, name)
    rng = np.random.default_rng(1)
    eps = 1e-3
    for w, g in zip(ordered_weights(model), grads):
        g = np.zeros(w.shape, "float32") if g is None else g
        value = w.numpy()
        flat = value.reshape(-1)
        for i in rng.choice(flat.size, min(4, flat.size), replace=False):
            old = flat[i]
            flat[i] = old + eps
            w.assign(value)
            up = _penalty64(model, x, training, name)
            flat[i] = old - eps
            w.assign(value)
            down = _penalty64(model, x, training, name)
            flat[i] = old
            w.assign(value)
            numeric = (up - down) / (2 * eps)
            assert abs(g.reshape(-1)[i] - numeric) <= 5e-3 * (abs(numeric) + 0.05)


def test_input_gradient_of_the_penalty_through_curvature():
    """d(penalty)/dx: zero for a piecewise-linear critic, and the curvature terms for a
    smooth one (central differences in x)."""
    model, x, _ = _critic("dense_tanh")
    with GradientTape() as tape:
        xs = tape.watch(x)
        with GradientTape() as gp_tape:
            xi = gp_tape.watch(xs)
            pred = model(xi)
        g = gp_tape.gradient(pred, xi)
        gp = ops.sum(g * g)
    dx = tape.gradient(gp, xs)

    def value(a):
        with GradientTape() as t:
            a = t.watch(a)
            p = model(a)
        return float(np.sum(np.asarray(t.gradient(p, a), np.float64) ** 2))

    eps = 1e-3
    for idx in [(0, 0), (2, 3), (4, 1)]:
        up, down = x.copy(), x.copy()
        up[idx] += eps
        down[idx] -= eps
        numeric = (value(up) - value(down)) / (2 * eps)
        assert abs(dx[idx] - numeric) <= 5e-3 * (abs(numeric) + 0.05)


def test_training_dropout_keeps_its_mask():
    """With training=True, the penalty's second derivative goes through the same dropout
    mask as the inner gradient: equal to a critic whose dropout is that fixed mask."""
    model, x, _ = _critic("gan")
    value, grads = penalty_and_grads(model, x, training=True)
    assert np.isfinite(value) and all(np.all(np.isfinite(g)) for g in grads)
    _, eval_grads = penalty_and_grads(model, x, training=False)
    assert any(not np.allclose(a, b) for a, b in zip(grads, eval_grads))


def test_wgan_gp_critic_step_lowers_the_penalty():
    """A keras.io-style critic step (loss + 10 * penalty) applied with Adam lowers the
    penalty of a critic far from 1-Lipschitz."""
    model, x, _ = _critic("conv")
    opt = __import__("numkeras").optimizers.Adam(1e-2)
    first = None
    for _ in range(20):
        with GradientTape() as tape:
            with GradientTape() as gp_tape:
                xs = gp_tape.watch(x)
                pred = model(xs, training=True)
            g = gp_tape.gradient(pred, [xs])[0]
            norm = ops.sqrt(ops.sum(ops.square(g), axis=[1, 2, 3]))
            gp = ops.mean((norm - 1.0) ** 2)
            loss = ops.mean(model(x, training=True)) + gp * 10.0
        grads = tape.gradient(loss, model.trainable_weights)
        opt.apply_gradients(zip(grads, model.trainable_weights))
        first = float(gp) if first is None else first
    assert float(gp) < 0.5 * first


@pytest.mark.parametrize("case", ["sparsemax", "maximum_of_two_paths"])
def test_unsupported_path_refused_only_when_differentiated(case):
    dense = layers.Dense(3)
    if case == "sparsemax":  # (not elementwise: no rule)
        model = models.Sequential(
            [layers.Input((4,)), dense, layers.Activation("sparsemax"), layers.Dense(1)]
        )
    else:
        model = models.Sequential([layers.Input((4,)), dense])
    x = np.ones((2, 4), "float32")
    with GradientTape() as tape:
        with GradientTape() as gp_tape:
            xs = gp_tape.watch(x)
            pred = model(xs, training=False)
            if case == "maximum_of_two_paths":
                pred = ops.maximum(pred, model(xs) * 2.0)  # (no rule for maximum)
        g = gp_tape.gradient(pred, xs)  # the first-order gradient itself is fine
        gp = ops.sum(g * g)
    assert g.shape == (2, 4)
    with pytest.raises(TapeError, match="second-order"):
        tape.gradient(gp, model.trainable_weights)


def test_max_pooling_channels_first_matches_channels_last():
    """The max-pooling rule reads its cache channels last: a channels_first critic gives the
    penalty gradient of the same critic channels last."""

    def critic(data_format):
        return models.Sequential(
            [
                layers.Input((6, 6, 2) if data_format == "channels_last" else (2, 6, 6)),
                layers.Conv2D(3, 3, padding="same", activation="tanh", data_format=data_format),
                layers.MaxPooling2D(2, strides=1, data_format=data_format),
                layers.Flatten(data_format=data_format),
                layers.Dense(1),
            ]
        )

    last, first = critic("channels_last"), critic("channels_first")
    rng = np.random.default_rng(3)
    for a, b in zip(last.weights, first.weights):
        value = rng.standard_normal(a.shape).astype("float32")
        a.assign(value)
        b.assign(value)
    x = rng.standard_normal((3, 6, 6, 2)).astype("float32")
    value_last, grads_last = penalty_and_grads(last, x)
    value_first, grads_first = penalty_and_grads(first, x.transpose(0, 3, 1, 2))
    np.testing.assert_allclose(value_first, value_last, rtol=1e-5)
    for a, b in zip(grads_first, grads_last):
        if b is None:  # (the last bias)
            assert a is None
            continue
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_fgsm_adversarial_step_through_sign_of_a_loss_gradient():
    """FGSM adversarial training inside one tape: the inner gradient goes through a loss (no
    second-order rule), but `sign` passes no gradient back to it, so the outer gradient is
    that of the adversarial loss at the fixed perturbed input, as in TF and JAX."""
    rng = np.random.default_rng(5)
    model = models.Sequential(
        [layers.Input((4,)), layers.Dense(8, activation="tanh"), layers.Dense(3)]
    )
    loss_fn = numkeras.losses.SparseCategoricalCrossentropy(from_logits=True)
    x = rng.standard_normal((5, 4)).astype("float32")
    y = np.array([0, 1, 2, 0, 1])
    with GradientTape() as tape:
        with GradientTape() as inner:
            xs = inner.watch(x)
            clean = loss_fn(y, model(xs))
        g = inner.gradient(clean, xs)
        x_adv = xs + 0.1 * ops.sign(g)
        total = loss_fn(y, model(x_adv)) + clean
    grads = tape.gradient(total, model.trainable_weights)
    fixed = x + 0.1 * np.sign(np.asarray(g))
    with GradientTape() as tape:
        want_total = loss_fn(y, model(fixed)) + loss_fn(y, model(x))
    want = tape.gradient(want_total, model.trainable_weights)
    np.testing.assert_allclose(float(total), float(want_total), rtol=1e-6)
    for a, b in zip(grads, want):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)
    # a product with the gradient itself still has no rule through the loss
    with GradientTape() as tape:
        with GradientTape() as inner:
            xs = inner.watch(x)
            clean = loss_fn(y, model(xs))
        g = inner.gradient(clean, xs)
        penalty = ops.sum(g * g)
    with pytest.raises(TapeError, match="second-order"):
        tape.gradient(penalty, model.trainable_weights)


def test_constant_powers_against_central_differences():
    """`x ** p` for a constant p: p = 1 and an integer p = 0 have no curvature (no 0 * inf
    at x = 0; JAX's integer power), p = 3 has 6 x."""

    class Critic(models.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(3)
            self.out = layers.Dense(1)

        def call(self, x, training=False):
            h = ops.relu(self.dense(x))  # (exact zeros, where x ** (p - 2) is inf)
            return self.out(h**3 * 0.1 + ops.power(h, 1.0) + h**0 + ops.power(h, 1))

    model = Critic()
    x = np.random.default_rng(2).standard_normal((4, 2)).astype("float32")
    model(x)
    _, grads = penalty_and_grads(model, x)
    assert all(np.isfinite(g).all() for g in grads if g is not None)
    w = model.dense.kernel
    value = w.numpy()
    eps = 1e-3
    for i in range(value.size):
        flat = value.reshape(-1).copy()
        flat[i] += eps
        w.assign(flat.reshape(value.shape))
        up = _penalty64(model, x)
        flat[i] -= 2 * eps
        w.assign(flat.reshape(value.shape))
        down = _penalty64(model, x)
        w.assign(value)
        numeric = (up - down) / (2 * eps)
        assert abs(grads[0].reshape(-1)[i] - numeric) <= 5e-3 * (abs(numeric) + 0.05)

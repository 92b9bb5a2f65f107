"""Custom `train_step`s with GradientTape, against the built-in `fit` and Keras 3 on
torch (goldens: scripts/goldens/make_tape.py)."""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest

from numkeras import layers, losses, metrics, models, ops, optimizers
from numkeras.autodiff.tape import GradientTape

GOLDEN = json.loads((pathlib.Path(__file__).parents[1] / "goldens" / "tape_train.json").read_text())
LATENT, DIM = 2, 3


def _f32(arrays):
    return [np.asarray(a, "float32") for a in arrays]


def _generator():
    return models.Sequential(
        [
            layers.Input((LATENT,)),
            layers.Dense(8, use_bias=False),
            layers.BatchNormalization(),
            layers.Activation("relu"),
            layers.Dense(DIM),
        ]
    )


def _discriminator():
    return models.Sequential(
        [layers.Input((DIM,)), layers.Dense(8, activation="tanh"), layers.Dense(1)]
    )


def _regressor():
    return models.Sequential(
        [layers.Input((3,)), layers.Dense(4, activation="tanh"), layers.Dense(1)]
    )


class GAN(models.Model):
    """keras.io's GAN: sub-models as attributes, no `call`, its own `compile` and
    `train_step` (noise from np.random.default_rng(step))."""

    def __init__(self, g, d):
        super().__init__()
        self.generator, self.discriminator = g, d
        self.steps = 0

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer, self.g_optimizer, self.loss_fn = d_optimizer, g_optimizer, loss_fn

    def train_step(self, data):
        real = data
        rng = np.random.default_rng(self.steps)
        self.steps += 1
        n = len(real)
        noise = rng.normal(size=(n, LATENT)).astype("float32")
        with GradientTape() as tape:
            fake = self.generator(noise, training=True)
            d_loss = self.loss_fn(ops.ones((n, 1)), self.discriminator(real, training=True))
            d_loss = d_loss + self.loss_fn(
                ops.zeros((n, 1)), self.discriminator(fake, training=True)
            )
        weights = self.discriminator.trainable_weights
        self.d_optimizer.apply_gradients(zip(tape.gradient(d_loss, weights), weights))
        noise = rng.normal(size=(n, LATENT)).astype("float32")
        with GradientTape() as tape:
            pred = self.discriminator(self.generator(noise, training=True), training=True)
            g_loss = self.loss_fn(ops.ones_like(pred), pred)
        weights = self.generator.trainable_weights
        self.g_optimizer.apply(tape.gradient(g_loss, weights), weights)
        return {"d_loss": d_loss, "g_loss": g_loss}


def test_gan_train_step_matches_keras_torch():
    g, d = _generator(), _discriminator()
    g.set_weights(_f32(GOLDEN["g_initial"]))
    d.set_weights(_f32(GOLDEN["d_initial"]))
    gan = GAN(g, d)
    gan.compile(
        optimizers.Adam(1e-2), optimizers.Adam(1e-2), losses.BinaryCrossentropy(from_logits=True)
    )
    real = np.asarray(GOLDEN["real"], "float32")
    history = gan.fit(real, batch_size=8, epochs=2, shuffle=False, verbose=0)
    assert set(history.history) == {"d_loss", "g_loss"}
    # (the BatchNormalization's moving statistics too: a direct training call updates them)
    for got, want in zip(g.get_weights() + d.get_weights(), GOLDEN["g_final"] + GOLDEN["d_final"]):
        np.testing.assert_allclose(got, want, rtol=2e-4, atol=2e-5)
    assert not np.allclose(g.get_weights()[0], GOLDEN["g_initial"][0])


class TapeRegression(models.Model):
    """The built-in step, written with a tape as Keras's guides write it."""

    def train_step(self, data):
        x, y = data
        with GradientTape() as tape:
            pred = self(x, training=True)
            loss = self.compute_loss(x, y, pred)
        grads = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        return {"loss": loss}


def _fit(model, initial):
    model.set_weights(_f32(initial))
    model.compile(optimizer=optimizers.SGD(0.05), loss="mse")
    x, y = np.asarray(GOLDEN["reg_x"], "float32"), np.asarray(GOLDEN["reg_y"], "float32")
    model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    return model.get_weights()


def test_regression_train_step_matches_builtin_fit_and_keras():
    base = _regressor()
    custom = TapeRegression(base.inputs, base.outputs)
    assert type(custom).train_step is not models.Model.train_step
    got = _fit(custom, GOLDEN["reg_initial"])
    builtin = _fit(_regressor(), GOLDEN["reg_initial"])
    for a, b, k in zip(got, builtin, GOLDEN["reg_final"]):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(a, k, rtol=1e-5, atol=1e-6)


def test_eager_training_loop_with_optimizer_apply_and_none_grads():
    model = _regressor()
    unused = layers.Dense(2)
    unused.build((None, 3))
    opt = optimizers.SGD(0.1)
    x = np.ones((4, 3), "float32")
    variables = model.trainable_weights + unused.trainable_weights
    before = [v.numpy() for v in variables]
    with GradientTape() as tape:
        loss = ops.mean(ops.square(model(x, training=True) - 1.0))
    grads = tape.gradient(loss, variables)
    assert grads[-1] is None and grads[0] is not None
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        opt.apply_gradients(zip(grads, variables))
    after = [v.numpy() for v in variables]
    np.testing.assert_allclose(after[0], before[0] - 0.1 * grads[0], rtol=1e-6)
    np.testing.assert_array_equal(after[-1], before[-1])


def test_gradient_and_update_inside_the_with_block():
    model = _regressor()
    opt = optimizers.Adam(0.1)
    x = np.ones((4, 3), "float32")
    before = model.get_weights()
    with GradientTape() as tape:
        loss = ops.mean(ops.square(model(x, training=True)))
        grads = tape.gradient(loss, model.trainable_weights)
        opt.apply_gradients(zip(grads, model.trainable_weights))  # (still recording)
    assert all(not np.allclose(a, b) for a, b in zip(model.get_weights(), before))
    assert all(type(v.value) is np.ndarray for v in model.weights)


class MeanTracking(models.Model):
    """A step-driven model with its own `metrics` (reset by fit each epoch) and `test_step`."""

    def __init__(self, net):
        super().__init__()
        self.net = net
        self.tracker = metrics.Mean(name="score")

    @property
    def metrics(self):
        return [self.tracker]

    def train_step(self, data):
        x, y = data
        self.tracker.update_state(ops.mean(self.net(x) - y))
        return {"score": self.tracker.result()}

    def test_step(self, data):
        x, y = data
        self.tracker.update_state(ops.mean(y))
        return {"score": self.tracker.result()}


def test_a_step_driven_model_resets_its_own_metrics_and_evaluates_with_its_test_step():
    model = MeanTracking(_regressor())
    model.compile()
    x = np.ones((8, 3), "float32")
    y = np.arange(8, dtype="float32").reshape(8, 1)
    first = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0).history["score"]
    assert first[0] == pytest.approx(first[1], rel=1e-6)  # each epoch starts from zero
    assert model.evaluate(x, y, batch_size=4, verbose=0) == pytest.approx(3.5)
    history = model.fit(x, y, batch_size=4, epochs=1, verbose=0, validation_data=(x, y))
    assert history.history["val_score"] == [pytest.approx(3.5)]


@pytest.mark.parametrize(
    "argument",
    [
        {"class_weight": {0: 1.0}},
        {"validation_steps": 1},
        {"validation_batch_size": 2},
    ],
)
def test_a_step_driven_fit_refuses_what_it_cannot_apply(argument):
    model = MeanTracking(_regressor())
    model.compile()
    x, y = np.ones((8, 3), "float32"), np.zeros((8, 1), "float32")
    with pytest.raises(ValueError, match=next(iter(argument))):
        model.fit(x, y, batch_size=4, verbose=0, **argument)


def test_a_step_driven_fit_splits_array_data_for_validation():
    # Keras splits `validation_split` off array data before any step sees it (the last
    # fraction), whatever the train_step; checked with Keras 3.15 on TensorFlow: 6.5
    model = MeanTracking(_regressor())
    model.compile()
    x, y = np.ones((8, 3), "float32"), np.arange(8, dtype="float32").reshape(8, 1)
    history = model.fit(x, y, batch_size=4, verbose=0, validation_split=0.25, shuffle=False)
    assert history.history["val_score"] == [pytest.approx(6.5)]

"""Keras 2's trainable-at-compile rule, which the classic GAN relies on, and one
optimizer shared by several models."""

import warnings

import numpy as np
import pytest

from numkeras import initializers
from numkeras.errors import NumkerasWarning
from numkeras.layers import Dense, Dropout, Input, LeakyReLU
from numkeras.models import Model, Sequential
from numkeras.optimizers import Adam


def build_gan(toggle_first: bool = False):
    adam = Adam(learning_rate=0.0002, beta_1=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g = Sequential(
            [
                Dense(16, input_dim=8, kernel_initializer=initializers.RandomNormal(stddev=0.02)),
                LeakyReLU(0.2),
                Dense(12, activation="tanh"),
            ],
            name="g",
        )
        g.compile(loss="binary_crossentropy", optimizer=adam)
        d = Sequential(
            [Dense(16, input_dim=12), LeakyReLU(0.2), Dropout(0.3), Dense(1, activation="sigmoid")],
            name="d",
        )
    d.compile(loss="binary_crossentropy", optimizer=adam)
    d.trainable = False
    z = Input(shape=(8,))
    gan = Model(inputs=z, outputs=d(g(z)))
    gan.compile(loss="binary_crossentropy", optimizer=adam)
    return g, d, gan, adam


def snapshot(model):
    return [w.copy() for w in model.get_weights()]


def changed(before, model):
    return [not np.array_equal(a, b) for a, b in zip(before, model.get_weights())]


def d_batch(g, rng):
    fake = g.predict(rng.normal(size=(16, 8)), verbose=0)
    real = rng.uniform(-1, 1, size=(16, 12))
    y = np.zeros(32)
    y[:16] = 0.9
    return np.concatenate([real, fake]), y


@pytest.mark.parametrize("toggle", [False, True])
def test_classic_gan_trains_d_then_only_g(toggle):
    g, d, gan, adam = build_gan()
    rng = np.random.default_rng(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NumkerasWarning)
        for _ in range(2):
            x, y = d_batch(g, rng)
            g0, d0 = snapshot(g), snapshot(d)
            if toggle:
                d.trainable = True
            d.train_on_batch(x, y)
            assert all(changed(d0, d)), "D's step must train every D weight"
            assert not any(changed(g0, g)), "D's step must not touch G"
            g0, d0 = snapshot(g), snapshot(d)
            if toggle:
                d.trainable = False
            gan.train_on_batch(rng.normal(size=(16, 8)), np.ones(16))
            assert all(changed(g0, g)), "the GAN step must train every G weight"
            assert not any(changed(d0, d)), "the GAN step must not touch D"
    assert len(gan.trainable_weights) == 4  # D is frozen now; only G's 4 weights


def test_one_shared_optimizer_keeps_slots_per_variable():
    g, d, gan, adam = build_gan()
    rng = np.random.default_rng(1)
    x, y = d_batch(g, rng)
    d.train_on_batch(x, y)
    gan.train_on_batch(rng.normal(size=(16, 8)), np.ones(16))
    g.train_on_batch(rng.normal(size=(4, 8)), rng.uniform(size=(4, 12)))
    assert adam.iterations == 3
    # every variable of G and D got its own slots, no mix-up between models
    for v in g.weights + d.weights:
        m = adam.get_slot(v, "momentum")
        assert m.shape == v.shape and m.dtype == np.float32
        assert np.any(m != 0)


def test_changing_trainable_after_compile_warns_once_naming_the_layer():
    g, d, gan, adam = build_gan()
    rng = np.random.default_rng(2)
    x, y = d_batch(g, rng)
    with pytest.warns(NumkerasWarning) as record:
        d.trainable = True  # D was compiled trainable: no drift for D itself
        d.train_on_batch(x, y)
        gan.train_on_batch(rng.normal(size=(16, 8)), np.ones(16))
        gan.train_on_batch(rng.normal(size=(16, 8)), np.ones(16))
    texts = [str(r.message) for r in record if issubclass(r.category, NumkerasWarning)]
    assert len(texts) == 1
    assert "Model 'functional" in texts[0] and "'d'" in texts[0]
    assert "trainable=False at compile, now True" in texts[0]
    assert "compile() again" in texts[0]


def test_recompile_applies_the_new_flags():
    g, d, gan, adam = build_gan()
    d.trainable = True
    gan.compile(loss="binary_crossentropy", optimizer=adam)
    rng = np.random.default_rng(3)
    d0 = snapshot(d)
    with warnings.catch_warnings():
        warnings.simplefilter("error", NumkerasWarning)
        gan.train_on_batch(rng.normal(size=(16, 8)), np.ones(16))
    assert all(changed(d0, d))


def test_nothing_to_train_warns_and_changes_nothing():
    model = Sequential([Input((3,)), Dense(2)])
    model.trainable = False
    model.compile(optimizer="sgd", loss="mse")
    w0 = snapshot(model)
    with pytest.warns(NumkerasWarning, match="no trainable weights"):
        loss = model.train_on_batch(np.ones((4, 3)), np.zeros((4, 2)))
    assert np.isfinite(loss)
    assert not any(changed(w0, model))

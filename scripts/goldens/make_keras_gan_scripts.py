"""Goldens for tests/examples/test_keras_gan_scripts.py: the Keras 2 GAN scripts of
eriklindernoren/Keras-GAN (2017-2018, the most copied Keras GAN collection) beyond its
DCGAN (in make_keras2_examples.py): gan, cgan, acgan, wgan, lsgan, sgan, infogan, cogan,
bgan, bigan, dualgan, context_encoder and pix2pix, each with its model-building code as
written (Sequential inside functional models, `discriminator.trainable = False` after
compiling it, one `Adam(0.0002, 0.5)` shared by every model, custom losses on
`keras.backend`, multi-output combined models with `loss_weights`, shared layers between
two models) and its training loop's `train_on_batch` calls, at a reduced size: few rows
of synthetic data of the datasets' shapes, a couple of steps, smaller filter counts where
the script has a setting for them (pix2pix's `gf` / `df`), weights from a seeded NumPy RNG
through `set_weights`, and dropout rates 0 (Keras and numkeras draw different masks;
each change is noted where made). wgan_gp needs `K.gradients` (graph-mode TensorFlow),
which numkeras refuses by design: not here.

Each scenario is a function of the Keras-like package (tf_keras 2.21 here, numkeras in
the test) returning the losses of every step, predictions after training and how far
each weight moved. tf_keras runs BatchNormalization non-fused here (see `_names`): its
fused kernel, for 4-D inputs, moves the moving variance by the unbiased batch variance,
Keras 3 and numkeras by the biased one, as tf_keras's own non-fused layer does.
`keras2_metric_order` checks the order of `train_on_batch`'s values that the ACGAN's
`d_loss[3]` / `d_loss[4]` rely on.

Run with real Keras 2 (optionally only the scenarios named):
    cd /tmp && TF_USE_LEGACY_KERAS=1 /work/tfenv/bin/python \\
        /work/main/scripts/goldens/make_keras_gan_scripts.py
"""

# the scripts' code is kept as written (unused loop names, "%d" % x)
# ruff: noqa: B007, UP031

from __future__ import annotations

import functools
import io
import json
import pathlib
import random
import sys
import time
import warnings
from contextlib import redirect_stdout

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from make_keras2_examples import _error, _f, _init, _m, _mnist  # noqa: E402

from tests.differential import Scenarios  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "goldens" / "keras_gan_scripts.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


# -- helpers ------------------------------------------------------------------------------
def _names(keras):
    """The names the scripts import, from the package given."""
    L = _m(keras, "layers")
    names = {n: getattr(L, n) for n in dir(L) if not n.startswith("_")}
    if keras.__name__ == "tf_keras":
        # TensorFlow's fused BatchNormalization (4-D inputs) moves its moving variance by
        # the unbiased batch variance, Keras 3 (as numkeras) by the biased one; the
        # non-fused one (tf_keras's own for 2-D inputs) computes as Keras 3 does
        names["BatchNormalization"] = functools.partial(L.BatchNormalization, fused=False)
    names["Sequential"] = _m(keras, "models").Sequential
    names["Model"] = _m(keras, "models").Model
    names["K"] = _m(keras, "backend")
    names["to_categorical"] = keras.utils.to_categorical
    # one optimizer shared by several models: tf_keras 2.11+'s Adam refuses a second
    # model's variables, so the legacy ones (the Keras 2.3 optimizers the scripts used)
    legacy = _m(keras, "optimizers.legacy")
    names["Adam"], names["RMSprop"] = legacy.Adam, legacy.RMSprop
    return type("Names", (), names)


def _snapshot(*models):
    """Every weight of the models, by model and position, as float64 copies."""
    return [[np.array(w, dtype="float64") for w in m.get_weights()] for m in models]


def _moved(before, models):
    """How far each weight moved in training, x 1e3 (an Adam step moves ~2e-4): the mean
    absolute and root mean square change, per model and weight, in `get_weights` order.
    (Not the signed mean: Adam moves a weight whose gradient is rounding noise by a full
    step either way, and the few such weights, a conv bias before a BatchNormalization,
    take random signs, in Keras as in numkeras.)"""
    out = []
    for old, model in zip(before, models):
        rows = []
        for w0, w1 in zip(old, model.get_weights()):
            delta = (np.asarray(w1, "float64") - w0) * 1e3
            rows.append([np.abs(delta).mean(), np.sqrt((delta**2).mean())])
        out.append(_f(rows, 4))
    return out


def _r(x, digits=5):
    """Nested lists of numbers (ragged: each step's loss lists) rounded for JSON."""
    if isinstance(x, (list, tuple)) or (isinstance(x, np.ndarray) and x.ndim):
        return [_r(v, digits) for v in x]
    return round(float(x), digits)


def _images(n, seed=0):
    """MNIST-like images scaled to [-1, 1] (the scripts' rescale), with the channel axis,
    and their labels as a column."""
    x, y = _mnist(n, seed)
    x = (x.astype(np.float32) - 127.5) / 127.5
    return np.expand_dims(x, axis=3), y.reshape(-1, 1)


# -- gan/gan.py ---------------------------------------------------------------------------
@scenario
def keras_gan_gan(keras):
    N = _names(keras)
    Input, Dense, Reshape, Flatten = N.Input, N.Dense, N.Reshape, N.Flatten
    BatchNormalization, LeakyReLU = N.BatchNormalization, N.LeakyReLU
    Sequential, Model, Adam = N.Sequential, N.Model, N.Adam

    class GAN:
        def __init__(self):
            self.img_rows = 28
            self.img_cols = 28
            self.channels = 1
            self.img_shape = (self.img_rows, self.img_cols, self.channels)
            self.latent_dim = 100
            optimizer = Adam(0.0002, 0.5)
            self.discriminator = self.build_discriminator()
            self.discriminator.compile(loss="binary_crossentropy", optimizer=optimizer,
                                       metrics=["accuracy"])  # fmt: skip
            self.generator = self.build_generator()
            z = Input(shape=(self.latent_dim,))
            img = self.generator(z)
            self.discriminator.trainable = False
            validity = self.discriminator(img)
            self.combined = Model(z, validity)
            self.combined.compile(loss="binary_crossentropy", optimizer=optimizer)

        def build_generator(self):
            model = Sequential()
            model.add(Dense(256, input_dim=self.latent_dim))
            model.add(LeakyReLU(alpha=0.2))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Dense(512))
            model.add(LeakyReLU(alpha=0.2))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Dense(1024))
            model.add(LeakyReLU(alpha=0.2))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Dense(np.prod(self.img_shape), activation="tanh"))
            model.add(Reshape(self.img_shape))
            noise = Input(shape=(self.latent_dim,))
            img = model(noise)
            return Model(noise, img)

        def build_discriminator(self):
            model = Sequential()
            model.add(Flatten(input_shape=self.img_shape))
            model.add(Dense(512))
            model.add(LeakyReLU(alpha=0.2))
            model.add(Dense(256))
            model.add(LeakyReLU(alpha=0.2))
            model.add(Dense(1, activation="sigmoid"))
            img = Input(shape=self.img_shape)
            validity = model(img)
            return Model(img, validity)

        def train(self, epochs, batch_size=128, sample_interval=50):
            X_train, _ = _mnist(16)  # (mnist.load_data())
            X_train = X_train / 127.5 - 1.0
            X_train = np.expand_dims(X_train, axis=3)
            valid = np.ones((batch_size, 1))
            fake = np.zeros((batch_size, 1))
            losses = []
            for epoch in range(epochs):
                idx = np.random.randint(0, X_train.shape[0], batch_size)
                imgs = X_train[idx]
                noise = np.random.normal(0, 1, (batch_size, self.latent_dim))
                gen_imgs = self.generator.predict(noise, verbose=0)
                d_loss_real = self.discriminator.train_on_batch(imgs, valid)
                d_loss_fake = self.discriminator.train_on_batch(gen_imgs, fake)
                d_loss = 0.5 * np.add(d_loss_real, d_loss_fake)
                noise = np.random.normal(0, 1, (batch_size, self.latent_dim))
                g_loss = self.combined.train_on_batch(noise, valid)
                losses.append([d_loss[0], d_loss[1], g_loss])
            return losses

    gan = GAN()
    _init(gan.discriminator, seed=1)
    _init(gan.generator, seed=2)
    models = (gan.generator, gan.discriminator)
    before = _snapshot(*models)
    np.random.seed(30)
    losses = gan.train(epochs=3, batch_size=6)
    noise = np.random.default_rng(31).normal(size=(2, 100))
    return {
        "losses": _r(losses),
        "generated": _f(gan.generator.predict(noise, verbose=0)[:, 10:12, 10:13, 0]),
        "moved": _moved(before, models),
    }


# -- cgan/cgan.py -------------------------------------------------------------------------
@scenario
def keras_gan_cgan(keras):
    N = _names(keras)
    Input, Dense, Reshape, Flatten, Dropout, multiply = (
        N.Input, N.Dense, N.Reshape, N.Flatten, N.Dropout, N.multiply,
    )  # fmt: skip
    BatchNormalization, Embedding, LeakyReLU = N.BatchNormalization, N.Embedding, N.LeakyReLU
    Sequential, Model, Adam = N.Sequential, N.Model, N.Adam

    class CGAN:
        def __init__(self):
            self.img_rows = 28
            self.img_cols = 28
            self.channels = 1
            self.img_shape = (self.img_rows, self.img_cols, self.channels)
            self.num_classes = 10
            self.latent_dim = 100
            optimizer = Adam(0.0002, 0.5)
            self.discriminator = self.build_discriminator()
            self.discriminator.compile(loss=["binary_crossentropy"], optimizer=optimizer,
                                       metrics=["accuracy"])  # fmt: skip
            self.generator = self.build_generator()
            noise = Input(shape=(100,))
            label = Input(shape=(1,))
            img = self.generator([noise, label])
            self.discriminator.trainable = False
            valid = self.discriminator([img, label])
            self.combined = Model([noise, label], valid)
            self.combined.compile(loss=["binary_crossentropy"], optimizer=optimizer)

        def build_generator(self):
            model = Sequential()
            model.add(Dense(256, input_dim=self.latent_dim))
            model.add(LeakyReLU(alpha=0.2))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Dense(512))
            model.add(LeakyReLU(alpha=0.2))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Dense(1024))
            model.add(LeakyReLU(alpha=0.2))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Dense(np.prod(self.img_shape), activation="tanh"))
            model.add(Reshape(self.img_shape))
            noise = Input(shape=(self.latent_dim,))
            label = Input(shape=(1,), dtype="int32")
            label_embedding = Flatten()(Embedding(self.num_classes, self.latent_dim)(label))
            model_input = multiply([noise, label_embedding])
            img = model(model_input)
            return Model([noise, label], img)

        def build_discriminator(self):
            model = Sequential()
            model.add(Dense(512, input_dim=np.prod(self.img_shape)))
            model.add(LeakyReLU(alpha=0.2))
            model.add(Dense(512))
            model.add(LeakyReLU(alpha=0.2))
            model.add(Dropout(0.0))  # 0.4 in each
            model.add(Dense(512))
            model.add(LeakyReLU(alpha=0.2))
            model.add(Dropout(0.0))
            model.add(Dense(1, activation="sigmoid"))
            img = Input(shape=self.img_shape)
            label = Input(shape=(1,), dtype="int32")
            label_embedding = Flatten()(Embedding(self.num_classes, np.prod(self.img_shape))(label))
            flat_img = Flatten()(img)
            model_input = multiply([flat_img, label_embedding])
            validity = model(model_input)
            return Model([img, label], validity)

        def train(self, epochs, batch_size=128, sample_interval=50):
            X_train, y_train = _images(16)  # (mnist.load_data(), rescaled)
            valid = np.ones((batch_size, 1))
            fake = np.zeros((batch_size, 1))
            losses = []
            for epoch in range(epochs):
                idx = np.random.randint(0, X_train.shape[0], batch_size)
                imgs, labels = X_train[idx], y_train[idx]
                noise = np.random.normal(0, 1, (batch_size, 100))
                gen_imgs = self.generator.predict([noise, labels], verbose=0)
                d_loss_real = self.discriminator.train_on_batch([imgs, labels], valid)
                d_loss_fake = self.discriminator.train_on_batch([gen_imgs, labels], fake)
                d_loss = 0.5 * np.add(d_loss_real, d_loss_fake)
                sampled_labels = np.random.randint(0, 10, batch_size).reshape(-1, 1)
                g_loss = self.combined.train_on_batch([noise, sampled_labels], valid)
                losses.append([d_loss[0], d_loss[1], g_loss])
            return losses

    cgan = CGAN()
    _init(cgan.discriminator, seed=1)
    _init(cgan.generator, seed=2)
    models = (cgan.generator, cgan.discriminator)
    before = _snapshot(*models)
    np.random.seed(32)
    losses = cgan.train(epochs=3, batch_size=6)
    noise = np.random.default_rng(33).normal(0, 1, (4, 100))
    sampled_labels = np.arange(0, 4).reshape(-1, 1)
    return {
        "losses": _r(losses),
        "generated": _f(
            cgan.generator.predict([noise, sampled_labels], verbose=0)[:, 10, 10:13, 0]
        ),
        "moved": _moved(before, models),
    }


# -- acgan/acgan.py -----------------------------------------------------------------------
@scenario
def keras_gan_acgan(keras):
    N = _names(keras)
    Input, Dense, Reshape, Flatten, Dropout, multiply = (
        N.Input, N.Dense, N.Reshape, N.Flatten, N.Dropout, N.multiply,
    )  # fmt: skip
    BatchNormalization, Activation, Embedding, ZeroPadding2D = (
        N.BatchNormalization, N.Activation, N.Embedding, N.ZeroPadding2D,
    )  # fmt: skip
    LeakyReLU, UpSampling2D, Conv2D = N.LeakyReLU, N.UpSampling2D, N.Conv2D
    Sequential, Model, Adam = N.Sequential, N.Model, N.Adam

    class ACGAN:
        def __init__(self):
            self.img_rows = 28
            self.img_cols = 28
            self.channels = 1
            self.img_shape = (self.img_rows, self.img_cols, self.channels)
            self.num_classes = 10
            self.latent_dim = 100
            optimizer = Adam(0.0002, 0.5)
            losses = ["binary_crossentropy", "sparse_categorical_crossentropy"]
            self.discriminator = self.build_discriminator()
            self.discriminator.compile(loss=losses, optimizer=optimizer, metrics=["accuracy"])
            self.generator = self.build_generator()
            noise = Input(shape=(self.latent_dim,))
            label = Input(shape=(1,))
            img = self.generator([noise, label])
            self.discriminator.trainable = False
            valid, target_label = self.discriminator(img)
            self.combined = Model([noise, label], [valid, target_label])
            self.combined.compile(loss=losses, optimizer=optimizer)

        def build_generator(self):
            model = Sequential()
            model.add(Dense(128 * 7 * 7, activation="relu", input_dim=self.latent_dim))
            model.add(Reshape((7, 7, 128)))
            model.add(BatchNormalization(momentum=0.8))
            model.add(UpSampling2D())
            model.add(Conv2D(128, kernel_size=3, padding="same"))
            model.add(Activation("relu"))
            model.add(BatchNormalization(momentum=0.8))
            model.add(UpSampling2D())
            model.add(Conv2D(64, kernel_size=3, padding="same"))
            model.add(Activation("relu"))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Conv2D(self.channels, kernel_size=3, padding="same"))
            model.add(Activation("tanh"))
            noise = Input(shape=(self.latent_dim,))
            label = Input(shape=(1,), dtype="int32")
            label_embedding = Flatten()(Embedding(self.num_classes, 100)(label))
            model_input = multiply([noise, label_embedding])
            img = model(model_input)
            return Model([noise, label], img)

        def build_discriminator(self):
            model = Sequential()
            model.add(Conv2D(16, kernel_size=3, strides=2, input_shape=self.img_shape,
                             padding="same"))  # fmt: skip
            model.add(LeakyReLU(alpha=0.2))
            model.add(Dropout(0.0))  # 0.25 in each
            model.add(Conv2D(32, kernel_size=3, strides=2, padding="same"))
            model.add(ZeroPadding2D(padding=((0, 1), (0, 1))))
            model.add(LeakyReLU(alpha=0.2))
            model.add(Dropout(0.0))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Conv2D(64, kernel_size=3, strides=2, padding="same"))
            model.add(LeakyReLU(alpha=0.2))
            model.add(Dropout(0.0))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Conv2D(128, kernel_size=3, strides=1, padding="same"))
            model.add(LeakyReLU(alpha=0.2))
            model.add(Dropout(0.0))
            model.add(Flatten())
            img = Input(shape=self.img_shape)
            features = model(img)
            validity = Dense(1, activation="sigmoid")(features)
            label = Dense(self.num_classes, activation="softmax")(features)
            return Model(img, [validity, label])

        def train(self, epochs, batch_size=128, sample_interval=50):
            X_train, y_train = _images(16)  # (mnist.load_data(), rescaled)
            valid = np.ones((batch_size, 1))
            fake = np.zeros((batch_size, 1))
            losses = []
            for epoch in range(epochs):
                idx = np.random.randint(0, X_train.shape[0], batch_size)
                imgs = X_train[idx]
                noise = np.random.normal(0, 1, (batch_size, 100))
                sampled_labels = np.random.randint(0, 10, (batch_size, 1))
                gen_imgs = self.generator.predict([noise, sampled_labels], verbose=0)
                img_labels = y_train[idx]
                d_loss_real = self.discriminator.train_on_batch(imgs, [valid, img_labels])
                d_loss_fake = self.discriminator.train_on_batch(gen_imgs, [fake, sampled_labels])
                d_loss = 0.5 * np.add(d_loss_real, d_loss_fake)
                g_loss = self.combined.train_on_batch([noise, sampled_labels],
                                                      [valid, sampled_labels])  # fmt: skip
                losses.append([list(d_loss), list(g_loss)])
            return losses

    acgan = ACGAN()
    _init(acgan.discriminator, seed=1)
    _init(acgan.generator, seed=2)
    models = (acgan.generator, acgan.discriminator)
    before = _snapshot(*models)
    np.random.seed(34)
    losses = acgan.train(epochs=2, batch_size=8)
    noise = np.random.default_rng(35).normal(0, 1, (3, 100))
    labels = np.array([[1], [4], [7]])
    return {
        "losses": _r(losses),
        "generated": _f(acgan.generator.predict([noise, labels], verbose=0)[:, 10, 10:13, 0]),
        "moved": _moved(before, models),
    }


# -- wgan/wgan.py -------------------------------------------------------------------------
@scenario
def keras_gan_wgan(keras):
    N = _names(keras)
    Input, Dense, Reshape, Flatten, Dropout = N.Input, N.Dense, N.Reshape, N.Flatten, N.Dropout
    BatchNormalization, Activation, ZeroPadding2D = (
        N.BatchNormalization, N.Activation, N.ZeroPadding2D,
    )  # fmt: skip
    LeakyReLU, UpSampling2D, Conv2D = N.LeakyReLU, N.UpSampling2D, N.Conv2D
    Sequential, Model, RMSprop, K = N.Sequential, N.Model, N.RMSprop, N.K

    class WGAN:
        def __init__(self):
            self.img_rows = 28
            self.img_cols = 28
            self.channels = 1
            self.img_shape = (self.img_rows, self.img_cols, self.channels)
            self.latent_dim = 100
            self.n_critic = 5
            self.clip_value = 0.01
            optimizer = RMSprop(lr=0.00005)
            self.critic = self.build_critic()
            self.critic.compile(loss=self.wasserstein_loss, optimizer=optimizer,
                                metrics=["accuracy"])  # fmt: skip
            self.generator = self.build_generator()
            z = Input(shape=(self.latent_dim,))
            img = self.generator(z)
            self.critic.trainable = False
            valid = self.critic(img)
            self.combined = Model(z, valid)
            self.combined.compile(loss=self.wasserstein_loss, optimizer=optimizer,
                                  metrics=["accuracy"])  # fmt: skip

        def wasserstein_loss(self, y_true, y_pred):
            return K.mean(y_true * y_pred)

        def build_generator(self):
            model = Sequential()
            model.add(Dense(128 * 7 * 7, activation="relu", input_dim=self.latent_dim))
            model.add(Reshape((7, 7, 128)))
            model.add(UpSampling2D())
            model.add(Conv2D(128, kernel_size=4, padding="same"))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Activation("relu"))
            model.add(UpSampling2D())
            model.add(Conv2D(64, kernel_size=4, padding="same"))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Activation("relu"))
            model.add(Conv2D(self.channels, kernel_size=4, padding="same"))
            model.add(Activation("tanh"))
            noise = Input(shape=(self.latent_dim,))
            img = model(noise)
            return Model(noise, img)

        def build_critic(self):
            model = Sequential()
            model.add(Conv2D(16, kernel_size=3, strides=2, input_shape=self.img_shape,
                             padding="same"))  # fmt: skip
            model.add(LeakyReLU(alpha=0.2))
            model.add(Dropout(0.0))  # 0.25 in each
            model.add(Conv2D(32, kernel_size=3, strides=2, padding="same"))
            model.add(ZeroPadding2D(padding=((0, 1), (0, 1))))
            model.add(BatchNormalization(momentum=0.8))
            model.add(LeakyReLU(alpha=0.2))
            model.add(Dropout(0.0))
            model.add(Conv2D(64, kernel_size=3, strides=2, padding="same"))
            model.add(BatchNormalization(momentum=0.8))
            model.add(LeakyReLU(alpha=0.2))
            model.add(Dropout(0.0))
            model.add(Conv2D(128, kernel_size=3, strides=1, padding="same"))
            model.add(BatchNormalization(momentum=0.8))
            model.add(LeakyReLU(alpha=0.2))
            model.add(Dropout(0.0))
            model.add(Flatten())
            model.add(Dense(1))
            img = Input(shape=self.img_shape)
            validity = model(img)
            return Model(img, validity)

        def train(self, epochs, batch_size=128, sample_interval=50):
            X_train, _ = _images(16)  # (mnist.load_data(), rescaled)
            valid = -np.ones((batch_size, 1))
            fake = np.ones((batch_size, 1))
            losses = []
            for epoch in range(epochs):
                for _ in range(self.n_critic):
                    idx = np.random.randint(0, X_train.shape[0], batch_size)
                    imgs = X_train[idx]
                    noise = np.random.normal(0, 1, (batch_size, self.latent_dim))
                    gen_imgs = self.generator.predict(noise, verbose=0)
                    d_loss_real = self.critic.train_on_batch(imgs, valid)
                    d_loss_fake = self.critic.train_on_batch(gen_imgs, fake)
                    d_loss = 0.5 * np.add(d_loss_fake, d_loss_real)
                    for l in self.critic.layers:
                        weights = l.get_weights()
                        weights = [np.clip(w, -self.clip_value, self.clip_value) for w in weights]
                        l.set_weights(weights)
                g_loss = self.combined.train_on_batch(noise, valid)
                losses.append([1 - d_loss[0], 1 - g_loss[0]])
            return losses

    wgan = WGAN()
    _init(wgan.critic, seed=1)
    _init(wgan.generator, seed=2)
    models = (wgan.generator, wgan.critic)
    before = _snapshot(*models)
    np.random.seed(36)
    losses = wgan.train(epochs=1, batch_size=8)
    noise = np.random.default_rng(37).normal(0, 1, (2, 100))
    return {
        "losses": _r(losses),
        "critic": _f(wgan.critic.predict(_images(4, seed=3)[0], verbose=0)[:, 0]),
        "generated": _f(wgan.generator.predict(noise, verbose=0)[:, 10, 10:13, 0]),
        "moved": _moved(before, models),
    }


# -- lsgan/lsgan.py -----------------------------------------------------------------------
@scenario
def keras_gan_lsgan(keras):
    N = _names(keras)
    Input, Dense, Reshape, Flatten = N.Input, N.Dense, N.Reshape, N.Flatten
    BatchNormalization, LeakyReLU = N.BatchNormalization, N.LeakyReLU
    Sequential, Model, Adam = N.Sequential, N.Model, N.Adam

    class LSGAN:
        def __init__(self):
            self.img_rows = 28
            self.img_cols = 28
            self.channels = 1
            self.img_shape = (self.img_rows, self.img_cols, self.channels)
            self.latent_dim = 100
            optimizer = Adam(0.0002, 0.5)
            self.discriminator = self.build_discriminator()
            self.discriminator.compile(loss="mse", optimizer=optimizer, metrics=["accuracy"])
            self.generator = self.build_generator()
            z = Input(shape=(self.latent_dim,))
            img = self.generator(z)
            self.discriminator.trainable = False
            valid = self.discriminator(img)
            self.combined = Model(z, valid)
            self.combined.compile(loss="mse", optimizer=optimizer)

        def build_generator(self):
            model = Sequential()
            model.add(Dense(256, input_dim=self.latent_dim))
            model.add(LeakyReLU(alpha=0.2))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Dense(512))
            model.add(LeakyReLU(alpha=0.2))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Dense(1024))
            model.add(LeakyReLU(alpha=0.2))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Dense(np.prod(self.img_shape), activation="tanh"))
            model.add(Reshape(self.img_shape))
            noise = Input(shape=(self.latent_dim,))
            img = model(noise)
            return Model(noise, img)

        def build_discriminator(self):
            model = Sequential()
            model.add(Flatten(input_shape=self.img_shape))
            model.add(Dense(512))
            model.add(LeakyReLU(alpha=0.2))
            model.add(Dense(256))
            model.add(LeakyReLU(alpha=0.2))
            model.add(Dense(1))
            img = Input(shape=self.img_shape)
            validity = model(img)
            return Model(img, validity)

        def train(self, epochs, batch_size=128, sample_interval=50):
            X_train, _ = _images(16)  # (mnist.load_data(), rescaled)
            valid = np.ones((batch_size, 1))
            fake = np.zeros((batch_size, 1))
            losses = []
            for epoch in range(epochs):
                idx = np.random.randint(0, X_train.shape[0], batch_size)
                imgs = X_train[idx]
                noise = np.random.normal(0, 1, (batch_size, self.latent_dim))
                gen_imgs = self.generator.predict(noise, verbose=0)
                d_loss_real = self.discriminator.train_on_batch(imgs, valid)
                d_loss_fake = self.discriminator.train_on_batch(gen_imgs, fake)
                d_loss = 0.5 * np.add(d_loss_real, d_loss_fake)
                g_loss = self.combined.train_on_batch(noise, valid)
                losses.append([d_loss[0], d_loss[1], g_loss])
            return losses

    gan = LSGAN()
    _init(gan.discriminator, seed=1)
    _init(gan.generator, seed=2)
    models = (gan.generator, gan.discriminator)
    before = _snapshot(*models)
    np.random.seed(38)
    losses = gan.train(epochs=3, batch_size=6)
    return {
        "losses": _r(losses),
        "validity": _f(gan.discriminator.predict(_images(4, seed=3)[0], verbose=0)[:, 0]),
        "moved": _moved(before, models),
    }


# -- sgan/sgan.py -------------------------------------------------------------------------
@scenario
def keras_gan_sgan(keras):
    N = _names(keras)
    Input, Dense, Reshape, Flatten, Dropout = N.Input, N.Dense, N.Reshape, N.Flatten, N.Dropout
    BatchNormalization, Activation, ZeroPadding2D = (
        N.BatchNormalization, N.Activation, N.ZeroPadding2D,
    )  # fmt: skip
    LeakyReLU, UpSampling2D, Conv2D = N.LeakyReLU, N.UpSampling2D, N.Conv2D
    Sequential, Model, Adam, to_categorical = N.Sequential, N.Model, N.Adam, N.to_categorical

    class SGAN:
        def __init__(self):
            self.img_rows = 28
            self.img_cols = 28
            self.channels = 1
            self.img_shape = (self.img_rows, self.img_cols, self.channels)
            self.num_classes = 10
            self.latent_dim = 100
            optimizer = Adam(0.0002, 0.5)
            self.discriminator = self.build_discriminator()
            self.discriminator.compile(
                loss=["binary_crossentropy", "categorical_crossentropy"],
                loss_weights=[0.5, 0.5],
                optimizer=optimizer,
                metrics=["accuracy"],
            )
            self.generator = self.build_generator()
            noise = Input(shape=(100,))
            img = self.generator(noise)
            self.discriminator.trainable = False
            valid, _ = self.discriminator(img)
            self.combined = Model(noise, valid)
            self.combined.compile(loss=["binary_crossentropy"], optimizer=optimizer)

        def build_generator(self):
            model = Sequential()
            model.add(Dense(128 * 7 * 7, activation="relu", input_dim=self.latent_dim))
            model.add(Reshape((7, 7, 128)))
            model.add(BatchNormalization(momentum=0.8))
            model.add(UpSampling2D())
            model.add(Conv2D(128, kernel_size=3, padding="same"))
            model.add(Activation("relu"))
            model.add(BatchNormalization(momentum=0.8))
            model.add(UpSampling2D())
            model.add(Conv2D(64, kernel_size=3, padding="same"))
            model.add(Activation("relu"))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Conv2D(1, kernel_size=3, padding="same"))
            model.add(Activation("tanh"))
            noise = Input(shape=(self.latent_dim,))
            img = model(noise)
            return Model(noise, img)

        def build_discriminator(self):
            model = Sequential()
            model.add(Conv2D(32, kernel_size=3, strides=2, input_shape=self.img_shape,
                             padding="same"))  # fmt: skip
            model.add(LeakyReLU(alpha=0.2))
            model.add(Dropout(0.0))  # 0.25 in each
            model.add(Conv2D(64, kernel_size=3, strides=2, padding="same"))
            model.add(ZeroPadding2D(padding=((0, 1), (0, 1))))
            model.add(LeakyReLU(alpha=0.2))
            model.add(Dropout(0.0))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Conv2D(128, kernel_size=3, strides=2, padding="same"))
            model.add(LeakyReLU(alpha=0.2))
            model.add(Dropout(0.0))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Conv2D(256, kernel_size=3, strides=1, padding="same"))
            model.add(LeakyReLU(alpha=0.2))
            model.add(Dropout(0.0))
            model.add(Flatten())
            img = Input(shape=self.img_shape)
            features = model(img)
            valid = Dense(1, activation="sigmoid")(features)
            label = Dense(self.num_classes + 1, activation="softmax")(features)
            return Model(img, [valid, label])

        def train(self, epochs, batch_size=128, sample_interval=50):
            X_train, y_train = _images(16)  # (mnist.load_data(), rescaled)
            half_batch = batch_size // 2
            cw1 = {0: 1, 1: 1}
            cw2 = {i: self.num_classes / half_batch for i in range(self.num_classes)}
            cw2[self.num_classes] = 1 / half_batch
            valid = np.ones((batch_size, 1))
            fake = np.zeros((batch_size, 1))
            losses = []
            for epoch in range(epochs):
                idx = np.random.randint(0, X_train.shape[0], batch_size)
                imgs = X_train[idx]
                noise = np.random.normal(0, 1, (batch_size, self.latent_dim))
                gen_imgs = self.generator.predict(noise, verbose=0)
                labels = to_categorical(y_train[idx], num_classes=self.num_classes + 1)
                fake_labels = to_categorical(np.full((batch_size, 1), self.num_classes),
                                             num_classes=self.num_classes + 1)  # fmt: skip
                d_loss_real = self.discriminator.train_on_batch(
                    imgs, [valid, labels], class_weight=[cw1, cw2]
                )
                d_loss_fake = self.discriminator.train_on_batch(
                    gen_imgs, [fake, fake_labels], class_weight=[cw1, cw2]
                )
                d_loss = 0.5 * np.add(d_loss_real, d_loss_fake)
                g_loss = self.combined.train_on_batch(noise, valid, class_weight=[cw1, cw2])
                losses.append([list(d_loss), g_loss])
            return losses

    sgan = SGAN()
    _init(sgan.discriminator, seed=1)
    _init(sgan.generator, seed=2)
    np.random.seed(39)
    # Keras 2 crashes on the script's class_weight=[cw1, cw2] (a list of dicts, one per
    # output): AttributeError, 'list' object has no attribute 'keys', in the
    # discriminator's step (two outputs) as in the combined model's (one)
    noise, valid = np.random.normal(0, 1, (8, 100)), np.ones((8, 1))
    cw = [{0: 1, 1: 1}, {i: 2.0 for i in range(11)}]
    return {
        "train": _error(lambda: sgan.train(epochs=1, batch_size=8)),
        "combined": _error(lambda: sgan.combined.train_on_batch(noise, valid, class_weight=cw)),
    }


# -- infogan/infogan.py -------------------------------------------------------------------
@scenario
def keras_gan_infogan(keras):
    N = _names(keras)
    Input, Dense, Reshape, Flatten, Dropout = N.Input, N.Dense, N.Reshape, N.Flatten, N.Dropout
    BatchNormalization, Activation, ZeroPadding2D = (
        N.BatchNormalization, N.Activation, N.ZeroPadding2D,
    )  # fmt: skip
    LeakyReLU, UpSampling2D, Conv2D = N.LeakyReLU, N.UpSampling2D, N.Conv2D
    Sequential, Model, Adam, K = N.Sequential, N.Model, N.Adam, N.K
    to_categorical = N.to_categorical

    class INFOGAN:
        def __init__(self):
            self.img_rows = 28
            self.img_cols = 28
            self.channels = 1
            self.num_classes = 10
            self.img_shape = (self.img_rows, self.img_cols, self.channels)
            self.latent_dim = 72
            optimizer = Adam(0.0002, 0.5)
            losses = ["binary_crossentropy", self.mutual_info_loss]
            self.discriminator, self.auxilliary = self.build_disk_and_q_net()
            self.discriminator.compile(loss=["binary_crossentropy"], optimizer=optimizer,
                                       metrics=["accuracy"])  # fmt: skip
            self.auxilliary.compile(loss=[self.mutual_info_loss], optimizer=optimizer,
                                    metrics=["accuracy"])  # fmt: skip
            self.generator = self.build_generator()
            gen_input = Input(shape=(self.latent_dim,))
            img = self.generator(gen_input)
            self.discriminator.trainable = False
            valid = self.discriminator(img)
            target_label = self.auxilliary(img)
            self.combined = Model(gen_input, [valid, target_label])
            self.combined.compile(loss=losses, optimizer=optimizer)

        def build_generator(self):
            model = Sequential()
            model.add(Dense(128 * 7 * 7, activation="relu", input_dim=self.latent_dim))
            model.add(Reshape((7, 7, 128)))
            model.add(BatchNormalization(momentum=0.8))
            model.add(UpSampling2D())
            model.add(Conv2D(128, kernel_size=3, padding="same"))
            model.add(Activation("relu"))
            model.add(BatchNormalization(momentum=0.8))
            model.add(UpSampling2D())
            model.add(Conv2D(64, kernel_size=3, padding="same"))
            model.add(Activation("relu"))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Conv2D(self.channels, kernel_size=3, padding="same"))
            model.add(Activation("tanh"))
            gen_input = Input(shape=(self.latent_dim,))
            img = model(gen_input)
            return Model(gen_input, img)

        def build_disk_and_q_net(self):
            img = Input(shape=self.img_shape)
            # Shared layers between discriminator and recognition network
            model = Sequential()
            model.add(Conv2D(64, kernel_size=3, strides=2, input_shape=self.img_shape,
                             padding="same"))  # fmt: skip
            model.add(LeakyReLU(alpha=0.2))
            model.add(Dropout(0.0))  # 0.25 in each
            model.add(Conv2D(128, kernel_size=3, strides=2, padding="same"))
            model.add(ZeroPadding2D(padding=((0, 1), (0, 1))))
            model.add(LeakyReLU(alpha=0.2))
            model.add(Dropout(0.0))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Conv2D(256, kernel_size=3, strides=2, padding="same"))
            model.add(LeakyReLU(alpha=0.2))
            model.add(Dropout(0.0))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Conv2D(512, kernel_size=3, strides=2, padding="same"))
            model.add(LeakyReLU(alpha=0.2))
            model.add(Dropout(0.0))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Flatten())
            img_embedding = model(img)
            validity = Dense(1, activation="sigmoid")(img_embedding)
            q_net = Dense(128, activation="relu")(img_embedding)
            label = Dense(self.num_classes, activation="softmax")(q_net)
            return Model(img, validity), Model(img, label)

        def mutual_info_loss(self, c, c_given_x):
            """The mutual information metric we aim to minimize"""
            eps = 1e-8
            conditional_entropy = K.mean(-K.sum(K.log(c_given_x + eps) * c, axis=1))
            entropy = K.mean(-K.sum(K.log(c + eps) * c, axis=1))
            return conditional_entropy + entropy

        def sample_generator_input(self, batch_size):
            sampled_noise = np.random.normal(0, 1, (batch_size, 62))
            sampled_labels = np.random.randint(0, self.num_classes, batch_size).reshape(-1, 1)
            sampled_labels = to_categorical(sampled_labels, num_classes=self.num_classes)
            return sampled_noise, sampled_labels

        def train(self, epochs, batch_size=128, sample_interval=50):
            X_train, y_train = _images(16)  # (mnist.load_data(), rescaled)
            valid = np.ones((batch_size, 1))
            fake = np.zeros((batch_size, 1))
            losses = []
            for epoch in range(epochs):
                idx = np.random.randint(0, X_train.shape[0], batch_size)
                imgs = X_train[idx]
                sampled_noise, sampled_labels = self.sample_generator_input(batch_size)
                gen_input = np.concatenate((sampled_noise, sampled_labels), axis=1)
                gen_imgs = self.generator.predict(gen_input, verbose=0)
                d_loss_real = self.discriminator.train_on_batch(imgs, valid)
                d_loss_fake = self.discriminator.train_on_batch(gen_imgs, fake)
                d_loss = 0.5 * np.add(d_loss_real, d_loss_fake)
                g_loss = self.combined.train_on_batch(gen_input, [valid, sampled_labels])
                losses.append([list(d_loss), list(g_loss)])
            return losses

    infogan = INFOGAN()
    _init(infogan.discriminator, seed=1)
    _init(infogan.auxilliary, seed=3)  # the shared layers take these values
    _init(infogan.generator, seed=2)
    models = (infogan.generator, infogan.discriminator, infogan.auxilliary)
    before = _snapshot(*models)
    np.random.seed(40)
    losses = infogan.train(epochs=2, batch_size=8)
    imgs = _images(3, seed=4)[0]
    return {
        "losses": _r(losses),
        "labels": _f(infogan.auxilliary.predict(imgs, verbose=0)[:, :4]),
        "moved": _moved(before, models),
        "n_trainable": [len(m.trainable_weights) for m in (*models, infogan.combined)],
    }


# -- cogan/cogan.py -----------------------------------------------------------------------
@scenario
def keras_gan_cogan(keras):
    N = _names(keras)
    Input, Dense, Reshape, Flatten = N.Input, N.Dense, N.Reshape, N.Flatten
    BatchNormalization, LeakyReLU = N.BatchNormalization, N.LeakyReLU
    Sequential, Model, Adam = N.Sequential, N.Model, N.Adam

    class COGAN:
        def __init__(self):
            self.img_rows = 28
            self.img_cols = 28
            self.channels = 1
            self.img_shape = (self.img_rows, self.img_cols, self.channels)
            self.latent_dim = 100
            optimizer = Adam(0.0002, 0.5)
            self.d1, self.d2 = self.build_discriminators()
            self.d1.compile(loss="binary_crossentropy", optimizer=optimizer, metrics=["accuracy"])
            self.d2.compile(loss="binary_crossentropy", optimizer=optimizer, metrics=["accuracy"])
            self.g1, self.g2 = self.build_generators()
            z = Input(shape=(self.latent_dim,))
            img1 = self.g1(z)
            img2 = self.g2(z)
            self.d1.trainable = False
            self.d2.trainable = False
            valid1 = self.d1(img1)
            valid2 = self.d2(img2)
            self.combined = Model(z, [valid1, valid2])
            self.combined.compile(loss=["binary_crossentropy", "binary_crossentropy"],
                                  optimizer=optimizer)  # fmt: skip

        def build_generators(self):
            model = Sequential()
            model.add(Dense(256, input_dim=self.latent_dim))
            model.add(LeakyReLU(alpha=0.2))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Dense(512))
            model.add(LeakyReLU(alpha=0.2))
            model.add(BatchNormalization(momentum=0.8))
            noise = Input(shape=(self.latent_dim,))
            feature_repr = model(noise)
            g1 = Dense(1024)(feature_repr)
            g1 = LeakyReLU(alpha=0.2)(g1)
            g1 = BatchNormalization(momentum=0.8)(g1)
            g1 = Dense(np.prod(self.img_shape), activation="tanh")(g1)
            img1 = Reshape(self.img_shape)(g1)
            g2 = Dense(1024)(feature_repr)
            g2 = LeakyReLU(alpha=0.2)(g2)
            g2 = BatchNormalization(momentum=0.8)(g2)
            g2 = Dense(np.prod(self.img_shape), activation="tanh")(g2)
            img2 = Reshape(self.img_shape)(g2)
            return Model(noise, img1), Model(noise, img2)

        def build_discriminators(self):
            img1 = Input(shape=self.img_shape)
            img2 = Input(shape=self.img_shape)
            model = Sequential()
            model.add(Flatten(input_shape=self.img_shape))
            model.add(Dense(512))
            model.add(LeakyReLU(alpha=0.2))
            model.add(Dense(256))
            model.add(LeakyReLU(alpha=0.2))
            img1_embedding = model(img1)
            img2_embedding = model(img2)
            validity1 = Dense(1, activation="sigmoid")(img1_embedding)
            validity2 = Dense(1, activation="sigmoid")(img2_embedding)
            return Model(img1, validity1), Model(img2, validity2)

        def train(self, epochs, batch_size=128, sample_interval=50):
            X_train, _ = _images(16)  # (mnist.load_data(), rescaled)
            X1 = X_train[: int(X_train.shape[0] / 2)]
            X2 = X_train[int(X_train.shape[0] / 2) :]
            X2 = np.rot90(X2, axes=(1, 2))  # (scipy.ndimage's rotate by 90 degrees)
            valid = np.ones((batch_size, 1))
            fake = np.zeros((batch_size, 1))
            losses = []
            for epoch in range(epochs):
                idx = np.random.randint(0, X1.shape[0], batch_size)
                imgs1 = X1[idx]
                imgs2 = X2[idx]
                noise = np.random.normal(0, 1, (batch_size, 100))
                gen_imgs1 = self.g1.predict(noise, verbose=0)
                gen_imgs2 = self.g2.predict(noise, verbose=0)
                d1_loss_real = self.d1.train_on_batch(imgs1, valid)
                d2_loss_real = self.d2.train_on_batch(imgs2, valid)
                d1_loss_fake = self.d1.train_on_batch(gen_imgs1, fake)
                d2_loss_fake = self.d2.train_on_batch(gen_imgs2, fake)
                d1_loss = 0.5 * np.add(d1_loss_real, d1_loss_fake)
                d2_loss = 0.5 * np.add(d2_loss_real, d2_loss_fake)
                g_loss = self.combined.train_on_batch(noise, [valid, valid])
                losses.append([list(d1_loss), list(d2_loss), list(g_loss)])
            return losses

    gan = COGAN()
    _init(gan.d1, seed=1)
    _init(gan.d2, seed=3)  # the shared layers take these values
    _init(gan.g1, seed=2)
    _init(gan.g2, seed=4)
    models = (gan.g1, gan.g2, gan.d1, gan.d2)
    before = _snapshot(*models)
    np.random.seed(41)
    losses = gan.train(epochs=2, batch_size=6)
    noise = np.random.default_rng(42).normal(0, 1, (2, 100))
    return {
        "losses": _r(losses),
        "generated": [_f(g.predict(noise, verbose=0)[:, 10, 10:13, 0]) for g in models[:2]],
        "moved": _moved(before, models),
    }


# -- bgan/bgan.py -------------------------------------------------------------------------
@scenario
def keras_gan_bgan(keras):
    N = _names(keras)
    Input, Dense, Reshape, Flatten = N.Input, N.Dense, N.Reshape, N.Flatten
    BatchNormalization, LeakyReLU = N.BatchNormalization, N.LeakyReLU
    Sequential, Model, Adam, K = N.Sequential, N.Model, N.Adam, N.K

    class BGAN:
        def __init__(self):
            self.img_rows = 28
            self.img_cols = 28
            self.channels = 1
            self.img_shape = (self.img_rows, self.img_cols, self.channels)
            optimizer = Adam(0.0002, 0.5)
            self.discriminator = self.build_discriminator()
            self.discriminator.compile(loss="binary_crossentropy", optimizer=optimizer,
                                       metrics=["accuracy"])  # fmt: skip
            self.generator = self.build_generator()
            self.generator.compile(loss="binary_crossentropy", optimizer=optimizer)
            z = Input(shape=(100,))
            img = self.generator(z)
            self.discriminator.trainable = False
            valid = self.discriminator(img)
            self.combined = Model(z, valid)
            self.combined.compile(loss=self.boundary_loss, optimizer=optimizer)

        def build_generator(self):
            noise_shape = (100,)
            model = Sequential()
            model.add(Dense(256, input_shape=noise_shape))
            model.add(LeakyReLU(alpha=0.2))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Dense(512))
            model.add(LeakyReLU(alpha=0.2))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Dense(1024))
            model.add(LeakyReLU(alpha=0.2))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Dense(np.prod(self.img_shape), activation="tanh"))
            model.add(Reshape(self.img_shape))
            noise = Input(shape=noise_shape)
            img = model(noise)
            return Model(noise, img)

        def build_discriminator(self):
            img_shape = (self.img_rows, self.img_cols, self.channels)
            model = Sequential()
            model.add(Flatten(input_shape=img_shape))
            model.add(Dense(512))
            model.add(LeakyReLU(alpha=0.2))
            model.add(Dense(256))
            model.add(LeakyReLU(alpha=0.2))
            model.add(Dense(1, activation="sigmoid"))
            img = Input(shape=img_shape)
            validity = model(img)
            return Model(img, validity)

        def boundary_loss(self, y_true, y_pred):
            """Boundary seeking loss."""
            return 0.5 * K.mean((K.log(y_pred) - K.log(1 - y_pred)) ** 2)

        def train(self, epochs, batch_size=128, save_interval=50):
            X_train, _ = _images(16)  # (mnist.load_data(), rescaled)
            half_batch = int(batch_size / 2)
            losses = []
            for epoch in range(epochs):
                idx = np.random.randint(0, X_train.shape[0], half_batch)
                imgs = X_train[idx]
                noise = np.random.normal(0, 1, (half_batch, 100))
                gen_imgs = self.generator.predict(noise, verbose=0)
                d_loss_real = self.discriminator.train_on_batch(imgs, np.ones((half_batch, 1)))
                d_loss_fake = self.discriminator.train_on_batch(gen_imgs, np.zeros((half_batch, 1)))
                d_loss = 0.5 * np.add(d_loss_real, d_loss_fake)
                noise = np.random.normal(0, 1, (batch_size, 100))
                valid_y = np.array([1] * batch_size)
                g_loss = self.combined.train_on_batch(noise, valid_y)
                losses.append([d_loss[0], d_loss[1], g_loss])
            return losses

    bgan = BGAN()
    _init(bgan.discriminator, seed=1)
    _init(bgan.generator, seed=2)
    models = (bgan.generator, bgan.discriminator)
    before = _snapshot(*models)
    np.random.seed(43)
    losses = bgan.train(epochs=3, batch_size=8)
    noise = np.random.default_rng(44).normal(0, 1, (2, 100))
    return {
        "losses": _r(losses),
        "generated": _f(bgan.generator.predict(noise, verbose=0)[:, 10, 10:13, 0]),
        "moved": _moved(before, models),
    }


# -- bigan/bigan.py -----------------------------------------------------------------------
@scenario
def keras_gan_bigan(keras):
    N = _names(keras)
    Input, Dense, Reshape, Flatten, Dropout = N.Input, N.Dense, N.Reshape, N.Flatten, N.Dropout
    BatchNormalization, LeakyReLU, concatenate = N.BatchNormalization, N.LeakyReLU, N.concatenate
    Sequential, Model, Adam = N.Sequential, N.Model, N.Adam

    class BIGAN:
        def __init__(self):
            self.img_rows = 28
            self.img_cols = 28
            self.channels = 1
            self.img_shape = (self.img_rows, self.img_cols, self.channels)
            self.latent_dim = 100
            optimizer = Adam(0.0002, 0.5)
            self.discriminator = self.build_discriminator()
            self.discriminator.compile(loss=["binary_crossentropy"], optimizer=optimizer,
                                       metrics=["accuracy"])  # fmt: skip
            self.generator = self.build_generator()
            self.encoder = self.build_encoder()
            self.discriminator.trainable = False
            z = Input(shape=(self.latent_dim,))
            img_ = self.generator(z)
            img = Input(shape=self.img_shape)
            z_ = self.encoder(img)
            fake = self.discriminator([z, img_])
            valid = self.discriminator([z_, img])
            self.bigan_generator = Model([z, img], [fake, valid])
            self.bigan_generator.compile(loss=["binary_crossentropy", "binary_crossentropy"],
                                         optimizer=optimizer)  # fmt: skip

        def build_encoder(self):
            model = Sequential()
            model.add(Flatten(input_shape=self.img_shape))
            model.add(Dense(512))
            model.add(LeakyReLU(alpha=0.2))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Dense(512))
            model.add(LeakyReLU(alpha=0.2))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Dense(self.latent_dim))
            img = Input(shape=self.img_shape)
            z = model(img)
            return Model(img, z)

        def build_generator(self):
            model = Sequential()
            model.add(Dense(512, input_dim=self.latent_dim))
            model.add(LeakyReLU(alpha=0.2))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Dense(512))
            model.add(LeakyReLU(alpha=0.2))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Dense(np.prod(self.img_shape), activation="tanh"))
            model.add(Reshape(self.img_shape))
            z = Input(shape=(self.latent_dim,))
            gen_img = model(z)
            return Model(z, gen_img)

        def build_discriminator(self):
            z = Input(shape=(self.latent_dim,))
            img = Input(shape=self.img_shape)
            d_in = concatenate([z, Flatten()(img)])
            model = Dense(1024)(d_in)
            model = LeakyReLU(alpha=0.2)(model)
            model = Dropout(0.0)(model)  # 0.5 in each
            model = Dense(1024)(model)
            model = LeakyReLU(alpha=0.2)(model)
            model = Dropout(0.0)(model)
            model = Dense(1024)(model)
            model = LeakyReLU(alpha=0.2)(model)
            model = Dropout(0.0)(model)
            validity = Dense(1, activation="sigmoid")(model)
            return Model([z, img], validity)

        def train(self, epochs, batch_size=128, sample_interval=50):
            X_train, _ = _images(16)  # (mnist.load_data(), rescaled)
            valid = np.ones((batch_size, 1))
            fake = np.zeros((batch_size, 1))
            losses = []
            for epoch in range(epochs):
                z = np.random.normal(size=(batch_size, self.latent_dim))
                imgs_ = self.generator.predict(z, verbose=0)
                idx = np.random.randint(0, X_train.shape[0], batch_size)
                imgs = X_train[idx]
                z_ = self.encoder.predict(imgs, verbose=0)
                d_loss_real = self.discriminator.train_on_batch([z_, imgs], valid)
                d_loss_fake = self.discriminator.train_on_batch([z, imgs_], fake)
                d_loss = 0.5 * np.add(d_loss_real, d_loss_fake)
                g_loss = self.bigan_generator.train_on_batch([z, imgs], [valid, fake])
                losses.append([list(d_loss), list(g_loss)])
            return losses

    bigan = BIGAN()
    _init(bigan.discriminator, seed=1)
    _init(bigan.generator, seed=2)
    _init(bigan.encoder, seed=3)
    models = (bigan.generator, bigan.encoder, bigan.discriminator)
    before = _snapshot(*models)
    np.random.seed(45)
    losses = bigan.train(epochs=2, batch_size=6)
    return {
        "losses": _r(losses),
        "encoded": _f(bigan.encoder.predict(_images(2, seed=5)[0], verbose=0)[:, :4]),
        "moved": _moved(before, models),
    }


# -- dualgan/dualgan.py -------------------------------------------------------------------
@scenario
def keras_gan_dualgan(keras):
    N = _names(keras)
    Input, Dense, Dropout = N.Input, N.Dense, N.Dropout
    BatchNormalization, LeakyReLU = N.BatchNormalization, N.LeakyReLU
    Sequential, Model, Adam, K = N.Sequential, N.Model, N.Adam, N.K

    class DUALGAN:
        def __init__(self):
            self.img_rows = 28
            self.img_cols = 28
            self.channels = 1
            self.img_dim = self.img_rows * self.img_cols
            optimizer = Adam(0.0002, 0.5)
            self.D_A = self.build_discriminator()
            self.D_A.compile(loss=self.wasserstein_loss, optimizer=optimizer, metrics=["accuracy"])
            self.D_B = self.build_discriminator()
            self.D_B.compile(loss=self.wasserstein_loss, optimizer=optimizer, metrics=["accuracy"])
            self.G_AB = self.build_generator()
            self.G_BA = self.build_generator()
            self.D_A.trainable = False
            self.D_B.trainable = False
            imgs_A = Input(shape=(self.img_dim,))
            imgs_B = Input(shape=(self.img_dim,))
            fake_B = self.G_AB(imgs_A)
            fake_A = self.G_BA(imgs_B)
            valid_A = self.D_A(fake_A)
            valid_B = self.D_B(fake_B)
            recov_A = self.G_BA(fake_B)
            recov_B = self.G_AB(fake_A)
            self.combined = Model(inputs=[imgs_A, imgs_B],
                                  outputs=[valid_A, valid_B, recov_A, recov_B])  # fmt: skip
            self.combined.compile(loss=[self.wasserstein_loss, self.wasserstein_loss, "mae", "mae"],
                                  optimizer=optimizer, loss_weights=[1, 1, 100, 100])  # fmt: skip

        def build_generator(self):
            X = Input(shape=(self.img_dim,))
            model = Sequential()
            model.add(Dense(256, input_dim=self.img_dim))
            model.add(LeakyReLU(alpha=0.2))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Dropout(0.0))  # 0.4 in each
            model.add(Dense(512))
            model.add(LeakyReLU(alpha=0.2))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Dropout(0.0))
            model.add(Dense(1024))
            model.add(LeakyReLU(alpha=0.2))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Dropout(0.0))
            model.add(Dense(self.img_dim, activation="tanh"))
            X_translated = model(X)
            return Model(X, X_translated)

        def build_discriminator(self):
            img = Input(shape=(self.img_dim,))
            model = Sequential()
            model.add(Dense(512, input_dim=self.img_dim))
            model.add(LeakyReLU(alpha=0.2))
            model.add(Dense(256))
            model.add(LeakyReLU(alpha=0.2))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Dense(1))
            validity = model(img)
            return Model(img, validity)

        def sample_generator_input(self, X, batch_size):
            idx = np.random.randint(0, X.shape[0], batch_size)
            return X[idx]

        def wasserstein_loss(self, y_true, y_pred):
            return K.mean(y_true * y_pred)

        def train(self, epochs, batch_size=128, sample_interval=50):
            X_train, _ = _images(16)  # (mnist.load_data(), rescaled)
            X_train = X_train[..., 0]
            X_A = X_train[: int(X_train.shape[0] / 2)]
            X_B = np.rot90(X_train[int(X_train.shape[0] / 2) :], axes=(1, 2))  # (scipy)
            X_A = X_A.reshape(X_A.shape[0], self.img_dim)
            X_B = X_B.reshape(X_B.shape[0], self.img_dim)
            clip_value = 0.01
            n_critic = 4
            valid = -np.ones((batch_size, 1))
            fake = np.ones((batch_size, 1))
            losses = []
            for epoch in range(epochs):
                for _ in range(n_critic):
                    imgs_A = self.sample_generator_input(X_A, batch_size)
                    imgs_B = self.sample_generator_input(X_B, batch_size)
                    fake_B = self.G_AB.predict(imgs_A, verbose=0)
                    fake_A = self.G_BA.predict(imgs_B, verbose=0)
                    D_A_loss_real = self.D_A.train_on_batch(imgs_A, valid)
                    D_A_loss_fake = self.D_A.train_on_batch(fake_A, fake)
                    D_B_loss_real = self.D_B.train_on_batch(imgs_B, valid)
                    D_B_loss_fake = self.D_B.train_on_batch(fake_B, fake)
                    D_A_loss = 0.5 * np.add(D_A_loss_real, D_A_loss_fake)
                    D_B_loss = 0.5 * np.add(D_B_loss_real, D_B_loss_fake)
                    for d in [self.D_A, self.D_B]:
                        for l in d.layers:
                            weights = l.get_weights()
                            weights = [np.clip(w, -clip_value, clip_value) for w in weights]
                            l.set_weights(weights)
                g_loss = self.combined.train_on_batch([imgs_A, imgs_B],
                                                      [valid, valid, imgs_A, imgs_B])  # fmt: skip
                losses.append([list(D_A_loss), list(D_B_loss), list(g_loss)])
            return losses

    gan = DUALGAN()
    for seed, model in enumerate((gan.D_A, gan.D_B, gan.G_AB, gan.G_BA)):
        _init(model, seed=seed + 1)
    models = (gan.G_AB, gan.G_BA, gan.D_A, gan.D_B)
    before = _snapshot(*models)
    np.random.seed(46)
    losses = gan.train(epochs=1, batch_size=6)
    x = _images(2, seed=6)[0].reshape(2, -1)
    return {
        "losses": _r(losses),
        "translated": _f(gan.G_AB.predict(x, verbose=0)[:, 300:304]),
        "moved": _moved(before, models),
    }


# -- context_encoder/context_encoder.py ---------------------------------------------------
@scenario
def keras_gan_context_encoder(keras):
    N = _names(keras)
    Input, Dense, Flatten, Dropout = N.Input, N.Dense, N.Flatten, N.Dropout
    BatchNormalization, Activation = N.BatchNormalization, N.Activation
    LeakyReLU, UpSampling2D, Conv2D = N.LeakyReLU, N.UpSampling2D, N.Conv2D
    Sequential, Model, Adam = N.Sequential, N.Model, N.Adam

    class ContextEncoder:
        def __init__(self):
            self.img_rows = 32
            self.img_cols = 32
            self.mask_height = 8
            self.mask_width = 8
            self.channels = 3
            self.num_classes = 2
            self.img_shape = (self.img_rows, self.img_cols, self.channels)
            self.missing_shape = (self.mask_height, self.mask_width, self.channels)
            optimizer = Adam(0.0002, 0.5)
            self.discriminator = self.build_discriminator()
            self.discriminator.compile(loss="binary_crossentropy", optimizer=optimizer,
                                       metrics=["accuracy"])  # fmt: skip
            self.generator = self.build_generator()
            masked_img = Input(shape=self.img_shape)
            gen_missing = self.generator(masked_img)
            self.discriminator.trainable = False
            valid = self.discriminator(gen_missing)
            self.combined = Model(masked_img, [gen_missing, valid])
            self.combined.compile(loss=["mse", "binary_crossentropy"], loss_weights=[0.999, 0.001],
                                  optimizer=optimizer)  # fmt: skip

        def build_generator(self):
            model = Sequential()
            # Encoder
            model.add(Conv2D(32, kernel_size=3, strides=2, input_shape=self.img_shape,
                             padding="same"))  # fmt: skip
            model.add(LeakyReLU(alpha=0.2))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Conv2D(64, kernel_size=3, strides=2, padding="same"))
            model.add(LeakyReLU(alpha=0.2))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Conv2D(128, kernel_size=3, strides=2, padding="same"))
            model.add(LeakyReLU(alpha=0.2))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Conv2D(512, kernel_size=1, strides=2, padding="same"))
            model.add(LeakyReLU(alpha=0.2))
            model.add(Dropout(0.0))  # 0.5
            # Decoder
            model.add(UpSampling2D())
            model.add(Conv2D(128, kernel_size=3, padding="same"))
            model.add(Activation("relu"))
            model.add(BatchNormalization(momentum=0.8))
            model.add(UpSampling2D())
            model.add(Conv2D(64, kernel_size=3, padding="same"))
            model.add(Activation("relu"))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Conv2D(self.channels, kernel_size=3, padding="same"))
            model.add(Activation("tanh"))
            masked_img = Input(shape=self.img_shape)
            gen_missing = model(masked_img)
            return Model(masked_img, gen_missing)

        def build_discriminator(self):
            model = Sequential()
            model.add(Conv2D(64, kernel_size=3, strides=2, input_shape=self.missing_shape,
                             padding="same"))  # fmt: skip
            model.add(LeakyReLU(alpha=0.2))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Conv2D(128, kernel_size=3, strides=2, padding="same"))
            model.add(LeakyReLU(alpha=0.2))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Conv2D(256, kernel_size=3, padding="same"))
            model.add(LeakyReLU(alpha=0.2))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Flatten())
            model.add(Dense(1, activation="sigmoid"))
            img = Input(shape=self.missing_shape)
            validity = model(img)
            return Model(img, validity)

        def mask_randomly(self, imgs):
            y1 = np.random.randint(0, self.img_rows - self.mask_height, imgs.shape[0])
            y2 = y1 + self.mask_height
            x1 = np.random.randint(0, self.img_rows - self.mask_width, imgs.shape[0])
            x2 = x1 + self.mask_width
            masked_imgs = np.empty_like(imgs)
            missing_parts = np.empty((imgs.shape[0], self.mask_height, self.mask_width,
                                      self.channels))  # fmt: skip
            for i, img in enumerate(imgs):
                masked_img = img.copy()
                _y1, _y2, _x1, _x2 = y1[i], y2[i], x1[i], x2[i]
                missing_parts[i] = masked_img[_y1:_y2, _x1:_x2, :].copy()
                masked_img[_y1:_y2, _x1:_x2, :] = 0
                masked_imgs[i] = masked_img
            return masked_imgs, missing_parts, (y1, y2, x1, x2)

        def train(self, epochs, batch_size=128, sample_interval=50):
            # (cifar10's cats and dogs: uint8 images)
            X_train = np.random.default_rng(7).integers(0, 256, (12, 32, 32, 3)).astype("uint8")
            X_train = X_train / 127.5 - 1.0
            valid = np.ones((batch_size, 1))
            fake = np.zeros((batch_size, 1))
            losses = []
            for epoch in range(epochs):
                idx = np.random.randint(0, X_train.shape[0], batch_size)
                imgs = X_train[idx]
                masked_imgs, missing_parts, _ = self.mask_randomly(imgs)
                gen_missing = self.generator.predict(masked_imgs, verbose=0)
                d_loss_real = self.discriminator.train_on_batch(missing_parts, valid)
                d_loss_fake = self.discriminator.train_on_batch(gen_missing, fake)
                d_loss = 0.5 * np.add(d_loss_real, d_loss_fake)
                g_loss = self.combined.train_on_batch(masked_imgs, [missing_parts, valid])
                losses.append([list(d_loss), list(g_loss)])
            return losses

    ce = ContextEncoder()
    _init(ce.discriminator, seed=1)
    _init(ce.generator, seed=2)
    models = (ce.generator, ce.discriminator)
    before = _snapshot(*models)
    np.random.seed(47)
    losses = ce.train(epochs=2, batch_size=8)
    x = np.random.default_rng(8).uniform(-1, 1, (2, 32, 32, 3))
    return {
        "losses": _r(losses),
        "filled": _f(ce.generator.predict(x, verbose=0)[:, 3, 3:5, :]),
        "moved": _moved(before, models),
    }


# -- pix2pix/pix2pix.py -------------------------------------------------------------------
@scenario
def keras_gan_pix2pix(keras):
    N = _names(keras)
    Input, Dropout, Concatenate = N.Input, N.Dropout, N.Concatenate
    BatchNormalization, LeakyReLU, UpSampling2D, Conv2D = (
        N.BatchNormalization, N.LeakyReLU, N.UpSampling2D, N.Conv2D,
    )  # fmt: skip
    Model, Adam = N.Model, N.Adam

    class Pix2Pix:
        def __init__(self):
            self.img_rows = 128  # 256 (the U-Net halves it 7 times)
            self.img_cols = 128
            self.channels = 3
            self.img_shape = (self.img_rows, self.img_cols, self.channels)
            patch = int(self.img_rows / 2**4)
            self.disc_patch = (patch, patch, 1)
            self.gf = 4  # 64
            self.df = 4  # 64
            optimizer = Adam(0.0002, 0.5)
            self.discriminator = self.build_discriminator()
            self.discriminator.compile(loss="mse", optimizer=optimizer, metrics=["accuracy"])
            self.generator = self.build_generator()
            img_A = Input(shape=self.img_shape)
            img_B = Input(shape=self.img_shape)
            fake_A = self.generator(img_B)
            self.discriminator.trainable = False
            valid = self.discriminator([fake_A, img_B])
            self.combined = Model(inputs=[img_A, img_B], outputs=[valid, fake_A])
            self.combined.compile(loss=["mse", "mae"], loss_weights=[1, 100], optimizer=optimizer)

        def build_generator(self):
            """U-Net Generator"""

            def conv2d(layer_input, filters, f_size=4, bn=True):
                d = Conv2D(filters, kernel_size=f_size, strides=2, padding="same")(layer_input)
                d = LeakyReLU(alpha=0.2)(d)
                if bn:
                    d = BatchNormalization(momentum=0.8)(d)
                return d

            def deconv2d(layer_input, skip_input, filters, f_size=4, dropout_rate=0):
                u = UpSampling2D(size=2)(layer_input)
                u = Conv2D(filters, kernel_size=f_size, strides=1, padding="same",
                           activation="relu")(u)  # fmt: skip
                if dropout_rate:
                    u = Dropout(dropout_rate)(u)
                u = BatchNormalization(momentum=0.8)(u)
                u = Concatenate()([u, skip_input])
                return u

            d0 = Input(shape=self.img_shape)
            d1 = conv2d(d0, self.gf, bn=False)
            d2 = conv2d(d1, self.gf * 2)
            d3 = conv2d(d2, self.gf * 4)
            d4 = conv2d(d3, self.gf * 8)
            d5 = conv2d(d4, self.gf * 8)
            d6 = conv2d(d5, self.gf * 8)
            d7 = conv2d(d6, self.gf * 8)
            u1 = deconv2d(d7, d6, self.gf * 8)
            u2 = deconv2d(u1, d5, self.gf * 8)
            u3 = deconv2d(u2, d4, self.gf * 8)
            u4 = deconv2d(u3, d3, self.gf * 4)
            u5 = deconv2d(u4, d2, self.gf * 2)
            u6 = deconv2d(u5, d1, self.gf)
            u7 = UpSampling2D(size=2)(u6)
            output_img = Conv2D(self.channels, kernel_size=4, strides=1, padding="same",
                                activation="tanh")(u7)  # fmt: skip
            return Model(d0, output_img)

        def build_discriminator(self):
            def d_layer(layer_input, filters, f_size=4, bn=True):
                d = Conv2D(filters, kernel_size=f_size, strides=2, padding="same")(layer_input)
                d = LeakyReLU(alpha=0.2)(d)
                if bn:
                    d = BatchNormalization(momentum=0.8)(d)
                return d

            img_A = Input(shape=self.img_shape)
            img_B = Input(shape=self.img_shape)
            combined_imgs = Concatenate(axis=-1)([img_A, img_B])
            d1 = d_layer(combined_imgs, self.df, bn=False)
            d2 = d_layer(d1, self.df * 2)
            d3 = d_layer(d2, self.df * 4)
            d4 = d_layer(d3, self.df * 8)
            validity = Conv2D(1, kernel_size=4, strides=1, padding="same")(d4)
            return Model([img_A, img_B], validity)

        def train(self, epochs, batch_size=1, sample_interval=50):
            valid = np.ones((batch_size,) + self.disc_patch)
            fake = np.zeros((batch_size,) + self.disc_patch)
            rng = np.random.default_rng(9)  # (the facades DataLoader: pairs in [-1, 1])
            losses = []
            for epoch in range(epochs):
                for batch_i in range(2):
                    imgs_A = rng.uniform(-1, 1, (batch_size, *self.img_shape))
                    imgs_B = rng.uniform(-1, 1, (batch_size, *self.img_shape))
                    fake_A = self.generator.predict(imgs_B, verbose=0)
                    d_loss_real = self.discriminator.train_on_batch([imgs_A, imgs_B], valid)
                    d_loss_fake = self.discriminator.train_on_batch([fake_A, imgs_B], fake)
                    d_loss = 0.5 * np.add(d_loss_real, d_loss_fake)
                    g_loss = self.combined.train_on_batch([imgs_A, imgs_B], [valid, imgs_A])
                    losses.append([list(d_loss), list(g_loss)])
            return losses

    gan = Pix2Pix()
    _init(gan.discriminator, seed=1)
    _init(gan.generator, seed=2)
    models = (gan.generator, gan.discriminator)
    before = _snapshot(*models)
    losses = gan.train(epochs=1, batch_size=2)
    x = np.random.default_rng(10).uniform(-1, 1, (1, 128, 128, 3))
    return {
        "losses": _r(losses),
        "translated": _f(gan.generator.predict(x, verbose=0)[0, 60, 60:63, :]),
        "moved": _moved(before, models),
    }


# -- the order of train_on_batch's values (the ACGAN reads d_loss[3] and d_loss[4]) ------
@scenario
def keras2_metric_order(keras):
    L = _m(keras, "layers")
    inp = L.Input((4,))
    h = L.Dense(3, activation="tanh")(inp)
    # output names that sort against the outputs' order (as dense_9, dense_10 do)
    outs = [L.Dense(2, activation="softmax", name=n)(h) for n in ("b_out", "a_out")]
    model = _m(keras, "models").Model(inp, outs)
    _init(model)
    model.compile(loss=["categorical_crossentropy", "mse"], optimizer="sgd",
                  metrics=["accuracy", "mse", "mae"], weighted_metrics=["mse"])  # fmt: skip
    rng = np.random.default_rng(48)
    x = rng.normal(size=(6, 4))
    ys = [keras.utils.to_categorical(rng.integers(0, 2, 6), 2) for _ in range(2)]
    return {
        "train_on_batch": _r(model.train_on_batch(x, ys)),
        "evaluate": _r(model.evaluate(x, ys, verbose=0)),
        "metrics_names": model.metrics_names,
    }


def main(names=None) -> None:
    import tf_keras as keras

    results = json.loads(OUT.read_text()) if OUT.exists() else {}
    for name in names or SCENARIOS:
        keras.backend.clear_session()
        np.random.seed(0)
        random.seed(0)
        start = time.perf_counter()
        with warnings.catch_warnings(), redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            results[name] = json.loads(json.dumps(SCENARIOS[name](keras)))
        print(f"{name}: {time.perf_counter() - start:.1f} s")
    lines = [f"{json.dumps(k)}: {json.dumps(results[k], sort_keys=True)}" for k in sorted(results)]
    OUT.write_text("{\n" + ",\n".join(lines) + "\n}\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main(sys.argv[1:])

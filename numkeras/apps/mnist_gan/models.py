"""The tutorial GAN's three models, as the 2017 script builds them (keras-facts.md section 7):
a 100-256-512-1024-784 generator, a 784-1024-512-256-1 discriminator with Dropout(0.3), and
the combined model that trains the generator through the frozen discriminator, all
compiled with one shared `Adam(learning_rate=2e-4, beta_1=0.5)`.

The discriminator is frozen *after* its own compile and before the combined model's: under
Keras 2's trainable-at-compile rule, which numkeras keeps, each `train_on_batch` then
trains what its compile saw (README, "Where numkeras differs from Keras 3").

>>> g, d, gan, opt = build(latent_dim=100)
>>> g.count_params(), d.count_params()
(1486352, 1460225)
>>> gan.input_shape, gan.output_shape
((None, 100), (None, 1))
"""

from __future__ import annotations

from numkeras import initializers
from numkeras.layers import Dense, Dropout, Input, LeakyReLU
from numkeras.models import Model, Sequential
from numkeras.optimizers import Adam

IMAGE_PIXELS = 28 * 28


def build_generator(latent_dim: int = 100) -> Sequential:
    """Noise `(batch, latent_dim)` to images `(batch, 784)` in [-1, 1] (tanh)."""
    return Sequential(
        [
            Input(shape=(latent_dim,)),
            Dense(256, kernel_initializer=initializers.RandomNormal(stddev=0.02)),
            LeakyReLU(0.2),
            Dense(512),
            LeakyReLU(0.2),
            Dense(1024),
            LeakyReLU(0.2),
            Dense(IMAGE_PIXELS, activation="tanh"),
        ],
        name="generator",
    )


def build_discriminator() -> Sequential:
    """Images `(batch, 784)` to the probability each is real `(batch, 1)`."""
    layers = [
        Input(shape=(IMAGE_PIXELS,)),
        Dense(1024, kernel_initializer=initializers.RandomNormal(stddev=0.02)),
    ]
    for units in (512, 256, None):
        layers += [LeakyReLU(0.2), Dropout(0.3)]
        if units is not None:
            layers.append(Dense(units))
    layers.append(Dense(1, activation="sigmoid"))
    return Sequential(layers, name="discriminator")


def build(latent_dim: int = 100, learning_rate: float = 2e-4, beta_1: float = 0.5):
    """`(generator, discriminator, gan, optimizer)`, compiled as the tutorial compiles them.

    The shared optimizer is built on the discriminator's and then the generator's weights
    here, so its variables have one order in every run (a resumed run restores them).
    """
    optimizer = Adam(learning_rate=learning_rate, beta_1=beta_1)
    generator = build_generator(latent_dim)
    discriminator = build_discriminator()
    generator.compile(loss="binary_crossentropy", optimizer=optimizer)
    discriminator.compile(loss="binary_crossentropy", optimizer=optimizer)
    discriminator.trainable = False
    noise = Input(shape=(latent_dim,))
    gan = Model(noise, discriminator(generator(noise)), name="gan")
    gan.compile(loss="binary_crossentropy", optimizer=optimizer)
    optimizer.build(discriminator.weights + generator.weights)
    return generator, discriminator, gan, optimizer

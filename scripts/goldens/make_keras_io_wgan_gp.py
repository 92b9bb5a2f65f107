"""Goldens for tests/examples/test_keras_io_wgan_gp.py: keras.io's WGAN-GP
(examples/generative/wgan_gp.py: a critic trained with a gradient penalty, the norm of its
gradient with respect to interpolated images, so a second-order gradient), its model and
training code as written, at a reduced size on synthetic Fashion-MNIST-shaped images.

The changes, each noted where it is made: TensorFlow's ops as `keras.ops`; the example's
`tf.GradientTape` blocks as the backend takes gradients (numkeras's `GradientTape`,
torch's `autograd.grad` with `create_graph`); its `tf.random.normal` draws from one NumPy
RNG (the same numbers for both); dropout rates 0; weights from a fixed RNG.

Run (Keras 3.15.1 on torch: Keras's JAX backend cannot run a train_step that takes
gradients):
    KERAS_BACKEND=torch /work/kenv/bin/python scripts/goldens/make_keras_io_wgan_gp.py
"""

# (the example's code as written: its unused settings kept)
# ruff: noqa: F841, UP008, B007, B023

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, scenario_script  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "keras_io_wgan_gp.json"
SCENARIOS = Scenarios()
torch_scenario = SCENARIOS.scenario_on("torch")

_THIRD = scenario_script("make_keras_io_examples_3")
_FOURTH = scenario_script("make_keras_io_examples_4")
_summary, _init, _f, _hist = _THIRD._summary, _THIRD._init, _THIRD._f, _THIRD._hist
_grads, _apply_gradients = _FOURTH._grads, _FOURTH._apply_gradients


def _input_gradient(keras, fn, x):
    """d fn(x) / d x, itself differentiable (the example's inner `tf.GradientTape`)."""
    if keras.__name__ == "numkeras":
        with keras.GradientTape() as gp_tape:
            gp_tape.watch(x)
            pred = fn(x)
        return gp_tape.gradient(pred, [x])[0]
    import torch

    if not x.requires_grad:
        x.requires_grad_(True)
    pred = fn(x)
    return torch.autograd.grad(pred.sum(), [x], create_graph=True)[0]


@torch_scenario
def wgan_gp(keras):
    layers, ops = keras.layers, keras.ops  # (the example imports them from tensorflow.keras)

    draws = np.random.default_rng(5)

    def normal(shape):  # (the example's tf.random.normal, from one NumPy RNG)
        shape = tuple(int(s) for s in shape)
        return ops.convert_to_tensor(draws.standard_normal(shape).astype("float32"))

    IMG_SHAPE = (28, 28, 1)
    BATCH_SIZE = 8  # (512)
    noise_dim = 128

    # (fashion_mnist.load_data(): 16 synthetic 28x28 uint8 images)
    rng = np.random.default_rng(3)
    yy, xx = np.mgrid[0:28, 0:28]
    centres = rng.uniform(8, 20, (16, 2))
    train_images = np.stack([np.exp(-((yy - a) ** 2 + (xx - b) ** 2) / 30.0) for a, b in centres])
    train_images = np.clip(train_images * 255 + rng.normal(0, 10, train_images.shape), 0, 255)
    train_images = train_images.astype("uint8")
    train_images = train_images.reshape(train_images.shape[0], *IMG_SHAPE).astype("float32")
    train_images = (train_images - 127.5) / 127.5

    def conv_block(
        x,
        filters,
        activation,
        kernel_size=(3, 3),
        strides=(1, 1),
        padding="same",
        use_bias=True,
        use_bn=False,
        use_dropout=False,
        drop_value=0.5,
    ):
        x = layers.Conv2D(
            filters, kernel_size, strides=strides, padding=padding, use_bias=use_bias
        )(x)
        if use_bn:
            x = layers.BatchNormalization()(x)
        x = activation(x)
        if use_dropout:
            x = layers.Dropout(0.0)(x)  # (drop_value)
        return x

    def get_discriminator_model():
        img_input = layers.Input(shape=IMG_SHAPE)
        # Zero pad the input to make the input images size to (32, 32, 1).
        x = layers.ZeroPadding2D((2, 2))(img_input)
        x = conv_block(
            x,
            64,
            kernel_size=(5, 5),
            strides=(2, 2),
            use_bn=False,
            use_bias=True,
            activation=layers.LeakyReLU(0.2),
            use_dropout=False,
            drop_value=0.3,
        )
        x = conv_block(
            x,
            128,
            kernel_size=(5, 5),
            strides=(2, 2),
            use_bn=False,
            activation=layers.LeakyReLU(0.2),
            use_bias=True,
            use_dropout=True,
            drop_value=0.3,
        )
        x = conv_block(
            x,
            256,
            kernel_size=(5, 5),
            strides=(2, 2),
            use_bn=False,
            activation=layers.LeakyReLU(0.2),
            use_bias=True,
            use_dropout=True,
            drop_value=0.3,
        )
        x = conv_block(
            x,
            512,
            kernel_size=(5, 5),
            strides=(2, 2),
            use_bn=False,
            activation=layers.LeakyReLU(0.2),
            use_bias=True,
            use_dropout=False,
            drop_value=0.3,
        )

        x = layers.Flatten()(x)
        x = layers.Dropout(0.0)(x)  # (0.2)
        x = layers.Dense(1)(x)

        d_model = keras.models.Model(img_input, x, name="discriminator")
        return d_model

    d_model = get_discriminator_model()

    def upsample_block(
        x,
        filters,
        activation,
        kernel_size=(3, 3),
        strides=(1, 1),
        up_size=(2, 2),
        padding="same",
        use_bn=False,
        use_bias=True,
        use_dropout=False,
        drop_value=0.3,
    ):
        x = layers.UpSampling2D(up_size)(x)
        x = layers.Conv2D(
            filters, kernel_size, strides=strides, padding=padding, use_bias=use_bias
        )(x)

        if use_bn:
            x = layers.BatchNormalization()(x)

        if activation:
            x = activation(x)
        if use_dropout:
            x = layers.Dropout(0.0)(x)  # (drop_value)
        return x

    def get_generator_model():
        noise = layers.Input(shape=(noise_dim,))
        x = layers.Dense(4 * 4 * 256, use_bias=False)(noise)
        x = layers.BatchNormalization()(x)
        x = layers.LeakyReLU(0.2)(x)

        x = layers.Reshape((4, 4, 256))(x)
        x = upsample_block(
            x,
            128,
            layers.LeakyReLU(0.2),
            strides=(1, 1),
            use_bias=False,
            use_bn=True,
            padding="same",
            use_dropout=False,
        )
        x = upsample_block(
            x,
            64,
            layers.LeakyReLU(0.2),
            strides=(1, 1),
            use_bias=False,
            use_bn=True,
            padding="same",
            use_dropout=False,
        )
        x = upsample_block(
            x, 1, layers.Activation("tanh"), strides=(1, 1), use_bias=False, use_bn=True
        )
        # We will use a Cropping2D layer to make it (28, 28, 1).
        x = layers.Cropping2D((2, 2))(x)

        g_model = keras.models.Model(noise, x, name="generator")
        return g_model

    g_model = get_generator_model()
    _init(d_model, seed=1)
    _init(g_model, seed=2)
    out = {"d_summary": _summary(d_model), "g_summary": _summary(g_model)}

    class WGAN(keras.Model):
        def __init__(
            self,
            discriminator,
            generator,
            latent_dim,
            discriminator_extra_steps=3,
            gp_weight=10.0,
        ):
            super(WGAN, self).__init__()
            self.discriminator = discriminator
            self.generator = generator
            self.latent_dim = latent_dim
            self.d_steps = discriminator_extra_steps
            self.gp_weight = gp_weight

        def call(self, x):  # (added: Keras 3.15 on torch cannot fit a model without one)
            return self.discriminator(x)

        def compile(self, d_optimizer, g_optimizer, d_loss_fn, g_loss_fn):
            super(WGAN, self).compile()
            self.d_optimizer = d_optimizer
            self.g_optimizer = g_optimizer
            self.d_loss_fn = d_loss_fn
            self.g_loss_fn = g_loss_fn

        def gradient_penalty(self, batch_size, real_images, fake_images):
            """Calculates the gradient penalty."""
            # get the interplated image
            alpha = normal([batch_size, 1, 1, 1])
            diff = fake_images - real_images
            interpolated = real_images + alpha * diff

            # 1. Get the discriminator output for this interpolated image.
            # 2. Calculate the gradients w.r.t to this interpolated image.
            grads = _input_gradient(
                keras, lambda x: self.discriminator(x, training=True), interpolated
            )
            # 3. Calcuate the norm of the gradients
            norm = ops.sqrt(ops.sum(ops.square(grads), axis=[1, 2, 3]))
            gp = ops.mean((norm - 1.0) ** 2)
            return gp

        def train_step(self, real_images):
            if isinstance(real_images, tuple):
                real_images = real_images[0]

            # Get the batch size
            batch_size = ops.shape(real_images)[0]

            for i in range(self.d_steps):
                # Get the latent vector
                random_latent_vectors = normal((batch_size, self.latent_dim))
                state = {}

                def d_loss_fn():
                    # Generate fake images from the latent vector
                    fake_images = self.generator(random_latent_vectors, training=True)
                    # Get the logits for the fake images
                    fake_logits = self.discriminator(fake_images, training=True)
                    # Get the logits for real images
                    real_logits = self.discriminator(real_images, training=True)

                    # Calculate discriminator loss using fake and real logits
                    d_cost = self.d_loss_fn(real_img=real_logits, fake_img=fake_logits)
                    # Calculate the gradient penalty
                    gp = self.gradient_penalty(batch_size, real_images, fake_images)
                    state["gp"] = gp
                    # Add the gradient penalty to the original discriminator loss
                    d_loss = d_cost + gp * self.gp_weight
                    return d_loss

                # Get the gradients w.r.t the discriminator loss
                d_loss, d_gradient = _grads(
                    keras, d_loss_fn, self.discriminator.trainable_variables
                )
                # Update the weights of the discriminator using the discriminator optimizer
                _apply_gradients(
                    keras,
                    self.d_optimizer,
                    zip(d_gradient, self.discriminator.trainable_variables),
                )

            # Train the generator now.
            # Get the latent vector
            random_latent_vectors = normal((batch_size, self.latent_dim))

            def g_loss_fn():
                # Generate fake images using the generator
                generated_images = self.generator(random_latent_vectors, training=True)
                # Get the discriminator logits for fake images
                gen_img_logits = self.discriminator(generated_images, training=True)
                # Calculate the generator loss
                return self.g_loss_fn(gen_img_logits)

            # Get the gradients w.r.t the generator loss
            g_loss, gen_gradient = _grads(keras, g_loss_fn, self.generator.trainable_variables)
            # Update the weights of the generator using the generator optimizer
            _apply_gradients(
                keras, self.g_optimizer, zip(gen_gradient, self.generator.trainable_variables)
            )
            return {"d_loss": d_loss, "g_loss": g_loss, "gp": state["gp"]}

    # Optimizer for both the networks
    generator_optimizer = keras.optimizers.Adam(learning_rate=0.0002, beta_1=0.5, beta_2=0.9)
    discriminator_optimizer = keras.optimizers.Adam(learning_rate=0.0002, beta_1=0.5, beta_2=0.9)

    def discriminator_loss(real_img, fake_img):
        real_loss = ops.mean(real_img)
        fake_loss = ops.mean(fake_img)
        return fake_loss - real_loss

    def generator_loss(fake_img):
        return -ops.mean(fake_img)

    epochs = 2  # (20)

    wgan = WGAN(
        discriminator=d_model,
        generator=g_model,
        latent_dim=noise_dim,
        discriminator_extra_steps=3,
    )
    wgan.compile(
        d_optimizer=discriminator_optimizer,
        g_optimizer=generator_optimizer,
        g_loss_fn=generator_loss,
        d_loss_fn=discriminator_loss,
    )
    # (shuffle=False added: Keras's shuffling order cannot be reproduced)
    history = wgan.fit(train_images, batch_size=BATCH_SIZE, epochs=epochs, shuffle=False, verbose=0)
    out["history"] = _hist(history)
    # (GANMonitor's images: the generator on the next draws)
    generated = ops.convert_to_numpy(g_model(normal((3, noise_dim))))
    out["generated"] = _f(generated[:, 10:14, 10:14, 0])
    out["critic_kernel"] = _f(ops.convert_to_numpy(d_model.trainable_weights[0])[:2, :2, 0, :3])
    return out


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

"""Goldens for tests/examples/test_keras_io_examples_7.py: a seventh set of keras.io code
examples (keras-team/keras-io, examples/), generative and self-supervised ones not covered
by make_keras_io_examples*.py or make_keras_io_guides.py, each as a Keras 3 user runs it:
the model and training code as written, the imports aside, at a reduced size and on
synthetic NumPy data of the dataset's shapes and dtypes (in place of downloads and
tf.data), with the trainable weights drawn from a fixed RNG after building, dropout rates
0 and random augmentation left out (the only changes, each noted where it is made).

These examples are written with TensorFlow (`tf.GradientTape`, `tf.gather`,
`tf.math.unsorted_segment_sum`, ...), so their goldens come from Keras's TensorFlow
backend (/work/tfenv's Keras 3.15.1), TensorFlow itself as `tf`. With numkeras the tape is
numkeras's `GradientTape` and the few `tf.*` functions called are their `keras.ops`
counterparts (`_tf`). `keras.random` / `tf.random` draws are NumPy draws in both runs (so
both see the same numbers), which needs the custom steps run eagerly in TensorFlow.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the
test) returning JSON-able values.

Run (Keras 3.15.1 on TensorFlow; optionally only the scenarios named):
    KERAS_BACKEND=tensorflow /work/tfenv/bin/python scripts/goldens/make_keras_io_examples_7.py
"""

# (the examples' code as written: its unused settings, loop names and mutable defaults kept)
# ruff: noqa: F841, B007, B006, UP031, UP032

from __future__ import annotations

import math
import os
import pathlib
import sys
import tempfile
import types

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error, scenario_script  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "keras_io_examples_7.json"
SCENARIOS = Scenarios()
# (every scenario's goldens come from Keras's TensorFlow backend: the examples use TensorFlow)
tf_scenario = SCENARIOS.scenario_on("tensorflow")

# the helpers of the third and sixth sets: summary lines, weights drawn from one RNG,
# rounding, History, synthetic images, the `tf` stand-in
_THIRD = scenario_script("make_keras_io_examples_3")
_summary, _init, _f, _hist, _images = (
    _THIRD._summary,
    _THIRD._init,
    _THIRD._f,
    _THIRD._hist,
    _THIRD._images,
)
_SIXTH = scenario_script("make_keras_io_examples_6")


def _tf(keras):
    """The `tf` functions the examples call: TensorFlow itself on Keras's TensorFlow
    backend, elsewhere their `keras.ops` counterparts (and the backend's tape)."""
    base = _SIXTH._tf(keras)
    if not isinstance(base, types.SimpleNamespace):
        return base
    ops = keras.ops

    def unsorted_segment_sum(data, segment_ids, num_segments):
        return ops.segment_sum(data, segment_ids, num_segments=int(num_segments))

    def bincount(x):
        return ops.bincount(x)

    def clip_by_value(x, lo, hi):
        return ops.clip(x, lo, hi)

    base.gather = lambda params, indices: ops.take(params, indices, axis=0)
    base.stack = ops.stack
    base.reduce_max = ops.max
    base.sin, base.cos = ops.sin, ops.cos
    base.int64 = "int64"
    base.constant = lambda value, dtype=None: ops.convert_to_tensor(value, dtype=dtype)
    base.range = lambda n, dtype=None: ops.arange(n, dtype=dtype)
    base.fill = lambda dims, value: ops.full(dims, value)
    base.exp = ops.exp
    base.clip_by_value = clip_by_value
    base.repeat = ops.repeat
    base.math.exp = ops.exp
    base.math.unsorted_segment_sum = unsorted_segment_sum
    base.math.bincount = bincount
    base.nn = types.SimpleNamespace(
        leaky_relu=lambda x, alpha=0.2: ops.leaky_relu(x, negative_slope=alpha),
        relu=ops.relu,
        softmax=lambda x, axis=-1: ops.softmax(x, axis=axis),
    )
    return base


def _inception_preprocess_input(x):
    # (keras.applications.inception_v3.preprocess_input, "tf" mode: numkeras has no
    # keras.applications)
    return x / 127.5 - 1.0


# ---- generative/ddim.py (a diffusion model: U-Net, EMA network, KID metric) --------------


@tf_scenario
def ddim(keras):
    tf = _tf(keras)
    layers, ops = keras.layers, keras.ops
    tmp = tempfile.mkdtemp()

    # data
    dataset_name = "oxford_flowers102"
    dataset_repetitions = 5
    num_epochs = 2  # train for at least 50 epochs for good results (1)
    image_size = 8  # (64)
    # KID = Kernel Inception Distance, see related section
    kid_image_size = 10  # (75)
    kid_diffusion_steps = 2  # (5)
    plot_diffusion_steps = 3  # (20)

    # sampling
    min_signal_rate = 0.02
    max_signal_rate = 0.95

    # architecture
    embedding_dims = 32
    embedding_max_frequency = 1000.0
    widths = [4, 6, 8]  # ([32, 64, 96, 128])
    block_depth = 2

    # optimization
    batch_size = 4  # (64)
    ema = 0.999
    learning_rate = 1e-3
    weight_decay = 1e-4

    # (the flowers, centre-cropped and resized in [0, 1]: synthetic images, 8 to train and
    # 4 to validate, batched by fit in order)
    images, _ = _images(12, size=image_size, channels=3, seed=3)
    images = np.clip(images.astype("float32") / 255.0, 0.0, 1.0)
    train_dataset, val_dataset = images[:8], images[8:]
    draws = np.random.default_rng(11)  # (in place of keras.random.normal / uniform)

    def normal(shape):  # (keras.random.normal: a tensor of NumPy's draws)
        return ops.convert_to_tensor(draws.normal(size=shape).astype("float32"))

    def uniform(shape, minval, maxval):  # (keras.random.uniform, likewise)
        return ops.convert_to_tensor(draws.uniform(minval, maxval, shape).astype("float32"))

    @keras.saving.register_keras_serializable()
    class KID(keras.metrics.Metric):
        def __init__(self, name, **kwargs):
            super().__init__(name=name, **kwargs)

            # KID is estimated per batch and is averaged across batches
            self.kid_tracker = keras.metrics.Mean(name="kid_tracker")

            # a pretrained InceptionV3 is used without its classification layer
            # transform the pixel values to the 0-255 range, then use the same
            # preprocessing as during pretraining
            self.encoder = keras.Sequential(
                [
                    keras.Input(shape=(image_size, image_size, 3)),
                    layers.Rescaling(255.0),
                    layers.Resizing(height=kid_image_size, width=kid_image_size),
                    layers.Lambda(_inception_preprocess_input),
                    # (InceptionV3(include_top=False, weights="imagenet"): a small
                    # convolution with fixed weights)
                    layers.Conv2D(6, 3, strides=2, activation="relu", name="inception"),
                    layers.GlobalAveragePooling2D(),
                ],
                name="inception_encoder",
            )
            _init(self.encoder, seed=5)

        def polynomial_kernel(self, features_1, features_2):
            feature_dimensions = ops.cast(ops.shape(features_1)[1], dtype="float32")
            return (features_1 @ ops.transpose(features_2) / feature_dimensions + 1.0) ** 3.0

        def update_state(self, real_images, generated_images, sample_weight=None):
            real_features = self.encoder(real_images, training=False)
            generated_features = self.encoder(generated_images, training=False)

            # compute polynomial kernels using the two sets of features
            kernel_real = self.polynomial_kernel(real_features, real_features)
            kernel_generated = self.polynomial_kernel(generated_features, generated_features)
            kernel_cross = self.polynomial_kernel(real_features, generated_features)

            # estimate the squared maximum mean discrepancy using the average kernel values
            batch_size = real_features.shape[0]
            batch_size_f = ops.cast(batch_size, dtype="float32")
            mean_kernel_real = ops.sum(kernel_real * (1.0 - ops.eye(batch_size))) / (
                batch_size_f * (batch_size_f - 1.0)
            )
            mean_kernel_generated = ops.sum(kernel_generated * (1.0 - ops.eye(batch_size))) / (
                batch_size_f * (batch_size_f - 1.0)
            )
            mean_kernel_cross = ops.mean(kernel_cross)
            kid = mean_kernel_real + mean_kernel_generated - 2.0 * mean_kernel_cross

            # update the average KID estimate
            self.kid_tracker.update_state(kid)

        def result(self):
            return self.kid_tracker.result()

        def reset_state(self):
            self.kid_tracker.reset_state()

    @keras.saving.register_keras_serializable()
    def sinusoidal_embedding(x):
        embedding_min_frequency = 1.0
        frequencies = ops.exp(
            ops.linspace(
                ops.log(embedding_min_frequency),
                ops.log(embedding_max_frequency),
                embedding_dims // 2,
            )
        )
        angular_speeds = ops.cast(2.0 * math.pi * frequencies, "float32")
        embeddings = ops.concatenate(
            [ops.sin(angular_speeds * x), ops.cos(angular_speeds * x)], axis=3
        )
        return embeddings

    def ResidualBlock(width):
        def apply(x):
            input_width = x.shape[3]
            if input_width == width:
                residual = x
            else:
                residual = layers.Conv2D(width, kernel_size=1)(x)
            x = layers.BatchNormalization(center=False, scale=False)(x)
            x = layers.Conv2D(width, kernel_size=3, padding="same", activation="swish")(x)
            x = layers.Conv2D(width, kernel_size=3, padding="same")(x)
            x = layers.Add()([x, residual])
            return x

        return apply

    def DownBlock(width, block_depth):
        def apply(x):
            x, skips = x
            for _ in range(block_depth):
                x = ResidualBlock(width)(x)
                skips.append(x)
            x = layers.AveragePooling2D(pool_size=2)(x)
            return x

        return apply

    def UpBlock(width, block_depth):
        def apply(x):
            x, skips = x
            x = layers.UpSampling2D(size=2, interpolation="bilinear")(x)
            for _ in range(block_depth):
                x = layers.Concatenate()([x, skips.pop()])
                x = ResidualBlock(width)(x)
            return x

        return apply

    def get_network(image_size, widths, block_depth):
        noisy_images = keras.Input(shape=(image_size, image_size, 3))
        noise_variances = keras.Input(shape=(1, 1, 1))

        e = layers.Lambda(sinusoidal_embedding, output_shape=(1, 1, 32))(noise_variances)
        e = layers.UpSampling2D(size=image_size, interpolation="nearest")(e)

        x = layers.Conv2D(widths[0], kernel_size=1)(noisy_images)
        x = layers.Concatenate()([x, e])

        skips = []
        for width in widths[:-1]:
            x = DownBlock(width, block_depth)([x, skips])

        for _ in range(block_depth):
            x = ResidualBlock(widths[-1])(x)

        for width in reversed(widths[:-1]):
            x = UpBlock(width, block_depth)([x, skips])

        x = layers.Conv2D(3, kernel_size=1, kernel_initializer="zeros")(x)

        return keras.Model([noisy_images, noise_variances], x, name="residual_unet")

    generated_sums = []

    @keras.saving.register_keras_serializable()
    class DiffusionModel(keras.Model):
        def __init__(self, image_size, widths, block_depth):
            super().__init__()

            self.normalizer = layers.Normalization()
            self.network = get_network(image_size, widths, block_depth)
            self.ema_network = keras.models.clone_model(self.network)

        def compile(self, **kwargs):
            super().compile(**kwargs)

            self.noise_loss_tracker = keras.metrics.Mean(name="n_loss")
            self.image_loss_tracker = keras.metrics.Mean(name="i_loss")
            self.kid = KID(name="kid")

        @property
        def metrics(self):
            return [self.noise_loss_tracker, self.image_loss_tracker, self.kid]

        def denormalize(self, images):
            # convert the pixel values back to 0-1 range
            images = self.normalizer.mean + images * self.normalizer.variance**0.5
            return ops.clip(images, 0.0, 1.0)

        def diffusion_schedule(self, diffusion_times):
            # diffusion times -> angles
            start_angle = ops.cast(ops.arccos(max_signal_rate), "float32")
            end_angle = ops.cast(ops.arccos(min_signal_rate), "float32")

            diffusion_angles = start_angle + diffusion_times * (end_angle - start_angle)

            # angles -> signal and noise rates
            signal_rates = ops.cos(diffusion_angles)
            noise_rates = ops.sin(diffusion_angles)
            # note that their squared sum is always: sin^2(x) + cos^2(x) = 1

            return noise_rates, signal_rates

        def denoise(self, noisy_images, noise_rates, signal_rates, training):
            # the exponential moving average weights are used at evaluation
            if training:
                network = self.network
            else:
                network = self.ema_network

            # predict noise component and calculate the image component using it
            pred_noises = network([noisy_images, noise_rates**2], training=training)
            pred_images = (noisy_images - noise_rates * pred_noises) / signal_rates

            return pred_noises, pred_images

        def reverse_diffusion(self, initial_noise, diffusion_steps):
            # reverse diffusion = sampling
            num_images = initial_noise.shape[0]
            step_size = 1.0 / diffusion_steps

            # important line:
            # at the first sampling step, the "noisy image" is pure noise
            # but its signal rate is assumed to be nonzero (min_signal_rate)
            next_noisy_images = initial_noise
            for step in range(diffusion_steps):
                noisy_images = next_noisy_images

                # separate the current noisy image to its components
                diffusion_times = ops.ones((num_images, 1, 1, 1)) - step * step_size
                noise_rates, signal_rates = self.diffusion_schedule(diffusion_times)
                pred_noises, pred_images = self.denoise(
                    noisy_images, noise_rates, signal_rates, training=False
                )
                # network used in eval mode

                # remix the predicted components using the next signal and noise rates
                next_diffusion_times = diffusion_times - step_size
                next_noise_rates, next_signal_rates = self.diffusion_schedule(next_diffusion_times)
                next_noisy_images = next_signal_rates * pred_images + next_noise_rates * pred_noises
                # this new noisy image will be used in the next step

            return pred_images

        def generate(self, num_images, diffusion_steps):
            # noise -> images -> denormalized images
            initial_noise = normal(shape=(num_images, image_size, image_size, 3))
            generated_images = self.reverse_diffusion(initial_noise, diffusion_steps)
            generated_images = self.denormalize(generated_images)
            return generated_images

        def train_step(self, images):
            # normalize images to have standard deviation of 1, like the noises
            images = self.normalizer(images, training=True)
            noises = normal(shape=(batch_size, image_size, image_size, 3))

            # sample uniform random diffusion times
            diffusion_times = uniform(shape=(batch_size, 1, 1, 1), minval=0.0, maxval=1.0)
            noise_rates, signal_rates = self.diffusion_schedule(diffusion_times)
            # mix the images with noises accordingly
            noisy_images = signal_rates * images + noise_rates * noises

            with tf.GradientTape() as tape:
                # train the network to separate noisy images to their components
                pred_noises, pred_images = self.denoise(
                    noisy_images, noise_rates, signal_rates, training=True
                )

                noise_loss = self.loss(noises, pred_noises)  # used for training
                image_loss = self.loss(images, pred_images)  # only used as metric

            gradients = tape.gradient(noise_loss, self.network.trainable_weights)
            self.optimizer.apply_gradients(zip(gradients, self.network.trainable_weights))

            self.noise_loss_tracker.update_state(noise_loss)
            self.image_loss_tracker.update_state(image_loss)

            # track the exponential moving averages of weights
            for weight, ema_weight in zip(self.network.weights, self.ema_network.weights):
                ema_weight.assign(ema * ema_weight + (1 - ema) * weight)

            # KID is not measured during the training phase for computational efficiency
            return {m.name: m.result() for m in self.metrics[:-1]}

        def test_step(self, images):
            # normalize images to have standard deviation of 1, like the noises
            images = self.normalizer(images, training=False)
            noises = normal(shape=(batch_size, image_size, image_size, 3))

            # sample uniform random diffusion times
            diffusion_times = uniform(shape=(batch_size, 1, 1, 1), minval=0.0, maxval=1.0)
            noise_rates, signal_rates = self.diffusion_schedule(diffusion_times)
            # mix the images with noises accordingly
            noisy_images = signal_rates * images + noise_rates * noises

            # use the network to separate noisy images to their components
            pred_noises, pred_images = self.denoise(
                noisy_images, noise_rates, signal_rates, training=False
            )

            noise_loss = self.loss(noises, pred_noises)
            image_loss = self.loss(images, pred_images)

            self.image_loss_tracker.update_state(image_loss)
            self.noise_loss_tracker.update_state(noise_loss)

            # measure KID between real and generated images
            # this is computationally demanding, kid_diffusion_steps has to be small
            images = self.denormalize(images)
            generated_images = self.generate(
                num_images=batch_size, diffusion_steps=kid_diffusion_steps
            )
            self.kid.update_state(images, generated_images)

            return {m.name: m.result() for m in self.metrics}

        def plot_images(self, epoch=None, logs=None, num_rows=1, num_cols=2):  # ((3, 6))
            # plot random generated images for visual evaluation of generation quality
            generated_images = self.generate(
                num_images=num_rows * num_cols,
                diffusion_steps=plot_diffusion_steps,
            )
            # (the matplotlib grid: the images' sums kept instead)
            generated_sums.append(_f(ops.sum(generated_images, axis=(1, 2, 3)), 4))

    # create and compile the model
    model = DiffusionModel(image_size, widths, block_depth)
    _init(model.network, seed=1)
    _init(model.ema_network, seed=2)
    model.compile(
        optimizer=keras.optimizers.AdamW(learning_rate=learning_rate, weight_decay=weight_decay),
        loss=keras.losses.mean_absolute_error,
    )
    model.run_eagerly = True  # (added: the NumPy draws in the steps run each step)
    # pixelwise mean absolute error is used as loss

    # save the best model based on the validation KID metric
    checkpoint_path = os.path.join(tmp, "diffusion_model.weights.h5")
    checkpoint_callback = keras.callbacks.ModelCheckpoint(
        filepath=checkpoint_path,
        save_weights_only=True,
        monitor="val_kid",
        mode="min",
        save_best_only=True,
    )

    # calculate mean and variance of training dataset for normalization
    model.normalizer.adapt(train_dataset)

    # (added: Keras 3.15 refuses to save the weights of a model never called, and this one
    # has no `call`, so ModelCheckpoint fails at the first epoch's end; the refusal is
    # compared, then the model marked as built)
    unbuilt_save = builtin_error(lambda: model.save_weights(checkpoint_path))
    model.built = True

    # run training and plot generated images periodically
    history = model.fit(
        train_dataset,
        epochs=num_epochs,
        batch_size=batch_size,  # (the dataset's batches)
        shuffle=False,
        verbose=0,
        validation_data=val_dataset,
        callbacks=[
            keras.callbacks.LambdaCallback(on_epoch_end=model.plot_images),
            checkpoint_callback,
        ],
    )
    result = {"history": _hist(history), "plotted": generated_sums}
    result["unbuilt_save"] = unbuilt_save
    result["summary"] = _summary(model.network)
    result["normalizer"] = _f(np.ravel(model.normalizer.mean).tolist())
    ema_kernel = model.ema_network.weights[0]
    result["ema_kernel"] = _f(ops.convert_to_numpy(ema_kernel)[0, 0, :, :2])

    # load the best model and generate images
    model.load_weights(checkpoint_path)
    model.plot_images()
    result["after_load"] = generated_sums[-1]
    return result


# ---- generative/dcgan_overriding_train_step.py (a DCGAN on faces, fit on images alone) -----


@tf_scenario
def dcgan_faces(keras):
    tf = _tf(keras)
    layers, ops = keras.layers, keras.ops
    tmp = tempfile.mkdtemp()
    draws = np.random.default_rng(21)  # (in place of keras.random / tf.random draws)

    # (CelebA via image_dataset_from_directory, 64x64, batch_size=32, mapped x / 255.0:
    # synthetic 16x16 faces in [0, 1], batched by fit in order)
    faces, _ = _images(12, size=16, channels=3, seed=4)
    dataset = faces.astype("float32") / 255.0

    discriminator = keras.Sequential(
        [
            keras.Input(shape=(16, 16, 3)),  # ((64, 64, 3))
            layers.Conv2D(4, kernel_size=4, strides=2, padding="same"),  # (64)
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2D(6, kernel_size=4, strides=2, padding="same"),  # (128)
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2D(6, kernel_size=4, strides=2, padding="same"),  # (128)
            layers.LeakyReLU(negative_slope=0.2),
            layers.Flatten(),
            layers.Dropout(0.0),  # (0.2)
            layers.Dense(1, activation="sigmoid"),
        ],
        name="discriminator",
    )
    result = {"discriminator": _summary(discriminator)}

    latent_dim = 5  # (128)

    generator = keras.Sequential(
        [
            keras.Input(shape=(latent_dim,)),
            layers.Dense(2 * 2 * 6),  # (8 * 8 * 128)
            layers.Reshape((2, 2, 6)),
            layers.Conv2DTranspose(6, kernel_size=4, strides=2, padding="same"),  # (128)
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2DTranspose(4, kernel_size=4, strides=2, padding="same"),  # (256)
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2DTranspose(4, kernel_size=4, strides=2, padding="same"),  # (512)
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2D(3, kernel_size=5, padding="same", activation="sigmoid"),
        ],
        name="generator",
    )
    result["generator"] = _summary(generator)
    _init(discriminator, seed=1)
    _init(generator, seed=2)

    class GAN(keras.Model):
        def __init__(self, discriminator, generator, latent_dim):
            super().__init__()
            self.discriminator = discriminator
            self.generator = generator
            self.latent_dim = latent_dim
            self.seed_generator = keras.random.SeedGenerator(1337)

        def compile(self, d_optimizer, g_optimizer, loss_fn):
            super().compile()
            self.d_optimizer = d_optimizer
            self.g_optimizer = g_optimizer
            self.loss_fn = loss_fn
            self.d_loss_metric = keras.metrics.Mean(name="d_loss")
            self.g_loss_metric = keras.metrics.Mean(name="g_loss")

        @property
        def metrics(self):
            return [self.d_loss_metric, self.g_loss_metric]

        def train_step(self, real_images):
            # Sample random points in the latent space
            batch_size = ops.shape(real_images)[0]
            random_latent_vectors = ops.convert_to_tensor(  # (keras.random.normal)
                draws.normal(size=(int(batch_size), self.latent_dim)).astype("float32")
            )

            # Decode them to fake images
            generated_images = self.generator(random_latent_vectors)

            # Combine them with real images
            combined_images = ops.concatenate([generated_images, real_images], axis=0)

            # Assemble labels discriminating real from fake images
            labels = ops.concatenate(
                [ops.ones((batch_size, 1)), ops.zeros((batch_size, 1))], axis=0
            )
            # Add random noise to the labels - important trick!
            labels += 0.05 * draws.uniform(size=(2 * int(batch_size), 1)).astype("float32")

            # Train the discriminator
            with tf.GradientTape() as tape:
                predictions = self.discriminator(combined_images)
                d_loss = self.loss_fn(labels, predictions)
            grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
            self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))

            # Sample random points in the latent space
            random_latent_vectors = ops.convert_to_tensor(  # (keras.random.normal)
                draws.normal(size=(int(batch_size), self.latent_dim)).astype("float32")
            )

            # Assemble labels that say "all real images"
            misleading_labels = ops.zeros((batch_size, 1))

            # Train the generator (note that we should *not* update the weights
            # of the discriminator)!
            with tf.GradientTape() as tape:
                predictions = self.discriminator(self.generator(random_latent_vectors))
                g_loss = self.loss_fn(misleading_labels, predictions)
            grads = tape.gradient(g_loss, self.generator.trainable_weights)
            self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))

            # Update metrics
            self.d_loss_metric.update_state(d_loss)
            self.g_loss_metric.update_state(g_loss)
            return {
                "d_loss": self.d_loss_metric.result(),
                "g_loss": self.g_loss_metric.result(),
            }

    saved = []

    class GANMonitor(keras.callbacks.Callback):
        def __init__(self, num_img=3, latent_dim=128):
            self.num_img = num_img
            self.latent_dim = latent_dim
            self.seed_generator = keras.random.SeedGenerator(42)

        def on_epoch_end(self, epoch, logs=None):
            random_latent_vectors = ops.convert_to_tensor(  # (keras.random.normal)
                draws.normal(size=(self.num_img, self.latent_dim)).astype("float32")
            )
            generated_images = self.model.generator(random_latent_vectors)
            generated_images *= 255
            # (`generated_images.numpy()`, its result unused: numkeras's eager outputs are
            # NumPy arrays, without TensorFlow's `.numpy()`; see eager_tensor_numpy)
            ops.convert_to_numpy(generated_images)
            for i in range(self.num_img):
                img = keras.utils.array_to_img(generated_images[i])
                img.save(os.path.join(tmp, "generated_img_%03d_%d.png" % (epoch, i)))
                # (added: what was saved)
                saved.append([img.size[0], int(np.asarray(img, "int64").sum())])

    epochs = 2  # In practice, use ~100 epochs (1)

    gan = GAN(discriminator=discriminator, generator=generator, latent_dim=latent_dim)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(learning_rate=0.0001),
        g_optimizer=keras.optimizers.Adam(learning_rate=0.0001),
        loss_fn=keras.losses.BinaryCrossentropy(),
    )
    gan.run_eagerly = True  # (added: the NumPy draws in train_step run each step)

    history = gan.fit(
        dataset,
        epochs=epochs,
        batch_size=4,  # (the dataset's batches of 32)
        shuffle=False,
        verbose=0,
        callbacks=[GANMonitor(num_img=2, latent_dim=latent_dim)],  # (10)
    )
    result["history"] = _hist(history)
    # (pixel sums of 8-bit images: a float32 rounding at .5 may move one by 1)
    result["saved_sizes"] = [s[0] for s in saved]
    result["saved_sums"] = [float(s[1]) for s in saved]
    result["d_kernel"] = _f(ops.convert_to_numpy(discriminator.weights[0])[:, :, 0, 0])
    return result


# ---- vision/semisupervised_simclr.py (contrastive pretraining on zipped batches) ----------


@tf_scenario
def semisupervised_simclr(keras):
    tf = _tf(keras)
    layers, ops = keras.layers, keras.ops

    # Dataset hyperparameters
    unlabeled_dataset_size = 12  # (100000)
    labeled_dataset_size = 4  # (5000)
    image_channels = 3

    # Algorithm hyperparameters
    num_epochs = 2  # (20)
    batch_size = 8  # Corresponds to 200 steps per epoch (525: here 2)
    width = 6  # (128)
    temperature = 0.1
    # Stronger augmentations for contrastive, weaker ones for supervised training
    # (min_area 1 and no brightness or jitter: the random augmentations do nothing)
    contrastive_augmentation = {"min_area": 1.0, "brightness": 0.0, "jitter": 0.0}
    classification_augmentation = {
        "min_area": 1.0,
        "brightness": 0.0,
        "jitter": 0.0,
    }

    # (STL10, 96x96 uint8 images: synthetic 32x32 ones; the unlabelled split's labels -1)
    steps_per_epoch = (unlabeled_dataset_size + labeled_dataset_size) // batch_size
    unlabeled_batch_size = unlabeled_dataset_size // steps_per_epoch
    labeled_batch_size = labeled_dataset_size // steps_per_epoch
    unlabeled_x, _ = _images(unlabeled_dataset_size, size=32, seed=5)
    labeled_x, labeled_y = _images(labeled_dataset_size, size=32, seed=6)
    test_x, test_y = _images(6, size=32, seed=7)
    unlabeled_y = -np.ones(unlabeled_dataset_size, "int64")
    labeled_y, test_y = labeled_y.ravel().astype("int64"), test_y.ravel().astype("int64")

    class ZippedBatches(keras.utils.PyDataset):
        # (tf.data.Dataset.zip((unlabeled_train_dataset, labeled_train_dataset)))
        def __len__(self):
            return steps_per_epoch

        def __getitem__(self, i):
            u = slice(i * unlabeled_batch_size, (i + 1) * unlabeled_batch_size)
            lab = slice(i * labeled_batch_size, (i + 1) * labeled_batch_size)
            return (unlabeled_x[u], unlabeled_y[u]), (labeled_x[lab], labeled_y[lab])

    train_dataset = ZippedBatches()
    test_dataset = (test_x, test_y)  # (batched by batch_size)

    # Distorts the color distibutions of images
    class RandomColorAffine(layers.Layer):
        def __init__(self, brightness=0, jitter=0, **kwargs):
            super().__init__(**kwargs)

            self.seed_generator = keras.random.SeedGenerator(1337)
            self.brightness = brightness
            self.jitter = jitter

        def get_config(self):
            config = super().get_config()
            config.update({"brightness": self.brightness, "jitter": self.jitter})
            return config

        def call(self, images, training=True):
            if training:
                batch_size = ops.shape(images)[0]

                # Same for all colors
                brightness_scales = 1 + keras.random.uniform(
                    (batch_size, 1, 1, 1),
                    minval=-self.brightness,
                    maxval=self.brightness,
                    seed=self.seed_generator,
                )
                # Different for all colors
                jitter_matrices = keras.random.uniform(
                    (batch_size, 1, 3, 3),
                    minval=-self.jitter,
                    maxval=self.jitter,
                    seed=self.seed_generator,
                )

                color_transforms = (
                    ops.tile(ops.expand_dims(ops.eye(3), axis=0), (batch_size, 1, 1, 1))
                    * brightness_scales
                    + jitter_matrices
                )
                images = ops.clip(ops.matmul(images, color_transforms), 0, 1)
            return images

    # Image augmentation module
    def get_augmenter(min_area, brightness, jitter):
        zoom_factor = 1.0 - math.sqrt(min_area)
        return keras.Sequential(
            [
                layers.Rescaling(1 / 255),
                # (layers.RandomFlip("horizontal"): left out, it cannot be turned off)
                layers.RandomTranslation(zoom_factor / 2, zoom_factor / 2),
                layers.RandomZoom((-zoom_factor, 0.0), (-zoom_factor, 0.0)),
                RandomColorAffine(brightness, jitter),
            ]
        )

    # Define the encoder architecture
    def get_encoder():
        return keras.Sequential(
            [
                layers.Conv2D(width, kernel_size=3, strides=2, activation="relu"),
                layers.Conv2D(width, kernel_size=3, strides=2, activation="relu"),
                layers.Conv2D(width, kernel_size=3, strides=2, activation="relu"),
                layers.Conv2D(width, kernel_size=3, strides=2, activation="relu"),
                layers.Flatten(),
                layers.Dense(width, activation="relu"),
            ],
            name="encoder",
        )

    # Baseline supervised training with random initialization
    baseline_model = keras.Sequential(
        [
            get_augmenter(**classification_augmentation),
            get_encoder(),
            layers.Dense(10),
        ],
        name="baseline_model",
    )
    baseline_model.compile(
        optimizer=keras.optimizers.Adam(),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[keras.metrics.SparseCategoricalAccuracy(name="acc")],
    )
    baseline_model.build((None, 32, 32, image_channels))  # (added: to set its weights)
    _init(baseline_model, seed=1)

    baseline_history = baseline_model.fit(
        labeled_x,  # (labeled_train_dataset)
        labeled_y,
        batch_size=labeled_batch_size,
        shuffle=False,
        verbose=0,
        epochs=num_epochs,
        validation_data=test_dataset,
    )
    result = {"baseline": _hist(baseline_history)}
    result["baseline_summary"] = _summary(baseline_model)

    # Define the contrastive model with model-subclassing
    class ContrastiveModel(keras.Model):
        def __init__(self):
            super().__init__()

            self.temperature = temperature
            self.contrastive_augmenter = get_augmenter(**contrastive_augmentation)
            self.classification_augmenter = get_augmenter(**classification_augmentation)
            self.encoder = get_encoder()
            # Non-linear MLP as projection head
            self.projection_head = keras.Sequential(
                [
                    keras.Input(shape=(width,)),
                    layers.Dense(width, activation="relu"),
                    layers.Dense(width),
                ],
                name="projection_head",
            )
            # Single dense layer for linear probing
            self.linear_probe = keras.Sequential(
                [layers.Input(shape=(width,)), layers.Dense(10)],
                name="linear_probe",
            )

            self.encoder.summary(print_fn=summaries.append)  # (print_fn added)
            self.projection_head.summary(print_fn=summaries.append)
            self.linear_probe.summary(print_fn=summaries.append)

        def compile(self, contrastive_optimizer, probe_optimizer, **kwargs):
            super().compile(**kwargs)

            self.contrastive_optimizer = contrastive_optimizer
            self.probe_optimizer = probe_optimizer

            # self.contrastive_loss will be defined as a method
            self.probe_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

            self.contrastive_loss_tracker = keras.metrics.Mean(name="c_loss")
            self.contrastive_accuracy = keras.metrics.SparseCategoricalAccuracy(name="c_acc")
            self.probe_loss_tracker = keras.metrics.Mean(name="p_loss")
            self.probe_accuracy = keras.metrics.SparseCategoricalAccuracy(name="p_acc")

        @property
        def metrics(self):
            return [
                self.contrastive_loss_tracker,
                self.contrastive_accuracy,
                self.probe_loss_tracker,
                self.probe_accuracy,
            ]

        def contrastive_loss(self, projections_1, projections_2):
            # InfoNCE loss (information noise-contrastive estimation)
            # NT-Xent loss (normalized temperature-scaled cross entropy)

            # Cosine similarity: the dot product of the l2-normalized feature vectors
            projections_1 = ops.normalize(projections_1, axis=1)
            projections_2 = ops.normalize(projections_2, axis=1)
            similarities = (
                ops.matmul(projections_1, ops.transpose(projections_2)) / self.temperature
            )

            # The similarity between the representations of two augmented views of the
            # same image should be higher than their similarity with other views
            batch_size = ops.shape(projections_1)[0]
            contrastive_labels = ops.arange(batch_size)
            self.contrastive_accuracy.update_state(contrastive_labels, similarities)
            self.contrastive_accuracy.update_state(contrastive_labels, ops.transpose(similarities))

            # The temperature-scaled similarities are used as logits for cross-entropy
            # a symmetrized version of the loss is used here
            loss_1_2 = keras.losses.sparse_categorical_crossentropy(
                contrastive_labels, similarities, from_logits=True
            )
            loss_2_1 = keras.losses.sparse_categorical_crossentropy(
                contrastive_labels, ops.transpose(similarities), from_logits=True
            )
            return (loss_1_2 + loss_2_1) / 2

        def train_step(self, data):
            (unlabeled_images, _), (labeled_images, labels) = data

            # Both labeled and unlabeled images are used, without labels
            images = ops.concatenate((unlabeled_images, labeled_images), axis=0)
            # Each image is augmented twice, differently
            augmented_images_1 = self.contrastive_augmenter(images, training=True)
            augmented_images_2 = self.contrastive_augmenter(images, training=True)
            with tf.GradientTape() as tape:
                features_1 = self.encoder(augmented_images_1, training=True)
                features_2 = self.encoder(augmented_images_2, training=True)
                # The representations are passed through a projection mlp
                projections_1 = self.projection_head(features_1, training=True)
                projections_2 = self.projection_head(features_2, training=True)
                contrastive_loss = self.contrastive_loss(projections_1, projections_2)
            gradients = tape.gradient(
                contrastive_loss,
                self.encoder.trainable_weights + self.projection_head.trainable_weights,
            )
            self.contrastive_optimizer.apply_gradients(
                zip(
                    gradients,
                    self.encoder.trainable_weights + self.projection_head.trainable_weights,
                )
            )
            self.contrastive_loss_tracker.update_state(contrastive_loss)

            # Labels are only used in evalutation for an on-the-fly logistic regression
            preprocessed_images = self.classification_augmenter(labeled_images, training=True)
            with tf.GradientTape() as tape:
                # the encoder is used in inference mode here to avoid regularization
                # and updating the batch normalization paramers if they are used
                features = self.encoder(preprocessed_images, training=False)
                class_logits = self.linear_probe(features, training=True)
                probe_loss = self.probe_loss(labels, class_logits)
            gradients = tape.gradient(probe_loss, self.linear_probe.trainable_weights)
            self.probe_optimizer.apply_gradients(
                zip(gradients, self.linear_probe.trainable_weights)
            )
            self.probe_loss_tracker.update_state(probe_loss)
            self.probe_accuracy.update_state(labels, class_logits)

            return {m.name: m.result() for m in self.metrics}

        def test_step(self, data):
            labeled_images, labels = data

            # For testing the components are used with a training=False flag
            preprocessed_images = self.classification_augmenter(labeled_images, training=False)
            features = self.encoder(preprocessed_images, training=False)
            class_logits = self.linear_probe(features, training=False)
            probe_loss = self.probe_loss(labels, class_logits)
            self.probe_loss_tracker.update_state(probe_loss)
            self.probe_accuracy.update_state(labels, class_logits)

            # Only the probe metrics are logged at test time
            return {m.name: m.result() for m in self.metrics[2:]}

    # Contrastive pretraining
    summaries = []
    pretraining_model = ContrastiveModel()
    result["unbuilt_summaries"] = [" ".join(s.split()) for s in summaries if "params" in s]
    pretraining_model.compile(
        contrastive_optimizer=keras.optimizers.Adam(),
        probe_optimizer=keras.optimizers.Adam(),
    )
    pretraining_model.encoder.build((None, 32, 32, image_channels))  # (added: weights set)
    for i, part in enumerate(["encoder", "projection_head", "linear_probe"]):
        _init(getattr(pretraining_model, part), seed=12 + i)

    pretraining_history = pretraining_model.fit(
        train_dataset,
        epochs=num_epochs,
        validation_data=test_dataset,
        verbose=0,
        shuffle=False,  # (added: the tf.data batches come in their order)
    )
    result["pretraining"] = _hist(pretraining_history)

    # Supervised finetuning of the pretrained encoder
    finetuning_model = keras.Sequential(
        [
            get_augmenter(**classification_augmentation),
            pretraining_model.encoder,
            layers.Dense(10),
        ],
        name="finetuning_model",
    )
    finetuning_model.compile(
        optimizer=keras.optimizers.Adam(),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[keras.metrics.SparseCategoricalAccuracy(name="acc")],
    )
    finetuning_model.build((None, 32, 32, image_channels))  # (added: to set the head)
    _init(finetuning_model.layers[-1], seed=20)

    finetuning_history = finetuning_model.fit(
        labeled_x,  # (labeled_train_dataset)
        labeled_y,
        batch_size=labeled_batch_size,
        shuffle=False,
        verbose=0,
        epochs=num_epochs,
        validation_data=test_dataset,
    )
    result["finetuning"] = _hist(finetuning_history)
    result["max_val_acc"] = _f(max(finetuning_history.history["val_acc"]))
    return result


# ---- graph/gat_node_classification.py (graph attention on Cora, own train/test/predict) --


def _cora(num_papers=20, num_words=6, num_classes=3, num_citations=34, seed=0):
    """Cora-like data: 0/1 word features (int64, as pandas gives them), subjects, and
    (target, source) citations sorted by target, every paper cited at least once."""
    rng = np.random.default_rng(seed)
    subjects = rng.integers(0, num_classes, num_papers)
    words = (
        rng.random((num_papers, num_words))
        < 0.2 + 0.5 * (np.arange(num_words)[None, :] % num_classes == subjects[:, None])
    ).astype("int64")
    targets = np.concatenate(
        [np.arange(num_papers), rng.integers(0, num_papers, num_citations - num_papers)]
    )
    sources = rng.integers(0, num_papers, num_citations)
    order = np.argsort(targets, kind="stable")
    citations = np.stack([targets[order], sources[order]], axis=1).astype("int64")
    return words, subjects.astype("int64"), citations


@tf_scenario
def gat_node_classification(keras):
    tf = _tf(keras)
    layers = keras.layers

    # (the Cora citations and papers, via pandas: synthetic ones of their dtypes)
    words, subjects, citations = _cora()
    class_values = [0, 1, 2]  # (7 subjects)
    papers_ids = np.arange(len(subjects))

    # Obtain random indices
    random_indices = np.random.default_rng(1).permutation(range(len(subjects)))

    # 50/50 split
    train_ids = random_indices[: len(random_indices) // 2]
    test_ids = random_indices[len(random_indices) // 2 :]

    # Obtain paper indices which will be used to gather node states
    # from the graph later on when training the model
    train_indices = papers_ids[train_ids]
    test_indices = papers_ids[test_ids]

    # Obtain ground truth labels corresponding to each paper_id
    train_labels = subjects[train_ids]
    test_labels = subjects[test_ids]

    # Define graph, namely an edge tensor and a node feature tensor
    edges = tf.convert_to_tensor(citations)
    node_states = tf.convert_to_tensor(words)

    class GraphAttention(layers.Layer):
        def __init__(
            self,
            units,
            kernel_initializer="glorot_uniform",
            kernel_regularizer=None,
            **kwargs,
        ):
            super().__init__(**kwargs)
            self.units = units
            self.kernel_initializer = keras.initializers.get(kernel_initializer)
            self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)

        def build(self, input_shape):
            self.kernel = self.add_weight(
                shape=(input_shape[0][-1], self.units),
                trainable=True,
                initializer=self.kernel_initializer,
                regularizer=self.kernel_regularizer,
                name="kernel",
            )
            self.kernel_attention = self.add_weight(
                shape=(self.units * 2, 1),
                trainable=True,
                initializer=self.kernel_initializer,
                regularizer=self.kernel_regularizer,
                name="kernel_attention",
            )
            self.built = True

        def call(self, inputs):
            node_states, edges = inputs

            # Linearly transform node states
            node_states_transformed = tf.matmul(node_states, self.kernel)

            # (1) Compute pair-wise attention scores
            node_states_expanded = tf.gather(node_states_transformed, edges)
            node_states_expanded = tf.reshape(node_states_expanded, (tf.shape(edges)[0], -1))
            attention_scores = tf.nn.leaky_relu(
                tf.matmul(node_states_expanded, self.kernel_attention)
            )
            attention_scores = tf.squeeze(attention_scores, -1)

            # (2) Normalize attention scores
            attention_scores = tf.math.exp(tf.clip_by_value(attention_scores, -2, 2))
            attention_scores_sum = tf.math.unsorted_segment_sum(
                data=attention_scores,
                segment_ids=edges[:, 0],
                num_segments=tf.reduce_max(edges[:, 0]) + 1,
            )
            attention_scores_sum = tf.repeat(
                attention_scores_sum, tf.math.bincount(tf.cast(edges[:, 0], "int32"))
            )
            attention_scores_norm = attention_scores / attention_scores_sum

            # (3) Gather node states of neighbors, apply attention scores and aggregate
            node_states_neighbors = tf.gather(node_states_transformed, edges[:, 1])
            out = tf.math.unsorted_segment_sum(
                data=node_states_neighbors * attention_scores_norm[:, tf.newaxis],
                segment_ids=edges[:, 0],
                num_segments=tf.shape(node_states)[0],
            )
            return out

    class MultiHeadGraphAttention(layers.Layer):
        def __init__(self, units, num_heads=8, merge_type="concat", **kwargs):
            super().__init__(**kwargs)
            self.num_heads = num_heads
            self.merge_type = merge_type
            self.attention_layers = [GraphAttention(units) for _ in range(num_heads)]

        def call(self, inputs):
            atom_features, pair_indices = inputs

            # Obtain outputs from each attention head
            outputs = [
                attention_layer([atom_features, pair_indices])
                for attention_layer in self.attention_layers
            ]
            # Concatenate or average the node states from each head
            if self.merge_type == "concat":
                outputs = tf.concat(outputs, axis=-1)
            else:
                outputs = tf.reduce_mean(tf.stack(outputs, axis=-1), axis=-1)
            # Activate and return node states
            return tf.nn.relu(outputs)

    class GraphAttentionNetwork(keras.Model):
        def __init__(
            self,
            node_states,
            edges,
            hidden_units,
            num_heads,
            num_layers,
            output_dim,
            **kwargs,
        ):
            super().__init__(**kwargs)
            self.node_states = node_states
            self.edges = edges
            self.preprocess = layers.Dense(hidden_units * num_heads, activation="relu")
            self.attention_layers = [
                MultiHeadGraphAttention(hidden_units, num_heads) for _ in range(num_layers)
            ]
            self.output_layer = layers.Dense(output_dim)

        def call(self, inputs):
            node_states, edges = inputs
            x = self.preprocess(node_states)
            for attention_layer in self.attention_layers:
                x = attention_layer([x, edges]) + x
            outputs = self.output_layer(x)
            return outputs

        def train_step(self, data):
            indices, labels = data

            with tf.GradientTape() as tape:
                # Forward pass
                outputs = self([self.node_states, self.edges])
                # Compute loss
                loss = self.compiled_loss(labels, tf.gather(outputs, indices))
            # Compute gradients
            grads = tape.gradient(loss, self.trainable_weights)
            # Apply gradients (update weights)
            optimizer.apply_gradients(zip(grads, self.trainable_weights))
            # Update metric(s)
            self.compiled_metrics.update_state(labels, tf.gather(outputs, indices))

            return {m.name: m.result() for m in self.metrics}

        def predict_step(self, data):
            indices = data
            # Forward pass
            outputs = self([self.node_states, self.edges])
            # Compute probabilities
            return tf.nn.softmax(tf.gather(outputs, indices))

        def test_step(self, data):
            indices, labels = data
            # Forward pass
            outputs = self([self.node_states, self.edges])
            # Compute loss
            loss = self.compiled_loss(labels, tf.gather(outputs, indices))
            # Update metric(s)
            self.compiled_metrics.update_state(labels, tf.gather(outputs, indices))

            return {m.name: m.result() for m in self.metrics}

    # Define hyper-parameters
    HIDDEN_UNITS = 3  # (100)
    NUM_HEADS = 2  # (8)
    NUM_LAYERS = 2  # (3)
    OUTPUT_DIM = len(class_values)

    NUM_EPOCHS = 4  # (100)
    BATCH_SIZE = 4  # (256)
    VALIDATION_SPLIT = 0.2  # (0.1)
    LEARNING_RATE = 3e-1
    MOMENTUM = 0.9

    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = keras.optimizers.SGD(LEARNING_RATE, momentum=MOMENTUM)
    accuracy_fn = keras.metrics.SparseCategoricalAccuracy(name="acc")
    early_stopping = keras.callbacks.EarlyStopping(
        monitor="val_acc",
        min_delta=1e-5,
        patience=2,
        restore_best_weights=True,  # (5)
    )

    # Build model
    gat_model = GraphAttentionNetwork(
        node_states, edges, HIDDEN_UNITS, NUM_HEADS, NUM_LAYERS, OUTPUT_DIM
    )

    # Compile model
    gat_model.compile(loss=loss_fn, optimizer=optimizer, metrics=[accuracy_fn])
    gat_model([node_states, edges])  # (added: built, to set its weights)
    _init(gat_model, seed=3)

    history = gat_model.fit(
        x=train_indices,
        y=train_labels,
        validation_split=VALIDATION_SPLIT,
        batch_size=BATCH_SIZE,
        epochs=NUM_EPOCHS,
        callbacks=[early_stopping],
        verbose=0,  # (2)
        shuffle=False,  # (added: fit's shuffle draws differ between libraries)
    )
    result = {"history": _hist(history), "stopped_epoch": early_stopping.stopped_epoch}

    _, test_accuracy = gat_model.evaluate(x=test_indices, y=test_labels, verbose=0)
    result["test_accuracy"] = _f(test_accuracy)

    test_probs = gat_model.predict(x=test_indices, verbose=0)
    result["test_probs"] = _f(test_probs[:4], 5)
    result["test_probs_shape"] = list(test_probs.shape)
    return result


# ---- generative/cyclegan.py (two generators, two discriminators, one persistent tape) ----


@tf_scenario
def cyclegan(keras):
    tf = _tf(keras)
    layers, ops = keras.layers, keras.ops
    tmp = tempfile.mkdtemp()

    # Size of the random crops to be used during training.
    input_img_size = (8, 8, 3)  # ((256, 256, 3))
    # Weights initializer for the layers.
    kernel_init = keras.initializers.RandomNormal(mean=0.0, stddev=0.02)
    # Gamma initializer for instance normalization.
    gamma_init = keras.initializers.RandomNormal(mean=0.0, stddev=0.02)

    # (horse2zebra, random crops and flips left out: synthetic 8x8 images scaled to
    # [-1, 1], as its normalize_img does)
    horses, _ = _images(6, size=8, seed=8)
    zebras, _ = _images(6, size=8, seed=9)
    train_horses = horses[:4].astype("float32") / 127.5 - 1.0
    train_zebras = zebras[:4].astype("float32") / 127.5 - 1.0
    test_horses = horses[4:].astype("float32") / 127.5 - 1.0

    class ReflectionPadding2D(layers.Layer):
        """Implements Reflection Padding as a layer.

        Args:
            padding(tuple): Amount of padding for the
            spatial dimensions.

        Returns:
            A padded tensor with the same type as the input tensor.
        """

        def __init__(self, padding=(1, 1), **kwargs):
            self.padding = tuple(padding)
            super().__init__(**kwargs)

        def call(self, input_tensor, mask=None):
            padding_width, padding_height = self.padding
            padding_tensor = [
                [0, 0],
                [padding_height, padding_height],
                [padding_width, padding_width],
                [0, 0],
            ]
            return ops.pad(input_tensor, padding_tensor, mode="REFLECT")

    def residual_block(
        x,
        activation,
        kernel_initializer=kernel_init,
        kernel_size=(3, 3),
        strides=(1, 1),
        padding="valid",
        gamma_initializer=gamma_init,
        use_bias=False,
    ):
        dim = x.shape[-1]
        input_tensor = x

        x = ReflectionPadding2D()(input_tensor)
        x = layers.Conv2D(
            dim,
            kernel_size,
            strides=strides,
            kernel_initializer=kernel_initializer,
            padding=padding,
            use_bias=use_bias,
        )(x)
        x = keras.layers.GroupNormalization(groups=1, gamma_initializer=gamma_initializer)(x)
        x = activation(x)

        x = ReflectionPadding2D()(x)
        x = layers.Conv2D(
            dim,
            kernel_size,
            strides=strides,
            kernel_initializer=kernel_initializer,
            padding=padding,
            use_bias=use_bias,
        )(x)
        x = keras.layers.GroupNormalization(groups=1, gamma_initializer=gamma_initializer)(x)
        x = layers.add([input_tensor, x])
        return x

    def downsample(
        x,
        filters,
        activation,
        kernel_initializer=kernel_init,
        kernel_size=(3, 3),
        strides=(2, 2),
        padding="same",
        gamma_initializer=gamma_init,
        use_bias=False,
    ):
        x = layers.Conv2D(
            filters,
            kernel_size,
            strides=strides,
            kernel_initializer=kernel_initializer,
            padding=padding,
            use_bias=use_bias,
        )(x)
        x = keras.layers.GroupNormalization(groups=1, gamma_initializer=gamma_initializer)(x)
        if activation:
            x = activation(x)
        return x

    def upsample(
        x,
        filters,
        activation,
        kernel_size=(3, 3),
        strides=(2, 2),
        padding="same",
        kernel_initializer=kernel_init,
        gamma_initializer=gamma_init,
        use_bias=False,
    ):
        x = layers.Conv2DTranspose(
            filters,
            kernel_size,
            strides=strides,
            padding=padding,
            kernel_initializer=kernel_initializer,
            use_bias=use_bias,
        )(x)
        x = keras.layers.GroupNormalization(groups=1, gamma_initializer=gamma_initializer)(x)
        if activation:
            x = activation(x)
        return x

    def get_resnet_generator(
        filters=2,  # (64)
        num_downsampling_blocks=2,
        num_residual_blocks=1,  # (9)
        num_upsample_blocks=2,
        gamma_initializer=gamma_init,
        name=None,
    ):
        img_input = layers.Input(shape=input_img_size, name=name + "_img_input")
        x = ReflectionPadding2D(padding=(3, 3))(img_input)
        x = layers.Conv2D(filters, (7, 7), kernel_initializer=kernel_init, use_bias=False)(x)
        x = keras.layers.GroupNormalization(groups=1, gamma_initializer=gamma_initializer)(x)
        x = layers.Activation("relu")(x)

        # Downsampling
        for _ in range(num_downsampling_blocks):
            filters *= 2
            x = downsample(x, filters=filters, activation=layers.Activation("relu"))

        # Residual blocks
        for _ in range(num_residual_blocks):
            x = residual_block(x, activation=layers.Activation("relu"))

        # Upsampling
        for _ in range(num_upsample_blocks):
            filters //= 2
            x = upsample(x, filters, activation=layers.Activation("relu"))

        # Final block
        x = ReflectionPadding2D(padding=(3, 3))(x)
        x = layers.Conv2D(3, (7, 7), padding="valid")(x)
        x = layers.Activation("tanh")(x)

        model = keras.models.Model(img_input, x, name=name)
        return model

    def get_discriminator(
        filters=2,
        kernel_initializer=kernel_init,
        num_downsampling=3,
        name=None,  # (64)
    ):
        img_input = layers.Input(shape=input_img_size, name=name + "_img_input")
        x = layers.Conv2D(
            filters,
            (4, 4),
            strides=(2, 2),
            padding="same",
            kernel_initializer=kernel_initializer,
        )(img_input)
        x = layers.LeakyReLU(0.2)(x)

        num_filters = filters
        for num_downsample_block in range(3):
            num_filters *= 2
            if num_downsample_block < 2:
                x = downsample(
                    x,
                    filters=num_filters,
                    activation=layers.LeakyReLU(0.2),
                    kernel_size=(4, 4),
                    strides=(2, 2),
                )
            else:
                x = downsample(
                    x,
                    filters=num_filters,
                    activation=layers.LeakyReLU(0.2),
                    kernel_size=(4, 4),
                    strides=(1, 1),
                )

        x = layers.Conv2D(
            1, (4, 4), strides=(1, 1), padding="same", kernel_initializer=kernel_initializer
        )(x)

        model = keras.models.Model(inputs=img_input, outputs=x, name=name)
        return model

    # Get the generators
    gen_G = get_resnet_generator(name="generator_G")
    gen_F = get_resnet_generator(name="generator_F")

    # Get the discriminators
    disc_X = get_discriminator(name="discriminator_X")
    disc_Y = get_discriminator(name="discriminator_Y")
    for i, net in enumerate([gen_G, gen_F, disc_X, disc_Y]):
        _init(net, seed=30 + i)
    result = {"generator": _summary(gen_G), "discriminator": _summary(disc_X)}

    class CycleGan(keras.Model):
        def __init__(
            self,
            generator_G,
            generator_F,
            discriminator_X,
            discriminator_Y,
            lambda_cycle=10.0,
            lambda_identity=0.5,
        ):
            super().__init__()
            self.gen_G = generator_G
            self.gen_F = generator_F
            self.disc_X = discriminator_X
            self.disc_Y = discriminator_Y
            self.lambda_cycle = lambda_cycle
            self.lambda_identity = lambda_identity

        def call(self, inputs):
            return (
                self.disc_X(inputs),
                self.disc_Y(inputs),
                self.gen_G(inputs),
                self.gen_F(inputs),
            )

        def compile(
            self,
            gen_G_optimizer,
            gen_F_optimizer,
            disc_X_optimizer,
            disc_Y_optimizer,
            gen_loss_fn,
            disc_loss_fn,
        ):
            super().compile()
            self.gen_G_optimizer = gen_G_optimizer
            self.gen_F_optimizer = gen_F_optimizer
            self.disc_X_optimizer = disc_X_optimizer
            self.disc_Y_optimizer = disc_Y_optimizer
            self.generator_loss_fn = gen_loss_fn
            self.discriminator_loss_fn = disc_loss_fn
            self.cycle_loss_fn = keras.losses.MeanAbsoluteError()
            self.identity_loss_fn = keras.losses.MeanAbsoluteError()

        def train_step(self, batch_data):
            # x is Horse and y is zebra
            real_x, real_y = batch_data

            with tf.GradientTape(persistent=True) as tape:
                # Horse to fake zebra
                fake_y = self.gen_G(real_x, training=True)
                # Zebra to fake horse -> y2x
                fake_x = self.gen_F(real_y, training=True)

                # Cycle (Horse to fake zebra to fake horse): x -> y -> x
                cycled_x = self.gen_F(fake_y, training=True)
                # Cycle (Zebra to fake horse to fake zebra) y -> x -> y
                cycled_y = self.gen_G(fake_x, training=True)

                # Identity mapping
                same_x = self.gen_F(real_x, training=True)
                same_y = self.gen_G(real_y, training=True)

                # Discriminator output
                disc_real_x = self.disc_X(real_x, training=True)
                disc_fake_x = self.disc_X(fake_x, training=True)

                disc_real_y = self.disc_Y(real_y, training=True)
                disc_fake_y = self.disc_Y(fake_y, training=True)

                # Generator adverserial loss
                gen_G_loss = self.generator_loss_fn(disc_fake_y)
                gen_F_loss = self.generator_loss_fn(disc_fake_x)

                # Generator cycle loss
                cycle_loss_G = self.cycle_loss_fn(real_y, cycled_y) * self.lambda_cycle
                cycle_loss_F = self.cycle_loss_fn(real_x, cycled_x) * self.lambda_cycle

                # Generator identity loss
                id_loss_G = (
                    self.identity_loss_fn(real_y, same_y) * self.lambda_cycle * self.lambda_identity
                )
                id_loss_F = (
                    self.identity_loss_fn(real_x, same_x) * self.lambda_cycle * self.lambda_identity
                )

                # Total generator loss
                total_loss_G = gen_G_loss + cycle_loss_G + id_loss_G
                total_loss_F = gen_F_loss + cycle_loss_F + id_loss_F

                # Discriminator loss
                disc_X_loss = self.discriminator_loss_fn(disc_real_x, disc_fake_x)
                disc_Y_loss = self.discriminator_loss_fn(disc_real_y, disc_fake_y)

            # Get the gradients for the generators
            grads_G = tape.gradient(total_loss_G, self.gen_G.trainable_variables)
            grads_F = tape.gradient(total_loss_F, self.gen_F.trainable_variables)

            # Get the gradients for the discriminators
            disc_X_grads = tape.gradient(disc_X_loss, self.disc_X.trainable_variables)
            disc_Y_grads = tape.gradient(disc_Y_loss, self.disc_Y.trainable_variables)

            # Update the weights of the generators
            self.gen_G_optimizer.apply_gradients(zip(grads_G, self.gen_G.trainable_variables))
            self.gen_F_optimizer.apply_gradients(zip(grads_F, self.gen_F.trainable_variables))

            # Update the weights of the discriminators
            self.disc_X_optimizer.apply_gradients(
                zip(disc_X_grads, self.disc_X.trainable_variables)
            )
            self.disc_Y_optimizer.apply_gradients(
                zip(disc_Y_grads, self.disc_Y.trainable_variables)
            )

            return {
                "G_loss": total_loss_G,
                "F_loss": total_loss_F,
                "D_X_loss": disc_X_loss,
                "D_Y_loss": disc_Y_loss,
            }

    saved = []

    class GANMonitor(keras.callbacks.Callback):
        """A callback to generate and save images after each epoch"""

        def __init__(self, num_img=4):
            self.num_img = num_img

        def on_epoch_end(self, epoch, logs=None):
            # (the matplotlib grid left out; test_horses.take: batches of one image)
            for i, img in enumerate(test_horses[: self.num_img, None]):
                # (`.numpy()`: numkeras's eager outputs are NumPy arrays; see
                # eager_tensor_numpy)
                prediction = ops.convert_to_numpy(self.model.gen_G(img)[0])
                prediction = (prediction * 127.5 + 127.5).astype(np.uint8)
                img = ops.convert_to_numpy(img[0] * 127.5 + 127.5).astype(np.uint8)

                prediction = keras.utils.array_to_img(prediction)
                prediction.save(
                    os.path.join(tmp, "generated_img_{i}_{epoch}.png".format(i=i, epoch=epoch + 1))
                )
                # (added: what was saved; 8-bit pixels, a rounding may move one by 1)
                saved.append(int(np.asarray(prediction, "int64").sum()))

    # Loss function for evaluating adversarial loss
    adv_loss_fn = keras.losses.MeanSquaredError()

    # Define the loss function for the generators
    def generator_loss_fn(fake):
        fake_loss = adv_loss_fn(ops.ones_like(fake), fake)
        return fake_loss

    # Define the loss function for the discriminators
    def discriminator_loss_fn(real, fake):
        real_loss = adv_loss_fn(ops.ones_like(real), real)
        fake_loss = adv_loss_fn(ops.zeros_like(fake), fake)
        return (real_loss + fake_loss) * 0.5

    # Create cycle gan model
    cycle_gan_model = CycleGan(
        generator_G=gen_G, generator_F=gen_F, discriminator_X=disc_X, discriminator_Y=disc_Y
    )

    # Compile the model
    cycle_gan_model.compile(
        gen_G_optimizer=keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5),
        gen_F_optimizer=keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5),
        disc_X_optimizer=keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5),
        disc_Y_optimizer=keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5),
        gen_loss_fn=generator_loss_fn,
        disc_loss_fn=discriminator_loss_fn,
    )
    # Callbacks
    plotter = GANMonitor(num_img=2)  # ((4))
    checkpoint_filepath = os.path.join(tmp, "cyclegan_checkpoints.weights.h5")
    model_checkpoint_callback = keras.callbacks.ModelCheckpoint(
        filepath=checkpoint_filepath, save_weights_only=True
    )

    # (added: Keras 3.15's fit never builds this model, whose own train_step calls its
    # parts, so its ModelCheckpoint refuses to save it; marked built as in ddim)
    cycle_gan_model.built = True
    history = cycle_gan_model.fit(
        train_horses,  # (tf.data.Dataset.zip((train_horses, train_zebras)), batches of 1)
        train_zebras,
        batch_size=1,
        shuffle=False,
        verbose=0,
        epochs=2,  # (90)
        callbacks=[plotter, model_checkpoint_callback],
    )
    result["history"] = _hist(history)
    result["saved"] = [float(v) for v in saved]

    # (the weights after training, then those the checkpoint file gives back)
    trained = ops.convert_to_numpy(gen_G(test_horses[:1], training=False))
    for w in gen_G.weights:
        w.assign(ops.zeros(w.shape))
    cycle_gan_model.load_weights(checkpoint_filepath)
    prediction = ops.convert_to_numpy(cycle_gan_model.gen_G(test_horses[:1], training=False)[0])
    result["reloaded_equal"] = bool(np.allclose(prediction, trained[0], atol=1e-6))
    result["prediction"] = _f(prediction[:, :, 0], 5)
    return result


# ---- generative/ddpm.py (a diffusion U-Net with attention, an int64 time input) ---------


@tf_scenario
def ddpm(keras):
    tf = _tf(keras)
    layers = keras.layers
    draws = np.random.default_rng(41)  # (in place of tf.random draws)

    batch_size = 4  # (32)
    num_epochs = 2  # Just for the sake of demonstration (1)
    total_timesteps = 4  # (1000)
    norm_groups = 2  # Number of groups used in GroupNormalization layer (8)
    learning_rate = 2e-4

    img_size = 8  # (64)
    img_channels = 3
    clip_min = -1.0
    clip_max = 1.0

    first_conv_channels = 4  # (64)
    channel_multiplier = [1, 2]  # ([1, 2, 4, 8])
    widths = [first_conv_channels * mult for mult in channel_multiplier]
    has_attention = [False, True]  # ([False, False, True, True])
    num_res_blocks = 1  # Number of residual blocks (2)

    # (oxford_flowers102, resized, rescaled to [-1, 1] and flipped at random: synthetic
    # images rescaled, no flips, batched by fit in order)
    flowers, _ = _images(8, size=img_size, seed=12)
    train_ds = np.clip(flowers.astype("float32") / 127.5 - 1.0, clip_min, clip_max)

    class GaussianDiffusion:
        """Gaussian diffusion utility.

        Args:
            beta_start: Start value of the scheduled variance
            beta_end: End value of the scheduled variance
            timesteps: Number of time steps in the forward process
        """

        def __init__(
            self,
            beta_start=1e-4,
            beta_end=0.02,
            timesteps=1000,
            clip_min=-1.0,
            clip_max=1.0,
        ):
            self.beta_start = beta_start
            self.beta_end = beta_end
            self.timesteps = timesteps
            self.clip_min = clip_min
            self.clip_max = clip_max

            # Define the linear variance schedule
            self.betas = betas = np.linspace(
                beta_start,
                beta_end,
                timesteps,
                dtype=np.float64,  # Using float64 for better precision
            )
            self.num_timesteps = int(timesteps)

            alphas = 1.0 - betas
            alphas_cumprod = np.cumprod(alphas, axis=0)
            alphas_cumprod_prev = np.append(1.0, alphas_cumprod[:-1])

            self.betas = tf.constant(betas, dtype=tf.float32)
            self.alphas_cumprod = tf.constant(alphas_cumprod, dtype=tf.float32)
            self.alphas_cumprod_prev = tf.constant(alphas_cumprod_prev, dtype=tf.float32)

            # Calculations for diffusion q(x_t | x_{t-1}) and others
            self.sqrt_alphas_cumprod = tf.constant(np.sqrt(alphas_cumprod), dtype=tf.float32)

            self.sqrt_one_minus_alphas_cumprod = tf.constant(
                np.sqrt(1.0 - alphas_cumprod), dtype=tf.float32
            )

            self.log_one_minus_alphas_cumprod = tf.constant(
                np.log(1.0 - alphas_cumprod), dtype=tf.float32
            )

            self.sqrt_recip_alphas_cumprod = tf.constant(
                np.sqrt(1.0 / alphas_cumprod), dtype=tf.float32
            )
            self.sqrt_recipm1_alphas_cumprod = tf.constant(
                np.sqrt(1.0 / alphas_cumprod - 1), dtype=tf.float32
            )

            # Calculations for posterior q(x_{t-1} | x_t, x_0)
            posterior_variance = betas * (1.0 - alphas_cumprod_prev) / (1.0 - alphas_cumprod)
            self.posterior_variance = tf.constant(posterior_variance, dtype=tf.float32)

            # Log calculation clipped because the posterior variance is 0 at the beginning
            # of the diffusion chain
            self.posterior_log_variance_clipped = tf.constant(
                np.log(np.maximum(posterior_variance, 1e-20)), dtype=tf.float32
            )

            self.posterior_mean_coef1 = tf.constant(
                betas * np.sqrt(alphas_cumprod_prev) / (1.0 - alphas_cumprod),
                dtype=tf.float32,
            )

            self.posterior_mean_coef2 = tf.constant(
                (1.0 - alphas_cumprod_prev) * np.sqrt(alphas) / (1.0 - alphas_cumprod),
                dtype=tf.float32,
            )

        def _extract(self, a, t, x_shape):
            batch_size = x_shape[0]
            out = tf.gather(a, t)
            return tf.reshape(out, [batch_size, 1, 1, 1])

        def q_sample(self, x_start, t, noise):
            x_start_shape = tf.shape(x_start)
            return (
                self._extract(self.sqrt_alphas_cumprod, t, tf.shape(x_start)) * x_start
                + self._extract(self.sqrt_one_minus_alphas_cumprod, t, x_start_shape) * noise
            )

        def predict_start_from_noise(self, x_t, t, noise):
            x_t_shape = tf.shape(x_t)
            return (
                self._extract(self.sqrt_recip_alphas_cumprod, t, x_t_shape) * x_t
                - self._extract(self.sqrt_recipm1_alphas_cumprod, t, x_t_shape) * noise
            )

        def q_posterior(self, x_start, x_t, t):
            x_t_shape = tf.shape(x_t)
            posterior_mean = (
                self._extract(self.posterior_mean_coef1, t, x_t_shape) * x_start
                + self._extract(self.posterior_mean_coef2, t, x_t_shape) * x_t
            )
            posterior_variance = self._extract(self.posterior_variance, t, x_t_shape)
            posterior_log_variance_clipped = self._extract(
                self.posterior_log_variance_clipped, t, x_t_shape
            )
            return posterior_mean, posterior_variance, posterior_log_variance_clipped

        def p_mean_variance(self, pred_noise, x, t, clip_denoised=True):
            x_recon = self.predict_start_from_noise(x, t=t, noise=pred_noise)
            if clip_denoised:
                x_recon = tf.clip_by_value(x_recon, self.clip_min, self.clip_max)

            model_mean, posterior_variance, posterior_log_variance = self.q_posterior(
                x_start=x_recon, x_t=x, t=t
            )
            return model_mean, posterior_variance, posterior_log_variance

        def p_sample(self, pred_noise, x, t, clip_denoised=True):
            model_mean, _, model_log_variance = self.p_mean_variance(
                pred_noise, x=x, t=t, clip_denoised=clip_denoised
            )
            noise = tf.convert_to_tensor(  # (tf.random.normal)
                draws.normal(size=tuple(x.shape)).astype("float32")
            )
            # No noise when t == 0
            nonzero_mask = tf.reshape(
                1 - tf.cast(tf.equal(t, 0), tf.float32), [tf.shape(x)[0], 1, 1, 1]
            )
            return model_mean + nonzero_mask * tf.exp(0.5 * model_log_variance) * noise

    # Kernel initializer to use
    def kernel_init(scale):
        scale = max(scale, 1e-10)
        return keras.initializers.VarianceScaling(scale, mode="fan_avg", distribution="uniform")

    class AttentionBlock(layers.Layer):
        """Applies self-attention.

        Args:
            units: Number of units in the dense layers
            groups: Number of groups to be used for GroupNormalization layer
        """

        def __init__(self, units, groups=8, **kwargs):
            self.units = units
            self.groups = groups
            super().__init__(**kwargs)

            self.norm = layers.GroupNormalization(groups=groups)
            self.query = layers.Dense(units, kernel_initializer=kernel_init(1.0))
            self.key = layers.Dense(units, kernel_initializer=kernel_init(1.0))
            self.value = layers.Dense(units, kernel_initializer=kernel_init(1.0))
            self.proj = layers.Dense(units, kernel_initializer=kernel_init(0.0))

        def call(self, inputs):
            batch_size = tf.shape(inputs)[0]
            height = tf.shape(inputs)[1]
            width = tf.shape(inputs)[2]
            scale = tf.cast(self.units, tf.float32) ** (-0.5)

            inputs = self.norm(inputs)
            q = self.query(inputs)
            k = self.key(inputs)
            v = self.value(inputs)

            attn_score = tf.einsum("bhwc, bHWc->bhwHW", q, k) * scale
            attn_score = tf.reshape(attn_score, [batch_size, height, width, height * width])

            attn_score = tf.nn.softmax(attn_score, -1)
            attn_score = tf.reshape(attn_score, [batch_size, height, width, height, width])

            proj = tf.einsum("bhwHW,bHWc->bhwc", attn_score, v)
            proj = self.proj(proj)
            return inputs + proj

    class TimeEmbedding(layers.Layer):
        def __init__(self, dim, **kwargs):
            super().__init__(**kwargs)
            self.dim = dim
            self.half_dim = dim // 2
            self.emb = math.log(10000) / (self.half_dim - 1)
            self.emb = tf.exp(tf.range(self.half_dim, dtype=tf.float32) * -self.emb)

        def call(self, inputs):
            inputs = tf.cast(inputs, dtype=tf.float32)
            emb = inputs[:, None] * self.emb[None, :]
            emb = tf.concat([tf.sin(emb), tf.cos(emb)], axis=-1)
            return emb

    def ResidualBlock(width, groups=8, activation_fn=keras.activations.swish):
        def apply(inputs):
            x, t = inputs
            input_width = x.shape[3]

            if input_width == width:
                residual = x
            else:
                residual = layers.Conv2D(width, kernel_size=1, kernel_initializer=kernel_init(1.0))(
                    x
                )

            temb = activation_fn(t)
            temb = layers.Dense(width, kernel_initializer=kernel_init(1.0))(temb)[:, None, None, :]

            x = layers.GroupNormalization(groups=groups)(x)
            x = activation_fn(x)
            x = layers.Conv2D(
                width, kernel_size=3, padding="same", kernel_initializer=kernel_init(1.0)
            )(x)

            x = layers.Add()([x, temb])
            x = layers.GroupNormalization(groups=groups)(x)
            x = activation_fn(x)

            x = layers.Conv2D(
                width, kernel_size=3, padding="same", kernel_initializer=kernel_init(0.0)
            )(x)
            x = layers.Add()([x, residual])
            return x

        return apply

    def DownSample(width):
        def apply(x):
            x = layers.Conv2D(
                width,
                kernel_size=3,
                strides=2,
                padding="same",
                kernel_initializer=kernel_init(1.0),
            )(x)
            return x

        return apply

    def UpSample(width, interpolation="nearest"):
        def apply(x):
            x = layers.UpSampling2D(size=2, interpolation=interpolation)(x)
            x = layers.Conv2D(
                width, kernel_size=3, padding="same", kernel_initializer=kernel_init(1.0)
            )(x)
            return x

        return apply

    def TimeMLP(units, activation_fn=keras.activations.swish):
        def apply(inputs):
            temb = layers.Dense(
                units, activation=activation_fn, kernel_initializer=kernel_init(1.0)
            )(inputs)
            temb = layers.Dense(units, kernel_initializer=kernel_init(1.0))(temb)
            return temb

        return apply

    def build_model(
        img_size,
        img_channels,
        widths,
        has_attention,
        num_res_blocks=2,
        norm_groups=8,
        interpolation="nearest",
        activation_fn=keras.activations.swish,
    ):
        image_input = layers.Input(shape=(img_size, img_size, img_channels), name="image_input")
        time_input = keras.Input(shape=(), dtype=tf.int64, name="time_input")

        x = layers.Conv2D(
            first_conv_channels,
            kernel_size=(3, 3),
            padding="same",
            kernel_initializer=kernel_init(1.0),
        )(image_input)

        temb = TimeEmbedding(dim=first_conv_channels * 4)(time_input)
        temb = TimeMLP(units=first_conv_channels * 4, activation_fn=activation_fn)(temb)

        skips = [x]

        # DownBlock
        for i in range(len(widths)):
            for _ in range(num_res_blocks):
                x = ResidualBlock(widths[i], groups=norm_groups, activation_fn=activation_fn)(
                    [x, temb]
                )
                if has_attention[i]:
                    x = AttentionBlock(widths[i], groups=norm_groups)(x)
                skips.append(x)

            if widths[i] != widths[-1]:
                x = DownSample(widths[i])(x)
                skips.append(x)

        # MiddleBlock
        x = ResidualBlock(widths[-1], groups=norm_groups, activation_fn=activation_fn)([x, temb])
        x = AttentionBlock(widths[-1], groups=norm_groups)(x)
        x = ResidualBlock(widths[-1], groups=norm_groups, activation_fn=activation_fn)([x, temb])

        # UpBlock
        for i in reversed(range(len(widths))):
            for _ in range(num_res_blocks + 1):
                x = layers.Concatenate(axis=-1)([x, skips.pop()])
                x = ResidualBlock(widths[i], groups=norm_groups, activation_fn=activation_fn)(
                    [x, temb]
                )
                if has_attention[i]:
                    x = AttentionBlock(widths[i], groups=norm_groups)(x)

            if i != 0:
                x = UpSample(widths[i], interpolation=interpolation)(x)

        # End block
        x = layers.GroupNormalization(groups=norm_groups)(x)
        x = activation_fn(x)
        x = layers.Conv2D(3, (3, 3), padding="same", kernel_initializer=kernel_init(0.0))(x)
        return keras.Model([image_input, time_input], x, name="unet")

    plotted = []

    class DiffusionModel(keras.Model):
        def __init__(self, network, ema_network, timesteps, gdf_util, ema=0.999):
            super().__init__()
            self.network = network
            self.ema_network = ema_network
            self.timesteps = timesteps
            self.gdf_util = gdf_util
            self.ema = ema

        def train_step(self, images):
            # 1. Get the batch size
            batch_size = tf.shape(images)[0]

            # 2. Sample timesteps uniformly (tf.random.uniform)
            t = tf.convert_to_tensor(
                draws.integers(0, self.timesteps, size=(int(batch_size),)).astype("int64")
            )

            with tf.GradientTape() as tape:
                # 3. Sample random noise to be added to the images in the batch
                noise = tf.convert_to_tensor(  # (tf.random.normal)
                    draws.normal(size=tuple(images.shape)).astype("float32")
                )

                # 4. Diffuse the images with noise
                images_t = self.gdf_util.q_sample(images, t, noise)

                # 5. Pass the diffused images and time steps to the network
                pred_noise = self.network([images_t, t], training=True)

                # 6. Calculate the loss
                loss = self.loss(noise, pred_noise)

            # 7. Get the gradients
            gradients = tape.gradient(loss, self.network.trainable_weights)

            # 8. Update the weights of the network
            self.optimizer.apply_gradients(zip(gradients, self.network.trainable_weights))

            # 9. Updates the weight values for the network with EMA weights
            for weight, ema_weight in zip(self.network.weights, self.ema_network.weights):
                ema_weight.assign(self.ema * ema_weight + (1 - self.ema) * weight)

            # 10. Return loss values
            return {"loss": loss}

        def generate_images(self, num_images=16):
            # 1. Randomly sample noise (starting point for reverse process)
            samples = draws.normal(size=(num_images, img_size, img_size, img_channels))
            samples = tf.convert_to_tensor(samples.astype("float32"))  # (tf.random.normal)
            # 2. Sample from the model iteratively
            for t in reversed(range(0, self.timesteps)):
                tt = tf.cast(tf.fill(num_images, t), dtype=tf.int64)
                pred_noise = self.ema_network.predict(
                    [samples, tt], verbose=0, batch_size=num_images
                )
                samples = self.gdf_util.p_sample(pred_noise, samples, tt, clip_denoised=True)
            # 3. Return generated samples
            return samples

        def plot_images(self, epoch=None, logs=None, num_rows=1, num_cols=2, figsize=(12, 5)):
            """Utility to plot images using the diffusion model during training."""
            generated_samples = self.generate_images(num_images=num_rows * num_cols)
            # (`.numpy()` of the clipped samples: see eager_tensor_numpy)
            generated_samples = keras.ops.convert_to_numpy(
                tf.clip_by_value(generated_samples * 127.5 + 127.5, 0.0, 255.0)
            )
            # (the matplotlib grid: the samples' sums before the uint8 cast kept)
            plotted.append(_f(generated_samples.sum(axis=(1, 2, 3)), 2))

    # Build the unet model
    network = build_model(
        img_size=img_size,
        img_channels=img_channels,
        widths=widths,
        has_attention=has_attention,
        num_res_blocks=num_res_blocks,
        norm_groups=norm_groups,
        activation_fn=keras.activations.swish,
    )
    ema_network = build_model(
        img_size=img_size,
        img_channels=img_channels,
        widths=widths,
        has_attention=has_attention,
        num_res_blocks=num_res_blocks,
        norm_groups=norm_groups,
        activation_fn=keras.activations.swish,
    )
    _init(network, seed=4)  # (added: fixed weights)
    ema_network.set_weights(network.get_weights())  # Initially the weights are the same
    result = {"summary": _summary(network)}

    # Get an instance of the Gaussian Diffusion utilities
    gdf_util = GaussianDiffusion(timesteps=total_timesteps)

    # Get the model
    model = DiffusionModel(
        network=network,
        ema_network=ema_network,
        gdf_util=gdf_util,
        timesteps=total_timesteps,
    )

    # Compile the model
    model.compile(
        loss=keras.losses.MeanSquaredError(),
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
    )
    model.run_eagerly = True  # (added: the NumPy draws in train_step run each step)

    # Train the model
    history = model.fit(
        train_ds,
        epochs=num_epochs,
        batch_size=batch_size,
        shuffle=False,  # (the dataset's batches)
        verbose=0,
        callbacks=[keras.callbacks.LambdaCallback(on_epoch_end=model.plot_images)],
    )
    result["history"] = _hist(history)
    result["plotted"] = plotted
    result["ema_sums"] = [_f(float(np.sum(w)), 5) for w in ema_network.get_weights()[:6]]
    return result


# ---- the GAN monitors' `.numpy()` (dcgan_overriding_train_step.py, wgan_gp.py, ...) ------


@tf_scenario
def eager_tensor_numpy(keras):
    # keras.io's GANMonitor callbacks call `.numpy()` on an eager model output after
    # `generated_images *= 255`, and many examples on `keras.ops` results
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    _init(model, seed=1)
    generated_images = model(np.linspace(-1, 1, 6, dtype="float32").reshape(2, 3))
    generated_images *= 255
    result = {"scaled": _f(generated_images.numpy(), 4)}
    result["mean"] = _f(keras.ops.mean(generated_images, axis=0).numpy(), 4)
    return result


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

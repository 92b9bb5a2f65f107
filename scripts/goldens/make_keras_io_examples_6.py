"""Goldens for tests/examples/test_keras_io_examples_6.py: a sixth set of keras.io code
examples (keras-team/keras-io, examples/), not covered by make_keras_io_examples*.py or
make_keras_io_guides.py, each as a Keras 3 user runs it: the model and training code as
written, the imports aside, at a reduced size and on synthetic NumPy data of the dataset's
shapes and dtypes (in place of downloads), with the trainable weights drawn from a fixed
RNG after building, dropout rates 0 and random augmentation layers left out (the only
changes, each noted where it is made).

The examples written with TensorFlow (`tf.GradientTape`, `tf.image.extract_patches`,
`tf.math.l2_normalize`, ...) run on Keras's TensorFlow backend, which makes their goldens
(/work/tfenv's Keras 3.15.1), TensorFlow itself as `tf`. With numkeras the tape is
numkeras's `GradientTape`, and the few `tf.*` functions the examples call are their
`keras.ops` counterparts (`_tf`). `tf.random.normal` draws are NumPy draws in both runs
(so both see the same numbers), which needs the custom steps run eagerly in TensorFlow.
The JAX training-loop guide's `jax.value_and_grad` is, with numkeras, a GradientTape
watching the trainable values it is given (`_jax`).

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the
test) returning JSON-able values.

Run (Keras 3.15.1 on JAX, then on TensorFlow (/work/tfenv's Keras 3) for the scenarios
written with TensorFlow; optionally only the scenarios named):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_keras_io_examples_6.py
    KERAS_BACKEND=tensorflow /work/tfenv/bin/python scripts/goldens/make_keras_io_examples_6.py
"""

# (the examples' code as written: its unused settings, loop names and mutable defaults kept)
# ruff: noqa: F841, B007, B006, UP008

from __future__ import annotations

import pathlib
import sys
import types
from time import time

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, scenario_script  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "keras_io_examples_6.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario
# (its goldens come from Keras's TensorFlow backend: the example is written with TensorFlow)
tf_scenario = SCENARIOS.scenario_on("tensorflow")

# the helpers of the third and fifth sets: summary lines, weights drawn from one RNG,
# rounding, History, synthetic images, the `tf` stand-in
_THIRD = scenario_script("make_keras_io_examples_3")
_summary, _init, _f, _hist, _images = (
    _THIRD._summary,
    _THIRD._init,
    _THIRD._f,
    _THIRD._hist,
    _THIRD._images,
)
_FIFTH = scenario_script("make_keras_io_examples_5")


def _tf(keras):
    """The `tf` functions the examples call: TensorFlow itself on Keras's TensorFlow
    backend, elsewhere their `keras.ops` counterparts (and the backend's tape)."""
    base = _FIFTH._tf(keras)
    if not isinstance(base, types.SimpleNamespace):
        return base
    ops = keras.ops

    def extract_patches(images, sizes, strides, rates, padding):
        return ops.image.extract_patches(
            images,
            size=tuple(sizes[1:3]),
            strides=tuple(strides[1:3]),
            dilation_rate=rates[1],
            padding=padding.lower(),
        )

    def l2_normalize(x, axis=None, epsilon=1e-12):
        square_sum = ops.sum(ops.square(x), axis=axis, keepdims=True)
        return x * ops.rsqrt(ops.maximum(square_sum, epsilon))

    def softmax_cross_entropy_with_logits(labels, logits, axis=-1):
        return ops.categorical_crossentropy(labels, logits, from_logits=True, axis=axis)

    def linspace(start, stop, num):  # (TensorFlow's: float64 from integers)
        return ops.linspace(start, stop, num, dtype="float64")

    extra = dict(
        einsum=ops.einsum,
        range=ops.arange,
        repeat=ops.repeat,
        ones=ops.ones,
        identity=lambda x: ops.convert_to_tensor(x),
        linspace=linspace,
        multiply=ops.multiply,
        divide=ops.divide,
        equal=ops.equal,
        image=types.SimpleNamespace(extract_patches=extract_patches),
        nn=types.SimpleNamespace(
            softmax_cross_entropy_with_logits=softmax_cross_entropy_with_logits
        ),
    )

    def set_diag(x, diagonal):
        n = x.shape[-1]
        return x * (1.0 - ops.eye(n, dtype=x.dtype)) + ops.diag(diagonal)

    base.math = types.SimpleNamespace(
        reduce_max=ops.max,
        reduce_sum=ops.sum,
        reduce_mean=ops.mean,
        reduce_std=ops.std,
        l2_normalize=l2_normalize,
    )
    base.linalg = types.SimpleNamespace(set_diag=set_diag, diag_part=ops.diagonal)
    for name, fn in extra.items():
        setattr(base, name, fn)
    return base


# ---- generative/conditional_gan.py (one-hot labels repeated into image channels) --------


@tf_scenario
def conditional_gan(keras):
    tf = _tf(keras)
    layers = keras.layers
    batch_size = 8  # (64)
    num_channels = 1
    num_classes = 3  # (10)
    image_size = 8  # (28)
    latent_dim = 4  # (128)

    # (MNIST: synthetic digits of its dtype, 24 of them)
    all_digits, all_labels = _images(24, size=image_size, channels=1, num_classes=3, seed=1)
    all_digits = all_digits.astype("float32") / 255.0
    all_digits = np.reshape(all_digits, (-1, image_size, image_size, 1))
    all_labels = keras.utils.to_categorical(all_labels, num_classes)

    generator_in_channels = latent_dim + num_classes
    discriminator_in_channels = num_channels + num_classes

    # Create the discriminator.
    discriminator = keras.Sequential(
        [
            keras.layers.InputLayer((image_size, image_size, discriminator_in_channels)),
            layers.Conv2D(4, (3, 3), strides=(2, 2), padding="same"),  # (64)
            layers.LeakyReLU(alpha=0.2),
            layers.Conv2D(4, (3, 3), strides=(2, 2), padding="same"),  # (128)
            layers.LeakyReLU(alpha=0.2),
            layers.GlobalMaxPooling2D(),
            layers.Dense(1),
        ],
        name="discriminator",
    )

    # Create the generator.
    generator = keras.Sequential(
        [
            keras.layers.InputLayer((generator_in_channels,)),
            # We want to generate 128 + num_classes coefficients to reshape into a
            # 7x7x(128 + num_classes) map.
            layers.Dense(2 * 2 * generator_in_channels),
            layers.LeakyReLU(alpha=0.2),
            layers.Reshape((2, 2, generator_in_channels)),
            layers.Conv2DTranspose(4, (4, 4), strides=(2, 2), padding="same"),  # (128)
            layers.LeakyReLU(alpha=0.2),
            layers.Conv2DTranspose(4, (4, 4), strides=(2, 2), padding="same"),  # (128)
            layers.LeakyReLU(alpha=0.2),
            layers.Conv2D(1, (3, 3), padding="same", activation="sigmoid"),  # ((7, 7))
        ],
        name="generator",
    )
    _init(discriminator, seed=1)
    _init(generator, seed=2)
    draws = np.random.default_rng(7)  # (in place of tf.random.normal)

    class ConditionalGAN(keras.Model):
        def __init__(self, discriminator, generator, latent_dim):
            super(ConditionalGAN, self).__init__()
            self.discriminator = discriminator
            self.generator = generator
            self.latent_dim = latent_dim
            self.gen_loss_tracker = keras.metrics.Mean(name="generator_loss")
            self.disc_loss_tracker = keras.metrics.Mean(name="discriminator_loss")

        @property
        def metrics(self):
            return [self.gen_loss_tracker, self.disc_loss_tracker]

        def compile(self, d_optimizer, g_optimizer, loss_fn):
            super(ConditionalGAN, self).compile()
            self.d_optimizer = d_optimizer
            self.g_optimizer = g_optimizer
            self.loss_fn = loss_fn

        def train_step(self, data):
            # Unpack the data.
            real_images, one_hot_labels = data

            # Add dummy dimensions to the labels so that they can be concatenated with
            # the images. This is for the discriminator.
            image_one_hot_labels = one_hot_labels[:, :, None, None]
            image_one_hot_labels = tf.repeat(
                image_one_hot_labels, repeats=[image_size * image_size]
            )
            image_one_hot_labels = tf.reshape(
                image_one_hot_labels, (-1, image_size, image_size, num_classes)
            )

            # Sample random points in the latent space and concatenate the labels.
            # This is for the generator.
            batch_size = tf.shape(real_images)[0]
            random_latent_vectors = draws.normal(size=(int(batch_size), self.latent_dim))
            random_latent_vectors = random_latent_vectors.astype("float32")
            random_vector_labels = tf.concat([random_latent_vectors, one_hot_labels], axis=1)

            # Decode the noise (guided by labels) to fake images.
            generated_images = self.generator(random_vector_labels)

            # Combine them with real images. Note that we are concatenating the labels
            # with these images here.
            fake_image_and_labels = tf.concat([generated_images, image_one_hot_labels], -1)
            real_image_and_labels = tf.concat([real_images, image_one_hot_labels], -1)
            combined_images = tf.concat([fake_image_and_labels, real_image_and_labels], axis=0)

            # Assemble labels discriminating real from fake images.
            labels = tf.concat([tf.ones((batch_size, 1)), tf.zeros((batch_size, 1))], axis=0)

            # Train the discriminator.
            with tf.GradientTape() as tape:
                predictions = self.discriminator(combined_images)
                d_loss = self.loss_fn(labels, predictions)
            grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
            self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))

            # Sample random points in the latent space.
            random_latent_vectors = draws.normal(size=(int(batch_size), self.latent_dim))
            random_latent_vectors = random_latent_vectors.astype("float32")
            random_vector_labels = tf.concat([random_latent_vectors, one_hot_labels], axis=1)

            # Assemble labels that say "all real images".
            misleading_labels = tf.zeros((batch_size, 1))

            # Train the generator (note that we should *not* update the weights
            # of the discriminator)!
            with tf.GradientTape() as tape:
                fake_images = self.generator(random_vector_labels)
                fake_image_and_labels = tf.concat([fake_images, image_one_hot_labels], -1)
                predictions = self.discriminator(fake_image_and_labels)
                g_loss = self.loss_fn(misleading_labels, predictions)
            grads = tape.gradient(g_loss, self.generator.trainable_weights)
            self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))

            # Monitor loss.
            self.gen_loss_tracker.update_state(g_loss)
            self.disc_loss_tracker.update_state(d_loss)
            return {
                "g_loss": self.gen_loss_tracker.result(),
                "d_loss": self.disc_loss_tracker.result(),
            }

    cond_gan = ConditionalGAN(
        discriminator=discriminator, generator=generator, latent_dim=latent_dim
    )
    cond_gan.compile(
        d_optimizer=keras.optimizers.Adam(learning_rate=0.0003),
        g_optimizer=keras.optimizers.Adam(learning_rate=0.0003),
        loss_fn=keras.losses.BinaryCrossentropy(from_logits=True),
    )
    cond_gan.run_eagerly = True  # (added: the NumPy draws in train_step run each step)

    # (the tf.data dataset, shuffled and batched: the arrays in order, batched by fit)
    history = cond_gan.fit(
        all_digits, all_labels, batch_size=batch_size, epochs=2, shuffle=False, verbose=0
    )
    result = {"history": _hist(history)}

    # We first extract the trained generator from our Conditiona GAN.
    trained_gen = cond_gan.generator

    # Choose the number of intermediate images that would be generated in
    # between the interpolation + 2 (start and last images).
    num_interpolation = 5  # (9)

    # Sample noise for the interpolation.
    interpolation_noise = draws.normal(size=(1, latent_dim)).astype("float32")
    interpolation_noise = tf.repeat(interpolation_noise, repeats=num_interpolation)
    interpolation_noise = tf.reshape(interpolation_noise, (num_interpolation, latent_dim))

    def interpolate_class(first_number, second_number):
        # Convert the start and end labels to one-hot encoded vectors.
        first_label = keras.utils.to_categorical([first_number], num_classes)
        second_label = keras.utils.to_categorical([second_number], num_classes)
        first_label = tf.cast(first_label, tf.float32)
        second_label = tf.cast(second_label, tf.float32)

        # Calculate the interpolation vector between the two labels.
        percent_second_label = tf.linspace(0, 1, num_interpolation)[:, None]
        percent_second_label = tf.cast(percent_second_label, tf.float32)
        interpolation_labels = (
            first_label * (1 - percent_second_label) + second_label * percent_second_label
        )

        # Combine the noise and the labels and run inference with the generator.
        noise_and_labels = tf.concat([interpolation_noise, interpolation_labels], 1)
        fake = trained_gen.predict(noise_and_labels, verbose=0)
        return fake

    start_class = 1
    end_class = 2  # (5)

    fake_images = interpolate_class(start_class, end_class)
    fake_images *= 255.0
    converted_images = fake_images.astype(np.uint8)
    # (tf.image.resize to 96x96, imageio's GIF: left out)
    result["fake_sum"] = _f(fake_images.sum(axis=(1, 2, 3)), 3)
    result["fake_0"] = _f(fake_images[0, :, :, 0], 3)
    result["shape"] = list(converted_images.shape)
    result["d_kernel"] = _f(keras.ops.convert_to_numpy(discriminator.weights[0])[:, :, 1, 0])
    return result


# ---- vision/involution.py (a layer of sublayers made in build, and extract_patches) -----


@tf_scenario
def involution(keras):
    tf = _tf(keras)

    class Involution(keras.layers.Layer):
        def __init__(self, channel, group_number, kernel_size, stride, reduction_ratio, name):
            super().__init__(name=name)

            # Initialize the parameters.
            self.channel = channel
            self.group_number = group_number
            self.kernel_size = kernel_size
            self.stride = stride
            self.reduction_ratio = reduction_ratio

        def build(self, input_shape):
            # Get the shape of the input.
            (_, height, width, num_channels) = input_shape

            # Scale the height and width with respect to the strides.
            height = height // self.stride
            width = width // self.stride

            # Define a layer that average pools the input tensor
            # if stride is more than 1.
            self.stride_layer = (
                keras.layers.AveragePooling2D(
                    pool_size=self.stride, strides=self.stride, padding="same"
                )
                if self.stride > 1
                else tf.identity
            )
            # Define the kernel generation layer.
            self.kernel_gen = keras.Sequential(
                [
                    keras.layers.Conv2D(
                        filters=self.channel // self.reduction_ratio, kernel_size=1
                    ),
                    keras.layers.BatchNormalization(),
                    keras.layers.ReLU(),
                    keras.layers.Conv2D(
                        filters=self.kernel_size * self.kernel_size * self.group_number,
                        kernel_size=1,
                    ),
                ]
            )
            # Define reshape layers
            self.kernel_reshape = keras.layers.Reshape(
                target_shape=(
                    height,
                    width,
                    self.kernel_size * self.kernel_size,
                    1,
                    self.group_number,
                )
            )
            self.input_patches_reshape = keras.layers.Reshape(
                target_shape=(
                    height,
                    width,
                    self.kernel_size * self.kernel_size,
                    num_channels // self.group_number,
                    self.group_number,
                )
            )
            self.output_reshape = keras.layers.Reshape(target_shape=(height, width, num_channels))

        def call(self, x):
            # Generate the kernel with respect to the input tensor.
            # B, H, W, K*K*G
            kernel_input = self.stride_layer(x)
            kernel = self.kernel_gen(kernel_input)

            # reshape the kerenl
            # B, H, W, K*K, 1, G
            kernel = self.kernel_reshape(kernel)

            # Extract input patches.
            # B, H, W, K*K*C
            input_patches = tf.image.extract_patches(
                images=x,
                sizes=[1, self.kernel_size, self.kernel_size, 1],
                strides=[1, self.stride, self.stride, 1],
                rates=[1, 1, 1, 1],
                padding="SAME",
            )

            # Reshape the input patches to align with later operations.
            # B, H, W, K*K, C//G, G
            input_patches = self.input_patches_reshape(input_patches)

            # Compute the multiply-add operation of kernels and patches.
            # B, H, W, K*K, C//G, G
            output = tf.multiply(kernel, input_patches)
            # B, H, W, C//G, G
            output = tf.reduce_sum(output, axis=3)

            # Reshape the output kernel.
            # B, H, W, C
            output = self.output_reshape(output)

            # Return the output tensor and the kernel.
            return output, kernel

    result = {}
    # Define the input tensor.  ((32, 256, 256, 3) from tf.random.normal: NumPy's)
    input_tensor = np.random.default_rng(3).normal(size=(2, 8, 8, 3)).astype("float32")

    # Compute involution with stride 1.
    layer = Involution(
        channel=3, group_number=1, kernel_size=5, stride=1, reduction_ratio=1, name="inv_1"
    )
    layer(input_tensor)  # (added: a first call builds it, then its weights are drawn)
    _init(layer, seed=1)
    output_tensor, _ = layer(input_tensor)
    result["stride_1"] = [list(output_tensor.shape), _f(output_tensor[0, :2, :3, 0])]

    # Compute involution with stride 2.
    layer = Involution(
        channel=3, group_number=1, kernel_size=5, stride=2, reduction_ratio=1, name="inv_2"
    )
    layer(input_tensor)
    _init(layer, seed=2)
    output_tensor, kernel = layer(input_tensor)
    result["stride_2"] = [
        list(output_tensor.shape),
        list(kernel.shape),
        _f(output_tensor[1, :2, :3, 2]),
    ]

    # Compute involution with stride 1, channel 16 and reduction ratio 2.
    output_tensor, _ = Involution(
        channel=16, group_number=1, kernel_size=5, stride=1, reduction_ratio=2, name="inv_3"
    )(input_tensor)
    result["channel_16"] = list(output_tensor.shape)

    # Load the CIFAR10 dataset.  (synthetic CIFAR-like images, 32 and 16, at 8x8)
    train_images, train_labels = _images(32, size=8, seed=4)
    test_images, test_labels = _images(16, size=8, seed=5)

    # Normalize pixel values to be between 0 and 1.
    (train_images, test_images) = (train_images / 255.0, test_images / 255.0)

    # (the tf.data datasets, shuffled and batched by 256: the arrays in order, batched by 16)
    # Build the conv model.
    conv_model = keras.Sequential(
        [
            keras.layers.Conv2D(4, (3, 3), input_shape=(8, 8, 3), padding="same"),  # (32)
            keras.layers.ReLU(name="relu1"),
            keras.layers.MaxPooling2D((2, 2)),
            keras.layers.Conv2D(4, (3, 3), padding="same"),  # (64)
            keras.layers.ReLU(name="relu2"),
            keras.layers.MaxPooling2D((2, 2)),
            keras.layers.Conv2D(4, (3, 3), padding="same"),  # (64)
            keras.layers.ReLU(name="relu3"),
            keras.layers.Flatten(),
            keras.layers.Dense(8, activation="relu"),  # (64)
            keras.layers.Dense(10),
        ]
    )
    _init(conv_model, seed=6)

    # Compile the mode with the necessary loss function and optimizer.
    conv_model.compile(
        optimizer="adam",
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )

    # Train the model.
    conv_hist = conv_model.fit(
        train_images,
        train_labels,
        batch_size=16,
        epochs=2,
        shuffle=False,
        validation_data=(test_images, test_labels),
        verbose=0,
    )
    result["conv_hist"] = _hist(conv_hist)

    # Build the involution model.
    inputs = keras.Input(shape=(8, 8, 3))
    x, _ = Involution(
        channel=3, group_number=1, kernel_size=3, stride=1, reduction_ratio=2, name="inv_1"
    )(inputs)
    x = keras.layers.ReLU()(x)
    x = keras.layers.MaxPooling2D((2, 2))(x)
    x, _ = Involution(
        channel=3, group_number=1, kernel_size=3, stride=1, reduction_ratio=2, name="inv_2"
    )(x)
    x = keras.layers.ReLU()(x)
    x = keras.layers.MaxPooling2D((2, 2))(x)
    x, _ = Involution(
        channel=3, group_number=1, kernel_size=3, stride=1, reduction_ratio=2, name="inv_3"
    )(x)
    x = keras.layers.ReLU()(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(8, activation="relu")(x)  # (64)
    outputs = keras.layers.Dense(10)(x)

    inv_model = keras.Model(inputs=[inputs], outputs=[outputs], name="inv_model")
    _init(inv_model, seed=7)

    # Compile the mode with the necessary loss function and optimizer.
    inv_model.compile(
        optimizer="adam",
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )

    # train the model
    inv_hist = inv_model.fit(
        train_images,
        train_labels,
        batch_size=16,
        epochs=2,
        shuffle=False,
        validation_data=(test_images, test_labels),
        verbose=0,
    )
    result["inv_hist"] = _hist(inv_hist)
    result["conv_summary"] = _summary(conv_model)
    result["inv_summary"] = _summary(inv_model)

    layer_names = ["inv_1", "inv_2", "inv_3"]
    outputs = [inv_model.get_layer(name).output for name in layer_names]
    vis_model = keras.Model(inv_model.input, outputs)

    kernels = []
    for test_image in test_images[:2]:  # (10, each beside its matplotlib axes)
        (inv1_out, inv2_out, inv3_out) = vis_model.predict(test_image[None, ...], verbose=0)

        _, inv1_kernel = inv1_out
        _, inv2_kernel = inv2_out
        _, inv3_kernel = inv3_out

        inv1_kernel = tf.reduce_sum(inv1_kernel, axis=[-1, -2, -3])
        inv2_kernel = tf.reduce_sum(inv2_kernel, axis=[-1, -2, -3])
        inv3_kernel = tf.reduce_sum(inv3_kernel, axis=[-1, -2, -3])
        # (array_to_img and imshow, left out)
        kernels.append(
            [
                _f(keras.ops.convert_to_numpy(inv1_kernel)[0, :3, :3]),
                _f(keras.ops.convert_to_numpy(inv2_kernel)[0]),
                _f(keras.ops.convert_to_numpy(inv3_kernel)[0]),
            ]
        )
    result["kernels"] = kernels
    return result


# ---- vision/gradient_centralization.py (an RMSprop subclass's get_gradients) -----------


@scenario
def gradient_centralization(keras):
    tf = types.SimpleNamespace(reduce_mean=keras.ops.mean)  # (only get_gradients calls it)
    layers = keras.layers
    RMSprop = keras.optimizers.RMSprop
    num_classes = 2
    input_shape = (94, 94, 3)  # (300, 300, 3)
    batch_size = 8  # (128)

    # (horses_or_humans: synthetic images, two classes; the tf.data pipeline's shuffle
    # left out, its Rescaling kept)
    def dataset(n, seed):
        x, y = _images(n, size=94, channels=3, num_classes=2, seed=seed)
        return rescale(x.astype("float32")), y.astype("float32")

    rescale = layers.Rescaling(1.0 / 255)
    # (data_augmentation: RandomFlip, RandomRotation and RandomZoom, left out)
    train_x, train_y = dataset(24, seed=1)

    model = keras.Sequential(
        [
            layers.Conv2D(2, (3, 3), activation="relu", input_shape=input_shape),  # (16)
            layers.MaxPooling2D(2, 2),
            layers.Conv2D(2, (3, 3), activation="relu"),  # (32)
            layers.Dropout(0.0),  # (0.5)
            layers.MaxPooling2D(2, 2),
            layers.Conv2D(2, (3, 3), activation="relu"),  # (64)
            layers.Dropout(0.0),  # (0.5)
            layers.MaxPooling2D(2, 2),
            layers.Conv2D(2, (3, 3), activation="relu"),  # (64)
            layers.MaxPooling2D(2, 2),
            layers.Conv2D(2, (3, 3), activation="relu"),  # (64)
            layers.MaxPooling2D(2, 2),
            layers.Flatten(),
            layers.Dropout(0.0),  # (0.5)
            layers.Dense(8, activation="relu"),  # (512)
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    _init(model, seed=3)

    class GCRMSprop(RMSprop):
        def get_gradients(self, loss, params):
            # We here just provide a modified get_gradients() function since we are
            # trying to just compute the centralized gradients.

            grads = []
            gradients = super().get_gradients()
            for grad in gradients:
                grad_len = len(grad.shape)
                if grad_len > 1:
                    axis = list(range(grad_len - 1))
                    grad -= tf.reduce_mean(grad, axis=axis, keep_dims=True)
                grads.append(grad)

            return grads

    optimizer = GCRMSprop(learning_rate=1e-4)

    class TimeHistory(keras.callbacks.Callback):
        def on_train_begin(self, logs={}):
            self.times = []

        def on_epoch_begin(self, batch, logs={}):
            self.epoch_time_start = time()

        def on_epoch_end(self, batch, logs={}):
            self.times.append(time() - self.epoch_time_start)

    time_callback_no_gc = TimeHistory()
    model.compile(
        loss="binary_crossentropy",
        optimizer=RMSprop(learning_rate=1e-3),  # (1e-4)
        metrics=["accuracy"],
    )
    result = {"summary": _summary(model)}
    history_no_gc = model.fit(
        train_x,
        train_y,
        batch_size=batch_size,
        epochs=2,
        verbose=0,
        shuffle=False,
        callbacks=[time_callback_no_gc],
    )

    time_callback_gc = TimeHistory()
    optimizer.learning_rate = 1e-3  # (added: the first fit's rate)
    model.compile(loss="binary_crossentropy", optimizer=optimizer, metrics=["accuracy"])
    result["summary_gc"] = _summary(model)
    history_gc = model.fit(
        train_x,
        train_y,
        batch_size=batch_size,
        epochs=2,
        verbose=0,
        shuffle=False,
        callbacks=[time_callback_gc],
    )
    result["history_no_gc"] = _hist(history_no_gc)
    result["history_gc"] = _hist(history_gc)
    result["times"] = [len(time_callback_no_gc.times), len(time_callback_gc.times)]
    result["optimizer"] = [type(model.optimizer).__name__, int(optimizer.iterations)]
    result["predict"] = _f(model.predict(train_x[:4], verbose=0))
    return result


# ---- vision/supervised-contrastive-learning.py (a Loss overriding __call__) ------------


@tf_scenario
def supervised_contrastive(keras):
    tf = _tf(keras)
    layers = keras.layers
    num_classes = 4  # (10)
    input_shape = (8, 8, 3)  # (32, 32, 3)

    # Load the train and test data splits  (CIFAR-10: synthetic images of its dtype)
    x_train, y_train = _images(32, size=8, num_classes=4, seed=1)
    x_test, y_test = _images(16, size=8, num_classes=4, seed=2)

    data_augmentation = keras.Sequential(
        [
            layers.Normalization(),
            # (RandomFlip, RandomRotation, RandomWidth and RandomHeight: left out)
        ]
    )
    # Setting the state of the normalization layer.
    data_augmentation.layers[0].adapt(x_train)

    def create_encoder(seed):
        # (keras.applications.ResNet50V2(include_top=False, weights=None,
        # pooling="avg"): a small convnet with the same pooled output)
        resnet = keras.Sequential(
            [
                keras.Input(shape=input_shape),
                layers.Conv2D(6, 3, padding="same", activation="relu"),
                layers.BatchNormalization(),
                layers.Conv2D(8, 3, strides=2, padding="same", activation="relu"),
                layers.GlobalAveragePooling2D(),
            ],
            name="resnet50v2",
        )
        _init(resnet, seed=seed)

        inputs = keras.Input(shape=input_shape)
        augmented = data_augmentation(inputs)
        outputs = resnet(augmented)
        model = keras.Model(inputs=inputs, outputs=outputs, name="cifar10-encoder")
        return model

    encoder = create_encoder(seed=1)
    result = {"encoder_summary": _summary(encoder)}

    learning_rate = 0.01  # (0.001)
    batch_size = 8  # (265)
    hidden_units = 8  # (512)
    projection_units = 6  # (128)
    num_epochs = 2  # (50)
    dropout_rate = 0.0  # (0.5)
    temperature = 0.05

    def create_classifier(encoder, trainable=True):
        for layer in encoder.layers:
            layer.trainable = trainable

        inputs = keras.Input(shape=input_shape)
        features = encoder(inputs)
        features = layers.Dropout(dropout_rate)(features)
        features = layers.Dense(hidden_units, activation="relu")(features)
        features = layers.Dropout(dropout_rate)(features)
        outputs = layers.Dense(num_classes, activation="softmax")(features)

        model = keras.Model(inputs=inputs, outputs=outputs, name="cifar10-classifier")
        _init(model, seed=10, keep=[encoder.name])  # (added: the head's weights)
        model.compile(
            optimizer=keras.optimizers.Adam(learning_rate),
            loss=keras.losses.SparseCategoricalCrossentropy(),
            metrics=[keras.metrics.SparseCategoricalAccuracy()],
        )
        return model

    encoder = create_encoder(seed=2)
    classifier = create_classifier(encoder)
    result["classifier_summary"] = _summary(classifier)

    history = classifier.fit(
        x=x_train, y=y_train, batch_size=batch_size, epochs=num_epochs, shuffle=False, verbose=0
    )
    result["baseline"] = _hist(history)
    result["baseline_eval"] = _f(classifier.evaluate(x_test, y_test, verbose=0))

    def npairs_loss(y_true, y_pred):
        # (tfa.losses.npairs_loss, as TensorFlow Addons writes it)
        y_pred = tf.convert_to_tensor(y_pred)
        y_true = tf.cast(y_true, y_pred.dtype)
        # Expand to [batch_size, 1]
        y_true = tf.expand_dims(y_true, -1)
        y_true = tf.cast(tf.equal(y_true, tf.transpose(y_true)), y_pred.dtype)
        y_true /= tf.math.reduce_sum(y_true, 1, keepdims=True)
        loss = tf.nn.softmax_cross_entropy_with_logits(logits=y_pred, labels=y_true)
        return tf.math.reduce_mean(loss)

    class SupervisedContrastiveLoss(keras.losses.Loss):
        def __init__(self, temperature=1, name=None):
            super(SupervisedContrastiveLoss, self).__init__(name=name)
            self.temperature = temperature

        def __call__(self, labels, feature_vectors, sample_weight=None):
            # Normalize feature vectors
            feature_vectors_normalized = tf.math.l2_normalize(feature_vectors, axis=1)
            # Compute logits
            logits = tf.divide(
                tf.matmul(feature_vectors_normalized, tf.transpose(feature_vectors_normalized)),
                self.temperature,
            )
            return npairs_loss(tf.squeeze(labels), logits)

    def add_projection_head(encoder):
        inputs = keras.Input(shape=input_shape)
        features = encoder(inputs)
        outputs = layers.Dense(projection_units, activation="relu")(features)
        model = keras.Model(
            inputs=inputs, outputs=outputs, name="cifar-encoder_with_projection-head"
        )
        _init(model, seed=11, keep=[encoder.name])  # (added: the head's weights)
        return model

    encoder = create_encoder(seed=3)

    encoder_with_projection_head = add_projection_head(encoder)
    encoder_with_projection_head.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss=SupervisedContrastiveLoss(temperature),
    )
    result["projection_summary"] = _summary(encoder_with_projection_head)

    history = encoder_with_projection_head.fit(
        x=x_train, y=y_train, batch_size=batch_size, epochs=num_epochs, shuffle=False, verbose=0
    )
    result["pretrain"] = _hist(history)

    classifier = create_classifier(encoder, trainable=False)
    result["frozen_summary"] = _summary(classifier)

    history = classifier.fit(
        x=x_train, y=y_train, batch_size=batch_size, epochs=num_epochs, shuffle=False, verbose=0
    )
    result["frozen"] = _hist(history)
    result["frozen_eval"] = _f(classifier.evaluate(x_test, y_test, verbose=0))
    result["features"] = _f(encoder.predict(x_test[:2], verbose=0))
    return result


# ---- guides/writing_a_custom_training_loop_in_jax.py (stateless_call under a gradient) --


def _jax(keras):
    """The `jax` functions the guide calls: JAX itself with Keras on JAX; with numkeras,
    `value_and_grad` by a GradientTape watching the trainable values (which it records
    through `stateless_call`, as a TensorFlow tape does), `jit` the function as it is."""
    if keras.__name__ != "numkeras":
        import jax

        return jax
    ops = keras.ops

    def value_and_grad(fn, has_aux=False):
        def grad_fn(trainable_variables, *args):
            with keras.GradientTape() as tape:
                trainable_variables = tape.watch(
                    [ops.convert_to_tensor(v) for v in trainable_variables]
                )
                out = fn(trainable_variables, *args)
            loss = out[0] if has_aux else out
            return out, tape.gradient(loss, trainable_variables)

        return grad_fn

    return types.SimpleNamespace(
        value_and_grad=value_and_grad,
        jit=lambda fn: fn,
        numpy=types.SimpleNamespace(sum=ops.sum),
    )


def _values(variables):
    return [v.value for v in variables]


@scenario
def custom_training_loop_jax(keras):
    jax = _jax(keras)

    def get_model(seed):
        inputs = keras.Input(shape=(12,), name="digits")  # (784)
        x1 = keras.layers.Dense(8, activation="relu")(inputs)  # (64)
        x2 = keras.layers.Dense(8, activation="relu")(x1)  # (64)
        outputs = keras.layers.Dense(4, name="predictions")(x2)  # (10)
        model = keras.Model(inputs=inputs, outputs=outputs)
        _init(model, seed=seed)  # (added: weights from a fixed RNG)
        return model

    model = get_model(seed=1)

    # Prepare the training dataset.  (MNIST: 48 synthetic rows, 16 kept for validation)
    batch_size = 8  # (32)
    rng = np.random.default_rng(2)
    x_train = rng.normal(size=(48, 12)).astype("float32")
    y_train = (x_train[:, :4].argmax(axis=1) + (x_train[:, 5] > 1)) % 4
    y_train = keras.utils.to_categorical(y_train)

    # Reserve 10,000 samples for validation.
    x_val = x_train[-16:]
    y_val = y_train[-16:]
    x_train = x_train[:-16]
    y_train = y_train[:-16]

    # (the tf.data datasets, shuffled and batched: the arrays in order, in batches)
    train_dataset = [
        (x_train[i : i + batch_size], y_train[i : i + batch_size])
        for i in range(0, len(x_train), batch_size)
    ]
    val_dataset = [
        (x_val[i : i + batch_size], y_val[i : i + batch_size])
        for i in range(0, len(x_val), batch_size)
    ]

    # Instantiate a loss function.
    loss_fn = keras.losses.CategoricalCrossentropy(from_logits=True)

    # Instantiate an optimizer.
    optimizer = keras.optimizers.Adam(learning_rate=1e-2)  # (1e-3)

    def compute_loss_and_updates(trainable_variables, non_trainable_variables, x, y):
        y_pred, non_trainable_variables = model.stateless_call(
            trainable_variables, non_trainable_variables, x, training=True
        )
        loss = loss_fn(y, y_pred)
        return loss, non_trainable_variables

    grad_fn = jax.value_and_grad(compute_loss_and_updates, has_aux=True)

    @jax.jit
    def train_step(state, data):
        trainable_variables, non_trainable_variables, optimizer_variables = state
        x, y = data
        (loss, non_trainable_variables), grads = grad_fn(
            trainable_variables, non_trainable_variables, x, y
        )
        trainable_variables, optimizer_variables = optimizer.stateless_apply(
            optimizer_variables, grads, trainable_variables
        )
        # Return updated state
        return loss, (
            trainable_variables,
            non_trainable_variables,
            optimizer_variables,
        )

    before = model.predict(x_val[:2], verbose=0)  # (added: to check the model is unchanged)
    # Build optimizer variables.
    optimizer.build(model.trainable_variables)

    # (their values: this JAX refuses Keras variables as jit arguments)
    trainable_variables = _values(model.trainable_variables)
    non_trainable_variables = _values(model.non_trainable_variables)
    optimizer_variables = _values(optimizer.variables)
    state = trainable_variables, non_trainable_variables, optimizer_variables

    result = {"losses": []}
    # Training loop
    for epoch in range(2):  # (added: two passes, each logged)
        for step, data in enumerate(train_dataset):
            loss, state = train_step(state, data)
            result["losses"].append(round(float(loss), 6))
    result["unchanged"] = bool(np.allclose(model.predict(x_val[:2], verbose=0), before))

    trainable_variables, non_trainable_variables, optimizer_variables = state
    for variable, value in zip(model.trainable_variables, trainable_variables):
        variable.assign(value)
    for variable, value in zip(model.non_trainable_variables, non_trainable_variables):
        variable.assign(value)
    result["predict"] = _f(model.predict(x_val[:4], verbose=0))
    result["iterations"] = int(keras.ops.convert_to_numpy(optimizer_variables[0]))

    # Get a fresh model
    model = get_model(seed=3)

    # Instantiate an optimizer to train the model.
    optimizer = keras.optimizers.Adam(learning_rate=1e-2)  # (1e-3)
    # Instantiate a loss function.
    loss_fn = keras.losses.CategoricalCrossentropy(from_logits=True)

    # Prepare the metrics.
    train_acc_metric = keras.metrics.CategoricalAccuracy()
    val_acc_metric = keras.metrics.CategoricalAccuracy()

    def compute_loss_and_updates(
        trainable_variables, non_trainable_variables, metric_variables, x, y
    ):
        y_pred, non_trainable_variables = model.stateless_call(
            trainable_variables, non_trainable_variables, x
        )
        loss = loss_fn(y, y_pred)
        metric_variables = train_acc_metric.stateless_update_state(metric_variables, y, y_pred)
        return loss, (non_trainable_variables, metric_variables)

    grad_fn = jax.value_and_grad(compute_loss_and_updates, has_aux=True)

    @jax.jit
    def train_step(state, data):
        (
            trainable_variables,
            non_trainable_variables,
            optimizer_variables,
            metric_variables,
        ) = state
        x, y = data
        (loss, (non_trainable_variables, metric_variables)), grads = grad_fn(
            trainable_variables, non_trainable_variables, metric_variables, x, y
        )
        trainable_variables, optimizer_variables = optimizer.stateless_apply(
            optimizer_variables, grads, trainable_variables
        )
        # Return updated state
        return loss, (
            trainable_variables,
            non_trainable_variables,
            optimizer_variables,
            metric_variables,
        )

    @jax.jit
    def eval_step(state, data):
        trainable_variables, non_trainable_variables, metric_variables = state
        x, y = data
        y_pred, non_trainable_variables = model.stateless_call(
            trainable_variables, non_trainable_variables, x
        )
        loss = loss_fn(y, y_pred)
        metric_variables = val_acc_metric.stateless_update_state(metric_variables, y, y_pred)
        return loss, (
            trainable_variables,
            non_trainable_variables,
            metric_variables,
        )

    # Build optimizer variables.
    optimizer.build(model.trainable_variables)

    trainable_variables = _values(model.trainable_variables)
    non_trainable_variables = _values(model.non_trainable_variables)
    optimizer_variables = _values(optimizer.variables)
    metric_variables = _values(train_acc_metric.variables)
    state = (
        trainable_variables,
        non_trainable_variables,
        optimizer_variables,
        metric_variables,
    )

    # Training loop
    result["metric_losses"], result["train_acc"] = [], []
    for step, data in enumerate(train_dataset):
        loss, state = train_step(state, data)
        # Log every 100 batches.  (every batch)
        result["metric_losses"].append(round(float(loss), 6))
        _, _, _, metric_variables = state
        for variable, value in zip(train_acc_metric.variables, metric_variables):
            variable.assign(value)
        result["train_acc"].append(round(float(train_acc_metric.result()), 6))

    metric_variables = _values(val_acc_metric.variables)
    (
        trainable_variables,
        non_trainable_variables,
        optimizer_variables,
        metric_variables,
    ) = state
    state = trainable_variables, non_trainable_variables, metric_variables

    # Eval loop
    result["val_losses"], result["val_acc"] = [], []
    for step, data in enumerate(val_dataset):
        loss, state = eval_step(state, data)
        result["val_losses"].append(round(float(loss), 6))
        _, _, metric_variables = state
        for variable, value in zip(val_acc_metric.variables, metric_variables):
            variable.assign(value)
        result["val_acc"].append(round(float(val_acc_metric.result()), 6))

    class ActivityRegularizationLayer(keras.layers.Layer):
        def call(self, inputs):
            self.add_loss(1e-2 * jax.numpy.sum(inputs))
            return inputs

    inputs = keras.Input(shape=(12,), name="digits")  # (784)
    x = keras.layers.Dense(8, activation="relu")(inputs)  # (64)
    # Insert activity regularization as a layer
    x = ActivityRegularizationLayer()(x)
    x = keras.layers.Dense(8, activation="relu")(x)  # (64)
    outputs = keras.layers.Dense(4, name="predictions")(x)  # (10)

    model = keras.Model(inputs=inputs, outputs=outputs)
    _init(model, seed=4)

    def compute_loss_and_updates(
        trainable_variables, non_trainable_variables, metric_variables, x, y
    ):
        y_pred, non_trainable_variables, losses = model.stateless_call(
            trainable_variables, non_trainable_variables, x, return_losses=True
        )
        loss = loss_fn(y, y_pred)
        if losses:
            loss += sum(losses)  # (jax.numpy.sum(losses): JAX refuses a list)
        metric_variables = train_acc_metric.stateless_update_state(metric_variables, y, y_pred)
        # (the guide returns the three; value_and_grad's has_aux takes a pair)
        return loss, (non_trainable_variables, metric_variables)

    # (added: the guide stops here; the loop above, with this function, a new train_step
    # as jax.jit keeps the first one's trace)
    grad_fn = jax.value_and_grad(compute_loss_and_updates, has_aux=True)

    @jax.jit
    def train_step(state, data):
        (
            trainable_variables,
            non_trainable_variables,
            optimizer_variables,
            metric_variables,
        ) = state
        x, y = data
        (loss, (non_trainable_variables, metric_variables)), grads = grad_fn(
            trainable_variables, non_trainable_variables, metric_variables, x, y
        )
        trainable_variables, optimizer_variables = optimizer.stateless_apply(
            optimizer_variables, grads, trainable_variables
        )
        return loss, (
            trainable_variables,
            non_trainable_variables,
            optimizer_variables,
            metric_variables,
        )

    optimizer = keras.optimizers.Adam(learning_rate=1e-2)
    optimizer.build(model.trainable_variables)
    train_acc_metric.reset_state()
    state = (
        _values(model.trainable_variables),
        _values(model.non_trainable_variables),
        _values(optimizer.variables),
        _values(train_acc_metric.variables),
    )
    result["activity_losses"] = []
    for step, data in enumerate(train_dataset):
        loss, state = train_step(state, data)
        result["activity_losses"].append(round(float(loss), 6))
    result["activity_kernel"] = _f(keras.ops.convert_to_numpy(state[0][0])[:3])
    return result


# ---- guides/writing_a_custom_training_loop_in_tensorflow.py (tape loops on uint8 pixels) -


@tf_scenario
def custom_training_loop_tf(keras):
    """The guide's loops (its closing GAN is make_keras_io_guides.py's custom_fit_gan)."""
    tf = _tf(keras)

    def get_model(seed):
        inputs = keras.Input(shape=(12,), name="digits")  # (784)
        x1 = keras.layers.Dense(8, activation="relu")(inputs)  # (64)
        x2 = keras.layers.Dense(8, activation="relu")(x1)  # (64)
        outputs = keras.layers.Dense(4, name="predictions")(x2)  # (10)
        model = keras.Model(inputs=inputs, outputs=outputs)
        _init(model, seed=seed)  # (added: weights from a fixed RNG)
        return model

    model = get_model(seed=1)

    # Instantiate an optimizer.
    optimizer = keras.optimizers.Adam(learning_rate=1e-2)  # (1e-3)
    # Instantiate a loss function.
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    # Prepare the training dataset.  (MNIST: 40 rows of uint8 pixels and labels, 16 kept
    # for validation)
    batch_size = 8  # (32)
    rng = np.random.default_rng(5)
    x_train = rng.integers(0, 256, (40, 12)).astype("uint8")
    y_train = ((x_train[:, :4].argmax(axis=1) + (x_train[:, 6] > 128)) % 4).astype("uint8")
    x_train = np.reshape(x_train, (-1, 12))

    # Reserve 10,000 samples for validation.
    x_val = x_train[-16:]
    y_val = y_train[-16:]
    x_train = x_train[:-16]
    y_train = y_train[:-16]

    # (the tf.data datasets, shuffled and batched: the arrays in order, in batches)
    train_dataset = [
        (x_train[i : i + batch_size], y_train[i : i + batch_size])
        for i in range(0, len(x_train), batch_size)
    ]
    val_dataset = [
        (x_val[i : i + batch_size], y_val[i : i + batch_size])
        for i in range(0, len(x_val), batch_size)
    ]

    result = {"losses": []}
    epochs = 2  # (3)
    for epoch in range(epochs):
        # Iterate over the batches of the dataset.
        for step, (x_batch_train, y_batch_train) in enumerate(train_dataset):
            with tf.GradientTape() as tape:
                logits = model(x_batch_train, training=True)  # Logits for this minibatch
                loss_value = loss_fn(y_batch_train, logits)
            grads = tape.gradient(loss_value, model.trainable_weights)
            optimizer.apply(grads, model.trainable_weights)
            result["losses"].append(round(float(loss_value), 5))
    result["predict"] = _f(model.predict(x_val[:3], verbose=0), 4)

    # Get a fresh model
    model = get_model(seed=2)

    # Instantiate an optimizer to train the model.
    optimizer = keras.optimizers.Adam(learning_rate=1e-2)  # (1e-3)
    # Instantiate a loss function.
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    # Prepare the metrics.
    train_acc_metric = keras.metrics.SparseCategoricalAccuracy()
    val_acc_metric = keras.metrics.SparseCategoricalAccuracy()

    result["metric_losses"], result["train_acc"], result["val_acc"] = [], [], []
    epochs = 2
    for epoch in range(epochs):
        # Iterate over the batches of the dataset.
        for step, (x_batch_train, y_batch_train) in enumerate(train_dataset):
            with tf.GradientTape() as tape:
                logits = model(x_batch_train, training=True)
                loss_value = loss_fn(y_batch_train, logits)
            grads = tape.gradient(loss_value, model.trainable_weights)
            optimizer.apply(grads, model.trainable_weights)

            # Update training metric.
            train_acc_metric.update_state(y_batch_train, logits)
            result["metric_losses"].append(round(float(loss_value), 5))

        # Display metrics at the end of each epoch.
        train_acc = train_acc_metric.result()
        result["train_acc"].append(round(float(train_acc), 5))

        # Reset training metrics at the end of each epoch
        train_acc_metric.reset_state()

        # Run a validation loop at the end of each epoch.
        for x_batch_val, y_batch_val in val_dataset:
            val_logits = model(x_batch_val, training=False)
            # Update val metrics
            val_acc_metric.update_state(y_batch_val, val_logits)
        val_acc = val_acc_metric.result()
        val_acc_metric.reset_state()
        result["val_acc"].append(round(float(val_acc), 5))

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            loss_value = loss_fn(y, logits)
        grads = tape.gradient(loss_value, model.trainable_weights)
        optimizer.apply(grads, model.trainable_weights)
        train_acc_metric.update_state(y, logits)
        return loss_value

    @tf.function
    def test_step(x, y):
        val_logits = model(x, training=False)
        val_acc_metric.update_state(y, val_logits)

    result["step_losses"], result["step_acc"] = [], []
    epochs = 2
    for epoch in range(epochs):
        # Iterate over the batches of the dataset.
        for step, (x_batch_train, y_batch_train) in enumerate(train_dataset):
            loss_value = train_step(x_batch_train, y_batch_train)
            result["step_losses"].append(round(float(loss_value), 5))

        # Display metrics at the end of each epoch.
        train_acc = train_acc_metric.result()
        train_acc_metric.reset_state()

        # Run a validation loop at the end of each epoch.
        for x_batch_val, y_batch_val in val_dataset:
            test_step(x_batch_val, y_batch_val)

        val_acc = val_acc_metric.result()
        val_acc_metric.reset_state()
        result["step_acc"].append([round(float(train_acc), 5), round(float(val_acc), 5)])

    class ActivityRegularizationLayer(keras.layers.Layer):
        def call(self, inputs):
            self.add_loss(1e-2 * tf.reduce_sum(inputs))
            return inputs

    inputs = keras.Input(shape=(12,), name="digits")  # (784)
    x = keras.layers.Dense(8, activation="relu")(inputs)  # (64)
    # Insert activity regularization as a layer
    x = ActivityRegularizationLayer()(x)
    x = keras.layers.Dense(8, activation="relu")(x)  # (64)
    outputs = keras.layers.Dense(4, name="predictions")(x)  # (10)

    model = keras.Model(inputs=inputs, outputs=outputs)
    _init(model, seed=3)
    optimizer = keras.optimizers.Adam(learning_rate=1e-2)  # (added: a fresh one)

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            loss_value = loss_fn(y, logits)
            # Add any extra losses created during the forward pass.
            loss_value += sum(model.losses)
        grads = tape.gradient(loss_value, model.trainable_weights)
        optimizer.apply(grads, model.trainable_weights)
        train_acc_metric.update_state(y, logits)
        return loss_value

    # (added: the guide stops at the step; one pass with it)
    result["activity_losses"] = [round(float(train_step(x, y)), 5) for x, y in train_dataset]
    result["activity_kernel"] = _f(keras.ops.convert_to_numpy(model.weights[0])[:3], 5)
    result["activity_acc"] = round(float(train_acc_metric.result()), 5)
    return result


# ---- vision/metric_learning.py (anchor / positive pairs, compiled_loss in train_step) ----


@tf_scenario
def metric_learning(keras):
    tf = _tf(keras)
    layers = keras.layers
    height_width = 8  # (32)
    num_classes = 4  # (10)

    # (CIFAR-10: synthetic images of its dtype, scaled as the example scales them)
    x_train, y_train = _images(48, size=height_width, num_classes=num_classes, seed=1)
    x_test, y_test = _images(20, size=height_width, num_classes=num_classes, seed=2)
    x_train = x_train.astype("float32") / 255.0
    y_train = np.squeeze(y_train)
    x_test = x_test.astype("float32") / 255.0
    y_test = np.squeeze(y_test)

    class_idx_to_train_idxs = {}  # (collections.defaultdict(list))
    for y_train_idx, y in enumerate(y_train):
        class_idx_to_train_idxs.setdefault(y, []).append(y_train_idx)

    class AnchorPositivePairs(keras.utils.Sequence):
        def __init__(self, num_batchs):
            super().__init__()  # (added: Keras 3's PyDataset warns without it)
            self.num_batchs = num_batchs

        def __len__(self):
            return self.num_batchs

        def __getitem__(self, _idx):
            # (random.choice: a NumPy RNG seeded by the batch index, so the batches are
            # the same whichever order they are drawn in)
            choice = np.random.default_rng(_idx).choice
            x = np.empty((2, num_classes, height_width, height_width, 3), dtype=np.float32)
            for class_idx in range(num_classes):
                examples_for_class = class_idx_to_train_idxs[class_idx]
                anchor_idx = choice(examples_for_class)
                positive_idx = choice(examples_for_class)
                while positive_idx == anchor_idx:
                    positive_idx = choice(examples_for_class)
                x[0, class_idx] = x_train[anchor_idx]
                x[1, class_idx] = x_train[positive_idx]
            return x

    class EmbeddingModel(keras.Model):
        def train_step(self, data):
            # Note: Workaround for open issue, to be removed.
            if isinstance(data, tuple):
                data = data[0]
            anchors, positives = data[0], data[1]

            with tf.GradientTape() as tape:
                # Run both anchors and positives through model.
                anchor_embeddings = self(anchors, training=True)
                positive_embeddings = self(positives, training=True)

                # Calculate cosine similarity between anchors and positives. As they have
                # been normalised this is just the pair wise dot products.
                similarities = tf.einsum("ae,pe->ap", anchor_embeddings, positive_embeddings)

                # Since we intend to use these as logits we scale them by a temperature.
                # This value would normally be chosen as a hyper parameter.
                temperature = 0.2
                similarities /= temperature

                # We use these similarities as logits for a softmax. The labels for
                # this call are just the sequence [0, 1, 2, ..., num_classes] since we
                # want the main diagonal values, which correspond to the anchor/positive
                # pairs, to be high. This loss will move embeddings for the
                # anchor/positive pairs together and move all other pairs apart.
                sparse_labels = tf.range(num_classes)
                loss = self.compiled_loss(sparse_labels, similarities)

            # Calculate gradients and apply via optimizer.
            gradients = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))

            # Update and return metrics (specifically the one for the loss value).
            self.compiled_metrics.update_state(sparse_labels, similarities)
            return {m.name: m.result() for m in self.metrics}

    inputs = layers.Input(shape=(height_width, height_width, 3))
    x = layers.Conv2D(filters=4, kernel_size=3, strides=2, activation="relu")(inputs)  # (32)
    x = layers.Conv2D(filters=6, kernel_size=3, strides=1, activation="relu")(x)  # (64, 2)
    x = layers.GlobalAveragePooling2D()(x)  # (and a third convolution, of 128)
    embeddings = layers.Dense(units=8, activation=None)(x)
    # (tf.nn.l2_normalize: Keras 3 refuses a TensorFlow function on a symbolic tensor)
    embeddings = keras.ops.normalize(embeddings, axis=-1)

    model = EmbeddingModel(inputs, embeddings)
    _init(model, seed=3)

    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=1e-2),  # (1e-3)
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    model.run_eagerly = True  # (added: the NumPy draws in __getitem__, each batch)

    # (1000 batches, 20 epochs; shuffle=False added: the batch order Keras draws)
    history = model.fit(AnchorPositivePairs(num_batchs=5), epochs=2, shuffle=False, verbose=0)
    result = {"history": _hist(history)}

    near_neighbours_per_example = 3  # (10)

    embeddings = model.predict(x_test, verbose=0)
    gram_matrix = np.einsum("ae,be->ab", embeddings, embeddings)
    near_neighbours = np.argsort(gram_matrix.T)[:, -(near_neighbours_per_example + 1) :]
    result["embeddings"] = _f(embeddings[:3])
    result["gram"] = _f(gram_matrix[:4, :6])
    return result


# ---- vision/barlow_twins.py (a Loss of a cross-correlation matrix, called in train_step) --


@tf_scenario
def barlow_twins(keras):
    tf = _tf(keras)
    BATCH_SIZE = 8  # (512)
    IMAGE_SIZE = 8  # (32)

    # (CIFAR-10's training images: synthetic ones; the two augmented versions, random
    # crops, flips, colour jitter, blur, grayscale and solarization of a shuffled tf.data
    # dataset, as fixed NumPy transforms: the images, and their mirror with noise)
    train_features, _ = _images(24, size=IMAGE_SIZE, seed=1)
    train_features = train_features.astype("float32") / 255.0
    noise = np.random.default_rng(2).normal(0, 0.05, train_features.shape)
    mirrored = np.clip(train_features[:, :, ::-1] + noise, 0, 1).astype("float32")

    class AugmentVersions(keras.utils.PyDataset):  # (tf.data.Dataset.zip((a1, a2)))
        def __init__(self):
            super().__init__()

        def __len__(self):
            return len(train_features) // BATCH_SIZE

        def __getitem__(self, i):
            rows = slice(i * BATCH_SIZE, (i + 1) * BATCH_SIZE)
            return train_features[rows], mirrored[rows]

    augment_versions = AugmentVersions()

    class BarlowLoss(keras.losses.Loss):
        def __init__(self, batch_size: int):
            super(BarlowLoss, self).__init__()
            self.lambda_amt = 5e-3
            self.batch_size = batch_size

        def get_off_diag(self, c):
            zero_diag = tf.zeros(c.shape[-1])
            return tf.linalg.set_diag(c, zero_diag)

        def cross_corr_matrix_loss(self, c):
            # subtracts diagonals by one and squares them(first part)
            c_diff = tf.pow(tf.linalg.diag_part(c) - 1, 2)

            # takes off diagonal, squares it, multiplies with lambda(second part)
            off_diag = tf.pow(self.get_off_diag(c), 2) * self.lambda_amt

            # sum first and second parts together
            loss = tf.reduce_sum(c_diff) + tf.reduce_sum(off_diag)

            return loss

        def normalize(self, output):
            return (output - tf.reduce_mean(output, axis=0)) / tf.math.reduce_std(output, axis=0)

        def cross_corr_matrix(self, z_a_norm, z_b_norm):
            return (tf.transpose(z_a_norm) @ z_b_norm) / self.batch_size

        def call(self, z_a, z_b):
            z_a_norm, z_b_norm = self.normalize(z_a), self.normalize(z_b)
            c = self.cross_corr_matrix(z_a_norm, z_b_norm)
            loss = self.cross_corr_matrix_loss(c)
            return loss

    class ResNet34:
        def identity_block(self, x, filter):
            # copy tensor to variable called x_skip
            x_skip = x
            # Layer 1
            x = keras.layers.Conv2D(filter, (3, 3), padding="same")(x)
            x = keras.layers.BatchNormalization(axis=3)(x)
            x = keras.layers.Activation("relu")(x)
            # Layer 2
            x = keras.layers.Conv2D(filter, (3, 3), padding="same")(x)
            x = keras.layers.BatchNormalization(axis=3)(x)
            # Add Residue
            x = keras.layers.Add()([x, x_skip])
            x = keras.layers.Activation("relu")(x)
            return x

        def convolutional_block(self, x, filter):
            # copy tensor to variable called x_skip
            x_skip = x
            # Layer 1
            x = keras.layers.Conv2D(filter, (3, 3), padding="same", strides=(2, 2))(x)
            x = keras.layers.BatchNormalization(axis=3)(x)
            x = keras.layers.Activation("relu")(x)
            # Layer 2
            x = keras.layers.Conv2D(filter, (3, 3), padding="same")(x)
            x = keras.layers.BatchNormalization(axis=3)(x)
            # Processing Residue with conv(1,1)
            x_skip = keras.layers.Conv2D(filter, (1, 1), strides=(2, 2))(x_skip)
            # Add Residue
            x = keras.layers.Add()([x, x_skip])
            x = keras.layers.Activation("relu")(x)
            return x

        def __call__(self, shape=(32, 32, 3)):
            # Step 1 (Setup Input Layer)
            x_input = keras.layers.Input(shape)
            x = keras.layers.ZeroPadding2D((3, 3))(x_input)
            # Step 2 (Initial Conv layer along with maxPool)
            x = keras.layers.Conv2D(4, kernel_size=7, strides=2, padding="same")(x)  # (64)
            x = keras.layers.BatchNormalization()(x)
            x = keras.layers.Activation("relu")(x)
            x = keras.layers.MaxPool2D(pool_size=3, strides=2, padding="same")(x)
            # Define size of sub-blocks and initial filter size
            block_layers = [1, 1]  # ([3, 4, 6, 3])
            filter_size = 4  # (64)
            # Step 3 Add the Resnet Blocks
            for i in range(2):  # (4)
                if i == 0:
                    # For sub-block 1 Residual/Convolutional block not needed
                    for j in range(block_layers[i]):
                        x = self.identity_block(x, filter_size)
                else:
                    # One Residual/Convolutional Block followed by Identity blocks
                    # The filter size will go on increasing by a factor of 2
                    filter_size = filter_size * 2
                    x = self.convolutional_block(x, filter_size)
                    for j in range(block_layers[i] - 1):
                        x = self.identity_block(x, filter_size)
            # Step 4 End Dense Network
            x = keras.layers.AveragePooling2D((2, 2), padding="same")(x)
            x = keras.layers.Flatten()(x)
            model = keras.models.Model(inputs=x_input, outputs=x, name="ResNet34")
            return model

    def build_twin():
        # number of dense neurons in the projector
        n_dense_neurons = 6  # (5000)

        # encoder network
        resnet = ResNet34()((IMAGE_SIZE, IMAGE_SIZE, 3))  # (its default (32, 32, 3))
        last_layer = resnet.layers[-1].output

        # intermediate layers of the projector network
        n_layers = 2
        for i in range(n_layers):
            dense = keras.layers.Dense(n_dense_neurons, name=f"projector_dense_{i}")
            if i == 0:
                x = dense(last_layer)
            else:
                x = dense(x)
            x = keras.layers.BatchNormalization(name=f"projector_bn_{i}")(x)
            x = keras.layers.ReLU(name=f"projector_relu_{i}")(x)

        x = keras.layers.Dense(n_dense_neurons, name=f"projector_dense_{n_layers}")(x)

        model = keras.Model(resnet.input, x)
        _init(model, seed=3)  # (added: weights from a fixed RNG)
        return model

    class BarlowModel(keras.Model):
        def __init__(self):
            super(BarlowModel, self).__init__()
            self.model = build_twin()
            self.loss_tracker = keras.metrics.Mean(name="loss")

        @property
        def metrics(self):
            return [self.loss_tracker]

        def train_step(self, batch):
            # get the two augmentations from the batch
            y_a, y_b = batch

            with tf.GradientTape() as tape:
                # get two versions of predictions
                z_a, z_b = self.model(y_a, training=True), self.model(y_b, training=True)
                loss = self.loss(z_a, z_b)

            grads_model = tape.gradient(loss, self.model.trainable_variables)

            self.optimizer.apply_gradients(zip(grads_model, self.model.trainable_variables))
            self.loss_tracker.update_state(loss)

            return {"loss": self.loss_tracker.result()}

    bm = BarlowModel()
    optimizer = keras.optimizers.Lamb(learning_rate=0.01)  # (tfa.optimizers.LAMB())
    loss = BarlowLoss(BATCH_SIZE)

    bm.compile(optimizer=optimizer, loss=loss)

    history = bm.fit(augment_versions, epochs=2, shuffle=False, verbose=0)  # (160)
    result = {"history": _hist(history)}
    result["weight_sums"] = [_f(np.sum(w), 4) for w in bm.model.get_weights()]
    z = bm.model.predict(train_features[:4], verbose=0)
    result["z"] = _f(z)
    result["loss"] = round(float(loss(z, z[::-1])), 5)
    return result


# ---- a Loss overriding __call__ (the supervised contrastive loss's form), in brief -------


@scenario
def loss_overriding_dunder_call(keras):
    """A Loss subclass whose own `__call__` takes labels against embeddings of another
    shape (and sample weights), trained, evaluated and called under a tape."""
    ops = keras.ops

    class CenterLoss(keras.losses.Loss):
        def __call__(self, labels, feature_vectors, sample_weight=None):
            labels = ops.cast(ops.squeeze(labels), "float32")
            norms = ops.sqrt(ops.sum(ops.square(feature_vectors), axis=1))
            values = ops.square(norms - labels)
            if sample_weight is not None:
                values = values * ops.squeeze(sample_weight)
            return ops.mean(values) + 0.1 * ops.mean(ops.abs(feature_vectors))

    rng = np.random.default_rng(0)
    x = rng.normal(size=(12, 3)).astype("float32")
    y = rng.integers(0, 3, (12, 1))
    w = rng.uniform(0.5, 1.5, 12).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh")])
    _init(model, seed=1)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss=CenterLoss())
    history = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    result = {"history": _hist(history)}
    history = model.fit(x, y, sample_weight=w, batch_size=6, epochs=1, shuffle=False, verbose=0)
    result["weighted"] = _hist(history)
    result["evaluate"] = _f(model.evaluate(x, y, batch_size=12, verbose=0))
    result["kernel"] = _f(keras.ops.convert_to_numpy(model.weights[0]))

    class Doubled(keras.losses.MeanSquaredError):  # (a built-in's, through super())
        def __call__(self, y_true, y_pred, sample_weight=None):
            return 2.0 * super().__call__(y_true, y_pred, sample_weight)

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    _init(model, seed=2)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss=Doubled())
    targets = rng.normal(size=(12, 2)).astype("float32")
    history = model.fit(x, targets, batch_size=4, epochs=2, shuffle=False, verbose=0)
    result["doubled"] = _hist(history)
    result["doubled_evaluate"] = _f(model.evaluate(x, targets, verbose=0))
    return result


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

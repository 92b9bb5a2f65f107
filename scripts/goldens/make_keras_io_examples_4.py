"""Goldens for tests/examples/test_keras_io_examples_4.py: yet more keras.io code examples
(keras-team/keras-io, examples/), Keras 3 versions, not covered by make_keras_io_examples.py,
make_keras_io_examples_3.py or make_keras_io_guides.py, each as a Keras 3 user runs it: the
model and training code as written, the imports aside, at a reduced size and on synthetic
NumPy data of the dataset's shapes and dtypes (in place of downloads and tf.data), with
the trainable weights drawn from a fixed RNG after building, dropout rates set to 0 and
random augmentation left out (the only changes, each noted where it is made), so that
predictions, `fit`'s History, `evaluate`, `summary()` and configs can be compared.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the
test) returning JSON-able values.

Run (Keras 3.15.1 on JAX, then on torch for the scenarios with their own train_step;
optionally only the scenarios named):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_keras_io_examples_4.py
    KERAS_BACKEND=torch /work/kenv/bin/python scripts/goldens/make_keras_io_examples_4.py
"""

# (the examples' code as written: its unused settings and loop names kept)
# ruff: noqa: F841, B007, B008, UP032

from __future__ import annotations

import os
import pathlib
import sys
import tempfile

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, scenario_script  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "keras_io_examples_4.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario
# (its goldens come from Keras's torch backend: its train_step takes gradients)
torch_scenario = SCENARIOS.scenario_on("torch")

# the helpers of the third set: summary lines, weights drawn from one RNG, rounding,
# History, synthetic images
_THIRD = scenario_script("make_keras_io_examples_3")
_summary, _init, _f, _hist, _images = (
    _THIRD._summary,
    _THIRD._init,
    _THIRD._f,
    _THIRD._hist,
    _THIRD._images,
)


def _grads(keras, loss_fn, weights):
    """`(loss, gradients)` of `loss_fn()` the way the backend takes them: numkeras's
    `GradientTape` (for the example's tf.GradientTape), torch's `backward()`."""
    if keras.__name__ == "numkeras":
        with keras.GradientTape() as tape:
            loss = loss_fn()
        return loss, tape.gradient(loss, weights)
    for w in weights:
        w.value.grad = None
    loss = loss_fn()
    loss.sum().backward()  # (tf.GradientTape differentiates a vector loss's sum)
    return loss, [w.value.grad for w in weights]


def _apply_gradients(keras, optimizer, grads_and_vars):
    if keras.__name__ == "numkeras":
        optimizer.apply_gradients(grads_and_vars)
        return
    import torch

    with torch.no_grad():
        optimizer.apply_gradients(grads_and_vars)


# ---- vision/super_resolution_sub_pixel.py (ESPCN: a DepthToSpace layer of ops) ----------


@scenario
def super_resolution_sub_pixel(keras):
    """ESPCN on any image size (`Input(shape=(None, None, 1))`): a layer reshaping by
    `ops.shape` of its input, a callback reading `logs["loss"]` at each test batch, a
    best-only weights checkpoint loaded back."""
    layers, ops = keras.layers, keras.ops
    import math

    crop_size = 12  # (300)
    upscale_factor = 3
    batch_size = 4
    # (BSDS500 through image_dataset_from_directory, scaled to [0, 1], the YUV y channel:
    # the target the crop, the input its "area" resize by upscale_factor)
    rng = np.random.default_rng(21)
    n = 20
    yy, xx = np.mgrid[0:crop_size, 0:crop_size] / crop_size
    waves = rng.uniform(0, 2, (n, 3))
    high = np.stack([0.5 + 0.4 * np.sin(2 * np.pi * (a * yy + b * xx) + c) for a, b, c in waves])
    high = high[..., None].astype("float32")
    low = high.reshape(n, 4, 3, 4, 3, 1).mean(axis=(2, 4))
    train_x, train_y, valid_x, valid_y = low[:16], high[:16], low[16:], high[16:]

    class DepthToSpace(layers.Layer):
        def __init__(self, block_size):
            super().__init__()
            self.block_size = block_size

        def call(self, input):
            batch, height, width, depth = ops.shape(input)
            depth = depth // (self.block_size**2)

            x = ops.reshape(input, [batch, height, width, self.block_size, self.block_size, depth])
            x = ops.transpose(x, [0, 1, 3, 2, 4, 5])
            x = ops.reshape(x, [batch, height * self.block_size, width * self.block_size, depth])
            return x

    def get_model(upscale_factor=3, channels=1):
        conv_args = {
            "activation": "relu",
            "kernel_initializer": "orthogonal",
            "padding": "same",
        }
        inputs = keras.Input(shape=(None, None, channels))
        x = layers.Conv2D(8, 5, **conv_args)(inputs)  # (64)
        x = layers.Conv2D(8, 3, **conv_args)(x)  # (64)
        x = layers.Conv2D(4, 3, **conv_args)(x)  # (32)
        x = layers.Conv2D(channels * (upscale_factor**2), 3, **conv_args)(x)
        outputs = DepthToSpace(upscale_factor)(x)

        return keras.Model(inputs, outputs)

    psnr_log = []

    class ESPCNCallback(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()

        # Store PSNR value in each epoch.
        def on_epoch_begin(self, epoch, logs=None):
            self.psnr = []

        def on_epoch_end(self, epoch, logs=None):
            psnr_log.append(np.mean(self.psnr))  # (printed, and a test image plotted)

        def on_test_batch_end(self, batch, logs=None):
            self.psnr.append(10 * math.log10(1 / logs["loss"]))

    early_stopping_callback = keras.callbacks.EarlyStopping(monitor="loss", patience=10)

    checkpoint_filepath = os.path.join(tempfile.mkdtemp(), "checkpoint.weights.h5")

    model_checkpoint_callback = keras.callbacks.ModelCheckpoint(
        filepath=checkpoint_filepath,
        save_weights_only=True,
        monitor="loss",
        mode="min",
        save_best_only=True,
    )

    model = get_model(upscale_factor=upscale_factor, channels=1)
    _init(model)
    out = {"summary": _summary(model)}

    callbacks = [ESPCNCallback(), early_stopping_callback, model_checkpoint_callback]
    loss_fn = keras.losses.MeanSquaredError()
    optimizer = keras.optimizers.Adam(learning_rate=0.001)

    epochs = 3  # (100)

    model.compile(optimizer=optimizer, loss=loss_fn)

    history = model.fit(
        train_x,
        train_y,
        batch_size=batch_size,
        epochs=epochs,
        callbacks=callbacks,
        validation_data=(valid_x, valid_y),
        shuffle=False,  # (added: Keras's shuffling order cannot be reproduced)
        verbose=0,
    )
    out["history"] = _hist(history)
    out["psnr"] = _f(psnr_log)

    # The model weights (that are considered the best) are loaded into the model.
    model.load_weights(checkpoint_filepath)
    out["predict"] = _f(model.predict(valid_x[:1], verbose=0)[0, :4, :4, 0])
    # (upscale_image: any size, here a 5x7 low-resolution image)
    upscaled = model.predict(rng.uniform(0, 1, (1, 5, 7, 1)).astype("float32"), verbose=0)
    out["upscaled_shape"] = list(upscaled.shape)
    out["upscaled"] = _f(upscaled[0, :3, :6, 0])
    return out


# ---- vision/deeplabv3_plus.py (Keras 3: ops.nn.relu in convolution_block) ---------------


@scenario
def deeplabv3_plus(keras):
    """DeepLabV3+: dilated spatial pyramid pooling (atrous convolutions, an image-sized
    AveragePooling2D, bilinear UpSampling2D), `ops.nn.relu` on symbolic tensors, a
    per-pixel SparseCategoricalCrossentropy(from_logits=True). keras.applications.ResNet50
    (ImageNet weights) is replaced by a small stand-in whose layers of the two names the
    example takes give features at 1/4 and 1/16 of the image."""
    layers, ops = keras.layers, keras.ops
    IMAGE_SIZE = 32  # (512)
    BATCH_SIZE = 4
    NUM_CLASSES = 4  # (20)

    # (the CIHP images and category masks through tf.data: images in [-1, 1], masks
    # (IMAGE_SIZE, IMAGE_SIZE, 1) float class ids)
    rng = np.random.default_rng(22)
    n = 16
    yy, xx = np.mgrid[0:IMAGE_SIZE, 0:IMAGE_SIZE]
    masks = np.zeros((n, IMAGE_SIZE, IMAGE_SIZE, 1), "float32")
    images = rng.normal(0, 0.3, (n, IMAGE_SIZE, IMAGE_SIZE, 3))
    for i in range(n):
        for c in range(1, NUM_CLASSES):
            cy, cx, r = rng.uniform(6, 26), rng.uniform(6, 26), rng.uniform(3, 8)
            blob = (yy - cy) ** 2 + (xx - cx) ** 2 < r**2
            masks[i, blob, 0] = c
            images[i, blob] += np.array([c % 2, c // 2, 1 - c / 3]) - 0.5
    images = np.clip(images, -1, 1).astype("float32")
    train_x, train_y, val_x, val_y = images[:12], masks[:12], images[12:], masks[12:]

    def convolution_block(
        block_input,
        num_filters=8,  # (256)
        kernel_size=3,
        dilation_rate=1,
        use_bias=False,
    ):
        x = layers.Conv2D(
            num_filters,
            kernel_size=kernel_size,
            dilation_rate=dilation_rate,
            padding="same",
            use_bias=use_bias,
            kernel_initializer=keras.initializers.HeNormal(),
        )(block_input)
        x = layers.BatchNormalization()(x)
        return ops.nn.relu(x)

    def DilatedSpatialPyramidPooling(dspp_input):
        dims = dspp_input.shape
        x = layers.AveragePooling2D(pool_size=(dims[-3], dims[-2]))(dspp_input)
        x = convolution_block(x, kernel_size=1, use_bias=True)
        out_pool = layers.UpSampling2D(
            size=(dims[-3] // x.shape[1], dims[-2] // x.shape[2]),
            interpolation="bilinear",
        )(x)

        out_1 = convolution_block(dspp_input, kernel_size=1, dilation_rate=1)
        out_6 = convolution_block(dspp_input, kernel_size=3, dilation_rate=6)
        out_12 = convolution_block(dspp_input, kernel_size=3, dilation_rate=12)
        out_18 = convolution_block(dspp_input, kernel_size=3, dilation_rate=18)

        x = layers.Concatenate(axis=-1)([out_pool, out_1, out_6, out_12, out_18])
        output = convolution_block(x, kernel_size=1)
        return output

    def ResNet50(input_tensor):
        """(the stand-in for keras.applications.ResNet50(weights="imagenet",
        include_top=False, input_tensor=model_input))"""
        x = layers.Conv2D(4, 3, strides=2, padding="same", activation="relu")(input_tensor)
        x = layers.Conv2D(
            4, 3, strides=2, padding="same", activation="relu", name="conv2_block3_2_relu"
        )(x)
        x = layers.Conv2D(8, 3, strides=2, padding="same", activation="relu")(x)
        x = layers.Conv2D(
            8, 3, strides=2, padding="same", activation="relu", name="conv4_block6_2_relu"
        )(x)
        return keras.Model(input_tensor, x, name="resnet50")

    def DeeplabV3Plus(image_size, num_classes):
        model_input = keras.Input(shape=(image_size, image_size, 3))
        preprocessed = model_input  # (keras.applications.resnet50.preprocess_input)
        resnet50 = ResNet50(input_tensor=preprocessed)
        x = resnet50.get_layer("conv4_block6_2_relu").output
        x = DilatedSpatialPyramidPooling(x)

        input_a = layers.UpSampling2D(
            size=(image_size // 4 // x.shape[1], image_size // 4 // x.shape[2]),
            interpolation="bilinear",
        )(x)
        input_b = resnet50.get_layer("conv2_block3_2_relu").output
        input_b = convolution_block(input_b, num_filters=4, kernel_size=1)  # (48)

        x = layers.Concatenate(axis=-1)([input_a, input_b])
        x = convolution_block(x)
        x = convolution_block(x)
        x = layers.UpSampling2D(
            size=(image_size // x.shape[1], image_size // x.shape[2]),
            interpolation="bilinear",
        )(x)
        model_output = layers.Conv2D(num_classes, kernel_size=(1, 1), padding="same")(x)
        return keras.Model(inputs=model_input, outputs=model_output)

    model = DeeplabV3Plus(image_size=IMAGE_SIZE, num_classes=NUM_CLASSES)
    _init(model)
    out = {"summary": _summary(model)}

    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.001),
        loss=loss,
        metrics=["accuracy"],
    )

    history = model.fit(
        train_x,
        train_y,
        batch_size=BATCH_SIZE,
        validation_data=(val_x, val_y),
        epochs=2,  # (25)
        shuffle=False,  # (added: Keras's shuffling order cannot be reproduced)
        verbose=0,
    )
    out["history"] = _hist(history)

    def infer(model, image_tensor):
        predictions = model.predict(np.expand_dims((image_tensor), axis=0), verbose=0)
        predictions = np.squeeze(predictions)
        predictions = np.argmax(predictions, axis=2)
        return predictions

    prediction_mask = infer(image_tensor=val_x[0], model=model)
    out["mask_counts"] = np.bincount(prediction_mask.ravel(), minlength=NUM_CLASSES).tolist()
    out["logits"] = _f(model.predict(val_x[:1], verbose=0)[0, 10:13, 10:13])
    return out


# ---- audio/speaker_recognition_using_cnn.py (FFT features, a residual Conv1D network) ---


@scenario
def speaker_recognition(keras):
    """Speaker recognition from FFT magnitudes: Conv1D residual blocks, MaxPool1D,
    AveragePooling1D, an EarlyStopping restoring its best weights and a best-only
    `.keras` checkpoint loaded back with load_model. The example's `audio_to_fft` with
    keras.ops (its `tf.signal.fft` on a complex tensor: `ops.fft` on (real, imag))."""
    ops = keras.ops
    SAMPLING_RATE = 256  # (16000)
    SCALE = 0.5
    BATCH_SIZE = 8  # (128)
    EPOCHS = 3  # (100)
    num_speakers = 5

    # (the 1-second WAV files of 5 speakers and the background-noise chunks: a
    # speaker-dependent mix of tones)
    rng = np.random.default_rng(23)
    t = np.arange(SAMPLING_RATE) / SAMPLING_RATE
    n = 40
    labels = rng.integers(0, num_speakers, n)
    audio = np.stack(
        [
            np.sin(2 * np.pi * (12 + 9 * label) * t + rng.uniform(0, 6))
            + 0.5 * np.sin(2 * np.pi * (40 + 5 * label) * t)
            for label in labels
        ]
    )[..., None].astype("float32")
    noises = rng.normal(0, 0.3, (6, SAMPLING_RATE, 1)).astype("float32")

    def add_noise(audio, noises=None, scale=0.5):
        if noises is not None:
            # (the random choice of noise from NumPy, in place of tf.random.uniform)
            noise = noises[rng.integers(0, noises.shape[0], audio.shape[0])]
            prop = np.max(audio, axis=1) / np.max(noise, axis=1)
            prop = np.repeat(np.expand_dims(prop, axis=1), audio.shape[1], axis=1)
            audio = audio + noise * prop * scale
        return audio

    def audio_to_fft(audio):
        audio = ops.squeeze(audio, axis=-1)
        real, imag = ops.fft((audio, ops.zeros_like(audio)))
        fft = ops.expand_dims(ops.sqrt(ops.square(real) + ops.square(imag)), axis=-1)
        # Return the absolute value of the first half of the FFT
        # which represents the positive frequencies
        return fft[:, : (audio.shape[1] // 2), :]

    train_x = ops.convert_to_numpy(audio_to_fft(add_noise(audio[:32], noises, scale=SCALE)))
    valid_x = ops.convert_to_numpy(audio_to_fft(audio[32:]))
    train_y, valid_y = labels[:32], labels[32:]

    def residual_block(x, filters, conv_num=3, activation="relu"):
        # Shortcut
        s = keras.layers.Conv1D(filters, 1, padding="same")(x)
        for i in range(conv_num - 1):
            x = keras.layers.Conv1D(filters, 3, padding="same")(x)
            x = keras.layers.Activation(activation)(x)
        x = keras.layers.Conv1D(filters, 3, padding="same")(x)
        x = keras.layers.Add()([x, s])
        x = keras.layers.Activation(activation)(x)
        return keras.layers.MaxPool1D(pool_size=2, strides=2)(x)

    def build_model(input_shape, num_classes):
        inputs = keras.layers.Input(shape=input_shape, name="input")

        x = residual_block(inputs, 4, 2)  # (16)
        x = residual_block(x, 4, 2)  # (32)
        x = residual_block(x, 8, 3)  # (64)
        x = residual_block(x, 8, 3)  # (128)
        x = residual_block(x, 8, 3)  # (128)

        x = keras.layers.AveragePooling1D(pool_size=3, strides=3)(x)
        x = keras.layers.Flatten()(x)
        x = keras.layers.Dense(16, activation="relu")(x)  # (256)
        x = keras.layers.Dense(8, activation="relu")(x)  # (128)

        outputs = keras.layers.Dense(num_classes, activation="softmax", name="output")(x)

        return keras.models.Model(inputs=inputs, outputs=outputs)

    model = build_model((SAMPLING_RATE // 2, 1), num_speakers)
    _init(model)
    out = {"summary": _summary(model)}

    # Compile the model using Adam's default learning rate
    model.compile(optimizer="Adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])

    model_save_filename = os.path.join(tempfile.mkdtemp(), "model.keras")

    earlystopping_cb = keras.callbacks.EarlyStopping(patience=10, restore_best_weights=True)
    mdlcheckpoint_cb = keras.callbacks.ModelCheckpoint(
        model_save_filename, monitor="val_accuracy", save_best_only=True
    )

    history = model.fit(
        train_x,
        train_y,
        batch_size=BATCH_SIZE,
        epochs=EPOCHS,
        validation_data=(valid_x, valid_y),
        callbacks=[earlystopping_cb, mdlcheckpoint_cb],
        shuffle=False,  # (added: Keras's shuffling order cannot be reproduced)
        verbose=0,
    )
    out["history"] = _hist(history)
    out["evaluate"] = _f(model.evaluate(valid_x, valid_y, verbose=0))
    y_pred = model.predict(valid_x, verbose=0)
    out["predict"] = _f(y_pred[:3])
    out["argmax"] = np.argmax(y_pred, axis=-1).tolist()
    out["features"] = _f(train_x[0, :6, 0], 4)
    best = keras.models.load_model(model_save_filename)
    out["checkpoint_predict"] = _f(best.predict(valid_x[:2], verbose=0))
    return out


# ---- generative/vq_vae.py (a layer's add_loss and stop_gradient; its own train_step) -----


@torch_scenario
def vq_vae(keras):
    """VQ-VAE: a VectorQuantizer layer holding a Variable (the example's tf.Variable:
    keras.Variable), quantizing with argmin / one_hot, adding its codebook loss with
    add_loss and passing gradients straight through with stop_gradient; a trainer model
    with `metrics` and a train_step summing `self.vqvae.losses`. The example's TensorFlow
    ops written with keras.ops, its tf.GradientTape numkeras's (torch's backward() for the
    goldens)."""
    layers, ops = keras.layers, keras.ops

    class VectorQuantizer(layers.Layer):
        def __init__(self, num_embeddings, embedding_dim, beta=0.25, **kwargs):
            super().__init__(**kwargs)
            self.embedding_dim = embedding_dim
            self.num_embeddings = num_embeddings

            # The `beta` parameter is best kept between [0.25, 2] as per the paper.
            self.beta = beta

            # Initialize the embeddings which we will quantize.
            w_init = keras.initializers.RandomUniform()
            self.embeddings = keras.Variable(
                initializer=w_init(
                    shape=(self.embedding_dim, self.num_embeddings), dtype="float32"
                ),
                trainable=True,
                name="embeddings_vqvae",
            )

        def call(self, x):
            # Calculate the input shape of the inputs and
            # then flatten the inputs keeping `embedding_dim` intact.
            input_shape = ops.shape(x)
            flattened = ops.reshape(x, [-1, self.embedding_dim])

            # Quantization.
            encoding_indices = self.get_code_indices(flattened)
            encodings = ops.one_hot(encoding_indices, self.num_embeddings)
            quantized = ops.matmul(encodings, ops.transpose(self.embeddings))

            # Reshape the quantized values back to the original input shape
            quantized = ops.reshape(quantized, input_shape)

            # Calculate vector quantization loss and add that to the layer.
            commitment_loss = self.beta * ops.mean((ops.stop_gradient(quantized) - x) ** 2)
            codebook_loss = ops.mean((quantized - ops.stop_gradient(x)) ** 2)
            self.add_loss(commitment_loss + codebook_loss)

            # Straight-through estimator.
            quantized = x + ops.stop_gradient(quantized - x)
            return quantized

        def get_code_indices(self, flattened_inputs):
            # Calculate L2-normalized distance between the inputs and the codes.
            similarity = ops.matmul(flattened_inputs, self.embeddings)
            distances = (
                ops.sum(flattened_inputs**2, axis=1, keepdims=True)
                + ops.sum(self.embeddings**2, axis=0)
                - 2 * similarity
            )

            # Derive the indices for minimum distances.
            encoding_indices = ops.argmin(distances, axis=1)
            return encoding_indices

    def get_encoder(latent_dim=16):
        encoder_inputs = keras.Input(shape=(16, 16, 1))  # (28, 28, 1)
        x = layers.Conv2D(4, 3, activation="relu", strides=2, padding="same")(  # (32)
            encoder_inputs
        )
        x = layers.Conv2D(8, 3, activation="relu", strides=2, padding="same")(x)  # (64)
        encoder_outputs = layers.Conv2D(latent_dim, 1, padding="same")(x)
        return keras.Model(encoder_inputs, encoder_outputs, name="encoder")

    def get_decoder(latent_dim=16):
        latent_inputs = keras.Input(shape=get_encoder(latent_dim).output.shape[1:])
        x = layers.Conv2DTranspose(8, 3, activation="relu", strides=2, padding="same")(  # (64)
            latent_inputs
        )
        x = layers.Conv2DTranspose(4, 3, activation="relu", strides=2, padding="same")(x)  # (32)
        decoder_outputs = layers.Conv2DTranspose(1, 3, padding="same")(x)
        return keras.Model(latent_inputs, decoder_outputs, name="decoder")

    def get_vqvae(latent_dim=16, num_embeddings=64):
        vq_layer = VectorQuantizer(num_embeddings, latent_dim, name="vector_quantizer")
        encoder = get_encoder(latent_dim)
        decoder = get_decoder(latent_dim)
        inputs = keras.Input(shape=(16, 16, 1))  # (28, 28, 1)
        encoder_outputs = encoder(inputs)
        quantized_latents = vq_layer(encoder_outputs)
        reconstructions = decoder(quantized_latents)
        return keras.Model(inputs, reconstructions, name="vq_vae")

    class VQVAETrainer(keras.models.Model):
        def __init__(self, train_variance, latent_dim=32, num_embeddings=128, **kwargs):
            super().__init__(**kwargs)
            self.train_variance = train_variance
            self.latent_dim = latent_dim
            self.num_embeddings = num_embeddings

            self.vqvae = get_vqvae(self.latent_dim, self.num_embeddings)

            self.total_loss_tracker = keras.metrics.Mean(name="total_loss")
            self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
            self.vq_loss_tracker = keras.metrics.Mean(name="vq_loss")

        def call(self, x):  # (added: Keras 3.15 on torch cannot fit a model without one)
            return self.vqvae(x)

        @property
        def metrics(self):
            return [
                self.total_loss_tracker,
                self.reconstruction_loss_tracker,
                self.vq_loss_tracker,
            ]

        def train_step(self, x):
            state = {}

            def loss_fn():
                # Outputs from the VQ-VAE.
                reconstructions = self.vqvae(x)

                # Calculate the losses.
                state["reconstruction_loss"] = (
                    ops.mean((x - reconstructions) ** 2) / self.train_variance
                )
                return state["reconstruction_loss"] + sum(self.vqvae.losses)

            # Backpropagation.
            total_loss, grads = _grads(keras, loss_fn, self.vqvae.trainable_variables)
            _apply_gradients(keras, self.optimizer, zip(grads, self.vqvae.trainable_variables))

            # Loss tracking.
            self.total_loss_tracker.update_state(total_loss)
            self.reconstruction_loss_tracker.update_state(state["reconstruction_loss"])
            self.vq_loss_tracker.update_state(sum(self.vqvae.losses))

            # Log results.
            return {
                "loss": self.total_loss_tracker.result(),
                "reconstruction_loss": self.reconstruction_loss_tracker.result(),
                "vqvae_loss": self.vq_loss_tracker.result(),
            }

    # (keras.datasets.mnist.load_data(): 16x16 digits-like images here)
    rng = np.random.default_rng(24)
    yy, xx = np.mgrid[0:16, 0:16]
    centres = rng.uniform(4, 12, (40, 2))
    x_all = np.stack([np.exp(-((yy - a) ** 2 + (xx - b) ** 2) / 6.0) for a, b in centres])
    x_all = np.clip(x_all * 255 + rng.normal(0, 10, x_all.shape), 0, 255).astype("uint8")
    x_train, x_test = x_all[:32], x_all[32:]

    x_train = np.expand_dims(x_train, -1)
    x_test = np.expand_dims(x_test, -1)
    x_train_scaled = (x_train / 255.0) - 0.5
    x_test_scaled = (x_test / 255.0) - 0.5

    data_variance = np.var(x_train / 255.0)

    vqvae_trainer = VQVAETrainer(data_variance, latent_dim=4, num_embeddings=8)  # (16, 128)
    _init(vqvae_trainer.vqvae)
    out = {"summary": _summary(vqvae_trainer.vqvae)}
    out["weights"] = [w.path for w in vqvae_trainer.vqvae.trainable_weights]
    vqvae_trainer.compile(optimizer=keras.optimizers.Adam())
    history = vqvae_trainer.fit(
        x_train_scaled.astype("float32"),
        epochs=3,  # (30)
        batch_size=8,  # (128)
        shuffle=False,  # (added: Keras's shuffling order cannot be reproduced)
        verbose=0,
    )
    out["history"] = _hist(history)

    trained_vqvae_model = vqvae_trainer.vqvae
    test_images = x_test_scaled[:4].astype("float32")  # (10 drawn at random)
    reconstructions_test = trained_vqvae_model.predict(test_images, verbose=0)
    out["reconstructions"] = _f(reconstructions_test[0, 4:8, 4:8, 0])

    encoder = vqvae_trainer.vqvae.get_layer("encoder")
    quantizer = vqvae_trainer.vqvae.get_layer("vector_quantizer")

    encoded_outputs = encoder.predict(test_images, verbose=0)
    flat_enc_outputs = encoded_outputs.reshape(-1, encoded_outputs.shape[-1])
    codebook_indices = quantizer.get_code_indices(flat_enc_outputs)
    # (the example's `.numpy()`, a TensorFlow tensor's)
    codebook_indices = ops.convert_to_numpy(codebook_indices).reshape(encoded_outputs.shape[:-1])
    out["codes"] = codebook_indices.tolist()
    out["codebook"] = _f(ops.convert_to_numpy(quantizer.embeddings)[:, :3])
    return out


# ---- structured_data/imbalanced_classification.py (class weights, confusion counts) ------


@scenario
def imbalanced_classification(keras):
    """Credit-card fraud: a 1-in-10 positive class weighted by `class_weight`, the four
    confusion-count metrics with Precision and Recall, a checkpoint each epoch (a
    `{epoch}` file name) loaded back."""
    # (creditcard.csv: 30 float features, the last column the 0/1 class)
    rng = np.random.default_rng(25)
    n = 160
    all_targets = (rng.uniform(size=(n, 1)) < 0.12).astype("int64")
    all_features = rng.normal(size=(n, 30)) * rng.uniform(0.5, 50, 30)
    all_features[:, :4] += all_features[:, :4].std(axis=0) * all_targets * 1.5
    all_features = all_features.astype("float32")

    num_val_samples = int(len(all_features) * 0.2)
    train_features = all_features[:-num_val_samples]
    train_targets = all_targets[:-num_val_samples]
    val_features = all_features[-num_val_samples:]
    val_targets = all_targets[-num_val_samples:]

    counts = np.bincount(train_targets[:, 0])
    weight_for_0 = 1.0 / counts[0]
    weight_for_1 = 1.0 / counts[1]

    mean = np.mean(train_features, axis=0)
    train_features -= mean
    val_features -= mean
    std = np.std(train_features, axis=0)
    train_features /= std
    val_features /= std

    model = keras.Sequential(
        [
            keras.Input(shape=train_features.shape[1:]),
            keras.layers.Dense(16, activation="relu"),  # (256)
            keras.layers.Dense(16, activation="relu"),  # (256)
            keras.layers.Dropout(0.0),  # (0.3)
            keras.layers.Dense(16, activation="relu"),  # (256)
            keras.layers.Dropout(0.0),  # (0.3)
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    _init(model)
    out = {"summary": _summary(model), "counts": counts.tolist()}

    metrics = [
        keras.metrics.FalseNegatives(name="fn"),
        keras.metrics.FalsePositives(name="fp"),
        keras.metrics.TrueNegatives(name="tn"),
        keras.metrics.TruePositives(name="tp"),
        keras.metrics.Precision(name="precision"),
        keras.metrics.Recall(name="recall"),
    ]

    model.compile(
        optimizer=keras.optimizers.Adam(1e-2), loss="binary_crossentropy", metrics=metrics
    )

    folder = tempfile.mkdtemp()
    callbacks = [
        keras.callbacks.ModelCheckpoint(os.path.join(folder, "fraud_model_at_epoch_{epoch}.keras"))
    ]
    class_weight = {0: weight_for_0, 1: weight_for_1}

    history = model.fit(
        train_features,
        train_targets,
        batch_size=32,  # (2048)
        epochs=3,  # (30)
        verbose=0,
        callbacks=callbacks,
        validation_data=(val_features, val_targets),
        class_weight=class_weight,
        shuffle=False,  # (added: Keras's shuffling order cannot be reproduced)
    )
    out["history"] = _hist(history)
    out["files"] = sorted(os.listdir(folder))
    first = keras.models.load_model(os.path.join(folder, "fraud_model_at_epoch_1.keras"))
    out["epoch_1_predict"] = _f(first.predict(val_features[:4], verbose=0))
    out["evaluate"] = _f(model.evaluate(val_features, val_targets, verbose=0))
    return out


# ---- nlp/text_classification_with_switch_transformer.py (Keras 3: keras.ops) -------------


@scenario
def switch_transformer(keras):
    """A Switch Transformer: a Router (Dense set before `super().__init__()`) routing
    tokens with top_k / one_hot / cumsum and adding a load-balancing loss, a Switch layer
    dispatching them to expert Sequentials with einsum / unstack / stack over a fixed
    number of tokens a batch, inside a TransformerBlock passing `training` to its Dropouts."""
    layers, ops = keras.layers, keras.ops
    vocab_size = 50  # Only consider the top 20k words (50 here)
    num_tokens_per_example = 8  # Only consider the first 200 words of each movie review
    # (keras.datasets.imdb.load_data: ragged lists of word indices, labels 0/1)
    rng = np.random.default_rng(26)
    reviews = [list(rng.integers(1, vocab_size, rng.integers(4, 14))) for _ in range(48)]
    labels = np.array([int(np.mean(r) > vocab_size / 2) for r in reviews])
    x_train, y_train = reviews[:32], labels[:32]
    x_val, y_val = reviews[32:], labels[32:]
    x_train = keras.utils.pad_sequences(x_train, maxlen=num_tokens_per_example)
    x_val = keras.utils.pad_sequences(x_val, maxlen=num_tokens_per_example)

    embed_dim = 8  # Embedding size for each token. (32)
    num_heads = 2  # Number of attention heads
    ff_dim = 8  # Hidden layer size in feedforward network. (32)
    num_experts = 4  # Number of experts used in the Switch Transformer. (10)
    batch_size = 8  # Batch size. (50)
    learning_rate = 0.001  # Learning rate.
    dropout_rate = 0.0  # Dropout rate. (0.25)
    num_epochs = 2  # Number of epochs. (3)
    num_tokens_per_batch = batch_size * num_tokens_per_example  # Total number of tokens per batch.

    class TokenAndPositionEmbedding(layers.Layer):
        def __init__(self, maxlen, vocab_size, embed_dim):
            super().__init__()
            self.token_emb = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
            self.pos_emb = layers.Embedding(input_dim=maxlen, output_dim=embed_dim)

        def call(self, x):
            maxlen = ops.shape(x)[-1]
            positions = ops.arange(start=0, stop=maxlen, step=1)
            positions = self.pos_emb(positions)
            x = self.token_emb(x)
            return x + positions

    def create_feedforward_network(ff_dim, name=None):
        return keras.Sequential(
            [layers.Dense(ff_dim, activation="relu"), layers.Dense(ff_dim)], name=name
        )

    def load_balanced_loss(router_probs, expert_mask):
        # router_probs [tokens_per_batch, num_experts] is the probability assigned for
        # each expert per token. expert_mask [tokens_per_batch, num_experts] contains
        # the expert with the highest router probability in one−hot format.

        num_experts = ops.shape(expert_mask)[-1]
        # Get the fraction of tokens routed to each expert.
        # density is a vector of length num experts that sums to 1.
        density = ops.mean(expert_mask, axis=0)
        # Get fraction of probability mass assigned to each expert from the router
        # across all tokens. density_proxy is a vector of length num experts that sums to 1.
        density_proxy = ops.mean(router_probs, axis=0)
        # Want both vectors to have uniform allocation (1/num experts) across all
        # num_expert elements. The two vectors will be pushed towards uniform allocation
        # when the dot product is minimized.
        loss = ops.mean(density_proxy * density) * ops.cast((num_experts**2), "float32")
        return loss

    class Router(layers.Layer):
        def __init__(self, num_experts, expert_capacity):
            self.num_experts = num_experts
            self.route = layers.Dense(units=num_experts)
            self.expert_capacity = expert_capacity
            super().__init__()

        def call(self, inputs, training=False):
            # inputs shape: [tokens_per_batch, embed_dim]
            # router_logits shape: [tokens_per_batch, num_experts]
            router_logits = self.route(inputs)

            # (the exploration noise added when training, keras.random.uniform's, left out)
            # Probabilities for each token of what expert it should be sent to.
            router_probs = keras.activations.softmax(router_logits, axis=-1)
            # Get the top−1 expert for each token. expert_gate is the top−1 probability
            # from the router for each token. expert_index is what expert each token
            # is going to be routed to.
            expert_gate, expert_index = ops.top_k(router_probs, k=1)
            # expert_mask shape: [tokens_per_batch, num_experts]
            expert_mask = ops.one_hot(expert_index, self.num_experts)
            # Compute load balancing loss.
            aux_loss = load_balanced_loss(router_probs, expert_mask)
            self.add_loss(aux_loss)
            # Experts have a fixed capacity, ensure we do not exceed it. Construct
            # the batch indices, to each expert, with position in expert make sure that
            # not more that expert capacity examples can be routed to each expert.
            position_in_expert = ops.cast(ops.cumsum(expert_mask, axis=0) * expert_mask, "int32")
            # Keep only tokens that fit within expert capacity.
            expert_mask *= ops.cast(
                ops.less(ops.cast(position_in_expert, "int32"), self.expert_capacity),
                "float32",
            )
            expert_mask_flat = ops.sum(expert_mask, axis=-1)
            # Mask out the experts that have overflowed the expert capacity.
            expert_gate *= expert_mask_flat
            # Combine expert outputs and scaling with router probability.
            # combine_tensor shape: [tokens_per_batch, num_experts, expert_capacity]
            combined_tensor = ops.expand_dims(
                expert_gate
                * expert_mask_flat
                * ops.squeeze(ops.one_hot(expert_index, self.num_experts), 1),
                -1,
            ) * ops.squeeze(ops.one_hot(position_in_expert, self.expert_capacity), 1)
            # Create binary dispatch_tensor [tokens_per_batch, num_experts, expert_capacity]
            # that is 1 if the token gets routed to the corresponding expert.
            dispatch_tensor = ops.cast(combined_tensor, "float32")

            return dispatch_tensor, combined_tensor

    class Switch(layers.Layer):
        def __init__(self, num_experts, embed_dim, num_tokens_per_batch, capacity_factor=1):
            self.num_experts = num_experts
            self.embed_dim = embed_dim
            self.experts = [create_feedforward_network(embed_dim) for _ in range(num_experts)]

            self.expert_capacity = num_tokens_per_batch // self.num_experts
            self.router = Router(self.num_experts, self.expert_capacity)
            super().__init__()

        def call(self, inputs):
            batch_size = ops.shape(inputs)[0]
            num_tokens_per_example = ops.shape(inputs)[1]

            # inputs shape: [num_tokens_per_batch, embed_dim]
            inputs = ops.reshape(inputs, [num_tokens_per_batch, self.embed_dim])
            # dispatch_tensor shape: [expert_capacity, num_experts, tokens_per_batch]
            # combine_tensor shape: [tokens_per_batch, num_experts, expert_capacity]
            dispatch_tensor, combine_tensor = self.router(inputs)
            # expert_inputs shape: [num_experts, expert_capacity, embed_dim]
            expert_inputs = ops.einsum("ab,acd->cdb", inputs, dispatch_tensor)
            expert_inputs = ops.reshape(
                expert_inputs, [self.num_experts, self.expert_capacity, self.embed_dim]
            )
            # Dispatch to experts
            expert_input_list = ops.unstack(expert_inputs, axis=0)
            expert_output_list = [
                self.experts[idx](expert_input)
                for idx, expert_input in enumerate(expert_input_list)
            ]
            # expert_outputs shape: [expert_capacity, num_experts, embed_dim]
            expert_outputs = ops.stack(expert_output_list, axis=1)
            # expert_outputs_combined shape: [tokens_per_batch, embed_dim]
            expert_outputs_combined = ops.einsum("abc,xba->xc", expert_outputs, combine_tensor)
            # output shape: [batch_size, num_tokens_per_example, embed_dim]
            outputs = ops.reshape(
                expert_outputs_combined,
                [batch_size, num_tokens_per_example, self.embed_dim],
            )
            return outputs

    class TransformerBlock(layers.Layer):
        def __init__(self, embed_dim, num_heads, ffn, dropout_rate=0.1):
            super().__init__()
            self.att = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
            # The ffn can be either a standard feedforward network or a switch
            # layer with a Mixture of Experts.
            self.ffn = ffn
            self.layernorm1 = layers.LayerNormalization(epsilon=1e-6)
            self.layernorm2 = layers.LayerNormalization(epsilon=1e-6)
            self.dropout1 = layers.Dropout(dropout_rate)
            self.dropout2 = layers.Dropout(dropout_rate)

        def call(self, inputs, training=False):
            attn_output = self.att(inputs, inputs)
            attn_output = self.dropout1(attn_output, training=training)
            out1 = self.layernorm1(inputs + attn_output)
            ffn_output = self.ffn(out1)
            ffn_output = self.dropout2(ffn_output, training=training)
            return self.layernorm2(out1 + ffn_output)

    def create_classifier():
        switch = Switch(num_experts, embed_dim, num_tokens_per_batch)
        transformer_block = TransformerBlock(ff_dim, num_heads, switch, dropout_rate=0.0)  # (0.1)

        inputs = layers.Input(shape=(num_tokens_per_example,))
        embedding_layer = TokenAndPositionEmbedding(num_tokens_per_example, vocab_size, embed_dim)
        x = embedding_layer(inputs)
        x = transformer_block(x)
        x = layers.GlobalAveragePooling1D()(x)
        x = layers.Dropout(dropout_rate)(x)
        x = layers.Dense(ff_dim, activation="relu")(x)
        x = layers.Dropout(dropout_rate)(x)
        outputs = layers.Dense(2, activation="softmax")(x)

        classifier = keras.Model(inputs=inputs, outputs=outputs)
        return classifier

    def run_experiment(classifier):
        classifier.compile(
            optimizer=keras.optimizers.Adam(learning_rate),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        history = classifier.fit(
            x_train,
            y_train,
            batch_size=batch_size,
            epochs=num_epochs,
            validation_data=(x_val, y_val),
            shuffle=False,  # (added: Keras's shuffling order cannot be reproduced)
            verbose=0,
        )
        return history

    classifier = create_classifier()
    _init(classifier)
    out = {"summary": _summary(classifier)}
    history = run_experiment(classifier)
    out["history"] = _hist(history)
    out["predict"] = _f(classifier.predict(x_val[:8], batch_size=batch_size, verbose=0))
    out["losses"] = _f([ops.convert_to_numpy(loss) for loss in classifier.losses])
    out["n_weights"] = len(classifier.weights)
    return out


# ---- keras_recipes/memory_efficient_embeddings.py (quotient-remainder embeddings) --------


@scenario
def memory_efficient_embeddings(keras):
    """Quotient-remainder embeddings for MovieLens ratings: a QREmbedding layer indexing
    two small Embeddings with floor_divide / mod, `Input(shape=())` ids, a Dot of the two
    embeddings and `keras.activations.sigmoid(logits) * 5` on symbolic tensors, the RMSE
    metric. The example maps string ids to indices with StringLookup (TensorFlow only):
    here the ids are those indices."""
    layers, ops = keras.layers, keras.ops
    base_embedding_dim = 8  # (64)
    # (ratings.csv: user and movie ids with 0.5-5 ratings; the ids already indices)
    rng = np.random.default_rng(27)
    num_users, num_movies, n = 30, 40, 192
    user_ids = rng.integers(0, num_users, n).astype("int32")
    movie_ids = rng.integers(0, num_movies, n).astype("int32")
    taste = rng.normal(size=num_users)
    quality = rng.normal(size=num_movies)
    ratings = np.clip(np.round((3 + taste[user_ids] + quality[movie_ids]) * 2) / 2, 0.5, 5)
    ratings = ratings.astype("float32")
    train = ({"user_id": user_ids[:160], "movie_id": movie_ids[:160]}, ratings[:160])
    eval_ = ({"user_id": user_ids[160:], "movie_id": movie_ids[160:]}, ratings[160:])

    def run_experiment(model):
        # Compile the model.
        model.compile(
            optimizer=keras.optimizers.Adam(learning_rate=0.01),  # (0.001)
            loss=keras.losses.MeanSquaredError(),
            metrics=[keras.metrics.RootMeanSquaredError(name="rmse")],
        )
        # Fit the model with the training data.
        history = model.fit(
            *train,
            batch_size=32,  # (265)
            epochs=3,
            validation_data=eval_,
            shuffle=False,  # (added: Keras's shuffling order cannot be reproduced)
            verbose=0,
        )
        return history

    def embedding_encoder(vocabulary_size, embedding_dim, num_oov_indices=0, name=None):
        # (StringLookup(vocabulary, num_oov_indices) left out: the ids are indices)
        return keras.Sequential(
            [
                # Create an embedding layer with the specified dimensions.
                layers.Embedding(
                    input_dim=vocabulary_size + num_oov_indices, output_dim=embedding_dim
                ),
            ],
            name=f"{name}_embedding" if name else None,
        )

    def create_baseline_model():
        # Receive the user as an input.
        user_input = layers.Input(name="user_id", shape=(), dtype="int32")
        # Get user embedding.
        user_embedding = embedding_encoder(num_users, base_embedding_dim, name="user")(user_input)

        # Receive the movie as an input.
        movie_input = layers.Input(name="movie_id", shape=(), dtype="int32")
        # Get embedding.
        movie_embedding = embedding_encoder(num_movies, base_embedding_dim, name="movie")(
            movie_input
        )

        # Compute dot product similarity between user and movie embeddings.
        logits = layers.Dot(axes=1, name="dot_similarity")([user_embedding, movie_embedding])
        # Convert to rating scale.
        prediction = keras.activations.sigmoid(logits) * 5
        # Create the model.
        model = keras.Model(
            inputs=[user_input, movie_input], outputs=prediction, name="baseline_model"
        )
        return model

    class QREmbedding(keras.layers.Layer):
        def __init__(self, vocabulary_size, embedding_dim, num_buckets, name=None):
            super().__init__(name=name)
            self.num_buckets = num_buckets

            self.q_embeddings = layers.Embedding(num_buckets, embedding_dim)
            self.r_embeddings = layers.Embedding(num_buckets, embedding_dim)

        def call(self, inputs):
            # Get the item index. (self.index_lookup(inputs): the ids are indices)
            embedding_index = inputs
            # Get the quotient index.
            quotient_index = ops.floor_divide(embedding_index, self.num_buckets)
            # Get the reminder index.
            remainder_index = ops.mod(embedding_index, self.num_buckets)
            # Lookup the quotient_embedding using the quotient_index.
            quotient_embedding = self.q_embeddings(quotient_index)
            # Lookup the remainder_embedding using the remainder_index.
            remainder_embedding = self.r_embeddings(remainder_index)
            # Use multiplication as a combiner operation
            return quotient_embedding * remainder_embedding

    def create_memory_efficient_model():
        # Take the user as an input.
        user_input = layers.Input(name="user_id", shape=(), dtype="int32")
        # Get user embedding.
        user_embedding = QREmbedding(
            vocabulary_size=num_users,
            embedding_dim=base_embedding_dim,
            num_buckets=7,  # (user_embedding_num_buckets = len(user_vocabulary) // 50)
            name="user_embedding",
        )(user_input)

        # Take the movie as an input.
        movie_input = layers.Input(name="movie_id", shape=(), dtype="int32")
        # Get embedding. (MDEmbedding's blocks: one plain embedding here)
        movie_embedding = embedding_encoder(num_movies, base_embedding_dim, name="movie")(
            movie_input
        )

        # Compute dot product similarity between user and movie embeddings.
        logits = layers.Dot(axes=1, name="dot_similarity")([user_embedding, movie_embedding])
        # Convert to rating scale.
        prediction = keras.activations.sigmoid(logits) * 5
        # Create the model.
        model = keras.Model(
            inputs=[user_input, movie_input], outputs=prediction, name="efficient_model"
        )
        return model

    out = {}
    baseline_model = create_baseline_model()
    _init(baseline_model)
    out["baseline_summary"] = _summary(baseline_model)
    out["baseline_history"] = _hist(run_experiment(baseline_model))
    memory_efficient_model = create_memory_efficient_model()
    _init(memory_efficient_model, seed=1)
    out["efficient_summary"] = _summary(memory_efficient_model)
    out["efficient_history"] = _hist(run_experiment(memory_efficient_model))
    out["predict"] = _f(
        memory_efficient_model.predict({k: v[:4] for k, v in eval_[0].items()}, verbose=0)
    )
    return out


# ---- vision/mobilevit.py (MobileNetV2 blocks with a Transformer over unfolded patches) ---


@scenario
def mobilevit(keras):
    """MobileViT: swish as `activation=` and as a function on symbolic tensors, inverted
    residual blocks with ZeroPadding2D from `correct_pad` and a DepthwiseConv2D, the
    unfold / fold Reshapes around Transformer blocks, a label-smoothed categorical loss.
    create_mobilevit has fewer blocks (noted there)."""
    layers = keras.layers
    backend = keras.backend
    patch_size = 4  # 2x2, for the Transformer blocks.
    image_size = 16  # (256)
    expansion_factor = 2  # expansion factor for the MobileNetV2 blocks.

    def conv_block(x, filters=16, kernel_size=3, strides=2):
        conv_layer = layers.Conv2D(
            filters,
            kernel_size,
            strides=strides,
            activation=keras.activations.swish,
            padding="same",
        )
        return conv_layer(x)

    # Reference: https://github.com/keras-team/keras/blob/e3858739d178fe16a0c77ce7fab88b0be6dbbdc7/keras/applications/imagenet_utils.py#L413C17-L435

    def correct_pad(inputs, kernel_size):
        img_dim = 2 if backend.image_data_format() == "channels_first" else 1
        input_size = inputs.shape[img_dim : (img_dim + 2)]
        if isinstance(kernel_size, int):
            kernel_size = (kernel_size, kernel_size)
        if input_size[0] is None:
            adjust = (1, 1)
        else:
            adjust = (1 - input_size[0] % 2, 1 - input_size[1] % 2)
        correct = (kernel_size[0] // 2, kernel_size[1] // 2)
        return (
            (correct[0] - adjust[0], correct[0]),
            (correct[1] - adjust[1], correct[1]),
        )

    # Reference: https://git.io/JKgtC

    def inverted_residual_block(x, expanded_channels, output_channels, strides=1):
        m = layers.Conv2D(expanded_channels, 1, padding="same", use_bias=False)(x)
        m = layers.BatchNormalization()(m)
        m = keras.activations.swish(m)

        if strides == 2:
            m = layers.ZeroPadding2D(padding=correct_pad(m, 3))(m)
        m = layers.DepthwiseConv2D(
            3, strides=strides, padding="same" if strides == 1 else "valid", use_bias=False
        )(m)
        m = layers.BatchNormalization()(m)
        m = keras.activations.swish(m)

        m = layers.Conv2D(output_channels, 1, padding="same", use_bias=False)(m)
        m = layers.BatchNormalization()(m)

        if keras.ops.equal(x.shape[-1], output_channels) and strides == 1:
            return layers.Add()([m, x])
        return m

    # Reference:
    # https://keras.io/examples/vision/image_classification_with_vision_transformer/

    def mlp(x, hidden_units, dropout_rate):
        for units in hidden_units:
            x = layers.Dense(units, activation=keras.activations.swish)(x)
            x = layers.Dropout(dropout_rate)(x)
        return x

    def transformer_block(x, transformer_layers, projection_dim, num_heads=2):
        for _ in range(transformer_layers):
            # Layer normalization 1.
            x1 = layers.LayerNormalization(epsilon=1e-6)(x)
            # Create a multi-head attention layer.
            attention_output = layers.MultiHeadAttention(
                num_heads=num_heads,
                key_dim=projection_dim,
                dropout=0.0,  # (0.1)
            )(x1, x1)
            # Skip connection 1.
            x2 = layers.Add()([attention_output, x])
            # Layer normalization 2.
            x3 = layers.LayerNormalization(epsilon=1e-6)(x2)
            # MLP.
            x3 = mlp(
                x3,
                hidden_units=[x.shape[-1] * 2, x.shape[-1]],
                dropout_rate=0.0,  # (0.1)
            )
            # Skip connection 2.
            x = layers.Add()([x3, x2])

        return x

    def mobilevit_block(x, num_blocks, projection_dim, strides=1):
        # Local projection with convolutions.
        local_features = conv_block(x, filters=projection_dim, strides=strides)
        local_features = conv_block(
            local_features, filters=projection_dim, kernel_size=1, strides=strides
        )

        # Unfold into patches and then pass through Transformers.
        num_patches = int((local_features.shape[1] * local_features.shape[2]) / patch_size)
        non_overlapping_patches = layers.Reshape((patch_size, num_patches, projection_dim))(
            local_features
        )
        global_features = transformer_block(non_overlapping_patches, num_blocks, projection_dim)

        # Fold into conv-like feature-maps.
        folded_feature_map = layers.Reshape((*local_features.shape[1:-1], projection_dim))(
            global_features
        )

        # Apply point-wise conv -> concatenate with the input features.
        folded_feature_map = conv_block(
            folded_feature_map, filters=x.shape[-1], kernel_size=1, strides=strides
        )
        local_global_features = layers.Concatenate(axis=-1)([x, folded_feature_map])

        # Fuse the local and global features using a convoluion layer.
        local_global_features = conv_block(
            local_global_features, filters=projection_dim, strides=strides
        )

        return local_global_features

    def create_mobilevit(num_classes=5):
        inputs = keras.Input((image_size, image_size, 3))
        x = layers.Rescaling(scale=1.0 / 255)(inputs)

        # Initial conv-stem -> MV2 block.
        x = conv_block(x, filters=4)  # (16)
        x = inverted_residual_block(
            x,
            expanded_channels=4 * expansion_factor,
            output_channels=4,  # (16, 16)
        )

        # Downsampling with MV2 block.
        x = inverted_residual_block(
            x,
            expanded_channels=4 * expansion_factor,
            output_channels=8,
            strides=2,  # (16, 24)
        )

        # (the next two MV2 blocks and the third MobileViT stage left out)
        # First MV2 -> MobileViT block.
        x = mobilevit_block(x, num_blocks=2, projection_dim=8)  # (64)

        x = conv_block(x, filters=16, kernel_size=1, strides=1)  # (320)

        # Classification head.
        x = layers.GlobalAvgPool2D()(x)
        outputs = layers.Dense(num_classes, activation="softmax")(x)

        return keras.Model(inputs, outputs)

    mobilevit_xxs = create_mobilevit()
    _init(mobilevit_xxs)
    out = {"summary": _summary(mobilevit_xxs)}

    # (tf_flowers through tf.data: images resized to image_size, one-hot labels)
    rng = np.random.default_rng(28)
    n = 40
    labels = rng.integers(0, 5, n)
    yy, xx = np.mgrid[0:image_size, 0:image_size]
    images = np.stack(
        [
            np.stack(
                [np.sin(xx * (k + 1) / 4 + c) + np.cos(yy * (k % 3 + 1) / 5) for c in (0, 1, 2)], -1
            )
            for k in labels
        ]
    )
    images = np.clip(images * 60 + 128 + rng.normal(0, 15, images.shape), 0, 255).astype("float32")
    one_hot = np.eye(5, dtype="float32")[labels]

    learning_rate = 0.002
    label_smoothing_factor = 0.1
    epochs = 2  # (30)

    optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
    loss_fn = keras.losses.CategoricalCrossentropy(label_smoothing=label_smoothing_factor)

    def run_experiment(epochs=epochs):
        mobilevit_xxs.compile(optimizer=optimizer, loss=loss_fn, metrics=["accuracy"])

        checkpoint_filepath = os.path.join(tempfile.mkdtemp(), "checkpoint.weights.h5")
        checkpoint_callback = keras.callbacks.ModelCheckpoint(
            checkpoint_filepath,
            monitor="val_accuracy",
            save_best_only=True,
            save_weights_only=True,
        )

        history = mobilevit_xxs.fit(
            images[:32],
            one_hot[:32],
            batch_size=8,  # (64)
            validation_data=(images[32:], one_hot[32:]),
            epochs=epochs,
            callbacks=[checkpoint_callback],
            shuffle=False,  # (added: Keras's shuffling order cannot be reproduced)
            verbose=0,
        )
        mobilevit_xxs.load_weights(checkpoint_filepath)
        _, accuracy = mobilevit_xxs.evaluate(images[32:], one_hot[32:], verbose=0)
        return history, accuracy

    history, accuracy = run_experiment()
    out["history"] = _hist(history)
    out["accuracy"] = _f(accuracy)
    out["predict"] = _f(mobilevit_xxs.predict(images[32:35], verbose=0))
    return out


# ---- vision/learnable_resizer.py (a resizer model on images of any size) -----------------


@scenario
def learnable_resizer(keras):
    """The learnable resizer: bilinear Resizing layers inside a model taking images of any
    size (`Input(shape=[None, None, 3])`), a default-argument LeakyReLU, nested models, a
    label-smoothed loss with SGD momentum. keras.applications.DenseNet121(weights=None) is
    replaced by a small classifier of the same input and output, the warm-up cosine
    schedule by a constant learning rate."""
    layers = keras.layers
    INP_SIZE = (16, 16)  # (300, 300)
    TARGET_SIZE = (8, 8)  # (150, 150)
    INTERPOLATION = "bilinear"

    BATCH_SIZE = 8  # (50)
    EPOCHS = 2  # (5)

    def conv_block(x, filters, kernel_size, strides, activation=layers.LeakyReLU(0.2)):
        x = layers.Conv2D(filters, kernel_size, strides, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization()(x)
        if activation:
            x = activation(x)
        return x

    def res_block(x):
        inputs = x
        x = conv_block(x, 4, 3, 1)  # (16)
        x = conv_block(x, 4, 3, 1, activation=None)  # (16)
        return layers.Add()([inputs, x])

    def get_learnable_resizer(filters=4, num_res_blocks=1, interpolation=INTERPOLATION):  # (16)
        inputs = layers.Input(shape=[None, None, 3])

        # First, perform naive resizing.
        naive_resize = layers.Resizing(*TARGET_SIZE, interpolation=interpolation)(inputs)

        # First convolution block without batch normalization.
        x = layers.Conv2D(filters=filters, kernel_size=7, strides=1, padding="same")(inputs)
        x = layers.LeakyReLU(0.2)(x)

        # Second convolution block with batch normalization.
        x = layers.Conv2D(filters=filters, kernel_size=1, strides=1, padding="same")(x)
        x = layers.LeakyReLU(0.2)(x)
        x = layers.BatchNormalization()(x)

        # Intermediate resizing as a bottleneck.
        bottleneck = layers.Resizing(*TARGET_SIZE, interpolation=interpolation)(x)

        # Residual passes.
        for _ in range(num_res_blocks):
            x = res_block(bottleneck)

        # Projection.
        x = layers.Conv2D(
            filters=filters, kernel_size=3, strides=1, padding="same", use_bias=False
        )(x)
        x = layers.BatchNormalization()(x)

        # Skip connection.
        x = layers.Add()([bottleneck, x])

        # Final resized image.
        x = layers.Conv2D(filters=3, kernel_size=7, strides=1, padding="same")(x)
        final_resize = layers.Add()([naive_resize, x])

        return keras.Model(inputs, final_resize, name="learnable_resizer")

    learnable_resizer = get_learnable_resizer()

    def DenseNet121(weights, include_top, classes, input_shape):
        """(the stand-in for keras.applications.DenseNet121)"""
        inputs = keras.Input(input_shape)
        x = layers.Conv2D(8, 3, strides=2, padding="same", activation="relu")(inputs)
        x = layers.GlobalAveragePooling2D()(x)
        return keras.Model(
            inputs, layers.Dense(classes, activation="softmax")(x), name="densenet121"
        )

    def get_model():
        backbone = DenseNet121(
            weights=None,
            include_top=True,
            classes=2,
            input_shape=((TARGET_SIZE[0], TARGET_SIZE[1], 3)),
        )
        backbone.trainable = True

        inputs = layers.Input((INP_SIZE[0], INP_SIZE[1], 3))
        x = layers.Rescaling(scale=1.0 / 255)(inputs)
        x = learnable_resizer(x)
        outputs = backbone(x)

        return keras.Model(inputs, outputs)

    model = get_model()
    _init(model)
    out = {"summary": _summary(model), "resizer_summary": _summary(learnable_resizer)}

    # (cats_vs_dogs through tf.data: images resized to INP_SIZE, one-hot labels)
    rng = np.random.default_rng(29)
    n = 32
    labels = rng.integers(0, 2, n)
    yy, xx = np.mgrid[0 : INP_SIZE[0], 0 : INP_SIZE[1]]
    images = np.stack(
        [np.stack([np.sin((xx if k else yy) / 2 + c) for c in (0, 1, 2)], -1) for k in labels]
    )
    images = np.clip(images * 80 + 128 + rng.normal(0, 20, images.shape), 0, 255).astype("float32")
    one_hot = np.eye(2, dtype="float32")[labels]

    optimizer = keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)  # (WarmUpCosine)
    model.compile(
        optimizer=optimizer,
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=0.1),
        metrics=["accuracy"],
    )
    history = model.fit(
        images[:24],
        one_hot[:24],
        batch_size=BATCH_SIZE,
        validation_data=(images[24:], one_hot[24:]),
        epochs=EPOCHS,
        shuffle=False,  # (added: Keras's shuffling order cannot be reproduced)
        verbose=0,
    )
    out["history"] = _hist(history)
    out["predict"] = _f(model.predict(images[24:28], verbose=0))
    # (Visualize the outputs of the learnable resizer: here on a 12x20 image too)
    resized = learnable_resizer.predict(images[24:25] / 255.0, verbose=0)
    other = learnable_resizer.predict(
        images[24:25, :12, :, :].repeat(2, axis=2)[:, :, :20] / 255.0, verbose=0
    )
    out["resized"] = _f(resized[0, :3, :3])
    out["resized_other"] = [list(other.shape), _f(other[0, :2, :2])]
    return out


# ---- nlp/masked_language_modeling.py (Keras 3: compute_loss / compute_metrics) ----------


@scenario
def masked_language_modeling(keras):
    """End-to-end masked language modeling with a BERT-like encoder: a functional model
    subclass overriding `compute_loss` (an unreduced SparseCategoricalCrossentropy with
    per-token sample weights from `fit`, summed) and `compute_metrics`, with its own
    `metrics`; saved and loaded back with custom_objects, its encoder then frozen under a
    classifier, unfrozen and compiled again. The text is token ids (the TextVectorization
    step, TensorFlow only, left out) and keras_hub.layers.PositionEmbedding a small
    stand-in (a learned position table, also given to load_model)."""
    layers, ops = keras.layers, keras.ops
    from dataclasses import dataclass

    @dataclass
    class Config:
        MAX_LEN = 8  # (256)
        BATCH_SIZE = 8  # (32)
        LR = 0.001
        VOCAB_SIZE = 30  # (30000)
        EMBED_DIM = 8  # (128)
        NUM_HEAD = 2  # used in bert model (8)
        FF_DIM = 8  # used in bert model (128)
        NUM_LAYERS = 1

    config = Config()

    class PositionEmbedding(layers.Layer):
        """(the stand-in for keras_hub.layers.PositionEmbedding)"""

        def __init__(self, sequence_length, **kwargs):
            super().__init__(**kwargs)
            self.sequence_length = sequence_length

        def build(self, inputs_shape):
            self.position_embeddings = self.add_weight(
                name="embeddings",
                shape=[self.sequence_length, inputs_shape[-1]],
                initializer="glorot_uniform",
            )

        def call(self, inputs):
            shape = ops.shape(inputs)
            return ops.broadcast_to(self.position_embeddings[: shape[-2], :], shape)

        def get_config(self):
            return {**super().get_config(), "sequence_length": self.sequence_length}

    # (the IMDB reviews through TextVectorization: token ids, 0 padding, 1 [UNK], the
    # last id [mask]; sentiment labels 0/1)
    rng = np.random.default_rng(30)
    mask_token_id = config.VOCAB_SIZE - 1
    lengths = rng.integers(4, config.MAX_LEN + 1, 48)
    x_all_review = np.zeros((48, config.MAX_LEN), "int64")
    for i, length in enumerate(lengths):
        x_all_review[i, :length] = rng.integers(2, mask_token_id, length)
    sentiment = (np.sum(x_all_review > 15, axis=1) > lengths / 2).astype("int64")
    x_train, y_train = x_all_review[:32], sentiment[:32]
    x_test, y_test = x_all_review[32:], sentiment[32:]

    def get_masked_input_and_labels(encoded_texts):
        # 15% BERT masking
        inp_mask = np.random.rand(*encoded_texts.shape) < 0.15
        # Do not mask special tokens
        inp_mask[encoded_texts <= 2] = False
        # Set targets to -1 by default, it means ignore
        labels = -1 * np.ones(encoded_texts.shape, dtype=int)
        # Set labels for masked tokens
        labels[inp_mask] = encoded_texts[inp_mask]

        # Prepare input
        encoded_texts_masked = np.copy(encoded_texts)
        # Set input to [MASK] which is the last token for the 90% of tokens
        # This means leaving 10% unchanged
        inp_mask_2mask = inp_mask & (np.random.rand(*encoded_texts.shape) < 0.90)
        encoded_texts_masked[inp_mask_2mask] = mask_token_id  # mask token is the last in the dict

        # Set 10% to a random token
        inp_mask_2random = inp_mask_2mask & (np.random.rand(*encoded_texts.shape) < 1 / 9)
        encoded_texts_masked[inp_mask_2random] = np.random.randint(
            3, mask_token_id, inp_mask_2random.sum()
        )

        # Prepare sample_weights to pass to .fit() method
        sample_weights = np.ones(labels.shape)
        sample_weights[labels == -1] = 0

        # y_labels would be same as encoded_texts i.e input tokens
        y_labels = np.copy(encoded_texts)

        return encoded_texts_masked, y_labels, sample_weights

    np.random.seed(31)  # (added: the same masks in both runs)
    x_masked_train, y_masked_labels, sample_weights = get_masked_input_and_labels(x_all_review)

    def bert_module(query, key, value, i):
        # Multi headed self-attention
        attention_output = layers.MultiHeadAttention(
            num_heads=config.NUM_HEAD,
            key_dim=config.EMBED_DIM // config.NUM_HEAD,
            name="encoder_{}_multiheadattention".format(i),
        )(query, key, value)
        attention_output = layers.Dropout(0.0, name="encoder_{}_att_dropout".format(i))(  # (0.1)
            attention_output
        )
        attention_output = layers.LayerNormalization(
            epsilon=1e-6, name="encoder_{}_att_layernormalization".format(i)
        )(query + attention_output)

        # Feed-forward layer
        ffn = keras.Sequential(
            [
                layers.Dense(config.FF_DIM, activation="relu"),
                layers.Dense(config.EMBED_DIM),
            ],
            name="encoder_{}_ffn".format(i),
        )
        ffn_output = ffn(attention_output)
        ffn_output = layers.Dropout(0.0, name="encoder_{}_ffn_dropout".format(i))(  # (0.1)
            ffn_output
        )
        sequence_output = layers.LayerNormalization(
            epsilon=1e-6, name="encoder_{}_ffn_layernormalization".format(i)
        )(attention_output + ffn_output)
        return sequence_output

    loss_fn = keras.losses.SparseCategoricalCrossentropy(reduction=None)
    loss_tracker = keras.metrics.Mean(name="loss")

    class MaskedLanguageModel(keras.Model):
        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None):
            loss = loss_fn(y, y_pred, sample_weight)
            loss_tracker.update_state(loss, sample_weight=sample_weight)
            return keras.ops.sum(loss)

        def compute_metrics(self, x, y, y_pred, sample_weight):
            # Return a dict mapping metric names to current value
            return {"loss": loss_tracker.result()}

        @property
        def metrics(self):
            # We list our `Metric` objects here so that `reset_states()` can be
            # called automatically at the start of each epoch
            # or at the start of `evaluate()`.
            return [loss_tracker]

    def create_masked_language_bert_model():
        inputs = layers.Input((config.MAX_LEN,), dtype="int64")

        word_embeddings = layers.Embedding(
            config.VOCAB_SIZE, config.EMBED_DIM, name="word_embedding"
        )(inputs)
        position_embeddings = PositionEmbedding(sequence_length=config.MAX_LEN)(word_embeddings)
        embeddings = word_embeddings + position_embeddings

        encoder_output = embeddings
        for i in range(config.NUM_LAYERS):
            encoder_output = bert_module(encoder_output, encoder_output, encoder_output, i)

        mlm_output = layers.Dense(config.VOCAB_SIZE, name="mlm_cls", activation="softmax")(
            encoder_output
        )
        mlm_model = MaskedLanguageModel(inputs, mlm_output, name="masked_bert_model")

        optimizer = keras.optimizers.Adam(learning_rate=config.LR)
        mlm_model.compile(optimizer=optimizer)
        return mlm_model

    generated = []

    class MaskedTextGenerator(keras.callbacks.Callback):
        def __init__(self, sample_tokens, top_k=5):
            self.sample_tokens = sample_tokens
            self.k = top_k

        def on_epoch_end(self, epoch, logs=None):
            prediction = self.model.predict(self.sample_tokens, verbose=0)

            masked_index = np.where(self.sample_tokens == mask_token_id)
            masked_index = masked_index[1]
            mask_prediction = prediction[0][masked_index]

            top_indices = mask_prediction[0].argsort()[-self.k :][::-1]
            values = mask_prediction[0][top_indices]
            # (printed with the decoded text)
            generated.append([top_indices.tolist(), _f(values)])

    sample_tokens = np.array([[5, 9, 12, 20, mask_token_id, 3, 7, 0]])
    generator_callback = MaskedTextGenerator(sample_tokens)

    bert_masked_model = create_masked_language_bert_model()
    _init(bert_masked_model)
    out = {"mlm_summary": _summary(bert_masked_model)}
    history = bert_masked_model.fit(
        x_masked_train,
        y_masked_labels,
        sample_weight=sample_weights,
        batch_size=config.BATCH_SIZE,
        epochs=2,  # (5)
        callbacks=[generator_callback],
        shuffle=False,  # (added: Keras's shuffling order cannot be reproduced)
        verbose=0,
    )
    out["mlm_history"] = _hist(history)
    out["generated"] = generated
    path = os.path.join(tempfile.mkdtemp(), "bert_mlm_imdb.keras")
    bert_masked_model.save(path)

    # Load pretrained bert model
    mlm_model = keras.models.load_model(
        path,
        custom_objects={
            "MaskedLanguageModel": MaskedLanguageModel,
            "PositionEmbedding": PositionEmbedding,  # (added: the stand-in's class)
        },
    )
    out["loaded_class"] = type(mlm_model).__name__
    pretrained_bert_model = keras.Model(
        mlm_model.input, mlm_model.get_layer("encoder_0_ffn_layernormalization").output
    )

    # Freeze it
    pretrained_bert_model.trainable = False

    def create_classifier_bert_model():
        inputs = layers.Input((config.MAX_LEN,), dtype="int64")
        sequence_output = pretrained_bert_model(inputs)
        pooled_output = layers.GlobalMaxPooling1D()(sequence_output)
        hidden_layer = layers.Dense(8, activation="relu")(pooled_output)  # (64)
        outputs = layers.Dense(1, activation="sigmoid")(hidden_layer)
        classifer_model = keras.Model(inputs, outputs, name="classification")
        optimizer = keras.optimizers.Adam()
        classifer_model.compile(
            optimizer=optimizer, loss="binary_crossentropy", metrics=["accuracy"]
        )
        return classifer_model

    classifer_model = create_classifier_bert_model()
    _init(classifer_model, seed=1)  # (its trainable weights: the head's)
    out["classifier_summary"] = _summary(classifer_model)

    # Train the classifier with frozen BERT stage
    history = classifer_model.fit(
        x_train,
        y_train,
        batch_size=config.BATCH_SIZE,
        epochs=2,  # (5)
        validation_data=(x_test, y_test),
        shuffle=False,  # (added: Keras's shuffling order cannot be reproduced)
        verbose=0,
    )
    out["frozen_history"] = _hist(history)

    # Unfreeze the BERT model for fine-tuning
    pretrained_bert_model.trainable = True
    optimizer = keras.optimizers.Adam()
    classifer_model.compile(optimizer=optimizer, loss="binary_crossentropy", metrics=["accuracy"])
    history = classifer_model.fit(
        x_train,
        y_train,
        batch_size=config.BATCH_SIZE,
        epochs=2,  # (5)
        validation_data=(x_test, y_test),
        shuffle=False,  # (added: Keras's shuffling order cannot be reproduced)
        verbose=0,
    )
    out["fine_tuned_history"] = _hist(history)
    out["evaluate"] = _f(classifer_model.evaluate(x_test, y_test, verbose=0))
    out["n_trainable"] = len(classifer_model.trainable_weights)
    return out


# ---- audio/stft.py (the STFTSpectrogram layer, fixed and trainable) ----------------------


@scenario
def stft_audio_classification(keras):
    """Audio classification with STFTSpectrogram: a non-trainable log spectrogram in a
    Sequential model taking any length (`InputLayer((None, 1))`), three trainable ones
    (`padding="same"`, `expand_dims=True`) concatenated as image channels, EarlyStopping
    restoring the best weights. keras.applications.MobileNet (ImageNet weights) is
    replaced by a small convolutional model with the same `pooling="max"` output."""
    layers = keras.layers
    BATCH_SIZE = 8  # (16)
    NUM_CLASSES = 10
    EPOCHS = 2  # (200)
    SAMPLE_RATE = 800  # (16000)

    # (ESC-10's five-second WAV files, resampled: half-second sounds here, a class's
    # pitch and decay)
    rng = np.random.default_rng(32)
    t = np.arange(SAMPLE_RATE // 2) / SAMPLE_RATE

    def read_dataset(n, seed):
        r = np.random.default_rng(seed)
        targets = r.integers(0, NUM_CLASSES, n)
        waves = np.stack(
            [
                np.sin(2 * np.pi * (30 + 25 * k) * t) * np.exp(-t * (1 + k % 4))
                + r.normal(0, 0.05, t.shape)
                for k in targets
            ]
        )[..., None].astype(np.float32)
        return waves, targets

    train_x, train_y = read_dataset(24, 33)
    valid_x, valid_y = read_dataset(8, 34)
    test_x, test_y = read_dataset(8, 35)

    model1d = keras.Sequential(
        [
            layers.InputLayer((None, 1)),
            layers.STFTSpectrogram(
                mode="log",
                frame_length=SAMPLE_RATE * 40 // 1000,
                frame_step=SAMPLE_RATE * 15 // 1000,
                trainable=False,
            ),
            layers.Conv1D(8, 8, activation="relu"),  # (64, 64)
            layers.Conv1D(8, 4, activation="relu"),  # (128, 16)
            layers.LayerNormalization(),
            layers.MaxPooling1D(4),
            layers.Conv1D(8, 2, activation="relu"),  # (128, 8)
            layers.Conv1D(8, 2, activation="relu"),  # (256, 8)
            layers.Conv1D(16, 2, activation="relu"),  # (512, 4)
            layers.LayerNormalization(),
            layers.Dropout(0.0),  # (0.5)
            layers.GlobalMaxPooling1D(),
            layers.Dense(16, activation="relu"),  # (256)
            layers.Dense(16, activation="relu"),  # (256)
            layers.Dropout(0.0),  # (0.5)
            layers.Dense(NUM_CLASSES, activation="softmax"),
        ],
        name="model_1d_non_trainble_stft",
    )
    model1d.compile(
        optimizer=keras.optimizers.Adam(1e-3),  # (1e-5)
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    _init(model1d)
    out = {"summary_1d": _summary(model1d)}

    history_model1d = model1d.fit(
        train_x,
        train_y,
        batch_size=BATCH_SIZE,
        validation_data=(valid_x, valid_y),
        epochs=EPOCHS,
        callbacks=[
            keras.callbacks.EarlyStopping(
                monitor="val_loss",
                patience=EPOCHS,
                restore_best_weights=True,
            )
        ],
        shuffle=False,  # (added: Keras's shuffling order cannot be reproduced)
        verbose=0,
    )
    out["history_1d"] = _hist(history_model1d)

    input = layers.Input((None, 1))
    spectrograms = [
        layers.STFTSpectrogram(
            mode="log",
            frame_length=SAMPLE_RATE * frame_size // 1000,
            frame_step=SAMPLE_RATE * 15 // 1000,
            fft_length=64,  # (2048)
            padding="same",
            expand_dims=True,
            # trainable=True,  # trainable by default
            name=f"stft_{frame_size}",  # (added: to keep their kernels in _init)
        )(input)
        for frame_size in [30, 40, 50]  # frame size in milliseconds
    ]

    multi_spectrograms = layers.Concatenate(axis=-1)(spectrograms)

    # (keras.applications.MobileNet(include_top=False, pooling="max"))
    img_input = keras.Input((None, None, 3))
    img_x = layers.Conv2D(8, 3, strides=2, activation="relu")(img_input)
    img_x = layers.Conv2D(8, 3, strides=2, activation="relu")(img_x)
    img_model = keras.Model(img_input, layers.GlobalMaxPooling2D()(img_x), name="mobilenet")
    output = img_model(multi_spectrograms)

    output = layers.Dropout(0.0)(output)  # (0.5)
    output = layers.Dense(16, activation="relu")(output)  # (256)
    output = layers.Dense(16, activation="relu")(output)  # (256)
    output = layers.Dense(NUM_CLASSES, activation="softmax")(output)
    model2d = keras.Model(input, output, name="model_2d_trainble_stft")

    model2d.compile(
        optimizer=keras.optimizers.Adam(1e-4),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    _init(model2d, seed=1, keep=("stft_30", "stft_40", "stft_50"))
    out["summary_2d"] = _summary(model2d)

    history_model2d = model2d.fit(
        train_x,
        train_y,
        batch_size=BATCH_SIZE,
        validation_data=(valid_x, valid_y),
        epochs=EPOCHS,
        callbacks=[
            keras.callbacks.EarlyStopping(
                monitor="val_loss",
                patience=EPOCHS,
                restore_best_weights=True,
            )
        ],
        shuffle=False,  # (added: Keras's shuffling order cannot be reproduced)
        verbose=0,
    )
    out["history_2d"] = _hist(history_model2d)

    out["evaluate_1d"] = _f(model1d.evaluate(test_x, test_y, verbose=0))
    out["evaluate_2d"] = _f(model2d.evaluate(test_x, test_y, verbose=0))
    out["predict_2d"] = _f(model2d.predict(test_x[:2, :300], verbose=0))
    kernel = model2d.get_layer("stft_40").trainable_weights[0]
    out["stft_kernel"] = [list(kernel.shape), _f(keras.ops.convert_to_numpy(kernel)[5:8, 0, 1:4])]
    return out


# ---- vision/eanet.py (external attention; its TensorFlow ops as keras.ops) -------------


@scenario
def eanet(keras):
    """EANet: a Normalization layer adapted to the images (the augmentation's random
    layers left out), patches from `ops.image.extract_patches`, a patch embedding adding
    an Embedding of `ops.arange`, external attention (reshape / transpose of symbolic
    tensors, a Lambda's double normalization), AdamW, top-5 accuracy, `validation_split`."""
    layers, ops = keras.layers, keras.ops
    num_classes = 10  # (100)
    input_shape = (8, 8, 3)  # (32, 32, 3)

    x_all, y_all = _images(60, size=8, seed=36)  # (keras.datasets.cifar100.load_data())
    x_train, y_train, x_test, y_test = x_all[:48], y_all[:48], x_all[48:], y_all[48:]
    y_train = keras.utils.to_categorical(y_train, num_classes)
    y_test = keras.utils.to_categorical(y_test, num_classes)

    weight_decay = 0.0001
    learning_rate = 0.001
    label_smoothing = 0.1
    validation_split = 0.25  # (0.2)
    batch_size = 12  # (128)
    num_epochs = 2  # (50)
    patch_size = 2  # Size of the patches to be extracted from the input images.
    num_patches = (input_shape[0] // patch_size) ** 2  # Number of patch
    embedding_dim = 8  # Number of hidden units. (64)
    mlp_dim = 8  # (64)
    dim_coefficient = 4
    num_heads = 2  # (4)
    attention_dropout = 0.0  # (0.2)
    projection_dropout = 0.0  # (0.2)
    num_transformer_blocks = 2  # Number of repetitions of the transformer layer (8)

    data_augmentation = keras.Sequential(
        [
            layers.Normalization(),
            # (RandomFlip, RandomRotation, RandomContrast and RandomZoom left out)
        ],
        name="data_augmentation",
    )
    # Compute the mean and the variance of the training data for normalization.
    data_augmentation.layers[0].adapt(x_train)

    class PatchExtract(layers.Layer):
        def __init__(self, patch_size, **kwargs):
            super().__init__(**kwargs)
            self.patch_size = patch_size

        def call(self, x):
            B, C = ops.shape(x)[0], ops.shape(x)[-1]
            x = ops.image.extract_patches(x, self.patch_size)
            x = ops.reshape(x, (B, -1, self.patch_size * self.patch_size * C))
            return x

    class PatchEmbedding(layers.Layer):
        def __init__(self, num_patch, embed_dim, **kwargs):
            super().__init__(**kwargs)
            self.num_patch = num_patch
            self.proj = layers.Dense(embed_dim)
            self.pos_embed = layers.Embedding(input_dim=num_patch, output_dim=embed_dim)

        def call(self, patch):
            pos = ops.arange(start=0, stop=self.num_patch, step=1)
            return self.proj(patch) + self.pos_embed(pos)

    def external_attention(
        x,
        dim,
        num_heads,
        dim_coefficient=4,
        attention_dropout=0,
        projection_dropout=0,
    ):
        _, num_patch, channel = x.shape
        assert dim % num_heads == 0
        num_heads = num_heads * dim_coefficient

        x = layers.Dense(dim * dim_coefficient)(x)
        # create tensor [batch_size, num_patches, num_heads, dim*dim_coefficient//num_heads]
        x = ops.reshape(x, (-1, num_patch, num_heads, dim * dim_coefficient // num_heads))
        x = ops.transpose(x, axes=[0, 2, 1, 3])
        # a linear layer M_k
        attn = layers.Dense(dim // dim_coefficient)(x)
        # normalize attention map
        attn = layers.Softmax(axis=2)(attn)
        # dobule-normalization
        attn = layers.Lambda(
            lambda attn: ops.divide(
                attn,
                ops.convert_to_tensor(1e-9) + ops.sum(attn, axis=-1, keepdims=True),
            )
        )(attn)
        attn = layers.Dropout(attention_dropout)(attn)
        # a linear layer M_v
        x = layers.Dense(dim * dim_coefficient // num_heads)(attn)
        x = ops.transpose(x, axes=[0, 2, 1, 3])
        x = ops.reshape(x, [-1, num_patch, dim * dim_coefficient])
        # a linear layer to project original dim
        x = layers.Dense(dim)(x)
        x = layers.Dropout(projection_dropout)(x)
        return x

    def mlp(x, embedding_dim, mlp_dim, drop_rate=0.0):  # (0.2)
        x = layers.Dense(mlp_dim, activation=ops.gelu)(x)
        x = layers.Dropout(drop_rate)(x)
        x = layers.Dense(embedding_dim)(x)
        x = layers.Dropout(drop_rate)(x)
        return x

    def transformer_encoder(
        x,
        embedding_dim,
        mlp_dim,
        num_heads,
        dim_coefficient,
        attention_dropout,
        projection_dropout,
        attention_type="external_attention",
    ):
        residual_1 = x
        x = layers.LayerNormalization(epsilon=1e-5)(x)
        if attention_type == "external_attention":
            x = external_attention(
                x,
                embedding_dim,
                num_heads,
                dim_coefficient,
                attention_dropout,
                projection_dropout,
            )
        elif attention_type == "self_attention":
            x = layers.MultiHeadAttention(
                num_heads=num_heads, key_dim=embedding_dim, dropout=attention_dropout
            )(x, x)
        x = layers.add([x, residual_1])
        residual_2 = x
        x = layers.LayerNormalization(epsilon=1e-5)(x)
        x = mlp(x, embedding_dim, mlp_dim)
        x = layers.add([x, residual_2])
        return x

    def get_model(attention_type="external_attention"):
        inputs = layers.Input(shape=input_shape)
        # Image augment
        x = data_augmentation(inputs)
        # Extract patches.
        x = PatchExtract(patch_size)(x)
        # Create patch embedding.
        x = PatchEmbedding(num_patches, embedding_dim)(x)
        # Create Transformer block.
        for _ in range(num_transformer_blocks):
            x = transformer_encoder(
                x,
                embedding_dim,
                mlp_dim,
                num_heads,
                dim_coefficient,
                attention_dropout,
                projection_dropout,
                attention_type,
            )

        x = layers.GlobalAveragePooling1D()(x)
        outputs = layers.Dense(num_classes, activation="softmax")(x)
        model = keras.Model(inputs=inputs, outputs=outputs)
        return model

    model = get_model(attention_type="external_attention")
    _init(model)
    out = {"summary": _summary(model)}

    model.compile(
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=label_smoothing),
        optimizer=keras.optimizers.AdamW(learning_rate=learning_rate, weight_decay=weight_decay),
        metrics=[
            keras.metrics.CategoricalAccuracy(name="accuracy"),
            keras.metrics.TopKCategoricalAccuracy(5, name="top-5-accuracy"),
        ],
    )

    history = model.fit(
        x_train,
        y_train,
        batch_size=batch_size,
        epochs=num_epochs,
        validation_split=validation_split,
        shuffle=False,  # (added: Keras's shuffling order cannot be reproduced)
        verbose=0,
    )
    out["history"] = _hist(history)
    loss, accuracy, top_5_accuracy = model.evaluate(x_test, y_test, verbose=0)
    out["evaluate"] = _f([loss, accuracy, top_5_accuracy])
    out["predict"] = _f(model.predict(x_test[:2], verbose=0))
    out["normalization"] = _f(
        [data_augmentation.layers[0].mean[0, 0, 0], data_augmentation.layers[0].variance[0, 0, 0]]
    )
    return out


# ---- timeseries/eeg_bci_ssvepformer.py (a Sequential model of custom layers) -------------


@scenario
def eeg_ssvepformer(keras):
    """SSVEPFormer: a Sequential model of custom layers, a complex spectrum from
    `ops.rfft(x, fft_length=...)`, Conv1D channel combination, a ChannelMLP applying one
    Dense to each slice and creating a Reshape layer in `call`, SGD with momentum and
    weight decay, `jit_compile=True`. The sizes keep the example's channel and feature
    counts equal (its residual adds need it)."""
    layers = keras.layers

    class ComplexSpectrum(keras.layers.Layer):
        def __init__(self, nfft=512, fft_start=8, fft_end=64):
            super().__init__()
            self.nfft = nfft
            self.fft_start = fft_start
            self.fft_end = fft_end

        def call(self, x):
            samples = x.shape[-1]
            x = keras.ops.rfft(x, fft_length=self.nfft)
            real = x[0] / samples
            imag = x[1] / samples
            real = real[:, :, self.fft_start : self.fft_end]
            imag = imag[:, :, self.fft_start : self.fft_end]
            x = keras.ops.concatenate((real, imag), axis=-1)
            return x

    class ChannelComb(keras.layers.Layer):
        def __init__(self, n_channels, drop_rate=0.5):
            super().__init__()
            self.conv = layers.Conv1D(
                2 * n_channels,
                1,
                padding="same",
                kernel_initializer=keras.initializers.RandomNormal(
                    mean=0.0, stddev=0.01, seed=None
                ),
            )
            self.normalization = layers.LayerNormalization()
            self.activation = layers.Activation(activation="gelu")
            self.drop = layers.Dropout(drop_rate)

        def call(self, x):
            x = self.conv(x)
            x = self.normalization(x)
            x = self.activation(x)
            x = self.drop(x)
            return x

    class ConvAttention(keras.layers.Layer):
        def __init__(self, n_channels, drop_rate=0.5):
            super().__init__()
            self.norm = layers.LayerNormalization()
            self.conv = layers.Conv1D(
                2 * n_channels,
                31,
                padding="same",
                kernel_initializer=keras.initializers.RandomNormal(
                    mean=0.0, stddev=0.01, seed=None
                ),
            )
            self.activation = layers.Activation(activation="gelu")
            self.drop = layers.Dropout(drop_rate)

        def call(self, x):
            input = x
            x = self.norm(x)
            x = self.conv(x)
            x = self.activation(x)
            x = self.drop(x)
            x = x + input
            return x

    class ChannelMLP(keras.layers.Layer):
        def __init__(self, n_features, drop_rate=0.5):
            super().__init__()
            self.norm = layers.LayerNormalization()
            self.mlp = layers.Dense(
                2 * n_features,
                kernel_initializer=keras.initializers.RandomNormal(
                    mean=0.0, stddev=0.01, seed=None
                ),
            )
            self.activation = layers.Activation(activation="gelu")
            self.drop = layers.Dropout(drop_rate)
            self.cat = layers.Concatenate(axis=1)

        def call(self, x):
            input = x
            channels = x.shape[1]  # x shape : NCF
            x = self.norm(x)
            output_channels = []
            for i in range(channels):
                c = self.mlp(x[:, :, i])
                c = layers.Reshape([1, -1])(c)
                output_channels.append(c)
            x = self.cat(output_channels)
            x = self.activation(x)
            x = self.drop(x)
            x = x + input
            return x

    class Encoder(keras.layers.Layer):
        def __init__(self, n_channels, n_features, drop_rate=0.5):
            super().__init__()
            self.attention1 = ConvAttention(n_channels, drop_rate=drop_rate)
            self.mlp1 = ChannelMLP(n_features, drop_rate=drop_rate)
            self.attention2 = ConvAttention(n_channels, drop_rate=drop_rate)
            self.mlp2 = ChannelMLP(n_features, drop_rate=drop_rate)

        def call(self, x):
            x = self.attention1(x)
            x = self.mlp1(x)
            x = self.attention2(x)
            x = self.mlp2(x)
            return x

    class MlpHead(keras.layers.Layer):
        def __init__(self, n_classes, drop_rate=0.5):
            super().__init__()
            self.flatten = layers.Flatten()
            self.drop = layers.Dropout(drop_rate)
            self.linear1 = layers.Dense(
                6 * n_classes,
                kernel_initializer=keras.initializers.RandomNormal(
                    mean=0.0, stddev=0.01, seed=None
                ),
            )
            self.norm = layers.LayerNormalization()
            self.activation = layers.Activation(activation="gelu")
            self.drop2 = layers.Dropout(drop_rate)
            self.linear2 = layers.Dense(
                n_classes,
                kernel_initializer=keras.initializers.RandomNormal(
                    mean=0.0, stddev=0.01, seed=None
                ),
            )

        def call(self, x):
            x = self.flatten(x)
            x = self.drop(x)
            x = self.linear1(x)
            x = self.norm(x)
            x = self.activation(x)
            x = self.drop2(x)
            x = self.linear2(x)
            return x

    def create_ssvepformer(input_shape, fs, resolution, fq_band, n_channels, n_classes, drop_rate):
        nfft = round(fs / resolution)
        fft_start = int(fq_band[0] / resolution)
        fft_end = int(fq_band[1] / resolution) + 1
        n_features = fft_end - fft_start

        model = keras.Sequential(
            [
                keras.Input(shape=input_shape),
                ComplexSpectrum(nfft, fft_start, fft_end),
                ChannelComb(n_channels=n_channels, drop_rate=drop_rate),
                Encoder(n_channels=n_channels, n_features=n_features, drop_rate=drop_rate),
                Encoder(n_channels=n_channels, n_features=n_features, drop_rate=drop_rate),
                MlpHead(n_classes=n_classes, drop_rate=drop_rate),
                layers.Activation(activation="softmax"),
            ]
        )

        return model

    # Training settings same as the original paper
    BATCH_SIZE = 8  # (128)
    EPOCHS = 2  # (100)
    LR = 0.001  # learning rate
    WD = 0.001  # weight decay
    MOMENTUM = 0.9
    DROP_RATE = 0.0  # (0.5)

    resolution = 1.0  # (0.25)
    fs = 32  # (256)
    band = [4, 7]  # ([8, 64])
    n_classes = 4  # (12)

    # (the filtered, segmented Tsinghua SSVEP recordings: trials x channels x samples,
    # a target's flicker frequency in each channel)
    rng = np.random.default_rng(37)
    channels, samples = 4, 32  # (8, 256)
    t = np.arange(samples) / fs
    labels = rng.integers(0, n_classes, 40)
    x_all = np.stack(
        [
            np.sin(2 * np.pi * (4 + k) * t + rng.uniform(0, 6, (channels, 1)))
            + rng.normal(0, 0.5, (channels, samples))
            for k in labels
        ]
    ).astype("float32")
    x_train, y_train, x_val, y_val = x_all[:32], labels[:32], x_all[32:], labels[32:]
    input_shape = (channels, samples)

    model = create_ssvepformer(input_shape, fs, resolution, band, channels, n_classes, DROP_RATE)
    _init(model)
    out = {"summary": _summary(model)}
    sgd = keras.optimizers.SGD(learning_rate=LR, momentum=MOMENTUM, weight_decay=WD)

    model.compile(
        loss="sparse_categorical_crossentropy",
        optimizer=sgd,
        metrics=["accuracy"],
        jit_compile=True,
    )

    history = model.fit(
        x_train,
        y_train,
        batch_size=BATCH_SIZE,
        epochs=EPOCHS,
        validation_data=(x_val, y_val),
        shuffle=False,  # (added: Keras's shuffling order cannot be reproduced)
        verbose=0,
    )
    out["history"] = _hist(history)
    loss, acc = model.evaluate(x_val, y_val, verbose=0)
    out["evaluate"] = _f([loss, acc * 100])
    out["predict"] = _f(model.predict(x_val[:2], verbose=0))
    out["n_weights"] = len(model.weights)
    return out


# ---- vision/siamese_network.py (triplet loss; its own train_step and test_step) ---------


@torch_scenario
def siamese_network(keras):
    """A Siamese network with a triplet loss: a DistanceLayer whose call takes three
    inputs, a three-input functional model with two outputs, the layers of a backbone
    frozen up to a named one, a SiameseModel with its own train_step / test_step (a
    per-triplet loss, differentiated as its sum) and `metrics`, then CosineSimilarity of
    the embeddings. keras.applications.ResNet50 (ImageNet weights) is replaced by a small
    stand-in with a layer of the name the example unfreezes from; the example's TensorFlow
    ops written with keras.ops, its tf.GradientTape numkeras's (torch's backward() for the
    goldens)."""
    layers, ops, metrics, optimizers = keras.layers, keras.ops, keras.metrics, keras.optimizers
    Model = keras.Model
    target_shape = (8, 8)  # (200, 200)

    def ResNet50(weights, input_shape, include_top):
        """(the stand-in for keras.applications.resnet.ResNet50)"""
        inputs = keras.Input(input_shape)
        x = layers.Conv2D(4, 3, strides=2, padding="same", name="conv1_conv")(inputs)
        x = layers.BatchNormalization(name="conv1_bn")(x)
        x = layers.Activation("relu", name="conv1_relu")(x)
        x = layers.Conv2D(8, 3, strides=2, padding="same", name="conv5_block1_out")(x)
        x = layers.Conv2D(8, 1, name="conv5_block2_out")(x)
        return keras.Model(inputs, x, name="resnet50")

    base_cnn = ResNet50(weights="imagenet", input_shape=target_shape + (3,), include_top=False)

    flatten = layers.Flatten()(base_cnn.output)
    dense1 = layers.Dense(16, activation="relu")(flatten)  # (512)
    dense1 = layers.BatchNormalization()(dense1)
    dense2 = layers.Dense(8, activation="relu")(dense1)  # (256)
    dense2 = layers.BatchNormalization()(dense2)
    output = layers.Dense(8)(dense2)  # (256)

    embedding = Model(base_cnn.input, output, name="Embedding")
    _init(embedding)  # (added: before the freezing, so that the frozen layers get theirs too)

    trainable = False
    for layer in base_cnn.layers:
        if layer.name == "conv5_block1_out":
            trainable = True
        layer.trainable = trainable

    class DistanceLayer(layers.Layer):
        """
        This layer is responsible for computing the distance between the anchor
        embedding and the positive embedding, and the anchor embedding and the
        negative embedding.
        """

        def __init__(self, **kwargs):
            super().__init__(**kwargs)

        def call(self, anchor, positive, negative):
            ap_distance = ops.sum(ops.square(anchor - positive), -1)
            an_distance = ops.sum(ops.square(anchor - negative), -1)
            return (ap_distance, an_distance)

    anchor_input = layers.Input(name="anchor", shape=target_shape + (3,))
    positive_input = layers.Input(name="positive", shape=target_shape + (3,))
    negative_input = layers.Input(name="negative", shape=target_shape + (3,))

    # (resnet.preprocess_input left out)
    distances = DistanceLayer()(
        embedding(anchor_input),
        embedding(positive_input),
        embedding(negative_input),
    )

    siamese_network = Model(
        inputs=[anchor_input, positive_input, negative_input], outputs=distances
    )

    class SiameseModel(Model):
        """The Siamese Network model with a custom training and testing loops.

        Computes the triplet loss using the three embeddings produced by the
        Siamese Network.
        """

        def __init__(self, siamese_network, margin=0.5):
            super().__init__()
            self.siamese_network = siamese_network
            self.margin = margin
            self.loss_tracker = metrics.Mean(name="loss")

        def call(self, inputs):
            return self.siamese_network(inputs)

        def train_step(self, data):
            # GradientTape is a context manager that records every operation that
            # you do inside. We are using it here to compute the loss so we can get
            # the gradients and apply them using the optimizer specified in
            # `compile()`.
            loss, gradients = _grads(
                keras, lambda: self._compute_loss(data), self.siamese_network.trainable_weights
            )

            # Applying the gradients on the model using the specified optimizer
            _apply_gradients(
                keras,
                self.optimizer,
                zip(gradients, self.siamese_network.trainable_weights),
            )

            # Let's update and return the training loss metric.
            self.loss_tracker.update_state(loss)
            return {"loss": self.loss_tracker.result()}

        def test_step(self, data):
            loss = self._compute_loss(data)

            # Let's update and return the loss metric.
            self.loss_tracker.update_state(loss)
            return {"loss": self.loss_tracker.result()}

        def _compute_loss(self, data):
            # The output of the network is a tuple containing the distances
            # between the anchor and the positive example, and the anchor and
            # the negative example.
            ap_distance, an_distance = self.siamese_network(data)

            # Computing the Triplet Loss by subtracting both distances and
            # making sure we don't get a negative value.
            loss = ap_distance - an_distance
            loss = ops.maximum(loss + self.margin, 0.0)
            return loss

        @property
        def metrics(self):
            # We need to list our metrics here so the `reset_states()` can be
            # called automatically.
            return [self.loss_tracker]

    # (the Totally Looks Like triplets through tf.data: anchor, positive and negative
    # images in [0, 1]; a positive is its anchor with noise)
    rng = np.random.default_rng(38)
    anchors = rng.uniform(0, 1, (24,) + target_shape + (3,)).astype("float32")
    positives = np.clip(anchors + rng.normal(0, 0.1, anchors.shape), 0, 1).astype("float32")
    negatives = rng.uniform(0, 1, anchors.shape).astype("float32")
    train = (anchors[:16], positives[:16], negatives[:16])
    val = (anchors[16:], positives[16:], negatives[16:])

    out = {"summary": _summary(siamese_network)}
    out["trainable"] = [layer.name for layer in base_cnn.layers if layer.trainable]

    siamese_model = SiameseModel(siamese_network)
    siamese_model.compile(optimizer=optimizers.Adam(0.0001))
    history = siamese_model.fit(
        train,
        epochs=2,  # (10)
        batch_size=8,  # (32, the datasets')
        validation_data=(val,),  # (val_dataset: the triplets)
        shuffle=False,  # (added: Keras's shuffling order cannot be reproduced)
        verbose=0,
    )
    out["history"] = _hist(history)

    anchor_embedding, positive_embedding, negative_embedding = (
        embedding(val[0][:4]),
        embedding(val[1][:4]),
        embedding(val[2][:4]),
    )
    cosine_similarity = metrics.CosineSimilarity()

    positive_similarity = cosine_similarity(anchor_embedding, positive_embedding)
    out["positive_similarity"] = _f(ops.convert_to_numpy(positive_similarity))

    negative_similarity = cosine_similarity(anchor_embedding, negative_embedding)
    out["negative_similarity"] = _f(ops.convert_to_numpy(negative_similarity))
    out["distances"] = _f(
        [ops.convert_to_numpy(d) for d in siamese_network.predict(val, verbose=0)]
    )
    return out


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

"""Goldens for tests/examples/test_keras_io_examples_3.py: more keras.io code examples
(keras-team/keras-io, examples/), Keras 3 versions, not covered by make_keras_io_examples.py
or make_keras_io_guides.py, each as a Keras 3 user runs it: the model and training code as
written, the imports aside, at a reduced size and on synthetic NumPy data of the dataset's
shapes and dtypes (in place of downloads and tf.data), with the trainable weights drawn
from a fixed RNG after building, dropout rates set to 0 and random augmentation left out
(the only changes, each noted where it is made), so that predictions, `fit`'s History,
`evaluate`, `summary()` and configs can be compared.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the
test) returning JSON-able values.

Run (Keras 3.15.1 on JAX, then on torch for the scenarios JAX cannot run; optionally only
the scenarios named):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_keras_io_examples_3.py
    KERAS_BACKEND=torch /work/kenv/bin/python scripts/goldens/make_keras_io_examples_3.py
"""

# (the examples' code as written: its unused settings and loop names kept)
# ruff: noqa: F841, B007

from __future__ import annotations

import os
import pathlib
import sys
import tempfile

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "keras_io_examples_3.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario
# (its goldens come from Keras's torch backend: JAX cannot run it)
torch_scenario = SCENARIOS.scenario_on("torch")

BOX = "┏┓┗┛┃━┡┩╇┳┻┯┷│─├┤┼└┘┌┐┬┴ "


def _summary(model):
    """`summary()`'s lines with text (the rules left out, runs of spaces as one)."""
    lines = []
    model.summary(print_fn=lambda s, **kw: lines.append(s))
    rows = [" ".join(line.split()) for line in "\n".join(lines).splitlines()]
    return [row for row in rows if row.strip(BOX)]


def _init(model, seed=0, keep=()):
    """Every trainable weight drawn from one RNG, in `trainable_weights` order (Keras's),
    but those of the layers named in `keep` (a layer whose weights are a fixed transform)."""
    rng = np.random.default_rng(seed)
    for w in model.trainable_weights:
        if any(w.path.startswith(f"{name}/") for name in keep):
            continue
        shape = tuple(w.shape)
        if w.path.endswith(("bias", "beta")):
            value = rng.normal(0.0, 0.05, shape)
        elif w.path.endswith("gamma"):
            value = rng.uniform(0.8, 1.2, shape)
        else:
            fan_in = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
            value = rng.normal(0.0, 1.0 / np.sqrt(max(fan_in, 1)), shape)
        w.assign(value.astype("float32"))


def _f(x, digits=6):
    return np.round(np.asarray(x, dtype="float64"), digits).tolist()


def _hist(history):
    return {k: _f(v) for k, v in sorted(history.history.items())}


def _images(n, size=8, channels=3, num_classes=10, seed=0):
    """CIFAR-like uint8 images: a blob at a label-dependent place and colour, plus noise."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, num_classes, n)
    yy, xx = np.mgrid[0:size, 0:size]
    x = np.empty((n, size, size, channels), "float64")
    for i, label in enumerate(y):
        cy, cx = 1 + (label % 5) * (size - 2) / 4, 1 + (label // 5) * (size - 3)
        blob = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / 3.0)
        for c in range(channels):
            x[i, :, :, c] = blob * (0.4 + 0.6 * ((label + c) % 3) / 2)
    x = np.clip(x * 230 + rng.normal(0, 20, x.shape), 0, 255).astype("uint8")
    return x, y.astype("uint8").reshape(-1, 1)


# ---- nlp/text_classification_with_transformer.py -----------------------------------------


@scenario
def text_classification_with_transformer(keras):
    layers, ops = keras.layers, keras.ops

    class TransformerBlock(layers.Layer):
        def __init__(self, embed_dim, num_heads, ff_dim, rate=0.1):
            super().__init__()
            self.att = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
            self.ffn = keras.Sequential(
                [
                    layers.Dense(ff_dim, activation="relu"),
                    layers.Dense(embed_dim),
                ]
            )
            self.layernorm1 = layers.LayerNormalization(epsilon=1e-6)
            self.layernorm2 = layers.LayerNormalization(epsilon=1e-6)
            self.dropout1 = layers.Dropout(rate)
            self.dropout2 = layers.Dropout(rate)

        def call(self, inputs):
            attn_output = self.att(inputs, inputs)
            attn_output = self.dropout1(attn_output)
            out1 = self.layernorm1(inputs + attn_output)
            ffn_output = self.ffn(out1)
            ffn_output = self.dropout2(ffn_output)
            return self.layernorm2(out1 + ffn_output)

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

    vocab_size = 50  # Only consider the top 20k words (50 here)
    maxlen = 12  # Only consider the first 200 words of each movie review (12 here)
    # (keras.datasets.imdb.load_data: ragged lists of word indices, labels 0/1)
    rng = np.random.default_rng(3)
    reviews = [list(rng.integers(1, vocab_size, rng.integers(4, 20))) for _ in range(48)]
    labels = np.array([int(np.mean(r) > vocab_size / 2) for r in reviews])
    x_train, y_train = reviews[:32], labels[:32]
    x_val, y_val = reviews[32:], labels[32:]
    x_train = keras.utils.pad_sequences(x_train, maxlen=maxlen)
    x_val = keras.utils.pad_sequences(x_val, maxlen=maxlen)

    embed_dim = 8  # Embedding size for each token
    num_heads = 2  # Number of attention heads
    ff_dim = 8  # Hidden layer size in feed forward network inside transformer

    inputs = layers.Input(shape=(maxlen,))
    embedding_layer = TokenAndPositionEmbedding(maxlen, vocab_size, embed_dim)
    x = embedding_layer(inputs)
    transformer_block = TransformerBlock(embed_dim, num_heads, ff_dim, rate=0.0)  # (0.1)
    x = transformer_block(x)
    x = layers.GlobalAveragePooling1D()(x)
    x = layers.Dropout(0.0)(x)  # (0.1)
    x = layers.Dense(20, activation="relu")(x)
    x = layers.Dropout(0.0)(x)  # (0.1)
    outputs = layers.Dense(2, activation="softmax")(x)

    model = keras.Model(inputs=inputs, outputs=outputs)
    _init(model)
    out = {"summary": _summary(model), "padded": x_train[:2].tolist()}
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(
        x_train,
        y_train,
        batch_size=8,
        epochs=2,
        validation_data=(x_val, y_val),
        shuffle=False,
        verbose=0,
    )
    out["history"] = _hist(history)
    out["predict"] = _f(model.predict(x_val[:4], verbose=0))
    out["n_weights"] = len(model.weights)
    return out


# ---- vision/pointnet.py (Keras 3: conv_bn / dense_bn and the ops regularizer) -----------


@scenario
def pointnet(keras):
    layers, ops = keras.layers, keras.ops
    NUM_POINTS = 16  # (2048)
    NUM_CLASSES = 4  # (10)
    BATCH_SIZE = 8  # (32)

    def conv_bn(x, filters):
        x = layers.Conv1D(filters, kernel_size=1, padding="valid")(x)
        x = layers.BatchNormalization(momentum=0.0)(x)
        return layers.Activation("relu")(x)

    def dense_bn(x, filters):
        x = layers.Dense(filters)(x)
        x = layers.BatchNormalization(momentum=0.0)(x)
        return layers.Activation("relu")(x)

    class OrthogonalRegularizer(keras.regularizers.Regularizer):
        def __init__(self, num_features, l2reg=0.001):
            self.num_features = num_features
            self.l2reg = l2reg
            self.eye = ops.eye(num_features)

        def __call__(self, x):
            x = ops.reshape(x, (-1, self.num_features, self.num_features))
            xxt = ops.tensordot(x, x, axes=(2, 2))
            xxt = ops.reshape(xxt, (-1, self.num_features, self.num_features))
            return ops.sum(self.l2reg * ops.square(xxt - self.eye))

        def get_config(self):
            config = super().get_config()
            config.update({"num_features": self.num_features, "l2reg_strength": self.l2reg})
            return config

    def tnet(inputs, num_features):
        # Initialise bias as the identity matrix
        bias = keras.initializers.Constant(np.eye(num_features).flatten())
        reg = OrthogonalRegularizer(num_features)

        x = conv_bn(inputs, 4)  # (32)
        x = conv_bn(x, 8)  # (64)
        x = conv_bn(x, 16)  # (512)
        x = layers.GlobalMaxPooling1D()(x)
        x = dense_bn(x, 8)  # (256)
        x = dense_bn(x, 4)  # (128)
        x = layers.Dense(
            num_features * num_features,
            kernel_initializer="zeros",
            bias_initializer=bias,
            activity_regularizer=reg,
        )(x)
        feat_T = layers.Reshape((num_features, num_features))(x)
        # Apply affine transformation to input features
        return layers.Dot(axes=(2, 1))([inputs, feat_T])

    inputs = keras.Input(shape=(NUM_POINTS, 3))

    x = tnet(inputs, 3)
    x = conv_bn(x, 4)  # (32)
    x = conv_bn(x, 4)  # (32)
    x = tnet(x, 4)  # (32)
    x = conv_bn(x, 4)  # (32)
    x = conv_bn(x, 8)  # (64)
    x = conv_bn(x, 16)  # (512)
    x = layers.GlobalMaxPooling1D()(x)
    x = dense_bn(x, 8)  # (256)
    x = layers.Dropout(0.0)(x)  # (0.3)
    x = dense_bn(x, 4)  # (128)
    x = layers.Dropout(0.0)(x)  # (0.3)

    outputs = layers.Dense(NUM_CLASSES, activation="softmax")(x)

    model = keras.Model(inputs=inputs, outputs=outputs, name="pointnet")
    _init(model)
    out = {"summary": _summary(model)}

    # (ModelNet10 point clouds sampled with trimesh: NUM_POINTS xyz points a shape; the
    # augmentation's jitter, shuffle and rotation left out)
    rng = np.random.default_rng(4)
    labels = rng.integers(0, NUM_CLASSES, 40)
    scales = np.array([[1, 1, 1], [2, 0.5, 1], [0.5, 0.5, 2], [1, 2, 0.3]])
    points = rng.normal(size=(40, NUM_POINTS, 3)) * scales[labels][:, None, :]
    train_points, test_points = points[:32], points[32:]
    train_labels, test_labels = labels[:32], labels[32:]

    model.compile(
        loss="sparse_categorical_crossentropy",
        optimizer=keras.optimizers.Adam(learning_rate=0.001),
        metrics=["sparse_categorical_accuracy"],
    )
    history = model.fit(
        train_points,
        train_labels,
        batch_size=BATCH_SIZE,
        epochs=3,
        validation_data=(test_points, test_labels),
        shuffle=False,
        verbose=0,
    )
    out["history"] = _hist(history)
    preds = model.predict(test_points[:4], verbose=0)
    out["predict"] = _f(preds)
    out["evaluate"] = _f(model.evaluate(test_points, test_labels, verbose=0))
    model(test_points[:2])
    out["losses"] = [_f(loss) for loss in model.losses]
    regularized = [layer for layer in model.layers if layer.activity_regularizer is not None]
    out["regularized"] = [layer.name for layer in regularized]
    # (the example's get_config calls Regularizer.get_config, which raises)
    out["get_config_error"] = builtin_error(regularized[0].get_config)
    return out


# ---- vision/convmixer.py -----------------------------------------------------------------


@scenario
def convmixer(keras):
    layers = keras.layers
    learning_rate = 0.001
    weight_decay = 0.0001
    batch_size = 16  # (128)
    num_epochs = 3  # (10)

    x_all, y_all = _images(60, size=8, seed=1)  # (keras.datasets.cifar10.load_data())
    x_train, y_train, x_test, y_test = x_all[:48], y_all[:48], x_all[48:], y_all[48:]
    val_split = 0.25  # (0.1)
    val_indices = int(len(x_train) * val_split)
    new_x_train, new_y_train = x_train[val_indices:], y_train[val_indices:]
    x_val, y_val = x_train[:val_indices], y_train[:val_indices]

    def activation_block(x):
        x = layers.Activation("gelu")(x)
        return layers.BatchNormalization()(x)

    def conv_stem(x, filters: int, patch_size: int):
        x = layers.Conv2D(filters, kernel_size=patch_size, strides=patch_size)(x)
        return activation_block(x)

    def conv_mixer_block(x, filters: int, kernel_size: int):
        # Depthwise convolution.
        x0 = x
        x = layers.DepthwiseConv2D(kernel_size=kernel_size, padding="same")(x)
        x = layers.Add()([activation_block(x), x0])  # Residual.

        # Pointwise convolution.
        x = layers.Conv2D(filters, kernel_size=1)(x)
        x = activation_block(x)

        return x

    def get_conv_mixer_256_8(
        image_size=32, filters=256, depth=8, kernel_size=5, patch_size=2, num_classes=10
    ):
        """ConvMixer-256/8: https://openreview.net/pdf?id=TVHS5Y4dNvM.
        The hyperparameter values are taken from the paper.
        """
        inputs = keras.Input((image_size, image_size, 3))
        x = layers.Rescaling(scale=1.0 / 255)(inputs)

        # Extract patch embeddings.
        x = conv_stem(x, filters, patch_size)

        # ConvMixer blocks.
        for _ in range(depth):
            x = conv_mixer_block(x, filters, kernel_size)

        # Classification block.
        x = layers.GlobalAvgPool2D()(x)
        outputs = layers.Dense(num_classes, activation="softmax")(x)

        return keras.Model(inputs, outputs)

    def run_experiment(model):
        optimizer = keras.optimizers.AdamW(learning_rate=learning_rate, weight_decay=weight_decay)

        model.compile(
            optimizer=optimizer,
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )

        checkpoint_filepath = os.path.join(tempfile.mkdtemp(), "checkpoint.weights.h5")
        checkpoint_callback = keras.callbacks.ModelCheckpoint(
            checkpoint_filepath,
            monitor="val_accuracy",
            save_best_only=True,
            save_weights_only=True,
        )

        history = model.fit(
            new_x_train,
            new_y_train,
            batch_size=batch_size,
            validation_data=(x_val, y_val),
            epochs=num_epochs,
            callbacks=[checkpoint_callback],
            shuffle=False,
            verbose=0,
        )

        model.load_weights(checkpoint_filepath)
        _, accuracy = model.evaluate(x_test, y_test, verbose=0)
        return history, model, accuracy

    # (ConvMixer-256/8 at 8x8 images, 8 filters, depth 2, kernel 3)
    conv_mixer_model = get_conv_mixer_256_8(image_size=8, filters=8, depth=2, kernel_size=3)
    _init(conv_mixer_model)
    out = {"summary": _summary(conv_mixer_model)}
    history, conv_mixer_model, accuracy = run_experiment(conv_mixer_model)
    out["history"] = _hist(history)
    out["test_accuracy"] = _f(accuracy)
    out["predict"] = _f(conv_mixer_model.predict(x_test[:3], verbose=0))
    patch_embeddings = conv_mixer_model.layers[2].get_weights()[0]
    out["patch_embeddings_shape"] = list(patch_embeddings.shape)
    out["kernel_layers"] = [
        i
        for i, layer in enumerate(conv_mixer_model.layers)
        if isinstance(layer, layers.DepthwiseConv2D) and layer.get_config()["kernel_size"] == (3, 3)
    ]
    return out


# ---- keras_recipes/approximating_non_function_mappings.py (mixture density network) -----


@scenario
def mixture_density_network(keras):
    """The MDN recipe: a custom activation, a layer that owns three Dense layers, builds
    them itself and overrides `trainable_weights`, and a mixture loss. The recipe computes
    the loss with TensorFlow Probability (TensorFlow only); here it is the same negative
    log-likelihood of a mixture of diagonal Gaussians, written with keras.ops."""
    layers, callbacks, ops = keras.layers, keras.callbacks, keras.ops
    import math
    import random

    def normalize(x):
        return (x - np.min(x)) / (np.max(x) - np.min(x))

    def create_noisy_spiral(n, max_jitter=0.2, size_range=[5, 10]):  # noqa: B006
        R_X = random.choice(range(size_range[0], size_range[1], 10))
        R_Y = random.choice(range(size_range[0], size_range[1], 10))
        X_0 = random.random() * 100 - 50
        Y_0 = random.random() * 100 - 50

        randomized_jitter = lambda: random.uniform(-max_jitter / 2, max_jitter / 2)  # noqa: E731
        x = lambda _t: _t / 360.0 * math.cos(_t / 90.0 * math.pi) * R_X + X_0  # noqa: E731
        y = lambda _t: _t / 360.0 * math.sin(_t / 90.0 * math.pi) * R_Y + Y_0  # noqa: E731

        out = np.zeros([n, 2])

        for i in range(n):
            t = 360.0 / n * i
            out[i, 0] = x(t) + randomized_jitter()
            out[i, 1] = y(t) + randomized_jitter()
        out = out.astype("float32")
        return (normalize(out[:, 0]) * 10) - 5, (normalize(out[:, 1]) * 10) - 5

    random.seed(5)  # (added: the same spiral in both runs)
    xs = []
    ys = []
    for _ in range(2):  # (10)
        x, y = create_noisy_spiral(50)  # (1000)
        xs.append(x)
        ys.append(y)
    x = np.concatenate(xs, axis=0)
    y = np.concatenate(ys, axis=0)
    x = np.expand_dims(x, axis=1)

    N_HIDDEN = 8  # (128)
    model = keras.Sequential(
        [
            layers.Dense(N_HIDDEN, activation="relu"),
            layers.Dense(N_HIDDEN, activation="relu"),
            layers.Dense(1),
        ]
    )
    model.compile(optimizer="adam", loss="mse")
    model.build((None, 1))  # (added: to draw its weights before fit)
    _init(model, seed=1)
    history = model.fit(
        x,
        y,
        epochs=6,  # (300)
        batch_size=16,  # (128)
        validation_split=0.15,
        callbacks=[callbacks.EarlyStopping(monitor="val_loss", patience=5)],
        shuffle=False,  # (added: Keras's shuffling order cannot be reproduced)
        verbose=0,
    )
    y_pred = model.predict(x, verbose=0)
    out = {"mse_history": _hist(history), "mse_pred": _f(y_pred[:4])}

    def elu_plus_one_plus_epsilon(x):
        return keras.activations.elu(x) + 1 + keras.backend.epsilon()

    class MixtureDensityOutput(layers.Layer):
        def __init__(self, output_dimension, num_mixtures, **kwargs):
            super().__init__(**kwargs)
            self.output_dim = output_dimension
            self.num_mix = num_mixtures
            self.mdn_mus = layers.Dense(
                self.num_mix * self.output_dim, name="mdn_mus"
            )  # mix*output vals, no activation
            self.mdn_sigmas = layers.Dense(
                self.num_mix * self.output_dim,
                activation=elu_plus_one_plus_epsilon,
                name="mdn_sigmas",
            )  # mix*output vals exp activation
            self.mdn_pi = layers.Dense(self.num_mix, name="mdn_pi")  # mix vals, logits

        def build(self, input_shape):
            self.mdn_mus.build(input_shape)
            self.mdn_sigmas.build(input_shape)
            self.mdn_pi.build(input_shape)
            super().build(input_shape)

        @property
        def trainable_weights(self):
            return (
                self.mdn_mus.trainable_weights
                + self.mdn_sigmas.trainable_weights
                + self.mdn_pi.trainable_weights
            )

        @property
        def non_trainable_weights(self):
            return (
                self.mdn_mus.non_trainable_weights
                + self.mdn_sigmas.non_trainable_weights
                + self.mdn_pi.non_trainable_weights
            )

        def call(self, x, mask=None):
            return layers.concatenate(
                [self.mdn_mus(x), self.mdn_sigmas(x), self.mdn_pi(x)], name="mdn_outputs"
            )

    OUTPUT_DIMS = 1
    N_MIXES = 3  # (20)

    mdn_network = keras.Sequential(
        [
            layers.Dense(N_HIDDEN, activation="relu"),
            layers.Dense(N_HIDDEN, activation="relu"),
            MixtureDensityOutput(OUTPUT_DIMS, N_MIXES),
        ]
    )

    def get_mixture_loss_func(output_dim, num_mixes):
        def mdn_loss_func(y_true, y_pred):
            # Reshape inputs in case this is used in a TimeDistribued layer
            y_pred = ops.reshape(y_pred, [-1, (2 * num_mixes * output_dim) + num_mixes])
            y_true = ops.reshape(y_true, [-1, output_dim])
            # Split the inputs into paramaters
            out_mu, out_sigma, out_pi = ops.split(
                y_pred,
                [num_mixes * output_dim, 2 * num_mixes * output_dim],
                axis=-1,
            )
            # (tfd.Mixture(tfd.Categorical, tfd.MultivariateNormalDiag).log_prob)
            mus = ops.reshape(out_mu, [-1, num_mixes, output_dim])
            sigs = ops.reshape(out_sigma, [-1, num_mixes, output_dim])
            z = (ops.expand_dims(y_true, 1) - mus) / sigs
            log_normal = ops.sum(
                -0.5 * ops.square(z) - ops.log(sigs) - 0.5 * np.log(2 * np.pi), axis=-1
            )
            log_pi = out_pi - ops.logsumexp(out_pi, axis=-1, keepdims=True)
            loss = ops.logsumexp(log_pi + log_normal, axis=-1)
            loss = ops.negative(loss)
            loss = ops.mean(loss)
            return loss

        return mdn_loss_func

    mdn_network.compile(loss=get_mixture_loss_func(OUTPUT_DIMS, N_MIXES), optimizer="adam")
    mdn_network.build((None, 1))  # (added: to draw its weights before fit)
    _init(mdn_network, seed=2)
    out["mdn_summary"] = _summary(mdn_network)
    out["mdn_weight_paths"] = [w.path for w in mdn_network.trainable_weights]
    history = mdn_network.fit(
        x,
        y,
        epochs=8,  # (300)
        batch_size=16,  # (128)
        validation_split=0.15,
        callbacks=[
            callbacks.EarlyStopping(monitor="loss", patience=10, restore_best_weights=True),
            callbacks.ReduceLROnPlateau(monitor="loss", patience=5),
        ],
        shuffle=False,  # (added: Keras's shuffling order cannot be reproduced)
        verbose=0,
    )
    out["mdn_history"] = _hist(history)
    y_pred_mixture = mdn_network.predict(x, verbose=0)
    out["mdn_pred_shape"] = list(y_pred_mixture.shape)
    out["mdn_pred"] = _f(y_pred_mixture[:3])
    return out


# ---- vision/mlp_image_classification.py (MLP-Mixer, FNet, gMLP) --------------------------


def _mlp_image_setup(keras):
    layers = keras.layers
    num_classes = 10
    input_shape = (8, 8, 3)  # (32, 32, 3)
    x_all, y_all = _images(56, size=8, seed=2)  # (keras.datasets.cifar100.load_data())
    data = (x_all[:40], y_all[:40]), (x_all[40:], y_all[40:])

    image_size = 12  # We'll resize input images to this size (64).
    patch_size = 4  # Size of the patches to be extracted from the input images (8).
    num_patches = (image_size // patch_size) ** 2  # Size of the data array.

    # (RandomFlip and RandomZoom left out)
    data_augmentation = keras.Sequential(
        [
            layers.Normalization(),
            layers.Resizing(image_size, image_size),
        ],
        name="data_augmentation",
    )
    # Compute the mean and the variance of the training data for normalization.
    data_augmentation.layers[0].adapt(data[0][0])

    class Patches(layers.Layer):
        def __init__(self, patch_size, **kwargs):
            super().__init__(**kwargs)
            self.patch_size = patch_size

        def call(self, x):
            patches = keras.ops.image.extract_patches(x, self.patch_size)
            batch_size = keras.ops.shape(patches)[0]
            num_patches = keras.ops.shape(patches)[1] * keras.ops.shape(patches)[2]
            patch_dim = keras.ops.shape(patches)[3]
            out = keras.ops.reshape(patches, (batch_size, num_patches, patch_dim))
            return out

    def build_classifier(blocks, embedding_dim, dropout_rate):
        inputs = layers.Input(shape=input_shape)
        # Augment data.
        augmented = data_augmentation(inputs)
        # Create patches.
        patches = Patches(patch_size)(augmented)
        # Encode patches to generate a [batch_size, num_patches, embedding_dim] tensor.
        x = layers.Dense(units=embedding_dim)(patches)
        # Process x using the module blocks.
        x = blocks(x)
        # Apply global average pooling to generate a [batch_size, embedding_dim] tensor.
        representation = layers.GlobalAveragePooling1D()(x)
        # Apply dropout.
        representation = layers.Dropout(rate=dropout_rate)(representation)
        # Compute logits outputs.
        logits = layers.Dense(num_classes)(representation)
        # Create the Keras model.
        return keras.Model(inputs=inputs, outputs=logits)

    def run_experiment(model, learning_rate=0.005, weight_decay=0.0001, batch_size=8):
        (x_train, y_train), (x_test, y_test) = data
        # Create Adam optimizer with weight decay.
        optimizer = keras.optimizers.AdamW(
            learning_rate=learning_rate,
            weight_decay=weight_decay,
        )
        # Compile the model.
        model.compile(
            optimizer=optimizer,
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=[
                keras.metrics.SparseCategoricalAccuracy(name="acc"),
                keras.metrics.SparseTopKCategoricalAccuracy(5, name="top5-acc"),
            ],
        )
        # Create a learning rate scheduler callback.
        reduce_lr = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1)
        # Create an early stopping callback.
        early_stopping = keras.callbacks.EarlyStopping(
            monitor="val_loss", patience=2, restore_best_weights=True
        )
        # Fit the model.
        history = model.fit(
            x=x_train,
            y=y_train,
            batch_size=batch_size,
            epochs=3,  # (50)
            validation_split=0.2,
            callbacks=[early_stopping, reduce_lr],
            shuffle=False,  # (added: Keras's shuffling order cannot be reproduced)
            verbose=0,
        )

        _, accuracy, top_5_accuracy = model.evaluate(x_test, y_test, verbose=0)
        # Return history to plot learning curves.
        return history, [accuracy, top_5_accuracy], float(model.optimizer.learning_rate)

    return num_patches, build_classifier, run_experiment, data


@scenario
def mlp_mixer(keras):
    layers = keras.layers
    num_patches, build_classifier, run_experiment, data = _mlp_image_setup(keras)
    embedding_dim = 8  # Number of hidden units (256).
    num_blocks = 2  # Number of blocks (4).
    dropout_rate = 0.0  # (0.2)

    class MLPMixerLayer(layers.Layer):
        def __init__(self, num_patches, hidden_units, dropout_rate, *args, **kwargs):
            super().__init__(*args, **kwargs)

            self.mlp1 = keras.Sequential(
                [
                    layers.Dense(units=num_patches, activation="gelu"),
                    layers.Dense(units=num_patches),
                    layers.Dropout(rate=dropout_rate),
                ]
            )
            self.mlp2 = keras.Sequential(
                [
                    layers.Dense(units=num_patches, activation="gelu"),
                    layers.Dense(units=hidden_units),
                    layers.Dropout(rate=dropout_rate),
                ]
            )
            self.normalize = layers.LayerNormalization(epsilon=1e-6)

        def build(self, input_shape):
            return super().build(input_shape)

        def call(self, inputs):
            # Apply layer normalization.
            x = self.normalize(inputs)
            # Transpose inputs from [num_batches, num_patches, hidden_units] to
            # [num_batches, hidden_units, num_patches].
            x_channels = keras.ops.transpose(x, axes=(0, 2, 1))
            # Apply mlp1 on each channel independently.
            mlp1_outputs = self.mlp1(x_channels)
            # Transpose mlp1_outputs back.
            mlp1_outputs = keras.ops.transpose(mlp1_outputs, axes=(0, 2, 1))
            # Add skip connection.
            x = mlp1_outputs + inputs
            # Apply layer normalization.
            x_patches = self.normalize(x)
            # Apply mlp2 on each patch independtenly.
            mlp2_outputs = self.mlp2(x_patches)
            # Add skip connection.
            x = x + mlp2_outputs
            return x

    mlpmixer_blocks = keras.Sequential(
        [MLPMixerLayer(num_patches, embedding_dim, dropout_rate) for _ in range(num_blocks)]
    )
    learning_rate = 0.005
    mlpmixer_classifier = build_classifier(mlpmixer_blocks, embedding_dim, dropout_rate)
    _init(mlpmixer_classifier)
    out = {"summary": _summary(mlpmixer_classifier)}
    history, test, lr = run_experiment(mlpmixer_classifier, learning_rate)
    out.update(history=_hist(history), test=_f(test), final_lr=_f(lr))
    out["predict"] = _f(mlpmixer_classifier.predict(data[1][0][:2], verbose=0))
    return out


@scenario
def fnet_and_gmlp(keras):
    layers = keras.layers
    num_patches, build_classifier, run_experiment, data = _mlp_image_setup(keras)
    embedding_dim = 8  # (256)
    num_blocks = 2  # (4)
    dropout_rate = 0.0  # (0.2)

    class FNetLayer(layers.Layer):
        def __init__(self, embedding_dim, dropout_rate, *args, **kwargs):
            super().__init__(*args, **kwargs)

            self.ffn = keras.Sequential(
                [
                    layers.Dense(units=embedding_dim, activation="gelu"),
                    layers.Dropout(rate=dropout_rate),
                    layers.Dense(units=embedding_dim),
                ]
            )

            self.normalize1 = layers.LayerNormalization(epsilon=1e-6)
            self.normalize2 = layers.LayerNormalization(epsilon=1e-6)

        def call(self, inputs):
            # Apply fourier transformations.
            real_part = inputs
            im_part = keras.ops.zeros_like(inputs)
            x = keras.ops.fft2((real_part, im_part))[0]
            # Add skip connection.
            x = x + inputs
            # Apply layer normalization.
            x = self.normalize1(x)
            # Apply Feedfowrad network.
            x_ffn = self.ffn(x)
            # Add skip connection.
            x = x + x_ffn
            # Apply layer normalization.
            return self.normalize2(x)

    class gMLPLayer(layers.Layer):
        def __init__(self, num_patches, embedding_dim, dropout_rate, *args, **kwargs):
            super().__init__(*args, **kwargs)

            self.channel_projection1 = keras.Sequential(
                [
                    layers.Dense(units=embedding_dim * 2, activation="gelu"),
                    layers.Dropout(rate=dropout_rate),
                ]
            )

            self.channel_projection2 = layers.Dense(units=embedding_dim)

            self.spatial_projection = layers.Dense(units=num_patches, bias_initializer="Ones")

            self.normalize1 = layers.LayerNormalization(epsilon=1e-6)
            self.normalize2 = layers.LayerNormalization(epsilon=1e-6)

        def spatial_gating_unit(self, x):
            # Split x along the channel dimensions.
            # Tensors u and v will in the shape of [batch_size, num_patchs, embedding_dim].
            u, v = keras.ops.split(x, indices_or_sections=2, axis=2)
            # Apply layer normalization.
            v = self.normalize2(v)
            # Apply spatial projection.
            v_channels = keras.ops.transpose(v, axes=(0, 2, 1))
            v_projected = self.spatial_projection(v_channels)
            v_projected = keras.ops.transpose(v_projected, axes=(0, 2, 1))
            # Apply element-wise multiplication.
            return u * v_projected

        def call(self, inputs):
            # Apply layer normalization.
            x = self.normalize1(inputs)
            # Apply the first channel projection. x_projected shape:
            # [batch_size, num_patches, embedding_dim * 2].
            x_projected = self.channel_projection1(x)
            # Apply the spatial gating unit. x_spatial shape:
            # [batch_size, num_patches, embedding_dim].
            x_spatial = self.spatial_gating_unit(x_projected)
            # Apply the second channel projection. x_projected shape:
            # [batch_size, num_patches, embedding_dim].
            x_projected = self.channel_projection2(x_spatial)
            # Add skip connection.
            return x + x_projected

    out = {}
    fnet_blocks = keras.Sequential(
        [FNetLayer(embedding_dim, dropout_rate) for _ in range(num_blocks)]
    )
    learning_rate = 0.001
    fnet_classifier = build_classifier(fnet_blocks, embedding_dim, dropout_rate)
    _init(fnet_classifier, seed=1)
    history, test, lr = run_experiment(fnet_classifier, learning_rate)
    out.update(fnet_history=_hist(history), fnet_test=_f(test), fnet_lr=_f(lr))
    out["fnet_predict"] = _f(fnet_classifier.predict(data[1][0][:2], verbose=0))

    gmlp_blocks = keras.Sequential(
        [gMLPLayer(num_patches, embedding_dim, dropout_rate) for _ in range(num_blocks)]
    )
    learning_rate = 0.003
    gmlp_classifier = build_classifier(gmlp_blocks, embedding_dim, dropout_rate)
    _init(gmlp_classifier, seed=2)
    out["gmlp_summary"] = _summary(gmlp_classifier)
    history, test, lr = run_experiment(gmlp_classifier, learning_rate)
    out.update(gmlp_history=_hist(history), gmlp_test=_f(test), gmlp_lr=_f(lr))
    out["gmlp_predict"] = _f(gmlp_classifier.predict(data[1][0][:2], verbose=0))
    return out


# ---- vision/cct.py (compact convolutional transformer) -----------------------------------


@scenario
def compact_convolutional_transformer(keras):
    layers = keras.layers
    positional_emb = True
    conv_layers = 2
    projection_dim = 8  # (128)

    num_heads = 2
    transformer_units = [
        projection_dim,
        projection_dim,
    ]
    transformer_layers = 2
    stochastic_depth_rate = 0.0  # (0.1: random per sample while training)

    learning_rate = 0.001
    weight_decay = 0.0001
    batch_size = 8  # (128)
    num_epochs = 2  # (30)
    image_size = 8  # (32)

    num_classes = 10
    input_shape = (8, 8, 3)  # (32, 32, 3)
    x_all, y_all = _images(50, size=8, seed=3)  # (keras.datasets.cifar10.load_data())
    x_train, y_train, x_test, y_test = x_all[:40], y_all[:40], x_all[40:], y_all[40:]
    y_train = keras.utils.to_categorical(y_train, num_classes)
    y_test = keras.utils.to_categorical(y_test, num_classes)

    class CCTTokenizer(layers.Layer):
        def __init__(
            self,
            kernel_size=3,
            stride=1,
            padding=1,
            pooling_kernel_size=3,
            pooling_stride=2,
            num_conv_layers=conv_layers,
            num_output_channels=[4, 8],  # noqa: B006 ([64, 128])
            positional_emb=positional_emb,
            **kwargs,
        ):
            super().__init__(**kwargs)

            # This is our tokenizer.
            self.conv_model = keras.Sequential()
            for i in range(num_conv_layers):
                self.conv_model.add(
                    layers.Conv2D(
                        num_output_channels[i],
                        kernel_size,
                        stride,
                        padding="valid",
                        use_bias=False,
                        activation="relu",
                        kernel_initializer="he_normal",
                    )
                )
                self.conv_model.add(layers.ZeroPadding2D(padding))
                self.conv_model.add(
                    layers.MaxPooling2D(pooling_kernel_size, pooling_stride, "same")
                )

            self.positional_emb = positional_emb

        def call(self, images):
            outputs = self.conv_model(images)
            # After passing the images through our mini-network the spatial dimensions
            # are flattened to form sequences.
            reshaped = keras.ops.reshape(
                outputs,
                (
                    -1,
                    keras.ops.shape(outputs)[1] * keras.ops.shape(outputs)[2],
                    keras.ops.shape(outputs)[-1],
                ),
            )
            return reshaped

    class PositionEmbedding(keras.layers.Layer):
        def __init__(
            self,
            sequence_length,
            initializer="glorot_uniform",
            **kwargs,
        ):
            super().__init__(**kwargs)
            if sequence_length is None:
                raise ValueError("`sequence_length` must be an Integer, received `None`.")
            self.sequence_length = int(sequence_length)
            self.initializer = keras.initializers.get(initializer)

        def get_config(self):
            config = super().get_config()
            config.update(
                {
                    "sequence_length": self.sequence_length,
                    "initializer": keras.initializers.serialize(self.initializer),
                }
            )
            return config

        def build(self, input_shape):
            feature_size = input_shape[-1]
            self.position_embeddings = self.add_weight(
                name="embeddings",
                shape=[self.sequence_length, feature_size],
                initializer=self.initializer,
                trainable=True,
            )

            super().build(input_shape)

        def call(self, inputs, start_index=0):
            shape = keras.ops.shape(inputs)
            feature_length = shape[-1]
            sequence_length = shape[-2]
            # trim to match the length of the input sequence, which might be less
            # than the sequence_length of the layer.
            position_embeddings = keras.ops.convert_to_tensor(self.position_embeddings)
            position_embeddings = keras.ops.slice(
                position_embeddings,
                (start_index, 0),
                (sequence_length, feature_length),
            )
            return keras.ops.broadcast_to(position_embeddings, shape)

        def compute_output_shape(self, input_shape):
            return input_shape

    class SequencePooling(layers.Layer):
        def __init__(self):
            super().__init__()
            self.attention = layers.Dense(1)

        def call(self, x):
            attention_weights = keras.ops.softmax(self.attention(x), axis=1)
            attention_weights = keras.ops.transpose(attention_weights, axes=(0, 2, 1))
            weighted_representation = keras.ops.matmul(attention_weights, x)
            return keras.ops.squeeze(weighted_representation, -2)

    class StochasticDepth(layers.Layer):
        def __init__(self, drop_prop, **kwargs):
            super().__init__(**kwargs)
            self.drop_prob = drop_prop
            self.seed_generator = keras.random.SeedGenerator(1337)

        def call(self, x, training=None):
            if training:
                keep_prob = 1 - self.drop_prob
                shape = (keras.ops.shape(x)[0],) + (1,) * (len(x.shape) - 1)
                random_tensor = keep_prob + keras.random.uniform(
                    shape, 0, 1, seed=self.seed_generator
                )
                random_tensor = keras.ops.floor(random_tensor)
                return (x / keep_prob) * random_tensor
            return x

    # (RandomCrop and RandomFlip left out)
    data_augmentation = keras.Sequential(
        [layers.Rescaling(scale=1.0 / 255)],
        name="data_augmentation",
    )

    def mlp(x, hidden_units, dropout_rate):
        for units in hidden_units:
            x = layers.Dense(units, activation=keras.ops.gelu)(x)
            x = layers.Dropout(dropout_rate)(x)
        return x

    def create_cct_model(
        image_size=image_size,
        input_shape=input_shape,
        num_heads=num_heads,
        projection_dim=projection_dim,
        transformer_units=transformer_units,
    ):
        inputs = layers.Input(input_shape)

        # Augment data.
        augmented = data_augmentation(inputs)

        # Encode patches.
        cct_tokenizer = CCTTokenizer()
        encoded_patches = cct_tokenizer(augmented)

        # Apply positional embedding.
        if positional_emb:
            sequence_length = encoded_patches.shape[1]
            encoded_patches += PositionEmbedding(sequence_length=sequence_length)(encoded_patches)

        # Calculate Stochastic Depth probabilities.
        dpr = [x for x in np.linspace(0, stochastic_depth_rate, transformer_layers)]

        # Create multiple layers of the Transformer block.
        for i in range(transformer_layers):
            # Layer normalization 1.
            x1 = layers.LayerNormalization(epsilon=1e-5)(encoded_patches)

            # Create a multi-head attention layer.
            attention_output = layers.MultiHeadAttention(
                num_heads=num_heads,
                key_dim=projection_dim,
                dropout=0.0,  # (0.1)
            )(x1, x1)

            # Skip connection 1.
            attention_output = StochasticDepth(dpr[i])(attention_output)
            x2 = layers.Add()([attention_output, encoded_patches])

            # Layer normalization 2.
            x3 = layers.LayerNormalization(epsilon=1e-5)(x2)

            # MLP.
            x3 = mlp(x3, hidden_units=transformer_units, dropout_rate=0.0)  # (0.1)

            # Skip connection 2.
            x3 = StochasticDepth(dpr[i])(x3)
            encoded_patches = layers.Add()([x3, x2])

        # Apply sequence pooling.
        representation = layers.LayerNormalization(epsilon=1e-5)(encoded_patches)
        weighted_representation = SequencePooling()(representation)

        # Classify outputs.
        logits = layers.Dense(num_classes)(weighted_representation)
        # Create the Keras model.
        model = keras.Model(inputs=inputs, outputs=logits)
        return model

    def run_experiment(model):
        optimizer = keras.optimizers.AdamW(learning_rate=0.001, weight_decay=0.0001)

        model.compile(
            optimizer=optimizer,
            loss=keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1),
            metrics=[
                keras.metrics.CategoricalAccuracy(name="accuracy"),
                keras.metrics.TopKCategoricalAccuracy(5, name="top-5-accuracy"),
            ],
        )

        checkpoint_filepath = os.path.join(tempfile.mkdtemp(), "checkpoint.weights.h5")
        checkpoint_callback = keras.callbacks.ModelCheckpoint(
            checkpoint_filepath,
            monitor="val_accuracy",
            save_best_only=True,
            save_weights_only=True,
        )

        history = model.fit(
            x=x_train,
            y=y_train,
            batch_size=batch_size,
            epochs=num_epochs,
            validation_split=0.1,
            callbacks=[checkpoint_callback],
            shuffle=False,  # (added: Keras's shuffling order cannot be reproduced)
            verbose=0,
        )

        model.load_weights(checkpoint_filepath)
        _, accuracy, top_5_accuracy = model.evaluate(x_test, y_test, verbose=0)
        return history, [accuracy, top_5_accuracy]

    cct_model = create_cct_model()
    _init(cct_model)
    out = {"summary": _summary(cct_model)}
    history, test = run_experiment(cct_model)
    out.update(history=_hist(history), test=_f(test))
    out["predict"] = _f(cct_model.predict(x_test[:2], verbose=0))
    return out


# ---- vision/attention_mil_classification.py (multiple-instance learning) -----------------


@scenario
def attention_mil(keras):
    layers, ops = keras.layers, keras.ops
    POSITIVE_CLASS = 1
    BAG_COUNT = 12  # (1000)
    VAL_BAG_COUNT = 6  # (300)
    BAG_SIZE = 3
    PLOT_SIZE = 3
    ENSEMBLE_AVG_COUNT = 1

    def create_bags(input_data, input_labels, positive_class, bag_count, instance_count):
        # Set up bags.
        bags = []
        bag_labels = []

        # Normalize input data.
        input_data = np.divide(input_data, 255.0)

        # Count positive samples.
        count = 0

        for _ in range(bag_count):
            # Pick a fixed size random subset of samples.
            index = rng.choice(input_data.shape[0], instance_count, replace=False)
            instances_data = input_data[index]
            instances_labels = input_labels[index]

            # By default, all bags are labeled as 0.
            bag_label = 0

            # Check if there is at least a positive class in the bag.
            if positive_class in instances_labels:
                # Positive bag will be labeled as 1.
                bag_label = 1
                count += 1

            bags.append(instances_data)
            bag_labels.append(np.array([bag_label]))

        return (list(np.swapaxes(bags, 0, 1)), np.array(bag_labels))

    # (keras.datasets.mnist.load_data(): 8x8 digits here; np.random.choice from a seeded
    # Generator)
    rng = np.random.default_rng(6)
    x_all, y_all = _images(80, size=8, channels=1, seed=6)
    x_all, y_all = x_all[..., 0], y_all[:, 0] % 4
    train_data, train_labels = create_bags(
        x_all[:60], y_all[:60], POSITIVE_CLASS, BAG_COUNT, BAG_SIZE
    )
    val_data, val_labels = create_bags(
        x_all[60:], y_all[60:], POSITIVE_CLASS, VAL_BAG_COUNT, BAG_SIZE
    )

    class MILAttentionLayer(layers.Layer):
        """Implementation of the attention-based Deep MIL layer."""

        def __init__(
            self,
            weight_params_dim,
            kernel_initializer="glorot_uniform",
            kernel_regularizer=None,
            use_gated=False,
            **kwargs,
        ):
            super().__init__(**kwargs)

            self.weight_params_dim = weight_params_dim
            self.use_gated = use_gated

            self.v_init = keras.initializers.get(kernel_initializer)
            self.w_init = keras.initializers.get(kernel_initializer)
            self.u_init = keras.initializers.get(kernel_initializer)

            self.v_regularizer = keras.regularizers.get(kernel_regularizer)
            self.w_regularizer = keras.regularizers.get(kernel_regularizer)
            self.u_regularizer = keras.regularizers.get(kernel_regularizer)

        def build(self, input_shape):
            # Input shape.
            # List of 2D tensors with shape: (batch_size, input_dim).
            input_dim = input_shape[0][1]

            self.v_weight_params = self.add_weight(
                shape=(input_dim, self.weight_params_dim),
                initializer=self.v_init,
                name="v",
                regularizer=self.v_regularizer,
                trainable=True,
            )

            self.w_weight_params = self.add_weight(
                shape=(self.weight_params_dim, 1),
                initializer=self.w_init,
                name="w",
                regularizer=self.w_regularizer,
                trainable=True,
            )

            if self.use_gated:
                self.u_weight_params = self.add_weight(
                    shape=(input_dim, self.weight_params_dim),
                    initializer=self.u_init,
                    name="u",
                    regularizer=self.u_regularizer,
                    trainable=True,
                )
            else:
                self.u_weight_params = None

            self.input_built = True

        def call(self, inputs):
            # Assigning variables from the number of inputs.
            instances = [self.compute_attention_scores(instance) for instance in inputs]

            # Stack instances into a single tensor.
            instances = ops.stack(instances)

            # Apply softmax over instances such that the output summation is equal to 1.
            alpha = ops.softmax(instances, axis=0)

            # Split to recreate the same array of tensors we had as inputs.
            return [alpha[i] for i in range(alpha.shape[0])]

        def compute_attention_scores(self, instance):
            # Reserve in-case "gated mechanism" used.
            original_instance = instance

            # tanh(v*h_k^T)
            instance = ops.tanh(ops.tensordot(instance, self.v_weight_params, axes=1))

            # for learning non-linear relations efficiently.
            if self.use_gated:
                instance = instance * ops.sigmoid(
                    ops.tensordot(original_instance, self.u_weight_params, axes=1)
                )

            # w^T*(tanh(v*h_k^T)) / w^T*(tanh(v*h_k^T)*sigmoid(u*h_k^T))
            return ops.tensordot(instance, self.w_weight_params, axes=1)

    def create_model(instance_shape):
        # Extract features from inputs.
        inputs, embeddings = [], []
        shared_dense_layer_1 = layers.Dense(8, activation="relu")  # (128)
        shared_dense_layer_2 = layers.Dense(4, activation="relu")  # (64)
        for _ in range(BAG_SIZE):
            inp = layers.Input(instance_shape)
            flatten = layers.Flatten()(inp)
            dense_1 = shared_dense_layer_1(flatten)
            dense_2 = shared_dense_layer_2(dense_1)
            inputs.append(inp)
            embeddings.append(dense_2)

        # Invoke the attention layer.
        alpha = MILAttentionLayer(
            weight_params_dim=6,  # (256)
            kernel_regularizer=keras.regularizers.L2(0.01),
            use_gated=True,
            name="alpha",
        )(embeddings)

        # Multiply attention weights with the input layers.
        multiply_layers = [layers.multiply([alpha[i], embeddings[i]]) for i in range(len(alpha))]

        # Concatenate layers.
        concat = layers.concatenate(multiply_layers, axis=1)

        # Classification output node.
        output = layers.Dense(2, activation="softmax")(concat)

        return keras.Model(inputs, output)

    def compute_class_weights(labels):
        # Count number of postive and negative bags.
        negative_count = len(np.where(labels == 0)[0])
        positive_count = len(np.where(labels == 1)[0])
        # Build class weight dictionary.
        total_count = negative_count + positive_count
        return {
            0: (1 / negative_count) * (total_count / 2),
            1: (1 / positive_count) * (total_count / 2),
        }

    folder = tempfile.mkdtemp()

    def train(train_data, train_labels, val_data, val_labels, model):
        # Take the file name from the wrapper.
        file_path = os.path.join(folder, "best_model.weights.h5")

        # Initialize model checkpoint callback.
        model_checkpoint = keras.callbacks.ModelCheckpoint(
            file_path,
            monitor="val_loss",
            verbose=0,
            mode="min",
            save_best_only=True,
            save_weights_only=True,
        )

        # Initialize early stopping callback.
        # The model performance is monitored across the validation data and stops training
        # when the generalization error cease to decrease.
        early_stopping = keras.callbacks.EarlyStopping(monitor="val_loss", patience=10, mode="min")

        # Compile model.
        model.compile(
            optimizer="adam",
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )

        # Fit model.
        history = model.fit(
            train_data,
            train_labels,
            validation_data=(val_data, val_labels),
            epochs=3,  # (20)
            class_weight=compute_class_weights(train_labels),
            batch_size=1,
            callbacks=[early_stopping, model_checkpoint],
            shuffle=False,  # (added: Keras's shuffling order cannot be reproduced)
            verbose=0,
        )

        # Load best weights.
        model.load_weights(file_path)

        return model, history

    # Building model(s).
    instance_shape = train_data[0][0].shape
    models = [create_model(instance_shape) for _ in range(ENSEMBLE_AVG_COUNT)]
    for model in models:
        _init(model)
    out = {"summary": _summary(models[0]), "class_weights": compute_class_weights(train_labels)}
    out["class_weights"] = {str(k): _f(v) for k, v in out["class_weights"].items()}

    # Training model(s).
    trained = [train(train_data, train_labels, val_data, val_labels, model) for model in models]
    trained_models = [m for m, _ in trained]
    out["history"] = _hist(trained[0][1])

    def predict(data, labels, trained_models):
        # Collect info per model.
        models_predictions = []
        models_attention_weights = []
        models_losses = []
        models_accuracies = []

        for model in trained_models:
            # Predict output classes on data.
            predictions = model.predict(data, verbose=0)
            models_predictions.append(predictions)

            # Create intermediate model to get MIL attention layer weights.
            intermediate_model = keras.Model(model.input, model.get_layer("alpha").output)

            # Predict MIL attention layer weights.
            intermediate_predictions = intermediate_model.predict(data, verbose=0)

            attention_weights = np.squeeze(np.swapaxes(intermediate_predictions, 1, 0))
            models_attention_weights.append(attention_weights)

            loss, accuracy = model.evaluate(data, labels, verbose=0)
            models_losses.append(loss)
            models_accuracies.append(accuracy)

        return (
            np.sum(models_predictions, axis=0) / ENSEMBLE_AVG_COUNT,
            np.sum(models_attention_weights, axis=0) / ENSEMBLE_AVG_COUNT,
            models_losses,
            models_accuracies,
        )

    class_predictions, attention_params, losses, accuracies = predict(
        val_data, val_labels, trained_models
    )
    out["class_predictions"] = _f(class_predictions[:PLOT_SIZE])
    out["attention_params"] = _f(attention_params[:PLOT_SIZE])
    out["losses"], out["accuracies"] = _f(losses), _f(accuracies)
    out["regularization_losses"] = len(trained_models[0].losses)
    return out


# ---- generative/pixelcnn.py (a masked kernel assigned inside call) -----------------------


@scenario
def pixelcnn(keras):
    layers, ops = keras.layers, keras.ops
    input_shape = (8, 8, 1)  # (28, 28, 1)
    n_residual_blocks = 2  # (5)

    # (keras.datasets.mnist.load_data(): x_train and x_test concatenated)
    x, _ = _images(40, size=8, channels=1, seed=7)
    data = x
    # Binarize the data.
    data = np.where(data < (0.33 * 256), 0, 1)
    data = data.astype(np.float32)

    # The first layer is the PixelCNN layer. This layer simply
    # builds on the 2D convolutional layer, but includes masking.
    class PixelConvLayer(layers.Layer):
        def __init__(self, mask_type, **kwargs):
            super().__init__()
            self.mask_type = mask_type
            self.conv = layers.Conv2D(**kwargs)

        def build(self, input_shape):
            # Build the conv2d layer to initialize kernel variables
            self.conv.build(input_shape)
            # Use the initialized kernel to create the mask
            kernel_shape = ops.shape(self.conv.kernel)
            self.mask = np.zeros(shape=kernel_shape)
            self.mask[: kernel_shape[0] // 2, ...] = 1.0
            self.mask[kernel_shape[0] // 2, : kernel_shape[1] // 2, ...] = 1.0
            if self.mask_type == "B":
                self.mask[kernel_shape[0] // 2, kernel_shape[1] // 2, ...] = 1.0

        def call(self, inputs):
            self.conv.kernel.assign(self.conv.kernel * self.mask)
            return self.conv(inputs)

    # Next, we build our residual block layer.
    # This is just a normal residual block, but based on the PixelConvLayer.
    class ResidualBlock(keras.layers.Layer):
        def __init__(self, filters, **kwargs):
            super().__init__(**kwargs)
            self.conv1 = keras.layers.Conv2D(filters=filters, kernel_size=1, activation="relu")
            self.pixel_conv = PixelConvLayer(
                mask_type="B",
                filters=filters // 2,
                kernel_size=3,
                activation="relu",
                padding="same",
            )
            self.conv2 = keras.layers.Conv2D(filters=filters, kernel_size=1, activation="relu")

        def call(self, inputs):
            x = self.conv1(inputs)
            x = self.pixel_conv(x)
            x = self.conv2(x)
            return keras.layers.add([inputs, x])

    inputs = keras.Input(shape=input_shape, batch_size=8)  # (128)
    x = PixelConvLayer(mask_type="A", filters=8, kernel_size=7, activation="relu", padding="same")(
        inputs
    )  # (128 filters)

    for _ in range(n_residual_blocks):
        x = ResidualBlock(filters=8)(x)  # (128)

    for _ in range(2):
        x = PixelConvLayer(
            mask_type="B",
            filters=8,  # (128)
            kernel_size=1,
            strides=1,
            activation="relu",
            padding="valid",
        )(x)

    out = keras.layers.Conv2D(
        filters=1, kernel_size=1, strides=1, activation="sigmoid", padding="valid"
    )(x)

    pixel_cnn = keras.Model(inputs, out)
    _init(pixel_cnn)
    adam = keras.optimizers.Adam(learning_rate=0.0005)
    pixel_cnn.compile(optimizer=adam, loss="binary_crossentropy")
    result = {"summary": _summary(pixel_cnn)}
    history = pixel_cnn.fit(
        x=data,
        y=data,
        batch_size=8,  # (128)
        epochs=2,  # (50)
        validation_split=0.2,  # (0.1)
        shuffle=False,  # (added: Keras's shuffling order cannot be reproduced)
        verbose=0,
    )
    result["history"] = _hist(history)
    # (the trained weights: Keras's JAX backend computes with the assigned (masked) kernel
    # inside each step, so the kernel's gradient passes through the mask, but keeps the
    # trainable variable's own value, which the optimizer updates: the masked-out entries
    # keep their initial values; its TensorFlow and torch backends store the masked one)
    result["weights"] = [_f(w) for w in pixel_cnn.trainable_weights]

    # Create an empty array of pixels.
    batch = 4
    pixels = np.zeros(shape=(batch,) + (pixel_cnn.input_shape)[1:])
    batch, rows, cols, channels = pixels.shape
    uniform = np.random.default_rng(8)  # (keras.random.uniform)

    # Iterate over the pixels because generation has to be done sequentially pixel by pixel.
    for row in range(2):  # (rows)
        for col in range(cols):
            for channel in range(channels):
                # Feed the whole array and retrieving the pixel value probabilities for the next
                # pixel.
                probs = pixel_cnn.predict(pixels, verbose=0)[:, row, col, channel]
                # Use the probabilities to pick pixel values and append the values to the image
                # frame.
                pixels[:, row, col, channel] = ops.ceil(probs - uniform.uniform(size=probs.shape))
    result["pixels"] = pixels[:, :2, :, 0].tolist()
    result["probs"] = _f(pixel_cnn.predict(pixels, verbose=0)[:, 2, :4, 0])
    # (predict, as fit's steps, leaves the first kernel's masked-out entries as they were)
    result["first_kernel"] = _f(pixel_cnn.trainable_weights[0])
    return result


# ---- nlp/lstm_seq2seq.py (Keras 3: saved as .keras, the inference models rebuilt) --------


@scenario
def lstm_seq2seq(keras):
    batch_size = 8  # Batch size for training (64).
    epochs = 2  # Number of epochs to train for (100).
    latent_dim = 8  # Latent dimensionality of the encoding space (256).

    # (fra.txt: made-up pairs of the same form, tab-separated, "\t" and "\n" around targets)
    words = ["go", "run", "hi", "wait", "stop", "help"]
    french = ["va", "cours", "salut", "attends", "arrete", "aide"]
    pairs = [(a, c) for a, c in zip(words, french)]
    lines = [f"{a} {b}.\t{c} {d} !\tCC" for a, c in pairs for b, d in pairs]
    input_texts = []
    target_texts = []
    input_characters = set()
    target_characters = set()
    for line in lines[: min(24, len(lines) - 1)]:  # (num_samples = 10000)
        input_text, target_text, _ = line.split("\t")
        # We use "tab" as the "start sequence" character
        # for the targets, and "\n" as "end sequence" character.
        target_text = "\t" + target_text + "\n"
        input_texts.append(input_text)
        target_texts.append(target_text)
        for char in input_text:
            if char not in input_characters:
                input_characters.add(char)
        for char in target_text:
            if char not in target_characters:
                target_characters.add(char)

    input_characters = sorted(list(input_characters))
    target_characters = sorted(list(target_characters))
    num_encoder_tokens = len(input_characters)
    num_decoder_tokens = len(target_characters)
    max_encoder_seq_length = max([len(txt) for txt in input_texts])
    max_decoder_seq_length = max([len(txt) for txt in target_texts])

    input_token_index = dict([(char, i) for i, char in enumerate(input_characters)])
    target_token_index = dict([(char, i) for i, char in enumerate(target_characters)])

    encoder_input_data = np.zeros(
        (len(input_texts), max_encoder_seq_length, num_encoder_tokens),
        dtype="float32",
    )
    decoder_input_data = np.zeros(
        (len(input_texts), max_decoder_seq_length, num_decoder_tokens),
        dtype="float32",
    )
    decoder_target_data = np.zeros(
        (len(input_texts), max_decoder_seq_length, num_decoder_tokens),
        dtype="float32",
    )

    for i, (input_text, target_text) in enumerate(zip(input_texts, target_texts)):
        for t, char in enumerate(input_text):
            encoder_input_data[i, t, input_token_index[char]] = 1.0
        encoder_input_data[i, t + 1 :, input_token_index[" "]] = 1.0
        for t, char in enumerate(target_text):
            # decoder_target_data is ahead of decoder_input_data by one timestep
            decoder_input_data[i, t, target_token_index[char]] = 1.0
            if t > 0:
                # decoder_target_data will be ahead by one timestep
                # and will not include the start character.
                decoder_target_data[i, t - 1, target_token_index[char]] = 1.0
        decoder_input_data[i, t + 1 :, target_token_index[" "]] = 1.0
        decoder_target_data[i, t:, target_token_index[" "]] = 1.0

    # Define an input sequence and process it.
    encoder_inputs = keras.Input(shape=(None, num_encoder_tokens))
    encoder = keras.layers.LSTM(latent_dim, return_state=True)
    encoder_outputs, state_h, state_c = encoder(encoder_inputs)

    # We discard `encoder_outputs` and only keep the states.
    encoder_states = [state_h, state_c]

    # Set up the decoder, using `encoder_states` as initial state.
    decoder_inputs = keras.Input(shape=(None, num_decoder_tokens))

    # We set up our decoder to return full output sequences,
    # and to return internal states as well. We don't use the
    # return states in the training model, but we will use them in inference.
    decoder_lstm = keras.layers.LSTM(latent_dim, return_sequences=True, return_state=True)
    decoder_outputs, _, _ = decoder_lstm(decoder_inputs, initial_state=encoder_states)
    decoder_dense = keras.layers.Dense(num_decoder_tokens, activation="softmax")
    decoder_outputs = decoder_dense(decoder_outputs)

    # Define the model that will turn
    # `encoder_input_data` & `decoder_input_data` into `decoder_target_data`
    model = keras.Model([encoder_inputs, decoder_inputs], decoder_outputs)
    _init(model)
    out = {"summary": _summary(model)}

    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(
        [encoder_input_data, decoder_input_data],
        decoder_target_data,
        batch_size=batch_size,
        epochs=epochs,
        validation_split=0.2,
        shuffle=False,  # (added: Keras's shuffling order cannot be reproduced)
        verbose=0,
    )
    out["history"] = _hist(history)
    # Save model
    path = os.path.join(tempfile.mkdtemp(), "s2s_model.keras")
    model.save(path)

    # Define sampling models
    # Restore the model and construct the encoder and decoder.
    model = keras.models.load_model(path)

    encoder_inputs = model.input[0]  # input_1
    encoder_outputs, state_h_enc, state_c_enc = model.layers[2].output  # lstm_1
    encoder_states = [state_h_enc, state_c_enc]
    encoder_model = keras.Model(encoder_inputs, encoder_states)

    decoder_inputs = model.input[1]  # input_2
    decoder_state_input_h = keras.Input(shape=(latent_dim,))
    decoder_state_input_c = keras.Input(shape=(latent_dim,))
    decoder_states_inputs = [decoder_state_input_h, decoder_state_input_c]
    decoder_lstm = model.layers[3]
    decoder_outputs, state_h_dec, state_c_dec = decoder_lstm(
        decoder_inputs, initial_state=decoder_states_inputs
    )
    decoder_states = [state_h_dec, state_c_dec]
    decoder_dense = model.layers[4]
    decoder_outputs = decoder_dense(decoder_outputs)
    decoder_model = keras.Model(
        [decoder_inputs] + decoder_states_inputs, [decoder_outputs] + decoder_states
    )

    # Reverse-lookup token index to decode sequences back to
    # something readable.
    reverse_target_char_index = dict((i, char) for char, i in target_token_index.items())

    def decode_sequence(input_seq):
        # Encode the input as state vectors.
        states_value = encoder_model.predict(input_seq, verbose=0)

        # Generate empty target sequence of length 1.
        target_seq = np.zeros((1, 1, num_decoder_tokens))
        # Populate the first character of target sequence with the start character.
        target_seq[0, 0, target_token_index["\t"]] = 1.0

        # Sampling loop for a batch of sequences
        # (to simplify, here we assume a batch of size 1).
        stop_condition = False
        decoded_sentence = ""
        while not stop_condition:
            output_tokens, h, c = decoder_model.predict([target_seq] + states_value, verbose=0)

            # Sample a token
            sampled_token_index = np.argmax(output_tokens[0, -1, :])
            sampled_char = reverse_target_char_index[sampled_token_index]
            decoded_sentence += sampled_char

            # Exit condition: either hit max length
            # or find stop character.
            if sampled_char == "\n" or len(decoded_sentence) > max_decoder_seq_length:
                stop_condition = True

            # Update the target sequence (of length 1).
            target_seq = np.zeros((1, 1, num_decoder_tokens))
            target_seq[0, 0, sampled_token_index] = 1.0

            # Update states
            states_value = [h, c]
        return decoded_sentence

    out["decoded"] = [decode_sequence(encoder_input_data[i : i + 1]) for i in range(2)]
    states = encoder_model.predict(encoder_input_data[:2], verbose=0)
    out["encoder_states"] = _f([s[:, :4] for s in states])
    out["layer_names"] = [type(layer).__name__ for layer in model.layers]
    return out


# ---- generative/text_generation_with_miniature_gpt.py ------------------------------------


@torch_scenario
def miniature_gpt(keras):
    layers, ops = keras.layers, keras.ops

    def causal_attention_mask(batch_size, n_dest, n_src, dtype):
        """
        Mask the upper half of the dot product matrix in self attention.
        This prevents flow of information from future tokens to current token.
        1's in the lower triangle, counting from the lower right corner.
        """
        i = ops.arange(n_dest)[:, None]
        j = ops.arange(n_src)
        m = i >= j - n_src + n_dest
        mask = ops.cast(m, dtype)
        mask = ops.reshape(mask, [1, n_dest, n_src])
        mult = ops.concatenate([ops.expand_dims(batch_size, -1), ops.convert_to_tensor([1, 1])], 0)
        return ops.tile(mask, mult)

    class TransformerBlock(layers.Layer):
        def __init__(self, embed_dim, num_heads, ff_dim, rate=0.1):
            super().__init__()
            self.att = layers.MultiHeadAttention(num_heads, embed_dim)
            self.ffn = keras.Sequential(
                [
                    layers.Dense(ff_dim, activation="relu"),
                    layers.Dense(embed_dim),
                ]
            )
            self.layernorm1 = layers.LayerNormalization(epsilon=1e-6)
            self.layernorm2 = layers.LayerNormalization(epsilon=1e-6)
            self.dropout1 = layers.Dropout(rate)
            self.dropout2 = layers.Dropout(rate)

        def call(self, inputs):
            input_shape = ops.shape(inputs)
            batch_size = input_shape[0]
            seq_len = input_shape[1]
            causal_mask = causal_attention_mask(batch_size, seq_len, seq_len, "bool")
            attention_output = self.att(inputs, inputs, attention_mask=causal_mask)
            attention_output = self.dropout1(attention_output)
            out1 = self.layernorm1(inputs + attention_output)
            ffn_output = self.ffn(out1)
            ffn_output = self.dropout2(ffn_output)
            return self.layernorm2(out1 + ffn_output)

    class TokenAndPositionEmbedding(layers.Layer):
        def __init__(self, maxlen, vocab_size, embed_dim):
            super().__init__()
            self.token_emb = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
            self.pos_emb = layers.Embedding(input_dim=maxlen, output_dim=embed_dim)

        def call(self, x):
            maxlen = ops.shape(x)[-1]
            positions = ops.arange(0, maxlen, 1)
            positions = self.pos_emb(positions)
            x = self.token_emb(x)
            return x + positions

    vocab_size = 30  # Only consider the top 20k words (30 here)
    maxlen = 10  # Max sequence size (80)
    embed_dim = 8  # Embedding size for each token (256)
    num_heads = 2  # Number of attention heads
    feed_forward_dim = 8  # Hidden layer size in feed forward network inside transformer

    def create_model():
        inputs = layers.Input(shape=(maxlen,), dtype="int32")
        embedding_layer = TokenAndPositionEmbedding(maxlen, vocab_size, embed_dim)
        x = embedding_layer(inputs)
        transformer_block = TransformerBlock(embed_dim, num_heads, feed_forward_dim, rate=0.0)
        x = transformer_block(x)
        outputs = layers.Dense(vocab_size)(x)
        model = keras.Model(inputs=inputs, outputs=[outputs, x])
        loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        model.compile(
            "adam",
            loss=[loss_fn, None],
        )  # No loss and optimization based on word embeddings from transformer block
        return model

    # (the IMDB reviews through TextVectorization: integer token ids, shifted by one word)
    rng = np.random.default_rng(9)
    tokenized = rng.integers(2, vocab_size, (24, maxlen + 1))
    tokenized[:, 1::2] = (tokenized[:, ::2][:, : maxlen // 2] * 3) % vocab_size
    x, y = tokenized[:, :-1], tokenized[:, 1:]
    vocab = ["", "[UNK]"] + [f"w{i}" for i in range(2, vocab_size)]

    class TextGenerator(keras.callbacks.Callback):
        """A callback to generate text from a trained model.
        1. Feed some starting prompt to the model
        2. Predict probabilities for the next token
        3. Sample the next token and add it to the next input
        """

        def __init__(self, max_tokens, start_tokens, index_to_word, top_k=10, print_every=1):
            self.max_tokens = max_tokens
            self.start_tokens = start_tokens
            self.index_to_word = index_to_word
            self.print_every = print_every
            self.k = top_k
            self.generated = []

        def sample_from(self, logits):
            logits, indices = ops.top_k(logits, k=self.k, sorted=True)
            indices = np.asarray(indices).astype("int32")
            preds = keras.activations.softmax(ops.expand_dims(logits, 0))[0]
            preds = np.asarray(preds).astype("float32")
            return np.random.choice(indices, p=preds)

        def detokenize(self, number):
            return self.index_to_word[number]

        def on_epoch_end(self, epoch, logs=None):
            start_tokens = [_ for _ in self.start_tokens]
            if (epoch + 1) % self.print_every != 0:
                return
            num_tokens_generated = 0
            tokens_generated = []
            while num_tokens_generated <= self.max_tokens:
                pad_len = maxlen - len(start_tokens)
                sample_index = len(start_tokens) - 1
                if pad_len < 0:
                    x = start_tokens[:maxlen]
                    sample_index = maxlen - 1
                elif pad_len > 0:
                    x = start_tokens + [0] * pad_len
                else:
                    x = start_tokens
                x = np.array([x])
                y, _ = self.model.predict(x, verbose=0)
                sample_token = self.sample_from(y[0][sample_index])
                tokens_generated.append(sample_token)
                start_tokens.append(sample_token)
                num_tokens_generated = len(tokens_generated)
            txt = " ".join([self.detokenize(_) for _ in self.start_tokens + tokens_generated])
            self.generated.append(txt)

    start_tokens = [5, 15, 25]
    num_tokens_generated = 4  # (40)
    text_gen_callback = TextGenerator(num_tokens_generated, start_tokens, vocab, top_k=3)

    model = create_model()
    _init(model)
    out = {"summary": _summary(model)}
    np.random.seed(10)  # (added: the same top-k draws in both runs)
    history = model.fit(
        x,
        y,
        batch_size=8,
        verbose=0,
        epochs=2,  # (25)
        shuffle=False,  # (added: Keras's shuffling order cannot be reproduced)
        callbacks=[text_gen_callback],
    )
    out["history"] = _hist(history)
    out["generated"] = text_gen_callback.generated
    logits, emb = model.predict(x[:2], verbose=0)
    out["logits"] = _f(logits[:, :3, :5])
    out["embeddings"] = _f(emb[:, -1, :4])
    out["evaluate"] = _f(model.evaluate(x, y, verbose=0))
    return out


# ---- vision/3D_image_classification.py (CT scans) ----------------------------------------


@scenario
def image_classification_3d(keras):
    layers = keras.layers

    def get_model(width=128, height=128, depth=64):
        """Build a 3D convolutional neural network model."""

        inputs = keras.Input((width, height, depth, 1))

        x = layers.Conv3D(filters=2, kernel_size=3, activation="relu")(inputs)  # (64)
        x = layers.MaxPool3D(pool_size=2)(x)
        x = layers.BatchNormalization()(x)

        x = layers.Conv3D(filters=2, kernel_size=3, activation="relu")(x)  # (64)
        x = layers.MaxPool3D(pool_size=2)(x)
        x = layers.BatchNormalization()(x)

        x = layers.Conv3D(filters=4, kernel_size=3, activation="relu")(x)  # (128)
        x = layers.MaxPool3D(pool_size=2)(x)
        x = layers.BatchNormalization()(x)

        x = layers.Conv3D(filters=4, kernel_size=3, activation="relu")(x)  # (256)
        x = layers.MaxPool3D(pool_size=2)(x)
        x = layers.BatchNormalization()(x)

        x = layers.GlobalAveragePooling3D()(x)
        x = layers.Dense(units=8, activation="relu")(x)  # (512)
        x = layers.Dropout(0.0)(x)  # (0.3)

        outputs = layers.Dense(units=1, activation="sigmoid")(x)

        # Define the model.
        model = keras.Model(inputs, outputs, name="3dcnn")
        return model

    # Build model.
    model = get_model(width=46, height=46, depth=46)  # (128, 128, 64)
    _init(model)
    out = {"summary": _summary(model)}

    # (the MosMedData CT volumes, resized and normalized to [0, 1]: a brighter blob in the
    # abnormal ones)
    rng = np.random.default_rng(11)
    n = 12
    labels = np.array([i % 2 for i in range(n)], "float32")
    grid = np.stack(np.meshgrid(*[np.linspace(-1, 1, 46)] * 3, indexing="ij"), -1)
    volumes = np.exp(-np.sum(grid**2, -1) * 3)[None] * (0.5 + 0.5 * labels[:, None, None, None])
    volumes = np.clip(volumes + rng.normal(0, 0.1, volumes.shape), 0, 1).astype("float32")
    volumes = volumes[..., None]
    x_train, y_train, x_val, y_val = volumes[:8], labels[:8], volumes[8:], labels[8:]

    # Compile model.
    initial_learning_rate = 0.0001
    lr_schedule = keras.optimizers.schedules.ExponentialDecay(
        initial_learning_rate, decay_steps=100000, decay_rate=0.96, staircase=True
    )
    model.compile(
        loss="binary_crossentropy",
        optimizer=keras.optimizers.Adam(learning_rate=lr_schedule),
        metrics=["acc"],
        run_eagerly=True,
    )

    # Define callbacks.
    path = os.path.join(tempfile.mkdtemp(), "3d_image_classification.keras")
    checkpoint_cb = keras.callbacks.ModelCheckpoint(path, save_best_only=True)
    early_stopping_cb = keras.callbacks.EarlyStopping(monitor="val_acc", patience=15)

    # Train the model, doing validation at the end of each epoch
    epochs = 2  # (100)
    history = model.fit(
        x_train,
        y_train,
        batch_size=2,
        validation_data=(x_val, y_val),
        epochs=epochs,
        shuffle=False,  # (True: Keras's shuffling order cannot be reproduced)
        verbose=0,
        callbacks=[checkpoint_cb, early_stopping_cb],
    )
    out["history"] = _hist(history)

    # Load best weights.
    model.load_weights(path)
    prediction = model.predict(np.expand_dims(x_val[0], axis=0), verbose=0)[0]
    scores = [1 - prediction[0], prediction[0]]
    out["scores"] = _f(scores)
    out["learning_rate"] = _f(model.optimizer.learning_rate)
    out["iterations"] = int(model.optimizer.iterations)
    return out


# ---- timeseries/timeseries_traffic_forecasting.py (graph convolution + LSTM) -------------


@scenario
def traffic_forecasting(keras):
    """The graph layers as written; the "mean" aggregation is tf.math.unsorted_segment_mean
    in the example (TensorFlow only): here a sum of ops.segment_sum over the counts."""
    import typing

    layers, ops = keras.layers, keras.ops

    def unsorted_segment_mean(data, segment_ids, num_segments):
        segment_ids = np.asarray(segment_ids)
        total = ops.segment_sum(data, segment_ids, num_segments=num_segments)
        counts = ops.segment_sum(ops.ones_like(data), segment_ids, num_segments=num_segments)
        return total / ops.maximum(counts, 1.0)

    class GraphInfo:
        def __init__(self, edges: typing.Tuple[list, list], num_nodes: int):  # noqa: UP006
            self.edges = edges
            self.num_nodes = num_nodes

    class GraphConv(layers.Layer):
        def __init__(
            self,
            in_feat,
            out_feat,
            graph_info: GraphInfo,
            aggregation_type="mean",
            combination_type="concat",
            activation: typing.Optional[str] = None,  # noqa: UP045
            **kwargs,
        ):
            super().__init__(**kwargs)
            self.in_feat = in_feat
            self.out_feat = out_feat
            self.graph_info = graph_info
            self.aggregation_type = aggregation_type
            self.combination_type = combination_type
            self.weight = self.add_weight(
                initializer=keras.initializers.GlorotUniform(),
                shape=(in_feat, out_feat),
                dtype="float32",
                trainable=True,
            )
            self.activation = layers.Activation(activation)

        def aggregate(self, neighbour_representations):
            aggregation_func = {
                "sum": ops.segment_sum,
                "mean": unsorted_segment_mean,
                "max": ops.segment_max,
            }.get(self.aggregation_type)

            if aggregation_func:
                return aggregation_func(
                    neighbour_representations,
                    self.graph_info.edges[0],
                    num_segments=self.graph_info.num_nodes,
                )

            raise ValueError(f"Invalid aggregation type: {self.aggregation_type}")

        def compute_nodes_representation(self, features):
            """Computes each nodes' representation.

            The nodes' representations are obtained by multiplying the features tensor with
            `self.weight`. Note that
            `self.weight` has shape `(in_feat, out_feat)`.

            Args:
                features: Tensor of shape `(num_nodes, batch_size, input_seq_len, in_feat)`

            Returns:
                A tensor of shape `(num_nodes, batch_size, input_seq_len, out_feat)`
            """
            return ops.matmul(features, self.weight)

        def compute_aggregated_messages(self, features):
            neighbour_representations = ops.take(features, self.graph_info.edges[1], axis=0)
            aggregated_messages = self.aggregate(neighbour_representations)
            return ops.matmul(aggregated_messages, self.weight)

        def update(self, nodes_representation, aggregated_messages):
            if self.combination_type == "concat":
                h = ops.concatenate([nodes_representation, aggregated_messages], axis=-1)
            elif self.combination_type == "add":
                h = nodes_representation + aggregated_messages
            else:
                raise ValueError(f"Invalid combination type: {self.combination_type}.")

            return self.activation(h)

        def call(self, features):
            """Forward pass.

            Args:
                features: tensor of shape `(num_nodes, batch_size, input_seq_len, in_feat)`

            Returns:
                A tensor of shape `(num_nodes, batch_size, input_seq_len, out_feat)`
            """
            nodes_representation = self.compute_nodes_representation(features)
            aggregated_messages = self.compute_aggregated_messages(features)
            return self.update(nodes_representation, aggregated_messages)

    class LSTMGC(layers.Layer):
        """Layer comprising a convolution layer followed by LSTM and dense layers."""

        def __init__(
            self,
            in_feat,
            out_feat,
            lstm_units: int,
            input_seq_len: int,
            output_seq_len: int,
            graph_info: GraphInfo,
            graph_conv_params: typing.Optional[dict] = None,  # noqa: UP045
            **kwargs,
        ):
            super().__init__(**kwargs)

            # graph conv layer
            if graph_conv_params is None:
                graph_conv_params = {
                    "aggregation_type": "mean",
                    "combination_type": "concat",
                    "activation": None,
                }
            self.graph_conv = GraphConv(in_feat, out_feat, graph_info, **graph_conv_params)

            self.lstm = layers.LSTM(lstm_units, activation="relu")
            self.dense = layers.Dense(output_seq_len)

            self.input_seq_len, self.output_seq_len = input_seq_len, output_seq_len

        def call(self, inputs):
            """Forward pass.

            Args:
                inputs: tensor of shape `(batch_size, input_seq_len, num_nodes, in_feat)`

            Returns:
                A tensor of shape `(batch_size, output_seq_len, num_nodes)`.
            """

            # convert shape to  (num_nodes, batch_size, input_seq_len, in_feat)
            inputs = ops.transpose(inputs, [2, 0, 1, 3])

            gcn_out = self.graph_conv(
                inputs
            )  # gcn_out has shape: (num_nodes, batch_size, input_seq_len, out_feat)
            shape = ops.shape(gcn_out)
            num_nodes, batch_size, input_seq_len, out_feat = (
                shape[0],
                shape[1],
                shape[2],
                shape[3],
            )

            # LSTM takes only 3D tensors as input
            gcn_out = ops.reshape(gcn_out, (batch_size * num_nodes, input_seq_len, out_feat))
            lstm_out = self.lstm(
                gcn_out
            )  # lstm_out has shape: (batch_size * num_nodes, lstm_units)

            dense_output = self.dense(
                lstm_out
            )  # dense_output has shape: (batch_size * num_nodes, output_seq_len)
            output = ops.reshape(dense_output, (num_nodes, batch_size, self.output_seq_len))
            return ops.transpose(
                output, [1, 2, 0]
            )  # returns Tensor of shape (batch_size, output_seq_len, num_nodes)

    # (PeMSD7 speeds: 5 road sections with made-up daily curves; the adjacency from the
    # distances turned into edges)
    num_nodes = 5
    t = np.arange(200)
    speeds = np.stack(
        [np.sin(t / 12.0 + k) + 0.1 * np.cos(t / 3.0 * (k + 1)) for k in range(num_nodes)], 1
    ).astype("float32")
    adjacency_matrix = np.eye(num_nodes) + np.eye(num_nodes, k=1) + np.eye(num_nodes, k=-1)
    node_indices, neighbor_indices = np.where(adjacency_matrix == 1)
    graph = GraphInfo(
        edges=(node_indices.tolist(), neighbor_indices.tolist()),
        num_nodes=adjacency_matrix.shape[0],
    )

    in_feat = 1
    batch_size = 16  # (64)
    epochs = 2  # (20)
    input_sequence_length = 6  # (12)
    forecast_horizon = 3
    multi_horizon = True  # (False: see below)
    out_feat = 4  # (10)
    lstm_units = 8  # (64)
    graph_conv_params = {
        "aggregation_type": "mean",
        "combination_type": "concat",
        "activation": None,
    }

    # (create_tf_dataset: sliding windows and the `forecast_horizon` steps after each. With
    # multi_horizon False the target is only the last of those steps, (batch, 1, nodes),
    # which the loss broadcasts against the model's (batch, 3, nodes) in Keras; numkeras
    # refuses targets that line up only by broadcasting, see the test)
    target_offset = input_sequence_length if multi_horizon else input_sequence_length + 2
    target_seq_length = forecast_horizon if multi_horizon else 1
    windows = np.stack([speeds[i : i + input_sequence_length] for i in range(64)])
    targets = np.stack(
        [speeds[i + target_offset : i + target_offset + target_seq_length] for i in range(64)]
    )
    inputs_data = windows[..., None]

    st_gcn = LSTMGC(
        in_feat,
        out_feat,
        lstm_units,
        input_sequence_length,
        forecast_horizon,
        graph,
        graph_conv_params,
    )
    inputs = layers.Input((input_sequence_length, graph.num_nodes, in_feat))
    outputs = st_gcn(inputs)

    model = keras.models.Model(inputs, outputs)
    _init(model)
    out = {"summary": _summary(model), "output_shape": list(outputs.shape)}
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=0.0002),
        loss=keras.losses.MeanSquaredError(),
    )
    y = targets
    history = model.fit(
        inputs_data[:48],
        y[:48],
        validation_data=(inputs_data[48:], y[48:]),
        batch_size=batch_size,
        epochs=epochs,
        shuffle=False,  # (added: Keras's shuffling order cannot be reproduced)
        callbacks=[keras.callbacks.EarlyStopping(patience=10)],
        verbose=0,
    )
    out["history"] = _hist(history)
    y_pred = model.predict(inputs_data[48:52], verbose=0)
    out["y_pred"] = _f(y_pred[:, 0, :])
    out["naive_mse"] = _f(np.square(inputs_data[48:, -1, :, 0] - y[48:, 0, :]).mean())
    return out


# ---- nlp/ner_with_transformers.py (a subclassed model and a masked custom loss) ----------


@scenario
def ner_with_transformers(keras):
    layers, ops = keras.layers, keras.ops

    class TransformerBlock(layers.Layer):
        def __init__(self, embed_dim, num_heads, ff_dim, rate=0.0):  # (rate=0.1)
            super().__init__()
            self.att = keras.layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
            self.ffn = keras.Sequential(
                [
                    keras.layers.Dense(ff_dim, activation="relu"),
                    keras.layers.Dense(embed_dim),
                ]
            )
            self.layernorm1 = keras.layers.LayerNormalization(epsilon=1e-6)
            self.layernorm2 = keras.layers.LayerNormalization(epsilon=1e-6)
            self.dropout1 = keras.layers.Dropout(rate)
            self.dropout2 = keras.layers.Dropout(rate)

        def call(self, inputs, training=False):
            attn_output = self.att(inputs, inputs)
            attn_output = self.dropout1(attn_output, training=training)
            out1 = self.layernorm1(inputs + attn_output)
            ffn_output = self.ffn(out1)
            ffn_output = self.dropout2(ffn_output, training=training)
            return self.layernorm2(out1 + ffn_output)

    class TokenAndPositionEmbedding(layers.Layer):
        def __init__(self, maxlen, vocab_size, embed_dim):
            super().__init__()
            self.token_emb = keras.layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
            self.pos_emb = keras.layers.Embedding(input_dim=maxlen, output_dim=embed_dim)

        def call(self, inputs):
            maxlen = ops.shape(inputs)[-1]
            positions = ops.arange(start=0, stop=maxlen, step=1)
            position_embeddings = self.pos_emb(positions)
            token_embeddings = self.token_emb(inputs)
            return token_embeddings + position_embeddings

    class NERModel(keras.Model):
        def __init__(self, num_tags, vocab_size, maxlen=128, embed_dim=32, num_heads=2, ff_dim=32):
            super().__init__()
            self.embedding_layer = TokenAndPositionEmbedding(maxlen, vocab_size, embed_dim)
            self.transformer_block = TransformerBlock(embed_dim, num_heads, ff_dim)
            self.dropout1 = layers.Dropout(0.0)  # (0.1)
            self.ff = layers.Dense(ff_dim, activation="relu")
            self.dropout2 = layers.Dropout(0.0)  # (0.1)
            self.ff_final = layers.Dense(num_tags, activation="softmax")

        def call(self, inputs, training=False):
            x = self.embedding_layer(inputs)
            x = self.transformer_block(x)
            x = self.dropout1(x, training=training)
            x = self.ff(x)
            x = self.dropout2(x, training=training)
            x = self.ff_final(x)
            return x

    # (CoNLL-2003 through StringLookup and padded_batch: token ids and tag ids, 0 padding)
    rng = np.random.default_rng(12)
    vocab_size = 40  # (20000 + 2)
    num_tags = 6  # (len(mapping) = 10)
    maxlen = 9  # (the longest sentence of each padded batch)
    lengths = rng.integers(3, maxlen + 1, 24)
    tokens = np.zeros((24, maxlen), "int64")
    tags = np.zeros((24, maxlen), "int64")
    for i, n in enumerate(lengths):
        tokens[i, :n] = rng.integers(2, vocab_size, n)
        tags[i, :n] = 1 + tokens[i, :n] % (num_tags - 1)

    class CustomNonPaddingTokenLoss(keras.losses.Loss):
        def __init__(self, name="custom_ner_loss"):
            super().__init__(name=name)

        def call(self, y_true, y_pred):
            loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=False, reduction=None)
            loss = loss_fn(y_true, y_pred)
            mask = ops.cast((y_true > 0), dtype="float32")
            loss = loss * mask
            return ops.sum(loss) / ops.sum(mask)

    ner_model = NERModel(num_tags, vocab_size, maxlen=maxlen, embed_dim=8, num_heads=2, ff_dim=8)
    ner_model(tokens[:2])  # (added: builds it, to draw its weights before fit)
    _init(ner_model)
    loss = CustomNonPaddingTokenLoss()
    ner_model.compile(optimizer="adam", loss=loss)
    history = ner_model.fit(tokens, tags, batch_size=8, epochs=3, shuffle=False, verbose=0)
    out = {"history": _hist(history), "summary": _summary(ner_model)}

    # Sample inference using the trained model
    sample_input = tokens[:2]
    output = ner_model.predict(sample_input, verbose=0)
    prediction = np.argmax(output, axis=-1)
    out["prediction"] = prediction.tolist()
    out["probs"] = _f(output[0, :3])

    def calculate_metrics(tokens, tags):
        all_true_tag_ids, all_predicted_tag_ids = [], []
        output = ner_model.predict(tokens, verbose=0)
        predicted_tag_ids = np.argmax(output, axis=-1).reshape([-1])
        true_tag_ids = np.reshape(tags, [-1])
        mask = (true_tag_ids > 0) & (predicted_tag_ids > 0)
        all_true_tag_ids.append(true_tag_ids[mask])
        all_predicted_tag_ids.append(predicted_tag_ids[mask])
        return np.concatenate(all_true_tag_ids), np.concatenate(all_predicted_tag_ids)

    true_ids, predicted_ids = calculate_metrics(tokens, tags)
    out["token_accuracy"] = _f(np.mean(true_ids == predicted_ids))
    out["loss_config"] = loss.get_config()
    out["evaluate"] = _f(ner_model.evaluate(tokens, tags, verbose=0))
    return out


# ---- structured_data/classification_with_grn_and_vsn.py (numeric features) --------------


@scenario
def grn_and_vsn(keras):
    """Gated residual networks and variable selection on the census features; the
    example's categorical features go through StringLookup + Embedding (string inputs:
    TensorFlow only), so here all features are numeric."""
    layers, ops = keras.layers, keras.ops
    NUMERIC_FEATURE_NAMES = ["age", "wage_per_hour", "capital_gains", "num_employees"]
    FEATURE_NAMES = NUMERIC_FEATURE_NAMES
    encoding_size = 8  # (16)
    learning_rate = 0.001
    dropout_rate = 0.0  # (0.15)
    batch_size = 16  # (265)
    num_epochs = 3  # (20)

    def create_model_inputs():
        inputs = {}
        for feature_name in FEATURE_NAMES:
            if feature_name in NUMERIC_FEATURE_NAMES:
                inputs[feature_name] = layers.Input(name=feature_name, shape=(), dtype="float32")
        return inputs

    def encode_inputs(inputs, encoding_size):
        encoded_features = []
        for feature_name in inputs:
            # Project the numeric feature to encoding_size using linear transformation.
            encoded_feature = ops.expand_dims(inputs[feature_name], -1)
            encoded_feature = layers.Dense(units=encoding_size)(encoded_feature)
            encoded_features.append(encoded_feature)
        return encoded_features

    class GatedLinearUnit(layers.Layer):
        def __init__(self, units):
            super().__init__()
            self.linear = layers.Dense(units)
            self.sigmoid = layers.Dense(units, activation="sigmoid")

        def call(self, inputs):
            return self.linear(inputs) * self.sigmoid(inputs)

    class GatedResidualNetwork(layers.Layer):
        def __init__(self, units, dropout_rate):
            super().__init__()
            self.units = units
            self.elu_dense = layers.Dense(units, activation="elu")
            self.linear_dense = layers.Dense(units)
            self.dropout = layers.Dropout(dropout_rate)
            self.gated_linear_unit = GatedLinearUnit(units)
            self.layer_norm = layers.LayerNormalization()
            self.project = layers.Dense(units)

        def call(self, inputs):
            x = self.elu_dense(inputs)
            x = self.linear_dense(x)
            x = self.dropout(x)
            if inputs.shape[-1] != self.units:
                inputs = self.project(inputs)
            x = inputs + self.gated_linear_unit(x)
            x = self.layer_norm(x)
            return x

    class VariableSelection(layers.Layer):
        def __init__(self, num_features, units, dropout_rate):
            super().__init__()
            self.grns = list()
            # Create a GRN for each feature independently
            for idx in range(num_features):
                grn = GatedResidualNetwork(units, dropout_rate)
                self.grns.append(grn)
            # Create a GRN for the concatenation of all the features
            self.grn_concat = GatedResidualNetwork(units, dropout_rate)
            self.softmax = layers.Dense(units=num_features, activation="softmax")

        def call(self, inputs):
            v = layers.concatenate(inputs)
            v = self.grn_concat(v)
            v = ops.expand_dims(self.softmax(v), axis=-1)

            x = []
            for idx, input in enumerate(inputs):
                x.append(self.grns[idx](input))
            x = ops.stack(x, axis=1)

            outputs = ops.squeeze(ops.matmul(ops.transpose(v, axes=[0, 2, 1]), x), axis=1)
            return outputs

    def create_model(encoding_size):
        inputs = create_model_inputs()
        feature_list = encode_inputs(inputs, encoding_size)
        num_features = len(feature_list)

        features = VariableSelection(num_features, encoding_size, dropout_rate)(feature_list)

        outputs = layers.Dense(units=1, activation="sigmoid")(features)
        model = keras.Model(inputs=inputs, outputs=outputs)
        return model

    model = create_model(encoding_size)
    _init(model)
    out = {"summary": _summary(model)}
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss=keras.losses.BinaryCrossentropy(),
        metrics=[keras.metrics.BinaryAccuracy(name="accuracy")],
    )

    # Create an early stopping callback.
    early_stopping = keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=5, restore_best_weights=True
    )

    # (the census CSV through tf.data: a dict of feature columns and the income label)
    rng = np.random.default_rng(13)
    n = 64
    data = {
        "age": rng.uniform(18, 80, n),
        "wage_per_hour": rng.uniform(0, 5, n),
        "capital_gains": rng.exponential(1.0, n),
        "num_employees": rng.integers(0, 7, n).astype("float64"),
    }
    data = {k: ((v - v.mean()) / v.std()).astype("float32") for k, v in data.items()}
    labels = (data["age"] + data["capital_gains"] + rng.normal(0, 0.5, n) > 0).astype("float32")
    train = {k: v[:48] for k, v in data.items()}
    valid = {k: v[48:] for k, v in data.items()}

    history = model.fit(
        train,
        labels[:48],
        batch_size=batch_size,
        epochs=num_epochs,
        validation_data=(valid, labels[48:]),
        callbacks=[early_stopping],
        shuffle=False,  # (added: Keras's shuffling order cannot be reproduced)
        verbose=0,
    )
    out["history"] = _hist(history)
    _, accuracy = model.evaluate(valid, labels[48:], verbose=0)
    out["test_accuracy"] = _f(accuracy)
    out["predict"] = _f(model.predict({k: v[:4] for k, v in valid.items()}, verbose=0))
    out["input_names"] = [t.name for t in model.inputs]
    return out


# ---- structured_data/deep_neural_decision_forests.py (numeric features) ------------------


@scenario
def neural_decision_forest(keras):
    """Models (keras.Model subclasses with add_weight in __init__) used as layers of a
    functional model, routing with ops over a symbolic batch size. The census data's
    categorical features go through StringLookup (TensorFlow only): numeric ones here."""
    layers, ops = keras.layers, keras.ops
    NUMERIC_FEATURE_NAMES = ["age", "education_num", "capital_gain", "hours_per_week"]
    FEATURE_NAMES = NUMERIC_FEATURE_NAMES
    TARGET_LABELS = [" <=50K", " >50K"]
    learning_rate = 0.01
    batch_size = 16  # (265)
    num_epochs = 2  # (10)

    def create_model_inputs():
        inputs = {}
        for feature_name in FEATURE_NAMES:
            if feature_name in NUMERIC_FEATURE_NAMES:
                inputs[feature_name] = layers.Input(name=feature_name, shape=(), dtype="float32")
        return inputs

    def encode_inputs(inputs):
        encoded_features = []
        for feature_name in inputs:
            # Use the numerical features as-is.
            encoded_feature = inputs[feature_name]
            if inputs[feature_name].shape[-1] is None:
                encoded_feature = keras.ops.expand_dims(encoded_feature, -1)
            encoded_features.append(encoded_feature)
        encoded_features = layers.concatenate(encoded_features)
        return encoded_features

    class NeuralDecisionTree(keras.Model):
        def __init__(self, depth, num_features, used_features_rate, num_classes):
            super().__init__()
            self.depth = depth
            self.num_leaves = 2**depth
            self.num_classes = num_classes

            # Create a mask for the randomly selected features.
            num_used_features = int(num_features * used_features_rate)
            one_hot = np.eye(num_features)
            sampled_feature_indices = np.random.choice(
                np.arange(num_features), num_used_features, replace=False
            )
            self.used_features_mask = ops.convert_to_tensor(
                one_hot[sampled_feature_indices], dtype="float32"
            )

            # Initialize the weights of the classes in leaves.
            self.pi = self.add_weight(
                initializer="random_normal",
                shape=[self.num_leaves, self.num_classes],
                dtype="float32",
                trainable=True,
            )

            # Initialize the stochastic routing layer.
            self.decision_fn = layers.Dense(
                units=self.num_leaves, activation="sigmoid", name="decision"
            )

        def call(self, features):
            batch_size = ops.shape(features)[0]

            # Apply the feature mask to the input features.
            features = ops.matmul(
                features, ops.transpose(self.used_features_mask)
            )  # [batch_size, num_used_features]
            # Compute the routing probabilities.
            decisions = ops.expand_dims(
                self.decision_fn(features), axis=2
            )  # [batch_size, num_leaves, 1]
            # Concatenate the routing probabilities with their complements.
            decisions = layers.concatenate(
                [decisions, 1 - decisions], axis=2
            )  # [batch_size, num_leaves, 2]

            mu = ops.ones([batch_size, 1, 1])

            begin_idx = 1
            end_idx = 2
            # Traverse the tree in breadth-first order.
            for level in range(self.depth):
                mu = ops.reshape(mu, [batch_size, -1, 1])  # [batch_size, 2 ** level, 1]
                mu = ops.tile(mu, (1, 1, 2))  # [batch_size, 2 ** level, 2]
                level_decisions = decisions[:, begin_idx:end_idx, :]  # [batch_size, 2 ** level, 2]
                mu = mu * level_decisions  # [batch_size, 2**level, 2]
                begin_idx = end_idx
                end_idx = begin_idx + 2 ** (level + 1)

            mu = ops.reshape(mu, [batch_size, self.num_leaves])  # [batch_size, num_leaves]
            probabilities = keras.activations.softmax(self.pi)  # [num_leaves, num_classes]
            outputs = ops.matmul(mu, probabilities)  # [batch_size, num_classes]
            return outputs

    class NeuralDecisionForest(keras.Model):
        def __init__(self, num_trees, depth, num_features, used_features_rate, num_classes):
            super().__init__()
            self.ensemble = []
            # Initialize the ensemble by adding NeuralDecisionTree instances.
            # Each tree will have its own randomly selected input features to use.
            for _ in range(num_trees):
                self.ensemble.append(
                    NeuralDecisionTree(depth, num_features, used_features_rate, num_classes)
                )

        def call(self, inputs):
            # Initialize the outputs: a [batch_size, num_classes] matrix of zeros.
            batch_size = ops.shape(inputs)[0]
            outputs = ops.zeros([batch_size, num_classes])

            # Aggregate the outputs of trees in the ensemble.
            for tree in self.ensemble:
                outputs += tree(inputs)
            # Divide the outputs by the ensemble size to get the average.
            outputs /= len(self.ensemble)
            return outputs

    # (the census CSVs through tf.data: a dict of feature columns, the income class)
    rng = np.random.default_rng(14)
    n = 64
    data = {
        "age": rng.uniform(18, 80, n),
        "education_num": rng.integers(1, 16, n).astype("float64"),
        "capital_gain": rng.exponential(1.0, n),
        "hours_per_week": rng.uniform(10, 60, n),
    }
    labels = (data["education_num"] + data["hours_per_week"] / 5 > 16).astype("int64")
    data = {k: v.astype("float32") for k, v in data.items()}
    train = {k: v[:48] for k, v in data.items()}
    test = {k: v[48:] for k, v in data.items()}

    def run_experiment(model):
        model.compile(
            optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
            loss=keras.losses.SparseCategoricalCrossentropy(),
            metrics=[keras.metrics.SparseCategoricalAccuracy()],
        )
        history = model.fit(
            train,
            labels[:48],
            batch_size=batch_size,
            epochs=num_epochs,
            shuffle=False,  # (added: Keras's shuffling order cannot be reproduced)
            verbose=0,
        )
        _, accuracy = model.evaluate(test, labels[48:], verbose=0)
        return _hist(history), _f(accuracy)

    num_trees = 3  # (10)
    depth = 3  # (10)
    used_features_rate = 0.5
    num_classes = len(TARGET_LABELS)

    def create_tree_model():
        inputs = create_model_inputs()
        features = encode_inputs(inputs)
        features = layers.BatchNormalization()(features)
        num_features = features.shape[1]

        tree = NeuralDecisionTree(depth, num_features, used_features_rate, num_classes)

        outputs = tree(features)
        model = keras.Model(inputs=inputs, outputs=outputs)
        return model

    np.random.seed(15)  # (added: the same features chosen in both runs)
    tree_model = create_tree_model()
    _init(tree_model)
    out = {"tree_summary": _summary(tree_model)}
    out["tree_history"], out["tree_accuracy"] = run_experiment(tree_model)
    out["tree_predict"] = _f(tree_model.predict({k: v[:3] for k, v in test.items()}, verbose=0))

    def create_forest_model():
        inputs = create_model_inputs()
        features = encode_inputs(inputs)
        features = layers.BatchNormalization()(features)
        num_features = features.shape[1]

        forest_model = NeuralDecisionForest(
            num_trees, depth, num_features, used_features_rate, num_classes
        )

        outputs = forest_model(features)
        model = keras.Model(inputs=inputs, outputs=outputs)
        return model

    forest_model = create_forest_model()
    _init(forest_model, seed=1)
    out["forest_weights"] = [w.path for w in forest_model.weights]
    out["forest_history"], out["forest_accuracy"] = run_experiment(forest_model)
    out["forest_predict"] = _f(forest_model.predict({k: v[:3] for k, v in test.items()}, verbose=0))
    return out


# ---- vision/mixup.py (mixed batches, initial weights saved and loaded back) --------------


@scenario
def mixup(keras):
    """The example's two models, trained from the same saved initial weights on mixed-up
    and plain images. Its lambdas come from keras.random.gamma (random): here from NumPy,
    mixed with the example's mix_up on arrays."""
    layers = keras.layers
    AUTO = None  # (tf.data.AUTOTUNE)
    BATCH_SIZE = 16  # (64)
    EPOCHS = 2  # (10)

    # (keras.datasets.fashion_mnist.load_data(): 16x16 images here)
    x, y = _images(72, size=16, channels=1, seed=16)
    x_train, y_train, x_test, y_test = x[:56], y[:56, 0], x[56:], y[56:, 0]
    x_train = x_train.astype("float32") / 255.0
    x_train = np.reshape(x_train, (-1, 16, 16, 1))
    y_train = keras.ops.one_hot(y_train, 10)

    x_test = x_test.astype("float32") / 255.0
    x_test = np.reshape(x_test, (-1, 16, 16, 1))
    y_test = keras.ops.one_hot(y_test, 10)

    # Put aside a few samples to create our validation set
    val_samples = 8  # (2000)
    x_val, y_val = x_train[:val_samples], y_train[:val_samples]
    new_x_train, new_y_train = x_train[val_samples:], y_train[val_samples:]

    def mix_up(ds_one, ds_two, alpha=0.2):
        # Unpack two datasets
        images_one, labels_one = ds_one
        images_two, labels_two = ds_two
        batch_size = keras.ops.shape(images_one)[0]

        # Sample lambda and reshape it to do the mixup
        l = rng.beta(alpha, alpha, batch_size).astype("float32")  # noqa: E741
        x_l = keras.ops.reshape(l, (batch_size, 1, 1, 1))
        y_l = keras.ops.reshape(l, (batch_size, 1))

        # Perform mixup on both images and labels by combining a pair of images/labels
        # (one from each dataset) into one image/label
        images = images_one * x_l + images_two * (1 - x_l)
        labels = labels_one * y_l + labels_two * (1 - y_l)
        return (images, labels)

    # (train_ds_one and train_ds_two: the training set and a permutation of it, zipped)
    rng = np.random.default_rng(17)
    order = rng.permutation(len(new_x_train))
    images_mu, labels_mu = mix_up(
        (new_x_train, new_y_train), (new_x_train[order], keras.ops.take(new_y_train, order, 0))
    )
    images_mu = keras.ops.convert_to_numpy(images_mu)
    labels_mu = keras.ops.convert_to_numpy(labels_mu)

    def get_training_model():
        model = keras.Sequential(
            [
                layers.Input(shape=(16, 16, 1)),  # (28, 28, 1)
                layers.Conv2D(4, (5, 5), activation="relu"),  # (16)
                layers.MaxPooling2D(pool_size=(2, 2)),
                layers.Conv2D(8, (3, 3), activation="relu"),  # (32, (5, 5))
                layers.MaxPooling2D(pool_size=(2, 2)),
                layers.Dropout(0.0),  # (0.2)
                layers.GlobalAvgPool2D(),
                layers.Dense(16, activation="relu"),  # (128)
                layers.Dense(10, activation="softmax"),
            ]
        )
        return model

    folder = tempfile.mkdtemp()
    initial_model = get_training_model()
    _init(initial_model)
    initial_model.save_weights(os.path.join(folder, "initial_weights.weights.h5"))

    model = get_training_model()
    model.load_weights(os.path.join(folder, "initial_weights.weights.h5"))
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    history = model.fit(
        images_mu,
        labels_mu,
        batch_size=BATCH_SIZE,
        validation_data=(x_val, y_val),
        epochs=EPOCHS,
        shuffle=False,  # (added: Keras's shuffling order cannot be reproduced)
        verbose=0,
    )
    _, test_acc = model.evaluate(x_test, y_test, verbose=0)
    out = {"mixup_history": _hist(history), "mixup_test_acc": _f(test_acc)}
    out["mixed_labels"] = _f(labels_mu[:2])

    model = get_training_model()
    model.load_weights(os.path.join(folder, "initial_weights.weights.h5"))
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    # Notice that we are NOT using the mixed up dataset here
    history = model.fit(
        new_x_train,
        new_y_train,
        batch_size=BATCH_SIZE,
        validation_data=(x_val, y_val),
        epochs=EPOCHS,
        shuffle=False,  # (added: Keras's shuffling order cannot be reproduced)
        verbose=0,
    )
    _, test_acc = model.evaluate(x_test, y_test, verbose=0)
    out.update(plain_history=_hist(history), plain_test_acc=_f(test_acc))
    out["summary"] = _summary(model)
    return out


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

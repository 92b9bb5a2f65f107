"""Goldens for tests/examples/test_dlwp_listings.py: the code listings of François Chollet's
"Deep Learning with Python" (fchollet/deep-learning-with-python-notebooks; the third
edition's Keras 3 notebooks, the second edition's where the third has none of the kind),
each as a reader runs it: the listing's code as written, the imports aside, at a reduced
size and on seeded random NumPy data of the dataset's shapes and dtypes (in place of
downloads), with the trainable weights drawn from a fixed RNG after building. The only
other changes are noted where made: a dropout rate of 0 (or random augmentation left out)
where training is compared number for number, `keras.random` / `tf.random` draws made
with NumPy (so both libraries see the same numbers), and a seed for a shuffled dataset.
Where randomness stays (dropout, recurrent dropout, augmentation in training), inference
is compared and training is checked for what must hold whatever the draws.

Left out, as covered with the same code elsewhere: the character-level LSTM text
generator with temperature sampling (make_keras_io_examples.py's lstm_text_generation is
the same listing), the DCGAN (make_keras_io_examples_7.py's dcgan_faces), and the
backend-specific JAX / PyTorch steps (`jax.value_and_grad`, `loss.backward()`).

The listings' training steps use TensorFlow (`tf.GradientTape`), so the goldens come
from Keras's TensorFlow backend (/work/tfenv's Keras 3.15.1), TensorFlow itself as `tf`;
with numkeras the tape is numkeras's `GradientTape` and the few `tf.*` functions called
are their `keras.ops` counterparts (`_tf`). Multi-output models see whole batches only:
TensorFlow's traced step weighs each output's loss tracker by a static batch size that is
None there, so Keras's per-output losses average a partial last batch as a whole one
(numkeras weighs them by size, as Keras's JAX backend does).

Two scenarios train a softmax into saturation (a learning rate of 1, a fast Adam): there
Keras's backends disagree with each other. TensorFlow's traced step finds the softmax
behind a `sparse_categorical_crossentropy` and reads its logits (an unclipped loss, 85,000
where JAX says 16.1); JAX clips the probabilities, as numkeras does. Those two
(`@jax_scenario`, no TensorFlow in them) take their goldens from Keras's JAX backend:
    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \
        /work/main/scripts/goldens/make_dlwp_listings.py ch5_noise_channels_and_capacity \
        ch7_metrics_and_callbacks
The eager tape of chapter 2's NaiveDense meets the same saturation in TensorFlow, whose
gradient through the clipped probabilities also differs from JAX's (see the test).

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the
test) returning JSON-able values.

Run (Keras 3.15.1 on TensorFlow; optionally only the scenarios named):
    cd /tmp && KERAS_BACKEND=tensorflow /work/tfenv/bin/python \\
        /work/main/scripts/goldens/make_dlwp_listings.py
"""

# (the listings' code as written: their unused names, loop variables and redefinitions kept)
# ruff: noqa: F841, B007, F811

from __future__ import annotations

import os
import pathlib
import sys
import tempfile
import types

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, scenario_script  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "dlwp_listings.json"
SCENARIOS = Scenarios()
# (every scenario's goldens come from Keras's TensorFlow backend: the listings use it)
tf_scenario = SCENARIOS.scenario_on("tensorflow")
# (but the few whose softmax outputs saturate: see the module docstring)
jax_scenario = SCENARIOS.scenario

_THIRD = scenario_script("make_keras_io_examples_3")
_summary, _init, _f, _hist = _THIRD._summary, _THIRD._init, _THIRD._f, _THIRD._hist
_SEVENTH = scenario_script("make_keras_io_examples_7")


def _tf(keras):
    """The `tf` functions the listings call: TensorFlow itself on Keras's TensorFlow
    backend, elsewhere their `keras.ops` counterparts (and the backend's tape)."""
    base = _SEVENTH._tf(keras)
    if not isinstance(base, types.SimpleNamespace):
        return base
    ops = keras.ops
    base.math.not_equal = ops.not_equal
    base.one_hot = lambda indices, depth: ops.one_hot(indices, depth)
    # (tf.Variable's first argument is `initial_value`)
    base.Variable = lambda initial_value, **kwargs: keras.Variable(initial_value, **kwargs)
    return base


def _shape(x):
    return [None if d is None else int(d) for d in x.shape]


def _np(x):
    return np.asarray(x)


def _finite(history):
    """A History whose numbers depend on random draws: its keys, and that all are finite."""
    return {k: bool(np.all(np.isfinite(v))) for k, v in sorted(history.history.items())}


def _mnist(n, seed=0):
    """MNIST-like uint8 digits (a label-dependent stroke plus noise) and uint8 labels."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, n).astype("uint8")
    images = rng.integers(0, 60, (n, 28, 28)).astype("float64")
    for i, label in enumerate(labels):
        images[i, 4 + 2 * label : 7 + 2 * label, 4:24] += 180
    return np.clip(images, 0, 255).astype("uint8"), labels


def _sequences(n, num_words, seed, max_len=30):
    """IMDB / Reuters-like word-index lists (lists of ints below num_words)."""
    rng = np.random.default_rng(seed)
    return [list(rng.integers(1, num_words, rng.integers(5, max_len))) for _ in range(n)]


# ---- chapter 2: the mathematical building blocks (NaiveDense, NaiveSequential) ----------


@tf_scenario
def ch2_naive_mlp(keras):
    tf = _tf(keras)
    ops = keras.ops
    draws = np.random.default_rng(2)  # (in place of keras.random / tf.random draws)

    class NaiveDense:
        def __init__(self, input_size, output_size, activation=None):
            self.activation = activation
            # (the book's uniform initial values: NumPy draws)
            self.W = keras.Variable(draws.uniform(0, 1e-1, (input_size, output_size)))
            self.b = keras.Variable(np.zeros((output_size,)))

        def __call__(self, inputs):
            x = ops.matmul(inputs, self.W)
            x = x + self.b
            if self.activation is not None:
                x = self.activation(x)
            return x

        @property
        def weights(self):
            return [self.W, self.b]

    class NaiveSequential:
        def __init__(self, layers):
            self.layers = layers

        def __call__(self, inputs):
            x = inputs
            for layer in self.layers:
                x = layer(x)
            return x

        @property
        def weights(self):
            weights = []
            for layer in self.layers:
                weights += layer.weights
            return weights

    model = NaiveSequential(
        [
            NaiveDense(input_size=28 * 28, output_size=512, activation=ops.relu),
            NaiveDense(input_size=512, output_size=10, activation=ops.softmax),
        ]
    )
    assert len(model.weights) == 4

    import math

    class BatchGenerator:
        def __init__(self, images, labels, batch_size=128):
            assert len(images) == len(labels)
            self.index = 0
            self.images = images
            self.labels = labels
            self.batch_size = batch_size
            self.num_batches = math.ceil(len(images) / batch_size)

        def next(self):
            images = self.images[self.index : self.index + self.batch_size]
            labels = self.labels[self.index : self.index + self.batch_size]
            self.index += self.batch_size
            return images, labels

    learning_rate = 1e-3

    def update_weights(gradients, weights):
        for g, w in zip(gradients, weights):
            w.assign_sub(g * learning_rate)

    def one_training_step(model, images_batch, labels_batch):
        with tf.GradientTape() as tape:
            predictions = model(images_batch)
            loss = ops.sparse_categorical_crossentropy(labels_batch, predictions)
            average_loss = ops.mean(loss)
        gradients = tape.gradient(average_loss, model.weights)
        update_weights(gradients, model.weights)
        return average_loss

    losses = []

    def fit(model, images, labels, epochs, batch_size=128):
        for epoch_counter in range(epochs):
            batch_generator = BatchGenerator(images, labels, batch_size)
            for batch_counter in range(batch_generator.num_batches):
                images_batch, labels_batch = batch_generator.next()
                loss = one_training_step(model, images_batch, labels_batch)
                losses.append(float(loss))

    (train_images, train_labels) = _mnist(48, seed=1)  # (60,000)
    (test_images, test_labels) = _mnist(16, seed=2)
    train_images = train_images.reshape((48, 28 * 28))
    train_images = train_images.astype("float32") / 255
    test_images = test_images.reshape((16, 28 * 28))
    test_images = test_images.astype("float32") / 255

    fit(model, train_images, train_labels, epochs=3, batch_size=16)  # (10, 128)

    # the same step with a Keras optimizer
    optimizer = keras.optimizers.SGD(learning_rate=1e-3)

    def update_weights(gradients, weights):
        optimizer.apply_gradients(zip(gradients, weights))

    fit(model, train_images, train_labels, epochs=1, batch_size=16)

    predictions = model(test_images)
    predictions = ops.convert_to_numpy(predictions)
    predicted_labels = np.argmax(predictions, axis=1)
    matches = predicted_labels == test_labels
    return {
        "losses": _f(losses),
        "predictions": _f(predictions[:4]),
        "accuracy": float(matches.mean()),
        "iterations": int(ops.convert_to_numpy(optimizer.iterations)),
    }


# ---- chapter 3: introduction to Keras (the linear classifier, a layer by hand) ----------


@tf_scenario
def ch3_linear_classifier(keras):
    tf = _tf(keras)
    rng = np.random.default_rng(3)
    num_samples_per_class = 100  # (1000)
    negative_samples = rng.multivariate_normal(
        mean=[0, 3], cov=[[1, 0.5], [0.5, 1]], size=num_samples_per_class
    )
    positive_samples = rng.multivariate_normal(
        mean=[3, 0], cov=[[1, 0.5], [0.5, 1]], size=num_samples_per_class
    )
    inputs = np.vstack((negative_samples, positive_samples)).astype(np.float32)
    targets = np.vstack(
        (
            np.zeros((num_samples_per_class, 1), dtype="float32"),
            np.ones((num_samples_per_class, 1), dtype="float32"),
        )
    )

    input_dim = 2
    output_dim = 1
    # (tf.random.uniform: NumPy draws)
    W = tf.Variable(initial_value=rng.uniform(size=(input_dim, output_dim)).astype("float32"))
    b = tf.Variable(initial_value=tf.zeros(shape=(output_dim,)))

    def model(inputs):
        return tf.matmul(inputs, W) + b

    def square_loss(targets, predictions):
        per_sample_losses = tf.square(targets - predictions)
        return tf.reduce_mean(per_sample_losses)

    learning_rate = 0.1

    def training_step(inputs, targets):
        with tf.GradientTape() as tape:
            predictions = model(inputs)
            loss = square_loss(targets, predictions)
        grad_loss_wrt_W, grad_loss_wrt_b = tape.gradient(loss, [W, b])
        W.assign_sub(grad_loss_wrt_W * learning_rate)
        b.assign_sub(grad_loss_wrt_b * learning_rate)
        return loss

    losses = []
    for step in range(40):
        loss = training_step(inputs, targets)
        losses.append(float(loss))

    predictions = model(inputs)
    accuracy = float(np.mean((np.asarray(predictions) > 0.5) == (targets > 0.5)))
    return {
        "losses": _f(losses),
        "W": _f(_np(W)),
        "b": _f(_np(b)),
        "accuracy": accuracy,
        "predictions": _f(np.asarray(predictions)[::25]),
    }


@tf_scenario
def ch3_simple_dense(keras):
    ops = keras.ops

    class SimpleDense(keras.Layer):
        def __init__(self, units, activation=None):
            super().__init__()
            self.units = units
            self.activation = activation

        def build(self, input_shape):
            batch_dim, input_dim = input_shape
            self.W = self.add_weight(shape=(input_dim, self.units), initializer="random_normal")
            self.b = self.add_weight(shape=(self.units,), initializer="zeros")

        def call(self, inputs):
            y = ops.matmul(inputs, self.W) + self.b
            if self.activation is not None:
                y = self.activation(y)
            return y

    my_dense = SimpleDense(units=32, activation=ops.relu)
    input_tensor = ops.ones(shape=(2, 784))
    output_tensor = my_dense(input_tensor)
    out = {"output_shape": _shape(output_tensor)}

    # (the activations as functions: the listing's strings are not callable in its call)
    relu, softmax = keras.activations.relu, keras.activations.softmax
    model = keras.Sequential(
        [
            SimpleDense(32, activation=relu),
            SimpleDense(64, activation=relu),
            SimpleDense(32, activation=relu),
            SimpleDense(10, activation=softmax),
        ]
    )
    model.build((None, 784))
    _init(model, seed=4)
    out["summary"] = _summary(model)
    out["weights"] = [[w.path, _shape(w)] for w in model.weights]

    # the linear classifier as a Keras model
    rng = np.random.default_rng(5)
    inputs = rng.normal(size=(60, 2)).astype("float32")
    targets = (inputs[:, :1] + inputs[:, 1:] > 0).astype("float32")
    model = keras.Sequential([keras.layers.Dense(1)])
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=0.1),
        loss=keras.losses.MeanSquaredError(),
        metrics=[keras.metrics.BinaryAccuracy()],
    )
    model.build((None, 2))
    _init(model, seed=6)
    indices_permutation = rng.permutation(len(inputs))
    shuffled_inputs = inputs[indices_permutation]
    shuffled_targets = targets[indices_permutation]
    num_validation_samples = int(0.3 * len(inputs))
    val_inputs = shuffled_inputs[:num_validation_samples]
    val_targets = shuffled_targets[:num_validation_samples]
    training_inputs = shuffled_inputs[num_validation_samples:]
    training_targets = shuffled_targets[num_validation_samples:]
    history = model.fit(
        training_inputs,
        training_targets,
        epochs=5,
        batch_size=16,
        validation_data=(val_inputs, val_targets),
        shuffle=False,  # (fit's shuffle draws differ between libraries)
        verbose=0,
    )
    out["history"] = _hist(history)
    loss_and_metrics = model.evaluate(val_inputs, val_targets, batch_size=8, verbose=0)
    out["evaluate"] = _f(loss_and_metrics)
    predictions = model.predict(val_inputs, batch_size=8, verbose=0)
    out["predictions"] = _f(predictions[:10])
    return out


# ---- chapter 4: classification and regression --------------------------------------------


def _vectorize_sequences(sequences, dimension=10000):
    results = np.zeros((len(sequences), dimension))
    for i, sequence in enumerate(sequences):
        for j in sequence:
            results[i, j] = 1.0
    return results


@tf_scenario
def ch4_imdb(keras):
    layers = keras.layers

    num_words = 300  # (10000)
    train_data = _sequences(60, num_words, seed=7)
    train_labels = np.random.default_rng(8).integers(0, 2, 60)
    test_data = _sequences(20, num_words, seed=9)
    test_labels = np.random.default_rng(10).integers(0, 2, 20)

    x_train = _vectorize_sequences(train_data, num_words)
    x_test = _vectorize_sequences(test_data, num_words)
    y_train = train_labels.astype("float32")
    y_test = test_labels.astype("float32")

    model = keras.Sequential(
        [
            layers.Dense(16, activation="relu"),
            layers.Dense(16, activation="relu"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    model.build((None, num_words))
    _init(model, seed=11)
    x_val = x_train[:20]  # (10000)
    partial_x_train = x_train[20:]
    y_val = y_train[:20]
    partial_y_train = y_train[20:]
    history = model.fit(
        partial_x_train,
        partial_y_train,
        epochs=4,  # (20)
        batch_size=16,  # (512)
        validation_data=(x_val, y_val),
        shuffle=False,
        verbose=0,
    )
    history_dict = history.history
    results = model.evaluate(x_test, y_test, verbose=0)
    return {
        "keys": sorted(history_dict.keys()),
        "history": _hist(history),
        "results": _f(results),
        "predict": _f(model.predict(x_test, verbose=0)[:6]),
        "x_dtype": str(x_train.dtype),
    }


@tf_scenario
def ch4_reuters(keras):
    layers = keras.layers
    to_categorical = keras.utils.to_categorical

    num_words = 200  # (10000)
    train_data = _sequences(50, num_words, seed=12)
    train_labels = np.random.default_rng(13).integers(0, 46, 50)
    test_data = _sequences(16, num_words, seed=14)
    test_labels = np.random.default_rng(15).integers(0, 46, 16)
    x_train = _vectorize_sequences(train_data, num_words)
    x_test = _vectorize_sequences(test_data, num_words)

    def to_one_hot(labels, dimension=46):
        results = np.zeros((len(labels), dimension))
        for i, label in enumerate(labels):
            results[i, label] = 1.0
        return results

    y_train = to_one_hot(train_labels)
    y_test = to_one_hot(test_labels)
    y_train_keras = to_categorical(train_labels)
    out = {"to_categorical_same": bool(np.array_equal(y_train, y_train_keras[:, :46]))}
    out["to_categorical_shape"] = list(y_train_keras.shape)

    def get_model(hidden=64):
        model = keras.Sequential(
            [
                layers.Dense(64, activation="relu"),
                layers.Dense(hidden, activation="relu"),
                layers.Dense(46, activation="softmax"),
            ]
        )
        model.build((None, num_words))
        _init(model, seed=16)
        return model

    model = get_model()
    model.compile(
        optimizer="rmsprop",
        loss="categorical_crossentropy",
        metrics=["accuracy", keras.metrics.TopKCategoricalAccuracy(k=3, name="top_3_accuracy")],
    )
    x_val, partial_x_train = x_train[:15], x_train[15:]
    y_val, partial_y_train = y_train[:15], y_train[15:]
    history = model.fit(
        partial_x_train,
        partial_y_train,
        epochs=3,
        batch_size=8,
        validation_data=(x_val, y_val),
        shuffle=False,
        verbose=0,
    )
    out["history"] = _hist(history)
    out["evaluate"] = _f(model.evaluate(x_test, y_test, verbose=0))
    predictions = model.predict(x_test, verbose=0)
    out["pred_shape"] = list(predictions[0].shape)
    out["pred_sum"] = _f(np.sum(predictions[0]), 5)
    out["argmax"] = np.argmax(predictions, axis=1).tolist()

    # integer labels with sparse_categorical_crossentropy
    y_train = np.array(train_labels)
    model = get_model()
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=2, batch_size=8, shuffle=False, verbose=0)
    out["sparse_history"] = _hist(history)

    # an information bottleneck
    model = get_model(hidden=4)
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(
        partial_x_train, partial_y_train, epochs=2, batch_size=16, shuffle=False, verbose=0
    )
    out["bottleneck_history"] = _hist(history)
    return out


@tf_scenario
def ch4_boston_kfold(keras):
    layers = keras.layers

    rng = np.random.default_rng(17)
    train_data = rng.gamma(2.0, 20.0, (40, 13))  # (404 houses, 13 features)
    train_targets = (train_data[:, :3].sum(axis=1) / 10 + rng.normal(0, 1, 40)).astype("float64")
    test_data = rng.gamma(2.0, 20.0, (12, 13))
    test_targets = test_data[:, :3].sum(axis=1) / 10

    mean = train_data.mean(axis=0)
    train_data -= mean
    std = train_data.std(axis=0)
    train_data /= std
    test_data -= mean
    test_data /= std

    seed = [20]

    def build_model():
        model = keras.Sequential(
            [
                layers.Dense(64, activation="relu"),
                layers.Dense(64, activation="relu"),
                layers.Dense(1),
            ]
        )
        model.compile(optimizer="rmsprop", loss="mse", metrics=["mae"])
        model.build((None, 13))
        _init(model, seed=seed[0])
        seed[0] += 1
        return model

    k = 4
    num_val_samples = len(train_data) // k
    num_epochs = 3  # (100)
    all_scores = []
    all_mae_histories = []
    for i in range(k):
        val_data = train_data[i * num_val_samples : (i + 1) * num_val_samples]
        val_targets = train_targets[i * num_val_samples : (i + 1) * num_val_samples]
        partial_train_data = np.concatenate(
            [train_data[: i * num_val_samples], train_data[(i + 1) * num_val_samples :]],
            axis=0,
        )
        partial_train_targets = np.concatenate(
            [train_targets[: i * num_val_samples], train_targets[(i + 1) * num_val_samples :]],
            axis=0,
        )
        model = build_model()
        history = model.fit(
            partial_train_data,
            partial_train_targets,
            validation_data=(val_data, val_targets),
            epochs=num_epochs,
            batch_size=16,
            shuffle=False,
            verbose=0,
        )
        mae_history = history.history["val_mae"]
        all_mae_histories.append(mae_history)
        val_mse, val_mae = model.evaluate(val_data, val_targets, verbose=0)
        all_scores.append(val_mae)
    average_mae_history = [np.mean([x[i] for x in all_mae_histories]) for i in range(num_epochs)]

    model = build_model()
    model.fit(train_data, train_targets, epochs=3, batch_size=16, shuffle=False, verbose=0)
    test_mse_score, test_mae_score = model.evaluate(test_data, test_targets, verbose=0)
    predictions = model.predict(test_data, verbose=0)
    return {
        "all_scores": _f(all_scores),
        "mean_score": _f(np.mean(all_scores)),
        "average_mae_history": _f(average_mae_history),
        "test": _f([test_mse_score, test_mae_score]),
        "predictions": _f(predictions[:4]),
    }


# ---- chapter 5: fundamentals of machine learning ------------------------------------------


@jax_scenario  # (softmax outputs saturated: see the module docstring)
def ch5_noise_channels_and_capacity(keras):
    layers = keras.layers

    (train_images, train_labels) = _mnist(40, seed=18)
    train_images = train_images.reshape((40, 28 * 28))
    train_images = train_images.astype("float32") / 255

    noise = np.random.default_rng(19)
    train_images_with_noise_channels = np.concatenate(
        [train_images, noise.random((len(train_images), 784))], axis=1
    )
    train_images_with_zeros_channels = np.concatenate(
        [train_images, np.zeros((len(train_images), 784))], axis=1
    )

    def get_model():
        model = keras.Sequential(
            [
                layers.Dense(512, activation="relu"),
                layers.Dense(10, activation="softmax"),
            ]
        )
        model.compile(
            optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"]
        )
        model.build((None, 1568))
        _init(model, seed=21)
        return model

    out = {}
    for name, data in (
        ("noise", train_images_with_noise_channels),
        ("zeros", train_images_with_zeros_channels),
    ):
        model = get_model()
        history = model.fit(
            data,
            train_labels,
            epochs=2,  # (10)
            batch_size=8,  # (128)
            validation_split=0.2,
            shuffle=False,
            verbose=0,
        )
        out[name] = _hist(history)

    # the random-labels model and the too-high / right learning rates
    random_train_labels = train_labels[:]
    np.random.default_rng(22).shuffle(random_train_labels)
    for name, learning_rate in (("lr_1", 1.0), ("lr_1e-2", 1e-2)):
        model = keras.Sequential(
            [
                layers.Dense(512, activation="relu"),
                layers.Dense(10, activation="softmax"),
            ]
        )
        model.compile(
            optimizer=keras.optimizers.RMSprop(learning_rate),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        model.build((None, 784))
        _init(model, seed=23)
        history = model.fit(
            train_images,
            random_train_labels,
            epochs=2,
            batch_size=8,
            validation_split=0.2,
            shuffle=False,
            verbose=0,
        )
        out[name] = _hist(history)

    # increasing capacity: a 96-unit stack of three and a one-unit logistic layer
    model = keras.Sequential([layers.Dense(10, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.build((None, 784))
    _init(model, seed=24)
    out["small"] = _hist(
        model.fit(
            train_images,
            train_labels,
            epochs=2,
            batch_size=8,
            validation_split=0.2,
            shuffle=False,
            verbose=0,
        )
    )
    model = keras.Sequential(
        [
            layers.Dense(96, activation="relu"),
            layers.Dense(96, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.build((None, 784))
    _init(model, seed=25)
    out["large"] = _hist(
        model.fit(
            train_images,
            train_labels,
            epochs=2,
            batch_size=8,
            validation_split=0.2,
            shuffle=False,
            verbose=0,
        )
    )
    return out


@tf_scenario
def ch5_regularization(keras):
    layers, regularizers = keras.layers, keras.regularizers

    num_words = 300  # (10000)
    train_data = _sequences(48, num_words, seed=26)
    train_labels = np.random.default_rng(27).integers(0, 2, 48)
    train_data = _vectorize_sequences(train_data, num_words)

    out = {}

    def fit(model, seed):
        model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
        model.build((None, num_words))
        _init(model, seed=seed)
        return model.fit(
            train_data,
            train_labels,
            epochs=3,  # (20)
            batch_size=16,  # (512)
            validation_split=0.4,
            shuffle=False,
            verbose=0,
        )

    model = keras.Sequential(
        [
            layers.Dense(4, activation="relu"),
            layers.Dense(4, activation="relu"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    out["smaller"] = _hist(fit(model, 28))
    model = keras.Sequential(
        [
            layers.Dense(512, activation="relu"),
            layers.Dense(512, activation="relu"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    out["bigger"] = _hist(fit(model, 29))

    model = keras.Sequential(
        [
            layers.Dense(16, kernel_regularizer=regularizers.l2(0.002), activation="relu"),
            layers.Dense(16, kernel_regularizer=regularizers.l2(0.002), activation="relu"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    out["l2"] = _hist(fit(model, 30))
    out["l2_losses"] = _f([float(v) for v in model.losses])

    regularizers.l1(0.001)
    model = keras.Sequential(
        [
            layers.Dense(
                16, kernel_regularizer=regularizers.l1_l2(l1=0.001, l2=0.001), activation="relu"
            ),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    out["l1_l2"] = _hist(fit(model, 31))
    out["l1_l2_config"] = {
        k: round(float(v), 6) for k, v in model.layers[0].kernel_regularizer.get_config().items()
    }

    # dropout: inference compared, training checked for what holds whatever the draws
    model = keras.Sequential(
        [
            layers.Dense(16, activation="relu"),
            layers.Dropout(0.5),
            layers.Dense(16, activation="relu"),
            layers.Dropout(0.5),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    model.build((None, num_words))
    _init(model, seed=32)
    out["dropout_evaluate"] = _f(model.evaluate(train_data, train_labels, verbose=0))
    out["dropout_predict"] = _f(model.predict(train_data[:4], verbose=0))
    history = model.fit(
        train_data, train_labels, epochs=2, batch_size=16, validation_split=0.4, verbose=0
    )
    out["dropout_fit"] = _finite(history)
    layer_output = np.ones((200, 40), "float32")
    dropped = _np(layers.Dropout(0.5)(layer_output, training=True))
    out["dropout_values"] = sorted({round(float(v), 6) for v in dropped.ravel()})
    out["dropout_inference"] = bool(
        np.array_equal(_np(layers.Dropout(0.5)(layer_output)), layer_output)
    )
    return out


# ---- chapter 7: a deep dive into Keras ----------------------------------------------------


@tf_scenario
def ch7_sequential_and_functional(keras):
    layers = keras.layers

    out = {}
    model = keras.Sequential(
        [
            layers.Dense(64, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )
    out["unbuilt_weights"] = len(model.weights)
    model.build(input_shape=(None, 3))
    out["weights"] = [[w.path, _shape(w)] for w in model.weights]
    out["summary"] = _summary(model)

    model = keras.Sequential(name="my_example_model")
    model.add(layers.Dense(64, activation="relu", name="my_first_layer"))
    model.add(layers.Dense(10, activation="softmax", name="my_last_layer"))
    model.build((None, 3))
    out["named_summary"] = _summary(model)

    model = keras.Sequential()
    model.add(keras.Input(shape=(3,)))
    model.add(layers.Dense(64, activation="relu"))
    out["incremental_summary_1"] = _summary(model)
    model.add(layers.Dense(10, activation="softmax"))
    out["incremental_summary_2"] = _summary(model)

    inputs = keras.Input(shape=(3,), name="my_input")
    out["input"] = [_shape(inputs), str(inputs.dtype)]
    features = layers.Dense(64, activation="relu")(inputs)
    out["features"] = _shape(features)
    outputs = layers.Dense(10, activation="softmax")(features)
    model = keras.Model(inputs=inputs, outputs=outputs, name="my_functional_model")
    out["functional_summary"] = _summary(model)

    class Classifier(keras.Model):
        def __init__(self, num_classes=2):
            super().__init__()
            if num_classes == 2:
                num_units = 1
                activation = "sigmoid"
            else:
                num_units = num_classes
                activation = "softmax"
            self.dense = layers.Dense(num_units, activation=activation)

        def call(self, inputs):
            return self.dense(inputs)

    inputs = keras.Input(shape=(3,))
    features = layers.Dense(64, activation="relu")(inputs)
    outputs = Classifier(num_classes=10)(features)
    model = keras.Model(inputs=inputs, outputs=outputs)
    _init(model, seed=33)
    x = np.linspace(-1, 1, 12, dtype="float32").reshape(4, 3)
    out["mixed_functional"] = [_shape(outputs), _f(model.predict(x, verbose=0))]

    inputs = keras.Input(shape=(64,))
    outputs = layers.Dense(1, activation="sigmoid")(inputs)
    binary_classifier = keras.Model(inputs=inputs, outputs=outputs)

    class MyModel(keras.Model):
        def __init__(self, num_classes=2):
            super().__init__()
            self.dense = layers.Dense(64, activation="relu")
            self.classifier = binary_classifier

        def call(self, inputs):
            features = self.dense(inputs)
            return self.classifier(features)

    model = MyModel()
    y = model(x)
    _init(model, seed=34)
    out["mixed_subclass"] = [
        [w.path for w in model.weights],
        _f(model(x)),
    ]
    return out


def _ticket_data(num_samples, vocabulary_size, num_tags, num_departments, seed=35):
    rng = np.random.default_rng(seed)
    title_data = rng.integers(0, 2, size=(num_samples, vocabulary_size))
    text_body_data = rng.integers(0, 2, size=(num_samples, vocabulary_size))
    tags_data = rng.integers(0, 2, size=(num_samples, num_tags))
    priority_data = rng.random(size=(num_samples, 1))
    department_data = rng.integers(0, num_departments, size=(num_samples, 1))
    return title_data, text_body_data, tags_data, priority_data, department_data


@tf_scenario
def ch7_ticket_model(keras):
    layers = keras.layers

    vocabulary_size = 100  # (10000)
    num_tags = 10  # (100)
    num_departments = 4

    title = keras.Input(shape=(vocabulary_size,), name="title")
    text_body = keras.Input(shape=(vocabulary_size,), name="text_body")
    tags = keras.Input(shape=(num_tags,), name="tags")

    features = layers.Concatenate()([title, text_body, tags])
    features = layers.Dense(64, activation="relu", name="dense_features")(features)

    priority = layers.Dense(1, activation="sigmoid", name="priority")(features)
    department = layers.Dense(num_departments, activation="softmax", name="department")(features)

    model = keras.Model(inputs=[title, text_body, tags], outputs=[priority, department])
    _init(model, seed=36)
    weights = model.get_weights()

    num_samples = 64  # (1280: whole batches of 32, as there)
    title_data, text_body_data, tags_data, priority_data, department_data = _ticket_data(
        num_samples, vocabulary_size, num_tags, num_departments
    )
    out = {"summary": _summary(model)}

    model.compile(
        optimizer="adam",
        loss=["mean_squared_error", "sparse_categorical_crossentropy"],
        metrics=[["mean_absolute_error"], ["accuracy"]],
    )
    history = model.fit(
        [title_data, text_body_data, tags_data],
        [priority_data, department_data],
        epochs=1,
        shuffle=False,
        verbose=0,
    )
    out["list_history"] = _hist(history)
    out["list_evaluate"] = _f(
        model.evaluate(
            [title_data, text_body_data, tags_data], [priority_data, department_data], verbose=0
        )  # fmt: skip
    )
    priority_preds, department_preds = model.predict(
        [title_data, text_body_data, tags_data], verbose=0
    )
    out["list_predict"] = [_f(priority_preds[:3]), _f(department_preds[:3])]

    model.set_weights(weights)
    model.compile(
        optimizer="adam",
        loss={
            "priority": "mean_squared_error",
            "department": "sparse_categorical_crossentropy",
        },
        metrics={
            "priority": ["mean_absolute_error"],
            "department": ["accuracy"],
        },
    )
    history = model.fit(
        {"title": title_data, "text_body": text_body_data, "tags": tags_data},
        {"priority": priority_data, "department": department_data},
        epochs=1,
        shuffle=False,
        verbose=0,
    )
    out["dict_history"] = _hist(history)
    out["dict_evaluate"] = _f(
        model.evaluate(
            {"title": title_data, "text_body": text_body_data, "tags": tags_data},
            {"priority": priority_data, "department": department_data},
            verbose=0,
        )
    )
    priority_preds, department_preds = model.predict(
        {"title": title_data, "text_body": text_body_data, "tags": tags_data}, verbose=0
    )
    out["dict_predict"] = [_f(priority_preds[:3]), _f(department_preds[:3])]

    out["layers"] = [layer.name for layer in model.layers]
    out["layer3_input"] = [_shape(t) for t in model.layers[3].input]
    out["layer3_output"] = _shape(model.layers[3].output)
    features = model.layers[4].output
    difficulty = layers.Dense(3, activation="softmax", name="difficulty")(features)
    new_model = keras.Model(
        inputs=[title, text_body, tags], outputs=[priority, department, difficulty]
    )
    out["new_model_summary"] = _summary(new_model)
    out["new_model_outputs"] = [
        list(p.shape) for p in new_model.predict([title_data, text_body_data, tags_data], verbose=0)
    ]
    return out


@tf_scenario
def ch7_subclassed_ticket_model(keras):
    layers = keras.layers

    vocabulary_size, num_tags, num_departments = 100, 10, 4
    title_data, text_body_data, tags_data, priority_data, department_data = _ticket_data(
        64, vocabulary_size, num_tags, num_departments
    )

    class CustomerTicketModel(keras.Model):
        def __init__(self, num_departments):
            super().__init__()
            self.concat_layer = layers.Concatenate()
            self.mixing_layer = layers.Dense(64, activation="relu")
            self.priority_scorer = layers.Dense(1, activation="sigmoid")
            self.department_classifier = layers.Dense(num_departments, activation="softmax")

        def call(self, inputs):
            title = inputs["title"]
            text_body = inputs["text_body"]
            tags = inputs["tags"]

            features = self.concat_layer([title, text_body, tags])
            features = self.mixing_layer(features)
            priority = self.priority_scorer(features)
            department = self.department_classifier(features)
            return priority, department

    model = CustomerTicketModel(num_departments=4)

    priority, department = model(
        {"title": title_data, "text_body": text_body_data, "tags": tags_data}
    )
    _init(model, seed=37)
    out = {"call_shapes": [_shape(priority), _shape(department)]}
    out["weights"] = [[w.path, _shape(w)] for w in model.weights]

    model.compile(
        optimizer="adam",
        loss=["mean_squared_error", "sparse_categorical_crossentropy"],
        metrics=[["mean_absolute_error"], ["accuracy"]],
    )
    history = model.fit(
        {"title": title_data, "text_body": text_body_data, "tags": tags_data},
        [priority_data, department_data],
        epochs=2,
        batch_size=16,
        shuffle=False,
        verbose=0,
    )
    out["history"] = _hist(history)
    out["evaluate"] = _f(
        model.evaluate(
            {"title": title_data, "text_body": text_body_data, "tags": tags_data},
            [priority_data, department_data],
            verbose=0,
        )
    )
    priority_preds, department_preds = model.predict(
        {"title": title_data, "text_body": text_body_data, "tags": tags_data}, verbose=0
    )
    out["predict"] = [_f(priority_preds[:3]), _f(department_preds[:3])]
    return out


def _mnist_model(keras, rate=0.0):
    layers = keras.layers

    inputs = keras.Input(shape=(28 * 28,))
    features = layers.Dense(512, activation="relu")(inputs)
    features = layers.Dropout(rate)(features)  # (0.5: 0 where training is compared)
    outputs = layers.Dense(10, activation="softmax")(features)
    model = keras.Model(inputs, outputs)
    _init(model, seed=38)
    return model


def _mnist_flat(n_train=48, n_val=16, n_test=16):
    images, labels = _mnist(n_train + n_val, seed=39)
    images = images.reshape((-1, 28 * 28)).astype("float32") / 255
    test_images, test_labels = _mnist(n_test, seed=40)
    test_images = test_images.reshape((-1, 28 * 28)).astype("float32") / 255
    train_images, val_images = images[n_val:], images[:n_val]
    train_labels, val_labels = labels[n_val:], labels[:n_val]
    return train_images, train_labels, val_images, val_labels, test_images, test_labels


@jax_scenario  # (softmax outputs saturated: see the module docstring)
def ch7_metrics_and_callbacks(keras):
    ops = keras.ops

    train_images, train_labels, val_images, val_labels, test_images, test_labels = _mnist_flat()
    get_mnist_model = lambda: _mnist_model(keras)  # noqa: E731
    out = {}

    model = get_mnist_model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(
        train_images,
        train_labels,
        epochs=3,
        batch_size=16,
        validation_data=(val_images, val_labels),
        shuffle=False,
        verbose=0,
    )
    out["history"] = _hist(history)
    out["test_metrics"] = _f(model.evaluate(test_images, test_labels, verbose=0))
    out["predictions"] = _f(model.predict(test_images, verbose=0)[:2])

    class RootMeanSquaredError(keras.metrics.Metric):
        def __init__(self, name="rmse", **kwargs):
            super().__init__(name=name, **kwargs)
            self.mse_sum = self.add_weight(name="mse_sum", initializer="zeros")
            self.total_samples = self.add_weight(name="total_samples", initializer="zeros")

        def update_state(self, y_true, y_pred, sample_weight=None):
            y_true = ops.one_hot(y_true, num_classes=ops.shape(y_pred)[1])
            mse = ops.sum(ops.square(y_true - y_pred))
            self.mse_sum.assign_add(mse)
            num_samples = ops.shape(y_pred)[0]
            self.total_samples.assign_add(num_samples)

        def result(self):
            return ops.sqrt(self.mse_sum / self.total_samples)

        def reset_state(self):
            self.mse_sum.assign(0.0)
            self.total_samples.assign(0.0)

    model = get_mnist_model()
    model.compile(
        optimizer="adam",
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy", RootMeanSquaredError()],
    )
    history = model.fit(
        train_images,
        train_labels,
        epochs=3,
        batch_size=16,
        validation_data=(val_images, val_labels),
        shuffle=False,
        verbose=0,
    )
    out["rmse_history"] = _hist(history)
    out["rmse_test_metrics"] = _f(model.evaluate(test_images, test_labels, verbose=0))
    out["rmse_test_dict"] = {
        k: _f(v)
        for k, v in model.evaluate(test_images, test_labels, verbose=0, return_dict=True).items()
    }

    tmp = tempfile.mkdtemp()
    callbacks_list = [
        keras.callbacks.EarlyStopping(
            monitor="accuracy",
            patience=1,
        ),
        keras.callbacks.ModelCheckpoint(
            filepath=os.path.join(tmp, "checkpoint_path.keras"),
            monitor="val_loss",
            save_best_only=True,
        ),
    ]
    model = get_mnist_model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    # (an Adam this fast overfits the few digits at once: accuracy stops improving early)
    model.optimizer.learning_rate = 0.05
    history = model.fit(
        train_images,
        train_labels,
        epochs=10,
        batch_size=16,
        callbacks=callbacks_list,
        validation_data=(val_images, val_labels),
        shuffle=False,
        verbose=0,
    )
    out["early_stopping_history"] = _hist(history)
    model = keras.models.load_model(os.path.join(tmp, "checkpoint_path.keras"))
    out["checkpoint_evaluate"] = _f(model.evaluate(val_images, val_labels, verbose=0))

    class LossHistory(keras.callbacks.Callback):
        def on_train_begin(self, logs):
            self.per_batch_losses = []
            self.plots = []

        def on_batch_end(self, batch, logs):
            self.per_batch_losses.append(logs.get("loss"))

        def on_epoch_end(self, epoch, logs):
            # (plt.plot of the batch losses, saved as f"plot_at_epoch_{epoch}")
            self.plots.append([epoch, _f(self.per_batch_losses)])
            self.per_batch_losses = []

    loss_history = LossHistory()
    model = get_mnist_model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(
        train_images,
        train_labels,
        epochs=2,
        batch_size=16,
        callbacks=[loss_history],
        validation_data=(val_images, val_labels),
        shuffle=False,
        verbose=0,
    )
    out["loss_history"] = loss_history.plots
    return out


@tf_scenario
def ch7_custom_training(keras):
    tf = _tf(keras)
    layers, ops = keras.layers, keras.ops

    train_images, train_labels, *_ = _mnist_flat()
    get_mnist_model = lambda: _mnist_model(keras)  # noqa: E731
    out = {}

    # a TensorFlow training step function
    model = get_mnist_model()
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    optimizer = keras.optimizers.Adam()

    def train_step(inputs, targets):
        with tf.GradientTape() as tape:
            predictions = model(inputs, training=True)
            loss = loss_fn(targets, predictions)
        gradients = tape.gradient(loss, model.trainable_weights)
        optimizer.apply(gradients, model.trainable_weights)
        return loss

    batch_size = 16  # (32)
    losses = []
    for start in range(0, 48, batch_size):
        inputs = train_images[start : start + batch_size]
        targets = train_labels[start : start + batch_size]
        loss = train_step(inputs, targets)
        losses.append(float(loss))
    out["train_step_losses"] = _f(losses)
    out["optimizer_variables"] = [v.path for v in optimizer.variables]

    # low-level usage of metrics
    metric = keras.metrics.SparseCategoricalAccuracy()
    targets = ops.array([0, 1, 2])
    predictions = ops.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    metric.update_state(targets, predictions)
    current_result = metric.result()
    out["metric_result"] = f"result: {current_result:.2f}"

    values = ops.array([0, 1, 2, 3, 4])
    mean_tracker = keras.metrics.Mean()
    for value in values:
        mean_tracker.update_state(value)
    out["mean"] = f"Mean of values: {mean_tracker.result():.2f}"

    metric = keras.metrics.SparseCategoricalAccuracy()
    targets = ops.array([0, 1, 2])
    predictions = ops.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]])

    metric_variables = metric.variables
    metric_variables = metric.stateless_update_state(metric_variables, targets, predictions)
    current_result = metric.stateless_result(metric_variables)
    out["stateless_result"] = f"result: {current_result:.2f}"
    metric_variables = metric.stateless_reset_state()
    out["stateless_reset"] = [_f(v) for v in metric_variables]

    # customizing fit() with TensorFlow: an own loss tracker and `metrics`
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    loss_tracker = keras.metrics.Mean(name="loss")

    class CustomModel(keras.Model):
        def train_step(self, data):
            inputs, targets = data
            with tf.GradientTape() as tape:
                predictions = self(inputs, training=True)
                loss = loss_fn(targets, predictions)
            gradients = tape.gradient(loss, self.trainable_weights)
            self.optimizer.apply(gradients, self.trainable_weights)

            loss_tracker.update_state(loss)
            return {"loss": loss_tracker.result()}

        @property
        def metrics(self):
            return [loss_tracker]

    def get_custom_model():
        inputs = keras.Input(shape=(28 * 28,))
        features = layers.Dense(512, activation="relu")(inputs)
        features = layers.Dropout(0.0)(features)  # (0.5)
        outputs = layers.Dense(10, activation="softmax")(features)
        model = CustomModel(inputs, outputs)
        _init(model, seed=38)
        model.compile(optimizer=keras.optimizers.Adam())
        return model

    model = get_custom_model()
    history = model.fit(
        train_images, train_labels, epochs=3, batch_size=16, shuffle=False, verbose=0
    )
    out["own_tracker_history"] = _hist(history)

    # train_step() metrics handling: compute_loss and the compiled metrics
    class CustomModel(keras.Model):
        def train_step(self, data):
            inputs, targets = data
            with tf.GradientTape() as tape:
                predictions = self(inputs, training=True)
                loss = self.compute_loss(y=targets, y_pred=predictions)

            gradients = tape.gradient(loss, self.trainable_weights)
            self.optimizer.apply(gradients, self.trainable_weights)

            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(targets, predictions)

            return {m.name: m.result() for m in self.metrics}

    def get_custom_model():
        inputs = keras.Input(shape=(28 * 28,))
        features = layers.Dense(512, activation="relu")(inputs)
        features = layers.Dropout(0.0)(features)  # (0.5)
        outputs = layers.Dense(10, activation="softmax")(features)
        model = CustomModel(inputs, outputs)
        _init(model, seed=38)
        model.compile(
            optimizer=keras.optimizers.Adam(),
            loss=keras.losses.SparseCategoricalCrossentropy(),
            metrics=[keras.metrics.SparseCategoricalAccuracy()],
        )
        return model

    model = get_custom_model()
    history = model.fit(
        train_images, train_labels, epochs=3, batch_size=16, shuffle=False, verbose=0
    )
    out["compute_loss_history"] = _hist(history)
    out["metrics_names"] = [m.name for m in model.metrics]
    out["evaluate"] = _f(model.evaluate(train_images, train_labels, verbose=0))
    return out


# ---- chapter 8: image classification --------------------------------------------------------


@tf_scenario
def ch8_mnist_convnet(keras):
    layers = keras.layers

    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(filters=32, kernel_size=3, activation="relu")(inputs)
    x = layers.MaxPooling2D(pool_size=2)(x)
    x = layers.Conv2D(filters=64, kernel_size=3, activation="relu")(x)
    x = layers.MaxPooling2D(pool_size=2)(x)
    x = layers.Conv2D(filters=128, kernel_size=3, activation="relu")(x)
    x = layers.Flatten()(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    model = keras.Model(inputs=inputs, outputs=outputs)
    _init(model, seed=41)
    out = {"summary": _summary(model)}

    (train_images, train_labels) = _mnist(24, seed=42)
    (test_images, test_labels) = _mnist(8, seed=43)
    train_images = train_images.reshape((24, 28, 28, 1))
    train_images = train_images.astype("float32") / 255
    test_images = test_images.reshape((8, 28, 28, 1))
    test_images = test_images.astype("float32") / 255
    model.compile(
        optimizer="rmsprop",
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(
        train_images, train_labels, epochs=2, batch_size=8, shuffle=False, verbose=0
    )
    out["history"] = _hist(history)
    test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=0)
    out["test"] = _f([test_loss, test_acc])

    # the same without max pooling
    inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(filters=32, kernel_size=3, activation="relu")(inputs)
    x = layers.Conv2D(filters=64, kernel_size=3, activation="relu")(x)
    x = layers.Conv2D(filters=128, kernel_size=3, activation="relu")(x)
    x = layers.Flatten()(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    model_no_max_pool = keras.Model(inputs=inputs, outputs=outputs)
    _init(model_no_max_pool, seed=44)
    out["no_max_pool_summary"] = _summary(model_no_max_pool)
    out["no_max_pool_predict"] = _f(model_no_max_pool.predict(test_images[:2], verbose=0))
    return out


def _cats_and_dogs(n, size, seed):
    """Cats-vs-dogs-like float32 images in [0, 255] and 0/1 labels."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n)
    images = rng.uniform(0, 120, (n, size, size, 3))
    for i, label in enumerate(labels):
        images[i, size // 4 : size // 2, :, label] += 120
    return images.astype("float32"), labels.astype("int32")


@tf_scenario
def ch8_cats_vs_dogs_augmentation(keras):
    layers = keras.layers

    size = 80  # (180: the smallest size the five convolutions and pools take)
    data_augmentation_layers = [
        layers.RandomFlip("horizontal"),
        layers.RandomRotation(0.1),
        layers.RandomZoom(0.2),
    ]

    def data_augmentation(images, targets):
        for layer in data_augmentation_layers:
            images = layer(images)
        return images, targets

    def get_model(augment):
        inputs = keras.Input(shape=(size, size, 3))
        x = inputs
        if augment:  # (the 2nd edition's augmentation inside the model)
            x = keras.Sequential(data_augmentation_layers)(x)
        x = layers.Rescaling(1.0 / 255)(x)
        x = layers.Conv2D(filters=32, kernel_size=3, activation="relu")(x)
        x = layers.MaxPooling2D(pool_size=2)(x)
        x = layers.Conv2D(filters=64, kernel_size=3, activation="relu")(x)
        x = layers.MaxPooling2D(pool_size=2)(x)
        x = layers.Conv2D(filters=128, kernel_size=3, activation="relu")(x)
        x = layers.MaxPooling2D(pool_size=2)(x)
        x = layers.Conv2D(filters=256, kernel_size=3, activation="relu")(x)
        x = layers.MaxPooling2D(pool_size=2)(x)
        x = layers.Conv2D(filters=256, kernel_size=3, activation="relu")(x)
        x = layers.Flatten()(x)
        if augment:
            x = layers.Dropout(0.5)(x)
        outputs = layers.Dense(1, activation="sigmoid")(x)
        model = keras.Model(inputs=inputs, outputs=outputs)
        _init(model, seed=45)
        return model

    train_images, train_labels = _cats_and_dogs(8, size, seed=46)
    val_images, val_labels = _cats_and_dogs(4, size, seed=47)
    tmp = tempfile.mkdtemp()

    model = get_model(augment=False)
    out = {"summary": _summary(model)}
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    callbacks = [
        keras.callbacks.ModelCheckpoint(
            filepath=os.path.join(tmp, "convnet_from_scratch.keras"),
            save_best_only=True,
            monitor="val_loss",
        )
    ]
    history = model.fit(
        train_images,
        train_labels,
        epochs=2,
        batch_size=4,
        validation_data=(val_images, val_labels),
        callbacks=callbacks,
        shuffle=False,
        verbose=0,
    )
    out["history"] = _hist(history)
    test_model = keras.models.load_model(os.path.join(tmp, "convnet_from_scratch.keras"))
    test_loss, test_acc = test_model.evaluate(val_images, val_labels, verbose=0)
    out["test"] = _f([test_loss, test_acc])

    # with augmentation (random: inference compared, training checked)
    model = get_model(augment=True)
    out["augmented_summary"] = _summary(model)
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    out["augmented_predict"] = _f(model.predict(val_images, verbose=0))
    out["augmented_evaluate"] = _f(model.evaluate(val_images, val_labels, verbose=0))
    history = model.fit(train_images, train_labels, epochs=1, batch_size=4, verbose=0)
    out["augmented_fit"] = _finite(history)

    images = train_images[:4]
    augmented_images, _ = data_augmentation(images, None)
    augmented_images = _np(augmented_images)
    out["augmented_shape"] = list(augmented_images.shape)
    out["augmented_in_range"] = bool(
        augmented_images.min() >= -1e-3 and augmented_images.max() <= 255.001
    )
    flip = layers.RandomFlip("horizontal")
    flipped = _np(flip(images, training=True))
    out["flip_each_or_mirror"] = [
        bool(np.allclose(f, im) or np.allclose(f, im[:, ::-1])) for f, im in zip(flipped, images)
    ]
    out["augmentation_inference"] = [
        bool(np.allclose(_np(layer(images, training=False)), images))
        for layer in data_augmentation_layers
    ]
    return out


# ---- chapter 9: convnet architecture patterns -----------------------------------------------


@tf_scenario
def ch9_residual_blocks(keras):
    layers = keras.layers

    out = {}
    inputs = keras.Input(shape=(32, 32, 3))
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    residual = x
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(x)
    residual = layers.Conv2D(64, 1)(residual)
    x = layers.add([x, residual])
    model = keras.Model(inputs, x)
    out["padding_summary"] = _summary(model)

    inputs = keras.Input(shape=(32, 32, 3))
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    residual = x
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(x)
    x = layers.MaxPooling2D(2, padding="same")(x)
    residual = layers.Conv2D(64, 1, strides=2)(residual)
    x = layers.add([x, residual])
    model = keras.Model(inputs, x)
    out["strides_summary"] = _summary(model)

    inputs = keras.Input(shape=(32, 32, 3))
    x = layers.Rescaling(1.0 / 255)(inputs)

    def residual_block(x, filters, pooling=False):
        residual = x
        x = layers.Conv2D(filters, 3, activation="relu", padding="same")(x)
        x = layers.Conv2D(filters, 3, activation="relu", padding="same")(x)
        if pooling:
            x = layers.MaxPooling2D(2, padding="same")(x)
            residual = layers.Conv2D(filters, 1, strides=2)(residual)
        elif filters != residual.shape[-1]:
            residual = layers.Conv2D(filters, 1)(residual)
        x = layers.add([x, residual])
        return x

    x = residual_block(x, filters=32, pooling=True)
    x = residual_block(x, filters=64, pooling=True)
    x = residual_block(x, filters=128, pooling=False)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs=inputs, outputs=outputs)
    _init(model, seed=48)
    out["toy_summary"] = _summary(model)
    images, _ = _cats_and_dogs(3, 32, seed=49)
    out["toy_predict"] = _f(model.predict(images, verbose=0))
    return out


@tf_scenario
def ch9_mini_xception(keras):
    layers = keras.layers

    size = 32  # (180)
    data_augmentation_layers = [
        layers.RandomFlip("horizontal"),
        layers.RandomRotation(0.1),
        layers.RandomZoom(0.2),
    ]

    def get_model(augment, rate):
        inputs = keras.Input(shape=(size, size, 3))
        x = inputs
        if augment:  # (left out where training is compared)
            for layer in data_augmentation_layers:
                x = layer(x)
        x = layers.Rescaling(1.0 / 255)(x)
        x = layers.Conv2D(filters=32, kernel_size=5, use_bias=False)(x)

        for size_ in [32, 64, 128, 256, 512]:
            residual = x

            x = layers.BatchNormalization()(x)
            x = layers.Activation("relu")(x)
            x = layers.SeparableConv2D(size_, 3, padding="same", use_bias=False)(x)

            x = layers.BatchNormalization()(x)
            x = layers.Activation("relu")(x)
            x = layers.SeparableConv2D(size_, 3, padding="same", use_bias=False)(x)

            x = layers.MaxPooling2D(3, strides=2, padding="same")(x)

            residual = layers.Conv2D(size_, 1, strides=2, padding="same", use_bias=False)(residual)
            x = layers.add([x, residual])

        x = layers.GlobalAveragePooling2D()(x)
        x = layers.Dropout(rate)(x)  # (0.5)
        outputs = layers.Dense(1, activation="sigmoid")(x)
        model = keras.Model(inputs=inputs, outputs=outputs)
        _init(model, seed=50)
        return model

    train_images, train_labels = _cats_and_dogs(8, size, seed=51)
    val_images, val_labels = _cats_and_dogs(4, size, seed=52)

    model = get_model(augment=True, rate=0.5)
    out = {"summary": _summary(model)}
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    out["predict"] = _f(model.predict(val_images, verbose=0))
    out["evaluate"] = _f(model.evaluate(val_images, val_labels, verbose=0))
    out["augmented_fit"] = _finite(
        model.fit(train_images, train_labels, epochs=1, batch_size=4, verbose=0)
    )

    model = get_model(augment=False, rate=0.0)
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    history = model.fit(
        train_images,
        train_labels,
        epochs=2,
        batch_size=4,
        validation_data=(val_images, val_labels),
        shuffle=False,
        verbose=0,
    )
    out["history"] = _hist(history)
    bn = [layer for layer in model.layers if isinstance(layer, layers.BatchNormalization)]
    out["moving_mean"] = _f(_np(bn[0].moving_mean)[:6])
    out["moving_variance"] = _f(_np(bn[-1].moving_variance)[:6])
    out["trained_predict"] = _f(model.predict(val_images, verbose=0))
    return out


@tf_scenario
def ch9_segmentation(keras):
    layers = keras.layers

    def get_model(img_size, num_classes):
        inputs = keras.Input(shape=img_size + (3,))
        x = layers.Rescaling(1.0 / 255)(inputs)

        x = layers.Conv2D(64, 3, strides=2, activation="relu", padding="same")(x)
        x = layers.Conv2D(64, 3, activation="relu", padding="same")(x)
        x = layers.Conv2D(128, 3, strides=2, activation="relu", padding="same")(x)
        x = layers.Conv2D(128, 3, activation="relu", padding="same")(x)
        x = layers.Conv2D(256, 3, strides=2, padding="same", activation="relu")(x)
        x = layers.Conv2D(256, 3, activation="relu", padding="same")(x)

        x = layers.Conv2DTranspose(256, 3, activation="relu", padding="same")(x)
        x = layers.Conv2DTranspose(256, 3, activation="relu", padding="same", strides=2)(x)
        x = layers.Conv2DTranspose(128, 3, activation="relu", padding="same")(x)
        x = layers.Conv2DTranspose(128, 3, activation="relu", padding="same", strides=2)(x)
        x = layers.Conv2DTranspose(64, 3, activation="relu", padding="same")(x)
        x = layers.Conv2DTranspose(64, 3, activation="relu", padding="same", strides=2)(x)

        outputs = layers.Conv2D(num_classes, 3, activation="softmax", padding="same")(x)

        model = keras.Model(inputs, outputs)
        return model

    img_size = (16, 16)  # (200, 200)
    model = get_model(img_size=img_size, num_classes=3)
    _init(model, seed=53)
    out = {"summary": _summary(model)}

    rng = np.random.default_rng(54)
    num_imgs = 6
    input_imgs = rng.uniform(0, 255, (num_imgs,) + img_size + (3,)).astype("float32")
    # (the trimaps: 1, 2, 3 in the files, minus 1)
    targets = rng.integers(1, 4, (num_imgs,) + img_size + (1,)).astype("uint8") - 1
    num_val_samples = 2  # (1000)
    train_input_imgs = input_imgs[:-num_val_samples]
    train_targets = targets[:-num_val_samples]
    val_input_imgs = input_imgs[-num_val_samples:]
    val_targets = targets[-num_val_samples:]

    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
    history = model.fit(
        train_input_imgs,
        train_targets,
        epochs=2,  # (50)
        batch_size=2,  # (64)
        validation_data=(val_input_imgs, val_targets),
        shuffle=False,
        verbose=0,
    )
    out["history"] = _hist(history)
    test_image = val_input_imgs[0]
    mask = model.predict(np.expand_dims(test_image, 0), verbose=0)[0]
    out["mask_shape"] = list(mask.shape)
    mask = np.argmax(mask, axis=-1)
    mask *= 127
    out["mask"] = mask[:4, :4].tolist()
    return out


# ---- chapter 10 (2nd edition) / 13 (3rd): timeseries forecasting ---------------------------


def _jena(n=400, seed=55):
    """Jena-climate-like float rows of 14 features, temperature (column 1) a daily wave."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    raw_data = rng.normal(0, 1, (n, 14)) * np.linspace(1, 5, 14) + np.linspace(0, 900, 14)
    temperature = 10 * np.sin(2 * np.pi * t / 144) + rng.normal(0, 1, n)
    raw_data[:, 1] = temperature
    return raw_data.astype("float64"), temperature.astype("float64")


@tf_scenario
def ch10_jena(keras):
    layers = keras.layers

    raw_data, temperature = _jena()
    num_train_samples = int(0.5 * len(raw_data))
    num_val_samples = int(0.25 * len(raw_data))
    num_test_samples = len(raw_data) - num_train_samples - num_val_samples

    mean = raw_data[:num_train_samples].mean(axis=0)
    raw_data -= mean
    std = raw_data[:num_train_samples].std(axis=0)
    raw_data /= std

    out = {}
    int_sequence = np.arange(10)
    dummy_dataset = keras.utils.timeseries_dataset_from_array(
        data=int_sequence[:-3],
        targets=int_sequence[3:],
        sequence_length=3,
        batch_size=2,
    )
    out["dummy"] = [
        [_np(inputs).tolist(), _np(targets).tolist()] for inputs, targets in dummy_dataset
    ]

    sampling_rate = 2  # (6)
    sequence_length = 12  # (120)
    delay = sampling_rate * (sequence_length + 24 - 1)
    batch_size = 16  # (256)

    def dataset(start_index, end_index, shuffle):
        return keras.utils.timeseries_dataset_from_array(
            raw_data[:-delay],
            targets=temperature[delay:],
            sampling_rate=sampling_rate,
            sequence_length=sequence_length,
            # (True in the listing: Keras shuffles the windows with NumPy's seeded draws,
            # then again with tf.data's own shuffle, whose order no other library draws)
            shuffle=False,
            batch_size=batch_size,
            start_index=start_index,
            end_index=end_index,
        )

    train_dataset = dataset(0, num_train_samples, True)
    val_dataset = dataset(num_train_samples, num_train_samples + num_val_samples, True)
    test_dataset = dataset(num_train_samples + num_val_samples, None, True)

    for samples, targets in train_dataset:
        out["samples_shape"] = list(samples.shape)
        out["targets_shape"] = list(targets.shape)
        out["first_batch"] = [_f(_np(samples)[0, :2, :3]), _f(_np(targets)[:4])]
        break

    def evaluate_naive_method(dataset):
        total_abs_err = 0.0
        samples_seen = 0
        for samples, targets in dataset:
            preds = _np(samples)[:, -1, 1] * std[1] + mean[1]
            total_abs_err += np.sum(np.abs(preds - _np(targets)))
            samples_seen += samples.shape[0]
        return total_abs_err / samples_seen

    out["naive_val_mae"] = _f(evaluate_naive_method(val_dataset))
    out["naive_test_mae"] = _f(evaluate_naive_method(test_dataset))
    tmp = tempfile.mkdtemp()

    def run(name, model, seed, epochs=2, compare=True):
        _init(model, seed=seed)
        callbacks = [
            keras.callbacks.ModelCheckpoint(
                os.path.join(tmp, f"jena_{name}.keras"), save_best_only=True
            )
        ]
        model.compile(optimizer="rmsprop", loss="mse", metrics=["mae"])
        if not compare:  # (recurrent dropout: the draws differ)
            out[f"{name}_predict"] = _f(model.predict(test_dataset, verbose=0)[:4])
            out[f"{name}_evaluate"] = _f(model.evaluate(test_dataset, verbose=0))
        history = model.fit(
            train_dataset,
            epochs=epochs,
            validation_data=val_dataset,
            callbacks=callbacks,
            verbose=0,
        )
        if compare:
            out[f"{name}_history"] = _hist(history)
            model = keras.models.load_model(os.path.join(tmp, f"jena_{name}.keras"))
            out[f"{name}_test_mae"] = _f(model.evaluate(test_dataset, verbose=0)[1])
        else:
            out[f"{name}_fit"] = _finite(history)

    inputs = keras.Input(shape=(sequence_length, raw_data.shape[-1]))
    x = layers.Flatten()(inputs)
    x = layers.Dense(16, activation="relu")(x)
    outputs = layers.Dense(1)(x)
    run("dense", keras.Model(inputs, outputs), seed=57)

    inputs = keras.Input(shape=(sequence_length, raw_data.shape[-1]))
    x = layers.Conv1D(8, 4, activation="relu")(inputs)  # (24)
    x = layers.MaxPooling1D(2)(x)
    x = layers.Conv1D(8, 3, activation="relu")(x)  # (12)
    x = layers.MaxPooling1D(2)(x)
    x = layers.Conv1D(8, 1, activation="relu")(x)  # (6)
    x = layers.GlobalAveragePooling1D()(x)
    outputs = layers.Dense(1)(x)
    run("conv", keras.Model(inputs, outputs), seed=58)

    inputs = keras.Input(shape=(sequence_length, raw_data.shape[-1]))
    x = layers.LSTM(16)(inputs)
    outputs = layers.Dense(1)(x)
    run("lstm", keras.Model(inputs, outputs), seed=59)

    inputs = keras.Input(shape=(sequence_length, raw_data.shape[-1]))
    x = layers.LSTM(32, recurrent_dropout=0.25)(inputs)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(1)(x)
    run("lstm_dropout", keras.Model(inputs, outputs), seed=60, compare=False)

    inputs = keras.Input(shape=(sequence_length, raw_data.shape[-1]))
    x = layers.GRU(32, recurrent_dropout=0.5, return_sequences=True)(inputs)
    x = layers.GRU(32, recurrent_dropout=0.5)(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(1)(x)
    run("stacked_gru", keras.Model(inputs, outputs), seed=61, compare=False)

    inputs = keras.Input(shape=(sequence_length, raw_data.shape[-1]))
    x = layers.GRU(32, return_sequences=True)(inputs)
    x = layers.GRU(32)(x)
    outputs = layers.Dense(1)(x)
    run("stacked_gru_no_dropout", keras.Model(inputs, outputs), seed=62)

    inputs = keras.Input(shape=(sequence_length, raw_data.shape[-1]))
    x = layers.Bidirectional(layers.LSTM(16))(inputs)
    outputs = layers.Dense(1)(x)
    model = keras.Model(inputs, outputs)
    out["bidirectional_summary"] = _summary(model)
    run("bidirectional", model, seed=63)

    # the SimpleRNN shapes
    num_features = 14
    steps = 12  # (120)
    inputs = keras.Input(shape=(steps, num_features))
    outputs = layers.SimpleRNN(16, return_sequences=False)(inputs)
    out["simple_rnn_last"] = _shape(outputs)
    outputs = layers.SimpleRNN(16, return_sequences=True)(inputs)
    out["simple_rnn_sequences"] = _shape(outputs)
    inputs = keras.Input(shape=(None, num_features))
    x = layers.SimpleRNN(16, return_sequences=True)(inputs)
    x = layers.SimpleRNN(16, return_sequences=True)(x)
    outputs = layers.SimpleRNN(16)(x)
    model = keras.Model(inputs, outputs)
    _init(model, seed=64)
    out["simple_rnn_stack"] = _f(model.predict(raw_data[None, :7], verbose=0))
    return out


# ---- chapter 11 (2nd edition) / 14 (3rd): text classification -----------------------------


_WORDS = (
    "the movie was great fun and the acting superb but plot thin boring slow awful "
    "loved hated film story brilliant terrible dull wonderful"
).split()


def _reviews(n, seed):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n)
    texts = []
    for label in labels:
        words = list(rng.choice(_WORDS, rng.integers(4, 12)))
        words.append("great!" if label else "Awful.")
        texts.append(" ".join(words))
    return np.array(texts), labels.astype("int32")


@tf_scenario
def ch11_text_vectorization(keras):
    layers = keras.layers

    texts, labels = _reviews(24, seed=65)
    val_texts, val_labels = _reviews(8, seed=66)
    out = {}

    text_vectorization = layers.TextVectorization(max_tokens=20, output_mode="multi_hot")
    text_vectorization.adapt(texts)
    out["multi_hot_vocab"] = text_vectorization.get_vocabulary()
    binary_1gram = _np(text_vectorization(texts))
    out["multi_hot"] = binary_1gram[:3].tolist()

    text_vectorization = layers.TextVectorization(ngrams=2, max_tokens=30, output_mode="multi_hot")
    text_vectorization.adapt(texts)
    out["bigram_vocab_size"] = len(text_vectorization.get_vocabulary())
    binary_2gram = _np(text_vectorization(texts))
    out["bigram"] = binary_2gram[:2].tolist()

    text_vectorization = layers.TextVectorization(ngrams=2, max_tokens=30, output_mode="count")
    text_vectorization.adapt(texts)
    out["count"] = _np(text_vectorization(texts[:2])).tolist()

    text_vectorization = layers.TextVectorization(ngrams=2, max_tokens=30, output_mode="tf_idf")
    text_vectorization.adapt(texts)
    tfidf_2gram = _np(text_vectorization(texts))
    out["tf_idf"] = _f(tfidf_2gram[:2], 5)
    out["tf_idf_weights"] = _f(text_vectorization.get_config().get("idf_weights") or [], 5)

    def get_model(max_tokens=30, hidden_dim=16):
        inputs = keras.Input(shape=(max_tokens,))
        x = layers.Dense(hidden_dim, activation="relu")(inputs)
        x = layers.Dropout(0.0)(x)  # (0.5)
        outputs = layers.Dense(1, activation="sigmoid")(x)
        model = keras.Model(inputs, outputs)
        model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
        _init(model, seed=67)
        return model

    model = get_model()
    out["model_summary"] = _summary(model)
    val_tfidf = _np(text_vectorization(val_texts))
    history = model.fit(
        tfidf_2gram,
        labels,
        validation_data=(val_tfidf, val_labels),
        epochs=3,
        batch_size=8,
        shuffle=False,
        verbose=0,
    )
    out["tf_idf_history"] = _hist(history)

    # an end-to-end model: the vectorizer in front
    # (the 2nd edition's `Input(shape=(1,), dtype="string")` gives (None, 1, 30) in Keras 3,
    # which the model refuses: one string a sample, shape ())
    inputs = keras.Input(shape=(), dtype="string")
    processed_inputs = text_vectorization(inputs)
    outputs = model(processed_inputs)
    inference_model = keras.Model(inputs, outputs)
    raw_text_data = np.array(["That was an excellent movie, I loved it."])
    predictions = inference_model(raw_text_data)
    out["inference"] = f"{float(_np(predictions)[0, 0] * 100):.2f} percent positive"

    # sequences: int tokens, one-hot, Embedding with mask_zero
    max_length = 10  # (600)
    max_tokens = 25  # (20000)
    text_vectorization = layers.TextVectorization(
        max_tokens=max_tokens,
        output_mode="int",
        output_sequence_length=max_length,
    )
    text_vectorization.adapt(texts)
    int_train = _np(text_vectorization(texts))
    int_val = _np(text_vectorization(val_texts))
    out["int"] = int_train[:3].tolist()

    inputs = keras.Input(shape=(None,), dtype="int64")
    embedded = keras.ops.one_hot(inputs, max_tokens)
    x = layers.Bidirectional(layers.LSTM(8))(embedded)  # (32)
    x = layers.Dropout(0.0)(x)  # (0.5)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    _init(model, seed=68)
    out["one_hot_summary"] = _summary(model)
    history = model.fit(int_train, labels, epochs=2, batch_size=8, shuffle=False, verbose=0)
    out["one_hot_history"] = _hist(history)

    for mask_zero in (False, True):
        inputs = keras.Input(shape=(None,), dtype="int64")
        embedded = layers.Embedding(input_dim=max_tokens, output_dim=16, mask_zero=mask_zero)(
            inputs
        )
        x = layers.Bidirectional(layers.LSTM(8))(embedded)
        x = layers.Dropout(0.0)(x)  # (0.5)
        outputs = layers.Dense(1, activation="sigmoid")(x)
        model = keras.Model(inputs, outputs)
        model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
        _init(model, seed=69)
        history = model.fit(
            int_train,
            labels,
            validation_data=(int_val, val_labels),
            epochs=2,
            batch_size=8,
            shuffle=False,
            verbose=0,
        )
        # (the losses only: these untrained predictions sit at 0.5, where float32 noise
        # flips an accuracy)
        out[f"embedding_mask_{mask_zero}"] = {
            k: v for k, v in _hist(history).items() if k.endswith("loss")
        }
        out[f"embedding_mask_{mask_zero}_predict"] = _f(model.predict(int_val, verbose=0)[:4])
    return out


@tf_scenario
def ch11_transformer(keras):
    layers, ops = keras.layers, keras.ops

    class TransformerEncoder(layers.Layer):
        def __init__(self, embed_dim, dense_dim, num_heads, **kwargs):
            super().__init__(**kwargs)
            self.embed_dim = embed_dim
            self.dense_dim = dense_dim
            self.num_heads = num_heads
            self.attention = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
            self.dense_proj = keras.Sequential(
                [
                    layers.Dense(dense_dim, activation="relu"),
                    layers.Dense(embed_dim),
                ]
            )
            self.layernorm_1 = layers.LayerNormalization()
            self.layernorm_2 = layers.LayerNormalization()

        def call(self, inputs, mask=None):
            if mask is not None:
                mask = mask[:, None, :]
            attention_output = self.attention(inputs, inputs, attention_mask=mask)
            proj_input = self.layernorm_1(inputs + attention_output)
            proj_output = self.dense_proj(proj_input)
            return self.layernorm_2(proj_input + proj_output)

        def get_config(self):
            config = super().get_config()
            config.update(
                {
                    "embed_dim": self.embed_dim,
                    "num_heads": self.num_heads,
                    "dense_dim": self.dense_dim,
                }
            )
            return config

    class PositionalEmbedding(layers.Layer):
        def __init__(self, sequence_length, input_dim, output_dim, **kwargs):
            super().__init__(**kwargs)
            self.token_embeddings = layers.Embedding(input_dim=input_dim, output_dim=output_dim)
            self.position_embeddings = layers.Embedding(
                input_dim=sequence_length, output_dim=output_dim
            )
            self.sequence_length = sequence_length
            self.input_dim = input_dim
            self.output_dim = output_dim

        def call(self, inputs):
            length = ops.shape(inputs)[-1]
            positions = ops.arange(0, length, 1)
            embedded_tokens = self.token_embeddings(inputs)
            embedded_positions = self.position_embeddings(positions)
            return embedded_tokens + embedded_positions

        def compute_mask(self, inputs, mask=None):
            return ops.not_equal(inputs, 0)

        def get_config(self):
            config = super().get_config()
            config.update(
                {
                    "output_dim": self.output_dim,
                    "sequence_length": self.sequence_length,
                    "input_dim": self.input_dim,
                }
            )
            return config

    texts, labels = _reviews(24, seed=70)
    val_texts, val_labels = _reviews(8, seed=71)
    vocab_size = 25  # (20000)
    sequence_length = 10  # (600)
    text_vectorization = layers.TextVectorization(
        max_tokens=vocab_size, output_mode="int", output_sequence_length=sequence_length
    )
    text_vectorization.adapt(texts)
    int_train = _np(text_vectorization(texts))
    int_val = _np(text_vectorization(val_texts))

    embed_dim = 8  # (256)
    num_heads = 2
    dense_dim = 16  # (32)
    out = {}
    tmp = tempfile.mkdtemp()

    for positional in (False, True):
        inputs = keras.Input(shape=(None,), dtype="int64")
        if positional:
            x = PositionalEmbedding(sequence_length, vocab_size, embed_dim)(inputs)
        else:
            x = layers.Embedding(vocab_size, embed_dim)(inputs)
        x = TransformerEncoder(embed_dim, dense_dim, num_heads)(x)
        x = layers.GlobalMaxPooling1D()(x)
        x = layers.Dropout(0.0)(x)  # (0.5)
        outputs = layers.Dense(1, activation="sigmoid")(x)
        model = keras.Model(inputs, outputs)
        model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
        _init(model, seed=72)
        name = "positional" if positional else "plain"
        out[f"{name}_summary"] = _summary(model)
        path = os.path.join(tmp, f"transformer_encoder_{name}.keras")
        callbacks = [keras.callbacks.ModelCheckpoint(path, save_best_only=True)]
        history = model.fit(
            int_train,
            labels,
            validation_data=(int_val, val_labels),
            epochs=2,
            batch_size=8,
            callbacks=callbacks,
            shuffle=False,
            verbose=0,
        )
        out[f"{name}_history"] = _hist(history)
        out[f"{name}_predict"] = _f(model.predict(int_val, verbose=0)[:4])
        model = keras.models.load_model(
            path,
            custom_objects={
                "TransformerEncoder": TransformerEncoder,
                "PositionalEmbedding": PositionalEmbedding,
            },
        )
        out[f"{name}_loaded_evaluate"] = _f(model.evaluate(int_val, val_labels, verbose=0))
    return out


# ---- chapter 12 (2nd edition) / 17 (3rd): a variational autoencoder ------------------------


@tf_scenario
def ch12_vae(keras):
    layers, ops = keras.layers, keras.ops

    latent_dim = 2

    image_inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, 3, activation="relu", strides=2, padding="same")(image_inputs)
    x = layers.Conv2D(64, 3, activation="relu", strides=2, padding="same")(x)
    x = layers.Flatten()(x)
    x = layers.Dense(16, activation="relu")(x)
    z_mean = layers.Dense(latent_dim, name="z_mean")(x)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(x)
    encoder = keras.Model(image_inputs, [z_mean, z_log_var], name="encoder")
    out = {"encoder_summary": _summary(encoder)}

    draws = np.random.default_rng(73)

    class Sampler(keras.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.seed_generator = keras.random.SeedGenerator()
            self.built = True

        def call(self, z_mean, z_log_var):
            batch_size = ops.shape(z_mean)[0]
            z_size = ops.shape(z_mean)[1]
            # (keras.random.normal(..., seed=self.seed_generator): NumPy draws)
            epsilon = ops.convert_to_tensor(
                draws.normal(size=(int(batch_size), int(z_size))).astype("float32")
            )
            return z_mean + ops.exp(0.5 * z_log_var) * epsilon

    latent_inputs = keras.Input(shape=(latent_dim,))
    x = layers.Dense(7 * 7 * 64, activation="relu")(latent_inputs)
    x = layers.Reshape((7, 7, 64))(x)
    x = layers.Conv2DTranspose(64, 3, activation="relu", strides=2, padding="same")(x)
    x = layers.Conv2DTranspose(32, 3, activation="relu", strides=2, padding="same")(x)
    decoder_outputs = layers.Conv2D(1, 3, activation="sigmoid", padding="same")(x)
    decoder = keras.Model(latent_inputs, decoder_outputs, name="decoder")
    out["decoder_summary"] = _summary(decoder)

    class VAE(keras.Model):
        def __init__(self, encoder, decoder, **kwargs):
            super().__init__(**kwargs)
            self.encoder = encoder
            self.decoder = decoder
            self.sampler = Sampler()
            self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
            self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")

        def call(self, inputs):
            return self.encoder(inputs)

        def compute_loss(self, x, y, y_pred, sample_weight=None, training=True):
            original = x
            z_mean, z_log_var = y_pred
            reconstruction = self.decoder(self.sampler(z_mean, z_log_var))

            reconstruction_loss = ops.mean(
                ops.sum(keras.losses.binary_crossentropy(x, reconstruction), axis=(1, 2))
            )
            kl_loss = -0.5 * (1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var))
            total_loss = reconstruction_loss + ops.mean(kl_loss)

            self.reconstruction_loss_tracker.update_state(reconstruction_loss)
            self.kl_loss_tracker.update_state(kl_loss)
            return total_loss

    digits, _ = _mnist(16, seed=74)  # (70,000)
    mnist_digits = np.expand_dims(digits, -1).astype("float32") / 255

    vae = VAE(encoder, decoder)
    _init(encoder, seed=75)
    _init(decoder, seed=76)
    # (run eagerly: the NumPy draws stand in for keras.random's, drawn at each call)
    vae.compile(optimizer=keras.optimizers.Adam(), run_eagerly=True)
    history = vae.fit(mnist_digits, epochs=2, batch_size=8, shuffle=False, verbose=0)
    out["history"] = _hist(history)
    out["metrics"] = sorted(m.name for m in vae.metrics)

    n = 3  # (30)
    digit_size = 28
    figure = np.zeros((digit_size * n, digit_size * n))
    grid_x = np.linspace(-1, 1, n)
    grid_y = np.linspace(-1, 1, n)[::-1]
    for i, yi in enumerate(grid_y):
        for j, xi in enumerate(grid_x):
            z_sample = np.array([[xi, yi]])
            x_decoded = vae.decoder.predict(z_sample, verbose=0)
            digit = x_decoded[0].reshape(digit_size, digit_size)
            figure[
                i * digit_size : (i + 1) * digit_size,
                j * digit_size : (j + 1) * digit_size,
            ] = digit
    out["figure"] = _f([figure.mean(), figure.std(), figure[14, 14], figure[40, 50]])
    out["encoded"] = [_f(t) for t in vae.predict(mnist_digits[:2], verbose=0)]
    return out


def main():
    # one scenario at a time, each merged into the JSON as it ends (under a lock: two runs,
    # one per backend, may write at once), so a failure keeps the others
    import fcntl
    import json
    import time

    import keras

    backend = keras.backend.backend()
    for name in sys.argv[1:] or list(SCENARIOS):
        if getattr(SCENARIOS[name], "backend", "jax") != backend:
            continue
        keras.utils.clear_session()
        start = time.perf_counter()
        result = json.loads(json.dumps(SCENARIOS[name](keras)))
        print(f"{name}: {time.perf_counter() - start:.1f} s", flush=True)
        with open(pathlib.Path(tempfile.gettempdir()) / "dlwp_listings.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            results = json.loads(OUT.read_text()) if OUT.exists() else {}
            results[name] = result
            lines = [
                f"{json.dumps(k)}: {json.dumps(results[k], sort_keys=True)}"
                for k in sorted(results)
            ]
            OUT.write_text("{\n" + ",\n".join(lines) + "\n}\n")
        print(f"wrote {OUT} ({OUT.stat().st_size} bytes)", flush=True)


if __name__ == "__main__":
    main()

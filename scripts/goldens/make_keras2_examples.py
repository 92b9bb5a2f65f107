"""Goldens for tests/examples/test_keras2_examples.py: the Keras 2 era example scripts of
keras-team/keras (`examples/`, 2017-2020: mnist_mlp, mnist_cnn, antirectifier,
addition_rnn, the bAbI and IMDB models, lstm_seq2seq and its restore script, ...), each
reproduced as a Keras 2 user ran it: the model, compile, fit and predict code as written,
at a reduced size (few rows, 1-2 epochs, the script's size settings made small where it
has them) on synthetic data of the datasets' shapes and dtypes, with every weight drawn
from a seeded NumPy RNG through `set_weights`, dropout rates set to 0 and `shuffle=False`
in `fit` (the two draw different masks and orders; these are the only changes, each noted
where made), so that predictions, `fit`'s History, `evaluate`, the parameter counts of
`summary()` and saved-file round trips can be compared.

Each scenario is a function of the Keras-like package (tf_keras 2.21 here, numkeras in
the test) returning JSON-able values; it imports the script's names from that package.

Run with real Keras 2 (optionally only the scenarios named):
    cd /tmp && TF_USE_LEGACY_KERAS=1 /work/tfenv/bin/python \\
        /work/main/scripts/goldens/make_keras2_examples.py
"""

# the scripts' code is kept as written (super(Cls, self), "%s" % x, unused loop names)
# ruff: noqa: B007, UP008, UP031, UP032

from __future__ import annotations

import importlib
import io
import json
import os
import pathlib
import random
import re
import sys
import tempfile
import time
import warnings
from contextlib import redirect_stdout

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))
from tests.differential import Scenarios  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "goldens" / "keras2_examples.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


# -- helpers ------------------------------------------------------------------------------
def _m(keras, *names):
    """The package's submodules (`keras.layers`, ...), as the script imported them."""
    mods = [importlib.import_module(f"{keras.__name__}.{n}") for n in names]
    return mods[0] if len(mods) == 1 else mods


def _init(model, seed=0):
    """Every weight (trainable or not) drawn from one RNG, in `get_weights` order."""
    rng = np.random.default_rng(seed)
    values = []
    for w in model.weights:
        shape, name = tuple(w.shape), w.name.split("/")[-1]
        if len(shape) >= 2:
            fan_in = int(np.prod(shape[:-1]))
            value = rng.normal(0.0, 1.0 / np.sqrt(max(fan_in, 1)), shape)
        elif "gamma" in name or "variance" in name:
            value = rng.uniform(0.8, 1.2, shape)
        else:
            value = rng.uniform(-0.1, 0.1, shape)
        values.append(value.astype("float32"))
    model.set_weights(values)


def _f(x, digits=5):
    return np.round(np.asarray(x, dtype="float64"), digits).tolist()


def _hist(history):
    return {k: _f(v) for k, v in sorted(history.history.items())}


SHAPE = re.compile(r"\((?:None|\d+)(?:, (?:None|\d+))*,?\)")


def _summary(model):
    """What `summary()` shows that both Kerases show alike: the output shapes in order
    and the trainable and non-trainable counts (Keras 3's total adds the optimizer's)."""
    lines = []
    model.summary(line_length=200, print_fn=lambda s, **kw: lines.append(s))
    text = "\n".join(lines)
    counts = {
        key: int(re.search(rf"{key} params: ([\d,]+)", text).group(1).replace(",", ""))
        for key in ("Trainable", "Non-trainable")
    }
    return {"shapes": SHAPE.findall(text.split("Total params")[0]), **counts}


def _mnist(n, seed=0):
    """MNIST-like uint8 images and labels: a label-dependent blob plus noise."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 10, n).astype("uint8")
    x = rng.integers(0, 60, (n, 28, 28)).astype("uint8")
    for i, label in enumerate(y):
        r, c = 4 + 2 * (label % 5), 4 + 8 * (label // 5)
        x[i, r : r + 8, c : c + 8] = 200 + label
    return x, y


def _imdb(n, vocab, seed=0, low=10, high=120):
    """IMDB-like lists of word indices (1 is the start mark) and 0/1 labels."""
    rng = np.random.default_rng(seed)
    x = [[1] + rng.integers(2, vocab, rng.integers(low, high)).tolist() for _ in range(n)]
    return np.array(x, dtype=object), rng.integers(0, 2, n)


def _error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the type is the result
        return next(t for t in type(e).__mro__ if t.__module__ == "builtins").__name__
    return "ok"


# -- mnist_mlp.py -------------------------------------------------------------------------
@scenario
def mnist_mlp(keras):
    Sequential = _m(keras, "models").Sequential
    L = _m(keras, "layers")
    Dense, Dropout = L.Dense, L.Dropout
    RMSprop = _m(keras, "optimizers").RMSprop

    batch_size, num_classes, epochs = 8, 10, 2
    (x_train, y_train), (x_test, y_test) = _mnist(32), _mnist(16, seed=1)
    x_train = x_train.reshape(32, 784)
    x_test = x_test.reshape(16, 784)
    x_train = x_train.astype("float32")
    x_test = x_test.astype("float32")
    x_train /= 255
    x_test /= 255
    y_train = keras.utils.to_categorical(y_train, num_classes)
    y_test = keras.utils.to_categorical(y_test, num_classes)

    model = Sequential()
    model.add(Dense(512, activation="relu", input_shape=(784,)))
    model.add(Dropout(0.0))  # 0.2 in the script: the two draw different masks
    model.add(Dense(512, activation="relu"))
    model.add(Dropout(0.0))
    model.add(Dense(num_classes, activation="softmax"))
    summary = _summary(model)
    _init(model)
    model.compile(loss="categorical_crossentropy", optimizer=RMSprop(), metrics=["accuracy"])
    history = model.fit(
        x_train,
        y_train,
        batch_size=batch_size,
        epochs=epochs,
        verbose=0,
        validation_data=(x_test, y_test),
        shuffle=False,
    )
    score = model.evaluate(x_test, y_test, verbose=0)
    return {
        "summary": summary,
        "history": _hist(history),
        "score": _f(score),
        "metrics_names": model.metrics_names,
        "predict": _f(model.predict(x_test[:3], verbose=0)),
    }


# -- mnist_cnn.py -------------------------------------------------------------------------
@scenario
def mnist_cnn(keras):
    Sequential = _m(keras, "models").Sequential
    L = _m(keras, "layers")
    Dense, Dropout, Flatten, Conv2D, MaxPooling2D = (
        L.Dense, L.Dropout, L.Flatten, L.Conv2D, L.MaxPooling2D,
    )  # fmt: skip
    K = _m(keras, "backend")

    batch_size, num_classes, epochs = 8, 10, 1
    img_rows, img_cols = 28, 28
    (x_train, y_train), (x_test, y_test) = _mnist(16), _mnist(8, seed=1)
    if K.image_data_format() == "channels_first":
        x_train = x_train.reshape(x_train.shape[0], 1, img_rows, img_cols)
        x_test = x_test.reshape(x_test.shape[0], 1, img_rows, img_cols)
        input_shape = (1, img_rows, img_cols)
    else:
        x_train = x_train.reshape(x_train.shape[0], img_rows, img_cols, 1)
        x_test = x_test.reshape(x_test.shape[0], img_rows, img_cols, 1)
        input_shape = (img_rows, img_cols, 1)
    x_train = x_train.astype("float32")
    x_test = x_test.astype("float32")
    x_train /= 255
    x_test /= 255
    y_train = keras.utils.to_categorical(y_train, num_classes)
    y_test = keras.utils.to_categorical(y_test, num_classes)

    model = Sequential()
    model.add(Conv2D(32, kernel_size=(3, 3), activation="relu", input_shape=input_shape))
    model.add(Conv2D(64, (3, 3), activation="relu"))
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(Dropout(0.0))  # 0.25
    model.add(Flatten())
    model.add(Dense(128, activation="relu"))
    model.add(Dropout(0.0))  # 0.5
    model.add(Dense(num_classes, activation="softmax"))
    _init(model)
    model.compile(
        loss=keras.losses.categorical_crossentropy,
        optimizer=keras.optimizers.Adadelta(learning_rate=1.0),  # Keras 2.3's default rate
        metrics=["accuracy"],
    )
    history = model.fit(
        x_train,
        y_train,
        batch_size=batch_size,
        epochs=epochs,
        verbose=0,
        validation_data=(x_test, y_test),
        shuffle=False,
    )
    score = model.evaluate(x_test, y_test, verbose=0)
    return {
        "summary": _summary(model),
        "history": _hist(history),
        "score": _f(score),
        "predict": _f(model.predict(x_test[:2], verbose=0)),
    }


# -- antirectifier.py (Keras 2.3) ---------------------------------------------------------
@scenario
def antirectifier(keras):
    Sequential = _m(keras, "models").Sequential
    layers = _m(keras, "layers")
    K = _m(keras, "backend")

    class Antirectifier(layers.Layer):
        def compute_output_shape(self, input_shape):
            shape = list(input_shape)
            assert len(shape) == 2  # only valid for 2D tensors
            shape[-1] *= 2
            return tuple(shape)

        def call(self, inputs):
            inputs -= K.mean(inputs, axis=1, keepdims=True)
            inputs = K.l2_normalize(inputs, axis=1)
            pos = K.relu(inputs)
            neg = K.relu(-inputs)
            return K.concatenate([pos, neg], axis=1)

    batch_size, num_classes, epochs = 8, 10, 2
    (x_train, y_train), (x_test, y_test) = _mnist(24), _mnist(8, seed=1)
    x_train = x_train.reshape(-1, 784).astype("float32") / 255
    x_test = x_test.reshape(-1, 784).astype("float32") / 255
    y_train = keras.utils.to_categorical(y_train, num_classes)
    y_test = keras.utils.to_categorical(y_test, num_classes)

    model = Sequential()
    model.add(layers.Dense(256, input_shape=(784,)))
    model.add(Antirectifier())
    model.add(layers.Dropout(0.0))  # 0.1
    model.add(layers.Dense(256))
    model.add(Antirectifier())
    model.add(layers.Dropout(0.0))
    model.add(layers.Dense(num_classes))
    model.add(layers.Activation("softmax"))
    _init(model)
    model.compile(loss="categorical_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
    history = model.fit(
        x_train,
        y_train,
        batch_size=batch_size,
        epochs=epochs,
        verbose=0,
        validation_data=(x_test, y_test),
        shuffle=False,
    )
    return {
        "summary": _summary(model),
        "history": _hist(history),
        "predict": _f(model.predict(x_test[:2], verbose=0)),
    }


# -- mnist_irnn.py ------------------------------------------------------------------------
@scenario
def mnist_irnn(keras):
    Sequential = _m(keras, "models").Sequential
    L = _m(keras, "layers")
    Dense, Activation, SimpleRNN = L.Dense, L.Activation, L.SimpleRNN
    initializers = _m(keras, "initializers")
    RMSprop = _m(keras, "optimizers").RMSprop

    batch_size, num_classes, epochs = 4, 10, 1
    hidden_units = 100
    learning_rate = 1e-6
    (x_train, y_train), (x_test, y_test) = _mnist(8), _mnist(4, seed=1)
    # the script's rows of 784 pixels, one at a time; 7 x 7 images here (49 steps)
    x_train = x_train[:, ::4, ::4].reshape(x_train.shape[0], -1, 1)
    x_test = x_test[:, ::4, ::4].reshape(x_test.shape[0], -1, 1)
    x_train = x_train.astype("float32")
    x_test = x_test.astype("float32")
    x_train /= 255
    x_test /= 255
    y_train = keras.utils.to_categorical(y_train, num_classes)
    y_test = keras.utils.to_categorical(y_test, num_classes)

    model = Sequential()
    model.add(
        SimpleRNN(
            hidden_units,
            kernel_initializer=initializers.RandomNormal(stddev=0.001),
            recurrent_initializer=initializers.Identity(gain=1.0),
            activation="relu",
            input_shape=x_train.shape[1:],
        )
    )
    model.add(Dense(num_classes))
    model.add(Activation("softmax"))
    recurrent = model.layers[0].get_weights()[1]
    rmsprop = RMSprop(learning_rate=learning_rate)
    _init(model)
    model.compile(loss="categorical_crossentropy", optimizer=rmsprop, metrics=["accuracy"])
    history = model.fit(
        x_train, y_train, batch_size=batch_size, epochs=epochs, verbose=0, shuffle=False
    )
    scores = model.evaluate(x_test, y_test, verbose=0)
    return {
        "identity_init": bool(np.array_equal(recurrent, np.eye(hidden_units))),
        "history": _hist(history),
        "scores": _f(scores),
    }


# -- mnist_hierarchical_rnn.py ------------------------------------------------------------
@scenario
def mnist_hierarchical_rnn(keras):
    Model = _m(keras, "models").Model
    L = _m(keras, "layers")
    Input, Dense, TimeDistributed, LSTM = L.Input, L.Dense, L.TimeDistributed, L.LSTM

    batch_size, num_classes, epochs = 4, 10, 1
    row_hidden, col_hidden = 128, 128
    (x_train, y_train), (x_test, y_test) = _mnist(8), _mnist(4, seed=1)
    x_train = x_train.reshape(x_train.shape[0], 28, 28, 1)
    x_test = x_test.reshape(x_test.shape[0], 28, 28, 1)
    x_train = x_train.astype("float32")
    x_test = x_test.astype("float32")
    x_train /= 255
    x_test /= 255
    y_train = keras.utils.to_categorical(y_train, num_classes)
    y_test = keras.utils.to_categorical(y_test, num_classes)
    row, col, pixel = x_train.shape[1:]

    x = Input(shape=(row, col, pixel))
    encoded_rows = TimeDistributed(LSTM(row_hidden))(x)
    encoded_columns = LSTM(col_hidden)(encoded_rows)
    prediction = Dense(num_classes, activation="softmax")(encoded_columns)
    model = Model(x, prediction)
    _init(model)
    model.compile(loss="categorical_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
    history = model.fit(
        x_train,
        y_train,
        batch_size=batch_size,
        epochs=epochs,
        verbose=0,
        validation_data=(x_test, y_test),
        shuffle=False,
    )
    scores = model.evaluate(x_test, y_test, verbose=0)
    return {"summary": _summary(model), "history": _hist(history), "scores": _f(scores)}


# -- mnist_siamese.py ---------------------------------------------------------------------
@scenario
def mnist_siamese(keras):
    Model = _m(keras, "models").Model
    L = _m(keras, "layers")
    Input, Flatten, Dense, Dropout, Lambda = L.Input, L.Flatten, L.Dense, L.Dropout, L.Lambda
    RMSprop = _m(keras, "optimizers").RMSprop
    K = _m(keras, "backend")

    num_classes, epochs = 10, 2

    def euclidean_distance(vects):
        x, y = vects
        sum_square = K.sum(K.square(x - y), axis=1, keepdims=True)
        return K.sqrt(K.maximum(sum_square, K.epsilon()))

    def eucl_dist_output_shape(shapes):
        shape1, shape2 = shapes
        return (shape1[0], 1)

    def contrastive_loss(y_true, y_pred):
        margin = 1
        square_pred = K.square(y_pred)
        margin_square = K.square(K.maximum(margin - y_pred, 0))
        return K.mean(y_true * square_pred + (1 - y_true) * margin_square)

    def create_pairs(x, digit_indices):
        pairs = []
        labels = []
        n = min([len(digit_indices[d]) for d in range(num_classes)]) - 1
        for d in range(num_classes):
            for i in range(n):
                z1, z2 = digit_indices[d][i], digit_indices[d][i + 1]
                pairs += [[x[z1], x[z2]]]
                inc = random.randrange(1, num_classes)
                dn = (d + inc) % num_classes
                z1, z2 = digit_indices[d][i], digit_indices[dn][i]
                pairs += [[x[z1], x[z2]]]
                labels += [1, 0]
        return np.array(pairs), np.array(labels)

    def create_base_network(input_shape):
        input = Input(shape=input_shape)
        x = Flatten()(input)
        x = Dense(128, activation="relu")(x)
        x = Dropout(0.0)(x)  # 0.1
        x = Dense(128, activation="relu")(x)
        x = Dropout(0.0)(x)
        x = Dense(128, activation="relu")(x)
        return Model(input, x)

    def compute_accuracy(y_true, y_pred):
        pred = y_pred.ravel() < 0.5
        return np.mean(pred == y_true)

    def accuracy(y_true, y_pred):
        return K.mean(K.equal(y_true, K.cast(y_pred < 0.5, y_true.dtype)))

    random.seed(0)
    x_train, y_train = _mnist(60)
    x_train = x_train.astype("float32")
    x_train /= 255
    input_shape = x_train.shape[1:]
    digit_indices = [np.where(y_train == i)[0] for i in range(num_classes)]
    tr_pairs, tr_y = create_pairs(x_train, digit_indices)
    tr_y = tr_y.astype("float32")  # Keras 2's target placeholders were float32

    base_network = create_base_network(input_shape)
    input_a = Input(shape=input_shape)
    input_b = Input(shape=input_shape)
    processed_a = base_network(input_a)
    processed_b = base_network(input_b)
    distance = Lambda(euclidean_distance, output_shape=eucl_dist_output_shape)(
        [processed_a, processed_b]
    )
    model = Model([input_a, input_b], distance)
    _init(model)
    rms = RMSprop()
    model.compile(loss=contrastive_loss, optimizer=rms, metrics=[accuracy])
    history = model.fit(
        [tr_pairs[:, 0], tr_pairs[:, 1]],
        tr_y,
        batch_size=8,
        epochs=epochs,
        verbose=0,
        validation_data=([tr_pairs[:4, 0], tr_pairs[:4, 1]], tr_y[:4]),
        shuffle=False,
    )
    y_pred = model.predict([tr_pairs[:, 0], tr_pairs[:, 1]], verbose=0)
    return {
        "pairs": list(tr_pairs.shape),
        "summary": _summary(model),
        "history": _hist(history),
        "predict": _f(y_pred[:6]),
        "tr_acc": float(compute_accuracy(tr_y, y_pred)),
    }


# -- mnist_transfer_cnn.py ----------------------------------------------------------------
@scenario
def mnist_transfer_cnn(keras):
    Sequential = _m(keras, "models").Sequential
    L = _m(keras, "layers")
    Dense, Dropout, Activation, Flatten, Conv2D, MaxPooling2D = (
        L.Dense, L.Dropout, L.Activation, L.Flatten, L.Conv2D, L.MaxPooling2D,
    )  # fmt: skip

    batch_size, num_classes, epochs = 4, 5, 1
    img_rows, img_cols = 28, 28
    filters, pool_size, kernel_size = 32, 2, 3
    input_shape = (img_rows, img_cols, 1)
    out = {}

    def train_model(model, train, test, num_classes):
        x_train = train[0].reshape((train[0].shape[0],) + input_shape)
        x_test = test[0].reshape((test[0].shape[0],) + input_shape)
        x_train = x_train.astype("float32")
        x_test = x_test.astype("float32")
        x_train /= 255
        x_test /= 255
        y_train = keras.utils.to_categorical(train[1], num_classes)
        y_test = keras.utils.to_categorical(test[1], num_classes)
        model.compile(loss="categorical_crossentropy", optimizer="adadelta", metrics=["accuracy"])
        history = model.fit(
            x_train,
            y_train,
            batch_size=batch_size,
            epochs=epochs,
            verbose=0,
            validation_data=(x_test, y_test),
            shuffle=False,
        )
        score = model.evaluate(x_test, y_test, verbose=0)
        return _hist(history), _f(score)

    (x_train, y_train), (x_test, y_test) = _mnist(40), _mnist(20, seed=1)
    x_train_lt5 = x_train[y_train < 5]
    y_train_lt5 = y_train[y_train < 5]
    x_test_lt5 = x_test[y_test < 5]
    y_test_lt5 = y_test[y_test < 5]
    x_train_gte5 = x_train[y_train >= 5]
    y_train_gte5 = y_train[y_train >= 5] - 5
    x_test_gte5 = x_test[y_test >= 5]
    y_test_gte5 = y_test[y_test >= 5] - 5

    feature_layers = [
        Conv2D(filters, kernel_size, padding="valid", input_shape=input_shape),
        Activation("relu"),
        Conv2D(filters, kernel_size),
        Activation("relu"),
        MaxPooling2D(pool_size=pool_size),
        Dropout(0.0),  # 0.25
        Flatten(),
    ]
    classification_layers = [
        Dense(128),
        Activation("relu"),
        Dropout(0.0),  # 0.5
        Dense(num_classes),
        Activation("softmax"),
    ]
    model = Sequential(feature_layers + classification_layers)
    _init(model)
    out["first"] = train_model(model, (x_train_lt5, y_train_lt5), (x_test_lt5, y_test_lt5), 5)
    for l in feature_layers:  # noqa: E741 - the script's name
        l.trainable = False
    out["summary_frozen"] = _summary(model)
    frozen = model.layers[0].get_weights()[0].copy()
    out["transfer"] = train_model(
        model, (x_train_gte5, y_train_gte5), (x_test_gte5, y_test_gte5), num_classes
    )
    out["features_kept"] = bool(np.array_equal(frozen, model.layers[0].get_weights()[0]))
    return out


# -- mnist_denoising_autoencoder.py -------------------------------------------------------
@scenario
def mnist_denoising_autoencoder(keras):
    L = _m(keras, "layers")
    Dense, Input, Conv2D, Flatten, Reshape, Conv2DTranspose = (
        L.Dense, L.Input, L.Conv2D, L.Flatten, L.Reshape, L.Conv2DTranspose,
    )  # fmt: skip
    Model = _m(keras, "models").Model
    K = _m(keras, "backend")

    np.random.seed(1337)
    (x_train, _), (x_test, _) = _mnist(12), _mnist(4, seed=1)
    image_size = x_train.shape[1]
    x_train = np.reshape(x_train, [-1, image_size, image_size, 1])
    x_test = np.reshape(x_test, [-1, image_size, image_size, 1])
    x_train = x_train.astype("float32") / 255
    x_test = x_test.astype("float32") / 255
    noise = np.random.normal(loc=0.5, scale=0.5, size=x_train.shape)
    x_train_noisy = x_train + noise
    noise = np.random.normal(loc=0.5, scale=0.5, size=x_test.shape)
    x_test_noisy = x_test + noise
    x_train_noisy = np.clip(x_train_noisy, 0.0, 1.0)
    x_test_noisy = np.clip(x_test_noisy, 0.0, 1.0)

    input_shape = (image_size, image_size, 1)
    batch_size = 4
    kernel_size = 3
    latent_dim = 16
    layer_filters = [32, 64]

    inputs = Input(shape=input_shape, name="encoder_input")
    x = inputs
    for filters in layer_filters:
        x = Conv2D(
            filters=filters, kernel_size=kernel_size, strides=2, activation="relu", padding="same"
        )(x)
    shape = K.int_shape(x)
    x = Flatten()(x)
    latent = Dense(latent_dim, name="latent_vector")(x)
    encoder = Model(inputs, latent, name="encoder")

    latent_inputs = Input(shape=(latent_dim,), name="decoder_input")
    x = Dense(shape[1] * shape[2] * shape[3])(latent_inputs)
    x = Reshape((shape[1], shape[2], shape[3]))(x)
    for filters in layer_filters[::-1]:
        x = Conv2DTranspose(
            filters=filters, kernel_size=kernel_size, strides=2, activation="relu", padding="same"
        )(x)
    x = Conv2DTranspose(filters=1, kernel_size=kernel_size, padding="same")(x)
    outputs = L.Activation("sigmoid", name="decoder_output")(x)
    decoder = Model(latent_inputs, outputs, name="decoder")

    autoencoder = Model(inputs, decoder(encoder(inputs)), name="autoencoder")
    _init(autoencoder)
    autoencoder.compile(loss="mse", optimizer="adam")
    history = autoencoder.fit(
        x_train_noisy,
        x_train,
        validation_data=(x_test_noisy, x_test),
        epochs=2,
        batch_size=batch_size,
        verbose=0,
        shuffle=False,
    )
    x_decoded = autoencoder.predict(x_test_noisy, verbose=0)
    return {
        "shape": list(shape),
        "summaries": [_summary(m) for m in (encoder, decoder, autoencoder)],
        "history": _hist(history),
        "decoded": _f(x_decoded[:2, 10:14, 10:14, 0]),
    }


# -- variational_autoencoder.py (Keras 2.3) ----------------------------------------------
@scenario
def variational_autoencoder(keras):
    L = _m(keras, "layers")
    Lambda, Input, Dense = L.Lambda, L.Input, L.Dense
    Model = _m(keras, "models").Model
    losses = _m(keras, "losses")
    mse, binary_crossentropy = losses.mse, losses.binary_crossentropy
    K = _m(keras, "backend")

    def sampling(args):
        z_mean, z_log_var = args
        batch = K.shape(z_mean)[0]
        dim = K.int_shape(z_mean)[1]
        # by default, random_normal has mean = 0 and std = 1.0 (stddev 0 here: the two
        # draw different noise)
        epsilon = K.random_normal(shape=(batch, dim), stddev=0.0)
        return z_mean + K.exp(0.5 * z_log_var) * epsilon

    x_train, _ = _mnist(16)
    image_size = x_train.shape[1]
    original_dim = image_size * image_size
    x_train = np.reshape(x_train, [-1, original_dim])
    x_train = x_train.astype("float32") / 255

    input_shape = (original_dim,)
    intermediate_dim = 512
    batch_size = 8
    latent_dim = 2
    epochs = 2

    inputs = Input(shape=input_shape, name="encoder_input")
    x = Dense(intermediate_dim, activation="relu")(inputs)
    z_mean = Dense(latent_dim, name="z_mean")(x)
    z_log_var = Dense(latent_dim, name="z_log_var")(x)
    z = Lambda(sampling, output_shape=(latent_dim,), name="z")([z_mean, z_log_var])
    encoder = Model(inputs, [z_mean, z_log_var, z], name="encoder")

    latent_inputs = Input(shape=(latent_dim,), name="z_sampling")
    x = Dense(intermediate_dim, activation="relu")(latent_inputs)
    outputs = Dense(original_dim, activation="sigmoid")(x)
    decoder = Model(latent_inputs, outputs, name="decoder")

    outputs = decoder(encoder(inputs)[2])
    vae = Model(inputs, outputs, name="vae_mlp")
    _init(vae)
    reconstruction_loss = binary_crossentropy(inputs, outputs)  # mse with --mse
    reconstruction_loss *= original_dim
    kl_loss = 1 + z_log_var - K.square(z_mean) - K.exp(z_log_var)
    kl_loss = K.sum(kl_loss, axis=-1)
    kl_loss *= -0.5
    vae_loss = K.mean(reconstruction_loss + kl_loss)
    vae.add_loss(vae_loss)
    vae.compile(optimizer="adam")
    history = vae.fit(x_train, epochs=epochs, batch_size=batch_size, verbose=0, shuffle=False)
    z_mean_pred, _, _ = encoder.predict(x_train[:3], batch_size=batch_size, verbose=0)
    out = {
        "history": _hist(history),
        "z_mean": _f(z_mean_pred),
        "decoded": _f(decoder.predict(np.array([[0.5, -0.5]]), verbose=0)[0, 300:306]),
        "mse": _f(mse(x_train[:2], x_train[1:3])),
    }
    out["summaries"] = [_summary(m) for m in (encoder, decoder)]
    return out


# -- addition_rnn.py ----------------------------------------------------------------------
@scenario
def addition_rnn(keras):
    L = _m(keras, "layers")
    Sequential = _m(keras, "models").Sequential

    class CharacterTable:
        def __init__(self, chars):
            self.chars = sorted(set(chars))
            self.char_indices = dict((c, i) for i, c in enumerate(self.chars))
            self.indices_char = dict((i, c) for i, c in enumerate(self.chars))

        def encode(self, C, num_rows):
            x = np.zeros((num_rows, len(self.chars)))
            for i, c in enumerate(C):
                x[i, self.char_indices[c]] = 1
            return x

        def decode(self, x, calc_argmax=True):
            if calc_argmax:
                x = x.argmax(axis=-1)
            return "".join(self.indices_char[x] for x in x)

    TRAINING_SIZE = 40
    DIGITS = 3
    REVERSE = True
    MAXLEN = DIGITS + 1 + DIGITS
    chars = "0123456789+ "
    ctable = CharacterTable(chars)
    questions, expected, seen = [], [], set()
    np.random.seed(0)
    while len(questions) < TRAINING_SIZE:

        def f():
            return int(
                "".join(
                    np.random.choice(list("0123456789"))
                    for i in range(np.random.randint(1, DIGITS + 1))
                )
            )

        a, b = f(), f()
        key = tuple(sorted((a, b)))
        if key in seen:
            continue
        seen.add(key)
        q = "{}+{}".format(a, b)
        query = q + " " * (MAXLEN - len(q))
        ans = str(a + b)
        ans += " " * (DIGITS + 1 - len(ans))
        if REVERSE:
            query = query[::-1]
        questions.append(query)
        expected.append(ans)
    x = np.zeros((len(questions), MAXLEN, len(chars)), dtype=bool)
    y = np.zeros((len(questions), DIGITS + 1, len(chars)), dtype=bool)
    for i, sentence in enumerate(questions):
        x[i] = ctable.encode(sentence, MAXLEN)
    for i, sentence in enumerate(expected):
        y[i] = ctable.encode(sentence, DIGITS + 1)
    indices = np.arange(len(y))
    np.random.shuffle(indices)
    x, y = x[indices], y[indices]
    split_at = len(x) - len(x) // 10
    (x_train, x_val) = x[:split_at], x[split_at:]
    (y_train, y_val) = y[:split_at], y[split_at:]

    RNN = L.LSTM
    HIDDEN_SIZE = 128
    BATCH_SIZE = 8
    LAYERS = 1
    model = Sequential()
    model.add(RNN(HIDDEN_SIZE, input_shape=(MAXLEN, len(chars))))
    model.add(L.RepeatVector(DIGITS + 1))
    for _ in range(LAYERS):
        model.add(RNN(HIDDEN_SIZE, return_sequences=True))
    model.add(L.TimeDistributed(L.Dense(len(chars), activation="softmax")))
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    _init(model)
    out = {"summary": _summary(model), "history": []}
    for iteration in range(1, 3):
        history = model.fit(
            x_train, y_train, batch_size=BATCH_SIZE, epochs=1, verbose=0,
            validation_data=(x_val, y_val), shuffle=False)  # fmt: skip
        out["history"].append(_hist(history))
        rowx = x_val[:2]
        preds = np.argmax(model.predict(rowx, verbose=0), axis=-1)  # predict_classes
        out.setdefault("guesses", []).append([ctable.decode(p, calc_argmax=False) for p in preds])
    return out


# -- babi_rnn.py --------------------------------------------------------------------------
def _babi(n, vocab_size, story_maxlen, query_maxlen, seed=0):
    rng = np.random.default_rng(seed)
    stories = [rng.integers(1, vocab_size, rng.integers(3, story_maxlen + 1)) for _ in range(n)]
    queries = [rng.integers(1, vocab_size, query_maxlen) for _ in range(n)]
    answers = rng.integers(1, vocab_size, n)
    return stories, queries, answers


@scenario
def babi_rnn(keras):
    layers = _m(keras, "layers")
    recurrent = layers  # keras.layers.recurrent in the script
    Model = _m(keras, "models").Model
    pad_sequences = _m(keras, "preprocessing.sequence").pad_sequences

    RNN = recurrent.LSTM
    EMBED_HIDDEN_SIZE = 50
    SENT_HIDDEN_SIZE = 100
    QUERY_HIDDEN_SIZE = 100
    BATCH_SIZE = 8
    EPOCHS = 2
    vocab_size, story_maxlen, query_maxlen = 22, 30, 4
    stories, queries, answers = _babi(40, vocab_size, story_maxlen, query_maxlen)
    x = pad_sequences(stories, maxlen=story_maxlen)
    xq = pad_sequences(queries, maxlen=query_maxlen)
    y = np.zeros((len(answers), vocab_size))
    y[np.arange(len(answers)), answers] = 1

    sentence = layers.Input(shape=(story_maxlen,), dtype="int32")
    encoded_sentence = layers.Embedding(vocab_size, EMBED_HIDDEN_SIZE)(sentence)
    encoded_sentence = RNN(SENT_HIDDEN_SIZE)(encoded_sentence)
    question = layers.Input(shape=(query_maxlen,), dtype="int32")
    encoded_question = layers.Embedding(vocab_size, EMBED_HIDDEN_SIZE)(question)
    encoded_question = RNN(QUERY_HIDDEN_SIZE)(encoded_question)
    merged = layers.concatenate([encoded_sentence, encoded_question])
    preds = layers.Dense(vocab_size, activation="softmax")(merged)
    model = Model([sentence, question], preds)
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    _init(model)
    history = model.fit(
        [x, xq],
        y,
        batch_size=BATCH_SIZE,
        epochs=EPOCHS,
        validation_split=0.2,
        verbose=0,
        shuffle=False,
    )
    loss, acc = model.evaluate([x[:8], xq[:8]], y[:8], batch_size=BATCH_SIZE, verbose=0)
    return {
        "padded": x[:2].tolist(),
        "summary": _summary(model),
        "history": _hist(history),
        "evaluate": _f([loss, acc]),
    }


# -- babi_memnn.py ------------------------------------------------------------------------
@scenario
def babi_memnn(keras):
    L = _m(keras, "layers")
    Sequential, Model = _m(keras, "models").Sequential, _m(keras, "models").Model
    Embedding, Input, Activation, Dense, Permute, Dropout = (
        L.Embedding, L.Input, L.Activation, L.Dense, L.Permute, L.Dropout,
    )  # fmt: skip
    add, dot, concatenate = L.add, L.dot, L.concatenate
    LSTM = L.LSTM
    pad_sequences = _m(keras, "preprocessing.sequence").pad_sequences

    vocab_size, story_maxlen, query_maxlen = 22, 30, 4
    stories, queries, answers = _babi(32, vocab_size, story_maxlen, query_maxlen, seed=3)
    inputs_train = pad_sequences(stories, maxlen=story_maxlen)
    queries_train = pad_sequences(queries, maxlen=query_maxlen)
    answers_train = np.array(answers)

    input_sequence = Input((story_maxlen,))
    question = Input((query_maxlen,))
    input_encoder_m = Sequential()
    input_encoder_m.add(Embedding(input_dim=vocab_size, output_dim=64))
    input_encoder_m.add(Dropout(0.0))  # 0.3
    input_encoder_c = Sequential()
    input_encoder_c.add(Embedding(input_dim=vocab_size, output_dim=query_maxlen))
    input_encoder_c.add(Dropout(0.0))
    question_encoder = Sequential()
    question_encoder.add(Embedding(input_dim=vocab_size, output_dim=64, input_length=query_maxlen))
    question_encoder.add(Dropout(0.0))

    input_encoded_m = input_encoder_m(input_sequence)
    input_encoded_c = input_encoder_c(input_sequence)
    question_encoded = question_encoder(question)
    match = dot([input_encoded_m, question_encoded], axes=(2, 2))
    match = Activation("softmax")(match)
    response = add([match, input_encoded_c])
    response = Permute((2, 1))(response)
    answer = concatenate([response, question_encoded])
    answer = LSTM(32)(answer)
    answer = Dropout(0.0)(answer)  # 0.3
    answer = Dense(vocab_size)(answer)
    answer = Activation("softmax")(answer)
    model = Model([input_sequence, question], answer)
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    _init(model)
    history = model.fit(
        [inputs_train, queries_train],
        answers_train,
        batch_size=8,
        epochs=2,
        validation_data=([inputs_train[:8], queries_train[:8]], answers_train[:8]),
        verbose=0,
        shuffle=False,
    )
    return {
        "summary": _summary(model),
        "history": _hist(history),
        "predict": _f(model.predict([inputs_train[:2], queries_train[:2]], verbose=0)),
    }


# -- imdb_lstm.py / imdb_cnn.py / imdb_cnn_lstm.py / imdb_bidirectional_lstm.py ----------
def _imdb_run(keras, model, maxlen, batch_size, optimizer="adam", epochs=1):
    pad = _m(keras, "preprocessing.sequence").pad_sequences
    (x_train, y_train), (x_test, y_test) = _imdb(24, 200), _imdb(8, 200, seed=1)
    x_train = pad(x_train, maxlen=maxlen)
    x_test = pad(x_test, maxlen=maxlen)
    if not model.built:  # (added: built by the first batch in the script; _init needs it)
        model.build((None, maxlen))
    _init(model)
    model.compile(loss="binary_crossentropy", optimizer=optimizer, metrics=["accuracy"])
    history = model.fit(
        x_train, y_train, batch_size=batch_size, epochs=epochs,
        validation_data=(x_test, y_test), verbose=0, shuffle=False)  # fmt: skip
    score, acc = model.evaluate(x_test, y_test, batch_size=batch_size, verbose=0)
    return {
        "padded": [x_train.shape[1], x_train[0, :5].tolist(), x_train[0, -3:].tolist()],
        "summary": _summary(model),
        "history": _hist(history),
        "score": _f([score, acc]),
        "predict": _f(model.predict(x_test[:3], verbose=0)),
    }


@scenario
def imdb_lstm(keras):
    Sequential = _m(keras, "models").Sequential
    L = _m(keras, "layers")
    max_features, maxlen, batch_size = 200, 80, 8
    model = Sequential()
    model.add(L.Embedding(max_features, 128))
    model.add(L.LSTM(128, dropout=0.0, recurrent_dropout=0.0))  # 0.2, 0.2
    model.add(L.Dense(1, activation="sigmoid"))
    return _imdb_run(keras, model, maxlen, batch_size)


@scenario
def imdb_cnn(keras):
    Sequential = _m(keras, "models").Sequential
    L = _m(keras, "layers")
    max_features, maxlen, batch_size = 200, 400, 8
    embedding_dims, filters, kernel_size, hidden_dims = 50, 250, 3, 250
    model = Sequential()
    model.add(L.Embedding(max_features, embedding_dims, input_length=maxlen))
    model.add(L.Dropout(0.0))  # 0.2
    model.add(L.Conv1D(filters, kernel_size, padding="valid", activation="relu", strides=1))
    model.add(L.GlobalMaxPooling1D())
    model.add(L.Dense(hidden_dims))
    model.add(L.Dropout(0.0))
    model.add(L.Activation("relu"))
    model.add(L.Dense(1))
    model.add(L.Activation("sigmoid"))
    return _imdb_run(keras, model, maxlen, batch_size)


@scenario
def imdb_cnn_lstm(keras):
    Sequential = _m(keras, "models").Sequential
    L = _m(keras, "layers")
    max_features, maxlen, embedding_size = 200, 100, 128
    kernel_size, filters, pool_size, lstm_output_size, batch_size = 5, 64, 4, 70, 8
    model = Sequential()
    model.add(L.Embedding(max_features, embedding_size, input_length=maxlen))
    model.add(L.Dropout(0.0))  # 0.25
    model.add(L.Conv1D(filters, kernel_size, padding="valid", activation="relu", strides=1))
    model.add(L.MaxPooling1D(pool_size=pool_size))
    model.add(L.LSTM(lstm_output_size))
    model.add(L.Dense(1))
    model.add(L.Activation("sigmoid"))
    return _imdb_run(keras, model, maxlen, batch_size)


@scenario
def imdb_bidirectional_lstm(keras):
    Sequential = _m(keras, "models").Sequential
    L = _m(keras, "layers")
    max_features, maxlen, batch_size = 200, 100, 8
    model = Sequential()
    model.add(L.Embedding(max_features, 128, input_length=maxlen))
    model.add(L.Bidirectional(L.LSTM(64)))
    model.add(L.Dropout(0.0))  # 0.5
    model.add(L.Dense(1, activation="sigmoid"))
    return _imdb_run(keras, model, maxlen, batch_size)


# -- imdb_fasttext.py ---------------------------------------------------------------------
@scenario
def imdb_fasttext(keras):
    Sequential = _m(keras, "models").Sequential
    L = _m(keras, "layers")
    sequence = _m(keras, "preprocessing.sequence")

    def create_ngram_set(input_list, ngram_value=2):
        return set(zip(*[input_list[i:] for i in range(ngram_value)]))

    def add_ngram(sequences, token_indice, ngram_range=2):
        new_sequences = []
        for input_list in sequences:
            new_list = input_list[:]
            for ngram_value in range(2, ngram_range + 1):
                for i in range(len(new_list) - ngram_value + 1):
                    ngram = tuple(new_list[i : i + ngram_value])
                    if ngram in token_indice:
                        new_list.append(token_indice[ngram])
            new_sequences.append(new_list)
        return new_sequences

    ngram_range = 2
    max_features = 50
    maxlen = 60
    batch_size = 8
    embedding_dims = 50
    epochs = 2
    (x_train, y_train), (x_test, y_test) = _imdb(24, 50, low=5, high=20), _imdb(8, 50, seed=1)
    ngram_set = set()
    for input_list in x_train:
        for i in range(2, ngram_range + 1):
            set_of_ngram = create_ngram_set(input_list, ngram_value=i)
            ngram_set.update(set_of_ngram)
    start_index = max_features + 1
    token_indice = {v: k + start_index for k, v in enumerate(sorted(ngram_set))}
    max_features = np.max(list(token_indice.values())) + 1
    x_train = add_ngram(x_train, token_indice, ngram_range)
    x_test = add_ngram(x_test, token_indice, ngram_range)
    x_train = sequence.pad_sequences(x_train, maxlen=maxlen)
    x_test = sequence.pad_sequences(x_test, maxlen=maxlen)

    model = Sequential()
    model.add(L.Embedding(max_features, embedding_dims, input_length=maxlen))
    model.add(L.GlobalAveragePooling1D())
    model.add(L.Dense(1, activation="sigmoid"))
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    _init(model)
    history = model.fit(
        x_train, y_train, batch_size=batch_size, epochs=epochs,
        validation_data=(x_test, y_test), verbose=0, shuffle=False)  # fmt: skip
    return {
        "max_features": int(max_features),
        "summary": _summary(model),
        "history": _hist(history),
    }


# -- reuters_mlp.py -----------------------------------------------------------------------
@scenario
def reuters_mlp(keras):
    Sequential = _m(keras, "models").Sequential
    L = _m(keras, "layers")
    Tokenizer = _m(keras, "preprocessing.text").Tokenizer

    max_words, batch_size, epochs = 100, 8, 2
    rng = np.random.default_rng(5)
    x_train = [rng.integers(1, 300, rng.integers(5, 40)).tolist() for _ in range(30)]
    y_train = rng.integers(0, 6, 30)
    num_classes = np.max(y_train) + 1
    tokenizer = Tokenizer(num_words=max_words)
    x_train = tokenizer.sequences_to_matrix(x_train, mode="binary")
    tfidf = Tokenizer(num_words=max_words)
    tfidf.fit_on_sequences([[1, 2, 2, 3], [2, 5]])
    tfidf_matrix = tfidf.sequences_to_matrix([[1, 2, 2, 7], [5]], mode="tfidf")
    y_train = keras.utils.to_categorical(y_train, num_classes)

    model = Sequential()
    model.add(L.Dense(512, input_shape=(max_words,)))
    model.add(L.Activation("relu"))
    model.add(L.Dropout(0.0))  # 0.5
    model.add(L.Dense(num_classes))
    model.add(L.Activation("softmax"))
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    _init(model)
    history = model.fit(
        x_train,
        y_train,
        batch_size=batch_size,
        epochs=epochs,
        verbose=0,
        validation_split=0.1,
        shuffle=False,
    )
    score = model.evaluate(x_train[:8], y_train[:8], batch_size=batch_size, verbose=0)
    return {
        "matrix": [list(x_train.shape), x_train[0].nonzero()[0][:8].tolist()],
        "tfidf": _f(tfidf_matrix[:, :8]),
        "history": _hist(history),
        "score": _f(score),
    }


# -- lstm_seq2seq.py and lstm_seq2seq_restore.py ------------------------------------------
@scenario
def lstm_seq2seq(keras):
    Model, load_model = _m(keras, "models").Model, _m(keras, "models").load_model
    L = _m(keras, "layers")
    Input, LSTM, Dense = L.Input, L.LSTM, L.Dense

    batch_size, epochs, latent_dim = 8, 2, 32
    rng = np.random.default_rng(2)
    input_texts = ["".join(rng.choice(list("abcde "), rng.integers(2, 7))) for _ in range(20)]
    target_texts = ["\t" + t.upper()[::-1] + "\n" for t in input_texts]
    input_characters = sorted(set("".join(input_texts)))
    target_characters = sorted(set("".join(target_texts)))
    num_encoder_tokens = len(input_characters)
    num_decoder_tokens = len(target_characters)
    max_encoder_seq_length = max([len(txt) for txt in input_texts])
    max_decoder_seq_length = max([len(txt) for txt in target_texts])
    input_token_index = dict([(char, i) for i, char in enumerate(input_characters)])
    target_token_index = dict([(char, i) for i, char in enumerate(target_characters)])
    encoder_input_data = np.zeros(
        (len(input_texts), max_encoder_seq_length, num_encoder_tokens), dtype="float32"
    )
    decoder_input_data = np.zeros(
        (len(input_texts), max_decoder_seq_length, num_decoder_tokens), dtype="float32"
    )
    decoder_target_data = np.zeros(
        (len(input_texts), max_decoder_seq_length, num_decoder_tokens), dtype="float32"
    )
    for i, (input_text, target_text) in enumerate(zip(input_texts, target_texts)):
        for t, char in enumerate(input_text):
            encoder_input_data[i, t, input_token_index[char]] = 1.0
        for t, char in enumerate(target_text):
            decoder_input_data[i, t, target_token_index[char]] = 1.0
            if t > 0:
                decoder_target_data[i, t - 1, target_token_index[char]] = 1.0

    encoder_inputs = Input(shape=(None, num_encoder_tokens))
    encoder = LSTM(latent_dim, return_state=True)
    encoder_outputs, state_h, state_c = encoder(encoder_inputs)
    encoder_states = [state_h, state_c]
    decoder_inputs = Input(shape=(None, num_decoder_tokens))
    decoder_lstm = LSTM(latent_dim, return_sequences=True, return_state=True)
    decoder_outputs, _, _ = decoder_lstm(decoder_inputs, initial_state=encoder_states)
    decoder_dense = Dense(num_decoder_tokens, activation="softmax")
    decoder_outputs = decoder_dense(decoder_outputs)
    model = Model([encoder_inputs, decoder_inputs], decoder_outputs)
    _init(model)
    first_pair = [encoder_input_data[:1], decoder_input_data[:1]]
    initial = model.predict(first_pair, verbose=0)[0, :2]
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(
        [encoder_input_data, decoder_input_data],
        decoder_target_data,
        batch_size=batch_size,
        epochs=epochs,
        validation_split=0.2,
        verbose=0,
        shuffle=False,
    )
    tmp = tempfile.mkdtemp()
    model.save(os.path.join(tmp, "s2s.h5"))
    trained = model.predict(first_pair, verbose=0)

    reverse_target_char_index = dict((i, char) for char, i in target_token_index.items())

    def decode_sequence(input_seq, encoder_model, decoder_model):
        states_value = encoder_model.predict(input_seq, verbose=0)
        target_seq = np.zeros((1, 1, num_decoder_tokens))
        target_seq[0, 0, target_token_index["\t"]] = 1.0
        stop_condition = False
        decoded_sentence = ""
        while not stop_condition:
            output_tokens, h, c = decoder_model.predict([target_seq] + states_value, verbose=0)
            sampled_token_index = np.argmax(output_tokens[0, -1, :])
            sampled_char = reverse_target_char_index[sampled_token_index]
            decoded_sentence += sampled_char
            if sampled_char == "\n" or len(decoded_sentence) > max_decoder_seq_length:
                stop_condition = True
            target_seq = np.zeros((1, 1, num_decoder_tokens))
            target_seq[0, 0, sampled_token_index] = 1.0
            states_value = [h, c]
        return decoded_sentence

    # lstm_seq2seq.py's sampling models
    encoder_model = Model(encoder_inputs, encoder_states)
    decoder_state_input_h = Input(shape=(latent_dim,))
    decoder_state_input_c = Input(shape=(latent_dim,))
    decoder_states_inputs = [decoder_state_input_h, decoder_state_input_c]
    decoder_outputs, state_h, state_c = decoder_lstm(
        decoder_inputs, initial_state=decoder_states_inputs
    )
    decoder_states = [state_h, state_c]
    decoder_outputs = decoder_dense(decoder_outputs)
    decoder_model = Model(
        [decoder_inputs] + decoder_states_inputs, [decoder_outputs] + decoder_states
    )
    decoded = [decode_sequence(encoder_input_data[i : i + 1], encoder_model, decoder_model)
               for i in range(2)]  # fmt: skip

    # lstm_seq2seq_restore.py
    model = load_model(os.path.join(tmp, "s2s.h5"))
    encoder_inputs = model.input[0]  # input_1
    encoder_outputs, state_h_enc, state_c_enc = model.layers[2].output  # lstm_1
    encoder_states = [state_h_enc, state_c_enc]
    encoder_model = Model(encoder_inputs, encoder_states)
    decoder_inputs = model.input[1]  # input_2
    decoder_state_input_h = Input(shape=(latent_dim,), name="input_3")
    decoder_state_input_c = Input(shape=(latent_dim,), name="input_4")
    decoder_states_inputs = [decoder_state_input_h, decoder_state_input_c]
    decoder_lstm = model.layers[3]
    decoder_outputs, state_h_dec, state_c_dec = decoder_lstm(
        decoder_inputs, initial_state=decoder_states_inputs
    )
    decoder_states = [state_h_dec, state_c_dec]
    decoder_dense = model.layers[4]
    decoder_outputs = decoder_dense(decoder_outputs)
    decoder_model = Model(
        [decoder_inputs] + decoder_states_inputs, [decoder_outputs] + decoder_states
    )
    restored = [decode_sequence(encoder_input_data[i : i + 1], encoder_model, decoder_model)
                for i in range(2)]  # fmt: skip
    return {
        "summary": _summary(model),
        "history": _hist(history),
        "layers": [type(layer).__name__ for layer in model.layers],
        "decoded": decoded,
        "restored": restored,
        "restored_optimizer": type(model.optimizer).__name__,
        "initial": _f(initial),
        "predict": _f(model.predict(first_pair, verbose=0)[0, :2]),
        "round_trip": [
            bool(np.allclose(model.predict(first_pair, verbose=0), trained, atol=1e-6)),
            decoded == restored,
        ],
    }


# -- lstm_text_generation.py --------------------------------------------------------------
@scenario
def lstm_text_generation(keras):
    LambdaCallback = _m(keras, "callbacks").LambdaCallback
    Sequential = _m(keras, "models").Sequential
    L = _m(keras, "layers")
    Dense, LSTM = L.Dense, L.LSTM
    RMSprop = _m(keras, "optimizers").RMSprop

    text = ("the quick brown fox jumps over the lazy dog and the cat sat on the mat " * 3).lower()
    chars = sorted(list(set(text)))
    char_indices = dict((c, i) for i, c in enumerate(chars))
    indices_char = dict((i, c) for i, c in enumerate(chars))
    maxlen = 40
    step = 3
    sentences = []
    next_chars = []
    for i in range(0, len(text) - maxlen, step):
        sentences.append(text[i : i + maxlen])
        next_chars.append(text[i + maxlen])
    x = np.zeros((len(sentences), maxlen, len(chars)), dtype=bool)
    y = np.zeros((len(sentences), len(chars)), dtype=bool)
    for i, sentence in enumerate(sentences):
        for t, char in enumerate(sentence):
            x[i, t, char_indices[char]] = 1
        y[i, char_indices[next_chars[i]]] = 1

    model = Sequential()
    model.add(LSTM(128, input_shape=(maxlen, len(chars))))
    model.add(Dense(len(chars), activation="softmax"))
    optimizer = RMSprop(learning_rate=0.01)
    model.compile(loss="categorical_crossentropy", optimizer=optimizer)
    _init(model)

    def sample(preds, temperature=1.0):
        preds = np.asarray(preds).astype("float64")
        preds = np.log(preds) / temperature
        exp_preds = np.exp(preds)
        preds = exp_preds / np.sum(exp_preds)
        probas = np.random.multinomial(1, preds, 1)
        return np.argmax(probas)

    generated_texts = []

    def on_epoch_end(epoch, _):
        start_index = random.randint(0, len(text) - maxlen - 1)
        for diversity in [0.2, 1.0]:  # [0.2, 0.5, 1.0, 1.2]
            generated = ""
            sentence = text[start_index : start_index + maxlen]
            generated += sentence
            for i in range(8):  # 400
                x_pred = np.zeros((1, maxlen, len(chars)))
                for t, char in enumerate(sentence):
                    x_pred[0, t, char_indices[char]] = 1.0
                preds = model.predict(x_pred, verbose=0)[0]
                next_index = sample(preds, diversity)
                next_char = indices_char[next_index]
                sentence = sentence[1:] + next_char
                generated += next_char
            generated_texts.append(generated[maxlen:])

    print_callback = LambdaCallback(on_epoch_end=on_epoch_end)
    np.random.seed(7)
    random.seed(7)
    history = model.fit(
        x, y, batch_size=16, epochs=2, callbacks=[print_callback], verbose=0, shuffle=False
    )
    return {"history": _hist(history), "generated": generated_texts}


# -- cifar10_cnn.py -----------------------------------------------------------------------
@scenario
def cifar10_cnn(keras):
    ImageDataGenerator = _m(keras, "preprocessing.image").ImageDataGenerator
    Sequential, load_model = _m(keras, "models").Sequential, _m(keras, "models").load_model
    L = _m(keras, "layers")
    Dense, Dropout, Activation, Flatten, Conv2D, MaxPooling2D = (
        L.Dense, L.Dropout, L.Activation, L.Flatten, L.Conv2D, L.MaxPooling2D,
    )  # fmt: skip

    batch_size, num_classes, epochs = 4, 10, 2
    rng = np.random.default_rng(4)
    x_train = rng.integers(0, 256, (12, 32, 32, 3)).astype("uint8")
    y_train = rng.integers(0, 10, (12, 1))
    x_test = rng.integers(0, 256, (4, 32, 32, 3)).astype("uint8")
    y_test = rng.integers(0, 10, (4, 1))
    y_train = keras.utils.to_categorical(y_train, num_classes)
    y_test = keras.utils.to_categorical(y_test, num_classes)

    model = Sequential()
    model.add(Conv2D(32, (3, 3), padding="same", input_shape=x_train.shape[1:]))
    model.add(Activation("relu"))
    model.add(Conv2D(32, (3, 3)))
    model.add(Activation("relu"))
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(Dropout(0.0))  # 0.25
    model.add(Conv2D(64, (3, 3), padding="same"))
    model.add(Activation("relu"))
    model.add(Conv2D(64, (3, 3)))
    model.add(Activation("relu"))
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(Dropout(0.0))  # 0.25
    model.add(Flatten())
    model.add(Dense(512))
    model.add(Activation("relu"))
    model.add(Dropout(0.0))  # 0.5
    model.add(Dense(num_classes))
    model.add(Activation("softmax"))
    _init(model)
    opt = keras.optimizers.RMSprop(learning_rate=0.0001)  # and decay=1e-6 (Keras 2.3)
    model.compile(loss="categorical_crossentropy", optimizer=opt, metrics=["accuracy"])
    x_train = x_train.astype("float32")
    x_test = x_test.astype("float32")
    x_train /= 255
    x_test /= 255
    datagen = ImageDataGenerator(
        featurewise_center=True,  # False in the script: the fit below then matters
        samplewise_center=False,
        featurewise_std_normalization=False,
        samplewise_std_normalization=False,
        zca_whitening=False,
        zca_epsilon=1e-06,
        rotation_range=0,
        width_shift_range=0.0,  # 0.1; the random transformations are left out
        height_shift_range=0.0,  # 0.1
        shear_range=0.0,
        zoom_range=0.0,
        channel_shift_range=0.0,
        fill_mode="nearest",
        cval=0.0,
        horizontal_flip=False,  # True
        vertical_flip=False,
        rescale=None,
        preprocessing_function=None,
        data_format=None,
        validation_split=0.0,
    )
    datagen.fit(x_train)
    history = model.fit_generator(
        datagen.flow(x_train, y_train, batch_size=batch_size, shuffle=False),
        epochs=epochs,
        validation_data=(x_test, y_test),
        workers=4,
        verbose=0,
        shuffle=False,  # (added: fit's shuffle of the batches is drawn differently)
    )
    tmp = tempfile.mkdtemp()
    model_path = os.path.join(tmp, "keras_cifar10_trained_model.h5")
    model.save(model_path)
    scores = model.evaluate(x_test, y_test, verbose=0)
    reloaded = load_model(model_path).evaluate(x_test, y_test, verbose=0)
    return {
        "mean": _f(datagen.mean.ravel()),
        "summary": _summary(model),
        "history": _hist(history),
        "scores": _f(scores),
        "reloaded": _f(reloaded),
    }


# -- cifar10_resnet.py (ResNet v1, depth 8 instead of 20) ---------------------------------
@scenario
def cifar10_resnet(keras):
    L = _m(keras, "layers")
    Dense, Conv2D, BatchNormalization, Activation = (
        L.Dense, L.Conv2D, L.BatchNormalization, L.Activation,
    )  # fmt: skip
    AveragePooling2D, Input, Flatten = L.AveragePooling2D, L.Input, L.Flatten
    Adam = _m(keras, "optimizers").Adam
    cb = _m(keras, "callbacks")
    ModelCheckpoint, LearningRateScheduler, ReduceLROnPlateau = (
        cb.ModelCheckpoint, cb.LearningRateScheduler, cb.ReduceLROnPlateau,
    )  # fmt: skip
    l2 = _m(keras, "regularizers").l2
    Model = _m(keras, "models").Model

    batch_size, epochs, num_classes = 4, 2, 10
    subtract_pixel_mean = True
    n = 1
    depth = n * 6 + 2
    rng = np.random.default_rng(6)
    x_train = rng.integers(0, 256, (8, 32, 32, 3)).astype("uint8")
    y_train = rng.integers(0, 10, (8, 1))
    x_test = rng.integers(0, 256, (4, 32, 32, 3)).astype("uint8")
    y_test = rng.integers(0, 10, (4, 1))
    input_shape = x_train.shape[1:]
    x_train = x_train.astype("float32") / 255
    x_test = x_test.astype("float32") / 255
    if subtract_pixel_mean:
        x_train_mean = np.mean(x_train, axis=0)
        x_train -= x_train_mean
        x_test -= x_train_mean
    y_train = keras.utils.to_categorical(y_train, num_classes)
    y_test = keras.utils.to_categorical(y_test, num_classes)
    printed = []

    def lr_schedule(epoch):
        lr = 1e-3
        if epoch > 180:
            lr *= 0.5e-3
        elif epoch > 160:
            lr *= 1e-3
        elif epoch > 120:
            lr *= 1e-2
        elif epoch > 80:
            lr *= 1e-1
        elif epoch > 0:
            lr *= 0.5  # (added: the script's first change is at epoch 81)
        printed.append(lr)
        return lr

    def resnet_layer(inputs, num_filters=16, kernel_size=3, strides=1, activation="relu",
                     batch_normalization=True, conv_first=True):  # fmt: skip
        conv = Conv2D(
            num_filters,
            kernel_size=kernel_size,
            strides=strides,
            padding="same",
            kernel_initializer="he_normal",
            kernel_regularizer=l2(1e-4),
        )
        x = inputs
        if conv_first:
            x = conv(x)
            if batch_normalization:
                x = BatchNormalization()(x)
            if activation is not None:
                x = Activation(activation)(x)
        else:
            if batch_normalization:
                x = BatchNormalization()(x)
            if activation is not None:
                x = Activation(activation)(x)
            x = conv(x)
        return x

    def resnet_v1(input_shape, depth, num_classes=10):
        if (depth - 2) % 6 != 0:
            raise ValueError("depth should be 6n+2 (eg 20, 32, 44 in [a])")
        num_filters = 16
        num_res_blocks = int((depth - 2) / 6)
        inputs = Input(shape=input_shape)
        x = resnet_layer(inputs=inputs)
        for stack in range(3):
            for res_block in range(num_res_blocks):
                strides = 1
                if stack > 0 and res_block == 0:
                    strides = 2
                y = resnet_layer(inputs=x, num_filters=num_filters, strides=strides)
                y = resnet_layer(inputs=y, num_filters=num_filters, activation=None)
                if stack > 0 and res_block == 0:
                    x = resnet_layer(
                        inputs=x,
                        num_filters=num_filters,
                        kernel_size=1,
                        strides=strides,
                        activation=None,
                        batch_normalization=False,
                    )
                x = keras.layers.add([x, y])
                x = Activation("relu")(x)
            num_filters *= 2
        x = AveragePooling2D(pool_size=8)(x)
        y = Flatten()(x)
        outputs = Dense(num_classes, activation="softmax", kernel_initializer="he_normal")(y)
        model = Model(inputs=inputs, outputs=outputs)
        return model

    model = resnet_v1(input_shape=input_shape, depth=depth)
    _init(model)
    model.compile(
        loss="categorical_crossentropy",
        optimizer=Adam(learning_rate=lr_schedule(0)),
        metrics=["accuracy"],
    )
    save_dir = tempfile.mkdtemp()
    model_name = "cifar10_%s_model.{epoch:03d}.h5" % "ResNet8v1"
    filepath = os.path.join(save_dir, model_name)
    checkpoint = ModelCheckpoint(filepath=filepath, monitor="val_acc", verbose=1,
                                 save_best_only=True)  # fmt: skip
    checkpoint_accuracy = ModelCheckpoint(
        filepath=filepath, monitor="val_accuracy", save_best_only=True
    )  # (added: the name Keras 2.3+ logs, so that a file is written)
    lr_scheduler = LearningRateScheduler(lr_schedule)
    lr_reducer = ReduceLROnPlateau(factor=np.sqrt(0.1), cooldown=0, patience=5, min_lr=0.5e-6)
    callbacks = [checkpoint, checkpoint_accuracy, lr_reducer, lr_scheduler]
    history = model.fit(
        x_train, y_train, batch_size=batch_size, epochs=epochs,
        validation_data=(x_test, y_test), shuffle=False, callbacks=callbacks, verbose=0,
    )  # fmt: skip
    scores = model.evaluate(x_test, y_test, verbose=0)
    return {
        "summary": _summary(model),
        "n_layers": len(model.layers),
        "losses": len(model.losses),
        "history": _hist(history),
        "scores": _f(scores),
        "lr": _f(keras.backend.get_value(model.optimizer.learning_rate)),
        "printed": printed,
        "files": sorted(os.listdir(save_dir)),
    }


# -- lstm_stateful.py ---------------------------------------------------------------------
@scenario
def lstm_stateful(keras):
    Sequential = _m(keras, "models").Sequential
    L = _m(keras, "layers")
    Dense, LSTM = L.Dense, L.LSTM

    input_len, tsteps, lahead, batch_size, epochs = 24, 2, 1, 1, 2

    def gen_uniform_amp(amp=1, xn=10000):
        data_input = np.random.uniform(-1 * amp, +1 * amp, xn)
        return data_input[:, None]  # a pandas DataFrame in the script

    to_drop = max(tsteps - 1, lahead - 1)
    np.random.seed(3)
    data_input = gen_uniform_amp(amp=0.1, xn=input_len + to_drop)
    # data_input.rolling(window=tsteps, center=False).mean()
    expected_output = np.full_like(data_input, np.nan)
    expected_output[tsteps - 1 :, 0] = np.convolve(data_input[:, 0], np.ones(tsteps) / tsteps,
                                                   "valid")  # fmt: skip
    expected_output = expected_output[to_drop:]
    data_input = data_input[to_drop:]

    def create_model(stateful):
        model = Sequential()
        model.add(LSTM(20, input_shape=(lahead, 1), batch_size=batch_size, stateful=stateful))
        model.add(Dense(1))
        model.compile(loss="mse", optimizer="adam")
        return model

    model_stateful = create_model(stateful=True)
    _init(model_stateful)

    def split_data(x, y, ratio=0.8):
        to_train = int(input_len * ratio)
        to_train -= to_train % batch_size
        x_train = x[:to_train]
        y_train = y[:to_train]
        x_test = x[to_train:]
        y_test = y[to_train:]
        to_drop = x.shape[0] % batch_size
        if to_drop > 0:
            x_test = x_test[: -1 * to_drop]
            y_test = y_test[: -1 * to_drop]
        reshape_3 = lambda x: x.reshape((x.shape[0], x.shape[1], 1))  # noqa: E731
        x_train = reshape_3(x_train)
        x_test = reshape_3(x_test)
        reshape_2 = lambda x: x.reshape((x.shape[0], 1))  # noqa: E731
        y_train = reshape_2(y_train)
        y_test = reshape_2(y_test)
        return (x_train, y_train), (x_test, y_test)

    (x_train, y_train), (x_test, y_test) = split_data(data_input, expected_output)
    losses = []
    for i in range(epochs):
        history = model_stateful.fit(
            x_train, y_train, batch_size=batch_size, epochs=1, verbose=0,
            validation_data=(x_test, y_test), shuffle=False,
        )  # fmt: skip
        losses.append(_hist(history))
        model_stateful.reset_states()
    predicted_stateful = model_stateful.predict(x_test, batch_size=batch_size, verbose=0)
    return {
        "summary": _summary(model_stateful),
        "losses": losses,
        "predicted": _f(predicted_stateful[:, 0]),
    }


# -- the optimizer.lr idiom of Keras 2 tutorials ------------------------------------------
@scenario
def set_value_learning_rate(keras):
    Sequential = _m(keras, "models").Sequential
    L = _m(keras, "layers")
    K = _m(keras, "backend")
    SGD = _m(keras, "optimizers").SGD

    rng = np.random.default_rng(9)
    x, y = rng.normal(size=(16, 5)), rng.normal(size=(16, 1))
    model = Sequential([L.Dense(4, activation="tanh", input_shape=(5,)), L.Dense(1)])
    _init(model)
    model.compile(optimizer=SGD(learning_rate=0.1, momentum=0.9), loss="mse")
    first = model.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
    K.set_value(model.optimizer.lr, 0.01)
    lr = float(K.get_value(model.optimizer.lr))
    second = model.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
    return {"first": _hist(first), "lr": _f(lr), "second": _hist(second)}


# -- mnist_acgan.py (Keras 2.3) -----------------------------------------------------------
@scenario
def mnist_acgan(keras):
    layers = _m(keras, "layers")
    Input, Dense, Reshape, Flatten, Embedding, Dropout = (
        layers.Input, layers.Dense, layers.Reshape, layers.Flatten, layers.Embedding,
        layers.Dropout,
    )  # fmt: skip
    BatchNormalization, LeakyReLU = layers.BatchNormalization, layers.LeakyReLU
    Conv2DTranspose, Conv2D = layers.Conv2DTranspose, layers.Conv2D
    Sequential, Model = _m(keras, "models").Sequential, _m(keras, "models").Model
    Adam = _m(keras, "optimizers").Adam
    num_classes = 10

    def build_generator(latent_size):
        cnn = Sequential()
        cnn.add(Dense(3 * 3 * 384, input_dim=latent_size, activation="relu"))
        cnn.add(Reshape((3, 3, 384)))
        cnn.add(Conv2DTranspose(192, 5, strides=1, padding="valid", activation="relu",
                                kernel_initializer="glorot_normal"))  # fmt: skip
        cnn.add(BatchNormalization())
        cnn.add(Conv2DTranspose(96, 5, strides=2, padding="same", activation="relu",
                                kernel_initializer="glorot_normal"))  # fmt: skip
        cnn.add(BatchNormalization())
        cnn.add(Conv2DTranspose(1, 5, strides=2, padding="same", activation="tanh",
                                kernel_initializer="glorot_normal"))  # fmt: skip
        latent = Input(shape=(latent_size,))
        image_class = Input(shape=(1,), dtype="int32")
        cls = Flatten()(
            Embedding(num_classes, latent_size, embeddings_initializer="glorot_normal")(image_class)
        )
        h = layers.multiply([latent, cls])
        fake_image = cnn(h)
        return Model([latent, image_class], fake_image)

    def build_discriminator():
        cnn = Sequential()
        cnn.add(Conv2D(32, 3, padding="same", strides=2, input_shape=(28, 28, 1)))
        cnn.add(LeakyReLU(0.2))
        cnn.add(Dropout(0.0))  # 0.3 in each
        cnn.add(Conv2D(64, 3, padding="same", strides=1))
        cnn.add(LeakyReLU(0.2))
        cnn.add(Dropout(0.0))
        cnn.add(Conv2D(128, 3, padding="same", strides=2))
        cnn.add(LeakyReLU(0.2))
        cnn.add(Dropout(0.0))
        cnn.add(Conv2D(256, 3, padding="same", strides=1))
        cnn.add(LeakyReLU(0.2))
        cnn.add(Dropout(0.0))
        cnn.add(Flatten())
        image = Input(shape=(28, 28, 1))
        features = cnn(image)
        fake = Dense(1, activation="sigmoid", name="generation")(features)
        aux = Dense(num_classes, activation="softmax", name="auxiliary")(features)
        return Model(image, [fake, aux])

    batch_size, latent_size = 4, 100  # and epochs = 1: the one pass below
    adam_lr, adam_beta_1 = 0.0002, 0.5
    discriminator = build_discriminator()
    discriminator.compile(
        optimizer=Adam(learning_rate=adam_lr, beta_1=adam_beta_1),
        loss=["binary_crossentropy", "sparse_categorical_crossentropy"],
    )
    generator = build_generator(latent_size)
    latent = Input(shape=(latent_size,))
    image_class = Input(shape=(1,), dtype="int32")
    fake = generator([latent, image_class])
    discriminator.trainable = False
    fake, aux = discriminator(fake)
    combined = Model([latent, image_class], [fake, aux])
    combined.compile(
        optimizer=Adam(learning_rate=adam_lr, beta_1=adam_beta_1),
        loss=["binary_crossentropy", "sparse_categorical_crossentropy"],
    )
    _init(discriminator, seed=1)
    _init(generator, seed=2)

    (x_train, y_train) = _mnist(8)
    x_train = (x_train.astype(np.float32) - 127.5) / 127.5
    x_train = np.expand_dims(x_train, axis=-1)
    np.random.seed(11)
    num_batches = int(np.ceil(x_train.shape[0] / float(batch_size)))
    epoch_gen_loss, epoch_disc_loss = [], []
    for index in range(num_batches):
        image_batch = x_train[index * batch_size : (index + 1) * batch_size]
        label_batch = y_train[index * batch_size : (index + 1) * batch_size]
        noise = np.random.uniform(-1, 1, (len(image_batch), latent_size))
        sampled_labels = np.random.randint(0, num_classes, len(image_batch))
        generated_images = generator.predict([noise, sampled_labels.reshape((-1, 1))], verbose=0)
        x = np.concatenate((image_batch, generated_images))
        soft_zero, soft_one = 0, 0.95
        y = np.array([soft_one] * len(image_batch) + [soft_zero] * len(image_batch))
        aux_y = np.concatenate((label_batch, sampled_labels), axis=0)
        disc_sample_weight = [
            np.ones(2 * len(image_batch)),
            np.concatenate((np.ones(len(image_batch)) * 2, np.zeros(len(image_batch)))),
        ]
        epoch_disc_loss.append(
            discriminator.train_on_batch(x, [y, aux_y], sample_weight=disc_sample_weight)
        )
        noise = np.random.uniform(-1, 1, (2 * len(image_batch), latent_size))
        sampled_labels = np.random.randint(0, num_classes, 2 * len(image_batch))
        trick = np.ones(2 * len(image_batch)) * soft_one
        epoch_gen_loss.append(
            combined.train_on_batch(
                [noise, sampled_labels.reshape((-1, 1))], [trick, sampled_labels]
            )  # fmt: skip
        )
    discriminator_train_loss = np.mean(np.array(epoch_disc_loss), axis=0)
    generator_train_loss = np.mean(np.array(epoch_gen_loss), axis=0)
    discriminator_test_loss = discriminator.evaluate(x, [y, aux_y], verbose=False)
    return {
        "disc_loss": _f(epoch_disc_loss),
        "gen_loss": _f(epoch_gen_loss),
        "disc_means": _f(discriminator_train_loss),
        "gen_means": _f(generator_train_loss),
        "gen_total": _f([loss[0] for loss in epoch_gen_loss]),
        "disc_test": _f(discriminator_test_loss),
        "metrics_names": [discriminator.metrics_names, combined.metrics_names],
        "generated": _f(generated_images[:2, 12:14, 12:14, 0]),
        "summaries": [_summary(m) for m in (generator, discriminator, combined)],
    }


# -- conv_lstm.py (fewer and smaller movies) ----------------------------------------------
@scenario
def conv_lstm(keras):
    Sequential = _m(keras, "models").Sequential
    L = _m(keras, "layers")
    Conv3D, ConvLSTM2D, BatchNormalization = L.Conv3D, L.ConvLSTM2D, L.BatchNormalization

    seq = Sequential()
    # recurrent_activation="sigmoid" added: Keras 2's default is hard_sigmoid (0.2 x + 0.5),
    # Keras 3's sigmoid (and its hard_sigmoid is x / 6 + 0.5)
    seq.add(ConvLSTM2D(filters=8, kernel_size=(3, 3), input_shape=(None, 16, 16, 1),
                       padding="same", return_sequences=True,
                       recurrent_activation="sigmoid"))  # fmt: skip
    seq.add(BatchNormalization())
    seq.add(ConvLSTM2D(filters=8, kernel_size=(3, 3), padding="same", return_sequences=True,
                       recurrent_activation="sigmoid"))  # fmt: skip
    seq.add(BatchNormalization())
    seq.add(Conv3D(filters=1, kernel_size=(3, 3, 3), activation="sigmoid", padding="same",
                   data_format="channels_last"))  # fmt: skip
    seq.compile(loss="binary_crossentropy", optimizer="adadelta")
    _init(seq)

    def generate_movies(n_samples=1200, n_frames=15):
        row, col = 20, 20  # 80, 80 (the filters 40, the layers 4 in the script)
        noisy_movies = np.zeros((n_samples, n_frames, row, col, 1), dtype=np.float64)
        shifted_movies = np.zeros((n_samples, n_frames, row, col, 1), dtype=np.float64)
        for i in range(n_samples):
            n = np.random.randint(3, 8)
            for j in range(n):
                xstart = np.random.randint(4, 12)
                ystart = np.random.randint(4, 12)
                directionx = np.random.randint(0, 3) - 1
                directiony = np.random.randint(0, 3) - 1
                w = np.random.randint(2, 4)
                for t in range(n_frames):
                    x_shift = xstart + directionx * t
                    y_shift = ystart + directiony * t
                    noisy_movies[i, t, x_shift - w : x_shift + w, y_shift - w : y_shift + w, 0] += 1
                    if np.random.randint(0, 2):
                        noise_f = (-1) ** np.random.randint(0, 2)
                        noisy_movies[i, t, x_shift - w - 1 : x_shift + w + 1,
                                     y_shift - w - 1 : y_shift + w + 1,
                                     0] += noise_f * 0.1  # fmt: skip
                    x_shift = xstart + directionx * (t + 1)
                    y_shift = ystart + directiony * (t + 1)
                    shifted_movies[i, t, x_shift - w : x_shift + w,
                                   y_shift - w : y_shift + w, 0] += 1  # fmt: skip
        noisy_movies = noisy_movies[::, ::, 2:18, 2:18, ::]
        shifted_movies = shifted_movies[::, ::, 2:18, 2:18, ::]
        noisy_movies[noisy_movies >= 1] = 1
        shifted_movies[shifted_movies >= 1] = 1
        return noisy_movies, shifted_movies

    np.random.seed(5)
    noisy_movies, shifted_movies = generate_movies(n_samples=6, n_frames=4)
    history = seq.fit(noisy_movies[:4], shifted_movies[:4], batch_size=2, epochs=2,
                      validation_split=0.25, verbose=0, shuffle=False)  # fmt: skip
    which = 5
    track = noisy_movies[which][:2, ::, ::, ::]
    for j in range(2):
        new_pos = seq.predict(track[np.newaxis, ::, ::, ::, ::], verbose=0)
        new = new_pos[::, -1, ::, ::, ::]
        track = np.concatenate((track, new), axis=0)
    return {
        "summary": _summary(seq),
        "history": _hist(history),
        "track": _f(track[2:, 6:9, 6:9, 0]),
    }


# -- pretrained_word_embeddings.py (a made-up GloVe and corpus) ---------------------------
@scenario
def pretrained_word_embeddings(keras):
    Tokenizer = _m(keras, "preprocessing.text").Tokenizer
    pad_sequences = _m(keras, "preprocessing.sequence").pad_sequences
    to_categorical = keras.utils.to_categorical
    L = _m(keras, "layers")
    Dense, Input, GlobalMaxPooling1D = L.Dense, L.Input, L.GlobalMaxPooling1D
    Conv1D, MaxPooling1D, Embedding = L.Conv1D, L.MaxPooling1D, L.Embedding
    Model = _m(keras, "models").Model
    Constant = _m(keras, "initializers").Constant

    MAX_SEQUENCE_LENGTH = 200  # 1000
    MAX_NUM_WORDS = 30
    EMBEDDING_DIM = 10
    VALIDATION_SPLIT = 0.2
    rng = np.random.default_rng(8)
    vocabulary = [f"w{i}" for i in range(40)]
    embeddings_index = {w: rng.normal(size=EMBEDDING_DIM).astype("float32")
                        for w in vocabulary[::2]}  # fmt: skip
    texts = [" ".join(rng.choice(vocabulary, rng.integers(20, 220))) + "." for _ in range(20)]
    labels = rng.integers(0, 3, 20).tolist()
    labels_index = {"a": 0, "b": 1, "c": 2}

    tokenizer = Tokenizer(num_words=MAX_NUM_WORDS)
    tokenizer.fit_on_texts(texts)
    sequences = tokenizer.texts_to_sequences(texts)
    word_index = tokenizer.word_index
    data = pad_sequences(sequences, maxlen=MAX_SEQUENCE_LENGTH)
    labels = to_categorical(np.asarray(labels))
    np.random.seed(1)
    indices = np.arange(data.shape[0])
    np.random.shuffle(indices)
    data = data[indices]
    labels = labels[indices]
    num_validation_samples = int(VALIDATION_SPLIT * data.shape[0])
    x_train = data[:-num_validation_samples]
    y_train = labels[:-num_validation_samples]
    x_val = data[-num_validation_samples:]
    y_val = labels[-num_validation_samples:]

    num_words = min(MAX_NUM_WORDS, len(word_index) + 1)
    embedding_matrix = np.zeros((num_words, EMBEDDING_DIM))
    for word, i in word_index.items():
        if i >= MAX_NUM_WORDS:
            continue
        embedding_vector = embeddings_index.get(word)
        if embedding_vector is not None:
            embedding_matrix[i] = embedding_vector
    embedding_layer = Embedding(num_words, EMBEDDING_DIM,
                                embeddings_initializer=Constant(embedding_matrix),
                                input_length=MAX_SEQUENCE_LENGTH, trainable=False)  # fmt: skip
    sequence_input = Input(shape=(MAX_SEQUENCE_LENGTH,), dtype="int32")
    embedded_sequences = embedding_layer(sequence_input)
    x = Conv1D(128, 5, activation="relu")(embedded_sequences)
    x = MaxPooling1D(5)(x)
    x = Conv1D(128, 5, activation="relu")(x)
    x = MaxPooling1D(5)(x)
    x = Conv1D(128, 5, activation="relu")(x)
    x = GlobalMaxPooling1D()(x)
    x = Dense(128, activation="relu")(x)
    preds = Dense(len(labels_index), activation="softmax")(x)
    model = Model(sequence_input, preds)
    constant_kept = bool(np.allclose(embedding_layer.get_weights()[0], embedding_matrix))
    _init(model)
    embedding_layer.set_weights([embedding_matrix])  # (added: _init drew it too)
    model.compile(loss="categorical_crossentropy", optimizer="rmsprop", metrics=["acc"])
    history = model.fit(x_train, y_train, batch_size=8, epochs=2,
                        validation_data=(x_val, y_val), verbose=0, shuffle=False)  # fmt: skip
    return {
        "word_index": sorted(word_index.items())[:6],
        "data": [list(data.shape), data[0, -5:].tolist()],
        "constant": constant_kept,
        "summary": _summary(model),
        "history": _hist(history),
        "frozen": bool(np.allclose(embedding_layer.get_weights()[0], embedding_matrix)),
    }


# -- class_activation_maps.py (K.function on a layer's output) ----------------------------
@scenario
def class_activation_maps(keras):
    K = _m(keras, "backend")
    L = _m(keras, "layers")
    Model = _m(keras, "models").Model

    inputs = L.Input((16, 16, 3))
    x = L.Conv2D(8, 3, padding="same", activation="relu", name="conv5_2")(inputs)
    x = L.Conv2D(6, 3, padding="same", activation="relu", name="conv5_3")(x)
    x = L.GlobalAveragePooling2D()(x)
    outputs = L.Dense(2, activation="softmax", name="W")(x)
    model = Model(inputs, outputs)
    _init(model)

    def get_output_layer(model, layer_name):
        layer_dict = dict([(layer.name, layer) for layer in model.layers])
        layer = layer_dict[layer_name]
        return layer

    img = np.random.default_rng(3).uniform(0, 1, (1, 16, 16, 3)).astype("float32")
    class_weights = model.layers[-1].get_weights()[0]
    final_conv_layer = get_output_layer(model, "conv5_3")
    # model.layers[0].input in the script: an InputLayer's `input` is [] in Keras 3
    get_output = K.function([model.input],
                            [final_conv_layer.output, model.layers[-1].output])  # fmt: skip
    [conv_outputs, predictions] = get_output([img])
    conv_outputs = conv_outputs[0, :, :, :]
    cam = np.zeros(dtype=np.float32, shape=conv_outputs.shape[0:2])
    for i, w in enumerate(class_weights[:, 1]):
        cam += w * conv_outputs[:, :, i]
    return {
        "predictions": _f(predictions),
        "cam": _f(cam[::4, ::4]),
        "shapes": [list(conv_outputs.shape), list(cam.shape)],
    }


# -- keras.backend math inside Lambda layers, as Keras 2 tutorials wrote it ---------------
@scenario
def lambda_backend_math(keras):
    K = _m(keras, "backend")
    L = _m(keras, "layers")
    Model = _m(keras, "models").Model

    seq = L.Input((5, 4))
    other = L.Input((4,))
    h = L.Dense(4, activation="tanh")(seq)
    mean = L.Lambda(lambda x: K.mean(x, axis=1))(h)
    normed = L.Lambda(lambda x: K.l2_normalize(x, axis=-1))(mean)
    first = L.Lambda(lambda x: x[:, 0, :])(h)
    scores = L.Lambda(lambda t: K.batch_dot(t[0], K.expand_dims(t[1], -1), axes=(2, 1)))([h, other])
    weights = L.Lambda(lambda x: K.softmax(K.squeeze(x, -1)))(scores)
    context = L.Lambda(lambda t: K.sum(t[0] * K.expand_dims(t[1], -1), axis=1))([h, weights])
    tiled = L.Lambda(lambda x: K.tile(K.expand_dims(x, 1), [1, 2, 1]))(normed)
    flat = L.Lambda(lambda x: K.reshape(x, (-1, 8)))(tiled)
    stacked = L.Lambda(lambda t: K.concatenate([t[0], t[1], K.abs(t[2]), K.square(t[3])]))(
        [flat, first, context, other]
    )
    perm = L.Lambda(lambda x: K.permute_dimensions(x, (0, 2, 1)))(h)
    maxed = L.Lambda(lambda x: K.max(x, axis=-1))(perm)
    merged = L.concatenate([stacked, maxed])
    out = L.Dense(1, activation="sigmoid")(merged)
    model = Model([seq, other], out)
    _init(model)
    rng = np.random.default_rng(12)
    xs = [rng.normal(size=(12, 5, 4)).astype("float32"), rng.normal(size=(12, 4))]
    y = rng.integers(0, 2, (12, 1))
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    before = model.predict(xs, verbose=0)
    history = model.fit(xs, y, batch_size=4, epochs=2, verbose=0, shuffle=False)
    return {
        "shapes": [K.int_shape(t) for t in (mean, scores, weights, context, flat, stacked, perm)],
        "before": _f(before[:4]),
        "history": _hist(history),
        "after": _f(model.predict(xs, verbose=0)[:4]),
    }


# -- variational_autoencoder_deconv.py (Keras 2.3) ----------------------------------------
@scenario
def variational_autoencoder_deconv(keras):
    L = _m(keras, "layers")
    Dense, Input = L.Dense, L.Input
    Conv2D, Flatten, Lambda, Reshape, Conv2DTranspose = (
        L.Conv2D, L.Flatten, L.Lambda, L.Reshape, L.Conv2DTranspose,
    )  # fmt: skip
    Model = _m(keras, "models").Model
    mse, binary_crossentropy = _m(keras, "losses").mse, _m(keras, "losses").binary_crossentropy
    K = _m(keras, "backend")

    def sampling(args):
        z_mean, z_log_var = args
        batch = K.shape(z_mean)[0]
        dim = K.int_shape(z_mean)[1]
        epsilon = K.random_normal(shape=(batch, dim), stddev=0.0)  # (stddev 0 added)
        return z_mean + K.exp(0.5 * z_log_var) * epsilon

    (x_train, _) = _mnist(8)
    image_size = x_train.shape[1]
    x_train = np.reshape(x_train, [-1, image_size, image_size, 1])
    x_train = x_train.astype("float32") / 255
    input_shape = (image_size, image_size, 1)
    batch_size = 4
    kernel_size = 3
    filters = 16
    latent_dim = 2
    epochs = 2

    inputs = Input(shape=input_shape, name="encoder_input")
    x = inputs
    for i in range(2):
        filters *= 2
        x = Conv2D(filters=filters, kernel_size=kernel_size, activation="relu", strides=2,
                   padding="same")(x)  # fmt: skip
    shape = K.int_shape(x)
    x = Flatten()(x)
    x = Dense(16, activation="relu")(x)
    z_mean = Dense(latent_dim, name="z_mean")(x)
    z_log_var = Dense(latent_dim, name="z_log_var")(x)
    z = Lambda(sampling, output_shape=(latent_dim,), name="z")([z_mean, z_log_var])
    encoder = Model(inputs, [z_mean, z_log_var, z], name="encoder")

    latent_inputs = Input(shape=(latent_dim,), name="z_sampling")
    x = Dense(shape[1] * shape[2] * shape[3], activation="relu")(latent_inputs)
    x = Reshape((shape[1], shape[2], shape[3]))(x)
    for i in range(2):
        x = Conv2DTranspose(filters=filters, kernel_size=kernel_size, activation="relu",
                            strides=2, padding="same")(x)  # fmt: skip
        filters //= 2
    outputs = Conv2DTranspose(filters=1, kernel_size=kernel_size, activation="sigmoid",
                              padding="same", name="decoder_output")(x)  # fmt: skip
    decoder = Model(latent_inputs, outputs, name="decoder")
    outputs = decoder(encoder(inputs)[2])
    vae = Model(inputs, outputs, name="vae")
    _init(vae)
    out = {}
    for use_mse in (True, False):
        if use_mse:  # --mse
            reconstruction_loss = mse(K.flatten(inputs), K.flatten(outputs))
        else:
            reconstruction_loss = binary_crossentropy(K.flatten(inputs), K.flatten(outputs))
        out["reconstruction_shape" + ("_mse" if use_mse else "")] = K.int_shape(reconstruction_loss)
    reconstruction_loss *= image_size * image_size
    kl_loss = 1 + z_log_var - K.square(z_mean) - K.exp(z_log_var)
    kl_loss = K.sum(kl_loss, axis=-1)
    kl_loss *= -0.5
    vae_loss = K.mean(reconstruction_loss + kl_loss)
    vae.add_loss(vae_loss)
    vae.compile(optimizer="rmsprop")
    history = vae.fit(x_train, epochs=epochs, batch_size=batch_size, verbose=0, shuffle=False)
    z_mean_pred, _, _ = encoder.predict(x_train[:2], batch_size=batch_size, verbose=0)
    out.update(
        history=_hist(history),
        z_mean=_f(z_mean_pred),
        summary=_summary(vae),
    )
    return out


# -- cnn_seq2seq.py -----------------------------------------------------------------------
@scenario
def cnn_seq2seq(keras):
    L = _m(keras, "layers")
    Input, Convolution1D, Dot, Dense, Activation, Concatenate = (
        L.Input, L.Convolution1D, L.Dot, L.Dense, L.Activation, L.Concatenate,
    )  # fmt: skip
    Model = _m(keras, "models").Model

    rng = np.random.default_rng(13)
    num_encoder_tokens, num_decoder_tokens = 6, 7
    encoder_input_data = np.eye(num_encoder_tokens)[rng.integers(0, 6, (10, 9))]
    decoder_input_data = np.eye(num_decoder_tokens)[rng.integers(0, 7, (10, 8))]
    decoder_target_data = np.eye(num_decoder_tokens)[rng.integers(0, 7, (10, 8))]

    encoder_inputs = Input(shape=(None, num_encoder_tokens))
    x_encoder = Convolution1D(256, kernel_size=3, activation="relu", padding="causal")(
        encoder_inputs
    )
    x_encoder = Convolution1D(256, kernel_size=3, activation="relu", padding="causal",
                              dilation_rate=2)(x_encoder)  # fmt: skip
    x_encoder = Convolution1D(256, kernel_size=3, activation="relu", padding="causal",
                              dilation_rate=4)(x_encoder)  # fmt: skip
    decoder_inputs = Input(shape=(None, num_decoder_tokens))
    x_decoder = Convolution1D(256, kernel_size=3, activation="relu", padding="causal")(
        decoder_inputs
    )
    x_decoder = Convolution1D(256, kernel_size=3, activation="relu", padding="causal",
                              dilation_rate=2)(x_decoder)  # fmt: skip
    x_decoder = Convolution1D(256, kernel_size=3, activation="relu", padding="causal",
                              dilation_rate=4)(x_decoder)  # fmt: skip
    attention = Dot(axes=[2, 2])([x_decoder, x_encoder])
    attention = Activation("softmax")(attention)
    context = Dot(axes=[2, 1])([attention, x_encoder])
    decoder_combined_context = Concatenate(axis=-1)([context, x_decoder])
    decoder_outputs = Convolution1D(64, kernel_size=3, activation="relu", padding="causal")(
        decoder_combined_context
    )
    decoder_outputs = Convolution1D(64, kernel_size=3, activation="relu", padding="causal")(
        decoder_outputs
    )
    decoder_dense = Dense(num_decoder_tokens, activation="softmax")
    decoder_outputs = decoder_dense(decoder_outputs)
    model = Model([encoder_inputs, decoder_inputs], decoder_outputs)
    _init(model)
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    history = model.fit([encoder_input_data, decoder_input_data], decoder_target_data,
                        batch_size=4, epochs=2, validation_split=0.2, verbose=0,
                        shuffle=False)  # fmt: skip
    # the decoding loop: one step at a time on a growing target sequence
    in_encoder = encoder_input_data[:1]
    in_decoder = np.zeros((1, 3, num_decoder_tokens), dtype="float32")
    in_decoder[:, 0, 0] = 1
    for i in range(2):
        predict = model.predict([in_encoder, in_decoder], verbose=0)
        predict = predict.argmax(axis=-1)
        predict_ = predict[:, i].ravel().tolist()
        for j, x in enumerate(predict_):
            in_decoder[j, i + 1, x] = 1
    return {
        "summary": _summary(model),
        "history": _hist(history),
        "decoder_steps": in_decoder.argmax(-1).tolist(),
    }


# -- the Keras 2 FAQ and guides: generators, an intermediate layer's output, a custom ----
# -- layer saved to .h5, CSVLogger and EarlyStopping --------------------------------------
@scenario
def keras2_faq_idioms(keras):
    K = _m(keras, "backend")
    L = _m(keras, "layers")
    models = _m(keras, "models")
    Sequential, Model, load_model = models.Sequential, models.Model, models.load_model
    callbacks = _m(keras, "callbacks")

    class MyLayer(L.Layer):  # the Keras 2 guide "Writing your own Keras layers"
        def __init__(self, output_dim, **kwargs):
            self.output_dim = output_dim
            super(MyLayer, self).__init__(**kwargs)

        def build(self, input_shape):
            self.kernel = self.add_weight(name="kernel", shape=(input_shape[1], self.output_dim),
                                          initializer="uniform", trainable=True)  # fmt: skip
            super(MyLayer, self).build(input_shape)

        def call(self, x):
            return K.dot(x, self.kernel)

        def compute_output_shape(self, input_shape):
            return (input_shape[0], self.output_dim)

        def get_config(self):
            config = super(MyLayer, self).get_config()
            config["output_dim"] = self.output_dim
            return config

    rng = np.random.default_rng(14)
    x_all, y_all = rng.normal(size=(40, 6)).astype("float32"), rng.integers(0, 2, (40, 1))

    def generate_arrays(batch_size=8, limit=None):
        i = 0
        while True:
            start = (i * batch_size) % 40
            yield x_all[start : start + batch_size], y_all[start : start + batch_size]
            i += 1

    model = Sequential()
    model.add(L.Dense(8, input_dim=6, activation="relu", name="dense_in"))
    model.add(MyLayer(5, name="my_layer"))
    model.add(L.Activation("tanh"))
    model.add(L.Dense(1, activation="sigmoid"))
    _init(model)
    model.compile(loss="binary_crossentropy", optimizer="sgd", metrics=["accuracy"])
    tmp = tempfile.mkdtemp()
    csv_path = os.path.join(tmp, "training.log")
    early = callbacks.EarlyStopping(monitor="val_loss", patience=1, min_delta=10.0)
    history = model.fit_generator(
        generate_arrays(),
        steps_per_epoch=3,
        epochs=4,
        # validation_data=generate_arrays() and validation_steps=2 in the guide: tf_keras
        # prefetches from a validation generator, Keras 3 evaluates its first batches
        # again each epoch, numkeras goes on through it (Keras 2.3's reading)
        validation_data=(x_all[:8], y_all[:8]),
        callbacks=[callbacks.CSVLogger(csv_path), early],
        verbose=0,
    )
    with open(csv_path) as f:
        rows = [line.strip().split(",") for line in f]
    evaluated = model.evaluate_generator(generate_arrays(), steps=2)
    predicted = model.predict_generator(generate_arrays(), steps=2)

    layer_name = "my_layer"
    intermediate_layer_model = Model(inputs=model.input, outputs=model.get_layer(layer_name).output)
    intermediate_output = intermediate_layer_model.predict(x_all[:3], verbose=0)
    get_3rd_layer_output = K.function([model.layers[0].input], [model.layers[2].output])
    layer_output = get_3rd_layer_output([x_all[:3]])[0]

    path = os.path.join(tmp, "my_model.h5")
    model.save(path)
    del model
    model = load_model(path, custom_objects={"MyLayer": MyLayer})
    return {
        "history": _hist(history),
        "stopped_epoch": early.stopped_epoch,
        "csv": [rows[0]] + [[float(v) for v in row] for row in rows[1:]],
        "evaluated": _f(evaluated),
        "predicted": _f(predicted[:4]),
        "intermediate": _f(intermediate_output),
        "k_function": _f(layer_output),
        "reloaded": _f(model.predict(x_all[:3], verbose=0)),
        "reloaded_layers": [type(layer).__name__ for layer in model.layers],
        "reloaded_evaluate": _f(model.evaluate(x_all[:8], y_all[:8], verbose=0)),
    }


# -- cifar10_cnn_capsule.py (Keras 2.3) ----------------------------------------------------
@scenario
def cifar10_cnn_capsule(keras):
    K = _m(keras, "backend")
    activations = _m(keras, "activations")
    L = _m(keras, "layers")
    Layer = L.Layer
    Model = _m(keras, "models").Model

    def squash(x, axis=-1):
        s_squared_norm = K.sum(K.square(x), axis, keepdims=True) + K.epsilon()
        scale = K.sqrt(s_squared_norm) / (0.5 + s_squared_norm)
        return scale * x

    def softmax(x, axis=-1):
        ex = K.exp(x - K.max(x, axis=axis, keepdims=True))
        return ex / K.sum(ex, axis=axis, keepdims=True)

    def margin_loss(y_true, y_pred):
        lamb, margin = 0.5, 0.1
        return K.sum(
            y_true * K.square(K.relu(1 - margin - y_pred))
            + lamb * (1 - y_true) * K.square(K.relu(y_pred - margin)),
            axis=-1,
        )

    class Capsule(Layer):
        def __init__(self, num_capsule, dim_capsule, routings=3, share_weights=True,
                     activation="squash", **kwargs):  # fmt: skip
            super(Capsule, self).__init__(**kwargs)
            self.num_capsule = num_capsule
            self.dim_capsule = dim_capsule
            self.routings = routings
            self.share_weights = share_weights
            if activation == "squash":
                self.activation = squash
            else:
                self.activation = activations.get(activation)

        def build(self, input_shape):
            input_dim_capsule = input_shape[-1]
            if self.share_weights:
                self.kernel = self.add_weight(
                    name="capsule_kernel",
                    shape=(1, input_dim_capsule, self.num_capsule * self.dim_capsule),
                    initializer="glorot_uniform",
                    trainable=True,
                )
            else:
                input_num_capsule = input_shape[-2]
                self.kernel = self.add_weight(
                    name="capsule_kernel",
                    shape=(input_num_capsule, input_dim_capsule,
                           self.num_capsule * self.dim_capsule),
                    initializer="glorot_uniform",
                    trainable=True,
                )  # fmt: skip

        def call(self, inputs):
            if self.share_weights:
                hat_inputs = K.conv1d(inputs, self.kernel)
            else:
                hat_inputs = K.local_conv1d(inputs, self.kernel, [1], [1])
            batch_size = K.shape(inputs)[0]
            input_num_capsule = K.shape(inputs)[1]
            hat_inputs = K.reshape(hat_inputs, (batch_size, input_num_capsule,
                                                self.num_capsule, self.dim_capsule))  # fmt: skip
            hat_inputs = K.permute_dimensions(hat_inputs, (0, 2, 1, 3))
            b = K.zeros_like(hat_inputs[:, :, :, 0])
            for i in range(self.routings):
                c = softmax(b, 1)
                if self.as_written:
                    o = self.activation(K.batch_dot(c, hat_inputs, [2, 2]))
                else:  # the per-capsule sums those batch_dot calls meant (Keras 2.1's)
                    o = self.activation(K.sum(K.expand_dims(c, -1) * hat_inputs, axis=2))
                if i < self.routings - 1:
                    if self.as_written:
                        b = K.batch_dot(o, hat_inputs, [2, 3])
                    else:
                        b = K.sum(K.expand_dims(o, 2) * hat_inputs, axis=-1)
                    if K.backend() == "theano":
                        o = K.sum(o, axis=1)
            return o

        def compute_output_shape(self, input_shape):
            return (None, self.num_capsule, self.dim_capsule)

    batch_size, num_classes, epochs = 4, 10, 1
    rng = np.random.default_rng(15)
    x_train = rng.integers(0, 256, (8, 16, 16, 3)).astype("float32") / 255  # 32 x 32
    y_train = keras.utils.to_categorical(rng.integers(0, 10, (8, 1)), num_classes)
    input_image = L.Input(shape=(None, None, 3))
    x = L.Conv2D(64, (3, 3), activation="relu")(input_image)
    x = L.Conv2D(64, (3, 3), activation="relu")(x)
    x = L.AveragePooling2D((2, 2))(x)
    x = L.Conv2D(128, (3, 3), activation="relu")(x)
    x = L.Conv2D(128, (3, 3), activation="relu")(x)
    x = L.Reshape((-1, 128))(x)
    # as written, the routing's batch_dot axes fail since Keras 2.3 changed batch_dot:
    # (None, 10, 10, 16) and (None, 10, None, 16) with axes [2, 3] (Keras 2 says so when
    # the layer is called on the Input, Keras 3 reads compute_output_shape there and
    # fails on the first batch)
    Capsule.as_written = True
    error = _error(lambda: Model(input_image, Capsule(10, 16, 3, True)(x)).predict(x_train))
    Capsule.as_written = False
    capsule = Capsule(10, 16, 3, True)(x)
    output = L.Lambda(lambda z: K.sqrt(K.sum(K.square(z), 2)))(capsule)
    model = Model(inputs=input_image, outputs=output)
    _init(model)
    model.compile(loss=margin_loss, optimizer="adam", metrics=["accuracy"])
    before = model.predict(x_train[:2], verbose=0)
    history = model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs, verbose=0,
                        validation_data=(x_train[:4], y_train[:4]), shuffle=False)  # fmt: skip
    return {
        "error": error,
        "capsule_shape": K.int_shape(capsule),
        "before": _f(before),
        "history": _hist(history),
        "after": _f(model.predict(x_train[:2], verbose=0)),
    }


# -- Keras 2 training idioms: class weights, the *_on_batch methods, masking, by-name ----
# -- weight loading, JSON round trips, Sequential.pop, merge layers -----------------------
@scenario
def keras2_training_idioms(keras):
    L = _m(keras, "layers")
    models = _m(keras, "models")
    Sequential, Model = models.Sequential, models.Model
    pad_sequences = _m(keras, "preprocessing.sequence").pad_sequences
    callbacks = _m(keras, "callbacks")
    out = {}
    rng = np.random.default_rng(16)

    # class_weight in fit and train_on_batch; predict/test_on_batch; a schedule callback
    x, y = rng.normal(size=(24, 5)).astype("float32"), rng.integers(0, 3, 24)
    model = Sequential([L.Dense(6, activation="relu", input_shape=(5,)),
                        L.Dense(3, activation="softmax")])  # fmt: skip
    _init(model)
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd",
                  metrics=["accuracy"])  # fmt: skip
    schedule = callbacks.LearningRateScheduler(lambda epoch: 0.1 * 0.5**epoch)
    history = model.fit(x, y, batch_size=8, epochs=2, class_weight={0: 1.0, 1: 3.0, 2: 0.5},
                        validation_split=0.25, callbacks=[schedule], verbose=0,
                        shuffle=False)  # fmt: skip
    out["class_weight"] = _hist(history)
    out["train_on_batch"] = _f(
        model.train_on_batch(x[:8], y[:8], class_weight={0: 2.0, 1: 1.0, 2: 1.0})
    )
    out["test_on_batch"] = _f(model.test_on_batch(x[:8], y[:8]))
    out["predict_on_batch"] = _f(model.predict_on_batch(x[:2]))

    # Embedding(mask_zero=True) before an LSTM, and Masking before a SimpleRNN
    seqs = pad_sequences([[3, 4], [5, 6, 7, 8], [9], [2, 2, 2]], maxlen=5, padding="post",
                         truncating="post", value=0)  # fmt: skip
    model = Sequential([L.Embedding(10, 4, mask_zero=True, input_length=5), L.LSTM(3),
                        L.Dense(1, activation="sigmoid")])  # fmt: skip
    _init(model, seed=1)
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    target = np.array([1, 0, 1, 0])
    out["mask_zero"] = {
        "padded": seqs.tolist(),
        "history": _hist(model.fit(seqs, target, epochs=2, verbose=0, shuffle=False)),
        "predict": _f(model.predict(seqs, verbose=0)),
    }
    series = rng.normal(size=(4, 6, 2)).astype("float32")
    series[:, 4:] = 0.0
    model = Sequential([L.Masking(mask_value=0.0, input_shape=(6, 2)),
                        L.SimpleRNN(3, return_sequences=True),
                        L.TimeDistributed(L.Dense(1))])  # fmt: skip
    _init(model, seed=2)
    model.compile("rmsprop", "mse")
    out["masking"] = {
        "evaluate": _f(model.evaluate(series, np.ones((4, 6, 1)), verbose=0)),
        "predict": _f(model.predict(series[:1], verbose=0)),
    }

    # save_weights to .h5, load_weights(by_name=True) into another model; JSON round trip
    tmp = tempfile.mkdtemp()
    a = Sequential([L.Dense(4, input_shape=(3,), name="shared"), L.Dense(2, name="head_a")])
    _init(a, seed=3)
    a.save_weights(os.path.join(tmp, "a.h5"))
    b = Sequential([L.Dense(4, input_shape=(3,), name="shared"), L.Dense(5, name="head_b")])
    _init(b, seed=4)
    b.load_weights(os.path.join(tmp, "a.h5"), by_name=True)
    out["by_name"] = [
        bool(np.array_equal(b.get_layer("shared").get_weights()[0],
                            a.get_layer("shared").get_weights()[0])),
        _f(b.get_layer("head_b").get_weights()[1]),
    ]  # fmt: skip
    json_string = a.to_json()
    c = models.model_from_json(json_string)
    c.set_weights(a.get_weights())
    out["json"] = [
        [type(layer).__name__ for layer in c.layers],
        _f(c.predict(np.ones((1, 3)), verbose=0)),
    ]
    a.pop()
    out["pop"] = [len(a.layers), a.output_shape if hasattr(a, "output_shape") else None]

    # the merge layers (Keras 2's replacements of Merge)
    i1, i2 = L.Input((4,)), L.Input((4,))
    merged = [
        L.add([i1, i2]), L.subtract([i1, i2]), L.multiply([i1, i2]), L.average([i1, i2]),
        L.maximum([i1, i2]), L.minimum([i1, i2]), L.concatenate([i1, i2]),
        L.dot([i1, i2], axes=1), L.dot([i1, i2], axes=1, normalize=True),
    ]  # fmt: skip
    m = Model([i1, i2], merged)
    values = m.predict([rng.normal(size=(2, 4)), rng.normal(size=(2, 4))], verbose=0)
    out["merge"] = [_f(v) for v in values]
    return out


# -- reuters_mlp_relu_vs_selu.py ----------------------------------------------------------
@scenario
def reuters_mlp_relu_vs_selu(keras):
    L = _m(keras, "layers")
    Dense, Activation, Dropout, AlphaDropout = L.Dense, L.Activation, L.Dropout, L.AlphaDropout
    Sequential = _m(keras, "models").Sequential
    Tokenizer = _m(keras, "preprocessing.text").Tokenizer

    max_words, batch_size, epochs = 100, 8, 2
    rng = np.random.default_rng(17)
    x_train = [rng.integers(1, 300, rng.integers(5, 40)).tolist() for _ in range(24)]
    y_train = rng.integers(0, 5, 24)
    num_classes = np.max(y_train) + 1
    tokenizer = Tokenizer(num_words=max_words)
    x_train = tokenizer.sequences_to_matrix(x_train, mode="binary")
    y_train = keras.utils.to_categorical(y_train, num_classes)

    def create_network(n_dense=6, dense_units=16, activation="selu", dropout=AlphaDropout,
                       dropout_rate=0.1, kernel_initializer="lecun_normal", optimizer="adam",
                       num_classes=1, max_words=max_words):  # fmt: skip
        model = Sequential()
        model.add(Dense(dense_units, input_shape=(max_words,),
                        kernel_initializer=kernel_initializer))  # fmt: skip
        model.add(Activation(activation))
        model.add(dropout(dropout_rate))
        for i in range(n_dense - 1):
            model.add(Dense(dense_units, kernel_initializer=kernel_initializer))
            model.add(Activation(activation))
            model.add(dropout(dropout_rate))
        model.add(Dense(num_classes))
        model.add(Activation("softmax"))
        model.compile(loss="categorical_crossentropy", optimizer=optimizer, metrics=["accuracy"])
        return model

    network1 = {
        "n_dense": 6,
        "dense_units": 16,
        "activation": "relu",
        "dropout": Dropout,
        "dropout_rate": 0.0,
        "kernel_initializer": "glorot_uniform",
        "optimizer": "sgd",
    }  # fmt: skip  (dropout_rate 0.5 in the script)
    network2 = {
        "n_dense": 6,
        "dense_units": 16,
        "activation": "selu",
        "dropout": AlphaDropout,
        "dropout_rate": 0.0,
        "kernel_initializer": "lecun_normal",
        "optimizer": "sgd",
    }  # fmt: skip  (dropout_rate 0.1)
    out = {}
    for name, network in (("relu", network1), ("selu", network2)):
        model = create_network(num_classes=num_classes, **network)
        _init(model)
        history = model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs, verbose=0,
                            validation_split=0.25, shuffle=False)  # fmt: skip
        score = model.evaluate(x_train[:8], y_train[:8], batch_size=batch_size, verbose=0)
        out[name] = {"history": _hist(history), "score": _f(score)}
    return out


# -- mnist_net2net.py (Keras 2.3; its net2deeper student, built with `weights=`, left out) -
@scenario
def mnist_net2net(keras):
    L = _m(keras, "layers")
    Conv2D, MaxPooling2D, Dense, Flatten = L.Conv2D, L.MaxPooling2D, L.Dense, L.Flatten
    Sequential = _m(keras, "models").Sequential
    SGD = _m(keras, "optimizers").SGD

    input_shape = (28, 28, 1)
    num_classes = 10
    np.random.seed(1337)

    def preprocess_input(x):
        return x.astype("float32").reshape((-1,) + input_shape) / 255.0

    (train_x, train_y), (validation_x, validation_y) = _mnist(12), _mnist(4, seed=1)
    train_x, validation_x = map(preprocess_input, [train_x, validation_x])
    # preprocess_output: to_categorical(y), with num_classes here (few rows may miss a digit)
    train_y = keras.utils.to_categorical(train_y, num_classes)
    validation_y = keras.utils.to_categorical(validation_y, num_classes)

    def wider2net_conv2d(teacher_w1, teacher_b1, teacher_w2, new_width, init):
        assert teacher_w1.shape[3] == teacher_w2.shape[2]
        assert teacher_w1.shape[3] == teacher_b1.shape[0]
        assert new_width > teacher_w1.shape[3]
        n = new_width - teacher_w1.shape[3]
        if init == "random-pad":
            new_w1 = np.random.normal(0, 0.1, size=teacher_w1.shape[:3] + (n,))
            new_b1 = np.ones(n) * 0.1
            new_w2 = np.random.normal(0, 0.1, size=teacher_w2.shape[:2] + (n, teacher_w2.shape[3]))
        elif init == "net2wider":
            index = np.random.randint(teacher_w1.shape[3], size=n)
            factors = np.bincount(index)[index] + 1.0
            new_w1 = teacher_w1[:, :, :, index]
            new_b1 = teacher_b1[index]
            new_w2 = teacher_w2[:, :, index, :] / factors.reshape((1, 1, -1, 1))
        else:
            raise ValueError("Unsupported weight initializer: %s" % init)
        student_w1 = np.concatenate((teacher_w1, new_w1), axis=3)
        if init == "random-pad":
            student_w2 = np.concatenate((teacher_w2, new_w2), axis=2)
        elif init == "net2wider":
            noise = np.random.normal(0, 5e-2 * new_w2.std(), size=new_w2.shape)
            student_w2 = np.concatenate((teacher_w2, new_w2 + noise), axis=2)
            student_w2[:, :, index, :] = new_w2
        student_b1 = np.concatenate((teacher_b1, new_b1), axis=0)
        return student_w1, student_b1, student_w2

    def wider2net_fc(teacher_w1, teacher_b1, teacher_w2, new_width, init):
        n = new_width - teacher_w1.shape[1]
        if init == "random-pad":
            new_w1 = np.random.normal(0, 0.1, size=(teacher_w1.shape[0], n))
            new_b1 = np.ones(n) * 0.1
            new_w2 = np.random.normal(0, 0.1, size=(n, teacher_w2.shape[1]))
        elif init == "net2wider":
            index = np.random.randint(teacher_w1.shape[1], size=n)
            factors = np.bincount(index)[index] + 1.0
            new_w1 = teacher_w1[:, index]
            new_b1 = teacher_b1[index]
            new_w2 = teacher_w2[index, :] / factors[:, np.newaxis]
        student_w1 = np.concatenate((teacher_w1, new_w1), axis=1)
        if init == "random-pad":
            student_w2 = np.concatenate((teacher_w2, new_w2), axis=0)
        elif init == "net2wider":
            noise = np.random.normal(0, 5e-2 * new_w2.std(), size=new_w2.shape)
            student_w2 = np.concatenate((teacher_w2, new_w2 + noise), axis=0)
            student_w2[index, :] = new_w2
        student_b1 = np.concatenate((teacher_b1, new_b1), axis=0)
        return student_w1, student_b1, student_w2

    def copy_weights(teacher_model, student_model, layer_names):
        for name in layer_names:
            weights = teacher_model.get_layer(name=name).get_weights()
            student_model.get_layer(name=name).set_weights(weights)

    def make_teacher_model(train_data, validation_data, epochs=3):
        model = Sequential()
        model.add(Conv2D(64, 3, input_shape=input_shape, padding="same", name="conv1"))
        model.add(MaxPooling2D(2, name="pool1"))
        model.add(Conv2D(64, 3, padding="same", name="conv2"))
        model.add(MaxPooling2D(2, name="pool2"))
        model.add(Flatten(name="flatten"))
        model.add(Dense(64, activation="relu", name="fc1"))
        model.add(Dense(num_classes, activation="softmax", name="fc2"))
        _init(model)
        model.compile(loss="categorical_crossentropy",
                      optimizer=SGD(learning_rate=0.01, momentum=0.9),
                      metrics=["accuracy"])  # fmt: skip
        train_x, train_y = train_data
        history = model.fit(train_x, train_y, epochs=epochs, validation_data=validation_data,
                            verbose=0, shuffle=False)  # fmt: skip
        return model, history

    def make_wider_student_model(teacher_model, train_data, validation_data, init, epochs=3):
        new_conv1_width = 128
        new_fc1_width = 128
        model = Sequential()
        model.add(Conv2D(new_conv1_width, 3, input_shape=input_shape, padding="same",
                         name="conv1"))  # fmt: skip
        model.add(MaxPooling2D(2, name="pool1"))
        model.add(Conv2D(64, 3, padding="same", name="conv2"))
        model.add(MaxPooling2D(2, name="pool2"))
        model.add(Flatten(name="flatten"))
        model.add(Dense(new_fc1_width, activation="relu", name="fc1"))
        model.add(Dense(num_classes, activation="softmax", name="fc2"))
        w_conv1, b_conv1 = teacher_model.get_layer("conv1").get_weights()
        w_conv2, b_conv2 = teacher_model.get_layer("conv2").get_weights()
        new_w_conv1, new_b_conv1, new_w_conv2 = wider2net_conv2d(
            w_conv1, b_conv1, w_conv2, new_conv1_width, init
        )
        model.get_layer("conv1").set_weights([new_w_conv1, new_b_conv1])
        model.get_layer("conv2").set_weights([new_w_conv2, b_conv2])
        w_fc1, b_fc1 = teacher_model.get_layer("fc1").get_weights()
        w_fc2, b_fc2 = teacher_model.get_layer("fc2").get_weights()
        new_w_fc1, new_b_fc1, new_w_fc2 = wider2net_fc(w_fc1, b_fc1, w_fc2, new_fc1_width, init)
        model.get_layer("fc1").set_weights([new_w_fc1, new_b_fc1])
        model.get_layer("fc2").set_weights([new_w_fc2, b_fc2])
        model.compile(loss="categorical_crossentropy",
                      optimizer=SGD(learning_rate=0.001, momentum=0.9),
                      metrics=["accuracy"])  # fmt: skip
        same = model.predict(validation_data[0], verbose=0)
        train_x, train_y = train_data
        history = model.fit(train_x, train_y, epochs=epochs, validation_data=validation_data,
                            verbose=0, shuffle=False)  # fmt: skip
        return model, history, same

    def make_deeper_student_model(teacher_model, train_data, validation_data, init, epochs=3):
        model = Sequential()
        model.add(Conv2D(64, 3, input_shape=input_shape, padding="same", name="conv1"))
        model.add(MaxPooling2D(2, name="pool1"))
        model.add(Conv2D(64, 3, padding="same", name="conv2"))
        model.add(Conv2D(64, 3, padding="same", name="conv2-deeper"))  # random-init
        model.add(MaxPooling2D(2, name="pool2"))
        model.add(Flatten(name="flatten"))
        model.add(Dense(64, activation="relu", name="fc1"))
        model.add(Dense(64, activation="relu", name="fc1-deeper"))
        model.add(Dense(num_classes, activation="softmax", name="fc2"))
        _init(model, seed=5)
        copy_weights(teacher_model, model, layer_names=["conv1", "conv2", "fc1", "fc2"])
        model.compile(loss="categorical_crossentropy",
                      optimizer=SGD(learning_rate=0.001, momentum=0.9),
                      metrics=["accuracy"])  # fmt: skip
        train_x, train_y = train_data
        history = model.fit(train_x, train_y, epochs=epochs, validation_data=validation_data,
                            verbose=0, shuffle=False)  # fmt: skip
        return model, history

    train_data = (train_x, train_y)
    validation_data = (validation_x, validation_y)
    teacher_model, teacher_history = make_teacher_model(train_data, validation_data, epochs=1)
    teacher_predict = teacher_model.predict(validation_x, verbose=0)
    out = {"teacher": _hist(teacher_history)}
    for init in ("random-pad", "net2wider"):
        _, history, same = make_wider_student_model(teacher_model, train_data, validation_data,
                                                    init, epochs=1)  # fmt: skip
        out[init] = _hist(history)
        if init == "net2wider":  # the function-preserving transformation
            out["net2wider_preserves"] = bool(np.allclose(same, teacher_predict, atol=1e-5))
    _, history = make_deeper_student_model(teacher_model, train_data, validation_data,
                                           "random-init", epochs=1)  # fmt: skip
    out["random-init"] = _hist(history)
    return out


# -- keras.io (Keras 2.3) "Getting started with the Sequential model" examples ------------
@scenario
def sequential_guide(keras):
    L = _m(keras, "layers")
    Dense, Dropout, Conv2D, MaxPooling2D, Flatten = (
        L.Dense, L.Dropout, L.Conv2D, L.MaxPooling2D, L.Flatten,
    )  # fmt: skip
    Conv1D, MaxPooling1D, GlobalAveragePooling1D, LSTM = (
        L.Conv1D, L.MaxPooling1D, L.GlobalAveragePooling1D, L.LSTM,
    )  # fmt: skip
    Sequential = _m(keras, "models").Sequential
    # SGD(lr=0.01, decay=1e-6, ...) in the guide: tf_keras 2.11+ refuses `decay` in its new
    # optimizers, so the legacy one (the Keras 2.3 optimizer); decay 1e-2 to see it work
    SGD = _m(keras, "optimizers.legacy").SGD
    rng = np.random.default_rng(18)
    out = {}

    # MLP for multi-class softmax classification
    x_train = rng.random((24, 20))
    y_train = keras.utils.to_categorical(rng.integers(10, size=(24, 1)), num_classes=10)
    x_test = rng.random((8, 20))
    y_test = keras.utils.to_categorical(rng.integers(10, size=(8, 1)), num_classes=10)
    model = Sequential()
    model.add(Dense(64, activation="relu", input_dim=20))
    model.add(Dropout(0.0))  # 0.5
    model.add(Dense(64, activation="relu"))
    model.add(Dropout(0.0))
    model.add(Dense(10, activation="softmax"))
    _init(model)
    sgd = SGD(lr=0.01, decay=1e-2, momentum=0.9, nesterov=True)
    model.compile(loss="categorical_crossentropy", optimizer=sgd, metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=3, batch_size=8, verbose=0, shuffle=False)
    score = model.evaluate(x_test, y_test, batch_size=8, verbose=0)
    out["mlp"] = {"history": _hist(history), "score": _f(score),
                  "iterations": int(keras.backend.get_value(sgd.iterations))}  # fmt: skip

    # MLP for binary classification
    x_train = rng.random((24, 20))
    y_train = rng.integers(2, size=(24, 1))
    model = Sequential()
    model.add(Dense(64, input_dim=20, activation="relu"))
    model.add(Dropout(0.0))
    model.add(Dense(64, activation="relu"))
    model.add(Dropout(0.0))
    model.add(Dense(1, activation="sigmoid"))
    _init(model, seed=1)
    model.compile(loss="binary_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=2, batch_size=8, verbose=0, shuffle=False)
    out["binary"] = _hist(history)

    # VGG-like convnet (64 x 64 images instead of 100 x 100)
    x_train = rng.random((4, 64, 64, 3))
    y_train = keras.utils.to_categorical(rng.integers(10, size=(4, 1)), num_classes=10)
    model = Sequential()
    model.add(Conv2D(32, (3, 3), activation="relu", input_shape=(64, 64, 3)))
    model.add(Conv2D(32, (3, 3), activation="relu"))
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(Dropout(0.0))  # 0.25
    model.add(Conv2D(64, (3, 3), activation="relu"))
    model.add(Conv2D(64, (3, 3), activation="relu"))
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(Dropout(0.0))
    model.add(Flatten())
    model.add(Dense(256, activation="relu"))
    model.add(Dropout(0.0))
    model.add(Dense(10, activation="softmax"))
    _init(model, seed=2)
    sgd = SGD(lr=0.01, decay=1e-2, momentum=0.9, nesterov=True)
    model.compile(loss="categorical_crossentropy", optimizer=sgd)
    history = model.fit(x_train, y_train, batch_size=2, epochs=2, verbose=0, shuffle=False)
    out["vgg"] = {"summary": _summary(model), "history": _hist(history)}

    # Sequence classification with 1D convolutions
    seq_length = 64
    x_train = rng.random((8, seq_length, 100))
    y_train = rng.integers(2, size=(8, 1))
    model = Sequential()
    model.add(Conv1D(64, 3, activation="relu", input_shape=(seq_length, 100)))
    model.add(Conv1D(64, 3, activation="relu"))
    model.add(MaxPooling1D(3))
    model.add(Conv1D(128, 3, activation="relu"))
    model.add(Conv1D(128, 3, activation="relu"))
    model.add(GlobalAveragePooling1D())
    model.add(Dropout(0.0))
    model.add(Dense(1, activation="sigmoid"))
    _init(model, seed=3)
    model.compile(loss="binary_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
    history = model.fit(x_train, y_train, batch_size=4, epochs=2, verbose=0, shuffle=False)
    out["conv1d"] = {"summary": _summary(model), "history": _hist(history)}

    # Stacked LSTM for sequence classification, then rendered stateful
    data_dim, timesteps, num_classes = 16, 8, 10
    # the guide's targets are np.random.random((1000, num_classes)): rows that do not sum
    # to 1, whose gradient TensorFlow's fused softmax cross-entropy takes as if they did
    # (Keras 3 and numkeras take the true one), so one-hot rows here
    x_train = rng.random((8, timesteps, data_dim))
    y_train = keras.utils.to_categorical(rng.integers(10, size=8), num_classes)
    x_val = rng.random((4, timesteps, data_dim))
    y_val = keras.utils.to_categorical(rng.integers(10, size=4), num_classes)
    model = Sequential()
    model.add(LSTM(32, return_sequences=True, input_shape=(timesteps, data_dim)))
    model.add(LSTM(32, return_sequences=True))
    model.add(LSTM(32))
    model.add(Dense(10, activation="softmax"))
    _init(model, seed=4)
    model.compile(loss="categorical_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
    history = model.fit(x_train, y_train, batch_size=4, epochs=2,
                        validation_data=(x_val, y_val), verbose=0, shuffle=False)  # fmt: skip
    out["stacked_lstm"] = _hist(history)
    batch_size = 4
    model = Sequential()
    model.add(LSTM(32, return_sequences=True, stateful=True,
                   batch_input_shape=(batch_size, timesteps, data_dim)))  # fmt: skip
    model.add(LSTM(32, return_sequences=True, stateful=True))
    model.add(LSTM(32, stateful=True))
    model.add(Dense(10, activation="softmax"))
    _init(model, seed=4)
    model.compile(loss="categorical_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
    history = model.fit(x_train, y_train, batch_size=batch_size, epochs=2, shuffle=False,
                        validation_data=(x_val, y_val), verbose=0)  # fmt: skip
    out["stateful_lstm"] = {"summary": _summary(model), "history": _hist(history)}
    return out


# -- keras.io (Keras 2.3) "Getting started with the functional API" ----------------------
@scenario
def functional_guide(keras):
    L = _m(keras, "layers")
    Input, Embedding, LSTM, Dense = L.Input, L.Embedding, L.LSTM, L.Dense
    Conv2D, MaxPooling2D, Flatten, TimeDistributed = (
        L.Conv2D, L.MaxPooling2D, L.Flatten, L.TimeDistributed,
    )  # fmt: skip
    models = _m(keras, "models")
    Model, Sequential = models.Model, models.Sequential
    rng = np.random.default_rng(19)
    out = {}

    # multi-input and multi-output models (embedding 1000 words instead of 10000)
    main_input = Input(shape=(100,), dtype="int32", name="main_input")
    x = Embedding(output_dim=512, input_dim=1000, input_length=100)(main_input)
    lstm_out = LSTM(32)(x)
    auxiliary_output = Dense(1, activation="sigmoid", name="aux_output")(lstm_out)
    auxiliary_input = Input(shape=(5,), name="aux_input")
    x = keras.layers.concatenate([lstm_out, auxiliary_input])
    x = Dense(64, activation="relu")(x)
    x = Dense(64, activation="relu")(x)
    x = Dense(64, activation="relu")(x)
    main_output = Dense(1, activation="sigmoid", name="main_output")(x)
    model = Model(inputs=[main_input, auxiliary_input], outputs=[main_output, auxiliary_output])
    _init(model)
    headline_data = rng.integers(0, 1000, (8, 100))
    additional_data = rng.random((8, 5))
    labels = rng.integers(0, 2, (8, 1))
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", loss_weights=[1.0, 0.2])
    history = model.fit([headline_data, additional_data], [labels, labels], epochs=2,
                        batch_size=4, verbose=0, shuffle=False)  # fmt: skip
    model.compile(optimizer="rmsprop",
                  loss={"main_output": "binary_crossentropy",
                        "aux_output": "binary_crossentropy"},
                  loss_weights={"main_output": 1.0, "aux_output": 0.2})  # fmt: skip
    history_dict = model.fit({"main_input": headline_data, "aux_input": additional_data},
                             {"main_output": labels, "aux_output": labels},
                             epochs=2, batch_size=4, verbose=0, shuffle=False)  # fmt: skip
    out["multi_io"] = {
        "summary": _summary(model),
        "history": _hist(history),
        "history_dict": _hist(history_dict),
        "evaluate": _f(
            model.evaluate([headline_data, additional_data], [labels, labels], verbose=0)
        ),  # fmt: skip
        "predict": _f(model.predict([headline_data[:2], additional_data[:2]], verbose=0)),
    }

    # shared layers (tweets of 40 characters instead of 280)
    tweet_a = Input(shape=(40, 256))
    tweet_b = Input(shape=(40, 256))
    shared_lstm = LSTM(64)
    encoded_a = shared_lstm(tweet_a)
    encoded_b = shared_lstm(tweet_b)
    merged_vector = keras.layers.concatenate([encoded_a, encoded_b], axis=-1)
    predictions = Dense(1, activation="sigmoid")(merged_vector)
    model = Model(inputs=[tweet_a, tweet_b], outputs=predictions)
    _init(model, seed=1)
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    data_a, data_b = rng.random((4, 40, 256)), rng.random((4, 40, 256))
    history = model.fit([data_a, data_b], rng.integers(0, 2, (4, 1)), epochs=2, verbose=0,
                        shuffle=False)  # fmt: skip
    out["shared"] = {"summary": _summary(model), "history": _hist(history),
                     "n_weights": len(model.trainable_weights)}  # fmt: skip

    # inception module and residual connection
    input_img = Input(shape=(16, 16, 3))  # 256 x 256
    tower_1 = Conv2D(64, (1, 1), padding="same", activation="relu")(input_img)
    tower_1 = Conv2D(64, (3, 3), padding="same", activation="relu")(tower_1)
    tower_2 = Conv2D(64, (1, 1), padding="same", activation="relu")(input_img)
    tower_2 = Conv2D(64, (5, 5), padding="same", activation="relu")(tower_2)
    tower_3 = MaxPooling2D((3, 3), strides=(1, 1), padding="same")(input_img)
    tower_3 = Conv2D(64, (1, 1), padding="same", activation="relu")(tower_3)
    output = keras.layers.concatenate([tower_1, tower_2, tower_3], axis=1)
    x = Input(shape=(16, 16, 3))
    y = Conv2D(3, (3, 3), padding="same")(x)
    z = keras.layers.add([x, y])
    model = Model([input_img, x], [output, z])
    _init(model, seed=2)
    images = rng.random((2, 16, 16, 3))
    inception, residual = model.predict([images, images], verbose=0)
    out["inception"] = {"shapes": [list(inception.shape), list(residual.shape)],
                        "values": _f(inception[:, ::6, ::6, ::40]),
                        "residual": _f(residual[:, ::5, ::5, :])}  # fmt: skip

    # visual question answering and video question answering (32 x 32 images, 4 frames)
    vision_model = Sequential()
    vision_model.add(Conv2D(64, (3, 3), activation="relu", padding="same",
                            input_shape=(32, 32, 3)))  # fmt: skip
    vision_model.add(Conv2D(64, (3, 3), activation="relu"))
    vision_model.add(MaxPooling2D((2, 2)))
    vision_model.add(Conv2D(128, (3, 3), activation="relu", padding="same"))
    vision_model.add(Conv2D(128, (3, 3), activation="relu"))
    vision_model.add(MaxPooling2D((2, 2)))
    vision_model.add(Flatten())
    image_input = Input(shape=(32, 32, 3))
    encoded_image = vision_model(image_input)
    question_input = Input(shape=(10,), dtype="int32")
    embedded_question = Embedding(input_dim=100, output_dim=16, input_length=10)(question_input)
    encoded_question = LSTM(16)(embedded_question)
    merged = keras.layers.concatenate([encoded_question, encoded_image])
    output = Dense(20, activation="softmax")(merged)
    vqa_model = Model(inputs=[image_input, question_input], outputs=output)
    _init(vqa_model, seed=3)
    video_input = Input(shape=(4, 32, 32, 3))
    encoded_frame_sequence = TimeDistributed(vision_model)(video_input)
    encoded_video = LSTM(16)(encoded_frame_sequence)
    question_encoder = Model(inputs=question_input, outputs=encoded_question)
    video_question_input = Input(shape=(10,), dtype="int32")
    encoded_video_question = question_encoder(video_question_input)
    merged = keras.layers.concatenate([encoded_video, encoded_video_question])
    output = Dense(20, activation="softmax")(merged)
    video_qa_model = Model(inputs=[video_input, video_question_input], outputs=output)
    _init(video_qa_model, seed=4)
    questions = rng.integers(0, 100, (2, 10))
    out["vqa"] = {
        "summary": _summary(vqa_model),
        "video_summary": _summary(video_qa_model),
        "vqa": _f(vqa_model.predict([rng.random((2, 32, 32, 3)), questions], verbose=0)),
        "video": _f(
            video_qa_model.predict([rng.random((2, 4, 32, 32, 3)), questions], verbose=0)
        ),  # fmt: skip
    }
    return out


# -- more keras.backend functions inside Lambda layers, trained through ------------------
@scenario
def lambda_backend_math_2(keras):
    K = _m(keras, "backend")
    L = _m(keras, "layers")
    Model = _m(keras, "models").Model

    seq = L.Input((6, 3))
    ids = L.Input((4,), dtype="int32")
    h = L.Dense(3, activation="tanh")(seq)
    table = L.Dense(5)(L.Lambda(lambda x: K.mean(x, axis=1))(h))  # (batch, 5)
    picked = L.Lambda(lambda t: K.sum(K.one_hot(t[1], 5) * K.expand_dims(t[0], 1), -1))(
        [table, ids]
    )  # (batch, 4)
    rep = L.Lambda(lambda x: K.repeat_elements(x, 2, axis=1))(h)  # (batch, 12, 3)
    cum = L.Lambda(lambda x: K.cumsum(x, axis=1))(rep)
    gated = L.Lambda(lambda x: K.switch(K.greater(x, 0.0), x, 0.3 * x))(cum)
    clipped = L.Lambda(lambda x: K.clip(x, -1.5, 1.5))(gated)
    powered = L.Lambda(lambda x: K.pow(K.abs(x) + 1.0, 1.5) + K.softplus(x) - K.elu(x))(clipped)
    stacked = L.Lambda(lambda x: K.stack([K.max(x, axis=1), K.min(x, axis=1)], axis=1))(
        powered
    )  # (batch, 2, 3)
    flat = L.Flatten()(stacked)
    normed = L.Lambda(lambda x: x / K.sqrt(K.sum(K.square(x), axis=-1, keepdims=True) + 1e-6))(flat)
    logged = L.Lambda(lambda x: K.log(K.sigmoid(x) + 1e-3))(picked)
    arg = L.Lambda(lambda x: K.cast(K.argmax(x, axis=-1), "float32"))(picked)
    merged = L.concatenate([normed, logged, L.Lambda(lambda x: K.expand_dims(x, -1))(arg)])
    out = L.Dense(2, activation="softmax")(merged)
    model = Model([seq, ids], out)
    _init(model)
    rng = np.random.default_rng(20)
    xs = [rng.normal(size=(12, 6, 3)).astype("float32"), rng.integers(0, 5, (12, 4))]
    y = keras.utils.to_categorical(rng.integers(0, 2, 12), 2)
    model.compile("rmsprop", "categorical_crossentropy", metrics=["accuracy"])
    before = model.predict(xs, verbose=0)
    history = model.fit(xs, y, batch_size=4, epochs=2, verbose=0, shuffle=False)
    return {
        "shapes": [K.int_shape(t) for t in (picked, rep, cum, stacked, normed, arg)],
        "before": _f(before[:4]),
        "history": _hist(history),
        "after": _f(model.predict(xs, verbose=0)[:4]),
    }


# -- conv_filter_visualization.py / deep_dream.py / neural_style_transfer.py --------------
@scenario
def conv_filter_visualization(keras):
    K = _m(keras, "backend")
    L = _m(keras, "layers")
    Model = _m(keras, "models").Model

    inp = L.Input((8, 8, 3))
    model = Model(inp, L.Conv2D(4, 3, name="block5_conv1")(inp))
    layer_dict = dict([(layer.name, layer) for layer in model.layers[1:]])
    input_img = model.input
    layer_output = layer_dict["block5_conv1"].output
    loss = K.mean(layer_output[:, :, :, 0])
    # K.gradients is graph-mode TensorFlow: under eager execution (TF 2), Keras 2 itself
    # raises here, as numkeras does (it names GradientTape)
    return {"gradients": _error(lambda: K.gradients(loss, input_img))}


# -- Keras-GAN's dcgan.py (eriklindernoren/Keras-GAN, the most copied Keras 2 GAN) --------
@scenario
def keras_gan_dcgan(keras):
    L = _m(keras, "layers")
    Input, Dense, Reshape, Flatten, Dropout = L.Input, L.Dense, L.Reshape, L.Flatten, L.Dropout
    BatchNormalization, Activation, ZeroPadding2D = (
        L.BatchNormalization, L.Activation, L.ZeroPadding2D,
    )  # fmt: skip
    LeakyReLU, UpSampling2D, Conv2D = L.LeakyReLU, L.UpSampling2D, L.Conv2D
    Sequential, Model = _m(keras, "models").Sequential, _m(keras, "models").Model
    # Adam(0.0002, 0.5) shared by both models: tf_keras 2.11+'s Adam refuses a second
    # model's variables, so the legacy one (the Keras 2.3 optimizer)
    Adam = _m(keras, "optimizers.legacy").Adam

    class DCGAN:
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
            valid = self.discriminator(img)
            self.combined = Model(z, valid)
            self.combined.compile(loss="binary_crossentropy", optimizer=optimizer)

        def build_generator(self):
            model = Sequential()
            model.add(Dense(128 * 7 * 7, activation="relu", input_dim=self.latent_dim))
            model.add(Reshape((7, 7, 128)))
            model.add(UpSampling2D())
            model.add(Conv2D(128, kernel_size=3, padding="same"))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Activation("relu"))
            model.add(UpSampling2D())
            model.add(Conv2D(64, kernel_size=3, padding="same"))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Activation("relu"))
            model.add(Conv2D(self.channels, kernel_size=3, padding="same"))
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
            model.add(BatchNormalization(momentum=0.8))
            model.add(LeakyReLU(alpha=0.2))
            model.add(Dropout(0.0))
            model.add(Conv2D(128, kernel_size=3, strides=2, padding="same"))
            model.add(BatchNormalization(momentum=0.8))
            model.add(LeakyReLU(alpha=0.2))
            model.add(Dropout(0.0))
            model.add(Conv2D(256, kernel_size=3, strides=1, padding="same"))
            model.add(BatchNormalization(momentum=0.8))
            model.add(LeakyReLU(alpha=0.2))
            model.add(Dropout(0.0))
            model.add(Flatten())
            model.add(Dense(1, activation="sigmoid"))
            img = Input(shape=self.img_shape)
            validity = model(img)
            return Model(img, validity)

        def train(self, epochs, batch_size=128, save_interval=50):
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

    dcgan = DCGAN()
    _init(dcgan.discriminator, seed=1)
    _init(dcgan.generator, seed=2)
    np.random.seed(21)
    losses = dcgan.train(epochs=3, batch_size=4)
    inner = dcgan.discriminator.layers[1]  # the Sequential inside
    bn = [layer for layer in inner.layers if type(layer).__name__ == "BatchNormalization"][0]
    noise = np.random.default_rng(22).normal(size=(2, 100))
    return {
        "losses": _f(losses),
        "d_moving_mean": _f(bn.get_weights()[2][:4]),
        "generated": _f(dcgan.generator.predict(noise, verbose=0)[:, 10:12, 10:12, 0]),
        "summaries": [_summary(m) for m in (dcgan.generator, dcgan.discriminator)],
    }


# -- the Keras blog's "Building Autoencoders in Keras" (2016, Keras 2 version) ------------
@scenario
def autoencoder_blog(keras):
    L = _m(keras, "layers")
    Input, Dense, Conv2D, MaxPooling2D, UpSampling2D, LSTM, RepeatVector = (
        L.Input, L.Dense, L.Conv2D, L.MaxPooling2D, L.UpSampling2D, L.LSTM, L.RepeatVector,
    )  # fmt: skip
    Model = _m(keras, "models").Model
    regularizers = _m(keras, "regularizers")
    (x_train, _), (x_test, _) = _mnist(16), _mnist(8, seed=1)
    x_train = x_train.astype("float32") / 255.0
    x_test = x_test.astype("float32") / 255.0
    flat_train = x_train.reshape((len(x_train), np.prod(x_train.shape[1:])))
    flat_test = x_test.reshape((len(x_test), np.prod(x_test.shape[1:])))
    out = {}

    # the simplest autoencoder, its encoder and decoder; then the sparse one
    for sparse in (False, True):
        encoding_dim = 32
        input_img = Input(shape=(784,))
        if sparse:
            encoded = Dense(encoding_dim, activation="relu",
                            activity_regularizer=regularizers.l1(10e-5))(input_img)  # fmt: skip
        else:
            encoded = Dense(encoding_dim, activation="relu")(input_img)
        decoded = Dense(784, activation="sigmoid")(encoded)
        autoencoder = Model(input_img, decoded)
        encoder = Model(input_img, encoded)
        encoded_input = Input(shape=(encoding_dim,))
        decoder_layer = autoencoder.layers[-1]
        decoder = Model(encoded_input, decoder_layer(encoded_input))
        _init(autoencoder)
        autoencoder.compile(optimizer="adadelta", loss="binary_crossentropy")
        history = autoencoder.fit(flat_train, flat_train, epochs=2, batch_size=8,
                                  shuffle=False, validation_data=(flat_test, flat_test),
                                  verbose=0)  # fmt: skip
        encoded_imgs = encoder.predict(flat_test, verbose=0)
        decoded_imgs = decoder.predict(encoded_imgs, verbose=0)
        out["sparse" if sparse else "simple"] = {
            "history": _hist(history),
            "encoded": _f(encoded_imgs[:2, :6]),
            "decoded": _f(decoded_imgs[:2, 300:306]),
        }

    # the convolutional autoencoder
    x_train_c = np.reshape(x_train, (len(x_train), 28, 28, 1))
    input_img = Input(shape=(28, 28, 1))
    x = Conv2D(16, (3, 3), activation="relu", padding="same")(input_img)
    x = MaxPooling2D((2, 2), padding="same")(x)
    x = Conv2D(8, (3, 3), activation="relu", padding="same")(x)
    x = MaxPooling2D((2, 2), padding="same")(x)
    x = Conv2D(8, (3, 3), activation="relu", padding="same")(x)
    encoded = MaxPooling2D((2, 2), padding="same")(x)
    x = Conv2D(8, (3, 3), activation="relu", padding="same")(encoded)
    x = UpSampling2D((2, 2))(x)
    x = Conv2D(8, (3, 3), activation="relu", padding="same")(x)
    x = UpSampling2D((2, 2))(x)
    x = Conv2D(16, (3, 3), activation="relu")(x)
    x = UpSampling2D((2, 2))(x)
    decoded = Conv2D(1, (3, 3), activation="sigmoid", padding="same")(x)
    autoencoder = Model(input_img, decoded)
    _init(autoencoder, seed=1)
    autoencoder.compile(optimizer="adadelta", loss="binary_crossentropy")
    history = autoencoder.fit(x_train_c, x_train_c, epochs=2, batch_size=8, shuffle=False,
                              verbose=0)  # fmt: skip
    out["conv"] = {"summary": _summary(autoencoder), "history": _hist(history)}

    # the sequence-to-sequence autoencoder
    timesteps, input_dim, latent_dim = 7, 4, 5
    inputs = Input(shape=(timesteps, input_dim))
    encoded = LSTM(latent_dim)(inputs)
    decoded = RepeatVector(timesteps)(encoded)
    decoded = LSTM(input_dim, return_sequences=True)(decoded)
    sequence_autoencoder = Model(inputs, decoded)
    encoder = Model(inputs, encoded)
    _init(sequence_autoencoder, seed=2)
    sequences = np.random.default_rng(23).normal(size=(8, timesteps, input_dim))
    sequence_autoencoder.compile(optimizer="adam", loss="mse")
    history = sequence_autoencoder.fit(sequences, sequences, epochs=2, batch_size=4,
                                       shuffle=False, verbose=0)  # fmt: skip
    out["sequence"] = {"history": _hist(history),
                       "encoded": _f(encoder.predict(sequences[:2], verbose=0))}  # fmt: skip
    return out


# -- Keras 2 metric and loss names of the 2017-2019 tutorials -----------------------------
@scenario
def keras2_metric_names(keras):
    L = _m(keras, "layers")
    Sequential = _m(keras, "models").Sequential
    rng = np.random.default_rng(24)
    x = rng.uniform(size=(12, 4)).astype("float32")
    y = keras.utils.to_categorical(rng.integers(0, 3, 12), 3)
    model = Sequential([L.Dense(3, activation="softmax", input_shape=(4,))])
    _init(model)
    model.compile(
        "sgd",
        "logcosh",
        metrics=["logcosh", "kullback_leibler_divergence", "mape", "msle", "acc",
                 "top_k_categorical_accuracy", "categorical_crossentropy"],
    )  # fmt: skip
    history = model.fit(x, y, batch_size=4, epochs=2, verbose=0, shuffle=False)
    return {
        "metrics_names": model.metrics_names,
        "history": _hist(history),
        "evaluate": _f(model.evaluate(x, y, verbose=0)),
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

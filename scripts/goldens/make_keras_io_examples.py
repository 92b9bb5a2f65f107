"""Goldens for tests/examples/test_keras_io_examples.py: classic keras.io example scripts
and guides (keras-team/keras-io, examples/ and guides/), each reproduced as a Keras 3 user
runs it (the model and training code as written, the imports aside) at a reduced size and
on synthetic data of the dataset's shapes and dtypes, with the same trainable weights drawn
from a fixed RNG after building, dropout rates set to 0 and random augmentation left out
(the only changes, each noted where it is made), so that predictions, `fit`'s History,
`evaluate`, `summary()` and the callbacks' effects can be compared.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the
test) returning JSON-able values.

Run (Keras 3.15.1 on JAX, then on torch for the scenarios JAX cannot run; optionally only
the scenarios named):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_keras_io_examples.py
    KERAS_BACKEND=torch /work/kenv/bin/python scripts/goldens/make_keras_io_examples.py
"""

from __future__ import annotations

import os
import pathlib
import sys
import tempfile

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "keras_io_examples.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario
# (its goldens come from Keras's torch backend: JAX cannot run it)
torch_scenario = SCENARIOS.scenario_on("torch")


def _summary(model):
    """`summary()`'s lines with text (the rules left out, runs of spaces as one)."""
    lines = []
    model.summary(print_fn=lambda s, **kw: lines.append(s))
    rows = [" ".join(line.split()) for line in "\n".join(lines).splitlines()]
    return [row for row in rows if row.strip(BOX)]


BOX = "┏┓┗┛┃━┡┩╇┳┻┯┷│─├┤┼└┘┌┐┬┴ "


def _init(model, seed=0):
    """Every trainable weight drawn from one RNG, in `trainable_weights` order (Keras's)."""
    rng = np.random.default_rng(seed)
    for w in model.trainable_weights:
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


def _images(n, size=28, channels=None, seed=0):
    """MNIST-like uint8 images: blobs at a label-dependent place, plus noise."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 10, n)
    yy, xx = np.mgrid[0:size, 0:size]
    x = np.empty((n, size, size), "float64")
    for i, label in enumerate(y):
        cy, cx = 4 + (label % 5) * (size - 8) / 4, 6 + (label // 5) * (size - 12)
        x[i] = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / 12.0)
    x = np.clip(x * 230 + rng.normal(0, 20, x.shape), 0, 255).astype("uint8")
    if channels:
        x = np.repeat(x[..., None], channels, axis=-1)
    return x, y.astype("uint8")


# ---- timeseries/timeseries_classification_from_scratch.py (FordA) ------------------------


@scenario
def timeseries_classification(keras):
    rng = np.random.default_rng(1)
    n, length = 120, 40
    y_all = rng.integers(0, 2, n)
    t = np.linspace(0, 4 * np.pi, length)
    x_all = np.sin(t[None] * (1 + y_all[:, None])) + rng.normal(0, 0.8, (n, length))
    x_train, y_train = x_all[:96], y_all[:96].copy()
    x_test, y_test = x_all[96:], y_all[96:].copy()
    x_train = x_train.reshape((x_train.shape[0], x_train.shape[1], 1))
    x_test = x_test.reshape((x_test.shape[0], x_test.shape[1], 1))
    num_classes = len(np.unique(y_train))

    def make_model(input_shape):
        input_layer = keras.layers.Input(input_shape)

        conv1 = keras.layers.Conv1D(filters=8, kernel_size=3, padding="same")(input_layer)
        conv1 = keras.layers.BatchNormalization()(conv1)
        conv1 = keras.layers.ReLU()(conv1)

        conv2 = keras.layers.Conv1D(filters=8, kernel_size=3, padding="same")(conv1)
        conv2 = keras.layers.BatchNormalization()(conv2)
        conv2 = keras.layers.ReLU()(conv2)

        conv3 = keras.layers.Conv1D(filters=8, kernel_size=3, padding="same")(conv2)
        conv3 = keras.layers.BatchNormalization()(conv3)
        conv3 = keras.layers.ReLU()(conv3)

        gap = keras.layers.GlobalAveragePooling1D()(conv3)

        output_layer = keras.layers.Dense(num_classes, activation="softmax")(gap)

        return keras.models.Model(inputs=input_layer, outputs=output_layer)

    model = make_model(input_shape=x_train.shape[1:])
    _init(model)
    out = {"summary": _summary(model)}

    epochs = 12
    batch_size = 32
    folder = tempfile.mkdtemp()
    best = os.path.join(folder, "best_model.keras")
    callbacks = [
        keras.callbacks.ModelCheckpoint(best, save_best_only=True, monitor="val_loss"),
        keras.callbacks.ReduceLROnPlateau(
            monitor="val_loss", factor=0.5, patience=1, min_lr=0.0001
        ),
        keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, verbose=0),
    ]
    model.compile(
        optimizer=keras.optimizers.Adam(0.01),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    keras.utils.set_random_seed(7)
    history = model.fit(
        x_train,
        y_train,
        batch_size=batch_size,
        epochs=epochs,
        callbacks=callbacks,
        validation_split=0.2,
        verbose=0,
    )
    out["history"] = _hist(history)
    out["epochs_run"] = history.epoch
    out["stopped_epoch"] = callbacks[2].stopped_epoch
    out["final_lr"] = _f(model.optimizer.learning_rate)
    model = keras.models.load_model(best)
    probs = model.predict(x_test, verbose=0)
    out["loaded_class"] = type(model).__name__
    out["test_probs"] = _f(probs[:6])
    out["test_accuracy"] = float((probs.argmax(axis=1) == y_test).mean())
    out["loaded_evaluate"] = _f(model.evaluate(x_test, y_test, verbose=0))
    out["loaded_optimizer_iterations"] = int(model.optimizer.iterations)
    return out


# ---- nlp/addition_rnn.py -----------------------------------------------------------------


class CharacterTable:
    """Given a set of characters:
    + Encode them to a one-hot integer representation
    + Decode the one-hot or integer representation to their character output
    + Decode a vector of probabilities to their character output
    """

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


@scenario
def addition_rnn(keras):
    layers = keras.layers
    TRAINING_SIZE = 300
    DIGITS = 2
    REVERSE = True
    MAXLEN = DIGITS + 1 + DIGITS
    chars = "0123456789+ "
    ctable = CharacterTable(chars)
    rs = np.random.RandomState(3)  # the script's np.random, seeded
    questions, expected, seen = [], [], set()
    while len(questions) < TRAINING_SIZE:
        f = lambda: int(  # noqa: E731 (as written)
            "".join(rs.choice(list("0123456789")) for i in range(rs.randint(1, DIGITS + 1)))
        )
        a, b = f(), f()
        key = tuple(sorted((a, b)))
        if key in seen:
            continue
        seen.add(key)
        q = "{}+{}".format(a, b)  # noqa: UP032 (as written)
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
    rs.shuffle(indices)
    x, y = x[indices], y[indices]
    split_at = len(x) - len(x) // 10
    (x_train, x_val) = x[:split_at], x[split_at:]
    (y_train, y_val) = y[:split_at], y[split_at:]

    num_layers = 1
    model = keras.Sequential()
    model.add(layers.Input((MAXLEN, len(chars))))
    model.add(layers.LSTM(16))
    model.add(layers.RepeatVector(DIGITS + 1))
    for _ in range(num_layers):
        model.add(layers.LSTM(16, return_sequences=True))
    model.add(layers.Dense(len(chars), activation="softmax"))
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    _init(model)
    out = {"summary": _summary(model), "histories": [], "guesses": []}
    keras.utils.set_random_seed(11)
    for epoch in range(1, 4):  # noqa: B007 (as written)
        h = model.fit(
            x_train, y_train, batch_size=32, epochs=1, validation_data=(x_val, y_val), verbose=0
        )
        out["histories"].append(_hist(h))
        for i in range(3):  # noqa: B007 (as written)
            ind = rs.randint(0, len(x_val))
            rowx, rowy = x_val[np.array([ind])], y_val[np.array([ind])]
            probs = model.predict(rowx, verbose=0)
            preds = np.argmax(probs, axis=-1)
            q = ctable.decode(rowx[0])
            out["guesses"].append(
                [q[::-1], ctable.decode(rowy[0]), ctable.decode(preds[0], calc_argmax=False)]
            )
            out.setdefault("probs", []).append(_f(probs[0, 0, :4]))
    out["summary_after"] = _summary(model)  # with the optimizer's variables
    return out


# ---- nlp/bidirectional_lstm_imdb.py ------------------------------------------------------


@scenario
def bidirectional_lstm_imdb(keras):
    layers = keras.layers
    max_features = 50
    maxlen = 12
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(max_features, 8)(inputs)
    x = layers.Bidirectional(layers.LSTM(6, return_sequences=True))(x)
    x = layers.Bidirectional(layers.LSTM(6))(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs, outputs)
    _init(model)
    out = {"summary": _summary(model)}

    rng = np.random.default_rng(5)

    def reviews(n):
        ys = rng.integers(0, 2, n)
        seqs = []
        for label in ys:
            words = rng.integers(1, max_features // 2, rng.integers(3, 20)) + (
                max_features // 2 - 1
            ) * (rng.random() < 0.2 + 0.6 * label)
            seqs.append([1] + words.tolist())
        return seqs, ys

    x_train, y_train = reviews(96)
    x_val, y_val = reviews(32)
    x_train = keras.utils.pad_sequences(x_train, maxlen=maxlen)
    x_val = keras.utils.pad_sequences(x_val, maxlen=maxlen)
    out["padded"] = [x_train.shape, str(x_train.dtype), x_train[:2].tolist()]
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    keras.utils.set_random_seed(3)
    history = model.fit(
        x_train, y_train, batch_size=32, epochs=2, validation_data=(x_val, y_val), verbose=0
    )
    out["history"] = _hist(history)
    out["predict"] = _f(model.predict(x_val[:5], verbose=0))
    out["evaluate"] = _f(model.evaluate(x_val, y_val, verbose=0))
    return out


# ---- generative/lstm_character_level_text_generation.py ----------------------------------


@scenario
def lstm_text_generation(keras):
    layers = keras.layers
    text = (
        "the quick brown fox jumps over the lazy dog. " * 8 + "a cat sat on a mat. " * 6
    ).lower()
    chars = sorted(list(set(text)))
    char_indices = dict((c, i) for i, c in enumerate(chars))
    indices_char = dict((i, c) for i, c in enumerate(chars))
    maxlen = 10
    step = 5
    sentences = []
    next_chars = []
    for i in range(0, len(text) - maxlen, step):
        sentences.append(text[i : i + maxlen])
        next_chars.append(text[i + maxlen])
    x = np.zeros((len(sentences), maxlen, len(chars)), dtype="bool")
    y = np.zeros((len(sentences), len(chars)), dtype="bool")
    for i, sentence in enumerate(sentences):
        for t, char in enumerate(sentence):
            x[i, t, char_indices[char]] = 1
        y[i, char_indices[next_chars[i]]] = 1

    model = keras.Sequential(
        [
            keras.Input(shape=(maxlen, len(chars))),
            layers.LSTM(16),
            layers.Dense(len(chars), activation="softmax"),
        ]
    )
    optimizer = keras.optimizers.RMSprop(learning_rate=0.01)
    model.compile(loss="categorical_crossentropy", optimizer=optimizer)
    _init(model)
    out = {"summary": _summary(model), "losses": [], "generated": [], "probs": []}

    rs = np.random.RandomState(2)

    def sample(preds, temperature=1.0):
        # helper function to sample an index from a probability array
        preds = np.asarray(preds).astype("float64")
        preds = np.log(preds) / temperature
        exp_preds = np.exp(preds)
        preds = exp_preds / np.sum(exp_preds)
        probas = rs.multinomial(1, preds, 1)
        return np.argmax(probas)

    keras.utils.set_random_seed(4)
    for epoch in range(2):  # noqa: B007 (as written)
        h = model.fit(x, y, batch_size=16, epochs=1, verbose=0)
        out["losses"].append(_f(h.history["loss"]))
        start_index = 7
        for diversity in [0.2, 1.0]:
            generated = ""
            sentence = text[start_index : start_index + maxlen]
            for i in range(8):
                x_pred = np.zeros((1, maxlen, len(chars)))
                for t, char in enumerate(sentence):
                    x_pred[0, t, char_indices[char]] = 1.0
                preds = model.predict(x_pred, verbose=0)[0]
                if i == 0:
                    out["probs"].append(_f(preds[:6]))
                next_index = sample(preds, diversity)
                next_char = indices_char[next_index]
                sentence = sentence[1:] + next_char
                generated += next_char
            out["generated"].append(generated)
    return out


# ---- vision/autoencoder.py (denoising) and the Keras blog's UpSampling2D autoencoder -------


@scenario
def conv_autoencoder(keras):
    layers = keras.layers
    (train_data, _), (test_data, _) = _images(64, seed=1), _images(32, seed=2)

    def preprocess(array):
        array = array.astype("float32") / 255.0
        array = np.reshape(array, (len(array), 28, 28, 1))
        return array

    def noise(array):
        noise_factor = 0.4
        noisy_array = array + noise_factor * np.random.default_rng(9).normal(
            loc=0.0, scale=1.0, size=array.shape
        )
        return np.clip(noisy_array, 0.0, 1.0)

    train_data = preprocess(train_data)
    test_data = preprocess(test_data)
    noisy_train_data = noise(train_data)
    noisy_test_data = noise(test_data)

    input = layers.Input(shape=(28, 28, 1))
    # Encoder
    x = layers.Conv2D(4, (3, 3), activation="relu", padding="same")(input)
    x = layers.MaxPooling2D((2, 2), padding="same")(x)
    x = layers.Conv2D(4, (3, 3), activation="relu", padding="same")(x)
    x = layers.MaxPooling2D((2, 2), padding="same")(x)
    # Decoder
    x = layers.Conv2DTranspose(4, (3, 3), strides=2, activation="relu", padding="same")(x)
    x = layers.Conv2DTranspose(4, (3, 3), strides=2, activation="relu", padding="same")(x)
    x = layers.Conv2D(1, (3, 3), activation="sigmoid", padding="same")(x)
    autoencoder = keras.Model(input, x)
    autoencoder.compile(optimizer="adam", loss="binary_crossentropy")
    _init(autoencoder)
    out = {"summary": _summary(autoencoder)}
    keras.utils.set_random_seed(5)
    h1 = autoencoder.fit(
        x=train_data,
        y=train_data,
        epochs=2,
        batch_size=32,
        shuffle=True,
        validation_data=(test_data, test_data),
        verbose=0,
    )
    h2 = autoencoder.fit(
        x=noisy_train_data,
        y=train_data,
        epochs=2,
        batch_size=32,
        shuffle=True,
        validation_data=(noisy_test_data, test_data),
        verbose=0,
    )
    out["history"] = [_hist(h1), _hist(h2)]
    predictions = autoencoder.predict(noisy_test_data, verbose=0)
    out["predictions"] = [list(predictions.shape), _f(predictions[0, 10:14, 10:14, 0])]

    # the Keras blog (2016) "Building autoencoders in Keras": UpSampling2D decoder
    input_img = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(8, (3, 3), activation="relu", padding="same")(input_img)
    x = layers.MaxPooling2D((2, 2), padding="same")(x)
    x = layers.Conv2D(4, (3, 3), activation="relu", padding="same")(x)
    x = layers.MaxPooling2D((2, 2), padding="same")(x)
    x = layers.Conv2D(4, (3, 3), activation="relu", padding="same")(x)
    encoded = layers.MaxPooling2D((2, 2), padding="same")(x)
    x = layers.Conv2D(4, (3, 3), activation="relu", padding="same")(encoded)
    x = layers.UpSampling2D((2, 2))(x)
    x = layers.Conv2D(4, (3, 3), activation="relu", padding="same")(x)
    x = layers.UpSampling2D((2, 2))(x)
    x = layers.Conv2D(8, (3, 3), activation="relu")(x)
    x = layers.UpSampling2D((2, 2))(x)
    decoded = layers.Conv2D(1, (3, 3), activation="sigmoid", padding="same")(x)
    blog = keras.Model(input_img, decoded)
    blog.compile(optimizer="adam", loss="binary_crossentropy")
    _init(blog, seed=1)
    out["blog_summary"] = _summary(blog)
    keras.utils.set_random_seed(6)
    h = blog.fit(
        train_data,
        train_data,
        epochs=2,
        batch_size=16,
        shuffle=True,
        validation_data=(test_data, test_data),
        verbose=0,
    )
    out["blog_history"] = _hist(h)
    encoder = keras.Model(input_img, encoded)
    out["encoded"] = _f(encoder.predict(test_data[:1], verbose=0)[0, :2, :2])
    return out


# ---- structured_data/collaborative_filtering_movielens.py --------------------------------


@scenario
def collaborative_filtering(keras):
    layers, ops = keras.layers, keras.ops
    rng = np.random.default_rng(6)
    num_users, num_movies, EMBEDDING_SIZE = 12, 15, 4
    n = 160
    users = rng.integers(0, num_users, n)
    movies = rng.integers(0, num_movies, n)
    rating = np.clip(
        np.round(2.5 + (users % 3) - (movies % 4) * 0.5 + rng.normal(0, 0.7, n)), 0.5, 5
    )
    min_rating, max_rating = min(rating), max(rating)
    x = np.stack([users, movies], axis=1)
    y = (rating - min_rating) / (max_rating - min_rating)
    train_indices = int(0.9 * n)
    x_train, x_val, y_train, y_val = (
        x[:train_indices],
        x[train_indices:],
        y[:train_indices],
        y[train_indices:],
    )

    class RecommenderNet(keras.Model):
        def __init__(self, num_users, num_movies, embedding_size, **kwargs):
            super().__init__(**kwargs)
            self.num_users = num_users
            self.num_movies = num_movies
            self.embedding_size = embedding_size
            self.user_embedding = layers.Embedding(
                num_users,
                embedding_size,
                embeddings_initializer="he_normal",
                embeddings_regularizer=keras.regularizers.l2(1e-6),
            )
            self.user_bias = layers.Embedding(num_users, 1)
            self.movie_embedding = layers.Embedding(
                num_movies,
                embedding_size,
                embeddings_initializer="he_normal",
                embeddings_regularizer=keras.regularizers.l2(1e-6),
            )
            self.movie_bias = layers.Embedding(num_movies, 1)

        def call(self, inputs):
            user_vector = self.user_embedding(inputs[:, 0])
            user_bias = self.user_bias(inputs[:, 0])
            movie_vector = self.movie_embedding(inputs[:, 1])
            movie_bias = self.movie_bias(inputs[:, 1])
            dot_user_movie = ops.tensordot(user_vector, movie_vector, 2)
            # Add all the components (including bias)
            x = dot_user_movie + user_bias + movie_bias
            # The sigmoid activation forces the rating to between 0 and 1
            return ops.nn.sigmoid(x)

    model = RecommenderNet(num_users, num_movies, EMBEDDING_SIZE)
    model.compile(
        loss=keras.losses.BinaryCrossentropy(),
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
    )
    model(x_train[:2])
    _init(model)
    out = {"weights": [[w.path, list(w.shape)] for w in model.weights]}
    keras.utils.set_random_seed(8)
    history = model.fit(
        x=x_train, y=y_train, batch_size=32, epochs=3, verbose=0, validation_data=(x_val, y_val)
    )
    out["history"] = _hist(history)
    out["losses"] = _f(sum(float(v) for v in model.losses))
    user_movie_array = np.hstack(([[3]] * 5, np.arange(5)[:, None]))
    ratings = model.predict(user_movie_array, verbose=0).flatten()
    out["ratings"] = _f(ratings)
    out["top"] = ratings.argsort()[-3:][::-1].tolist()
    out["summary"] = _summary(model)
    return out


# ---- vision/siamese_contrastive.py --------------------------------------------------------


@scenario
def siamese_contrastive(keras):
    ops = keras.ops
    epochs = 2
    batch_size = 16
    margin = 1
    x, y = _images(120, seed=4)
    x = x.astype("float32") / 255.0

    def make_pairs(x, y):
        num_classes = max(y) + 1
        digit_indices = [np.where(y == i)[0] for i in range(num_classes)]
        pairs = []
        labels = []
        rs = np.random.RandomState(0)
        for idx1 in range(len(x)):
            x1 = x[idx1]
            label1 = y[idx1]
            idx2 = rs.choice(digit_indices[label1])
            x2 = x[idx2]
            pairs += [[x1, x2]]
            labels += [0]
            label2 = rs.randint(0, num_classes - 1)
            while label2 == label1:
                label2 = rs.randint(0, num_classes - 1)
            idx2 = rs.choice(digit_indices[label2])
            x2 = x[idx2]
            pairs += [[x1, x2]]
            labels += [1]
        return np.array(pairs), np.array(labels).astype("float32")

    pairs_train, labels_train = make_pairs(x[:60], y[:60])
    pairs_val, labels_val = make_pairs(x[60:], y[60:])
    x_train_1, x_train_2 = pairs_train[:, 0], pairs_train[:, 1]
    x_val_1, x_val_2 = pairs_val[:, 0], pairs_val[:, 1]

    def euclidean_distance(vects):
        x, y = vects
        sum_square = ops.sum(ops.square(x - y), axis=1, keepdims=True)
        return ops.sqrt(ops.maximum(sum_square, keras.backend.epsilon()))

    input = keras.layers.Input((28, 28, 1))
    x = keras.layers.BatchNormalization()(input)
    x = keras.layers.Conv2D(4, (5, 5), activation="tanh")(x)
    x = keras.layers.AveragePooling2D(pool_size=(2, 2))(x)
    x = keras.layers.Conv2D(8, (5, 5), activation="tanh")(x)
    x = keras.layers.AveragePooling2D(pool_size=(2, 2))(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.Dense(10, activation="tanh")(x)
    embedding_network = keras.Model(input, x)

    input_1 = keras.layers.Input((28, 28, 1))
    input_2 = keras.layers.Input((28, 28, 1))
    tower_1 = embedding_network(input_1)
    tower_2 = embedding_network(input_2)
    merge_layer = keras.layers.Lambda(euclidean_distance, output_shape=(1,))([tower_1, tower_2])
    normal_layer = keras.layers.BatchNormalization()(merge_layer)
    output_layer = keras.layers.Dense(1, activation="sigmoid")(normal_layer)
    siamese = keras.Model(inputs=[input_1, input_2], outputs=output_layer)

    def loss(margin=1):
        def contrastive_loss(y_true, y_pred):
            square_pred = ops.square(y_pred)
            margin_square = ops.square(ops.maximum(margin - (y_pred), 0))
            return ops.mean((1 - y_true) * square_pred + (y_true) * margin_square)

        return contrastive_loss

    siamese.compile(loss=loss(margin=margin), optimizer="RMSprop", metrics=["accuracy"])
    _init(siamese)
    out = {"summary": _summary(siamese), "embedding_summary": _summary(embedding_network)}
    keras.utils.set_random_seed(9)
    history = siamese.fit(
        [x_train_1, x_train_2],
        labels_train,
        validation_data=([x_val_1, x_val_2], labels_val),
        batch_size=batch_size,
        epochs=epochs,
        verbose=0,
    )
    out["history"] = _hist(history)
    out["evaluate"] = _f(siamese.evaluate([x_val_1, x_val_2], labels_val, verbose=0))
    out["predict"] = _f(siamese.predict([x_val_1[:6], x_val_2[:6]], verbose=0))
    return out


# ---- vision/knowledge_distillation.py (Keras 3: compute_loss and call) --------------------


@scenario
def knowledge_distillation(keras):
    return _distillation(keras, freeze_teacher=False)


@scenario
def knowledge_distillation_frozen_teacher(keras):
    """The same with `teacher.trainable = False` before the distiller's compile, as the
    example means it (there Keras 3 trains the teacher too: it is a tracked sub-model)."""
    return _distillation(keras, freeze_teacher=True)


def _distillation(keras, freeze_teacher):
    layers, ops = keras.layers, keras.ops

    class Distiller(keras.Model):
        def __init__(self, student, teacher):
            super().__init__()
            self.teacher = teacher
            self.student = student

        def compile(
            self,
            optimizer,
            metrics,
            student_loss_fn,
            distillation_loss_fn,
            alpha=0.1,
            temperature=3,
        ):
            super().compile(optimizer=optimizer, metrics=metrics)
            self.student_loss_fn = student_loss_fn
            self.distillation_loss_fn = distillation_loss_fn
            self.alpha = alpha
            self.temperature = temperature

        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, allow_empty=False):
            teacher_pred = self.teacher(x, training=False)
            student_loss = self.student_loss_fn(y, y_pred)

            distillation_loss = self.distillation_loss_fn(
                ops.softmax(teacher_pred / self.temperature, axis=1),
                ops.softmax(y_pred / self.temperature, axis=1),
            ) * (self.temperature**2)

            loss = self.alpha * student_loss + (1 - self.alpha) * distillation_loss
            return loss

        def call(self, x):
            return self.student(x)

    teacher = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(8, (3, 3), strides=(2, 2), padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.MaxPooling2D(pool_size=(2, 2), strides=(1, 1), padding="same"),
            layers.Conv2D(16, (3, 3), strides=(2, 2), padding="same"),
            layers.Flatten(),
            layers.Dense(10),
        ],
        name="teacher",
    )
    student = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(2, (3, 3), strides=(2, 2), padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.MaxPooling2D(pool_size=(2, 2), strides=(1, 1), padding="same"),
            layers.Conv2D(4, (3, 3), strides=(2, 2), padding="same"),
            layers.Flatten(),
            layers.Dense(10),
        ],
        name="student",
    )
    _init(teacher, seed=1)
    _init(student, seed=2)
    student_scratch = keras.models.clone_model(student)
    student_scratch.set_weights(student.get_weights())

    (x_train, y_train), (x_test, y_test) = _images(96, seed=5), _images(32, seed=6)
    x_train = x_train.astype("float32") / 255.0
    x_train = np.reshape(x_train, (-1, 28, 28, 1))
    x_test = x_test.astype("float32") / 255.0
    x_test = np.reshape(x_test, (-1, 28, 28, 1))

    teacher.compile(
        optimizer=keras.optimizers.Adam(),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[keras.metrics.SparseCategoricalAccuracy()],
    )
    keras.utils.set_random_seed(1)
    out = {"teacher_fit": _hist(teacher.fit(x_train, y_train, epochs=2, verbose=0))}
    out["teacher_evaluate"] = _f(teacher.evaluate(x_test, y_test, verbose=0))

    if freeze_teacher:
        teacher.trainable = False
    distiller = Distiller(student=student, teacher=teacher)
    distiller.compile(
        optimizer=keras.optimizers.Adam(),
        metrics=[keras.metrics.SparseCategoricalAccuracy()],
        student_loss_fn=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        distillation_loss_fn=keras.losses.KLDivergence(),
        alpha=0.1,
        temperature=10,
    )
    teacher_before = teacher.get_weights()[-1].copy()
    out["distiller_fit"] = _hist(distiller.fit(x_train, y_train, epochs=2, verbose=0))
    out["distiller_evaluate"] = _f(distiller.evaluate(x_test, y_test, verbose=0))
    out["distiller_evaluate_dict"] = sorted(
        distiller.evaluate(x_test, y_test, verbose=0, return_dict=True)
    )
    # Keras 3 trains the teacher too here (a tracked sub-model, trainable, in the loss)
    out["teacher_changed"] = bool(np.abs(teacher.get_weights()[-1] - teacher_before).max() > 0)
    out["distiller_trainable"] = len(distiller.trainable_weights)
    out["student_predict"] = _f(student.predict(x_test[:3], verbose=0)[:, :4])

    student_scratch.compile(
        optimizer=keras.optimizers.Adam(),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[keras.metrics.SparseCategoricalAccuracy()],
    )
    out["scratch_fit"] = _hist(student_scratch.fit(x_train, y_train, epochs=2, verbose=0))
    out["scratch_evaluate"] = _f(student_scratch.evaluate(x_test, y_test, verbose=0))
    out["student_summary"] = _summary(student)
    return out


# ---- vision/image_classification_with_vision_transformer.py ------------------------------


@scenario
def vision_transformer(keras):
    layers, ops = keras.layers, keras.ops
    num_classes = 5
    input_shape = (8, 8, 3)
    x_train, y_train = _images(72, size=8, channels=3, seed=7)
    x_test, y_test = _images(24, size=8, channels=3, seed=8)
    y_train, y_test = (y_train % 5)[:, None], (y_test % 5)[:, None]

    learning_rate = 0.001
    weight_decay = 0.0001
    batch_size = 32
    num_epochs = 3
    image_size = 12
    patch_size = 4
    num_patches = (image_size // patch_size) ** 2
    projection_dim = 8
    num_heads = 2
    transformer_units = [projection_dim * 2, projection_dim]
    transformer_layers = 2
    mlp_head_units = [16, 8]

    data_augmentation = keras.Sequential(
        [layers.Normalization(), layers.Resizing(image_size, image_size)],
        name="data_augmentation",
    )
    data_augmentation.layers[0].adapt(x_train)

    def mlp(x, hidden_units, dropout_rate):
        for units in hidden_units:
            x = layers.Dense(units, activation=keras.activations.gelu)(x)
            x = layers.Dropout(dropout_rate)(x)
        return x

    class Patches(layers.Layer):
        def __init__(self, patch_size):
            super().__init__()
            self.patch_size = patch_size

        def call(self, images):
            input_shape = ops.shape(images)
            batch_size = input_shape[0]
            height = input_shape[1]
            width = input_shape[2]
            channels = input_shape[3]
            num_patches_h = height // self.patch_size
            num_patches_w = width // self.patch_size
            patches = keras.ops.image.extract_patches(images, size=self.patch_size)
            patches = ops.reshape(
                patches,
                (
                    batch_size,
                    num_patches_h * num_patches_w,
                    self.patch_size * self.patch_size * channels,
                ),
            )
            return patches

        def get_config(self):
            config = super().get_config()
            config.update({"patch_size": self.patch_size})
            return config

    class PatchEncoder(layers.Layer):
        def __init__(self, num_patches, projection_dim):
            super().__init__()
            self.num_patches = num_patches
            self.projection = layers.Dense(units=projection_dim)
            self.position_embedding = layers.Embedding(
                input_dim=num_patches, output_dim=projection_dim
            )

        def call(self, patch):
            positions = ops.expand_dims(ops.arange(start=0, stop=self.num_patches, step=1), axis=0)
            projected_patches = self.projection(patch)
            encoded = projected_patches + self.position_embedding(positions)
            return encoded

        def get_config(self):
            config = super().get_config()
            config.update({"num_patches": self.num_patches})
            return config

    resized_image = ops.image.resize(
        ops.convert_to_tensor([x_train[0]], dtype="float32"), size=(image_size, image_size)
    )
    patches = Patches(patch_size)(resized_image)
    out = {"patches": [list(patches.shape), _f(ops.convert_to_numpy(patches)[0, 1, :5], 3)]}

    def create_vit_classifier():
        inputs = keras.Input(shape=input_shape)
        augmented = data_augmentation(inputs)
        patches = Patches(patch_size)(augmented)
        encoded_patches = PatchEncoder(num_patches, projection_dim)(patches)
        for _ in range(transformer_layers):
            x1 = layers.LayerNormalization(epsilon=1e-6)(encoded_patches)
            attention_output = layers.MultiHeadAttention(
                num_heads=num_heads, key_dim=projection_dim, dropout=0.0
            )(x1, x1)
            x2 = layers.Add()([attention_output, encoded_patches])
            x3 = layers.LayerNormalization(epsilon=1e-6)(x2)
            x3 = mlp(x3, hidden_units=transformer_units, dropout_rate=0.0)
            encoded_patches = layers.Add()([x3, x2])
        representation = layers.LayerNormalization(epsilon=1e-6)(encoded_patches)
        representation = layers.Flatten()(representation)
        representation = layers.Dropout(0.0)(representation)
        features = mlp(representation, hidden_units=mlp_head_units, dropout_rate=0.0)
        logits = layers.Dense(num_classes)(features)
        model = keras.Model(inputs=inputs, outputs=logits)
        return model

    model = create_vit_classifier()
    _init(model)
    out["summary"] = _summary(model)
    optimizer = keras.optimizers.AdamW(learning_rate=learning_rate, weight_decay=weight_decay)
    model.compile(
        optimizer=optimizer,
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[
            keras.metrics.SparseCategoricalAccuracy(name="accuracy"),
            keras.metrics.SparseTopKCategoricalAccuracy(3, name="top-3-accuracy"),
        ],
    )
    checkpoint_filepath = os.path.join(tempfile.mkdtemp(), "checkpoint.weights.h5")
    checkpoint_callback = keras.callbacks.ModelCheckpoint(
        checkpoint_filepath,
        monitor="val_accuracy",
        save_best_only=True,
        save_weights_only=True,
    )
    keras.utils.set_random_seed(10)
    history = model.fit(
        x=x_train,
        y=y_train,
        batch_size=batch_size,
        epochs=num_epochs,
        validation_split=0.1,
        callbacks=[checkpoint_callback],
        verbose=0,
    )
    out["history"] = _hist(history)
    model.load_weights(checkpoint_filepath)
    _, accuracy, top_3_accuracy = model.evaluate(x_test, y_test, verbose=0)
    out["evaluate"] = _f([accuracy, top_3_accuracy])
    out["predict"] = _f(model.predict(x_test[:2], verbose=0))
    return out


# ---- timeseries/timeseries_weather_forecasting.py -----------------------------------------


@scenario
def weather_forecasting(keras):
    rng = np.random.default_rng(12)
    steps = 260
    t = np.arange(steps)
    features = np.stack([np.sin(t / 10.0), np.cos(t / 17.0), 0.1 * rng.normal(size=steps)], axis=1)
    train_split = 200
    data_mean = features[:train_split].mean(axis=0)
    data_std = features[:train_split].std(axis=0)
    features = (features - data_mean) / data_std
    past, future, sequence_length = 12, 3, 6
    step = 2

    def windows(start, stop):
        xs, ys = [], []
        for i in range(start, stop - past - future):
            xs.append(features[i : i + past : step])
            ys.append(features[i + past + future, 0])
        return np.array(xs, "float32"), np.array(ys, "float32")[:, None]

    x_train, y_train = windows(0, train_split)
    x_val, y_val = windows(train_split, steps)
    assert x_train.shape[1] == sequence_length

    inputs = keras.layers.Input(shape=(x_train.shape[1], x_train.shape[2]))
    lstm_out = keras.layers.LSTM(8)(inputs)
    outputs = keras.layers.Dense(1)(lstm_out)
    model = keras.Model(inputs=inputs, outputs=outputs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    _init(model)
    out = {"summary": _summary(model)}
    path_checkpoint = os.path.join(tempfile.mkdtemp(), "model_checkpoint.weights.h5")
    es_callback = keras.callbacks.EarlyStopping(monitor="val_loss", min_delta=0, patience=2)
    modelckpt_callback = keras.callbacks.ModelCheckpoint(
        monitor="val_loss",
        filepath=path_checkpoint,
        verbose=0,
        save_weights_only=True,
        save_best_only=True,
    )
    keras.utils.set_random_seed(12)
    history = model.fit(
        x_train,
        y_train,
        batch_size=64,
        epochs=6,
        validation_data=(x_val, y_val),
        callbacks=[es_callback, modelckpt_callback],
        verbose=0,
    )
    out["history"] = _hist(history)
    out["best"] = _f(modelckpt_callback.best)
    model.load_weights(path_checkpoint)
    out["predict"] = _f(model.predict(x_val[:5], verbose=0))
    out["evaluate"] = _f(model.evaluate(x_val, y_val, verbose=0))
    return out


# ---- structured_data/structured_data_classification_from_scratch.py -----------------------


@scenario
def structured_data(keras):
    layers = keras.layers
    rng = np.random.default_rng(13)
    n = 120
    data = {
        "sex": rng.integers(0, 2, n),
        "cp": rng.integers(0, 5, n),
        "fbs": rng.integers(0, 2, n),
        "age": rng.integers(29, 77, n).astype("float32"),
        "trestbps": rng.normal(130, 17, n).astype("float32"),
        "chol": rng.normal(245, 50, n).astype("float32"),
        "ca": rng.integers(0, 4, n),
    }
    target = ((data["cp"] > 2) ^ (data["age"] > 55)).astype("int64")
    split = 96
    train = {k: v[:split, None] for k, v in data.items()}
    val = {k: v[split:, None] for k, v in data.items()}

    def encode_numerical_feature(feature, name, values):
        normalizer = layers.Normalization()
        normalizer.adapt(values[name])
        return normalizer(feature)

    def encode_categorical_feature(feature, name, values):
        # the example's IntegerLookup(output_mode=...) needs TensorFlow in Keras 3: the
        # same one-hot encoding of the (dense, 0-based) integer codes
        encoder = layers.CategoryEncoding(int(values[name].max()) + 1, output_mode="one_hot")
        return encoder(feature)

    sex = keras.Input(shape=(1,), name="sex", dtype="int64")
    cp = keras.Input(shape=(1,), name="cp", dtype="int64")
    fbs = keras.Input(shape=(1,), name="fbs", dtype="int64")
    ca = keras.Input(shape=(1,), name="ca", dtype="int64")
    age = keras.Input(shape=(1,), name="age")
    trestbps = keras.Input(shape=(1,), name="trestbps")
    chol = keras.Input(shape=(1,), name="chol")
    all_inputs = [sex, cp, fbs, ca, age, trestbps, chol]

    sex_encoded = encode_categorical_feature(sex, "sex", train)
    cp_encoded = encode_categorical_feature(cp, "cp", train)
    fbs_encoded = encode_categorical_feature(fbs, "fbs", train)
    ca_encoded = encode_categorical_feature(ca, "ca", train)
    age_encoded = encode_numerical_feature(age, "age", train)
    trestbps_encoded = encode_numerical_feature(trestbps, "trestbps", train)
    chol_encoded = encode_numerical_feature(chol, "chol", train)

    all_features = layers.concatenate(
        [
            sex_encoded,
            cp_encoded,
            fbs_encoded,
            ca_encoded,
            age_encoded,
            trestbps_encoded,
            chol_encoded,
        ]
    )
    x = layers.Dense(8, activation="relu")(all_features)
    x = layers.Dropout(0.0)(x)
    output = layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(all_inputs, output)
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    _init(model)
    out = {"summary": _summary(model)}
    keras.utils.set_random_seed(13)
    history = model.fit(
        train,
        target[:split],
        batch_size=32,
        epochs=3,
        validation_data=(val, target[split:]),
        verbose=0,
    )
    out["history"] = _hist(history)
    sample = {
        "sex": np.array([[1]]),
        "cp": np.array([[4]]),
        "fbs": np.array([[0]]),
        "ca": np.array([[3]]),
        "age": np.array([[60.0]], "float32"),
        "trestbps": np.array([[140.0]], "float32"),
        "chol": np.array([[289.0]], "float32"),
    }
    out["predict_one"] = _f(model.predict(sample, verbose=0))
    path = os.path.join(tempfile.mkdtemp(), "structured.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    out["loaded_predict"] = _f(loaded.predict(val, verbose=0)[:4])
    out["loaded_evaluate"] = _f(loaded.evaluate(val, target[split:], verbose=0))
    return out


# ---- timeseries/timeseries_classification_transformer.py ---------------------------------


def _forda_like(n, length, seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    t = np.linspace(0, 4 * np.pi, length)
    x = np.sin(t[None] * (1 + y[:, None])) + rng.normal(0, 0.8, (n, length))
    return x.reshape((n, length, 1)).astype("float32"), y


@scenario
def timeseries_transformer(keras):
    layers = keras.layers
    x_train, y_train = _forda_like(80, 16, seed=14)
    x_test, y_test = _forda_like(24, 16, seed=15)
    n_classes = len(np.unique(y_train))

    def transformer_encoder(inputs, head_size, num_heads, ff_dim, dropout=0):
        # Attention and Normalization
        x = layers.MultiHeadAttention(key_dim=head_size, num_heads=num_heads, dropout=dropout)(
            inputs, inputs
        )
        x = layers.Dropout(dropout)(x)
        x = layers.LayerNormalization(epsilon=1e-6)(x)
        res = x + inputs

        # Feed Forward Part
        x = layers.Conv1D(filters=ff_dim, kernel_size=1, activation="relu")(res)
        x = layers.Dropout(dropout)(x)
        x = layers.Conv1D(filters=inputs.shape[-1], kernel_size=1)(x)
        x = layers.LayerNormalization(epsilon=1e-6)(x)
        return x + res

    def build_model(
        input_shape,
        head_size,
        num_heads,
        ff_dim,
        num_transformer_blocks,
        mlp_units,
        dropout=0,
        mlp_dropout=0,
    ):
        inputs = keras.Input(shape=input_shape)
        x = inputs
        for _ in range(num_transformer_blocks):
            x = transformer_encoder(x, head_size, num_heads, ff_dim, dropout)

        x = layers.GlobalAveragePooling1D(data_format="channels_last")(x)
        for dim in mlp_units:
            x = layers.Dense(dim, activation="relu")(x)
            x = layers.Dropout(mlp_dropout)(x)
        outputs = layers.Dense(n_classes, activation="softmax")(x)
        return keras.Model(inputs, outputs)

    input_shape = x_train.shape[1:]
    model = build_model(
        input_shape,
        head_size=4,
        num_heads=2,
        ff_dim=4,
        num_transformer_blocks=2,
        mlp_units=[8],
        mlp_dropout=0.0,
        dropout=0.0,
    )
    model.compile(
        loss="sparse_categorical_crossentropy",
        optimizer=keras.optimizers.Adam(learning_rate=3e-2),
        metrics=["sparse_categorical_accuracy"],
    )
    _init(model)
    out = {"summary": _summary(model)}
    callbacks = [keras.callbacks.EarlyStopping(patience=1, restore_best_weights=True)]
    keras.utils.set_random_seed(14)
    history = model.fit(
        x_train,
        y_train,
        validation_split=0.2,
        epochs=8,
        batch_size=16,
        callbacks=callbacks,
        verbose=0,
    )
    out["history"] = _hist(history)
    out["stopped_epoch"] = callbacks[0].stopped_epoch
    out["best_epoch"] = callbacks[0].best_epoch
    out["evaluate"] = _f(model.evaluate(x_test, y_test, verbose=0))
    return out


# ---- vision/image_classification_from_scratch.py (a small Xception) -----------------------


@scenario
def image_classification_from_scratch(keras):
    layers = keras.layers
    image_size = (16, 16)
    x_all, y_all = _images(48, size=16, channels=3, seed=16)
    y_all = (y_all >= 5).astype("float32")
    x_all = x_all.astype("float32")

    def make_model(input_shape, num_classes):
        inputs = keras.Input(shape=input_shape)

        # Entry block
        x = layers.Rescaling(1.0 / 255)(inputs)
        x = layers.Conv2D(4, 3, strides=2, padding="same")(x)
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)

        x = layers.Conv2D(8, 3, padding="same")(x)
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)

        previous_block_activation = x  # Set aside residual

        for size in [8, 12]:
            x = layers.Activation("relu")(x)
            x = layers.SeparableConv2D(size, 3, padding="same")(x)
            x = layers.BatchNormalization()(x)

            x = layers.Activation("relu")(x)
            x = layers.SeparableConv2D(size, 3, padding="same")(x)
            x = layers.BatchNormalization()(x)

            x = layers.MaxPooling2D(3, strides=2, padding="same")(x)

            # Project residual
            residual = layers.Conv2D(size, 1, strides=2, padding="same")(previous_block_activation)
            x = layers.add([x, residual])  # Add back residual
            previous_block_activation = x  # Set aside next residual

        x = layers.SeparableConv2D(16, 3, padding="same")(x)
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)

        x = layers.GlobalAveragePooling2D()(x)
        if num_classes == 2:
            activation = "sigmoid"
            units = 1
        else:
            activation = "softmax"
            units = num_classes

        x = layers.Dropout(0.0)(x)
        outputs = layers.Dense(units, activation=activation)(x)
        return keras.Model(inputs, outputs)

    model = make_model(input_shape=image_size + (3,), num_classes=2)
    _init(model)
    out = {"summary": _summary(model)}
    folder = tempfile.mkdtemp()
    callbacks = [keras.callbacks.ModelCheckpoint(os.path.join(folder, "save_at_{epoch}.keras"))]
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    keras.utils.set_random_seed(16)
    history = model.fit(
        x_all[:32],
        y_all[:32],
        batch_size=16,
        epochs=2,
        callbacks=callbacks,
        validation_data=(x_all[32:], y_all[32:]),
        verbose=0,
    )
    out["history"] = _hist(history)
    out["files"] = sorted(os.listdir(folder))
    first = keras.models.load_model(os.path.join(folder, "save_at_1.keras"))
    img_array = x_all[40][None]
    predictions = first.predict(img_array, verbose=0)
    score = float(predictions[0][0])
    out["score_epoch_1"] = _f(score)
    out["final_predict"] = _f(model.predict(x_all[32:36], verbose=0))
    return out


# ---- timeseries/timeseries_anomaly_detection.py -------------------------------------------


@scenario
def timeseries_anomaly_detection(keras):
    layers = keras.layers
    rng = np.random.default_rng(17)
    TIME_STEPS = 24
    t = np.arange(400)
    values = np.sin(t * 2 * np.pi / 48) + 0.1 * rng.normal(size=t.size)
    training_mean = values.mean()
    training_std = values.std()
    normalized = (values - training_mean) / training_std

    def create_sequences(values, time_steps=TIME_STEPS):
        output = []
        for i in range(len(values) - time_steps + 1):
            output.append(values[i : (i + time_steps)])
        return np.stack(output)

    x_train = create_sequences(normalized[:, None][::3])
    model = keras.Sequential(
        [
            layers.Input(shape=(x_train.shape[1], x_train.shape[2])),
            layers.Conv1D(filters=8, kernel_size=7, padding="same", strides=2, activation="relu"),
            layers.Dropout(rate=0.0),
            layers.Conv1D(filters=4, kernel_size=7, padding="same", strides=2, activation="relu"),
            layers.Conv1DTranspose(
                filters=4, kernel_size=7, padding="same", strides=2, activation="relu"
            ),
            layers.Dropout(rate=0.0),
            layers.Conv1DTranspose(
                filters=8, kernel_size=7, padding="same", strides=2, activation="relu"
            ),
            layers.Conv1DTranspose(filters=1, kernel_size=7, padding="same"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss="mse")
    _init(model)
    out = {"summary": _summary(model)}
    keras.utils.set_random_seed(17)
    history = model.fit(
        x_train,
        x_train,
        epochs=3,
        batch_size=32,
        validation_split=0.1,
        callbacks=[keras.callbacks.EarlyStopping(monitor="val_loss", patience=5, mode="min")],
        verbose=0,
    )
    out["history"] = _hist(history)
    x_train_pred = model.predict(x_train, verbose=0)
    train_mae_loss = np.mean(np.abs(x_train_pred - x_train), axis=1)
    threshold = np.max(train_mae_loss)
    out["threshold"] = _f(threshold)
    anomalous = normalized.copy()[::3]
    anomalous[60:64] += 6.0
    x_test = create_sequences(anomalous[:, None])
    x_test_pred = model.predict(x_test, verbose=0)
    test_mae_loss = np.mean(np.abs(x_test_pred - x_test), axis=1).reshape(-1)
    out["test_mae_head"] = _f(test_mae_loss[:5])
    out["anomalies"] = int(np.sum(test_mae_loss > threshold))
    return out


# ---- guides/transfer_learning.py (freeze, train the head, unfreeze, fine-tune) -------------


@scenario
def transfer_learning(keras):
    layers = keras.layers
    x_all, y_all = _images(48, size=12, channels=3, seed=18)
    y_all = (y_all % 2).astype("float32")
    x_all = x_all.astype("float32")

    # a small "pre-trained" base with BatchNormalization (Xception in the guide)
    base_in = keras.Input((12, 12, 3))
    h = layers.Conv2D(4, 3, padding="same")(base_in)
    h = layers.BatchNormalization()(h)
    h = layers.Activation("relu")(h)
    h = layers.Conv2D(6, 3, strides=2, padding="same")(h)
    h = layers.BatchNormalization()(h)
    base_model = keras.Model(base_in, layers.Activation("relu")(h), name="base")
    _init(base_model, seed=3)
    base_model.layers[2].moving_mean.assign(np.full((4,), 0.1, "float32"))
    base_model.layers[2].moving_variance.assign(np.full((4,), 1.5, "float32"))

    # Freeze the base_model
    base_model.trainable = False

    # Create new model on top
    inputs = keras.Input(shape=(12, 12, 3))
    scale_layer = layers.Rescaling(scale=1 / 127.5, offset=-1)
    x = scale_layer(inputs)
    # The base model contains batchnorm layers. We want to keep them in inference mode
    # when we unfreeze the base model for fine-tuning, so we make sure that the
    # base_model is running in inference mode here.
    x = base_model(x, training=False)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(0.0)(x)  # Regularize with dropout
    outputs = layers.Dense(1)(x)
    model = keras.Model(inputs, outputs)
    _init(model, seed=4)  # (the head only: the base is frozen)
    out = {"summary_frozen": _summary(model)}

    model.compile(
        optimizer=keras.optimizers.Adam(),
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
        metrics=[keras.metrics.BinaryAccuracy()],
    )
    keras.utils.set_random_seed(18)
    h1 = model.fit(
        x_all[:32],
        y_all[:32],
        epochs=2,
        batch_size=16,
        validation_data=(x_all[32:], y_all[32:]),
        verbose=0,
    )
    base_weights_after_head = _f(base_model.get_weights()[0].ravel()[:4])

    # Unfreeze the base_model. Note that it keeps running in inference mode
    # since we passed `training=False` when calling it. This means that
    # the batchnorm layers will not update their batch statistics.
    # This prevents the batchnorm layers from undoing all the training
    # we've done so far.
    base_model.trainable = True
    out["summary_unfrozen"] = _summary(model)

    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),  # Low learning rate
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
        metrics=[keras.metrics.BinaryAccuracy()],
    )
    h2 = model.fit(
        x_all[:32],
        y_all[:32],
        epochs=2,
        batch_size=16,
        validation_data=(x_all[32:], y_all[32:]),
        verbose=0,
    )
    out["history_head"] = _hist(h1)
    out["history_fine_tune"] = _hist(h2)
    out["base_weights_after_head"] = base_weights_after_head
    out["base_weights_after_fine_tune"] = _f(base_model.get_weights()[0].ravel()[:4])
    out["moving_mean"] = _f(base_model.layers[2].moving_mean)
    out["predict"] = _f(model.predict(x_all[32:36], verbose=0))
    return out


# ---- Model.compute_loss overridden (Keras 3's API docs) ------------------------------------


def _regression_data():
    rng = np.random.default_rng(20)
    x = rng.normal(size=(40, 10)).astype("float32")
    y = rng.normal(size=(40, 10)).astype("float32")
    kernel = rng.normal(size=(10, 10)).astype("float32") * 0.3
    return x, y, kernel


@torch_scenario
def compute_loss_with_own_tracker(keras):
    """`Model.compute_loss`'s docstring example: its own `Mean` tracker updated inside
    `compute_loss`, `metrics` and `reset_metrics` overridden, `self.losses` (a kernel
    regularizer) added. Keras's JAX backend cannot run it (the tracker's update inside its
    jitted step); torch can."""
    ops, layers, metrics = keras.ops, keras.layers, keras.metrics

    class MyModel(keras.Model):
        def __init__(self, *args, **kwargs):
            super(MyModel, self).__init__(*args, **kwargs)  # noqa: UP008 (as written)
            self.loss_tracker = metrics.Mean(name="loss")

        def compute_loss(self, x, y, y_pred, sample_weight, training=True):
            loss = ops.mean((y_pred - y) ** 2)
            loss += ops.sum(self.losses)
            self.loss_tracker.update_state(loss)
            return loss

        def reset_metrics(self):
            self.loss_tracker.reset_state()

        @property
        def metrics(self):
            return [self.loss_tracker]

    x, y, kernel = _regression_data()
    inputs = layers.Input(shape=(10,), name="my_input")
    outputs = layers.Dense(10, kernel_regularizer="l2")(inputs)
    model = MyModel(inputs, outputs)
    model.set_weights([kernel, np.zeros(10, "float32")])
    model.compile(keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    history = model.fit(
        x, y, epochs=2, batch_size=16, shuffle=False, validation_data=(x[:8], y[:8]), verbose=0
    )
    return {
        "history": _hist(history),
        "evaluate": _f(model.evaluate(x, y, verbose=0)),
        "tracker": _f(model.loss_tracker.result()),
        "predict": _f(model.predict(x[:2], verbose=0)[:, :3]),
        "penalty": _f(ops.convert_to_numpy(model.losses[0])),
    }


@scenario
def compute_loss_calling_super(keras):
    """An own `compute_loss` that adds a term to the compiled loss (`super()`)."""
    ops, layers = keras.ops, keras.layers

    class Super(keras.Model):
        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
            loss = super().compute_loss(x, y, y_pred, sample_weight, training)
            return loss + 0.1 * ops.mean(ops.square(y_pred))

    x, y, kernel = _regression_data()
    inputs = layers.Input(shape=(10,), name="my_input")
    outputs = layers.Dense(10, kernel_regularizer="l2")(inputs)
    model = Super(inputs, outputs)
    model.set_weights([kernel, np.zeros(10, "float32")])
    model.compile(keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    history = model.fit(
        x, y, epochs=2, batch_size=16, shuffle=False, validation_data=(x[:8], y[:8]), verbose=0
    )
    return {
        "history": _hist(history),
        "evaluate": _f(model.evaluate(x, y, verbose=0)),
        "predict": _f(model.predict(x[:2], verbose=0)[:, :3]),
        "train_on_batch": _f(model.train_on_batch(x[:8], y[:8])),
        "test_on_batch": _f(model.test_on_batch(x[:8], y[:8])),
    }


# ---- guides/writing_your_own_callbacks.py -------------------------------------------------


def _callbacks_guide_model(keras, x):
    # Define the Keras model to add callbacks to
    def get_model():
        model = keras.Sequential()
        model.add(keras.layers.Dense(1))
        model.compile(
            optimizer=keras.optimizers.RMSprop(learning_rate=0.1),
            loss="mean_squared_error",
            metrics=["mean_absolute_error"],
        )
        return model

    model = get_model()
    model(x[:1])
    _init(model, seed=21)
    return model


def _callbacks_guide_data():
    rng = np.random.default_rng(21)
    x_train = rng.random((64, 12)).astype("float32")
    y_train = (x_train @ rng.normal(size=12)).astype("float32")
    return x_train[:48], y_train[:48], x_train[48:], y_train[48:]


@scenario
def callbacks_guide_hooks(keras):
    x_train, y_train, x_test, y_test = _callbacks_guide_data()
    calls = []

    class CustomCallback(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            calls.append(["on_train_begin", sorted(logs or {})])

        def on_train_end(self, logs=None):
            calls.append(["on_train_end", sorted(logs or {})])

        def on_epoch_begin(self, epoch, logs=None):
            calls.append(["on_epoch_begin", epoch, sorted(logs or {})])

        def on_epoch_end(self, epoch, logs=None):
            calls.append(["on_epoch_end", epoch, sorted(logs or {})])

        def on_test_begin(self, logs=None):
            calls.append(["on_test_begin", sorted(logs or {})])

        def on_test_end(self, logs=None):
            calls.append(["on_test_end", sorted(logs or {})])

        def on_predict_begin(self, logs=None):
            calls.append(["on_predict_begin", sorted(logs or {})])

        def on_predict_end(self, logs=None):
            calls.append(["on_predict_end", sorted(logs or {})])

        def on_train_batch_begin(self, batch, logs=None):
            calls.append(["on_train_batch_begin", batch, sorted(logs or {})])

        def on_train_batch_end(self, batch, logs=None):
            calls.append(["on_train_batch_end", batch, sorted(logs or {})])

        def on_test_batch_begin(self, batch, logs=None):
            calls.append(["on_test_batch_begin", batch, sorted(logs or {})])

        def on_test_batch_end(self, batch, logs=None):
            calls.append(["on_test_batch_end", batch, sorted(logs or {})])

        def on_predict_batch_begin(self, batch, logs=None):
            calls.append(["on_predict_batch_begin", batch, sorted(logs or {})])

        def on_predict_batch_end(self, batch, logs=None):
            calls.append(["on_predict_batch_end", batch, sorted(logs or {})])

    model = _callbacks_guide_model(keras, x_train)
    model.fit(
        x_train,
        y_train,
        batch_size=16,
        epochs=1,
        verbose=0,
        validation_split=0.5,
        callbacks=[CustomCallback()],
    )
    model.evaluate(x_test, y_test, batch_size=16, verbose=0, callbacks=[CustomCallback()])
    model.predict(x_test, batch_size=16, verbose=0, callbacks=[CustomCallback()])

    losses = []

    class LossAndErrorPrintingCallback(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            losses.append(["train", batch, _f(logs["loss"])])

        def on_test_batch_end(self, batch, logs=None):
            losses.append(["test", batch, _f(logs["loss"])])

        def on_epoch_end(self, epoch, logs=None):
            losses.append(["epoch", epoch, _f(logs["loss"]), _f(logs["mean_absolute_error"])])

    model = _callbacks_guide_model(keras, x_train)
    model.fit(
        x_train,
        y_train,
        batch_size=16,
        epochs=2,
        verbose=0,
        callbacks=[LossAndErrorPrintingCallback()],
        shuffle=False,
    )
    model.evaluate(
        x_test, y_test, batch_size=16, verbose=0, callbacks=[LossAndErrorPrintingCallback()]
    )
    return {"calls": calls, "losses": losses}


@scenario
def callbacks_guide_early_stopping_and_schedule(keras):
    x_train, y_train, _, _ = _callbacks_guide_data()
    out = {}

    class EarlyStoppingAtMinLoss(keras.callbacks.Callback):
        """Stop training when the loss is at its min, i.e. the loss stops decreasing."""

        def __init__(self, patience=0):
            super().__init__()
            self.patience = patience
            # best_weights to store the weights at which the minimum loss occurs.
            self.best_weights = None

        def on_train_begin(self, logs=None):
            # The number of epoch it has waited when loss is no longer minimum.
            self.wait = 0
            # The epoch the training stops at.
            self.stopped_epoch = 0
            # Initialize the best as infinity.
            self.best = np.inf

        def on_epoch_end(self, epoch, logs=None):
            current = logs.get("loss")
            if np.less(current, self.best):
                self.best = current
                self.wait = 0
                # Record the best weights if current results is better (less).
                self.best_weights = self.model.get_weights()
            else:
                self.wait += 1
                if self.wait >= self.patience:
                    self.stopped_epoch = epoch
                    self.model.stop_training = True
                    # Restoring model weights from the end of the best epoch.
                    self.model.set_weights(self.best_weights)

    model = _callbacks_guide_model(keras, x_train)
    stopper = EarlyStoppingAtMinLoss(patience=1)
    history = model.fit(
        x_train,
        y_train,
        batch_size=8,
        steps_per_epoch=2,
        epochs=12,
        verbose=0,
        callbacks=[stopper],
        shuffle=False,
    )
    out["early"] = {
        "history": _hist(history),
        "stopped_epoch": stopper.stopped_epoch,
        "weights": _f(model.get_weights()[0].ravel()[:4]),
    }

    class CustomLearningRateScheduler(keras.callbacks.Callback):
        def __init__(self, schedule):
            super().__init__()
            self.schedule = schedule

        def on_epoch_begin(self, epoch, logs=None):
            if not hasattr(self.model.optimizer, "learning_rate"):
                raise ValueError('Optimizer must have a "learning_rate" attribute.')
            # Get the current learning rate from model's optimizer.
            lr = self.model.optimizer.learning_rate
            # Call schedule function to get the scheduled learning rate.
            scheduled_lr = self.schedule(epoch, lr)
            # Set the value back to the optimizer before this epoch starts
            self.model.optimizer.learning_rate = scheduled_lr
            seen.append(float(np.array(scheduled_lr)))

    LR_SCHEDULE = [
        # (epoch to start, learning rate) tuples
        (3, 0.05),
        (6, 0.01),
    ]

    def lr_schedule(epoch, lr):
        """Helper function to retrieve the scheduled learning rate based on epoch."""
        if epoch < LR_SCHEDULE[0][0] or epoch > LR_SCHEDULE[-1][0]:
            return lr
        for i in range(len(LR_SCHEDULE)):
            if epoch == LR_SCHEDULE[i][0]:
                return LR_SCHEDULE[i][1]
        return lr

    seen = []
    model = _callbacks_guide_model(keras, x_train)
    history = model.fit(
        x_train,
        y_train,
        batch_size=16,
        steps_per_epoch=2,
        epochs=8,
        verbose=0,
        callbacks=[CustomLearningRateScheduler(lr_schedule)],
        shuffle=False,
    )
    out["schedule"] = {"history": _hist(history), "lrs": _f(seen)}
    return out


# ---- guides/functional_api.py: the ticket model, the toy ResNet, feature extraction --------


@scenario
def functional_api_ticket_model(keras):
    layers = keras.layers
    num_tags = 6  # Number of unique issue tags
    num_words = 50  # Size of vocabulary obtained when preprocessing text data
    num_departments = 4  # Number of departments for predictions

    title_input = keras.Input(shape=(None,), name="title")  # Variable-length sequence of ints
    body_input = keras.Input(shape=(None,), name="body")  # Variable-length sequence of ints
    tags_input = keras.Input(shape=(num_tags,), name="tags")  # Binary vectors of size `num_tags`

    # Embed each word in the title into a 64-dimensional vector
    title_features = layers.Embedding(num_words, 8)(title_input)
    # Embed each word in the text into a 64-dimensional vector
    body_features = layers.Embedding(num_words, 8)(body_input)

    # Reduce sequence of embedded words in the title into a single 128-dimensional vector
    title_features = layers.LSTM(6)(title_features)
    # Reduce sequence of embedded words in the body into a single 32-dimensional vector
    body_features = layers.LSTM(4)(body_features)

    # Merge all available features into a single large vector via concatenation
    x = layers.concatenate([title_features, body_features, tags_input])

    # Stick a logistic regression for priority prediction on top of the features
    priority_pred = layers.Dense(1, name="priority")(x)
    # Stick a department classifier on top of the features
    department_pred = layers.Dense(num_departments, name="department")(x)

    # Instantiate an end-to-end model predicting both priority and department
    model = keras.Model(
        inputs=[title_input, body_input, tags_input],
        outputs={"priority": priority_pred, "department": department_pred},
    )
    _init(model)
    out = {"summary": _summary(model), "output_names": list(model.output_names)}

    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss={
            "priority": keras.losses.BinaryCrossentropy(from_logits=True),
            "department": keras.losses.CategoricalCrossentropy(from_logits=True),
        },
        loss_weights={"priority": 1.0, "department": 0.2},
    )

    # Dummy input data
    rng = np.random.default_rng(22)
    title_data = rng.integers(num_words, size=(64, 5))
    body_data = rng.integers(num_words, size=(64, 9))
    tags_data = rng.integers(2, size=(64, num_tags)).astype("float32")

    # Dummy target data
    priority_targets = rng.random(size=(64, 1))
    dept_targets = rng.integers(2, size=(64, num_departments))

    keras.utils.set_random_seed(22)
    history = model.fit(
        {"title": title_data, "body": body_data, "tags": tags_data},
        {"priority": priority_targets, "department": dept_targets},
        epochs=2,
        batch_size=32,
        verbose=0,
    )
    out["history"] = _hist(history)
    pred = model.predict(
        {"title": title_data[:3], "body": body_data[:3], "tags": tags_data[:3]}, verbose=0
    )
    out["predict"] = {k: _f(v) for k, v in sorted(pred.items())}
    out["evaluate"] = _f(
        model.evaluate(
            [title_data, body_data, tags_data],
            {"priority": priority_targets, "department": dept_targets},
            verbose=0,
        )
    )
    return out


@scenario
def functional_api_toy_resnet(keras):
    layers = keras.layers
    inputs = keras.Input(shape=(16, 16, 3), name="img")
    x = layers.Conv2D(4, 3, activation="relu")(inputs)
    x = layers.Conv2D(8, 3, activation="relu")(x)
    block_1_output = layers.MaxPooling2D(3)(x)

    x = layers.Conv2D(8, 3, activation="relu", padding="same")(block_1_output)
    x = layers.Conv2D(8, 3, activation="relu", padding="same")(x)
    block_2_output = layers.add([x, block_1_output])

    x = layers.Conv2D(8, 3, activation="relu", padding="same")(block_2_output)
    x = layers.Conv2D(8, 3, activation="relu", padding="same")(x)
    block_3_output = layers.add([x, block_2_output])

    x = layers.Conv2D(8, 3, activation="relu")(block_3_output)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(16, activation="relu")(x)
    x = layers.Dropout(0.0)(x)
    outputs = layers.Dense(10)(x)

    model = keras.Model(inputs, outputs, name="toy_resnet")
    _init(model)
    out = {"summary": _summary(model)}

    (x_train, y_train), (x_test, y_test) = _images(48, 16, 3, seed=23), _images(16, 16, 3, seed=24)
    x_train = x_train.astype("float32") / 255.0
    x_test = x_test.astype("float32") / 255.0
    y_train = keras.utils.to_categorical(y_train, 10)
    y_test = keras.utils.to_categorical(y_test, 10)

    model.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss=keras.losses.CategoricalCrossentropy(from_logits=True),
        metrics=["acc"],
    )
    keras.utils.set_random_seed(23)
    history = model.fit(x_train, y_train, batch_size=16, epochs=2, validation_split=0.25, verbose=0)
    out["history"] = _hist(history)
    out["evaluate"] = _f(model.evaluate(x_test, y_test, verbose=0))

    # feature extraction: every layer's output as a model's outputs
    features_list = [layer.output for layer in model.layers]
    feat_extraction_model = keras.Model(inputs=model.input, outputs=features_list)
    extracted_features = feat_extraction_model(x_test[:2])
    out["features"] = [[list(f.shape), _f(np.asarray(f).mean(), 5)] for f in extracted_features]
    clone = keras.models.clone_model(model)
    out["clone_summary"] = _summary(clone)
    return out


# ---- guides/training_with_built_in_methods.py ---------------------------------------------


def _training_guide_data():
    rng = np.random.default_rng(25)
    x = rng.random((96, 20)).astype("float32")
    y = (x[:, :10].argmax(axis=1)).astype("uint8")
    return x[:64], y[:64], x[64:], y[64:]


def _training_guide_model(keras, seed=0):
    layers = keras.layers

    def get_uncompiled_model():
        inputs = keras.Input(shape=(20,), name="digits")
        x = layers.Dense(8, activation="relu", name="dense_1")(inputs)
        x = layers.Dense(8, activation="relu", name="dense_2")(x)
        outputs = layers.Dense(10, activation="softmax", name="predictions")(x)
        model = keras.Model(inputs=inputs, outputs=outputs)
        return model

    model = get_uncompiled_model()
    _init(model, seed=seed)
    return model


@scenario
def training_guide_losses_and_metrics(keras):
    ops = keras.ops
    x_train, y_train, x_test, y_test = _training_guide_data()
    out = {}

    model = _training_guide_model(keras)
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(),
        metrics=[keras.metrics.SparseCategoricalAccuracy()],
    )
    history = model.fit(
        x_train,
        y_train,
        batch_size=16,
        epochs=2,
        validation_data=(x_test, y_test),
        shuffle=False,
        verbose=0,
    )
    out["basic"] = {
        "history": _hist(history),
        "evaluate": _f(model.evaluate(x_test, y_test, batch_size=32, verbose=0)),
        "predict": _f(model.predict(x_test[:2], verbose=0)[:, :4]),
    }

    def custom_mean_squared_error(y_true, y_pred):
        return ops.mean(ops.square(y_true - y_pred), axis=-1)

    model = _training_guide_model(keras)
    model.compile(optimizer=keras.optimizers.Adam(), loss=custom_mean_squared_error)
    # We need to one-hot encode the labels to use MSE
    y_train_one_hot = ops.one_hot(y_train, num_classes=10)
    h = model.fit(x_train, y_train_one_hot, batch_size=16, epochs=2, shuffle=False, verbose=0)
    out["custom_loss_function"] = _hist(h)

    class CustomMSE(keras.losses.Loss):
        def __init__(self, regularization_factor=0.1, name="custom_mse"):
            super().__init__(name=name)
            self.regularization_factor = regularization_factor

        def call(self, y_true, y_pred):
            mse = ops.mean(ops.square(y_true - y_pred), axis=-1)
            reg = ops.mean(ops.square(0.5 - y_pred), axis=-1)
            return mse + reg * self.regularization_factor

    model = _training_guide_model(keras)
    model.compile(optimizer=keras.optimizers.Adam(), loss=CustomMSE())
    h = model.fit(x_train, y_train_one_hot, batch_size=16, epochs=2, shuffle=False, verbose=0)
    out["custom_loss_class"] = _hist(h)

    class_weight = {i: 1.0 for i in range(10)}
    # Set weight "2" for class "5", making this class 2x more important
    class_weight[5] = 2.0
    model = _training_guide_model(keras)
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(),
        metrics=[keras.metrics.SparseCategoricalAccuracy()],
    )
    h = model.fit(
        x_train,
        y_train,
        class_weight=class_weight,
        batch_size=16,
        epochs=1,
        shuffle=False,
        verbose=0,
    )
    out["class_weight"] = _hist(h)

    sample_weight = np.ones(shape=(len(y_train),))
    sample_weight[y_train == 5] = 2.0
    model = _training_guide_model(keras)
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(),
        metrics=[keras.metrics.SparseCategoricalAccuracy()],
    )
    h = model.fit(
        x_train,
        y_train,
        sample_weight=sample_weight,
        batch_size=16,
        epochs=1,
        shuffle=False,
        verbose=0,
    )
    out["sample_weight"] = _hist(h)

    initial_learning_rate = 0.1
    lr_schedule = keras.optimizers.schedules.ExponentialDecay(
        initial_learning_rate, decay_steps=3, decay_rate=0.96, staircase=True
    )
    optimizer = keras.optimizers.RMSprop(learning_rate=lr_schedule)
    model = _training_guide_model(keras)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    h = model.fit(x_train, y_train, batch_size=16, epochs=2, shuffle=False, verbose=0)
    out["lr_schedule"] = {"history": _hist(h), "iterations": int(optimizer.iterations)}
    return out


@scenario
def training_guide_add_loss(keras):
    ops, layers = keras.ops, keras.layers
    x_train, y_train, x_test, y_test = _training_guide_data()
    out = {}

    class ActivityRegularizationLayer(layers.Layer):
        def call(self, inputs):
            self.add_loss(ops.sum(inputs) * 0.1)
            return inputs  # Pass-through layer.

    inputs = keras.Input(shape=(20,), name="digits")
    x = layers.Dense(8, activation="relu", name="dense_1")(inputs)

    # Insert activity regularization as a layer
    x = ActivityRegularizationLayer()(x)

    x = layers.Dense(8, activation="relu", name="dense_2")(x)
    outputs = layers.Dense(10, name="predictions")(x)

    model = keras.Model(inputs=inputs, outputs=outputs)
    _init(model)
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    # The displayed loss will be much higher than before
    # due to the regularization component.
    h = model.fit(x_train, y_train, batch_size=16, epochs=2, shuffle=False, verbose=0)
    out["activity_regularization"] = {
        "history": _hist(h),
        "evaluate": _f(model.evaluate(x_test, y_test, verbose=0)),
        "summary": _summary(model),
    }

    return out


@scenario
def training_guide_endpoint_layer(keras):
    """The guide's LogisticEndpoint: a layer called on two positional tensors
    (`layer(targets, logits)`) that adds its loss; the model compiled without a loss."""
    ops = keras.ops
    out = {}

    class LogisticEndpoint(keras.layers.Layer):
        def __init__(self, name=None):
            super().__init__(name=name)
            self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)

        def call(self, targets, logits, sample_weights=None):
            # Compute the training-time loss value and add it
            # to the layer using `self.add_loss()`.
            loss = self.loss_fn(targets, logits, sample_weights)
            self.add_loss(loss)

            # Return the inference-time prediction tensor (for `.predict()`).
            return ops.softmax(logits)

    inputs = keras.Input(shape=(3,), name="inputs")
    targets = keras.Input(shape=(10,), name="targets")
    logits = keras.layers.Dense(10)(inputs)
    predictions = LogisticEndpoint(name="predictions")(targets, logits)

    model = keras.Model(inputs=[inputs, targets], outputs=predictions)
    _init(model, seed=1)
    model.compile(optimizer="adam")  # No loss argument!

    rng = np.random.default_rng(26)
    data = {
        "inputs": rng.random((3, 3)).astype("float32"),
        "targets": rng.random((3, 10)).astype("float32"),
    }
    h = model.fit(data, epochs=3, verbose=0)
    out["endpoint"] = {
        "history": _hist(h),
        "predict": _f(model.predict(data, verbose=0)[:, :4]),
        "summary": _summary(model),
    }
    return out


@torch_scenario
def training_guide_custom_metric(keras):
    """The guide's `CategoricalTruePositives` (its `result` returns the variable itself,
    which Keras 3.15's JAX backend refuses: torch runs it)."""
    ops = keras.ops
    x_train, y_train, _, _ = _training_guide_data()
    out = {}

    class CategoricalTruePositives(keras.metrics.Metric):
        def __init__(self, name="categorical_true_positives", **kwargs):
            super().__init__(name=name, **kwargs)
            self.true_positives = self.add_variable(shape=(), name="ctp", initializer="zeros")

        def update_state(self, y_true, y_pred, sample_weight=None):
            y_pred = ops.reshape(ops.argmax(y_pred, axis=1), (-1, 1))
            values = ops.cast(y_true, "int32") == ops.cast(y_pred, "int32")
            values = ops.cast(values, "float32")
            if sample_weight is not None:
                sample_weight = ops.cast(sample_weight, "float32")
                values = ops.multiply(values, sample_weight)
            self.true_positives.assign_add(ops.sum(values))

        def result(self):
            return self.true_positives

        def reset_state(self):
            # The state of the metric will be reset at the start of each epoch.
            self.true_positives.assign(0.0)

    model = _training_guide_model(keras)
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(),
        metrics=[CategoricalTruePositives()],
    )
    h = model.fit(
        x_train,
        y_train,
        batch_size=16,
        epochs=2,
        shuffle=False,
        verbose=0,
    )
    out["true_positives_sparse"] = _hist(h)
    return out


# ---- nlp/neural_machine_translation_with_transformer.py -----------------------------------


@torch_scenario
def translation_transformer(keras):
    """The English-to-Spanish Transformer on integer sequences (its TextVectorization needs
    TensorFlow): masks from `compute_mask`, `supports_masking`, a decoder whose call takes
    `[inputs, encoder_outputs]` and their masks, a causal mask built with ops (`ops.tile`
    with traced repetitions, which Keras 3.15 on JAX 0.7 refuses: torch runs it)."""
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
            self.supports_masking = True

        def call(self, inputs, mask=None):
            if mask is not None:
                padding_mask = ops.cast(mask[:, None, :], dtype="int32")
            else:
                padding_mask = None

            attention_output = self.attention(
                query=inputs, value=inputs, key=inputs, attention_mask=padding_mask
            )
            proj_input = self.layernorm_1(inputs + attention_output)
            proj_output = self.dense_proj(proj_input)
            return self.layernorm_2(proj_input + proj_output)

    class PositionalEmbedding(layers.Layer):
        def __init__(self, sequence_length, vocab_size, embed_dim, **kwargs):
            super().__init__(**kwargs)
            self.token_embeddings = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
            self.position_embeddings = layers.Embedding(
                input_dim=sequence_length, output_dim=embed_dim
            )
            self.sequence_length = sequence_length
            self.vocab_size = vocab_size
            self.embed_dim = embed_dim

        def call(self, inputs):
            length = ops.shape(inputs)[-1]
            positions = ops.arange(0, length, 1)
            embedded_tokens = self.token_embeddings(inputs)
            embedded_positions = self.position_embeddings(positions)
            return embedded_tokens + embedded_positions

        def compute_mask(self, inputs, mask=None):
            return ops.not_equal(inputs, 0)

    class TransformerDecoder(layers.Layer):
        def __init__(self, embed_dim, latent_dim, num_heads, **kwargs):
            super().__init__(**kwargs)
            self.embed_dim = embed_dim
            self.latent_dim = latent_dim
            self.num_heads = num_heads
            self.attention_1 = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
            self.attention_2 = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
            self.dense_proj = keras.Sequential(
                [
                    layers.Dense(latent_dim, activation="relu"),
                    layers.Dense(embed_dim),
                ]
            )
            self.layernorm_1 = layers.LayerNormalization()
            self.layernorm_2 = layers.LayerNormalization()
            self.layernorm_3 = layers.LayerNormalization()
            self.supports_masking = True

        def call(self, inputs, mask=None):
            inputs, encoder_outputs = inputs
            causal_mask = self.get_causal_attention_mask(inputs)

            if mask is None:
                inputs_padding_mask, encoder_outputs_padding_mask = None, None
            else:
                inputs_padding_mask, encoder_outputs_padding_mask = mask

            attention_output_1 = self.attention_1(
                query=inputs,
                value=inputs,
                key=inputs,
                attention_mask=causal_mask,
                query_mask=inputs_padding_mask,
            )
            out_1 = self.layernorm_1(inputs + attention_output_1)

            attention_output_2 = self.attention_2(
                query=out_1,
                value=encoder_outputs,
                key=encoder_outputs,
                query_mask=inputs_padding_mask,
                key_mask=encoder_outputs_padding_mask,
            )
            out_2 = self.layernorm_2(out_1 + attention_output_2)

            proj_output = self.dense_proj(out_2)
            return self.layernorm_3(out_2 + proj_output)

        def get_causal_attention_mask(self, inputs):
            input_shape = ops.shape(inputs)
            batch_size, sequence_length = input_shape[0], input_shape[1]
            i = ops.arange(sequence_length)[:, None]
            j = ops.arange(sequence_length)
            mask = ops.cast(i >= j, dtype="int32")
            mask = ops.reshape(mask, (1, input_shape[1], input_shape[1]))
            mult = ops.concatenate(
                [ops.expand_dims(batch_size, -1), ops.convert_to_tensor([1, 1])],
                axis=0,
            )
            return ops.tile(mask, mult)

    vocab_size, sequence_length = 30, 8
    embed_dim, latent_dim, num_heads = 8, 16, 2

    encoder_inputs = keras.Input(shape=(None,), dtype="int32", name="encoder_inputs")
    x = PositionalEmbedding(sequence_length, vocab_size, embed_dim)(encoder_inputs)
    encoder_outputs = TransformerEncoder(embed_dim, latent_dim, num_heads)(x)

    decoder_inputs = keras.Input(shape=(None,), dtype="int32", name="decoder_inputs")
    x = PositionalEmbedding(sequence_length, vocab_size, embed_dim)(decoder_inputs)
    x = TransformerDecoder(embed_dim, latent_dim, num_heads)([x, encoder_outputs])
    x = layers.Dropout(0.0)(x)
    decoder_outputs = layers.Dense(vocab_size, activation="softmax")(x)

    transformer = keras.Model(
        {"encoder_inputs": encoder_inputs, "decoder_inputs": decoder_inputs},
        decoder_outputs,
        name="transformer",
    )
    _init(transformer)
    out = {"summary": _summary(transformer)}
    transformer.compile("rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])

    # (source, target) pairs of token ids, 0-padded to sequence_length as the example's
    # TextVectorization gives them; the decoder sees the target shifted by one
    rng = np.random.default_rng(27)
    n = 48
    src = np.zeros((n, sequence_length), "int32")
    tgt = np.zeros((n, sequence_length + 1), "int32")
    for k in range(n):
        length = int(rng.integers(3, sequence_length + 1))
        words = rng.integers(3, vocab_size, length)
        src[k, :length] = words
        tgt[k, : length + 1] = [1, *((words * 7) % (vocab_size - 3) + 3)][: length + 1]
    inputs = {"encoder_inputs": src, "decoder_inputs": tgt[:, :-1]}
    targets = tgt[:, 1:]
    keras.utils.set_random_seed(27)
    # (unshuffled: Keras's torch backend, which writes this golden, shuffles with torch's
    # generator; its JAX backend, which numkeras follows, with NumPy's)
    history = transformer.fit(inputs, targets, batch_size=16, epochs=2, verbose=0, shuffle=False)
    out["history"] = _hist(history)
    out["evaluate"] = _f(transformer.evaluate(inputs, targets, verbose=0))
    probs = transformer.predict(
        {"encoder_inputs": src[:2], "decoder_inputs": tgt[:2, :-1]}, verbose=0
    )
    out["predict"] = _f(probs[:, :3, :4])
    return out


# ---- vision/oxford_pets_image_segmentation.py (a U-Net-like Xception) ---------------------


@scenario
def image_segmentation_unet(keras):
    layers = keras.layers
    img_size = (16, 16)
    num_classes = 3

    def get_model(img_size, num_classes):
        inputs = keras.Input(shape=img_size + (3,))

        ### [First half of the network: downsampling inputs] ###

        # Entry block
        x = layers.Conv2D(4, 3, strides=2, padding="same")(inputs)
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)

        previous_block_activation = x  # Set aside residual

        # Blocks 1, 2, 3 are identical apart from the feature depth.
        for filters in [4, 8, 8]:
            x = layers.Activation("relu")(x)
            x = layers.SeparableConv2D(filters, 3, padding="same")(x)
            x = layers.BatchNormalization()(x)

            x = layers.Activation("relu")(x)
            x = layers.SeparableConv2D(filters, 3, padding="same")(x)
            x = layers.BatchNormalization()(x)

            x = layers.MaxPooling2D(3, strides=2, padding="same")(x)

            # Project residual
            residual = layers.Conv2D(filters, 1, strides=2, padding="same")(
                previous_block_activation
            )
            x = layers.add([x, residual])  # Add back residual
            previous_block_activation = x  # Set aside next residual

        ### [Second half of the network: upsampling inputs] ###

        for filters in [8, 8, 4, 4]:
            x = layers.Activation("relu")(x)
            x = layers.Conv2DTranspose(filters, 3, padding="same")(x)
            x = layers.BatchNormalization()(x)

            x = layers.Activation("relu")(x)
            x = layers.Conv2DTranspose(filters, 3, padding="same")(x)
            x = layers.BatchNormalization()(x)

            x = layers.UpSampling2D(2)(x)

            # Project residual
            residual = layers.UpSampling2D(2)(previous_block_activation)
            residual = layers.Conv2D(filters, 1, padding="same")(residual)
            x = layers.add([x, residual])  # Add back residual
            previous_block_activation = x  # Set aside next residual

        # Add a per-pixel classification layer
        outputs = layers.Conv2D(num_classes, 3, activation="softmax", padding="same")(x)

        # Define the model
        model = keras.Model(inputs, outputs)
        return model

    model = get_model(img_size, num_classes)
    _init(model)
    out = {"summary": _summary(model)}

    images, labels = _images(40, size=16, channels=3, seed=28)
    images = images.astype("float32")
    # trimaps: 1, 2, 3 in the dataset, minus one as the example does
    targets = (1 + (images[..., :1] > 120) + (images[..., :1] > 200)).astype("uint8") - 1

    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    path = os.path.join(tempfile.mkdtemp(), "oxford_segmentation.keras")
    callbacks = [keras.callbacks.ModelCheckpoint(path, save_best_only=True)]
    keras.utils.set_random_seed(28)
    history = model.fit(
        images[:32],
        targets[:32],
        batch_size=8,
        epochs=2,
        validation_data=(images[32:], targets[32:]),
        callbacks=callbacks,
        verbose=0,
    )
    out["history"] = _hist(history)
    val_preds = keras.models.load_model(path).predict(images[32:], verbose=0)
    mask = np.argmax(val_preds[0], axis=-1)
    out["val_preds"] = [list(val_preds.shape), _f(val_preds[0, 8, 8])]
    out["mask_counts"] = np.bincount(mask.ravel(), minlength=3).tolist()
    return out


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

"""Goldens for tests/examples/test_homl3_notebooks.py: the Keras code of Aurélien Géron's
"Hands-On Machine Learning" third edition (ageron/handson-ml3's notebooks 10, 11, 12, 14,
15, 16 and 17), each as a reader runs it: the notebook's code as written, the imports
aside, at a reduced size and on seeded random NumPy data of the dataset's shapes and dtypes
(Fashion MNIST, California housing, the Chicago ridership series, Shakespeare's text, the
English-Spanish pairs, in place of downloads), with the trainable weights drawn from a
fixed RNG after building. The book writes `tf.keras` for Keras 2; it is run as Keras 3
(TensorFlow 2.16+), so the few calls Keras 3 dropped are written its way, each noted where
made: `keras.backend.get_value` / `set_value` as the optimizer's `learning_rate` attribute,
`model.reset_states()` as each stateful layer's `reset_states()`, `input_shape` of a built
layer as its kernel's shape, `tf.*` ops on symbolic tensors as `keras.ops` ones, the VAE's
`add_loss` on a functional model as a layer's, `self.add_metric` as a tracked metric's
`update_state`, a loss per output where `loss_weights` weigh two, `batch_input_shape` as
`Input(batch_shape=...)`, text as object arrays (Keras 3 refuses NumPy's `<U` strings and
lists). The other changes, also noted: a dropout
rate of 0 where training is compared number for number, `tf.random` draws made with NumPy
(so both libraries see the same numbers), `shuffle=False` for `fit` (the two libraries'
shuffles differ), `tf.data` windowing as NumPy windows. Where randomness stays (MC
dropout, noise layers in training), inference is compared and training is checked for what
must hold whatever the draws.

Left out, as TensorFlow-only or covered elsewhere: tf.data pipelines, TFRecords, TF Hub,
the pretrained applications, `tf.function` graphs and autograph (chapter 12's second half),
the DCGAN and the diffusion model (make_keras_io_examples_7.py's dcgan_faces and ddim).

The notebooks use TensorFlow (`tf.GradientTape`, `tf.reduce_mean`, ...), so the goldens
come from Keras's TensorFlow backend (/work/tfenv's Keras 3.15.1), TensorFlow itself as
`tf`; with numkeras the tape is numkeras's `GradientTape` and the `tf.*` functions called
are their `keras.ops` counterparts (`_tf`).

Not compared, as numkeras cannot run it the notebook's way: the gradient of constants no
tape watched (TensorFlow's [None, None]; numkeras raises a TapeError on a target no tape
recorded), and `tape.watch(c)` then Python operators on the NumPy constant `c` (numkeras's
`watch` returns the recorded tensor to compute with).

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the
test) returning JSON-able values.

Run (Keras 3.15.1 on TensorFlow; optionally only the scenarios named):
    cd /tmp && KERAS_BACKEND=tensorflow /work/tfenv/bin/python \\
        /work/main/scripts/goldens/make_homl3_notebooks.py
"""

# (the notebooks' code as written: their unused names, loop variables and redefinitions kept)
# ruff: noqa: F841, B007, F811, E731, N806

from __future__ import annotations

import math
import os
import pathlib
import sys
import tempfile
import types
from functools import partial

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, scenario_script  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "homl3_notebooks.json"
SCENARIOS = Scenarios()
# (every scenario's goldens come from Keras's TensorFlow backend: the notebooks use it)
tf_scenario = SCENARIOS.scenario_on("tensorflow")

_THIRD = scenario_script("make_keras_io_examples_3")
_summary, _init, _f, _hist = _THIRD._summary, _THIRD._init, _THIRD._f, _THIRD._hist
_DLWP = scenario_script("make_dlwp_listings")


class _WithKeras:
    """TensorFlow with `tf.keras` as the Keras 3 module given (TensorFlow's own `tf.keras`
    is a compatibility namespace that lacks a few of Keras 3's names)."""

    def __init__(self, tf, keras):
        self._tf, self.keras = tf, keras

    def __getattr__(self, name):
        return getattr(self._tf, name)


def _tf(keras):
    """The `tf` functions the notebooks call: TensorFlow itself on Keras's TensorFlow
    backend, elsewhere their `keras.ops` counterparts (and the backend's tape)."""
    base = _DLWP._tf(keras)
    if not isinstance(base, types.SimpleNamespace):
        return _WithKeras(base, keras)
    ops = keras.ops

    def matmul(a, b, transpose_a=False, transpose_b=False):
        a = ops.transpose(a) if transpose_a else a
        b = ops.transpose(b) if transpose_b else b
        return ops.matmul(a, b)

    def add_n(inputs):
        total = inputs[0]
        for x in inputs[1:]:
            total = total + x
        return total

    base.abs, base.where, base.exp, base.sqrt = ops.abs, ops.where, ops.exp, ops.sqrt
    base.zeros_like, base.ones_like = ops.zeros_like, ops.ones_like
    base.size = ops.size
    base.add_n = add_n
    base.matmul = matmul
    base.stop_gradient = ops.stop_gradient
    base.custom_gradient = ops.custom_gradient
    base.math.log = ops.log
    base.math.not_equal = ops.not_equal
    base.keras = keras
    return base


def _np(x):
    return np.asarray(x)


def _finite(history):
    """A History whose numbers depend on random draws: its keys, and that all are finite."""
    return {k: bool(np.all(np.isfinite(v))) for k, v in sorted(history.history.items())}


def _fashion(n, seed=0, num_classes=10):
    """Fashion-MNIST-like uint8 images (a label-dependent band plus noise), uint8 labels."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, num_classes, n).astype("uint8")
    images = rng.integers(0, 60, (n, 28, 28)).astype("float64")
    for i, label in enumerate(labels):
        images[i, 4 + 2 * label : 7 + 2 * label, 4:24] += 180
    return np.clip(images, 0, 255).astype("uint8"), labels


def _housing(n, seed=0):
    """California-housing-like float64 features (8) and median values (a smooth function
    of them plus noise), shaped (n, 8) and (n,) as scikit-learn returns them."""
    rng = np.random.default_rng(seed)
    scales = np.array([2.0, 12.0, 2.5, 0.5, 1100.0, 3.0, 2.0, 2.0])
    offsets = np.array([3.9, 28.6, 5.4, 1.1, 1425.0, 3.1, 35.6, -119.6])
    X = offsets + scales * rng.normal(size=(n, 8))
    z = (X - offsets) / scales
    y = 2.0 + 0.8 * z[:, 0] - 0.3 * z[:, 6] + 0.2 * np.tanh(z[:, 2]) + 0.1 * rng.normal(size=n)
    return X, y


def _ridership(n_days, seed=0):
    """The Chicago bus / rail ridership (millions a day, a weekly cycle plus noise) and the
    next day's type one-hot (weekday, Saturday, Sunday/holiday), as float64 columns."""
    rng = np.random.default_rng(seed)
    day = np.arange(n_days)
    weekday = (day % 7) < 5
    bus = np.where(weekday, 0.8, 0.4) + 0.05 * np.sin(day / 30) + 0.03 * rng.normal(size=n_days)
    rail = np.where(weekday, 0.7, 0.3) + 0.05 * np.cos(day / 25) + 0.03 * rng.normal(size=n_days)
    next_type = np.roll(np.where(weekday, 0, np.where(day % 7 == 5, 1, 2)), -1)
    return bus, rail, np.eye(3)[next_type]


_WORDS = (
    "to be or not that is the question whether tis nobler in mind suffer slings and arrows "
    "of outrageous fortune take arms against a sea troubles by opposing end them die sleep"
).split()


def _text_array(texts):
    """Text data as Keras 3 takes it: an object array of str (it refuses NumPy's
    fixed-width `<U` arrays and lists); the notebooks' `np.array([...])` of str."""
    return np.array(list(texts), dtype=object)


def _text(n_words, seed=0):
    rng = np.random.default_rng(seed)
    words = [_WORDS[i] for i in rng.integers(0, len(_WORDS), n_words)]
    lines = [" ".join(words[i : i + 8]).capitalize() + "." for i in range(0, n_words, 8)]
    return "\n".join(lines)


# ---- chapter 10: introduction to artificial neural networks with Keras ------------------


def _fashion_split(seed=10):
    (X_train_full, y_train_full) = _fashion(80, seed=seed)  # (60,000)
    (X_test, y_test) = _fashion(16, seed=seed + 1)  # (10,000)
    X_train, y_train = X_train_full[:-16], y_train_full[:-16]  # ([:-5000])
    X_valid, y_valid = X_train_full[-16:], y_train_full[-16:]
    X_train, X_valid, X_test = X_train / 255.0, X_valid / 255.0, X_test / 255.0
    return X_train, y_train, X_valid, y_valid, X_test, y_test


def _housing_split(seed=11):
    X_train_full, y_train_full = _housing(96, seed=seed)  # (fetch_california_housing)
    X_test, y_test = _housing(16, seed=seed + 1)
    X_train, y_train = X_train_full[:-16], y_train_full[:-16]
    X_valid, y_valid = X_train_full[-16:], y_train_full[-16:]
    return X_train, X_valid, X_test, y_train, y_valid, y_test


@tf_scenario
def ch10_sequential_classifier_and_regressor(keras):
    tf = types.SimpleNamespace(keras=keras)
    X_train, y_train, X_valid, y_valid, X_test, y_test = _fashion_split()
    class_names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt"]
    class_names += ["Sneaker", "Bag", "Ankle boot"]

    model = tf.keras.Sequential()
    model.add(tf.keras.layers.Input(shape=[28, 28]))
    model.add(tf.keras.layers.Flatten())
    model.add(tf.keras.layers.Dense(300, activation="relu"))
    model.add(tf.keras.layers.Dense(100, activation="relu"))
    model.add(tf.keras.layers.Dense(10, activation="softmax"))

    tf.keras.backend.clear_session()
    model = tf.keras.Sequential(
        [
            tf.keras.layers.Flatten(input_shape=[28, 28]),
            tf.keras.layers.Dense(300, activation="relu"),
            tf.keras.layers.Dense(100, activation="relu"),
            tf.keras.layers.Dense(10, activation="softmax"),
        ]
    )
    out = {"summary": _summary(model)}
    hidden1 = model.layers[1]
    out["hidden1"] = [hidden1.name, model.get_layer("dense") is hidden1]
    weights, biases = hidden1.get_weights()
    out["hidden1_weights"] = [list(weights.shape), list(biases.shape), float(biases.sum())]

    _init(model, seed=100)
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    # (shuffle=False: the libraries' shuffles differ; epochs=30)
    history = model.fit(
        X_train, y_train, epochs=3, validation_data=(X_valid, y_valid), shuffle=False, verbose=0
    )
    out["params"] = history.params
    out["epoch"] = history.epoch
    out["history"] = _hist(history)
    out["evaluate"] = _f(model.evaluate(X_test, y_test, verbose=0))
    X_new = X_test[:3]
    y_proba = model.predict(X_new, verbose=0)
    out["y_proba"] = _f(y_proba.round(2))
    y_pred = y_proba.argmax(axis=-1)
    out["y_pred"] = np.array(class_names)[y_pred].tolist()

    # the regression MLP (California housing)
    X_train, X_valid, X_test, y_train, y_valid, y_test = _housing_split()
    tf.keras.backend.clear_session()
    norm_layer = tf.keras.layers.Normalization(input_shape=X_train.shape[1:])
    model = tf.keras.Sequential(
        [
            norm_layer,
            tf.keras.layers.Dense(50, activation="relu"),
            tf.keras.layers.Dense(50, activation="relu"),
            tf.keras.layers.Dense(50, activation="relu"),
            tf.keras.layers.Dense(1),
        ]
    )
    optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
    model.compile(loss="mse", optimizer=optimizer, metrics=["RootMeanSquaredError"])
    norm_layer.adapt(X_train)
    _init(model, seed=101)
    history = model.fit(
        X_train, y_train, epochs=4, validation_data=(X_valid, y_valid), shuffle=False, verbose=0
    )  # (epochs=20)
    mse_test, rmse_test = model.evaluate(X_test, y_test, verbose=0)
    X_new = X_test[:3]
    y_pred = model.predict(X_new, verbose=0)
    out["regressor"] = {
        "summary": _summary(model),
        "history": _hist(history),
        "test": _f([mse_test, rmse_test]),
        "y_pred": _f(y_pred),
        "norm_mean": _f(_np(norm_layer.mean)[0, :3], 4),
    }
    return out


def _wide_deep_data():
    X_train, X_valid, X_test, y_train, y_valid, y_test = _housing_split(seed=12)
    X_train_wide, X_train_deep = X_train[:, :5], X_train[:, 2:]
    X_valid_wide, X_valid_deep = X_valid[:, :5], X_valid[:, 2:]
    X_test_wide, X_test_deep = X_test[:, :5], X_test[:, 2:]
    X_new_wide, X_new_deep = X_test_wide[:3], X_test_deep[:3]
    return (
        (X_train, X_valid, X_test, y_train, y_valid, y_test),
        (X_train_wide, X_train_deep, X_valid_wide, X_valid_deep),
        (X_test_wide, X_test_deep, X_new_wide, X_new_deep),
    )


@tf_scenario
def ch10_functional_wide_and_deep(keras):
    tf = types.SimpleNamespace(keras=keras)
    tmp = tempfile.mkdtemp()
    data, train, test = _wide_deep_data()
    X_train, X_valid, X_test, y_train, y_valid, y_test = data
    X_train_wide, X_train_deep, X_valid_wide, X_valid_deep = train
    X_test_wide, X_test_deep, X_new_wide, X_new_deep = test
    out = {}

    normalization_layer = tf.keras.layers.Normalization()
    hidden_layer1 = tf.keras.layers.Dense(30, activation="relu")
    hidden_layer2 = tf.keras.layers.Dense(30, activation="relu")
    concat_layer = tf.keras.layers.Concatenate()
    output_layer = tf.keras.layers.Dense(1)

    input_ = tf.keras.layers.Input(shape=X_train.shape[1:])
    normalized = normalization_layer(input_)
    hidden1 = hidden_layer1(normalized)
    hidden2 = hidden_layer2(hidden1)
    concat = concat_layer([normalized, hidden2])
    output = output_layer(concat)

    model = tf.keras.Model(inputs=[input_], outputs=[output])
    out["wide_deep_summary"] = _summary(model)
    optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
    model.compile(loss="mse", optimizer=optimizer, metrics=["RootMeanSquaredError"])
    normalization_layer.adapt(X_train)
    _init(model, seed=120)
    history = model.fit(
        X_train, y_train, epochs=3, validation_data=(X_valid, y_valid), shuffle=False, verbose=0
    )
    out["wide_deep_history"] = _hist(history)
    out["wide_deep_predict"] = _f(model.predict(X_test[:3], verbose=0))

    # two inputs
    tf.keras.backend.clear_session()
    input_wide = tf.keras.layers.Input(shape=[5])  # features 0 to 4
    input_deep = tf.keras.layers.Input(shape=[6])  # features 2 to 7
    norm_layer_wide = tf.keras.layers.Normalization()
    norm_layer_deep = tf.keras.layers.Normalization()
    norm_wide = norm_layer_wide(input_wide)
    norm_deep = norm_layer_deep(input_deep)
    hidden1 = tf.keras.layers.Dense(30, activation="relu")(norm_deep)
    hidden2 = tf.keras.layers.Dense(30, activation="relu")(hidden1)
    concat = tf.keras.layers.concatenate([norm_wide, hidden2])
    output = tf.keras.layers.Dense(1)(concat)
    model = tf.keras.Model(inputs=[input_wide, input_deep], outputs=[output])

    optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
    model.compile(loss="mse", optimizer=optimizer, metrics=["RootMeanSquaredError"])
    norm_layer_wide.adapt(X_train_wide)
    norm_layer_deep.adapt(X_train_deep)
    _init(model, seed=121)
    history = model.fit(
        (X_train_wide, X_train_deep),
        y_train,
        epochs=3,  # (20)
        validation_data=((X_valid_wide, X_valid_deep), y_valid),
        shuffle=False,
        verbose=0,
    )
    mse_test = model.evaluate((X_test_wide, X_test_deep), y_test, verbose=0)
    y_pred = model.predict((X_new_wide, X_new_deep), verbose=0)
    out["two_inputs"] = {
        "summary": _summary(model),
        "history": _hist(history),
        "test": _f(mse_test),
        "y_pred": _f(y_pred),
    }

    # an auxiliary output
    tf.keras.backend.clear_session()
    input_wide = tf.keras.layers.Input(shape=[5])  # features 0 to 4
    input_deep = tf.keras.layers.Input(shape=[6])  # features 2 to 7
    norm_layer_wide = tf.keras.layers.Normalization()
    norm_layer_deep = tf.keras.layers.Normalization()
    norm_wide = norm_layer_wide(input_wide)
    norm_deep = norm_layer_deep(input_deep)
    hidden1 = tf.keras.layers.Dense(30, activation="relu")(norm_deep)
    hidden2 = tf.keras.layers.Dense(30, activation="relu")(hidden1)
    concat = tf.keras.layers.concatenate([norm_wide, hidden2])
    output = tf.keras.layers.Dense(1)(concat)
    aux_output = tf.keras.layers.Dense(1)(hidden2)
    model = tf.keras.Model(inputs=[input_wide, input_deep], outputs=[output, aux_output])

    optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
    model.compile(
        loss=("mse", "mse"),
        loss_weights=(0.9, 0.1),
        optimizer=optimizer,
        metrics=["RootMeanSquaredError", "RootMeanSquaredError"],
    )
    norm_layer_wide.adapt(X_train_wide)
    norm_layer_deep.adapt(X_train_deep)
    _init(model, seed=122)
    history = model.fit(
        (X_train_wide, X_train_deep),
        (y_train, y_train),
        epochs=3,  # (20)
        batch_size=16,  # (multi-output: whole batches, see make_dlwp_listings.py)
        validation_data=((X_valid_wide, X_valid_deep), (y_valid, y_valid)),
        shuffle=False,
        verbose=0,
    )
    eval_results = model.evaluate((X_test_wide, X_test_deep), (y_test, y_test), verbose=0)
    weighted_sum_of_losses, main_loss, aux_loss, main_rmse, aux_rmse = eval_results
    y_pred_main, y_pred_aux = model.predict((X_new_wide, X_new_deep), verbose=0)
    y_pred_tuple = model.predict((X_new_wide, X_new_deep), verbose=0)
    y_pred = dict(zip(model.output_names, y_pred_tuple))
    out["aux_output"] = {
        "history": _hist(history),
        "evaluate": _f(eval_results),
        "y_pred_main": _f(y_pred_main),
        "y_pred_aux": _f(y_pred_aux),
        "output_names": sorted(y_pred),
    }

    # saving and restoring
    model.save(os.path.join(tmp, "my_keras_model.keras"))
    model = tf.keras.models.load_model(os.path.join(tmp, "my_keras_model.keras"))
    y_pred_main, y_pred_aux = model.predict((X_new_wide, X_new_deep), verbose=0)
    out["loaded"] = [_f(y_pred_main), _f(y_pred_aux)]
    model.save_weights(os.path.join(tmp, "my_weights.weights.h5"))
    model.load_weights(os.path.join(tmp, "my_weights.weights.h5"))
    out["loaded_evaluate"] = _f(
        model.evaluate((X_test_wide, X_test_deep), (y_test, y_test), verbose=0)
    )
    return out


@tf_scenario
def ch10_subclassed_and_callbacks(keras):
    tf = types.SimpleNamespace(keras=keras)
    tmp = tempfile.mkdtemp()
    data, train, test = _wide_deep_data()
    X_train, X_valid, X_test, y_train, y_valid, y_test = data
    X_train_wide, X_train_deep, X_valid_wide, X_valid_deep = train
    X_test_wide, X_test_deep, X_new_wide, X_new_deep = test

    class WideAndDeepModel(tf.keras.Model):
        def __init__(self, units=30, activation="relu", **kwargs):
            super().__init__(**kwargs)  # needed to support naming the model
            self.norm_layer_wide = tf.keras.layers.Normalization()
            self.norm_layer_deep = tf.keras.layers.Normalization()
            self.hidden1 = tf.keras.layers.Dense(units, activation=activation)
            self.hidden2 = tf.keras.layers.Dense(units, activation=activation)
            self.main_output = tf.keras.layers.Dense(1)
            self.aux_output = tf.keras.layers.Dense(1)

        def call(self, inputs):
            input_wide, input_deep = inputs
            norm_wide = self.norm_layer_wide(input_wide)
            norm_deep = self.norm_layer_deep(input_deep)
            hidden1 = self.hidden1(norm_deep)
            hidden2 = self.hidden2(hidden1)
            concat = tf.keras.layers.concatenate([norm_wide, hidden2])
            output = self.main_output(concat)
            aux_output = self.aux_output(hidden2)
            return output, aux_output

    model = WideAndDeepModel(30, activation="relu", name="my_cool_model")
    optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
    model.compile(
        loss=("mse", "mse"),  # ("mse": Keras 3 wants a loss per weighted output)
        loss_weights=[0.9, 0.1],
        optimizer=optimizer,
        metrics=["RootMeanSquaredError", "RootMeanSquaredError"],
    )
    model.norm_layer_wide.adapt(X_train_wide)
    model.norm_layer_deep.adapt(X_train_deep)
    model((X_train_wide[:1], X_train_deep[:1]))  # (built, for the fixed weights)
    _init(model, seed=130)
    history = model.fit(
        (X_train_wide, X_train_deep),
        (y_train, y_train),
        epochs=3,  # (10)
        batch_size=16,
        validation_data=((X_valid_wide, X_valid_deep), (y_valid, y_valid)),
        shuffle=False,
        verbose=0,
    )
    eval_results = model.evaluate((X_test_wide, X_test_deep), (y_test, y_test), verbose=0)
    # (weighted_sum_of_losses, main_loss, aux_loss, main_rmse, aux_rmse = eval_results:
    # Keras 3 lists a subclassed model's results otherwise)
    y_pred_main, y_pred_aux = model.predict((X_new_wide, X_new_deep), verbose=0)
    out = {
        "name": model.name,
        "history": _hist(history),
        "evaluate": _f(eval_results),
        "y_pred": [_f(y_pred_main), _f(y_pred_aux)],
        "layers": [layer.name for layer in model.layers],
    }

    # callbacks (on the functional model with its auxiliary output)
    tf.keras.backend.clear_session()
    input_wide = tf.keras.layers.Input(shape=[5])
    input_deep = tf.keras.layers.Input(shape=[6])
    norm_layer_wide = tf.keras.layers.Normalization()
    norm_layer_deep = tf.keras.layers.Normalization()
    norm_wide = norm_layer_wide(input_wide)
    norm_deep = norm_layer_deep(input_deep)
    hidden1 = tf.keras.layers.Dense(30, activation="relu")(norm_deep)
    hidden2 = tf.keras.layers.Dense(30, activation="relu")(hidden1)
    concat = tf.keras.layers.concatenate([norm_wide, hidden2])
    output = tf.keras.layers.Dense(1)(concat)
    aux_output = tf.keras.layers.Dense(1)(hidden2)
    model = tf.keras.Model(inputs=[input_wide, input_deep], outputs=[output, aux_output])
    optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
    model.compile(
        loss=("mse", "mse"),
        loss_weights=(0.9, 0.1),
        optimizer=optimizer,
        metrics=["RootMeanSquaredError", "RootMeanSquaredError"],
    )
    norm_layer_wide.adapt(X_train_wide)
    norm_layer_deep.adapt(X_train_deep)
    _init(model, seed=131)

    checkpoint_cb = tf.keras.callbacks.ModelCheckpoint(
        os.path.join(tmp, "my_checkpoints.weights.h5"), save_weights_only=True
    )
    # (a learning rate of 0.05 and patience=2: early stopping happens within 30 epochs)
    model.optimizer.learning_rate = 0.05
    early_stopping_cb = tf.keras.callbacks.EarlyStopping(
        patience=2, restore_best_weights=True
    )  # (patience=10)

    ratios = []

    class PrintValTrainRatioCallback(tf.keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs):
            ratio = logs["val_loss"] / logs["loss"]
            ratios.append(ratio)  # (print(f"Epoch={epoch}, val/train={ratio:.2f}"))

    history = model.fit(
        (X_train_wide, X_train_deep),
        (y_train, y_train),
        epochs=30,  # (100)
        batch_size=16,
        validation_data=((X_valid_wide, X_valid_deep), (y_valid, y_valid)),
        callbacks=[checkpoint_cb, early_stopping_cb, PrintValTrainRatioCallback()],
        shuffle=False,
        verbose=0,
    )
    out["callbacks"] = {
        "epochs_run": len(history.epoch),
        "stopped_epoch": early_stopping_cb.stopped_epoch,
        "val_loss": _f(history.history["val_loss"]),
        "ratios": _f(ratios),
        "evaluate": _f(model.evaluate((X_valid_wide, X_valid_deep), (y_valid, y_valid), verbose=0)),
    }
    model.load_weights(os.path.join(tmp, "my_checkpoints.weights.h5"))  # (the last epoch's)
    out["callbacks"]["checkpoint_evaluate"] = _f(
        model.evaluate((X_valid_wide, X_valid_deep), (y_valid, y_valid), verbose=0)
    )
    return out


# ---- chapter 11: training deep neural networks -------------------------------------------


@tf_scenario
def ch11_initializers_activations_batchnorm(keras):
    tf = types.SimpleNamespace(keras=keras)
    X_train, y_train, X_valid, y_valid, X_test, y_test = _fashion_split(seed=14)
    out = {}

    dense = tf.keras.layers.Dense(50, activation="relu", kernel_initializer="he_normal")
    he_avg_init = tf.keras.initializers.VarianceScaling(
        scale=2.0, mode="fan_avg", distribution="uniform"
    )
    dense = tf.keras.layers.Dense(50, activation="sigmoid", kernel_initializer=he_avg_init)
    out["he_avg_init"] = he_avg_init.get_config() | {"seed": None}

    leaky_relu = tf.keras.layers.LeakyReLU(negative_slope=0.2)  # defaults to alpha=0.3
    dense = tf.keras.layers.Dense(50, activation=leaky_relu, kernel_initializer="he_normal")
    model = tf.keras.models.Sequential(
        [
            tf.keras.layers.Input(shape=[8]),  # ([...]  # more layers)
            tf.keras.layers.Dense(50, kernel_initializer="he_normal"),  # no activation
            tf.keras.layers.LeakyReLU(negative_slope=0.2),  # activation as a separate layer
            dense,  # ([...]  # more layers)
            tf.keras.layers.Dense(50, activation="elu", kernel_initializer="he_normal"),
            tf.keras.layers.Dense(50, activation="selu", kernel_initializer="lecun_normal"),
            tf.keras.layers.Dense(50, activation="gelu"),
            tf.keras.layers.Dense(50, activation="swish"),
            tf.keras.layers.Dense(50, activation="mish"),
            tf.keras.layers.Dense(1),
        ]
    )
    _init(model, seed=140)
    x = np.random.default_rng(141).normal(size=(6, 8))
    out["activations_predict"] = _f(model.predict(x, verbose=0))

    # a deep SELU network (100 layers: 8)
    tf.keras.backend.clear_session()
    model = tf.keras.Sequential()
    model.add(tf.keras.layers.Flatten(input_shape=[28, 28]))
    for layer in range(8):
        model.add(tf.keras.layers.Dense(100, activation="selu", kernel_initializer="lecun_normal"))
    model.add(tf.keras.layers.Dense(10, activation="softmax"))
    model.compile(
        loss="sparse_categorical_crossentropy",
        optimizer=tf.keras.optimizers.SGD(learning_rate=0.001),
        metrics=["accuracy"],
    )
    pixel_means = X_train.mean(axis=0, keepdims=True)
    pixel_stds = X_train.std(axis=0, keepdims=True)
    X_train_scaled = (X_train - pixel_means) / pixel_stds
    X_valid_scaled = (X_valid - pixel_means) / pixel_stds
    X_test_scaled = (X_test - pixel_means) / pixel_stds
    _init(model, seed=142)
    history = model.fit(
        X_train_scaled,
        y_train,
        epochs=2,  # (5)
        validation_data=(X_valid_scaled, y_valid),
        shuffle=False,
        verbose=0,
    )
    out["selu_history"] = _hist(history)

    # batch normalization
    tf.keras.backend.clear_session()
    model = tf.keras.Sequential(
        [
            tf.keras.layers.Flatten(input_shape=[28, 28]),
            tf.keras.layers.BatchNormalization(),
            tf.keras.layers.Dense(300, activation="relu", kernel_initializer="he_normal"),
            tf.keras.layers.BatchNormalization(),
            tf.keras.layers.Dense(100, activation="relu", kernel_initializer="he_normal"),
            tf.keras.layers.BatchNormalization(),
            tf.keras.layers.Dense(10, activation="softmax"),
        ]
    )
    out["bn_summary"] = _summary(model)
    out["bn_variables"] = [(var.name, var.trainable) for var in model.layers[1].variables]
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    _init(model, seed=143)
    history = model.fit(
        X_train, y_train, epochs=2, validation_data=(X_valid, y_valid), shuffle=False, verbose=0
    )
    out["bn_history"] = _hist(history)
    out["bn_moving_mean"] = _f(_np(model.layers[3].moving_mean)[:4])

    tf.keras.backend.clear_session()
    model = tf.keras.Sequential(
        [
            tf.keras.layers.Flatten(input_shape=[28, 28]),
            tf.keras.layers.Dense(300, kernel_initializer="he_normal", use_bias=False),
            tf.keras.layers.BatchNormalization(),
            tf.keras.layers.Activation("relu"),
            tf.keras.layers.Dense(100, kernel_initializer="he_normal", use_bias=False),
            tf.keras.layers.BatchNormalization(),
            tf.keras.layers.Activation("relu"),
            tf.keras.layers.Dense(10, activation="softmax"),
        ]
    )
    # gradient clipping
    optimizer = tf.keras.optimizers.SGD(clipvalue=1.0)
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer)
    _init(model, seed=144)
    history = model.fit(X_train, y_train, epochs=2, batch_size=16, shuffle=False, verbose=0)
    out["bn_before_activation_clipvalue"] = _hist(history)
    optimizer = tf.keras.optimizers.SGD(clipnorm=1.0)
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer)
    history = model.fit(X_train, y_train, epochs=2, batch_size=16, shuffle=False, verbose=0)
    out["bn_before_activation_clipnorm"] = _hist(history)
    out["bn_predict"] = _f(model.predict(X_test[:2], verbose=0))
    return out


@tf_scenario
def ch11_transfer_learning(keras):
    tf = types.SimpleNamespace(keras=keras)
    tmp = tempfile.mkdtemp()
    X_train, y_train, X_valid, y_valid, X_test, y_test = _fashion_split(seed=15)
    # task A: the 8 classes but sandals and shirts; task B: shirts (or sandals) or not
    pos_class_id = 6  # class_names.index("Shirt")
    neg_class_id = 5  # class_names.index("Sandal")

    def split_dataset(X, y):
        y_for_B = y == pos_class_id
        y_A = y[(y != pos_class_id) & (y != neg_class_id)]
        y_A = np.where(y_A > neg_class_id, y_A - 2, y_A)  # (8 classes: 0 to 7)
        return (X[(y != pos_class_id) & (y != neg_class_id)], y_A), (
            X[(y == pos_class_id) | (y == neg_class_id)],
            y_for_B[(y == pos_class_id) | (y == neg_class_id)].astype("float32"),
        )

    (X_train_A, y_train_A), (X_train_B, y_train_B) = split_dataset(X_train, y_train)
    (X_valid_A, y_valid_A), (X_valid_B, y_valid_B) = split_dataset(X_valid, y_valid)
    (X_test_A, y_test_A), (X_test_B, y_test_B) = split_dataset(X_test, y_test)
    X_train_B, y_train_B = X_train[:24], (y_train[:24] % 2).astype("float32")  # ([:200])

    model_A = tf.keras.Sequential(
        [
            tf.keras.layers.Flatten(input_shape=[28, 28]),
            tf.keras.layers.Dense(100, activation="relu", kernel_initializer="he_normal"),
            tf.keras.layers.Dense(100, activation="relu", kernel_initializer="he_normal"),
            tf.keras.layers.Dense(100, activation="relu", kernel_initializer="he_normal"),
            tf.keras.layers.Dense(8, activation="softmax"),
        ]
    )
    model_A.compile(
        loss="sparse_categorical_crossentropy",
        optimizer=tf.keras.optimizers.SGD(learning_rate=0.001),
        metrics=["accuracy"],
    )
    _init(model_A, seed=150)
    history = model_A.fit(
        X_train_A,
        y_train_A,
        epochs=3,  # (20)
        validation_data=(X_valid_A, y_valid_A),
        shuffle=False,
        verbose=0,
    )
    out = {"model_A_history": _hist(history)}
    model_A.save(os.path.join(tmp, "my_model_A.keras"))

    model_A = tf.keras.models.load_model(os.path.join(tmp, "my_model_A.keras"))
    model_B_on_A = tf.keras.Sequential(model_A.layers[:-1])
    model_B_on_A.add(tf.keras.layers.Dense(1, activation="sigmoid"))

    model_A_clone = tf.keras.models.clone_model(model_A)
    model_A_clone.set_weights(model_A.get_weights())
    model_B_on_A = tf.keras.Sequential(model_A_clone.layers[:-1])
    model_B_on_A.add(tf.keras.layers.Dense(1, activation="sigmoid"))
    for layer in model_B_on_A.layers[:-1]:
        layer.trainable = False
    optimizer = tf.keras.optimizers.SGD(learning_rate=0.001)
    model_B_on_A.compile(loss="binary_crossentropy", optimizer=optimizer, metrics=["accuracy"])
    model_B_on_A(X_train_B[:1])  # (built: the new head's weights fixed, the others frozen)
    _init(model_B_on_A, seed=151)
    out["frozen_trainable_count"] = len(model_B_on_A.trainable_weights)
    history = model_B_on_A.fit(
        X_train_B,
        y_train_B,
        epochs=4,
        batch_size=8,
        validation_data=(X_valid_B, y_valid_B),
        shuffle=False,
        verbose=0,
    )
    out["frozen_history"] = _hist(history)
    for layer in model_B_on_A.layers[:-1]:
        layer.trainable = True
    optimizer = tf.keras.optimizers.SGD(learning_rate=0.001)
    model_B_on_A.compile(loss="binary_crossentropy", optimizer=optimizer, metrics=["accuracy"])
    history = model_B_on_A.fit(
        X_train_B,
        y_train_B,
        epochs=4,  # (16)
        batch_size=8,
        validation_data=(X_valid_B, y_valid_B),
        shuffle=False,
        verbose=0,
    )
    out["unfrozen_history"] = _hist(history)
    out["evaluate_B"] = _f(model_B_on_A.evaluate(X_test_B, y_test_B, verbose=0))
    # model_A's own layers were not touched: the clone's were
    out["model_A_unchanged"] = bool(
        np.allclose(model_A.layers[1].get_weights()[0], model_A_clone.layers[1].get_weights()[0])
    )
    out["model_A_evaluate"] = _f(model_A.evaluate(X_test_A, y_test_A, verbose=0))
    return out


@tf_scenario
def ch11_optimizers_and_schedules(keras):
    tf = types.SimpleNamespace(keras=keras)
    X_train, y_train, X_valid, y_valid, X_test, y_test = _fashion_split(seed=16)
    out = {}

    def build_model(seed=42):
        tf.keras.utils.set_random_seed(seed)
        return tf.keras.Sequential(
            [
                tf.keras.layers.Flatten(input_shape=[28, 28]),
                tf.keras.layers.Dense(100, activation="relu", kernel_initializer="he_normal"),
                tf.keras.layers.Dense(100, activation="relu", kernel_initializer="he_normal"),
                tf.keras.layers.Dense(100, activation="relu", kernel_initializer="he_normal"),
                tf.keras.layers.Dense(10, activation="softmax"),
            ]
        )

    def build_and_train_model(optimizer):
        model = build_model()
        model.compile(
            loss="sparse_categorical_crossentropy", optimizer=optimizer, metrics=["accuracy"]
        )
        _init(model, seed=160)
        return model.fit(
            X_train,
            y_train,
            epochs=2,  # (10)
            batch_size=16,
            validation_data=(X_valid, y_valid),
            shuffle=False,
            verbose=0,
        )

    optimizers = {
        "sgd": tf.keras.optimizers.SGD(learning_rate=0.001),
        "momentum": tf.keras.optimizers.SGD(learning_rate=0.001, momentum=0.9),
        "nesterov": tf.keras.optimizers.SGD(learning_rate=0.001, momentum=0.9, nesterov=True),
        "adagrad": tf.keras.optimizers.Adagrad(learning_rate=0.001),
        "rmsprop": tf.keras.optimizers.RMSprop(learning_rate=0.001, rho=0.9),
        "adam": tf.keras.optimizers.Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999),
        "adamax": tf.keras.optimizers.Adamax(learning_rate=0.001, beta_1=0.9, beta_2=0.999),
        "nadam": tf.keras.optimizers.Nadam(learning_rate=0.001, beta_1=0.9, beta_2=0.999),
        "adamw": tf.keras.optimizers.AdamW(
            weight_decay=1e-5, learning_rate=0.001, beta_1=0.9, beta_2=0.999
        ),
    }
    for name, optimizer in optimizers.items():
        out[f"opt_{name}"] = _hist(build_and_train_model(optimizer))

    # power scheduling
    lr_schedule = tf.keras.optimizers.schedules.InverseTimeDecay(
        initial_learning_rate=0.01, decay_steps=10, decay_rate=1.0, staircase=False
    )  # (decay_steps=10_000)
    optimizer = tf.keras.optimizers.SGD(learning_rate=lr_schedule)
    out["power"] = _hist(build_and_train_model(optimizer))

    # exponential scheduling
    def exponential_decay_fn(epoch):
        return 0.01 * 0.1 ** (epoch / 20)

    def exponential_decay(lr0, s):
        def exponential_decay_fn(epoch):
            return lr0 * 0.1 ** (epoch / s)

        return exponential_decay_fn

    exponential_decay_fn = exponential_decay(lr0=0.01, s=20)
    model = build_model()
    optimizer = tf.keras.optimizers.SGD(learning_rate=0.001)
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer, metrics=["accuracy"])
    _init(model, seed=161)
    n_epochs = 3  # (20)
    lr_scheduler = tf.keras.callbacks.LearningRateScheduler(exponential_decay_fn)
    history = model.fit(
        X_train,
        y_train,
        epochs=n_epochs,
        validation_data=(X_valid, y_valid),
        callbacks=[lr_scheduler],
        shuffle=False,
        verbose=0,
    )
    out["exponential_callback"] = _hist(history)

    def exponential_decay_fn(epoch, lr):
        return lr * 0.1 ** (1 / 20)

    lr_scheduler = tf.keras.callbacks.LearningRateScheduler(exponential_decay_fn)
    model = build_model()
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    _init(model, seed=161)
    history = model.fit(
        X_train, y_train, epochs=n_epochs, callbacks=[lr_scheduler], shuffle=False, verbose=0
    )
    out["exponential_callback_lr"] = _hist(history)

    class ExponentialDecay(tf.keras.callbacks.Callback):
        def __init__(self, n_steps=40_000):
            super().__init__()
            self.n_steps = n_steps

        def on_batch_begin(self, batch, logs=None):
            # Note: the `batch` argument is reset at each epoch
            # (K.get_value / K.set_value: Keras 3 has neither)
            lr = float(np.asarray(self.model.optimizer.learning_rate))
            new_learning_rate = lr * 0.1 ** (1 / self.n_steps)
            self.model.optimizer.learning_rate = new_learning_rate

        def on_epoch_end(self, epoch, logs=None):
            logs = logs or {}
            logs["learning_rate"] = float(np.asarray(self.model.optimizer.learning_rate))

    lr0 = 0.01
    model = build_model()
    optimizer = tf.keras.optimizers.SGD(learning_rate=lr0)
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer, metrics=["accuracy"])
    _init(model, seed=162)
    batch_size = 32
    n_steps = n_epochs * math.ceil(len(X_train) / batch_size)
    exp_decay = ExponentialDecay(n_steps)
    history = model.fit(
        X_train,
        y_train,
        epochs=n_epochs,
        validation_data=(X_valid, y_valid),
        callbacks=[exp_decay],
        shuffle=False,
        verbose=0,
    )
    out["exponential_custom_callback"] = _hist(history)

    scheduled_learning_rate = tf.keras.optimizers.schedules.ExponentialDecay(
        initial_learning_rate=0.01, decay_steps=n_steps, decay_rate=0.1
    )
    optimizer = tf.keras.optimizers.SGD(learning_rate=scheduled_learning_rate)
    out["exponential_schedule"] = _hist(build_and_train_model(optimizer))

    # piecewise constant scheduling
    def piecewise_constant_fn(epoch):
        if epoch < 1:  # (5)
            return 0.01
        elif epoch < 2:  # (15)
            return 0.005
        else:
            return 0.001

    lr_schedule = tf.keras.callbacks.LearningRateScheduler(piecewise_constant_fn)
    model = build_model()
    optimizer = tf.keras.optimizers.Nadam(learning_rate=0.001)
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer, metrics=["accuracy"])
    _init(model, seed=163)
    history = model.fit(
        X_train,
        y_train,
        epochs=n_epochs,
        validation_data=(X_valid, y_valid),
        callbacks=[lr_schedule],
        shuffle=False,
        verbose=0,
    )
    out["piecewise_callback"] = _hist(history)

    lr_schedule = tf.keras.optimizers.schedules.PiecewiseConstantDecay(
        boundaries=[2, 4], values=[0.01, 0.005, 0.001]
    )  # ([50_000, 80_000])
    optimizer = tf.keras.optimizers.SGD(learning_rate=lr_schedule)
    out["piecewise_schedule"] = _hist(build_and_train_model(optimizer))

    # performance scheduling
    model = build_model()
    optimizer = tf.keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer, metrics=["accuracy"])
    _init(model, seed=164)
    lr_scheduler = tf.keras.callbacks.ReduceLROnPlateau(factor=0.5, patience=1)  # (patience=5)
    history = model.fit(
        X_train,
        y_train,
        epochs=5,  # (n_epochs)
        validation_data=(X_valid, y_valid),
        callbacks=[lr_scheduler],
        shuffle=False,
        verbose=0,
    )
    out["reduce_lr_on_plateau"] = _hist(history)

    # 1cycle scheduling
    lrs = []

    class OneCycleScheduler(tf.keras.callbacks.Callback):
        def __init__(
            self, iterations, max_lr=1e-3, start_lr=None, last_iterations=None, last_lr=None
        ):
            self.iterations = iterations
            self.max_lr = max_lr
            self.start_lr = start_lr or max_lr / 10
            self.last_iterations = last_iterations or iterations // 10 + 1
            self.half_iteration = (iterations - self.last_iterations) // 2
            self.last_lr = last_lr or self.start_lr / 1000
            self.iteration = 0

        def _interpolate(self, iter1, iter2, lr1, lr2):
            return (lr2 - lr1) * (self.iteration - iter1) / (iter2 - iter1) + lr1

        def on_batch_begin(self, batch, logs):
            if self.iteration < self.half_iteration:
                lr = self._interpolate(0, self.half_iteration, self.start_lr, self.max_lr)
            elif self.iteration < 2 * self.half_iteration:
                lr = self._interpolate(
                    self.half_iteration, 2 * self.half_iteration, self.max_lr, self.start_lr
                )
            else:
                lr = self._interpolate(
                    2 * self.half_iteration, self.iterations, self.start_lr, self.last_lr
                )
            self.iteration += 1
            # (K.set_value(self.model.optimizer.learning_rate, lr))
            self.model.optimizer.learning_rate.assign(lr)
            lrs.append(lr)

    model = build_model()
    model.compile(
        loss="sparse_categorical_crossentropy",
        optimizer=tf.keras.optimizers.SGD(),
        metrics=["accuracy"],
    )
    _init(model, seed=165)
    n_epochs = 4  # (25)
    onecycle = OneCycleScheduler(math.ceil(len(X_train) / batch_size) * n_epochs, max_lr=0.1)
    history = model.fit(
        X_train,
        y_train,
        epochs=n_epochs,
        batch_size=batch_size,
        validation_data=(X_valid, y_valid),
        callbacks=[onecycle],
        shuffle=False,
        verbose=0,
    )
    out["one_cycle"] = _hist(history)
    out["one_cycle_lrs"] = _f(lrs)
    return out


@tf_scenario
def ch11_regularization(keras):
    tf = types.SimpleNamespace(keras=keras)
    X_train, y_train, X_valid, y_valid, X_test, y_test = _fashion_split(seed=17)
    out = {}

    layer = tf.keras.layers.Dense(
        100,
        activation="relu",
        kernel_initializer="he_normal",
        kernel_regularizer=tf.keras.regularizers.l2(0.01),
    )
    RegularizedDense = partial(
        tf.keras.layers.Dense,
        activation="relu",
        kernel_initializer="he_normal",
        kernel_regularizer=tf.keras.regularizers.l2(0.01),
    )
    model = tf.keras.Sequential(
        [
            tf.keras.layers.Flatten(input_shape=[28, 28]),
            RegularizedDense(100),
            RegularizedDense(100),
            RegularizedDense(10, activation="softmax"),
        ]
    )
    optimizer = tf.keras.optimizers.SGD(learning_rate=0.02)
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer, metrics=["accuracy"])
    _init(model, seed=170)
    out["l2_losses"] = _f([float(_np(loss)) for loss in model.losses])
    history = model.fit(
        X_train, y_train, epochs=2, validation_data=(X_valid, y_valid), shuffle=False, verbose=0
    )
    out["l2_history"] = _hist(history)

    # dropout (the rates as written: inference compared, training checked)
    tf.keras.backend.clear_session()
    model = tf.keras.Sequential(
        [
            tf.keras.layers.Flatten(input_shape=[28, 28]),
            tf.keras.layers.Dropout(rate=0.2),
            tf.keras.layers.Dense(100, activation="relu", kernel_initializer="he_normal"),
            tf.keras.layers.Dropout(rate=0.2),
            tf.keras.layers.Dense(100, activation="relu", kernel_initializer="he_normal"),
            tf.keras.layers.Dropout(rate=0.2),
            tf.keras.layers.Dense(10, activation="softmax"),
        ]
    )
    optimizer = tf.keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer, metrics=["accuracy"])
    _init(model, seed=171)
    out["dropout_predict"] = _f(model.predict(X_test[:2], verbose=0))
    out["dropout_evaluate"] = _f(model.evaluate(X_test, y_test, verbose=0))

    # MC dropout
    y_probas = np.stack([model(X_test, training=True) for sample in range(100)])
    y_proba = y_probas.mean(axis=0)
    out["mc_dropout"] = {
        "shape": list(y_probas.shape),
        "sums_to_1": bool(np.allclose(y_probas.sum(axis=-1), 1.0, atol=1e-5)),
        "varies": bool(y_probas.std(axis=0).max() > 1e-3),
        "close_to_predict": bool(np.abs(y_proba - model.predict(X_test, verbose=0)).max() < 0.2),
    }

    class MCDropout(tf.keras.layers.Dropout):
        def call(self, inputs, training=None):
            return super().call(inputs, training=True)

    Dropout = tf.keras.layers.Dropout
    mc_model = tf.keras.Sequential(
        [MCDropout(layer.rate) if isinstance(layer, Dropout) else layer for layer in model.layers]
    )
    mc_model.set_weights(model.get_weights())
    first, second = mc_model.predict(X_test[:4], verbose=0), mc_model.predict(X_test[:4], verbose=0)
    out["mc_model"] = {
        "summary": _summary(mc_model)[-3:],
        "differs": bool(np.abs(first - second).max() > 1e-4),
        "sums_to_1": bool(np.allclose(first.sum(axis=-1), 1.0, atol=1e-5)),
    }
    history = model.fit(X_train, y_train, epochs=2, shuffle=False, verbose=0)
    out["dropout_history"] = _finite(history)

    # max-norm
    tf.keras.backend.clear_session()
    dense = tf.keras.layers.Dense(
        100,
        activation="relu",
        kernel_initializer="he_normal",
        kernel_constraint=tf.keras.constraints.max_norm(1.0),
    )
    MaxNormDense = partial(
        tf.keras.layers.Dense,
        activation="relu",
        kernel_initializer="he_normal",
        kernel_constraint=tf.keras.constraints.max_norm(1.0),
    )
    model = tf.keras.Sequential(
        [
            tf.keras.layers.Flatten(input_shape=[28, 28]),
            MaxNormDense(100),
            MaxNormDense(100),
            tf.keras.layers.Dense(10, activation="softmax"),
        ]
    )
    optimizer = tf.keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer, metrics=["accuracy"])
    _init(model, seed=172)
    history = model.fit(
        X_train, y_train, epochs=2, validation_data=(X_valid, y_valid), shuffle=False, verbose=0
    )
    out["max_norm_history"] = _hist(history)
    kernel = model.layers[1].get_weights()[0]
    out["max_norm_norms"] = _f(np.sqrt((kernel**2).sum(axis=0))[:6])
    return out


# ---- chapter 12: custom models and training with TensorFlow ------------------------------


def _scaled_housing(seed):
    X_train, X_valid, X_test, y_train, y_valid, y_test = _housing_split(seed=seed)
    mean, scale = X_train.mean(axis=0), X_train.std(axis=0)  # (StandardScaler)
    X_train_scaled = (X_train - mean) / scale
    X_valid_scaled = (X_valid - mean) / scale
    X_test_scaled = (X_test - mean) / scale
    return X_train_scaled, X_valid_scaled, X_test_scaled, y_train, y_valid, y_test


@tf_scenario
def ch12_custom_losses_and_components(keras):
    tf = _tf(keras)
    tmp = tempfile.mkdtemp()
    X_train_scaled, X_valid_scaled, X_test_scaled, y_train, y_valid, y_test = _scaled_housing(20)
    input_shape = X_train_scaled.shape[1:]
    out = {}

    def fit(model, epochs=2):
        history = model.fit(
            X_train_scaled,
            y_train,
            epochs=epochs,
            validation_data=(X_valid_scaled, y_valid),
            shuffle=False,
            verbose=0,
        )
        return _hist(history)

    def huber_fn(y_true, y_pred):
        error = y_true - y_pred
        is_small_error = tf.abs(error) < 1
        squared_loss = tf.square(error) / 2
        linear_loss = tf.abs(error) - 0.5
        return tf.where(is_small_error, squared_loss, linear_loss)

    model = tf.keras.Sequential(
        [
            tf.keras.layers.Dense(
                30, activation="relu", kernel_initializer="he_normal", input_shape=input_shape
            ),
            tf.keras.layers.Dense(1),
        ]
    )
    model.compile(loss=huber_fn, optimizer="nadam", metrics=["mae"])
    _init(model, seed=200)
    out["huber_fn"] = fit(model)
    model.save(os.path.join(tmp, "my_model_with_a_custom_loss.keras"))
    model = tf.keras.models.load_model(
        os.path.join(tmp, "my_model_with_a_custom_loss.keras"),
        custom_objects={"huber_fn": huber_fn},
    )
    out["huber_fn_loaded"] = fit(model)

    def create_huber(threshold=1.0):
        def huber_fn(y_true, y_pred):
            error = y_true - y_pred
            is_small_error = tf.abs(error) < threshold
            squared_loss = tf.square(error) / 2
            linear_loss = threshold * tf.abs(error) - threshold**2 / 2
            return tf.where(is_small_error, squared_loss, linear_loss)

        return huber_fn

    model.compile(loss=create_huber(2.0), optimizer="nadam", metrics=["mae"])
    out["create_huber"] = fit(model)
    model.save(os.path.join(tmp, "my_model_with_a_custom_loss_threshold_2.keras"))
    model = tf.keras.models.load_model(
        os.path.join(tmp, "my_model_with_a_custom_loss_threshold_2.keras"),
        custom_objects={"huber_fn": create_huber(2.0)},
    )
    out["create_huber_loaded"] = fit(model)

    class HuberLoss(tf.keras.losses.Loss):
        def __init__(self, threshold=1.0, **kwargs):
            self.threshold = threshold
            super().__init__(**kwargs)

        def call(self, y_true, y_pred):
            error = y_true - y_pred
            is_small_error = tf.abs(error) < self.threshold
            squared_loss = tf.square(error) / 2
            linear_loss = self.threshold * tf.abs(error) - self.threshold**2 / 2
            return tf.where(is_small_error, squared_loss, linear_loss)

        def get_config(self):
            base_config = super().get_config()
            return {**base_config, "threshold": self.threshold}

    model = tf.keras.Sequential(
        [
            tf.keras.layers.Dense(
                30, activation="relu", kernel_initializer="he_normal", input_shape=input_shape
            ),
            tf.keras.layers.Dense(1),
        ]
    )
    model.compile(loss=HuberLoss(2.0), optimizer="nadam", metrics=["mae"])
    _init(model, seed=201)
    out["huber_class"] = fit(model)
    model.save(os.path.join(tmp, "my_model_with_a_custom_loss_class.keras"))
    model = tf.keras.models.load_model(
        os.path.join(tmp, "my_model_with_a_custom_loss_class.keras"),
        custom_objects={"HuberLoss": HuberLoss},
    )
    out["huber_class_loaded"] = fit(model)
    out["huber_class_threshold"] = model.loss.threshold
    out["huber_class_config"] = sorted(HuberLoss(2.0).get_config())

    # custom activation, initializer, regularizer and constraint
    def my_softplus(z):
        return tf.math.log(1.0 + tf.exp(z))

    def my_glorot_initializer(shape, dtype="float32"):
        stddev = tf.sqrt(2.0 / (shape[0] + shape[1]))
        # (tf.random.normal(shape, stddev=stddev, dtype=dtype): the weights are fixed below)
        return tf.ones(shape, dtype=dtype) * stddev

    def my_l1_regularizer(weights):
        return tf.reduce_sum(tf.abs(0.01 * weights))

    def my_positive_weights(weights):  # return value is just tf.nn.relu(weights)
        return tf.where(weights < 0.0, tf.zeros_like(weights), weights)

    layer = tf.keras.layers.Dense(
        1,
        activation=my_softplus,
        kernel_initializer=my_glorot_initializer,
        kernel_regularizer=my_l1_regularizer,
        kernel_constraint=my_positive_weights,
    )
    model = tf.keras.Sequential(
        [
            tf.keras.layers.Dense(
                30, activation="relu", kernel_initializer="he_normal", input_shape=input_shape
            ),
            tf.keras.layers.Dense(
                1,
                activation=my_softplus,
                kernel_initializer=my_glorot_initializer,
                kernel_regularizer=my_l1_regularizer,
                kernel_constraint=my_positive_weights,
            ),
        ]
    )
    out["glorot_initial"] = _f(model.layers[1].get_weights()[0][:3, 0])
    model.compile(loss="mse", optimizer="nadam", metrics=["mae"])
    _init(model, seed=202)
    out["many_custom_parts"] = fit(model)
    out["positive_weights"] = bool((model.layers[1].get_weights()[0] >= 0).all())
    model.save(os.path.join(tmp, "my_model_with_many_custom_parts.keras"))
    model = tf.keras.models.load_model(
        os.path.join(tmp, "my_model_with_many_custom_parts.keras"),
        custom_objects={
            "my_l1_regularizer": my_l1_regularizer,
            "my_positive_weights": my_positive_weights,
            "my_glorot_initializer": my_glorot_initializer,
            "my_softplus": my_softplus,
        },
    )
    out["many_custom_parts_loaded"] = fit(model)

    class MyL1Regularizer(tf.keras.regularizers.Regularizer):
        def __init__(self, factor):
            self.factor = factor

        def __call__(self, weights):
            return tf.reduce_sum(tf.abs(self.factor * weights))

        def get_config(self):
            return {"factor": self.factor}

    model = tf.keras.Sequential(
        [
            tf.keras.layers.Dense(
                30, activation="relu", kernel_initializer="he_normal", input_shape=input_shape
            ),
            tf.keras.layers.Dense(
                1,
                activation=my_softplus,
                kernel_regularizer=MyL1Regularizer(0.01),
                kernel_constraint=my_positive_weights,
                kernel_initializer=my_glorot_initializer,
            ),
        ]
    )
    model.compile(loss="mse", optimizer="nadam", metrics=["mae"])
    _init(model, seed=203)
    out["regularizer_class"] = fit(model)
    model.save(os.path.join(tmp, "my_model_with_many_custom_parts_2.keras"))
    model = tf.keras.models.load_model(
        os.path.join(tmp, "my_model_with_many_custom_parts_2.keras"),
        custom_objects={
            "MyL1Regularizer": MyL1Regularizer,
            "my_positive_weights": my_positive_weights,
            "my_glorot_initializer": my_glorot_initializer,
            "my_softplus": my_softplus,
        },
    )
    out["regularizer_class_loaded"] = fit(model)
    out["regularizer_factor"] = model.layers[1].kernel_regularizer.factor
    return out


@tf_scenario
def ch12_custom_metrics_and_layers(keras):
    tf = _tf(keras)
    tmp = tempfile.mkdtemp()
    X_train_scaled, X_valid_scaled, X_test_scaled, y_train, y_valid, y_test = _scaled_housing(21)
    input_shape = X_train_scaled.shape[1:]
    out = {}

    def fit(model, epochs=2, x=X_train_scaled, valid=X_valid_scaled):
        history = model.fit(
            x, y_train, epochs=epochs, validation_data=(valid, y_valid), shuffle=False, verbose=0
        )
        return _hist(history)

    def create_huber(threshold=1.0):
        def huber_fn(y_true, y_pred):
            error = y_true - y_pred
            is_small_error = tf.abs(error) < threshold
            squared_loss = tf.square(error) / 2
            linear_loss = threshold * tf.abs(error) - threshold**2 / 2
            return tf.where(is_small_error, squared_loss, linear_loss)

        return huber_fn

    model = tf.keras.Sequential(
        [
            tf.keras.layers.Dense(
                30, activation="relu", kernel_initializer="he_normal", input_shape=input_shape
            ),
            tf.keras.layers.Dense(1),
        ]
    )
    model.compile(loss="mse", optimizer="nadam", metrics=[create_huber(2.0)])
    _init(model, seed=210)
    out["huber_metric_fn"] = fit(model)

    # streaming metrics
    precision = tf.keras.metrics.Precision()
    first = precision([0, 1, 1, 1, 0, 1, 0, 1], [1, 1, 0, 1, 0, 1, 0, 1])
    second = precision([0, 1, 0, 0, 1, 0, 1, 1], [1, 0, 1, 1, 0, 0, 0, 0])
    out["precision"] = _f([_np(first), _np(second), _np(precision.result())])
    out["precision_variables"] = [_f(_np(v)) for v in precision.variables]
    precision.reset_state()
    out["precision_reset"] = [_f(_np(v)) for v in precision.variables]

    class HuberMetric(tf.keras.metrics.Metric):
        def __init__(self, threshold=1.0, **kwargs):
            super().__init__(**kwargs)  # handles base args (e.g., dtype)
            self.threshold = threshold
            self.huber_fn = create_huber(threshold)
            self.total = self.add_weight(name="total", initializer="zeros")
            self.count = self.add_weight(name="count", initializer="zeros")

        def update_state(self, y_true, y_pred, sample_weight=None):
            sample_metrics = self.huber_fn(y_true, y_pred)
            self.total.assign_add(tf.reduce_sum(sample_metrics))
            self.count.assign_add(tf.cast(tf.size(y_true), tf.float32))

        def result(self):
            return self.total / self.count

        def get_config(self):
            base_config = super().get_config()
            return {**base_config, "threshold": self.threshold}

    m = HuberMetric(2.0)
    # total = 2 * |10 - 2| - 2²/2 = 14
    # count = 1
    # result = 14 / 1 = 14
    first = m(tf.constant([[2.0]]), tf.constant([[10.0]]))
    # total = total + (|1 - 0|² / 2) + (2 * |9.25 - 5| - 2² / 2) = 14 + 7 = 21
    # count = count + 2 = 3
    # result = total / count = 21 / 3 = 7
    second = m(tf.constant([[0.0], [5.0]]), tf.constant([[1.0], [9.25]]))
    out["huber_metric"] = _f([_np(first), _np(second), _np(m.result())])
    out["huber_metric_variables"] = [_f(_np(v)) for v in m.variables]
    m.reset_state()
    out["huber_metric_reset"] = [_f(_np(v)) for v in m.variables]

    model = tf.keras.Sequential(
        [
            tf.keras.layers.Dense(
                30, activation="relu", kernel_initializer="he_normal", input_shape=input_shape
            ),
            tf.keras.layers.Dense(1),
        ]
    )
    model.compile(loss=create_huber(2.0), optimizer="nadam", metrics=[HuberMetric(2.0)])
    _init(model, seed=211)
    out["huber_metric_class"] = fit(model)
    model.save(os.path.join(tmp, "my_model_with_a_custom_metric.keras"))
    model = tf.keras.models.load_model(
        os.path.join(tmp, "my_model_with_a_custom_metric.keras"),
        custom_objects={"huber_fn": create_huber(2.0), "HuberMetric": HuberMetric},
    )
    out["huber_metric_class_loaded"] = fit(model)
    out["huber_metric_names"] = [m.name for m in model.metrics]

    # custom layers
    exponential_layer = tf.keras.layers.Lambda(lambda x: tf.exp(x))
    out["exponential_layer"] = _f(_np(exponential_layer(np.array([-1.0, 0.0, 1.0]))))
    model = tf.keras.Sequential(
        [
            tf.keras.layers.Dense(30, activation="relu", input_shape=input_shape),
            tf.keras.layers.Dense(1),
            exponential_layer,
        ]
    )
    model.compile(loss="mse", optimizer="sgd")
    _init(model, seed=212)
    out["exponential_model"] = fit(model)
    out["exponential_evaluate"] = _f(model.evaluate(X_test_scaled, y_test, verbose=0))

    class MyDense(tf.keras.layers.Layer):
        def __init__(self, units, activation=None, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.activation = tf.keras.activations.get(activation)

        def build(self, batch_input_shape):
            self.kernel = self.add_weight(
                name="kernel",
                shape=[batch_input_shape[-1], self.units],
                initializer="he_normal",
            )
            self.bias = self.add_weight(name="bias", shape=[self.units], initializer="zeros")

        def call(self, X):
            return self.activation(X @ self.kernel + self.bias)

        def get_config(self):
            base_config = super().get_config()
            return {
                **base_config,
                "units": self.units,
                "activation": tf.keras.activations.serialize(self.activation),
            }

    model = tf.keras.Sequential(
        [MyDense(30, activation="relu", input_shape=input_shape), MyDense(1)]
    )
    model.compile(loss="mse", optimizer="nadam")
    _init(model, seed=213)
    out["my_dense"] = fit(model)
    out["my_dense_summary"] = _summary(model)
    model.save(os.path.join(tmp, "my_model_with_a_custom_layer.keras"))
    model = tf.keras.models.load_model(
        os.path.join(tmp, "my_model_with_a_custom_layer.keras"),
        custom_objects={"MyDense": MyDense},
    )
    out["my_dense_loaded"] = _f(model.evaluate(X_test_scaled, y_test, verbose=0))
    out["my_dense_config"] = sorted(model.layers[0].get_config())

    shapes = []

    class MyMultiLayer(tf.keras.layers.Layer):
        def call(self, X):
            X1, X2 = X
            shapes.append([list(X1.shape), list(X2.shape)])  # (print(X1.shape, X2.shape))
            return X1 + X2, X1 * X2, X1 / X2

    inputs1 = tf.keras.layers.Input(shape=[2])
    inputs2 = tf.keras.layers.Input(shape=[2])
    a, b, c = MyMultiLayer()((inputs1, inputs2))
    out["multi_layer_shapes"] = [list(t.shape) for t in (a, b, c)]

    def split_data(data):
        columns_count = data.shape[-1]
        half = columns_count // 2
        return data[:, :half], data[:, half:]

    X_train_scaled_A, X_train_scaled_B = split_data(X_train_scaled)
    X_valid_scaled_A, X_valid_scaled_B = split_data(X_valid_scaled)
    X_test_scaled_A, X_test_scaled_B = split_data(X_test_scaled)
    outputs1, outputs2, outputs3 = MyMultiLayer()((X_train_scaled_A, X_train_scaled_B))
    out["multi_layer_eager"] = _f(_np(outputs2)[0])

    input_A = tf.keras.layers.Input(shape=X_train_scaled_A.shape[-1:])
    input_B = tf.keras.layers.Input(shape=X_train_scaled_B.shape[-1:])
    hidden_A, hidden_B = MyMultiLayer()((input_A, input_B))[:2]
    hidden_A = tf.keras.layers.Dense(30, activation="selu")(hidden_A)
    hidden_B = tf.keras.layers.Dense(30, activation="selu")(hidden_B)
    concat = tf.keras.layers.Concatenate()((hidden_A, hidden_B))
    output = tf.keras.layers.Dense(1)(concat)
    model = tf.keras.Model(inputs=[input_A, input_B], outputs=[output])
    model.compile(loss="mse", optimizer="nadam")
    _init(model, seed=214)
    history = model.fit(
        (X_train_scaled_A, X_train_scaled_B),
        y_train,
        epochs=2,
        validation_data=((X_valid_scaled_A, X_valid_scaled_B), y_valid),
        shuffle=False,
        verbose=0,
    )
    out["multi_layer_model"] = _hist(history)

    class MyGaussianNoise(tf.keras.layers.Layer):
        def __init__(self, stddev, **kwargs):
            super().__init__(**kwargs)
            self.stddev = stddev

        def call(self, X, training=False):
            if training:
                # (tf.random.normal(tf.shape(X), stddev=self.stddev))
                noise = keras.random.normal(tf.shape(X), stddev=self.stddev)
                return X + noise
            else:
                return X

    model = tf.keras.Sequential(
        [
            MyGaussianNoise(stddev=1.0, input_shape=input_shape),
            tf.keras.layers.Dense(30, activation="relu", kernel_initializer="he_normal"),
            tf.keras.layers.Dense(1),
        ]
    )
    model.compile(loss="mse", optimizer="nadam")
    _init(model, seed=215)
    out["gaussian_noise_evaluate"] = _f(model.evaluate(X_test_scaled, y_test, verbose=0))
    noisy = _np(model(X_test_scaled[:4], training=True))
    out["gaussian_noise_training_differs"] = bool(
        np.abs(noisy - model.predict(X_test_scaled[:4], verbose=0)).max() > 1e-3
    )
    out["gaussian_noise_fit"] = _finite(
        model.fit(X_train_scaled, y_train, epochs=2, shuffle=False, verbose=0)
    )

    # custom models
    class ResidualBlock(tf.keras.layers.Layer):
        def __init__(self, n_layers, n_neurons, **kwargs):
            super().__init__(**kwargs)
            self.hidden = [
                tf.keras.layers.Dense(n_neurons, activation="relu", kernel_initializer="he_normal")
                for _ in range(n_layers)
            ]

        def call(self, inputs):
            Z = inputs
            for layer in self.hidden:
                Z = layer(Z)
            return inputs + Z

    class ResidualRegressor(tf.keras.Model):
        def __init__(self, output_dim, **kwargs):
            super().__init__(**kwargs)
            self.hidden1 = tf.keras.layers.Dense(
                30, activation="relu", kernel_initializer="he_normal"
            )
            self.block1 = ResidualBlock(2, 30)
            self.block2 = ResidualBlock(2, 30)
            self.out = tf.keras.layers.Dense(output_dim)

        def call(self, inputs):
            Z = self.hidden1(inputs)
            for _ in range(1 + 3):
                Z = self.block1(Z)
            Z = self.block2(Z)
            return self.out(Z)

    model = ResidualRegressor(1)
    model.compile(loss="mse", optimizer="nadam")
    model(X_train_scaled[:1])  # (built, for the fixed weights)
    _init(model, seed=216)
    out["residual_regressor"] = fit(model)
    out["residual_regressor_evaluate"] = _f(model.evaluate(X_test_scaled, y_test, verbose=0))
    out["residual_regressor_weights"] = len(model.weights)
    out["residual_regressor_layers"] = [layer.name for layer in model.layers]

    # losses and metrics based on model internals
    class ReconstructingRegressor(tf.keras.Model):
        def __init__(self, output_dim, **kwargs):
            super().__init__(**kwargs)
            self.hidden = [
                tf.keras.layers.Dense(30, activation="relu", kernel_initializer="he_normal")
                for _ in range(5)
            ]
            self.out = tf.keras.layers.Dense(output_dim)

        def build(self, batch_input_shape):
            n_inputs = batch_input_shape[-1]
            self.reconstruct = tf.keras.layers.Dense(n_inputs)
            super().build(batch_input_shape)

        def call(self, inputs, training=False):
            Z = inputs
            for layer in self.hidden:
                Z = layer(Z)
            reconstruction = self.reconstruct(Z)
            recon_loss = tf.reduce_mean(tf.square(reconstruction - inputs))
            self.add_loss(0.05 * recon_loss)
            # (its reconstruction_mean metric: ch12_reconstructing_regressor_metric)
            return self.out(Z)

    model = ReconstructingRegressor(1)
    model.compile(loss="mse", optimizer="nadam")
    model(X_train_scaled[:1])  # (built, for the fixed weights)
    _init(model, seed=218)
    out["reconstructing"] = fit(model)
    y_pred = model.predict(X_test_scaled[:3], verbose=0)
    out["reconstructing_predict"] = _f(y_pred)
    out["reconstructing_losses"] = len(model.losses)
    return out


@tf_scenario
def ch12_reconstructing_regressor_metric(keras):
    """Chapter 12's ReconstructingRegressor with its reconstruction metric, updated in
    `call` during training (Keras 2's `self.add_metric(result)`)."""
    tf = _tf(keras)
    X_train_scaled, X_valid_scaled, X_test_scaled, y_train, y_valid, y_test = _scaled_housing(23)
    out = {}

    def fit(model, epochs=2):
        history = model.fit(
            X_train_scaled,
            y_train,
            epochs=epochs,
            validation_data=(X_valid_scaled, y_valid),
            shuffle=False,
            verbose=0,
        )
        return _hist(history)

    class ReconstructingRegressor(tf.keras.Model):
        def __init__(self, output_dim, **kwargs):
            super().__init__(**kwargs)
            self.hidden = [
                tf.keras.layers.Dense(30, activation="relu", kernel_initializer="he_normal")
                for _ in range(5)
            ]
            self.out = tf.keras.layers.Dense(output_dim)
            self.reconstruction_mean = tf.keras.metrics.Mean(name="reconstruction_error")

        def build(self, batch_input_shape):
            n_inputs = batch_input_shape[-1]
            self.reconstruct = tf.keras.layers.Dense(n_inputs)
            super().build(batch_input_shape)

        def call(self, inputs, training=False):
            Z = inputs
            for layer in self.hidden:
                Z = layer(Z)
            reconstruction = self.reconstruct(Z)
            recon_loss = tf.reduce_mean(tf.square(reconstruction - inputs))
            self.add_loss(0.05 * recon_loss)
            if training:
                # (self.add_metric(result): Keras 3 reports the tracked metric itself)
                self.reconstruction_mean.update_state(recon_loss)
            return self.out(Z)

    model = ReconstructingRegressor(1)
    model.compile(loss="mse", optimizer="nadam")
    model(X_train_scaled[:1])  # (built, for the fixed weights)
    _init(model, seed=218)
    out["reconstructing"] = fit(model)
    y_pred = model.predict(X_test_scaled[:3], verbose=0)
    out["reconstructing_predict"] = _f(y_pred)
    out["reconstructing_losses"] = len(model.losses)
    return out


@tf_scenario
def ch12_tape_and_custom_training_loop(keras):
    tf = _tf(keras)
    out = {}

    def f(w1, w2):
        return 3 * w1**2 + 2 * w1 * w2

    w1, w2 = tf.Variable(5.0), tf.Variable(3.0)
    with tf.GradientTape() as tape:
        z = f(w1, w2)
    gradients = tape.gradient(z, [w1, w2])
    out["gradients"] = _f([_np(g) for g in gradients])

    with tf.GradientTape(persistent=True) as tape:
        z = f(w1, w2)
    dz_dw1 = tape.gradient(z, w1)  # returns tensor 36.0
    dz_dw2 = tape.gradient(z, w2)  # returns tensor 10.0, works fine now!
    del tape
    out["persistent"] = _f([_np(dz_dw1), _np(dz_dw2)])

    c1, c2 = tf.constant(5.0), tf.constant(3.0)
    # (the gradient of f(c1, c2) with respect to unwatched constants: TensorFlow's
    # [None, None]; numkeras raises a TapeError on a target no tape recorded)

    # (`tape.watch(c1); tape.watch(c2)` then f(c1, c2): numkeras's constants are NumPy
    # arrays, whose Python operators no tape sees; its `watch` returns a recorded tensor to
    # compute with, where TensorFlow's returns None)

    with tf.GradientTape() as tape:
        z1 = f(w1, w2 + 2.0)
        z2 = f(w1, w2 + 5.0)
        z3 = f(w1, w2 + 7.0)
    out["several_targets"] = _f([_np(g) for g in tape.gradient([z1, z2, z3], [w1, w2])])

    def f(w1, w2):
        return 3 * w1**2 + tf.stop_gradient(2 * w1 * w2)

    with tf.GradientTape() as tape:
        z = f(w1, w2)  # the forward pass is not affected by stop_gradient()
    gradients = tape.gradient(z, [w1, w2])
    out["stop_gradient"] = [_f(_np(z)), _f(_np(gradients[0])), gradients[1] is None]

    x = tf.Variable(1e-50)
    with tf.GradientTape() as tape:
        z = tf.sqrt(x)
    out["sqrt_at_tiny"] = str(float(_np(tape.gradient(z, [x])[0])))  # ("inf")

    def my_softplus(z):
        return tf.math.log(1 + tf.exp(-tf.abs(z))) + tf.maximum(0.0, z)

    x = tf.Variable([1.0e30])
    with tf.GradientTape() as tape:
        z = my_softplus(x)
    out["stable_softplus"] = [_f(_np(z)), _f(_np(tape.gradient(z, [x])[0]))]

    @tf.custom_gradient
    def my_softplus(z):
        def my_softplus_gradients(grads):  # grads = backprop'ed from upper layers
            return grads * (1 - 1 / (1 + tf.exp(z)))  # stable grads of softplus

        result = tf.math.log(1 + tf.exp(-tf.abs(z))) + tf.maximum(0.0, z)
        return result, my_softplus_gradients

    x = tf.Variable([1000.0])
    with tf.GradientTape() as tape:
        z = my_softplus(x)
    out["custom_gradient"] = [_f(_np(z)), _f(_np(tape.gradient(z, [x])[0]))]

    # a custom training loop
    X_train_scaled, X_valid_scaled, X_test_scaled, y_train, y_valid, y_test = _scaled_housing(22)
    tf.keras.utils.set_random_seed(42)
    l2_reg = tf.keras.regularizers.l2(0.05)
    model = tf.keras.models.Sequential(
        [
            tf.keras.layers.Dense(
                30, activation="relu", kernel_initializer="he_normal", kernel_regularizer=l2_reg
            ),
            tf.keras.layers.Dense(1, kernel_regularizer=l2_reg),
        ]
    )
    model(X_train_scaled[:1])  # (built, for the fixed weights)
    _init(model, seed=220)

    draws = np.random.default_rng(221)  # (np.random.randint: a seeded generator)

    def random_batch(X, y, batch_size=32):
        idx = draws.integers(len(X), size=batch_size)
        return X[idx], y[idx]

    status = []

    def print_status_bar(step, total, loss, metrics=None):
        metrics = " - ".join(
            [f"{m.name}: {float(_np(m.result())):.4f}" for m in [loss] + (metrics or [])]
        )
        end = "" if step < total else "\n"
        status.append(f"{step}/{total} - " + metrics)  # (print(..., end=end))

    n_epochs = 3  # (5)
    batch_size = 16  # (32)
    n_steps = len(X_train_scaled) // batch_size
    optimizer = tf.keras.optimizers.SGD(learning_rate=0.01)
    loss_fn = tf.keras.losses.mean_squared_error
    mean_loss = tf.keras.metrics.Mean()
    metrics = [tf.keras.metrics.MeanAbsoluteError()]
    results = []
    for epoch in range(1, n_epochs + 1):
        for step in range(1, n_steps + 1):
            X_batch, y_batch = random_batch(X_train_scaled, y_train, batch_size)
            with tf.GradientTape() as tape:
                y_pred = model(X_batch, training=True)
                main_loss = tf.reduce_mean(loss_fn(y_batch, y_pred))
                loss = tf.add_n([main_loss] + model.losses)

            gradients = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(gradients, model.trainable_variables))

            # extra code – if your model has variable constraints
            for variable in model.variables:
                if variable.constraint is not None:
                    variable.assign(variable.constraint(variable))

            mean_loss(loss)
            for metric in metrics:
                metric(y_batch, y_pred)

            print_status_bar(step, n_steps, mean_loss, metrics)

        results.append([float(_np(m.result())) for m in [mean_loss] + metrics])
        for metric in [mean_loss] + metrics:
            metric.reset_state()
    out["loop_results"] = _f(results)
    out["loop_status"] = status[-1]
    out["loop_predict"] = _f(model.predict(X_test_scaled[:3], verbose=0))
    out["loop_iterations"] = int(_np(optimizer.iterations))
    return out


# ---- chapter 14: deep computer vision with CNNs ------------------------------------------


@tf_scenario
def ch14_cnn_and_resnet34(keras):
    tf = types.SimpleNamespace(keras=keras)
    X_train, y_train, X_valid, y_valid, X_test, y_test = _fashion_split(seed=30)
    X_train, X_valid, X_test = X_train[:32], X_valid[:8], X_test[:8]
    y_train, y_valid, y_test = y_train[:32], y_valid[:8], y_test[:8]
    X_train, X_valid, X_test = X_train[..., np.newaxis], X_valid[..., np.newaxis], X_test[..., None]
    out = {}

    DefaultConv2D = partial(
        tf.keras.layers.Conv2D,
        kernel_size=3,
        padding="same",
        activation="relu",
        kernel_initializer="he_normal",
    )
    # (filters 64, 128, 256 and units 128, 64: 8, 16, 32 and 32, 16; dropout 0.5: 0)
    model = tf.keras.Sequential(
        [
            DefaultConv2D(filters=8, kernel_size=7, input_shape=[28, 28, 1]),
            tf.keras.layers.MaxPool2D(),
            DefaultConv2D(filters=16),
            DefaultConv2D(filters=16),
            tf.keras.layers.MaxPool2D(),
            DefaultConv2D(filters=32),
            DefaultConv2D(filters=32),
            tf.keras.layers.MaxPool2D(),
            tf.keras.layers.Flatten(),
            tf.keras.layers.Dense(units=32, activation="relu", kernel_initializer="he_normal"),
            tf.keras.layers.Dropout(0.0),
            tf.keras.layers.Dense(units=16, activation="relu", kernel_initializer="he_normal"),
            tf.keras.layers.Dropout(0.0),
            tf.keras.layers.Dense(units=10, activation="softmax"),
        ]
    )
    model.compile(loss="sparse_categorical_crossentropy", optimizer="nadam", metrics=["accuracy"])
    _init(model, seed=300)
    history = model.fit(
        X_train,
        y_train,
        epochs=2,  # (10)
        batch_size=16,
        validation_data=(X_valid, y_valid),
        shuffle=False,
        verbose=0,
    )
    out["cnn_summary"] = _summary(model)
    out["cnn_history"] = _hist(history)
    score = model.evaluate(X_test, y_test, verbose=0)
    X_new = X_test[:3]  # pretend we have new images
    y_pred = model.predict(X_new, verbose=0)
    out["cnn_evaluate"] = _f(score)
    out["cnn_predict"] = _f(y_pred)

    # ResNet-34
    tf.keras.backend.clear_session()
    DefaultConv2D = partial(
        tf.keras.layers.Conv2D,
        kernel_size=3,
        strides=1,
        padding="same",
        kernel_initializer="he_normal",
        use_bias=False,
    )

    class ResidualUnit(tf.keras.layers.Layer):
        def __init__(self, filters, strides=1, activation="relu", **kwargs):
            super().__init__(**kwargs)
            self.activation = tf.keras.activations.get(activation)
            self.main_layers = [
                DefaultConv2D(filters, strides=strides),
                tf.keras.layers.BatchNormalization(),
                self.activation,
                DefaultConv2D(filters),
                tf.keras.layers.BatchNormalization(),
            ]
            self.skip_layers = []
            if strides > 1:
                self.skip_layers = [
                    DefaultConv2D(filters, kernel_size=1, strides=strides),
                    tf.keras.layers.BatchNormalization(),
                ]

        def call(self, inputs):
            Z = inputs
            for layer in self.main_layers:
                Z = layer(Z)
            skip_Z = inputs
            for layer in self.skip_layers:
                skip_Z = layer(skip_Z)
            return self.activation(Z + skip_Z)

    # (224 x 224 images: 32 x 32; filters 64, 128, 256, 512: 4, 8, 16, 32)
    model = tf.keras.Sequential(
        [
            DefaultConv2D(4, kernel_size=7, strides=2, input_shape=[32, 32, 3]),
            tf.keras.layers.BatchNormalization(),
            tf.keras.layers.Activation("relu"),
            tf.keras.layers.MaxPool2D(pool_size=3, strides=2, padding="same"),
        ]
    )
    prev_filters = 4
    for filters in [4] * 3 + [8] * 4 + [16] * 6 + [32] * 3:
        strides = 1 if filters == prev_filters else 2
        model.add(ResidualUnit(filters, strides=strides))
        prev_filters = filters

    model.add(tf.keras.layers.GlobalAvgPool2D())
    model.add(tf.keras.layers.Flatten())
    model.add(tf.keras.layers.Dense(10, activation="softmax"))
    out["resnet_summary"] = _summary(model)
    _init(model, seed=301)
    images = _THIRD._images(16, size=32, seed=302)
    x = images[0].astype("float32") / 255
    y = images[1]
    out["resnet_predict"] = _f(model.predict(x[:4], verbose=0))
    model.compile(loss="sparse_categorical_crossentropy", optimizer="nadam", metrics=["accuracy"])
    history = model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    out["resnet_history"] = _hist(history)
    out["resnet_predict_after"] = _f(model.predict(x[:4], verbose=0))
    bn = model.layers[4].main_layers[1]
    out["resnet_unit_bn_moving_var"] = _f(_np(bn.moving_variance))
    return out


# ---- chapter 15: processing sequences using RNNs and CNNs --------------------------------


def _windows(series, length):
    """tf.data's `window(length, shift=1, drop_remainder=True)` then `batch(length)`."""
    return np.lib.stride_tricks.sliding_window_view(series, length, axis=0).swapaxes(1, -1)


def _to_seq2seq(series, seq_length, ahead=14, target_col=1):
    """The notebook's `to_seq2seq_dataset` (two `to_windows`) as arrays: each window of
    `seq_length` steps, and at each step the next `ahead` values of the target column."""
    s = _windows(series, ahead + 1)  # (n, ahead + 1, features)
    s = np.lib.stride_tricks.sliding_window_view(s, seq_length, axis=0)  # (m, ahead+1, f, L)
    s = s.transpose(0, 3, 1, 2)  # (m, seq_length, ahead + 1, features)
    return s[:, :, 0].astype("float32"), s[:, :, 1:, target_col].astype("float32")


@tf_scenario
def ch15_rnn_forecasting(keras):
    tf = types.SimpleNamespace(keras=keras)
    bus, rail, next_day_type = _ridership(260, seed=40)
    rail_train, rail_valid = (
        rail[:180],
        rail[180:],
    )  # (["2016-01":"2018-12"], ["2019-01":"2019-05"])
    seq_length = 14  # (56)
    out = {}

    train_ds = tf.keras.utils.timeseries_dataset_from_array(
        rail_train,
        targets=rail_train[seq_length:],
        sequence_length=seq_length,
        batch_size=32,
        shuffle=False,  # (shuffle=True, seed=42: the libraries' shuffles differ)
    )
    valid_ds = tf.keras.utils.timeseries_dataset_from_array(
        rail_valid, targets=rail_valid[seq_length:], sequence_length=seq_length, batch_size=32
    )

    def fit_and_evaluate(model, train_set, valid_set, learning_rate, epochs=500, seed=400):
        early_stopping_cb = tf.keras.callbacks.EarlyStopping(
            monitor="val_mae", patience=2, restore_best_weights=True
        )  # (patience=50)
        opt = tf.keras.optimizers.SGD(learning_rate=learning_rate, momentum=0.9)
        model.compile(loss=tf.keras.losses.Huber(), optimizer=opt, metrics=["mae"])
        _init(model, seed=seed)  # (the fixed weights)
        history = model.fit(
            train_set,
            validation_data=valid_set,
            epochs=epochs,
            callbacks=[early_stopping_cb],
            verbose=0,
        )
        valid_loss, valid_mae = model.evaluate(valid_set, verbose=0)
        return history, valid_mae * 1e6

    model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=[seq_length])])
    history, mae = fit_and_evaluate(model, train_ds, valid_ds, learning_rate=0.02, epochs=6)
    out["linear"] = {"history": _hist(history), "mae": _f(mae, 1)}

    univar_model = tf.keras.Sequential([tf.keras.layers.SimpleRNN(1, input_shape=[None, 1])])
    history, mae = fit_and_evaluate(univar_model, train_ds, valid_ds, 0.02, epochs=4, seed=401)
    out["simple_rnn_1"] = {"history": _hist(history), "mae": _f(mae, 1)}

    univar_model = tf.keras.Sequential(
        [tf.keras.layers.SimpleRNN(32, input_shape=[None, 1]), tf.keras.layers.Dense(1)]
    )
    history, mae = fit_and_evaluate(univar_model, train_ds, valid_ds, 0.05, epochs=4, seed=402)
    out["simple_rnn_32"] = {"history": _hist(history), "mae": _f(mae, 1)}

    deep_model = tf.keras.Sequential(
        [
            tf.keras.layers.SimpleRNN(32, return_sequences=True, input_shape=[None, 1]),
            tf.keras.layers.SimpleRNN(32, return_sequences=True),
            tf.keras.layers.SimpleRNN(32),
            tf.keras.layers.Dense(1),
        ]
    )
    history, mae = fit_and_evaluate(deep_model, train_ds, valid_ds, 0.01, epochs=3, seed=403)
    out["deep_rnn"] = {"history": _hist(history), "mae": _f(mae, 1)}
    out["deep_rnn_predict"] = _f(deep_model.predict(rail_valid[np.newaxis, :seq_length], verbose=0))

    # multivariate: bus, rail and the next day's type
    mulvar = np.column_stack([bus, rail, next_day_type])
    mulvar_train, mulvar_valid = mulvar[:180], mulvar[180:]
    train_mulvar_ds = tf.keras.utils.timeseries_dataset_from_array(
        mulvar_train.astype(np.float32),  # use all 5 columns as input
        targets=mulvar_train[seq_length:, 1],  # forecast only the rail series
        sequence_length=seq_length,
        batch_size=32,
        shuffle=False,
    )
    valid_mulvar_ds = tf.keras.utils.timeseries_dataset_from_array(
        mulvar_valid.astype(np.float32),
        targets=mulvar_valid[seq_length:, 1],
        sequence_length=seq_length,
        batch_size=32,
    )
    mulvar_model = tf.keras.Sequential(
        [tf.keras.layers.SimpleRNN(32, input_shape=[None, 5]), tf.keras.layers.Dense(1)]
    )
    history, mae = fit_and_evaluate(
        mulvar_model, train_mulvar_ds, valid_mulvar_ds, 0.05, epochs=3, seed=404
    )
    out["mulvar"] = {"history": _hist(history), "mae": _f(mae, 1)}

    # forecasting 14 steps ahead at once
    def split_inputs_and_targets(mulvar_series, ahead=14, target_col=1):
        return mulvar_series[:, :-ahead], mulvar_series[:, -ahead:, target_col]

    # (timeseries_dataset_from_array(..., targets=None).map(split_inputs_and_targets): arrays)
    ahead_train = split_inputs_and_targets(_windows(mulvar_train, seq_length + 14))
    ahead_valid = split_inputs_and_targets(_windows(mulvar_valid, seq_length + 14))
    ahead_model = tf.keras.Sequential(
        [tf.keras.layers.SimpleRNN(32, input_shape=[None, 5]), tf.keras.layers.Dense(14)]
    )
    ahead_model.compile(
        loss=tf.keras.losses.Huber(),
        optimizer=tf.keras.optimizers.SGD(learning_rate=0.02, momentum=0.9),
        metrics=["mae"],
    )
    _init(ahead_model, seed=405)
    history = ahead_model.fit(
        *ahead_train, epochs=3, validation_data=ahead_valid, shuffle=False, verbose=0
    )
    out["ahead"] = _hist(history)
    X = mulvar_valid[np.newaxis, :seq_length]
    Y_pred = ahead_model.predict(X, verbose=0)  # shape [1, 14]
    out["ahead_predict"] = _f(Y_pred)
    return out


@tf_scenario
def ch15_seq2seq_conv_and_wavenet(keras):
    tf = types.SimpleNamespace(keras=keras)
    bus, rail, next_day_type = _ridership(200, seed=41)
    mulvar = np.column_stack([bus, rail, next_day_type])
    mulvar_train, mulvar_valid = mulvar[:140], mulvar[140:]
    seq_length = 14  # (56)
    # (to_seq2seq_dataset: its windows as arrays, fit's batches in order)
    seq2seq_train = _to_seq2seq(mulvar_train, seq_length)
    seq2seq_valid = _to_seq2seq(mulvar_valid, seq_length)
    out = {"shapes": [list(a.shape) for a in seq2seq_train]}

    def fit_and_evaluate(model, train_set, valid_set, learning_rate, epochs=500, seed=410):
        early_stopping_cb = tf.keras.callbacks.EarlyStopping(
            monitor="val_mae", patience=2, restore_best_weights=True
        )
        opt = tf.keras.optimizers.SGD(learning_rate=learning_rate, momentum=0.9)
        model.compile(loss=tf.keras.losses.Huber(), optimizer=opt, metrics=["mae"])
        model(train_set[0][:1])  # (built: a custom cell's layers build at the first call)
        _init(model, seed=seed)
        history = model.fit(
            *train_set,
            validation_data=valid_set,
            epochs=epochs,
            callbacks=[early_stopping_cb],
            shuffle=False,
            verbose=0,
        )
        valid_loss, valid_mae = model.evaluate(*valid_set, verbose=0)
        return history, valid_mae * 1e6

    seq2seq_model = tf.keras.Sequential(
        [
            tf.keras.layers.SimpleRNN(32, return_sequences=True, input_shape=[None, 5]),
            tf.keras.layers.Dense(14),
        ]
    )
    history, mae = fit_and_evaluate(seq2seq_model, seq2seq_train, seq2seq_valid, 0.1, epochs=3)
    X = mulvar_valid[np.newaxis, :seq_length]
    y_pred_14 = seq2seq_model.predict(X, verbose=0)[0, -1]  # only the last time step's output
    out["seq2seq"] = {"history": _hist(history), "mae": _f(mae, 1), "y_pred": _f(y_pred_14)}

    class LNSimpleRNNCell(tf.keras.layers.Layer):
        def __init__(self, units, activation="tanh", **kwargs):
            super().__init__(**kwargs)
            self.state_size = units
            self.output_size = units
            self.simple_rnn_cell = tf.keras.layers.SimpleRNNCell(units, activation=None)
            self.layer_norm = tf.keras.layers.LayerNormalization()
            self.activation = tf.keras.activations.get(activation)

        def call(self, inputs, states):
            outputs, new_states = self.simple_rnn_cell(inputs, states)
            norm_outputs = self.activation(self.layer_norm(outputs))
            return norm_outputs, [norm_outputs]

    custom_ln_model = tf.keras.Sequential(
        [
            tf.keras.layers.RNN(LNSimpleRNNCell(32), return_sequences=True, input_shape=[None, 5]),
            tf.keras.layers.Dense(14),
        ]
    )
    history, mae = fit_and_evaluate(
        custom_ln_model, seq2seq_train, seq2seq_valid, 0.1, epochs=3, seed=411
    )
    out["layer_norm_cell"] = {"history": _hist(history), "mae": _f(mae, 1)}

    lstm_model = tf.keras.models.Sequential(
        [
            tf.keras.layers.LSTM(32, return_sequences=True, input_shape=[None, 5]),
            tf.keras.layers.Dense(14),
        ]
    )
    history, mae = fit_and_evaluate(
        lstm_model, seq2seq_train, seq2seq_valid, 0.1, epochs=3, seed=412
    )
    out["lstm"] = {"history": _hist(history), "mae": _f(mae, 1)}

    gru_model = tf.keras.Sequential(
        [
            tf.keras.layers.GRU(32, return_sequences=True, input_shape=[None, 5]),
            tf.keras.layers.Dense(14),
        ]
    )
    history, mae = fit_and_evaluate(
        gru_model, seq2seq_train, seq2seq_valid, 0.1, epochs=3, seed=413
    )
    out["gru"] = {"history": _hist(history), "mae": _f(mae, 1)}

    conv_rnn_model = tf.keras.Sequential(
        [
            tf.keras.layers.Conv1D(
                filters=32, kernel_size=4, strides=2, activation="relu", input_shape=[None, 5]
            ),
            tf.keras.layers.GRU(32, return_sequences=True),
            tf.keras.layers.Dense(14),
        ]
    )
    # (longer windows, the targets downsampled: Y[:, 3::2])
    longer_train = _to_seq2seq(mulvar_train, seq_length=28)  # (112)
    longer_valid = _to_seq2seq(mulvar_valid, seq_length=28)
    downsampled_train = (longer_train[0], longer_train[1][:, 3::2])
    downsampled_valid = (longer_valid[0], longer_valid[1][:, 3::2])
    history, mae = fit_and_evaluate(
        conv_rnn_model, downsampled_train, downsampled_valid, 0.1, epochs=3, seed=414
    )
    out["conv_gru"] = {"history": _hist(history), "mae": _f(mae, 1)}
    out["conv_gru_shape"] = list(conv_rnn_model.predict(longer_valid[0][:2], verbose=0).shape)

    wavenet_model = tf.keras.Sequential()
    wavenet_model.add(tf.keras.layers.InputLayer(input_shape=[None, 5]))
    for rate in (1, 2, 4, 8) * 2:
        wavenet_model.add(
            tf.keras.layers.Conv1D(
                filters=32, kernel_size=2, padding="causal", activation="relu", dilation_rate=rate
            )
        )
    wavenet_model.add(tf.keras.layers.Conv1D(filters=14, kernel_size=1))
    history, mae = fit_and_evaluate(
        wavenet_model, longer_train, longer_valid, learning_rate=0.05, epochs=3, seed=415
    )
    out["wavenet"] = {"history": _hist(history), "mae": _f(mae, 1)}
    out["wavenet_summary"] = _summary(wavenet_model)
    return out


# ---- chapter 16: natural language processing with RNNs and attention ---------------------


@tf_scenario
def ch16_char_rnn_and_stateful_rnn(keras):
    tf = _tf(keras)
    shakespeare_text = _text(96, seed=50)  # (shakespeare.txt, 1.1 million characters)
    out = {"text_head": shakespeare_text[:40]}

    text_vec_layer = tf.keras.layers.TextVectorization(split="character", standardize="lower")
    text_vec_layer.adapt([shakespeare_text])
    encoded = text_vec_layer([shakespeare_text])[0]
    encoded -= 2  # drop tokens 0 (pad) and 1 (unknown), which we will not use
    encoded = _np(encoded)  # (the windows below: NumPy's, for tf.data's)
    n_tokens = text_vec_layer.vocabulary_size() - 2  # number of distinct chars = 39
    dataset_size = len(encoded)  # total number of chars = 1,115,394
    out["vocabulary"] = text_vec_layer.get_vocabulary()
    out["n_tokens"] = [n_tokens, dataset_size, encoded[:10].tolist()]

    def to_dataset(sequence, length):
        # (tf.data: window(length + 1, shift=1), batch, then (window[:, :-1], window[:, 1:]))
        window = _windows(sequence, length + 1)
        return window[:, :-1], window[:, 1:]

    length = 10  # (100)
    train_set = to_dataset(encoded[:400], length=length)  # ([:1_000_000])
    valid_set = to_dataset(encoded[400:500], length=length)
    test_set = to_dataset(encoded[500:], length=length)

    model = tf.keras.Sequential(
        [
            tf.keras.layers.Embedding(input_dim=n_tokens, output_dim=16),
            tf.keras.layers.GRU(32, return_sequences=True),  # (128)
            tf.keras.layers.Dense(n_tokens, activation="softmax"),
        ]
    )
    model.compile(loss="sparse_categorical_crossentropy", optimizer="nadam", metrics=["accuracy"])
    model(train_set[0][:1])  # (built, for the fixed weights)
    _init(model, seed=500)
    history = model.fit(
        *train_set, batch_size=32, validation_data=valid_set, epochs=2, shuffle=False, verbose=0
    )  # (epochs=10, a checkpoint callback)
    out["char_history"] = _hist(history)

    shakespeare_model = tf.keras.Sequential(
        [
            text_vec_layer,
            tf.keras.layers.Lambda(lambda X: X - 2),  # no <PAD> or <UNK> tokens
            model,
        ]
    )
    # (["To be or not to b"]: Keras 3 takes text as an object array, not a list)
    y_proba = shakespeare_model.predict(_text_array(["To be or not to b"]), verbose=0)[0, -1]
    y_pred = int(_np(tf.argmax(y_proba)))  # choose the most probable character ID
    out["next_char"] = text_vec_layer.get_vocabulary()[y_pred + 2]
    out["next_char_proba"] = _f(y_proba[:6])

    # a stateful RNN
    def to_non_overlapping_windows(sequence, length):
        # (tf.data: window(length + 1, shift=length), batch, (window[:-1], window[1:]))
        starts = range(0, len(sequence) - length, length)
        return np.stack([sequence[s : s + length + 1] for s in starts])

    def to_batched_dataset_for_stateful_rnn(sequence, length, batch_size=32):
        parts = np.array_split(sequence, batch_size)
        datasets = tuple(to_non_overlapping_windows(part, length) for part in parts)
        n = min(len(d) for d in datasets)  # (tf.data.Dataset.zip stops at the shortest)
        windows = np.stack([d[:n] for d in datasets], axis=1)  # (step, batch, length + 1)
        return [(w[:, :-1], w[:, 1:]) for w in windows]

    batch_size = 4  # (32)
    stateful_train_set = to_batched_dataset_for_stateful_rnn(encoded[:400], length, batch_size)
    stateful_valid_set = to_batched_dataset_for_stateful_rnn(encoded[400:560], length, batch_size)
    out["stateful_batches"] = [len(stateful_train_set), list(stateful_train_set[0][0].shape)]

    tf.keras.backend.clear_session()
    model = tf.keras.Sequential(
        [
            # (batch_input_shape=[batch_size, None] on the Embedding: Keras 3's Input)
            tf.keras.layers.Input(batch_shape=[batch_size, None]),
            tf.keras.layers.Embedding(input_dim=n_tokens, output_dim=16),
            tf.keras.layers.GRU(32, return_sequences=True, stateful=True),
            tf.keras.layers.Dense(n_tokens, activation="softmax"),
        ]
    )
    _init(model, seed=501)

    class ResetStatesCallback(tf.keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs):
            # (self.model.reset_states(): Keras 3 resets each stateful layer)
            for layer in self.model.layers:
                if getattr(layer, "stateful", False):
                    layer.reset_states()

    model.compile(loss="sparse_categorical_crossentropy", optimizer="nadam", metrics=["accuracy"])
    x_train = np.concatenate([x for x, _ in stateful_train_set])
    y_train = np.concatenate([y for _, y in stateful_train_set])
    x_valid = np.concatenate([x for x, _ in stateful_valid_set])
    y_valid = np.concatenate([y for _, y in stateful_valid_set])
    history = model.fit(
        x_train,
        y_train,
        batch_size=batch_size,
        validation_data=(x_valid, y_valid),
        epochs=2,  # (10)
        callbacks=[ResetStatesCallback()],
        shuffle=False,
        verbose=0,
    )
    out["stateful_history"] = _hist(history)
    gru = model.layers[1]
    out["stateful_state"] = _f(_np(gru.states[0])[0, :4])
    gru.reset_states()
    out["stateful_state_reset"] = _f(_np(gru.states[0])[0, :4])
    out["stateful_predict"] = _f(model.predict(x_valid[:batch_size], verbose=0)[0, -1, :5])
    return out


def _reviews(n, seed):
    rng = np.random.default_rng(seed)
    good, bad = ["nobler", "fortune", "sleep"], ["slings", "arrows", "troubles"]
    texts, labels = [], []
    for _ in range(n):
        label = int(rng.integers(0, 2))
        words = [_WORDS[i] for i in rng.integers(0, len(_WORDS), rng.integers(3, 12))]
        words.insert(int(rng.integers(0, len(words))), (good if label else bad)[rng.integers(3)])
        texts.append(" ".join(words).capitalize() + ".")
        labels.append(label)
    return _text_array(texts), np.array(labels)


@tf_scenario
def ch16_sentiment_and_encoder_decoder(keras):
    tf = _tf(keras)
    X_train, y_train = _reviews(48, seed=51)  # (IMDB via tfds: 25,000 reviews)
    X_valid, y_valid = _reviews(16, seed=52)
    out = {}

    vocab_size = 40  # (1000)
    text_vec_layer = tf.keras.layers.TextVectorization(max_tokens=vocab_size)
    text_vec_layer.adapt(X_train)
    out["vocabulary"] = text_vec_layer.get_vocabulary()[:8]
    embed_size = 16  # (128)
    model = tf.keras.Sequential(
        [
            text_vec_layer,
            tf.keras.layers.Embedding(vocab_size, embed_size, mask_zero=True),
            tf.keras.layers.GRU(16),  # (128)
            tf.keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(loss="binary_crossentropy", optimizer="nadam", metrics=["accuracy"])
    model(X_train[:1])  # (built, for the fixed weights)
    _init(model, seed=510)
    history = model.fit(
        X_train,
        y_train,
        validation_data=(X_valid, y_valid),
        epochs=2,
        batch_size=16,
        shuffle=False,
        verbose=0,
    )
    out["masked_gru"] = _hist(history)
    out["masked_gru_predict"] = _f(model.predict(X_valid[:3], verbose=0))

    # masking by hand
    inputs = tf.keras.layers.Input(shape=[], dtype="string")
    token_ids = text_vec_layer(inputs)
    mask = keras.ops.not_equal(token_ids, 0)  # (tf.math.not_equal on a Keras 3 symbolic tensor)
    Z = tf.keras.layers.Embedding(vocab_size, embed_size)(token_ids)
    Z = tf.keras.layers.GRU(16, dropout=0.0)(Z, mask=mask)  # (128, dropout=0.2)
    outputs = tf.keras.layers.Dense(1, activation="sigmoid")(Z)
    model = tf.keras.Model(inputs=[inputs], outputs=[outputs])
    model.compile(loss="binary_crossentropy", optimizer="nadam", metrics=["accuracy"])
    _init(model, seed=511)
    history = model.fit(
        X_train,
        y_train,
        validation_data=(X_valid, y_valid),
        epochs=2,
        batch_size=16,
        shuffle=False,
        verbose=0,
    )
    out["manual_mask"] = _hist(history)

    model = tf.keras.Sequential(
        [
            text_vec_layer,
            tf.keras.layers.Embedding(vocab_size, embed_size, mask_zero=True),
            tf.keras.layers.Bidirectional(tf.keras.layers.GRU(8, return_sequences=True)),
            tf.keras.layers.GRU(8),
            tf.keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(loss="binary_crossentropy", optimizer="nadam", metrics=["accuracy"])
    model(X_train[:1])
    _init(model, seed=512)
    history = model.fit(
        X_train,
        y_train,
        validation_data=(X_valid, y_valid),
        epochs=2,
        batch_size=16,
        shuffle=False,
        verbose=0,
    )
    out["bidirectional"] = _hist(history)

    # an encoder-decoder for translation (English to "Spanish": a word-for-word code)
    rng = np.random.default_rng(53)
    sentences_en = [
        " ".join(_WORDS[i] for i in rng.integers(0, 12, rng.integers(2, 6))) for _ in range(40)
    ]
    es = {w: w[::-1] + "o" for w in _WORDS}
    sentences_es = [" ".join(es[w] for w in s.split()) for s in sentences_en]
    vocab_size = 16  # (1000; here the whole vocabulary: 12 words, 2 markers, pad, unknown)
    max_length = 8  # (50)
    text_vec_layer_en = tf.keras.layers.TextVectorization(
        vocab_size, output_sequence_length=max_length
    )
    text_vec_layer_es = tf.keras.layers.TextVectorization(
        vocab_size, output_sequence_length=max_length
    )
    text_vec_layer_en.adapt(sentences_en)
    text_vec_layer_es.adapt([f"startofseq {s} endofseq" for s in sentences_es])
    out["vocabulary_es"] = text_vec_layer_es.get_vocabulary()[:6]
    X_train = _text_array(sentences_en[:32])
    X_valid = _text_array(sentences_en[32:])
    X_train_dec = _text_array([f"startofseq {s}" for s in sentences_es[:32]])
    X_valid_dec = _text_array([f"startofseq {s}" for s in sentences_es[32:]])
    Y_train = text_vec_layer_es([f"{s} endofseq" for s in sentences_es[:32]])
    Y_valid = text_vec_layer_es([f"{s} endofseq" for s in sentences_es[32:]])

    def encoder_decoder(bidirectional=False, attention=False, seed=520):
        encoder_inputs = tf.keras.layers.Input(shape=[], dtype="string")
        decoder_inputs = tf.keras.layers.Input(shape=[], dtype="string")
        embed_size = 16  # (128)
        encoder_input_ids = text_vec_layer_en(encoder_inputs)
        decoder_input_ids = text_vec_layer_es(decoder_inputs)
        encoder_embedding_layer = tf.keras.layers.Embedding(vocab_size, embed_size, mask_zero=True)
        decoder_embedding_layer = tf.keras.layers.Embedding(vocab_size, embed_size, mask_zero=True)
        encoder_embeddings = encoder_embedding_layer(encoder_input_ids)
        decoder_embeddings = decoder_embedding_layer(decoder_input_ids)
        if not bidirectional:
            encoder = tf.keras.layers.LSTM(32, return_state=True)  # (512)
            encoder_outputs, *encoder_state = encoder(encoder_embeddings)
        else:
            encoder = tf.keras.layers.Bidirectional(
                tf.keras.layers.LSTM(16, return_sequences=attention, return_state=True)
            )  # (256)
            encoder_outputs, *encoder_state = encoder(encoder_embeddings)
            # (tf.concat on Keras 3 symbolic tensors: keras.ops.concatenate)
            encoder_state = [
                keras.ops.concatenate(encoder_state[::2], axis=-1),  # short-term (0 & 2)
                keras.ops.concatenate(encoder_state[1::2], axis=-1),  # long-term (1 & 3)
            ]
        decoder = tf.keras.layers.LSTM(32, return_sequences=True)  # (512)
        decoder_outputs = decoder(decoder_embeddings, initial_state=encoder_state)
        if attention:
            attention_layer = tf.keras.layers.Attention()
            attention_outputs = attention_layer([decoder_outputs, encoder_outputs])
            output_layer = tf.keras.layers.Dense(vocab_size, activation="softmax")
            Y_proba = output_layer(attention_outputs)
        else:
            output_layer = tf.keras.layers.Dense(vocab_size, activation="softmax")
            Y_proba = output_layer(decoder_outputs)
        model = tf.keras.Model(inputs=[encoder_inputs, decoder_inputs], outputs=[Y_proba])
        model.compile(
            loss="sparse_categorical_crossentropy", optimizer="nadam", metrics=["accuracy"]
        )
        _init(model, seed=seed)
        history = model.fit(
            (X_train, X_train_dec),
            Y_train,
            epochs=2,  # (10)
            batch_size=16,
            validation_data=((X_valid, X_valid_dec), Y_valid),
            shuffle=False,
            verbose=0,
        )
        return model, history

    def translate(sentence_en):
        translation = ""
        for word_idx in range(max_length):
            X = _text_array([sentence_en])  # encoder input
            X_dec = _text_array(["startofseq " + translation])  # decoder input
            y_proba = model.predict((X, X_dec), verbose=0)[0, word_idx]  # last token's probas
            predicted_word_id = np.argmax(y_proba)
            predicted_word = text_vec_layer_es.get_vocabulary()[predicted_word_id]
            if predicted_word == "endofseq":
                break
            translation += " " + predicted_word
        return translation.strip()

    for name, kwargs in [
        ("nmt", {}),
        ("nmt_bidirectional", {"bidirectional": True, "seed": 521}),
        ("nmt_attention", {"bidirectional": True, "attention": True, "seed": 522}),
    ]:
        tf.keras.backend.clear_session()
        model, history = encoder_decoder(**kwargs)
        out[name] = {
            "history": _hist(history),
            "predict": _f(model.predict((X_valid[:1], X_valid_dec[:1]), verbose=0)[0, :2, :5]),
            "translate": translate(sentences_en[0]),
        }
    out["nmt_attention_summary"] = _summary(model)[-3:]
    return out


# ---- chapter 17: autoencoders, GANs and diffusion models ---------------------------------


@tf_scenario
def ch17_autoencoders(keras):
    tf = _tf(keras)
    X_train, y_train, X_valid, y_valid, X_test, y_test = _fashion_split(seed=60)
    X_train, X_valid, X_test = (a.astype("float32") for a in (X_train, X_valid, X_test))
    out = {}

    def train(model, seed, epochs=2):  # (epochs=20, the book's fit on X_train, X_train)
        model(X_train[:1])  # (built, for the fixed weights)
        _init(model, seed=seed)
        history = model.fit(
            X_train,
            X_train,
            epochs=epochs,
            batch_size=16,
            validation_data=(X_valid, X_valid),
            shuffle=False,
            verbose=0,
        )
        return _hist(history)

    stacked_encoder = tf.keras.Sequential(
        [
            tf.keras.layers.Flatten(),
            tf.keras.layers.Dense(100, activation="relu"),
            tf.keras.layers.Dense(30, activation="relu"),
        ]
    )
    stacked_decoder = tf.keras.Sequential(
        [
            tf.keras.layers.Dense(100, activation="relu"),
            tf.keras.layers.Dense(28 * 28),
            tf.keras.layers.Reshape([28, 28]),
        ]
    )
    stacked_ae = tf.keras.Sequential([stacked_encoder, stacked_decoder])
    stacked_ae.compile(loss="mse", optimizer="nadam")
    out["stacked"] = train(stacked_ae, seed=600)
    out["stacked_codings"] = _f(stacked_encoder.predict(X_valid[:1], verbose=0)[0, :5])

    # tying weights
    class DenseTranspose(tf.keras.layers.Layer):
        def __init__(self, dense, activation=None, **kwargs):
            super().__init__(**kwargs)
            self.dense = dense
            self.activation = tf.keras.activations.get(activation)

        def build(self, batch_input_shape):
            # (shape=self.dense.input_shape[-1]: Keras 3 layers have no input_shape)
            self.biases = self.add_weight(
                name="bias", shape=[self.dense.kernel.shape[0]], initializer="zeros"
            )
            super().build(batch_input_shape)

        def call(self, inputs):
            Z = tf.matmul(inputs, self.dense.weights[0], transpose_b=True)
            return self.activation(Z + self.biases)

    dense_1 = tf.keras.layers.Dense(100, activation="relu")
    dense_2 = tf.keras.layers.Dense(30, activation="relu")
    tied_encoder = tf.keras.Sequential([tf.keras.layers.Flatten(), dense_1, dense_2])
    tied_decoder = tf.keras.Sequential(
        [
            DenseTranspose(dense_2, activation="relu"),
            DenseTranspose(dense_1),
            tf.keras.layers.Reshape([28, 28]),
        ]
    )
    tied_ae = tf.keras.Sequential([tied_encoder, tied_decoder])
    tied_ae.compile(loss="mse", optimizer="nadam")
    out["tied"] = train(tied_ae, seed=601)
    out["tied_weights"] = [len(tied_ae.weights), len(tied_ae.trainable_weights)]
    out["tied_weight_shapes"] = sorted(list(w.shape) for w in tied_ae.trainable_weights)

    # convolutional
    conv_encoder = tf.keras.Sequential(
        [
            tf.keras.layers.Reshape([28, 28, 1]),
            tf.keras.layers.Conv2D(8, 3, padding="same", activation="relu"),  # (16)
            tf.keras.layers.MaxPool2D(pool_size=2),  # output: 14 × 14 x 16
            tf.keras.layers.Conv2D(16, 3, padding="same", activation="relu"),  # (32)
            tf.keras.layers.MaxPool2D(pool_size=2),  # output: 7 × 7 x 32
            tf.keras.layers.Conv2D(16, 3, padding="same", activation="relu"),  # (64)
            tf.keras.layers.MaxPool2D(pool_size=2),  # output: 3 × 3 x 64
            tf.keras.layers.Conv2D(30, 3, padding="same", activation="relu"),
            tf.keras.layers.GlobalAvgPool2D(),  # output: 30
        ]
    )
    conv_decoder = tf.keras.Sequential(
        [
            tf.keras.layers.Dense(3 * 3 * 16),  # (3 * 3 * 16)
            tf.keras.layers.Reshape((3, 3, 16)),
            tf.keras.layers.Conv2DTranspose(16, 3, strides=2, activation="relu"),  # (32)
            tf.keras.layers.Conv2DTranspose(8, 3, strides=2, padding="same", activation="relu"),
            tf.keras.layers.Conv2DTranspose(1, 3, strides=2, padding="same"),
            tf.keras.layers.Reshape([28, 28]),
        ]
    )
    conv_ae = tf.keras.Sequential([conv_encoder, conv_decoder])
    conv_ae.compile(loss="mse", optimizer="nadam")
    out["conv"] = train(conv_ae, seed=602)

    # denoising (the noise as written: inference compared, training checked)
    for name, noise in [
        ("denoising_dropout", tf.keras.layers.Dropout(0.5)),
        ("denoising_gaussian", tf.keras.layers.GaussianNoise(0.2)),
    ]:
        dropout_encoder = tf.keras.Sequential(
            [
                tf.keras.layers.Flatten(),
                noise,
                tf.keras.layers.Dense(100, activation="relu"),
                tf.keras.layers.Dense(30, activation="relu"),
            ]
        )
        dropout_decoder = tf.keras.Sequential(
            [
                tf.keras.layers.Dense(100, activation="relu"),
                tf.keras.layers.Dense(28 * 28),
                tf.keras.layers.Reshape([28, 28]),
            ]
        )
        dropout_ae = tf.keras.Sequential([dropout_encoder, dropout_decoder])
        dropout_ae.compile(loss="mse", optimizer="nadam")
        dropout_ae(X_train[:1])
        _init(dropout_ae, seed=603)
        before = dropout_ae.predict(X_valid[:2], verbose=0)
        history = dropout_ae.fit(X_train, X_train, epochs=1, shuffle=False, verbose=0)
        out[name] = {"predict": _f(before[:, 10, 10:14]), "fit": _finite(history)}

    # sparse
    sparse_l1_encoder = tf.keras.Sequential(
        [
            tf.keras.layers.Flatten(),
            tf.keras.layers.Dense(100, activation="relu"),
            tf.keras.layers.Dense(300, activation="sigmoid"),
            tf.keras.layers.ActivityRegularization(l1=1e-4),
        ]
    )
    sparse_l1_decoder = tf.keras.Sequential(
        [
            tf.keras.layers.Dense(100, activation="relu"),
            tf.keras.layers.Dense(28 * 28),
            tf.keras.layers.Reshape([28, 28]),
        ]
    )
    sparse_l1_ae = tf.keras.Sequential([sparse_l1_encoder, sparse_l1_decoder])
    sparse_l1_ae.compile(loss="mse", optimizer="nadam")
    out["sparse_l1"] = train(sparse_l1_ae, seed=604)

    kl_divergence = tf.keras.losses.kl_divergence  # (kullback_leibler_divergence in Keras 2)

    class KLDivergenceRegularizer(tf.keras.regularizers.Regularizer):
        def __init__(self, weight, target):
            self.weight = weight
            self.target = target

        def __call__(self, inputs):
            mean_activities = tf.reduce_mean(inputs, axis=0)
            return self.weight * (
                kl_divergence(self.target, mean_activities)
                + kl_divergence(1.0 - self.target, 1.0 - mean_activities)
            )

    kld_reg = KLDivergenceRegularizer(weight=5e-3, target=0.1)
    sparse_kl_encoder = tf.keras.Sequential(
        [
            tf.keras.layers.Flatten(),
            tf.keras.layers.Dense(100, activation="relu"),
            tf.keras.layers.Dense(300, activation="sigmoid", activity_regularizer=kld_reg),
        ]
    )
    sparse_kl_decoder = tf.keras.Sequential(
        [
            tf.keras.layers.Dense(100, activation="relu"),
            tf.keras.layers.Dense(28 * 28),
            tf.keras.layers.Reshape([28, 28]),
        ]
    )
    sparse_kl_ae = tf.keras.Sequential([sparse_kl_encoder, sparse_kl_decoder])
    sparse_kl_ae.compile(loss="mse", optimizer="nadam")
    out["sparse_kl"] = train(sparse_kl_ae, seed=605)
    sparse_kl_ae(X_valid[:4])
    out["sparse_kl_losses"] = _f([_np(loss) for loss in sparse_kl_ae.losses])
    return out


@tf_scenario
def ch17_vae_and_gan(keras):
    tf = _tf(keras)
    ops = keras.ops
    X_train, y_train, X_valid, y_valid, X_test, y_test = _fashion_split(seed=61)
    X_train, X_valid = X_train.astype("float32"), X_valid.astype("float32")
    out = {}

    class Sampling(tf.keras.layers.Layer):
        def call(self, inputs):
            mean, log_var = inputs
            # (variational_ae.add_loss(...) of the symbolic codings: Keras 3 has no
            # add_loss on a functional model's tensors, so the layer adds it)
            latent_loss = -0.5 * ops.sum(1 + log_var - ops.exp(log_var) - ops.square(mean), axis=-1)
            self.add_loss(ops.mean(latent_loss) / 784.0)
            # (tf.random.normal: keras.random)
            return keras.random.normal(ops.shape(log_var)) * ops.exp(log_var / 2) + mean

    codings_size = 10
    inputs = tf.keras.layers.Input(shape=[28, 28])
    Z = tf.keras.layers.Flatten()(inputs)
    Z = tf.keras.layers.Dense(150, activation="relu")(Z)
    Z = tf.keras.layers.Dense(100, activation="relu")(Z)
    codings_mean = tf.keras.layers.Dense(codings_size)(Z)  # μ
    codings_log_var = tf.keras.layers.Dense(codings_size)(Z)  # γ
    codings = Sampling()([codings_mean, codings_log_var])
    variational_encoder = tf.keras.Model(
        inputs=[inputs], outputs=[codings_mean, codings_log_var, codings]
    )
    decoder_inputs = tf.keras.layers.Input(shape=[codings_size])
    x = tf.keras.layers.Dense(100, activation="relu")(decoder_inputs)
    x = tf.keras.layers.Dense(150, activation="relu")(x)
    x = tf.keras.layers.Dense(28 * 28)(x)
    outputs = tf.keras.layers.Reshape([28, 28])(x)
    variational_decoder = tf.keras.Model(inputs=[decoder_inputs], outputs=[outputs])
    _, _, codings = variational_encoder(inputs)
    reconstructions = variational_decoder(codings)
    variational_ae = tf.keras.Model(inputs=[inputs], outputs=[reconstructions])
    variational_ae.compile(loss="mse", optimizer="nadam")
    _init(variational_ae, seed=610)
    mean, log_var, _ = variational_encoder.predict(X_valid[:2], verbose=0)
    out["vae_encoder"] = [_f(mean[:, :4]), _f(log_var[:, :4])]
    codings = np.random.default_rng(611).normal(size=(3, codings_size)).astype("float32")
    images = variational_decoder(codings)
    out["vae_decoder"] = _f(_np(images)[:, 14, 10:14])
    variational_ae(X_valid[:2])
    out["vae_losses"] = len(variational_ae.losses)
    history = variational_ae.fit(
        X_train,
        X_train,
        epochs=2,
        batch_size=16,
        validation_data=(X_valid, X_valid),
        shuffle=False,
        verbose=0,
    )  # (epochs=25, batch_size=128)
    out["vae_history"] = _finite(history)
    out["vae_summary"] = _summary(variational_ae)[-3:]

    # a GAN
    tf.keras.backend.clear_session()
    codings_size = 30
    Dense = tf.keras.layers.Dense
    generator = tf.keras.Sequential(
        [
            Dense(100, activation="relu", kernel_initializer="he_normal"),
            Dense(150, activation="relu", kernel_initializer="he_normal"),
            Dense(28 * 28, activation="sigmoid"),
            tf.keras.layers.Reshape([28, 28]),
        ]
    )
    discriminator = tf.keras.Sequential(
        [
            tf.keras.layers.Flatten(),
            Dense(150, activation="relu", kernel_initializer="he_normal"),
            Dense(100, activation="relu", kernel_initializer="he_normal"),
            Dense(1, activation="sigmoid"),
        ]
    )
    gan = tf.keras.Sequential([generator, discriminator])
    gan(np.zeros((1, codings_size), "float32"))  # (built, for the fixed weights)
    _init(gan, seed=612)

    discriminator.compile(loss="binary_crossentropy", optimizer="rmsprop")
    discriminator.trainable = False
    gan.compile(loss="binary_crossentropy", optimizer="rmsprop")

    batch_size = 16  # (32)
    # (tf.data: shuffle(buffer_size=1000).batch(batch_size, drop_remainder=True): in order)
    dataset = [
        X_train[i : i + batch_size] for i in range(0, len(X_train) - batch_size + 1, batch_size)
    ]
    draws = np.random.default_rng(613)  # (tf.random.normal: NumPy draws)
    losses = []

    def train_gan(gan, dataset, batch_size, codings_size, n_epochs):
        generator, discriminator = gan.layers
        for epoch in range(n_epochs):
            for X_batch in dataset:
                # phase 1 - training the discriminator
                noise = draws.normal(size=[batch_size, codings_size]).astype("float32")
                generated_images = generator(noise)
                X_fake_and_real = tf.concat([generated_images, X_batch], axis=0)
                y1 = tf.constant([[0.0]] * batch_size + [[1.0]] * batch_size)
                d_loss = discriminator.train_on_batch(X_fake_and_real, y1)
                # phase 2 - training the generator
                noise = draws.normal(size=[batch_size, codings_size]).astype("float32")
                y2 = tf.constant([[1.0]] * batch_size)
                g_loss = gan.train_on_batch(noise, y2)
                losses.append([float(_np(d_loss)), float(_np(g_loss))])

    d_before = [w.copy() for w in discriminator.get_weights()]
    g_before = [w.copy() for w in generator.get_weights()]
    train_gan(gan, dataset, batch_size, codings_size, n_epochs=2)  # (50)
    out["gan_losses"] = _f(losses)
    out["gan_discriminator_changed"] = any(
        not np.allclose(a, b) for a, b in zip(d_before, discriminator.get_weights())
    )
    out["gan_generator_changed"] = any(
        not np.allclose(a, b) for a, b in zip(g_before, generator.get_weights())
    )
    noise = draws.normal(size=[4, codings_size]).astype("float32")
    generated_images = generator.predict(noise, verbose=0)
    out["gan_generated"] = _f(generated_images[:, 14, 10:14])
    out["gan_discriminated"] = _f(discriminator.predict(generated_images, verbose=0))
    return out


def main():
    # one scenario at a time, each merged into the JSON as it ends (under a lock), so a
    # failure keeps the others
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
        with open(pathlib.Path(tempfile.gettempdir()) / "homl3_notebooks.lock", "w") as lock:
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

"""Keras 2 file interop, both ways, against real Keras 2 (tf_keras 2.21):

    cd /tmp && TF_USE_LEGACY_KERAS=1 /work/tfenv/bin/python \
        /work/main/scripts/goldens/make_diff_keras2_files.py [--keras3 /work/kenv/bin/python]

(the venv has TensorFlow, tf_keras, and numkeras installed with `pip install -e`).

Each scenario below is a function of the Keras-like module (`tf_keras` or `numkeras`): a
small model of a classic Keras 2 script, compiled (losses and metrics by name and as
objects; Adam, SGD with momentum, RMSprop, ... and tf_keras's `optimizers.legacy`), its
weights set from a seed, trained two steps. Then:

- Keras 2 -> numkeras: tf_keras saves `model.save("<name>.h5")` (and for some
  `save_weights("<name>_w.h5")`) into tests/goldens/saving/keras2_interop/ (gzipped), and
  records what numkeras must give from it (tests/saving/test_diff_keras2_files.py):
  predictions, `evaluate`, the optimizer, the iterations, and the loss and predictions of
  one more `train_on_batch` (the resumed optimizer state).
- numkeras -> Keras 2: numkeras builds the same model, saves `.h5` and a weights-only
  `.h5`; tf_keras loads them here: predictions, compile state, one more step (same loss,
  same weights after it as numkeras's own step), and the weights file into the model
  built with tf_keras. With `--keras3`, Keras 3.15 loads the same files too. What held
  goes into the JSON (`numkeras_files`), with the facts of the file layout tf_keras needs
  (the optimizer weights' shapes in the order tf_keras assigns them, the config's node
  form), which the test checks numkeras still writes.
- `to_json`: tf_keras's `model.to_json()` read by `numkeras.models.model_from_json`
  (recorded only: Keras 3's `model_from_json` reads no Keras 2 JSON either).

`--dry` writes nothing into tests/ (the details go to a temporary folder, `rows.json`);
`--only NAME ...` runs some scenarios (implies a dry run).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import traceback
import warnings

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
FILES = ROOT / "tests" / "goldens" / "saving" / "keras2_interop"
JSON_OUT = ROOT / "tests" / "goldens" / "diff_keras2_files.json"
N = 8  # training rows
RTOL, ATOL = 1e-5, 1e-6


# -- helpers the scenarios share -------------------------------------------------------------
def _opt(K, name: str, legacy: bool = False, **kw):
    module = K.optimizers.legacy if legacy else K.optimizers
    return getattr(module, name)(**kw)


def _f(seed, *shape):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def _onehot(seed, n, k):
    return np.eye(k, dtype="float32")[np.random.default_rng(seed).integers(0, k, n)]


def _bits(seed, *shape):
    return (np.random.default_rng(seed).uniform(size=shape) > 0.5).astype("float32")


def _ints(seed, high, *shape):
    return np.random.default_rng(seed).integers(0, high, shape).astype("int32")


def _mlp(K, act="relu", out=3, out_act="softmax", inp=5):
    L = K.layers
    return K.models.Sequential(
        [L.Input((inp,)), L.Dense(6, activation=act), L.Dense(out, activation=out_act)]
    )


# -- scenarios: each returns (model, x, y, x_test); the model compiled unless y is None --------
def seq_adam_cce(K):
    m = _mlp(K)
    m.compile(optimizer=_opt(K, "Adam", learning_rate=0.01), loss="categorical_crossentropy",
              metrics=["accuracy"])  # fmt: skip
    return m, _f(1, N, 5), _onehot(2, N, 3), _f(3, 3, 5)


def seq_sgd_momentum_mse(K):
    m = _mlp(K, act="tanh", out=2, out_act=None)
    m.compile(optimizer=_opt(K, "SGD", learning_rate=0.05, momentum=0.9), loss="mse",
              metrics=["mae"])  # fmt: skip
    return m, _f(4, N, 5), _f(5, N, 2), _f(6, 3, 5)


def seq_rmsprop_bce_objects(K):
    m = _mlp(K, out=1, out_act="sigmoid")
    m.compile(
        optimizer=_opt(K, "RMSprop", learning_rate=0.01),
        loss=K.losses.BinaryCrossentropy(),
        metrics=[K.metrics.BinaryAccuracy(), K.metrics.AUC(name="auc")],
    )
    return m, _f(7, N, 5), _bits(8, N, 1), _f(9, 3, 5)


def seq_nesterov_smoothing(K):
    m = _mlp(K, act="elu")
    m.compile(
        optimizer=_opt(K, "SGD", learning_rate=0.02, momentum=0.8, nesterov=True),
        loss=K.losses.CategoricalCrossentropy(label_smoothing=0.1),
        metrics=[K.metrics.CategoricalAccuracy(name="acc"), "top_k_categorical_accuracy"],
    )
    return m, _f(10, N, 5), _onehot(11, N, 3), _f(12, 3, 5)


def seq_input_dim_adam_legacy(K):
    # the 2017 scripts: `input_dim=`, and Keras 2's (legacy) Adam
    L = K.layers
    m = K.models.Sequential()
    m.add(L.Dense(6, input_dim=4))
    m.add(L.LeakyReLU(0.2))
    m.add(L.Dense(3, activation="tanh"))
    m.compile(optimizer=_opt(K, "Adam", legacy=True, learning_rate=0.0002, beta_1=0.5),
              loss="binary_crossentropy")  # fmt: skip
    return m, _f(13, N, 4), _bits(14, N, 3), _f(15, 3, 4)


def seq_sgd_legacy_momentum(K):
    m = _mlp(K, out=2, out_act="softmax")
    m.compile(optimizer=_opt(K, "SGD", legacy=True, learning_rate=0.1, momentum=0.9),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])  # fmt: skip
    return m, _f(16, N, 5), _ints(17, 2, N).astype("float32"), _f(18, 3, 5)


def seq_rmsprop_legacy_centered(K):
    m = _mlp(K, out=2, out_act=None)
    m.compile(optimizer=_opt(K, "RMSprop", legacy=True, learning_rate=0.01, centered=True),
              loss="mae", metrics=["mse"])  # fmt: skip
    return m, _f(19, N, 5), _f(20, N, 2), _f(21, 3, 5)


def seq_adam_amsgrad(K):
    m = _mlp(K, out=2, out_act=None)
    m.compile(optimizer=_opt(K, "Adam", learning_rate=0.01, amsgrad=True), loss="huber",
              metrics=[K.metrics.RootMeanSquaredError()])  # fmt: skip
    return m, _f(22, N, 5), _f(23, N, 2), _f(24, 3, 5)


def _other_opt(name, **kw):
    def build(K, legacy=False):
        m = _mlp(K, out=2, out_act=None)
        m.compile(optimizer=_opt(K, name, legacy=legacy, **kw), loss="mse")
        return m, _f(25, N, 5), _f(26, N, 2), _f(27, 3, 5)

    return build


seq_adagrad = _other_opt("Adagrad", learning_rate=0.1)
seq_adamax = _other_opt("Adamax", learning_rate=0.01)
seq_adadelta = _other_opt("Adadelta", learning_rate=1.0)
seq_nadam = _other_opt("Nadam", learning_rate=0.01)


def seq_adagrad_legacy(K):
    return _other_opt("Adagrad", learning_rate=0.1)(K, legacy=True)


def seq_conv(K):
    L = K.layers
    m = K.models.Sequential(
        [
            L.Input((6, 6, 1)),
            L.Conv2D(3, 3, activation="relu"),
            L.MaxPooling2D(),
            L.Flatten(),
            L.Dense(3, activation="softmax"),
        ]
    )
    m.compile(optimizer=_opt(K, "Adam", learning_rate=0.01),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])  # fmt: skip
    return m, _f(28, N, 6, 6, 1), _ints(29, 3, N), _f(30, 3, 6, 6, 1)


def seq_conv_bn_transpose(K):
    L = K.layers
    m = K.models.Sequential(
        [
            L.Input((5, 5, 2)),
            L.Conv2D(3, 3, padding="same"),
            L.BatchNormalization(momentum=0.8),
            L.LeakyReLU(alpha=0.2),
            L.Conv2DTranspose(2, 3, strides=2, padding="same"),
            L.Flatten(),
            L.Dense(1, activation="sigmoid"),
        ]
    )
    m.compile(optimizer=_opt(K, "RMSprop", learning_rate=0.005), loss="binary_crossentropy",
              metrics=["accuracy"])  # fmt: skip
    return m, _f(31, N, 5, 5, 2), _bits(32, N, 1), _f(33, 3, 5, 5, 2)


def seq_dcgan_generator(K):
    L = K.layers
    m = K.models.Sequential(
        [
            L.Dense(2 * 2 * 4, input_dim=3),
            L.BatchNormalization(),
            L.LeakyReLU(0.2),
            L.Reshape((2, 2, 4)),
            L.Conv2DTranspose(3, 3, strides=2, padding="same"),
            L.BatchNormalization(),
            L.Activation("relu"),
            L.Conv2DTranspose(1, 3, strides=2, padding="same", activation="tanh"),
        ]
    )
    m.compile(optimizer=_opt(K, "Adam", learning_rate=0.002, beta_1=0.5), loss="mse")
    return m, _f(34, N, 3), _f(35, N, 8, 8, 1), _f(36, 3, 3)


def seq_embedding_lstm(K):
    L = K.layers
    m = K.models.Sequential(
        [L.Embedding(12, 4, input_length=5), L.LSTM(3), L.Dense(1, activation="sigmoid")]
    )
    m.compile(optimizer=_opt(K, "Adam", learning_rate=0.01), loss="binary_crossentropy",
              metrics=["accuracy"])  # fmt: skip
    return m, _ints(37, 12, N, 5), _bits(38, N, 1), _ints(39, 12, 3, 5)


def seq_gru(K):
    L = K.layers
    m = K.models.Sequential([L.Input((4, 3)), L.GRU(3), L.Dense(2)])
    m.compile(optimizer=_opt(K, "SGD", learning_rate=0.05, momentum=0.5), loss="mse")
    return m, _f(40, N, 4, 3), _f(41, N, 2), _f(42, 3, 4, 3)


def seq_gru_reset_before(K):
    # tf_keras's GRU default is reset_after=True, as Keras 3's; Keras 2.2's was False
    L = K.layers
    m = K.models.Sequential([L.Input((4, 3)), L.GRU(3, reset_after=False), L.Dense(2)])
    m.compile(optimizer=_opt(K, "RMSprop", learning_rate=0.01), loss="mse")
    return m, _f(40, N, 4, 3), _f(41, N, 2), _f(42, 3, 4, 3)


def seq_simple_rnn(K):
    L = K.layers
    m = K.models.Sequential(
        [L.Input((4, 3)), L.SimpleRNN(4, return_sequences=True), L.SimpleRNN(2)]
    )
    m.compile(optimizer=_opt(K, "RMSprop", learning_rate=0.01), loss="mse", metrics=["mae"])
    return m, _f(43, N, 4, 3), _f(44, N, 2), _f(45, 3, 4, 3)


def seq_bidirectional_td(K):
    L = K.layers
    m = K.models.Sequential(
        [
            L.Input((4, 3)),
            L.Bidirectional(L.LSTM(3, return_sequences=True)),
            L.TimeDistributed(L.Dense(2)),
        ]
    )
    m.compile(optimizer=_opt(K, "Adam", learning_rate=0.01), loss="mse")
    return m, _f(46, N, 4, 3), _f(47, N, 4, 2), _f(48, 3, 4, 3)


def seq_td_bidirectional_gru_concat(K):
    L = K.layers
    m = K.models.Sequential(
        [
            L.Input((4, 3)),
            L.TimeDistributed(L.Dense(3, activation="relu")),
            L.Bidirectional(L.GRU(2), merge_mode="sum"),
            L.Dense(2, activation="softmax"),
        ]
    )
    m.compile(optimizer=_opt(K, "Adam", learning_rate=0.01), loss="categorical_crossentropy",
              metrics=["accuracy"])  # fmt: skip
    return m, _f(49, N, 4, 3), _onehot(50, N, 2), _f(51, 3, 4, 3)


def seq_dropout(K):
    L = K.layers
    m = K.models.Sequential(
        [L.Input((5,)), L.Dense(6, activation="relu"), L.Dropout(0.4), L.Dense(2)]
    )
    m.compile(optimizer=_opt(K, "Adam", learning_rate=0.01), loss="mse")
    return m, _f(52, N, 5), _f(53, N, 2), _f(54, 3, 5)


def seq_huber_object(K):
    m = _mlp(K, out=2, out_act=None)
    m.compile(
        optimizer=_opt(K, "SGD", learning_rate=0.05),
        loss=K.losses.Huber(delta=0.5),
        metrics=["mse", K.metrics.MeanAbsoluteError(name="my_mae")],
    )
    return m, _f(55, N, 5), _f(56, N, 2), _f(57, 3, 5)


def seq_logits_sparse(K):
    m = _mlp(K, out=4, out_act=None)
    m.compile(
        optimizer=_opt(K, "Adam", learning_rate=0.01),
        loss=K.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[K.metrics.SparseCategoricalAccuracy(), "sparse_top_k_categorical_accuracy"],
    )
    return m, _f(58, N, 5), _ints(59, 4, N), _f(60, 3, 5)


def seq_precision_recall(K):
    m = _mlp(K, out=1, out_act="sigmoid")
    m.compile(optimizer="adam", loss="binary_crossentropy",
              metrics=[K.metrics.Precision(), K.metrics.Recall(), "binary_accuracy"])  # fmt: skip
    return m, _f(61, N, 5), _bits(62, N, 1), _f(63, 3, 5)


def seq_uncompiled(K):
    L = K.layers
    m = K.models.Sequential(
        [L.Input((4,)), L.Dense(5), L.BatchNormalization(), L.Activation("relu"), L.Dense(2)]
    )
    return m, None, None, _f(64, 3, 4)


# -- functional ---------------------------------------------------------------------------
def func_two_in_two_out(K):
    L = K.layers
    a, b = L.Input((4,), name="a"), L.Input((3,), name="b")
    h = L.Concatenate()([L.Dense(5, activation="relu")(a), L.Dense(4, activation="relu")(b)])
    h = L.BatchNormalization()(h)
    out_a = L.Dense(1, activation="sigmoid", name="out_a")(h)
    out_b = L.Dense(3, activation="softmax", name="out_b")(h)
    m = K.models.Model([a, b], [out_a, out_b])
    m.compile(
        optimizer=_opt(K, "RMSprop", learning_rate=0.01),
        loss={"out_a": "binary_crossentropy", "out_b": "categorical_crossentropy"},
        loss_weights={"out_a": 1.0, "out_b": 0.5},
        metrics={"out_a": ["accuracy"], "out_b": ["accuracy"]},
    )
    x = [_f(65, N, 4), _f(66, N, 3)]
    return m, x, [_bits(67, N, 1), _onehot(68, N, 3)], [_f(69, 3, 4), _f(70, 3, 3)]


def func_outputs_lists(K):
    L = K.layers
    a = L.Input((4,))
    h = L.Dense(5, activation="tanh")(a)
    o1 = L.Dense(2, name="reg")(h)
    o2 = L.Dense(1, activation="sigmoid", name="cls")(h)
    m = K.models.Model(a, [o1, o2])
    m.compile(optimizer=_opt(K, "Adam", learning_rate=0.01),
              loss=["mse", K.losses.BinaryCrossentropy()], loss_weights=[0.3, 1.0],
              metrics=[["mae"], ["accuracy", K.metrics.AUC()]])  # fmt: skip
    return m, _f(71, N, 4), [_f(72, N, 2), _bits(73, N, 1)], _f(74, 3, 4)


def func_shared_add(K):
    L = K.layers
    a, b = L.Input((4,), name="left"), L.Input((4,), name="right")
    shared = L.Dense(3, activation="relu", name="shared")
    h = L.Add()([shared(a), shared(b)])
    m = K.models.Model([a, b], L.Dense(1, activation="sigmoid")(h))
    m.compile(optimizer=_opt(K, "SGD", learning_rate=0.05, momentum=0.9),
              loss="binary_crossentropy", metrics=["accuracy"])  # fmt: skip
    return m, [_f(75, N, 4), _f(76, N, 4)], _bits(77, N, 1), [_f(78, 3, 4), _f(79, 3, 4)]


def func_residual(K):
    L = K.layers
    a = L.Input((6,))
    h = L.Dense(6, activation="relu")(a)
    h = L.Add()([a, h])
    h = L.Dropout(0.3)(L.BatchNormalization()(h))
    m = K.models.Model(a, L.Dense(2)(h))
    m.compile(optimizer=_opt(K, "Adam", learning_rate=0.01), loss="mse")
    return m, _f(80, N, 6), _f(81, N, 2), _f(82, 3, 6)


def func_nested_sequential(K):
    L = K.layers
    inner = K.models.Sequential(
        [L.Input((4,)), L.Dense(5, activation="relu"), L.Dense(3)], name="inner"
    )
    a = L.Input((4,))
    m = K.models.Model(a, L.Dense(1)(inner(a)))
    m.compile(optimizer=_opt(K, "Adam", learning_rate=0.01), loss="mse")
    return m, _f(83, N, 4), _f(84, N, 1), _f(85, 3, 4)


def func_nested_sequential_twice(K):
    L = K.layers
    enc = K.models.Sequential([L.Input((3,)), L.Dense(4, activation="tanh")], name="enc")
    a, b = L.Input((3,)), L.Input((3,))
    h = L.Concatenate()([enc(a), enc(b)])
    m = K.models.Model([a, b], L.Dense(1, activation="sigmoid")(h))
    m.compile(optimizer=_opt(K, "RMSprop", learning_rate=0.01), loss="binary_crossentropy",
              metrics=["accuracy"])  # fmt: skip
    return m, [_f(86, N, 3), _f(87, N, 3)], _bits(88, N, 1), [_f(89, 3, 3), _f(90, 3, 3)]


def func_nested_functional_out(K):
    # a nested functional model as the last layer (only `output_layers` refer to it)
    L = K.layers
    i = L.Input((4,))
    inner = K.models.Model(i, L.Dense(2, name="inner_dense")(L.Dense(3, activation="relu")(i)),
                           name="inner")  # fmt: skip
    a = L.Input((5,))
    m = K.models.Model(a, inner(L.Dense(4, activation="relu")(a)))
    m.compile(optimizer=_opt(K, "Adam", learning_rate=0.01), loss="mse")
    return m, _f(91, N, 5), _f(92, N, 2), _f(93, 3, 5)


def func_nested_functional_fed(K):
    # a nested functional model whose output another layer takes (Keras 2 numbers that call
    # from 1, Keras 3 reads it from 0)
    L = K.layers
    i = L.Input((4,))
    inner = K.models.Model(i, L.Dense(3, activation="tanh")(i), name="inner")
    a = L.Input((4,))
    m = K.models.Model(a, L.Dense(1)(inner(a)))
    m.compile(optimizer=_opt(K, "Adam", learning_rate=0.01), loss="mse")
    return m, _f(94, N, 4), _f(95, N, 1), _f(96, 3, 4)


def _gan_parts(K):
    L = K.layers
    g = K.models.Sequential(
        [L.Dense(8, input_dim=4), L.LeakyReLU(0.2), L.Dense(6, activation="tanh")],
        name="generator",
    )
    d = K.models.Sequential(
        [
            L.Dense(8, input_dim=6),
            L.LeakyReLU(0.2),
            L.Dropout(0.3),
            L.Dense(1, activation="sigmoid"),
        ],
        name="discriminator",
    )
    return g, d


def _adam_gan(K):
    return _opt(K, "Adam", learning_rate=0.0002, beta_1=0.5)


def gan_generator(K):
    g, _ = _gan_parts(K)
    g.compile(loss="binary_crossentropy", optimizer=_adam_gan(K))
    return g, _f(97, N, 4), (_f(98, N, 6) > 0).astype("float32"), _f(99, 3, 4)


def gan_discriminator(K):
    _, d = _gan_parts(K)
    d.compile(loss="binary_crossentropy", optimizer=_adam_gan(K), metrics=["accuracy"])
    return d, _f(100, N, 6), _bits(101, N, 1), _f(102, 3, 6)


def gan_combined(K):
    g, d = _gan_parts(K)
    d.compile(loss="binary_crossentropy", optimizer=_adam_gan(K))
    d.trainable = False
    z = K.layers.Input(shape=(4,))
    m = K.models.Model(z, d(g(z)))
    m.compile(loss="binary_crossentropy", optimizer=_adam_gan(K))
    return m, _f(103, N, 4), np.ones((N, 1), "float32"), _f(104, 3, 4)


def gan_combined_legacy(K):
    g, d = _gan_parts(K)
    d.compile(loss="binary_crossentropy", optimizer=_opt(K, "Adam", legacy=True))
    d.trainable = False
    z = K.layers.Input(shape=(4,))
    m = K.models.Model(z, d(g(z)))
    m.compile(loss="binary_crossentropy",
              optimizer=_opt(K, "Adam", legacy=True, learning_rate=0.0002, beta_1=0.5))  # fmt: skip
    return m, _f(103, N, 4), np.ones((N, 1), "float32"), _f(104, 3, 4)


def conv_discriminator(K):
    L = K.layers
    m = K.models.Sequential(
        [
            L.Input((6, 6, 1)),
            L.Conv2D(4, 3, strides=2, padding="same"),
            L.LeakyReLU(alpha=0.2),
            L.Dropout(0.25),
            L.Conv2D(4, 3, strides=2, padding="same"),
            L.BatchNormalization(momentum=0.8),
            L.LeakyReLU(alpha=0.2),
            L.Flatten(),
            L.Dense(1, activation="sigmoid"),
        ]
    )
    m.compile(optimizer=_adam_gan(K), loss="binary_crossentropy", metrics=["accuracy"])
    return m, _f(105, N, 6, 6, 1), _bits(106, N, 1), _f(107, 3, 6, 6, 1)


def func_text_two_inputs(K):
    L = K.layers
    q, d = L.Input((5,), name="query"), L.Input((5,), name="doc")
    emb = L.Embedding(15, 4, name="emb")
    rnn = L.LSTM(3, name="enc")
    h = L.Concatenate()([rnn(emb(q)), rnn(emb(d))])
    m = K.models.Model([q, d], L.Dense(1, activation="sigmoid")(h))
    m.compile(optimizer=_opt(K, "Adam", learning_rate=0.01), loss="binary_crossentropy",
              metrics=[K.metrics.BinaryAccuracy(threshold=0.4)])  # fmt: skip
    x = [_ints(108, 15, N, 5), _ints(109, 15, N, 5)]
    return m, x, _bits(110, N, 1), [_ints(111, 15, 3, 5), _ints(112, 15, 3, 5)]


def func_weighted_metrics(K):
    L = K.layers
    a = L.Input((4,))
    m = K.models.Model(a, L.Dense(3, activation="softmax")(L.Dense(5, activation="relu")(a)))
    m.compile(optimizer=_opt(K, "SGD", learning_rate=0.1), loss="categorical_crossentropy",
              metrics=["accuracy"], weighted_metrics=["accuracy"])  # fmt: skip
    return m, _f(113, N, 4), _onehot(114, N, 3), _f(115, 3, 4)


def func_conv_concat(K):
    L = K.layers
    a = L.Input((6, 6, 2))
    p = L.Conv2D(2, 1, activation="relu")(a)
    q = L.Conv2D(2, 3, padding="same", activation="relu")(a)
    h = L.Flatten()(L.MaxPooling2D()(L.Concatenate(axis=-1)([p, q])))
    m = K.models.Model(a, L.Dense(3, activation="softmax")(h))
    m.compile(optimizer=_opt(K, "Adam", learning_rate=0.01),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])  # fmt: skip
    return m, _f(116, N, 6, 6, 2), _ints(117, 3, N), _f(118, 3, 6, 6, 2)


def func_seq2seq_states(K):
    # encoder states passed to a decoder LSTM as `initial_state` (the Keras 2 seq2seq example)
    L = K.layers
    enc_in, dec_in = L.Input((4, 3)), L.Input((3, 2))
    _, h, c = L.LSTM(3, return_state=True)(enc_in)
    dec = L.LSTM(3, return_sequences=True)(dec_in, initial_state=[h, c])
    m = K.models.Model([enc_in, dec_in], L.Dense(2, activation="softmax")(dec))
    m.compile(optimizer=_opt(K, "RMSprop", learning_rate=0.01), loss="categorical_crossentropy")
    y = np.eye(2, dtype="float32")[np.random.default_rng(121).integers(0, 2, (N, 3))]
    return m, [_f(119, N, 4, 3), _f(120, N, 3, 2)], y, [_f(122, 3, 4, 3), _f(123, 3, 3, 2)]


def func_uncompiled_shared_nested(K):
    L = K.layers
    block = K.models.Sequential([L.Input((3,)), L.Dense(3, activation="relu")], name="block")
    a = L.Input((3,))
    h = block(block(a))
    m = K.models.Model(a, L.Dense(2)(h))
    return m, None, None, _f(124, 3, 3)


def seq_frozen_layers(K):
    # a frozen Dense and a frozen BatchNormalization: their weights are the file's
    # non-trainable ones, and no optimizer slots
    L = K.layers
    m = K.models.Sequential(
        [
            L.Input((5,)),
            L.Dense(6, activation="relu", trainable=False),
            L.BatchNormalization(trainable=False),
            L.Dense(4, activation="relu"),
            L.Dense(2),
        ]
    )
    m.compile(optimizer=_opt(K, "Adam", learning_rate=0.01), loss="mse", metrics=["mae"])
    return m, _f(125, N, 5), _f(126, N, 2), _f(127, 3, 5)


def seq_clipnorm_adam(K):
    m = _mlp(K, out=2, out_act=None)
    m.compile(optimizer=_opt(K, "Adam", learning_rate=0.05, clipnorm=0.5), loss="mse")
    return m, _f(128, N, 5), _f(129, N, 2) * 5.0, _f(130, 3, 5)


def seq_clipvalue_sgd_legacy(K):
    m = _mlp(K, out=2, out_act=None)
    m.compile(optimizer=_opt(K, "SGD", legacy=True, learning_rate=0.1, momentum=0.9,
                             clipvalue=0.1), loss="mse")  # fmt: skip
    return m, _f(131, N, 5), _f(132, N, 2) * 5.0, _f(133, 3, 5)


def seq_adam_legacy_amsgrad(K):
    m = _mlp(K, out=2, out_act=None)
    m.compile(optimizer=_opt(K, "Adam", legacy=True, learning_rate=0.01, amsgrad=True),
              loss="mse")  # fmt: skip
    return m, _f(134, N, 5), _f(135, N, 2), _f(136, 3, 5)


def seq_masking_lstm(K):
    L = K.layers
    m = K.models.Sequential(
        [L.Input((5, 3)), L.Masking(mask_value=0.0), L.LSTM(4), L.Dense(1, activation="sigmoid")]
    )
    m.compile(optimizer=_opt(K, "RMSprop", learning_rate=0.01), loss="binary_crossentropy",
              metrics=["accuracy"])  # fmt: skip
    x = _f(137, N, 5, 3)
    x[:, 3:] = 0.0  # padded steps
    xt = _f(138, 3, 5, 3)
    xt[:, 4:] = 0.0
    return m, x, _bits(139, N, 1), xt


def seq_conv1d_embedding_mask(K):
    L = K.layers
    m = K.models.Sequential(
        [
            L.Input((6,)),
            L.Embedding(10, 4, mask_zero=True),
            L.GRU(3, return_sequences=True),
            L.Conv1D(2, 3, activation="relu"),
            L.GlobalMaxPooling1D(),
            L.Dense(3, activation="softmax"),
        ]
    )
    m.compile(optimizer=_opt(K, "Adam", learning_rate=0.01),
              loss="sparse_categorical_crossentropy", metrics=["acc"])  # fmt: skip
    x = _ints(140, 10, N, 6)
    x[:, 5:] = 0
    return m, x, _ints(141, 3, N, 1), _ints(142, 10, 3, 6)


def func_loss_weights_list(K):
    L = K.layers
    a = L.Input((4,))
    h = L.Dense(4, activation="relu")(a)
    m = K.models.Model(a, [L.Dense(1, name="p")(h), L.Dense(2, activation="softmax", name="q")(h)])
    m.compile(optimizer=_opt(K, "SGD", learning_rate=0.05, momentum=0.9, nesterov=True),
              loss=["mae", "sparse_categorical_crossentropy"], loss_weights=[2.0, 0.5],
              metrics=[["mse"], ["accuracy"]])  # fmt: skip
    return m, _f(143, N, 4), [_f(144, N, 1), _ints(145, 2, N)], _f(146, 3, 4)


def seq_bidirectional_concat_legacy_rmsprop(K):
    L = K.layers
    m = K.models.Sequential(
        [
            L.Input((4, 2)),
            L.Bidirectional(L.SimpleRNN(3, return_sequences=True)),
            L.Bidirectional(L.LSTM(2), merge_mode="ave"),
            L.Dense(1),
        ]
    )
    m.compile(optimizer=_opt(K, "RMSprop", legacy=True, learning_rate=0.01, momentum=0.5),
              loss="mse")  # fmt: skip
    return m, _f(147, N, 4, 2), _f(148, N, 1), _f(149, 3, 4, 2)


SCENARIOS = {
    f.__name__: f
    for f in (
        seq_adam_cce,
        seq_sgd_momentum_mse,
        seq_rmsprop_bce_objects,
        seq_nesterov_smoothing,
        seq_input_dim_adam_legacy,
        seq_sgd_legacy_momentum,
        seq_rmsprop_legacy_centered,
        seq_adam_amsgrad,
        seq_adagrad_legacy,
        seq_conv,
        seq_conv_bn_transpose,
        seq_dcgan_generator,
        seq_embedding_lstm,
        seq_gru,
        seq_gru_reset_before,
        seq_simple_rnn,
        seq_bidirectional_td,
        seq_td_bidirectional_gru_concat,
        seq_dropout,
        seq_huber_object,
        seq_logits_sparse,
        seq_precision_recall,
        seq_uncompiled,
        func_two_in_two_out,
        func_outputs_lists,
        func_shared_add,
        func_residual,
        func_nested_sequential,
        func_nested_sequential_twice,
        func_nested_functional_out,
        func_nested_functional_fed,
        gan_generator,
        gan_discriminator,
        gan_combined,
        gan_combined_legacy,
        conv_discriminator,
        func_text_two_inputs,
        func_weighted_metrics,
        func_conv_concat,
        func_seq2seq_states,
        func_uncompiled_shared_nested,
        seq_frozen_layers,
        seq_clipnorm_adam,
        seq_clipvalue_sgd_legacy,
        seq_adam_legacy_amsgrad,
        seq_masking_lstm,
        seq_conv1d_embedding_mask,
        func_loss_weights_list,
        seq_bidirectional_concat_legacy_rmsprop,
    )
}
SCENARIOS.update(
    seq_adagrad=seq_adagrad, seq_adamax=seq_adamax, seq_adadelta=seq_adadelta, seq_nadam=seq_nadam
)


# -- running a scenario (either library) ------------------------------------------------------
def leaf_layers(model) -> list:
    out = []
    for layer in model.layers:
        out += leaf_layers(layer) if hasattr(layer, "layers") else [layer]
    return out


def set_weights(model, seed: int = 0) -> None:
    """The same weights in either library: layer by layer (model-level order differs)."""
    rng = np.random.default_rng(seed)
    for layer in leaf_layers(model):
        values = []
        for w in layer.get_weights():
            v = rng.normal(0, 0.4, w.shape)
            if type(layer).__name__ == "BatchNormalization" and len(values) >= 2:
                v = rng.uniform(0.5, 1.5, w.shape) if len(values) == 3 else v * 0.2
            elif type(layer).__name__ == "BatchNormalization" and len(values) == 0:
                v = 1.0 + 0.2 * v
            values.append(v.astype(w.dtype))
        layer.set_weights(values)


def has_dropout(model) -> bool:
    return any(type(la).__name__ == "Dropout" for la in leaf_layers(model))


def as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def plain(value):
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return plain(value.astype("float64").tolist())
    if isinstance(value, np.generic):
        return plain(value.item())
    if isinstance(value, float):
        return float(f"{value:.7g}")
    return value


def prepare(K, name: str):
    """The scenario's model, with its weights set and (when compiled) trained two steps."""
    model, x, y, xt = SCENARIOS[name](K)
    set_weights(model)
    if y is not None:
        for _ in range(2):
            model.train_on_batch(x, y)
    return model, x, y, xt


def predict(model, xt) -> list:
    return [np.asarray(p) for p in as_list(model.predict(xt, verbose=0))]


def optimizer_facts(model) -> dict:
    opt = model.optimizer
    lr = opt.learning_rate
    return {
        "class_name": type(opt).__name__,
        "learning_rate": float(lr.numpy() if hasattr(lr, "numpy") else lr),
        "iterations": int(np.asarray(opt.iterations)),
    }


def step(model, x, y) -> dict:
    """One more training step: its logs, as `train_on_batch(return_dict=True)` gives them."""
    return {k: float(v) for k, v in model.train_on_batch(x, y, return_dict=True).items()}


def evaluate(model, x, y) -> dict:
    return {k: float(v) for k, v in model.evaluate(x, y, return_dict=True, verbose=0).items()}


def close(a, b, rtol=RTOL, atol=ATOL) -> bool:
    a, b = as_list(a), as_list(b)
    return len(a) == len(b) and all(
        np.shape(u) == np.shape(v) and np.allclose(u, v, rtol=rtol, atol=atol) for u, v in zip(a, b)
    )


def _text(values) -> list[str]:
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


def h5_layout(path) -> dict:
    """What tf_keras reads by position from a `.h5`: the optimizer weights' shapes in order,
    the saved layers with weights and their weights' shapes, the root attributes."""
    import h5py

    with h5py.File(path, "r") as h5:
        out = {"attrs": sorted(h5.attrs)}
        group = h5["model_weights"] if "model_weights" in h5 else h5
        layers = []
        for name in _text(group.attrs["layer_names"]):
            shapes = [list(group[name][w].shape) for w in _text(group[name].attrs["weight_names"])]
            if shapes:
                layers.append(shapes)
        out["layer_weight_shapes"] = layers
        if "optimizer_weights" in h5:
            opt = h5["optimizer_weights"]
            names = _text(opt.attrs["weight_names"])
            out["optimizer_weight_shapes"] = [list(opt[n].shape) for n in names]
        if "training_config" in h5.attrs:
            training = json.loads(h5.attrs["training_config"])
            out["optimizer_class"] = training["optimizer_config"]["class_name"]
            out["is_legacy_optimizer"] = training["optimizer_config"]["config"].get(
                "is_legacy_optimizer"
            )
    return out


# -- Keras 2 -> numkeras (recorded here, checked by the test) ----------------------------------
# files committed (gzipped): every compiled scenario's `.h5`; the weights-only `.h5` of these
WEIGHTS_FILES = (
    "seq_conv_bn_transpose",
    "func_two_in_two_out",
    "gan_combined",
    "seq_bidirectional_td",
    "func_uncompiled_shared_nested",
    "seq_uncompiled",
)


def record_keras2(keras, name: str, out: pathlib.Path) -> dict:
    model, x, y, xt = prepare(keras, name)
    # (the inputs and targets come from the scenario functions, in the test too)
    case: dict = {"y_test": plain(predict(model, xt))}
    model.save(out / f"{name}.h5")
    if name in WEIGHTS_FILES:
        model.save_weights(out / f"{name}_w.h5")
    if y is None:
        return case
    case.update(optimizer=plain(optimizer_facts(model)), evaluate=plain(evaluate(model, x, y)))
    again = keras.models.load_model(out / f"{name}.h5")
    case["keras2_iterations_restored"] = int(again.optimizer.iterations.numpy())
    if not has_dropout(model):
        case["step"] = plain(step(model, x, y))
        case["y_resumed"] = plain(predict(model, xt))
    return case


# -- numkeras -> Keras 2 (checked here against tf_keras; facts recorded) -----------------------
def check_numkeras_file(keras, numkeras, name: str, tmp: pathlib.Path) -> dict:
    """numkeras writes `<name>.h5` (and `<name>_w.h5`); tf_keras loads them."""
    model, x, y, xt = prepare(numkeras, name)
    path, wpath = tmp / f"{name}.h5", tmp / f"{name}_w.h5"
    model.save(path)
    model.save_weights(wpath)
    want = predict(model, xt)
    np.savez(tmp / f"{name}.npz", *as_list(xt))
    np.savez(tmp / f"{name}.want.npz", *want)
    row: dict = {"layout": h5_layout(path)}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            theirs = keras.models.load_model(path)
        except Exception as e:  # noqa: BLE001 - recorded
            row["tf_keras_load"] = f"{type(e).__name__}: {str(e).splitlines()[0][:200]}"
            theirs = None
        if theirs is not None:
            row["tf_keras_load"] = "ok"
            row["predict"] = close(predict(theirs, xt), want)
            if y is not None:
                row["compiled"] = theirs.optimizer is not None and bool(
                    getattr(theirs, "compiled_loss", None)
                )
                row["optimizer"] = optimizer_facts(theirs)
                row["optimizer_numkeras"] = optimizer_facts(model)
                row["evaluate"] = evaluate(theirs, x, y)
                row["evaluate_numkeras"] = evaluate(model, x, y)
                if not has_dropout(model):
                    row["step"] = step(theirs, x, y)
                    row["step_numkeras"] = step(model, x, y)
                    row["resumed_as_numkeras"] = close(
                        predict(theirs, xt), predict(model, xt), rtol=1e-4, atol=1e-6
                    )
                theirs.save(tmp / f"{name}.tf.h5")  # what tf_keras writes for this model
                row["layout_tf_keras_resaved"] = h5_layout(tmp / f"{name}.tf.h5")
    row["warnings"] = sorted({str(w.message).splitlines()[0][:160] for w in caught})
    try:
        twin, *_ = SCENARIOS[name](keras)
        twin.load_weights(wpath)
        row["weights_file"] = close(predict(twin, xt), want)
    except Exception as e:  # noqa: BLE001 - recorded
        row["weights_file"] = f"{type(e).__name__}: {str(e).splitlines()[0][:200]}"
    return row


def summary(row: dict) -> dict:
    """The facts a numkeras file's check established (the JSON keeps these)."""
    out = {k: row[k] for k in ("tf_keras_load", "predict", "weights_file", "keras3") if k in row}
    if "evaluate" in row:
        theirs, ours = row["evaluate"], row["evaluate_numkeras"]
        out["tf_keras_metric_names"] = sorted(theirs)
        out["metric_names_as_numkeras"] = sorted(theirs) == sorted(ours)
        out["tf_keras_iterations"] = row["optimizer"]["iterations"]
        out["optimizer_as_numkeras"] = row["optimizer"] == row["optimizer_numkeras"]
    if "step" in row:
        a, b = row["step"]["loss"], row["step_numkeras"]["loss"]
        out["step_loss_as_numkeras"] = bool(np.isclose(a, b, rtol=1e-4, atol=1e-6))
        out["resumed_as_numkeras"] = row["resumed_as_numkeras"]
    if "layout_tf_keras_resaved" in row:
        resaved = row["layout_tf_keras_resaved"]
        out["tf_keras_optimizer_weight_shapes"] = resaved.get("optimizer_weight_shapes")
        out["tf_keras_layer_weight_shapes"] = resaved["layer_weight_shapes"]
    out["numkeras_layout"] = row["layout"]
    return out


def keras3_loads(python: str, tmp: pathlib.Path, names: list[str]) -> dict:
    """Keras 3.15 loads each numkeras `.h5` (a subprocess: its own venv)."""
    code = (
        "import sys, json, pathlib, numpy as np, keras\n"
        "tmp = pathlib.Path(sys.argv[1]); out = {}\n"
        "for name in sys.argv[2:]:\n"
        "    try:\n"
        "        xs = list(np.load(tmp / f'{name}.npz').values())\n"
        "        want = list(np.load(tmp / f'{name}.want.npz').values())\n"
        "        m = keras.models.load_model(tmp / f'{name}.h5')\n"
        "        got = m.predict(xs if len(xs) > 1 else xs[0], verbose=0)\n"
        "        got = got if isinstance(got, (list, tuple)) else [got]\n"
        "        ok = all(np.allclose(g, w, rtol=1e-5, atol=1e-6) for g, w in zip(got, want))\n"
        "        m2 = keras.models.load_model(tmp / f'{name}.h5', compile=False)\n"
        "        m2.load_weights(tmp / f'{name}_w.h5')\n"
        "        got = m2.predict(xs if len(xs) > 1 else xs[0], verbose=0)\n"
        "        got = got if isinstance(got, (list, tuple)) else [got]\n"
        "        okw = all(np.allclose(g, w, rtol=1e-5, atol=1e-6) for g, w in zip(got, want))\n"
        "        out[name] = {'load': 'ok', 'predict': bool(ok), 'weights_file': bool(okw)}\n"
        "    except Exception as e:\n"
        "        out[name] = {'load': f'{type(e).__name__}: {str(e).splitlines()[0][:200]}'}\n"
        "print(json.dumps(out))\n"
    )
    env = dict(os.environ, KERAS_BACKEND="jax")
    proc = subprocess.run(
        [python, "-c", code, str(tmp), *names],
        cwd=tempfile.gettempdir(),
        env=env,
        capture_output=True,
        text=True,
    )
    if proc.returncode:
        print(proc.stderr[-3000:])
        return {}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# -- to_json -----------------------------------------------------------------------------------
def check_to_json(keras, numkeras, name: str) -> dict:
    model, _, _, xt = prepare(keras, name)
    try:
        ours = numkeras.models.model_from_json(model.to_json())
        ours.set_weights(model.get_weights())
        ok = close(predict(ours, xt), predict(model, xt))
        return {"load": "ok", "predict": ok, "layers": [la.name for la in model.layers]}
    except Exception as e:  # noqa: BLE001 - recorded
        return {"load": f"{type(e).__name__}: {str(e).splitlines()[0][:200]}"}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keras3", default="/work/kenv/bin/python")
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--dry", action="store_true", help="write nothing into tests/")
    args = ap.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tf_keras as keras

    import numkeras

    assert keras.__version__.startswith("2."), keras.__version__
    warnings.simplefilter("ignore")
    names = args.only or list(SCENARIOS)
    FILES.mkdir(parents=True, exist_ok=True)
    record: dict = {"keras_version": keras.__version__, "keras2_files": {}, "numkeras_files": {}}
    record["to_json"] = {}
    rows: dict = {}
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="diff_keras2_"))
    raw = tmp / "keras2"
    raw.mkdir()
    for name in names:
        print(name, flush=True)
        keras.utils.set_random_seed(0)
        numkeras.utils.set_random_seed(0)
        try:
            record["keras2_files"][name] = record_keras2(keras, name, raw)
        except Exception:  # noqa: BLE001
            traceback.print_exc()
        try:
            rows[name] = check_numkeras_file(keras, numkeras, name, tmp)
        except Exception:  # noqa: BLE001
            traceback.print_exc()
        record["to_json"][name] = check_to_json(keras, numkeras, name)
        keras.backend.clear_session()
    if args.keras3:
        for name, result in keras3_loads(args.keras3, tmp, names).items():
            rows[name]["keras3"] = result
    (tmp / "rows.json").write_text(json.dumps(plain(rows), indent=1))  # the details
    record["numkeras_files"] = {name: plain(summary(row)) for name, row in rows.items()}
    if not (args.only or args.dry):
        for path in sorted(raw.iterdir()):
            data = gzip.compress(path.read_bytes(), 9, mtime=0)
            (FILES / f"{path.name}.gz").write_bytes(data)
        JSON_OUT.write_text(json.dumps(record, sort_keys=True) + "\n")
    else:
        (tmp / "record.json").write_text(json.dumps(record, indent=1, sort_keys=True))
    print(f"work files in {tmp}")


if __name__ == "__main__":
    sys.exit(main())

"""Masked models (padded sequences), shared by `scripts/goldens/make_masking.py` (run with
real Keras 3) and `tests/layers/test_masking.py` (numkeras): `MODELS[name](K)` builds one
from the module `K` (`keras` or `numkeras`), so both sides run the same source, and
`data(name, rng)` gives its padded inputs, targets and optional sample weights.

Each case: `(builder, loss, metrics, optimizer)`; the optimizer is `("adam", lr)` or
`("sgd", lr)`.
"""

from __future__ import annotations

import numpy as np

T = 6  # timesteps
VOCAB = 7
# token ids, 0 = padding: right-padded, left-padded, a gap inside, one full, one short
IDS = np.array(
    [
        [3, 1, 2, 0, 0, 0],
        [0, 0, 4, 2, 6, 1],
        [5, 0, 3, 0, 2, 2],
        [1, 1, 1, 1, 2, 3],
        [6, 0, 0, 0, 0, 0],
    ]
)
MASK = IDS != 0


def _features(rng, n_features: int = 3):
    """Float sequences whose padded steps (IDS == 0) are all zeros (for `Masking`)."""
    x = rng.normal(0, 1, (len(IDS), T, n_features)).round(3)
    x[~MASK] = 0.0
    return x


def emb_lstm(K):
    """Embedding(mask_zero) -> LSTM (last output) -> Dense softmax: classification."""
    layers = K.layers
    x = K.Input((T,), dtype="int32")
    h = layers.Embedding(VOCAB, 4, mask_zero=True)(x)
    h = layers.LSTM(3)(h)
    return K.Model(x, layers.Dense(3, activation="softmax")(h))


def masking_gru_td(K):
    """Masking -> GRU (sequences) -> TimeDistributed(Dense): a masked per-step loss."""
    layers = K.layers
    x = K.Input((T, 3))
    h = layers.Masking(mask_value=0.0)(x)
    h = layers.GRU(4, return_sequences=True)(h)
    return K.Model(x, layers.TimeDistributed(layers.Dense(2))(h))


def bidirectional(K):
    """Embedding(mask_zero) -> Bidirectional(LSTM, sequences) -> Dense softmax per step."""
    layers = K.layers
    x = K.Input((T,), dtype="int32")
    h = layers.Embedding(VOCAB, 4, mask_zero=True)(x)
    h = layers.Bidirectional(layers.LSTM(3, return_sequences=True))(h)
    return K.Model(x, layers.Dense(3, activation="softmax")(h))


def simple_rnn_backwards(K):
    """Masking -> SimpleRNN(go_backwards, sequences) -> Dense: the outputs come back in
    reversed order, the mask does not (as Keras)."""
    layers = K.layers
    x = K.Input((T, 3))
    h = layers.Masking()(x)
    h = layers.SimpleRNN(4, go_backwards=True, return_sequences=True)(h)
    return K.Model(x, layers.Dense(1)(h))


def gru_backwards_last(K):
    """Masking -> GRU(go_backwards, reset_after=False) last output -> Dense."""
    layers = K.layers
    x = K.Input((T, 3))
    h = layers.Masking()(x)
    h = layers.GRU(3, go_backwards=True, reset_after=False)(h)
    return K.Model(x, layers.Dense(1)(h))


def average_pooling(K):
    """Embedding(mask_zero) -> GlobalAveragePooling1D (the mean of the real steps)."""
    layers = K.layers
    x = K.Input((T,), dtype="int32")
    h = layers.Embedding(VOCAB, 4, mask_zero=True)(x)
    h = layers.GlobalAveragePooling1D()(h)
    return K.Model(x, layers.Dense(1, activation="sigmoid")(h))


def concat_branches(K):
    """A masked embedding into a Dense branch and a SimpleRNN branch, concatenated on the
    features (the masks join), then a per-step softmax with per-step sample weights."""
    layers = K.layers
    x = K.Input((T,), dtype="int32")
    e = layers.Embedding(VOCAB, 4, mask_zero=True)(x)
    a = layers.Dense(3, activation="tanh")(e)
    b = layers.SimpleRNN(3, return_sequences=True)(e)
    h = layers.Concatenate()([a, b])
    return K.Model(x, layers.Dense(3, activation="softmax")(h))


def maximum(K):
    """Two masked embeddings into Maximum (masked values take the other's) -> GRU."""
    layers = K.layers
    x1, x2 = K.Input((T,), dtype="int32"), K.Input((T,), dtype="int32")
    e1 = layers.Embedding(VOCAB, 3, mask_zero=True)(x1)
    e2 = layers.Embedding(VOCAB, 3, mask_zero=True)(x2)
    h = layers.Maximum()([e1, e2])
    h = layers.GRU(2, return_sequences=True)(h)
    return K.Model([x1, x2], layers.Dense(1)(h))


def minimum_partial(K):
    """Minimum of a masked embedding and an unmasked input: the values use the one mask,
    the output has none (Keras joins masks only when every input has one)."""
    layers = K.layers
    x1, x2 = K.Input((T,), dtype="int32"), K.Input((T, 3))
    e1 = layers.Embedding(VOCAB, 3, mask_zero=True)(x1)
    h = layers.Minimum()([e1, x2])
    h = layers.LSTM(2)(h)
    return K.Model([x1, x2], layers.Dense(1)(h))


def batch_norm(K):
    """Masking -> BatchNormalization (moments of the real steps in training) -> LSTM."""
    layers = K.layers
    x = K.Input((T, 3))
    h = layers.Masking()(x)
    h = layers.BatchNormalization(momentum=0.5)(h)
    h = layers.LSTM(2)(h)
    return K.Model(x, layers.Dense(1)(h))


def nested(K):
    """A Sequential (Embedding(mask_zero), Dense) inside a functional model: its mask
    reaches the LSTM after it, as in Keras 3's runs."""
    layers = K.layers
    inner = K.Sequential(
        [K.Input((T,), dtype="int32"), layers.Embedding(VOCAB, 4, mask_zero=True), layers.Dense(3)]
    )
    x = K.Input((T,), dtype="int32")
    h = layers.LSTM(2, return_sequences=True)(inner(x))
    return K.Model(x, layers.Dense(1)(h))


def seq2seq(K):
    """keras.io's LSTM encoder-decoder with padded (masked) sequences: the decoder starts
    from the encoder's states (so, as in Keras 3, it does not use its mask, but passes
    it on to the per-step loss)."""
    layers = K.layers
    enc_in, dec_in = K.Input((T,), dtype="int32"), K.Input((T,), dtype="int32")
    e = layers.Embedding(VOCAB, 4, mask_zero=True)(enc_in)
    _, h, c = layers.LSTM(3, return_state=True)(e)
    d = layers.Embedding(VOCAB, 4, mask_zero=True)(dec_in)
    d = layers.LSTM(3, return_sequences=True)(d, initial_state=[h, c])
    return K.Model([enc_in, dec_in], layers.Dense(VOCAB, activation="softmax")(d))


CASES = {
    "emb_lstm": (emb_lstm, "sparse_categorical_crossentropy", ["accuracy"], ("adam", 0.02)),
    "masking_gru_td": (masking_gru_td, "mse", ["mae"], ("sgd", 0.1)),
    "bidirectional": (
        bidirectional,
        "sparse_categorical_crossentropy",
        ["accuracy"],
        ("adam", 0.02),
    ),
    "simple_rnn_backwards": (simple_rnn_backwards, "mse", ["mae"], ("sgd", 0.1)),
    "gru_backwards_last": (gru_backwards_last, "mse", [], ("adam", 0.02)),
    "average_pooling": (average_pooling, "binary_crossentropy", ["accuracy"], ("sgd", 0.2)),
    "concat_branches": (
        concat_branches,
        "sparse_categorical_crossentropy",
        ["accuracy"],
        ("adam", 0.02),
    ),
    "maximum": (maximum, "mse", ["mae"], ("sgd", 0.1)),
    "minimum_partial": (minimum_partial, "mse", [], ("adam", 0.02)),
    "batch_norm": (batch_norm, "mse", [], ("sgd", 0.1)),
    "nested": (nested, "mse", ["mse"], ("sgd", 0.1)),
    "seq2seq": (seq2seq, "sparse_categorical_crossentropy", ["accuracy"], ("adam", 0.02)),
}


def data(name: str, rng) -> tuple:
    """`(x, y, sample_weight or None)` for case `name` (y drawn for the model's outputs)."""
    n = len(IDS)
    ids2 = np.roll(IDS, 1, axis=1)
    x = {
        "masking_gru_td": _features(rng),
        "simple_rnn_backwards": _features(rng),
        "gru_backwards_last": _features(rng),
        "batch_norm": _features(rng),
        "maximum": [IDS, ids2],
        "minimum_partial": [IDS, rng.normal(0, 1, (n, T, 3)).round(3)],
        "seq2seq": [IDS, ids2],
    }.get(name, IDS)
    sample_weight = None
    if name == "emb_lstm":
        y = rng.integers(0, 3, (n,))
    elif name in ("bidirectional", "concat_branches"):
        y = rng.integers(0, 3, (n, T))
        if name == "concat_branches":
            sample_weight = rng.uniform(0.5, 2.0, (n, T)).round(3)
    elif name == "seq2seq":
        y = np.roll(ids2, -1, axis=1)  # the next token, 0 at the padding
    elif name == "masking_gru_td":
        y = rng.normal(0, 1, (n, T, 2)).round(3)
    elif name in ("simple_rnn_backwards", "maximum", "nested"):
        y = rng.normal(0, 1, (n, T, 1)).round(3)
    elif name == "average_pooling":
        y = rng.integers(0, 2, (n, 1)).astype("float64")
    else:
        y = rng.normal(0, 1, (n, 1)).round(3)
    return x, y, sample_weight

"""Goldens for tests/layers/test_custom_masks.py: user layers whose `call` takes a `mask`,
inside models, as Keras 3 runs them (it fills the argument with the inputs' masks, in
prediction and in training).

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values: predictions, losses over a few epochs, trained weights, and
what the call saw (`mask` None, one mask, or a list with None for an unmasked input).

Run with Keras 3 and JAX installed (writes tests/goldens/custom_masks.json):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_custom_masks.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "custom_masks.json"
KERAS_FILE = ROOT / "tests" / "goldens" / "saving" / "keras_explicit_mask.keras"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


def _layers(keras):
    """The user layers of the scenarios, written as keras.io writes masked layers."""
    ops, Layer = keras.ops, keras.layers.Layer

    class MaskedMean(Layer):
        """Mean over the real steps; the mask ends here."""

        def call(self, x, mask=None):
            if mask is None:
                return ops.mean(x, axis=1)
            m = ops.expand_dims(ops.cast(mask, x.dtype), -1)
            return ops.sum(x * m, axis=1) / ops.maximum(ops.sum(m, axis=1), 1.0)

        def compute_mask(self, inputs, mask=None):
            return None

    class ZeroMasked(Layer):
        """Scales the features and zeroes the padded steps; passes the mask on."""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.supports_masking = True

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")

        def call(self, x, mask=None):
            y = x * self.w
            if mask is not None:
                y = ops.where(ops.expand_dims(mask, -1), y, ops.zeros_like(y))
            return y

    class SawMask(Layer):
        """Records what its call was given as `mask` (in Python: None, "one", or a list
        of those) and adds its second input to the first, masked by the first's mask."""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.saw = []

        def call(self, inputs, mask=None):
            a, b = inputs
            if isinstance(mask, (list, tuple)):
                self.saw.append([None if m is None else "one" for m in mask])
            else:
                self.saw.append(None if mask is None else "one")
            y = a + b
            if isinstance(mask, (list, tuple)) and mask[0] is not None:
                y = y * ops.expand_dims(ops.cast(mask[0], y.dtype), -1)
            return y

        def compute_mask(self, inputs, mask=None):
            return mask[0] if isinstance(mask, (list, tuple)) else mask

    class CallOnlyMask(Layer):
        """Takes the mask in its call but defines no compute_mask: Keras 3 says it does
        not support masking, so the mask stops here (with Keras's warning)."""

        def build(self, input_shape):
            self.b = self.add_weight(shape=(input_shape[-1],), initializer="zeros")

        def call(self, x, mask=None):
            if mask is not None:
                x = x * ops.expand_dims(ops.cast(mask, x.dtype), -1)
            return x + self.b

    return MaskedMean, ZeroMasked, SawMask, CallOnlyMask


def _set_weights(model):
    """Deterministic weights (the same in both libraries)."""
    model.set_weights(
        [
            np.linspace(-1, 1, w.size).reshape(w.shape).astype("float32") * 0.7
            for w in model.get_weights()
        ]
    )


def _ids(rng, batch=8, steps=5):
    ids = rng.integers(1, 10, (batch, steps))
    ids[:, 3:] = 0
    ids[0, 1:] = 0
    ids[1, 4:] = 0
    return ids


def _train(keras, model, x, y, optimizer, loss="mse", epochs=3, batch_size=4):
    model.compile(optimizer=optimizer, loss=loss)
    history = model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0, shuffle=False)
    return {
        "losses": [float(v) for v in history.history["loss"]],
        "weights": [np.asarray(w, "float64").ravel().tolist() for w in model.get_weights()],
        "evaluated": float(model.evaluate(x, y, verbose=0)),
    }


@scenario
def functional_embedding_mask(keras):
    """Embedding(mask_zero) -> a masking user layer with a weight -> a masked mean -> Dense,
    predicted, then trained with SGD."""
    MaskedMean, ZeroMasked, _, _ = _layers(keras)
    ids = _ids(np.random.default_rng(1))
    inp = keras.Input((5,), dtype="int32")
    h = ZeroMasked()(keras.layers.Embedding(10, 4, mask_zero=True)(inp))
    model = keras.Model(inp, keras.layers.Dense(1)(MaskedMean()(h)))
    _set_weights(model)
    y = np.linspace(0, 1, 8).astype("float32")[:, None]
    out = {"prediction": model.predict(ids, verbose=0).ravel().tolist()}
    out.update(_train(keras, model, ids, y, keras.optimizers.SGD(0.1)))
    out["prediction_after"] = model.predict(ids, batch_size=3, verbose=0).ravel().tolist()
    return out


@scenario
def sequential_masking_lstm(keras):
    """Sequential: Masking -> the masking user layer -> LSTM (which takes the mask on)
    -> Dense, trained with Adam; the padded steps' values change nothing."""
    _, ZeroMasked, _, _ = _layers(keras)
    rng = np.random.default_rng(2)
    x = rng.normal(size=(6, 5, 3)).astype("float32")
    x[0, 2:] = 0.0
    x[3, 4:] = 0.0
    model = keras.Sequential(
        [
            keras.Input((5, 3)),
            keras.layers.Masking(0.0),
            ZeroMasked(),
            keras.layers.LSTM(4),
            keras.layers.Dense(2),
        ]
    )
    _set_weights(model)
    y = rng.normal(size=(6, 2)).astype("float32")
    out = {"prediction": model.predict(x, verbose=0).ravel().tolist()}
    out.update(_train(keras, model, x, y, keras.optimizers.Adam(0.01), batch_size=3))
    return out


@scenario
def list_inputs_one_masked(keras):
    """A user layer on [masked, unmasked] inputs gets `mask=[mask, None]`; its output mask
    (its compute_mask) feeds GlobalAveragePooling1D."""
    _, _, SawMask, _ = _layers(keras)
    rng = np.random.default_rng(3)
    ids = _ids(rng)
    feats = rng.normal(size=(8, 5, 4)).astype("float32")
    a_in = keras.Input((5,), dtype="int32")
    b_in = keras.Input((5, 4))
    saw = SawMask()
    h = saw([keras.layers.Embedding(10, 4, mask_zero=True)(a_in), b_in])
    out_t = keras.layers.Dense(1)(keras.layers.GlobalAveragePooling1D()(h))
    model = keras.Model([a_in, b_in], out_t)
    _set_weights(model)
    y = np.linspace(-1, 1, 8).astype("float32")[:, None]
    out = {"prediction": model.predict([ids, feats], verbose=0).ravel().tolist()}
    out.update(_train(keras, model, [ids, feats], y, keras.optimizers.SGD(0.05), epochs=2))
    out["saw"] = [s for s in saw.saw if s is not None][-1]
    return out


@scenario
def call_mask_without_compute_mask(keras):
    """A call that takes the mask but no compute_mask: it uses the mask, then drops it
    (the LSTM after it runs every step)."""
    _, _, _, CallOnlyMask = _layers(keras)
    ids = _ids(np.random.default_rng(4))
    inp = keras.Input((5,), dtype="int32")
    h = CallOnlyMask()(keras.layers.Embedding(10, 3, mask_zero=True)(inp))
    model = keras.Model(inp, keras.layers.Dense(1)(keras.layers.SimpleRNN(3)(h)))
    _set_weights(model)
    y = np.linspace(0, 2, 8).astype("float32")[:, None]
    out = {"prediction": model.predict(ids, verbose=0).ravel().tolist()}
    out.update(_train(keras, model, ids, y, keras.optimizers.Adam(0.02), epochs=2))
    return out


@scenario
def masked_custom_layer_in_nested_model(keras):
    """The masking user layers inside an inner functional model, called on an outer
    model's Embedding output: the mask crosses into the inner model."""
    MaskedMean, ZeroMasked, _, _ = _layers(keras)
    ids = _ids(np.random.default_rng(5))
    inner_in = keras.Input((5, 4))
    inner = keras.Model(inner_in, MaskedMean()(ZeroMasked()(inner_in)))
    inp = keras.Input((5,), dtype="int32")
    out_t = keras.layers.Dense(1)(inner(keras.layers.Embedding(10, 4, mask_zero=True)(inp)))
    model = keras.Model(inp, out_t)
    _set_weights(model)
    y = np.linspace(1, 0, 8).astype("float32")[:, None]
    out = {"prediction": model.predict(ids, verbose=0).ravel().tolist()}
    out.update(_train(keras, model, ids, y, keras.optimizers.SGD(0.1), epochs=2))
    return out


def _needs_mask_layer(keras):
    ops = keras.ops

    class MeanOfReal(keras.layers.Layer):
        """The mean over the real steps: its call needs the mask (Keras gives one to the
        symbolic call too, so the model's shapes come from it)."""

        def call(self, x, mask=None):
            m = ops.expand_dims(ops.cast(mask, x.dtype), -1)
            return ops.sum(x * m, axis=1) / ops.maximum(ops.sum(m, axis=1), 1.0)

        def compute_mask(self, inputs, mask=None):
            return None

    return MeanOfReal


@scenario
def functional_call_needs_the_mask(keras):
    MeanOfReal = _needs_mask_layer(keras)
    ids = _ids(np.random.default_rng(6))
    inp = keras.Input((5,), dtype="int32")
    h = MeanOfReal()(keras.layers.Embedding(10, 3, mask_zero=True)(inp))
    model = keras.Model(inp, keras.layers.Dense(2)(h))
    _set_weights(model)
    y = np.linspace(-1, 1, 16).astype("float32").reshape(8, 2)
    out = {"prediction": model.predict(ids, verbose=0).ravel().tolist()}
    out.update(_train(keras, model, ids, y, keras.optimizers.SGD(0.1), epochs=2))
    return out


@scenario
def subclassed_model_with_masked_layer(keras):
    """A subclassed model whose call chains Embedding(mask_zero) into the user layer:
    the mask reaches it in prediction and in training."""
    MeanOfReal = _needs_mask_layer(keras)

    class Classifier(keras.Model):
        def __init__(self):
            super().__init__()
            self.embed = keras.layers.Embedding(10, 4, mask_zero=True)
            self.pool = MeanOfReal()
            self.head = keras.layers.Dense(1)

        def call(self, x):
            return self.head(self.pool(self.embed(x)))

    ids = _ids(np.random.default_rng(7))
    model = Classifier()
    model(ids)
    _set_weights(model)
    out = {"prediction": model.predict(ids, verbose=0).ravel().tolist()}
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    y = np.ones((8, 1), "float32")
    out["losses"] = [float(model.train_on_batch(ids, y)) for _ in range(3)]
    out["weights"] = [np.asarray(w, "float64").ravel().tolist() for w in model.get_weights()]
    return out


@scenario
def explicit_masks_in_a_graph(keras):
    """`mask=` given symbolically in a functional graph (a mask computed with ops): to an
    LSTM, a Bidirectional GRU and a Softmax; predicted, trained, and the config's nodes."""
    layers, ops = keras.layers, keras.ops
    ids = _ids(np.random.default_rng(8))
    inp = keras.Input((5,), dtype="int32")
    mask = ops.not_equal(inp, 0)
    h = layers.Embedding(10, 3, name="emb")(inp)
    seq = layers.Bidirectional(layers.GRU(2, return_sequences=True), name="bi")(h, mask=mask)
    scores = layers.Softmax(name="soft")(layers.Dense(1, name="score")(seq)[..., 0], mask=mask)
    last = layers.LSTM(2, name="lstm")(h, mask=mask)
    out = layers.Concatenate()([scores, last])
    model = keras.Model(inp, out)
    _set_weights(model)
    result = {"prediction": model.predict(ids, verbose=0).ravel().tolist()}
    y = np.linspace(0, 1, 56).astype("float32").reshape(8, 7)
    result.update(_train(keras, model, ids, y, keras.optimizers.SGD(0.1), epochs=2))
    config = model.get_config()
    result["lstm_node_kwargs"] = sorted(
        [layer for layer in config["layers"] if layer["name"] == "lstm"][0]["inbound_nodes"][0][
            "kwargs"
        ]
    )
    return result


@scenario
def composite_layer_hands_its_mask_on(keras):
    """A user layer whose call hands its mask to a GRU and to another user layer (as
    keras.io's encoders do), inside a functional model: predicted and trained."""
    MeanOfReal = _needs_mask_layer(keras)

    class Encoder(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.rnn = keras.layers.GRU(3, return_sequences=True)
            self.pool = MeanOfReal()

        def call(self, x, mask=None):
            return self.pool(self.rnn(x, mask=mask), mask=mask)

        def compute_mask(self, x, mask=None):
            return None

    ids = _ids(np.random.default_rng(9))
    inp = keras.Input((5,), dtype="int32")
    h = Encoder()(keras.layers.Embedding(10, 3, mask_zero=True)(inp))
    model = keras.Model(inp, keras.layers.Dense(1)(h))
    _set_weights(model)
    out = {"prediction": model.predict(ids, verbose=0).ravel().tolist()}
    y = np.linspace(-1, 1, 8).astype("float32")[:, None]
    out.update(_train(keras, model, ids, y, keras.optimizers.Adam(0.05), epochs=2))
    return out


@scenario
def keras_io_transformer_encoder(keras):
    """keras.io's English-to-Spanish TransformerEncoder (its call turns the mask into
    MultiHeadAttention's `attention_mask`) after a PositionalEmbedding whose
    `compute_mask` gives `ids != 0`; predicted and trained."""
    layers, ops = keras.layers, keras.ops

    class TransformerEncoder(layers.Layer):
        def __init__(self, embed_dim, dense_dim, num_heads, **kwargs):
            super().__init__(**kwargs)
            self.attention = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
            self.dense_proj = keras.Sequential(
                [layers.Dense(dense_dim, activation="relu"), layers.Dense(embed_dim)]
            )
            self.layernorm_1 = layers.LayerNormalization()
            self.layernorm_2 = layers.LayerNormalization()
            self.supports_masking = True

        def call(self, inputs, mask=None):
            padding_mask = None
            if mask is not None:
                padding_mask = ops.cast(mask[:, None, :], dtype="int32")
            attention_output = self.attention(
                query=inputs, value=inputs, key=inputs, attention_mask=padding_mask
            )
            proj_input = self.layernorm_1(inputs + attention_output)
            return self.layernorm_2(proj_input + self.dense_proj(proj_input))

    class PositionalEmbedding(layers.Layer):
        def __init__(self, sequence_length, vocab_size, embed_dim, **kwargs):
            super().__init__(**kwargs)
            self.token_embeddings = layers.Embedding(vocab_size, embed_dim)
            self.position_embeddings = layers.Embedding(sequence_length, embed_dim)

        def call(self, inputs):
            positions = ops.arange(0, ops.shape(inputs)[-1], 1)
            return self.token_embeddings(inputs) + self.position_embeddings(positions)

        def compute_mask(self, inputs, mask=None):
            return ops.not_equal(inputs, 0)

    inp = keras.Input((6,), dtype="int64")
    x = TransformerEncoder(8, 16, 2)(PositionalEmbedding(6, 20, 8)(inp))
    model = keras.Model(inp, layers.Dense(1)(layers.GlobalAveragePooling1D()(x)))
    model.set_weights(
        [
            np.linspace(-0.5, 0.5, w.size).reshape(w.shape).astype("float32") + 0.3 * (w.ndim == 1)
            for w in model.get_weights()
        ]
    )
    ids = np.array([[1, 2, 3, 0, 0, 0], [4, 5, 6, 7, 8, 9], [3, 3, 0, 0, 0, 0], [9, 8, 7, 6, 0, 0]])
    out = {"prediction": model.predict(ids, verbose=0).ravel().tolist()}
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    y = np.linspace(0, 1, 4).astype("float32")[:, None]
    out["losses"] = [float(model.train_on_batch(ids, y)) for _ in range(3)]
    return out


@scenario
def explicit_mask_file(keras):
    """An LSTM given `mask=ops.not_equal(ids, 0)` in a functional model: the file Keras
    writes (the node keeps the mask keyword) and its predictions."""
    ids = _ids(np.random.default_rng(8))
    inp = keras.Input((5,), dtype="int32")
    h = keras.layers.Embedding(10, 3, name="emb")(inp)
    model = keras.Model(inp, keras.layers.LSTM(2, name="lstm")(h, mask=keras.ops.not_equal(inp, 0)))
    _set_weights(model)
    if keras.__name__ == "keras":
        model.save(KERAS_FILE)
    return {"prediction": model.predict(ids, verbose=0).ravel().tolist()}


def main():
    SCENARIOS.write(OUT)
    print(f"and {KERAS_FILE}")


if __name__ == "__main__":
    main()

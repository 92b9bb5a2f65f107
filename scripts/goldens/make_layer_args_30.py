"""Goldens for tests/layers/test_layer_args_30.py: what the layer-argument differential
(scripts/fuzz/fuzz_layer_args.py, seeds 3146-3190, with session 30's draws from 3146 on:
arguments given as objects, more spellings, `key=`, `reverse=`, `count_weights=`,
`training=` and masks the inputs carry) found numkeras doing differently from Keras 3.15
(JAX):

- `SpectralNormalization(Dense(...))` on a masked sequence: Keras's call runs the wrapped
  layer by `__call__`, so the wrapper's output keeps the mask the Dense passes on, and a
  recurrent layer after it skips the padded steps, in a direct call and in a model.
  numkeras's wrapper dropped the mask (it did not support masking), so the LSTM after it
  ran over the padding. (Keras's symbolic output there has no `_keras_mask`, though its
  run carries the mask; numkeras's has it. A wrapped `Embedding(mask_zero=True)`: Keras
  casts its vectors to the ids' integer type, a new tensor without the mask; numkeras
  keeps the floats and their mask: README.)
- MultiHeadAttention / GroupQueryAttention called with `value_mask=` and no `key` on a
  value that carries a mask of its own: Keras uses the explicit value mask alone (it
  fills `value_mask` from the value only when none is given, and `key_mask` only from a
  key given); numkeras also gave the key (the value standing in for it) the value's own
  mask, so both masks were joined.
- A MultiHeadAttention / GroupQueryAttention of dtype float64 (or float16) on inputs that
  carry masks: numkeras cast the float32 inputs to the layer's dtype before reading their
  masks, so the masks were lost (the attention ran unmasked, the output had no mask).

    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \\
        /work/main/scripts/goldens/make_layer_args_30.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, fixed_weights, rounded  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "layer_args_30.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario

IDS = np.array([[1, 2, 0, 0, 0], [3, 4, 5, 0, 0]], "int32")


def _mask(y):
    mask = getattr(y, "_keras_mask", None)
    return None if mask is None else np.asarray(mask).tolist()


@scenario
def spectral_normalization_mask(K) -> dict:
    """The mask past a SpectralNormalization: of a wrapped Dense on an Embedding's masked
    output, of a wrapped Conv1D (none: Conv1D drops it); a model Embedding ->
    SpectralNormalization(Dense) -> LSTM: its predictions and its weights after one SGD
    step."""
    L = K.layers
    emb = L.Embedding(6, 4, mask_zero=True, embeddings_initializer="ones")
    x = emb(IDS)
    dense = L.SpectralNormalization(L.Dense(3, kernel_initializer="ones"))
    conv = L.SpectralNormalization(L.Conv1D(2, 1, kernel_initializer="ones"))
    out = {
        "dense": _mask(dense(x)),
        "dense_training": _mask(dense(x, training=True)),
        "conv1d": _mask(conv(x)),
    }
    inp = K.Input((5,), dtype="int32")
    h = L.Embedding(6, 4, mask_zero=True)(inp)
    h = L.SpectralNormalization(L.Dense(3))(h)
    model = K.Model(inp, L.Dense(1)(L.LSTM(2)(h)))
    fixed_weights(model)
    out["predict"] = rounded(model.predict(IDS, verbose=0))
    model.compile(optimizer=K.optimizers.SGD(0.1), loss="mse")
    out["loss"] = round(float(model.train_on_batch(IDS, np.array([[0.5], [-0.5]]))), 6)
    out["weights"] = [rounded(w) for w in model.get_weights()]
    return out


Q = np.random.default_rng(30).normal(size=(2, 4, 4)).astype("float32")
V_IDS = np.array([[1, 0, 0, 2, 3], [4, 0, 5, 5, 1]], "int32")
V_MASK = np.array([[1, 1, 0, 1, 1], [1, 1, 1, 0, 0]], bool)


def _attention(K, cls: str):
    if cls == "MultiHeadAttention":
        return K.layers.MultiHeadAttention(2, 2, name="att")
    name = "GroupQueryAttention" if hasattr(K.layers, "GroupQueryAttention") else cls
    return getattr(K.layers, name)(2, 2, 1, name="att")


@scenario
def attention_value_mask_beside_masked_value(K) -> dict:
    """MultiHeadAttention / GroupQueryAttention given `value_mask=` and no key, on a value
    carrying its own mask (an Embedding's, mask_zero=True): the explicit mask wins (Keras
    fills `value_mask` from the value only when none is given, and `key_mask` only from a
    key given); with `key_mask=` instead, both join. Direct calls and a functional model."""
    out = {}
    for cls in ("MultiHeadAttention", "GroupedQueryAttention"):
        emb = K.layers.Embedding(6, 4, mask_zero=True, embeddings_initializer="ones")
        att = _attention(K, cls)
        v = emb(V_IDS)
        att(Q, v)
        att.set_weights([np.linspace(-1, 1, w.size).reshape(w.shape) for w in att.get_weights()])
        res = {}
        for arg in ("value_mask", "key_mask"):
            y, scores = att(Q, emb(V_IDS), return_attention_scores=True, **{arg: V_MASK})
            res[arg] = {"output": rounded(y), "scores": rounded(scores)}
        q, ids = K.Input((4, 4)), K.Input((5,), dtype="int32")
        m = K.Input((5,), dtype="bool")
        v = K.layers.Embedding(6, 4, mask_zero=True, name="emb")(ids)
        model = K.Model([q, ids, m], _attention(K, cls)(q, v, value_mask=m))
        fixed_weights(model)
        res["model"] = rounded(model.predict([Q, V_IDS, V_MASK], verbose=0))
        out[cls] = res
    return out


Q_IDS = np.array([[2, 3, 0, 1], [5, 0, 4, 4]], "int32")


@scenario
def attention_float64_masked_inputs(K) -> dict:
    """A float64 MultiHeadAttention / GroupQueryAttention on a query and value carrying
    masks (an Embedding's, mask_zero=True): the layer casts its float32 inputs, and the
    masks still apply (the scores' masked keys are 0; the output keeps the query's mask)."""
    out = {}
    for cls in ("MultiHeadAttention", "GroupedQueryAttention"):
        emb = K.layers.Embedding(6, 4, mask_zero=True)
        emb.build((None, 4))
        emb.set_weights([np.linspace(-1, 1, 24).reshape(6, 4)])
        att = _attention(K, cls)
        att = type(att).from_config({**att.get_config(), "dtype": "float64"})
        q, v = emb(Q_IDS), emb(V_IDS)
        att(q, v)
        att.set_weights([np.linspace(-1, 1, w.size).reshape(w.shape) for w in att.get_weights()])
        y, scores = att(emb(Q_IDS), emb(V_IDS), return_attention_scores=True)
        out[cls] = {
            "output": rounded(y),
            "scores": rounded(scores),
            "mask": np.asarray(y._keras_mask).tolist(),
        }
    return out


if __name__ == "__main__":
    SCENARIOS.write(OUT, sys.argv[1:] or None)

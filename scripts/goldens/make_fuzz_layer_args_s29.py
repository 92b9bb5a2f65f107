"""Goldens for tests/layers/test_layer_args_s29.py: what the layer-argument differential
(scripts/fuzz/fuzz_layer_args.py, seeds 3102-3145, with session 29's draws of the layers'
call arguments from 3116 on) and its probes found numkeras doing differently from
Keras 3.15 (JAX):

- A recurrent layer (SimpleRNN, GRU, LSTM, RNN, Bidirectional) given `initial_state=` and
  `mask=`: Keras uses the mask (only the mask its inputs carry from the layers before is
  left out: Keras fills `mask` for a call on one tensor argument, and the initial states
  are a second one); numkeras ignored both, and in a functional graph refused the
  symbolic `mask=` beside `initial_state=` (ConfigError).
- `GroupQueryAttention(...)(query, value, query_mask=m)`: Keras's GroupQueryAttention uses
  the query mask (unlike its MultiHeadAttention, which reads only the query's own mask);
  numkeras ignored it, as it does for MultiHeadAttention.

- `BatchNormalization()(x, mask=m)` with a mask whose rank is not one less than the
  inputs': Keras raises a ValueError in training and inference; numkeras checked it in
  training only (so `TimeDistributed(BatchNormalization())` with a mask, whose inner layer
  gets one entry per sample, computed where Keras raises).

    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \\
        /work/main/scripts/goldens/make_fuzz_layer_args_s29.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error, fixed_weights, rounded  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "layer_args_s29.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario

RNG = np.random.default_rng(29)
X = RNG.normal(size=(2, 5, 4)).astype("float32")
H0 = RNG.normal(size=(2, 3)).astype("float32")
C0 = RNG.normal(size=(2, 3)).astype("float32")
MASK = np.array([[1, 1, 0, 1, 0], [1, 0, 0, 0, 0]], bool)
IDS = np.array([[1, 2, 0, 3, 0], [4, 0, 0, 0, 0]], "int32")
Q = RNG.normal(size=(2, 4, 4)).astype("float32")
V = RNG.normal(size=(2, 5, 4)).astype("float32")
Q_MASK = np.array([[1, 1, 0, 1], [1, 0, 1, 1]], bool)
V_MASK = np.array([[1, 1, 0, 1, 0], [0, 1, 1, 0, 0]], bool)


def _fixed(layer, *args, **kwargs):
    """`layer` called once on the arguments (built), its weights then set evenly spaced."""
    layer(*args, **kwargs)
    layer.set_weights(
        [np.linspace(-1, 1, w.size).reshape(w.shape).astype("float32") for w in layer.get_weights()]
    )
    return layer


def _values(y) -> list:
    return [rounded(t) for t in (y if isinstance(y, (list, tuple)) else [y])]


def _rnn_layers(L) -> dict:
    return {
        "simple_rnn": (L.SimpleRNN(3, return_sequences=True), [H0]),
        "gru": (L.GRU(3, reset_after=False, return_state=True), [H0]),
        "lstm_backwards": (L.LSTM(3, go_backwards=True, return_sequences=True), [H0, C0]),
        "rnn_cell": (L.RNN(L.LSTMCell(3), return_state=True), [H0, C0]),
        "bidirectional": (
            L.Bidirectional(L.LSTM(3, return_sequences=True)),
            [H0, C0, C0, H0],
        ),
    }


@scenario
def rnn_initial_state_with_mask(K) -> dict:
    """A direct call given `initial_state=` and `mask=`: the padded steps keep the states
    (their output the previous one; Bidirectional's zeros); the mask an Embedding gave
    the inputs is not used beside `initial_state` (it is passed on)."""
    out = {}
    for name, (layer, states) in _rnn_layers(K.layers).items():
        _fixed(layer, X, initial_state=states)
        out[name] = {
            "mask": _values(layer(X, initial_state=states, mask=MASK)),
            "no_mask": _values(layer(X, initial_state=states)),
        }
    emb = K.layers.Embedding(6, 4, mask_zero=True, embeddings_initializer="ones")
    rnn = _fixed(K.layers.SimpleRNN(3, return_sequences=True), X)
    e = emb(IDS)
    out["carried_mask"] = {
        "states": _values(rnn(e, initial_state=[H0])),
        "passed_on": np.asarray(rnn(e, initial_state=[H0])._keras_mask).tolist(),
        "given": _values(rnn(e, initial_state=[H0], mask=MASK)),
    }
    return out


@scenario
def rnn_initial_state_symbolic_mask(K) -> dict:
    """A functional model whose LSTM gets `initial_state=` and a symbolic `mask=`: its
    predictions, the node's call keywords in the config, the model rebuilt from its config,
    and the weights after one SGD step (the gradient through the padded steps)."""
    L = K.layers
    x, h, c = K.Input((5, 4)), K.Input((3,)), K.Input((3,))
    ids = K.Input((5,), dtype="int32")
    lstm = L.LSTM(3, return_sequences=True, name="lstm")
    y = lstm(x, initial_state=[h, c], mask=K.ops.not_equal(ids, 0))
    model = K.Model([x, h, c, ids], L.Dense(2, name="head")(y))
    fixed_weights(model)
    data = [X, H0, C0, IDS]
    node = next(la for la in model.get_config()["layers"] if la["name"] == "lstm")
    twin = K.Model.from_config(model.get_config())
    twin.set_weights(model.get_weights())
    model.compile(optimizer=K.optimizers.SGD(0.1), loss="mse")
    target = np.linspace(-1, 1, 2 * 5 * 2).reshape(2, 5, 2).astype("float32")
    loss = model.train_on_batch(data, target)
    return {
        "predict": rounded(twin.predict(data, verbose=0)),
        "node_kwargs": sorted(node["inbound_nodes"][0]["kwargs"]),
        "loss": round(float(loss), 6),
        "weights": [rounded(w) for w in model.get_weights()],
    }


@scenario
def bidirectional_initial_state_symbolic_mask(K) -> dict:
    """The same for a Bidirectional GRU (its states: the forward layer's, then the
    backward layer's), and the model rebuilt from a config that went through JSON."""
    import json

    L = K.layers
    x, h, g = K.Input((5, 4)), K.Input((3,)), K.Input((3,))
    ids = K.Input((5,), dtype="int32")
    bi = L.Bidirectional(L.GRU(3, return_sequences=True), name="bi")
    y = bi(x, initial_state=[h, g], mask=K.ops.not_equal(ids, 0))
    model = K.Model([x, h, g, ids], y)
    fixed_weights(model)
    data = [X, H0, C0, IDS]
    config = json.loads(json.dumps(model.get_config()))
    node = next(la for la in config["layers"] if la["name"] == "bi")
    twin = K.Model.from_config(config)
    twin.set_weights(model.get_weights())
    model.compile(optimizer=K.optimizers.SGD(0.1), loss="mse")
    target = np.linspace(-1, 1, 2 * 5 * 6).reshape(2, 5, 6).astype("float32")
    loss = model.train_on_batch(data, target)
    return {
        "predict": rounded(twin.predict(data, verbose=0)),
        "node_args": len(node["inbound_nodes"][0]["args"]),
        "node_kwargs": sorted(node["inbound_nodes"][0]["kwargs"]),
        "loss": round(float(loss), 6),
        "weights": [rounded(w) for w in model.get_weights()],
    }


@scenario
def batch_normalization_mask_rank(K) -> dict:
    """The built-in exception class of a BatchNormalization call with a mask of the wrong
    rank (in inference and training), and of a TimeDistributed BatchNormalization given a
    mask of the steps; the right rank's output in inference."""
    L = K.layers
    x = np.linspace(-1, 1, 32).reshape(2, 4, 4).astype("float32")
    x4 = np.linspace(-1, 1, 2 * 5 * 4 * 4).reshape(2, 5, 4, 4).astype("float32")
    out = {}
    for training in (False, True):
        for name, mask in {
            "samples": np.array([True, False]),
            "full": np.ones((2, 4, 4), bool),
        }.items():
            out[f"{name}_{training}"] = builtin_error(
                lambda m=mask, t=training: L.BatchNormalization()(x, mask=m, training=t)
            )
        out[f"time_distributed_{training}"] = builtin_error(
            lambda t=training: L.TimeDistributed(L.BatchNormalization())(
                x4, mask=np.ones((2, 5), bool), training=t
            )
        )
    layer = L.BatchNormalization(moving_mean_initializer="ones")
    out["steps"] = rounded(layer(x, mask=np.array([[1, 1, 0, 0], [1, 0, 1, 0]], bool)))
    return out


def _gqa(K, **kwargs):
    name = "GroupQueryAttention" if hasattr(K.layers, "GroupQueryAttention") else None
    cls = getattr(K.layers, name or "GroupedQueryAttention")
    return cls(head_dim=2, num_query_heads=2, num_key_value_heads=1, **kwargs)


@scenario
def gqa_query_mask(K) -> dict:
    """GroupQueryAttention given `query_mask=` (alone, with `value_mask=`, with the causal
    mask; with and without the scores), on arrays and in a functional model (predictions,
    the model from its config, the weights after one SGD step)."""
    out = {}
    layer = _fixed(_gqa(K), Q, V)
    for name, call in {
        "query": {"query_mask": Q_MASK},
        "query_value": {"query_mask": Q_MASK, "value_mask": V_MASK},
        "query_causal": {"query_mask": Q_MASK, "use_causal_mask": True},
    }.items():
        out[name] = {
            "output": _values(layer(Q, V, **call)),
            "with_scores": _values(layer(Q, V, return_attention_scores=True, **call)),
        }
    q, v = K.Input((4, 4)), K.Input((5, 4))
    m = K.Input((4,), dtype="bool")
    model = K.Model([q, v, m], _gqa(K, name="gqa")(q, v, query_mask=m))
    fixed_weights(model)
    twin = K.Model.from_config(model.get_config())
    twin.set_weights(model.get_weights())
    model.compile(optimizer=K.optimizers.SGD(0.1), loss="mse")
    target = np.linspace(-1, 1, 2 * 4 * 4).reshape(2, 4, 4).astype("float32")
    loss = model.train_on_batch([Q, V, Q_MASK], target)
    out["model"] = {
        "predict": rounded(twin.predict([Q, V, Q_MASK], verbose=0)),
        "loss": round(float(loss), 6),
        "weights": [rounded(w) for w in model.get_weights()],
    }
    return out


if __name__ == "__main__":
    SCENARIOS.write(OUT, sys.argv[1:] or None)

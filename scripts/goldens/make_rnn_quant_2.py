"""Goldens for tests/layers/test_rnn_quant_2.py: Keras 3's structure of a stacked RNN's
states (`RNN([LSTMCell, GRUCell, ...], return_state=True)` returns `out, [h1, c1], h2`),
the recurrent layers' `call_signature_parameters` and `sequences=` keyword, the
`dtype_policy` setter, int8 quantization of `ReversibleEmbedding`, and `keras.quantizers`.

Where Keras's eager and symbolic calls disagree (an eager call on arrays lists a one-state
cell's state, `out, [h1, c1], [h2]`; a call on `Input`s gives `out, [h1, c1], h2`, as
`compute_output_shape` says), numkeras follows the symbolic call: the scenarios record the
symbolic structures, and eager structures only where both agree (an eager call given its
initial states in that form returns them in it).

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/rnn_quant_2.json, and tests/saving/quantized/reversible_int8.*):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_rnn_quant_2.py
"""

from __future__ import annotations

import copy
import pathlib
import sys
import tempfile

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "rnn_quant_2.json"
FILES = ROOT / "tests" / "saving" / "quantized"  # (Keras-written files, see write_files)
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario

RNG = np.random.default_rng(5)
X = RNG.normal(size=(2, 5, 3)).astype("float32")
H1 = RNG.normal(size=(2, 4)).astype("float32")
C1 = RNG.normal(size=(2, 4)).astype("float32")
H2 = RNG.normal(size=(2, 3)).astype("float32")
H3 = RNG.normal(size=(2, 2)).astype("float32")
Y = RNG.normal(size=(2, 1)).astype("float32")


def _round(a, digits=5):
    return np.asarray(a, dtype="float64").round(digits).tolist()


def _structure(o):
    """The nesting of a call's outputs: {"tuple"/"list": [...]}, a shape for a tensor."""
    if isinstance(o, (list, tuple)):
        return {type(o).__name__: [_structure(i) for i in o]}
    return [None if d is None else int(d) for d in o.shape]


def _shapes(s):
    """`compute_output_shape`'s answer, its tuples / lists kept apart."""
    if isinstance(s, tuple) and all(d is None or isinstance(d, int) for d in s):
        return {"shape": list(s)}
    return {type(s).__name__: [_shapes(i) for i in s]}


def _flat(o) -> list:
    if isinstance(o, (list, tuple)):
        return [t for i in o for t in _flat(i)]
    return [o]


def _values(o) -> list:
    return [_round(t) for t in _flat(o)]


def _set_weights(layer, seed=0):
    rng = np.random.default_rng(seed)
    layer.set_weights([rng.normal(size=w.shape).astype("float32") * 0.4 for w in layer.weights])


CELLS = {
    "lstm_gru_simple": lambda L: [L.LSTMCell(4), L.GRUCell(3), L.SimpleRNNCell(2)],
    "simple_simple": lambda L: [L.SimpleRNNCell(4), L.SimpleRNNCell(2)],
    "lstm_lstm": lambda L: [L.LSTMCell(4), L.LSTMCell(2)],
    "one_lstm": lambda L: [L.LSTMCell(4)],
    "stacked_object": lambda L: L.StackedRNNCells([L.LSTMCell(4), L.SimpleRNNCell(2)]),
}


@scenario
def stacked_state_structures(keras):
    """Symbolic outputs, compute_output_shape, state_size, get_initial_state, and the
    values of an eager call, for each cell list, with and without return_sequences."""
    L = keras.layers
    out = {}
    for name, make in CELLS.items():
        for seq in (False, True):
            layer = L.RNN(make(L), return_state=True, return_sequences=seq)
            sym = layer(keras.Input((5, 3)))
            entry = {
                "symbolic": _structure(sym),
                "output_shape": _shapes(layer.compute_output_shape((None, 5, 3))),
                "state_size": layer.state_size,
                "initial_state": _structure(layer.get_initial_state(2)),
            }
            if name != "one_lstm":  # (Keras's eager call crashes on one cell in a list)
                _set_weights(layer)
                entry["eager_values"] = _values(layer(X))
            out[f"{name}_{'seq' if seq else 'last'}"] = entry
    return out


@scenario
def stacked_initial_state_forms(keras):
    """An eager call given the states nested as the symbolic call returns them gives
    them back in that form; the cells' own lists (`[[h1, c1], [h2], [h3]]`) the same
    values."""
    L = keras.layers
    layer = L.RNN([L.LSTMCell(4), L.GRUCell(3), L.SimpleRNNCell(2)], return_state=True)
    layer(X)
    _set_weights(layer, 1)
    nested = layer(X, initial_state=[[H1, C1], H2, H3])
    own = layer(X, initial_state=[[H1, C1], [H2], [H3]])
    no_state = L.RNN([L.LSTMCell(4), L.GRUCell(3)])
    return {
        "nested": _structure(nested),
        "values": _values(nested),
        "own_lists_values": _values(own),
        "no_state_symbolic": _structure(no_state(keras.Input((5, 3)))),
        "no_state_shape": _shapes(no_state.compute_output_shape((None, 5, 3))),
        "cell_initial_state": _structure(layer.cell.get_initial_state(batch_size=2)),
        "cell_step": _structure(layer.cell(X[:, 0], layer.cell.get_initial_state(2))),
    }


def _functional(keras):
    L = keras.layers
    inp = keras.Input((5, 3), name="seq")
    ih, ic, ih2 = (
        keras.Input((4,), name="h1"),
        keras.Input((4,), name="c1"),
        keras.Input((3,), name="h2"),
    )
    rnn = L.RNN(
        [L.LSTMCell(4, name="l"), L.GRUCell(3, name="g")],
        return_state=True,
        return_sequences=True,
        name="rnn",
    )
    out, hc, hh = rnn(inp, initial_state=[[ih, ic], ih2])
    pooled = L.GlobalAveragePooling1D(name="gap")(out)
    y = L.Concatenate(name="cat")([pooled, hc[0], hc[1], hh])
    y = L.Dense(1, name="d")(y)
    model = keras.Model([inp, ih, ic, ih2], y, name="m")
    rng = np.random.default_rng(3)
    model.set_weights([rng.normal(size=w.shape).astype("float32") * 0.3 for w in model.weights])
    return model, rnn


@scenario
def stacked_functional_model(keras):
    """A functional model taking a stacked RNN's initial states as Inputs (nested) and
    using its nested states: the RNN's config entry, predictions, a reload from `.keras`,
    one SGD step."""
    model, rnn = _functional(keras)
    inputs = [X, H1, C1, H2]
    config = model.get_config()
    entry = next(e for e in config["layers"] if e["name"] == "rnn")
    cat = next(e for e in config["layers"] if e["name"] == "cat")
    predict = model.predict(inputs, verbose=0)
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "m.keras"
        model.save(path)
        loaded = keras.models.load_model(path)
        reloaded = loaded.predict(inputs, verbose=0)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    loss = model.train_on_batch(inputs, Y)
    return {
        "rnn_inbound_nodes": entry["inbound_nodes"],
        "rnn_build_config": entry["build_config"],
        "cat_inbound_nodes": cat["inbound_nodes"],
        "output": _structure(rnn.output),
        "predict": _round(predict),
        "reloaded": _round(reloaded),
        "loss": round(float(loss), 5),
        "after": [_round(w, 4) for w in model.get_weights()],
    }


@scenario
def stacked_config_round_trip(keras):
    L = keras.layers
    layer = L.RNN([L.LSTMCell(4), L.GRUCell(3, reset_after=False)], return_state=True)
    config = layer.get_config()
    again = L.RNN.from_config(copy.deepcopy(config))  # (Keras's pops "cell" from it)
    return {
        "config": config,
        "again": again.get_config(),
        "again_symbolic": _structure(again(keras.Input((5, 3)))),
    }


@scenario
def stacked_bidirectional(keras):
    L = keras.layers
    out = {}
    for mode in ("concat", None):
        layer = L.Bidirectional(
            L.RNN([L.LSTMCell(4), L.GRUCell(3)], return_state=True), merge_mode=mode
        )
        out[str(mode)] = {
            "symbolic": _structure(layer(keras.Input((5, 3)))),
            "output_shape": _shapes(layer.compute_output_shape((None, 5, 3))),
        }
    for mode in ("concat", None):
        layer = L.Bidirectional(L.LSTM(2, return_state=True), merge_mode=mode)
        plain = L.Bidirectional(L.GRU(2), merge_mode=mode)
        out[f"lstm_{mode}"] = {
            "output_shape": _shapes(layer.compute_output_shape((None, 5, 3))),
            "plain_output_shape": _shapes(plain.compute_output_shape((None, 5, 3))),
        }
    return out


@scenario
def recurrent_call_signature(keras):
    L = keras.layers
    layers = {
        "LSTM": L.LSTM(3),
        "GRU": L.GRU(3),
        "SimpleRNN": L.SimpleRNN(3),
        "RNN": L.RNN(L.LSTMCell(3)),
        "ConvLSTM1D": L.ConvLSTM1D(2, 2),
        "Bidirectional": L.Bidirectional(L.LSTM(3)),
    }
    out = {name: layer.call_signature_parameters for name, layer in layers.items()}
    lstm = L.LSTM(3, return_state=True)
    out["sequences_kw"] = _structure(lstm(sequences=X))
    out["sequences_kw_symbolic"] = _structure(lstm(sequences=keras.Input((5, 3))))
    out["output_shape_lstm_state"] = _shapes(lstm.compute_output_shape((None, 5, 3)))
    conv = L.ConvLSTM1D(2, 2, return_state=True)
    out["output_shape_conv_lstm_state"] = _shapes(conv.compute_output_shape((None, 4, 5, 3)))
    return out


# -- the dtype_policy setter -------------------------------------------------------------
X2 = RNG.normal(size=(2, 3)).astype("float32")
IDS = np.array([[1, 4, 0], [7, 2, 3]])


def _weights(layer) -> list:
    return [[w.name, list(w.shape), str(w.dtype), bool(w.trainable)] for w in layer.weights]


def _error(fn) -> str:
    """The built-in type of the error `fn()` raises (numkeras's subclass them)."""
    try:
        fn()
    except NotImplementedError:
        return "NotImplementedError"
    except TypeError:  # (first: some numkeras errors are both, where Keras's is a TypeError)
        return "TypeError"
    except ValueError:
        return "ValueError"
    return "no error"


def _dense(keras, units=3, name="dense"):
    layer = keras.layers.Dense(units, name=name)
    layer(X2)
    rng = np.random.default_rng(7)
    layer.set_weights([rng.normal(size=w.shape).astype("float32") for w in layer.weights])
    return layer


def _policy(layer) -> list:
    return [layer.dtype_policy.name, layer.compute_dtype, layer.variable_dtype, layer.dtype]


@scenario
def dtype_policy_setter_float(keras):
    """A float policy set before or after building: the weights keep their dtype, the
    calls take the new policy's; None gives the global policy."""
    L = keras.layers
    out = {}
    layer = L.Dense(2, name="a")
    layer.dtype_policy = "mixed_float16"
    out["unbuilt_mixed"] = _policy(layer)
    y = layer(X2)
    out["unbuilt_mixed_call"] = [str(y.dtype), _weights(layer), layer.get_config()["dtype"]]
    layer = _dense(keras, 3, "b")
    before = layer(X2)
    layer.dtype_policy = keras.DTypePolicy("mixed_float16")
    y = layer(X2)
    out["built_mixed"] = _policy(layer) + [_weights(layer), str(y.dtype)]
    out["built_mixed_close"] = bool(np.allclose(np.asarray(y, "float32"), before, atol=2e-2))
    layer = L.Dense(2, name="c")
    layer.dtype_policy = "float64"
    layer(X2)  # (its output's dtype: float32 under JAX without x64, float64 here)
    out["unbuilt_float64"] = _policy(layer) + [_weights(layer)]
    layer.dtype_policy = None
    out["none"] = _policy(layer)
    model = keras.Sequential([keras.Input((3,)), L.Dense(2)])
    model.dtype_policy = "mixed_float16"
    out["model"] = [model.dtype_policy.name, model.layers[0].dtype_policy.name]
    return out


@scenario
def dtype_policy_setter_int8(keras):
    """A quantized policy quantizes a built quantizable layer (once), an unbuilt one
    when it builds; the errors."""
    L = keras.layers
    out = {}
    layer = _dense(keras, 3, "q")
    layer.dtype_policy = "int8_from_float32"
    out["dense"] = [
        layer.dtype_policy.name,
        type(layer.dtype_policy).__name__,
        layer.quantization_mode,
        _weights(layer),
        _round(layer(X2), 4),
        layer.get_config()["dtype"],
    ]
    layer.dtype_policy = "int8_from_float32"  # (again: nothing more happens)
    out["dense_again"] = _weights(layer)
    layer = L.Dense(3, name="u")
    layer.dtype_policy = "int8_from_float32"
    y = layer(X2)
    out["unbuilt_dense"] = [layer.dtype_policy.name, _weights(layer), str(y.dtype)]
    emb = L.Embedding(9, 4)
    emb(IDS)
    emb.dtype_policy = "int8_from_float32"
    rev = L.ReversibleEmbedding(9, 4, tie_weights=False)
    rev(IDS)
    rev.dtype_policy = keras.dtype_policies.get("int8_from_float32")
    einsum = L.EinsumDense("ab,bc->ac", output_shape=4, bias_axes="c")
    einsum(X2)
    einsum.dtype_policy = "int8_from_float32"
    out["others"] = [_weights(emb), _weights(rev), _weights(einsum)]
    norm = L.LayerNormalization()
    norm(X2)
    out["errors"] = [
        _error(lambda: setattr(L.Dense(2), "dtype_policy", "nope")),
        _error(lambda: setattr(L.Dense(2), "dtype_policy", "int8_from_mixed_float16")),
        _error(lambda: setattr(_dense(keras, 2, "m"), "dtype_policy", "int8_from_mixed_float16")),
        _error(lambda: setattr(norm, "dtype_policy", "int8_from_float32")),
    ]
    return out


# -- int8 ReversibleEmbedding ------------------------------------------------------------
HIDDEN = RNG.normal(size=(2, 3, 4)).astype("float32")


def _reversible_model(keras, tie: bool, cap, seed: int = 0):
    L = keras.layers
    inp = keras.Input((3,), dtype="int32")
    layer = L.ReversibleEmbedding(9, 4, tie_weights=tie, logit_soft_cap=cap, name="re")
    y = L.Dense(4, name="d")(layer(inp))
    model = keras.Model(inp, layer(y, reverse=True))
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.weights])
    return model, layer


def _h5_layout(path) -> list:
    import h5py

    found = []
    with h5py.File(path) as f:
        f.visititems(
            lambda k, v: (
                found.append([k, v.dtype.name, list(v.shape)])
                if isinstance(v, h5py.Dataset)
                else None
            )
        )
    return sorted(found)


@scenario
def reversible_embedding_int8(keras):
    """`model.quantize("int8")` of a model around a ReversibleEmbedding (tied and untied,
    soft-capped): weights, both calls, the file layout, a reload; one SGD step with only
    the embedding quantized (the dense layer trains through the int8 reverse call)."""
    import warnings

    out = {}
    for tie, cap in ((True, None), (True, 2.0), (False, None), (False, 2.0)):
        model, layer = _reversible_model(keras, tie, cap)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.quantize("int8")
        entry = {
            "weights": _weights(layer),
            "policy": layer.dtype_policy.name,
            "config_dtype": layer.get_config()["dtype"],
            "forward": _round(layer(IDS), 4),
            "reverse": _round(layer(HIDDEN, reverse=True), 4),
            "predict": _round(model.predict(IDS, verbose=0), 4),
        }
        with tempfile.TemporaryDirectory() as tmp:
            path = pathlib.Path(tmp) / "m.keras"
            model.save(path)
            entry["reloaded"] = _round(keras.models.load_model(path).predict(IDS, verbose=0), 4)
            weights = pathlib.Path(tmp) / "m.weights.h5"
            model.save_weights(weights)
            entry["h5"] = _h5_layout(weights)
            other, _ = _reversible_model(keras, tie, cap, seed=1)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                other.quantize("int8")
            other.load_weights(weights)
            entry["weights_loaded"] = _round(other.predict(IDS, verbose=0), 4)
        model, layer = _reversible_model(keras, tie, cap)
        model.quantize("int8", filters="re")
        model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
        target = np.random.default_rng(2).normal(size=(2, 3, 9)).astype("float32")
        entry["loss"] = round(float(model.train_on_batch(IDS, target)), 4)
        entry["after"] = [_round(w, 4) for w in model.get_weights()]
        out[f"tie_{tie}_cap_{cap}"] = entry
    return out


# -- keras.quantizers ----------------------------------------------------------------------
def _plain(value):
    """A config as JSON has it (tuples as lists)."""
    import json

    return json.loads(json.dumps(value))


def _quantized(pair) -> list:
    return [[_round(a, 6) if np.asarray(a).dtype.kind == "f" else np.asarray(a).tolist(),
             str(np.asarray(a).dtype)] for a in pair]  # fmt: skip


@scenario
def quantizers_module(keras):
    """`keras.quantizers`: abs-max quantization (axes, ranges, float16), the quantizer
    classes and their configs, get / serialize / deserialize, grouped quantization with
    zero points, int4 packing."""
    Q = keras.quantizers
    rng = np.random.default_rng(4)
    x = rng.normal(size=(5, 4)).astype("float32")
    out = {
        "axis0": _quantized(Q.abs_max_quantize(x, axis=0)),
        "axis_last": _quantized(Q.abs_max_quantize(x, axis=-1)),
        "axes_int4": _quantized(Q.abs_max_quantize(x, axis=(0, 1), value_range=(-8, 7))),
        "to_numpy": _quantized(Q.abs_max_quantize(x, axis=0, to_numpy=True)),
        "float16": _quantized(Q.abs_max_quantize(x.astype("float16"), axis=-1)),
        "epsilon": _quantized(Q.abs_max_quantize(np.zeros((2, 2), "float32"), 0, epsilon=0.5)),
        "quantizer_call": _quantized(Q.AbsMaxQuantizer(axis=0)(x)),
        "quantizer_default_axis": _quantized(Q.AbsMaxQuantizer()(x)),
        "quantizer_call_axis": _quantized(Q.AbsMaxQuantizer(axis=0)(x, axis=1)),
    }
    quantizers = [
        Q.AbsMaxQuantizer(),
        Q.AbsMaxQuantizer(axis=-1, value_range=(-8, 7)),
        Q.AbsMaxQuantizer(axis=[0, 1], epsilon=1e-3, output_dtype="int16", value_range=(-300, 300)),
    ]
    out["configs"] = [_plain(q.get_config()) for q in quantizers]
    out["serialized"] = [_plain(Q.serialize(q)) for q in quantizers]
    again = [Q.deserialize(_plain(Q.serialize(q))) for q in quantizers]
    out["round_trip"] = [[type(q).__name__, _plain(q.get_config())] for q in again]
    got = Q.get({"class_name": "AbsMaxQuantizer", "config": {"axis": [0]}})
    out["get_dict"] = [type(got).__name__, list(got.axis)]
    out["get_none"] = Q.get(None)
    out["get_instance"] = Q.get(quantizers[1]) is quantizers[1]
    out["deserialize_name"] = [type(Q.deserialize("AbsMaxQuantizer")).__name__,
                               Q.deserialize("AbsMaxQuantizer").axis]  # fmt: skip
    out["errors"] = [
        _error(lambda: Q.get("nope")),
        _error(lambda: Q.get(3)),
        _error(lambda: Q.AbsMaxQuantizer(value_range=(-200, 100))),
        _error(lambda: Q.Quantizer().get_config()),
        _error(lambda: Q.pack_int4(np.zeros((2, 2), "int32"))),
        _error(lambda: Q.pack_int4(np.zeros((2, 2), "int8"), dtype="int16")),
        _error(lambda: Q.Int8QuantizationConfig(weight_quantizer=quantizers[2])),
    ]
    base = Q.Quantizer()
    out["base"] = [base.output_dtype, base(x) is x]
    config = Q.Int8QuantizationConfig()
    out["int8_config"] = [config.mode, _plain(config.get_config()), _plain(Q.serialize(config))]
    custom = Q.Int8QuantizationConfig(
        weight_quantizer=Q.AbsMaxQuantizer(axis=0), activation_quantizer=None
    )
    back = Q.deserialize(_plain(Q.serialize(custom)))
    out["int8_config_round_trip"] = [type(back).__name__, _plain(back.get_config())]
    w = rng.normal(size=(7, 3)).astype("float32")
    out["grouped"] = _quantized(Q.abs_max_quantize_grouped_with_zero_point(w, block_size=3))
    out["grouped_int8"] = _quantized(
        Q.abs_max_quantize_grouped_with_zero_point(w, block_size=4, value_range=(-128, 127))
    )
    ints = rng.integers(-8, 8, size=(5, 3)).astype("int8")
    for axis in (0, 1, -1):
        packed, shape, length = Q.pack_int4(ints, axis=axis)
        back = Q.unpack_int4(packed, length, axis=axis)
        out[f"pack_axis_{axis}"] = [
            np.asarray(packed).tolist(),
            list(shape),
            int(length),
            np.asarray(back).tolist(),
        ]
    nibbles = rng.integers(0, 16, size=(4, 2)).astype("uint8")
    packed, shape, length = Q.pack_int4(nibbles, dtype="uint8")
    back = Q.unpack_int4(packed, length, dtype="uint8")
    out["pack_uint8"] = [
        np.asarray(packed).tolist(),
        str(np.asarray(packed).dtype),
        np.asarray(back).tolist(),
    ]
    cube = rng.integers(-8, 8, size=(2, 3, 4)).astype("int8")
    packed, shape, length = Q.pack_int4(cube, axis=1)
    out["pack_3d"] = [np.asarray(packed).tolist(), list(shape),
                      np.asarray(Q.unpack_int4(packed, length, axis=1)).tolist()]  # fmt: skip
    return out


@scenario
def quantizer_in_a_user_layer(keras):
    """`abs_max_quantize` / `AbsMaxQuantizer` on the tensors of a user layer's call in a
    functional model (fake quantization: quantized, then divided by the scale)."""

    class FakeQuant(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.quantizer = keras.quantizers.AbsMaxQuantizer(axis=-1, value_range=(-8, 7))

        def call(self, x):
            q, scale = keras.quantizers.abs_max_quantize(x, axis=0)
            q2, scale2 = self.quantizer(x)
            return keras.ops.cast(q, "float32") / scale + keras.ops.cast(q2, "float32") / scale2

    inp = keras.Input((4,))
    model = keras.Model(inp, FakeQuant()(inp))
    x = np.random.default_rng(6).normal(size=(3, 4)).astype("float32")
    return _round(model.predict(x, verbose=0))


@scenario
def stacked_states_as_model_outputs(keras):
    """`Model(x, rnn(x))` with a stacked RNN's nested states: the model's outputs come
    back in that nesting (predict, direct and symbolic calls, `output`, the config, a
    reload, a clone's inner lists)."""
    L = keras.layers
    inp = keras.Input((5, 3), name="x")
    rnn = L.RNN([L.LSTMCell(4), L.GRUCell(3)], return_state=True, name="rnn")
    model = keras.Model(inp, rnn(inp), name="m")
    _set_weights(model, 4)
    out = {
        "output": _structure(model.output),
        "outputs": _structure(model.outputs),
        "predict": _structure(model.predict(X, verbose=0)),
        "call": _structure(model(X)),
        "symbolic": _structure(model(keras.Input((5, 3)))),
        "output_layers": _plain(model.get_config()["output_layers"]),
        "values": _values(model.predict(X, verbose=0)),
        "clone_inner": _structure(list(keras.models.clone_model(model)(X))),
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "m.keras"
        model.save(path)
        loaded = keras.models.load_model(path)
        out["reloaded"] = _structure(loaded.predict(X, verbose=0))
        out["reloaded_values"] = _values(loaded.predict(X, verbose=0))
    return out


@scenario
def recurrent_summary_in_a_subclassed_model(keras):
    """The summary rows of recurrent layers with `return_state` a subclassed model called
    on arrays (no symbolic node: the shapes of `compute_output_shape`, nested)."""
    import contextlib
    import io

    L = keras.layers

    class Encoder(keras.Model):
        def __init__(self):
            super().__init__(name="encoder")
            self.lstm = L.LSTM(4, return_state=True, name="lstm")
            self.stacked = L.RNN([L.LSTMCell(4), L.GRUCell(3)], return_state=True, name="rnn")
            self.dense = L.Dense(1, name="dense")

        def call(self, x):
            out, h, c = self.lstm(x)
            _, hc, _ = self.stacked(x)
            return self.dense(out + h + c + hc[0] + hc[1])

    model = Encoder()
    model(np.ones((2, 5, 3), "float32"))
    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        model.summary()
    rows = []  # (name, shape) of each row, its wrapped continuation lines joined
    for line in text.getvalue().splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if len(cells) < 3:
            continue
        if cells[0]:
            rows.append(cells[:2])
        elif rows:
            rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], cells[:2])]
    return rows


def _sequences_keyword_weights(model) -> None:
    rng = np.random.default_rng(9)
    model.set_weights([rng.normal(size=w.shape).astype("float32") * 0.5 for w in model.weights])


@scenario
def sequences_keyword_model(keras):
    """A functional model whose LSTM was called as `lstm(sequences=x)`: Keras writes the
    tensor as a keyword of the node (tests/layers/test_rnn_quant_2.py loads that config;
    numkeras writes it as the call's argument, which Keras also loads)."""
    inp = keras.Input((5, 3), name="x")
    y = keras.layers.LSTM(2, name="l")(sequences=inp)
    model = keras.Model(inp, y, name="seq_kw")
    _sequences_keyword_weights(model)
    return {"config": model.get_config(), "predict": _round(model.predict(X, verbose=0))}


def write_files(keras) -> None:
    """The Keras-written files tests/layers/test_rnn_quant_2.py loads."""
    import warnings

    model, _ = _reversible_model(keras, False, 2.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.quantize("int8")
    FILES.mkdir(parents=True, exist_ok=True)
    model.save(FILES / "reversible_int8.keras")
    model.save_weights(FILES / "reversible_int8.weights.h5")


def main():
    import keras

    SCENARIOS.write(OUT, sys.argv[1:])
    if not sys.argv[1:]:
        write_files(keras)


if __name__ == "__main__":
    main()

"""Golden values for `RNN([cells])` / `StackedRNNCells` and custom RNN cells (keras.io's
`MinimalRNNCell` and variants), produced by real Keras 3 on the JAX backend.

Run with Keras and JAX installed:
    KERAS_BACKEND=jax python scripts/goldens/make_rnn_cells.py
Writes tests/goldens/rnn_cells.json: per case the inputs (initial states, mask), fixed
weights, Keras's outputs (flattened: the output, then every state), the layer config
(stacked cells) and weight paths; the `.weights.h5` dataset paths Keras writes for a
stacked model; and the weights after 2 SGD steps of `fit` for a stacked and a custom cell.
The custom cells are defined here and, identically with numkeras.ops, in the tests.
"""

import json
import pathlib

import keras
import numpy as np
from keras import layers, ops

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "goldens" / "rnn_cells.json"


class MinimalRNNCell(layers.Layer):  # keras.io, "Writing a custom RNN cell"
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, self.units), name="recurrent_kernel"
        )

    def call(self, inputs, states):
        prev_output = states[0]
        h = ops.matmul(inputs, self.kernel)
        output = h + ops.matmul(prev_output, self.recurrent_kernel)
        return output, [output]


class TwoStateCell(layers.Layer):
    """Two states (a tuple state_size), an output of its own size, and initial states."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.state_size = (3, 2)
        self.output_size = 4

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], 3), name="w")
        self.u = self.add_weight(shape=(3, 2), name="u")
        self.v = self.add_weight(shape=(5, 4), name="v")

    def get_initial_state(self, batch_size=None):
        return [ops.ones((batch_size, 3)) * 0.5, ops.zeros((batch_size, 2))]

    def call(self, inputs, states):
        a, b = states
        a2 = ops.tanh(ops.matmul(inputs, self.w) + a)
        b2 = ops.sigmoid(ops.matmul(a2, self.u)) * b + ops.sin(ops.matmul(a, self.u))
        out = ops.matmul(ops.concatenate([a2, b2], axis=-1), self.v)
        return out, [a2, b2]


class DoubledLSTMCell(layers.LSTMCell):
    """A built-in cell subclass with its own call."""

    def call(self, inputs, states, training=False):
        out, new = super().call(inputs, states, training=training)
        return out * 2.0, new


def _cell(spec):
    kind, kw = spec
    if kind == "MinimalRNNCell":
        return MinimalRNNCell(**kw)
    if kind == "TwoStateCell":
        return TwoStateCell(**kw)
    if kind == "DoubledLSTMCell":
        return DoubledLSTMCell(**kw)
    return getattr(layers, kind)(**kw)


def _l(a):
    """A float32 array as nested lists of 9-digit floats (exact for float32, and short)."""
    a = np.asarray(a, "float32")
    return np.vectorize(lambda v: float(f"{v:.9g}"), otypes=[object])(a).tolist()


def _flatten(x):
    if isinstance(x, (list, tuple)):
        return [v for item in x for v in _flatten(item)]
    return [x]


def _nest(flat, cells):
    """Keras's nested initial states for stacked cells: a list per cell."""
    out, i = [], 0
    for c in cells:
        size = c.state_size
        n = len(size) if isinstance(size, (list, tuple)) else 1
        out.append(list(flat[i : i + n]))
        i += n
    return out


# (name, [cell specs] (a list: stacked), layer kwargs, with initial states, with a mask)
CASES = [
    (
        "stacked_lstm_simple_gru",
        [("LSTMCell", {"units": 3}), ("SimpleRNNCell", {"units": 2}), ("GRUCell", {"units": 4})],
        {"return_sequences": True, "return_state": True},
        False,
        False,
    ),
    (
        "stacked_states_backwards",
        [("GRUCell", {"units": 3, "reset_after": False}), ("LSTMCell", {"units": 2})],
        {"return_state": True, "go_backwards": True},
        True,
        False,
    ),
    (
        "stacked_mask_seq",
        # (LSTMs: Keras's masked output of a stacked cell reads `states[-1][0]`, right only
        # where the first and last cells' states are lists, LSTMCell's)
        [("LSTMCell", {"units": 3}), ("LSTMCell", {"units": 2})],
        {"return_sequences": True},
        False,
        True,
    ),
    (
        "stacked_mask_zero_output_state",
        [("LSTMCell", {"units": 2}), ("GRUCell", {"units": 3})],
        {"return_sequences": True, "return_state": True, "zero_output_for_mask": True},
        False,
        True,
    ),
    ("minimal", ("MinimalRNNCell", {"units": 4}), {}, False, False),
    (
        "minimal_seq_state_backwards",
        ("MinimalRNNCell", {"units": 3}),
        {"return_sequences": True, "return_state": True, "go_backwards": True},
        True,
        False,
    ),
    ("minimal_mask_seq", ("MinimalRNNCell", {"units": 3}), {"return_sequences": True}, False, True),
    ("two_state", ("TwoStateCell", {}), {"return_sequences": True, "return_state": True}, 0, 0),
    ("two_state_given", ("TwoStateCell", {}), {"return_state": True}, True, False),
    ("doubled_lstm", ("DoubledLSTMCell", {"units": 3}), {"return_sequences": True}, False, False),
    (
        "stacked_custom",
        [("MinimalRNNCell", {"units": 3}), ("LSTMCell", {"units": 2})],
        {"return_state": True},
        False,
        False,
    ),
]


def _case(name, spec, kwargs, with_states, with_mask, seed):
    keras.utils.clear_session()  # (automatic names from zero: the paths are comparable)
    rng = np.random.default_rng(seed)
    cells = [_cell(s) for s in spec] if isinstance(spec, list) else _cell(spec)
    layer = layers.RNN(cells, **kwargs)
    x = rng.normal(0, 1, (2, 4, 3)).astype("float32")
    mask = None
    if with_mask:
        mask = np.array([[True, True, False, True], [False, True, True, False]])
    layer.build(x.shape)
    weights = [rng.normal(0, 0.5, w.shape).astype("float32") for w in layer.get_weights()]
    layer.set_weights(weights)
    states = []
    call_kw = {}
    cell = layer.cell
    if with_states:
        flat_sizes = []
        for c in cells if isinstance(cells, list) else [cells]:
            s = c.state_size
            flat_sizes += list(s) if isinstance(s, (list, tuple)) else [s]
        states = [rng.normal(0, 0.5, (2, s)).astype("float32") for s in flat_sizes]
        if isinstance(cells, list):
            call_kw["initial_state"] = _nest(states, cells)
        else:
            call_kw["initial_state"] = states
    if mask is not None:
        call_kw["mask"] = mask
    out = layer(x, **call_kw)
    outs = [_l(o) for o in _flatten(out)]
    case = {
        "name": name,
        "cells": spec if isinstance(spec, list) else [spec],
        "stacked": isinstance(spec, list),
        "kwargs": kwargs,
        "x": _l(x),
        "states": [_l(s) for s in states],
        "mask": None if mask is None else mask.tolist(),
        "weights": [_l(w) for w in weights],
        "outputs": outs,
        "weight_paths": [w.path for w in layer.weights],
    }
    if isinstance(spec, list) and all(
        k in ("LSTMCell", "GRUCell", "SimpleRNNCell") for k, _ in spec
    ):
        config = keras.saving.serialize_keras_object(layer)
        case["config"] = json.loads(json.dumps(config))
    del cell
    return case


def _weights_file_layout():
    """The datasets Keras's save_weights writes for a stacked model (and the arrays)."""
    import tempfile

    import h5py

    keras.utils.clear_session()
    rng = np.random.default_rng(7)
    cells = [layers.LSTMCell(3), layers.SimpleRNNCell(2), layers.LSTMCell(2)]
    model = keras.Sequential([keras.Input((4, 3)), layers.RNN(cells), layers.Dense(1)])
    model.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in model.weights])
    x = rng.normal(0, 1, (2, 4, 3)).astype("float32")
    with tempfile.TemporaryDirectory() as d:
        path = f"{d}/m.weights.h5"
        model.save_weights(path)
        datasets = {}
        with h5py.File(path) as f:
            f.visititems(
                lambda k, v: datasets.__setitem__(k, _l(v)) if isinstance(v, h5py.Dataset) else None
            )
    return {
        "datasets": datasets,
        "x": _l(x),
        "predictions": _l(model.predict(x, verbose=0)),
    }


def _fit(spec, seed):
    rng = np.random.default_rng(seed)
    cells = [_cell(s) for s in spec] if isinstance(spec, list) else _cell(spec)
    model = keras.Sequential([keras.Input((4, 3)), layers.RNN(cells), layers.Dense(1)])
    initial = [rng.normal(0, 0.5, w.shape).astype("float32") for w in model.weights]
    model.set_weights(initial)
    x = rng.normal(0, 1, (4, 4, 3)).astype("float32")
    y = rng.normal(0, 1, (4, 1)).astype("float32")
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    model.fit(x, y, batch_size=2, epochs=1, shuffle=False, verbose=0)
    return {
        "cells": spec if isinstance(spec, list) else [spec],
        "stacked": isinstance(spec, list),
        "initial": [_l(w) for w in initial],
        "x": _l(x),
        "y": _l(y),
        "after": [_l(w) for w in model.get_weights()],
    }


def main():
    cases = [_case(*c, seed=i) for i, c in enumerate(CASES)]
    data = {
        "keras_version": keras.__version__,
        "cases": cases,
        "weights_file": _weights_file_layout(),
        "fit": [
            _fit([("LSTMCell", {"units": 3}), ("GRUCell", {"units": 2})], 11),
            _fit(("MinimalRNNCell", {"units": 3}), 12),
        ],
    }
    OUT.write_text(json.dumps(data, separators=(",", ":")))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()

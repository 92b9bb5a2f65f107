"""Golden values for the recurrent layers (SimpleRNN, LSTM, GRU, RNN(cell)) and the
wrappers (Bidirectional, TimeDistributed), produced by real Keras 3 on the JAX backend.

Run with Keras and JAX installed:
    KERAS_BACKEND=jax python scripts/goldens/make_recurrent.py
Writes tests/goldens/recurrent.json: per case the layer config, fixed weights, inputs
(and initial states), Keras's outputs, the gradients of `sum(output_k * r_k)` w.r.t. the
inputs and every weight (jax.grad), and the symbolic output shapes; an LSTM and a GRU
sequence classifier's weights after 2 SGD steps; and tests/goldens/saving/recurrent_lstm.keras,
a Keras-written model file with its predictions.
"""

import json
import pathlib

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "goldens" / "recurrent.json"
KERAS_FILE = ROOT / "tests" / "goldens" / "saving" / "recurrent_lstm.keras"


def _r(a, d=4):
    return np.asarray(a, "float64").round(d)


def _strip(obj):
    if isinstance(obj, dict):
        return {k: _strip(v) for k, v in obj.items() if k != "shared_object_id"}
    if isinstance(obj, (list, tuple)):
        return [_strip(v) for v in obj]
    return obj


def _f64(a):
    return np.asarray(a, "float64").tolist()


CASES = [
    ("simple_rnn", "SimpleRNN", {"units": 3}, 0),
    (
        "simple_rnn_seq_back_relu",
        "SimpleRNN",
        {"units": 3, "return_sequences": True, "go_backwards": True, "activation": "relu"},
        0,
    ),
    (
        "simple_rnn_state_nobias",
        "SimpleRNN",
        {"units": 2, "return_state": True, "use_bias": False},
        0,
    ),
    ("lstm", "LSTM", {"units": 3}, 0),
    ("lstm_seq_state", "LSTM", {"units": 3, "return_sequences": True, "return_state": True}, 0),
    (
        "lstm_back_state_acts",
        "LSTM",
        {
            "units": 2,
            "go_backwards": True,
            "return_state": True,
            "activation": "softsign",
            "recurrent_activation": "hard_sigmoid",
        },
        0,
    ),
    (
        "lstm_nobias_seq",
        "LSTM",
        {"units": 3, "use_bias": False, "return_sequences": True, "unit_forget_bias": False},
        0,
    ),
    ("lstm_initial_state", "LSTM", {"units": 3, "return_state": True}, 2),
    ("gru", "GRU", {"units": 3}, 0),
    ("gru_seq_state", "GRU", {"units": 3, "return_sequences": True, "return_state": True}, 0),
    ("gru_reset_before", "GRU", {"units": 3, "reset_after": False, "return_sequences": True}, 0),
    (
        "gru_reset_before_back",
        "GRU",
        {"units": 2, "reset_after": False, "go_backwards": True, "return_state": True},
        0,
    ),
    (
        "gru_nobias_back",
        "GRU",
        {"units": 3, "use_bias": False, "go_backwards": True, "return_sequences": True},
        0,
    ),
    ("gru_initial_state", "GRU", {"units": 3, "return_sequences": True}, 1),
]


def main():
    import jax
    import keras
    from keras import layers

    assert keras.backend.backend() == "jax", "run with KERAS_BACKEND=jax"
    rng = np.random.default_rng(42)
    B, T, F = 2, 4, 3

    def run_case(name, layer, n_states=0, x_shape=(B, T, F)):
        x = _r(rng.normal(0, 1, x_shape))
        states = []
        if n_states:
            units = layer.forward_layer.units if hasattr(layer, "forward_layer") else layer.units
            states = [_r(rng.normal(0, 0.5, (x_shape[0], units))) for _ in range(n_states)]
        sym = layer.compute_output_shape(x_shape)
        if n_states:
            layer(x.astype("float32"), initial_state=[s.astype("float32") for s in states])
        else:
            layer(x.astype("float32"))
        weights = [_r(rng.normal(0, 0.5, w.shape)) for w in layer.get_weights()]
        layer.set_weights([w.astype("float32") for w in weights])
        tv = [v.value for v in layer.trainable_variables]
        ntv = [v.value for v in layer.non_trainable_variables]

        def apply(tv_, x_, states_):
            kw = {"initial_state": list(states_)} if n_states else {}
            out, _ = layer.stateless_call(tv_, ntv, x_, **kw)
            return out

        xs32 = x.astype("float32")
        st32 = [s.astype("float32") for s in states]
        out = apply(tv, xs32, st32)
        outs = list(out) if isinstance(out, (list, tuple)) else [out]
        rs = [_r(rng.normal(0, 1, np.shape(o))) for o in outs]

        def loss(tv_, x_, states_):
            o = apply(tv_, x_, states_)
            o = list(o) if isinstance(o, (list, tuple)) else [o]
            return sum((a * r.astype("float32")).sum() for a, r in zip(o, rs))

        gw, gx, gs = jax.grad(loss, argnums=(0, 1, 2))(tv, xs32, st32)
        shapes = (
            sym if isinstance(sym, (list, tuple)) and isinstance(sym[0], (list, tuple)) else [sym]
        )
        return {
            "name": name,
            "config": _strip(keras.saving.serialize_keras_object(layer)),
            "weight_paths": [v.path for v in layer.weights],
            "x": x.tolist(),
            "states": [s.tolist() for s in states],
            "weights": [w.tolist() for w in weights],
            "outputs": [_f64(o) for o in outs],
            "multi_output": isinstance(out, (list, tuple)),
            "r": [r.tolist() for r in rs],
            "grad_x": _f64(gx),
            "grad_states": [_f64(g) for g in gs],
            "grad_weights": [_f64(g) for g in gw],
            "output_shapes": [list(s) for s in shapes],
        }

    cases = []
    for name, cls, kwargs, n_states in CASES:
        cases.append(run_case(name, getattr(layers, cls)(**kwargs), n_states))
    cases.append(
        run_case("rnn_simple_cell", layers.RNN(layers.SimpleRNNCell(3), return_sequences=True))
    )
    cases.append(run_case("rnn_lstm_cell", layers.RNN(layers.LSTMCell(2), return_state=True)))
    for mode in ["concat", "sum", "mul", "ave", None]:
        cases.append(
            run_case(
                f"bidirectional_lstm_{mode}",
                layers.Bidirectional(layers.LSTM(3, return_sequences=True), merge_mode=mode),
            )
        )
    cases.append(
        run_case("bidirectional_gru_state", layers.Bidirectional(layers.GRU(2, return_state=True)))
    )
    cases.append(
        run_case(
            "bidirectional_simple_none_state",
            layers.Bidirectional(layers.SimpleRNN(2, return_state=True), merge_mode=None),
        )
    )
    cases.append(
        run_case(
            "bidirectional_backward_layer",
            layers.Bidirectional(
                layers.LSTM(2), backward_layer=layers.GRU(3, go_backwards=True), merge_mode="concat"
            ),
        )
    )
    cases.append(
        run_case(
            "time_distributed_dense", layers.TimeDistributed(layers.Dense(2, activation="tanh"))
        )
    )
    cases.append(
        run_case(
            "time_distributed_dense_4d",
            layers.TimeDistributed(layers.Dense(2)),
            x_shape=(2, 3, 2, 3),
        )
    )

    # end to end: 2 SGD steps of a small sequence classifier from fixed weights
    training = []
    for kind in ["LSTM", "GRU"]:
        keras.utils.set_random_seed(0)
        inp = keras.Input((5, 3))
        h = getattr(layers, kind)(8)(inp)
        model = keras.Model(inp, layers.Dense(2, activation="softmax")(h))
        w0 = [_r(rng.normal(0, 0.4, w.shape)) for w in model.get_weights()]
        model.set_weights([w.astype("float32") for w in w0])
        x = _r(rng.normal(0, 1, (8, 5, 3)))
        y = rng.integers(0, 2, 8)
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
        hist = model.fit(x.astype("float32"), y, batch_size=4, epochs=1, shuffle=False, verbose=0)
        training.append(
            {
                "kind": kind,
                "weights0": [w.tolist() for w in w0],
                "x": x.tolist(),
                "y": y.tolist(),
                "loss": float(hist.history["loss"][0]),
                "weights1": [_f64(w) for w in model.get_weights()],
            }
        )

    # a Keras-written .keras file of an LSTM model
    keras.utils.set_random_seed(1)
    inp = keras.Input((4, 3))
    h = layers.LSTM(5, return_sequences=True)(inp)
    h = layers.Bidirectional(layers.GRU(3))(h)
    model = keras.Model(inp, layers.Dense(2)(h))
    KERAS_FILE.parent.mkdir(parents=True, exist_ok=True)
    model.save(KERAS_FILE)
    xk = _r(rng.normal(0, 1, (3, 4, 3)))
    saved = {
        "file": KERAS_FILE.name,
        "x": xk.tolist(),
        "y": _f64(model.predict(xk.astype("float32"), verbose=0)),
    }

    OUT.write_text(json.dumps({"cases": cases, "training": training, "keras_file": saved}))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes) and {KERAS_FILE}")


if __name__ == "__main__":
    main()

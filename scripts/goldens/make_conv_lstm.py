"""Golden values for ConvLSTM1D / ConvLSTM2D / ConvLSTM3D, produced by real Keras 3 on JAX.

Run with Keras and JAX installed:
    KERAS_BACKEND=jax python scripts/goldens/make_conv_lstm.py
Writes tests/goldens/conv_lstm.json: per case the layer config, fixed weights, inputs (and
initial states, a time mask, or fixed per-gate dropout masks set on Keras's cell), Keras's
outputs, the gradients of `sum(output_k * r_k)` w.r.t. the inputs, states and every weight
(jax.grad), the weight paths and the symbolic output shapes; a next-frame model's weights
after 2 SGD steps of `fit`; and tests/goldens/conv_lstm.weights.h5, a Keras-written weights
file of a small model, with its predictions.

Keras 3.15.1 on JAX cannot run a ConvLSTM on masked sequences (its `rnn` broadcasts the
`(batch, 1)` step mask against `(batch, rows, cols, filters)` states and fails), so the
masked cases come from the TensorFlow backend:
    KERAS_BACKEND=tensorflow /work/tfenv/bin/python scripts/goldens/make_conv_lstm.py
writes tests/goldens/conv_lstm_masks.json (outputs, and gradients by tf.GradientTape).
"""

import json
import pathlib

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "goldens" / "conv_lstm.json"
MASKS_OUT = ROOT / "tests" / "goldens" / "conv_lstm_masks.json"
WEIGHTS_FILE = ROOT / "tests" / "goldens" / "conv_lstm.weights.h5"


def _r(a, d=4):
    return np.asarray(a, "float64").round(d)


def _strip(obj):
    if isinstance(obj, dict):
        return {k: _strip(v) for k, v in obj.items() if k != "shared_object_id"}
    if isinstance(obj, (list, tuple)):
        return [_strip(v) for v in obj]
    return obj


def _f64(a):
    return np.asarray(a, "float64").round(7).tolist()


# name, class, kwargs, input shape, extras (states: n initial states; mask; dropout)
CASES = [
    ("c2d_valid", "ConvLSTM2D", {"filters": 2, "kernel_size": 3}, (2, 3, 5, 5, 1), {}),
    (
        "c2d_same_seq_state",
        "ConvLSTM2D",
        {
            "filters": 2,
            "kernel_size": 3,
            "padding": "same",
            "return_sequences": True,
            "return_state": True,
        },
        (2, 3, 5, 5, 2),
        {},
    ),
    (
        "c2d_strides_same",
        "ConvLSTM2D",
        {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same", "return_sequences": True},
        (2, 3, 5, 5, 1),
        {},
    ),
    (
        "c2d_dilation",
        "ConvLSTM2D",
        {"filters": 2, "kernel_size": 2, "dilation_rate": 2, "return_state": True},
        (2, 3, 5, 5, 1),
        {},
    ),
    (
        "c2d_channels_first_back",
        "ConvLSTM2D",
        {
            "filters": 2,
            "kernel_size": (2, 3),
            "data_format": "channels_first",
            "go_backwards": True,
            "return_sequences": True,
            "return_state": True,
        },
        (2, 3, 2, 5, 5),
        {},
    ),
    (
        "c2d_acts_nobias",
        "ConvLSTM2D",
        {
            "filters": 2,
            "kernel_size": 3,
            "padding": "same",
            "activation": "softsign",
            "recurrent_activation": "hard_sigmoid",
            "use_bias": False,
            "unit_forget_bias": False,
        },
        (2, 3, 5, 5, 1),
        {},
    ),
    (
        "c2d_initial_state",
        "ConvLSTM2D",
        {"filters": 2, "kernel_size": 3, "return_state": True},
        (2, 3, 5, 5, 1),
        {"states": 2},
    ),
    (
        "c2d_cf_initial_state_seq",
        "ConvLSTM2D",
        {
            "filters": 2,
            "kernel_size": 3,
            "padding": "same",
            "data_format": "channels_first",
            "return_sequences": True,
        },
        (2, 3, 1, 4, 4),
        {"states": 2},
    ),
    (
        "c2d_dropout",
        "ConvLSTM2D",
        {
            "filters": 2,
            "kernel_size": 3,
            "padding": "same",
            "dropout": 0.4,
            "recurrent_dropout": 0.3,
            "return_sequences": True,
        },
        (2, 3, 4, 4, 2),
        {"dropout": True},
    ),
    (
        "c1d_same_seq",
        "ConvLSTM1D",
        {"filters": 2, "kernel_size": 3, "padding": "same", "return_sequences": True},
        (2, 3, 6, 2),
        {},
    ),
    (
        "c1d_cf_strides_state",
        "ConvLSTM1D",
        {
            "filters": 3,
            "kernel_size": 2,
            "strides": 2,
            "data_format": "channels_first",
            "return_state": True,
        },
        (2, 3, 2, 7),
        {},
    ),
    (
        "c3d_valid",
        "ConvLSTM3D",
        {"filters": 2, "kernel_size": 2, "return_sequences": True},
        (2, 3, 3, 4, 4, 1),
        {},
    ),
    (
        "c3d_same_back_dropout",
        "ConvLSTM3D",
        {
            "filters": 2,
            "kernel_size": 2,
            "padding": "same",
            "go_backwards": True,
            "dropout": 0.5,
            "recurrent_dropout": 0.5,
        },
        (2, 2, 3, 3, 3, 1),
        {"dropout": True},
    ),
]


MASK_CASES = [
    (
        "c2d_mask_seq",
        {"filters": 2, "kernel_size": 3, "padding": "same", "return_sequences": True},
        [[True, True, False, True], [True, False, False, False]],
    ),
    (
        "c2d_mask_state",
        {"filters": 2, "kernel_size": 3, "return_state": True},
        [[True, False, True, True], [True, True, True, False]],
    ),
]


def masks_tf():
    """The masked cases, on the TensorFlow backend (see the module docstring)."""
    import keras
    import tensorflow as tf
    from keras import layers

    rng = np.random.default_rng(11)
    cases = []
    for name, kwargs, mask in MASK_CASES:
        layer = layers.ConvLSTM2D(**kwargs)
        x = _r(rng.normal(0, 1, (2, 4, 4, 4, 1)))
        layer(x.astype("float32"))
        weights = [_r(rng.normal(0, 0.4, w.shape)) for w in layer.get_weights()]
        layer.set_weights([w.astype("float32") for w in weights])
        xt = tf.constant(x.astype("float32"))
        with tf.GradientTape() as tape:
            tape.watch(xt)
            out = layer(xt, mask=tf.constant(mask))
            outs = list(out) if isinstance(out, (list, tuple)) else [out]
            rs = [_r(rng.normal(0, 1, o.shape)) for o in outs]
            loss = sum(tf.reduce_sum(o * r.astype("float32")) for o, r in zip(outs, rs))
        gx, *gw = tape.gradient(loss, [xt, *[v.value for v in layer.trainable_variables]])
        cases.append(
            {
                "name": name,
                "config": _strip(keras.saving.serialize_keras_object(layer)),
                "x": x.tolist(),
                "mask": mask,
                "weights": [w.tolist() for w in weights],
                "outputs": [_f64(o) for o in outs],
                "r": [r.tolist() for r in rs],
                "grad_x": _f64(gx),
                "grad_weights": [_f64(g) for g in gw],
            }
        )
    MASKS_OUT.write_text(json.dumps({"cases": cases}))
    print(f"wrote {MASKS_OUT} ({MASKS_OUT.stat().st_size} bytes)")


def main():
    import jax
    import keras
    from keras import layers

    assert keras.backend.backend() == "jax", "run with KERAS_BACKEND=jax"
    rng = np.random.default_rng(7)

    def run_case(name, cls, kwargs, x_shape, extras):
        layer = getattr(layers, cls)(**kwargs) if isinstance(cls, str) else cls
        x = _r(rng.normal(0, 1, x_shape))
        n_states = extras.get("states", 0)
        state_shape = layer.compute_output_shape(x_shape)
        if isinstance(state_shape[0], (list, tuple)):
            state_shape = state_shape[1]
        else:  # the state's shape: the output's without a time axis
            seq = kwargs.get("return_sequences")
            state_shape = (state_shape[0], *state_shape[2:]) if seq else state_shape
        states = [_r(rng.normal(0, 0.5, state_shape)) for _ in range(n_states)]
        sym = layer.compute_output_shape(x_shape)
        if n_states:
            layer(x.astype("float32"), initial_state=[s.astype("float32") for s in states])
        else:
            layer(x.astype("float32"))
        weights = [_r(rng.normal(0, 0.4, w.shape)) for w in layer.get_weights()]
        layer.set_weights([w.astype("float32") for w in weights])
        tv = [v.value for v in layer.trainable_variables]
        ntv = [v.value for v in layer.non_trainable_variables]
        mask = extras.get("mask")
        dmasks = None
        if extras.get("dropout"):  # Keras's cell keeps masks set before the call
            dmasks = {}
            for key, rate, shape in (
                ("input", kwargs["dropout"], (x_shape[0], *x_shape[2:])),
                ("recurrent", kwargs["recurrent_dropout"], state_shape),
            ):
                keep = rng.random((4, *shape)) >= rate
                dmasks[key] = (keep / (1.0 - rate)).astype("float32")

        def apply(tv_, x_, states_):
            kw = {"initial_state": list(states_)} if n_states else {}
            if mask is not None:
                kw["mask"] = np.asarray(mask)
            if dmasks is not None:
                layer.cell._dropout_mask = list(dmasks["input"])
                layer.cell._recurrent_dropout_mask = list(dmasks["recurrent"])
                kw["training"] = True
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
        shapes = sym if isinstance(sym[0], (list, tuple)) else [sym]
        return {
            "name": name,
            "config": _strip(keras.saving.serialize_keras_object(layer)),
            "weight_paths": [v.path for v in layer.weights],
            "x": x.tolist(),
            "states": [s.tolist() for s in states],
            "mask": mask,
            "dropout_masks": None if dmasks is None else {k: v.tolist() for k, v in dmasks.items()},
            "weights": [w.tolist() for w in weights],
            "outputs": [_f64(o) for o in outs],
            "multi_output": isinstance(out, (list, tuple)),
            "r": [r.tolist() for r in rs],
            "grad_x": _f64(gx),
            "grad_states": [_f64(g) for g in gs],
            "grad_weights": [_f64(g) for g in gw],
            "output_shapes": [list(s) for s in shapes],
        }

    cases = [run_case(*c) for c in CASES]
    bidi = layers.Bidirectional(layers.ConvLSTM2D(2, 3, padding="same", return_sequences=True))
    cases.append(run_case("bidirectional_c2d", bidi, {}, (2, 3, 4, 4, 1), {}))

    # next-frame prediction (keras.io style, tiny): 2 SGD steps of fit from fixed weights
    keras.utils.set_random_seed(0)
    inp = keras.Input((None, 5, 5, 1))
    h = layers.ConvLSTM2D(2, 3, padding="same", return_sequences=True)(inp)
    h = layers.BatchNormalization()(h)
    out = layers.Conv3D(1, 3, padding="same", activation="sigmoid")(h)
    model = keras.Model(inp, out)
    w0 = [_r(rng.normal(0, 0.4, w.shape)) for w in model.get_weights()]
    w0 = [np.abs(w) + 0.5 if "variance" in v.path else w for w, v in zip(w0, model.weights)]
    model.set_weights([w.astype("float32") for w in w0])
    x = _r(rng.random((4, 3, 5, 5, 1)))
    y = _r(rng.random((4, 3, 5, 5, 1)))
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="binary_crossentropy")
    hist = model.fit(
        x.astype("float32"), y.astype("float32"), batch_size=2, epochs=1, shuffle=False, verbose=0
    )
    x_long = _r(rng.random((1, 5, 5, 5, 1)))
    training = {
        "weights0": [w.tolist() for w in w0],
        "weight_paths": [v.path for v in model.weights],
        "x": x.tolist(),
        "y": y.tolist(),
        "loss": float(hist.history["loss"][0]),
        "weights1": [_f64(w) for w in model.get_weights()],
        "x_long": x_long.tolist(),
        "y_long": _f64(model.predict(x_long.astype("float32"), verbose=0)),
    }

    # a Keras-written .weights.h5 of a small model
    keras.utils.set_random_seed(1)
    inp = keras.Input((3, 6, 1))
    h = layers.ConvLSTM1D(2, 3, padding="same", return_sequences=True, name="clstm")(inp)
    h = layers.ConvLSTM1D(2, 2, name="clstm_b")(h)
    model = keras.Model(inp, layers.Flatten()(h))
    model.save_weights(WEIGHTS_FILE)
    xk = _r(rng.normal(0, 1, (2, 3, 6, 1)))
    saved = {
        "file": WEIGHTS_FILE.name,
        "x": xk.tolist(),
        "y": _f64(model.predict(xk.astype("float32"), verbose=0)),
        "weights": [_f64(w) for w in model.get_weights()],
    }

    OUT.write_text(json.dumps({"cases": cases, "training": training, "weights_file": saved}))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes) and {WEIGHTS_FILE}")


if __name__ == "__main__":
    import keras

    masks_tf() if keras.backend.backend() == "tensorflow" else main()

"""Goldens for tests/ops/test_keras2_backend_more.py: Keras 2 pieces numkeras lacked, run
in tf_keras 2.21 (real Keras 2).

- `K.rnn` (the time loop of 2016-2019 custom recurrent layers): go_backwards, mask (2-D and
  3-D, with masked first steps), constants, unroll, input_length lengths, time_major,
  zero_output_for_mask, return_all_outputs, several states, and inside a custom layer of
  a functional model (fixed and unknown length; predict and one training step).
- `K.normalize_batch_in_training` (hand-written batch norm): each of Keras 2's paths (the
  fused 4-D one returns the Bessel-corrected variance).
- `callbacks.BaseLogger` (Keras 2's epoch-averaging logger) driven by hand.
- `K.get_value` of a legacy optimizer's hyperparameters (`decay`, `momentum`, ...):
  NumPy float32 scalars, as Keras 2 keeps them in float32 variables.

The scenarios in `SCENARIOS` are functions of the Keras-like package returning JSON
values: tf_keras here, numkeras in the test.

    cd /tmp && TF_USE_LEGACY_KERAS=1 /work/tfenv/bin/python \\
        /work/main/scripts/goldens/make_keras2_backend_more.py
"""

from __future__ import annotations

import importlib
import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))
from tests.differential import Scenarios  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens" / "keras2_backend_more.json"

SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


def _backend(keras):
    return importlib.import_module(f"{keras.__name__}.backend")


def _floats(values) -> list:
    return np.asarray(values, "float64").round(5).tolist()


def _data(seed: int = 0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(2, 4, 3)).astype("float32")
    w = (rng.normal(size=(3, 5)) * 0.5).astype("float32")
    u = (rng.normal(size=(5, 5)) * 0.5).astype("float32")
    return x, w, u


def _simple_rnn(K, w, u):
    W, U = K.constant(w), K.constant(u)

    def step(inputs, states):
        h = K.tanh(K.dot(inputs, W) + K.dot(states[0], U))
        return h, [h]

    return step


def _result(out) -> dict:
    last, outputs, states = out
    return {
        "last": _floats(last),
        "outputs": _floats(outputs),
        "states": [_floats(s) for s in states],
        "states_type": type(states).__name__,
    }


@scenario
def rnn_plain(keras) -> dict:
    K = _backend(keras)
    x, w, u = _data()
    step = _simple_rnn(K, w, u)
    h0 = K.zeros((2, 5))
    out = {}
    for back in (False, True):
        for unroll in (False, True):
            out[f"back{back}_unroll{unroll}"] = _result(
                K.rnn(step, K.constant(x), [h0], go_backwards=back, unroll=unroll)
            )
    return out


@scenario
def rnn_masked(keras) -> dict:
    # masked steps keep the previous output and states (zeros before the first kept step)
    K = _backend(keras)
    x, w, u = _data(1)
    step = _simple_rnn(K, w, u)
    h0 = K.constant(np.full((2, 5), 0.3, "float32"))
    mask2 = np.array([[0, 1, 1, 0], [1, 1, 0, 0]], "float32")
    out = {}
    for back in (False, True):
        for unroll in (False, True):
            for zero in (False, True):
                name = f"back{back}_unroll{unroll}_zero{zero}"
                if back and unroll and zero:  # (TensorFlow zeroes unreversed steps there)
                    continue
                out[name] = _result(
                    K.rnn(
                        step,
                        K.constant(x),
                        [h0],
                        go_backwards=back,
                        mask=K.constant(mask2),
                        unroll=unroll,
                        zero_output_for_mask=zero,
                    )  # fmt: skip
                )
    bool3 = K.constant(mask2[:, :, None] > 0)  # a (samples, time, 1) bool mask
    out["mask3d"] = _result(K.rnn(step, K.constant(x), [h0], mask=bool3))
    return out


@scenario
def rnn_constants_and_two_states(keras) -> dict:
    # an LSTM-like step with two states and a constant (a dropout mask, say)
    K = _backend(keras)
    x, w, u = _data(2)
    W, U = K.constant(w), K.constant(u)
    drop = K.constant(np.array([[1.0, 0.0, 2.0], [0.5, 1.0, 1.0]], "float32"))

    def step(inputs, states):
        h, c, keep = states
        c2 = 0.5 * c + K.tanh(K.dot(inputs * keep, W))
        h2 = K.sigmoid(c2 + K.dot(h, U))
        return h2, [h2, c2]

    z = K.zeros((2, 5))
    out = {}
    for unroll in (False, True):
        for back in (False, True):
            res = K.rnn(step, K.constant(x), [z, z], go_backwards=back, constants=[drop],
                        unroll=unroll)  # fmt: skip
            out[f"unroll{unroll}_back{back}"] = _result(res)
    return out


@scenario
def rnn_input_length_and_options(keras) -> dict:
    K = _backend(keras)
    x, w, u = _data(3)
    step = _simple_rnn(K, w, u)
    h0 = K.constant(np.full((2, 5), -0.2, "float32"))
    lengths = K.constant(np.array([2, 3]), dtype="int32")
    out = {}
    for back in (False, True):
        out[f"lengths_back{back}"] = _result(
            K.rnn(step, K.constant(x), [h0], go_backwards=back, input_length=lengths)
        )
    out["int_length"] = _result(K.rnn(step, K.constant(x), [h0], input_length=4))
    out["lengths_unrolled"] = _result(K.rnn(step, K.constant(x), [h0], unroll=True,
                                            input_length=lengths))  # fmt: skip
    tm = np.transpose(x, (1, 0, 2))
    out["time_major"] = _result(K.rnn(step, K.constant(tm), [h0], time_major=True))
    res = K.rnn(step, K.constant(x), [h0], return_all_outputs=False)
    out["last_only"] = [_result(res), list(res[1].shape)]
    try:
        K.rnn(step, K.constant(x[:, 0]), [h0])
        out["rank2"] = "ok"
    except ValueError:
        out["rank2"] = "ValueError"
    return out


@scenario
def rnn_step_output_3d_masked(keras) -> dict:
    # a step output with two trailing axes: the mask covers both
    K = _backend(keras)
    x = np.arange(24, dtype="float32").reshape(2, 3, 4) / 10

    def step(inputs, states):
        out = K.reshape(inputs, (-1, 2, 2)) + states[0]
        return out, [out]

    mask = K.constant(np.array([[1, 0, 1], [0, 1, 1]], "float32"))
    s0 = K.constant(np.ones((2, 2, 2), "float32"))
    return {str(u): _result(K.rnn(step, K.constant(x), [s0], mask=mask, unroll=u))
            for u in (False, True)}  # fmt: skip


def _rnn_layer(keras):
    K = _backend(keras)

    class MinimalRNN(keras.layers.Layer):
        """A 2017-style custom recurrent layer: its own weights, K.rnn over the time axis."""

        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape):
            d = int(input_shape[-1])
            self.kernel = self.add_weight(
                name="kernel", shape=(d, self.units),
                initializer=keras.initializers.Constant(np.linspace(-0.5, 0.5, d * self.units)
                                                        .reshape(d, self.units)))  # fmt: skip
            self.recurrent = self.add_weight(
                name="recurrent", shape=(self.units, self.units),
                initializer=keras.initializers.Constant(np.eye(self.units) * 0.5))  # fmt: skip
            super().build(input_shape)

        def call(self, inputs, mask=None):
            # Keras 2's RNN.get_initial_state idiom: zeros of (samples, units)
            h0 = K.expand_dims(K.sum(K.zeros_like(inputs), axis=(1, 2)))
            h0 = K.tile(h0, [1, self.units])

            def step(x, states):
                h = K.tanh(K.dot(x, self.kernel) + K.dot(states[0], self.recurrent))
                return h, [h]

            last, outputs, _ = K.rnn(step, inputs, [h0], mask=mask)
            return outputs

        def compute_output_shape(self, input_shape):
            return (input_shape[0], input_shape[1], self.units)

    return MinimalRNN


@scenario
def rnn_in_custom_layer(keras) -> dict:
    x = np.random.default_rng(4).normal(size=(3, 4, 2)).astype("float32")
    x[0, 2:] = 0.0  # (masked by the Masking layer)
    y = np.random.default_rng(5).normal(size=(3, 3)).astype("float32")
    out = {}
    for steps in (4, None):
        keras.backend.clear_session()
        inp = keras.Input(shape=(steps, 2))
        seq = _rnn_layer(keras)(3)(keras.layers.Masking(0.0)(inp))
        model = keras.Model(inp, keras.layers.GlobalAveragePooling1D()(seq))
        model.compile(keras.optimizers.SGD(0.1), "mse")
        pred = model.predict(x, verbose=0)
        loss = model.train_on_batch(x, y)
        out[str(steps)] = {
            "pred": _floats(pred),
            "loss": round(float(loss), 5),
            "kernel": _floats(model.get_weights()[0]),
        }
    return out


@scenario
def normalize_batch_in_training(keras) -> dict:
    K = _backend(keras)
    rng = np.random.default_rng(6)
    x4 = K.constant(rng.normal(size=(2, 3, 3, 2)).astype("float32"))
    x3 = K.constant(rng.normal(size=(4, 3, 2)).astype("float32"))
    x2 = K.constant(rng.normal(size=(5, 3)).astype("float32"))

    def run(x, gamma, beta, axes, **kw):
        g = None if gamma is None else K.constant(np.asarray(gamma, "float32"))
        b = None if beta is None else K.constant(np.asarray(beta, "float32"))
        n, m, v = K.normalize_batch_in_training(x, g, b, axes, **kw)
        return [_floats(n), _floats(m), _floats(v), list(np.shape(m))]

    return {
        "4d_fused": run(x4, [1.5, 0.5], [0.1, -0.2], [0, 1, 2]),
        "4d_fused_eps": run(x4, [1.5, 0.5], None, [0, 1, 2], epsilon=1e-7),
        "4d_channels_first": run(x4, [1.0, 2.0, 0.5], [0.0, 1.0, 0.0], [0, 2, 3]),
        "4d_two_kept": run(x4, None, None, [0, 1]),
        "3d_regular": run(x3, [2.0, 0.5], [1.0, 0.0], [0, 1]),
        "3d_broadcast": run(x3, [1.0, 2.0, 3.0], None, [0, 2], epsilon=0.01),
        "2d": run(x2, [1.0, 2.0, 3.0], [0.5, 0.5, 0.5], [0]),
        "2d_none": run(x2, None, None, [0]),
    }


@scenario
def base_logger_by_hand(keras) -> dict:
    out = {}
    for stateful in (None, ["mae"]):
        logger = keras.callbacks.BaseLogger(stateful_metrics=stateful)
        logger.set_params({"metrics": ["loss", "mae", "acc"]})
        logger.on_epoch_begin(0)
        logger.on_batch_end(0, {"batch": 0, "size": 4, "loss": 1.0, "mae": 0.5})
        logger.on_batch_end(1, {"batch": 1, "size": 2, "loss": 4.0, "mae": 0.25})
        logs = {"val_loss": 3.0}
        logger.on_epoch_end(0, logs)
        out[str(stateful)] = {
            "logs": logs,
            "seen": logger.seen,
            "totals": logger.totals,
            "stateful": sorted(logger.stateful_metrics),
        }
    return out


@scenario
def get_value_of_legacy_hyperparameters(keras) -> dict:
    K = _backend(keras)
    out = {}
    sgd = keras.optimizers.legacy.SGD(learning_rate=0.1, momentum=0.9, decay=0.1)
    adam = keras.optimizers.legacy.Adam(learning_rate=0.01, decay=1e-4)
    for name, value in [
        ("sgd_decay", sgd.decay),
        ("sgd_momentum", sgd.momentum),
        ("sgd_learning_rate", sgd.learning_rate),
        ("adam_decay", adam.decay),
        ("adam_beta_1", adam.beta_1),
        ("adam_beta_2", adam.beta_2),
    ]:
        v = K.get_value(value)
        out[name] = [type(v).__name__, str(np.asarray(v).dtype), _floats(v)]
    return out


if __name__ == "__main__":
    SCENARIOS.write_tf_keras(OUT)

"""Bidirectional and TimeDistributed against real Keras 3 (goldens from
scripts/goldens/make_recurrent.py), finite differences in float64, configs, errors."""

import numpy as np
import pytest

import numkeras
from numkeras import layers
from numkeras.errors import ConfigError, ShapeError
from numkeras.utils.gradcheck import numeric_gradient
from tests.layers.recurrent_golden import CASES, grads
from tests.layers.test_recurrent import _check_case

WRAPPER_CASES = [n for n in CASES if n.startswith(("bidirectional", "time_distributed"))]


@pytest.mark.parametrize("name", WRAPPER_CASES)
def test_matches_keras(name):
    _check_case(name)


def _fd(layer, inputs, rng):
    out = layer.call(inputs)
    outs = out if isinstance(out, (list, tuple)) else [out]
    rs = [rng.normal(0, 1, o.shape) for o in outs]
    _, gx, gw = grads(layer, inputs, rs)

    def f():
        o = layer.call(inputs)
        o = o if isinstance(o, list) else [o]
        return float(sum((a * r).sum() for a, r in zip(o, rs)))

    arrays = inputs if isinstance(inputs, list) else [inputs]
    gxs = gx if isinstance(inputs, list) else [gx]
    for a, g in zip(arrays, gxs):
        np.testing.assert_allclose(g, numeric_gradient(f, a), rtol=1e-6, atol=1e-8)
    for v, g in zip(layer.trainable_weights, gw):
        np.testing.assert_allclose(g, numeric_gradient(f, v.value), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("mode", ["concat", "sum", "mul", "ave", None])
@pytest.mark.parametrize("return_state", [False, True])
def test_bidirectional_finite_differences(mode, return_state):
    rng = np.random.default_rng(0)
    inner = layers.GRU(2, return_sequences=True, return_state=return_state, dtype="float64")
    layer = layers.Bidirectional(inner, merge_mode=mode, dtype="float64")
    x = rng.normal(size=(2, 3, 2))
    inputs = [x, rng.normal(size=(2, 2)), rng.normal(size=(2, 2))] if return_state else x
    layer(inputs)
    layer.set_weights([rng.normal(0, 0.6, w.shape) for w in layer.get_weights()])
    _fd(layer, inputs, rng)


def test_time_distributed_finite_differences():
    rng = np.random.default_rng(1)
    layer = layers.TimeDistributed(
        layers.Dense(3, activation="tanh", dtype="float64"), dtype="float64"
    )
    x = rng.normal(size=(2, 4, 3))
    layer(x)
    _fd(layer, x, rng)


def test_time_distributed_config_and_shapes():
    layer = layers.TimeDistributed(layers.Dense(4))
    assert layer.compute_output_shape((None, 7, 3)) == (None, 7, 4)
    config = layer.get_config()
    assert config["layer"]["class_name"] == "Dense"
    clone = layers.TimeDistributed.from_config(config)
    assert isinstance(clone.layer, layers.Dense) and clone.layer.units == 4
    with pytest.raises(ShapeError, match="at least 3"):
        layer.compute_output_shape((None, 3))
    with pytest.raises(ConfigError):
        layers.TimeDistributed("dense")


def test_bidirectional_errors_and_names():
    b = layers.Bidirectional(layers.LSTM(2, name="enc"))
    assert b.forward_layer.name == "forward_enc" and b.backward_layer.name == "backward_enc"
    assert b.backward_layer.go_backwards and not b.forward_layer.go_backwards
    with pytest.raises(ConfigError, match="merge mode"):
        layers.Bidirectional(layers.LSTM(2), merge_mode="max")
    with pytest.raises(ConfigError, match="go_backwards"):
        layers.Bidirectional(layers.LSTM(2), backward_layer=layers.LSTM(2))
    with pytest.raises(ConfigError, match="return_sequences"):
        layers.Bidirectional(
            layers.LSTM(2), backward_layer=layers.LSTM(2, go_backwards=True, return_sequences=True)
        )
    with pytest.raises(ConfigError):
        layers.Bidirectional(layers.Dense(2))


def test_wrappers_train_in_a_model():
    x = layers.Input((5, 3))
    h = layers.TimeDistributed(layers.Dense(4, activation="relu"))(x)
    h = layers.Bidirectional(layers.LSTM(3))(h)
    model = numkeras.Model(x, layers.Dense(1)(h))
    model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(2)
    xs, ys = rng.normal(size=(32, 5, 3)).astype("float32"), rng.normal(size=(32, 1))
    hist = model.fit(xs, ys, epochs=5, batch_size=8, verbose=0)
    assert hist.history["loss"][-1] < hist.history["loss"][0]

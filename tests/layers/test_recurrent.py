"""SimpleRNN, LSTM, GRU and RNN(cell) against real Keras 3 (goldens from
scripts/goldens/make_recurrent.py): outputs, states, output shapes, configs, gradients
w.r.t. inputs, initial states and every weight; finite differences in float64; training
steps; `.keras` files both ways."""

import json
import warnings

import numpy as np
import pytest

import numkeras
from numkeras import layers
from numkeras.errors import ConfigError, ShapeError
from numkeras.utils.gradcheck import numeric_gradient
from tests.layers.recurrent_golden import CASES, DATA, GOLDENS, build_case, grads

RNN_CASES = [n for n in CASES if not n.startswith(("bidirectional", "time_distributed"))]


def _check_case(name):
    case = CASES[name]
    layer, inputs = build_case(case)
    out = layer(inputs)
    outs = out if isinstance(out, (list, tuple)) else [out]
    assert isinstance(out, tuple) == case["multi_output"]
    assert len(outs) == len(case["outputs"])
    for o, ref in zip(outs, case["outputs"]):
        assert o.dtype == np.float32
        np.testing.assert_allclose(o, ref, rtol=1e-5, atol=1e-6)
    rs = [np.asarray(r, "float32") for r in case["r"]]
    fwd, gx, gw = grads(layer, inputs, rs)
    for o, ref in zip(fwd if isinstance(fwd, list) else [fwd], case["outputs"]):
        np.testing.assert_allclose(o, ref, rtol=1e-5, atol=1e-6)
    if case["states"]:
        gx, gstates = gx[0], gx[1:]
        for g, ref in zip(gstates, case["grad_states"]):
            np.testing.assert_allclose(g, ref, rtol=1e-5, atol=1e-5)
    assert gx.dtype == np.float32
    np.testing.assert_allclose(gx, case["grad_x"], rtol=1e-5, atol=1e-5)
    assert len(gw) == len(case["grad_weights"])
    for g, ref in zip(gw, case["grad_weights"]):
        assert g.dtype == np.float32
        np.testing.assert_allclose(g, ref, rtol=1e-5, atol=1e-5)
    # shapes and config
    x_shape = np.shape(case["x"])
    in_shape = [x_shape, *[np.shape(s) for s in case["states"]]] if case["states"] else x_shape
    shapes = layer.compute_output_shape(in_shape)
    shapes = list(shapes) if isinstance(shapes[0], (list, tuple)) else [shapes]  # (a tuple)
    if name != "bidirectional_backward_layer":  # Keras doubles the forward layer's units
        assert [list(s) for s in shapes] == case["output_shapes"]
    else:
        assert [list(s) for s in shapes] == [[2, 5]]
    from numkeras.models.config import serialize_layer

    ours = json.loads(json.dumps(serialize_layer(layer)))
    ref = case["config"]
    assert ours["class_name"] == ref["class_name"]
    assert ours["config"] == ref["config"]
    assert [v.path for v in layer.weights] == case["weight_paths"]


@pytest.mark.parametrize("name", RNN_CASES)
def test_matches_keras(name):
    _check_case(name)


FD_CASES = [
    ("SimpleRNN", {"units": 3, "return_sequences": True, "dropout": 0.3, "recurrent_dropout": 0.4}),
    (
        "SimpleRNN",
        {"units": 2, "return_state": True, "go_backwards": True, "activation": "sigmoid"},
    ),
    ("LSTM", {"units": 3, "return_sequences": True, "return_state": True}),
    ("LSTM", {"units": 2, "dropout": 0.3, "recurrent_dropout": 0.3, "go_backwards": True}),
    ("LSTM", {"units": 2, "activation": "softsign", "recurrent_activation": "tanh"}),
    ("GRU", {"units": 3, "return_sequences": True, "return_state": True}),
    ("GRU", {"units": 2, "reset_after": False, "recurrent_dropout": 0.4, "dropout": 0.2}),
    ("GRU", {"units": 2, "reset_after": False, "use_bias": False, "go_backwards": True}),
    ("GRU", {"units": 2, "recurrent_dropout": 0.5, "return_sequences": True}),
]


@pytest.mark.parametrize("cls, kwargs", FD_CASES)
@pytest.mark.parametrize("with_states", [False, True])
def test_finite_differences_float64(cls, kwargs, with_states):
    rng = np.random.default_rng(3)
    layer = getattr(layers, cls)(dtype="float64", seed=5, **kwargs)
    x = rng.normal(0, 1, (2, 4, 3))
    inputs = x
    if with_states:
        inputs = [x, *[rng.normal(0, 0.5, (2, s)) for s in layer.state_size]]
    layer(inputs)
    layer.set_weights([rng.normal(0, 0.6, w.shape) for w in layer.get_weights()])
    # dropout: forward/backward with training=True draws masks; replay them in f()
    cell = layer.cell
    masks = {}
    orig = cell._masks

    def fixed_masks(batch, input_dim, dtype, training):
        if "m" not in masks:
            masks["m"] = orig(batch, input_dim, dtype, True)
        return masks["m"]

    cell._masks = fixed_masks
    out = layer.call(inputs, training=True)
    outs = out if isinstance(out, (list, tuple)) else [out]
    rs = [rng.normal(0, 1, o.shape) for o in outs]
    _, gx, gw = grads(layer, inputs, rs)

    def f():
        o = layer.call(inputs, training=True)
        o = o if isinstance(o, list) else [o]
        return float(sum((a * r).sum() for a, r in zip(o, rs)))

    arrays = inputs if with_states else [inputs]
    gxs = gx if with_states else [gx]
    for a, g in zip(arrays, gxs):
        np.testing.assert_allclose(g, numeric_gradient(f, a), rtol=1e-6, atol=1e-8)
    for v, g in zip(layer.trainable_weights, gw):
        np.testing.assert_allclose(g, numeric_gradient(f, v.value), rtol=1e-6, atol=1e-8)


def test_dropout_only_in_training_and_fixed_over_time():
    x = np.ones((4, 6, 5), "float32")
    layer = layers.SimpleRNN(
        3, dropout=0.5, seed=1, activation=None, use_bias=False, return_sequences=True
    )
    inference = layer(x)
    np.testing.assert_allclose(layer(x), inference)
    layer.cell.recurrent_kernel.assign(np.zeros((3, 3), "float32"))
    train = layer(x, training=True)
    assert not np.allclose(train, layer(x))
    # zero recurrence: each timestep sees the same masked input
    np.testing.assert_allclose(train[:, 0], train[:, -1], rtol=1e-6)


def test_defaults_and_weights():
    layer = layers.LSTM(4)
    layer.build((None, 3, 2))
    b = layer.cell.bias.numpy()
    np.testing.assert_array_equal(b, np.r_[np.zeros(4), np.ones(4), np.zeros(8)])
    rk = layer.cell.recurrent_kernel.numpy()
    np.testing.assert_allclose(rk @ rk.T, np.eye(4), atol=1e-5)  # orthogonal
    assert [w.dtype for w in layer.get_weights()] == [np.float32] * 3
    assert layer.units == 4 and layer.kernel is layer.cell.kernel
    gru = layers.GRU(2, reset_after=False)
    gru.build((None, 3, 2))
    assert gru.cell.bias.shape == (6,)
    assert layers.GRU(2).reset_after is True


def test_errors():
    with pytest.raises(ConfigError, match="units"):
        layers.LSTM(0)
    with pytest.raises(ShapeError, match="mask must have shape"):
        layers.LSTM(2)(np.ones((1, 2, 3)), mask=np.ones((1, 3), bool))
    with pytest.raises(ConfigError, match="functional"):
        layers.LSTM(2)(layers.Input((2, 3)), mask=np.ones((1, 2), bool))
    with pytest.raises(ShapeError, match="ndim=3"):
        layers.SimpleRNN(2)(np.ones((2, 3)))
    with pytest.raises(ShapeError, match="initial state"):
        layers.LSTM(2)(np.ones((1, 2, 3)), initial_state=[np.zeros((1, 2))])
    with pytest.raises(ConfigError, match="built-in cells"):
        layers.RNN(layers.Dense(2))
    with pytest.raises(ConfigError, match="state_size"):
        layers.RNN([layers.LSTMCell(2), layers.Dense(2)])


def test_cells_one_step():
    cell = layers.LSTMCell(3)
    x = np.random.default_rng(0).normal(size=(2, 4)).astype("float32")
    h, (h2, c) = cell(x, [np.zeros((2, 3), "float32")] * 2)
    assert h.shape == (2, 3) and c.shape == (2, 3)
    np.testing.assert_array_equal(h, h2)
    seq = layers.RNN(cell)(x[:, None, :])
    np.testing.assert_allclose(seq, h, rtol=1e-6)


def _classifier(kind, weights):
    x = layers.Input((5, 3))
    h = getattr(layers, kind)(8)(x)
    model = numkeras.Model(x, layers.Dense(2, activation="softmax")(h))
    model.set_weights([np.asarray(w, "float32") for w in weights])
    return model


@pytest.mark.parametrize("index", [0, 1])
def test_training_steps_match_keras(index):
    ref = DATA["training"][index]
    model = _classifier(ref["kind"], ref["weights0"])
    model.compile(optimizer=numkeras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
    hist = model.fit(
        np.asarray(ref["x"], "float32"),
        np.asarray(ref["y"]),
        batch_size=4,
        epochs=1,
        shuffle=False,
        verbose=0,
    )
    np.testing.assert_allclose(hist.history["loss"][0], ref["loss"], rtol=1e-5)
    for w, r in zip(model.get_weights(), ref["weights1"]):
        np.testing.assert_allclose(w, r, rtol=1e-5, atol=1e-6)


def test_return_state_and_initial_state_in_functional_graph(tmp_path):
    x = layers.Input((5, 3))
    seq, h, c = layers.LSTM(4, return_sequences=True, return_state=True)(x)
    y = layers.GRU(4)(seq, initial_state=[h])
    out = layers.Dense(2)(layers.Concatenate()([y, c]))
    model = numkeras.Model(x, out)
    model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(0)
    xs, ys = rng.normal(size=(16, 5, 3)).astype("float32"), rng.normal(size=(16, 2))
    before = model.predict(xs, verbose=0)
    model.fit(xs, ys, epochs=2, batch_size=8, verbose=0)
    after = model.predict(xs, verbose=0)
    assert not np.allclose(before, after)
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = numkeras.saving.load_model(path)
    np.testing.assert_allclose(loaded.predict(xs, verbose=0), after, rtol=1e-6)


def test_keras_save_load_round_trip_and_summary(tmp_path, capsys):
    model = numkeras.Sequential(
        [
            layers.Input((6, 3)),
            layers.SimpleRNN(4, return_sequences=True),
            layers.Bidirectional(layers.LSTM(3, return_sequences=True)),
            layers.TimeDistributed(layers.Dense(2)),
            layers.GRU(3, reset_after=False),
            layers.Dense(1),
        ]
    )
    x = np.random.default_rng(1).normal(size=(5, 6, 3)).astype("float32")
    y = model.predict(x, verbose=0)
    path = tmp_path / "rnn.keras"
    model.save(path)
    loaded = numkeras.saving.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), y, rtol=1e-6)
    model.summary()
    text = capsys.readouterr().out
    assert "LSTM" in text or "bidirectional" in text
    assert str(model.count_params()) in text.replace(",", "")


def test_keras_written_file_loads_with_identical_predictions():
    ref = DATA["keras_file"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = numkeras.saving.load_model(GOLDENS / "saving" / ref["file"])
    y = model.predict(np.asarray(ref["x"], "float32"), verbose=0)
    np.testing.assert_allclose(y, ref["y"], rtol=1e-5, atol=1e-6)


def test_a_call_with_initial_state_is_saved_in_keras_form(tmp_path):
    import zipfile

    x, h, c = layers.Input((5, 3)), layers.Input((4,)), layers.Input((4,))
    model = numkeras.Model([x, h, c], layers.LSTM(4)(x, initial_state=[h, c]))
    path = tmp_path / "m.keras"
    model.save(path)
    config = json.loads(zipfile.ZipFile(path).read("config.json"))["config"]
    (lstm,) = [la for la in config["layers"] if la["class_name"] == "LSTM"]
    # Keras 3's own form, which its loader needs (a list of shapes it refuses)
    assert lstm["build_config"] == {
        "shapes_dict": {"sequences_shape": [None, 5, 3], "initial_state_shape": [[None, 4]] * 2}
    }
    node = lstm["inbound_nodes"][0]
    assert len(node["args"]) == 1 and len(node["kwargs"]["initial_state"]) == 2
    rng = np.random.default_rng(0)
    xs = [rng.random((2, 5, 3)), rng.random((2, 4)), rng.random((2, 4))]
    again = numkeras.models.load_model(path)
    np.testing.assert_array_equal(again.predict(xs, verbose=0), model.predict(xs, verbose=0))

"""ConvLSTM1D / ConvLSTM2D / ConvLSTM3D against real Keras 3 (goldens from
scripts/goldens/make_conv_lstm.py): outputs, states, output shapes, configs, weight paths,
gradients w.r.t. inputs, initial states and every weight (also with Keras's per-gate dropout
masks, and with time masks from the TensorFlow backend); finite differences in float64;
two `fit` steps of a next-frame model; a Keras-written `.weights.h5`."""

import json
import pathlib

import h5py
import numpy as np
import pytest

import numkeras
from numkeras import layers
from numkeras.errors import ConfigError, NotBuiltError, ShapeError
from numkeras.layers import conv_utils as cu
from numkeras.layers.conv_lstm import ConvLSTMCell
from numkeras.layers.conv_lstm1d import ConvLSTM1D
from numkeras.layers.conv_lstm2d import ConvLSTM2D
from numkeras.layers.conv_lstm3d import ConvLSTM3D
from numkeras.models.config import serialize_layer
from numkeras.utils.gradcheck import numeric_gradient

GOLDENS = pathlib.Path(__file__).resolve().parents[1] / "goldens"
DATA = json.loads((GOLDENS / "conv_lstm.json").read_text())
CASES = {c["name"]: c for c in DATA["cases"]}
MASK_CASES = {
    c["name"]: c for c in json.loads((GOLDENS / "conv_lstm_masks.json").read_text())["cases"]
}
CLASSES = {"ConvLSTM1D": ConvLSTM1D, "ConvLSTM2D": ConvLSTM2D, "ConvLSTM3D": ConvLSTM3D}


def _grads(layer, inputs, rs, mask=None, training=True):
    """(outputs, dL/d inputs, [dL/dw]) via forward/backward for L = sum(out_k * r_k)."""
    for v in layer.trainable_weights:
        v.start_grad(np.zeros(v.shape, v.dtype))
    out, cache = layer.forward(inputs, training=training, mask=mask)
    g = [r.copy() for r in rs] if isinstance(out, (list, tuple)) else rs[0].copy()
    gx = layer.backward(cache, g)
    gw = [v.grad.copy() for v in layer.trainable_weights]
    for v in layer.trainable_weights:
        v.start_grad(None)
    return out, gx, gw


def _fix_masks(layer, masks):
    """Keras's per-gate dropout masks (4, batch, *frame) in the layer's data_format, as the
    cell's own `_masks` returns them (channels last)."""
    cell = layer.cell

    def last(m):
        return np.stack([cu.to_last(a, cell.data_format) for a in np.asarray(m, "float32")])

    fixed = (last(masks["input"]), last(masks["recurrent"]))
    cell._masks = lambda *args, **kwargs: fixed


def _build(case, dtype="float32"):
    config = case["config"]
    cls = CLASSES.get(config["class_name"]) or getattr(layers, config["class_name"])
    layer = cls.from_config(config["config"])
    x = np.asarray(case["x"], dtype)
    states = [np.asarray(s, dtype) for s in case.get("states", [])]
    inputs = [x, *states] if states else x
    layer(inputs)
    layer.set_weights([np.asarray(w, dtype) for w in case["weights"]])
    return layer, inputs


def _close(a, ref, tol=1e-5):
    assert a.dtype == np.float32
    np.testing.assert_allclose(a, ref, rtol=tol, atol=tol)


@pytest.fixture
def exported(monkeypatch):
    """The layers as numkeras.layers will export them (configs name them)."""
    for name, cls in CLASSES.items():
        monkeypatch.setattr(layers, name, cls, raising=False)


@pytest.mark.parametrize("name", list(CASES))
def test_matches_keras(name, exported):
    case = CASES[name]
    layer, inputs = _build(case)
    training = case["dropout_masks"] is not None
    if training:
        _fix_masks(layer, case["dropout_masks"])
    out = layer(inputs, training=training)
    outs = out if isinstance(out, (list, tuple)) else [out]
    assert isinstance(out, tuple) == case["multi_output"]
    for o, ref in zip(outs, case["outputs"], strict=True):
        _close(o, ref, 1e-6)
    rs = [np.asarray(r, "float32") for r in case["r"]]
    fwd, gx, gw = _grads(layer, inputs, rs, training=training)
    for o, ref in zip(fwd if isinstance(fwd, list) else [fwd], case["outputs"]):
        _close(o, ref, 1e-6)
    if case["states"]:
        gx, gstates = gx[0], gx[1:]
        for g, ref in zip(gstates, case["grad_states"], strict=True):
            _close(g, ref)
    _close(gx, case["grad_x"])
    for g, ref in zip(gw, case["grad_weights"], strict=True):
        _close(g, ref)
    # shapes, config, weight names
    x_shape = np.shape(case["x"])
    in_shape = [x_shape, *[np.shape(s) for s in case["states"]]] if case["states"] else x_shape
    shapes = layer.compute_output_shape(in_shape)
    shapes = list(shapes) if isinstance(shapes[0], (list, tuple)) else [shapes]  # (a tuple)
    assert [list(s) for s in shapes] == case["output_shapes"]
    ours = json.loads(json.dumps(serialize_layer(layer)))
    assert ours["class_name"] == case["config"]["class_name"]
    assert ours["config"] == case["config"]["config"]
    assert [v.path for v in layer.weights] == case["weight_paths"]


@pytest.mark.parametrize("name", list(MASK_CASES))
def test_masks_match_keras_tensorflow(name):
    # (Keras 3 on JAX fails on a masked ConvLSTM; these goldens are from its TF backend)
    case = MASK_CASES[name]
    layer, x = _build(case)
    mask = np.asarray(case["mask"])
    out = layer(x, mask=mask)
    outs = out if isinstance(out, (list, tuple)) else [out]
    for o, ref in zip(outs, case["outputs"], strict=True):
        _close(o, ref, 1e-6)
    rs = [np.asarray(r, "float32") for r in case["r"]]
    _, gx, gw = _grads(layer, x, rs, mask=mask)
    _close(gx, case["grad_x"])
    for g, ref in zip(gw, case["grad_weights"], strict=True):
        _close(g, ref)


FD_CASES = [
    (
        ConvLSTM2D,
        {"filters": 2, "kernel_size": 2, "padding": "same", "return_sequences": True},
        (2, 3, 3, 3, 1),
        "states",
    ),
    (
        ConvLSTM2D,
        {
            "filters": 2,
            "kernel_size": (2, 1),
            "strides": 2,
            "data_format": "channels_first",
            "dropout": 0.3,
            "recurrent_dropout": 0.4,
            "go_backwards": True,
            "return_state": True,
        },
        (2, 2, 2, 4, 3),
        "states",
    ),
    (
        ConvLSTM1D,
        {
            "filters": 2,
            "kernel_size": 2,
            "dilation_rate": 2,
            "activation": "softsign",
            "recurrent_activation": "hard_sigmoid",
            "return_sequences": True,
        },
        (2, 3, 5, 2),
        "mask",
    ),
    (
        ConvLSTM1D,
        {"filters": 2, "kernel_size": 3, "padding": "same", "return_state": True},
        (2, 4, 4, 1),
        "zero_mask",
    ),
    (ConvLSTM3D, {"filters": 1, "kernel_size": 2, "dropout": 0.5}, (2, 2, 2, 3, 2, 1), None),
]


@pytest.mark.parametrize("cls, kwargs, shape, extra", FD_CASES)
def test_finite_differences_float64(cls, kwargs, shape, extra):
    rng = np.random.default_rng(3)
    zero = extra == "zero_mask"
    layer = cls(dtype="float64", seed=5, zero_output_for_mask=zero, **kwargs)
    x = rng.normal(0, 1, shape)
    layer(x)
    inputs = x
    if extra == "states":
        inputs = [x, *[rng.normal(0, 0.5, s.shape) for s in layer.get_initial_state(2)]]
    mask = None
    if extra in ("mask", "zero_mask"):
        mask = np.ones(shape[:2], bool)
        mask[0, 1] = mask[1, -1] = False
    layer.set_weights([rng.normal(0, 0.6, w.shape) for w in layer.get_weights()])
    cell, masks, orig = layer.cell, {}, layer.cell._masks

    def fixed_masks(*args):  # dropout: the masks of the first call, replayed
        return masks.setdefault("m", orig(*args))

    cell._masks = fixed_masks
    out = layer.call(inputs, training=True, mask=mask)
    outs = out if isinstance(out, (list, tuple)) else [out]
    assert all(o.dtype == np.float64 for o in outs)
    rs = [rng.normal(0, 1, o.shape) for o in outs]
    _, gx, gw = _grads(layer, inputs, rs, mask=mask)

    def f():
        o = layer.call(inputs, training=True, mask=mask)
        o = o if isinstance(o, list) else [o]
        return float(sum((a * r).sum() for a, r in zip(o, rs)))

    arrays, gxs = (inputs, gx) if extra == "states" else ([inputs], [gx])
    for a, g in zip(arrays, gxs, strict=True):
        np.testing.assert_allclose(g, numeric_gradient(f, a), rtol=1e-6, atol=1e-8)
    for v, g in zip(layer.trainable_weights, gw, strict=True):
        np.testing.assert_allclose(g, numeric_gradient(f, v.value), rtol=1e-6, atol=1e-8)


def test_padded_steps_keep_the_states():
    rng = np.random.default_rng(0)
    layer = ConvLSTM2D(2, 3, padding="same", return_sequences=True, return_state=True)
    x = rng.normal(size=(2, 4, 4, 4, 1)).astype("float32")
    mask = np.array([[True, True, True, False], [True, True, True, True]])
    seq, h, c = layer(x, mask=mask)
    seq3, h3, c3 = layer(x[:, :3])
    np.testing.assert_allclose(h[0], h3[0], rtol=1e-6)  # a trailing pad changes nothing
    np.testing.assert_allclose(c[0], c3[0], rtol=1e-6)
    np.testing.assert_allclose(seq[0, 3], seq[0, 2])  # its output: the previous one
    assert not np.allclose(h[1], h3[1])


def _next_frame_model(weights):
    inp = layers.Input((None, 5, 5, 1))
    h = ConvLSTM2D(2, 3, padding="same", return_sequences=True)(inp)
    h = layers.BatchNormalization()(h)
    out = layers.Conv3D(1, 3, padding="same", activation="sigmoid")(h)
    model = numkeras.Model(inp, out)
    model.set_weights([np.asarray(w, "float32") for w in weights])
    return model


def test_next_frame_model_fit_matches_keras_and_predicts_any_length():
    ref = DATA["training"]
    model = _next_frame_model(ref["weights0"])

    def tails(paths):  # (the layers' auto-names count differently)
        return [p.split("/", 1)[1] for p in paths]

    assert tails(v.path for v in model.weights) == tails(ref["weight_paths"])
    model.compile(optimizer=numkeras.optimizers.SGD(0.1), loss="binary_crossentropy")
    hist = model.fit(
        np.asarray(ref["x"], "float32"),
        np.asarray(ref["y"], "float32"),
        batch_size=2,
        epochs=1,
        shuffle=False,
        verbose=0,
    )
    np.testing.assert_allclose(hist.history["loss"][0], ref["loss"], rtol=1e-5)
    for w, r in zip(model.get_weights(), ref["weights1"], strict=True):
        np.testing.assert_allclose(w, r, rtol=1e-5, atol=1e-6)
    x_long = np.asarray(ref["x_long"], "float32")  # 5 frames (trained on 3)
    y = model.predict(x_long, verbose=0)
    assert y.shape == (1, 5, 5, 5, 1)
    np.testing.assert_allclose(y, ref["y_long"], rtol=1e-5, atol=1e-6)
    assert model.predict(x_long[:, :2], verbose=0).shape == (1, 2, 5, 5, 1)


def _weights_file_model():
    inp = layers.Input((3, 6, 1))
    h = ConvLSTM1D(2, 3, padding="same", return_sequences=True, name="clstm")(inp)
    h = ConvLSTM1D(2, 2, name="clstm_b")(h)
    return numkeras.Model(inp, layers.Flatten()(h))


def test_keras_written_weights_file(tmp_path):
    ref = DATA["weights_file"]
    model = _weights_file_model()
    model.load_weights(GOLDENS / ref["file"])
    for w, r in zip(model.get_weights(), ref["weights"], strict=True):
        np.testing.assert_allclose(w, r, rtol=0, atol=1e-7)  # (goldens: 7 decimals)
    y = model.predict(np.asarray(ref["x"], "float32"), verbose=0)
    np.testing.assert_allclose(y, ref["y"], rtol=1e-5, atol=1e-6)
    # written back: Keras's layout, the cell's weights under `<layer>/cell/vars`
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)

    def datasets(p):
        with h5py.File(p, "r") as f:
            names = []
            f.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
            return sorted(names)

    ours = datasets(path)
    assert "layers/conv_lstm1d/cell/vars/0" in ours
    assert ours == datasets(GOLDENS / ref["file"])


def test_keras_file_round_trip(tmp_path):
    model = numkeras.Sequential(
        [
            layers.Input((None, 4, 4, 2)),
            ConvLSTM2D(3, 3, padding="same", data_format="channels_last", return_sequences=True),
            ConvLSTM2D(2, (2, 3), strides=(1, 2), recurrent_dropout=0.2, seed=3),
        ]
    )
    x = np.random.default_rng(1).normal(size=(2, 3, 4, 4, 2)).astype("float32")
    y = model.predict(x, verbose=0)
    path = tmp_path / "c.keras"
    model.save(path)
    loaded = numkeras.saving.load_model(path, custom_objects={"ConvLSTM2D": ConvLSTM2D})
    np.testing.assert_allclose(loaded.predict(x, verbose=0), y, rtol=1e-6)
    assert loaded.layers[1].get_config() == model.layers[1].get_config()


def test_dropout_in_training_only_fixed_over_time_and_keras_rate_one():
    x = np.ones((3, 4, 5, 5, 1), "float32")
    kw = {"padding": "same", "return_sequences": True, "kernel_initializer": "ones"}
    layer = ConvLSTM2D(2, 3, dropout=0.5, seed=1, **kw)
    inference = layer(x)
    np.testing.assert_array_equal(layer(x, training=False), inference)
    train = layer(x, training=True)
    assert train.dtype == np.float32 and not np.allclose(train, inference)
    assert not np.allclose(train, layer(x, training=True))  # new masks each call
    # a mask per gate, each of the frame's shape, the same at every timestep
    layer.cell.recurrent_kernel.assign(np.zeros(layer.cell.recurrent_kernel.shape, "float32"))
    masks = layer.cell._masks(3, None, np.float32, True)[0]
    assert masks.shape == (4, 3, 5, 5, 1) and not np.array_equal(masks[0], masks[1])
    np.testing.assert_allclose(np.unique(masks), [0.0, 2.0])
    # Keras drops nothing at rate 1 (dropout only for 0 < rate < 1)
    full = ConvLSTM2D(2, 3, dropout=1.0, recurrent_dropout=1.0, **kw)
    np.testing.assert_array_equal(full(x, training=True), full(x))


def test_defaults_weights_and_config():
    layer = ConvLSTM2D(4, 3)
    layer.build((None, None, 6, 6, 3))
    cell = layer.cell
    assert isinstance(cell, ConvLSTMCell) and cell.name == "conv_lstm_cell"
    assert cell.kernel.shape == (3, 3, 3, 16) and cell.recurrent_kernel.shape == (3, 3, 4, 16)
    np.testing.assert_array_equal(cell.bias.numpy(), np.r_[np.zeros(4), np.ones(4), np.zeros(8)])
    assert layer.kernel is cell.kernel and layer.filters == 4 and layer.kernel_size == (3, 3)
    assert layer.padding == "valid" and layer.strides == (1, 1) and layer.rank == 2
    assert [w.dtype for w in layer.get_weights()] == [np.float32] * 3
    keras_default = CASES["c2d_valid"]["config"]["config"]
    ours = json.loads(json.dumps(ConvLSTM2D(2, 3, name="conv_lstm2d").get_config()))
    assert ours == keras_default
    assert layer.compute_output_shape((None, None, 6, 6, 3)) == (None, 4, 4, 4)
    assert ConvLSTM3D(2, 2, data_format="channels_first").compute_output_shape(
        (1, 7, 1, 3, 4, 5)
    ) == (1, 2, 2, 3, 4)
    assert "ConvLSTM1D(2, 3" in repr(ConvLSTM1D(2, 3))


def test_stateful_states_keep_keras_shape():
    layer = ConvLSTM1D(2, 3, stateful=True, data_format="channels_first")
    x = np.random.default_rng(0).normal(size=(2, 3, 1, 5)).astype("float32")
    first = layer(x)
    assert [s.shape for s in layer.states] == [(2, 2, 3)] * 2
    np.testing.assert_array_equal(layer.states[0], first)
    second = layer(x)
    assert not np.allclose(first, second)
    layer.reset_states()
    np.testing.assert_allclose(layer(x), first, rtol=1e-6)


def test_cell_one_step_matches_the_layer():
    rng = np.random.default_rng(0)
    cell = ConvLSTMCell(2, 2, 3, padding="same")
    x = rng.normal(size=(2, 5, 5, 1)).astype("float32")
    with pytest.raises(NotBuiltError, match="build"):
        cell.get_initial_state(2)
    h, (h2, c) = cell(x, [np.zeros((2, 5, 5, 2), "float32")] * 2)
    np.testing.assert_array_equal(cell.get_initial_state(2)[1], np.zeros((2, 5, 5, 2)))
    assert h.shape == c.shape == (2, 5, 5, 2)
    np.testing.assert_array_equal(h, h2)
    layer = ConvLSTM2D(2, 3, padding="same")
    layer(x[:, None])
    layer.set_weights(cell.get_weights())
    np.testing.assert_allclose(layer(x[:, None]), h, rtol=1e-6)


def test_errors():
    with pytest.raises(ConfigError, match="filters"):
        ConvLSTM2D(0, 3)
    with pytest.raises(ConfigError, match="dilation_rate"):
        ConvLSTM2D(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ConfigError, match="padding"):
        ConvLSTM1D(2, 3, padding="causal")
    with pytest.raises(ShapeError, match="ndim=5"):
        ConvLSTM2D(2, 3)(np.ones((2, 3, 5, 1)))
    with pytest.raises(ShapeError, match="static"):
        ConvLSTM2D(2, 3)(layers.Input((None, None, 5, 1)))
    with pytest.raises(ShapeError, match="does not fit"):
        ConvLSTM2D(2, 3)(np.ones((1, 2, 2, 2, 1)))
    layer = ConvLSTM2D(2, 3)
    layer(np.ones((1, 2, 5, 5, 1)))
    with pytest.raises(ShapeError, match="fixed frame size"):
        layer(np.ones((1, 2, 6, 6, 1)))
    with pytest.raises(ShapeError, match="initial state"):
        layer(np.ones((1, 2, 5, 5, 1)), initial_state=[np.zeros((1, 5, 5, 2))] * 2)
    with pytest.raises(ShapeError, match="2 initial states"):
        layer(np.ones((1, 2, 5, 5, 1)), initial_state=[np.zeros((1, 3, 3, 2))])


def test_functional_return_state_into_initial_state(tmp_path, capsys):
    x = layers.Input((None, 4, 4, 1))
    seq, h, c = ConvLSTM2D(2, 3, padding="same", return_sequences=True, return_state=True)(x)
    assert tuple(h.shape) == (None, 4, 4, 2) and tuple(seq.shape) == (None, None, 4, 4, 2)
    y = ConvLSTM2D(2, 3, padding="same", go_backwards=True)(seq, initial_state=[h, c])
    model = numkeras.Model(x, layers.Dense(1)(layers.Flatten()(y)))
    model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(0)
    xs, ys = rng.normal(size=(8, 3, 4, 4, 1)).astype("float32"), rng.normal(size=(8, 1))
    before = model.predict(xs, verbose=0)
    model.fit(xs, ys, epochs=1, batch_size=4, verbose=0)
    after = model.predict(xs, verbose=0)
    assert not np.allclose(before, after)
    model.summary()
    assert "ConvLSTM2D" in capsys.readouterr().out
    path = tmp_path / "f.keras"
    model.save(path)
    loaded = numkeras.saving.load_model(path, custom_objects={"ConvLSTM2D": ConvLSTM2D})
    np.testing.assert_allclose(loaded.predict(xs, verbose=0), after, rtol=1e-5)

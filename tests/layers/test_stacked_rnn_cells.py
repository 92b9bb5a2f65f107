"""`RNN([cells])` / `StackedRNNCells` against real Keras 3 (tests/goldens/rnn_cells.json,
from scripts/goldens/make_rnn_cells.py): outputs and states (nested per cell), initial states
(Keras's nested form), masks, go_backwards, configs, weight paths, a Keras-written
`.weights.h5` layout, `fit`; gradients by finite differences in float64."""

import json

import h5py
import numpy as np
import pytest

import numkeras
import tests.layers.test_custom_rnn_cell as cc
from numkeras import layers
from numkeras.errors import ConfigError, ShapeError
from numkeras.layers.stacked_rnn_cells import StackedRNNCells
from numkeras.models.config import serialize_layer

STACKED = [c["name"] for c in cc.GOLDEN["cases"] if c["stacked"]]


@pytest.mark.parametrize("name", STACKED)
def test_forward_matches_keras(name):
    layer = cc.check_forward(name)
    case = cc.CASES[name]
    if "config" in case:  # (built-in cells only: a custom cell's module differs)
        ours = json.loads(json.dumps(serialize_layer(layer)))
        assert ours["class_name"] == case["config"]["class_name"] == "RNN"
        assert ours["config"] == case["config"]["config"]


@pytest.mark.parametrize("name", STACKED)
def test_gradients_finite_differences_float64(name):
    cc.check_gradients(name)


def test_keras_nested_initial_state_and_flat_form_agree():
    case = cc.CASES["stacked_states_backwards"]
    layer, inputs, _ = cc.build_case(case)
    x, (h1, h2, c2) = inputs[0], inputs[1:]
    nested = layer(x, initial_state=[[h1], [h2, c2]])
    flat = layer(x, initial_state=[h1, h2, c2])
    nested, flat = cc._flat(nested), cc._flat(flat)
    for a, b, ref in zip(nested, flat, case["outputs"]):
        np.testing.assert_allclose(a, ref, rtol=1e-5, atol=1e-5)
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ShapeError, match="3 initial state"):
        layer(x, initial_state=[h1, h2])


def test_config_round_trip_and_keras_file(tmp_path):
    case = cc.CASES["stacked_lstm_simple_gru"]
    from numkeras.models.config import deserialize_layer

    layer = deserialize_layer(json.loads(json.dumps(case["config"])))
    assert isinstance(layer.cell, StackedRNNCells)
    assert [type(c).__name__ for c in layer.cell.cells] == ["LSTMCell", "SimpleRNNCell", "GRUCell"]
    x = np.asarray(case["x"], "float32")
    layer(x)
    layer.set_weights([np.asarray(w, "float32") for w in case["weights"]])
    for o, ref in zip(cc._flat(layer(x)), case["outputs"]):
        np.testing.assert_allclose(o, ref, rtol=1e-5, atol=1e-5)
    model = numkeras.Sequential([layers.Input((4, 3)), layer])
    model.save(tmp_path / "s.keras")
    loaded = numkeras.models.load_model(tmp_path / "s.keras")
    for a, b in zip(loaded.predict(x, verbose=0), model.predict(x, verbose=0)):
        np.testing.assert_allclose(a, b)


def _model():
    cells = [layers.LSTMCell(3), layers.SimpleRNNCell(2), layers.LSTMCell(2)]
    return numkeras.Sequential([layers.Input((4, 3)), layers.RNN(cells), layers.Dense(1)])


def test_keras_written_weights_file_loads_and_ours_has_its_layout(tmp_path):
    ref = cc.GOLDEN["weights_file"]
    path = tmp_path / "keras.weights.h5"
    with h5py.File(path, "w") as f:  # the file Keras wrote, dataset by dataset
        for key, value in ref["datasets"].items():
            f.create_dataset(key, data=np.asarray(value, "float32"))
    model = _model()
    model.load_weights(path)
    x = np.asarray(ref["x"], "float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), ref["predictions"], rtol=1e-5)
    ours = tmp_path / "ours.weights.h5"
    model.save_weights(ours)
    found = []
    with h5py.File(ours) as f:
        f.visititems(lambda k, v: found.append(k) if isinstance(v, h5py.Dataset) else None)
    assert sorted(found) == sorted(ref["datasets"])
    assert "layers/rnn/cell/cells/lstm_cell_1/vars/2" in found


def test_fit_matches_keras():
    entry = next(e for e in cc.GOLDEN["fit"] if e["stacked"])
    cc.check_fit(entry)


def test_one_step_cell_api_nests_states_as_keras():
    cell = StackedRNNCells([layers.LSTMCell(3), layers.SimpleRNNCell(2)])
    assert cell.state_size == [[3, 3], 2] and cell.output_size == 2
    x = np.ones((2, 4), "float32")
    init = cell.get_initial_state(batch_size=2)
    # (each built-in cell's own list, as Keras's: [[h1, c1], [h2]])
    assert [np.shape(s) for s in init[0]] == [(2, 3), (2, 3)] and init[1][0].shape == (2, 2)
    out, states = cell(x, init)
    assert out.shape == (2, 2) and len(states) == 2 and len(states[0]) == 2
    np.testing.assert_allclose(out, states[1][0])
    # the same step as one timestep of RNN(cell)
    rnn = layers.RNN(cell, return_state=True)
    y, (h1, c1), h2 = rnn(x[:, None])  # (nested as Keras's symbolic call)
    np.testing.assert_allclose(y, out, rtol=1e-6)
    np.testing.assert_allclose(c1, states[0][1], rtol=1e-6)
    assert rnn.state_size == [[3, 3], 2]


def test_dropout_in_training_only_and_bidirectional():
    cells = [layers.GRUCell(3, dropout=0.5, seed=1), layers.LSTMCell(2, recurrent_dropout=0.5)]
    layer = layers.RNN(cells)
    x = np.random.default_rng(0).normal(size=(3, 5, 4)).astype("float32")
    np.testing.assert_array_equal(layer(x), layer(x))
    assert not np.allclose(layer(x, training=True), layer(x))
    bi = layers.Bidirectional(layers.RNN([layers.SimpleRNNCell(2), layers.LSTMCell(3)]))
    np.testing.assert_allclose(bi(x), bi.forward(x)[0], rtol=1e-6)
    y, cache = bi.forward(x)
    assert y.shape == (3, 6)
    assert bi.backward(cache, np.ones_like(y)).shape == x.shape
    assert bi.weights[0].path.startswith(f"{bi.name}/forward_")


def test_errors():
    with pytest.raises(ConfigError, match="state_size"):
        StackedRNNCells([layers.LSTMCell(2), layers.Dense(2)])
    with pytest.raises(ConfigError, match="non-empty list"):
        StackedRNNCells([])

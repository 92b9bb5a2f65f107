"""What the layer-argument differential (scripts/fuzz/fuzz_layer_args.py, seeds 3000-3030)
found, against Keras 3 (goldens from scripts/goldens/make_layer_args_2.py): the exception
type of a normalization axis outside the input, a stateful RNN of a list of cells (its
reset, where Keras crashes), and MultiHeadAttention with `value_dim != key_dim` (Keras on
torch; Keras-JAX crashes there)."""

import json

import numpy as np
import pytest

import numkeras
from numkeras.errors import AxisBoundsError, ShapeError

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("layer_args_2")
SCRIPT = scenario_script("make_layer_args_2")


def test_goldens_cover_every_scenario():
    assert sorted(GOLD) == sorted(SCRIPT.SCENARIOS)


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_matches_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))
    want = GOLD[name]
    if name == "stateful_rnn_of_stacked_cells":  # (Keras's reset_states crashes there)
        want = {case: {**values, "reset": "ok"} for case, values in want.items()}
        assert {values["reset"] for values in GOLD[name].values()} == {"AttributeError"}
    assert_json_close(got, want, rtol=1e-4, atol=1e-5, where=name)


def test_axis_out_of_range_is_an_index_error_and_a_shape_error():
    # (Keras raises IndexError; numkeras's explain() and model checks catch ShapeError)
    layer = numkeras.layers.LayerNormalization(axis=2)
    with pytest.raises(AxisBoundsError, match=r"Use axes in \[-2, 2\)") as info:
        layer(np.ones((2, 6), "float32"))
    assert isinstance(info.value, IndexError)
    assert isinstance(info.value, ShapeError)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("cell", SCRIPT.ZERO_OUTPUT_CELLS)
def test_zero_output_for_mask_holds_when_unrolled_too(cell):
    # (Keras's unrolled loop repeats the previous output at a masked step: its outputs then
    # depend on `unroll`, which is only a speed option)
    got = SCRIPT.zero_output_for_mask(numkeras, cell, unroll=True)
    assert_json_close(got, GOLD["rnn_zero_output_for_mask"][cell], rtol=1e-4, atol=1e-5)
    assert got[3 * 2 : 4 * 2] == [0.0, 0.0]  # (sample 0's step 3, masked)


def test_simple_rnn_activity_regularizer_adds_its_loss():
    # (Keras 3.15's SimpleRNN drops the argument; its docstring, LSTM and GRU apply it)
    x = np.random.default_rng(0).normal(size=(2, 5, 4)).astype("float32")
    layer = numkeras.layers.SimpleRNN(3, return_sequences=True, activity_regularizer="l2")
    y = np.asarray(layer(x))
    assert len(layer.losses) == 1
    np.testing.assert_allclose(float(layer.losses[0]), 0.01 * np.sum(y**2) / 2, rtol=1e-5)
    assert layer.get_config()["activity_regularizer"]["class_name"] == "L2"

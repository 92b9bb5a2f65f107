"""A Sequential model given inputs of other sizes than it was built on, against Keras 3
(scripts/goldens/make_sequential_sizes.py, goldens in tests/goldens/sequential_sizes.json):
Keras checks only the rank, and the layers decide the sizes.

Where Keras's torch backend crashes inside a computation (RuntimeError: an LSTM or
EinsumDense given another number of features), numkeras refuses the input up front with
its shape error, a ValueError."""

import numpy as np
import pytest

import numkeras
from numkeras.errors import IncompatibleShapesError
from numkeras.layers import LSTM, Conv1D, Dense, Flatten, Input
from numkeras.models import Sequential

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("sequential_sizes")
SCRIPT = scenario_script("make_sequential_sizes")


def _numkeras_rules(want):
    """Keras's internal crashes (RuntimeError) are numkeras's ValueError."""
    if isinstance(want, dict):
        if want.get("raises") == "RuntimeError":
            return {"raises": "ValueError"}
        return {k: _numkeras_rules(v) for k, v in want.items()}
    return want


@pytest.mark.filterwarnings("ignore:invalid value encountered")  # (a filled negative variance)
@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_sequential_sizes_match_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = SCRIPT.SCENARIOS[name](numkeras)
    assert_json_close(got, _numkeras_rules(GOLD[name]), rtol=1e-4, atol=1e-5, where=name)


def test_the_error_names_only_the_axes_the_layers_pin():
    # declared (10, 3): the steps may take any size, the features may not
    model = Sequential([Input((10, 3)), LSTM(4)])
    with pytest.raises(IncompatibleShapesError) as err:
        model.predict(np.ones((2, 20, 5), "float32"), verbose=0)
    text = str(err.value)
    assert "expects (batch, any, 3)" in text
    assert "axis 2 (features) must be 3, received 5" in text
    assert "axis 1" not in text


def test_a_size_refused_downstream_names_the_layer_that_refuses_it():
    model = Sequential([Input((10, 3)), Conv1D(4, 3), Flatten(), Dense(2, name="head")])
    with pytest.raises(IncompatibleShapesError) as err:
        model.predict(np.ones((2, 16, 3), "float32"), verbose=0)
    text = str(err.value)
    assert "axis 1 must be 10, received 16" in text
    assert "Layer 'head'" in text and "(None, 56)" in text


def test_the_seed_transposed_input_keeps_its_fix():
    model = Sequential([Input((64,)), Dense(256)])
    with pytest.raises(IncompatibleShapesError) as err:
        model.predict(np.ones((64, 128), "float32"), verbose=0)
    assert "use x.T" in str(err.value)


def test_other_sizes_change_nothing_in_the_model():
    model = Sequential([Input((10, 3)), LSTM(4, return_sequences=True), Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    before = [w.copy() for w in model.get_weights()]
    out = model.predict(np.ones((2, 20, 3), "float32"), verbose=0)
    assert out.shape == (2, 20, 2)
    assert model.input_shape == (None, 10, 3)
    assert model.output_shape == (None, 10, 2)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    # a refused shape leaves it as it was too, and training on another length works
    with pytest.raises(ValueError):
        model.fit(np.ones((2, 20, 5), "float32"), np.ones((2, 20, 2), "float32"), verbose=0)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    model.fit(np.ones((2, 7, 3), "float32"), np.ones((2, 7, 2), "float32"), verbose=0)
    assert not all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_a_target_of_the_declared_length_is_refused_for_another_input_length():
    model = Sequential([Input((10, 3)), LSTM(4, return_sequences=True), Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"y_pred with shape \(2, 20, 2\)"):
        model.fit(np.ones((2, 20, 3), "float32"), np.ones((2, 10, 2), "float32"), verbose=0)


def test_explain_traces_other_sizes_a_sequential_model_takes():
    model = Sequential([Input((10, 3)), LSTM(4, return_sequences=True), Dense(2)])
    text = numkeras.explain(model, (2, 20, 3), print_fn=lambda s: None)
    assert "other sizes than (batch, 10, 3), which its layers take" in text
    assert "Result: (2, 20, 2)" in text
    text = numkeras.explain(model, (2, 20, 5), print_fn=lambda s: None)
    assert "FAILS here" in text and "axis 2 (features) must be 3, received 5" in text

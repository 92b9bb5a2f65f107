"""A stacked RNN's states nested per cell, the recurrent layers' call signature, the
`dtype_policy` setter, int8 `ReversibleEmbedding` and `numkeras.quantizers`, against real
Keras 3 (goldens from scripts/goldens/make_rnn_quant_2.py)."""

import json
import warnings

import numpy as np
import pytest

import numkeras
from numkeras import layers

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("rnn_quant_2")
SCRIPT = scenario_script("make_rnn_quant_2")


# (its config is Keras's own: compared by loading it, below)
OWN_TESTS = {"sequences_keyword_model"}


@pytest.mark.parametrize("name", sorted(set(SCRIPT.SCENARIOS) - OWN_TESTS))
def test_matches_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert_json_close(got, GOLD[name], rtol=1e-5, atol=2e-4, where=name)


def test_stacked_eager_structure_is_the_symbolic_one():
    """Keras's eager call lists a one-state cell's state (`[h2]`); numkeras returns the
    structure of Keras's symbolic call on arrays too."""
    rnn = layers.RNN([layers.LSTMCell(4), layers.GRUCell(3)], return_state=True)
    out, (h1, c1), h2 = rnn(SCRIPT.X)
    assert out.shape == (2, 3) and h1.shape == c1.shape == (2, 4) and h2.shape == (2, 3)
    np.testing.assert_array_equal(out, h2)


def test_inputs_keyword_still_taken():
    """Keras 3 only takes `sequences=`; numkeras also takes `inputs=` (its earlier name)."""
    lstm = layers.LSTM(3)
    np.testing.assert_array_equal(lstm(inputs=SCRIPT.X), lstm(sequences=SCRIPT.X))
    with pytest.raises(TypeError, match="sequences"):
        lstm()


def test_keras_written_int8_reversible_embedding_files_load():
    """Keras's files of an int8 model around an untied, soft-capped ReversibleEmbedding:
    the `.keras` file rebuilds the int8 reverse table, `.weights.h5` loads into ours."""
    files = SCRIPT.FILES
    want = GOLD["reversible_embedding_int8"]["tie_False_cap_2.0"]
    loaded = numkeras.saving.load_model(files / "reversible_int8.keras")
    layer = loaded.get_layer("re")
    assert [[w.name, list(w.shape), str(w.dtype), w.trainable] for w in layer.weights] == (
        want["weights"]
    )
    np.testing.assert_allclose(loaded.predict(SCRIPT.IDS, verbose=0), want["predict"], atol=2e-4)
    model, _ = SCRIPT._reversible_model(numkeras, False, 2.0, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.quantize("int8")
    model.load_weights(files / "reversible_int8.weights.h5")
    np.testing.assert_allclose(model.predict(SCRIPT.IDS, verbose=0), want["predict"], atol=2e-4)


def test_int8_reverse_input_gradient_matches_finite_differences():
    """Keras's int8 reverse call passes a gradient through the inputs' scale only (the
    rounding passes none); away from rounding jumps, the difference quotient agrees."""
    layer = layers.ReversibleEmbedding(9, 4, dtype="float64")
    layer.build()
    layer.quantize("int8")
    hidden = np.random.default_rng(1).normal(size=(2, 4))
    weights = np.random.default_rng(2).normal(size=(2, 9))
    _, cache = layer.forward(hidden, reverse=True)
    grad = layer.backward(cache, weights)
    row, col = np.unravel_index(np.argmax(np.abs(hidden)), hidden.shape)
    eps = 1e-9  # (a step far smaller than any rounding bin's distance)
    shifted = hidden.copy()
    shifted[row, col] += eps * np.sign(hidden[row, col])
    loss = lambda h: float(np.sum(layer(h, reverse=True) * weights))  # noqa: E731
    numeric = (loss(shifted) - loss(hidden)) / eps * np.sign(hidden[row, col])
    np.testing.assert_allclose(grad[row, col], numeric, rtol=1e-4)
    assert np.count_nonzero(grad) == 2  # (each row's largest entry only)


def test_keras_config_with_the_sequences_keyword_loads():
    """Keras writes `lstm(sequences=x)`'s tensor as a keyword of the node (no `args`)."""
    want = GOLD["sequences_keyword_model"]
    assert want["config"]["layers"][1]["inbound_nodes"][0]["args"] == []
    model = numkeras.Model.from_config(want["config"])
    SCRIPT._sequences_keyword_weights(model)
    np.testing.assert_allclose(model.predict(SCRIPT.X, verbose=0), want["predict"], atol=2e-5)
    ours = SCRIPT.SCENARIOS["sequences_keyword_model"](numkeras)
    np.testing.assert_allclose(ours["predict"], want["predict"], atol=2e-5)


def test_a_subclass_call_gives_its_own_parameters():
    """Keras's `call_signature_parameters` reads the class's `call`: a subclass's own."""

    class Masked(layers.LSTM):
        def call(self, inputs, mask=None, training=None):
            return super().call(inputs, training=bool(training), mask=mask)

    assert Masked(2).call_signature_parameters == ["inputs", "mask", "training"]

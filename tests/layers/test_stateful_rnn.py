"""Stateful recurrent layers against real Keras 2 (tf_keras 2.21; Keras 3's JAX backend
drops the carried states, see scripts/goldens/make_stateful.py): states carried from batch
to batch and call to call, `reset_states()`, training, and the errors."""

import json
import pathlib
import sys

import numpy as np
import pytest

import numkeras
from numkeras import layers

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "scripts" / "goldens"))
from make_stateful import run  # noqa: E402

GOLD = json.loads((pathlib.Path(__file__).parents[1] / "goldens" / "stateful.json").read_text())


@pytest.mark.parametrize("case", GOLD["cases"], ids=lambda c: c["name"])
def test_matches_keras_2(case):
    x, y = np.array(case["x"], "float32"), np.array(case["y"], "float32")
    weights = [np.array(w, "float32") for w in case["weights"]]
    got = run(numkeras, case["class"], case["kwargs"], x, y, weights)
    for a, b in zip(got["predictions"], case["predictions"]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got["train_on_batch"], case["train_on_batch"], rtol=1e-5)
    np.testing.assert_allclose(got["fit"], case["fit"], rtol=1e-5)
    for a, b in zip(got["trained"], case["trained"]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    # the carried states matter: the second predict differs from the first
    assert not np.allclose(got["predictions"][0], got["predictions"][1])


def test_the_batch_size_must_be_fixed_and_kept():
    with pytest.raises(ValueError, match="batch size must be static"):
        numkeras.Sequential([numkeras.Input((3, 2)), layers.LSTM(2, stateful=True)])
    model = numkeras.Sequential(
        [numkeras.Input(batch_shape=(2, 3, 2)), layers.LSTM(2, stateful=True)]
    )
    with pytest.raises(ValueError, match="Expected batch size: 2"):
        model.predict(np.ones((3, 3, 2)), batch_size=3, verbose=0)


def test_states_are_not_weights_and_a_failed_step_keeps_them():
    model = numkeras.Sequential(
        [numkeras.Input(batch_shape=(2, 3, 2)), layers.GRU(2, stateful=True), layers.Dense(1)]
    )
    assert len(model.weights) == 5  # (GRU kernel, recurrent kernel, bias; Dense's two)
    rnn = model.layers[0]
    model.predict(np.ones((2, 3, 2)), verbose=0)
    assert all(isinstance(s, numkeras.Variable) for s in rnn.states)  # (Keras's)
    carried = [s.numpy() for s in rnn.states]
    assert any(s.any() for s in carried)
    model.compile("sgd", "mse")
    with pytest.raises(ValueError):
        model.train_on_batch(np.ones((2, 3, 2)), np.ones((2, 5)))  # wrong targets: fails
    for a, b in zip(rnn.states, carried):
        np.testing.assert_array_equal(a, b)
    first = rnn.states[0]
    model.reset_states()
    assert not any(s.numpy().any() for s in rnn.states)
    assert rnn.states[0] is first  # (reset in place: a reference taken before reads zeros)

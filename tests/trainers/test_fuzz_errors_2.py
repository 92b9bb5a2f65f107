"""What the misuse fuzzer's fourth menu (scripts/fuzz/fuzz_errors.py, seeds 20 on) found
numkeras doing differently from Keras 3, as minimal scenarios (goldens from
scripts/goldens/make_fuzz_errors_2.py), and the refused calls that must change nothing
where Keras 3 leaves the model half-changed."""

import json

import numpy as np
import pytest

import numkeras

from ..differential import goldens, scenario_script

GOLD = goldens("fuzz_errors_2")
SCRIPT = scenario_script("make_fuzz_errors_2")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_fuzz_errors_2_match_keras(name):
    numkeras.utils.clear_session()
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert got == GOLD[name], name


def _trained():
    model = numkeras.Sequential([numkeras.Input((4,)), numkeras.layers.Dense(3)])
    model.compile(optimizer="adam", loss="mse")
    model.train_on_batch(SCRIPT.X, SCRIPT.X[:, :3])
    return model


def _snapshot(model) -> tuple:
    opt = model.optimizer
    return (
        [layer.name for layer in model.layers],
        model.built,
        [w.copy() for w in model.get_weights()],
        int(opt.iterations),
        [np.array(v) for v in opt.variables],
    )


def assert_unchanged(model, before) -> None:
    after = _snapshot(model)
    assert after[:2] == before[:2] and after[3] == before[3]
    for a, b in zip(before[2] + before[4], after[2] + after[4], strict=True):
        np.testing.assert_array_equal(a, b)
    model.predict(SCRIPT.X, verbose=0)  # (still usable)


@pytest.mark.parametrize(
    "layer", [lambda L: L.LSTM(2), lambda L: L.Conv3D(2, 3), lambda L: L.Reshape((7, 7))]
)
def test_add_of_a_layer_that_does_not_fit_changes_nothing(layer):
    # Keras 3 raises too, but leaves the layer appended and the model unbuilt (its
    # predict then fails); numkeras leaves the model as it was
    model = _trained()
    before = _snapshot(model)
    with pytest.raises(ValueError):
        model.add(layer(numkeras.layers))
    assert_unchanged(model, before)


def test_load_weights_of_a_file_missing_a_layer_changes_nothing(tmp_path):
    # Keras 3 loads the layers it finds before it raises; numkeras checks the whole file
    small = numkeras.Sequential([numkeras.Input((4,)), numkeras.layers.Dense(3)])
    small.save_weights(tmp_path / "small.weights.h5")
    model = numkeras.Sequential(
        [numkeras.Input((4,)), numkeras.layers.Dense(3), numkeras.layers.Dense(3)]
    )
    model.compile(optimizer="adam", loss="mse")
    before = _snapshot(model)
    with pytest.raises(ValueError, match="expected 2 variables"):
        model.load_weights(tmp_path / "small.weights.h5")
    assert_unchanged(model, before)


def test_a_refused_compile_keeps_the_earlier_one():
    model = _trained()
    before, optimizer = _snapshot(model), model.optimizer
    with pytest.raises(ValueError, match="Unknown optimizer"):
        model.compile(optimizer="nope", loss="mse")
    assert model.optimizer is optimizer and model.loss == "mse"
    assert_unchanged(model, before)
    model.train_on_batch(SCRIPT.X, SCRIPT.X[:, :3])  # (still trains)

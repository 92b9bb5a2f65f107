"""What the misuse fuzzer (scripts/fuzz/fuzz_errors.py) found numkeras doing differently
from Keras 3, as minimal scenarios (goldens from scripts/goldens/make_fuzz_errors.py): an
error of Keras's built-in class, and a refused call that changes nothing."""

import json
import math

import numpy as np
import pytest

import numkeras

from ..differential import goldens, scenario_script

GOLD = goldens("fuzz_errors")
SCRIPT = scenario_script("make_fuzz_errors")


def assert_like_keras(got, want, where: str) -> None:
    """`got` is `want`, where an error (the built-in classes joined by '|') must be an
    instance of the first class Keras's was."""
    if isinstance(want, dict):
        assert isinstance(got, dict) and sorted(got) == sorted(want), where
        for key in want:
            assert_like_keras(got[key], want[key], f"{where}[{key!r}]")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want)):
            assert_like_keras(g, w, f"{where}[{i}]")
    elif isinstance(want, str) and want != "ok" and isinstance(got, str):
        assert want.split("|")[0] in got.split("|"), f"{where}: {got} is not a {want}"
    elif isinstance(want, float):
        assert math.isclose(got, want, rel_tol=1e-5, abs_tol=1e-6), f"{where}: {got} != {want}"
    else:
        assert got == want, f"{where}: {got!r} != {want!r}"


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_fuzz_errors_match_keras(name):
    numkeras.utils.clear_session()
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert_like_keras(got, GOLD[name], name)


def test_refused_batches_leave_a_deferred_model_unbuilt():
    # Keras 3 builds the model on the batch before it finds y a row short; numkeras checks
    # the rows first, so the refused call changes nothing (README: a failed call changes
    # nothing)
    for op in ("train_on_batch", "test_on_batch"):
        model = SCRIPT._deferred(numkeras, compiled=True)
        with pytest.raises(TypeError, match="x has 6 samples but y has 5"):
            getattr(model, op)(SCRIPT.X, SCRIPT.Y[:5])
        assert not model.built
        assert len(model.optimizer.variables) == 2
        getattr(model, op)(SCRIPT.X, SCRIPT.Y)  # then a valid batch builds it
        assert model.built


def test_swapped_sample_axes_get_a_transpose_not_a_reshape():
    # a (batch, features, timesteps) array for an LSTM declared on (timesteps, features):
    # a reshape would keep the shape right and mix the values up
    inputs = numkeras.Input((3, 5))
    model = numkeras.Model(inputs, numkeras.layers.LSTM(2)(inputs))
    with pytest.raises(ValueError) as err:
        model.predict(np.zeros((7, 5, 3), "float32"), verbose=0)
    text = str(err.value)
    assert "(7, 5, 3)" in text and "(batch, 3, 5)" in text
    assert "np.transpose(x, (0, 2, 1)), shape (7, 3, 5)" in text
    assert "reshape" not in text


def test_swapped_sample_axes_of_a_sequential_model_get_a_transpose():
    # a Sequential model's template leaves the timesteps free, `(batch, any, 3)`: the fix
    # comes from its declared Input
    model = numkeras.Sequential([numkeras.Input((5, 3)), numkeras.layers.LSTM(2)])
    with pytest.raises(ValueError) as err:
        model.predict(np.zeros((7, 3, 5), "float32"), verbose=0)
    text = str(err.value)
    assert "(batch, any, 3)" in text
    assert "np.transpose(x, (0, 2, 1)), shape (7, 5, 3)" in text


def test_predict_x_y_says_that_y_landed_in_batch_size():
    model = numkeras.Sequential([numkeras.Input((4,)), numkeras.layers.Dense(3)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"array of shape \(6, 3\)\. predict\(\) takes no targets"):
        model.predict(SCRIPT.X, SCRIPT.Y, verbose=0)
    with pytest.raises(TypeError, match="Pass arrays such as sample_weight by name"):
        model.evaluate(SCRIPT.X, SCRIPT.Y, np.ones(6), verbose=0)


def test_target_shape_errors_say_how_to_fix_them():
    model = numkeras.Sequential([numkeras.Input((3,)), numkeras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.zeros((4, 3), "float32")
    with pytest.raises(ValueError, match=r"\(4, 2, 1, 1\).*use y\.reshape\(-1, 2\)\."):
        model.train_on_batch(x, np.zeros((4, 2, 1, 1), "float32"))
    with pytest.raises(ValueError, match="y_true is a single number: pass one target per sample"):
        model.train_on_batch(x, np.float32(1.0))
    assert int(model.optimizer.iterations) == 0


def test_a_list_of_arrays_for_an_unbuilt_sequential_model_says_so():
    # Keras 3 fails too ("Cannot convert '((6, 4), 3)' to a shape"); numkeras said
    # "`batch_shape` must be a tuple of positive integers"
    for call in (
        lambda m: m.predict([SCRIPT.X], verbose=0),
        lambda m: m.fit([SCRIPT.X, SCRIPT.X], SCRIPT.Y, verbose=0),
        lambda m: m((SCRIPT.X,)),
    ):
        model = SCRIPT._deferred(numkeras, compiled=True)
        with pytest.raises(ValueError, match=r"takes one input, received a list of \d"):
            call(model)
        assert not model.built
    assert model.predict(SCRIPT.X, verbose=0).shape == (6, 3)

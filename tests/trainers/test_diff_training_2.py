"""Whole training runs against real Keras 3, of the kinds scripts/fuzz/fuzz_model_training.py
draws in its families multiio / attnnorm / regcons / conv2: each scenario of
scripts/goldens/make_diff_training_2.py runs here on numkeras and must give Keras's loss
history, evaluate dict (keys in order), predictions and final weights (goldens in
tests/goldens/diff_training_2.json)."""

import warnings

import numpy as np
import pytest

import numkeras

from ..differential import goldens, scenario_script

GOLD = goldens("diff_training_2")["cases"]
SCEN = scenario_script("make_diff_training_2")


def assert_same(got: dict, want: dict, rtol=1e-3, atol=1e-4):
    for part in ("history", "evaluate"):
        if part in want:
            assert list(got[part]) == list(want[part]), f"{part} keys"
            for key, values in want[part].items():
                np.testing.assert_allclose(got[part][key], values, rtol, atol, err_msg=key)
    for part in ("predict", "weights"):
        assert len(got[part]) == len(want[part]), part
        for i, (g, w) in enumerate(zip(got[part], want[part])):
            np.testing.assert_allclose(g, w, rtol, atol, err_msg=f"{part}[{i}]")


@pytest.mark.parametrize("scenario", SCEN.SCENARIOS, ids=lambda f: f.__name__)
def test_matches_keras(scenario):
    numkeras.utils.set_random_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_same(scenario(numkeras), GOLD[scenario.__name__])


def test_orthogonal_regularizer_zero_row_gets_no_gradient():
    # Keras's gradient is NaN for an all-zero row (the norm's derivative at 0); numkeras
    # keeps it finite: the zero row gets none, the others their usual one
    reg = numkeras.regularizers.OrthogonalRegularizer(0.5, mode="rows")
    w = np.array([[1.0, 0.0, 2.0], [0.0, 0.0, 0.0], [0.5, 1.0, -1.0]], "float32")
    grad = reg.grad(w)
    assert np.all(np.isfinite(grad))
    assert np.all(grad[1] == 0)
    assert np.any(grad[0] != 0)


def test_orthogonal_regularizer_slope_at_zero_is_one():
    # the rows of an identity are orthogonal: |cos| is 0 there, with slope 1 (as JAX)
    reg = numkeras.regularizers.OrthogonalRegularizer(1.0, mode="rows")
    grad = reg.grad(np.eye(3, dtype="float32"))
    # d/dW of 0.5 * sum_{i != j} |w_i . w_j| / 3 at W = I: 1/3 off the diagonal
    np.testing.assert_allclose(grad, (1 - np.eye(3)) / 3, rtol=1e-6)

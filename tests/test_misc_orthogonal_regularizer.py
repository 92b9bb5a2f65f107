"""OrthogonalRegularizer against real Keras 3 (goldens from scripts/goldens/make_misc.py:
values, jax.grad, configs), finite differences, and use on a layer in training."""

import json
import pathlib

import numpy as np
import pytest

from numkeras import regularizers
from numkeras.errors import ConfigError
from numkeras.layers import Dense, Input
from numkeras.models import Sequential
from numkeras.utils.gradcheck import numeric_gradient

GOLD = json.loads((pathlib.Path(__file__).parent / "goldens" / "misc.json").read_text())
ORTH = GOLD["orthogonal"]
W = np.array(ORTH["w"], "float32")


@pytest.mark.parametrize("case", ORTH["cases"], ids=lambda c: f"{c['mode']}-{c['factor']}")
def test_matches_keras(case):
    reg = regularizers.OrthogonalRegularizer(factor=case["factor"], mode=case["mode"])
    value = reg(W)
    assert value.dtype == np.float32
    assert float(value) == pytest.approx(case["value"], rel=1e-5)
    grad = reg.grad(W)
    assert grad.dtype == np.float32
    np.testing.assert_allclose(grad, case["grad"], rtol=1e-5, atol=1e-7)
    assert reg.get_config() == case["config"]
    clone = regularizers.deserialize(regularizers.serialize(reg))
    assert clone.get_config() == case["config"]


@pytest.mark.parametrize("mode", ["rows", "columns"])
def test_finite_differences(mode):
    w = np.random.default_rng(0).normal(size=(4, 5))
    reg = regularizers.OrthogonalRegularizer(factor=0.3, mode=mode)
    numeric = numeric_gradient(lambda: float(reg(w)), w)
    np.testing.assert_allclose(reg.grad(w), numeric, rtol=1e-6, atol=1e-9)


def test_orthogonal_rows_cost_nothing_and_a_zero_row_is_safe():
    reg = regularizers.OrthogonalRegularizer(factor=1.0)
    assert float(reg(np.eye(3, 4, dtype="float32"))) == 0.0
    w = np.array([[0.0, 0.0], [1.0, 1.0], [1.0, 0.0]], "float32")
    assert np.isfinite(reg(w)) and np.isfinite(reg.grad(w)).all()


def test_names_errors_and_training():
    assert isinstance(
        regularizers.get("orthogonal_regularizer"), regularizers.OrthogonalRegularizer
    )
    assert regularizers.get("OrthogonalRegularizer").get_config()["mode"] == "rows"
    assert regularizers.orthogonal_regularizer is regularizers.OrthogonalRegularizer
    with pytest.raises(ConfigError, match="mode"):
        regularizers.OrthogonalRegularizer(mode="diagonal")
    with pytest.raises(ConfigError, match="factor"):
        regularizers.OrthogonalRegularizer(factor=-1.0)
    with pytest.raises(ConfigError, match="rank 2"):
        regularizers.OrthogonalRegularizer()(np.ones((2, 2, 2), "float32"))
    reg = regularizers.OrthogonalRegularizer(factor=1.0, mode="columns")
    model = Sequential([Input((6,)), Dense(3, kernel_regularizer=reg, use_bias=False)])
    model.compile(optimizer="sgd", loss="mse")
    kernel = model.layers[0].kernel
    before = float(reg(kernel.value))
    x = np.zeros((4, 6), "float32")  # no data gradient: only the penalty moves the kernel
    model.fit(x, np.zeros((4, 3), "float32"), epochs=20, verbose=0)
    assert float(reg(kernel.value)) < before

"""CategoricalGeneralizedCrossEntropy against real Keras 3 (goldens from
scripts/goldens/make_misc.py) and finite differences."""

import json
import pathlib

import numpy as np
import pytest

from numkeras import losses
from numkeras.errors import ConfigError, ShapeError
from numkeras.layers import Dense, Input
from numkeras.models import Sequential
from numkeras.utils.gradcheck import numeric_gradient

GOLD = json.loads((pathlib.Path(__file__).parents[1] / "goldens" / "misc.json").read_text())
G = GOLD["gce"]
Y = np.array(G["y_true"], "float32")
P = np.array(G["y_pred"], "float32")


@pytest.mark.parametrize("case", G["cases"], ids=lambda c: f"q={c['q']}")
def test_matches_keras(case):
    loss = losses.CategoricalGeneralizedCrossEntropy(q=case["q"])
    per_sample = losses.categorical_generalized_cross_entropy(Y, P, q=case["q"])
    assert per_sample.dtype == np.float32
    np.testing.assert_allclose(per_sample, case["per_sample"], rtol=1e-5, atol=1e-6)
    value, grad = loss.value_and_grad(Y, P)
    assert grad.dtype == np.float32
    assert float(value) == pytest.approx(case["value"], rel=1e-5)
    assert float(loss(Y, P)) == pytest.approx(case["value"], rel=1e-5)
    np.testing.assert_allclose(grad, case["grad"], rtol=1e-5, atol=1e-6)


def test_finite_differences_with_weights():
    rng = np.random.default_rng(0)
    p = rng.uniform(0.1, 0.9, (6, 4))
    y = rng.integers(0, 4, 6)
    w = rng.uniform(0, 2, 6)
    loss = losses.CategoricalGeneralizedCrossEntropy(q=0.3, dtype="float64", reduction="sum")
    _, grad = loss.value_and_grad(y, p, sample_weight=w)
    numeric = numeric_gradient(lambda: float(loss(y, p, sample_weight=w)), p)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)


def test_config_names_and_labels():
    loss = losses.CategoricalGeneralizedCrossEntropy(q=0.3)
    assert loss.get_config() == GOLD["configs"]["CategoricalGeneralizedCrossEntropy"]
    clone = losses.deserialize(losses.serialize(loss))
    assert isinstance(clone, losses.CategoricalGeneralizedCrossEntropy) and clone.q == 0.3
    assert isinstance(losses.to_loss("CategoricalGeneralizedCrossEntropy"), type(loss))
    assert isinstance(losses.to_loss("categorical_generalized_cross_entropy"), type(loss))
    # (N, 1) labels are squeezed (Keras would broadcast them to an (N, N) result)
    np.testing.assert_allclose(loss.call(Y[:, None], P), loss.call(Y, P))
    with pytest.raises(ConfigError, match="interval"):
        losses.CategoricalGeneralizedCrossEntropy(q=1.0)
    with pytest.raises(ShapeError, match="outside"):
        loss(np.array([0, 7]), P[:2])
    with pytest.raises(ShapeError, match="one-hot"):
        loss(np.eye(5)[:2], P[:2])


def test_trains_a_classifier():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = (x[:, 0] > 0).astype("int32")
    model = Sequential([Input((3,)), Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss=losses.CategoricalGeneralizedCrossEntropy(q=0.7))
    hist = model.fit(x, y, epochs=20, batch_size=16, verbose=0)
    assert hist.history["loss"][-1] < hist.history["loss"][0]

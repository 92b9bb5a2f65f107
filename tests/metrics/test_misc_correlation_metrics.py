"""PearsonCorrelation / ConcordanceCorrelation and the loss functions `keras.metrics`
re-exports, against real Keras 3 (goldens from scripts/goldens/make_misc.py)."""

import json
import pathlib

import numpy as np
import pytest

from numkeras import losses, metrics
from numkeras.layers import Dense, Input
from numkeras.models import Sequential
from numkeras.models.config import as_json_types

GOLD = json.loads((pathlib.Path(__file__).parents[1] / "goldens" / "misc.json").read_text())
M = GOLD["metrics"]
YT = np.array(M["y_true"], "float32")
YP = np.array(M["y_pred"], "float32")
SW = np.array(M["sample_weight"], "float32")
TOL = dict(rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", ["pearson", "concordance"])
def test_functions_match_keras(name):
    fn = getattr(metrics, f"{name}_correlation")
    got = fn(YT, YP)
    assert got.dtype == np.float32 and got.shape == (4,)
    np.testing.assert_allclose(got, M[f"{name}_fn"], **TOL)
    np.testing.assert_allclose(fn(YT, YP, axis=0), M[f"{name}_fn_axis0"], **TOL)


@pytest.mark.parametrize("cls", ["PearsonCorrelation", "ConcordanceCorrelation"])
def test_classes_match_keras(cls):
    m = getattr(metrics, cls)()
    m.update_state(YT[:2], YP[:2])
    m.update_state(YT[2:], YP[2:], sample_weight=SW[2:])
    assert m.result() == pytest.approx(M[cls], rel=1e-5)
    assert m._direction == "up"
    assert as_json_types(m.get_config()) == GOLD["configs"][cls]
    other = getattr(metrics, cls)(name="c", axis=0)
    assert as_json_types(other.get_config()) == GOLD["configs"][cls + "_axis0"]
    clone = getattr(metrics, cls).from_config(GOLD["configs"][cls + "_axis0"])
    assert clone.axis == 0 and clone.name == "c"
    m.reset_state()
    m.update_state(YT, YP)
    fn = getattr(metrics, cls.replace("Correlation", "").lower() + "_correlation")
    assert m.result() == pytest.approx(float(fn(YT, YP).mean()), rel=1e-5)


def test_perfect_and_anti_correlation():
    x = np.array([[1.0, 2.0, 4.0]], "float32")
    assert metrics.pearson_correlation(x, 3 * x + 1)[0] == pytest.approx(1.0, abs=1e-6)
    assert metrics.pearson_correlation(x, -x)[0] == pytest.approx(-1.0, abs=1e-6)
    assert metrics.concordance_correlation(x, x)[0] == pytest.approx(1.0, abs=1e-6)
    # shifted: still perfectly correlated, but not concordant
    assert metrics.concordance_correlation(x, x + 1)[0] == pytest.approx(2 * 14 / 9 / (28 / 9 + 1))


@pytest.mark.parametrize("name", sorted(M["functions"]))
def test_reexported_functions_are_keras(name):
    want = M["functions"][name]
    fn = getattr(metrics, name)
    assert fn.__name__ == want["name"]
    if want["is_loss"]:  # the same object as the loss function, as in Keras
        assert fn is getattr(losses, name)
    probs = np.array(M["probs"], "float32")
    onehot = np.eye(5, dtype="float32")[[0, 3, 1, 4]]
    labels = np.array([0, 3, 1, 4], "float32")
    if name == "sparse_categorical_crossentropy":
        args = (labels, probs)
    elif "categorical" in name or name == "kl_divergence":
        args = (onehot, probs)
    elif name in ("binary_crossentropy", "binary_focal_crossentropy"):
        args = ((YT > 0).astype("float32"), probs)
    elif name in ("poisson", "mean_squared_logarithmic_error"):
        args = (np.abs(YT), probs)
    else:
        args = (YT, YP)
    np.testing.assert_allclose(fn(*args), want["value"], rtol=1e-5, atol=1e-6)


def test_names_and_lookups():
    assert isinstance(metrics.get("pearson_correlation"), metrics.PearsonCorrelation)
    assert isinstance(metrics.get("ConcordanceCorrelation"), metrics.ConcordanceCorrelation)
    m = metrics.deserialize(metrics.serialize(metrics.PearsonCorrelation(axis=0)))
    assert isinstance(m, metrics.PearsonCorrelation) and m.axis == 0
    config = metrics.serialize(metrics.pearson_correlation)
    assert metrics.deserialize(config, as_function=True) is metrics.pearson_correlation
    wrapped = metrics.get(metrics.pearson_correlation)
    assert wrapped.name == "pearson_correlation"
    restored = metrics.deserialize(metrics.serialize(wrapped))
    restored.update_state(YT, YP)
    assert restored.result() == pytest.approx(float(metrics.pearson_correlation(YT, YP).mean()))


def test_compile_with_function_metrics_names_history_as_keras():
    model = Sequential([Input((5,)), Dense(5)])
    model.compile(
        optimizer="sgd",
        loss="mse",
        metrics=[
            metrics.mean_squared_error,
            metrics.pearson_correlation,
            metrics.PearsonCorrelation(),
            metrics.ConcordanceCorrelation(),
            metrics.log_cosh,
            metrics.kl_divergence,
        ],
    )
    hist = model.fit(YT, YP, epochs=1, verbose=0)
    assert sorted(hist.history) == M["history_keys"]
    assert all(np.isfinite(v[0]) for v in hist.history.values())

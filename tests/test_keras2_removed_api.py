"""Keras 2 API that Keras 3 dropped and classic scripts still use (ThresholdedReLU,
`losses.Reduction`), against tf_keras 2.21 (goldens from
scripts/goldens/make_keras2_removed_api.py)."""

import warnings

import numpy as np
import pytest

import numkeras

from .differential import assert_json_close, goldens

GOLD = goldens("keras2_removed_api")
X = np.array([[-1.0, 0.0, 0.5, 1.0, 1.5], [2.0, 0.99, 1.01, -0.5, 3.0]], "float32")


@pytest.mark.parametrize("theta", [1.0, 0.0, 0.5])
def test_thresholded_relu_matches_keras2(theta):
    want = GOLD[f"theta_{theta}"]
    layer = numkeras.layers.ThresholdedReLU(theta=theta)
    y, cache = layer.forward(X)
    grad = layer.backward(cache, np.tile(np.arange(1.0, 6.0, dtype="float32"), (2, 1)))
    # (the dtype numkeras writes as Keras 3's policy dict)
    config = {k: layer.get_config()[k] for k in ("theta", "trainable")}
    assert_json_close(y.tolist(), want["output"])
    assert_json_close(grad.tolist(), want["grad"])
    assert config == {k: want["config"][k] for k in ("theta", "trainable")}
    np.testing.assert_array_equal(layer(X), y)


def test_thresholded_relu_gradient_by_finite_differences():
    x = np.array([[-0.7, 0.4, 1.3, 2.2]])  # (away from the threshold's kink)
    layer = numkeras.layers.ThresholdedReLU(theta=0.5, dtype="float64")
    y, cache = layer.forward(x)
    g = np.array([[0.3, -1.2, 0.8, 2.0]])
    grad = layer.backward(cache, g)
    eps = 1e-6
    numeric = np.array(
        [
            [
                (np.sum(layer(x + eps * e) * g) - np.sum(layer(x - eps * e) * g)) / (2 * eps)
                for e in np.eye(4)[:, None, :]
            ]
        ]
    )
    np.testing.assert_allclose(grad, numeric[0].reshape(1, 4), atol=1e-6)


def test_keras2_model_with_thresholded_relu_loads_and_predicts():
    want = GOLD["model"]
    model = numkeras.models.model_from_json(want["json"])
    model.set_weights([np.asarray(w, "float32") for w in want["weights"]])
    assert_json_close(model.predict(X, verbose=0).tolist(), want["predict"])


def test_negative_theta_is_refused():
    with pytest.raises(ValueError, match="theta"):
        numkeras.layers.ThresholdedReLU(theta=-0.1)


@pytest.mark.parametrize("key", ["AUTO", "NONE", "SUM", "SUM_OVER_BATCH_SIZE"])
def test_reduction_names_give_keras2s_losses(key):
    want = GOLD["reductions"]
    y_true = np.array([[0.0, 1.0], [1.0, 1.0], [0.5, 0.0]], "float32")
    y_pred = np.array([[0.2, 0.7], [0.9, 0.1], [0.5, 0.4]], "float32")
    weights = np.array([1.0, 0.5, 2.0], "float32")
    reduction = getattr(numkeras.losses.Reduction, key)
    assert reduction == want["names"][key]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ("auto": the one note naming Keras 3's spelling)
        loss = numkeras.losses.MeanSquaredError(reduction=reduction)
    got = np.asarray(loss(y_true, y_pred, sample_weight=weights)).tolist()
    assert_json_close(got, want[key])


def test_reduction_validate():
    numkeras.losses.Reduction.validate("sum")
    with pytest.raises(ValueError, match="Invalid Reduction Key"):
        numkeras.losses.Reduction.validate("mean")

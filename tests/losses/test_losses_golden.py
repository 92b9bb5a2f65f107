"""Loss values and gradients against real Keras 3.15 (goldens from
scripts/goldens/make_losses_metrics.py, JAX autodiff for the gradients)."""

import json
import pathlib

import numpy as np
import pytest

from numkeras import losses

GOLDENS = pathlib.Path(__file__).resolve().parents[1] / "goldens"
LOSSES = json.loads((GOLDENS / "losses.json").read_text())
SHAPES = json.loads((GOLDENS / "losses_shapes.json").read_text())


def _case_id(case):
    kwargs = ",".join(f"{k}={v}" for k, v in case["kwargs"].items())
    return f"{case['loss']}({kwargs})-{case.get('data', '')}"


def _y_true(values, loss_name):
    arr = np.array(values)
    return arr.astype("int64") if loss_name == "SparseCategoricalCrossentropy" else arr


@pytest.mark.parametrize("case", LOSSES["cases"], ids=_case_id)
def test_values_every_reduction_match_keras(case):
    data = LOSSES["datasets"][case["data"]]
    y_true = _y_true(data["y_true"], case["loss"])
    y_pred = np.array(data["y_pred"], dtype="float32")
    sw = np.array(case["sample_weight"], dtype="float32")
    cls = getattr(losses, case["loss"])
    for reduction, pair in case["values"].items():
        for weight, expected in zip((None, sw), pair):
            got = cls(reduction=reduction, **case["kwargs"])(y_true, y_pred, sample_weight=weight)
            assert np.asarray(got).dtype == np.float32
            np.testing.assert_allclose(got, expected, rtol=2e-5, atol=2e-6, err_msg=reduction)


@pytest.mark.parametrize("case", LOSSES["cases"], ids=_case_id)
def test_value_and_grad_matches_keras_autodiff(case):
    data = LOSSES["datasets"][case["data"]]
    y_true = _y_true(data["y_true"], case["loss"])
    y_pred = np.array(data["y_pred"], dtype="float32")
    sw = np.array(case["sample_weight"], dtype="float32")
    loss = getattr(losses, case["loss"])(**case["kwargs"])
    for weight, expected_grad, expected_value in zip(
        (None, sw), case["grads"], case["values"]["sum_over_batch_size"]
    ):
        value, grad = loss.value_and_grad(y_true, y_pred, sample_weight=weight)
        assert grad.shape == y_pred.shape and grad.dtype == np.float32
        np.testing.assert_allclose(value, expected_value, rtol=2e-5, atol=2e-6)
        np.testing.assert_allclose(grad, expected_grad, rtol=1e-4, atol=1e-6)


def _shape_id(case):
    return f"{_case_id(case)}{np.shape(case['y_true'])}-{np.shape(case['y_pred'])}"


@pytest.mark.parametrize("case", SHAPES["cases"], ids=_shape_id)
def test_rank_adaptation_matches_keras(case):
    """(N,) vs (N,1), (N,T) vs (N,T,1), per-timestep losses, ignore_class."""
    y_true = _y_true(case["y_true"], case["loss"])
    y_pred = np.array(case["y_pred"], dtype="float32")
    sw = np.array(case["sample_weight"], dtype="float32")
    cls = getattr(losses, case["loss"])
    for reduction, pair in case["values"].items():
        for weight, expected in zip((None, sw), pair):
            got = cls(reduction=reduction, **case["kwargs"])(y_true, y_pred, sample_weight=weight)
            if expected is None:
                # Keras raises (per-sample weights on per-timestep values); we weight each
                # sample's timesteps, which is what the weights mean
                per_step = cls(reduction="none", **case["kwargs"])(y_true, y_pred)
                weighted = per_step * sw.reshape(-1, *([1] * (per_step.ndim - 1)))
                want = {
                    "none": weighted,
                    "sum": weighted.sum(),
                    "sum_over_batch_size": weighted.sum() / weighted.size,
                    "mean_with_sample_weight": weighted.sum() / sw.sum(),
                }[reduction]
                np.testing.assert_allclose(got, want, rtol=1e-6)
                continue
            assert np.shape(got) == np.shape(expected), reduction
            np.testing.assert_allclose(got, expected, rtol=2e-5, atol=2e-6, err_msg=reduction)
    loss = cls(**case["kwargs"])
    for weight, expected_grad in zip((None, sw), case["grads"]):
        _, grad = loss.value_and_grad(y_true, y_pred, sample_weight=weight)
        assert grad.shape == y_pred.shape
        np.testing.assert_allclose(grad, expected_grad, rtol=1e-4, atol=1e-6)

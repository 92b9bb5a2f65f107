"""Metric API: get, names, configs, reprs, accumulation rules and errors."""

import numpy as np
import pytest

from numkeras import metrics
from numkeras.errors import ConfigError, ShapeError


@pytest.mark.parametrize(
    "name,cls",
    [
        ("accuracy", metrics.Accuracy),
        ("acc", metrics.Accuracy),
        ("binary_accuracy", metrics.BinaryAccuracy),
        ("categorical_accuracy", metrics.CategoricalAccuracy),
        ("sparse_categorical_accuracy", metrics.SparseCategoricalAccuracy),
        ("top_k_categorical_accuracy", metrics.TopKCategoricalAccuracy),
        ("sparse_top_k_categorical_accuracy", metrics.SparseTopKCategoricalAccuracy),
        ("mse", metrics.MeanSquaredError),
        ("MSE", metrics.MeanSquaredError),
        ("mae", metrics.MeanAbsoluteError),
        ("mape", metrics.MeanAbsolutePercentageError),
        ("msle", metrics.MeanSquaredLogarithmicError),
        ("root_mean_squared_error", metrics.RootMeanSquaredError),
        ("AUC", metrics.AUC),
        ("auc", metrics.AUC),
        ("precision", metrics.Precision),
        ("Recall", metrics.Recall),
        ("bce", metrics.BinaryCrossentropy),
        ("kl_divergence", metrics.KLDivergence),
    ],
)
def test_get_by_name(name, cls):
    assert type(metrics.get(name)) is cls


def test_get_other_identifiers_and_errors():
    m = metrics.Precision()
    assert metrics.get(m) is m
    assert type(metrics.get(metrics.Recall)) is metrics.Recall
    assert (
        metrics.get({"class_name": "BinaryAccuracy", "config": {"threshold": 0.7}}).threshold == 0.7
    )
    with pytest.raises(ConfigError, match="Did you mean 'accuracy'"):
        metrics.get("acuracy")
    with pytest.raises(ConfigError, match="resolve"):
        metrics.get("crossentropy")
    with pytest.raises(ConfigError, match="Could not interpret"):
        metrics.get(3.5)


def test_auto_names_are_unique_like_keras():
    first, second = metrics.Precision(), metrics.Precision()
    assert first.name.startswith("precision") and second.name != first.name
    assert metrics.BinaryAccuracy().name == "binary_accuracy"  # fixed default names


def test_accumulation_is_the_weighted_mean_over_all_samples():
    m = metrics.MeanSquaredError()
    m.update_state([[0.0], [0.0]], [[1.0], [3.0]], sample_weight=[1.0, 0.0])
    m.update_state([[0.0]], [[2.0]], sample_weight=[3.0])
    assert m.result() == pytest.approx((1 + 3 * 4) / 4)
    assert m([[0.0]], [[0.0]]) == pytest.approx(13 / 5)  # __call__ updates, then returns result
    m.reset_state()
    assert m.result() == 0.0


def test_mean_reduces_trailing_axes_before_weighting():
    m = metrics.Mean()
    m.update_state(np.array([[1.0, 3.0], [5.0, 7.0]]), sample_weight=[1.0, 3.0])
    assert m.result() == pytest.approx((2 + 3 * 6) / 4)


def test_sample_weight_mismatch_raises():
    with pytest.raises(ShapeError, match="sample_weight"):
        metrics.Mean().update_state([1.0, 2.0, 3.0], sample_weight=[1.0, 2.0])


def test_binary_accuracy_compares_targets_exactly():
    # smoothed "real" labels (0.9, as in the classic GAN) never match, exactly as in Keras
    assert metrics.BinaryAccuracy()([[0.9], [0.0]], [[0.99], [0.1]]) == 0.5


def test_accuracy_metrics_reject_the_wrong_target_encoding():
    with pytest.raises(ShapeError, match="sparse_"):
        metrics.CategoricalAccuracy().update_state([0, 2], np.eye(3)[[0, 2]])
    with pytest.raises(ShapeError, match="one-hot"):
        metrics.SparseCategoricalAccuracy().update_state(np.eye(3)[[0, 2]], np.eye(3)[[0, 2]])
    with pytest.raises(ShapeError, match=r"\[0, 2\]"):
        metrics.SparseTopKCategoricalAccuracy(k=1).update_state([0, 3], np.eye(3)[[0, 2]])
    with pytest.raises(ShapeError):
        metrics.BinaryAccuracy().update_state(np.zeros((4, 2)), np.zeros((4, 3)))


def test_top_k_ties_and_nan():
    pred = np.array([[0.5, 0.5, 0.1], [np.nan, 0.2, 0.1]], "float32")
    assert metrics.sparse_top_k_categorical_accuracy([1, 0], pred, k=1).tolist() == [1.0, 0.0]
    sorted_ids = np.array([[2, 0, 1], [1, 2, 0]], "float32")
    got = metrics.sparse_top_k_categorical_accuracy([0, 0], sorted_ids, k=2, from_sorted_ids=True)
    assert got.tolist() == [1.0, 0.0]


def test_multi_threshold_results_are_float32_arrays():
    r = metrics.Recall(thresholds=[0.3, 0.6])([1, 1, 0], [0.4, 0.9, 0.7])
    assert r.dtype == np.float32 and r.tolist() == [1.0, 0.5]


def test_auc_validation_and_config():
    with pytest.raises(ConfigError, match="num_thresholds"):
        metrics.AUC(num_thresholds=1)
    with pytest.raises(ConfigError, match="curve"):
        metrics.AUC(curve="XY")
    with pytest.raises(ConfigError, match="num_labels"):
        metrics.AUC(num_labels=3)
    with pytest.raises(ShapeError, match="rank 2"):
        metrics.AUC(multi_label=True).update_state(np.zeros(4), np.zeros(4))
    auc = metrics.AUC(thresholds=[0.25, 0.5], curve="pr")
    config = auc.get_config()
    assert config["curve"] == "PR" and config["thresholds"] == [0.25, 0.5]
    assert metrics.AUC.from_config(config).get_config() == config


def test_auc_perfect_and_random_ranking():
    y = np.array([0, 0, 1, 1])
    assert metrics.AUC()(y, np.array([0.1, 0.2, 0.8, 0.9])) == pytest.approx(1.0, abs=1e-6)
    assert metrics.AUC()(y, np.array([0.5, 0.5, 0.5, 0.5])) == pytest.approx(0.5, abs=1e-6)


def test_configs_repr_and_round_trip():
    acc = metrics.BinaryAccuracy(name="acc", threshold=0.7)
    assert acc.get_config() == {"name": "acc", "dtype": "float32", "threshold": 0.7}
    assert repr(acc) == "BinaryAccuracy(name='acc', threshold=0.7)"
    assert repr(metrics.MeanSquaredError()) == "MeanSquaredError()"
    wrapper = metrics.MeanMetricWrapper(metrics.binary_accuracy, name="b", threshold=0.2)
    assert repr(wrapper) == "MeanMetricWrapper(binary_accuracy, name='b', threshold=0.2)"
    again = metrics.deserialize(metrics.serialize(wrapper))
    assert again._fn is metrics.binary_accuracy and again._fn_kwargs == {"threshold": 0.2}
    for m in (
        metrics.Precision(thresholds=[0.2, 0.4], name="p"),
        metrics.TopKCategoricalAccuracy(3),
    ):
        assert type(m).from_config(m.get_config()).get_config() == m.get_config()
    assert metrics.serialize(metrics.AUC(name="auc"))["module"] == "keras.metrics"


def test_metric_results_are_python_floats():
    m = metrics.SparseCategoricalAccuracy()
    m.update_state(np.array([1, 0]), np.array([[0.2, 0.8], [0.3, 0.7]], "float32"))
    assert type(m.result()) is float and m.result() == 0.5

"""F1Score, FBetaScore, R2Score, the IoU family and the at-precision/recall family against
real Keras 3.15 (goldens from scripts/goldens/make_more_metrics_losses.py): results after
each of three batches with and without sample weights, configs and variables; plus
registry, serialization, argument checks and compile."""

import json
import pathlib
import warnings

import numpy as np
import pytest

import numkeras
from numkeras import layers, metrics
from numkeras.errors import ConfigError, NumkerasWarning, ShapeError

GOLDENS = json.loads(
    (
        pathlib.Path(__file__).resolve().parents[1] / "goldens" / "metrics_losses_more.json"
    ).read_text()
)
CASES = GOLDENS["metrics"]
DATA = GOLDENS["data"]


def _id(case):
    kwargs = ",".join(f"{k}={v}" for k, v in case["kwargs"].items())
    return f"{case['metric']}({kwargs})-{case['data']}"


def _batch(batch):
    return (
        np.array(batch["y_true"]),
        np.array(batch["y_pred"], "float32"),
        np.array(batch["sample_weight"], "float32"),
    )


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_accumulated_results_match_keras(case):
    for weighted, expected_run in zip((False, True), case["results"]):
        m = getattr(metrics, case["metric"])(**case["kwargs"])
        for batch, expected in zip(DATA[case["data"]], expected_run):
            y_true, y_pred, sw = _batch(batch)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", NumkerasWarning)  # R2's adjusted fallback
                m.update_state(y_true, y_pred, sample_weight=sw if weighted else None)
                got = m.result()
            assert np.shape(got) == np.shape(expected)
            np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
        m.reset_state()
        assert all(not np.any(v.numpy()) for v in m.variables)


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_config_and_variables_match_keras(case):
    m = getattr(metrics, case["metric"])(**case["kwargs"])
    config, expected = m.get_config(), dict(case["config"])
    assert list(config) == list(expected)  # Keras's keys, in Keras's order
    config.pop("name"), expected.pop("name")  # auto names get a counter suffix
    assert config == expected
    y_true, y_pred, _ = _batch(DATA[case["data"]][0])
    m.update_state(y_true, y_pred)
    assert [[v.name, list(v.shape)] for v in m.variables] == case["variables"]
    assert all(v.path == f"{m.name}/{v.name}" and not v.trainable for v in m.variables)


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_serialize_round_trip_keeps_the_results(case):
    m = getattr(metrics, case["metric"])(**case["kwargs"])
    config = json.loads(json.dumps(metrics.serialize(m)))
    assert config["module"] == "keras.metrics" and config["class_name"] == case["metric"]
    again = metrics.deserialize(config)
    assert type(again) is type(m) and again.get_config() == m.get_config()
    y_true, y_pred, _ = _batch(DATA[case["data"]][0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NumkerasWarning)
        np.testing.assert_allclose(again(y_true, y_pred), case["results"][0][0], rtol=1e-5)


def test_default_names_and_dtypes_as_keras():
    expected = {
        metrics.F1Score(): ("f1_score", "float32"),
        metrics.FBetaScore(): ("fbeta_score", "float32"),
        metrics.R2Score(): ("r2_score", "float32"),
        metrics.PrecisionAtRecall(0.5): ("precision_at_recall", "float32"),
        metrics.RecallAtPrecision(0.5): ("recall_at_precision", "float32"),
        metrics.SensitivityAtSpecificity(0.5): ("sensitivity_at_specificity", "float32"),
        metrics.SpecificityAtSensitivity(0.5): ("specificity_at_sensitivity", "float32"),
        metrics.IoU(3, [0]): ("io_u", "int32"),
        metrics.BinaryIoU(): ("binary_io_u", "int32"),
        metrics.MeanIoU(3): ("mean_io_u", "int32"),
        metrics.OneHotIoU(3, [1]): ("one_hot_io_u", "int32"),
        metrics.OneHotMeanIoU(3): ("one_hot_mean_io_u", "int32"),
    }
    for m, (name, dtype) in expected.items():
        assert m.name.startswith(name) and m.dtype == dtype
    cm = metrics.MeanIoU(3).variables[0]
    assert (cm.name, cm.shape, cm.dtype) == ("total_confusion_matrix", (3, 3), "int32")
    assert [v.name for v in metrics.PrecisionAtRecall(0.5, num_thresholds=7).variables] == [
        "true_positives",
        "false_positives",
        "true_negatives",
        "false_negatives",
    ]
    # F-scores and R2 make their per-class variables on the first batch, as Keras
    assert metrics.F1Score().variables == []
    assert [v.name for v in metrics.R2Score().variables] == ["num_samples"]
    assert metrics.F1Score().result() == 0.0  # (Keras fails there)


@pytest.mark.parametrize(
    "name,cls",
    [
        ("f1_score", metrics.F1Score),
        ("F1Score", metrics.F1Score),
        ("f_beta_score", metrics.FBetaScore),
        ("FBetaScore", metrics.FBetaScore),
        ("r2_score", metrics.R2Score),
        ("R2Score", metrics.R2Score),
    ],
)
def test_registered_by_name(name, cls):
    assert type(metrics.get(name)) is cls


@pytest.mark.parametrize(
    "name,needs",
    [
        ("mean_io_u", "num_classes"),
        ("IoU", "num_classes, target_class_ids"),
        ("one_hot_mean_io_u", "num_classes"),
        ("precision_at_recall", "recall"),
        ("SpecificityAtSensitivity", "sensitivity"),
    ],
)
def test_metrics_with_required_arguments_say_so_by_name(name, needs):
    with pytest.raises(ConfigError, match=f"needs arguments \\({needs}\\).*instance"):
        metrics.get(name)


def test_argument_checks():
    for kwargs in ({"average": "samples"}, {"beta": 0.0}, {"threshold": 1.5}, {"beta": "2"}):
        with pytest.raises(ConfigError):
            metrics.FBetaScore(**kwargs)
    with pytest.raises(ConfigError, match="class_aggregation"):
        metrics.R2Score(class_aggregation="mean")
    with pytest.raises(ConfigError, match="num_regressors"):
        metrics.R2Score(num_regressors=-1)
    with pytest.raises(ConfigError, match="out of range"):
        metrics.IoU(num_classes=3, target_class_ids=[0, 3])
    with pytest.raises(ConfigError, match="range"):
        metrics.PrecisionAtRecall(recall=1.5)
    with pytest.raises(ConfigError, match="num_thresholds"):
        metrics.RecallAtPrecision(precision=0.5, num_thresholds=0)


def test_shape_checks():
    with pytest.raises(ShapeError, match="2D inputs"):
        metrics.F1Score().update_state(np.zeros((2, 3, 4)), np.zeros((2, 3, 4)))
    with pytest.raises(ShapeError, match="one weight per sample"):
        metrics.F1Score().update_state(np.eye(3), np.eye(3), sample_weight=np.ones((3, 3)))
    with pytest.raises(ShapeError, match="2D inputs"):
        metrics.R2Score().update_state([1.0, 2.0], [1.0, 2.5])  # Keras needs (N, outputs) too
    with pytest.raises(ShapeError, match="labels"):
        metrics.MeanIoU(3).update_state([0, 1, 2], [0, 1])
    with pytest.raises(ShapeError, match="one weight per element"):
        metrics.MeanIoU(3).update_state([[0, 1], [2, 0]], [[0, 1], [2, 2]], sample_weight=[1, 2])


def test_fractional_weights_in_an_int_iou_are_truncated_with_a_warning():
    m = metrics.MeanIoU(2)
    with pytest.warns(NumkerasWarning, match="truncated"):
        m.update_state([0, 1], [0, 1], sample_weight=np.array([0.5, 1.5]))
    assert m.total_cm.numpy().tolist() == [[0, 0], [0, 1]]  # as Keras's int32 matrix
    f = metrics.MeanIoU(2, dtype="float32")
    f.update_state([0, 1], [0, 1], sample_weight=np.array([0.5, 1.5]))
    assert f.total_cm.numpy().tolist() == [[0.5, 0.0], [0.0, 1.5]]


def test_r2_adjusted_falls_back_with_a_warning_when_too_few_samples():
    m = metrics.R2Score(num_regressors=5)
    y = np.array([[1.0], [2.0], [4.0]])
    with pytest.warns(NumkerasWarning, match="More independent predictors"):
        value = m(y, y + 0.5)
    np.testing.assert_allclose(value, metrics.R2Score()(y, y + 0.5))


def test_compile_by_name_and_instance_in_fit_and_evaluate():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3)).astype("float32")
    y = np.eye(2, dtype="float32")[(x[:, 0] > 0).astype(int)]
    model = numkeras.Sequential([layers.Input((3,)), layers.Dense(2, activation="softmax")])
    model.compile(
        optimizer="sgd",
        loss="categorical_crossentropy",
        metrics=[
            metrics.F1Score(average="weighted"),
            "r2_score",
            metrics.OneHotIoU(num_classes=2, target_class_ids=[1]),
            metrics.PrecisionAtRecall(0.5, class_id=1),
            metrics.SensitivityAtSpecificity(0.5, num_thresholds=50),
        ],
    )
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    for key in (
        "f1_score",
        "r2_score",
        "one_hot_io_u",
        "precision_at_recall",
        "sensitivity_at_specificity",
    ):
        assert any(k.startswith(key) for k in history.history), key
    logs = model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)
    pred = model.predict(x, verbose=0)
    r2 = metrics.R2Score()
    r2.update_state(y, pred)
    np.testing.assert_allclose(logs["r2_score"], r2.result(), rtol=1e-5)

"""compile's metric resolution: Keras 3's 'accuracy'/'acc' table, names, and our deviations."""

import json
import pathlib

import numpy as np
import pytest

from numkeras import losses, metrics

RESOLVE = json.loads(
    (pathlib.Path(__file__).resolve().parents[1] / "goldens" / "metrics_resolve.json").read_text()
)
METRIC_ROWS = [r for r in RESOLVE["rows"] if r["kind"] == "metric"]


@pytest.mark.parametrize("row", METRIC_ROWS, ids=lambda r: str(r)[:90])
@pytest.mark.parametrize("loss", [None, "binary_crossentropy", "categorical_crossentropy"])
def test_resolution_table_matches_keras(row, loss):
    """Keras 3 decides from the shapes only, whatever the loss; so do we."""
    m = metrics.resolve(
        row["identifier"], losses.to_loss(loss), row["y_true_shape"], row["y_pred_shape"]
    )
    assert type(m).__name__ == row["class_name"]
    assert m.name == row["name"]  # History key: 'accuracy', 'acc', 'mse', 'AUC' as written


def test_resolved_accuracy_accumulates_under_the_users_name():
    m = metrics.resolve("acc", None, (4,), (4, 3))
    m.update_state([0, 1, 2, 1], np.eye(3)[[0, 1, 1, 1]])
    m.update_state([2, 2], np.eye(3)[[2, 0]])
    assert m.name == "acc" and m.result() == pytest.approx(4 / 6)


def test_rank1_predictions_resolve_to_binary_accuracy():
    # Keras's rule would read the batch axis as classes (argmax across samples)
    m = metrics.resolve("accuracy", None, (6,), (6,))
    assert isinstance(m, metrics.BinaryAccuracy)
    assert m([1, 0, 1, 1, 0, 0], [0.9, 0.2, 0.4, 0.7, 0.6, 0.1]) == pytest.approx(4 / 6)


def test_from_logits_loss_moves_the_binary_threshold_to_zero():
    loss = losses.BinaryCrossentropy(from_logits=True)
    m = metrics.resolve("accuracy", loss, (4, 1), (4, 1))
    assert isinstance(m, metrics.BinaryAccuracy) and m.threshold == 0.0
    assert m([[1], [0], [1], [0]], [[0.3], [-0.2], [-1.0], [2.0]]) == 0.5
    assert metrics.resolve("accuracy", losses.to_loss("bce"), (4, 1), (4, 1)).threshold == 0.5


@pytest.mark.parametrize(
    "true_shape,pred_shape,cls",
    [
        ((8, 1), (8, 1), metrics.BinaryCrossentropy),
        ((8,), (8, 5), metrics.SparseCategoricalCrossentropy),
        ((8, 5), (8, 5), metrics.CategoricalCrossentropy),
    ],
)
def test_crossentropy_metric(true_shape, pred_shape, cls):
    m = metrics.resolve("ce", losses.to_loss("crossentropy"), true_shape, pred_shape)
    assert type(m) is cls and m.name == "ce"
    logits = metrics.resolve(
        "crossentropy", losses.BinaryCrossentropy(from_logits=True), (2, 1), (2, 1)
    )
    assert logits.from_logits


def test_other_identifiers():
    assert metrics.resolve("mse", None, (4, 1), (4, 1)).name == "mse"
    auc = metrics.AUC(name="my_auc")
    assert metrics.resolve(auc, None, (4, 1), (4, 1)) is auc

    def hits(y_true, y_pred):
        return (np.abs(y_true - y_pred) < 0.5).astype("float32").mean(-1)

    m = metrics.resolve(hits, None, (2, 1), (2, 1))
    assert isinstance(m, metrics.MeanMetricWrapper) and m.name == "hits"
    assert m([[1.0], [0.0]], [[0.9], [0.9]]) == 0.5
    wrapped = metrics.resolve(metrics.binary_accuracy, None, (2, 1), (2, 1))
    assert wrapped.name == "binary_accuracy"


def test_serialize_keeps_a_metrics_settings_and_a_function_stays_a_function():
    """As Keras's compile_config: objects in full, functions by name (Keras 3.15's output)."""
    config = metrics.serialize(metrics.BinaryAccuracy(threshold=0.0))
    assert config == {
        "module": "keras.metrics",
        "class_name": "BinaryAccuracy",
        "config": {"name": "binary_accuracy", "dtype": "float32", "threshold": 0.0},
        "registered_name": None,
    }
    assert metrics.deserialize(config).threshold == 0.0
    fn_config = metrics.serialize(metrics.binary_accuracy)
    assert fn_config == {
        "module": "builtins",
        "class_name": "function",
        "config": "binary_accuracy",
        "registered_name": "function",
    }
    assert metrics.deserialize(fn_config, as_function=True) is metrics.binary_accuracy
    assert metrics.deserialize(fn_config).name == "binary_accuracy"  # wrapped, as before

"""A metric that fails on a batch fails the step before the update (as in Keras 3, whose
step computes the metrics before it commits anything): the weights, the optimizer's
iterations and the other metrics' state are left as they were."""

from __future__ import annotations

import numpy as np
import pytest

from numkeras import layers, models


def _model():
    model = models.Sequential([layers.Input(shape=(4,)), layers.Dense(3, activation="softmax")])
    # "mae" compares (8, 3) predictions with (8,) class ids: it cannot run
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["mae"])
    return model


@pytest.mark.parametrize("call", ["fit", "train_on_batch"])
def test_a_failing_metric_changes_no_weight(call):
    model = _model()
    x, y = np.ones((8, 4), "float32"), np.arange(8) % 3
    before = model.get_weights()
    with pytest.raises(ValueError):
        if call == "fit":
            model.fit(x, y, verbose=0)
        else:
            model.train_on_batch(x, y)
    assert int(model.optimizer.iterations.numpy()) == 0
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_metrics_still_see_the_predictions_before_the_update():
    model = models.Sequential([layers.Input(shape=(2,)), layers.Dense(1)])
    model.compile("sgd", "mse", metrics=["mae"])
    x, y = np.array([[1.0, 2.0]], "float32"), np.array([[10.0]], "float32")
    before = model.predict(x, verbose=0)
    logs = model.train_on_batch(x, y, return_dict=True)
    assert logs["mae"] == pytest.approx(float(np.abs(before - y).mean()), rel=1e-6)
    assert logs["loss"] == pytest.approx(float(((before - y) ** 2).mean()), rel=1e-6)

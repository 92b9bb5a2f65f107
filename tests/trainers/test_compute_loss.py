"""`compute_loss` and `compute_metrics`, with the values Keras 3.15 gives for the same model
(an activity and a weight regularizer included)."""

import numpy as np
import pytest

from numkeras.errors import NotCompiledError, ShapeError
from numkeras.layers import Dense, Input
from numkeras.models import Model, Sequential


def _model():
    model = Sequential(
        [
            Input((3,)),
            Dense(2, activity_regularizer="l2", kernel_regularizer="l1", kernel_initializer="ones"),
        ]
    )
    model.compile("sgd", "mse", metrics=["mae"])
    return model


def test_compute_loss_and_metrics_as_keras():
    model = _model()
    x = np.arange(12, dtype="float32").reshape(4, 3) / 10
    y = np.ones((4, 2), "float32")
    y_pred = model(x)  # records the activity penalty, which model.losses then holds
    # Keras 3.15: 1.5696998834609985 and, with sample weights, 1.8621999025344849
    assert float(model.compute_loss(x, y, y_pred)) == pytest.approx(1.5696999, rel=1e-6)
    weighted = model.compute_loss(x, y, y_pred, sample_weight=np.array([1.0, 0.0, 2.0, 1.0]))
    assert float(weighted) == pytest.approx(1.8621999, rel=1e-6)
    assert model.compute_loss(x, y) == model.compute_loss(x, y, y_pred)  # y_pred from x
    assert model.compute_metrics(x, y, y_pred)["mae"] == pytest.approx(1.0)


def test_multi_output_predictions_by_name_and_errors():
    i = Input((2,))
    model = Model(i, {"a": Dense(1, name="a")(i), "b": Dense(1, name="b")(i)})
    model.compile("sgd", loss={"a": "mse", "b": "mae"})
    y = {"a": np.ones((3, 1)), "b": np.zeros((3, 1))}
    pred = {"a": np.zeros((3, 1)), "b": np.full((3, 1), 2.0)}
    assert float(model.compute_loss(y=y, y_pred=pred)) == pytest.approx(1.0 + 2.0)
    with pytest.raises(ShapeError, match="lacks"):
        model.compute_loss(y=y, y_pred={"a": pred["a"]})
    with pytest.raises(NotCompiledError):
        Sequential([Input((2,)), Dense(1)]).compute_loss(y=np.ones((1, 1)), y_pred=np.ones((1, 1)))

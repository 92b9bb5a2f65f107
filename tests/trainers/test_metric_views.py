"""`model.metrics` lists what Keras 3.15 lists (the loss tracker, `compile_metrics`, one
tracker per output loss), as live views of the logged values."""

import numpy as np
import pytest

from numkeras.layers import Dense, Input
from numkeras.models import Model, Sequential


def test_metrics_before_and_after_compile_and_their_values():
    model = Sequential([Input((3,)), Dense(2)])
    assert model.metrics == []
    model.compile("sgd", "mse", metrics=["mae", "acc"])
    assert [m.name for m in model.metrics] == ["loss", "compile_metrics"]
    x, y = np.ones((4, 3), "float32"), np.ones((4, 2), "float32")
    logs = model.train_on_batch(x, y, return_dict=True)
    loss, compiled = model.metrics
    assert float(loss.result()) == pytest.approx(logs["loss"])
    assert {k: float(v) for k, v in compiled.result().items()} == pytest.approx(
        {"mae": logs["mae"], "acc": logs["acc"]}
    )
    assert [m.name for m in compiled.metrics] == ["mae", "acc"]
    for m in model.metrics:
        m.reset_state()
    assert float(model.metrics[0].result()) == 0.0
    assert float(compiled.metrics[0].result()) == 0.0
    compiled.update_state(y, np.zeros((4, 2)))
    assert float(compiled.result()["mae"]) == pytest.approx(1.0)


def test_one_tracker_per_output_loss():
    i = Input((2,))
    model = Model(i, [Dense(1, name="a")(i), Dense(1, name="b")(i)])
    model.compile("sgd", loss=["mse", "mae"])
    names = [m.name for m in model.metrics]
    assert names == ["loss", "a_loss", "b_loss"]  # no compile_metrics without metrics
    logs = model.train_on_batch(
        np.ones((3, 2)), [np.ones((3, 1)), np.zeros((3, 1))], return_dict=True
    )
    for m in model.metrics:
        assert float(m.result()) == pytest.approx(logs[m.name], rel=1e-6)

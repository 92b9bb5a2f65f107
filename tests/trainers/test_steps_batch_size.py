"""With `steps` (or `steps_per_epoch`, `validation_steps`) and no batch size, Keras 3 sizes
array batches so the steps cover the data once: `ceil(rows / steps)` (goldens from Keras 3
on TensorFlow: scripts/goldens/make_api.py)."""

import json
from pathlib import Path

import numpy as np
import pytest

from numkeras.layers import Dense, Input
from numkeras.models import Sequential

GOLDEN = json.loads((Path(__file__).parents[1] / "goldens" / "api.json").read_text())
X, Y = np.zeros((50, 3), "float32"), np.zeros((50, 2), "float32")
VAL = (np.zeros((21, 3), "float32"), np.zeros((21, 2), "float32"))


def _spied_model():
    """A model that records ["train" | "test", rows] for each batch it runs."""
    model = Sequential([Input((3,)), Dense(2)])
    model.compile("sgd", "mse")
    seen = []
    run = model._run
    depth = [0]  # (a graph model's _run can call itself: count the outer call only)

    def spy(xs, *args, **kwargs):
        training = args[0] if args else kwargs.get("training")
        if depth[0] == 0 and training:
            seen.append(["train", len(xs[0])])
        depth[0] += 1
        try:
            return run(xs, *args, **kwargs)
        finally:
            depth[0] -= 1

    # (an evaluation batch is seen where it is scored: its outputs may come from a product
    # over several batches, `Trainer._ahead_outputs`)
    test_batch = model._test_batch

    def spy_test(bx, *args, **kwargs):
        seen.append(["test", len(bx[0])])
        return test_batch(bx, *args, **kwargs)

    model._run, model._test_batch = spy, spy_test
    return model, seen


@pytest.mark.parametrize(
    "key, call",
    [
        ("fit_steps", lambda m: m.fit(X, Y, epochs=2, steps_per_epoch=3, verbose=0)),
        ("evaluate_steps", lambda m: m.evaluate(X, Y, steps=4, verbose=0)),
        (
            "fit_validation_steps",
            lambda m: m.fit(
                X, Y, steps_per_epoch=2, validation_data=VAL, validation_steps=2, verbose=0
            ),
        ),
        (
            "fit_validation_batch",
            lambda m: m.fit(
                X, Y, batch_size=16, validation_data=VAL, validation_steps=2, verbose=0
            ),
        ),
    ],
)
def test_batches_sized_from_steps_as_keras(key, call):
    model, seen = _spied_model()
    call(model)
    assert seen == GOLDEN["batch_sizes"][key]

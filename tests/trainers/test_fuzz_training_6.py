"""What the sixth pass of the training fuzzers (scripts/fuzz/fuzz_training.py seeds from 539
on, with `draw_sixth`) found numkeras doing differently from Keras 3, as minimal scenarios
(goldens from scripts/goldens/make_fuzz_training_6.py)."""

import json

import numpy as np
import pytest

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("fuzz_training_6")
SCRIPT = scenario_script("make_fuzz_training_6")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_fuzz_training_6_matches_keras(name):
    numkeras.utils.clear_session()
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert_json_close(got, GOLD[name], rtol=1e-4, atol=1e-5, where=name)


def test_a_user_metric_class_states_its_direction():
    # a user's Metric subclass says which way is better as Keras's do, by `_direction`
    class Gain(numkeras.metrics.MeanMetricWrapper):
        _direction = "up"

        def __init__(self, name):
            super().__init__(lambda y_true, y_pred: y_pred[:, 0] - y_true[:, 0], name=name)

    model = SCRIPT._model(numkeras, "regression", Gain(name="loss_like"))
    stop = numkeras.callbacks.EarlyStopping(monitor="loss_like", patience=0)
    model.fit(SCRIPT.X, SCRIPT.TARGETS["regression"], epochs=1, verbose=0, callbacks=[stop])
    assert stop.monitor_op.__name__ == "greater"  # (its name alone would say "less")


@pytest.mark.parametrize("class_id", [1, -2])
def test_a_class_id_past_the_classes_is_refused(class_id):
    # Keras on JAX clamps the index and silently scores the last class; numkeras says so
    metric = numkeras.metrics.Recall(class_id=class_id)
    y_true = SCRIPT.TARGETS["binary"][:, :1]
    with pytest.raises(IndexError, match="class_id"):
        metric.update_state(y_true, np.full((12, 1), 0.7, "float32"))
    assert float(metric.result()) == 0.0  # (nothing counted)
    numkeras.metrics.Recall(class_id=0).update_state(y_true, np.full((12, 1), 0.7, "float32"))

"""`get_state_tree` / `set_state_tree`, `metrics_variables` and `build_from_config` against
Keras 3 (tests/goldens/state_tree.json, written by scripts/goldens/make_state_tree.py)."""

import json

import numpy as np
import pytest

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("state_tree")
SCRIPT = scenario_script("make_state_tree")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_scenario_matches_keras(name):
    numkeras.backend.clear_session(free_memory=False)
    assert_json_close(json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras))), GOLD[name])


def test_the_default_format_gives_the_variables_own_arrays():
    model = numkeras.Sequential([numkeras.Input((2,)), numkeras.layers.Dense(1, name="d")])
    tree = model.get_state_tree()
    assert tree["trainable_variables"]["sequential"]["d"]["kernel"] is model.weights[0].value
    assert tree["optimizer_variables"] == {} and tree["metrics_variables"] == {}
    with pytest.raises(ValueError, match="value_format"):
        model.get_state_tree(value_format="lists")
    with pytest.raises(ValueError, match="Unknown variable name"):
        model.set_state_tree({"weights": {}})


def test_the_loss_trackers_state_can_be_set():
    """`set_state_tree` reaches the running loss the logs report."""
    model = numkeras.Sequential([numkeras.Input((2,)), numkeras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.evaluate(np.ones((4, 2)), np.zeros((4, 1)), verbose=0)
    model.set_state_tree({"metrics_variables": {"loss": {"total": 6.0, "count": 4.0}}})
    assert float(model.metrics[0].result()) == pytest.approx(1.5)
    assert [float(v.numpy()) for v in model.metrics_variables] == [6.0, 4.0]

"""What the misuse fuzzer's sixth menu (scripts/fuzz/fuzz_errors.py, seeds 48 on) found
numkeras doing differently from Keras 3, as minimal scenarios (goldens from
scripts/goldens/make_fuzz_errors_4.py)."""

import json

import pytest

import numkeras

from ..differential import goldens, scenario_script

GOLD = goldens("fuzz_errors_4")
SCRIPT = scenario_script("make_fuzz_errors_4")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_fuzz_errors_4_match_keras(name):
    numkeras.utils.clear_session()
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert got == GOLD[name], name


def test_refused_weighted_metrics_leave_the_compile_as_it_was():
    model = numkeras.Sequential([numkeras.Input((4,)), numkeras.layers.Dense(3)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    with pytest.raises(ValueError, match="weighted_metrics` must be a list"):
        model.compile(optimizer="adam", loss="mae", weighted_metrics="mae")
    assert model.loss == "mse" and type(model.optimizer).__name__ == "SGD"

"""What the model and saving fuzzers (scripts/fuzz/) found in session 28 (fuzz_models seeds
566-600, fuzz_saving 563-590), as minimal scenarios (goldens from
scripts/goldens/make_fuzz_found_s28a.py, written with real Keras 3 and, for a documented
difference, Keras 2)."""

import json

import pytest

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("fuzz_found_s28a")
SCRIPT = scenario_script("make_fuzz_found_s28a")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS) + sorted(SCRIPT.KERAS2_SCENARIOS))
def test_fuzz_found_s28a_matches_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    fn = {**SCRIPT.SCENARIOS, **SCRIPT.KERAS2_SCENARIOS}[name]
    got = json.loads(json.dumps(fn(numkeras)))  # (as the goldens)
    assert_json_close(got, GOLD[name], rtol=1e-4, atol=1e-5, where=name)


def test_integer_output_metric_agrees_with_its_loss():
    """The "mae" metric of integer predictions is the "mae" loss (README: Keras 3's metric
    scores targets truncated to the predictions' integers)."""
    logs = SCRIPT._logs(numkeras)
    assert logs["mae"] == pytest.approx(logs["loss"], rel=1e-6)

"""What the model, saving and interop fuzzers (scripts/fuzz/) found numkeras doing
differently from Keras 3 on seeds 536-545 and 2021-2026, as minimal scenarios (goldens from
scripts/goldens/make_fuzz_found_6.py, written with real Keras 3)."""

import json

import pytest

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("fuzz_found_6")
SCRIPT = scenario_script("make_fuzz_found_6")
# (float16 layers: Keras rounds after each operation, numkeras once a layer)
TOLERANCES = {"spectral_normalization_half_policies": (2e-3, 2e-3)}


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_fuzz_found_6_matches_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    rtol, atol = TOLERANCES.get(name, (1e-4, 1e-5))
    assert_json_close(got, GOLD[name], rtol=rtol, atol=atol, where=name)

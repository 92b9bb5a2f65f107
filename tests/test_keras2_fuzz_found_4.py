"""What scripts/fuzz/fuzz_keras2.py and fuzz_keras2_idioms.py found numkeras doing
differently from tf_keras 2.21 (real Keras 2) on classic Keras 2 scripts (seeds 521 and
up), against the goldens of scripts/goldens/make_keras2_fuzz_found_4.py."""

import warnings

import pytest

import numkeras

from .differential import assert_json_close, goldens, scenario_script

GOLD = goldens("keras2_fuzz_found_4")
SCRIPT = scenario_script("make_keras2_fuzz_found_4")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_matches_keras2(name):
    numkeras.utils.clear_session()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = SCRIPT.SCENARIOS[name](numkeras)
    assert_json_close(got, GOLD[name], rtol=1e-5, atol=1e-6, where=name)

"""What the ops fuzzer's fifth menu (scripts/fuzz/fuzz_ops.py, seeds 500 on) found numkeras
doing differently from Keras 3's `keras.ops`, as minimal scenarios (goldens from
scripts/goldens/make_fuzz_ops_2.py)."""

import json

import pytest

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("fuzz_ops_2")
SCRIPT = scenario_script("make_fuzz_ops_2")


@pytest.mark.parametrize("name", sorted(n for n in SCRIPT.SCENARIOS if n != "misuse_error_classes"))
def test_fuzz_ops_2_matches_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert_json_close(got, GOLD[name], rtol=1e-5, atol=1e-6, where=name)


def test_misuse_raises_what_keras_raises():
    # numkeras's error must be an instance of the first built-in class Keras's was
    got = SCRIPT.SCENARIOS["misuse_error_classes"](numkeras)
    for case, want in GOLD["misuse_error_classes"].items():
        assert want != "ok" and want[0] in got[case], f"{case}: {got[case]} is not a {want}"

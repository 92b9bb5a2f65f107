"""What the model, saving and interop fuzzers (scripts/fuzz/) found numkeras doing
differently from Keras 3 in session 27 (seeds 556-565 and 2035-2040), as minimal scenarios
(goldens from scripts/goldens/make_fuzz_found_s27a.py, written with real Keras 3)."""

import json

import pytest

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("fuzz_found_s27a")
SCRIPT = scenario_script("make_fuzz_found_s27a")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_fuzz_found_s27a_matches_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert_json_close(got, GOLD[name], rtol=1e-4, atol=1e-5, where=name)


def test_unknown_save_keyword_names_the_fix(tmp_path):
    """An unknown `save` keyword is a ConfigError (a ValueError, as Keras's) naming it, and
    nothing is written."""
    model, _ = SCRIPT._trained(numkeras)
    with pytest.raises(numkeras.errors.ConfigError, match=r"\['options'\].*remove"):
        model.save(tmp_path / "m.keras", options=None)
    assert not (tmp_path / "m.keras").exists()


def test_save_format_is_a_deprecation_note(tmp_path):
    model, x = SCRIPT._trained(numkeras)
    with pytest.warns(numkeras.errors.DeprecatedArgumentWarning, match="save_format"):
        model.save(tmp_path / "m.h5", save_format="h5")
    loaded = numkeras.models.load_model(tmp_path / "m.h5")
    assert loaded.optimizer is not None and int(loaded.optimizer.iterations) == 2

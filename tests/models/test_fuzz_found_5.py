"""What the model, saving and interop fuzzers (scripts/fuzz/) found numkeras doing
differently from Keras 3 on seeds 521-535 and 2011-2020, as minimal scenarios (goldens from
scripts/goldens/make_fuzz_found_5.py, written with real Keras 3)."""

import json

import pytest

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("fuzz_found_5")
SCRIPT = scenario_script("make_fuzz_found_5")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_fuzz_found_5_matches_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert_json_close(got, GOLD[name], rtol=1e-4, atol=1e-5, where=name)


def test_legacy_h5_lookup_configs_are_keras2s(tmp_path):
    """A legacy `.h5` holds the lookup layers' configs with only the keys tf_keras writes
    (Keras 3.15's `oov_method` / `salt` at their defaults left out: tf_keras refuses them),
    and tf_keras's dtypes."""
    import h5py

    K = numkeras
    ids = K.Input((3,), dtype="int32")
    words = K.Input((2,), dtype="string")
    integer, string = SCRIPT.lookup_layers(K)
    model = K.Model([ids, words], [integer(ids), string(words)])
    model.save(tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5", "r") as f:
        layers = json.loads(f.attrs["model_config"])["config"]["layers"]
    want = GOLD["keras2_lookup_config_keys"]
    got = {la["class_name"]: sorted(la["config"]) for la in layers if la["class_name"] in want}
    assert got == want
    # (and tf_keras's dtypes: int64 token ids for output_mode="int", which its loader needs)
    dtypes = {la["class_name"]: la["config"]["dtype"] for la in layers if la["class_name"] in want}
    assert dtypes == GOLD["keras2_lookup_dtypes"]
    loaded = K.models.load_model(tmp_path / "m.h5")  # (numkeras reads its file back)
    assert [type(la).__name__ for la in loaded.layers[2:]] == ["IntegerLookup", "StringLookup"]

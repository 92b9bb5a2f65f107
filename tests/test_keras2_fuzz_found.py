"""What scripts/fuzz/fuzz_keras2.py found numkeras doing differently from tf_keras 2.21
(real Keras 2) on classic Keras 2 scripts, against the goldens of
scripts/goldens/make_keras2_fuzz_found.py."""

import warnings

import pytest

import numkeras

from .differential import assert_json_close, goldens, scenario_script

pytest.importorskip("h5py")

GOLD = goldens("keras2_fuzz_found")
SCRIPT = scenario_script("make_keras2_fuzz_found")


@pytest.mark.parametrize("name", sorted(SCRIPT.LEGACY_RESUME))
def test_a_keras2_h5_with_a_legacy_optimizer_resumes_with_its_formulas(name):
    # saved by tf_keras with optimizers.legacy.X (no `is_legacy_optimizer` in the file):
    # tf_keras resumes with the legacy formulas (RMSprop / Adagrad: epsilon outside the
    # square root; Nadam: Keras 2's momentum schedule), and so does numkeras
    numkeras.utils.clear_session(free_memory=False)
    case = GOLD[f"legacy_resume_{name}"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = SCRIPT.resume(numkeras, case["h5"])
    assert_json_close(got, case["resumed"], rtol=1e-5, atol=1e-6, where=name)


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_matches_keras2(name):
    numkeras.utils.clear_session(free_memory=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = SCRIPT.SCENARIOS[name](numkeras)
    assert_json_close(got, GOLD[name], rtol=1e-5, atol=1e-6, where=name)

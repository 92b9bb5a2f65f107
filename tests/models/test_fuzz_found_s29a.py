"""What the interop fuzzer (scripts/fuzz/fuzz_interop.py) found in session 29 (seeds
573-585 and 2048-2060), as minimal scenarios (goldens from
scripts/goldens/make_fuzz_found_s29a.py, written with real Keras 3)."""

import json

import numpy as np
import pytest

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("fuzz_found_s29a")
SCRIPT = scenario_script("make_fuzz_found_s29a")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_fuzz_found_s29a_matches_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert_json_close(got, GOLD[name], rtol=1e-4, atol=1e-5, where=name)


def test_frozen_spectral_step_stores_what_a_direct_call_stores():
    """A training step leaves a frozen wrapper's kernel as a direct call in training does
    (kernel / sigma), and a trained wrapper's kernel at its raw value moved by the step."""
    for frozen in ("wrapper", "none"):
        numkeras.utils.clear_session(free_memory=False)
        stepped = SCRIPT._spectral_model(numkeras, frozen)
        called = SCRIPT._spectral_model(numkeras, frozen)
        raw = stepped.weights[0].numpy()
        stepped.train_on_batch(SCRIPT.X, SCRIPT.Y)
        called.layers[1](SCRIPT.X, training=True)
        kernel, direct = stepped.weights[0].numpy(), called.weights[0].numpy()
        if frozen == "wrapper":
            np.testing.assert_allclose(kernel, direct, rtol=1e-5)
        else:  # (its raw value moved by the gradient: neither as it was nor kernel / sigma)
            assert not np.allclose(kernel, direct) and not np.allclose(kernel, raw)
            assert np.abs(kernel - raw).max() < np.abs(direct - raw).max()

"""What the model and saving fuzzers (scripts/fuzz/) found numkeras doing differently from
Keras 3 on fuzz_models seeds 626-660 and fuzz_saving seeds 601-630, as minimal scenarios
(goldens from scripts/goldens/make_fuzz_found_30b.py, written with real Keras 3)."""

import json

import pytest

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("fuzz_found_30b")
SCRIPT = scenario_script("make_fuzz_found_30b")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_fuzz_found_30b_matches_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert_json_close(got, GOLD[name], rtol=1e-4, atol=1e-5, where=name)


def test_a_layer_with_its_own_steps_is_no_nested_model():
    """row_chunks tells a nested model by its class: RandomColorJitter's `_steps` (its
    augmentations) is no graph of its own, and makes its model not row-wise (unknown kind)."""
    from numkeras.models import row_chunks

    L = numkeras.layers
    model = numkeras.Sequential(
        [numkeras.Input((4, 3, 3)), L.RandomColorJitter(value_range=(0, 1)), L.Flatten()]
    )
    assert not row_chunks.rows_independent(model)
    assert row_chunks.chunk_rows(model, 32) == 32

"""What the layer-argument differential (scripts/fuzz/fuzz_layer_args.py, seeds 3102-3145)
and its probes of the layers' call arguments found numkeras doing differently from Keras 3,
as minimal scenarios (goldens from scripts/goldens/make_fuzz_layer_args_s29.py, written with
real Keras 3): a recurrent layer's `mask=` beside `initial_state=`, GroupQueryAttention's
`query_mask=`."""

import json
import warnings

import numpy as np
import pytest

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("layer_args_s29")
SCRIPT = scenario_script("make_fuzz_layer_args_s29")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_layer_args_s29_matches_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert_json_close(got, GOLD[name], rtol=1e-4, atol=1e-5, where=name)


def test_mha_still_ignores_query_mask_with_its_warning():
    """MultiHeadAttention keeps Keras's rule (the query's own mask only), with numkeras's
    warning; GroupedQueryAttention uses `query_mask=` and says nothing."""
    q = np.ones((1, 3, 4), "float32")
    mask = np.array([[True, False, True]])
    mha = numkeras.layers.MultiHeadAttention(num_heads=2, key_dim=2)
    with pytest.warns(UserWarning, match="ignores `query_mask=`"):
        masked = mha(q, q, query_mask=mask)
    np.testing.assert_array_equal(masked, mha(q, q))
    gqa = numkeras.layers.GroupedQueryAttention(2, num_query_heads=2, num_key_value_heads=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _, scores = gqa(q, q, query_mask=mask, return_attention_scores=True)
    assert not scores[0, :, 1].any() and scores[0, :, 0].any()

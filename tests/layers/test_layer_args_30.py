"""What the layer-argument differential (scripts/fuzz/fuzz_layer_args.py, seeds 3146-3190,
session 30's draws) found numkeras doing differently from Keras 3, as minimal scenarios
(goldens from scripts/goldens/make_layer_args_30.py, written with real Keras 3): the mask
past a SpectralNormalization, an attention layer's `value_mask=` beside a masked value."""

import json
import warnings

import numpy as np
import pytest

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("layer_args_30")
SCRIPT = scenario_script("make_layer_args_30")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_layer_args_30_matches_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert_json_close(got, GOLD[name], rtol=1e-4, atol=1e-5, where=name)


def test_spectral_normalization_of_embedding_keeps_its_mask():
    """numkeras's wrapped Embedding returns its float vectors (Keras casts them to the ids'
    integers, a new tensor without the mask: README), with the mask it makes."""
    ids = np.array([[1, 2, 0]], "int32")
    sn = numkeras.layers.SpectralNormalization(numkeras.layers.Embedding(4, 2, mask_zero=True))
    np.testing.assert_array_equal(sn(ids)._keras_mask, [[True, True, False]])
    conv = numkeras.layers.SpectralNormalization(numkeras.layers.Conv1D(2, 1))
    assert not conv.supports_masking  # (Conv1D drops a mask: so does its wrapper)

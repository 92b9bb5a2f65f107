"""Masks given as symbolic tensors to calls on several inputs, against Keras 3 (goldens
from scripts/goldens/make_symbolic_masks.py): `Attention()([q, v], mask=[qm, vm])`,
MultiHeadAttention's `value_mask=` / `key_mask=` / `query_mask=`, configs, a Keras file,
and the TypeError of a `mask=` given to a call that takes none."""

import numpy as np
import pytest

import numkeras
from tests.differential import assert_json_close, goldens, scenario_script

GOLDENS = goldens("symbolic_masks")
SCRIPT = scenario_script("make_symbolic_masks")


@pytest.mark.parametrize("name", sorted(GOLDENS))
def test_matches_keras(name):
    # (automatic names count from zero, as the goldens')
    numkeras.utils.clear_session(free_memory=False)
    assert_json_close(SCRIPT.SCENARIOS[name](numkeras), GOLDENS[name], rtol=1e-4, atol=1e-5)


def test_the_masks_reach_the_layer_after_a_config_round_trip_and_in_a_clone():
    model, _ = SCRIPT._attention_model(numkeras, numkeras.layers.Attention(name="att"), "qv")
    SCRIPT._fill(model)
    q, v, qm, vm = SCRIPT._data()
    x = [q, v, qm, vm]
    want = model.predict(x, verbose=0)
    unmasked = model.predict([q, v, np.ones_like(qm), np.ones_like(vm)], verbose=0)
    assert not np.allclose(want, unmasked)  # (the masks matter to these predictions)
    again = numkeras.Model.from_config(model.get_config())
    again.set_weights(model.get_weights())
    clone = numkeras.models.clone_model(model)
    clone.set_weights(model.get_weights())
    for other in (again, clone):
        np.testing.assert_allclose(other.predict(x, verbose=0), want, rtol=1e-6)


def test_a_mask_list_must_match_the_inputs():
    q, v = numkeras.Input((5, 8)), numkeras.Input((7, 8))
    vm = numkeras.Input((7,), dtype="bool")
    with pytest.raises(ValueError, match="one mask"):
        numkeras.layers.GlobalAveragePooling1D()(v, mask=[vm])
    with pytest.raises(ValueError, match="symbolic"):
        numkeras.layers.Attention()([q, v], mask=[None, np.ones((1, 7), bool)])


def test_one_attention_layer_takes_other_masks_in_each_symbolic_call():
    """Each call keeps its own masks (a layer shared by calls with and without them)."""
    q, v = numkeras.Input((5, 8)), numkeras.Input((7, 8))
    vm = numkeras.Input((7,), dtype="bool")
    am = numkeras.Input((5, 7), dtype="bool")
    mha = numkeras.layers.MultiHeadAttention(2, 4)
    outs = [mha(q, v), mha(q, v, value_mask=vm), mha(q, v, attention_mask=am)]
    model = numkeras.Model([q, v, vm, am], outs)
    qd, vd, _, vmd = SCRIPT._data()
    plain, by_value, by_attention = model.predict(
        [qd, vd, vmd, np.broadcast_to(vmd[:, None, :], (4, 5, 7))], verbose=0
    )
    np.testing.assert_allclose(by_value, by_attention, rtol=1e-6)  # the same mask, twice
    assert not np.allclose(plain, by_value)

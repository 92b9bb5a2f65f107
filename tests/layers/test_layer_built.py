"""Layers without weights are `built` when made, as Keras 3 marks them, and a subclassed
model's summary shows no shape for them after `fit` (tests/goldens/layer_built.json, from
scripts/goldens/make_layer_built.py)."""

import numkeras

from ..differential import goldens, scenario_script

GOLD = goldens("layer_built")
SCRIPT = scenario_script("make_layer_built")


def test_layers_built_when_made_are_keras_s():
    assert SCRIPT.SCENARIOS["built_when_made"](numkeras) == GOLD["built_when_made"]


def test_a_subclassed_models_summary_after_fit():
    """'?' for the layers built when made, as Keras: the trace numkeras made only to see
    whether the call branches on `training` leaves no nodes on the layers. (Keras builds
    the Dense layers on the first batch, (4, 4); numkeras on the traced graph, (None, 4).)"""
    numkeras.backend.clear_session(free_memory=False)
    got = SCRIPT.SCENARIOS["subclassed_summary_after_fit"](numkeras)
    want = dict(GOLD["subclassed_summary_after_fit"])
    want.update({"dense (Dense)": "(None, 4)", "dense_1 (Dense)": "(None, 1)"})
    assert got == want

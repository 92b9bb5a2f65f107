"""The base optimizer's arguments (`weight_decay`, `clipnorm`, ..., `name`) given by
position after an optimizer's own, as Keras 3's signatures take them (Muon's before its
`exclude_layers`, which numkeras had at that position), against Keras 3
(tests/goldens/missing_features.json, from scripts/goldens/make_missing_features.py)."""

import json

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("missing_features")
SCRIPT = scenario_script("make_missing_features")


def test_optimizer_positional_arguments_match_keras():
    numkeras.backend.clear_session(free_memory=False)  # (default names: `lion`, not `lion_1`)
    got = json.loads(json.dumps(SCRIPT.optimizer_positional_arguments(numkeras)))
    assert_json_close(got, GOLD["optimizer_positional_arguments"])


def test_muon_keeps_exclude_layers_as_a_keyword():
    muon = numkeras.optimizers.Muon(exclude_layers=["dense"], clipnorm=1.0)
    assert (muon.exclude_layers, muon.clipnorm) == (["dense"], 1.0)


def test_adam_takes_the_base_arguments_by_position_and_build_var_list():
    # Keras 3: Adam(learning_rate, beta_1, beta_2, epsilon, amsgrad, weight_decay, clipnorm, ...)
    # and Adam.build(var_list) (the base class names it `variables`)
    import numpy as np

    adam = numkeras.optimizers.Adam(0.01, 0.9, 0.999, 1e-7, False, 0.004, 1.0)
    assert (adam.weight_decay, adam.clipnorm) == (0.004, 1.0)
    weights = [numkeras.Variable(np.zeros(2, "float32"))]
    adam.build(var_list=weights)
    assert adam.built and len(adam.variables) == 2 + 2  # iterations, rate, m and v
    for wrapper in (
        numkeras.optimizers.LossScaleOptimizer(numkeras.optimizers.SGD()),
        numkeras.optimizers.SGD(),
    ):
        wrapper.build(var_list=weights)
        assert wrapper.built

"""Arguments Keras 3's layer signatures take that numkeras refused or read otherwise: a
pooling layer's (and RandomCrop's) `name` by position, a pooling layer's mask second in
its call, a depthwise / separable convolution's activation by position,
`compute_mask(inputs, mask=...)` and `from_config(config, custom_objects)`, against
Keras 3 (tests/goldens/missing_features.json, from
scripts/goldens/make_missing_features.py)."""

import json

import numpy as np
import pytest

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("missing_features")
SCRIPT = scenario_script("make_missing_features")
NAMES = [
    "pooling_name_by_position",
    "positional_layer_arguments",
    "compute_mask_keyword",
    "from_config_custom_objects",
]


@pytest.mark.parametrize("name", NAMES)
def test_scenario_matches_keras(name):
    numkeras.backend.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))
    assert_json_close(got, GOLD[name])


def test_a_flag_second_is_still_training():
    """Only an array second is a mask: Keras 2's `layer(x, True)` keeps meaning training."""
    gap = numkeras.layers.GlobalAveragePooling1D()
    x = np.ones((2, 3, 4), "float32")
    np.testing.assert_allclose(gap(x, True), np.ones((2, 4)))


def test_a_mask_given_twice_is_refused():
    gap = numkeras.layers.GlobalAveragePooling1D()
    x, m = np.ones((2, 3, 4), "float32"), np.ones((2, 3), bool)
    with pytest.raises(TypeError):
        gap(x, m, mask=m)


def test_model_call_takes_a_mask_as_keras_3s_functional_call():
    # Keras 3: Functional / Sequential.call(inputs, training=None, mask=None); values from
    # Keras 3.15 (JAX), kernels of ones: [[0.9098231, 0.9098231]] masked, 0.9707 without
    import numpy as np

    from numkeras import Input, Model, Sequential, layers

    def lstm():
        return layers.LSTM(2, kernel_initializer="ones", recurrent_initializer="ones")

    x = np.ones((1, 3, 2), "float32")
    mask = np.array([[True, True, False]])
    inputs = Input((3, 2))
    for model in (Sequential([Input((3, 2)), lstm()]), Model(inputs, lstm()(inputs))):
        np.testing.assert_allclose(model.call(x, None, mask), [[0.9098231] * 2], rtol=1e-6)
        np.testing.assert_allclose(model.call(x), [[0.9707013] * 2], rtol=1e-6)

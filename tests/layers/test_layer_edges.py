"""Base-layer edges as Keras 3 has them."""

import pytest

from numkeras import layers
from numkeras.errors import NotBuiltError


def test_an_unknown_keyword_is_a_value_error_and_from_config_a_type_error_as_keras():
    with pytest.raises(ValueError, match="foo"):
        layers.Dense(2, foo=1)
    with pytest.raises(TypeError, match="foo"):  # Keras's from_config wraps it in one
        layers.Dense.from_config({"units": 2, "foo": 1})


def test_a_layer_without_weights_counts_zero_parameters_unbuilt():
    assert layers.Dropout(0.5).count_params() == 0
    assert layers.ReLU().count_params() == 0
    with pytest.raises(NotBuiltError):  # a layer that builds weights must be built first
        layers.Dense(2).count_params()


def test_set_weights_with_a_none_names_the_weight_and_changes_nothing():
    import numpy as np

    dense = layers.Dense(2)
    dense.build((None, 3))
    before = dense.get_weights()
    # (Keras 3 crashes with AttributeError: 'NoneType' object has no attribute 'shape')
    with pytest.raises((TypeError, ValueError), match=r"'bias' \(shape \(2,\)\) got None"):
        dense.set_weights([np.ones((3, 2)), None])
    for a, b in zip(dense.get_weights(), before):
        np.testing.assert_array_equal(a, b)

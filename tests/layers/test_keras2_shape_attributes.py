"""Keras 2's `layer.input_shape` / `layer.output_shape`, which classic scripts print and
Keras 3 layers no longer have: values and errors as tf_keras 2.21 gives them (checked
side by side)."""

import pytest

import numkeras as k


def test_shapes_of_a_sequential_models_layers():
    m = k.Sequential([k.Input((3,)), k.layers.Dense(2), k.layers.Dense(4)])
    assert [la.output_shape for la in m.layers] == [(None, 2), (None, 4)]
    assert [la.input_shape for la in m.layers] == [(None, 3), (None, 2)]
    cnn = k.Sequential([k.Input((8, 8, 1)), k.layers.Conv2D(4, 3), k.layers.Flatten()])
    assert [la.output_shape for la in cnn.layers] == [(None, 6, 6, 4), (None, 144)]


def test_several_inputs_or_outputs_give_lists():
    a, b = k.Input((3,)), k.Input((5,))
    concat = k.layers.Concatenate()
    concat([a, b])
    assert concat.input_shape == [(None, 3), (None, 5)]
    assert concat.output_shape == (None, 8)
    lstm = k.layers.LSTM(3, return_state=True)
    lstm(k.Input((4, 2)))
    assert lstm.output_shape == [(None, 3), (None, 3), (None, 3)]


def test_uncalled_or_ambiguous_layers_raise_attribute_errors():
    dense = k.layers.Dense(2)
    assert not hasattr(dense, "output_shape")
    with pytest.raises(AttributeError, match="never been called"):
        dense.input_shape  # noqa: B018
    shared = k.layers.Dropout(0.1)
    shared(k.Input((3,)))
    shared(k.Input((5,)))
    with pytest.raises(AttributeError, match="multiple inbound nodes, with different input"):
        shared.input_shape  # noqa: B018

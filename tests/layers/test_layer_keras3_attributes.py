"""Keras 3's Layer attributes and hooks: add_variable, the dtype attributes, path,
compute_output_spec, build_from_config, and save/load_own_variables (the default layout,
and a layer's own override used by the weight files)."""

import numpy as np
import pytest

import numkeras as keras
from numkeras import layers


def test_add_variable_and_dtype_attributes():
    layer = layers.Dense(3, name="d")
    v = layer.add_variable((2,), "ones", name="extra")
    assert v.path == "d/extra" and v.numpy().tolist() == [1.0, 1.0]
    assert layer.add_weight(shape=(1,), initializer=None).shape == (1,)  # glorot, as Keras
    assert layer.dtype_policy == keras.DTypePolicy("float32")
    assert (layer.compute_dtype, layer.variable_dtype, layer.input_dtype) == ("float32",) * 3
    assert layer.path is None and layer.autocast is True  # None until built, as in Keras


def test_compute_output_spec_and_build_from_config():
    layer = layers.Dense(3)
    spec = layer.compute_output_spec(keras.KerasTensor((None, 5)))
    assert spec.shape == (None, 3) and spec.dtype == "float32"
    layer(np.ones((1, 5), "float32"))
    fresh = layers.Dense.from_config(layer.get_config())
    fresh.build_from_config(layer.get_build_config())
    assert fresh.built and fresh.kernel.shape == (5, 3)


def test_default_own_variables_round_trip_and_check_shapes():
    layer = layers.Dense(2)
    layer(np.ones((1, 3), "float32"))
    store = {}
    layer.save_own_variables(store)
    assert sorted(store) == ["0", "1"] and store["0"].shape == (3, 2)
    other = layers.Dense(2)
    other(np.ones((1, 3), "float32"))
    other.load_own_variables(store)
    np.testing.assert_array_equal(other.kernel.numpy(), layer.kernel.numpy())
    with pytest.raises(ValueError, match="shape"):
        other.load_own_variables({"0": np.zeros((4, 2)), "1": np.zeros(2)})


class Scaled(layers.Layer):
    """A user layer that stores its weight under its own key, as Keras lets it."""

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(), initializer="ones", name="scale")

    def call(self, x):
        return x * self.scale

    def save_own_variables(self, store):
        store["scale_value"] = self.scale.numpy()

    def load_own_variables(self, store):
        self.scale.assign(store["scale_value"])


def test_a_layers_own_save_and_load_are_used_by_weight_files(tmp_path):
    pytest.importorskip("h5py")
    import h5py

    model = keras.Sequential([keras.Input((2,)), Scaled()])
    model.layers[0].scale.assign(3.0)
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    with h5py.File(path) as f:
        assert "scale_value" in f["layers/scaled/vars"]
    again = keras.Sequential([keras.Input((2,)), Scaled()])
    again.load_weights(path)
    assert float(again.layers[0].scale.numpy()) == 3.0


def test_several_outputs_of_a_built_in_layer_come_back_as_a_tuple_as_in_keras():
    x = np.ones((2, 3, 4), "float32")
    symbolic = keras.Input((3, 4))
    for make, call in [
        (lambda: layers.LSTM(2, return_state=True), lambda layer, t: layer(t)),
        (lambda: layers.GRU(2, return_state=True), lambda layer, t: layer(t)),
        (lambda: layers.Bidirectional(layers.LSTM(2), merge_mode=None), lambda la, t: la(t)),
        (
            lambda: layers.MultiHeadAttention(2, 2),
            lambda la, t: la(t, t, return_attention_scores=True),
        ),
        (lambda: layers.Attention(), lambda la, t: la([t, t], return_attention_scores=True)),
    ]:
        assert type(call(make(), x)) is tuple
        assert type(call(make(), symbolic)) is tuple
    assert type(layers.LSTM(2)(x)) is np.ndarray  # one output: the array itself
    joined = layers.Lambda(lambda t: [t, t])(x)  # a user function's list stays a list
    assert type(joined) is list

import json
import pathlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numkeras.errors import ConfigError, NotBuiltError, ShapeError
from numkeras.layers import Dense, Flatten, Reshape

GOLD = json.loads((pathlib.Path(__file__).parents[1] / "goldens" / "core.json").read_text())


def test_dense_config_matches_keras():
    cfg = Dense(3, activation="relu", name="d").get_config()
    assert cfg == GOLD["configs"]["Dense"]
    again = Dense.from_config(cfg)
    assert again.get_config() == cfg


@pytest.mark.parametrize("units", [0, -1, 2.5, "8", None, True])
def test_dense_rejects_bad_units_at_construction(units):
    with pytest.raises(ConfigError, match="expected a positive integer") as e:
        Dense(units)
    assert isinstance(e.value, ValueError)
    assert f"units={units!r}" in str(e.value)


def test_unknown_activation_and_initializer_raise_at_construction():
    with pytest.raises(ValueError, match="relu"):
        Dense(3, activation="reluu")
    with pytest.raises(ValueError):
        Dense(3, kernel_initializer="glorot_unifrom")


def test_dense_on_last_axis_of_nd_input():
    layer = Dense(8)
    x = np.random.default_rng(0).normal(size=(2, 256, 64)).astype("float32")
    y = layer(x)
    assert y.shape == (2, 256, 8)
    k, b = layer.get_weights()
    np.testing.assert_allclose(y, x @ k + b, rtol=1e-5, atol=1e-6)
    assert layer.compute_output_shape((None, None, 64)) == (None, None, 8)


def test_dense_rejects_single_axis_and_explains():
    with pytest.raises(ShapeError) as e:
        Dense(8)(np.zeros(64))
    msg = str(e.value)
    assert "(64,)" in msg and "x[None]" in msg and "rank >= 2" in msg


def test_deferred_build_then_different_feature_size_fails_cleanly():
    layer = Dense(4)
    layer(np.ones((3, 5)))
    before = layer.get_weights()
    with pytest.raises(ShapeError) as e:
        layer(np.ones((3, 6)))
    assert "axis -1 (features) must be 5, received 6" in str(e.value)
    after = layer.get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(before, after))
    assert layer(np.ones((7, 5))).shape == (7, 4)


def test_failed_build_leaves_layer_unbuilt():
    layer = Dense(4)
    with pytest.raises(ShapeError):
        layer(np.ones(5))
    assert not layer.built and layer.weights == []
    assert layer(np.ones((2, 5))).shape == (2, 4)


def test_weights_api():
    layer = Dense(3, name="dd")
    with pytest.raises(NotBuiltError, match="isn't built"):
        layer.count_params()
    layer.build((None, 2))
    assert layer.count_params() == 9
    assert [v.name for v in layer.weights] == ["kernel", "bias"]
    assert layer.kernel.path == "dd/kernel"
    with pytest.raises(ShapeError, match=r"\(2, 3\).*\(3, 2\)"):
        layer.set_weights([np.zeros((3, 2)), np.zeros(3)])
    with pytest.raises(ShapeError, match="2 weight"):
        layer.set_weights([np.zeros((2, 3))])
    layer.set_weights([np.ones((2, 3)), np.ones(3)])
    np.testing.assert_array_equal(layer(np.ones((1, 2))), [[3, 3, 3]])
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 2


def test_float_inputs_cast_to_float32_and_lists_accepted():
    layer = Dense(2)
    assert layer(np.ones((1, 3), dtype="float64")).dtype == np.float32
    assert layer([[1, 2, 3]]).dtype == np.float32


def test_repr_is_readable():
    assert (
        repr(Dense(8, activation="tanh", name="out")) == "Dense(8, activation='tanh', name='out')"
    )


dims = st.integers(min_value=1, max_value=5)


@settings(max_examples=40, deadline=None)
@given(st.lists(dims, min_size=1, max_size=3), dims, st.integers(1, 6))
def test_property_dense_output_shape(lead, units, batch):
    shape = (batch, *lead)
    layer = Dense(units)
    y = layer(np.zeros(shape, "float32"))
    assert y.shape == (*shape[:-1], units)
    assert layer.compute_output_shape((None, *lead)) == (None, *lead[:-1], units)


@settings(max_examples=40, deadline=None)
@given(st.lists(dims, min_size=1, max_size=4), st.integers(1, 4))
def test_property_flatten_keeps_batch(sample, batch):
    y = Flatten()(np.zeros((batch, *sample)))
    assert y.shape == (batch, int(np.prod(sample)))
    assert Flatten().compute_output_shape((None, *sample)) == (None, int(np.prod(sample)))


@settings(max_examples=40, deadline=None)
@given(st.lists(dims, min_size=1, max_size=3), st.integers(1, 4), st.data())
def test_property_reshape_rules(sample, batch, data):
    size = int(np.prod(sample))
    divisors = [d for d in range(1, size + 1) if size % d == 0]
    d = data.draw(st.sampled_from(divisors))
    layer = Reshape((d, -1))
    y = layer(np.arange(batch * size, dtype="float32").reshape(batch, *sample))
    assert y.shape == (batch, d, size // d)
    bad = size + 1
    with pytest.raises(ShapeError, match="same number of values per sample"):
        Reshape((bad,))(np.zeros((batch, *sample)))

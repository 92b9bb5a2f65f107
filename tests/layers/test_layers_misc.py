import warnings

import numpy as np
import pytest

from numkeras.errors import ConfigError, ShapeError
from numkeras.layers import (
    Activation,
    Dense,
    Dropout,
    Flatten,
    Input,
    InputLayer,
    LeakyReLU,
    ReLU,
    Reshape,
    advanced_activations,
    core,
)
from numkeras.models import Model, Sequential


@pytest.mark.parametrize("rate", [1.5, -0.1, "0.5", None])
def test_dropout_rejects_bad_rates(rate):
    with pytest.raises(ConfigError, match="between 0 and 1"):
        Dropout(rate)


def test_dropout_training_only_and_inverted_scaling():
    x = np.ones((2000, 50), "float32")
    d = Dropout(0.3, seed=1)
    np.testing.assert_array_equal(d(x), x)
    y = d(x, training=True)
    assert np.allclose(np.unique(y), [0.0, 1 / 0.7])
    assert abs((y == 0).mean() - 0.3) < 0.01
    assert abs(y.mean() - 1.0) < 0.02


def test_leaky_relu_spellings():
    assert LeakyReLU().negative_slope == 0.3
    assert LeakyReLU(0.2).negative_slope == 0.2
    with pytest.raises(ConfigError, match="negative_slope"):
        LeakyReLU(-1)
    np.testing.assert_allclose(LeakyReLU(0.2)(np.array([[-1.0, 3.0]])), [[-0.2, 3.0]])


def test_relu_layer_options():
    x = np.array([[-2.0, 0.5, 3.0, 8.0]])
    np.testing.assert_allclose(ReLU(max_value=6.0)(x), [[0, 0.5, 3, 6]])
    np.testing.assert_allclose(
        ReLU(negative_slope=0.1, threshold=1.0)(x), [[-0.3, -0.05, 3, 8]], rtol=1e-6
    )
    with pytest.raises(ConfigError):
        ReLU(max_value=-1)


def test_activation_layer_by_name_and_unknown():
    np.testing.assert_allclose(Activation("sigmoid")(np.zeros((1, 2))), [[0.5, 0.5]])
    with pytest.raises(ValueError, match="Did you mean"):
        Activation("sigmoidd")


def test_flatten_and_reshape():
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    assert Flatten()(x).shape == (2, 12)
    assert Reshape((4, 3))(x).shape == (2, 4, 3)
    assert Reshape((-1, 2))(x).shape == (2, 6, 2)
    with pytest.raises(ConfigError):
        Reshape((-1, -1))
    with pytest.raises(ShapeError, match=r"\(3, 4\).*12 values"):
        Reshape((5,))(x)


def test_input_errors():
    with pytest.raises(ConfigError, match="You must pass a `shape`"):
        Input()
    with pytest.raises(ConfigError, match="both `shape` and `batch_shape`"):
        Input(shape=(3,), batch_shape=(None, 3))
    with pytest.raises(ConfigError, match="both `batch_size` and `batch_shape`"):
        Input(batch_size=3, batch_shape=(None, 3))
    with pytest.raises(ConfigError, match="positive integers"):
        Input(shape=(0,))
    assert Input(batch_shape=(4, 3)).shape == (4, 3)


def test_input_layer_legacy_spelling():
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        layer = InputLayer(input_shape=(5,))
    assert layer.batch_shape == (None, 5)
    assert any("shape=" in str(r.message) for r in rec)


def test_bad_input_dim_and_shape_spellings():
    with pytest.raises(ConfigError, match="input_dim"):
        Dense(3, input_dim=0)
    with pytest.raises(ConfigError, match="input_shape"):
        Dense(3, input_shape=(-1,))
    with pytest.raises(ConfigError, match="Unrecognized keyword"):
        Dense(3, kernel_init="zeros")


def test_2017_import_paths_are_aliases():
    from numkeras import layers
    from numkeras.layers import normalization

    assert core.Dense is Dense and core.Dropout is Dropout and core.Flatten is Flatten
    assert advanced_activations.LeakyReLU is LeakyReLU
    for name in ("ELU", "PReLU", "ReLU", "Softmax"):
        assert getattr(advanced_activations, name) is getattr(layers, name)
    assert normalization.BatchNormalization is layers.BatchNormalization


def test_model_as_layer_and_direct_call():
    g = Sequential([Input((3,)), Dense(4, activation="tanh")], name="g")
    d = Sequential([Input((4,)), Dense(1, activation="sigmoid")], name="d")
    z = Input(shape=(3,))
    gan = Model(inputs=z, outputs=d(g(z)))
    x = np.random.default_rng(0).normal(size=(5, 3)).astype("float32")
    np.testing.assert_allclose(gan(x), d(g(x)), rtol=1e-6)
    np.testing.assert_allclose(gan.predict_on_batch(x), gan(x), rtol=1e-6)
    assert gan.output_shape == (None, 1)
    assert [la.name for la in gan.layers][1:] == ["g", "d"]
    with pytest.raises(ShapeError, match="first used by layer 'g'"):
        gan(np.zeros((5, 4)))


def test_graph_disconnected_error():
    a, b = Input((3,)), Input((3,))
    with pytest.raises(ConfigError, match="Graph disconnected"):
        Model(a, Dense(1)(b))


def test_merge_layers_explain_bad_inputs():
    from numkeras.layers import Add, Concatenate

    a, b = Input((3,)), Input((4,))
    with pytest.raises(ShapeError, match=r"input 0 has \(None, 3\), input 1 has \(None, 4\)"):
        Add()([a, b])
    assert Add()([a]).shape == (None, 3)  # as Keras: one input is allowed
    assert Concatenate()([a, b]).shape == (None, 7)
    with pytest.raises(ShapeError, match="match on every axis but 0"):
        Concatenate(axis=0)([a, b])  # as Keras, axis 0 joins samples: the features differ
    c = Input((2, 5))
    with pytest.raises(ShapeError, match="match on every axis"):
        Concatenate(axis=1)([c, Input((2, 6))])
    assert Concatenate.from_config(Concatenate(axis=1, name="c").get_config()).axis == 1


@pytest.mark.parametrize("axis", [1, -2, 2, -1])
def test_concatenate_backward_hands_each_input_its_own_slice(axis):
    from numkeras.layers import Concatenate

    rng = np.random.default_rng(0)
    xs = [rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 3, 4))]
    xs[1] = xs[1][:, :2] if axis in (1, -2) else xs[1][..., :1]  # unequal sizes
    layer = Concatenate(axis=axis)
    y, cache = layer.forward(xs)
    dy = rng.standard_normal(y.shape)
    grads = layer.backward(cache, dy)
    np.testing.assert_array_equal(np.concatenate(grads, axis=axis), dy)
    for g, x in zip(grads, xs):
        assert g.shape == x.shape and g.flags.c_contiguous and not np.shares_memory(g, dy)


def test_subclassed_model_runs_and_trains():
    class TwoLayers(Model):
        def __init__(self):
            super().__init__(name="two")
            self.hidden = Dense(4, activation="relu")
            self.out = Dense(2)

        def call(self, inputs, training=False):
            return self.out(self.hidden(inputs))

    model = TwoLayers()
    x = np.random.default_rng(0).normal(size=(70, 3)).astype("float32")
    y = model(x)
    assert y.shape == (70, 2)
    np.testing.assert_allclose(model.predict(x, verbose=0), y, rtol=1e-6)
    assert [la.name for la in model.layers] == [model.hidden.name, model.out.name]
    assert len(model.weights) == 4
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(x, np.zeros((70, 2)), epochs=5, verbose=0)  # its call, traced
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_keras1_model_spelling():
    x = Input((3,))
    with pytest.warns(UserWarning, match="inputs=..., outputs="):
        model = Model(input=x, output=Dense(1)(x))
    assert model.output_shape == (None, 1)

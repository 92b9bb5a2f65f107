"""Model-API behaviours checked against Keras 3.15 by a differential run (the expected values
below are what Keras returned for the same calls)."""

import numpy as np
import pytest

from numkeras.errors import ShapeError
from numkeras.layers import Concatenate, Dense, Input, Subtract
from numkeras.models import Model, Sequential

X = np.random.default_rng(0).standard_normal((6, 4)).astype("float32")


def test_layer_input_and_output_cut_a_feature_extractor_out_of_a_model():
    model = Sequential([Input(shape=(4,)), Dense(5, activation="relu", name="h"), Dense(2)])
    hidden = model.get_layer("h")
    assert hidden.input is model.input
    features = Model(model.input, hidden.output)
    assert features.output_shape == (None, 5)
    expected = np.maximum(X @ hidden.kernel.numpy() + hidden.bias.numpy(), 0)
    np.testing.assert_allclose(features.predict(X, verbose=0), expected, rtol=1e-6)


def test_an_uncalled_layer_has_no_output_attribute():
    layer = Dense(2)
    assert not hasattr(layer, "output") and not hasattr(layer, "input")
    with pytest.raises(AttributeError, match="never been called"):
        layer.output  # noqa: B018


def test_an_unbuilt_model_has_no_shape_attributes_but_the_error_is_still_a_value_error():
    model = Sequential([Dense(3)])
    assert not hasattr(model, "input_shape") and not hasattr(model, "inputs")
    with pytest.raises(ValueError, match="not built"):
        model.output_shape  # noqa: B018


def test_a_one_element_output_list_is_unpacked_like_keras():
    i = Input(shape=(4,))
    model = Model([i], [Dense(2)(i)])
    assert model.output_shape == (None, 2) and model.input_shape == (None, 4)
    out = model.predict(X, verbose=0)
    assert isinstance(out, np.ndarray) and out.shape == (6, 2)
    assert isinstance(model(X), np.ndarray)
    assert isinstance(model.predict_on_batch(X), np.ndarray)
    # Model(seq.inputs, seq.outputs): the common re-wrapping of a Sequential
    seq = Sequential([Input(shape=(4,)), Dense(3)])
    wrapped = Model(seq.inputs, seq.outputs)
    np.testing.assert_array_equal(wrapped.predict(X, verbose=0), seq.predict(X, verbose=0))


def test_a_one_element_output_list_model_trains_nested_and_alone():
    i = Input(shape=(4,))
    inner = Model(i, [Dense(1, activation="sigmoid")(i)])
    j = Input(shape=(4,))
    outer = Model(j, inner(j))
    assert outer.output_shape == (None, 1)
    outer.compile(optimizer="sgd", loss="binary_crossentropy")
    before = inner.get_weights()[0].copy()
    loss = outer.train_on_batch(X, np.ones((6, 1)))
    assert np.isfinite(loss) and not np.array_equal(before, inner.get_weights()[0])


def test_a_sequential_without_input_builds_when_called_on_a_symbolic_tensor():
    # the GAN of many Keras 3 tutorials: G and D declare no Input
    generator = Sequential([Dense(8, activation="relu"), Dense(4)])
    discriminator = Sequential([Dense(8, activation="relu"), Dense(1, activation="sigmoid")])
    z = Input(shape=(3,))
    gan = Model(z, discriminator(generator(z)))
    assert generator.input_shape == (None, 3) and discriminator.input_shape == (None, 4)
    assert gan.output_shape == (None, 1)
    gan.compile(optimizer="adam", loss="binary_crossentropy")
    noise = np.random.default_rng(1).standard_normal((5, 3)).astype("float32")
    assert np.isfinite(gan.train_on_batch(noise, np.ones((5, 1))))
    # and inside another Sequential, after an Input
    stack = Sequential([Input(shape=(4,)), Sequential([Dense(3)]), Dense(2)])
    assert stack.output_shape == (None, 2) and stack.predict(X, verbose=0).shape == (6, 2)


def test_compute_output_shape_of_an_unbuilt_sequential_chains_its_layers():
    model = Sequential([Dense(3), Dense(7)])
    assert model.compute_output_shape((None, 4)) == (None, 7)
    assert model.predict(X, verbose=0).shape == (6, 7)  # and the model still builds


def test_compute_output_shape_refuses_a_shape_the_model_cannot_take():
    model = Sequential([Input(shape=(4,)), Dense(3)])
    assert model.compute_output_shape((None, 4)) == (None, 3)
    with pytest.raises(ValueError, match="axis 1"):
        model.compute_output_shape((None, 5))


def test_a_list_of_several_arrays_for_a_one_input_model_is_a_clear_shape_error():
    model = Sequential([Input(shape=(4,)), Dense(2)])
    for call in (lambda: model.predict([X, X], verbose=0), lambda: model([X, X])):
        with pytest.raises(ShapeError, match="1 input .* list of 2 arrays"):
            call()
    assert model.predict([X], verbose=0).shape == (6, 2)  # a list of one is that one


def test_layer_names_must_be_unique_in_a_model():
    seq = Sequential([Input(shape=(4,)), Dense(3, name="d")])
    with pytest.raises(ValueError, match="unique names"):
        seq.add(Dense(3, name="d"))
    assert [la.name for la in seq.layers] == ["d"]  # refused before any change
    i = Input(shape=(4,))
    with pytest.raises(ValueError, match='"d" is used 2 times'):
        Model(i, Dense(3, name="d")(Dense(3, name="d")(i)))


def test_dict_inputs_and_outputs_are_ordered_by_key_as_keras_flattens_them():
    b, a = Input(shape=(4,), name="b"), Input(shape=(2,), name="a")
    joined = Concatenate(name="concatenate")([b, a])
    model = Model(
        {"b": b, "a": a}, {"z": Dense(2, name="z")(joined), "w": Dense(3, name="w")(joined)}
    )
    assert [t.name for t in model.inputs] == ["a", "b"]
    assert model.output_names == ["w", "z"]
    assert model.output_shape == [(None, 3), (None, 2)]
    # Keras 3.15's order for this graph, and so the order of get_weights()
    assert [la.name for la in model.layers] == ["b", "a", "concatenate", "w", "z"]
    assert [w.shape for w in model.get_weights()] == [(6, 3), (3,), (6, 2), (2,)]
    out = model.predict({"a": X[:, :2], "b": X}, verbose=0)
    assert sorted(out) == ["w", "z"] and out["w"].shape == (6, 3)


def test_predict_stacks_batches_of_a_graph_that_joins_rows():
    # Concatenate(axis=0) doubles the rows of each batch; Keras stacks the batch outputs
    i = Input(shape=(4,))
    model = Model(i, Concatenate(axis=0)([Dense(4)(i), i]))
    out = model.predict(X, batch_size=4, verbose=0)
    first, second = model(X[:4]), model(X[4:])
    np.testing.assert_allclose(out, np.concatenate([first, second]), rtol=1e-6)
    assert out.shape == (12, 4)


def test_arithmetic_between_symbolic_tensors_records_operations_as_keras():
    i = Input(shape=(4,))
    h = Dense(4, name="h")(i)
    model = Model(i, (h + i) * h - i)  # a residual block, as Keras code writes it
    hv = model.get_layer("h")(X)
    np.testing.assert_allclose(model.predict(X, verbose=0), (hv + X) * hv - X, rtol=1e-5)
    # operations, not layers: Keras 3 leaves them out of `layers`
    assert [type(la).__name__ for la in model.layers] == ["InputLayer", "Dense"]
    assert [type(op).__name__ for op in model.operations][2:] == ["Add", "Multiply", "Subtract"]
    model.compile(optimizer="sgd", loss="mse")
    assert np.isfinite(model.train_on_batch(X, X))
    for fine in (lambda: i * 2, lambda: 1 + i, lambda: i[:, 0], lambda: -i, lambda: i / i):
        assert fine().shape[0] is None


def test_a_model_with_named_inputs_refuses_a_list_as_keras_does():
    b, a = Input(shape=(4,), name="b"), Input(shape=(4,), name="a")
    model = Model({"b": b, "a": a}, Subtract()([a, b]))
    with pytest.raises(ShapeError, match="pass a dict"):
        model.predict([X, X], verbose=0)
    np.testing.assert_allclose(model.predict({"a": X, "b": X + 1}, verbose=0), -1, rtol=1e-6)


def test_an_integer_input_feeds_float_layers_as_keras_autocasts():
    i = Input(shape=(4,), dtype="int32")
    model = Model(i, Dense(2)(i))
    assert i.dtype == "int32" and model.get_config()["layers"][0]["config"]["dtype"] == "int32"
    counts = np.arange(12).reshape(3, 4)
    out = model.predict(counts, verbose=0)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, model.predict(counts.astype("float32"), verbose=0))
    model.compile(optimizer="sgd", loss="mse")
    assert np.isfinite(model.train_on_batch(counts, np.zeros((3, 2))))
    twin = Model.from_config(model.get_config())
    assert twin.inputs[0].dtype == "int32"

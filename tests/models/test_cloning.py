"""clone_model: Keras's semantics (same architecture and names, new layers and weights)."""

import numpy as np
import pytest

from numkeras.layers import BatchNormalization, Concatenate, Dense, Dropout, Input
from numkeras.models import Model, Sequential, clone_model

X = np.random.default_rng(0).standard_normal((5, 3)).astype("float32")


def test_a_sequential_clone_has_new_layers_with_the_same_names_and_new_weights():
    model = Sequential([Input((3,)), Dense(4, name="d"), BatchNormalization(), Dense(1)], name="m")
    model.compile(optimizer="sgd", loss="mse")
    twin = clone_model(model)
    assert twin.name == "m" and [la.name for la in twin.layers] == [la.name for la in model.layers]
    assert all(a is not b for a, b in zip(twin.layers, model.layers))
    assert twin.compiled and twin.optimizer is not model.optimizer  # recompiled, as Keras 3.15
    assert not np.array_equal(twin.get_weights()[0], model.get_weights()[0])
    twin.set_weights(model.get_weights())
    np.testing.assert_array_equal(twin.predict(X, verbose=0), model.predict(X, verbose=0))


def test_a_functional_clone_rewires_shared_layers_and_nested_models():
    a, b = Input((3,), name="a"), Input((3,), name="b")
    shared = Dense(2, name="shared")
    inner = Sequential([Input((4,)), Dense(1, name="inner_d")], name="inner")
    out = inner(Concatenate()([shared(a), shared(b)]))
    model = Model({"a": a, "b": b}, [out, Dropout(0.5)(out)], name="f")
    twin = clone_model(model)
    assert [la.name for la in twin.layers] == [la.name for la in model.layers]
    assert len(twin.get_layer("shared")._inbound_nodes) == 2  # still shared
    assert twin.get_layer("inner") is not inner
    twin.set_weights(model.get_weights())
    feeds = {"a": X, "b": X[::-1]}
    for got, want in zip(twin.predict(feeds, verbose=0), model.predict(feeds, verbose=0)):
        np.testing.assert_array_equal(got, want)


def test_clone_function_input_tensors_and_call_function():
    i = Input((3,))
    model = Model(i, Dense(2, name="e")(i))

    def wider(layer):
        config = layer.get_config()
        if isinstance(layer, Dense):
            config["units"] = 5
        return type(layer).from_config(config)

    assert clone_model(model, clone_function=wider).output_shape == (None, 5)
    new_input = Input((3,), name="new_in")
    assert clone_model(model, input_tensors=new_input).inputs[0] is new_input
    calls = []

    def logged(layer, inputs):
        calls.append(layer.name)
        return layer(inputs)

    clone_model(model, call_function=logged)
    assert calls == ["e"]
    with pytest.raises(ValueError, match="1 input"):
        clone_model(model, input_tensors=[Input((3,)), Input((3,))])


def test_recursive_clones_nested_models_layer_by_layer():
    inner = Sequential([Input((3,)), Dense(2, name="k")], name="inner")
    i = Input((3,))
    model = Model(i, inner(i))
    seen = []

    def spy(layer):
        seen.append(layer.name)
        return type(layer).from_config(layer.get_config())

    clone_model(model, clone_function=spy, recursive=True)
    assert seen == ["k"]  # the nested model's own layer, not the model whole

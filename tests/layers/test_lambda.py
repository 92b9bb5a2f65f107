"""Lambda: the function on arrays (call, predict), output shapes (given or inferred, as
Keras: goldens from scripts/goldens/make_more_layers.py), training (an upstream-free
Lambda trains as Keras; one a gradient must cross raises), configs as Keras writes them,
and loading, which never runs code from a file."""

import json
import pathlib

import numpy as np
import pytest

from numkeras.errors import ConfigError
from numkeras.layers import Dense, Input, Lambda
from numkeras.models import Model, Sequential, load_model, model_from_json
from numkeras.models.config import as_json_types
from numkeras.optimizers import SGD
from numkeras.saving import custom_object_scope, get_custom_objects, register_keras_serializable

GOLD = json.loads((pathlib.Path(__file__).parents[1] / "goldens" / "more_layers.json").read_text())


def sq(x):
    return x**2


def test_call_predict_arguments_and_training_flag():
    x = np.array([[1.0, -2.0, 3.0]], "float32")
    np.testing.assert_array_equal(Lambda(sq)(x), x**2)
    np.testing.assert_array_equal(Lambda(lambda t, k: t * k, arguments={"k": 3})(x), 3 * x)
    seen = []

    def fn(t, training=None):
        seen.append(training)
        return t

    layer = Lambda(fn)
    layer(x)
    layer(x, training=True)
    assert seen == [False, True]
    model = Sequential([Input((3,)), Lambda(lambda t: np.abs(t) + 1)])
    np.testing.assert_array_equal(model.predict(x, verbose=0), np.abs(x) + 1)


@pytest.mark.parametrize("shape", [s for s in GOLD["shapes"] if s["class"] == "Lambda"])
def test_output_shapes_match_keras(shape):
    if shape["kind"] == "slice":
        layer = Lambda(lambda x: x[:, :2] * 2.0)
    else:
        layer = Lambda(lambda x: x * 2.0, output_shape=(3,))
    assert list(layer(Input(batch_shape=tuple(shape["input"]))).shape) == shape["output"]


def test_output_shape_inference_and_forms():
    x = Input((5, 4))
    # an axis that follows the batch size stays unknown
    assert Lambda(lambda t: t.reshape(-1))(x).shape == (None,)
    assert Lambda(lambda t: t.sum(axis=1))(x).shape == (None, 4)
    assert Lambda(lambda t: t.T)(x).shape == (4, 5, None)
    assert Lambda(sq, output_shape=lambda s: (s[0], 7))(x).shape == (None, 7)
    a, b = Lambda(lambda t: [t[:, 0], t[:, :, :2]])(x)
    assert (a.shape, b.shape) == ((None, 4), (None, 5, 2))
    c, d = Lambda(lambda t: [t, t], output_shape=[(5, 4), (5, 4)])(x)
    assert c.shape == d.shape == (None, 5, 4)
    two = Lambda(lambda ts: ts[0] + ts[1])([Input((3,)), Input((3,))])
    assert two.shape == (None, 3)
    with pytest.raises(NotImplementedError, match="output_shape"):
        Lambda(lambda t: t.no_such_method())(x)


def test_an_upstream_free_lambda_trains_as_keras():
    case = next(c for c in GOLD["models"] if c["name"] == "lambda_first")
    inp = Input((4,))
    model = Model(inp, Dense(3)(Lambda(lambda t: t * 2.0 + 1.0)(inp)))
    model.set_weights([np.array(w, "float32") for w in case["weights"]])
    x, y = np.array(case["x"], "float32"), np.array(case["y"], "float32")
    model.compile(optimizer=SGD(learning_rate=0.1), loss="mse")
    hist = model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    assert hist.history["loss"][-1] == pytest.approx(case["loss"], rel=1e-5)
    for got, want in zip(model.get_weights(), case["weights_after"]):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.predict(x, verbose=0), case["predict_after"], rtol=1e-5)


def test_configs_match_keras():
    assert as_json_types(Lambda(sq, name="m").get_config()) == GOLD["configs"]["Lambda_named"]
    layer = Lambda(sq, output_shape=(3,), arguments={"k": 2}, name="m")
    assert as_json_types(layer.get_config()) == GOLD["configs"]["Lambda_output_shape"]
    fn = Lambda(lambda t: t + 1.0).get_config()["function"]
    assert fn["class_name"] == GOLD["configs"]["Lambda_lambda_class_name"]
    assert sorted(fn["config"]) == GOLD["configs"]["Lambda_lambda_function_keys"]


def test_loading_a_python_lambda_is_refused(tmp_path):
    model = Sequential([Input((4,)), Lambda(lambda t: t + 1)])
    path = tmp_path / "lam.keras"
    model.save(path)
    for safe_mode in (True, False):
        with pytest.raises(ConfigError, match="safe_mode") as info:
            load_model(path, safe_mode=safe_mode)
        assert isinstance(info.value, ValueError)
    with pytest.raises(ConfigError, match="safe_mode"):
        Lambda.from_config(model.layers[0].get_config())
    with pytest.raises(ConfigError, match="safe_mode"):
        model_from_json(model.to_json())
    # Keras 2's form: [bytecode, defaults, closure] with function_type "lambda"
    keras2 = {"name": "l", "function": ["4wEAAAAA", None, None], "function_type": "lambda"}
    with pytest.raises(ConfigError, match="safe_mode"):
        Lambda.from_config(keras2)


def test_named_functions_load_only_when_supplied(tmp_path):
    model = Sequential([Input((4,)), Lambda(sq, output_shape=(4,))])
    path = tmp_path / "named.keras"
    model.save(path)
    with pytest.raises(ConfigError, match="Could not locate function 'sq'"):
        load_model(path)
    x = np.array([[1.0, 2.0, 3.0, 4.0]], "float32")
    loaded = load_model(path, custom_objects={"sq": sq})
    assert loaded.layers[0].function is sq
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), x**2)
    with custom_object_scope({"sq": sq}):
        assert load_model(path).layers[0].function is sq

    @register_keras_serializable(package="LambdaTest")
    def cube(t):
        return t**3

    try:
        model = Sequential([Input((4,)), Lambda(cube)])
        assert model.layers[0].get_config()["function"]["config"] == "LambdaTest>cube"
        model.save(path)
        np.testing.assert_array_equal(load_model(path).predict(x, verbose=0), x**3)
    finally:
        del get_custom_objects()["LambdaTest>cube"]


def test_bad_arguments():
    with pytest.raises(ConfigError, match="callable"):
        Lambda(3)
    with pytest.raises(ConfigError, match="mask"):
        Lambda(sq, mask=lambda x, m: m)
    with pytest.raises(ConfigError, match="arguments"):
        Lambda(sq, arguments=[1])
    with pytest.raises(ConfigError, match="output_shape"):
        Lambda(sq, output_shape="big")

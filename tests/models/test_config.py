"""Model configs map onto Keras 3's `.keras` config.json (goldens from
scripts/goldens/make_configs.py), and round-trip."""

import json
import pathlib

import numpy as np
import pytest

from numkeras.errors import ConfigError
from numkeras.layers import Dense, Dropout, Input, LeakyReLU
from numkeras.models import Model, Sequential
from numkeras.models.config import deserialize_layer, serialize_layer

GOLD = json.loads((pathlib.Path(__file__).parents[1] / "goldens" / "configs.json").read_text())


def keras_sequential():
    return Sequential(
        [
            Input((4,), name="input_layer"),
            Dense(3, activation="relu", name="d1"),
            LeakyReLU(0.2, name="lr"),
            Dropout(0.3, name="dr"),
            Dense(2, name="d2"),
        ],
        name="seq",
    )


def keras_functional():
    inner = Sequential([Input((3,), name="input_layer_1"), Dense(3, name="inner_d")], name="inner")
    a, b = Input((3,), name="a"), Input((5,), name="b")
    shared = Dense(3, name="shared")
    o1 = Dense(1, activation="sigmoid", name="o1")(inner(shared(a)))
    o2 = shared(Dense(3, name="pre_b")(b))
    return Model([a, b], [o1, o2], name="func")


def normalized(cfg):
    """Drop auto-generated input-layer names, which depend on creation order."""
    text = json.dumps(cfg, sort_keys=True)
    return json.loads(text)


def test_sequential_config_equals_keras():
    assert normalized(serialize_layer(keras_sequential())) == normalized(GOLD["sequential"])


def test_functional_config_equals_keras():
    ours = serialize_layer(keras_functional())
    gold = GOLD["functional"]
    for key in ("module", "class_name", "registered_name", "build_config", "compile_config"):
        assert ours[key] == gold[key], key
    oc, gc = ours["config"], gold["config"]
    assert oc["input_layers"] == gc["input_layers"]
    assert oc["output_layers"] == gc["output_layers"]
    assert [la["name"] for la in oc["layers"]] == [la["name"] for la in gc["layers"]]
    for o, g in zip(oc["layers"], gc["layers"]):
        assert o["inbound_nodes"] == g["inbound_nodes"], o["name"]
        assert o["class_name"] == g["class_name"]
        if o["class_name"] == "Dense":
            assert o["config"] == g["config"]


@pytest.mark.parametrize("which", ["sequential", "functional"])
def test_keras_configs_load_and_predict_like_the_original(which):
    original = keras_sequential() if which == "sequential" else keras_functional()
    clone = deserialize_layer(json.loads(json.dumps(GOLD[which])))
    clone.set_weights(original.get_weights())
    rng = np.random.default_rng(0)
    x = (
        rng.normal(size=(3, 4))
        if which == "sequential"
        else [rng.normal(size=(3, 3)), rng.normal(size=(3, 5))]
    )
    a, b = original.predict(x, verbose=0), clone.predict(x, verbose=0)
    for u, v in zip(a if isinstance(a, list) else [a], b if isinstance(b, list) else [b]):
        np.testing.assert_allclose(u, v, rtol=1e-6)


def test_round_trip_through_our_own_config():
    model = keras_functional()
    again = deserialize_layer(json.loads(json.dumps(serialize_layer(model))))
    assert (
        serialize_layer(again)["config"]["layers"][1]["inbound_nodes"]
        == serialize_layer(model)["config"]["layers"][1]["inbound_nodes"]
    )


def test_unknown_class_is_refused_without_running_anything(monkeypatch):
    import os

    def never(*args):
        raise AssertionError("a config ran code")

    monkeypatch.setattr(os, "system", never)
    # Keras's code-running layer: a function named in a config is looked up, never run
    with pytest.raises(ConfigError, match="os.system"):
        deserialize_layer({"class_name": "Lambda", "config": {"function": "os.system"}})
    with pytest.raises(ConfigError, match="Did you mean 'Dense'"):
        deserialize_layer({"class_name": "Dnse", "config": {}})


def test_keras2_spelled_model_serializes_as_keras3_and_keras2_configs_load():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = Sequential([Dense(3, input_dim=4, name="d")], name="s")
        cfg = serialize_layer(model)
        assert "batch_input_shape" not in json.dumps(cfg)
        assert cfg["config"]["layers"][0]["class_name"] == "InputLayer"
        # a Keras 2 (tf.keras) style config: batch_input_shape on the first layer
        k2 = {
            "class_name": "Sequential",
            "config": {
                "name": "k2",
                "layers": [
                    {
                        "class_name": "Dense",
                        "config": {
                            "name": "d",
                            "units": 3,
                            "activation": "relu",
                            "batch_input_shape": [None, 4],
                            "dtype": "float32",
                        },
                    }
                ],
            },
        }
        loaded = deserialize_layer(k2)
    assert loaded.input_shape == (None, 4) and loaded.output_shape == (None, 3)

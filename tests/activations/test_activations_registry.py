"""`activations.get` / `serialize` / `deserialize` against Keras 3's registry."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from numkeras import activations
from numkeras.errors import ConfigError

GOLDEN = json.loads(
    (Path(__file__).resolve().parents[1] / "goldens" / "activations.json").read_text()
)


def test_same_names_as_keras():
    assert sorted(activations.ALL_ACTIVATIONS) == GOLDEN["names"]


@pytest.mark.parametrize("name", GOLDEN["names"])
def test_serialize_matches_keras(name):
    fn = activations.get(name)
    assert activations.serialize(fn) == GOLDEN["serialized"][name]
    assert activations.deserialize(activations.serialize(fn)) is fn


def test_aliases():
    assert activations.get("swish") is activations.silu
    assert activations.get("hard_swish") is activations.hard_silu
    assert activations.serialize(activations.swish) == "silu"


def test_get_none_callable_and_dict():
    assert activations.get(None) is activations.linear

    def custom(x):
        return x

    # (wrapped, to carry the gradient numkeras traces; it computes and serializes as `custom`)
    wrapped = activations.get(custom)
    assert wrapped.fn is custom and wrapped.__name__ == "custom"
    assert activations.serialize(wrapped)["config"] == "custom"
    assert activations.get(activations.relu) is activations.relu
    keras_dict = {"module": "builtins", "class_name": "function", "config": "relu"}
    assert activations.get(keras_dict) is activations.relu
    assert activations.get({"class_name": "tanh", "config": None}) is activations.tanh


def test_unknown_name_lists_valid_and_suggests():
    with pytest.raises(ConfigError) as info:
        activations.get("relux")
    msg = str(info.value)
    assert "'relux'" in msg
    assert "Did you mean 'relu'?" in msg
    assert "'leaky_relu'" in msg and "'softmax'" in msg


def test_unknown_name_is_a_value_error():
    with pytest.raises(ValueError):
        activations.get("LeakyReLU")


def test_bad_identifier_type():
    with pytest.raises(ConfigError, match="Could not interpret activation"):
        activations.get(3)


def test_serialize_custom_function_like_keras():
    def my_act(x):
        return x

    # the exact dict Keras 3.15 writes for an unregistered function
    assert activations.serialize(my_act) == {
        "module": "builtins",
        "class_name": "function",
        "config": "my_act",
        "registered_name": "function",
    }
    with pytest.raises(ConfigError, match="Unknown activation: 'my_act'"):
        activations.get(activations.serialize(my_act))


def test_serialize_object_with_config():
    class Scaled:
        def __call__(self, x):
            return 2 * x

        def get_config(self):
            return {"factor": 2}

    out = activations.serialize(Scaled())
    assert out["class_name"] == "Scaled" and out["config"] == {"factor": 2}


def test_serialize_non_callable_is_an_error():
    with pytest.raises(ConfigError, match="not callable"):
        activations.serialize(3)


def test_deserialize_none_is_an_error():
    with pytest.raises(ConfigError):
        activations.deserialize(None)


def test_get_is_usable_in_a_loop():
    x = np.linspace(-1, 1, 4, dtype=np.float32)
    for name in ("relu", "sigmoid", "tanh", "softmax", "linear"):
        assert activations.get(name)(x).dtype == np.float32

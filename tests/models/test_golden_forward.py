"""Forward passes, shapes, parameter counts and names against real Keras 3 (goldens)."""

import json
import pathlib
import warnings

import numpy as np
import pytest

from numkeras import initializers, layers
from numkeras.layers import Dense, Input
from numkeras.models import Model, Sequential

GOLD = json.loads((pathlib.Path(__file__).parents[1] / "goldens" / "core.json").read_text())
CASES = {c["name"]: c for c in GOLD["cases"]}


def seed_generator():
    return Sequential(
        [
            Input(shape=(64,)),
            Dense(16, kernel_initializer=initializers.RandomNormal(stddev=0.02)),
            layers.LeakyReLU(0.2),
            Dense(12),
            layers.LeakyReLU(0.2),
            Dense(10, activation="tanh"),
        ]
    )


def every_activation():
    # the golden script's list, in its order: one Dense layer per Keras activation name
    return Sequential([Input(shape=(5,))] + [Dense(5, activation=a) for a in GOLD["activations"]])


def dense_3d():
    return Sequential([Input(shape=(7, 6)), Dense(4, activation="relu"), Dense(3)])


def flatten_reshape():
    return Sequential(
        [
            Input(shape=(4, 6)),
            layers.Flatten(),
            Dense(8),
            layers.Reshape((2, -1)),
            layers.Activation("tanh"),
            layers.ReLU(max_value=0.5),
            layers.Dropout(0.3),
            layers.Flatten(),
            Dense(2, activation="softmax"),
        ]
    )


BUILDERS = {
    "seed_generator": seed_generator,
    "every_activation": every_activation,
    "dense_3d": dense_3d,
    "flatten_reshape": flatten_reshape,
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_forward_matches_keras(name):
    gold = CASES[name]
    model = BUILDERS[name]()
    model.set_weights([np.array(w, "float32") for w in gold["weights"]])
    x = np.array(gold["x"], "float32")
    y = model.predict(x, verbose=0)
    expected = np.array(gold["y"]).reshape(gold["y_shape"])  # Keras's output, 8 digits
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model(x), expected, rtol=1e-5, atol=1e-6)
    assert list(model.input_shape) == gold["input_shape"]
    assert list(model.output_shape) == gold["output_shape"]
    assert model.count_params() == gold["count_params"]
    assert [la.count_params() for la in model.layers] == gold["layer_params"]


def test_functional_two_inputs_shared_layer_matches_keras():
    gold = CASES["functional_two_inputs"]
    a = Input(shape=(3,), name="a")
    b = Input(shape=(5,), name="b")
    shared = Dense(4, name="shared")
    h = Dense(5, activation="relu")(a)
    out1 = shared(h)
    out2 = Dense(2)(shared(b))
    model = Model([a, b], [out1, out2])

    def kind(name):  # auto-numbered names differ between runs; compare the order of kinds
        return "dense" if name.startswith("dense") else name

    assert [kind(la.name) for la in model.layers] == [kind(n) for n in gold["layer_names"]]
    model.set_weights([np.array(w, "float32") for w in gold["weights"]])
    ya, yb = model.predict([np.array(v, "float32") for v in gold["x"]], verbose=0)
    np.testing.assert_allclose(ya, gold["y"][0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(yb, gold["y"][1], rtol=1e-5, atol=1e-6)
    assert model.count_params() == gold["count_params"]


@pytest.mark.parametrize(
    "cls", ["LeakyReLU", "Dropout", "Flatten", "Reshape", "Activation", "ReLU", "InputLayer"]
)
def test_layer_configs_match_keras(cls):
    gold = GOLD["configs"][cls]
    layer_cls = getattr(layers, cls)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layer = layer_cls.from_config(gold)
    config = layer.get_config()
    assert json.loads(json.dumps(config)) == gold  # the golden is Keras's config, as JSON
    # in memory, shapes are tuples as in Keras's get_config()
    for key in ("target_shape", "batch_shape", "noise_shape"):
        if config.get(key) is not None:
            assert isinstance(config[key], tuple), key


def test_auto_names_follow_keras():
    from numkeras.utils.naming import reset_uids

    reset_uids()
    names = [
        Dense(1).name,
        Dense(1).name,
        layers.LeakyReLU().name,
        layers.Dropout(0.1).name,
        Sequential().name,
    ]
    assert names == GOLD["names"]["auto"]

"""`Softmax`, `ELU` and `PReLU` layers against real Keras 3 (goldens from
scripts/goldens/make_activation_layers.py): forward, one SGD step (the backward pass),
masked calls and configs; plus their errors."""

import json
import pathlib

import numpy as np
import pytest

from numkeras import layers
from numkeras.errors import ConfigError, ShapeError
from numkeras.layers import ELU, Dense, Input, PReLU, Softmax
from numkeras.models import Model, Sequential, model_from_json
from numkeras.optimizers import SGD

GOLD = json.loads(
    (pathlib.Path(__file__).parents[1] / "goldens" / "activation_layers.json").read_text()
)


def _head(config):
    config = {k: v for k, v in config.items() if k not in ("name", "trainable", "dtype")}
    if "axis" in config:
        return Softmax(**config)
    return PReLU(**config) if "alpha_initializer" in config else ELU(**config)


@pytest.mark.parametrize("case", GOLD["models"], ids=lambda c: c["name"])
def test_forward_and_one_training_step_match_keras(case):
    model = Sequential([Input(tuple(case["input_shape"])), Dense(5), _head(case["config"])])
    model.set_weights([np.array(w, "float32") for w in case["weights"]])
    x = np.array(case["x"], "float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), case["predict"], rtol=1e-5, atol=1e-6)
    model.compile(optimizer=SGD(learning_rate=0.5), loss="mse")
    model.train_on_batch(x, np.array(case["y_target"], "float32"))
    for got, want in zip(model.get_weights(), case["weights_after_step"]):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("case", GOLD["masks"], ids=lambda c: c["name"])
def test_masked_softmax_matches_keras(case):
    mask = np.array(case["mask"], dtype=case["mask_dtype"])
    y = Softmax(axis=case["axis"])(np.array(case["x"], "float32"), mask=mask)
    np.testing.assert_allclose(y, case["y"], rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", ["Softmax", "Softmax_default", "ELU", "PReLU", "PReLU_default"])
def test_configs_match_keras(name):
    want = GOLD["configs"][name]
    layer = _head(want)
    layer.name = want["name"]
    got = layer.get_config()
    assert got == want
    again = type(layer).from_config(got)
    assert again.get_config() == want


def test_models_with_them_round_trip_through_json():
    model = Sequential(
        [
            Input((3, 4)),
            Dense(5),
            Softmax(axis=[1, 2]),
            PReLU(shared_axes=[1]),
            layers.Flatten(),
            ELU(0.3),
        ]
    )
    clone = model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    x = np.random.default_rng(0).normal(size=(2, 3, 4)).astype("float32")
    np.testing.assert_array_equal(clone.predict(x, verbose=0), model.predict(x, verbose=0))
    names = ["Dense", "Softmax", "PReLU", "Flatten", "ELU"]
    assert [type(la).__name__ for la in clone.layers] == names


@pytest.mark.parametrize("axis", ["1", 1.5, [], [1, "2"], None])
def test_softmax_rejects_axes_that_are_not_integers(axis):
    with pytest.raises(ConfigError, match="integer"):
        Softmax(axis=axis)


def test_softmax_names_the_missing_axis():
    with pytest.raises(ShapeError, match=r"no axis 2 \(rank 2"):
        Sequential([Input((4,)), Softmax(axis=2)])
    with pytest.raises(ShapeError, match="no axis -3"):
        Softmax(axis=-3)(np.ones((2, 4)))


def test_softmax_mask_errors():
    with pytest.raises(ShapeError, match="must broadcast"):
        Softmax()(np.ones((2, 4)), mask=np.ones((2, 3), bool))
    with pytest.raises(ShapeError, match="must broadcast"):
        Softmax()(np.ones((2, 4)), mask=np.ones((1, 2, 4), bool))
    a, m = Input((4,)), Input((4,), dtype="bool")
    model = Model([a, m], Softmax()(a, mask=m))  # a mask tensor: the call's mask, as Keras
    got = model.predict([np.zeros((1, 4)), np.array([[True, False, True, False]])], verbose=0)
    np.testing.assert_allclose(got, [[0.5, 0.0, 0.5, 0.0]])
    with pytest.raises(ConfigError, match="symbolic `mask=`, not an array"):
        Softmax()(a, mask=np.ones((1, 4), bool))


def test_prelu_alpha_shape_spec_and_errors():
    layer = PReLU(shared_axes=2)
    model = Sequential([Input((3, 4)), layer])
    assert layer.alpha.shape == (3, 1) and layer.shared_axes == [2]
    assert model.count_params() == 3
    with pytest.raises(ShapeError, match="axis 1.* must be 3, received 5"):
        model.predict(np.ones((2, 5, 4)), verbose=0)  # alpha has 3 rows
    with pytest.raises(ShapeError, match="names axis 3"):
        Sequential([Input((4,)), PReLU(shared_axes=[3])])
    with pytest.raises(ConfigError, match="positive axis"):
        PReLU(shared_axes=[0])
    with pytest.raises(ConfigError, match="Unknown constraint"):
        PReLU(alpha_constraint="non_negative")


def test_prelu_trains_its_alpha_inside_a_model():
    rng = np.random.default_rng(2)
    model = Sequential([Input((4,)), Dense(6), PReLU(), Dense(1)])
    model.compile(optimizer=SGD(learning_rate=0.1), loss="mse")
    before = model.layers[1].alpha.value.copy()
    model.fit(rng.normal(size=(64, 4)), rng.normal(size=(64, 1)), epochs=2, verbose=0)
    assert not np.array_equal(model.layers[1].alpha.value, before)
    assert [w.name for w in model.layers[1].weights] == ["alpha"]


def test_elu_rejects_a_non_number():
    with pytest.raises(ConfigError, match="number"):
        ELU(alpha="1")

"""Permute, RepeatVector, Identity, Rescaling and ActivityRegularization against real
Keras 3 (goldens from scripts/goldens/make_more_layers.py): outputs, input gradients,
symbolic shapes, configs, the activity penalty, and a model of them trained 2 steps; plus
finite differences in float64 and errors."""

import json
import pathlib

import numpy as np
import pytest

from numkeras import backend
from numkeras.errors import ConfigError, ShapeError
from numkeras.layers import (
    ActivityRegularization,
    Dense,
    Flatten,
    Identity,
    Input,
    LayerNormalization,
    Permute,
    RepeatVector,
    Rescaling,
    UnitNormalization,
)
from numkeras.models import Model, Sequential, load_model
from numkeras.models.config import as_json_types
from numkeras.optimizers import SGD
from numkeras.utils.gradcheck import numeric_gradient

GOLD = json.loads((pathlib.Path(__file__).parents[1] / "goldens" / "more_layers.json").read_text())
CLASSES = {
    "Permute": Permute,
    "RepeatVector": RepeatVector,
    "Identity": Identity,
    "Rescaling": Rescaling,
    "ActivityRegularization": ActivityRegularization,
}
CASES = [c for c in GOLD["eager"] if c["class"] in CLASSES]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_forward_and_input_gradient_match_keras(case):
    layer = CLASSES[case["class"]](**case["kwargs"])
    x = np.array(case["x"], "float32")
    np.testing.assert_allclose(layer(x), case["output"], rtol=1e-6)
    np.testing.assert_allclose([float(v) for v in layer.losses], case["losses"], rtol=1e-6)
    _, cache = layer.forward(x, training=True)
    gx = layer.backward(cache, np.array(case["r"], "float32"))
    np.testing.assert_allclose(gx, case["grad_x"], rtol=1e-6)


@pytest.mark.parametrize(
    "layer, shape",
    [
        (Permute((2, 1), dtype="float64"), (2, 3, 4)),
        (Permute((3, 1, 2), dtype="float64"), (2, 3, 4, 2)),
        (RepeatVector(3, dtype="float64"), (2, 4)),
        (Rescaling(2.5, offset=-1.0, dtype="float64"), (2, 3)),
        (Rescaling([0.5, 1.0, 2.0], offset=[1.0, 0.0, -1.0], dtype="float64"), (2, 4, 3)),
        (Rescaling(np.array([[0.5], [2.0]]), dtype="float64"), (3, 2, 4)),
        (Identity(dtype="float64"), (2, 3)),
    ],
    ids=lambda v: type(v).__name__ if not isinstance(v, tuple) else str(v),
)
def test_finite_differences_float64(layer, shape):
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape)
    out_shape = layer(x).shape
    r = rng.normal(size=out_shape)
    _, cache = layer.forward(x, training=True)
    gx = layer.backward(cache, r.copy())
    f = lambda: float((layer(x) * r).sum())  # noqa: E731
    np.testing.assert_allclose(gx, numeric_gradient(f, x), rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("shape", [s for s in GOLD["shapes"] if s["class"] in CLASSES])
def test_symbolic_shapes_match_keras(shape):
    layer = CLASSES[shape["class"]](**shape["kwargs"])
    assert list(layer(Input(batch_shape=tuple(shape["input"]))).shape) == shape["output"]


@pytest.mark.parametrize(
    "key, make",
    [
        ("Permute", lambda: Permute((2, 1), name="m")),
        ("RepeatVector", lambda: RepeatVector(3, name="m")),
        ("Identity", lambda: Identity(name="m")),
        ("Rescaling", lambda: Rescaling(1 / 255.0, name="m")),
        ("Rescaling_list", lambda: Rescaling([0.5, 1.0], offset=-1.0, name="m")),
        ("ActivityRegularization", lambda: ActivityRegularization(0.1, 0.2, name="m")),
    ],
)
def test_configs_match_keras(key, make):
    layer = make()
    assert as_json_types(layer.get_config()) == GOLD["configs"][key]
    clone = type(layer).from_config(GOLD["configs"][key])
    assert as_json_types(clone.get_config()) == GOLD["configs"][key]


def test_permute_config_keeps_a_tuple_and_rescaling_writes_arrays_as_keras():
    assert Permute([2, 1]).get_config()["dims"] == (2, 1)
    config = Rescaling(np.array([1.0, 2.0, 3.0]), offset=0.5).get_config()
    assert config["scale"] == {
        "class_name": "__numpy__",
        "config": {"value": [1.0, 2.0, 3.0], "dtype": "float64"},
    }
    clone = Rescaling.from_config(config)
    np.testing.assert_allclose(clone(np.ones((1, 3))), [[1.5, 2.5, 3.5]])


def test_rescaling_channels_first_scales_the_channel_axis():
    old = backend.image_data_format()
    backend.set_image_data_format("channels_first")
    try:
        y = Rescaling([1.0, 10.0])(np.ones((1, 2, 3, 3)))
    finally:
        backend.set_image_data_format(old)
    np.testing.assert_array_equal(y[0, 0], 1.0)
    np.testing.assert_array_equal(y[0, 1], 10.0)


def test_identity_passes_several_inputs():
    a, b = np.ones((2, 3)), np.zeros((2, 4))
    out = Identity()([a, b])
    assert [o.shape for o in out] == [(2, 3), (2, 4)]
    x1, x2 = Input((3,)), Input((4,))
    y1, y2 = Identity()([x1, x2])
    assert (y1.shape, y2.shape) == ((None, 3), (None, 4))


def test_activity_regularization_penalty_in_training_and_evaluation():
    x = np.random.default_rng(1).normal(size=(8, 3)).astype("float32")
    y = np.zeros((8, 3), "float32")
    model = Sequential([Input((3,)), ActivityRegularization(l1=0.1, l2=0.2)])
    model.compile(optimizer="sgd", loss="mse")
    mse = float((x**2).mean())
    penalty = float((0.1 * np.abs(x).sum() + 0.2 * (x**2).sum()) / 8)
    assert model.evaluate(x, y, verbose=0) == pytest.approx(mse + penalty, rel=1e-5)
    layer = ActivityRegularization()  # defaults: l1 = l2 = 0
    layer(x)
    assert [float(v) for v in layer.losses] == [0.0]
    with pytest.raises(ConfigError):
        ActivityRegularization(activity_regularizer="l2")


def test_errors():
    for dims in ((1, 3), (0, 1), (2, 2), "ab", 3):
        with pytest.raises(ConfigError, match="dims"):
            Permute(dims)
    with pytest.raises(ShapeError):
        Permute((2, 1))(Input((3,)))
    for n in (0, -2):
        with pytest.raises(ConfigError, match="positive"):
            RepeatVector(n)
    for n in ("3", 2.0, True):
        with pytest.raises(ConfigError, match="integer"):
            RepeatVector(n)
    with pytest.raises(ShapeError):
        RepeatVector(2)(Input((3, 4)))
    for bad in ("x", None, True):
        with pytest.raises(ConfigError, match="scale"):
            Rescaling(bad)


def _mix():
    inp = Input((4, 3))
    h = Rescaling(0.5, offset=0.1)(inp)
    h = Permute((2, 1))(h)
    h = LayerNormalization(axis=[1, 2])(h)
    h = Dense(5)(h)
    h = UnitNormalization()(h)
    h = Flatten()(h)
    h = RepeatVector(2)(h)
    h = Identity()(h)
    h = Flatten()(h)
    return Model(inp, Dense(2)(h))


def test_a_model_of_these_layers_trains_as_keras(tmp_path):
    case = next(c for c in GOLD["models"] if c["name"] == "reshaping_mix")
    model = _mix()
    model.set_weights([np.array(w, "float32") for w in case["weights"]])
    x, y = np.array(case["x"], "float32"), np.array(case["y"], "float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), case["predict_before"], rtol=1e-5)
    model.compile(optimizer=SGD(learning_rate=0.1), loss="mse")
    hist = model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    assert hist.history["loss"][-1] == pytest.approx(case["loss"], rel=1e-5)
    for got, want in zip(model.get_weights(), case["weights_after"]):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    path = tmp_path / "mix.keras"
    model.save(path)
    loaded = load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), case["predict_after"], rtol=1e-5)
    assert [la.get_config() for la in loaded.layers] == [la.get_config() for la in model.layers]

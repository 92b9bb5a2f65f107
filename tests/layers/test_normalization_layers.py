"""LayerNormalization and UnitNormalization against real Keras 3 (goldens from
scripts/goldens/make_more_layers.py): outputs, gradients (jax.grad) w.r.t. the inputs and
the weights, configs, a LayerNormalization MLP trained 2 steps; plus finite differences in
float64, errors and dtypes."""

import json
import pathlib
import warnings

import numpy as np
import pytest

from numkeras.errors import ConfigError, ShapeError
from numkeras.layers import (
    ActivityRegularization,
    Dense,
    Input,
    LayerNormalization,
    UnitNormalization,
)
from numkeras.models import Model, Sequential, load_model
from numkeras.models.config import as_json_types
from numkeras.optimizers import SGD
from numkeras.utils.gradcheck import numeric_gradient

GOLD = json.loads((pathlib.Path(__file__).parents[1] / "goldens" / "more_layers.json").read_text())
TOL = dict(rtol=1e-5, atol=1e-6)
CLASSES = {"LayerNormalization": LayerNormalization, "UnitNormalization": UnitNormalization}
CASES = [c for c in GOLD["eager"] if c["class"] in CLASSES]


def _make(case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rms_scaling's deprecation note
        return CLASSES[case["class"]](**case["kwargs"])


def _grads(layer, x, r, need_x=True):
    """(dL/dx, [dL/dw]) from forward/backward for L = sum(layer(x) * r)."""
    for v in layer.trainable_weights:
        v.start_grad(np.zeros(v.shape, v.dtype))
    _, cache = layer.forward(x, training=True)
    gx = layer.backward(cache, r.copy(), need_input_grad=need_x)
    grads = [v.grad.copy() for v in layer.trainable_weights]
    for v in layer.trainable_weights:
        v.start_grad(None)
    return gx, grads


def test_goldens_cover_both_layers():
    assert {c["class"] for c in CASES} == set(CLASSES)
    assert len(CASES) >= 12


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_forward_and_gradients_match_keras(case):
    layer = _make(case)
    x = np.array(case["x"], "float32")
    layer.build(x.shape)
    layer.set_weights([np.array(w, "float32") for w in case["weights"]])
    np.testing.assert_allclose(layer(x), case["output"], **TOL)
    gx, gw = _grads(layer, x, np.array(case["r"], "float32"))
    want = np.array(case["grad_x"])
    finite = np.isfinite(want)  # Keras's gradient is NaN at an all-zero UnitNormalization row
    np.testing.assert_allclose(gx[finite], want[finite], rtol=1e-5, atol=1e-5)
    assert len(gw) == len(case["grad_weights"])
    for got, w in zip(gw, case["grad_weights"]):
        np.testing.assert_allclose(got, w, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    "kwargs, shape",
    [
        ({}, (3, 5)),
        ({"axis": [1, 2]}, (2, 3, 4)),
        ({"axis": 1}, (2, 3, 4)),
        ({"axis": [-2, -1]}, (2, 3, 4)),
        ({"center": False, "epsilon": 0.1}, (3, 4)),
        ({"scale": False}, (3, 4)),
        ({"rms_scaling": True}, (3, 5)),
        ({"rms_scaling": True, "axis": [1, 2]}, (2, 3, 2)),
    ],
)
def test_layer_normalization_finite_differences(kwargs, shape):
    rng = np.random.default_rng(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layer = LayerNormalization(dtype="float64", **kwargs)
    x = rng.normal(0.5, 1.5, shape)
    layer.build(x.shape)
    layer.set_weights([rng.normal(0.5, 0.5, w.shape) for w in layer.get_weights()])
    r = rng.normal(0, 1, shape)
    gx, gw = _grads(layer, x, r)

    def f():
        return float((layer.call(x) * r).sum())

    np.testing.assert_allclose(gx, numeric_gradient(f, x), rtol=1e-6, atol=1e-8)
    for v, g in zip(layer.trainable_weights, gw):
        np.testing.assert_allclose(g, numeric_gradient(f, v.value), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("axis, shape", [(-1, (3, 4)), ([1, 2], (2, 3, 2)), (1, (2, 3, 2))])
def test_unit_normalization_finite_differences(axis, shape):
    rng = np.random.default_rng(1)
    layer = UnitNormalization(axis=axis, dtype="float64")
    x, r = rng.normal(0, 1, shape), rng.normal(0, 1, shape)
    gx, _ = _grads(layer, x, r)
    f = lambda: float((layer.call(x) * r).sum())  # noqa: E731
    np.testing.assert_allclose(gx, numeric_gradient(f, x), rtol=1e-6, atol=1e-8)


def test_unit_normalization_zero_row_stays_zero_with_a_finite_gradient():
    x = np.array([[0.0, 0.0], [3.0, 4.0]], "float32")
    layer = UnitNormalization()
    np.testing.assert_allclose(layer(x), [[0, 0], [0.6, 0.8]], rtol=1e-6)
    gx, _ = _grads(layer, x, np.ones_like(x))
    assert np.isfinite(gx).all()  # Keras (jax.grad) gives NaN there
    np.testing.assert_allclose(gx[0], [1e12, 1e12], rtol=1e-6)  # the clamped inverse norm


def test_layer_normalization_statistics_and_no_state():
    x = np.random.default_rng(2).normal(3, 2, (5, 7)).astype("float32")
    layer = LayerNormalization(epsilon=0.0)
    y = layer(x)
    np.testing.assert_allclose(y.mean(axis=-1), 0, atol=1e-6)
    np.testing.assert_allclose(y.std(axis=-1), 1, atol=1e-5)
    np.testing.assert_array_equal(layer(x, training=True), y)  # no batch statistics
    assert [v.name for v in layer.weights] == ["gamma", "beta"]


def test_layer_normalization_weights_span_the_axes():
    layer = LayerNormalization(axis=[2, 1])
    layer.build((None, 3, 4))
    assert layer.axis == [1, 2]  # sorted at build, as Keras
    assert layer.gamma.shape == (3, 4) and layer.beta.shape == (3, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rms = LayerNormalization(rms_scaling=True, center=True)
    rms.build((2, 5))
    assert [v.name for v in rms.weights] == ["gamma"]  # rms_scaling has no beta
    plain = LayerNormalization(scale=False, center=False)
    plain.build((2, 5))
    assert plain.count_params() == 0


def test_layer_normalization_half_precision_computes_in_float32():
    x = np.random.default_rng(3).normal(100, 5, (4, 8))
    y16 = LayerNormalization(dtype="float16")(x.astype("float16"))
    y32 = LayerNormalization()(x.astype("float16").astype("float32"))
    assert y16.dtype == np.float16
    np.testing.assert_allclose(y16.astype("float32"), y32, atol=2e-3)


def test_errors():
    with pytest.raises(ConfigError, match="axis"):
        LayerNormalization(axis="last")
    with pytest.raises(ConfigError, match="axis"):
        LayerNormalization(axis=[1.5])
    with pytest.raises(ConfigError, match="epsilon"):
        LayerNormalization(epsilon=-1)
    with pytest.raises(ShapeError, match="out of bounds"):
        LayerNormalization(axis=3)(Input((4,)))
    with pytest.raises(ConfigError, match="twice"):
        LayerNormalization(axis=[1, -1])(np.ones((2, 3)))
    with pytest.raises(ConfigError, match="axis"):
        UnitNormalization(axis=None)
    with pytest.raises(ShapeError, match="out of bounds"):
        UnitNormalization(axis=2)(Input((4,)))
    with pytest.warns(UserWarning, match="rms_scaling"):
        LayerNormalization(rms_scaling=True)


@pytest.mark.parametrize(
    "key, make",
    [
        ("LayerNormalization", lambda: LayerNormalization(name="m")),
        (
            "LayerNormalization_full",
            lambda: LayerNormalization(
                axis=[2, 1],
                epsilon=0.01,
                center=False,
                gamma_initializer="random_normal",
                gamma_regularizer="l2",
                beta_constraint="non_neg",
                name="m",
            ),
        ),
        ("UnitNormalization", lambda: UnitNormalization(axis=[1, 2], name="m")),
    ],
)
def test_configs_match_keras(key, make):
    layer = make()
    config = layer.get_config()
    assert as_json_types(config) == GOLD["configs"][key]
    clone = type(layer).from_config(GOLD["configs"][key])
    assert as_json_types(clone.get_config()) == GOLD["configs"][key]


def test_built_config_has_the_sorted_axes():
    layer = LayerNormalization(axis=[2, 1], name="m")
    layer.build((None, 3, 4))
    assert as_json_types(layer.get_config()) == GOLD["configs"]["LayerNormalization_built"]


def _mlp():
    inp = Input((6,))
    h = Dense(8)(inp)
    h = LayerNormalization()(h)
    h = ActivityRegularization(l1=0.01, l2=0.02)(h)
    h = Dense(8, activation="relu")(h)
    h = LayerNormalization(center=False, epsilon=0.01)(h)
    return Model(inp, Dense(2)(h))


def test_layer_normalization_mlp_trains_as_keras(tmp_path):
    case = next(c for c in GOLD["models"] if c["name"] == "layernorm_mlp")
    model = _mlp()
    model.set_weights([np.array(w, "float32") for w in case["weights"]])
    x, y = np.array(case["x"], "float32"), np.array(case["y"], "float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), case["predict_before"], **TOL)
    model.compile(optimizer=SGD(learning_rate=0.1), loss="mse")
    hist = model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    assert hist.history["loss"][-1] == pytest.approx(case["loss"], rel=1e-5)
    for got, want in zip(model.get_weights(), case["weights_after"]):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.predict(x, verbose=0), case["predict_after"], **TOL)
    path = tmp_path / "ln.keras"
    model.save(path)
    loaded = load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), case["predict_after"], **TOL)
    assert [type(la).__name__ for la in loaded.layers].count("LayerNormalization") == 2


def test_unit_normalization_in_a_sequential_model_round_trips(tmp_path):
    model = Sequential([Input((3, 4)), UnitNormalization(axis=[1, 2]), Dense(2)])
    x = np.random.default_rng(4).normal(size=(5, 3, 4)).astype("float32")
    path = tmp_path / "u.keras"
    model.save(path)
    np.testing.assert_allclose(load_model(path).predict(x, verbose=0), model.predict(x, verbose=0))

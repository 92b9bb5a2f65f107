"""RMSNormalization, SpatialDropout3D and the adaptive pooling layers against real Keras 3
(goldens from scripts/goldens/make_misc.py): outputs, gradients (jax.grad) w.r.t. the
inputs and weights, configs; and every gradient against central finite differences."""

import json
import pathlib

import numpy as np
import pytest

from numkeras.errors import ConfigError, ShapeError
from numkeras.layers.adaptive_pooling import (
    AdaptiveAveragePooling1D,
    AdaptiveAveragePooling2D,
    AdaptiveAveragePooling3D,
    AdaptiveMaxPooling1D,
    AdaptiveMaxPooling2D,
    AdaptiveMaxPooling3D,
    bin_edges,
)
from numkeras.layers.rms_normalization import RMSNormalization
from numkeras.layers.spatial_dropout import SpatialDropout3D
from numkeras.models.config import as_json_types
from numkeras.utils.gradcheck import numeric_gradient

GOLD = json.loads((pathlib.Path(__file__).parents[1] / "goldens" / "misc.json").read_text())
CLASSES = {
    cls.__name__: cls
    for cls in (
        RMSNormalization,
        AdaptiveAveragePooling1D,
        AdaptiveAveragePooling2D,
        AdaptiveAveragePooling3D,
        AdaptiveMaxPooling1D,
        AdaptiveMaxPooling2D,
        AdaptiveMaxPooling3D,
    )
}
CASES = [c for c in GOLD["layers"] if c["class"] in CLASSES]


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


def test_goldens_cover_every_layer():
    assert {c["class"] for c in CASES} == set(CLASSES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_forward_and_gradients_match_keras(case):
    layer = CLASSES[case["class"]](**case["kwargs"])
    x = np.array(case["x"], "float32")
    layer.build(x.shape)
    layer.set_weights([np.array(w, "float32") for w in case["weights"]])
    out = layer(x)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, case["output"], rtol=1e-5, atol=1e-6)
    assert layer.compute_output_shape(x.shape) == out.shape
    gx, gw = _grads(layer, x, np.array(case["r"], "float32"))
    assert gx.dtype == np.float32
    np.testing.assert_allclose(gx, case["grad_x"], rtol=1e-5, atol=1e-5)
    assert len(gw) == len(case["grad_weights"])
    for got, want in zip(gw, case["grad_weights"]):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    "make, shape",
    [
        (lambda: RMSNormalization(dtype="float64"), (3, 5)),
        (lambda: RMSNormalization(axis=[1, 2], epsilon=0.1, dtype="float64"), (2, 3, 4)),
        (lambda: RMSNormalization(axis=1, dtype="float64"), (2, 3, 4)),
        (lambda: AdaptiveAveragePooling1D(3, dtype="float64"), (2, 5, 2)),
        (lambda: AdaptiveAveragePooling1D(5, dtype="float64"), (1, 3, 2)),
        (lambda: AdaptiveAveragePooling2D((2, 3), "channels_first", dtype="float64"), (1, 2, 5, 4)),
        (lambda: AdaptiveAveragePooling3D(2, dtype="float64"), (1, 3, 4, 3, 2)),
        (lambda: AdaptiveMaxPooling1D(3, dtype="float64"), (2, 7, 2)),
        (lambda: AdaptiveMaxPooling2D((3, 2), dtype="float64"), (2, 5, 4, 2)),
        (
            lambda: AdaptiveMaxPooling3D((2, 1, 3), "channels_first", dtype="float64"),
            (1, 2, 3, 3, 4),
        ),
    ],
)
def test_finite_differences(make, shape):
    rng = np.random.default_rng(0)
    layer = make()
    x = rng.normal(0.5, 1.5, shape)
    layer.build(x.shape)
    layer.set_weights([rng.normal(0.5, 0.5, w.shape) for w in layer.get_weights()])
    out = layer.call(x)
    r = rng.normal(0, 1, out.shape)
    gx, gw = _grads(layer, x, r)

    def f():
        return float((layer.call(x) * r).sum())

    np.testing.assert_allclose(gx, numeric_gradient(f, x), rtol=1e-6, atol=1e-8)
    for v, g in zip(layer.trainable_weights, gw):
        np.testing.assert_allclose(g, numeric_gradient(f, v.value), rtol=1e-6, atol=1e-8)


def test_rms_normalization_scale_follows_a_middle_axis():
    # Keras broadcasts `scale` against the last axis whatever `axis` is; numkeras along it
    layer = RMSNormalization(axis=1)
    x = np.random.default_rng(2).normal(size=(2, 3, 4)).astype("float32")
    layer.build(x.shape)
    layer.scale.assign(np.array([1.0, 2.0, 3.0], "float32"))
    plain = x / np.sqrt((x**2).mean(axis=1, keepdims=True) + 1e-6)
    np.testing.assert_allclose(layer(x), plain * np.array([1, 2, 3]).reshape(1, 3, 1), rtol=1e-5)


def test_bin_edges_are_keras():
    assert bin_edges(5, 3) == [(0, 2), (1, 4), (3, 5)]
    assert bin_edges(3, 6) == [(0, 1), (0, 1), (1, 2), (1, 2), (2, 3), (2, 3)]
    assert bin_edges(8, 4) == [(0, 2), (2, 4), (4, 6), (6, 8)]


CONFIGS = {
    "RMSNormalization": lambda: RMSNormalization(name="m"),
    "RMSNormalization_full": lambda: RMSNormalization(axis=[2, 1], epsilon=0.01, name="m"),
    "SpatialDropout3D": lambda: SpatialDropout3D(0.3, seed=2, name="m"),
    "SpatialDropout3D_cf": lambda: SpatialDropout3D(0.3, data_format="channels_first", name="m"),
    "AdaptiveAveragePooling1D": lambda: AdaptiveAveragePooling1D(3, name="m"),
    "AdaptiveMaxPooling1D": lambda: AdaptiveMaxPooling1D([3], name="m"),
    "AdaptiveAveragePooling2D": lambda: AdaptiveAveragePooling2D(3, name="m"),
    "AdaptiveMaxPooling2D": lambda: AdaptiveMaxPooling2D((2, 3), name="m"),
    "AdaptiveAveragePooling3D": lambda: AdaptiveAveragePooling3D(2, name="m"),
    "AdaptiveMaxPooling3D": lambda: AdaptiveMaxPooling3D([1, 2, 3], name="m"),
    "AdaptiveMaxPooling2D_cf": lambda: AdaptiveMaxPooling2D(4, "channels_first", name="m"),
}


@pytest.mark.parametrize("key", sorted(CONFIGS))
def test_configs_match_keras(key):
    layer = CONFIGS[key]()
    want = GOLD["configs"][key]
    assert as_json_types(layer.get_config()) == want
    clone = type(layer).from_config(want)
    assert as_json_types(clone.get_config()) == want


def test_rms_normalization_built_config_has_a_list_axis():
    layer = RMSNormalization(name="m")
    layer.build((None, 3, 4))
    assert as_json_types(layer.get_config()) == GOLD["configs"]["RMSNormalization_built"]
    assert layer.scale.shape == (4,)
    assert [v.name for v in layer.weights] == ["scale"]


def test_spatial_dropout_3d_drops_whole_channels():
    x = np.ones((3, 2, 3, 2, 4), "float32")
    y = SpatialDropout3D(0.5, seed=3)(x, training=True)
    assert y.dtype == np.float32
    assert ((y == 0).all(axis=(1, 2, 3)) | (y == 2).all(axis=(1, 2, 3))).all()
    assert GOLD["spatial_dropout_3d"]["whole_channels"]
    layer = SpatialDropout3D(0.5, data_format="channels_first", seed=1)
    y = layer(np.ones((4, 5, 2, 2, 2), "float32"), training=True)
    assert ((y == 0).all(axis=(2, 3, 4)) | (y == 2).all(axis=(2, 3, 4))).all()
    np.testing.assert_array_equal(layer(x, training=False), x)
    assert list(layer.compute_output_shape((None, 3, 4, 5, 6))) == [None, 3, 4, 5, 6]
    # the backward pass uses the same mask
    out, cache = layer.forward(np.ones((2, 3, 2, 2, 2), "float32"), training=True)
    g = layer.backward(cache, np.ones_like(out))
    np.testing.assert_array_equal(g, out)


def test_errors():
    with pytest.raises(ConfigError, match="output_size"):
        AdaptiveAveragePooling2D((2, 3, 4))
    with pytest.raises(ConfigError, match="positive"):
        AdaptiveMaxPooling1D(0)
    with pytest.raises(ConfigError, match="data_format"):
        AdaptiveMaxPooling1D(2, data_format="NHWC")
    with pytest.raises(ShapeError):
        AdaptiveAveragePooling2D(2)(np.ones((2, 4, 4), "float32"))
    with pytest.raises(ConfigError, match="axis"):
        RMSNormalization(axis="last")
    with pytest.raises(ShapeError, match="out of bounds"):
        RMSNormalization(axis=3)(np.ones((2, 3), "float32"))
    with pytest.raises(ConfigError, match="data_format"):
        SpatialDropout3D(0.2, data_format="channels_middle")
    with pytest.raises(ShapeError):
        SpatialDropout3D(0.2)(np.ones((2, 3, 4, 5), "float32"))


def test_in_a_model_train_save_and_load(tmp_path):
    from numkeras.layers import Dense, Flatten, Input
    from numkeras.models import Sequential, load_model

    model = Sequential(
        [
            Input((7, 5, 3)),
            AdaptiveMaxPooling2D((3, 2)),
            AdaptiveAveragePooling2D(2),
            RMSNormalization(),
            Flatten(),
            Dense(1),
        ]
    )
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 7, 5, 3)).astype("float32")
    y = x.mean(axis=(1, 2, 3))[:, None]
    model.compile(optimizer="adam", loss="mse")
    hist = model.fit(x, y, epochs=3, batch_size=8, verbose=0)
    assert np.isfinite(hist.history["loss"]).all()
    assert not np.allclose(model.layers[2].scale.numpy(), 1.0)  # the scale was trained
    path = tmp_path / "m.keras"
    model.save(path)
    custom = {c.__name__: c for c in (*CLASSES.values(), SpatialDropout3D)}
    loaded = load_model(path, custom_objects=custom)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))

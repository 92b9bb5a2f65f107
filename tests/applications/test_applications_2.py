"""EfficientNet, EfficientNetV2, MobileNetV3, ConvNeXt, InceptionResNetV2 and NASNet against
Keras 3 (goldens from scripts/goldens/make_applications_2.py): each built small, its
weights filled alike, and its layers, weights, sizes and predictions compared."""

import importlib
import json

import numpy as np
import pytest

import numkeras
from numkeras.errors import ConfigError, ShapeError

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("applications_2")
SCRIPT = scenario_script("make_applications_2")


def _module(name: str):
    return importlib.import_module(f"numkeras.applications.{name}")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_matches_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    want = GOLD[name]
    exact = {k: v for k, v in want.items() if not k.startswith("prediction")}
    assert {k: got[k] for k in exact} == exact, name
    assert_json_close(got, want, rtol=1e-3, atol=1e-4, where=name)


@pytest.mark.parametrize("module", ["efficientnet", "efficientnet_v2", "mobilenet_v3", "convnext"])
def test_self_preprocessing_models_pass_inputs_through(module):
    x = np.arange(12.0).reshape(1, 2, 2, 3)
    assert _module(module).preprocess_input(x) is x


@pytest.mark.parametrize("module", ["inception_resnet_v2", "nasnet"])
def test_tf_mode_preprocessing(module):
    x = np.array([[[[0.0, 127.5, 255.0]]]])
    np.testing.assert_allclose(_module(module).preprocess_input(x), [[[[-1.0, 0.0, 1.0]]]])


def test_decode_predictions_checks_the_shape():
    for module in ("efficientnet", "convnext", "nasnet"):
        with pytest.raises(ValueError, match=r"\(samples, 1000\)"):
            _module(module).decode_predictions(np.zeros((1, 10)))


def test_argument_errors():
    mv3 = _module("mobilenet_v3")
    with pytest.raises(ShapeError, match="at least 32x32"):
        mv3.MobileNetV3Small(weights=None, input_shape=(16, 16, 3))
    with pytest.raises(ConfigError, match="alpha can be one of"):
        mv3.MobileNetV3Large(weights="imagenet", alpha=0.5)
    with pytest.raises(ConfigError, match="`classes` should be 1000"):
        _module("efficientnet").EfficientNetB0(weights="imagenet", classes=10)
    with pytest.raises(ShapeError, match="at least 75x75"):
        _module("inception_resnet_v2").InceptionResNetV2(weights=None, input_shape=(64, 64, 3))
    with pytest.raises(ConfigError, match="multiple of 24"):
        _module("nasnet").NASNet(input_shape=(32, 32, 3), penultimate_filters=100, weights=None)


@pytest.mark.parametrize("module, function", [("convnext", "ConvNeXtTiny"), ("nasnet", "NASNet")])
def test_channels_last_only(module, function):
    numkeras.backend.set_image_data_format("channels_first")
    try:
        with pytest.raises(ConfigError, match="channels_first"):
            getattr(_module(module), function)(weights=None)
    finally:
        numkeras.backend.set_image_data_format("channels_last")


def test_mobilenet_v3_takes_the_size_of_input_tensor():
    """Without `input_shape`, MobileNetV3 builds on `input_tensor`'s own size."""
    inputs = numkeras.Input((40, 48, 3))
    model = _module("mobilenet_v3").MobileNetV3Small(
        weights=None, include_top=False, input_tensor=inputs
    )
    assert model.inputs[0] is inputs and model.output_shape == (None, 2, 2, 576)


def test_convnext_stochastic_depth_and_layer_scale():
    """StochasticDepth drops whole samples in training only (the kept ones scaled up);
    LayerScale multiplies the channels; both configs round-trip."""
    cx = _module("convnext")
    layer = cx.StochasticDepth(0.5)
    x = np.ones((64, 2, 3), "float32")
    assert layer(x) is x
    out = numkeras.ops.convert_to_numpy(layer(x, training=True))
    per_sample = out.reshape(64, -1)
    assert set(np.unique(per_sample)) <= {0.0, 2.0}
    assert (per_sample == per_sample[:, :1]).all() and 0 < per_sample[:, 0].mean() < 2
    assert cx.StochasticDepth.from_config(layer.get_config()).drop_path_rate == 0.5
    scale = cx.LayerScale(0.1, 3)
    np.testing.assert_allclose(scale(np.ones((2, 3), "float32")), np.full((2, 3), 0.1))
    assert cx.LayerScale.from_config(scale.get_config()).projection_dim == 3

"""Conv1DTranspose, Conv3D, Conv3DTranspose, DepthwiseConv1D/2D, SeparableConv1D/2D, the 3-D
poolings and the 1-D / 3-D UpSampling, ZeroPadding and Cropping layers against real Keras 3
(goldens from scripts/goldens/make_conv_more.py): outputs, input and weight gradients,
weight names and shapes, configs, symbolic output shapes; float64 finite differences; small
models trained two SGD steps as Keras trains them; `.keras` round trips; errors."""

import importlib.util
import json
import pathlib
import warnings

import numpy as np
import pytest

from numkeras import layers
from numkeras.errors import ConfigError, ShapeError
from numkeras.layers import (
    AveragePooling3D,
    Conv1DTranspose,
    Conv3D,
    Conv3DTranspose,
    Cropping1D,
    Cropping3D,
    Dense,
    DepthwiseConv1D,
    DepthwiseConv2D,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalAveragePooling3D,
    GlobalMaxPooling3D,
    Input,
    MaxPooling3D,
    SeparableConv1D,
    SeparableConv2D,
    UpSampling1D,
    UpSampling3D,
    ZeroPadding1D,
    ZeroPadding3D,
)
from numkeras.models import Sequential, load_model, model_from_json
from numkeras.optimizers import SGD

_spec = importlib.util.spec_from_file_location(
    "conv_golden", pathlib.Path(__file__).with_name("conv_golden.py")
)
cg = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cg)

GOLD = json.loads((pathlib.Path(__file__).parents[1] / "goldens" / "conv_more.json").read_text())


@pytest.mark.parametrize("case", GOLD["eager"], ids=lambda c: c["name"])
def test_forward_and_gradients_match_keras(case):
    cg.check_against_keras(case)


@pytest.mark.parametrize("case", GOLD["eager"], ids=lambda c: c["name"])
def test_configs_match_keras(case):
    cg.check_config(case)


@pytest.mark.parametrize("case", GOLD["eager"], ids=lambda c: c["name"])
def test_weight_names_and_shapes_match_keras(case):
    layer = getattr(layers, case["class"])(**case["kwargs"])
    layer.build(tuple(case["x_shape"]))
    assert [w.name.split("/")[-1] for w in layer.weights] == case["weight_names"]
    assert [list(w.shape) for w in layer.weights] == case["weight_shapes"]


@pytest.mark.parametrize(
    "case", GOLD["shapes"], ids=lambda c: f"{c['class']}{c['batch_shape']}{c['kwargs']}"
)
def test_symbolic_output_shapes_match_keras(case):
    cg.check_symbolic_shape(case)


# -- finite differences (float64) ------------------------------------------------------------
FD = {
    "conv1d_transpose_same": (lambda: Conv1DTranspose(2, 3, strides=2, padding="same"), (2, 4, 3)),
    "conv1d_transpose_output_padding_cf": (
        lambda: Conv1DTranspose(2, 2, strides=3, output_padding=1, data_format="channels_first"),
        (1, 2, 3),
    ),
    "conv3d_same_strided_tanh": (
        lambda: Conv3D(2, (2, 3, 2), strides=(1, 2, 2), padding="same", activation="tanh"),
        (1, 3, 4, 5, 2),
    ),
    "conv3d_groups_cf": (
        lambda: Conv3D(4, 2, groups=2, data_format="channels_first"),
        (1, 4, 3, 3, 3),
    ),
    "conv3d_transpose": (lambda: Conv3DTranspose(2, 2, strides=(2, 1, 2)), (1, 2, 2, 3, 2)),
    "depthwise2d_multiplier_same": (
        lambda: DepthwiseConv2D(
            3, depth_multiplier=2, strides=2, padding="same", activation="tanh"
        ),
        (2, 5, 4, 3),
    ),
    "depthwise2d_strides_dilation_cf": (
        lambda: DepthwiseConv2D(2, strides=2, dilation_rate=2, data_format="channels_first"),
        (1, 2, 6, 7),
    ),
    "depthwise1d": (lambda: DepthwiseConv1D(3, depth_multiplier=3), (2, 6, 2)),
    "separable2d_multiplier": (
        lambda: SeparableConv2D(3, 3, depth_multiplier=2, padding="same", activation="sigmoid"),
        (1, 4, 5, 2),
    ),
    "separable2d_dilation_cf": (
        lambda: SeparableConv2D(2, 2, dilation_rate=2, data_format="channels_first"),
        (2, 3, 5, 4),
    ),
    "separable1d_strides": (lambda: SeparableConv1D(2, 3, strides=2), (2, 7, 3)),
    "max_pooling3d_same": (
        lambda: MaxPooling3D(2, strides=(1, 2, 2), padding="same"),
        (1, 3, 4, 5, 2),
    ),
    "average_pooling3d_same_cf": (
        lambda: AveragePooling3D(3, strides=2, padding="same", data_format="channels_first"),
        (1, 2, 4, 5, 3),
    ),
    "global_average_pooling3d": (lambda: GlobalAveragePooling3D(keepdims=True), (2, 2, 3, 2, 3)),
    "global_max_pooling3d_cf": (
        lambda: GlobalMaxPooling3D(data_format="channels_first"),
        (2, 3, 2, 3, 2),
    ),
    "up_sampling1d": (lambda: UpSampling1D(3), (2, 3, 2)),
    "up_sampling3d_cf": (
        lambda: UpSampling3D((2, 1, 3), data_format="channels_first"),
        (1, 2, 2, 3, 2),
    ),
    "zero_padding1d": (lambda: ZeroPadding1D((2, 1)), (2, 3, 2)),
    "zero_padding3d_cf": (
        lambda: ZeroPadding3D(((1, 0), 2, (0, 1)), data_format="channels_first"),
        (1, 2, 2, 2, 2),
    ),
    "cropping1d": (lambda: Cropping1D((1, 2)), (2, 6, 2)),
    "cropping3d": (lambda: Cropping3D(((1, 0), 1, (0, 2))), (1, 3, 4, 5, 2)),
}


@pytest.mark.parametrize("name", list(FD))
def test_gradients_match_finite_differences(float64, name):
    make, shape = FD[name]
    layer = make()
    x = np.random.default_rng(3).normal(size=shape)
    layer.build(x.shape)
    rng = np.random.default_rng(4)
    layer.set_weights([rng.normal(0, 0.5, v.shape) for v in layer.weights])
    cg.numeric_check(layer, x)


# -- training against Keras -------------------------------------------------------------------
def _golden_model(name):
    return {
        "separable_net": lambda: Sequential(
            [
                Input((6, 6, 2)),
                SeparableConv2D(4, 3, padding="same", depth_multiplier=2, activation="relu"),
                DepthwiseConv2D(3, strides=2, depth_multiplier=2, activation="tanh"),
                GlobalAveragePooling2D(),
                Dense(3, activation="softmax"),
            ]
        ),
        "volume_net": lambda: Sequential(
            [
                Input((4, 4, 4, 2)),
                Conv3D(3, 2, padding="same", activation="relu"),
                MaxPooling3D(2),
                UpSampling3D(),
                ZeroPadding3D(1),
                Cropping3D(((1, 0), (0, 1), 1)),
                Conv3DTranspose(2, 2, strides=2, padding="same"),
                AveragePooling3D(2),
                GlobalMaxPooling3D(),
                Dense(1),
            ]
        ),
        "sequence_net": lambda: Sequential(
            [
                Input((6, 3)),
                SeparableConv1D(4, 3, depth_multiplier=2, activation="relu"),
                UpSampling1D(2),
                ZeroPadding1D((1, 0)),
                DepthwiseConv1D(2, strides=2),
                Conv1DTranspose(2, 3, strides=2, padding="same", activation="tanh"),
                Cropping1D((1, 2)),
                GlobalAveragePooling1D(),
                Dense(1),
            ]
        ),
    }[name]()


def _set(model, flat):
    model.set_weights(
        [np.array(w, "float32").reshape(v.shape) for w, v in zip(flat, model.weights)]
    )


def _loss(name):
    return "sparse_categorical_crossentropy" if name == "separable_net" else "mse"


@pytest.mark.parametrize("case", GOLD["training"], ids=lambda c: c["name"])
def test_two_sgd_steps_match_keras(case):
    model = _golden_model(case["name"])
    _set(model, case["weights"])
    model.compile(optimizer=SGD(learning_rate=0.1), loss=_loss(case["name"]))
    x, y = np.array(case["x"], "float32"), np.array(case["y"])
    history = model.fit(x, y, batch_size=len(x) // 2, epochs=1, shuffle=False, verbose=0)
    assert history.history["loss"][-1] == pytest.approx(case["loss"], rel=1e-5)
    for got, want in zip(model.get_weights(), case["weights_after"]):
        np.testing.assert_allclose(got.ravel(), want, rtol=2e-5, atol=2e-6)
    np.testing.assert_allclose(model.predict(x, verbose=0).ravel(), case["predict_after"], **cg.TOL)


@pytest.mark.parametrize("case", GOLD["training"], ids=lambda c: c["name"])
def test_keras_model_configs_load(case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = model_from_json(case["model_json"])
    reference = _golden_model(case["name"])
    assert [type(la) for la in model.layers] == [type(la) for la in reference.layers]
    _set(model, case["weights"])
    _set(reference, case["weights"])
    x = np.array(case["x"], "float32")
    np.testing.assert_array_equal(model.predict(x, verbose=0), reference.predict(x, verbose=0))


@pytest.mark.parametrize("name", ["separable_net", "volume_net", "sequence_net"])
def test_keras_file_round_trip(tmp_path, name):
    model = _golden_model(name)
    model.compile(optimizer="adam", loss=_loss(name))
    case = next(c for c in GOLD["training"] if c["name"] == name)
    x, y = np.array(case["x"], "float32"), np.array(case["y"])
    model.fit(x, y, epochs=1, batch_size=3, verbose=0)
    model.save(tmp_path / "m.keras")
    again = load_model(tmp_path / "m.keras")
    assert [type(la) for la in again.layers] == [type(la) for la in model.layers]
    assert [la.get_config() for la in again.layers] == [la.get_config() for la in model.layers]
    np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))


# -- misc ---------------------------------------------------------------------------------------
def test_parameter_counts_and_aliases():
    assert layers.SeparableConvolution2D is SeparableConv2D
    assert layers.Convolution3D is Conv3D and layers.Convolution1DTranspose is Conv1DTranspose
    assert layers.MaxPool3D is MaxPooling3D and layers.AvgPool3D is AveragePooling3D
    assert layers.GlobalAvgPool3D is GlobalAveragePooling3D
    assert layers.GlobalMaxPool3D is GlobalMaxPooling3D
    model = Sequential(
        [Input((8, 8, 3)), SeparableConv2D(16, 3, depth_multiplier=2), DepthwiseConv2D(3)]
    )
    # Keras: 3*3*3*2 + 6*16 + 16 = 166; 3*3*16 + 16 = 160
    assert [la.count_params() for la in model.layers] == [166, 160]


def test_float32_throughout():
    for layer, shape in [
        (SeparableConv2D(2, 3), (1, 4, 4, 2)),
        (DepthwiseConv1D(2), (1, 4, 2)),
        (Conv3DTranspose(2, 2), (1, 2, 2, 2, 1)),
        (AveragePooling3D(2), (1, 2, 2, 2, 1)),
    ]:
        y = layer(np.ones(shape, "float64"))
        assert y.dtype == np.float32
        assert all(w.dtype == np.float32 for w in layer.weights)


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: DepthwiseConv2D(3, depth_multiplier=0), "depth_multiplier"),
        (lambda: DepthwiseConv2D((3, 3, 3)), "kernel_size"),
        (lambda: DepthwiseConv2D(3, padding="causal"), "padding"),
        (lambda: SeparableConv2D(0, 3), "filters"),
        (lambda: SeparableConv1D(2, 3, strides=0), "strides"),
        (lambda: Conv3D(4, 3, strides=2, dilation_rate=2), "dilation_rate"),
        (lambda: Conv3D(4, (3, 3)), "kernel_size"),
        (lambda: Conv1DTranspose(2, 3, strides=2, output_padding=2), "output_padding"),
        (lambda: MaxPooling3D((2, 2)), "pool_size"),
        (lambda: UpSampling1D(0), "size"),
        (lambda: UpSampling3D((2, 2)), "size"),
        (lambda: ZeroPadding1D(-1), "padding"),
        (lambda: ZeroPadding3D(((1, 1), (1, 1))), "padding"),
        (lambda: Cropping3D(-1), "cropping"),
        (lambda: Cropping1D((1, 2, 3)), "cropping"),
        (lambda: Cropping3D(1, data_format="NDHWC"), "data_format"),
    ],
)
def test_bad_arguments_raise_config_errors(make, match):
    with pytest.raises(ConfigError, match=match):
        make()


def test_shape_errors_are_explained():
    with pytest.raises(ShapeError, match=r"\(batch, depth, rows, cols, channels\)"):
        Conv3D(2, 2)(np.zeros((1, 4, 4, 4)))
    with pytest.raises(ShapeError, match="3x3x3 kernel"):
        Sequential([Input((2, 4, 4, 1)), Conv3D(2, 3)])
    with pytest.raises(ShapeError, match="Cropping1D"):
        Cropping1D((2, 3))(np.zeros((1, 5, 2)))
    with pytest.raises(ShapeError, match="Cropping3D"):
        Cropping3D(2)(np.zeros((1, 4, 6, 6, 1)))
    layer = DepthwiseConv2D(3)
    layer(np.zeros((1, 5, 5, 3)))
    with pytest.raises(ShapeError, match="must be 3"):
        layer(np.zeros((1, 5, 5, 4)))

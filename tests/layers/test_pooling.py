"""Pooling (Max/Average 1D and 2D, Global*), UpSampling2D, ZeroPadding2D and Cropping2D
against real Keras 3 (goldens from scripts/goldens/make_conv_pooling.py): outputs, input
gradients (ties included: JAX sends a max pool's gradient to the first maximum of each
window and shares a global max's among the tied maxima), configs and output shapes;
finite-difference gradients in float64; errors."""

import importlib.util
import pathlib

import numpy as np
import pytest

from numkeras import layers
from numkeras.errors import ConfigError, ShapeError
from numkeras.layers import (
    AveragePooling1D,
    AveragePooling2D,
    AvgPool2D,
    Cropping2D,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    Input,
    MaxPool2D,
    MaxPooling1D,
    MaxPooling2D,
    UpSampling2D,
    ZeroPadding2D,
)
from numkeras.models import Sequential

_spec = importlib.util.spec_from_file_location(
    "conv_golden", pathlib.Path(__file__).with_name("conv_golden.py")
)
cg = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cg)

POOLING = (
    "MaxPooling1D",
    "MaxPooling2D",
    "AveragePooling1D",
    "AveragePooling2D",
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "UpSampling2D",
    "ZeroPadding2D",
    "Cropping2D",
)


@pytest.mark.parametrize("case", cg.cases(*POOLING), ids=lambda c: c["name"])
def test_forward_and_gradients_match_keras(case):
    cg.check_against_keras(case)


@pytest.mark.parametrize("case", cg.cases(*POOLING), ids=lambda c: c["name"])
def test_configs_match_keras(case):
    cg.check_config(case)


@pytest.mark.parametrize(
    "case", cg.shape_cases(*POOLING), ids=lambda c: f"{c['class']}{c['batch_shape']}"
)
def test_symbolic_output_shapes_match_keras(case):
    cg.check_symbolic_shape(case)


def test_every_layer_has_a_golden():
    tested = {c["class"] for c in cg.GOLD["eager"]}
    assert set(POOLING) | {"Conv1D", "Conv2D", "Conv2DTranspose"} == tested
    for name in tested:
        assert name in layers.__all__


def test_max_pool_ties_go_to_the_first_maximum():
    layer = MaxPooling2D(2, strides=1)
    x = np.ones((1, 3, 3, 1), "float32")
    y, cache = layer.forward(x)
    dx = layer.backward(cache, np.ones_like(y))
    # each window's first (top-left) element takes its gradient
    np.testing.assert_array_equal(dx[0, :, :, 0], [[1, 1, 0], [1, 1, 0], [0, 0, 0]])


def test_global_max_ties_share_the_gradient():
    layer = GlobalMaxPooling1D()
    x = np.array([[[1.0], [3.0], [3.0]]], "float32")
    y, cache = layer.forward(x)
    np.testing.assert_array_equal(layer.backward(cache, np.ones_like(y))[0, :, 0], [0, 0.5, 0.5])


# -- finite differences (float64) ------------------------------------------------------------
@pytest.mark.parametrize(
    "make, shape",
    [
        (lambda: MaxPooling2D(3, strides=2, padding="same"), (2, 7, 6, 3)),
        (lambda: MaxPooling2D((2, 3), strides=1, data_format="channels_first"), (1, 2, 4, 5)),
        (lambda: AveragePooling2D(3, strides=2, padding="same"), (2, 6, 7, 2)),
        (lambda: AveragePooling2D(2, data_format="channels_first"), (1, 2, 5, 4)),
        (lambda: MaxPooling1D(2, strides=1, padding="same"), (2, 5, 3)),
        (lambda: AveragePooling1D(3, strides=2, padding="same"), (2, 8, 2)),
        (lambda: GlobalAveragePooling2D(keepdims=True), (2, 3, 4, 2)),
        (lambda: GlobalMaxPooling2D(data_format="channels_first"), (2, 3, 4, 2)),
        (lambda: GlobalAveragePooling1D(data_format="channels_first"), (2, 3, 4)),
        (lambda: GlobalMaxPooling1D(keepdims=True), (2, 5, 3)),
        (lambda: UpSampling2D((2, 3)), (1, 3, 2, 2)),
        (lambda: UpSampling2D(2, interpolation="bilinear"), (1, 3, 4, 2)),
        (
            lambda: UpSampling2D((3, 2), interpolation="bilinear", data_format="channels_first"),
            (1, 2, 3, 2),
        ),
        (lambda: ZeroPadding2D(((1, 2), (0, 1))), (1, 3, 2, 2)),
        (lambda: Cropping2D(((1, 0), (1, 2)), data_format="channels_first"), (1, 2, 4, 5)),
    ],
    ids=lambda v: "" if callable(v) else str(v),
)
def test_gradients_match_finite_differences(float64, make, shape):
    layer = make()
    x = np.random.default_rng(5).normal(size=shape)
    layer.build(x.shape)
    cg.numeric_check(layer, x)


def test_pooling_in_a_trained_model_keeps_float32():
    model = Sequential(
        [Input((6, 6, 2)), AvgPool2D(2), MaxPool2D(1), GlobalMaxPooling2D(), layers.Dense(1)]
    )
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).normal(size=(4, 6, 6, 2)).astype("float32")
    losses = model.fit(x, np.zeros((4, 1)), epochs=3, verbose=0).history["loss"]
    assert losses[-1] < losses[0]
    y = model.predict(x, verbose=0)
    assert y.dtype == np.float32 and y.shape == (4, 1)


# -- errors -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: MaxPooling2D(0), "pool_size"),
        (lambda: MaxPooling2D((2, 2, 2)), "pool_size"),
        (lambda: MaxPooling2D(2, strides=-1), "strides"),
        (lambda: MaxPooling1D(2, padding="causal"), "padding"),
        (lambda: AveragePooling2D(2, data_format="channels_middle"), "data_format"),
        (lambda: GlobalMaxPooling2D(data_format="nhwc"), "data_format"),
        (lambda: UpSampling2D(0), "size"),
        (lambda: UpSampling2D(interpolation="area"), "not supported by numkeras"),
        (lambda: UpSampling2D(interpolation="cubic"), "interpolation"),
        (lambda: ZeroPadding2D(-1), "negative"),
        (lambda: ZeroPadding2D((1, 2, 3)), "padding"),
        (lambda: Cropping2D(((1, -1), (0, 0))), "cropping"),
    ],
)
def test_bad_arguments_raise_config_errors(make, match):
    with pytest.raises(ConfigError, match=match):
        make()


def test_wrong_rank_and_small_inputs_are_explained():
    with pytest.raises(ShapeError, match=r"\(batch, rows, cols, channels\)"):
        MaxPooling2D()(np.zeros((2, 8, 8)))
    with pytest.raises(ShapeError, match=r"\(batch, steps, channels\)"):
        GlobalAveragePooling1D()(np.zeros((2, 8, 8, 1)))
    with pytest.raises(ShapeError, match="3x3 pool window") as e:
        Sequential([Input((2, 2, 1)), MaxPooling2D(3)])
    assert "padding='same'" in str(e.value)
    assert MaxPooling2D(3, padding="same")(np.zeros((1, 2, 2, 1))).shape == (1, 1, 1, 1)


@pytest.mark.parametrize("fused_on", [True, False])
def test_max_pooling_propagates_nan(fused_on):
    """A NaN in a window gives NaN, wherever it is in the window, as Keras's (XLA's) max
    pooling gives it (Keras 3 on JAX: `[nan, 3]` for both inputs below)."""
    from numkeras import ops
    from numkeras.backend import fused

    was = fused._enabled
    fused.set_enabled(fused_on)
    try:
        for values in ([1.0, np.nan, 3.0, 0.0], [np.nan, 1.0, 3.0, 0.0]):
            x = np.array(values, "float32").reshape(1, 4, 1)
            np.testing.assert_array_equal(ops.max_pool(x, 2, strides=2).ravel(), [np.nan, 3.0])
        image = np.random.default_rng(0).random((2, 6, 6, 3)).astype("float32")
        image[0, 1, 1, 0] = np.nan
        pooled = np.asarray(layers.MaxPooling2D(2)(image))
        assert np.isnan(pooled[0, 0, 0, 0]) and np.isnan(pooled).sum() == 1
    finally:
        fused.set_enabled(was)

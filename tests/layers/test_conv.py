"""Conv1D, Conv2D and Conv2DTranspose against real Keras 3 (goldens from
scripts/goldens/make_conv_pooling.py): outputs, input and weight gradients, configs and
output shapes; finite-difference gradients in float64; small convnets trained two SGD steps
as Keras trains them; the MNIST convnet and the DCGAN generator end to end; saving; errors."""

import importlib.util
import pathlib
import warnings

import numpy as np
import pytest

from numkeras import regularizers
from numkeras.errors import ConfigError, ShapeError
from numkeras.layers import (
    Conv1D,
    Conv2D,
    Conv2DTranspose,
    Convolution2D,
    Cropping2D,
    Dense,
    Dropout,
    Flatten,
    GlobalAveragePooling1D,
    Input,
    LeakyReLU,
    MaxPooling1D,
    MaxPooling2D,
    Reshape,
    UpSampling2D,
    ZeroPadding2D,
)
from numkeras.models import Sequential, load_model, model_from_json
from numkeras.optimizers import SGD

_spec = importlib.util.spec_from_file_location(
    "conv_golden", pathlib.Path(__file__).with_name("conv_golden.py")
)
cg = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cg)

CONV = ("Conv1D", "Conv2D", "Conv2DTranspose")


@pytest.mark.parametrize("case", cg.cases(*CONV), ids=lambda c: c["name"])
def test_forward_and_gradients_match_keras(case):
    cg.check_against_keras(case)


@pytest.mark.parametrize("case", cg.cases(*CONV), ids=lambda c: c["name"])
def test_configs_match_keras(case):
    cg.check_config(case)


@pytest.mark.parametrize(
    "case", cg.shape_cases(*CONV), ids=lambda c: f"{c['class']}{c['batch_shape']}"
)
def test_symbolic_output_shapes_match_keras(case):
    cg.check_symbolic_shape(case)


# -- finite differences (float64) ------------------------------------------------------------
@pytest.mark.parametrize(
    "make, shape",
    [
        (
            lambda: Conv2D(3, (3, 2), strides=(2, 1), padding="same", activation="tanh"),
            (2, 5, 6, 2),
        ),
        (lambda: Conv2D(4, 3, dilation_rate=2, groups=2), (1, 6, 7, 4)),
        (lambda: Conv2D(2, 2, padding="same", data_format="channels_first"), (2, 3, 4, 5)),
        (lambda: Conv1D(3, 3, padding="causal", dilation_rate=2, activation="sigmoid"), (2, 7, 2)),
        (lambda: Conv1D(4, 2, strides=2, groups=2, data_format="channels_first"), (1, 4, 7)),
        (lambda: Conv2DTranspose(2, 4, strides=2, padding="same"), (2, 3, 3, 3)),
        (lambda: Conv2DTranspose(2, 3, strides=(2, 3), output_padding=(1, 0)), (1, 3, 2, 2)),
        (
            lambda: Conv2DTranspose(3, 2, dilation_rate=2, data_format="channels_first"),
            (1, 2, 3, 4),
        ),
    ],
    ids=[
        "conv2d_same_strided_tanh",
        "conv2d_dilated_groups",
        "conv2d_channels_first",
        "conv1d_causal",
        "conv1d_groups_channels_first",
        "conv2d_transpose_same",
        "conv2d_transpose_output_padding",
        "conv2d_transpose_dilated_channels_first",
    ],
)
def test_gradients_match_finite_differences(float64, make, shape):
    layer = make()
    x = np.random.default_rng(3).normal(size=shape)
    layer.build(x.shape)
    rng = np.random.default_rng(4)
    layer.set_weights([rng.normal(0, 0.5, v.shape) for v in layer.weights])
    cg.numeric_check(layer, x)


# -- training against Keras -------------------------------------------------------------------
def _golden_model(name):
    return {
        "convnet": lambda: Sequential(
            [
                Input((8, 8, 2)),
                Conv2D(3, 3, activation="relu", padding="same"),
                MaxPooling2D(2),
                Conv2D(4, 2, activation="relu"),
                Flatten(),
                Dense(3, activation="softmax"),
            ]
        ),
        "dcgan_generator": lambda: Sequential(
            [
                Input((4,)),
                Dense(2 * 2 * 3),
                Reshape((2, 2, 3)),
                Conv2DTranspose(4, 4, strides=2, padding="same"),
                LeakyReLU(0.2),
                Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh"),
            ]
        ),
        "upsampling_generator": lambda: Sequential(
            [
                Input((4,)),
                Dense(2 * 2 * 3),
                Reshape((2, 2, 3)),
                UpSampling2D(),
                Conv2D(2, 3, padding="same", activation="relu"),
                UpSampling2D(interpolation="bilinear"),
                ZeroPadding2D(1),
                Conv2D(1, 3, activation="tanh"),
            ]
        ),
        "conv1d_net": lambda: Sequential(
            [
                Input((10, 3)),
                Conv1D(4, 3, padding="causal", activation="relu"),
                MaxPooling1D(2),
                Conv1D(2, 2, groups=2),
                GlobalAveragePooling1D(),
                Dense(1),
            ]
        ),
    }[name]()


def _set(model, flat):
    model.set_weights(
        [np.array(w, "float32").reshape(v.shape) for w, v in zip(flat, model.weights)]
    )


@pytest.mark.parametrize("case", cg.GOLD["training"], ids=lambda c: c["name"])
def test_two_sgd_steps_match_keras(case):
    model = _golden_model(case["name"])
    _set(model, case["weights"])
    loss = "sparse_categorical_crossentropy" if case["name"] == "convnet" else "mse"
    model.compile(optimizer=SGD(learning_rate=0.1), loss=loss)
    x, y = np.array(case["x"], "float32"), np.array(case["y"])
    history = model.fit(x, y, batch_size=len(x) // 2, epochs=1, shuffle=False, verbose=0)
    assert history.history["loss"][-1] == pytest.approx(case["loss"], rel=1e-5)
    for got, want in zip(model.get_weights(), case["weights_after"]):
        np.testing.assert_allclose(got.ravel(), want, rtol=2e-5, atol=2e-6)
    np.testing.assert_allclose(model.predict(x, verbose=0).ravel(), case["predict_after"], **cg.TOL)


@pytest.mark.parametrize("case", cg.GOLD["training"], ids=lambda c: c["name"])
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


# -- models -----------------------------------------------------------------------------------
def mnist_convnet():
    """keras.io's "Simple MNIST convnet", imports changed."""
    return Sequential(
        [
            Input(shape=(28, 28, 1)),
            Conv2D(32, kernel_size=(3, 3), activation="relu"),
            MaxPooling2D(pool_size=(2, 2)),
            Conv2D(64, kernel_size=(3, 3), activation="relu"),
            MaxPooling2D(pool_size=(2, 2)),
            Flatten(),
            Dropout(0.5),
            Dense(10, activation="softmax"),
        ]
    )


def test_mnist_convnet_summary_and_parameter_count(capsys):
    model = mnist_convnet()
    model.summary()
    out = capsys.readouterr().out
    assert "(None, 26, 26, 32)" in out and "(None, 5, 5, 64)" in out and "(None, 1600)" in out
    assert model.count_params() == 34826  # as keras.io's summary
    assert [la.count_params() for la in model.layers[::2]] == [320, 18496, 0, 16010]


def test_convnet_save_and_load_round_trip(tmp_path):
    model = mnist_convnet()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(0)
    x = rng.uniform(size=(16, 28, 28, 1)).astype("float32")
    model.fit(x, rng.integers(0, 10, 16), epochs=1, batch_size=8, verbose=0)
    for name in ("m.keras", "m.h5"):
        model.save(tmp_path / name)
        again = load_model(tmp_path / name)
        np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))
        assert [type(la) for la in again.layers] == [type(la) for la in model.layers]
        assert again.layers[0].get_config() == model.layers[0].get_config()
    clone = model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    np.testing.assert_array_equal(clone.predict(x, verbose=0), model.predict(x, verbose=0))


def test_dcgan_generator_trains():
    g = Sequential(
        [
            Input((16,)),
            Dense(7 * 7 * 8),
            Reshape((7, 7, 8)),
            Conv2DTranspose(8, 4, strides=2, padding="same"),
            LeakyReLU(negative_slope=0.2),
            Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh"),
        ]
    )
    assert g.output_shape == (None, 28, 28, 1)
    g.compile(optimizer=SGD(0.05), loss="mse")
    rng = np.random.default_rng(1)
    z = rng.normal(size=(32, 16)).astype("float32")
    target = np.tanh(rng.normal(size=(32, 28, 28, 1))).astype("float32") * 0.5
    losses = g.fit(z, target, epochs=8, batch_size=8, verbose=0).history["loss"]
    assert losses[-1] < losses[0]


def test_regularizers_constraints_and_activity_regularizer():
    layer = Conv2D(
        2,
        3,
        kernel_regularizer=regularizers.L2(0.1),
        bias_regularizer="l1",
        activity_regularizer=regularizers.L1(0.01),
        kernel_constraint="non_neg",
    )
    model = Sequential([Input((5, 5, 1)), layer, Flatten(), Dense(1)])
    model.compile(optimizer=SGD(0.1), loss="mse")
    rng = np.random.default_rng(2)
    x = rng.normal(size=(4, 5, 5, 1)).astype("float32")
    model.train_on_batch(x, np.ones((4, 1)))
    assert (layer.kernel.numpy() >= 0).all()
    assert len(model.losses) == 2  # the kernel's and the bias's penalties
    plain = model.evaluate(x, np.ones((4, 1)), verbose=0)
    y = model.layers[0](x)
    activity = 0.01 * np.abs(y).sum() / 4
    mse = float(((model.predict(x, verbose=0) - 1) ** 2).mean())
    weights = sum(float(v) for v in model.losses)
    assert plain == pytest.approx(mse + weights + activity, rel=1e-5)
    config = layer.get_config()
    assert config["kernel_regularizer"]["class_name"] == "L2"
    assert config["activity_regularizer"]["class_name"] == "L1"
    assert config["kernel_constraint"]["class_name"] == "NonNeg"


def test_keras_aliases():
    assert Convolution2D is Conv2D
    with pytest.raises(ConfigError, match="both .*nb_filter"):
        Conv2D(4, 3, nb_filter=4)  # Keras 1's spelling as well as Keras 2's: as Keras 2.0


# -- errors -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: Conv2D(0, 3), "filters"),
        (lambda: Conv2D(4, 0), "kernel_size"),
        (lambda: Conv2D(4, (3, 3, 3)), "kernel_size"),
        (lambda: Conv2D(4, 3, strides=0), "strides"),
        (lambda: Conv2D(4, 3, padding="full"), "padding"),
        (lambda: Conv2D(4, 3, padding="causal"), "padding"),
        (lambda: Conv2D(4, 3, data_format="NHWC"), "data_format"),
        (lambda: Conv2D(4, 3, groups=0), "groups"),
        (lambda: Conv2D(4, 3, groups=3), "divisible"),
        (lambda: Conv2D(4, 3, strides=2, dilation_rate=2), "dilation_rate"),
        (lambda: Conv2D(4, 3, activation="nope"), "nope"),
        (lambda: Conv2DTranspose(4, 3, strides=2, output_padding=2), "output_padding"),
        (lambda: Conv2DTranspose(4, 3, padding="causal"), "padding"),
        (lambda: Conv2D(4, 3, lora_rank=-2), "lora_rank"),
    ],
)
def test_bad_arguments_raise_config_errors(make, match):
    with pytest.raises(ConfigError, match=match):
        make()


def test_channels_not_divisible_by_groups():
    with pytest.raises(ConfigError, match="input channels must be evenly divisible"):
        Sequential([Input((5, 5, 3)), Conv2D(4, 3, groups=2)])


def test_missing_channels_axis_is_explained():
    model = Sequential([Conv2D(2, 3)])
    with pytest.raises(ShapeError) as e:
        model.predict(np.zeros((4, 28, 28)), verbose=0)
    msg = str(e.value)
    assert "(batch, rows, cols, channels)" in msg and "(4, 28, 28)" in msg
    assert "x[..., None]" in msg and "(4, 28, 28, 1)" in msg
    layer = Conv2D(2, 3)
    layer(np.zeros((1, 6, 6, 3)))
    with pytest.raises(ShapeError, match="single sample.*x\\[None\\]"):
        layer(np.zeros((6, 6, 3)))
    with pytest.raises(ShapeError, match=r"(?s)\(batch, rows, cols, channels=3\).*must be 3"):
        layer(np.zeros((1, 6, 6, 4)))
    with pytest.raises(ShapeError, match=r"\(batch, channels, steps\)"):
        Conv1D(2, 3, data_format="channels_first")(np.zeros((2, 3, 4, 5)))


def test_window_larger_than_input_is_explained():
    with pytest.raises(ShapeError) as e:
        Sequential([Input((2, 2, 1)), Conv2D(4, 3)])
    msg = str(e.value)
    assert "3x3 kernel" in msg and "padding='valid'" in msg and "(2, 2)" in msg
    with pytest.raises(ShapeError, match="dilated: 5x5"):
        Conv2D(1, 3, dilation_rate=2)(np.zeros((1, 4, 9, 1)))
    with pytest.raises(ShapeError, match="Cropping2D"):
        Cropping2D(2)(np.zeros((1, 4, 4, 1)))
    assert Conv2D(4, 3, padding="same")(np.zeros((1, 2, 2, 1))).shape == (1, 2, 2, 4)


def test_float32_throughout():
    layer = Conv2DTranspose(2, 3, strides=2)
    y = layer(np.ones((1, 3, 3, 2), "float64"))
    assert y.dtype == np.float32 and layer.kernel.dtype == np.float32


# -- the MNIST convnet on real data -----------------------------------------------------------
@pytest.mark.slow
def test_mnist_convnet_learns_real_digits():
    from numkeras.datasets import mnist
    from numkeras.utils import to_categorical

    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    x_train = (x_train[:800].astype("float32") / 255)[..., None]
    x_test = (x_test[:500].astype("float32") / 255)[..., None]
    model = mnist_convnet()
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    model.fit(x_train, to_categorical(y_train[:800], 10), batch_size=8, epochs=1, verbose=0)
    _, accuracy = model.evaluate(x_test, to_categorical(y_test[:500], 10), verbose=0)
    assert accuracy > 0.7  # 0.78 here; chance is 0.1

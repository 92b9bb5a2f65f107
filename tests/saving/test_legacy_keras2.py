"""A Keras 2.0.8-era `.h5` (the 2017 GAN tutorial saved its generator as one): the
Sequential config is a bare layer list, the first layer carries `batch_input_shape`,
initializers have no `module`, LeakyReLU says `alpha`, and weights are named `dense_1/kernel:0`
(keras-facts.md 6.2). Written here with h5py as Keras 2 wrote it."""

import json
import warnings

import h5py
import numpy as np
import pytest

from numkeras.layers import Dense, Input, LeakyReLU
from numkeras.models import Sequential, load_model

INIT = {"class_name": "RandomNormal", "config": {"mean": 0.0, "stddev": 0.02, "seed": None}}
NONE = dict.fromkeys(
    ["kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint"]
    + ["bias_constraint"]
)


def _dense(name, units, activation, **extra):
    config = {"name": name, "trainable": True, "units": units, "activation": activation}
    config.update(use_bias=True, kernel_initializer=INIT, **NONE, **extra)
    config["bias_initializer"] = {"class_name": "Zeros", "config": {}}
    return {"class_name": "Dense", "config": config}


@pytest.fixture
def keras2_file(tmp_path):
    rng = np.random.default_rng(0)
    weights = [rng.normal(size=s).astype("float32") for s in [(100, 8), (8,), (8, 4), (4,)]]
    config = {
        "class_name": "Sequential",
        "config": [
            _dense("dense_1", 8, "linear", batch_input_shape=[None, 100], dtype="float32"),
            {
                "class_name": "LeakyReLU",
                "config": {"name": "leaky_re_lu_1", "trainable": True, "alpha": 0.2},
            },
            _dense("dense_2", 4, "tanh"),
        ],
    }
    path = tmp_path / "gan_generator_epoch_200.h5"
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = b"2.0.8"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(config).encode()
        group = f.create_group("model_weights")
        group.attrs["layer_names"] = [b"dense_1", b"leaky_re_lu_1", b"dense_2"]
        for name, ws in (("dense_1", weights[:2]), ("leaky_re_lu_1", []), ("dense_2", weights[2:])):
            layer = group.create_group(name)
            names = [f"{name}/kernel:0".encode(), f"{name}/bias:0".encode()][: len(ws)]
            layer.attrs["weight_names"] = names
            for n, w in zip(names, ws):
                layer.create_dataset(n.decode(), data=w)
    return path, weights


def _reference(x, w):
    h = x @ w[0] + w[1]
    return np.tanh(np.where(h > 0, h, 0.2 * h) @ w[2] + w[3])


def test_load_model_reads_a_keras_2_0_file(keras2_file):
    path, weights = keras2_file
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the Keras 2 spellings' notes
        model = load_model(path)
    x = np.random.default_rng(1).normal(size=(3, 100)).astype("float32")
    np.testing.assert_allclose(
        model.predict(x, verbose=0), _reference(x, weights), rtol=1e-5, atol=1e-6
    )
    assert [la.name for la in model.layers] == ["dense_1", "leaky_re_lu_1", "dense_2"]
    assert not model.compiled  # the file has no training_config


def test_load_weights_reads_it_into_a_model_built_in_code(keras2_file):
    path, weights = keras2_file
    model = Sequential([Input((100,)), Dense(8), LeakyReLU(0.2), Dense(4, activation="tanh")])
    model.load_weights(path)
    for got, want in zip(model.get_weights(), weights):
        np.testing.assert_array_equal(got, want)

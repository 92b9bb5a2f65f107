"""Keras 2 compatibility of session 26 against tf_keras 2.21 (real Keras 2), with the goldens
of scripts/goldens/make_keras2_fuzz_found_6.py: Keras 2's backend functions refuse misuse
with numkeras's own ValueErrors, `K.set_value(opt.decay, x)` / `K.get_value(opt.decay)`
work on Keras 2 optimizers (the next steps use the new decay), and every RMSprop tf_keras
has trains the 2017 text models as numkeras's does."""

import warnings

import numpy as np
import pytest

import numkeras
from numkeras import backend as K
from numkeras.errors import ConfigError, NumkerasError, ShapeError

from .differential import assert_json_close, goldens, scenario_script

GOLD = goldens("keras2_fuzz_found_6")
SCRIPT = scenario_script("make_keras2_fuzz_found_6")


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (the Keras 2 spellings' deprecation notes)
        yield


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_matches_keras2(name):
    numkeras.utils.clear_session()
    got = SCRIPT.SCENARIOS[name](numkeras)
    assert_json_close(got, GOLD[name], rtol=1e-5, atol=1e-5, where=name)


# each misuse -> numkeras's error class (a ValueError, as tf_keras raises) and a word of the fix
MISUSE_ERRORS = {
    "switch_rank": (ShapeError, "K.any"),
    "batch_dot_rank": (ShapeError, "expand_dims"),
    "batch_dot_axes": (ConfigError, "einsum"),
    "batch_dot_axis_0": (ConfigError, "dummy batch"),
    "conv2d_data_format": (ConfigError, "'channels_last' or 'channels_first'"),
    "conv2d_causal": (ConfigError, "K.conv1d only"),
    "conv2d_padding": (ConfigError, "'valid' or 'same'"),
    "pool2d_mode": (ConfigError, "'max' or 'avg'"),
    "pool3d_mode": (ConfigError, "'max' or 'avg'"),
    "pool2d_data_format": (ConfigError, "'channels_last' or 'channels_first'"),
    "resize_volumes_data_format": (ConfigError, "'channels_last' or 'channels_first'"),
    "resize_images_data_format": (ConfigError, "'channels_last' or 'channels_first'"),
    "resize_images_interpolation": (ConfigError, "'bilinear'"),
    "set_learning_phase": (ConfigError, "0 or 1"),
    "bias_add_data_format": (ConfigError, "'channels_last' or 'channels_first'"),
    "function_inputs": (ShapeError, "one array per input"),
}


def test_every_misuse_has_its_error():
    assert sorted(MISUSE_ERRORS) == sorted(GOLD["backend_misuse"])


@pytest.mark.parametrize("name", sorted(MISUSE_ERRORS))
def test_backend_misuse_raises_own_value_error(name):
    """numkeras's own class, still a ValueError (what tf_keras raises), saying the fix."""
    cls, fix = MISUSE_ERRORS[name]
    call = SCRIPT._misuses(numkeras)[name]
    with pytest.raises(cls) as info:
        call()
    assert isinstance(info.value, ValueError) and isinstance(info.value, NumkerasError)
    assert fix in str(info.value), str(info.value)


def test_conv2d_transpose_output_shape_misfit_is_shape_error():
    """TensorFlow raises its InvalidArgumentError there; numkeras a ShapeError (ValueError)
    naming a size that fits."""
    x = np.zeros((1, 3, 3, 2), "float32")
    kernel = np.zeros((2, 2, 3, 2), "float32")
    with pytest.raises(ShapeError, match=r"e\.g\. \[6, 6\]"):
        K.conv2d_transpose(x, kernel, (1, 9, 9, 3), strides=(2, 2))


def test_placeholder_without_shape_is_config_error():
    with pytest.raises(ConfigError, match="shape=.None, 3."):
        K.placeholder()


def test_decay_is_a_float_taking_variable_calls():
    """`opt.decay` stays a number (arithmetic, config) and takes `.assign` / `K.set_value`;
    a negative, NaN or non-number decay is refused."""
    opt = numkeras.optimizers.legacy.Adam(learning_rate=0.1, decay=0.5)
    assert opt.decay == 0.5 and opt.decay * 2 == 1.0
    opt.decay.assign(0.25)
    assert K.get_value(opt.decay) == np.float32(0.25)
    opt.decay = 0.125  # (Keras 2's `__setattr__` assigns the hyperparameter too)
    assert opt.get_config()["decay"] == 0.125
    K.set_value(opt.decay, np.float32(0.0))
    assert "decay" not in opt.get_config()
    for bad in (-1.0, float("nan"), "fast", np.ones(2)):
        with pytest.raises(ConfigError, match="decay"):
            K.set_value(opt.decay, bad)
    assert opt.decay == 0.0


def test_set_decay_changes_the_next_steps():
    """The rate after `K.set_value(opt.decay, d)` is `lr / (1 + d * iterations)`."""
    from numkeras.variables import Variable

    opt = numkeras.optimizers.legacy.SGD(learning_rate=0.1)
    w = Variable(np.zeros(1, "float32"))
    opt.apply([np.ones(1, "float32")], [w])
    K.set_value(opt.decay, 4.0)
    opt.apply([np.ones(1, "float32")], [w])
    np.testing.assert_allclose(w.numpy(), [-0.1 - 0.1 / (1 + 4.0)], rtol=1e-6)

"""Keras 2-era idioms that classic scripts use (from a run of such scripts with only their
imports changed): they work, or fail with a clear error."""

import numpy as np
import pytest

from numkeras import backend as K
from numkeras.errors import ConfigError, DeprecatedArgumentWarning
from numkeras.layers import Dense, Input
from numkeras.models import Sequential
from numkeras.optimizers import SGD


def test_np_utils_import_path():
    from numkeras.utils import np_utils
    from numkeras.utils.np_utils import to_categorical

    assert np_utils.to_categorical is to_categorical
    np.testing.assert_array_equal(to_categorical([1, 0]), [[0, 1], [1, 0]])


def test_backend_helpers_of_classic_scripts():
    assert K.image_data_format() == "channels_last" and K.backend() == "numpy"
    K.set_image_data_format("channels_first")
    try:
        assert K.image_data_format() == "channels_first"
    finally:
        K.set_image_data_format("channels_last")
    with pytest.raises(ValueError, match="data_format"):
        K.set_image_data_format("nchw")
    assert K.int_shape(Input((3, 4))) == (None, 3, 4)


def test_optimizer_lr_reads_and_writes_the_learning_rate_with_one_note():
    opt = SGD(learning_rate=0.1)
    with pytest.warns(DeprecatedArgumentWarning, match="optimizer.lr"):
        assert K.get_value(opt.lr) == pytest.approx(0.1)
    K.set_value(opt.lr, 0.01)  # the Keras 2 way to change it mid-training
    assert opt.learning_rate == pytest.approx(0.01)
    opt.lr = 0.5
    assert opt.learning_rate == pytest.approx(0.5)


def test_activity_regularizers_and_constraints_are_refused_by_name():
    from numkeras.regularizers import l2

    with pytest.raises(ConfigError, match="activity_regularizer.*not supported"):
        Dense(3, activity_regularizer=l2(0.01))
    with pytest.raises(ConfigError, match="kernel_constraint.*not supported"):
        Dense(3, kernel_constraint="max_norm")


def test_summary_shows_optimizer_params_once_the_optimizer_is_built():
    model = Sequential([Input((4,)), Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    lines = []
    model.summary(print_fn=lines.append)
    assert not any("Optimizer params" in line for line in lines)  # as Keras, before training
    model.train_on_batch(np.zeros((2, 4)), np.zeros((2, 2)))
    lines = []
    model.summary(print_fn=lines.append)
    assert any("Optimizer params" in line for line in lines)

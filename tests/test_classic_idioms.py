"""Keras 2-era idioms that classic scripts use (from a run of such scripts with only their
imports changed): they work, or fail with a clear error."""

import numpy as np
import pytest

from numkeras import backend as K
from numkeras.errors import DeprecatedArgumentWarning
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


def test_the_dropout_tutorials_maxnorm_and_the_autoencoder_blogs_activity_l1():
    # machinelearningmastery's dropout tutorial (Keras 2): kernel_constraint=maxnorm(3);
    # the Keras blog's sparse autoencoder: activity_regularizer=regularizers.l1(10e-5)
    from numkeras import regularizers
    from numkeras.constraints import maxnorm

    with pytest.warns(DeprecatedArgumentWarning, match="max_norm"):
        constraint = maxnorm(3)
    model = Sequential()
    model.add(Dense(8, input_dim=6, activation="relu", kernel_constraint=constraint))
    model.add(Dense(4, activation="relu", activity_regularizer=regularizers.l1(10e-5)))
    model.add(Dense(1, activation="sigmoid"))
    model.compile(loss="binary_crossentropy", optimizer=SGD(learning_rate=5.0), metrics=["acc"])
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(64, 6)), rng.integers(0, 2, size=(64, 1))
    model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    norms = np.sqrt((model.layers[0].get_weights()[0] ** 2).sum(axis=0))
    assert norms.max() <= 3.0 + 1e-5
    outputs = model.layers[1](model.layers[0](x.astype("float32")))
    penalty = 10e-5 * np.abs(outputs).sum() / len(x)
    assert model.layers[1].losses[0] == pytest.approx(penalty, rel=1e-5)


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

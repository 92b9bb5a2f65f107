"""Weight penalties (numkeras.regularizers), checked against what Keras 3.15 computes for
the same model, and their gradients against finite differences."""

import numpy as np
import pytest

from numkeras import regularizers
from numkeras.errors import ConfigError
from numkeras.layers import Dense, Input
from numkeras.models import Sequential, load_model
from numkeras.utils.gradcheck import numeric_gradient


@pytest.mark.parametrize(
    "penalty", [regularizers.L1(0.3), regularizers.L2(0.2), regularizers.L1L2(0.1, 0.4)]
)
def test_penalty_gradients_match_finite_differences(penalty):
    w = np.random.default_rng(0).standard_normal((4, 3))  # float64, away from 0
    np.testing.assert_allclose(
        penalty.grad(w), numeric_gradient(lambda: float(penalty(w)), w), rtol=1e-6
    )


def test_training_and_evaluation_add_the_penalty_as_keras_does():
    # Keras 3.15 (JAX) on this model: evaluate 12.0, train_on_batch 12.0, then evaluate
    # 10.887299537658691 and a kernel of 0.96 everywhere
    model = Sequential(
        [Input((3,)), Dense(2, kernel_regularizer=regularizers.L2(0.5), kernel_initializer="ones")]
    )
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((4, 3), "float32"), np.zeros((4, 2), "float32")
    assert model.evaluate(x, y, verbose=0) == 12.0
    assert model.train_on_batch(x, y) == 12.0
    assert model.evaluate(x, y, verbose=0) == pytest.approx(10.887299537658691, rel=1e-6)
    np.testing.assert_allclose(model.get_weights()[0], 0.96, rtol=1e-6)


def test_a_frozen_layer_adds_no_penalty():
    model = Sequential([Input((3,)), Dense(2, kernel_regularizer="l2", kernel_initializer="ones")])
    model.layers[0].trainable = False
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((4, 3), "float32"), np.zeros((4, 2), "float32")
    assert model.evaluate(x, y, verbose=0) == 9.0  # the data loss alone


def test_names_configs_and_files_as_keras(tmp_path):
    assert regularizers.get("l2").get_config() == {"l2": 0.01}
    assert regularizers.get("L1L2").get_config() == {"l1": 0.0, "l2": 0.0}
    with pytest.raises(ConfigError, match="regularizer"):
        regularizers.get("l3")
    layer = Dense(2, kernel_regularizer="l1", bias_regularizer=regularizers.L1L2(0.1, 0.2))
    config = layer.get_config()
    assert config["bias_regularizer"] == {
        "module": "keras.regularizers",
        "class_name": "L1L2",
        "config": {"l1": 0.1, "l2": 0.2},
        "registered_name": None,
    }
    twin = Dense.from_config(config)
    assert twin.bias_regularizer.get_config() == {"l1": 0.1, "l2": 0.2}
    model = Sequential([Input((3,)), layer])
    model.save(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras")
    # Keras 3 keeps L1's factor as a float32 tensor: its config holds the rounded value
    assert loaded.layers[0].kernel.regularizer.get_config() == {"l1": float(np.float32(0.01))}

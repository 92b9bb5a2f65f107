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


def _l2_function(w):
    from numkeras import ops

    return 0.01 * ops.sum(ops.square(w))


class _L2ByCall(regularizers.Regularizer):
    """Keras's way to write a regularizer class: only __call__."""

    def __call__(self, x):
        from numkeras import ops

        return 0.01 * ops.sum(x * x)


@pytest.mark.parametrize("custom", [_l2_function, _L2ByCall()], ids=["function", "class"])
def test_a_penalty_written_with_ops_trains_as_the_built_in_one(custom):
    from numkeras.layers import Dense, Input
    from numkeras.models import Sequential

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(8, 3)).astype("float32"), rng.normal(size=(8, 2)).astype("float32")
    models = []
    for reg in (regularizers.L2(0.01), custom):
        model = Sequential(
            [Input((3,)), Dense(2, kernel_regularizer=reg, activity_regularizer=reg)]
        )
        model.compile(optimizer="sgd", loss="mse")
        models.append(model)
    models[1].set_weights(models[0].get_weights())
    for model in models:
        for _ in range(3):
            model.train_on_batch(x, y)
    for a, b in zip(models[0].get_weights(), models[1].get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_a_penalty_gradient_against_finite_differences():
    from numkeras import ops
    from numkeras.utils.gradcheck import numeric_gradient

    penalty = regularizers.get(lambda w: ops.sum(ops.sqrt(ops.square(w) + 1.0)) * 0.3)
    w = np.random.default_rng(1).normal(size=(3, 4))
    np.testing.assert_allclose(
        penalty.grad(w), numeric_gradient(lambda: float(penalty(w)), w), rtol=1e-7
    )


def test_a_function_penalty_is_saved_by_name_and_loads_when_supplied(tmp_path):
    from numkeras.layers import Dense, Input
    from numkeras.models import Sequential, load_model

    model = Sequential([Input((3,)), Dense(2, kernel_regularizer=_l2_function)])
    path = tmp_path / "m.keras"
    model.save(path)
    with pytest.raises(ValueError, match="'_l2_function' is not known here"):
        load_model(path)
    again = load_model(path, custom_objects={"_l2_function": _l2_function})
    assert again.layers[0].kernel_regularizer.fn is _l2_function


def test_a_numpy_penalty_says_why_it_cannot_train():
    penalty = regularizers.get(lambda w: float(np.sum(np.abs(w))))
    with pytest.raises(NotImplementedError, match="has no gradient"):
        penalty.grad(np.ones(3, "float32"))

"""LossScaleOptimizer against Keras 3.

Keras 3.15's JAX backend cannot run this optimizer eagerly (its `ops.cond` raises
UnexpectedTracerError outside `jit`), so the expected sequence below was recorded with
Keras 3.15's TensorFlow backend (`KERAS_BACKEND=tensorflow /work/tfenv/bin/python`):
SGD(0.1) wrapped with initial_scale=8, dynamic_growth_steps=2. The values are exact
(powers of two and one-decimal steps), so they need no goldens file.
"""

import numpy as np
import pytest

from numkeras import Input, Sequential, Variable, layers, optimizers, utils
from numkeras.errors import ConfigError

KERAS_TF_TRACE = [
    # gradients, variable after, dynamic_scale, iterations, step_counter
    ([8.0, 16.0], [0.9, 1.8], 8.0, 1, 1),
    ([np.inf, 1.0], [0.9, 1.8], 4.0, 1, 0),
    ([8.0, 8.0], [0.7, 1.6], 4.0, 2, 1),
    ([4.0, 4.0], [0.6, 1.5], 8.0, 3, 0),
    ([4.0, 4.0], [0.55, 1.45], 8.0, 4, 1),
]


def test_dynamic_scaling_matches_keras_trace():
    opt = optimizers.LossScaleOptimizer(
        optimizers.SGD(0.1), initial_scale=8.0, dynamic_growth_steps=2
    )
    v = Variable(np.array([1.0, 2.0], "float32"))
    for grad, after, scale, iters, counter in KERAS_TF_TRACE:
        opt.apply_gradients([(np.array(grad, "float32"), v)])
        np.testing.assert_allclose(v.value, after, rtol=1e-6)
        assert v.value.dtype == np.float32
        assert float(opt.dynamic_scale) == scale
        assert int(opt.iterations) == iters and int(opt.step_counter) == counter
    assert [x.name for x in opt.variables] == [
        "iteration", "learning_rate", "step_counter", "dynamic_scale", "iteration",
        "learning_rate",
    ]  # fmt: skip
    assert float(opt.scale_loss(2.0)) == 16.0
    assert float(opt.learning_rate) == pytest.approx(0.1)


def test_config_round_trip_as_keras():
    opt = optimizers.LossScaleOptimizer(optimizers.SGD(0.1), initial_scale=8.0,
                                        dynamic_growth_steps=2)  # fmt: skip
    config = opt.get_config()
    assert list(config) == ["name", "inner_optimizer", "initial_scale", "dynamic_growth_steps"]
    assert config["name"].startswith("loss_scale_optimizer")
    assert config["inner_optimizer"]["class_name"] == "SGD"
    assert config["inner_optimizer"]["config"]["loss_scale_factor"] is None
    again = optimizers.deserialize(optimizers.serialize(opt))
    assert type(again) is optimizers.LossScaleOptimizer
    assert again.get_config() == config


def test_rejects_base_arguments_as_keras():
    with pytest.raises(ConfigError, match="clipnorm"):
        optimizers.LossScaleOptimizer(optimizers.SGD(), clipnorm=1.0)
    with pytest.raises(ConfigError, match="dynamic=False"):
        optimizers.LossScaleOptimizer(optimizers.SGD(), dynamic=False)


def _fit(opt):
    utils.set_random_seed(0)
    model = Sequential([Input((3,)), layers.Dense(4, activation="relu"), layers.Dense(1)])
    model.compile(optimizer=opt, loss="mse")
    x = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    history = model.fit(x, x.sum(1, keepdims=True), epochs=2, batch_size=8, verbose=0)
    return model.get_weights(), history.history["loss"]


def test_fit_with_loss_scaling_trains_as_the_inner_optimizer():
    plain_w, plain_loss = _fit(optimizers.Adam(0.01))
    lso = optimizers.LossScaleOptimizer(optimizers.Adam(0.01), dynamic_growth_steps=2)
    scaled_w, scaled_loss = _fit(lso)
    for a, b in zip(plain_w, scaled_w):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    assert plain_loss == scaled_loss
    assert float(lso.dynamic_scale) == 2.0**15 * 4 and int(lso.iterations) == 4

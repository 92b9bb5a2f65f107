"""The executor's bias hand-over: a Dense with no activation whose output feeds only a
LeakyReLU leaves its bias add to it (one pass instead of two). Outputs and gradients must
be exactly those of the plain order of operations."""

import numpy as np
import pytest

from numkeras import activations, layers
from numkeras.backend import fused
from numkeras.layers import Dense, Input, LeakyReLU
from numkeras.models import Model, Sequential


def _pairs(model):
    return [
        (s.layer.name, s.defer_bias, None if s.bias_from is None else s.bias_from.name)
        for s in model._steps
    ]


def test_dense_then_leaky_relu_is_paired():
    model = Sequential(
        [Input((5,)), Dense(4, name="d1"), LeakyReLU(0.2, name="a1"), Dense(3, name="d2")]
    )
    assert _pairs(model) == [("d1", True, None), ("a1", False, "d1"), ("d2", False, None)]


def test_no_pairing_when_the_dense_output_is_needed_unbiased_elsewhere():
    x = Input((5,))
    h = Dense(4, name="h")(x)
    a = LeakyReLU(0.2, name="a")(h)
    both = Model(x, [a, h])  # h is a model output
    assert all(not s.defer_bias and s.bias_from is None for s in both._steps)
    x2 = Input((5,))
    h2 = Dense(4, name="h2")(x2)
    twice = Model(x2, layers.Add()([LeakyReLU(0.2)(h2), LeakyReLU(0.1)(h2)]))  # two readers
    assert all(not s.defer_bias and s.bias_from is None for s in twice._steps)
    act = Sequential([Input((5,)), Dense(4, activation="relu"), LeakyReLU(0.2)])
    assert all(not s.defer_bias for s in act._steps)  # relu must see the biased value


def _reference(model, x):
    h = x
    for layer in model.layers:
        if isinstance(layer, Dense):
            h = h @ layer.kernel.numpy() + layer.bias.numpy()
        else:
            h = np.maximum(h, h * np.float32(layer.negative_slope))
    return h


@pytest.mark.parametrize("fused_on", [True, False])
def test_outputs_and_gradients_match_the_plain_order(monkeypatch, fused_on):
    monkeypatch.setattr(fused, "_enabled", fused_on)
    model = Sequential(
        [Input((6,)), Dense(8, bias_initializer="random_normal"), LeakyReLU(0.2), Dense(3)]
    )
    x = np.random.default_rng(0).standard_normal((10, 6)).astype("float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), _reference(model, x), rtol=1e-6)
    model.compile(optimizer="sgd", loss="mse")
    y = np.zeros((10, 3), "float32")
    before = [w.copy() for w in model.get_weights()]
    model.train_on_batch(x, y)
    # SGD: w1 = w0 - lr * dL/dw; check the first bias's gradient against the formula
    lr = 0.01
    k1, b1, k2, b2 = before
    z = x @ k1 + b1
    h = np.maximum(z, 0.2 * z)
    dout = 2 * (h @ k2 + b2 - y) / y.size
    dz = (dout @ k2.T) * np.where(z >= 0, 1.0, 0.2)
    np.testing.assert_allclose(model.get_weights()[1], b1 - lr * dz.sum(0), rtol=1e-5, atol=1e-7)


def test_swapping_the_activation_after_building_is_honoured():
    """Keras users turn softmax into linear (logits) or linear into relu on a built model."""
    model = Sequential([Input((4,)), Dense(3, name="d"), LeakyReLU(0.5), Dense(2)])
    x = np.random.default_rng(1).standard_normal((5, 4)).astype("float32")
    model.layers[0].bias.assign(np.float32([1.0, -2.0, 0.5]))
    model.layers[0].activation = activations.get("relu")
    d, _, d2 = model.layers
    z = np.maximum(x @ d.kernel.numpy() + d.bias.numpy(), 0)  # relu, then leaky is identity
    expected = z @ d2.kernel.numpy() + d2.bias.numpy()
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)


class _PlainDense(Dense):
    def call(self, inputs, training=False):  # a user subclass without the extra argument
        return super().call(inputs, training=training)


def test_subclasses_without_the_arguments_are_not_paired():
    model = Sequential([Input((4,)), _PlainDense(3), LeakyReLU(0.2)])
    assert all(not s.defer_bias and s.bias_from is None for s in model._steps)
    x = np.ones((2, 4), "float32")
    layer = model.layers[0]
    z = x @ layer.kernel.numpy() + layer.bias.numpy()
    np.testing.assert_allclose(model.predict(x, verbose=0), np.maximum(z, 0.2 * z), rtol=1e-6)


def test_training_through_a_redefined_call_runs_the_parents_pass():
    # the subclass's call is traced; its super().call() records Dense's own pass
    x, y = np.ones((2, 4), "float32"), np.ones((2, 1), "float32")
    plain = Sequential([Input((4,)), Dense(3), Dense(1)])
    model = Sequential([Input((4,)), _PlainDense(3), Dense(1)])
    model.set_weights(plain.get_weights())
    for m in (plain, model):
        m.compile(optimizer="sgd", loss="mse")
        m.train_on_batch(x, y)
    for a, b in zip(model.get_weights(), plain.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)

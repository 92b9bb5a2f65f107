"""Finite-difference checks (float64) of every layer's backward pass, alone and through
Sequential, functional graphs, shared layers, nested models and frozen layers."""

import json
import pathlib

import numpy as np
import pytest

from numkeras import layers
from numkeras.layers import Dense, Input
from numkeras.models import Model, Sequential
from numkeras.utils.gradcheck import numeric_gradient

pytestmark = pytest.mark.usefixtures("float64")  # (tests/conftest.py)


def analytic(model, xs, r, train_vars):
    """Gradients of L = sum(output * r) w.r.t. the inputs and `train_vars`."""
    for v in model.weights:
        v.start_grad(None)
    for v in train_vars:
        v.start_grad(np.zeros(v.shape))
    caches = [None] * len(model._steps)
    # with reusable buffers, as training runs (a nested model or shared layer used twice
    # must still get separate buffers)
    outs = model._run(xs, training=True, caches=caches, workspace={})
    # _backward may overwrite the gradients it is given: hand it copies
    r = [np.array(r)] if len(outs) == 1 else [np.array(ri) for ri in r]
    gin = model._backward(caches, r, need_input_grads=True)
    grads = [np.array(v.grad) if not v._grad_fresh else np.zeros(v.shape) for v in train_vars]
    for v in model.weights:
        v.start_grad(None)
    return gin, grads


def loss(model, xs, r):
    outs = model._run(xs, training=True)
    rs = [r] if len(outs) == 1 else r
    return sum(float(np.sum(o * ri)) for o, ri in zip(outs, rs))


def check(model, xs, rtol=1e-5, atol=1e-7, train_vars=None):
    rng = np.random.default_rng(0)
    outs = model._run(xs, training=True)
    r = [rng.normal(size=o.shape) for o in outs]
    r = r[0] if len(r) == 1 else r
    train_vars = model.weights if train_vars is None else train_vars
    gin, grads = analytic(model, xs, r, train_vars)
    for x, g in zip(xs, gin):
        np.testing.assert_allclose(
            g, numeric_gradient(lambda: loss(model, xs, r), x), rtol=rtol, atol=atol
        )
    for v, g in zip(train_vars, grads):
        np.testing.assert_allclose(
            g, numeric_gradient(lambda: loss(model, xs, r), v.value), rtol=rtol, atol=atol
        )
    return gin, grads


def rand(*shape, seed=1):
    return np.random.default_rng(seed).normal(size=shape)


# Keras 3's named activations, as the core goldens list them (scripts/goldens/make_core.py)
GOLDEN_CORE = pathlib.Path(__file__).parents[1] / "goldens" / "core.json"
ACTIVATIONS = json.loads(GOLDEN_CORE.read_text())["activations"]


@pytest.mark.parametrize("act", ACTIVATIONS)
def test_dense_with_each_activation(act):
    model = Sequential([Input(shape=(4,)), Dense(3, activation=act)])
    x = rand(5, 4) + 0.05  # keep relu-like kinks away from 0
    check(model, [x])


@pytest.mark.parametrize(
    "layer",
    [
        lambda: layers.LeakyReLU(0.2),
        lambda: layers.ReLU(),
        lambda: layers.ReLU(max_value=0.7),
        lambda: layers.Activation("tanh"),
        lambda: layers.ELU(0.7),
        lambda: layers.Softmax(),
        lambda: layers.Softmax(axis=1),
        lambda: layers.Softmax(axis=[1, 2]),
        lambda: layers.PReLU(alpha_initializer="random_normal"),
        lambda: layers.PReLU(alpha_initializer="random_normal", shared_axes=[1]),
        lambda: layers.BatchNormalization(gamma_initializer="random_normal"),
        lambda: layers.BatchNormalization(axis=1, center=False),
        lambda: layers.Flatten(),
        lambda: layers.Reshape((3, 4)),
        lambda: layers.Dropout(0.4),  # identity when not random: see the dropout test
    ],
)
def test_shape_and_activation_layers(layer):
    model = Sequential([Input(shape=(2, 3)), Dense(6), layer(), Dense(2)])
    drop = [la for la in model.layers if isinstance(la, layers.Dropout)]
    for d in drop:
        d.rate = 0.0
    check(model, [rand(3, 2, 3) + 0.05])


def test_dropout_backward_uses_the_forward_mask():
    d = layers.Dropout(0.5, seed=3)
    x = rand(4, 6)
    y, mask = d.forward(x, training=True)
    assert set(np.unique(mask)) <= {0.0, 2.0}
    np.testing.assert_array_equal(d.backward(mask, np.ones_like(x)), mask)
    np.testing.assert_array_equal(y, x * mask)


def test_dense_on_3d_input():
    model = Sequential([Input(shape=(3, 4)), Dense(5, activation="tanh"), Dense(2)])
    check(model, [rand(2, 3, 4)])


def test_functional_multi_input_multi_output_shared_layer():
    a, b = Input(shape=(3,)), Input(shape=(4,))
    shared = Dense(3, activation="tanh")
    h1 = shared(a)
    h2 = shared(Dense(3)(b))
    out1 = Dense(2)(h1)
    model = Model([a, b], [out1, h2])
    check(model, [rand(3, 3), rand(3, 4, seed=2)])


def test_nested_model_and_fan_out():
    inner = Sequential([Input(shape=(4,)), Dense(3, activation="sigmoid"), Dense(4)])
    x = Input(shape=(4,))
    y = inner(inner(x))  # the same nested model applied twice
    model = Model(x, Dense(1)(y))
    check(model, [rand(3, 4)])


def test_gradient_flows_through_frozen_layers_into_earlier_ones():
    g = Sequential([Input(shape=(3,)), Dense(4, activation="tanh")], name="g")
    d = Sequential([Input(shape=(4,)), Dense(2, activation="tanh"), Dense(1)], name="d")
    z = Input(shape=(3,))
    gan = Model(z, d(g(z)))
    _, grads = check(gan, [rand(5, 3)], train_vars=g.weights)
    assert all(np.abs(gr).sum() > 0 for gr in grads)
    for v in d.weights:  # frozen: no gradient written
        assert v.grad is None


@pytest.mark.parametrize("merge", ["Add", "Subtract", "Multiply", "Average", "Concatenate"])
def test_merge_layers_in_a_two_input_graph(merge):
    a, b = Input(shape=(3,)), Input(shape=(3,))
    ha = Dense(4, activation="tanh")(a)
    hb = Dense(4)(b)
    merged = getattr(layers, merge)()([ha, hb])
    model = Model([a, b], Dense(2)(merged))
    check(model, [rand(3, 3), rand(3, 3, seed=2)])
    expected = (None, 8) if merge == "Concatenate" else (None, 4)
    assert model.layers[-2].compute_output_shape([(None, 4), (None, 4)]) == expected


def test_a_nested_model_with_one_listed_input_trains_through_it():
    """`Model([x], [y])` nested and called on one tensor: its input gradient reaches the
    layer before it (it came back as a one-item list), against finite differences."""
    i = Input((4,))
    inner = Model([i], [Dense(2)(i)])
    a = Input((5,))
    first = Dense(4)
    model = Model(a, inner(first(a)))
    model.compile(optimizer="sgd", loss="mse")
    x = np.linspace(-1, 1, 10).reshape(2, 5).astype("float32")
    y = np.ones((2, 2), "float32")
    kernel = first.kernel.value
    before = kernel.copy()

    def loss():
        return float(np.mean((model.predict(x, verbose=0).astype("float64") - y) ** 2))

    want = numeric_gradient(loss, kernel, eps=1e-2)
    model.train_on_batch(x, y)  # (SGD, learning rate 0.01)
    after = first.kernel.numpy()
    np.testing.assert_allclose((before - after) / 0.01, want, rtol=2e-2, atol=1e-3)

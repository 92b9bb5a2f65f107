"""GradientTape gradients against central finite differences (float64)."""

from __future__ import annotations

import numpy as np
import pytest

from numkeras import layers, losses, models, ops
from numkeras.autodiff.tape import GradientTape
from numkeras.autodiff.tensor import TapeTensor
from numkeras.variables import Variable

F64 = "float64"


def _rng():
    return np.random.default_rng(0)


def _take(fn, sources, **tape_kw):
    with GradientTape(**tape_kw) as tape:
        for s in sources:
            tape.watch(s)
        target = fn()
    return tape, target


def test_dense_conv_bn_model_weights_and_input(check_grads):
    rng = _rng()
    model = models.Sequential(
        [
            layers.Input((5, 5, 2), dtype=F64),
            layers.Conv2D(3, 3, dtype=F64),
            layers.BatchNormalization(dtype=F64),
            layers.Activation("tanh", dtype=F64),
            layers.Flatten(dtype=F64),
            layers.Dense(2, dtype=F64),
        ]
    )
    x, y = rng.normal(size=(4, 5, 5, 2)), rng.normal(size=(4, 2))
    mse = losses.MeanSquaredError(dtype=F64)

    def fn():
        return mse(y, model(x, training=True))

    sources = [*model.trainable_weights, x]
    tape, loss = _take(fn, [x])
    assert isinstance(loss, TapeTensor)
    check_grads(fn, sources, tape.gradient(loss, sources))


def test_functional_two_inputs_and_layers_called_directly(check_grads):
    rng = _rng()
    a, b = layers.Input((3,), dtype=F64), layers.Input((2,), dtype=F64)
    h = layers.Concatenate(dtype=F64)([layers.Dense(4, dtype=F64)(a), b])
    model = models.Model([a, b], layers.Dense(1, activation="sigmoid", dtype=F64)(h))
    extra = layers.Dense(1, dtype=F64)
    xa, xb = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))

    def fn():
        p = model([xa, xb], training=True)
        return ops.sum(p * extra(xa)) + ops.mean(p)

    extra(xa)  # build
    sources = [*model.trainable_weights, *extra.trainable_weights, xa, xb]
    tape, loss = _take(fn, [xa, xb])
    check_grads(fn, sources, tape.gradient(loss, sources))


def test_ops_chain_and_python_operators(check_grads):
    rng = _rng()
    x, w = rng.normal(size=(3, 4)), Variable(rng.normal(size=(4, 2)))

    def fn():
        # (a plain array's own operators are NumPy's: the first step is an op)
        h = ops.tanh(ops.matmul(x, w)) * 2.0 + 1.0
        h = -h[1:] / (1.5 + ops.square(h[:2]))
        z = np.mean(h, axis=0) - np.sum(h.T, axis=1) * 0.5  # NumPy functions, routed
        return (z**2).sum() + ops.max(ops.reshape(h, (-1,))) + abs(h).mean()

    tape, loss = _take(fn, [x])
    check_grads(fn, [x, w], tape.gradient(loss, [x, w]))


def test_embedding_lstm_attention_called_directly(check_grads):
    rng = _rng()
    emb = layers.Embedding(5, 2, dtype=F64)
    lstm = layers.LSTM(2, return_sequences=True, dtype=F64)
    mha = layers.MultiHeadAttention(1, 2, dtype=F64)
    ids = np.array([[1, 2, 0], [3, 1, 4]])
    x = rng.normal(size=(2, 3, 2))

    def fn():  # (integer ids stay integers; MultiHeadAttention's own call arguments)
        h = lstm(emb(ids), training=True)
        out, scores = mha(h, x, return_attention_scores=True)
        return ops.sum(out * out) + ops.sum(scores * ops.sum(x))

    tape, loss = _take(fn, [x])
    sources = [*emb.trainable_weights, *lstm.trainable_weights, *mha.trainable_weights, x]
    check_grads(fn, sources, tape.gradient(loss, sources))


def test_variable_used_twice_sums_gradients(check_grads):
    rng = _rng()
    dense = layers.Dense(3, dtype=F64)
    x = rng.normal(size=(2, 3))
    dense(x)

    def fn():  # the layer twice, and its kernel in an op
        return ops.sum(dense(dense(x))) + ops.sum(dense.kernel * dense.kernel)

    tape, loss = _take(fn, [])
    check_grads(fn, dense.trainable_weights, tape.gradient(loss, dense.trainable_weights))


def test_value_used_twice_and_nested_sources(check_grads):
    x = np.array([[0.5, -1.0], [2.0, 0.1]])
    y = np.array([1.0, 3.0])

    def fn(t=x, u=y):  # `t * t`: one value used twice
        return ops.sum(t * t) + ops.sum(ops.matmul(t, u))

    with GradientTape() as tape:
        loss = fn(*tape.watch([x, y]))  # (watch gives the tensors to compute with)
    grads = tape.gradient(loss, {"a": x, "b": [y]})
    assert set(grads) == {"a", "b"} and isinstance(grads["b"], list)
    check_grads(fn, [x, y], [grads["a"], grads["b"][0]])


def test_loss_functions_objects_and_reductions(check_grads):
    rng = _rng()
    dense = layers.Dense(3, activation="softmax", dtype=F64)
    x = rng.normal(size=(4, 2))
    labels = np.array([0, 2, 1, 2])
    onehot = np.eye(3)[labels]
    weights = np.array([1.0, 0.5, 2.0, 0.0])
    dense(x)
    cce = losses.CategoricalCrossentropy(dtype=F64)
    scce = losses.SparseCategoricalCrossentropy(reduction="sum", dtype=F64)
    per_sample_loss = losses.CategoricalCrossentropy(dtype=F64)

    def fn():
        p = dense(x)
        per_sample = per_sample_loss.call(onehot, p)  # (what the function forms run)
        return (
            cce(onehot, p, sample_weight=weights)
            + scce(labels, p)
            + ops.mean(per_sample * per_sample)
        )

    tape, loss = _take(fn, [])
    check_grads(fn, dense.trainable_weights, tape.gradient(loss, dense.trainable_weights))


def test_loss_function_form_is_recorded():
    dense = layers.Dense(3, activation="softmax")
    x = np.linspace(-1, 1, 8, dtype="float32").reshape(4, 2)
    onehot = np.eye(3, dtype="float32")[[0, 2, 1, 2]]
    dense(x)
    grads = []
    for per_sample in (losses.categorical_crossentropy, losses.CategoricalCrossentropy().call):
        with GradientTape() as tape:
            loss = ops.mean(per_sample(onehot, dense(x)))
        grads.append(tape.gradient(loss, dense.kernel))
    with GradientTape() as tape:
        loss = losses.CategoricalCrossentropy()(onehot, dense(x))
    np.testing.assert_allclose(grads[0], tape.gradient(loss, dense.kernel), rtol=1e-6)
    np.testing.assert_array_equal(grads[0], grads[1])


def test_persistent_tape_used_twice(check_grads):
    rng = _rng()
    model = models.Sequential(
        [
            layers.Input((3,), dtype=F64),
            layers.Dense(4, "relu", dtype=F64),
            layers.Dense(1, dtype=F64),
        ]
    )
    x = rng.normal(size=(6, 3))
    with GradientTape(persistent=True) as tape:
        p = model(x, training=True)
        first = ops.sum(p * p)
        second = ops.mean(p)
    w = model.trainable_weights
    g1 = tape.gradient(first, w)
    g2 = tape.gradient(second, w)
    g1_again = tape.gradient(first, w)
    for a, b in zip(g1, g1_again):
        np.testing.assert_array_equal(a, b)
    check_grads(lambda: ops.sum(model(x) ** 2), w, g1)
    check_grads(lambda: ops.mean(model(x)), w, g2)


def test_subclassed_model_and_call_only_layer_run_eagerly(check_grads):
    rng = _rng()

    class Scale(layers.Layer):
        def build(self, input_shape):
            self.s = self.add_weight(shape=(input_shape[-1],), initializer="ones", dtype=F64)

        def call(self, x):
            return ops.square(x) * self.s

    class Net(models.Model):
        def __init__(self):
            super().__init__(dtype=F64)
            self.a = layers.Dense(3, dtype=F64)
            self.scale = Scale(dtype=F64)

        def call(self, x, training=False):
            h = self.scale(self.a(x))
            return h if not training else h * 2.0  # Python control flow is fine eagerly

    net = Net()
    x = rng.normal(size=(4, 2))
    net(x)

    def fn():
        return ops.sum(net(x, training=True))

    tape, loss = _take(fn, [x])
    sources = [*net.trainable_weights, x]
    assert len(net.trainable_weights) == 3
    check_grads(fn, sources, tape.gradient(loss, sources))


def test_compute_loss_with_weight_penalty(check_grads):
    rng = _rng()
    model = models.Sequential(
        [
            layers.Input((3,), dtype=F64),
            layers.Dense(2, kernel_regularizer="l2", dtype=F64),
        ]
    )
    model.compile(optimizer="sgd", loss="mse")
    x, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))

    def fn():
        return model.compute_loss(x, y, model(x, training=True))

    tape, loss = _take(fn, [])
    grads = tape.gradient(loss, model.trainable_weights)
    # (compute_loss works in float32, as the compiled losses do)
    check_grads(fn, model.trainable_weights, grads, rtol=2e-3, atol=2e-3, eps=1e-2)


def test_output_gradients_and_several_targets():
    x = np.array([1.0, 2.0, 3.0])
    with GradientTape() as tape:
        t = tape.watch(x)
        a, b = t * t, ops.sum(t)
    g = tape.gradient([a, b], x, output_gradients=[np.array([1.0, 0.0, 2.0]), np.array(3.0)])
    np.testing.assert_allclose(g, [2.0 + 3.0, 3.0, 12.0 + 3.0])


def test_unconnected_sources_none_or_zero():
    x, other = np.ones(2), Variable(np.ones(3))
    with GradientTape(persistent=True) as tape:
        y = ops.sum(tape.watch(x) * 3.0)
    assert tape.gradient(y, [x, other])[1] is None
    zero = tape.gradient(y, other, unconnected_gradients="zero")
    assert zero.shape == (3,) and not zero.any()


@pytest.mark.parametrize("dtype", ["float32"])
def test_float32_by_default(dtype):
    model = models.Sequential([layers.Input((2,)), layers.Dense(1)])
    x = np.ones((3, 2), "float32")
    with GradientTape() as tape:
        loss = losses.MeanSquaredError()(np.zeros((3, 1)), model(x, training=True))
    grads = tape.gradient(loss, model.trainable_weights)
    assert all(g.dtype == np.float32 and type(g) is np.ndarray for g in grads)

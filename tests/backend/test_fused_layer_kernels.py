"""The layer kernels (max pooling, im2col / col2im, Embedding's scatter-add) give bit for
bit what the NumPy code of the pooling, convolution and embedding layers gives: outputs,
input gradients, weight gradients."""

from __future__ import annotations

import numpy as np
import pytest

from numkeras import GradientTape, backend, layers

pytestmark = [
    pytest.mark.filterwarnings("ignore::RuntimeWarning"),  # NaN inputs warn on both paths
    pytest.mark.skipif(backend.xp is not np, reason="fused kernels: NumPy only"),
]


def _identical(a, b):
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape
    assert a.tobytes() == b.tobytes()  # equal bits, NaNs included


def _inputs(shape, seed=0, special=True):
    x = np.random.default_rng(seed).standard_normal(shape).astype("float32")
    if special:
        x.reshape(-1)[:8] = [np.nan, 1.0, np.inf, -np.inf, -0.0, 0.0, 2.0, 2.0]
    x.reshape(-1)[-6:] = 3.0  # ties: the first maximum gets the gradient
    return x


def _forward_and_grads(layer, x, dy):
    with GradientTape() as tape:
        tape.watch(x)
        y = layer(x, training=True)
        loss = (y * dy).sum()
    weights = layer.trainable_weights
    grads = tape.gradient(loss, [x, *weights])
    return [y, *grads]


POOLS = [
    (layers.MaxPooling2D, dict(pool_size=2), (2, 6, 6, 3)),
    (layers.MaxPooling2D, dict(pool_size=3, strides=1, padding="same"), (2, 5, 7, 4)),
    (layers.MaxPooling2D, dict(pool_size=(3, 2), strides=(2, 1)), (1, 7, 6, 2)),
    (layers.MaxPooling1D, dict(pool_size=3, strides=2, padding="same"), (3, 9, 5)),
    (layers.MaxPooling1D, dict(pool_size=2), (2, 8, 3)),
    (layers.MaxPooling2D, dict(pool_size=2, data_format="channels_first"), (2, 3, 6, 6)),
]


@pytest.mark.parametrize("cls, kwargs, shape", POOLS)
def test_max_pooling_forward_and_gradient(both_ways, cls, kwargs, shape):
    x = _inputs(shape)
    layer = cls(**kwargs)
    dy = np.random.default_rng(1).standard_normal(layer.compute_output_shape(shape))
    dy = dy.astype("float32")
    expect = ("max_pool2d", "max_pool2d_grad") if kwargs.get("data_format") is None else ()
    on, off = both_ways(lambda: [layer(x)] + _forward_and_grads(layer, x, dy), expect)
    for a, b in zip(on, off):
        _identical(a, b)


def test_max_pooling_inf_upstream_gradient_reaches_only_the_maximum(both_ways):
    x = np.arange(16, dtype="float32").reshape(1, 4, 4, 1)
    dy = np.full((1, 2, 2, 1), np.inf, "float32")
    on, off = both_ways(lambda: _forward_and_grads(layers.MaxPooling2D(), x, dy)[1])
    _identical(on, off)
    assert np.isnan(on).sum() == 0 and np.isinf(on).sum() == 4  # no inf * 0 = NaN elsewhere


CONVS = [
    (layers.Conv2D, dict(filters=4, kernel_size=3), (2, 7, 6, 3)),
    (layers.Conv2D, dict(filters=2, kernel_size=(2, 3), strides=2, padding="same"), (2, 7, 8, 3)),
    (layers.Conv2D, dict(filters=3, kernel_size=3, dilation_rate=2), (1, 9, 9, 2)),
    (layers.Conv2D, dict(filters=4, kernel_size=3, groups=2), (2, 6, 6, 4)),
    (layers.Conv1D, dict(filters=5, kernel_size=4, strides=2), (3, 12, 3)),
    (layers.Conv1D, dict(filters=2, kernel_size=3, padding="causal", dilation_rate=2), (2, 9, 2)),
    (layers.Conv2DTranspose, dict(filters=2, kernel_size=3, strides=2), (2, 4, 5, 3)),
    (layers.Conv2D, dict(filters=4, kernel_size=3, activation="relu"), (2, 6, 5, 2)),
    (layers.Conv1D, dict(filters=6, kernel_size=2, activation="relu", groups=3), (2, 6, 6)),
    # 8 channels or more: im2col2d's other loop order
    (layers.Conv2D, dict(filters=3, kernel_size=3, strides=2, dilation_rate=1), (2, 9, 8, 9)),
    (layers.Conv1D, dict(filters=2, kernel_size=3, dilation_rate=2), (2, 11, 8)),
]


@pytest.mark.parametrize("cls, kwargs, shape", CONVS)
def test_convolution_forward_and_gradients(both_ways, cls, kwargs, shape):
    x = _inputs(shape, special=False)
    layer = cls(**kwargs)
    layer.build(shape)
    dy = np.random.default_rng(2).standard_normal(layer.compute_output_shape(shape))
    dy = dy.astype("float32")
    expect = ("im2col2d", "bias_relu") if kwargs.get("activation") else ("im2col2d",)
    on, off = both_ways(lambda: [layer(x)] + _forward_and_grads(layer, x, dy), expect)
    assert len(on) == 5  # inference output, output, input, kernel and bias gradients
    for a, b in zip(on, off):
        _identical(a, b)


def test_embedding_gradient_sums_repeated_indices_in_order(both_ways):
    layer = layers.Embedding(7, 5)
    ids = np.array([[1, 1, 6, 0], [1, 3, 3, 1]])
    dy = np.random.default_rng(3).standard_normal((2, 4, 5)).astype("float32") * 1e4
    dy[0, 0] = 1e-4  # order-sensitive sums: a different order would round differently

    def grad():
        with GradientTape() as tape:
            loss = (layer(ids) * dy).sum()
        return tape.gradient(loss, layer.embeddings)

    on, off = both_ways(grad, ("scatter_add_rows",))
    _identical(on, off)
    np.testing.assert_allclose(on[2], 0.0)  # an index never used: no gradient


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_lstm_step_gradient_is_the_numpy_code_bit_for_bit(dtype):
    from numkeras import activations
    from numkeras.backend import fused

    if not fused.available():
        pytest.skip("numba not installed")
    rng = np.random.default_rng(4)
    b, u = 5, 3
    gates = activations.sigmoid(rng.standard_normal((b, 4 * u)).astype(dtype))
    gates[:, 2 * u : 3 * u] = np.tanh(rng.standard_normal((b, u))).astype(dtype)
    c_prev, ac, gh, dc = (rng.standard_normal((b, u)).astype(dtype) for _ in range(4))
    i, f, g, o = (gates[:, k * u : (k + 1) * u] for k in range(4))
    # layers/lstm.py's NumPy step
    expect_dc = dc + activations.tanh.grad(None, ac, gh * o)
    expect = np.concatenate(
        [
            activations.sigmoid.grad(None, i, expect_dc * g),
            activations.sigmoid.grad(None, f, expect_dc * c_prev),
            activations.tanh.grad(None, g, expect_dc * i),
            activations.sigmoid.grad(None, o, gh * ac),
        ],
        axis=1,
    )
    expect_dc *= f
    dz, got_dc = np.empty_like(gates), dc.copy()
    fused.run("lstm_step_grad", gates, c_prev, ac, gh, got_dc, gates.dtype.type(1), dz)
    _identical(dz, expect)
    _identical(got_dc, expect_dc)


@pytest.mark.parametrize("kwargs", [{}, dict(return_sequences=True, go_backwards=True)])
def test_lstm_fused_steps_agree_with_the_numpy_steps(both_ways, kwargs):
    layer = layers.LSTM(6, return_state=True, **kwargs)
    x = _inputs((4, 7, 3), special=False)
    layer.build(x.shape)

    def run():
        with GradientTape() as tape:
            tape.watch(x)
            out, h, c = layer(x)
            loss = (out * out).sum() + (c * 0.5).sum()
        return [out, h, c, *tape.gradient(loss, [x, *layer.trainable_weights])]

    on, off = both_ways(run, ("lstm_step", "lstm_step_grad"))
    for a, b in zip(on, off):  # the fused sigmoid / tanh differ in the last bits only
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=2e-5, atol=2e-6)


def test_lstm_falls_back_to_the_numpy_steps_when_its_kernels_fail(monkeypatch):
    from numkeras.backend import fused

    if not fused.available():
        pytest.skip("numba not installed")
    layer = layers.LSTM(4, return_sequences=True)
    x = _inputs((2, 5, 3), special=False)
    layer.build(x.shape)
    monkeypatch.setattr(fused, "_enabled", False)
    expect = np.asarray(layer(x))
    monkeypatch.setattr(fused, "_enabled", True)

    def broken(*args):
        raise TypeError("cannot compile")

    kernels = dict(fused._load())
    kernels["lstm_step"] = kernels["lstm_step_grad"] = broken
    monkeypatch.setattr(fused, "_kernels", kernels)
    with pytest.warns(RuntimeWarning, match="lstm_step"):
        with GradientTape() as tape:
            tape.watch(x)
            out = layer(x)
            loss = (out * out).sum()
        grads = tape.gradient(loss, [x, *layer.trainable_weights])
    np.testing.assert_allclose(np.asarray(out), expect, rtol=1e-6, atol=1e-7)
    assert all(np.isfinite(np.asarray(g)).all() for g in grads)

"""bench/handwritten.py computes what the Keras-API runners compute: its training steps
against numkeras's `train_on_batch` on the same weights, with and without the fused kernels
(nothing is timed)."""

from __future__ import annotations

import numpy as np
import pytest

from bench.handwritten import HandwrittenImpl, Net
from bench.workloads import Config, make_data
from numkeras import layers, models, optimizers
from numkeras.backend import fused

F32 = np.float32


@pytest.fixture(params=[True, False], ids=["kernels", "numpy"])
def kernels(request):
    """Both paths: numkeras's fused kernels (where numba is installed) and NumPy's ufuncs."""
    if request.param and not fused.available():
        pytest.skip("no numba: the kernel path is the NumPy one")
    before = fused.is_enabled()
    fused.set_enabled(request.param)
    yield request.param
    fused.set_enabled(before)


def _keras_copy(net: Net, acts: list[str], loss: str, lr: float, beta_1: float):
    """The same stack in numkeras, with `net`'s weights: Dense (+ LeakyReLU) layers."""
    stack: list = [layers.Input(shape=(net.layers[0].w.shape[0],))]
    for layer, act in zip(net.layers, acts):
        units = layer.w.shape[1]
        if act == "leaky":
            stack += [layers.Dense(units), layers.LeakyReLU(0.2)]
        else:
            stack.append(layers.Dense(units, activation=act))
    model = models.Sequential(stack)
    model.compile(optimizer=optimizers.Adam(lr, beta_1=beta_1), loss=loss)
    model.set_weights([a.copy() for layer in net.layers for a in (layer.w, layer.b)])
    return model


def _weights(net: Net) -> list[np.ndarray]:
    return [a for layer in net.layers for a in (layer.w, layer.b)]


def test_classifier_step_matches_numkeras(kernels):
    """W3's step (relu, relu, then softmax + sparse cross-entropy as `p - onehot`, Adam):
    after two steps the weights are numkeras's."""
    rng = np.random.default_rng(0)
    net = Net((12, 16, 16, 5), ["relu", "relu", "linear"], rng, 1e-3, 0.9)
    model = _keras_copy(net, ["relu", "relu", "softmax"], "sparse_categorical_crossentropy",
                        1e-3, 0.9)  # fmt: skip
    x = rng.standard_normal((8, 12), dtype=F32)
    y = rng.integers(0, 5, 8)
    for _ in range(2):
        model.train_on_batch(x, y)
        logits, inputs = net.forward(x)
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        p[np.arange(8), y] -= 1
        net.backward(inputs, p / F32(8), True, False)
        net.adam()
    for ours, theirs in zip(_weights(net), model.get_weights()):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def test_discriminator_step_matches_numkeras(kernels):
    """W1's discriminator step without dropout (LeakyReLU(0.2), sigmoid + binary
    cross-entropy as `p - y`, Adam(2e-4, beta_1=0.5)) gives numkeras's weights."""
    rng = np.random.default_rng(1)
    acts = ["leaky", "leaky", "sigmoid"]
    net = Net((10, 12, 6, 1), acts, rng, 2e-4, 0.5)
    model = _keras_copy(net, acts, "binary_crossentropy", 2e-4, 0.5)
    x = rng.standard_normal((6, 10), dtype=F32)
    y = rng.integers(0, 2, (6, 1)).astype(F32)
    model.train_on_batch(x, y)
    p, inputs = net.forward(x)
    net.backward(inputs, (p - y) / F32(6), True, False)
    net.adam()
    for ours, theirs in zip(_weights(net), model.get_weights()):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-7)


def test_frozen_backward_gives_input_gradient_only(kernels):
    """The GAN step's pass through the frozen D: no weight gradient is written, and the
    input gradient is d(sum of outputs)/dx (central differences in float64)."""
    rng = np.random.default_rng(2)
    net = Net((5, 7, 1), ["leaky", "tanh"], rng, 1e-3, 0.9)
    net.grads[...] = 7.0
    x = rng.standard_normal((3, 5), dtype=F32)
    out, inputs = net.forward(x)
    dx = net.backward(inputs, np.ones_like(out), False, True).copy()
    assert (net.grads == 7.0).all()

    def total(xv):
        w1, b1, w2, b2 = (a.astype(np.float64) for a in _weights(net))
        h = xv @ w1 + b1
        h = np.maximum(h, 0.2 * h)
        return np.tanh(h @ w2 + b2).sum()

    x64, eps = x.astype(np.float64), 1e-6
    numeric = np.zeros_like(x64)
    for i in np.ndindex(x64.shape):
        e = np.zeros_like(x64)
        e[i] = eps
        numeric[i] = (total(x64 + e) - total(x64 - e)) / (2 * eps)
    np.testing.assert_allclose(dx, numeric, rtol=1e-4, atol=1e-5)


def test_workloads_run_and_train():
    """Each workload runs at tiny sizes; W2 predicts the generator's rows, W1 trains."""
    cfg = Config.quick(w1_warmup=1, w2_rows=70, w3_rows=300)
    data = make_data(cfg)
    impl = HandwrittenImpl()
    predict = impl.setup("W2", data, cfg, batch_size=32)
    out = predict()
    assert out.shape == (70, 784) and out.dtype == F32
    assert np.isfinite(out).all() and np.abs(out).max() <= 1  # tanh images
    step = impl.setup("W1", data, cfg)
    step()
    impl.setup("W3", data, cfg)()
    with pytest.raises(ValueError, match="Unknown workload"):
        impl.setup("W4", data, cfg)


def test_bench_runs_the_lane_beside_the_floor():
    """`python -m bench --handwritten` times the lane in the same rounds, with its ratio to
    the floor (tiny sizes: nothing here is a measurement)."""
    from bench.run import format_table, main, run_bench

    cfg = Config.quick(w1_steps=1, w1_warmup=1, w3_rows=260, only=("W3",), pause_s=0.0)
    report = run_bench(cfg, progress=False, handwritten=True)
    entry = report["results"]["W3"]["numpy"]
    assert entry["median"] > 0 and entry["ratio_to_floor"] > 0
    assert "numpy" in format_table(report).splitlines()[0]
    assert main(["--quick", "--handwritten", "--only", "W2", "--w2-rows", "64", "--quiet"]) == 0

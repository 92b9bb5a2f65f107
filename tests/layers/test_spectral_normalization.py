"""SpectralNormalization against real Keras 3 (JAX backend; goldens from
scripts/goldens/make_misc.py): inference, training-mode outputs, `vector_u` updates, the
gradient through `kernel / sigma`, a `fit`, saving; and finite differences."""

import json
import pathlib

import numpy as np
import pytest

from numkeras.errors import ConfigError
from numkeras.layers import Conv2D, Dense, Embedding, Input
from numkeras.layers.spectral_normalization import SpectralNormalization
from numkeras.models import Sequential, load_model
from numkeras.models.config import as_json_types
from numkeras.optimizers import SGD
from numkeras.utils.gradcheck import numeric_gradient

GOLD = json.loads((pathlib.Path(__file__).parents[1] / "goldens" / "misc.json").read_text())
CASES = [c for c in GOLD["layers"] if c["class"] == "SpectralNormalization"]
INNER = {
    "Dense(4)": lambda: Dense(4),
    "Dense(3)": lambda: Dense(3),
    "Conv2D(3, 2)": lambda: Conv2D(3, 2),
}
TOL = dict(rtol=1e-5, atol=1e-5)


def _make(case):
    iters = case["kwargs"].get("iters", 1)
    return SpectralNormalization(INNER[case["kwargs"]["layer"]](), power_iterations=iters)


def _grads(layer, x, r, training=True):
    for v in layer.trainable_weights:
        v.start_grad(np.zeros(v.shape, v.dtype))
    out, cache = layer.forward(x, training=training)
    gx = layer.backward(cache, r.copy())
    grads = [v.grad.copy() for v in layer.trainable_weights]
    for v in layer.trainable_weights:
        v.start_grad(None)
    return out, gx, grads


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_matches_keras(case):
    layer = _make(case)
    x = np.array(case["x"], "float32")
    layer.build(x.shape)
    assert [v.name for v in layer.weights] == case["weight_names"]
    layer.set_weights([np.array(w, "float32") for w in case["weights"]])
    np.testing.assert_allclose(layer(x), case["output"], **TOL)
    training = "output_training" in case
    out, gx, gw = _grads(layer, x, np.array(case["r"], "float32"), training=training)
    assert out.dtype == gx.dtype == np.float32
    np.testing.assert_allclose(gx, case["grad_x"], **TOL)
    assert len(gw) == len(case["grad_weights"]) == 2
    for got, want in zip(gw, case["grad_weights"]):
        np.testing.assert_allclose(got, want, **TOL)
    if not training:
        return
    np.testing.assert_allclose(out, case["output_training"], **TOL)
    np.testing.assert_allclose(layer.vector_u.value, case["non_trainable_after"][0], **TOL)
    # forward (fit) leaves the kernel raw, as Keras's JAX backend
    np.testing.assert_array_equal(layer.kernel.value, np.array(case["weights"][0], "float32"))
    # a direct training call stores kernel / sigma (and u), as Keras
    layer.set_weights([np.array(w, "float32") for w in case["weights"]])
    layer(x, training=True)
    for got, want in zip(layer.get_weights(), case["eager_training_weights_after"]):
        np.testing.assert_allclose(got, want, **TOL)


@pytest.mark.parametrize(
    "inner, shape, iters",
    [
        (lambda: Dense(3, dtype="float64"), (4, 5), 1),
        (lambda: Conv2D(2, 2, dtype="float64"), (2, 3, 3, 2), 2),
    ],
)
def test_finite_differences_with_u_and_v_held(inner, shape, iters, monkeypatch):
    rng = np.random.default_rng(0)
    layer = SpectralNormalization(inner(), power_iterations=iters, dtype="float64")
    x = rng.normal(size=shape)
    layer.build(x.shape)
    layer.set_weights([rng.normal(0.3, 0.5, w.shape) for w in layer.get_weights()])
    u0 = layer.vector_u.value.copy()
    out, cache = layer.forward(x)  # u moves on; u, v for this step are in the cache
    _, (u, v, sigma, _) = cache
    r = rng.normal(size=out.shape)
    layer.vector_u.value[...] = u0
    _, gx, gw = _grads(layer, x, r)
    # u and v are stop_gradient'ed: differentiate kernel / (v @ W @ u.T) with them held
    held = (u, v)

    def power_iteration(self):
        w = self.kernel.value.reshape(-1, self.kernel.shape[-1])
        return held[0], held[1], (held[1] @ w @ held[0].T)[0, 0]

    monkeypatch.setattr(SpectralNormalization, "_power_iteration", power_iteration)

    def f():
        return float((layer.forward(x)[0] * r).sum())

    np.testing.assert_allclose(gx, numeric_gradient(f, x), rtol=1e-6, atol=1e-8)
    for var, g in zip(layer.trainable_weights, gw):
        np.testing.assert_allclose(g, numeric_gradient(f, var.value), rtol=1e-6, atol=1e-8)


def test_power_iteration_converges_to_the_spectral_norm():
    layer = SpectralNormalization(Dense(4), power_iterations=50)
    layer.build((None, 6))
    w = layer.kernel.numpy()
    layer(np.ones((1, 6), "float32"), training=True)
    top = np.linalg.svd(w, compute_uv=False)[0]
    np.testing.assert_allclose(layer.kernel.numpy(), w / top, rtol=1e-4)
    # inference leaves everything alone
    before = [w.copy() for w in layer.get_weights()]
    layer(np.ones((1, 6), "float32"))
    for a, b in zip(before, layer.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_zero_kernel_is_left_alone():
    layer = SpectralNormalization(Dense(2, kernel_initializer="zeros"))
    layer.build((None, 3))
    u = layer.vector_u.numpy()
    layer(np.ones((2, 3), "float32"), training=True)
    np.testing.assert_array_equal(layer.vector_u.numpy(), u)
    out, gx, gw = _grads(layer, np.ones((2, 3), "float32"), np.ones((2, 2), "float32"))
    np.testing.assert_allclose(gw[0], np.full((3, 2), 2.0))


def test_embedding_is_normalized():
    layer = SpectralNormalization(Embedding(5, 3), power_iterations=40)
    ids = np.array([[0, 1, 4]])
    layer(ids)
    table = layer.layer.embeddings.numpy()
    out = layer(ids, training=True)
    top = np.linalg.svd(table, compute_uv=False)[0]
    np.testing.assert_allclose(out[0], table[[0, 1, 4]] / top, rtol=1e-4)


def test_fit_matches_keras_and_saves(tmp_path):
    case = GOLD["spectral_fit"]
    model = Sequential([Input((4,)), SpectralNormalization(Dense(3)), Dense(1)])
    assert [w.name for w in model.weights] == [p.rsplit("/", 1)[1] for p in case["weight_names"]]
    model.set_weights([np.array(w, "float32") for w in case["weights"]])
    x, y = np.array(case["x"], "float32"), np.array(case["y"], "float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), case["predict_before"], **TOL)
    model.compile(optimizer=SGD(0.1), loss="mse")
    hist = model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    assert hist.history["loss"][-1] == pytest.approx(case["loss"], rel=1e-5)
    for got, want in zip(model.get_weights(), case["weights_after"]):
        np.testing.assert_allclose(got, want, **TOL)
    np.testing.assert_allclose(model.predict(x, verbose=0), case["predict_after"], **TOL)
    path = tmp_path / "sn.keras"
    model.save(path)
    loaded = load_model(path, custom_objects={"SpectralNormalization": SpectralNormalization})
    for got, want in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(got, want)


def test_config_matches_keras():
    layer = SpectralNormalization(Dense(3, name="d"), power_iterations=2, name="m")
    want = GOLD["configs"]["SpectralNormalization"]
    assert as_json_types(layer.get_config()) == want
    clone = SpectralNormalization.from_config(want)
    assert as_json_types(clone.get_config()) == want


def test_errors():
    with pytest.raises(ConfigError, match="power_iterations"):
        SpectralNormalization(Dense(2), power_iterations=0)
    with pytest.raises(ConfigError, match="Wrapper"):
        SpectralNormalization("dense")
    from numkeras.layers import Flatten

    with pytest.raises(ConfigError, match="kernel"):
        SpectralNormalization(Flatten())(np.ones((2, 3), "float32"))

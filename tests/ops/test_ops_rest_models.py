"""Functional models built from the remaining `numkeras.ops` (goldens from
scripts/goldens/make_ops_rest.py): Keras's config builds here and predicts alike, two SGD
steps match Keras's, `.keras` files round-trip; symbolic `cond` / `switch` train through
the branch taken; the eager-only functions refuse symbolic tensors clearly; loops unroll."""

import importlib.util
import json
import pathlib

import numpy as np
import pytest

import numkeras
from numkeras import backend, ops, optimizers
from numkeras.layers import Dense, Input
from numkeras.models import Model
from numkeras.models.config import as_json_types

ROOT = pathlib.Path(__file__).parents[2]
MODELS = json.loads((ROOT / "tests" / "goldens" / "ops_rest.json").read_text())["models"]


def _script():
    path = ROOT / "scripts" / "goldens" / "make_ops_rest.py"
    spec = importlib.util.spec_from_file_location("make_ops_rest", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()


def build(name):
    backend.clear_session(free_memory=False)
    return SCRIPT.MODELS[name](numkeras)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_operation_configs_are_the_ones_keras_writes(name):
    model, gold = build(name), MODELS[name]
    ours = as_json_types(model.get_config())
    want = gold["config"]
    assert [la["class_name"] for la in ours["layers"]] == [
        la["class_name"] for la in want["layers"]
    ]
    for o, w in zip(ours["layers"], want["layers"]):
        if w["module"].startswith("keras.src.ops"):
            assert o["module"] == w["module"], o["name"]
            assert o["config"] == w["config"], o["name"]


@pytest.mark.parametrize("name", sorted(MODELS))
def test_predictions_and_two_sgd_steps_match_keras(name):
    model, gold = build(name), MODELS[name]
    model.set_weights([np.asarray(w, "float32") for w in gold["weights"]])
    x = np.asarray(gold["inputs"], "float32")
    np.testing.assert_allclose(
        model.predict(x, verbose=0), gold["prediction"], rtol=2e-5, atol=2e-5
    )
    model.compile(optimizer=optimizers.SGD(0.05), loss="mse")
    y = np.asarray(gold["y"], "float32")
    losses = [float(model.train_on_batch(x, y)) for _ in range(2)]
    np.testing.assert_allclose(losses, gold["losses"], rtol=2e-5)
    for w, want in zip(model.get_weights(), gold["trained"]):
        np.testing.assert_allclose(w, want, rtol=1e-4, atol=2e-5)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_keras_config_builds_here_and_predicts_alike(name):
    gold = MODELS[name]
    model = Model.from_config(gold["config"])
    model.set_weights([np.asarray(w, "float32") for w in gold["weights"]])
    x = np.asarray(gold["inputs"], "float32")
    np.testing.assert_allclose(
        model.predict(x, verbose=0), gold["prediction"], rtol=2e-5, atol=2e-5
    )


@pytest.mark.parametrize("name", sorted(MODELS))
def test_save_and_load_round_trip(tmp_path, name):
    pytest.importorskip("h5py")
    model, gold = build(name), MODELS[name]
    model.set_weights([np.asarray(w, "float32") for w in gold["weights"]])
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = numkeras.saving.load_model(path)
    x = np.asarray(gold["inputs"], "float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def _grads_by_fd(model, x, y):
    """The loss gradient w.r.t. each weight by central differences (float64 weights)."""
    out = []
    for v in model.trainable_weights:
        g = np.zeros(v.shape)
        for i in np.ndindex(v.shape):
            old = v.value[i]
            vals = []
            for step in (1e-3, -1e-3):
                v.value[i] = old + step
                vals.append(float(((model.predict(x, verbose=0) - y) ** 2).mean()))
            v.value[i] = old
            g[i] = (vals[0] - vals[1]) / 2e-3
        out.append(g)
    return out


def test_symbolic_cond_and_switch_train_through_the_branch_taken():
    backend.clear_session(free_memory=False)
    x = Input(shape=(3,))
    h = Dense(3, name="h")(x)
    flag = ops.sum(x) > 0.0
    a = ops.cond(flag, lambda: h * 2.0, lambda: ops.tanh(h))
    index = ops.cast(ops.sum(x) > 1.0, "int32")
    b = ops.switch(index, [lambda t: t + 1.0, lambda t: ops.square(t)], h)
    model = Model(x, a + b)
    model.compile(optimizer=optimizers.SGD(0.0), loss="mse")
    rng = np.random.default_rng(0)
    for xv in (
        np.full((1, 3), 0.6, "float32"),
        np.full((1, 3), -0.4, "float32"),
        np.full((1, 3), 0.1, "float32"),
    ):
        hv = model.get_layer("h")(xv)
        s = float(xv.sum())
        want = (hv * 2 if s > 0 else np.tanh(hv)) + (hv**2 if s > 1 else hv + 1)
        np.testing.assert_allclose(model.predict(xv, verbose=0), want, rtol=1e-5)
    # the weight gradients of one step follow the branch taken
    xv = np.full((1, 3), 0.6, "float32")
    y = rng.normal(size=(1, 3)).astype("float32")
    before = [w.copy() for w in model.get_weights()]
    model.compile(optimizer=optimizers.SGD(0.1), loss="mse")
    want = _grads_by_fd(model, xv, y)
    model.train_on_batch(xv, y)
    for w0, w1, g in zip(before, model.get_weights(), want):
        np.testing.assert_allclose((w0 - w1) / 0.1, g, rtol=2e-2, atol=2e-3)


def test_eager_cond_switch_and_loops():
    assert ops.cond(np.array(False), lambda: 1, lambda: 2) == 2
    assert ops.switch(5, [lambda: "a", lambda: "b"]) == "b"  # clamped, as JAX
    carry, ys = ops.scan(
        lambda c, x: (c * x, c), np.float32(1.0), np.arange(1.0, 4.0), reverse=True
    )
    assert float(carry) == 6.0 and ys.tolist() == [6.0, 3.0, 1.0]
    assert ops.while_loop(lambda i: i < 10, lambda i: i + 3, 0, maximum_iterations=2) == 6
    out = ops.associative_scan(lambda a, b: a + b, np.arange(4.0), reverse=True)
    assert out.tolist() == [6.0, 6.0, 5.0, 3.0]


def test_map_and_fori_loop_unroll_on_symbolic_tensors():
    backend.clear_session(free_memory=False)
    x = Input(shape=(3, 2))
    y = ops.map(lambda r: r * 2.0, ops.transpose(x, (1, 0, 2)))
    z = ops.fori_loop(0, 2, lambda i, v: v + 1.0, x)
    model = Model(x, [y, z])
    xv = np.arange(12.0, dtype="float32").reshape(2, 3, 2)
    got_y, got_z = model.predict(xv, verbose=0)
    np.testing.assert_allclose(got_y, xv.transpose(1, 0, 2) * 2)
    np.testing.assert_allclose(got_z, xv + 2)


@pytest.mark.parametrize(
    "call",
    [
        lambda t: ops.bitwise_and(t, t),
        lambda t: ops.nonzero(t),
        lambda t: ops.unique(t),
        lambda t: ops.svd(t),
        lambda t: ops.while_loop(lambda v: ops.sum(v) < 3, lambda v: v + 1, t),
        lambda t: ops.convert_to_numpy(t),
    ],
)
def test_eager_only_functions_refuse_symbolic_tensors(call):
    with pytest.raises(TypeError, match="arrays|eager"):
        call(Input(shape=(4,)))


def test_small_helpers():
    x = np.zeros((2, 3), "float32")
    assert ops.size(x) == 6 and ops.ndim(x) == 2 and ops.dtype(x) == "float32"
    assert ops.dtype(1.0) == "float32" and ops.is_tensor(x) and not ops.is_tensor([1])
    assert ops.empty((2,)).dtype == np.float32 and ops.empty_like(x, "int32").dtype == np.int32
    assert isinstance(ops.convert_to_numpy(x), np.ndarray)
    assert ops.saturate_cast(np.array([-5.0, 300.0]), "uint8").tolist() == [0, 255]
    assert bool(ops.allclose(x, x + 1e-9))
    sym = Input(shape=(3,))
    assert repr(ops.size(sym)).startswith("<SymbolicDim")
    assert ops.ndim(sym) == 2


def test_float32_stays_float32():
    x = np.linspace(-2, 2, 12, dtype="float32").reshape(3, 4)
    for fn in (
        ops.rsqrt,
        ops.cbrt,
        ops.sinc,
        ops.erfinv,
        ops.celu,
        ops.sparsemax,
        ops.layer_normalization,
        ops.rms_normalization,
        ops.deg2rad,
        ops.nanstd,
    ):
        arg = np.clip(x, -0.9, 0.9) if fn is ops.erfinv else np.abs(x) + 0.1
        assert fn(arg).dtype == np.float32, fn.__name__
    assert ops.quantile(x, 0.5).dtype == np.float32
    assert ops.logaddexp(x, 1.0).dtype == np.float32
    assert ops.divide_no_nan(x, 0.0).dtype == np.float32


def test_errors_are_clear():
    with pytest.raises(ValueError, match="Cholesky decomposition failed"):
        ops.cholesky(-np.eye(2, dtype="float32"))
    with pytest.raises(ValueError, match="method"):
        ops.quantile(np.ones(3), 0.5, method="bogus")
    with pytest.raises(ValueError, match="reduction"):
        ops.scatter_update(np.zeros(3), [[0]], [1.0], reduction="avg")
    with pytest.raises(ValueError, match="cross product"):
        ops.cross(Input(shape=(4,)), Input(shape=(4,)))


def test_rearrange_on_symbolic_tensors_with_an_unknown_batch():
    backend.clear_session(free_memory=False)
    x = Input(shape=(6, 2))
    y = ops.rearrange(x, "b (h w) c -> b c w h", h=3)
    assert tuple(y.shape) == (None, 2, 2, 3)
    model = Model(x, y)
    xv = np.arange(24.0, dtype="float32").reshape(2, 6, 2)
    want = xv.reshape(2, 3, 2, 2).transpose(0, 3, 2, 1)
    np.testing.assert_allclose(model.predict(xv, verbose=0), want)


def test_ctc_loss_trains_a_dense_layer():
    backend.clear_session(free_memory=False)
    x = Input(shape=(5, 3))
    logits = Dense(4, name="logits")(x)
    labels = np.array([[1, 2], [3, 3]])
    loss = ops.ctc_loss(labels, logits, np.array([2, 2]), np.array([5, 5]))
    model = Model(x, loss)
    model.compile(optimizer=optimizers.SGD(0.1), loss=lambda y_true, y_pred: ops.mean(y_pred))
    xv = np.random.default_rng(0).normal(size=(2, 5, 3)).astype("float32")
    first = float(model.train_on_batch(xv, np.zeros((2,), "float32")))
    for _ in range(20):
        last = float(model.train_on_batch(xv, np.zeros((2,), "float32")))
    assert last < first


def test_segment_prod_backward_against_finite_differences():
    """(JAX has no gradient for segment_prod with repeated ids; checked by differences.)"""
    from numkeras.layers.keras_tensor import KerasTensor
    from numkeras.utils.gradcheck import numeric_gradient

    rng = np.random.default_rng(3)
    data = rng.normal(size=(6, 2))
    data[1, 0] = 0.0  # a zero entry: the product of the others
    ids = np.array([0, 0, 2, 1, 2, 2])
    op = ops.segment_prod(KerasTensor((6, 2), dtype="float64"), ids, num_segments=3).node.layer
    r = rng.normal(size=(3, 2))
    out, cache = op.forward([data])
    (got,) = op.backward(cache, r)

    def f():
        return float((op.forward([data])[0] * r).sum())

    np.testing.assert_allclose(got, numeric_gradient(f, data), rtol=1e-6, atol=1e-8)

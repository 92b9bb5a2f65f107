"""Functional models and layers built from the further ops (tile, split, einsum, pad, sort,
top_k, moments, dot_product_attention, ...), as Keras 3 builds them (goldens from
scripts/goldens/make_ops_extra.py): Keras's configs, predictions and two SGD steps, Keras's
`.keras` files loading here and numkeras's loading in Keras; layers and Lambdas written the
Keras way with these ops train with the finite-difference gradient; the operations with
several outputs, the call's keyword arguments, and the Python-value functions (arange,
linspace, eye, full, convert_to_tensor) against Keras."""

import importlib.util
import json
import pathlib
import warnings

import numpy as np
import pytest

import numkeras
from numkeras import backend, layers, ops, optimizers
from numkeras.layers import Input
from numkeras.layers.keras_tensor import KerasTensor
from numkeras.models import Model
from numkeras.models.config import as_json_types
from numkeras.utils.gradcheck import numeric_gradient

ROOT = pathlib.Path(__file__).parents[2]
GOLD = json.loads((ROOT / "tests" / "goldens" / "ops_extra.json").read_text())
MODELS = GOLD["models"]
EAGER = {c["label"]: c for c in GOLD["eager"]}
SAVING = ROOT / "tests" / "goldens" / "saving"


def _script():
    path = ROOT / "scripts" / "goldens" / "make_ops_extra.py"
    spec = importlib.util.spec_from_file_location("make_ops_extra", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()
# (the "shapes" model takes nan_to_num of a log of negative values, on purpose)
pytestmark = pytest.mark.filterwarnings("ignore:invalid value encountered in log")


def build(name):
    backend.clear_session(free_memory=False)  # Keras's automatic names, as the goldens were made
    return SCRIPT.MODELS[name](numkeras)


def feed(gold):
    xs = [np.asarray(x, "float32") for x in gold["inputs"]]
    return xs[0] if len(xs) == 1 else xs


SAVED = sorted(SCRIPT.KERAS_FILES)


def _node_positional(op, node):
    """A Keras node's arguments with its keywords in their places (`_forward`'s), as
    numkeras writes every argument positionally; both forms load in Keras and here."""
    import inspect

    args = list(node["args"])
    kwargs = dict(node.get("kwargs") or {})
    if not kwargs:
        return args
    names = list(inspect.signature(op._forward).parameters)
    last = max(names.index(k) for k in kwargs)
    return args + [kwargs.get(n) for n in names[len(args) : last + 1]]


@pytest.mark.parametrize("name", SAVED)
def test_config_is_the_one_keras_writes(name):
    model, gold = build(name), MODELS[name]
    assert [la.name for la in model.layers] == gold["layer_names"]
    ours = as_json_types(model.get_config())
    want = gold["config"]
    assert [la["name"] for la in ours["layers"]] == [la["name"] for la in want["layers"]]
    by_name = {op.name: op for op in model.operations}
    for o, w in zip(ours["layers"], want["layers"]):
        if not w["module"].startswith("keras.src.ops"):
            assert o["inbound_nodes"] == w["inbound_nodes"], o["name"]
            continue
        assert {k: v for k, v in o.items() if k != "inbound_nodes"} == {
            k: v for k, v in w.items() if k != "inbound_nodes"
        }, o["name"]
        op = by_name[o["name"]]
        for mine, theirs in zip(o["inbound_nodes"], w["inbound_nodes"]):
            assert mine["args"] == _node_positional(op, theirs), o["name"]


@pytest.mark.parametrize("name", sorted(MODELS))
def test_predictions_and_two_sgd_steps_match_keras(name):
    model, gold = build(name), MODELS[name]
    model.set_weights([np.asarray(w, "float32") for w in gold["weights"]])
    x = feed(gold)
    np.testing.assert_allclose(
        model.predict(x, verbose=0), gold["prediction"], rtol=2e-5, atol=2e-5
    )
    model.compile(optimizer=optimizers.SGD(0.05), loss="mse")
    y = np.asarray(gold["y"], "float32")
    losses = [float(model.train_on_batch(x, y)) for _ in range(2)]
    np.testing.assert_allclose(losses, gold["losses"], rtol=2e-5)
    for w, want in zip(model.get_weights(), gold["trained"]):
        np.testing.assert_allclose(w, want, rtol=1e-4, atol=2e-5)


@pytest.mark.parametrize("name", SAVED)
def test_keras_files_load_and_predict_like_keras(name):
    gold = MODELS[name]
    model = numkeras.saving.load_model(SAVING / f"keras_ops_extra_{name}.keras")
    np.testing.assert_allclose(
        model.predict(feed(gold), verbose=0), gold["prediction"], rtol=2e-5, atol=2e-5
    )


@pytest.mark.parametrize("name", SAVED)
def test_keras_config_builds_here(name):
    gold = MODELS[name]
    model = Model.from_config(gold["config"])
    model.set_weights([np.asarray(w, "float32") for w in gold["weights"]])
    np.testing.assert_allclose(
        model.predict(feed(gold), verbose=0), gold["prediction"], rtol=2e-5, atol=2e-5
    )


@pytest.mark.parametrize("name", SAVED)
def test_keras_loaded_the_numkeras_file_with_the_same_predictions(name):
    """(Checked when the goldens were made: Keras 3.15 loaded the `.keras` file numkeras
    writes of each model, split / top_k / moments included, and predicted alike.)"""
    gold = MODELS[name]
    np.testing.assert_allclose(
        gold["keras_prediction_of_numkeras_file"], gold["prediction"], rtol=1e-6, atol=1e-6
    )


@pytest.mark.parametrize("name", SAVED)
def test_save_and_load_round_trip(tmp_path, name):
    model, gold = build(name), MODELS[name]
    model.set_weights([np.asarray(w, "float32") for w in gold["weights"]])
    model.save(tmp_path / f"{name}.keras")
    again = numkeras.saving.load_model(tmp_path / f"{name}.keras")
    np.testing.assert_array_equal(
        again.predict(feed(gold), verbose=0), model.predict(feed(gold), verbose=0)
    )


def test_a_model_with_several_output_operations_summarises(capsys):
    model = build("multi")
    model.summary()
    text = capsys.readouterr().out
    assert "split" in text and "top_k" in text and "moments" in text


def test_a_model_with_several_output_operations_clones():
    model = build("multi")
    clone = numkeras.models.clone_model(model)
    clone.set_weights(model.get_weights())
    x = feed(MODELS["multi"])
    np.testing.assert_array_equal(clone.predict(x, verbose=0), model.predict(x, verbose=0))


# -- layers and Lambdas written with these ops train (finite differences) -------------------
def _fit_one_step_matches_finite_differences(model, x, y, rng):
    model.set_weights([rng.normal(0, 0.5, w.shape) for w in model.get_weights()])
    start = [w.copy() for w in model.get_weights()]

    def loss():
        return float(np.mean((model.predict(x, verbose=0, batch_size=len(x)) - y) ** 2))

    grads = [numeric_gradient(loss, v.value) for v in model.weights]
    lr = 0.1
    model.compile(optimizer=optimizers.SGD(lr), loss="mse")
    model.fit(x, y, batch_size=len(x), epochs=1, verbose=0, shuffle=False)
    for before, after, g in zip(start, model.get_weights(), grads):
        scale = max(1.0, float(np.abs(g).max()))  # (differences of large values: noise)
        np.testing.assert_allclose(after, before - lr * g, rtol=1e-6, atol=1e-8 * lr * scale)
    assert all(np.abs(g).max() > 0 for g in grads)


def test_custom_layers_with_einsum_tile_pad_and_attention_fit_one_step(float64):
    backend.clear_session(free_memory=False)
    model = SCRIPT.model_custom(numkeras)
    rng = np.random.default_rng(3)
    x, y = rng.normal(0, 1, (4, 4, 5)), rng.normal(0, 1, (4, 2))
    _fit_one_step_matches_finite_differences(model, x, y, rng)


def test_a_lambda_of_the_new_ops_fits_one_step(float64):
    def block(t):
        q = ops.reshape(t, (-1, 3, 2, 2))
        o = ops.dot_product_attention(q, ops.flip(q, axis=1), q, is_causal=True)
        e = ops.einsum("btnh,btnh->bt", o, q)
        p = ops.pad(ops.tile(e[:, None, :], (1, 2, 1)), ((0, 0), (0, 0), (1, 1)), mode="reflect")
        s = ops.sort(ops.reshape(p, (-1, 10)), axis=-1)
        values, _ = ops.top_k(s, 4)
        first, second = ops.split(values, 2, axis=-1)
        mean, var = ops.moments(s, axes=[1], keepdims=True)
        return ops.concatenate([first * second, mean, var, ops.cumsum(s, axis=-1)], axis=-1)

    backend.clear_session(free_memory=False)
    x_in = Input(shape=(12,))
    h = layers.Dense(12, name="h")(x_in)
    out = layers.Dense(2, name="out")(layers.Lambda(block)(h))
    model = Model(x_in, out)
    rng = np.random.default_rng(4)
    x, y = rng.normal(0, 1, (5, 12)), rng.normal(0, 1, (5, 2))
    _fit_one_step_matches_finite_differences(model, x, y, rng)


# -- operations with several outputs ------------------------------------------------------
def test_an_unused_output_of_split_or_top_k_passes_no_gradient():
    x = Input(shape=(6,))
    h = layers.Dense(6, name="h")(x)
    a, _ = ops.split(h, 2, axis=-1)
    _, idx = ops.top_k(h, 2)
    model = Model(x, [a, ops.cast(idx, "float32")])
    assert [t.dtype for t in model.outputs] == ["float32", "float32"]
    data = np.random.default_rng(0).normal(size=(3, 6)).astype("float32")
    _, caches = model.forward(data)
    for v in model.weights:
        v.start_grad(np.zeros(v.shape, "float32"))
    model.backward(caches, [np.ones((3, 3), "float32"), np.ones((3, 2), "float32")])
    kernel = model.get_layer("h").kernel
    np.testing.assert_allclose(kernel.grad[:, 3:], 0)  # the second piece and the indices
    np.testing.assert_allclose(kernel.grad[:, :3], data.T @ np.ones((3, 3)), rtol=1e-6)


def test_symbolic_multi_output_results_are_lists_and_tuples_as_in_keras():
    x = KerasTensor((None, 4))
    assert isinstance(ops.split(x, 2, axis=1), list)
    values, indices = ops.top_k(x, 2)
    assert values.dtype == "float32" and indices.dtype == "int32"
    assert isinstance(ops.top_k(x, 2), tuple) and isinstance(ops.moments(x, [1]), tuple)
    assert isinstance(ops.top_k(np.ones((2, 4), "float32"), 2), tuple)


def test_call_keywords_take_their_places_as_keras_writes_them():
    """Keras writes some call arguments as keywords (pad's `constant_values`, average's
    `weights`, attention's `mask`); an operation takes them by name."""
    from numkeras.ops.nn import DotProductAttention
    from numkeras.ops.numpy_extra import Average, Pad

    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(
        Pad([[0, 0], [1, 0]])(x, constant_values=-1.0),
        np.pad(x, [[0, 0], [1, 0]], constant_values=-1),
    )
    w = np.array([1.0, 0.0, 1.0])
    np.testing.assert_allclose(Average(axis=1)(x, weights=w), [1.0, 4.0])
    q = np.random.default_rng(1).normal(size=(1, 2, 1, 2))
    keep = np.array([True, False]).reshape(1, 1, 1, 2)
    masked = DotProductAttention()(q, q, q, mask=keep, scale=None)
    np.testing.assert_allclose(masked[0, :, 0], np.repeat(q[0, :1, 0], 2, axis=0))
    with pytest.raises(TypeError, match="keyword arguments"):
        Pad(1)(x, mode="reflect")


# -- functions of Python values ------------------------------------------------------------
@pytest.mark.parametrize("label", sorted(EAGER))
def test_functions_of_python_values_match_keras(label):
    case = EAGER[label]
    out = SCRIPT.call(ops, case["fn"], case["args"], case["kwargs"])
    assert isinstance(out, backend.xp.ndarray)
    assert str(out.dtype) == case["output_dtype"]
    np.testing.assert_allclose(out, np.asarray(case["output"]), rtol=1e-6, atol=1e-7)


def test_convert_to_tensor_of_symbolic_tensors_variables_and_arrays():
    x = KerasTensor((None, 3), dtype="int32")
    t = ops.convert_to_tensor(x, dtype="float32")
    assert t.dtype == "float32" and type(t.node.layer).__name__ == "ConvertToTensor"
    v = numkeras.Variable(np.ones(2, "float32"))
    assert ops.convert_to_tensor(v).dtype == np.float32
    assert ops.convert_to_tensor(np.zeros(2, "float64")).dtype == np.float64  # (as NumPy's)
    # sparse=True keeps sparse tensors; a dense one stays dense, as Keras
    assert ops.convert_to_tensor(np.zeros(2, "float32"), sparse=True).shape == (2,)


def test_arange_and_full_take_a_size_read_at_run_time():
    x = Input(shape=(None, 2))
    n = ops.shape(x)[1]
    steps = ops.arange(n)
    assert steps.shape == (None,) and steps.dtype == "int32"
    filled = ops.full((ops.shape(x)[0], 3), 0.5)
    assert filled.shape == (None, 3)
    spread = ops.broadcast_to(ops.sum(x, axis=(1, 2))[:, None], (ops.shape(x)[0], 4))
    model = Model(x, [ops.cast(steps, "float32"), filled, spread])
    a, b, c = model.predict(np.ones((2, 5, 2), "float32"), verbose=0)
    np.testing.assert_array_equal(a, np.arange(5.0))
    assert b.shape == (2, 3) and c.shape == (2, 4)
    np.testing.assert_array_equal(c, np.full((2, 4), 10.0))


def test_refusals_say_why():
    with pytest.raises(IndexError, match="out of bounds"):
        ops.take(np.ones((2, 3)), [3], axis=1)
    with pytest.raises(numkeras.errors.ConfigError, match="mode"):
        ops.pad(np.ones(3), 1, mode="maximum")
    with pytest.raises(TypeError, match="symbolic"):
        ops.arange(KerasTensor((None,)))
    with pytest.raises(numkeras.errors.ConfigError, match="flash"):
        ops.dot_product_attention(
            np.ones((1, 1, 1, 2)),
            np.ones((1, 1, 1, 2)),
            np.ones((1, 1, 1, 2)),
            flash_attention=True,
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(TypeError, match="integer"):
            ops.eye(2.0)

"""Functional models built from comparisons, `where`, logic, rounding, reductions, nn
activations and crossentropies, as Keras 3 builds them (goldens from
scripts/goldens/make_ops_more.py): Keras's config, predictions and two SGD steps, a Keras
`.keras` file loading here; a model gating with `ops.where(x > 0, ...)` training with the
finite-difference gradient; and the KerasTensor operators."""

import importlib.util
import json
import pathlib

import numpy as np
import pytest

import numkeras
from numkeras import backend, ops, optimizers
from numkeras.layers import Dense, Input
from numkeras.layers.keras_tensor import KerasTensor
from numkeras.models import Model
from numkeras.models.config import as_json_types
from numkeras.utils.gradcheck import numeric_gradient

ROOT = pathlib.Path(__file__).parents[2]
GOLD = json.loads((ROOT / "tests" / "goldens" / "ops_more.json").read_text())["models"]
KERAS_FILE = ROOT / "tests" / "goldens" / "saving" / "keras_ops_more.keras"


def _script():
    path = ROOT / "scripts" / "goldens" / "make_ops_more.py"
    spec = importlib.util.spec_from_file_location("make_ops_more", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()


def build(name):
    backend.clear_session(free_memory=False)  # Keras's automatic names, as the goldens were made
    return SCRIPT.MODELS[name](numkeras)


def feed(gold):
    xs = [np.asarray(x, "float32") for x in gold["inputs"]]
    return xs[0] if len(xs) == 1 else xs


@pytest.mark.parametrize("name", sorted(GOLD))
def test_config_is_the_one_keras_writes(name):
    model, gold = build(name), GOLD[name]
    assert [la.name for la in model.layers] == gold["layer_names"]
    ours = as_json_types(model.get_config())
    want = gold["config"]
    assert [la["name"] for la in ours["layers"]] == [la["name"] for la in want["layers"]]
    for o, w in zip(ours["layers"], want["layers"]):
        if w["module"].startswith("keras.src.ops"):
            assert o == w, o["name"]
        else:
            assert o["inbound_nodes"] == w["inbound_nodes"], o["name"]


@pytest.mark.parametrize("name", sorted(GOLD))
def test_predictions_and_two_sgd_steps_match_keras(name):
    model, gold = build(name), GOLD[name]
    model.set_weights([np.asarray(w, "float32") for w in gold["weights"]])
    x = feed(gold)
    np.testing.assert_allclose(
        model.predict(x, verbose=0), gold["prediction"], rtol=1e-5, atol=1e-5
    )
    model.compile(optimizer=optimizers.SGD(0.05), loss="mse")
    y = np.asarray(gold["y"], "float32")
    losses = [float(model.train_on_batch(x, y)) for _ in range(2)]
    np.testing.assert_allclose(losses, gold["losses"], rtol=1e-5)
    for w, want in zip(model.get_weights(), gold["trained"]):
        np.testing.assert_allclose(w, want, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", sorted(GOLD))
def test_keras_config_loads_and_predicts_like_keras(name):
    gold = GOLD[name]
    model = Model.from_config(gold["config"])
    model.set_weights([np.asarray(w, "float32") for w in gold["weights"]])
    np.testing.assert_allclose(
        model.predict(feed(gold), verbose=0), gold["prediction"], rtol=1e-5, atol=1e-5
    )


def test_a_keras_file_with_the_new_operations_loads():
    gold = GOLD["gates"]
    model = numkeras.saving.load_model(KERAS_FILE)
    np.testing.assert_allclose(
        model.predict(feed(gold), verbose=0), gold["prediction"], rtol=1e-5, atol=1e-5
    )


@pytest.mark.parametrize("name", sorted(GOLD))
def test_save_and_load_round_trip(tmp_path, name):
    model, gold = build(name), GOLD[name]
    model.set_weights([np.asarray(w, "float32") for w in gold["weights"]])
    model.save(tmp_path / f"{name}.keras")
    again = numkeras.saving.load_model(tmp_path / f"{name}.keras")
    np.testing.assert_array_equal(
        again.predict(feed(gold), verbose=0), model.predict(feed(gold), verbose=0)
    )


# -- training through comparisons and where -------------------------------------------------
def _gated_model():
    x = Input(shape=(3,), dtype="float64")
    h = Dense(4, name="h", dtype="float64")(x)
    leaky = ops.where(h > 0, h, 0.1 * h)
    band = (h >= -0.5) & ~(h > 0.5) | (h < -2.0)
    out = ops.where(band, ops.square(leaky), leaky * 0.5) + ops.where(h != 0, 0.0, 1.0)
    return Model(x, Dense(2, name="o", dtype="float64")(out))


def test_a_where_gated_model_trains_one_step_with_the_finite_difference_gradient():
    backend.set_floatx("float64")
    try:
        backend.clear_session(free_memory=False)
        model = _gated_model()
        rng = np.random.default_rng(7)
        model.set_weights([rng.normal(0, 1, w.shape) for w in model.get_weights()])
        x, y = rng.normal(0, 1, (6, 3)), rng.normal(0, 1, (6, 2))
        start = [w.copy() for w in model.get_weights()]

        def loss():
            return float(np.mean((model.predict(x, verbose=0, batch_size=6) - y) ** 2))

        grads = []
        for v in model.weights:
            w = v.value  # finite differences move the weight in place
            grads.append(numeric_gradient(loss, w))
        lr = 0.1
        model.compile(optimizer=optimizers.SGD(lr), loss="mse")
        model.fit(x, y, batch_size=6, epochs=1, verbose=0, shuffle=False)
        for before, after, g in zip(start, model.get_weights(), grads):
            np.testing.assert_allclose(after, before - lr * g, rtol=1e-6, atol=1e-9)
        assert any(np.abs(g).max() > 0 for g in grads)
    finally:
        backend.set_floatx("float32")


def test_comparisons_inside_a_model_pass_no_gradient_to_their_inputs():
    x = Input(shape=(3,))
    h = Dense(3, name="h")(x)
    model = Model(x, ops.where(h > 0.0, 1.0, -1.0) + ops.cast(h >= 1.0, "float32"))
    outs, caches = model.forward(np.ones((2, 3), "float32"))
    for v in model.weights:
        v.grad = None
    model.backward(caches, np.ones((2, 3), "float32"))
    assert all(v.grad is None or not np.any(v.grad) for v in model.weights)


# -- KerasTensor operators ------------------------------------------------------------------
def test_the_keras_tensor_operators_record_the_keras_operations():
    x, y = KerasTensor((None, 3)), KerasTensor((None, 3))
    b = x > 0
    table = {
        "Less": x < y,
        "LessEqual": x <= 1.0,
        "Greater": 0.5 < x,  # reflected: Python calls x > 0.5
        "GreaterEqual": x >= y,
        "NotEqual": x != y,
        "LogicalAnd": b & (y > 0),
        "LogicalOr": b | (y > 0),
        "LogicalXor": b ^ (y > 0),
        "LogicalNot": ~b,
        "FloorDivide": x // 2,
        "Mod": x % 2.0,
        "Round": round(x),
    }
    for name, t in table.items():
        assert type(t.node.layer).__name__ == name
        assert t.shape == (None, 3)
    assert (x > 0).dtype == "bool" and (x // 2).dtype == "float32"
    assert type((2.0 // x).node.layer).__name__ == "FloorDivide"
    assert type((True & b).node.layer).__name__ == "LogicalAnd"


def test_keras_tensors_keep_identity_equality_and_hashing():
    x, y = KerasTensor((None, 3)), KerasTensor((None, 3))
    assert (x == x) is True and (x == y) is False
    assert {x: 1, y: 2}[x] == 1 and x in [x] and y not in [x]
    assert hash(x) == hash(x)
    with pytest.raises(TypeError, match="no truth value"):
        bool(x > 0)
    with pytest.raises(TypeError, match="no truth value"):
        if x:  # noqa: SIM102
            pass


def test_symbolic_dtypes_of_integer_and_bool_tensors_follow_keras():
    """(Keras 3.15's symbolic dtypes: integers stay integers, a Python float makes floats,
    a sum of bools counts in int32, comparisons give bool.)"""
    i = KerasTensor((None, 3), dtype="int32")
    b = KerasTensor((None, 3), dtype="bool")
    assert (i + 1).dtype == "int32" and (i * 1.5).dtype == "float32"
    assert ops.squeeze(KerasTensor((None, 1), dtype="int32"), -1).dtype == "int32"
    assert abs(i).dtype == "int32" and ops.square(i).dtype == "int32"
    assert ops.sum(b).dtype == "int32" and ops.mean(b).dtype == "float32"
    assert ops.concatenate([i, i], axis=-1).dtype == "int32" and i[:, :1].dtype == "int32"
    assert (i > 1).dtype == "bool" and ops.floor(i).dtype == "float32"
    assert ops.where(b, i, 0).dtype == "int32" and ops.where(b, i, 0.5).dtype == "float32"

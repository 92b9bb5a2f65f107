"""Functional models with operations (`x * 2.0 + 1.0`, `numkeras.ops`) as Keras 3 builds
them: graph nodes that are not layers, Keras's config, predictions and SGD training steps
(goldens from scripts/goldens/make_ops.py), `.keras` files both ways, summary, explain and
clone_model."""

import importlib.util
import json
import pathlib

import numpy as np
import pytest

import numkeras
from numkeras import backend, ops, optimizers
from numkeras.errors import ConfigError
from numkeras.layers import Dense, Input
from numkeras.models import Model, clone_model
from numkeras.models.config import as_json_types

ROOT = pathlib.Path(__file__).parents[2]
GOLD = json.loads((ROOT / "tests" / "goldens" / "ops.json").read_text())["models"]
KERAS_FILE = ROOT / "tests" / "goldens" / "saving" / "keras_ops.keras"


def _script():
    path = ROOT / "scripts" / "goldens" / "make_ops.py"
    spec = importlib.util.spec_from_file_location("make_ops", path)
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
    for key in ("input_layers", "output_layers"):  # Keras unwraps a single one, as numkeras
        assert ours[key] == want[key]


@pytest.mark.parametrize("name", sorted(GOLD))
def test_predictions_and_two_sgd_steps_match_keras(name):
    model, gold = build(name), GOLD[name]
    model.set_weights([np.asarray(w, "float32") for w in gold["weights"]])
    x = feed(gold)
    np.testing.assert_allclose(
        model.predict(x, verbose=0), gold["prediction"], rtol=1e-5, atol=1e-6
    )
    model.compile(optimizer=optimizers.SGD(0.05), loss="mse")
    y = np.asarray(gold["y"], "float32")
    losses = [float(model.train_on_batch(x, y)) for _ in range(2)]
    np.testing.assert_allclose(losses, gold["losses"], rtol=1e-5)
    for w, want in zip(model.get_weights(), gold["trained"]):
        np.testing.assert_allclose(w, want, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("name", sorted(GOLD))
def test_keras_config_loads_and_predicts_like_keras(name):
    gold = GOLD[name]
    model = Model.from_config(gold["config"])
    assert [la.name for la in model.layers] == gold["layer_names"]
    model.set_weights([np.asarray(w, "float32") for w in gold["weights"]])
    np.testing.assert_allclose(
        model.predict(feed(gold), verbose=0), gold["prediction"], rtol=1e-5, atol=1e-6
    )
    assert as_json_types(model.get_config()) == as_json_types(build(name).get_config())


def test_a_keras_file_with_operations_loads():
    gold = GOLD["mixed"]
    model = numkeras.saving.load_model(KERAS_FILE)
    np.testing.assert_allclose(
        model.predict(feed(gold), verbose=0), gold["prediction"], rtol=1e-5, atol=1e-6
    )


@pytest.mark.parametrize("name", sorted(GOLD))
def test_save_and_load_round_trip(tmp_path, name):
    model, gold = build(name), GOLD[name]
    model.set_weights([np.asarray(w, "float32") for w in gold["weights"]])
    path = tmp_path / f"{name}.keras"
    model.save(path)
    again = numkeras.saving.load_model(path)
    np.testing.assert_array_equal(
        again.predict(feed(gold), verbose=0), model.predict(feed(gold), verbose=0)
    )


def test_operations_are_nodes_not_layers_as_in_keras():
    backend.clear_session(free_memory=False)
    x = Input(shape=(4,), name="x")
    h = Dense(4, name="h")(x)
    y = (h + x) * 2.0
    model = Model(x, Dense(2, name="o")(y))
    assert [la.name for la in model.layers] == ["x", "h", "o"]
    assert [op.name for op in model.operations] == ["x", "h", "add", "multiply", "o"]
    assert len(model.weights) == 4 and model.count_params() == 30
    with pytest.raises(ConfigError, match="No such layer: add"):
        model.get_layer("add")
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "add (Add)" in text and "multiply (Multiply)" in text and "h[0][0], x[0][0]" in text
    trace = numkeras.explain(model, (3, 4), print_fn=lambda s: None)
    assert "multiply (Multiply)" in trace and "Result: (3, 2)" in trace


def test_operators_compute_what_they_say():
    x = Input(shape=(4,))
    w = Input(shape=(4, 3))
    outs = [x * 2.0 + 1.0, x / 3, -x, x**2, x[:, 0:2], abs(x), 1.0 - x, 2.0 / (x + 3.0), x @ w]
    model = Model([x, w], outs)
    a = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")
    b = np.random.default_rng(1).normal(size=(5, 4, 3)).astype("float32")
    got = model.predict([a, b], verbose=0)
    want = [
        a * 2 + 1,
        a / 3,
        -a,
        a**2,
        a[:, 0:2],
        abs(a),
        1 - a,
        2 / (a + 3),
        np.matmul(a, b),
    ]
    for g, e in zip(got, want):
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6)


def test_gradients_through_a_graph_with_operations_match_finite_differences():
    from numkeras.utils.gradcheck import numeric_gradient

    backend.set_floatx("float64")
    try:
        x = Input(shape=(3,), dtype="float64")
        h = Dense(3, name="h", dtype="float64")(x)
        y = ops.softmax(h * x + ops.sum(h, axis=-1, keepdims=True), axis=-1)
        out = ops.concatenate([y[:, 1:], ops.tanh(x) ** 2], axis=1)
        model = Model(x, out)
        xv = np.random.default_rng(2).normal(size=(4, 3))
        r = np.random.default_rng(3).normal(size=(4, 5))
        for v in model.weights:
            v.grad = None
        outs, caches = model.forward(xv)
        gx = model.backward(caches, r.copy())
        np.testing.assert_allclose(
            gx,
            numeric_gradient(lambda: float((model.call(xv) * r).sum()), xv),
            rtol=1e-5,
            atol=1e-8,
        )
    finally:
        backend.set_floatx("float32")


def test_clone_model_rebuilds_the_operations():
    model = build("shapes")
    twin = clone_model(model)
    twin.set_weights(model.get_weights())
    gold = GOLD["shapes"]
    np.testing.assert_allclose(
        twin.predict(feed(gold), verbose=0), model.predict(feed(gold), verbose=0)
    )
    assert [op.name for op in twin.operations] == [op.name for op in model.operations]
    assert not any(a is b for a, b in zip(twin.operations, model.operations))


def test_loading_an_unknown_operation_is_refused_without_running_code():
    config = json.loads(json.dumps(GOLD["residual"]["config"]))
    config["layers"][2]["class_name"] = "Evil"
    with pytest.raises(ConfigError, match="Unknown operation 'Evil'"):
        Model.from_config(config)

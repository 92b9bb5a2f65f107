"""Embedding against real Keras 3 (goldens from scripts/goldens/make_more_layers.py):
lookups, the embeddings' gradient (a scatter-add), configs, an Embedding -> Flatten -> Dense
model trained 2 steps; plus integer inputs through `Input(dtype="int32")`, the index-range
error, finite differences and saving."""

import json
import pathlib

import numpy as np
import pytest

from numkeras.errors import ConfigError, InputTypeError, LabelRangeError
from numkeras.layers import Dense, Embedding, Flatten, Input
from numkeras.models import Model, Sequential, load_model
from numkeras.models.config import as_json_types
from numkeras.optimizers import SGD
from numkeras.utils.gradcheck import numeric_gradient

GOLD = json.loads((pathlib.Path(__file__).parents[1] / "goldens" / "more_layers.json").read_text())
CASES = [c for c in GOLD["eager"] if c["class"] == "Embedding"]


def _grad(layer, x, r):
    layer._maybe_build(x.shape)
    v = layer.embeddings
    v.start_grad(np.zeros(v.shape, v.dtype))
    _, cache = layer.forward(x, training=True)
    assert layer.backward(cache, r.copy(), need_input_grad=True) is None  # no index gradient
    g = v.grad.copy()
    v.start_grad(None)
    return g


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_lookup_and_gradient_match_keras(case):
    layer = Embedding(**case["kwargs"])
    x = np.array(case["x"], "int32")
    layer.build(x.shape)
    layer.set_weights([np.array(w, "float32") for w in case["weights"]])
    np.testing.assert_allclose(layer(x), case["output"], rtol=1e-6)
    np.testing.assert_allclose(layer(x.astype("float32")), case["output"], rtol=1e-6)
    (want,) = case["grad_weights"]
    r = np.array(case["r"], "float32")
    np.testing.assert_allclose(_grad(layer, x, r), want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_grad(layer, x.astype("float32"), r), want, rtol=1e-5, atol=1e-6)


def test_float_indices_are_truncated_as_keras():
    case = GOLD["embedding_lookup"]
    layer = Embedding(5, 2)
    layer.build(None)
    layer.set_weights([np.array(case["table"], "float32")])
    np.testing.assert_allclose(layer(np.array(case["x"], "float32")), case["output"])


def test_scatter_add_sums_repeated_indices():
    layer = Embedding(4, 3)
    x = np.array([[1, 1, 3], [1, 0, 3]])
    r = np.arange(18, dtype="float32").reshape(2, 3, 3)
    g = _grad(layer, x, r)
    want = np.zeros((4, 3), "float32")
    for idx, row in zip(x.ravel(), r.reshape(-1, 3)):
        want[idx] += row
    np.testing.assert_array_equal(g, want)
    assert not g[2].any()  # an unused row gets no gradient


def test_finite_differences_float64():
    rng = np.random.default_rng(0)
    layer = Embedding(6, 3, dtype="float64")
    x = rng.integers(0, 6, (4, 5))
    layer.build(x.shape)
    r = rng.normal(size=(4, 5, 3))
    g = _grad(layer, x, r)
    f = lambda: float((layer(x) * r).sum())  # noqa: E731
    np.testing.assert_allclose(g, numeric_gradient(f, layer.embeddings.value), rtol=1e-7)


def test_integer_input_model_predict_and_shapes():
    inp = Input((7,), dtype="int32")
    out = Embedding(1000, 8)(inp)
    assert out.shape == (None, 7, 8)
    model = Model(inp, out)
    x = np.random.default_rng(1).integers(0, 1000, (5, 7))
    table = model.layers[1].embeddings.numpy()
    np.testing.assert_array_equal(model.predict(x, verbose=0), table[x])
    np.testing.assert_array_equal(model(x), table[x])


@pytest.mark.parametrize("shape", [s for s in GOLD["shapes"] if s["class"] == "Embedding"])
def test_symbolic_shapes_match_keras(shape):
    out = Embedding(**shape["kwargs"])(Input(batch_shape=tuple(shape["input"]), dtype="int32"))
    assert list(out.shape) == shape["output"]


@pytest.mark.parametrize("bad", [10, -1, 25])
def test_out_of_range_indices_raise(bad):
    layer = Embedding(10, 2)
    x = np.array([[0, 3, bad]])
    for arr in (x, x.astype("float32")):
        with pytest.raises(LabelRangeError, match=rf"index {bad}, outside .*\[0, 10\)") as info:
            layer(arr)
        assert isinstance(info.value, ValueError) and isinstance(info.value, IndexError)
    model = Sequential([Input((3,), dtype="int32"), Embedding(10, 2), Flatten(), Dense(1)])
    with pytest.raises(LabelRangeError, match="input_dim=10"):
        model.predict(x, verbose=0)
    model.compile(optimizer="sgd", loss="mse")
    before = model.get_weights()
    with pytest.raises(LabelRangeError):
        model.fit(x, np.zeros((1, 1)), verbose=0)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_bad_index_values():
    layer = Embedding(10, 2)
    with pytest.raises(InputTypeError, match="NaN"):
        layer(np.array([[1.0, np.nan]], "float32"))
    with pytest.raises(LabelRangeError, match=r"2\*\*24"):
        Embedding(10, 2)(np.array([[3e7]], "float32"))


def test_end_to_end_training_matches_keras(tmp_path):
    case = next(c for c in GOLD["models"] if c["name"] == "embedding_flatten_dense")
    inp = Input((5,), dtype="int32")
    h = Flatten()(Embedding(10, 4)(inp))
    model = Model(inp, Dense(3, activation="softmax")(h))
    model.set_weights([np.array(w, "float32") for w in case["weights"]])
    x, y = np.array(case["x"], "int32"), np.array(case["y"])
    np.testing.assert_allclose(model.predict(x, verbose=0), case["predict_before"], rtol=1e-5)
    model.compile(optimizer=SGD(learning_rate=0.1), loss="sparse_categorical_crossentropy")
    hist = model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    assert hist.history["loss"][-1] == pytest.approx(case["loss"], rel=1e-5)
    for got, want in zip(model.get_weights(), case["weights_after"]):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.predict(x, verbose=0), case["predict_after"], rtol=1e-5)

    path = tmp_path / "emb.keras"
    model.save(path)
    loaded = load_model(path)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.layers[1].get_config() == model.layers[1].get_config()
    loaded.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)  # still trains


@pytest.mark.parametrize(
    "key, make",
    [
        ("Embedding", lambda: Embedding(10, 3, name="m")),
        (
            "Embedding_full",
            lambda: Embedding(
                10,
                3,
                embeddings_initializer="glorot_uniform",
                embeddings_regularizer="l1",
                embeddings_constraint="unit_norm",
                activity_regularizer="l2",
                name="m",
            ),
        ),
    ],
)
def test_configs_match_keras(key, make):
    assert as_json_types(make().get_config()) == GOLD["configs"][key]
    clone = Embedding.from_config(GOLD["configs"][key])
    assert as_json_types(clone.get_config()) == GOLD["configs"][key]


def test_unbuilt_layer_has_no_embeddings():
    layer = Embedding(3, 2)
    assert not hasattr(layer, "embeddings")
    with pytest.raises(AttributeError, match="not built"):
        layer.embeddings  # noqa: B018
    layer.build(None)
    assert layer.embeddings.shape == (3, 2)


def test_initial_weights_regularizer_and_defaults():
    table = np.arange(6, dtype="float32").reshape(3, 2)
    layer = Embedding(3, 2, weights=table)
    np.testing.assert_array_equal(layer(np.array([[2, 0]])), [[[4, 5], [0, 1]]])
    init = Embedding(50, 40)
    init.build(None)
    w = init.embeddings.numpy()
    assert w.min() >= -0.05 and w.max() <= 0.05 and w.std() > 0.02  # 'uniform' (+-0.05)
    reg = Embedding(3, 2, weights=[table], embeddings_regularizer="l2")
    assert float(reg.losses[0]) == pytest.approx(0.01 * (table**2).sum())


def test_unsupported_arguments():
    for kwargs in ({"input_dim": 0, "output_dim": 2}, {"input_dim": 3, "output_dim": 2.0}):
        with pytest.raises(ConfigError, match="positive integer"):
            Embedding(**kwargs)
    with pytest.raises(ConfigError, match="lora_rank"):
        Embedding(10, 2, lora_rank=-4)
    with pytest.warns(UserWarning, match="input_length"):
        Embedding(10, 2, input_length=5)

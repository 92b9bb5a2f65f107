"""MultiHeadAttention, Attention, AdditiveAttention and EinsumDense against real Keras 3
(goldens from scripts/goldens/make_attention.py): outputs, attention scores and
gradients (jax.grad) w.r.t. every input and weight, configs, models trained 2 steps by
`fit`, `.keras` / `.weights.h5` files both ways; plus every backward pass against finite
differences in float64, `.keras` round trips, `clone_model`, a transformer block that
learns a toy task, and the errors."""

import json
import pathlib
import warnings

import numpy as np
import pytest

import numkeras
from numkeras.errors import ConfigError, ShapeError
from numkeras.layers import (
    Add,
    AdditiveAttention,
    Attention,
    Concatenate,
    Dense,
    EinsumDense,
    Embedding,
    Flatten,
    GlobalAveragePooling1D,
    Input,
    LayerNormalization,
    MultiHeadAttention,
)
from numkeras.models import Model, clone_model, load_model
from numkeras.models.config import as_json_types
from numkeras.optimizers import SGD
from numkeras.utils.gradcheck import numeric_gradient

GOLDENS = pathlib.Path(__file__).parents[1] / "goldens"
GOLD = json.loads((GOLDENS / "attention.json").read_text())
CASES = {c["name"]: c for c in GOLD["eager"]}
TOL = dict(rtol=2e-5, atol=2e-5)
GRAD_TOL = dict(rtol=1e-4, atol=5e-5)
FD_TOL = dict(rtol=1e-6, atol=1e-8)


def _f32(a):
    return None if a is None else np.array(a, "float32")


def _cases(cls):
    return [c for c in GOLD["eager"] if c["class"] == cls]


def _start_grads(layer):
    for v in layer.trainable_weights:
        v.start_grad(np.zeros(v.shape, v.dtype))


def _take_grads(layer):
    grads = [v.grad.copy() for v in layer.trainable_weights]
    for v in layer.trainable_weights:
        v.start_grad(None)
    return grads


# -- MultiHeadAttention against Keras ---------------------------------------------------------
def _mha_call(case):
    """(graph-form inputs, keyword arguments) of a golden MultiHeadAttention case."""
    call = case["call"]
    q, v, k = _f32(case["q"]), _f32(case["v"]), _f32(case["k"])
    inputs = [q, v] if k is None else [q, v, k]
    kw = {
        name: bool(call[name])
        for name in ("return_attention_scores", "use_causal_mask")
        if name in call
    }
    for name in ("value_mask", "key_mask"):
        if name in call:
            kw[name] = np.array(call[name], bool)
    if "attention_mask" in call:
        if k is None:
            inputs.append(v)
        inputs.append(np.array(call["attention_mask"], bool))
    return inputs, kw


def _mha_from_case(case):
    layer = MultiHeadAttention(**case["kwargs"])
    q, v = np.array(case["q"]), np.array(case["v"])
    k = None if case["k"] is None else np.array(case["k"])
    layer.build(q.shape, v.shape, None if k is None else k.shape)
    layer.set_weights([_f32(w) for w in case["weights"]])
    return layer


def test_goldens_cover_the_layers():
    assert {c["class"] for c in GOLD["eager"]} == {
        "MultiHeadAttention",
        "Attention",
        "AdditiveAttention",
        "EinsumDense",
    }
    assert len(_cases("MultiHeadAttention")) >= 15


@pytest.mark.parametrize("case", _cases("MultiHeadAttention"), ids=lambda c: c["name"])
def test_multi_head_attention_matches_keras(case):
    layer = _mha_from_case(case)
    assert [w.path for w in layer.weights] == [
        p.replace(p.split("/")[0], layer.name, 1) for p in case["weight_paths"]
    ]
    inputs, kw = _mha_call(case)
    returns_scores = kw.get("return_attention_scores", False)
    q, v = inputs[0], inputs[1]
    k = inputs[2] if case["k"] is not None else None
    mask = inputs[-1] if "attention_mask" in case["call"] else None
    got = layer(q, v, key=k, attention_mask=mask, **kw)
    out, scores = got if returns_scores else (got, None)
    np.testing.assert_allclose(out, case["output"], **TOL)
    if returns_scores:
        np.testing.assert_allclose(scores, case["scores"], **TOL)
    # the backward pass: d/d(inputs, weights) of sum(out * r) + sum(scores * r2)
    _start_grads(layer)
    _, cache = layer.forward(inputs, training=False, **kw)
    r = _f32(case["r"])
    g = [r, _f32(case["r2"])] if returns_scores else r
    grads = layer.backward(cache, g)
    weight_grads = _take_grads(layer)
    assert len(weight_grads) == len(case["grad_weights"])
    for got_w, want in zip(weight_grads, case["grad_weights"]):
        np.testing.assert_allclose(got_w, want, **GRAD_TOL)
    if len(inputs) > 3:
        assert grads[3] is None  # (the attention mask)
        if case["k"] is None:  # (the value passed as the key too)
            grads = [grads[0], grads[1] + grads[2]]
    for got_x, want in zip(grads, case["grad_inputs"]):
        np.testing.assert_allclose(got_x, want, **GRAD_TOL)


def test_a_fully_masked_row_depends_on_the_path_as_in_keras():
    # the fast path (no scores, no dropout) attends uniformly; the explicit-scores path
    # gives probability 0, so the row's output is the output bias
    fast, scores = CASES["mask_fast_path"], CASES["mask_scores"]
    assert np.array(scores["scores"])[1, :, 2].max() == 0.0
    layer = _mha_from_case(fast)
    bias = layer.output_dense.bias.numpy()
    assert not np.allclose(np.array(fast["output"])[1, 2], bias)
    layer = _mha_from_case(CASES["mask_dropout_inference"])
    np.testing.assert_allclose(
        np.array(CASES["mask_dropout_inference"]["output"])[1, 2],
        layer.output_dense.bias.numpy(),
        atol=1e-6,
    )


def test_symbolic_shapes():
    q, v = Input((4, 6)), Input((5, 3))
    out, scores = MultiHeadAttention(2, 3)(q, v, return_attention_scores=True)
    assert out.shape == tuple(GOLD["shapes"]["mha_scores_cross"][0])
    # Keras's symbolic scores say (B, heads, T, T); they are (B, heads, T, S)
    assert scores.shape == (None, 2, 4, 5)
    out, weights = Attention()([q, v, Input((5, 6))], return_attention_scores=True)
    assert [list(out.shape), list(weights.shape)] == GOLD["shapes"]["attention_scores"]


# -- Attention and AdditiveAttention against Keras ----------------------------------------------
def _attention_call(case):
    call = case["call"]
    kw = {n: bool(call[n]) for n in ("return_attention_scores", "use_causal_mask") if n in call}
    if "mask" in call:
        kw["mask"] = [None if m is None else np.array(m, bool) for m in call["mask"]]
    return [_f32(x) for x in case["inputs"]], kw


@pytest.mark.parametrize(
    "case", _cases("Attention") + _cases("AdditiveAttention"), ids=lambda c: c["name"]
)
def test_attention_layers_match_keras(case):
    cls = Attention if case["class"] == "Attention" else AdditiveAttention
    layer = cls(**case["kwargs"])
    inputs, kw = _attention_call(case)
    layer.build([x.shape for x in inputs])
    layer.set_weights([_f32(w) for w in case["weights"]])
    returns_scores = kw.get("return_attention_scores", False)
    got = layer(inputs, **kw)
    out, scores = got if returns_scores else (got, None)
    np.testing.assert_allclose(out, case["output"], **TOL)
    if returns_scores:
        np.testing.assert_allclose(scores, case["scores"], **TOL)
    _start_grads(layer)
    _, cache = layer.forward(inputs, training=False, **kw)
    r = _f32(case["r"])
    grads = layer.backward(cache, [r, _f32(case["r2"])] if returns_scores else r)
    weight_grads = _take_grads(layer)
    assert len(weight_grads) == len(case["grad_weights"])
    for got_w, want in zip(weight_grads, case["grad_weights"]):
        np.testing.assert_allclose(got_w, want, **GRAD_TOL)
    assert len(grads) == len(case["grad_inputs"])
    for got_x, want in zip(grads, case["grad_inputs"]):
        np.testing.assert_allclose(got_x, want, **GRAD_TOL)


# -- EinsumDense against Keras --------------------------------------------------------------------
@pytest.mark.parametrize("case", _cases("EinsumDense"), ids=lambda c: c["name"])
def test_einsum_dense_matches_keras(case):
    layer = EinsumDense(**case["kwargs"])
    x = _f32(case["x"])
    layer.build(x.shape)
    assert [list(w.shape) for w in layer.weights] == case["weight_shapes"]
    layer.set_weights([_f32(w) for w in case["weights"]])
    np.testing.assert_allclose(layer(x), case["output"], **TOL)
    shape = layer.compute_output_shape((None, *x.shape[1:]))
    for got, want in zip(shape, case["output_shape"]):
        assert want is None or got == want  # (numkeras fills an axis Keras leaves None)
    _start_grads(layer)
    _, cache = layer.forward(x)
    gx = layer.backward(cache, _f32(case["r"]))
    for got, want in zip(_take_grads(layer), case["grad_weights"]):
        np.testing.assert_allclose(got, want, **GRAD_TOL)
    np.testing.assert_allclose(gx, case["grad_inputs"][0], **GRAD_TOL)


# -- configs -----------------------------------------------------------------------------------
def test_configs_match_keras():
    configs = GOLD["configs"]
    mha = MultiHeadAttention(2, 3, name="m")
    assert as_json_types(mha.get_config()) == configs["MultiHeadAttention"]
    mha.build((None, 4, 6), (None, 5, 3))
    assert as_json_types(mha.get_config()) == configs["MultiHeadAttention_built"]
    full = MultiHeadAttention(
        num_heads=3,
        key_dim=2,
        value_dim=4,
        dropout=0.1,
        use_bias=False,
        output_shape=(2, 3),
        kernel_initializer="he_normal",
        kernel_regularizer="l2",
        bias_constraint="non_neg",
        sliding_window=3,
        use_gate=True,
        seed=5,
        name="m",
    )
    assert as_json_types(full.get_config()) == configs["MultiHeadAttention_full"]
    assert as_json_types(Attention(name="m").get_config()) == configs["Attention"]
    att = Attention(use_scale=True, score_mode="concat", dropout=0.2, seed=3, name="m")
    assert as_json_types(att.get_config()) == configs["Attention_full"]
    assert as_json_types(AdditiveAttention(name="m").get_config()) == configs["AdditiveAttention"]
    ed = EinsumDense("abc,cd->abd", output_shape=(None, 4), bias_axes="d", activation="relu")
    ed.name = "m"
    assert as_json_types(ed.get_config()) == configs["EinsumDense"]
    for key, cls in (
        ("MultiHeadAttention_full", MultiHeadAttention),
        ("MultiHeadAttention_built", MultiHeadAttention),
        ("Attention_full", Attention),
        ("AdditiveAttention", AdditiveAttention),
        ("EinsumDense", EinsumDense),
    ):
        again = cls.from_config(configs[key]).get_config()
        assert as_json_types(again) == configs[key]


# -- models trained by fit against Keras -----------------------------------------------------
def _transformer_block(num_heads=2, key_dim=4, shape=(6, 8), classes=3):
    inp = Input(shape)
    att = MultiHeadAttention(num_heads=num_heads, key_dim=key_dim)(inp, inp)
    h = LayerNormalization()(Add()([inp, att]))
    f = Dense(shape[-1])(Dense(16, activation="relu")(h))
    h = LayerNormalization()(Add()([h, f]))
    out = Dense(classes, activation="softmax")(GlobalAveragePooling1D()(h))
    return Model(inp, out)


def _cross_causal_mask():
    xi, ci = Input((5, 4)), Input((6, 3))
    mi = Input((5, 6), dtype="bool")
    o, _ = MultiHeadAttention(3, 2, value_dim=3, output_shape=4)(
        xi, ci, attention_mask=mi, use_causal_mask=True, return_attention_scores=True
    )
    return Model([xi, ci, mi], Dense(2)(Flatten()(o)))


def _attention_einsum():
    qi, vi, ki = Input((4, 3)), Input((5, 3)), Input((5, 3))
    a = Attention(use_scale=True, score_mode="concat")([qi, vi], use_causal_mask=True)
    b = AdditiveAttention()([qi, vi, ki])
    c = Attention(use_scale=True)([qi, vi, ki])
    h = Concatenate()([a, b, c])
    h = EinsumDense("abc,cd->abd", output_shape=(4, 2), bias_axes="d", activation="tanh")(h)
    return Model([qi, vi, ki], Dense(1)(Flatten()(h)))


def _embedding_mask_zero():
    ti = Input((6,), dtype="int32")
    e = Embedding(7, 4, mask_zero=True)(ti)
    h = MultiHeadAttention(2, 3)(e, e)
    a = AdditiveAttention()([e, e])
    h = GlobalAveragePooling1D()(Concatenate()([h, a]))
    return Model(ti, Dense(2)(h))


MODELS = {
    "transformer_block": (_transformer_block, "sparse_categorical_crossentropy"),
    "cross_causal_mask": (_cross_causal_mask, "mse"),
    "attention_einsum": (_attention_einsum, "mse"),
    "embedding_mask_zero": (_embedding_mask_zero, "mse"),
}


def _model_inputs(case):
    x = case["x"]
    if case["name"] == "cross_causal_mask":
        return [_f32(x[0]), _f32(x[1]), np.array(x[2], bool)]
    if case["name"] == "embedding_mask_zero":
        return np.array(x, "int32")
    if isinstance(x[0][0][0], list):
        return [_f32(a) for a in x]
    return _f32(x)


@pytest.mark.parametrize("case", GOLD["models"], ids=lambda c: c["name"])
def test_training_matches_keras(case):
    build, loss = MODELS[case["name"]]
    model = build()
    model.set_weights([_f32(w) for w in case["weights"]])
    x, y = _model_inputs(case), np.array(case["y"])
    np.testing.assert_allclose(model.predict(x, verbose=0), case["predict_before"], **TOL)
    model.compile(optimizer=SGD(learning_rate=0.1), loss=loss)
    n = len(y)
    hist = model.fit(x, y, batch_size=n // 2, epochs=1, shuffle=False, verbose=0)
    np.testing.assert_allclose(hist.history["loss"][-1], case["loss"], rtol=1e-5)
    for got, want in zip(model.get_weights(), case["weights_after"]):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=2e-5)
    np.testing.assert_allclose(model.predict(x, verbose=0), case["predict_after"], **GRAD_TOL)


def test_transformer_block_learns_a_toy_task():
    # which of two marker tokens appears in the sequence
    rng = np.random.default_rng(0)
    numkeras.utils.set_random_seed(0)
    n, t, d = 256, 6, 8
    x = rng.normal(0, 0.3, (n, t, d)).astype("float32")
    y = rng.integers(0, 2, n)
    pos = rng.integers(0, t, n)
    x[np.arange(n), pos, y] += 2.0
    model = _transformer_block(classes=2)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    hist = model.fit(x, y, batch_size=32, epochs=8, verbose=0)
    assert hist.history["loss"][-1] < 0.5 * hist.history["loss"][0]
    assert hist.history["accuracy"][-1] > 0.9


class KerasIoTransformerBlock(numkeras.layers.Layer):
    """keras.io's "Text classification with Transformer" block, verbatim (Keras 3)."""

    def __init__(self, embed_dim, num_heads, ff_dim, rate=0.1):
        super().__init__()
        self.att = MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
        self.ffn = numkeras.Sequential(
            [Dense(ff_dim, activation="relu"), Dense(embed_dim)],
        )
        self.layernorm1 = LayerNormalization(epsilon=1e-6)
        self.layernorm2 = LayerNormalization(epsilon=1e-6)
        self.dropout1 = numkeras.layers.Dropout(rate)
        self.dropout2 = numkeras.layers.Dropout(rate)

    def call(self, inputs):
        attn_output = self.att(inputs, inputs)
        attn_output = self.dropout1(attn_output)
        out1 = self.layernorm1(inputs + attn_output)
        ffn_output = self.ffn(out1)
        ffn_output = self.dropout2(ffn_output)
        return self.layernorm2(out1 + ffn_output)


def test_keras_io_transformer_block_trains(tmp_path):
    rng = np.random.default_rng(1)
    numkeras.utils.set_random_seed(1)
    x = rng.normal(0, 0.3, (256, 6, 8)).astype("float32")
    y = rng.integers(0, 2, 256)
    x[np.arange(256), rng.integers(0, 6, 256), y] += 2.0
    inp = Input((6, 8))
    h = GlobalAveragePooling1D()(KerasIoTransformerBlock(8, 2, 16)(inp))
    model = Model(inp, Dense(2, activation="softmax")(h))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    hist = model.fit(x, y, batch_size=32, epochs=6, verbose=0)
    assert hist.history["loss"][-1] < 0.5 * hist.history["loss"][0]
    model.save_weights(tmp_path / "t.weights.h5")  # the layout Keras writes for it
    import h5py

    with h5py.File(tmp_path / "t.weights.h5", "r") as f:
        assert "layers/keras_io_transformer_block/att/query_dense/vars/0" in f
        assert f["layers/keras_io_transformer_block/att/output_dense/vars/0"].shape == (2, 8, 8)


# -- files both ways ---------------------------------------------------------------------------
def _file_model():
    x, c = Input((5, 4), name="x"), Input((6, 3), name="c")
    m = Input((5, 6), dtype="bool", name="m")
    o, s = MultiHeadAttention(2, 3, value_dim=2, output_shape=4, name="mha")(
        x, c, attention_mask=m, use_causal_mask=True, return_attention_scores=True
    )
    a = Attention(use_scale=True, name="att")([o, x])
    g = MultiHeadAttention(1, 2, use_gate=True, name="gated")(a, a, key=x)
    k = EinsumDense("abc,cd->abd", output_shape=(6, 4), name="key_proj")(c)
    b = AdditiveAttention(name="add_att")([g, c, k])
    e = EinsumDense("abc,cd->abd", output_shape=(None, 3), bias_axes="d", name="ed")(b)
    return Model([x, c, m], [e, s])


FILES = GOLD["files"]


def _file_inputs():
    x = FILES["x"]
    return [_f32(x[0]), _f32(x[1]), np.array(x[2], bool)]


def _assert_file_predictions(preds, want=None):
    for got, w in zip(preds, want or FILES["keras_predict"]):
        np.testing.assert_allclose(got, w, **TOL)


def test_numkeras_reads_keras_files():
    x = _file_inputs()
    model = load_model(GOLDENS / "saving" / "keras_attention.keras")
    _assert_file_predictions(model.predict(x, verbose=0))
    fresh = _file_model()
    fresh.load_weights(GOLDENS / "saving" / "keras_attention.weights.h5")
    _assert_file_predictions(fresh.predict(x, verbose=0))
    assert [w.path for w in fresh.weights] == FILES["weight_paths"]


def test_keras_reads_numkeras_files():
    # Keras's readings of the files numkeras wrote (recorded when the goldens were made)
    _assert_file_predictions(FILES["keras_reads_numkeras_keras"])
    _assert_file_predictions(FILES["keras_reads_numkeras_weights"])
    model = load_model(GOLDENS / "saving" / "numkeras_attention.keras")
    _assert_file_predictions(model.predict(_file_inputs(), verbose=0))


def test_written_files_keep_keras_layout(tmp_path):
    import h5py

    model = _file_model()
    model.set_weights([_f32(w) for w in FILES["weights"]])
    model.save_weights(tmp_path / "m.weights.h5")

    def datasets(path):
        found = {}
        with h5py.File(path, "r") as f:
            f.visititems(lambda n, o: found.setdefault(n, getattr(o, "shape", None)))
        return found

    ours = datasets(tmp_path / "m.weights.h5")
    keras = datasets(GOLDENS / "saving" / "keras_attention.weights.h5")
    assert ours == keras
    model.save(tmp_path / "m.keras")
    config = json.loads(_read_config(tmp_path / "m.keras"))
    (mha,) = [la for la in config["config"]["layers"] if la["name"] == "mha"]
    node = mha["inbound_nodes"][0]
    assert [a["config"]["keras_history"][0] for a in node["args"]] == ["x", "c"]
    assert node["kwargs"]["attention_mask"]["config"]["keras_history"][0] == "m"
    assert node["kwargs"]["use_causal_mask"] is True
    assert node["kwargs"]["return_attention_scores"] is True
    assert mha["build_config"] == {
        "shapes_dict": {"query_shape": [None, 5, 4], "value_shape": [None, 6, 3]}
    }
    (gated,) = [la for la in config["config"]["layers"] if la["name"] == "gated"]
    assert gated["inbound_nodes"][0]["kwargs"]["key"]["config"]["keras_history"][0] == "x"


def _read_config(path) -> str:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return z.read("config.json").decode()


def test_keras_file_round_trip_resumes_training(tmp_path):
    model = _file_model()
    model.set_weights([_f32(w) for w in FILES["weights"]])
    x = _file_inputs()
    model.compile(optimizer="adam", loss=["mse", "mse"])  # (the scores are trained too)
    y = [np.zeros((3, 5, 3), "float32"), np.full((3, 2, 5, 6), 1 / 6, "float32")]
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras")
    for a, b in zip(model.predict(x, verbose=0), loaded.predict(x, verbose=0)):
        np.testing.assert_array_equal(a, b)
    model.fit(x, y, epochs=1, verbose=0)
    loaded.fit(x, y, epochs=1, verbose=0)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_clone_model_keeps_the_call_options():
    model = _file_model()
    model.set_weights([_f32(w) for w in FILES["weights"]])
    twin = clone_model(model)
    twin.set_weights(model.get_weights())
    x = _file_inputs()
    for a, b in zip(model.predict(x, verbose=0), twin.predict(x, verbose=0)):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


# -- finite differences in float64 -------------------------------------------------------------
def _fd_check(layer, inputs, kw, rng, training=False, reset=None):
    """Every gradient of `sum(out * r) (+ sum(scores * r2))` against central differences."""
    out = layer.call(inputs, training=training, **kw)
    outs = out if isinstance(out, list) else [out]
    rs = [rng.normal(0, 1, o.shape) for o in outs]

    def f():
        if reset is not None:
            reset()
        y = layer.call(inputs, training=training, **kw)
        ys = y if isinstance(y, list) else [y]
        return float(sum((a * b).sum() for a, b in zip(ys, rs)))

    _start_grads(layer)
    if reset is not None:
        reset()
    _, cache = layer.forward(inputs, training=training, **kw)
    grads = layer.backward(cache, [r.copy() for r in rs] if len(rs) > 1 else rs[0].copy())
    weight_grads = _take_grads(layer)
    grads = grads if isinstance(grads, list) else [grads]
    for x, g in zip(inputs, grads):
        if x.dtype == bool:
            assert g is None
            continue
        np.testing.assert_allclose(g, numeric_gradient(f, x), **FD_TOL)
    for v, g in zip(layer.trainable_weights, weight_grads):
        np.testing.assert_allclose(g, numeric_gradient(f, v.value), **FD_TOL)


MHA_FD = [
    ("self", {"num_heads": 2, "key_dim": 3}, [(2, 4, 5), (2, 4, 5)], {}),
    ("self_h1", {"num_heads": 1, "key_dim": 2}, [(2, 3, 4), (2, 3, 4)], {}),
    (
        "cross_key_value_dim",
        {"num_heads": 3, "key_dim": 2, "value_dim": 3, "output_shape": (2, 2)},
        [(2, 3, 4), (2, 5, 3), (2, 5, 2)],
        {},
    ),
    ("mask", {"num_heads": 2, "key_dim": 2}, [(2, 3, 4), (2, 4, 4), (2, 4, 4), "mask"], {}),
    (
        "mask_scores",
        {"num_heads": 2, "key_dim": 2},
        [(2, 3, 4), (2, 4, 4), (2, 4, 4), "mask"],
        {"return_attention_scores": True},
    ),
    (
        "causal_scores_gate_no_bias",
        {"num_heads": 2, "key_dim": 2, "use_gate": True, "use_bias": False},
        [(2, 4, 3), (2, 4, 3)],
        {"use_causal_mask": True, "return_attention_scores": True},
    ),
    (
        "sliding_window",
        {"num_heads": 1, "key_dim": 3, "sliding_window": 2},
        [(1, 5, 3), (1, 5, 3)],
        {},
    ),
]


@pytest.mark.parametrize("name, kwargs, shapes, kw", MHA_FD, ids=[c[0] for c in MHA_FD])
def test_multi_head_attention_finite_differences(float64, name, kwargs, shapes, kw):
    rng = np.random.default_rng(3)
    inputs = []
    for s in shapes:
        if s == "mask":
            mask = rng.random((2, 3, 4)) > 0.3
            mask[0, 1] = False  # a fully masked row
            inputs.append(mask)
        else:
            inputs.append(rng.normal(0, 1, s))
    layer = MultiHeadAttention(**kwargs)
    layer.build([x.shape for x in inputs[:3]])
    assert all(w.dtype == np.float64 for w in layer.weights)
    layer.set_weights([rng.normal(0, 0.5, w.shape) for w in layer.weights])
    _fd_check(layer, inputs, kw, rng)


def test_multi_head_attention_dropout_finite_differences(float64):
    rng = np.random.default_rng(4)
    layer = MultiHeadAttention(2, 2, dropout=0.4, seed=9)
    inputs = [rng.normal(0, 1, (2, 3, 4)), rng.normal(0, 1, (2, 5, 4))]
    layer.build([x.shape for x in inputs])
    layer.set_weights([rng.normal(0, 0.5, w.shape) for w in layer.weights])
    dropout = layer._dropout_layer

    def reset():  # the same dropout mask in every run
        dropout._rng = np.random.default_rng(1)

    reset()
    dropped = layer.call(inputs, training=True, return_attention_scores=True)
    plain = layer.call(inputs, training=False, return_attention_scores=True)
    assert not np.allclose(dropped[0], plain[0])
    np.testing.assert_allclose(dropped[1], plain[1])  # the scores are those before dropout
    _fd_check(layer, inputs, {"return_attention_scores": True}, rng, training=True, reset=reset)


ATTENTION_FD = [
    (Attention, {}, 2, {}),
    (Attention, {"use_scale": True}, 3, {"return_attention_scores": True}),
    (Attention, {"score_mode": "concat"}, 2, {"use_causal_mask": True}),
    (Attention, {"score_mode": "concat", "use_scale": True}, 3, {"masks": True}),
    (AdditiveAttention, {}, 2, {"masks": True, "return_attention_scores": True}),
    (AdditiveAttention, {"use_scale": False}, 3, {"use_causal_mask": True}),
]


@pytest.mark.parametrize("cls, kwargs, n, kw", ATTENTION_FD)
def test_attention_finite_differences(float64, cls, kwargs, n, kw):
    rng = np.random.default_rng(5)
    kw = dict(kw)
    inputs = [rng.normal(0, 1, (2, 3, 4)), rng.normal(0, 1, (2, 4, 4))]
    if n == 3:
        inputs.append(rng.normal(0, 1, (2, 4, 4)))
    if kw.pop("masks", False):
        kw["mask"] = [np.array([[1, 1, 0], [1, 1, 1]], bool), np.array([[1, 0, 1, 1]] * 2, bool)]
    layer = cls(**kwargs)
    layer.build([x.shape for x in inputs])
    layer.set_weights([rng.normal(0.5, 0.5, w.shape) for w in layer.weights])
    _fd_check(layer, inputs, kw, rng)


def test_attention_dropout_finite_differences(float64):
    rng = np.random.default_rng(6)
    layer = AdditiveAttention(dropout=0.5, seed=2)
    inputs = [rng.normal(0, 1, (2, 3, 4)), rng.normal(0, 1, (2, 4, 4))]
    layer.build([x.shape for x in inputs])

    def reset():
        layer._rng = np.random.default_rng(0)

    reset()
    out = layer.call(inputs, training=True, return_attention_scores=True)
    assert (out[1] == 0).any()  # the returned weights are those after dropout, as Keras
    _fd_check(layer, inputs, {"return_attention_scores": True}, rng, training=True, reset=reset)


EINSUM_FD = [
    ("ab,bc->ac", 4, "c", None, (3, 5)),
    ("abc,cde->abde", (None, 2, 3), "de", "tanh", (2, 3, 4)),
    ("abcd,cde->abe", (None, 4), "e", None, (2, 3, 2, 5)),
    ("...b,bc->...c", 3, "c", "sigmoid", (2, 3, 4)),
    ("ab...,bc->ac...", (3,), "c", None, (2, 4, 5)),
    ("abc,cd->ad", 4, None, "relu", (2, 3, 5)),
    ("abc,cd->abd", (3, 4), "b", None, (2, 3, 5)),
]


@pytest.mark.parametrize("equation, output_shape, bias_axes, activation, shape", EINSUM_FD)
def test_einsum_dense_finite_differences(
    float64, equation, output_shape, bias_axes, activation, shape
):
    rng = np.random.default_rng(7)
    layer = EinsumDense(equation, output_shape, activation=activation, bias_axes=bias_axes)
    x = rng.normal(0, 1, shape)
    layer.build(x.shape)
    layer.set_weights([rng.normal(0, 0.5, w.shape) for w in layer.weights])
    r = rng.normal(0, 1, layer(x).shape)
    _start_grads(layer)
    _, cache = layer.forward(x)
    gx = layer.backward(cache, r.copy())
    grads = _take_grads(layer)
    f = lambda: float((layer.call(x) * r).sum())  # noqa: E731
    np.testing.assert_allclose(gx, numeric_gradient(f, x), **FD_TOL)
    for v, g in zip(layer.trainable_weights, grads):
        np.testing.assert_allclose(g, numeric_gradient(f, v.value), **FD_TOL)


def test_a_model_with_attention_trains_in_float64(float64):
    # the model's executor through the layer: gradients of the whole graph by differences
    rng = np.random.default_rng(8)
    model = _cross_causal_mask()
    model.set_weights([rng.normal(0, 0.5, w.shape) for w in model.weights])
    x = [rng.normal(0, 1, (3, 5, 4)), rng.normal(0, 1, (3, 6, 3)), rng.random((3, 5, 6)) > 0.3]
    r = rng.normal(0, 1, (3, 2))
    outputs, caches = model.forward(x, training=True)
    for v in model.trainable_weights:
        v.start_grad(np.zeros(v.shape, v.dtype))
    grads = model.backward(caches, r.copy())
    weight_grads = [v.grad.copy() for v in model.trainable_weights]
    for v in model.trainable_weights:
        v.start_grad(None)
    f = lambda: float((model(x) * r).sum())  # noqa: E731
    for i in (0, 1):
        np.testing.assert_allclose(grads[i], numeric_gradient(f, x[i]), **FD_TOL)
    for v, g in zip(model.trainable_weights[:8], weight_grads):
        np.testing.assert_allclose(g, numeric_gradient(f, v.value), **FD_TOL)


# -- behaviours and errors ----------------------------------------------------------------------
def test_query_mask_on_arrays_is_ignored_as_in_keras():
    layer = MultiHeadAttention(2, 2)
    q, v = np.ones((1, 3, 4), "float32"), np.ones((1, 4, 4), "float32")
    plain = layer(q, v)
    with pytest.warns(UserWarning, match="ignores `query_mask="):
        masked = layer(q, v, query_mask=np.array([[True, False, True]]))
    np.testing.assert_array_equal(plain, masked)


def test_output_keeps_the_query_mask():
    layer = MultiHeadAttention(2, 2)
    mask = np.array([[True, False]])
    assert layer.compute_mask(None, [mask, None, None]) is mask
    assert Attention().compute_mask(None, [mask, None]) is mask


def test_other_call_options_on_a_layer_already_in_a_graph_are_refused():
    x = Input((4, 3))
    layer = MultiHeadAttention(2, 2)
    layer(x, x)
    with pytest.raises(ConfigError, match="return_attention_scores=True"):
        layer(x, x, return_attention_scores=True)
    layer(x, x)  # the same options: a shared layer
    att = Attention()
    att([x, x], use_causal_mask=True)
    with pytest.raises(ConfigError, match="use_causal_mask=False"):
        att([x, x])


def test_eager_calls_take_their_own_options():
    x = Input((4, 3))
    layer = MultiHeadAttention(2, 2)
    model = Model(x, layer(x, x, use_causal_mask=True))
    data = np.random.default_rng(0).normal(size=(2, 4, 3)).astype("float32")
    np.testing.assert_allclose(
        model.predict(data, verbose=0), layer(data, data, use_causal_mask=True), rtol=1e-6
    )
    assert not np.allclose(layer(data, data), layer(data, data, use_causal_mask=True))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"num_heads": 0, "key_dim": 2}, "num_heads"),
        ({"num_heads": 2, "key_dim": 2.5}, "key_dim"),
        ({"num_heads": 2, "key_dim": 2, "attention_axes": "1"}, "attention_axes"),
        ({"num_heads": 2, "key_dim": 2, "dropout": 0.1, "flash_attention": True}, "flash"),
        ({"num_heads": 2, "key_dim": 2, "sliding_window": 0}, "sliding_window"),
    ],
)
def test_multi_head_attention_config_errors(kwargs, match):
    with pytest.raises(ConfigError, match=match):
        MultiHeadAttention(**kwargs)


def test_multi_head_attention_shape_errors():
    layer = MultiHeadAttention(2, 2)
    with pytest.raises(ShapeError, match="of one rank"):
        layer(np.ones((1, 2, 3, 4)), np.ones((1, 2, 4)))
    with pytest.raises(ConfigError, match="between the batch and feature"):
        MultiHeadAttention(2, 2, attention_axes=(1, 2))(np.ones((1, 2, 3)), np.ones((1, 2, 3)))
    with pytest.raises(ShapeError, match="except the last one"):
        layer(np.ones((1, 2, 3)), np.ones((1, 4, 3)), key=np.ones((1, 5, 3)))
    layer(np.ones((1, 2, 3)), np.ones((1, 4, 3)))
    with pytest.raises(ShapeError, match="built for a value"):
        layer(np.ones((1, 2, 3)), np.ones((1, 4, 5)))
    with pytest.raises(ConfigError, match="needs a query and a value"):
        MultiHeadAttention(2, 2)(np.ones((1, 2, 3)))
    x = Input((4, 3))
    with pytest.raises(ConfigError, match="symbolic tensor"):  # (a symbolic one works)
        MultiHeadAttention(2, 2)(x, x, value_mask=np.ones((1, 4), bool))


def test_attention_errors():
    with pytest.raises(ConfigError, match="score_mode"):
        Attention(score_mode="add")
    with pytest.raises(ShapeError, match="list of inputs"):
        Attention()(np.ones((1, 2, 3)))
    with pytest.raises(ShapeError, match="length 2 or 3"):
        Attention()([np.ones((1, 2, 3))] * 4)
    with pytest.raises(ShapeError, match="last axes must match"):
        Attention()([np.ones((1, 2, 3)), np.ones((1, 4, 5))])
    with pytest.raises(ConfigError, match="einsum equation"):
        EinsumDense("ab->b", output_shape=2)
    with pytest.raises(ConfigError, match="lora_rank"):
        EinsumDense("ab,bc->ac", output_shape=2, lora_rank=-2)


def test_value_dim_other_than_key_dim_without_scores():
    # Keras 3.15 on JAX fails here (its dot_product_attention path); numkeras computes it
    # as Keras's explicit-scores path does
    case = CASES["value_dim_output_shape"]
    layer = _mha_from_case(case)
    inputs, _ = _mha_call(case)
    np.testing.assert_allclose(layer(inputs[0], inputs[1]), case["output"], **TOL)


def test_weights_and_summary():
    x = Input((5, 8))
    layer = MultiHeadAttention(2, 4, use_gate=True)
    model = Model(x, layer(x, x))
    assert [w.name for w in layer.weights] == ["kernel", "bias"] * 5
    assert model.count_params() == 4 * (8 * 8 + 8) + (8 * 8 + 8)
    layer.trainable = False
    assert layer.trainable_weights == [] and not layer.query_dense.trainable
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.summary(print_fn=lambda *a, **k: None)


def test_regularizers_and_constraints_reach_the_projections():
    x, m = Input((4, 3)), Input((4, 4), dtype="bool")
    layer = MultiHeadAttention(2, 2, kernel_regularizer="l2", bias_constraint="non_neg")
    out, _ = layer(x, x, attention_mask=m, return_attention_scores=True)
    model = Model([x, m], out)
    assert len(model.losses) == 4  # one per projection kernel, as Keras
    model.compile(SGD(learning_rate=0.5), "mse")
    rng = np.random.default_rng(0)
    data = [rng.normal(size=(8, 4, 3)), rng.random((8, 4, 4)) > 0.2]
    model.fit(data, rng.normal(size=(8, 4, 3)), verbose=0)
    biases = [v.numpy() for v in layer.weights if v.name == "bias"]
    assert len(biases) == 4 and all((b >= 0).all() for b in biases)
    assert any((b > 0).any() for b in biases)


def test_a_symbolic_call_records_the_options_given_false_too():
    # Keras 3.15 writes what the call was given into the node's kwargs, False included:
    # {}, {"use_causal_mask": false}, {"return_attention_scores": false, "use_causal_mask":
    # true}, and the same for AdditiveAttention
    import numkeras

    q, v = numkeras.Input((3, 4)), numkeras.Input((5, 4))
    L = numkeras.layers
    outs = [
        L.Attention(name="a1")([q, v]),
        L.Attention(name="a2")([q, v], use_causal_mask=False),
        L.Attention(name="a3")([q, v], return_attention_scores=False, use_causal_mask=True),
        L.AdditiveAttention(name="a4")([q, v], use_causal_mask=False),
    ]
    model = numkeras.Model([q, v], outs)
    kwargs = {
        layer["name"]: layer["inbound_nodes"][0]["kwargs"]
        for layer in model.get_config()["layers"]
        if layer["name"].startswith("a")
    }
    assert kwargs == {
        "a1": {},
        "a2": {"use_causal_mask": False},
        "a3": {"return_attention_scores": False, "use_causal_mask": True},
        "a4": {"use_causal_mask": False},
    }
    clone = numkeras.Model.from_config(model.get_config())
    assert clone.get_config() == model.get_config()

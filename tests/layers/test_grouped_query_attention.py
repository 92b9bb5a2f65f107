"""GroupQueryAttention against real Keras 3 (goldens from scripts/goldens/make_gqa.py):
outputs and scores, configs, weight names / shapes / order, the `.weights.h5` layout, one
`fit` step; plus every gradient against finite differences in float64 and a `.keras`
round trip of a functional model."""

import json
import pathlib

import h5py
import numpy as np
import pytest

from numkeras.errors import ConfigError, ShapeError
from numkeras.layers import Input
from numkeras.layers.grouped_query_attention import GroupedQueryAttention, GroupQueryAttention
from numkeras.models import Model, load_model
from numkeras.models.config import as_json_types
from numkeras.optimizers import SGD
from numkeras.utils.gradcheck import numeric_gradient

GOLD = json.loads((pathlib.Path(__file__).parents[1] / "goldens" / "gqa.json").read_text())
TOL = dict(rtol=2e-5, atol=2e-5)
FD_TOL = dict(rtol=1e-6, atol=1e-8)
CUSTOM = {"GroupQueryAttention": GroupQueryAttention, "GroupedQueryAttention": GroupQueryAttention}


def _f32(a):
    return None if a is None else np.array(a, "float32")


@pytest.mark.parametrize("case", GOLD["cases"], ids=lambda c: c["name"])
def test_matches_keras(case):
    q, v, k = _f32(case["query"]), _f32(case["value"]), _f32(case["key"])
    v = q if v is None else v
    call = dict(case["call"])
    if "attention_mask" in call:
        call["attention_mask"] = np.array(call["attention_mask"], bool)
    layer = GroupQueryAttention(**case["kwargs"])
    layer.build(q.shape, v.shape, None if k is None else k.shape)
    assert [w.path for w in layer.weights] == case["weight_paths"]
    assert [list(w.shape) for w in layer.weights] == [list(np.shape(w)) for w in case["weights"]]
    layer.set_weights([_f32(w) for w in case["weights"]])
    out = layer(q, v, key=k, **call)
    if case["scores"] is not None:
        out, scores = out
        assert scores.dtype == np.float32
        np.testing.assert_allclose(scores, case["scores"], **TOL)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, case["output"], **TOL)


def test_configs_match_keras():
    assert (
        as_json_types(GroupQueryAttention(2, 4, 2, name="g").get_config())
        == (GOLD["configs"]["default"])
    )
    full = GroupQueryAttention(
        head_dim=3,
        num_query_heads=6,
        num_key_value_heads=3,
        dropout=0.25,
        use_bias=False,
        sliding_window=3,
        kernel_initializer="he_normal",
        bias_initializer="ones",
        kernel_regularizer="l2",
        bias_regularizer="l1",
        kernel_constraint="max_norm",
        bias_constraint="non_neg",
        use_gate=True,
        seed=7,
        name="full",
    )
    assert as_json_types(full.get_config()) == GOLD["configs"]["full"]
    again = GroupQueryAttention.from_config(GOLD["configs"]["full"])
    assert as_json_types(again.get_config()) == GOLD["configs"]["full"]


def test_output_shapes():
    layer = GroupQueryAttention(2, 4, 2)
    assert list(layer.compute_output_shape((None, 3, 6), (None, 4, 6))) == GOLD["shapes"]["self"]
    with pytest.raises(ShapeError, match="last dimension"):
        layer.compute_output_shape((None, 3, 6), (None, 4, 5))
    q, v = Input((3, 6)), Input((5, 6))
    out, scores = GroupQueryAttention(2, 4, 1)(q, v, return_attention_scores=True)
    assert out.shape == (None, 3, 6) and scores.shape == (None, 4, 3, 5)


def test_errors():
    with pytest.raises(ConfigError, match="divisible"):
        GroupQueryAttention(2, 4, 3)
    with pytest.raises(ConfigError, match="head_dim"):
        GroupQueryAttention(0, 4, 2)
    with pytest.raises(ConfigError, match="regularizer"):  # (taken since session 26)
        GroupQueryAttention(2, 4, 2, activity_regularizer="bogus")


# -- training --------------------------------------------------------------------------------
def _model():
    q, v = Input((3, 6), name="q"), Input((4, 6), name="v")
    out = GroupQueryAttention(2, 4, 2, name="gqa")(q, v)
    return Model([q, v], out)


def test_fit_step_matches_keras():
    fit = GOLD["fit"]
    model = _model()
    assert [w.path for w in model.weights] == fit["paths"]
    model.set_weights([_f32(w) for w in fit["init"]])
    model.compile(optimizer=SGD(learning_rate=0.1), loss="mse")
    x, y = [_f32(fit["xq"]), _f32(fit["xv"])], _f32(fit["y"])
    hist = model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    np.testing.assert_allclose(hist.history["loss"][0], fit["loss"], rtol=1e-5)
    for got, want in zip(model.get_weights(), fit["final"]):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=2e-5)


def _datasets(path):
    out = []
    with h5py.File(path, "r") as f:
        f.visititems(
            lambda n, o: out.append([n, list(o.shape)]) if isinstance(o, h5py.Dataset) else None
        )
    return [d for d in out if not d[0].startswith("optimizer")]


def test_weights_h5_layout_and_keras_round_trip(tmp_path):
    model = _model()
    model.set_weights([_f32(w) for w in GOLD["fit"]["init"]])
    model.save_weights(tmp_path / "m.weights.h5")
    assert _datasets(tmp_path / "m.weights.h5") == [
        d for d in GOLD["h5"] if not d[0].startswith("optimizer")
    ]
    x = [_f32(GOLD["fit"]["xq"]), _f32(GOLD["fit"]["xv"])]
    before = model.predict(x, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras", custom_objects=CUSTOM)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), before, rtol=1e-6)
    fresh = _model()
    fresh.load_weights(tmp_path / "m.weights.h5")
    np.testing.assert_allclose(fresh.predict(x, verbose=0), before, rtol=1e-6)

    q = Input((3, 6))
    out, scores = GroupQueryAttention(2, 4, 2, use_gate=True)(
        q, q, use_causal_mask=True, return_attention_scores=True
    )
    gated = Model(q, [out, scores])
    gated.save_weights(tmp_path / "g.weights.h5")
    assert _datasets(tmp_path / "g.weights.h5") == GOLD["h5_gate"]
    gated.save(tmp_path / "g.keras")  # the call options are replayed on loading
    again = load_model(tmp_path / "g.keras", custom_objects=CUSTOM)
    for a, b in zip(again.predict(x[0], verbose=0), gated.predict(x[0], verbose=0)):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    assert np.allclose(np.triu(gated.predict(x[0], verbose=0)[1][0, 0], 1), 0)  # causal


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

    for v in layer.trainable_weights:
        v.start_grad(np.zeros(v.shape, v.dtype))
    if reset is not None:
        reset()
    _, cache = layer.forward(inputs, training=training, **kw)
    grads = layer.backward(cache, [r.copy() for r in rs] if len(rs) > 1 else rs[0].copy())
    weight_grads = [v.grad.copy() for v in layer.trainable_weights]
    for v in layer.trainable_weights:
        v.start_grad(None)
    grads = grads if isinstance(grads, list) else [grads]
    assert len(weight_grads) == len(layer.weights)
    for x, g in zip(inputs, grads):
        if x.dtype == bool:
            assert g is None
            continue
        np.testing.assert_allclose(g, numeric_gradient(f, x), **FD_TOL)
    for v, g in zip(layer.trainable_weights, weight_grads):
        np.testing.assert_allclose(g, numeric_gradient(f, v.value), **FD_TOL)


FD = [
    ("self", {}, [(2, 3, 4), (2, 3, 4)], {}),
    ("mqa_cross_key", {"num_key_value_heads": 1}, [(2, 3, 4), (2, 4, 3), (2, 4, 2)], {}),
    (
        "mask_scores",
        {},
        [(2, 3, 4), (2, 4, 4), (2, 4, 4), "mask"],
        {"return_attention_scores": True},
    ),
    (
        "causal_gate_no_bias",
        {"use_gate": True, "use_bias": False},
        [(1, 4, 3), (1, 4, 3)],
        {"use_causal_mask": True},
    ),
]


@pytest.mark.parametrize("name, kwargs, shapes, kw", FD, ids=[c[0] for c in FD])
def test_finite_differences(float64, name, kwargs, shapes, kw):
    rng = np.random.default_rng(3)
    inputs = []
    for s in shapes:
        if s == "mask":
            mask = rng.random((2, 3, 4)) > 0.3
            mask[0, 1] = False  # a fully masked row
            inputs.append(mask)
        else:
            inputs.append(rng.normal(0, 1, s))
    layer = GroupQueryAttention(
        **{"head_dim": 2, "num_query_heads": 4, "num_key_value_heads": 2, **kwargs}
    )
    layer.build([x.shape for x in inputs[:3]])
    assert all(w.dtype == np.float64 for w in layer.weights)
    layer.set_weights([rng.normal(0, 0.5, w.shape) for w in layer.weights])
    _fd_check(layer, inputs, kw, rng)


def test_dropout_finite_differences(float64):
    rng = np.random.default_rng(4)
    layer = GroupQueryAttention(2, 4, 2, dropout=0.4, seed=9)
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


def test_names_and_repr():
    assert GroupQueryAttention is GroupedQueryAttention
    layer = GroupQueryAttention(2, 4, 2)
    assert layer.name.startswith("grouped_query_attention")
    assert "num_key_value_heads=2" in repr(layer)
    layer.build((None, 3, 6), (None, 4, 6))
    assert layer.num_repeats == 2 and layer.head_dim == 2
    assert [d.name for d in (layer.query_dense, layer.key_dense)] == ["query", "key"]


def test_input_masks_in_a_model_match_keras():
    from numkeras.layers import Embedding

    case = GOLD["mask_model"]
    ids = Input((4,), dtype="int32")
    emb = Embedding(7, 6, mask_zero=True)(ids)
    model = Model(ids, GroupQueryAttention(2, 4, 2)(emb, emb))
    model.set_weights([_f32(w) for w in case["weights"]])
    out = model.predict(np.array(case["tokens"], "int32"), verbose=0)
    np.testing.assert_allclose(out, case["output"], **TOL)


def test_saved_under_keras_exported_name_and_loads_without_custom_objects(tmp_path):
    pytest.importorskip("h5py")
    import json
    import zipfile

    import numkeras

    q = numkeras.Input((4, 6))
    out = numkeras.layers.GroupQueryAttention(head_dim=3, num_query_heads=4, num_key_value_heads=2)(
        q, q
    )
    model = numkeras.Model(q, out)
    path = tmp_path / "gqa.keras"
    model.save(path)
    config = json.loads(zipfile.ZipFile(path).read("config.json"))
    assert config["config"]["layers"][1]["class_name"] == "GroupQueryAttention"  # as Keras
    x = np.random.default_rng(0).random((2, 4, 6)).astype("float32")
    loaded = numkeras.saving.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))

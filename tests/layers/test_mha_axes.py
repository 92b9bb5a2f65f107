"""`MultiHeadAttention` on inputs of rank 4 and 5 with `attention_axes` over any inner axes:
outputs, scores, masks, weights and configs against Keras 3 (goldens from
scripts/goldens/make_mha_axes.py), Keras's `.keras` file, and every gradient against finite
differences in float64."""

import json

import numpy as np
import pytest

import numkeras
from numkeras.errors import ConfigError
from numkeras.layers import MultiHeadAttention
from numkeras.saving import load_model
from numkeras.utils.gradcheck import numeric_gradient

from ..differential import ROOT, assert_json_close, goldens, scenario_script

GOLD = goldens("mha_axes")
SCRIPT = scenario_script("make_mha_axes")
FILE = ROOT / "tests" / "goldens" / "saving" / "keras_mha_axes.keras"
# (Flatten after the masked attention drops the mask and says so, as Keras does)
pytestmark = pytest.mark.filterwarnings("ignore:.*does not support masking:UserWarning")


def test_goldens_cover_every_scenario():
    assert sorted(GOLD) == sorted(SCRIPT.SCENARIOS)


@pytest.mark.parametrize("name", sorted(SCRIPT.CASES))
def test_case_matches_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))
    want = GOLD[name]
    assert got["error"] == want["error"]
    if want["error"] != "ok":  # (numkeras refuses at the build, Keras in the call)
        return
    assert_json_close(got, want, rtol=1e-4, atol=2e-5, where=name)


def test_config_before_build_matches_keras():
    got = json.loads(json.dumps(SCRIPT.config_before_build(numkeras)))
    assert got == GOLD["config_before_build"]


def test_numkeras_reads_the_keras_file(tmp_path):
    want = GOLD["keras_file"]
    model = load_model(FILE)
    pred, scores = model.predict(SCRIPT._file_inputs(), verbose=0)
    assert_json_close(SCRIPT._short(pred), want["predict"], rtol=1e-4, atol=2e-5)
    assert list(scores.shape) == want["scores_shape"]
    assert_json_close(SCRIPT._short(scores), want["scores"], rtol=1e-4, atol=2e-5)
    assert [[w.path, list(w.shape)] for w in model.weights] == want["weights"]
    mha = model.get_layer("mha_hw")
    assert mha.get_build_config() == want["build_config"]
    config = json.loads(json.dumps(mha.get_config()))
    assert {k: config[k] for k in want["config"]} == want["config"]
    # the symbolic scores have the shape the model gives (Keras's say (B, heads, T, T))
    assert tuple(model.outputs[1].shape) == (None, *want["scores_shape"][1:])
    # numkeras's own file reads back to the same model
    model.save(tmp_path / "m.keras")
    again = load_model(tmp_path / "m.keras")
    for a, b in zip(again.predict(SCRIPT._file_inputs(), verbose=0), (pred, scores)):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_the_scenario_model_matches_keras():
    got = json.loads(json.dumps(SCRIPT.keras_file(numkeras)))
    assert_json_close(got, GOLD["keras_file"], rtol=1e-4, atol=2e-5)


def test_sgd_step_matches_keras():
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.sgd_step(numkeras)))
    assert_json_close(got, GOLD["sgd_step"], rtol=1e-4, atol=2e-5)


@pytest.mark.parametrize("axes", [None, 2, (2, 1), [-3]])
def test_config_round_trip(axes):
    layer = MultiHeadAttention(2, 3, attention_axes=axes, output_shape=(2, 2))
    layer.build((None, 3, 4, 5), (None, 3, 4, 6))
    twin = MultiHeadAttention.from_config(layer.get_config())
    twin.build_from_config(layer.get_build_config())
    assert twin.get_config() == layer.get_config()
    assert [w.shape for w in twin.weights] == [w.shape for w in layer.weights]


def test_axes_outside_the_inner_ones_are_refused():
    # (Keras attends over the heads or the batch there, or crashes)
    for axes, shape in (((2,), (1, 2, 3)), ((0,), (1, 2, 3, 4)), ((1, 1), (1, 2, 3, 4))):
        with pytest.raises(ConfigError, match="attention_axes"):
            MultiHeadAttention(2, 2, attention_axes=axes)(np.ones(shape), np.ones(shape))


def _start_grads(layer):
    for v in layer.trainable_weights:
        v.start_grad(np.zeros(v.shape, v.dtype))


FD = [
    ("r4_default", {}, [(1, 2, 3, 3), (1, 2, 2, 3)], {}),
    ("r4_width_key", {"attention_axes": 2}, [(2, 2, 3, 3), (2, 2, 2, 4), (2, 2, 2, 3)], {}),
    (
        "r4_21_scores_gate",
        {"attention_axes": (2, 1), "use_gate": True},
        [(1, 2, 3, 3), (1, 2, 3, 3)],
        {"return_attention_scores": True},
    ),
    ("r4_height_causal", {"attention_axes": 1}, [(1, 3, 2, 3), (1, 3, 2, 3)], {"causal": True}),
    ("r4_mask", {}, [(1, 2, 2, 3), (1, 2, 2, 3), None, (1, 2, 2, 2, 2)], {}),
    ("r5_13_out_shape", {"attention_axes": (1, 3), "output_shape": 2}, [(1, 2, 2, 2, 3)] * 2, {}),
]


@pytest.mark.parametrize("name, kwargs, shapes, kw", FD, ids=[c[0] for c in FD])
def test_finite_differences(float64, name, kwargs, shapes, kw):
    rng = np.random.default_rng(5)
    q, v = (rng.normal(0, 1, s) for s in shapes[:2])
    key = rng.normal(0, 1, shapes[2]) if len(shapes) > 2 and shapes[2] else None
    call = {"use_causal_mask": True} if kw.get("causal") else {}
    call["return_attention_scores"] = kw.get("return_attention_scores", False)
    inputs = [q, v, v.copy() if key is None else key]
    if len(shapes) > 3:
        mask = rng.random(shapes[3]) > 0.3
        mask[0, 1, 0] = False  # (a row with every key masked)
        inputs.append(mask)
    layer = MultiHeadAttention(2, 2, **kwargs)
    layer.build(q.shape, v.shape, None if key is None else key.shape)
    layer.set_weights([rng.normal(0, 0.5, w.shape) for w in layer.weights])
    outs = layer.call(inputs, **call)
    outs = outs if isinstance(outs, list) else [outs]
    rs = [rng.normal(0, 1, o.shape) for o in outs]

    def f():
        y = layer.call(inputs, **call)
        ys = y if isinstance(y, list) else [y]
        return float(sum((a * b).sum() for a, b in zip(ys, rs)))

    _start_grads(layer)
    _, cache = layer.forward(inputs, training=False, **call)
    grads = layer.backward(cache, [r.copy() for r in rs] if len(rs) > 1 else rs[0].copy())
    for x, g in zip(inputs[:3], grads):
        np.testing.assert_allclose(g, numeric_gradient(f, x), rtol=1e-6, atol=1e-8)
    for w in layer.trainable_weights:
        np.testing.assert_allclose(w.grad, numeric_gradient(f, w.value), rtol=1e-6, atol=1e-8)

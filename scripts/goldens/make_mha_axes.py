"""Goldens for tests/layers/test_mha_axes.py: `MultiHeadAttention` on inputs of rank 4 and
5 with `attention_axes` over any of their inner axes, as Keras 3 (JAX) computes it.

Each eager case builds the layer on seeded inputs, sets seeded weights and records the
output and the scores (or the built-in type of the error Keras raises), the weights' shapes
and the config after the build. The functional scenarios cover Keras's `.keras` file (a
model with an image attention over (1, 2) and a masked one over (2,)), written beside the
goldens for numkeras to load.
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_mha_axes.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "mha_axes.json"
FILE = ROOT / "tests" / "goldens" / "saving" / "keras_mha_axes.keras"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


def _short(a) -> list:
    """Values with 7 significant digits (float32's), to keep the goldens small."""
    return [float(f"{x:.7g}") for x in np.asarray(a, "float64").ravel()]


# name -> (query shape, value shape, key shape or None, layer kwargs, call kwargs, mask shape)
CASES = {
    "r4_default": ((2, 3, 4, 5), (2, 3, 4, 5), None, {}, {}, None),
    "r4_12": ((1, 2, 3, 4), (1, 3, 2, 5), None, {"attention_axes": (1, 2)}, {}, None),
    "r4_21": ((1, 2, 3, 4), (1, 2, 3, 4), None, {"attention_axes": [2, 1]}, {}, None),
    "r4_width": ((2, 3, 4, 5), (2, 3, 2, 6), (2, 3, 2, 3), {"attention_axes": 2}, {}, None),
    "r4_height_neg": ((1, 3, 2, 4), (1, 4, 2, 4), None, {"attention_axes": -3}, {}, None),
    "r4_width_neg_list": ((1, 2, 3, 4), (1, 2, 3, 4), None, {"attention_axes": [-2]}, {}, None),
    "r5_default_out_shape": (
        (1, 2, 2, 3, 4),
        (1, 2, 2, 3, 4),
        None,
        {"output_shape": (2, 3), "value_dim": 3},
        {},
        None,
    ),
    "r5_13": ((1, 2, 3, 2, 4), (1, 3, 3, 2, 4), None, {"attention_axes": (1, 3)}, {}, None),
    "r4_gate_no_bias": (
        (1, 2, 3, 4),
        (1, 2, 3, 4),
        None,
        {"attention_axes": (1, 2), "use_gate": True, "use_bias": False},
        {},
        None,
    ),
    "r4_causal_height": (
        (1, 3, 2, 4),
        (1, 3, 2, 4),
        None,
        {"attention_axes": 1},
        {"causal": 1},
        None,
    ),
    "r4_causal_width_square": (
        (1, 3, 3, 4),
        (1, 3, 3, 4),
        None,
        {"attention_axes": 2},
        {"causal": 1},
        None,
    ),
    "r4_causal_width_error": (
        (1, 2, 3, 4),
        (1, 2, 3, 4),
        None,
        {"attention_axes": 2},
        {"causal": 1},
        None,
    ),
    "r4_causal_two_axes_error": ((1, 2, 3, 4), (1, 2, 3, 4), None, {}, {"causal": 1}, None),
    "r4_sliding_height": (
        (1, 4, 2, 3),
        (1, 4, 2, 3),
        None,
        {"attention_axes": 1, "sliding_window": 2},
        {},
        None,
    ),
    "r4_mask_full": ((2, 2, 3, 4), (2, 2, 3, 4), None, {}, {}, (2, 2, 3, 2, 3)),
    "r4_mask_heads": ((1, 2, 3, 4), (1, 2, 3, 4), None, {}, {}, (1, 1, 2, 3, 2, 3)),
    "r4_mask_width_rows": (
        (2, 2, 3, 4),
        (2, 2, 3, 4),
        None,
        {"attention_axes": 2},
        {},
        (2, 2, 3, 3),
    ),
    "r4_mask_width_bts": ((2, 2, 3, 4), (2, 2, 3, 4), None, {"attention_axes": 2}, {}, (2, 3, 3)),
    "r4_mask_too_few_axes": ((1, 2, 3, 4), (1, 2, 3, 4), None, {}, {}, (1, 2, 3)),
    "r4_mask_not_broadcastable": ((1, 2, 3, 4), (1, 2, 3, 4), None, {}, {}, (1, 3, 2, 3)),
    "r4_other_axis_differs": ((1, 2, 3, 4), (1, 3, 3, 4), None, {"attention_axes": 2}, {}, None),
    "ranks_differ": ((1, 2, 3, 4), (1, 2, 4), None, {"attention_axes": 1}, {}, None),
}


def _case(K, name: str) -> dict:
    q_shape, v_shape, k_shape, kwargs, call, mask_shape = CASES[name]
    rng = np.random.default_rng(sorted(CASES).index(name))
    q = rng.normal(size=q_shape).astype("float32")
    v = rng.normal(size=v_shape).astype("float32")
    kw = {}
    if k_shape is not None:
        kw["key"] = rng.normal(size=k_shape).astype("float32")
    if mask_shape is not None:
        mask = rng.random(mask_shape) > 0.4
        mask.reshape(-1, mask_shape[-1])[0] = False  # (a row with every key masked)
        kw["attention_mask"] = mask
    if call.get("causal"):
        kw["use_causal_mask"] = True
    layer = K.layers.MultiHeadAttention(num_heads=2, key_dim=2, name="mha", **kwargs)
    result = {}

    def run():
        layer.build(q_shape, v_shape, k_shape)
        weights = [rng.normal(0, 0.5, w.shape).astype("float32") for w in layer.get_weights()]
        layer.set_weights(weights)
        out, scores = layer(q, v, return_attention_scores=True, **kw)
        result["out"] = _short(out)
        result["scores_shape"] = list(scores.shape)
        result["scores"] = _short(scores)
        # (without the scores: rank 3 alone takes another path in Keras)
        result["out_no_scores"] = float(np.abs(np.asarray(layer(q, v, **kw)) - out).max() < 1e-5)

    result["error"] = builtin_error(run)
    if layer.built:
        result["weights"] = [[w.path, list(w.shape)] for w in layer.weights]
        config = layer.get_config()
        result["config"] = {k: config[k] for k in ("attention_axes", "output_shape", "value_dim")}
    return result


def _register(name: str) -> None:
    def run(K):
        return _case(K, name)

    run.__name__ = name
    scenario(run)


for _name in CASES:
    _register(_name)


@scenario
def config_before_build(K):
    """Keras keeps `attention_axes` as given until the build (an int as a tuple)."""
    out = {}
    for axes in (None, 2, (1, 2), [2, 1], -2):
        config = K.layers.MultiHeadAttention(2, 2, attention_axes=axes).get_config()
        out[repr(axes)] = config["attention_axes"]
    return out


def _file_model(K):
    """An image attention over (1, 2) returning its scores, and a masked one over the width
    of embedded token grids (Embedding's mask (B, H, W) is the query's and the value's)."""
    img = K.Input((3, 2, 4), name="img")
    out, scores = K.layers.MultiHeadAttention(2, 3, attention_axes=(1, 2), name="mha_hw")(
        img, img, return_attention_scores=True
    )
    tok = K.Input((2, 3), dtype="int32", name="tok")
    e = K.layers.Embedding(5, 4, mask_zero=True, name="emb")(tok)
    y = K.layers.MultiHeadAttention(1, 2, attention_axes=2, name="mha_w")(e, e)
    flat = K.layers.Concatenate()([K.layers.Flatten()(out), K.layers.Flatten()(y)])
    return K.Model([img, tok], [K.layers.Dense(2, name="head")(flat), scores])


def _file_inputs():
    rng = np.random.default_rng(7)
    tok = rng.integers(0, 5, (2, 2, 3)).astype("int32")
    tok[0, 1] = 0  # (a row of padding: every key of its query masked)
    return [rng.normal(size=(2, 3, 2, 4)).astype("float32"), tok]


@scenario
def keras_file(K):
    """Keras writes the file; the predictions of its model (the scores' real shape, where
    Keras's symbolic one says (B, heads, T, T))."""
    model = _file_model(K)
    rng = np.random.default_rng(8)
    model.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    if K.__name__ == "keras":
        model.save(FILE)
    pred, scores = model.predict(_file_inputs(), verbose=0)
    mha = model.get_layer("mha_hw")
    return {
        "predict": _short(pred),
        "scores_shape": list(scores.shape),
        "scores": _short(scores),
        "weights": [[w.path, list(w.shape)] for w in model.weights],
        "config": {k: mha.get_config()[k] for k in ("attention_axes", "output_shape")},
        "build_config": mha.get_build_config(),
    }


@scenario
def sgd_step(K):
    """One SGD(1.0) step through attention over (1, 2) and over the width (with a causal
    mask over the height): the weights' changes are the loss's gradients."""
    img = K.Input((3, 2, 4))
    h = K.layers.MultiHeadAttention(2, 2, attention_axes=(1, 2), name="hw")(img, img)
    h = K.layers.MultiHeadAttention(1, 3, attention_axes=1, name="h")(h, img, use_causal_mask=True)
    model = K.Model(img, K.layers.Dense(1)(K.layers.Flatten()(h)))
    rng = np.random.default_rng(9)
    weights = [rng.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()]
    model.set_weights(weights)
    model.compile(optimizer=K.optimizers.SGD(1.0), loss="mse")
    x = rng.normal(size=(4, 3, 2, 4)).astype("float32")
    y = rng.normal(size=(4, 1)).astype("float32")
    loss = model.train_on_batch(x, y)
    grads = [_short(a - b) for a, b in zip(weights, model.get_weights())]
    return {"loss": float(np.asarray(loss)), "grads": grads}


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

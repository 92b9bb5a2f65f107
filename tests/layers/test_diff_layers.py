"""Layers with non-default arguments and edge shapes against real Keras 3 (goldens from
scripts/goldens/make_diff_layers.py): config after build, output shape, weights, outputs
in inference and training, and the gradients w.r.t. inputs and weights."""

import json
import pathlib

import numpy as np
import pytest

from numkeras import layers

GOLDENS = pathlib.Path(__file__).resolve().parents[1] / "goldens"
META = json.loads((GOLDENS / "diff_layers.json").read_text())
ARRAYS = np.load(GOLDENS / "diff_layers.npz")


def _arrays(cid: str, prefix: str) -> list:
    out, i = [], 0
    while f"{cid}/{prefix}{i}" in ARRAYS:
        out.append(ARRAYS[f"{cid}/{prefix}{i}"])
        i += 1
    return out


def _close(a, b, tol=1e-4):
    a = np.asarray(a)
    assert a.shape == b.shape
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


@pytest.mark.parametrize("cid", sorted(META))
def test_layer_matches_keras(cid):
    meta = META[cid]
    layer = getattr(layers, meta["class"])(**meta["kwargs"])
    xs = _arrays(cid, "x")
    args = [xs] if len(xs) > 1 else xs
    kw = {}
    if f"{cid}/mask" in ARRAYS:
        kw["mask"] = ARRAYS[f"{cid}/mask"]
    none_batch = [(None, *x.shape[1:]) for x in xs]
    shape = layer.compute_output_shape(none_batch if len(xs) > 1 else none_batch[0])
    assert json.loads(json.dumps(shape)) == meta["output_shape"]
    layer(*args, **kw)
    assert [[w.name, list(w.shape), w.trainable] for w in layer.weights] == meta["weights"]
    layer.set_weights(_arrays(cid, "w"))
    config = layer.get_config()
    config.pop("name")
    assert json.loads(json.dumps(config)) == meta["config"]

    out = layer(*args, **kw)
    outs = out if isinstance(out, (list, tuple)) else [out]
    assert isinstance(out, (list, tuple)) == meta["multi_output"]
    for o, y in zip(outs, _arrays(cid, "y"), strict=True):
        _close(o, y)
        assert o.dtype == y.dtype

    for w in layer.weights:
        w.start_grad(np.zeros(w.shape, "float32"))
    o_train, cache = layer.forward(*args, training=True, **kw)
    o_train = o_train if isinstance(o_train, (list, tuple)) else [o_train]
    for o, y in zip(o_train, _arrays(cid, "yt"), strict=True):
        _close(o, y)
    rs = _arrays(cid, "r")
    gx = layer.backward(cache, rs if meta["multi_output"] else rs[0])
    gx = gx if isinstance(gx, (list, tuple)) else [gx]
    for g, want in zip(gx, _arrays(cid, "gx")):
        _close(g, want, 2e-3)
    trainable = {w.name: w for w in layer.trainable_weights}
    for name, want in zip(meta["trainable"], _arrays(cid, "gw"), strict=True):
        _close(trainable[name].grad, want, 2e-3)


def test_group_normalization_minus_one_is_instance_normalization():
    layer = layers.GroupNormalization(groups=-1)
    assert layer.get_config()["groups"] == -1  # resolved only when built, as Keras
    layer.build((None, 5, 6))
    assert layer.groups == 6
    with pytest.raises(ValueError, match="groups"):
        layers.GroupNormalization(groups=-2)


def test_multi_head_attention_without_value_is_a_type_error_as_keras():
    x = np.ones((1, 2, 3), "float32")
    with pytest.raises(TypeError, match="needs a query and a value"):
        layers.MultiHeadAttention(2, 2)(x)
    with pytest.raises(ValueError):  # (still numkeras's ConfigError too)
        layers.MultiHeadAttention(2, 2)(x)


def test_up_sampling2d_interpolations():
    for name in ("bicubic", "lanczos3", "lanczos5"):
        assert layers.UpSampling2D(interpolation=name).get_config()["interpolation"] == name
    # (Keras accepts "area" at construction, then its JAX resize rejects it when called)
    with pytest.raises(ValueError, match="area"):
        layers.UpSampling2D(interpolation="area")
    # size 1 on an axis leaves it untouched
    x = np.arange(6, dtype="float32").reshape(1, 2, 3, 1)
    y = layers.UpSampling2D(size=(1, 2), interpolation="bicubic")(x)
    assert y.shape == (1, 2, 6, 1) and y.dtype == np.float32

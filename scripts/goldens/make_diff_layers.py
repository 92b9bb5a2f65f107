"""Golden values for layer arguments and edge cases found by the differential layer sweep
(numkeras vs real Keras 3, JAX backend), for tests/layers/test_diff_layers.py.

Run with Keras installed:
    KERAS_BACKEND=jax python scripts/goldens/make_diff_layers.py
Writes tests/goldens/diff_layers.npz (arrays) and tests/goldens/diff_layers.json (per case:
the layer's class and arguments, its `get_config()` after building, its
`compute_output_shape` for a None batch, and its weights' names and shapes). Per case the
npz holds the input(s), the weights (set from a fixed generator), Keras's outputs in
inference and, for layers with a `training` argument, with `training=True`, and the
gradients (`jax.grad` of `sum(output * r)` through `stateless_call`) w.r.t. the inputs and
the trainable weights.
"""

import json
import os
import pathlib

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
NPZ = ROOT / "tests" / "goldens" / "diff_layers.npz"
JSON = ROOT / "tests" / "goldens" / "diff_layers.json"

# (case id, class, constructor arguments, input shape(s), options)
#   options: "int": N integer inputs in [0, N); "mask": a (batch, steps) mask is passed
CASES = [
    ("gn_instance", "GroupNormalization", {"groups": -1, "epsilon": 0.01}, (2, 3, 2, 4), {}),
    ("gn_instance_axis1", "GroupNormalization", {"groups": -1, "axis": 1}, (2, 3, 4), {}),
    ("up2_bicubic", "UpSampling2D", {"size": 2, "interpolation": "bicubic"}, (1, 3, 4, 2), {}),
    (
        "up2_lanczos3_cf",
        "UpSampling2D",
        {"size": (2, 3), "interpolation": "lanczos3", "data_format": "channels_first"},
        (2, 1, 3, 2),
        {},
    ),
    (
        "up2_lanczos5",
        "UpSampling2D",
        {"size": (1, 2), "interpolation": "lanczos5"},
        (1, 2, 5, 1),
        {},
    ),
]


def main():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    import jax
    import keras
    from keras import layers

    assert keras.backend.backend() == "jax", "run with KERAS_BACKEND=jax"
    arrays, meta = {}, {}
    for n, (cid, cls, kwargs, shapes, opts) in enumerate(CASES):
        rng = np.random.default_rng(100 + n)
        multi = isinstance(shapes, list)
        shape_list = shapes if multi else [shapes]
        if "int" in opts:
            xs = [rng.integers(0, opts["int"], s).astype("int32") for s in shape_list]
        else:
            xs = [rng.normal(0, 1, s).round(3).astype("float32") for s in shape_list]
        layer = getattr(layers, cls)(**kwargs)
        none_batch = [(None, *s[1:]) for s in shape_list]
        out_shape = layer.compute_output_shape(none_batch if multi else none_batch[0])
        call_kw = {}
        if opts.get("mask"):
            mask = np.ones(shape_list[0][:2], bool)
            mask[0, -2:] = False
            call_kw["mask"] = mask
            arrays[f"{cid}/mask"] = mask
        args = [xs] if multi else xs
        layer(*args, **call_kw)
        weights = [rng.normal(0.3, 0.5, w.shape).astype("float32") for w in layer.weights]
        layer.set_weights(weights)
        for i, x in enumerate(xs):
            arrays[f"{cid}/x{i}"] = x
        for i, w in enumerate(weights):
            arrays[f"{cid}/w{i}"] = w
        out = layer(*args, **call_kw)
        outs = out if isinstance(out, (list, tuple)) else [out]
        for i, o in enumerate(outs):
            arrays[f"{cid}/y{i}"] = np.asarray(o)
        if layer._call_has_training_arg:
            call_kw["training"] = True
        if not layer._call_has_mask_arg:
            call_kw.pop("mask", None)
        tv = [v.value for v in layer.trainable_variables]
        ntv = [v.value for v in layer.non_trainable_variables]
        rs = [rng.normal(0, 1, o.shape).astype("float32") for o in outs]

        def loss(tv, xs_in, args_multi=multi, rs=rs, ntv=ntv, layer=layer, call_kw=call_kw):
            o, _ = layer.stateless_call(tv, ntv, *([xs_in] if args_multi else xs_in), **call_kw)
            ol = o if isinstance(o, (list, tuple)) else [o]
            return sum((a * r).sum() for a, r in zip(ol, rs))

        o_train, _ = layer.stateless_call(tv, ntv, *args, **call_kw)
        o_train = o_train if isinstance(o_train, (list, tuple)) else [o_train]
        for i, o in enumerate(o_train):
            arrays[f"{cid}/yt{i}"] = np.asarray(o)
        for i, r in enumerate(rs):
            arrays[f"{cid}/r{i}"] = r
        xs_j = [jax.numpy.asarray(x) for x in xs]
        if "int" in opts:
            gw, gx = jax.grad(loss, argnums=0)(tv, xs_j), []
        else:
            gw, gx = jax.grad(loss, argnums=(0, 1))(tv, xs_j)
        for i, g in enumerate(gw):
            arrays[f"{cid}/gw{i}"] = np.asarray(g)
        for i, g in enumerate(gx):
            arrays[f"{cid}/gx{i}"] = np.asarray(g)
        config = layer.get_config()
        config.pop("name", None)
        meta[cid] = {
            "class": cls,
            "kwargs": kwargs,
            "config": json.loads(json.dumps(config)),
            "output_shape": json.loads(json.dumps(out_shape)),
            "weights": [[w.name, list(w.shape), bool(w.trainable)] for w in layer.weights],
            "trainable": [w.name for w in layer.trainable_variables],
            "n_outputs": len(outs),
            "multi_output": isinstance(out, (list, tuple)),
        }
    np.savez_compressed(NPZ, **arrays)
    JSON.write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n")
    print(f"wrote {NPZ} ({NPZ.stat().st_size} bytes) and {JSON}")


if __name__ == "__main__":
    main()

"""Goldens for GroupQueryAttention from real Keras 3 (JAX backend).

Run: KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_gqa.py
Writes tests/goldens/gqa.json:
- cases: eager calls on fixed inputs (weights in `layer.weights` order, outputs, scores);
- configs: get_config() of a default and a fully specified layer;
- fit: a functional model (query, value -> GQA) trained one SGD step by `fit`;
- h5: the dataset paths and shapes of that model's `.weights.h5`.
"""

import json
import os
import tempfile
from pathlib import Path

import h5py
import keras
import numpy as np
from keras import layers

OUT = Path(__file__).resolve().parents[2] / "tests" / "goldens" / "gqa.json"


def r(a):
    return np.round(np.asarray(a, "float64"), 7).tolist()


def case(name, kwargs, q_shape, v_shape=None, k_shape=None, call=None, seed=0):
    rng = np.random.default_rng(seed)
    keras.utils.set_random_seed(seed)
    layer = layers.GroupQueryAttention(**kwargs)
    q = rng.normal(size=q_shape).astype("float32")
    v = q if v_shape is None else rng.normal(size=v_shape).astype("float32")
    k = None if k_shape is None else rng.normal(size=k_shape).astype("float32")
    call = dict(call or {})
    if call.get("attention_mask") == "random":
        call["attention_mask"] = rng.random((q_shape[0], q_shape[1], v.shape[1])) > 0.3
    layer(q, v, key=k, **call)  # build
    weights = [rng.normal(size=w.shape).astype("float32") * 0.5 for w in layer.weights]
    layer.set_weights(weights)
    out = layer(q, v, key=k, **call)
    scores = None
    if call.get("return_attention_scores"):
        out, scores = out
    call_json = {
        key: (np.asarray(val).tolist() if key == "attention_mask" else val)
        for key, val in call.items()
    }
    return {
        "name": name,
        "kwargs": kwargs,
        "call": call_json,
        "query": r(q),
        "value": None if v_shape is None else r(v),
        "key": None if k is None else r(k),
        "weights": [r(w) for w in weights],
        "weight_paths": [w.path for w in layer.weights],
        "output": r(out),
        "scores": None if scores is None else r(scores),
    }


def main():
    base = {"head_dim": 2, "num_query_heads": 4, "num_key_value_heads": 2}
    cases = [
        case("self", base, (2, 3, 6)),
        case("mqa_cross", {**base, "num_key_value_heads": 1}, (2, 3, 6), (2, 4, 5)),
        case(
            "key_mask_scores",
            base,
            (2, 3, 6),
            (2, 4, 6),
            (2, 4, 5),
            {"attention_mask": "random", "return_attention_scores": True},
        ),
        case("causal", base, (2, 4, 6), call={"use_causal_mask": True}),
        case(
            "causal_scores",
            {**base, "num_key_value_heads": 4},
            (2, 4, 6),
            call={"use_causal_mask": True, "return_attention_scores": True},
        ),
        case("no_bias", {**base, "use_bias": False}, (2, 3, 6), (2, 4, 6)),
        case(
            "gate_window",
            {**base, "use_gate": True, "sliding_window": 2},
            (2, 4, 6),
            call={"attention_mask": "random"},
        ),
    ]
    configs = {
        "default": layers.GroupQueryAttention(2, 4, 2, name="g").get_config(),
        "full": layers.GroupQueryAttention(
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
        ).get_config(),
    }

    # one fit step of a functional model
    keras.utils.set_random_seed(1)
    rng = np.random.default_rng(1)
    qi = keras.Input((3, 6), name="q")
    vi = keras.Input((4, 6), name="v")
    out = layers.GroupQueryAttention(2, 4, 2, name="gqa")(qi, vi)
    model = keras.Model([qi, vi], out)
    init = [rng.normal(size=w.shape).astype("float32") * 0.5 for w in model.weights]
    model.set_weights(init)
    xq = rng.normal(size=(4, 3, 6)).astype("float32")
    xv = rng.normal(size=(4, 4, 6)).astype("float32")
    y = rng.normal(size=(4, 3, 6)).astype("float32")
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    hist = model.fit([xq, xv], y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    fit = {
        "init": [r(w) for w in init],
        "xq": r(xq),
        "xv": r(xv),
        "y": r(y),
        "loss": hist.history["loss"][0],
        "final": [r(w) for w in model.get_weights()],
        "paths": [w.path for w in model.weights],
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "m.weights.h5")
        model.save_weights(path)
        h5 = []
        with h5py.File(path, "r") as f:
            f.visititems(
                lambda n, o: h5.append([n, list(o.shape)]) if isinstance(o, h5py.Dataset) else None
            )
        # a gated layer's layout too
        gq = keras.Input((3, 6))
        gmodel = keras.Model(gq, layers.GroupQueryAttention(2, 4, 2, use_gate=True)(gq, gq))
        gmodel.save_weights(path)
        h5_gate = []
        with h5py.File(path, "r") as f:
            f.visititems(
                lambda n, o: (
                    h5_gate.append([n, list(o.shape)]) if isinstance(o, h5py.Dataset) else None
                )
            )
        model.save(os.path.join(tmp, "m.keras"))
        import zipfile

        with zipfile.ZipFile(os.path.join(tmp, "m.keras")) as z:
            model_config = json.loads(z.read("config.json"))
    layer_cfg = [l for l in model_config["config"]["layers"] if l["name"] == "gqa"][0]
    shapes = {
        "self": list(
            layers.GroupQueryAttention(2, 4, 2).compute_output_shape((None, 3, 6), (None, 4, 6))
        ),
    }
    # the inputs' masks (Embedding(mask_zero=True)) reach the layer in a model
    keras.utils.set_random_seed(2)
    rng = np.random.default_rng(2)
    ids = keras.Input((4,), dtype="int32")
    emb = layers.Embedding(7, 6, mask_zero=True)(ids)
    masked = keras.Model(ids, layers.GroupQueryAttention(2, 4, 2)(emb, emb))
    mweights = [rng.normal(size=w.shape).astype("float32") * 0.5 for w in masked.weights]
    masked.set_weights(mweights)
    tokens = np.array([[1, 2, 0, 0], [3, 0, 4, 5]], "int32")
    mask_case = {
        "weights": [r(w) for w in mweights],
        "tokens": tokens.tolist(),
        "output": r(masked.predict(tokens, verbose=0)),
    }
    data = {
        "mask_model": mask_case,
        "cases": cases,
        "configs": configs,
        "fit": fit,
        "h5": h5,
        "h5_gate": h5_gate,
        "saved_layer": {k: layer_cfg[k] for k in ("module", "class_name", "registered_name")},
        "saved_build_config": layer_cfg.get("build_config"),
        "saved_inbound": layer_cfg.get("inbound_nodes"),
        "shapes": shapes,
    }
    OUT.write_text(json.dumps(data, separators=(",", ":")))
    print(OUT, OUT.stat().st_size)


if __name__ == "__main__":
    main()

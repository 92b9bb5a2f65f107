"""Golden values for Keras 3's attention layers, produced by real Keras 3 (JAX backend).

Run with Keras installed (numkeras importable too), e.g.:
    KERAS_BACKEND=jax python scripts/goldens/make_attention.py
Writes tests/goldens/attention.json:
- eager: MultiHeadAttention, Attention, AdditiveAttention and EinsumDense on arrays, per
  configuration (self- and cross-attention, a separate key, value_dim, output_shape, masks
  with a fully masked row, causal masks, 1 or 3 heads, use_gate, sliding_window, no
  bias, dropout in inference): the inputs, the weights, Keras's outputs (and attention
  scores), and the gradients (jax.grad of `sum(output * r) + sum(scores * r2)`) w.r.t.
  every input and trainable weight, through `stateless_call`;
- configs: `get_config()` of each layer (MultiHeadAttention before and after `build`);
- models: small models (a transformer block, cross-attention with a mask input and a
  causal mask, Attention / AdditiveAttention / EinsumDense, Embedding(mask_zero=True)
  into MultiHeadAttention) trained 2 steps by `fit` (SGD, no shuffling) from fixed
  weights: the losses and the weights after;
- files: a model with each layer saved by Keras (tests/goldens/saving/keras_attention.keras
  and .weights.h5), loaded by numkeras, saved again by numkeras
  (numkeras_attention.keras / .weights.h5) and read back by Keras: the predictions.
"""

import json
import pathlib

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "goldens" / "attention.json"
FILES = ROOT / "tests" / "goldens" / "saving"


def _r(a, decimals=4):
    return np.asarray(a, "float64").round(decimals)


def _list(a):
    """A float32 result as a nested list, to 8 significant digits (all float32 has)."""
    if a is None:
        return None
    rounded = np.vectorize(lambda v: float(f"{v:.8g}"), otypes=["float64"])
    return rounded(np.asarray(a, "float64")).tolist()


def main():
    import jax
    import keras
    from keras import layers

    assert keras.backend.backend() == "jax", "run with KERAS_BACKEND=jax"
    rng = np.random.default_rng(7)

    def rnd(shape, scale=1.0):
        return _r(rng.normal(0, scale, shape)).astype("float32")

    def grads_of(layer, args, call_kw, outs, r, r2):
        """jax.grad of sum(out * r) (+ sum(scores * r2)) w.r.t. the weights and `args`."""
        tv = [v.value for v in layer.trainable_variables]
        ntv = [v.value for v in layer.non_trainable_variables]

        def f(tv, *args):
            y, _ = layer.stateless_call(tv, ntv, *args, **call_kw)
            if r2 is None:
                return (y * r).sum()
            return (y[0] * r).sum() + (y[1] * r2).sum()

        return jax.grad(f, argnums=tuple(range(1 + len(args))))(tv, *args)

    def set_random_weights(layer, scale=0.5):
        ws = [rnd(w.shape, scale) for w in layer.weights]
        layer.set_weights(ws)
        return [w.tolist() for w in ws]

    def mha_case(name, kwargs, q_shape, v_shape=None, k_shape=None, call=None):
        layer = layers.MultiHeadAttention(**kwargs)
        q = rnd(q_shape)
        v = rnd(v_shape or q_shape)
        k = rnd(k_shape) if k_shape else None
        call = dict(call or {})
        call_kw = {}
        for key in ("attention_mask", "value_mask", "key_mask"):
            if key in call:
                call_kw[key] = np.array(call[key], bool)
        for key in ("return_attention_scores", "use_causal_mask"):
            if key in call:
                call_kw[key] = call[key]
        if k is not None:
            call_kw["key"] = k
        layer(q, v, **call_kw)
        weights = set_random_weights(layer)
        out = layer(q, v, **call_kw)
        scores = None
        if call.get("return_attention_scores"):
            out, scores = out
        r = rnd(out.shape)
        r2 = None if scores is None else rnd(scores.shape)
        kw = {k2: v2 for k2, v2 in call_kw.items() if k2 != "key"}
        if k is not None:
            g = grads_of(layer, (q, v, k), kw, out, r, r2)
        else:
            g = grads_of(layer, (q, v), kw, out, r, r2)
        return {
            "name": name,
            "class": "MultiHeadAttention",
            "kwargs": kwargs,
            "call": call,
            "q": q.tolist(),
            "v": v.tolist(),
            "k": None if k is None else k.tolist(),
            "weights": weights,
            "weight_paths": [w.path for w in layer.weights],
            "output": _list(out),
            "scores": _list(scores),
            "r": _list(r),
            "r2": _list(r2),
            "grad_weights": [_list(w) for w in g[0]],
            "grad_inputs": [_list(x) for x in g[1:]],
        }

    def attention_case(name, cls, kwargs, shapes, call=None):
        layer = getattr(layers, cls)(**kwargs)
        xs = [rnd(s) for s in shapes]
        call = dict(call or {})
        call_kw = {}
        if "mask" in call:
            call_kw["mask"] = [None if m is None else np.array(m, bool) for m in call["mask"]]
        for key in ("return_attention_scores", "use_causal_mask"):
            if key in call:
                call_kw[key] = call[key]
        layer(xs, **call_kw)
        weights = set_random_weights(layer, 1.0) if layer.weights else []
        out = layer(xs, **call_kw)
        scores = None
        if call.get("return_attention_scores"):
            out, scores = out
        r = rnd(out.shape)
        r2 = None if scores is None else rnd(scores.shape)
        tv = [v.value for v in layer.trainable_variables]

        def f(tv, xs):
            y, _ = layer.stateless_call(tv, [], xs, **call_kw)
            if r2 is None:
                return (y * r).sum()
            return (y[0] * r).sum() + (y[1] * r2).sum()

        gw, gx = jax.grad(f, argnums=(0, 1))(tv, xs)
        return {
            "name": name,
            "class": cls,
            "kwargs": kwargs,
            "call": call,
            "inputs": [x.tolist() for x in xs],
            "weights": weights,
            "output": _list(out),
            "scores": _list(scores),
            "r": _list(r),
            "r2": _list(r2),
            "grad_weights": [_list(w) for w in gw],
            "grad_inputs": [_list(x) for x in gx],
        }

    def einsum_case(name, kwargs, shape):
        layer = layers.EinsumDense(**kwargs)
        x = rnd(shape)
        layer.build(x.shape)
        weights = set_random_weights(layer)
        out = layer(x)
        r = rnd(out.shape)
        g = grads_of(layer, (x,), {}, out, r, None)
        return {
            "name": name,
            "class": "EinsumDense",
            "kwargs": kwargs,
            "x": x.tolist(),
            "weights": weights,
            "weight_shapes": [list(w.shape) for w in layer.weights],
            "output": _list(out),
            "output_shape": list(layer.compute_output_shape((None, *shape[1:]))),
            "r": _list(r),
            "grad_weights": [_list(w) for w in g[0]],
            "grad_inputs": [_list(g[1])],
        }

    mask_b45 = np.ones((2, 4, 5), bool)
    mask_b45[0, :, 3:] = False
    mask_b45[1, 2] = False  # a fully masked query row
    mask_b45[1, 0, 0] = False
    mask_b55 = np.ones((2, 5, 5), bool)
    mask_b55[0, 4] = False  # a fully masked query row
    mask_b55[1, :, 1] = False
    eager = [
        mha_case("self_h1", {"num_heads": 1, "key_dim": 4}, (2, 5, 6)),
        mha_case("self_h3", {"num_heads": 3, "key_dim": 2}, (2, 5, 6)),
        mha_case(
            "cross_key",
            {"num_heads": 2, "key_dim": 3},
            (2, 4, 6),
            (2, 5, 3),
            (2, 5, 7),
        ),
        mha_case(
            "value_dim_output_shape",
            {"num_heads": 2, "key_dim": 2, "value_dim": 5, "output_shape": 7},
            (2, 4, 6),
            (2, 5, 3),
            # (Keras 3.15's JAX dot_product_attention path fails when value_dim != key_dim:
            # the explicit-scores path computes it)
            call={"return_attention_scores": True},
        ),
        mha_case(
            "output_shape_2d",
            {"num_heads": 2, "key_dim": 3, "output_shape": [2, 3]},
            (2, 4, 5),
        ),
        mha_case(
            "mask_fast_path",
            {"num_heads": 2, "key_dim": 3},
            (2, 4, 6),
            (2, 5, 6),
            call={"attention_mask": mask_b45.tolist()},
        ),
        mha_case(
            "mask_scores",
            {"num_heads": 2, "key_dim": 3},
            (2, 4, 6),
            (2, 5, 6),
            call={"attention_mask": mask_b45.tolist(), "return_attention_scores": True},
        ),
        mha_case(
            "mask_dropout_inference",
            {"num_heads": 2, "key_dim": 3, "dropout": 0.3},
            (2, 4, 6),
            (2, 5, 6),
            call={"attention_mask": mask_b45.tolist()},
        ),
        mha_case(
            "causal",
            {"num_heads": 2, "key_dim": 3},
            (2, 5, 6),
            call={"use_causal_mask": True},
        ),
        mha_case(
            "causal_scores",
            {"num_heads": 3, "key_dim": 2},
            (2, 5, 6),
            call={"use_causal_mask": True, "return_attention_scores": True},
        ),
        mha_case(
            "causal_cross_lengths",
            {"num_heads": 2, "key_dim": 2},
            (2, 4, 6),
            (2, 6, 6),
            call={"use_causal_mask": True},
        ),
        mha_case(
            "causal_and_mask",
            {"num_heads": 2, "key_dim": 2},
            (2, 5, 6),
            call={"use_causal_mask": True, "attention_mask": mask_b55.tolist()},
        ),
        mha_case(
            "value_key_masks",
            {"num_heads": 2, "key_dim": 2},
            (2, 4, 6),
            (2, 5, 6),
            (2, 5, 4),
            call={
                "value_mask": [[True, True, True, False, False], [True] * 5],
                "key_mask": [[True] * 5, [False, True, True, True, True]],
            },
        ),
        mha_case("no_bias", {"num_heads": 2, "key_dim": 3, "use_bias": False}, (2, 4, 5)),
        mha_case("gate", {"num_heads": 2, "key_dim": 3, "use_gate": True}, (2, 4, 5)),
        mha_case(
            "sliding_window",
            {"num_heads": 2, "key_dim": 2, "sliding_window": 2},
            (2, 5, 4),
            call={"use_causal_mask": True, "return_attention_scores": True},
        ),
        attention_case("att_dot", "Attention", {}, [(2, 3, 4), (2, 5, 4)]),
        attention_case(
            "att_dot_scale_key",
            "Attention",
            {"use_scale": True},
            [(2, 3, 4), (2, 5, 6), (2, 5, 4)],
            call={"return_attention_scores": True},
        ),
        attention_case(
            "att_concat",
            "Attention",
            {"score_mode": "concat"},
            [(2, 3, 4), (2, 5, 4)],
        ),
        attention_case(
            "att_concat_scale_masks",
            "Attention",
            {"score_mode": "concat", "use_scale": True},
            [(2, 3, 4), (2, 5, 2), (2, 5, 4)],
            call={
                "mask": [
                    [[True, True, False], [True] * 3],
                    [[True] * 5, [True, True, False] + [False] * 2],
                ],
                "return_attention_scores": True,
            },
        ),
        attention_case(
            "att_causal_value_mask",
            "Attention",
            {"use_scale": True},
            [(2, 4, 3), (2, 4, 3)],
            call={
                "mask": [None, [[True, True, True, False], [False, True, True, True]]],
                "use_causal_mask": True,
            },
        ),
        attention_case("additive", "AdditiveAttention", {}, [(2, 3, 4), (2, 5, 4)]),
        attention_case(
            "additive_no_scale_key_masks",
            "AdditiveAttention",
            {"use_scale": False},
            [(2, 3, 4), (2, 5, 3), (2, 5, 4)],
            call={
                "mask": [[[True, False, True], [True] * 3], [[True] * 4 + [False], [True] * 5]],
                "return_attention_scores": True,
            },
        ),
        attention_case(
            "additive_causal",
            "AdditiveAttention",
            {},
            [(2, 4, 3), (2, 4, 3)],
            call={"use_causal_mask": True},
        ),
        einsum_case(
            "ed_2d", {"equation": "ab,bc->ac", "output_shape": 4, "bias_axes": "c"}, (3, 5)
        ),
        einsum_case(
            "ed_heads",
            {"equation": "abc,cde->abde", "output_shape": [None, 2, 3], "bias_axes": "de"},
            (2, 4, 5),
        ),
        einsum_case(
            "ed_output",
            {"equation": "abcd,cde->abe", "output_shape": [None, 4], "bias_axes": "e"},
            (2, 3, 2, 5),
        ),
        einsum_case(
            "ed_left_ellipsis_tanh",
            {
                "equation": "...b,bc->...c",
                "output_shape": 3,
                "bias_axes": "c",
                "activation": "tanh",
            },
            (2, 3, 4),
        ),
        einsum_case(
            "ed_right_ellipsis",
            {"equation": "ab...,bc->ac...", "output_shape": [3], "bias_axes": "c"},
            (2, 4, 5),
        ),
        einsum_case(
            "ed_summed_axis",
            {"equation": "abc,cd->ad", "output_shape": 4, "activation": "relu"},
            (2, 3, 5),
        ),
        einsum_case(
            "ed_bias_first_axis",
            {"equation": "abc,cd->abd", "output_shape": [3, 4], "bias_axes": "b"},
            (2, 3, 5),
        ),
    ]

    mha = layers.MultiHeadAttention(2, 3, name="m")
    configs = {"MultiHeadAttention": mha.get_config()}
    mha.build((None, 4, 6), (None, 5, 3))
    configs["MultiHeadAttention_built"] = mha.get_config()
    configs["MultiHeadAttention_full"] = layers.MultiHeadAttention(
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
    ).get_config()
    configs["Attention"] = layers.Attention(name="m").get_config()
    configs["Attention_full"] = layers.Attention(
        use_scale=True, score_mode="concat", dropout=0.2, seed=3, name="m"
    ).get_config()
    configs["AdditiveAttention"] = layers.AdditiveAttention(name="m").get_config()
    configs["EinsumDense"] = layers.EinsumDense(
        "abc,cd->abd", output_shape=(None, 4), bias_axes="d", activation="relu", name="m"
    ).get_config()

    shapes = {
        "mha_scores_cross": [
            list(s.shape)
            for s in layers.MultiHeadAttention(2, 3)(
                keras.Input((4, 6)), keras.Input((5, 3)), return_attention_scores=True
            )
        ],
        "attention_scores": [
            list(s.shape)
            for s in layers.Attention()(
                [keras.Input((4, 6)), keras.Input((5, 3)), keras.Input((5, 6))],
                return_attention_scores=True,
            )
        ],
    }

    def set_seeded(model, seed):
        r = np.random.default_rng(seed)
        ws = [_r(r.normal(0, 0.5, w.shape)) for w in model.weights]
        model.set_weights([w.astype("float32") for w in ws])
        return [w.tolist() for w in ws]

    def train(name, model, x, y, loss, seed):
        weights = set_seeded(model, seed)
        before = model.predict(x, verbose=0)
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=loss)
        n = len(x[0]) if isinstance(x, list) else len(x)
        hist = model.fit(x, y, batch_size=n // 2, epochs=1, shuffle=False, verbose=0)
        as_list = [np.asarray(a).tolist() for a in x] if isinstance(x, list) else x.tolist()
        return {
            "name": name,
            "weights": weights,
            "x": as_list,
            "y": np.asarray(y).tolist(),
            "predict_before": _list(before),
            "loss": float(hist.history["loss"][-1]),
            "weights_after": [_list(w) for w in model.get_weights()],
            "predict_after": _list(model.predict(x, verbose=0)),
        }

    models = []
    inp = keras.Input((6, 8))
    att = layers.MultiHeadAttention(num_heads=2, key_dim=4)(inp, inp)
    h = layers.LayerNormalization()(layers.Add()([inp, att]))
    f = layers.Dense(8)(layers.Dense(16, activation="relu")(h))
    h = layers.LayerNormalization()(layers.Add()([h, f]))
    out = layers.Dense(3, activation="softmax")(layers.GlobalAveragePooling1D()(h))
    x = rnd((8, 6, 8))
    y = rng.integers(0, 3, (8,))
    models.append(
        train(
            "transformer_block", keras.Model(inp, out), x, y, "sparse_categorical_crossentropy", 1
        )
    )

    xi, ci = keras.Input((5, 4)), keras.Input((6, 3))
    mi = keras.Input((5, 6), dtype="bool")
    o, _ = layers.MultiHeadAttention(3, 2, value_dim=3, output_shape=4)(
        xi, ci, attention_mask=mi, use_causal_mask=True, return_attention_scores=True
    )
    out = layers.Dense(2)(layers.Flatten()(o))
    xs = [rnd((6, 5, 4)), rnd((6, 6, 3)), rng.random((6, 5, 6)) > 0.3]
    xs[2][0, 1] = False  # a fully masked query row
    models.append(
        train("cross_causal_mask", keras.Model([xi, ci, mi], out), xs, rnd((6, 2)), "mse", 2)
    )

    qi, vi, ki = keras.Input((4, 3)), keras.Input((5, 3)), keras.Input((5, 3))
    a = layers.Attention(use_scale=True, score_mode="concat")([qi, vi], use_causal_mask=True)
    b = layers.AdditiveAttention()([qi, vi, ki])
    c = layers.Attention(use_scale=True)([qi, vi, ki])
    h = layers.Concatenate()([a, b, c])
    h = layers.EinsumDense("abc,cd->abd", output_shape=(4, 2), bias_axes="d", activation="tanh")(h)
    out = layers.Dense(1)(layers.Flatten()(h))
    xs = [rnd((6, 4, 3)), rnd((6, 5, 3)), rnd((6, 5, 3))]
    models.append(
        train("attention_einsum", keras.Model([qi, vi, ki], out), xs, rnd((6, 1)), "mse", 3)
    )

    ti = keras.Input((6,), dtype="int32")
    e = layers.Embedding(7, 4, mask_zero=True)(ti)
    h = layers.MultiHeadAttention(2, 3)(e, e)
    a = layers.AdditiveAttention()([e, e])  # (the masks: [query's, value's])
    h = layers.GlobalAveragePooling1D()(layers.Concatenate()([h, a]))
    out = layers.Dense(2)(h)
    tokens = rng.integers(1, 7, (6, 6)).astype("int32")
    tokens[0, 3:] = 0
    tokens[1, 1:] = 0
    tokens[3, 5:] = 0
    models.append(train("embedding_mask_zero", keras.Model(ti, out), tokens, rnd((6, 2)), "mse", 4))

    files = write_files(keras, layers, rnd, rng)

    OUT.write_text(
        json.dumps(
            {
                "keras_version": keras.__version__,
                "eager": eager,
                "configs": configs,
                "shapes": shapes,
                "models": models,
                "files": files,
            },
            default=lambda o: list(o) if isinstance(o, tuple) else str(o),
        )
    )
    print("wrote", OUT, OUT.stat().st_size, "bytes")


def file_model(keras, layers):
    """The model saved both ways: every attention layer, with keyword calls."""
    x, c = keras.Input((5, 4), name="x"), keras.Input((6, 3), name="c")
    m = keras.Input((5, 6), dtype="bool", name="m")
    o, s = layers.MultiHeadAttention(2, 3, value_dim=2, output_shape=4, name="mha")(
        x, c, attention_mask=m, use_causal_mask=True, return_attention_scores=True
    )
    a = layers.Attention(use_scale=True, name="att")([o, x])
    g = layers.MultiHeadAttention(1, 2, use_gate=True, name="gated")(a, a, key=x)
    k = layers.EinsumDense("abc,cd->abd", output_shape=(6, 4), name="key_proj")(c)
    b = layers.AdditiveAttention(name="add_att")([g, c, k])
    e = layers.EinsumDense("abc,cd->abd", output_shape=(None, 3), bias_axes="d", name="ed")(b)
    return keras.Model([x, c, m], [e, s])


def write_files(keras, layers, rnd, rng):
    import numkeras

    model = file_model(keras, layers)
    weights = [rnd(w.shape, 0.5) for w in model.weights]
    model.set_weights(weights)
    xs = [rnd((3, 5, 4)), rnd((3, 6, 3)), rng.random((3, 5, 6)) > 0.25]
    kpred = model.predict(xs, verbose=0)
    model.save(FILES / "keras_attention.keras")
    model.save_weights(FILES / "keras_attention.weights.h5")
    nm = numkeras.models.load_model(FILES / "keras_attention.keras")
    npred = nm.predict(xs, verbose=0)
    nm.save(FILES / "numkeras_attention.keras")
    nm.save_weights(FILES / "numkeras_attention.weights.h5")
    back = keras.saving.load_model(FILES / "numkeras_attention.keras")
    fresh = file_model(keras, layers)
    fresh.load_weights(FILES / "numkeras_attention.weights.h5")
    return {
        "x": [np.asarray(a).tolist() for a in xs],
        "weights": [w.tolist() for w in weights],
        "weight_paths": [w.path for w in model.weights],
        "keras_predict": [_list(p) for p in kpred],
        "numkeras_predict_at_generation": [_list(p) for p in npred],
        "keras_reads_numkeras_keras": [_list(p) for p in back.predict(xs, verbose=0)],
        "keras_reads_numkeras_weights": [_list(p) for p in fresh.predict(xs, verbose=0)],
    }


if __name__ == "__main__":
    main()

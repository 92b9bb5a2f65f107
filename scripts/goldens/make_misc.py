"""Golden values for assorted Keras 3 features, produced by real Keras 3 (JAX backend).

Run with Keras installed, e.g.:
    KERAS_BACKEND=jax python scripts/goldens/make_misc.py
Writes tests/goldens/misc.json:
- layers: RMSNormalization, SpatialDropout3D, AdaptiveAverage/MaxPooling1D/2D/3D and
  SpectralNormalization: inputs, weights, outputs and the gradients (jax.grad of
  `sum(output * r)` through `stateless_call`) w.r.t. the input and each trainable weight;
  SpectralNormalization also in training mode (its new `vector_u` and kernel);
- spectral_fit: a small model with a SpectralNormalization(Dense) trained 2 steps by `fit`;
- configs: `get_config()` of each new layer, metric, loss and regularizer;
- metrics: PearsonCorrelation / ConcordanceCorrelation (functions and stateful classes),
  the loss functions `keras.metrics` re-exports, and History names under `compile`;
- gce, ctc: CategoricalGeneralizedCrossEntropy and CTC values and gradients (jax.grad);
- optimizers: Muon and ScheduleFreeAdamW, 4 steps on fixed variables and gradients (the
  weights after each, the optimizer variables' names and values, the configs);
- orthogonal: OrthogonalRegularizer values and gradients.
"""

import json
import pathlib

import numpy as np

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens" / "misc.json"


def _r(a, decimals=4):
    return np.asarray(a, "float64").round(decimals)


def _list(a):
    return np.asarray(a, "float64").tolist()


def _json(obj, short=True):
    """JSON types; numbers to 7 significant digits (ample for float32, and small), except
    in configs, which are kept exact."""
    if isinstance(obj, dict):
        return {k: _json(v, short and k not in ("config", "configs")) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_json(v, short) for v in obj]
    if isinstance(obj, (np.floating, np.integer)):
        obj = obj.item()
    if short and isinstance(obj, float) and np.isfinite(obj):
        return float(f"{obj:.7g}")
    return obj


def main():
    import jax
    import keras
    from keras import layers

    assert keras.backend.backend() == "jax", "run with KERAS_BACKEND=jax"
    rng = np.random.default_rng(31)

    def eager(name, cls, kwargs, x_shape, make=None, training=False):
        layer = make() if make else getattr(layers, cls)(**kwargs)
        x = _r(rng.normal(0.5, 1.5, x_shape)).astype("float32")
        layer.build(x.shape)
        ws = [_r(rng.normal(0.5, 0.5, w.shape)) for w in layer.weights]
        layer.set_weights([w.astype("float32") for w in ws])
        out = layer(x)
        r = _r(rng.normal(0, 1, out.shape)).astype("float32")
        tv = [v.value for v in layer.trainable_variables]
        ntv = [v.value for v in layer.non_trainable_variables]

        def f(tv, x):
            kw = {"training": True} if training else {}
            y, new_ntv = layer.stateless_call(tv, ntv, x, **kw)
            return (y * r).sum(), (y, new_ntv)

        (_, (y_train, new_ntv)), (gw, gx) = jax.value_and_grad(f, argnums=(0, 1), has_aux=True)(
            tv, x
        )
        case = {
            "name": name,
            "class": cls,
            "kwargs": kwargs,
            "x": x.tolist(),
            "weight_names": [v.name for v in layer.weights],
            "weights": [w.tolist() for w in ws],
            "output": _list(out),
            "r": _list(r),
            "grad_x": _list(gx),
            "grad_weights": [_list(g) for g in gw],
        }
        if training:
            case["output_training"] = _list(y_train)
            case["non_trainable_after"] = [_list(v) for v in new_ntv]
            # eager call in training mode: Keras assigns the normalized kernel and new u
            layer(x, training=True)
            case["eager_training_weights_after"] = [_list(w) for w in layer.get_weights()]
        return case

    def sn(inner):
        return lambda: layers.SpectralNormalization(inner(), power_iterations=1)

    cases = [
        eager("rms_default", "RMSNormalization", {}, (4, 6)),
        eager("rms_axis_12", "RMSNormalization", {"axis": [1, 2]}, (3, 4, 5)),
        eager("rms_eps", "RMSNormalization", {"epsilon": 0.5}, (3, 5)),
        eager("rms_3d_last", "RMSNormalization", {}, (2, 3, 4)),
        eager("aap1_5_3", "AdaptiveAveragePooling1D", {"output_size": 3}, (2, 5, 2)),
        eager(
            "aap1_7_4_cf",
            "AdaptiveAveragePooling1D",
            {"output_size": 4, "data_format": "channels_first"},
            (2, 3, 7),
        ),
        eager("aap1_3_6", "AdaptiveAveragePooling1D", {"output_size": 6}, (1, 3, 2)),
        eager("amp1_7_3", "AdaptiveMaxPooling1D", {"output_size": 3}, (2, 7, 2)),
        eager(
            "amp1_5_4_cf",
            "AdaptiveMaxPooling1D",
            {"output_size": [4], "data_format": "channels_first"},
            (2, 2, 5),
        ),
        eager("aap2_5x7_2x3", "AdaptiveAveragePooling2D", {"output_size": (2, 3)}, (2, 5, 7, 2)),
        eager(
            "aap2_cf",
            "AdaptiveAveragePooling2D",
            {"output_size": 3, "data_format": "channels_first"},
            (1, 2, 7, 5),
        ),
        eager("amp2_5x7_3x2", "AdaptiveMaxPooling2D", {"output_size": [3, 2]}, (2, 5, 7, 2)),
        eager(
            "amp2_cf",
            "AdaptiveMaxPooling2D",
            {"output_size": 4, "data_format": "channels_first"},
            (1, 2, 6, 9),
        ),
        eager("aap3", "AdaptiveAveragePooling3D", {"output_size": (2, 3, 2)}, (1, 5, 4, 3, 2)),
        eager("amp3", "AdaptiveMaxPooling3D", {"output_size": 2}, (1, 5, 4, 3, 2)),
        eager(
            "amp3_cf",
            "AdaptiveMaxPooling3D",
            {"output_size": (3, 2, 2), "data_format": "channels_first"},
            (1, 2, 4, 5, 3),
        ),
        eager(
            "sn_dense",
            "SpectralNormalization",
            {"layer": "Dense(4)"},
            (3, 5),
            make=sn(lambda: layers.Dense(4)),
            training=True,
        ),
        eager(
            "sn_dense_infer",
            "SpectralNormalization",
            {"layer": "Dense(3)"},
            (2, 4),
            make=sn(lambda: layers.Dense(3)),
        ),
        eager(
            "sn_conv2d",
            "SpectralNormalization",
            {"layer": "Conv2D(3, 2)"},
            (2, 4, 4, 2),
            make=sn(lambda: layers.Conv2D(3, 2)),
            training=True,
        ),
        eager(
            "sn_dense_3iter",
            "SpectralNormalization",
            {"layer": "Dense(3)", "iters": 3},
            (3, 4),
            make=lambda: layers.SpectralNormalization(layers.Dense(3), power_iterations=3),
            training=True,
        ),
    ]

    # SpectralNormalization trained by fit (JAX: the kernel is not overwritten, see tests)
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((4,)), layers.SpectralNormalization(layers.Dense(3)), layers.Dense(1)]
    )
    ws = [_r(rng.normal(0.3, 0.5, w.shape)).astype("float32") for w in model.get_weights()]
    model.set_weights(ws)
    x = _r(rng.normal(0, 1, (8, 4))).astype("float32")
    y = _r(rng.normal(0, 1, (8, 1))).astype("float32")
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    before = model.predict(x, verbose=0)
    hist = model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    spectral_fit = {
        "weight_names": [w.path for w in model.weights],
        "weights": [w.tolist() for w in ws],
        "x": x.tolist(),
        "y": y.tolist(),
        "predict_before": _list(before),
        "loss": float(hist.history["loss"][-1]),
        "weights_after": [_list(w) for w in model.get_weights()],
        "predict_after": _list(model.predict(x, verbose=0)),
    }

    configs = {
        "RMSNormalization": layers.RMSNormalization(name="m").get_config(),
        "RMSNormalization_full": layers.RMSNormalization(
            axis=[2, 1], epsilon=0.01, name="m"
        ).get_config(),
        "SpatialDropout3D": layers.SpatialDropout3D(0.3, seed=2, name="m").get_config(),
        "SpatialDropout3D_cf": layers.SpatialDropout3D(
            0.3, data_format="channels_first", name="m"
        ).get_config(),
    }
    built = layers.RMSNormalization(name="m")
    built.build((None, 3, 4))
    configs["RMSNormalization_built"] = built.get_config()
    for cls, size in [
        ("AdaptiveAveragePooling1D", 3),
        ("AdaptiveMaxPooling1D", [3]),
        ("AdaptiveAveragePooling2D", 3),
        ("AdaptiveMaxPooling2D", (2, 3)),
        ("AdaptiveAveragePooling3D", 2),
        ("AdaptiveMaxPooling3D", [1, 2, 3]),
    ]:
        configs[cls] = getattr(layers, cls)(size, name="m").get_config()
    configs["AdaptiveMaxPooling2D_cf"] = layers.AdaptiveMaxPooling2D(
        4, data_format="channels_first", name="m"
    ).get_config()
    configs["SpectralNormalization"] = layers.SpectralNormalization(
        layers.Dense(3, name="d"), power_iterations=2, name="m"
    ).get_config()

    # spatial dropout 3d: the channel masks are whole
    sd = layers.SpatialDropout3D(0.5, seed=3)
    sdx = np.ones((2, 2, 3, 2, 4), "float32")
    sdy = np.asarray(sd(sdx, training=True))
    spatial3d = {
        "whole_channels": bool(
            ((sdy == 0).all(axis=(1, 2, 3)) | (sdy == 2).all(axis=(1, 2, 3))).all()
        ),
        "symbolic_cf": list(
            layers.SpatialDropout3D(0.2, data_format="channels_first")(
                keras.Input((3, 4, 5, 6))
            ).shape
        ),
    }

    # -- metrics ---------------------------------------------------------------
    yt = _r(rng.normal(0, 1, (4, 5))).astype("float32")
    yp = _r(yt + rng.normal(0, 0.7, (4, 5))).astype("float32")
    sw = np.array([1.0, 0.5, 0.0, 2.0], "float32")
    metrics = {"y_true": yt.tolist(), "y_pred": yp.tolist(), "sample_weight": sw.tolist()}
    from keras import metrics as km

    metrics["pearson_fn"] = _list(km.pearson_correlation(yt, yp))
    metrics["pearson_fn_axis0"] = _list(km.pearson_correlation(yt, yp, axis=0))
    metrics["concordance_fn"] = _list(km.concordance_correlation(yt, yp))
    metrics["concordance_fn_axis0"] = _list(km.concordance_correlation(yt, yp, axis=0))
    for cls in ("PearsonCorrelation", "ConcordanceCorrelation"):
        m = getattr(km, cls)()
        m.update_state(yt[:2], yp[:2])
        m.update_state(yt[2:], yp[2:], sample_weight=sw[2:])
        metrics[cls] = float(m.result())
        configs[cls] = m.get_config()
        configs[cls + "_axis0"] = getattr(km, cls)(name="c", axis=0).get_config()

    names = [
        "binary_crossentropy", "binary_focal_crossentropy", "categorical_crossentropy",
        "categorical_focal_crossentropy", "categorical_hinge", "concordance_correlation",
        "hinge", "huber", "kl_divergence", "log_cosh", "mean_absolute_error",
        "mean_absolute_percentage_error", "mean_squared_error",
        "mean_squared_logarithmic_error", "pearson_correlation", "poisson",
        "sparse_categorical_crossentropy", "squared_hinge",
    ]  # fmt: skip
    probs = _r(rng.uniform(0.05, 0.95, (4, 5))).astype("float32")
    onehot = np.eye(5, dtype="float32")[[0, 3, 1, 4]]
    labels = np.array([0, 3, 1, 4], "float32")
    funcs = {}
    for n in names:
        fn = getattr(km, n)
        if n == "sparse_categorical_crossentropy":
            args = (labels, probs)
        elif "categorical" in n or n in ("kl_divergence",):
            args = (onehot, probs)
        elif n in ("binary_crossentropy", "binary_focal_crossentropy"):
            args = ((yt > 0).astype("float32"), probs)
        elif n == "poisson" or n == "mean_squared_logarithmic_error":
            args = (np.abs(yt), probs)
        else:
            args = (yt, yp)
        funcs[n] = {
            "name": fn.__name__,
            "is_loss": fn is getattr(keras.losses, n, None),
            "value": _list(fn(*args)),
        }
    metrics["functions"] = funcs
    metrics["probs"] = probs.tolist()

    # compile(metrics=[function]) names in History
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((5,)), layers.Dense(5)])
    model.compile(
        optimizer="sgd",
        loss="mse",
        metrics=[km.mean_squared_error, km.pearson_correlation, km.PearsonCorrelation(),
                 km.ConcordanceCorrelation(), km.log_cosh, km.kl_divergence],
    )  # fmt: skip
    hist = model.fit(yt, yp, epochs=1, verbose=0)
    metrics["history_keys"] = sorted(hist.history)

    # -- losses ------------------------------------------------------------------
    from keras import losses as kl

    gce_labels = np.array([0, 3, 1, 4, 2], "float32")
    gce_probs = _r(rng.dirichlet(np.ones(5), 5)).astype("float32")
    gce = {"y_true": gce_labels.tolist(), "y_pred": gce_probs.tolist(), "cases": []}
    for q in (0.5, 0.2, 0.9):
        fn = kl.CategoricalGeneralizedCrossEntropy(q=q)
        val = fn(gce_labels, gce_probs)
        grad = jax.grad(lambda p, fn=fn: fn(gce_labels, p))(gce_probs)
        gce["cases"].append(
            {
                "q": q,
                "per_sample": _list(kl.categorical_generalized_cross_entropy(
                    gce_labels, gce_probs, q=q)),
                "value": float(val),
                "grad": _list(grad),
            }
        )  # fmt: skip
    configs["CategoricalGeneralizedCrossEntropy"] = kl.CategoricalGeneralizedCrossEntropy(
        q=0.3
    ).get_config()

    # CTC: labels 1.. (0 is the blank and the padding), logits (batch, steps, classes)
    ctc = {"cases": []}
    for name, labels, steps, classes in [
        ("basic", [[1, 2, 3, 0], [2, 2, 0, 0], [3, 1, 3, 1], [1, 0, 0, 0]], 7, 4),
        ("repeats", [[1, 1, 1], [2, 3, 3]], 6, 5),
        ("impossible", [[1, 1, 1], [2, 0, 0]], 3, 3),  # 1,1,1 needs 5 steps
        ("empty_label", [[0, 0], [1, 0]], 4, 3),
    ]:
        y_true = np.array(labels, "int32")
        logits = _r(rng.normal(0, 2, (len(labels), steps, classes))).astype("float32")
        fn = kl.CTC()
        per_seq = kl.ctc(y_true, logits)
        grad = jax.grad(lambda z, fn=fn, y=y_true: fn(y, z))(logits)
        ctc["cases"].append(
            {
                "name": name,
                "y_true": y_true.tolist(),
                "y_pred": logits.tolist(),
                "per_sample": _list(per_seq),
                "value": float(fn(y_true, logits)),
                "grad": _list(grad),
            }
        )
    configs["CTC"] = kl.CTC().get_config()

    # -- regularizers ------------------------------------------------------------
    from keras import regularizers as kr

    w = _r(rng.normal(0, 1, (4, 6))).astype("float32")
    orth = {"w": w.tolist(), "cases": []}
    for factor, mode in ((0.01, "rows"), (0.5, "columns"), (2.0, "rows")):
        reg = kr.OrthogonalRegularizer(factor=factor, mode=mode)
        orth["cases"].append(
            {
                "factor": factor,
                "mode": mode,
                "value": float(reg(jax.numpy.asarray(w))),  # (Keras's NumPy path is buggy)
                "grad": _list(jax.grad(lambda v, reg=reg: reg(v))(w)),
                "config": reg.get_config(),
            }
        )

    # -- optimizers: several steps on fixed variables and gradients ---------------------
    def run_optimizer(make, shapes, names, steps=4):
        variables = [
            keras.Variable(_r(rng.normal(0, 1, shape)).astype("float32"), name=name)
            for shape, name in zip(shapes, names)
        ]
        init = [np.asarray(v).tolist() for v in variables]
        opt = make()
        grads_all, after = [], []
        for _ in range(steps):
            grads = [_r(rng.normal(0, 1, shape)).astype("float32") for shape in shapes]
            opt.apply(grads, variables)
            grads_all.append([g.tolist() for g in grads])
            after.append([_list(v) for v in variables])
        return {
            "names": names,
            "init": init,
            "grads": grads_all,
            "after": after,
            "opt_variables": [v.path for v in opt.variables],
            "opt_values": [_list(v) for v in opt.variables],
            "config": opt.get_config(),
        }

    from keras import optimizers as ko

    muon_shapes = [(6, 3), (3, 5), (3,), (4, 3), (3, 3), (2, 2, 3)]
    muon_names = ["w_tall", "w_wide", "bias", "embedding_table", "skip_me", "conv"]
    optim = {
        "muon_default": run_optimizer(lambda: ko.Muon(), muon_shapes, muon_names),
        "muon_custom": run_optimizer(
            lambda: ko.Muon(
                learning_rate=0.02,
                adam_lr_ratio=0.5,
                weight_decay=0.1,
                adam_weight_decay=0.05,
                nesterov=False,
                exclude_layers=["skip"],
                exclude_embeddings=False,
                ns_steps=3,
                rms_rate=None,
                momentum=0.9,
            ),
            muon_shapes,
            muon_names,
        ),
        "sfadamw_default": run_optimizer(
            lambda: ko.ScheduleFreeAdamW(), [(3, 2), (4,)], ["kernel", "bias"]
        ),
        "sfadamw_custom": run_optimizer(
            lambda: ko.ScheduleFreeAdamW(
                learning_rate=0.05, beta_1=0.8, beta_2=0.99, warmup_steps=3, weight_decay=0.1
            ),
            [(3, 2), (4,)],
            ["kernel", "bias"],
        ),
    }

    result = {
        "optimizers": optim,
        "layers": cases,
        "spectral_fit": spectral_fit,
        "spatial_dropout_3d": spatial3d,
        "configs": configs,
        "metrics": metrics,
        "gce": gce,
        "ctc": ctc,
        "orthogonal": orth,
    }
    OUT.write_text(json.dumps(_json(result)))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()

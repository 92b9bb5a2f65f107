"""Golden values for more Keras 3 layers, produced by real Keras 3 (JAX backend).

Run with Keras installed, e.g.:
    KERAS_BACKEND=jax python scripts/goldens/make_more_layers.py
Writes tests/goldens/more_layers.json:
- eager: per layer and config, the input, the weights, Keras's output (inference mode),
  and the gradients (jax.grad of `sum(output * r)`) w.r.t. the input and each trainable
  weight, through `stateless_call`;
- shapes: `compute_output_shape` of symbolic calls;
- configs: `get_config()` of each layer (LayerNormalization before and after `build`);
- models: small models trained 2 steps by `fit` (SGD, no shuffling) from fixed weights:
  the losses and the weights after;
- embedding_lookup: what Keras's Embedding gives for float (truncated) indices.
"""

import json
import pathlib

import numpy as np

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens" / "more_layers.json"


def _r(a, decimals=4):
    return np.asarray(a, "float64").round(decimals)


def _list(a):
    return np.asarray(a, "float64").tolist()


def main():
    import jax
    import keras
    from keras import layers

    assert keras.backend.backend() == "jax", "run with KERAS_BACKEND=jax"
    rng = np.random.default_rng(23)

    def eager(name, cls, kwargs, x_shape, integers=None, weights="random", input_grad=True):
        layer = getattr(layers, cls)(**kwargs)
        if integers is not None:
            x = rng.integers(0, integers, x_shape).astype("int32")
        else:
            x = _r(rng.normal(0.5, 1.5, x_shape)).astype("float32")
            if cls == "UnitNormalization":
                x[0] = 0.0  # an all-zero row: the norm is clamped
        layer.build(x.shape)
        ws = []
        if weights == "random":
            ws = [_r(rng.normal(0.5, 0.5, w.shape)) for w in layer.weights]
            layer.set_weights([w.astype("float32") for w in ws])
        out = layer(x)
        r = _r(rng.normal(0, 1, out.shape)).astype("float32")
        tv = [v.value for v in layer.trainable_variables]
        ntv = [v.value for v in layer.non_trainable_variables]

        def f(tv, x):
            y, _ = layer.stateless_call(tv, ntv, x)
            return (y * r).sum()

        if input_grad:
            gw, gx = jax.grad(f, argnums=(0, 1))(tv, x)
            gx = _list(gx)
        else:
            gw, gx = jax.grad(f)(tv, x), None
        return {
            "name": name,
            "class": cls,
            "kwargs": kwargs,
            "x": x.tolist(),
            "weights": [w.tolist() for w in ws],
            "output": _list(out),
            "r": _list(r),
            "grad_x": gx,
            "grad_weights": [_list(g) for g in gw],
            "losses": [float(v) for v in layer.losses],
        }

    cases = [
        eager("ln_default", "LayerNormalization", {}, (4, 6)),
        eager("ln_axis_12", "LayerNormalization", {"axis": [1, 2]}, (3, 4, 5)),
        eager("ln_axis_1_of_3d", "LayerNormalization", {"axis": 1}, (3, 4, 5)),
        eager("ln_axis_neg", "LayerNormalization", {"axis": [-2, -1]}, (2, 3, 4)),
        eager("ln_no_center", "LayerNormalization", {"center": False}, (4, 6)),
        eager("ln_no_scale", "LayerNormalization", {"scale": False, "epsilon": 0.1}, (4, 6)),
        eager("ln_plain", "LayerNormalization", {"scale": False, "center": False}, (3, 5)),
        eager("ln_rms", "LayerNormalization", {"rms_scaling": True}, (4, 6)),
        eager("ln_rms_3d", "LayerNormalization", {"rms_scaling": True, "axis": [1, 2]}, (2, 3, 4)),
        eager("ln_eps_big", "LayerNormalization", {"epsilon": 0.5}, (3, 4)),
        eager("unit_default", "UnitNormalization", {}, (4, 5)),
        eager("unit_axis_12", "UnitNormalization", {"axis": [1, 2]}, (3, 2, 4)),
        eager("unit_axis_1", "UnitNormalization", {"axis": 1}, (3, 4, 2)),
        eager("rescaling_255", "Rescaling", {"scale": 1 / 255.0}, (3, 4)),
        eager("rescaling_offset", "Rescaling", {"scale": 2.5, "offset": -1.0}, (2, 3, 4)),
        eager(
            "rescaling_per_channel",
            "Rescaling",
            {"scale": [0.5, 1.0, 2.0], "offset": [1.0, 0.0, -1.0]},
            (2, 4, 3),
        ),
        eager("permute_21", "Permute", {"dims": [2, 1]}, (2, 3, 4)),
        eager("permute_312", "Permute", {"dims": [3, 1, 2]}, (2, 3, 4, 2)),
        eager("repeat_vector", "RepeatVector", {"n": 3}, (2, 4)),
        eager("identity", "Identity", {}, (3, 4)),
        eager("activity_reg", "ActivityRegularization", {"l1": 0.01, "l2": 0.02}, (3, 4)),
        eager(
            "embedding",
            "Embedding",
            {"input_dim": 6, "output_dim": 3},
            (4, 5),
            integers=6,
            input_grad=False,
        ),
        eager(
            "embedding_3d",
            "Embedding",
            {"input_dim": 4, "output_dim": 2},
            (2, 3, 2),
            integers=4,
            input_grad=False,
        ),
        eager("gaussian_noise", "GaussianNoise", {"stddev": 0.5}, (3, 4)),
        eager("gaussian_dropout", "GaussianDropout", {"rate": 0.4}, (3, 4)),
        eager("alpha_dropout", "AlphaDropout", {"rate": 0.3}, (3, 4)),
        eager("spatial_dropout_1d", "SpatialDropout1D", {"rate": 0.5}, (2, 3, 4)),
        eager("spatial_dropout_2d", "SpatialDropout2D", {"rate": 0.5}, (2, 3, 3, 2)),
    ]

    def symbolic(cls, kwargs, shape, dtype="float32"):
        layer = getattr(layers, cls)(**kwargs)
        out = layer(keras.Input(batch_shape=tuple(shape), dtype=dtype))
        return {"class": cls, "kwargs": kwargs, "input": list(shape), "output": list(out.shape)}

    shapes = [
        symbolic("Permute", {"dims": [2, 1]}, [None, 3, 4]),
        symbolic("Permute", {"dims": [3, 1, 2]}, [None, 2, 3, 4]),
        symbolic("RepeatVector", {"n": 3}, [None, 5]),
        symbolic("Embedding", {"input_dim": 10, "output_dim": 4}, [None, 7], "int32"),
        symbolic("Embedding", {"input_dim": 10, "output_dim": 4}, [None, 2, 3], "int32"),
        symbolic("LayerNormalization", {"axis": [1, 2]}, [None, 3, 4]),
        symbolic("UnitNormalization", {"axis": 1}, [None, 3, 4]),
        symbolic("Rescaling", {"scale": 0.5}, [None, 3]),
        symbolic("SpatialDropout1D", {"rate": 0.2}, [None, 3, 4]),
        symbolic(
            "SpatialDropout2D", {"rate": 0.2, "data_format": "channels_first"}, [None, 3, 4, 5]
        ),
        symbolic("GaussianNoise", {"stddev": 0.2}, [None, 3]),
        symbolic("Identity", {}, [None, 3, 2]),
    ]
    lam = layers.Lambda(lambda x: x[:, :2] * 2.0)
    shapes.append(
        {
            "class": "Lambda",
            "kind": "slice",
            "input": [None, 5],
            "output": list(lam(keras.Input((5,))).shape),
        }
    )
    lam = layers.Lambda(lambda x: x * 2.0, output_shape=(3,))
    shapes.append(
        {
            "class": "Lambda",
            "kind": "output_shape",
            "input": [None, 5],
            "output": list(lam(keras.Input((5,))).shape),
        }
    )

    def sq(x):
        return x**2

    configs = {
        "LayerNormalization": layers.LayerNormalization(name="m").get_config(),
        "LayerNormalization_full": layers.LayerNormalization(
            axis=[2, 1],
            epsilon=0.01,
            center=False,
            gamma_initializer="random_normal",
            gamma_regularizer="l2",
            beta_constraint="non_neg",
            name="m",
        ).get_config(),
        "UnitNormalization": layers.UnitNormalization(axis=[1, 2], name="m").get_config(),
        "Rescaling": layers.Rescaling(1 / 255.0, name="m").get_config(),
        "Rescaling_list": layers.Rescaling([0.5, 1.0], offset=-1.0, name="m").get_config(),
        "Permute": layers.Permute((2, 1), name="m").get_config(),
        "RepeatVector": layers.RepeatVector(3, name="m").get_config(),
        "Identity": layers.Identity(name="m").get_config(),
        "ActivityRegularization": layers.ActivityRegularization(0.1, 0.2, name="m").get_config(),
        "Embedding": layers.Embedding(10, 3, name="m").get_config(),
        "Embedding_full": layers.Embedding(
            10,
            3,
            embeddings_initializer="glorot_uniform",
            embeddings_regularizer="l1",
            embeddings_constraint="unit_norm",
            activity_regularizer="l2",
            name="m",
        ).get_config(),
        "GaussianNoise": layers.GaussianNoise(0.1, seed=3, name="m").get_config(),
        "GaussianDropout": layers.GaussianDropout(0.2, name="m").get_config(),
        "AlphaDropout": layers.AlphaDropout(
            0.1, noise_shape=(None, 1), seed=5, name="m"
        ).get_config(),
        "SpatialDropout1D": layers.SpatialDropout1D(0.3, name="m").get_config(),
        "SpatialDropout2D": layers.SpatialDropout2D(
            0.3, data_format="channels_first", seed=2, name="m"
        ).get_config(),
        "Lambda_named": layers.Lambda(sq, name="m").get_config(),
        "Lambda_output_shape": layers.Lambda(
            sq, output_shape=(3,), arguments={"k": 2}, name="m"
        ).get_config(),
    }
    ln = layers.LayerNormalization(axis=[2, 1], name="m")
    ln.build((None, 3, 4))
    configs["LayerNormalization_built"] = ln.get_config()
    lam_cfg = layers.Lambda(lambda x: x + 1.0, name="m").get_config()
    configs["Lambda_lambda_function_keys"] = sorted(lam_cfg["function"]["config"])
    configs["Lambda_lambda_class_name"] = lam_cfg["function"]["class_name"]

    def set_seeded(model, seed):
        r = np.random.default_rng(seed)
        ws = [_r(r.normal(0, 0.5, w.shape)) for w in model.weights]
        model.set_weights([w.astype("float32") for w in ws])
        return [w.tolist() for w in ws]

    def train(name, model, x, y, loss, seed):
        weights = set_seeded(model, seed)
        before = model.predict(x, verbose=0)
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=loss)
        hist = model.fit(x, y, batch_size=len(x) // 2, epochs=1, shuffle=False, verbose=0)
        return {
            "name": name,
            "weights": weights,
            "x": np.asarray(x).tolist(),
            "y": np.asarray(y).tolist(),
            "predict_before": _list(before),
            "loss": float(hist.history["loss"][-1]),
            "weights_after": [_list(w) for w in model.get_weights()],
            "predict_after": _list(model.predict(x, verbose=0)),
        }

    models = []
    inp = keras.Input((5,), dtype="int32")
    h = layers.Embedding(10, 4)(inp)
    h = layers.Flatten()(h)
    out = layers.Dense(3, activation="softmax")(h)
    x = rng.integers(0, 10, (8, 5)).astype("int32")
    x[0, :3] = 7  # repeated indices: the scatter-add sums them
    y = rng.integers(0, 3, (8,))
    models.append(
        train(
            "embedding_flatten_dense",
            keras.Model(inp, out),
            x,
            y,
            "sparse_categorical_crossentropy",
            1,
        )
    )

    inp = keras.Input((6,))
    h = layers.Dense(8)(inp)
    h = layers.LayerNormalization()(h)
    h = layers.ActivityRegularization(l1=0.01, l2=0.02)(h)
    h = layers.Dense(8, activation="relu")(h)
    h = layers.LayerNormalization(center=False, epsilon=0.01)(h)
    out = layers.Dense(2)(h)
    x = _r(rng.normal(0, 1, (8, 6))).astype("float32")
    y = _r(rng.normal(0, 1, (8, 2))).astype("float32")
    models.append(train("layernorm_mlp", keras.Model(inp, out), x, y, "mse", 2))

    inp = keras.Input((4, 3))
    h = layers.Rescaling(0.5, offset=0.1)(inp)
    h = layers.Permute((2, 1))(h)
    h = layers.LayerNormalization(axis=[1, 2])(h)
    h = layers.Dense(5)(h)
    h = layers.UnitNormalization()(h)
    h = layers.Flatten()(h)
    h = layers.RepeatVector(2)(h)
    h = layers.Identity()(h)
    h = layers.Flatten()(h)
    out = layers.Dense(2)(h)
    x = _r(rng.normal(0, 1, (8, 4, 3))).astype("float32")
    y = _r(rng.normal(0, 1, (8, 2))).astype("float32")
    models.append(train("reshaping_mix", keras.Model(inp, out), x, y, "mse", 3))

    inp = keras.Input((4,))
    h = layers.Lambda(lambda t: t * 2.0 + 1.0)(inp)
    out = layers.Dense(3)(h)
    x = _r(rng.normal(0, 1, (8, 4))).astype("float32")
    y = _r(rng.normal(0, 1, (8, 3))).astype("float32")
    models.append(train("lambda_first", keras.Model(inp, out), x, y, "mse", 4))

    emb = layers.Embedding(5, 2)
    emb.build(None)
    table = _r(rng.normal(0, 1, (5, 2)))
    emb.set_weights([table.astype("float32")])
    idx = np.array([[0.5, 2.7, -0.5, 4.0]], "float32")
    lookup = {"table": table.tolist(), "x": idx.tolist(), "output": _list(emb(idx))}

    OUT.write_text(
        json.dumps(
            {
                "keras_version": keras.__version__,
                "eager": cases,
                "shapes": shapes,
                "configs": configs,
                "models": models,
                "embedding_lookup": lookup,
            },
            default=lambda o: list(o) if isinstance(o, tuple) else str(o),
        )
    )
    print("wrote", OUT, OUT.stat().st_size, "bytes")


if __name__ == "__main__":
    main()

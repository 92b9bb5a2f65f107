"""Golden values for BatchNormalization, produced by real Keras 3.

Run with Keras installed (any backend), e.g.:
    KERAS_BACKEND=jax python scripts/goldens/make_batch_normalization.py
Writes tests/goldens/batch_normalization.json:
- eager calls in training and inference mode, and the moving statistics after;
- models: predict, then one SGD `train_on_batch` (the weights and moving statistics after:
  the backward pass through the batch statistics), then predict again;
- the classic GAN with BatchNormalization in both nets: one discriminator step and one
  stacked-GAN step (frozen discriminator: inference mode, statistics unchanged);
- configs.
"""

import json
import pathlib

import keras
import numpy as np
from keras import layers

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens" / "batch_normalization.json"


def _r(a):
    return np.asarray(a, "float64").round(4)


def _set_seeded(model, seed):
    """Seeded weights, 4 decimals; variances (moving_variance) kept positive."""
    rng = np.random.default_rng(seed)
    ws = []
    for w in model.weights:
        v = rng.normal(0, 0.5, w.shape)
        if w.name == "moving_variance":
            v = np.abs(v) + 0.5
        ws.append(_r(v))
    model.set_weights([w.astype("float32") for w in ws])
    return [w.tolist() for w in ws]


def _weights(model):
    return [np.asarray(w, "float64").tolist() for w in model.get_weights()]


def eager_case(name, kwargs, x_shape, seed):
    layer = layers.BatchNormalization(**kwargs)
    rng = np.random.default_rng(seed)
    x = _r(rng.normal(1.0, 2.0, x_shape)).astype("float32")
    layer.build(x.shape)
    weights = [_r(rng.normal(0, 0.5, w.shape)) for w in layer.weights]
    weights[-1] = np.abs(weights[-1]) + 0.5
    layer.set_weights([w.astype("float32") for w in weights])
    y_train = layer(x, training=True)
    after = _weights(layer)
    y_infer = layer(x, training=False)
    return {
        "name": name,
        "kwargs": kwargs,
        "weights": [w.tolist() for w in weights],
        "x": x.tolist(),
        "y_train": np.asarray(y_train, "float64").tolist(),
        "weights_after": after,
        "y_infer": np.asarray(y_infer, "float64").tolist(),
    }


def model_case(name, input_shape, bn_kwargs, seed):
    model = keras.Sequential(
        [
            keras.Input(shape=input_shape),
            layers.Dense(6),
            layers.BatchNormalization(**bn_kwargs),
            layers.Dense(3, activation="softmax"),
        ]
    )
    weights = _set_seeded(model, seed)
    rng = np.random.default_rng(seed + 100)
    x = _r(rng.normal(0, 1, (8, *input_shape))).astype("float32")
    y = rng.integers(0, 3, (8, *input_shape[:-1]))
    before = model.predict(x, verbose=0)
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.5), loss="sparse_categorical_crossentropy"
    )
    loss = model.train_on_batch(x, y)
    after = model.predict(x, verbose=0)
    return {
        "name": name,
        "input_shape": list(input_shape),
        "bn_kwargs": bn_kwargs,
        "weights": weights,
        "x": x.tolist(),
        "y": y.tolist(),
        "predict_before": np.asarray(before, "float64").tolist(),
        "loss": float(loss),
        "weights_after": _weights(model),
        "predict_after": np.asarray(after, "float64").tolist(),
    }


def gan_case(seed):
    g = keras.Sequential(
        [
            keras.Input(shape=(3,)),
            layers.Dense(4),
            layers.BatchNormalization(momentum=0.8),
            layers.LeakyReLU(0.2),
            layers.Dense(4, activation="tanh"),
        ],
        name="g",
    )
    d = keras.Sequential(
        [
            keras.Input(shape=(4,)),
            layers.Dense(5),
            layers.BatchNormalization(momentum=0.9),
            layers.LeakyReLU(0.2),
            layers.Dense(1, activation="sigmoid"),
        ],
        name="d",
    )
    gw, dw = _set_seeded(g, seed), _set_seeded(d, seed + 1)
    d.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="binary_crossentropy")
    d.trainable = False
    z = keras.Input(shape=(3,))
    gan = keras.Model(z, d(g(z)))
    gan.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="binary_crossentropy")
    rng = np.random.default_rng(seed + 2)
    real = _r(rng.uniform(-1, 1, (6, 4))).astype("float32")
    noise = _r(rng.normal(size=(6, 3))).astype("float32")
    fake = g.predict(noise, verbose=0)
    x = np.concatenate([real, fake])
    y_dis = np.concatenate([np.full((6, 1), 0.9), np.zeros((6, 1))]).astype("float32")
    d.trainable = True  # the tutorial's toggle: what makes D train under Keras 3
    d_loss = d.train_on_batch(x, y_dis)
    d_after_d_step = _weights(d)
    d.trainable = False
    gan_loss = gan.train_on_batch(noise, np.ones((6, 1), "float32"))
    return {
        "g_weights": gw,
        "d_weights": dw,
        "real": real.tolist(),
        "noise": noise.tolist(),
        "fake": np.asarray(fake, "float64").tolist(),
        "d_loss": float(d_loss),
        "d_after_d_step": d_after_d_step,
        "gan_loss": float(gan_loss),
        "g_after_gan_step": _weights(g),
        "d_after_gan_step": _weights(d),
    }


def main():
    eager = [
        eager_case("defaults", {}, (8, 5), 1),
        eager_case("momentum_eps", {"momentum": 0.8, "epsilon": 0.01}, (8, 5), 2),
        eager_case("axis_1_of_3d", {"axis": 1}, (6, 4, 3), 3),
        eager_case("no_center_no_scale", {"center": False, "scale": False}, (7, 4), 4),
    ]
    models = [
        model_case("dense_bn_dense", (4,), {"momentum": 0.9}, 5),
        model_case("dense_bn_3d", (2, 4), {}, 6),
        model_case("no_center_no_scale", (4,), {"center": False, "scale": False}, 7),
    ]
    configs = {
        "default": layers.BatchNormalization(name="bn").get_config(),
        "custom": layers.BatchNormalization(
            axis=1,
            momentum=0.8,
            epsilon=0.01,
            center=False,
            gamma_initializer="he_normal",
            name="bn2",
        ).get_config(),
    }
    OUT.write_text(
        json.dumps(
            {
                "keras_version": keras.__version__,
                "eager": eager,
                "models": models,
                "gan": gan_case(8),
                "configs": configs,
            },
            default=str,
        )
    )
    print("wrote", OUT, OUT.stat().st_size, "bytes")


if __name__ == "__main__":
    main()

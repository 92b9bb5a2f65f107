"""Golden values for the core layers and models, produced by real Keras 3.

Run with Keras installed (any backend), e.g.:
    KERAS_BACKEND=jax python scripts/goldens/make_core.py
Writes tests/goldens/core.json: per case, the weights (seeded), the input, Keras's
predict output, output shapes, parameter counts, and layer configs.
"""

import json
import pathlib

import keras
import numpy as np
from keras import layers

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens" / "core.json"


def rng_weights(model, seed):
    rng = np.random.default_rng(seed)
    # 4 decimals keep the JSON small; the rounded float32 values are what both sides use
    ws = [rng.normal(0, 0.5, w.shape).round(4) for w in model.get_weights()]
    model.set_weights([w.astype("float32") for w in ws])
    return [w.tolist() for w in ws]


def case(name, build, x_shape, seed, batch_size=None):
    model = build()
    weights = rng_weights(model, seed)
    x64 = np.random.default_rng(seed + 1).normal(0, 1, x_shape).round(4)
    x = x64.astype("float32")
    y = model.predict(x, verbose=0, batch_size=batch_size)
    return {
        "name": name,
        "weights": weights,
        "x": x64.tolist(),
        "y": [float(f"{v:.8g}") for v in np.asarray(y, "float64").ravel()],
        "y_shape": list(np.asarray(y).shape),
        "input_shape": list(model.input_shape),
        "output_shape": list(model.output_shape),
        "count_params": int(model.count_params()),
        "layer_params": [int(la.count_params()) for la in model.layers],
        "layer_output_shapes": [list(la.output.shape) for la in model.layers],
    }


def seed_generator():
    # the seed's generator, input_dim 64, reduced widths to keep the file small
    return keras.Sequential(
        [
            keras.Input(shape=(64,)),
            layers.Dense(16, kernel_initializer=keras.initializers.RandomNormal(stddev=0.02)),
            layers.LeakyReLU(0.2),
            layers.Dense(12),
            layers.LeakyReLU(0.2),
            layers.Dense(10, activation="tanh"),
        ]
    )


# Keras 3's named activations, one Dense layer each, in this order. Written to the JSON
# ("activations") so the tests build the same model from one list.
ACTIVATIONS = [
    "relu",
    "sigmoid",
    "tanh",
    "softmax",
    "elu",
    "selu",
    "softplus",
    "softsign",
    "swish",
    "gelu",
    "hard_sigmoid",
    "exponential",
    "leaky_relu",
    "linear",
]


def mlp_every_activation():
    model = keras.Sequential([keras.Input(shape=(5,))])
    for a in ACTIVATIONS:
        model.add(layers.Dense(5, activation=a))
    return model


def dense_3d():
    return keras.Sequential(
        [keras.Input(shape=(7, 6)), layers.Dense(4, activation="relu"), layers.Dense(3)]
    )


def flatten_reshape():
    return keras.Sequential(
        [
            keras.Input(shape=(4, 6)),
            layers.Flatten(),
            layers.Dense(8),
            layers.Reshape((2, -1)),
            layers.Activation("tanh"),
            layers.ReLU(max_value=0.5),
            layers.Dropout(0.3),
            layers.Flatten(),
            layers.Dense(2, activation="softmax"),
        ]
    )


def functional_two_inputs():
    a = keras.Input(shape=(3,), name="a")
    b = keras.Input(shape=(5,), name="b")
    shared = layers.Dense(4, name="shared")
    h = layers.Dense(5, activation="relu")(a)
    out1 = shared(h)
    out2 = layers.Dense(2)(shared(b))
    return keras.Model([a, b], [out1, out2])


def main():
    cases = [
        case("seed_generator", seed_generator, (35, 64), 1),
        case("every_activation", mlp_every_activation, (9, 5), 2),
        case("dense_3d", dense_3d, (5, 7, 6), 3),
        case("flatten_reshape", flatten_reshape, (6, 4, 6), 4),
    ]
    model = functional_two_inputs()
    weights = rng_weights(model, 5)
    xa = np.random.default_rng(6).normal(size=(4, 3)).round(4).astype("float32")
    xb = np.random.default_rng(7).normal(size=(4, 5)).round(4).astype("float32")
    ya, yb = model.predict([xa, xb], verbose=0)
    cases.append(
        {
            "name": "functional_two_inputs",
            "weights": weights,
            "x": [xa.tolist(), xb.tolist()],
            "y": [ya.tolist(), yb.tolist()],
            "count_params": int(model.count_params()),
            "layer_names": [la.name for la in model.layers],
        }
    )
    configs = {
        "Dense": layers.Dense(3, activation="relu", name="d").get_config(),
        "LeakyReLU": layers.LeakyReLU(0.2, name="l").get_config(),
        "Dropout": layers.Dropout(0.3, name="dr").get_config(),
        "Flatten": layers.Flatten(name="f").get_config(),
        "Reshape": layers.Reshape((2, 3), name="r").get_config(),
        "Activation": layers.Activation("tanh", name="a").get_config(),
        "ReLU": layers.ReLU(max_value=6.0, name="re").get_config(),
        "InputLayer": layers.InputLayer(shape=(4,), name="in").get_config(),
    }
    names = {}
    keras.backend.clear_session()
    names["auto"] = [
        layers.Dense(1).name,
        layers.Dense(1).name,
        layers.LeakyReLU().name,
        layers.Dropout(0.1).name,
        keras.Sequential().name,
    ]
    OUT.write_text(
        json.dumps(
            {
                "keras_version": keras.__version__,
                "cases": cases,
                "activations": ACTIVATIONS,
                "configs": configs,
                "names": names,
            },
            default=str,
        )
    )
    print("wrote", OUT, OUT.stat().st_size, "bytes")


if __name__ == "__main__":
    main()

"""Golden values for the training API, produced by real Keras 3 (JAX backend):
fit history of tiny models for 3 epochs with shuffle=False, final weights,
train_on_batch / test_on_batch / evaluate return values.

    KERAS_BACKEND=jax python scripts/goldens/make_training.py
"""

import json
import pathlib

import keras
import numpy as np
from keras import layers

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens" / "training.json"


def weights_for(model, seed):
    rng = np.random.default_rng(seed)
    ws = [rng.normal(0, 0.4, w.shape).astype("float32") for w in model.get_weights()]
    model.set_weights(ws)
    return [w.tolist() for w in ws]


def data(seed, n, d, classes=None):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)).astype("float32")
    if classes is None:
        y = (x[:, :1] + 0.5 * x[:, 1:2] > 0).astype("float32")
    else:
        y = rng.integers(0, classes, size=(n,)).astype("int64")
    return x, y


def run(
    name, model, optimizer, loss, metrics, x, y, seed, batch_size=8, epochs=3, validation_split=0.0
):
    w0 = weights_for(model, seed)
    model.compile(optimizer=optimizer, loss=loss, metrics=metrics)
    hist = model.fit(
        x,
        y,
        batch_size=batch_size,
        epochs=epochs,
        shuffle=False,
        verbose=0,
        validation_split=validation_split,
    )
    ev = model.evaluate(x, y, verbose=0, return_dict=True)
    return {
        "name": name,
        "weights0": w0,
        "x": x.tolist(),
        "y": y.tolist(),
        "history": hist.history,
        "weights": [w.tolist() for w in model.get_weights()],
        "evaluate": ev,
        "batch_size": batch_size,
        "epochs": epochs,
        "validation_split": validation_split,
    }


def main():
    cases = []
    x, y = data(0, 40, 4)
    m = keras.Sequential(
        [
            keras.Input((4,)),
            layers.Dense(6, activation="relu"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    cases.append(
        run(
            "bce_adam",
            m,
            keras.optimizers.Adam(0.01),
            "binary_crossentropy",
            ["accuracy"],
            x,
            y,
            1,
            validation_split=0.25,
        )
    )
    x, y = data(1, 36, 5, classes=3)
    m = keras.Sequential(
        [
            keras.Input((5,)),
            layers.Dense(8, activation="tanh"),
            layers.LeakyReLU(0.2),
            layers.Dense(3, activation="softmax"),
        ]
    )
    cases.append(
        run(
            "scce_sgd_momentum",
            m,
            keras.optimizers.SGD(0.05, momentum=0.9),
            "sparse_categorical_crossentropy",
            ["accuracy"],
            x,
            y,
            2,
            batch_size=10,
        )
    )
    x, y = data(2, 30, 3)
    y = np.concatenate([y, x[:, :1] * 2.0], axis=1).astype("float32")
    m = keras.Sequential([keras.Input((3,)), layers.Dense(5, activation="elu"), layers.Dense(2)])
    cases.append(
        run("mse_rmsprop", m, keras.optimizers.RMSprop(0.01), "mse", ["mae"], x, y, 3, batch_size=7)
    )
    # train_on_batch / test_on_batch on a fresh copy
    x, y = data(3, 16, 4)
    m = keras.Sequential(
        [
            keras.Input((4,)),
            layers.Dense(3, activation="relu"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    w0 = weights_for(m, 4)
    m.compile(
        optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy", metrics=["accuracy"]
    )
    tob = [m.train_on_batch(x, y) for _ in range(3)]
    tes = m.test_on_batch(x, y)
    cases.append(
        {
            "name": "train_on_batch",
            "weights0": w0,
            "x": x.tolist(),
            "y": y.tolist(),
            "train_on_batch": [list(map(float, r)) for r in tob],
            "test_on_batch": list(map(float, tes)),
            "weights": [w.tolist() for w in m.get_weights()],
        }
    )
    OUT.write_text(json.dumps({"keras_version": keras.__version__, "cases": cases}))
    print("wrote", OUT, OUT.stat().st_size, "bytes")


if __name__ == "__main__":
    main()

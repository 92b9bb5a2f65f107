"""Golden values for the classic GAN under real Keras 2 (tf_keras 2.21), the semantics
numkeras follows for `trainable` (captured at compile) and for one optimizer shared by
several models (Keras 2's Adam; Keras 3 cannot share one, and tf_keras 2.11+'s default Adam
refuses variables it was not built on, so this uses `tf_keras.optimizers.legacy.Adam`,
the 2017 optimizer).

Run from the repo root with a Python that has TensorFlow and tf_keras:
    python scripts/goldens/make_keras2_gan.py

Writes tests/goldens/keras2_gan.json: initial weights, data, every step's losses and the
final weights, for one shared Adam and for one Adam per model. Read by
tests/trainers/test_keras2_gan.py.
"""

from __future__ import annotations

import json
import pathlib

import numpy as np
import tf_keras as keras
from tf_keras.layers import Dense, Input, LeakyReLU
from tf_keras.models import Model, Sequential

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens" / "keras2_gan.json"
STEPS, BATCH = 5, 8


def run(shared: bool, rs: np.random.RandomState) -> dict:
    g = Sequential([Dense(8, input_dim=4), LeakyReLU(0.2), Dense(6, activation="tanh")])
    d = Sequential([Dense(8, input_dim=6), LeakyReLU(0.2), Dense(1, activation="sigmoid")])
    weights = {}
    for name, model in (("g", g), ("d", d)):
        ws = [
            rs.normal(0, 0.5 if w.ndim == 2 else 0.1, w.shape).astype("float32")
            for w in model.get_weights()
        ]
        model.set_weights(ws)
        weights[name] = [w.tolist() for w in ws]

    def adam():
        return keras.optimizers.legacy.Adam(learning_rate=2e-4, beta_1=0.5)

    one = adam() if shared else None
    g.compile(loss="binary_crossentropy", optimizer=one or adam())
    d.compile(loss="binary_crossentropy", optimizer=one or adam())
    d.trainable = False  # the 2017 order: frozen inside the GAN, still trained alone
    z = Input(shape=(4,))
    gan = Model(z, d(g(z)))
    gan.compile(loss="binary_crossentropy", optimizer=one or adam())
    noise = rs.normal(0, 1, (STEPS, 2, BATCH, 4)).astype("float32")
    real = np.tanh(rs.normal(0, 1, (STEPS, BATCH, 6))).astype("float32")
    y_dis = np.zeros((2 * BATCH, 1), "float32")
    y_dis[:BATCH] = 0.9
    y_gen = np.ones((BATCH, 1), "float32")
    losses = []
    for step in range(STEPS):
        fake = g.predict(noise[step, 0], verbose=0)
        d_loss = d.train_on_batch(np.concatenate([real[step], fake]), y_dis)
        g_loss = gan.train_on_batch(noise[step, 1], y_gen)
        losses.append([float(d_loss), float(g_loss)])
    return {
        "shared_optimizer": shared,
        "initial": weights,
        "noise": noise.tolist(),
        "real": real.tolist(),
        "losses": losses,
        "final": {
            "g": [w.tolist() for w in g.get_weights()],
            "d": [w.tolist() for w in d.get_weights()],
        },
    }


def main() -> None:
    rs = np.random.RandomState(1234)
    cases = [run(True, rs), run(False, rs)]
    OUT.write_text(json.dumps({"tf_keras_version": keras.__version__, "cases": cases}) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()

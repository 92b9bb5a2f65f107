"""Goldens for numkeras.autodiff.GradientTape: custom `train_step`s trained by Keras 3 on
the torch backend (`loss.backward()`, as Keras's torch GAN examples), and a built-in `fit`.

Run: KERAS_BACKEND=torch /work/kenv/bin/python scripts/goldens/make_tape.py
Writes tests/goldens/tape_train.json: the initial weights (drawn here from NumPy), the
noise-free data, and the weights after training. The noise of each GAN step is drawn from
`np.random.default_rng(step)` in both libraries, so the runs see the same numbers.
"""

from __future__ import annotations

import json
import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

LATENT, DIM = 2, 3
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "goldens", "tape_train.json")


def generator():
    return keras.Sequential(
        [
            keras.Input((LATENT,)),
            keras.layers.Dense(8, use_bias=False),  # (a bias before BN: gradient ~0, noise)
            keras.layers.BatchNormalization(),
            keras.layers.Activation("relu"),
            keras.layers.Dense(DIM),
        ]
    )


def discriminator():
    return keras.Sequential(
        [keras.Input((DIM,)), keras.layers.Dense(8, activation="tanh"), keras.layers.Dense(1)]
    )


def regressor():
    return keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(4, activation="tanh"), keras.layers.Dense(1)]
    )


def draw_weights(model, rng) -> list:
    """Initial weights from `rng` (BatchNormalization's keep their initial values)."""
    out = []
    for v in model.weights:
        if "moving" in v.path or "gamma" in v.path or "beta" in v.path:
            out.append(np.asarray(v.numpy(), "float32"))
        else:
            out.append(rng.normal(0.0, 0.5, size=tuple(v.shape)).astype("float32"))
    model.set_weights(out)
    return out


class GAN(keras.Model):
    def __init__(self, g, d):
        super().__init__()
        self.generator, self.discriminator = g, d
        self.steps = 0

    def call(self, x):
        return self.discriminator(x)

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer, self.g_optimizer, self.loss_fn = d_optimizer, g_optimizer, loss_fn

    def train_step(self, data):
        real = data
        rng = np.random.default_rng(self.steps)
        self.steps += 1
        n = real.shape[0]
        ones = keras.ops.ones((n, 1))
        noise = keras.ops.convert_to_tensor(rng.normal(size=(n, LATENT)).astype("float32"))
        self.zero_grad()
        fake = self.generator(noise, training=True)
        d_loss = self.loss_fn(ones, self.discriminator(real, training=True)) + self.loss_fn(
            keras.ops.zeros((n, 1)), self.discriminator(fake, training=True)
        )
        d_loss.backward()
        weights = self.discriminator.trainable_weights
        with torch.no_grad():
            self.d_optimizer.apply([v.value.grad for v in weights], weights)
        noise = keras.ops.convert_to_tensor(rng.normal(size=(n, LATENT)).astype("float32"))
        self.zero_grad()
        pred = self.discriminator(self.generator(noise, training=True), training=True)
        g_loss = self.loss_fn(keras.ops.ones_like(pred), pred)
        g_loss.backward()
        weights = self.generator.trainable_weights
        with torch.no_grad():
            self.g_optimizer.apply([v.value.grad for v in weights], weights)
        return {"d_loss": d_loss, "g_loss": g_loss}


def lists(arrays) -> list:
    return [np.asarray(a, "float64").tolist() for a in arrays]


def main() -> None:
    rng = np.random.default_rng(0)
    real = rng.normal(1.0, 0.5, size=(16, DIM)).astype("float32")
    g, d = generator(), discriminator()
    g0, d0 = draw_weights(g, rng), draw_weights(d, rng)
    gan = GAN(g, d)
    gan.compile(
        keras.optimizers.Adam(1e-2),
        keras.optimizers.Adam(1e-2),
        keras.losses.BinaryCrossentropy(from_logits=True),
    )
    gan.fit(real, batch_size=8, epochs=2, shuffle=False, verbose=0)

    x = rng.normal(size=(12, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")
    reg = regressor()
    r0 = draw_weights(reg, rng)
    reg.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    reg.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)

    out = {
        "real": lists([real])[0],
        "g_initial": lists(g0),
        "d_initial": lists(d0),
        "g_final": lists(g.get_weights()),
        "d_final": lists(d.get_weights()),
        "reg_x": lists([x])[0],
        "reg_y": lists([y])[0],
        "reg_initial": lists(r0),
        "reg_final": lists(reg.get_weights()),
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
    }
    with open(OUT, "w") as f:
        json.dump(out, f)
    print("wrote", os.path.normpath(OUT))


if __name__ == "__main__":
    main()

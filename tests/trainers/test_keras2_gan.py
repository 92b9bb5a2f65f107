"""The classic GAN trains as it did under Keras 2 (tests/goldens/keras2_gan.json, from
real tf_keras 2.21 by scripts/goldens/make_keras2_gan.py): D frozen inside the GAN but
trained alone (the trainable state captured at compile), with one Adam shared by the three
models (every update is the optimizer's step `iterations + 1`, so G's first update is
step 2) and with one Adam per model."""

import json
import pathlib
import warnings

import numpy as np
import pytest

from numkeras.layers import Dense, Input, LeakyReLU
from numkeras.models import Model, Sequential
from numkeras.optimizers import Adam

GOLDEN = json.loads((pathlib.Path(__file__).parents[1] / "goldens" / "keras2_gan.json").read_text())


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=["shared_adam", "adam_per_model"])
def test_the_classic_gan_matches_keras_2(case):
    g = Sequential([Dense(8, input_dim=4), LeakyReLU(0.2), Dense(6, activation="tanh")])
    d = Sequential([Dense(8, input_dim=6), LeakyReLU(0.2), Dense(1, activation="sigmoid")])
    g.set_weights([np.array(w, "float32") for w in case["initial"]["g"]])
    d.set_weights([np.array(w, "float32") for w in case["initial"]["d"]])

    def adam():
        return Adam(learning_rate=2e-4, beta_1=0.5)

    one = adam() if case["shared_optimizer"] else None
    g.compile(loss="binary_crossentropy", optimizer=one or adam())
    d.compile(loss="binary_crossentropy", optimizer=one or adam())
    d.trainable = False
    z = Input(shape=(4,))
    gan = Model(z, d(g(z)))
    gan.compile(loss="binary_crossentropy", optimizer=one or adam())
    noise, real = np.array(case["noise"], "float32"), np.array(case["real"], "float32")
    batch = real.shape[1]
    y_dis = np.zeros((2 * batch, 1), "float32")
    y_dis[:batch] = 0.9
    y_gen = np.ones((batch, 1), "float32")
    losses = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the trainable-rule note on d's frozen flag
        for step in range(len(real)):
            fake = g.predict(noise[step, 0], verbose=0)
            d_loss = d.train_on_batch(np.concatenate([real[step], fake]), y_dis)
            g_loss = gan.train_on_batch(noise[step, 1], y_gen)
            losses.append([d_loss, g_loss])
    np.testing.assert_allclose(losses, case["losses"], rtol=1e-5)
    for model, key in ((g, "g"), (d, "d")):
        for got, want in zip(model.get_weights(), case["final"][key]):
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    if one is not None:
        assert one.iterations == 2 * len(real)  # one step per train_on_batch, as Keras 2

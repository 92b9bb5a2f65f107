"""keras.io's VAE `Sampling` layer and a small encoder-decoder around it, shared by
`scripts/goldens/make_random.py` (run with real Keras 3) and the tests (with numkeras):
`define(K)` builds them from the module `K` (`keras` or `numkeras`), so both sides run
the same source."""

from __future__ import annotations


def define(K) -> dict:
    ops, layers = K.ops, K.layers

    class Sampling(layers.Layer):
        """Uses (z_mean, z_log_var) to sample z, the vector encoding a digit (keras.io's
        "Variational AutoEncoder" example, verbatim)."""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.seed_generator = K.random.SeedGenerator(1337)

        def call(self, inputs):
            z_mean, z_log_var = inputs
            batch = ops.shape(z_mean)[0]
            dim = ops.shape(z_mean)[1]
            epsilon = K.random.normal(shape=(batch, dim), seed=self.seed_generator)
            return z_mean + ops.exp(0.5 * z_log_var) * epsilon

    def sampling_model():
        """Input(4) -> Dense(2) (z_mean), Dense(2) (z_log_var) -> Sampling -> Dense(4)."""
        x = K.Input(shape=(4,))
        z_mean = layers.Dense(2, name="z_mean")(x)
        z_log_var = layers.Dense(2, name="z_log_var")(x)
        z = Sampling(name="z")([z_mean, z_log_var])
        return K.Model(x, layers.Dense(4, name="decoder")(z))

    return {"Sampling": Sampling, "sampling_model": sampling_model}

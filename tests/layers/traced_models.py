"""Layers, losses and models written the Keras way (only `call`, with `ops`), shared by
`scripts/goldens/make_traced.py` (run with real Keras 3) and the tests (with numkeras):
`define(K)` builds them from the module `K` (`keras` or `numkeras`), so both sides run
the same source. numkeras trains them by tracing their `call` (numkeras.ops.trace)."""

from __future__ import annotations


def define(K) -> dict:
    ops, layers = K.ops, K.layers

    class Linear(layers.Layer):
        """keras.io's "Making new layers via subclassing" example, with a tanh."""

        def __init__(self, units=3, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(
                shape=(input_shape[-1], self.units), initializer="random_normal"
            )
            self.b = self.add_weight(shape=(self.units,), initializer="random_normal")

        def call(self, inputs):
            return ops.tanh(ops.matmul(inputs, self.w) + self.b) * 2.0

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    class Block(layers.Layer):
        """Sublayers held as attributes, a skip connection and a slice."""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.d1 = layers.Dense(5, activation="relu")
            self.lin = Linear(3)

        def call(self, x):
            return self.lin(self.d1(x)) + x[:, :3]

    class Gate(layers.Layer):
        """A weight used twice, a scalar weight, and weight-only arithmetic."""

        def build(self, input_shape):
            self.g = self.add_weight(shape=(input_shape[-1],), initializer="ones")
            self.s = self.add_weight(shape=(), initializer="ones")

        def call(self, x):
            return ops.sigmoid(x * self.g) * x * ops.square(self.s) + self.g * 0.1

    class DoubledDense(layers.Dense):
        """A built-in's call reached through super()."""

        def call(self, inputs):
            return super().call(inputs) * 2.0 + ops.square(inputs[:, :1])

    class RootMeanSquaredError(K.losses.Loss):
        """A loss written as `call`."""

        def call(self, y_true, y_pred):
            return ops.sqrt(ops.mean(ops.square(y_pred - y_true), axis=-1) + 1e-6)

    def log_cosh_like(y_true, y_pred):
        """A loss function, per sample."""
        d = y_pred - y_true
        return ops.mean(ops.log(ops.exp(d) + ops.exp(-d)) - 0.6931472, axis=-1)

    def wasserstein(y_true, y_pred):
        """A loss function returning a scalar (the WGAN critic's)."""
        return ops.mean(y_true * y_pred)

    class ActivityPenalty(layers.Layer):
        """keras.io's add_loss example: a loss computed in call."""

        def __init__(self, rate=0.1, **kwargs):
            super().__init__(**kwargs)
            self.rate = rate

        def call(self, inputs):
            self.add_loss(self.rate * ops.mean(ops.square(inputs)))
            return inputs

    class WithLoss(K.Model):
        """A subclassed model adding a loss of its internals, as keras.io's VAE adds its KL
        term (without the sampling)."""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.encode = layers.Dense(3, activation="tanh")
            self.decode = layers.Dense(2)

        def call(self, x):
            h = self.encode(x)
            self.add_loss(0.5 * ops.mean(ops.sum(ops.square(h), axis=-1)))
            return self.decode(h)

    def model_added_losses():
        x = K.Input((4,))
        return K.Sequential([x, layers.Dense(3), ActivityPenalty(), layers.Dense(2)])

    def model_with_loss():
        model = WithLoss()
        model.build((None, 4))
        return model

    class Subclassed(K.Model):
        """Keras's subclassing API: layers as attributes, `training` passed to them."""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.hidden = layers.Dense(5, activation="relu")
            self.norm = layers.BatchNormalization()
            self.heads = [layers.Dense(3), Linear(3)]

        def call(self, x, training=False):
            h = self.norm(self.hidden(x), training=training)
            return self.heads[1](self.heads[0](h)) + ops.square(x[:, :3])

    def model_subclassed():
        model = Subclassed()
        model.build((None, 4))
        return model

    def model_custom_layers():
        x = K.Input((4,))
        return K.Sequential([x, Block(), Gate(), DoubledDense(2), layers.Dense(1)])

    def model_activations():
        x = K.Input((4,))
        h = layers.Dense(5, activation=lambda t: ops.tanh(t) * ops.sigmoid(t))(x)
        return K.Model(x, layers.Dense(2, activation=layers.LeakyReLU(0.3))(h))

    def model_group_norm():
        x = K.Input((5, 4))
        h = layers.GroupNormalization(groups=2, epsilon=1e-2)(layers.Dense(4)(x))
        return K.Model(x, layers.Dense(2)(layers.Flatten()(h)))

    def model_lambda():
        x = K.Input((4,))
        h = layers.Dense(3, activation="tanh")(x)
        h = layers.Lambda(lambda t: ops.square(t) * 0.5 + ops.abs(t))(h)
        return K.Model(x, layers.Dense(2)(h))

    return {
        "Linear": Linear,
        "Block": Block,
        "Gate": Gate,
        "DoubledDense": DoubledDense,
        "RootMeanSquaredError": RootMeanSquaredError,
        "log_cosh_like": log_cosh_like,
        "wasserstein": wasserstein,
        "Subclassed": Subclassed,
        "ActivityPenalty": ActivityPenalty,
        "WithLoss": WithLoss,
        "models": {
            "custom_layers": model_custom_layers,
            "lambda": model_lambda,
            "subclassed": model_subclassed,
            "activations": model_activations,
            "added_losses": model_added_losses,
            "with_loss": model_with_loss,
            "group_norm": model_group_norm,
        },
    }


# the sample shape of each model's input (else (4,))
INPUTS = {"group_norm": (5, 4)}

# (model, loss, optimizer) trained for the goldens
CASES = [
    ("custom_layers", "rmse_class", "adam"),
    ("custom_layers", "log_cosh_like", "sgd"),
    ("lambda", "wasserstein", "adam"),
    ("lambda", "mse", "sgd"),
    ("subclassed", "mse", "adam"),
    ("subclassed", "log_cosh_like", "sgd"),
    ("activations", "mse", "adam"),
    ("added_losses", "mse", "sgd"),
    ("with_loss", "mse", "adam"),
    ("group_norm", "mse", "adam"),
]


def make_loss(name: str, defs: dict):
    return {
        "rmse_class": lambda: defs["RootMeanSquaredError"](),
        "log_cosh_like": lambda: defs["log_cosh_like"],
        "wasserstein": lambda: defs["wasserstein"],
        "mse": lambda: "mse",
    }[name]()

"""The critics of tests/autodiff/test_second_order.py, built from the `keras` module given
(numkeras, or Keras 3 in scripts/goldens/make_second_order.py)."""

from __future__ import annotations


def dense_critic(L, Sequential, activation: str):
    return Sequential(
        [
            L.Input((4,)),
            L.Dense(6, activation=activation),
            L.Dense(5, activation="tanh"),
            L.Dense(1),
        ]
    )


def gan_critic(L, Sequential):
    """The seed's 2017 discriminator, small: Dense, LeakyReLU and Dropout."""
    return Sequential(
        [
            L.Input((4,)),
            L.Dense(8),
            L.LeakyReLU(0.2),
            L.Dropout(0.3),
            L.Dense(6),
            L.LeakyReLU(0.2),
            L.Dense(1, activation="sigmoid"),
        ]
    )


def conv_critic(L, Sequential):
    """keras.io's WGAN-GP critic, small: padding, strided convolutions, LeakyReLU, Flatten."""
    return Sequential(
        [
            L.Input((6, 6, 2)),
            L.ZeroPadding2D(1),
            L.Conv2D(3, 3, strides=2, padding="same"),
            L.LeakyReLU(0.2),
            L.Conv2D(4, 3, padding="same", activation="elu"),
            L.Dropout(0.3),
            L.Flatten(),
            L.Dense(1),
        ]
    )


def layer_norm_critic(L, Sequential):
    """The WGAN-GP paper's critic normalization: LayerNormalization, over the features and
    over a convolution's whole output."""
    return Sequential(
        [
            L.Input((5, 5, 2)),
            L.Conv2D(3, 3, padding="same"),
            L.LayerNormalization(axis=[1, 2, 3]),
            L.LeakyReLU(0.2),
            L.Flatten(),
            L.Dense(6),
            L.LayerNormalization(),
            L.Activation("tanh"),
            L.Dense(1),
        ]
    )


def pooling_critic(L, Sequential):
    """Max pooling, strided and global, between convolutions with curved activations."""
    return Sequential(
        [
            L.Input((6, 6, 2)),
            L.Conv2D(3, 3, padding="same", activation="tanh"),
            L.MaxPooling2D(2),
            L.Conv2D(4, 2, activation="softplus"),
            L.GlobalMaxPooling2D(),
            L.Dense(1),
        ]
    )


def pooling_1d_critic(L, Sequential):
    """One-dimensional max pooling with overlapping, padded windows."""
    return Sequential(
        [
            L.Input((9, 2)),
            L.Conv1D(3, 3, activation="sigmoid"),
            L.MaxPooling1D(3, strides=2, padding="same"),
            L.Conv1D(2, 2, activation="tanh"),
            L.GlobalMaxPooling1D(keepdims=True),
            L.Flatten(),
            L.Dense(1),
        ]
    )


def batch_norm_critic(L, Sequential):
    """BatchNormalization on batch statistics (called with training=True): over the batch,
    and over the batch and the image for a convolution's output."""
    return Sequential(
        [
            L.Input((5, 5, 2)),
            L.Conv2D(3, 3, padding="same"),
            L.BatchNormalization(),
            L.Activation("tanh"),
            L.Flatten(),
            L.Dense(6),
            L.BatchNormalization(center=False),
            L.LeakyReLU(0.2),
            L.Dense(1),
        ]
    )


def batch_norm_inference_critic(L, Sequential):
    """BatchNormalization on its moving statistics (training=False): a per-channel scale."""

    def constant(value):
        return {"class_name": "Constant", "config": {"value": value}}

    return Sequential(
        [
            L.Input((4,)),
            L.Dense(6, activation="tanh"),
            L.BatchNormalization(
                moving_mean_initializer=constant(0.3), moving_variance_initializer=constant(2.5)
            ),
            L.Dense(1),
        ]
    )


def softmax_critic(L, Sequential):
    """Softmax layers (over the features, and over two axes), UnitNormalization and PReLU."""
    return Sequential(
        [
            L.Input((4,)),
            L.Dense(6),
            L.Reshape((2, 3)),
            L.Softmax(axis=[1, 2]),
            L.Flatten(),
            L.Dense(4, activation="tanh"),
            L.UnitNormalization(),
            L.Dense(3),
            L.Activation("softmax"),
            L.Dense(4),
            L.PReLU(alpha_initializer={"class_name": "Constant", "config": {"value": 0.3}}),
            L.Dense(1),
        ]
    )


def conditional_critic(L, Model):
    """A conditional critic: the image's features concatenated with a label's embedding
    (the penalty differentiates with respect to the image only; the label branch is
    off the tangent's path, but its weights get curvature terms)."""
    image = L.Input((4,))
    label = L.Input((1,), dtype="int32")
    embedded = L.Flatten()(L.Embedding(3, 2)(label))
    features = L.Dense(5, activation="tanh")(image)
    h = L.Concatenate()([embedded, features])
    h = L.Dense(4, activation="softplus")(h)
    return Model([image, label], L.Dense(1)(h))


# the labels given to the conditional critic beside its images (5 rows)
LABELS = [[0], [2], [1], [1], [0]]


def critic_inputs(name: str, x):
    """What critic `name` is called on for the images `x`."""
    if name == "conditional":
        import numpy as np

        return [x, np.asarray(LABELS, "int32")]
    return x


def functional_critic(L, Model):
    inputs = L.Input((4,))
    a = L.Dense(5, activation="softplus")(inputs)
    b = L.Dense(5, activation="silu")(inputs)
    merged = L.Concatenate()([L.Add()([a, b]), L.Activation("sigmoid")(a)])
    return Model(inputs, L.Dense(1)(merged))


def subclassed_critic(keras):
    """A critic written the Keras way: layers and `keras.ops` in its own `call` (recorded
    call by call: residual sums, an op activation, a matmul with its own weight)."""
    ops = keras.ops

    class Critic(keras.Model):
        def __init__(self):
            super().__init__()
            self.d1 = keras.layers.Dense(5, activation="tanh")
            self.d2 = keras.layers.Dense(5)
            self.w = self.add_weight(shape=(5, 1), initializer="ones", name="w")

        def call(self, x, training=False):
            h = self.d1(x)
            h = h + 0.5 * self.d2(h)
            h = ops.silu(h) * 2.0 - ops.gelu(h)
            return ops.matmul(h, self.w) + ops.sum(x, axis=-1, keepdims=True) * 0.1

    model = Critic()
    model(ops.zeros((1, 4)))
    return model


def attention_critic(keras):
    """A critic of products of two values that both depend on the input (self-attention's
    `q k^T` and `att v`, a square), `ops.softmax`, a minibatch standard deviation (StyleGAN's
    critic feature) and other elementwise ops."""
    ops = keras.ops
    layers = keras.layers

    class Critic(keras.Model):
        def __init__(self):
            super().__init__()
            self.q = layers.Dense(4)
            self.k = layers.Dense(4)
            self.v = layers.Dense(4)
            self.score = layers.Dense(1)

        def call(self, x, training=False):
            q, k, v = self.q(x), self.k(x), self.v(x)
            att = ops.softmax(ops.matmul(q, ops.transpose(k, (0, 2, 1))) * 0.5, axis=-1)
            h = ops.matmul(att, v) + x
            centered = h - ops.mean(h, axis=0, keepdims=True)
            std = ops.sqrt(ops.mean(ops.square(centered), axis=0) + 0.1)  # (steps, features)
            h = ops.concatenate([h, ops.ones_like(h[..., :1]) * ops.mean(std)], axis=-1)
            h = ops.log(1.0 + ops.exp(h)) - 0.1 * ops.abs(h) + ops.sin(h) * h**2 * 0.05
            pooled = ops.mean(h * ops.softsign(h), axis=1)
            return self.score(pooled / ops.sqrt(ops.sum(pooled * pooled, axis=-1, keepdims=True)))

    model = Critic()
    model(ops.zeros((2, 3, 4)))
    return model


# the input shape of the subclassed critics (without the batch axis)
INPUT_SHAPES = {"subclassed": (4,), "attention": (3, 4)}


def ordered_weights(model) -> list:
    """The trainable weights in one order on both sides (a subclassed model's own weight
    may be listed first or last)."""
    if hasattr(model, "d1"):
        return [model.d1.kernel, model.d1.bias, model.d2.kernel, model.d2.bias, model.w]
    if hasattr(model, "score"):
        return [w for layer in (model.q, model.k, model.v, model.score) for w in layer.weights]
    return list(model.trainable_weights)


# the critics called with training=True (batch statistics)
TRAINING = frozenset({"batch_norm"})

ACTIVATIONS = (
    *("tanh", "sigmoid", "softplus", "silu", "gelu", "elu", "selu", "relu", "linear"),
    *("softsign", "exponential", "log_sigmoid"),
)


def critics(keras) -> dict:
    L, Sequential, Model = keras.layers, keras.Sequential, keras.Model
    found = {f"dense_{a}": dense_critic(L, Sequential, a) for a in ACTIVATIONS}
    found["gan"] = gan_critic(L, Sequential)
    found["conv"] = conv_critic(L, Sequential)
    found["layer_norm"] = layer_norm_critic(L, Sequential)
    found["pooling"] = pooling_critic(L, Sequential)
    found["pooling_1d"] = pooling_1d_critic(L, Sequential)
    found["batch_norm"] = batch_norm_critic(L, Sequential)
    found["batch_norm_inference"] = batch_norm_inference_critic(L, Sequential)
    found["functional"] = functional_critic(L, Model)
    found["conditional"] = conditional_critic(L, Model)
    found["softmax"] = softmax_critic(L, Sequential)
    found["subclassed"] = subclassed_critic(keras)
    found["attention"] = attention_critic(keras)
    return found

"""Goldens for tests/examples/test_keras_io_guides.py: keras.io's developer guides
(keras-team/keras-io, guides/) and keras_recipes / examples not covered by
make_keras_io_examples.py, each as a Keras 3 user runs it (the code as written, the imports
aside) at a reduced size, on synthetic data, with trainable weights drawn from a fixed RNG
after building, dropout rates set to 0 (the only changes, each noted where made).

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the
test) returning JSON-able values: shapes, predictions, histories, `summary()` text,
configs, errors (the built-in exception type) and save / load round trips.

Run (Keras 3.15.1 on JAX, then on torch for the scenarios JAX cannot run; optionally only
the scenarios named):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_keras_io_guides.py
    KERAS_BACKEND=torch /work/kenv/bin/python scripts/goldens/make_keras_io_guides.py
    KERAS_BACKEND=tensorflow /work/tfenv/bin/python scripts/goldens/make_keras_io_guides.py
"""

# (the guides' code as written: its unused results, loop names and open modes kept)
# ruff: noqa: F841, UP015, B007

from __future__ import annotations

import json
import os
import pathlib
import sys
import tempfile
import zipfile

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "keras_io_guides.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario
# (its goldens come from Keras's torch backend: JAX cannot run it)
torch_scenario = SCENARIOS.scenario_on("torch")
# (from Keras's TensorFlow backend: Keras 3's TextVectorization needs TensorFlow)
tf_scenario = SCENARIOS.scenario_on("tensorflow")

BOX = "┏┓┗┛┃━┡┩╇┳┻┯┷│─├┤┼└┘┌┐┬┴ "


def _summary(model):
    """`summary()`'s lines with text (the rules left out, runs of spaces as one)."""
    lines = []
    model.summary(print_fn=lambda s, **kw: lines.append(s))
    rows = [" ".join(line.split()) for line in "\n".join(lines).splitlines()]
    return [row for row in rows if row.strip(BOX)]


def _init(model, seed=0):
    """Every trainable weight drawn from one RNG, in `trainable_weights` order (Keras's)."""
    rng = np.random.default_rng(seed)
    for w in model.trainable_weights:
        shape = tuple(w.shape)
        if w.path.endswith(("bias", "beta")):
            value = rng.normal(0.0, 0.05, shape)
        elif w.path.endswith("gamma"):
            value = rng.uniform(0.8, 1.2, shape)
        else:
            fan_in = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
            value = rng.normal(0.0, 1.0 / np.sqrt(max(fan_in, 1)), shape)
        w.assign(value.astype("float32"))


def _f(x, digits=6):
    return np.round(np.asarray(x, dtype="float64"), digits).tolist()


def _hist(history):
    return {k: _f(v) for k, v in sorted(history.history.items())}


def _shapes(xs):
    return [list(np.shape(x)) for x in xs]


def _np(keras, x):
    return np.asarray(keras.ops.convert_to_numpy(x))


def _jsonable(obj):
    """A config with NumPy scalars / tuples made JSON values, and the `module` of a class
    or function defined here written "<user>" (Keras writes None for `__main__`'s, where
    the goldens' run defines them; the test's module is this file's)."""
    obj = json.loads(json.dumps(obj, default=lambda o: np.asarray(o).tolist()))

    def scrub(o):
        if isinstance(o, dict):
            return {  # (and Keras's ids of objects a config shares, left out)
                k: "<user>" if k == "module" and _user_module(v) else scrub(v)
                for k, v in o.items()
                if k != "shared_object_id"
            }
        if isinstance(o, list):
            return [scrub(v) for v in o]
        return o

    return scrub(obj)


def _user_module(module):
    return module is None or (
        isinstance(module, str) and not module.startswith(("keras", "builtins"))
    )


def _archive_config(path):
    """The `config.json` a `.keras` file holds, less the version fields."""
    with zipfile.ZipFile(path) as z:
        config = _jsonable(json.loads(z.read("config.json")))
        names = sorted(n for n in z.namelist() if n != "metadata.json")
    return config, names


def _tmpdir():
    """A fresh folder for a scenario's files; under $KERAS_IO_GUIDES_FILES when set, so
    the files each library writes can be loaded by the other."""
    root = os.environ.get("KERAS_IO_GUIDES_FILES")
    if root:
        os.makedirs(root, exist_ok=True)
    return tempfile.mkdtemp(dir=root or None)


def _caught(fn, exc_type) -> str:
    """`exc_type`'s name if `fn()` raises one (an `except exc_type:` catches it), else
    what `builtin_error` says."""
    try:
        fn()
    except exc_type:
        return exc_type.__name__
    except Exception:  # noqa: BLE001 - the type is the result
        pass
    return builtin_error(fn)


def _grads(keras, loss_fn, weights):
    """`(loss, gradients)` of `loss_fn()` the way the backend takes them: numkeras's
    `GradientTape` (for TF's), torch's `backward()` (keras.io's torch versions)."""
    if keras.__name__ == "numkeras":
        with keras.GradientTape() as tape:
            loss = loss_fn()
        return loss, tape.gradient(loss, weights)
    for w in weights:
        w.value.grad = None
    loss = loss_fn()
    loss.backward()
    return loss, [w.value.grad for w in weights]


def _apply(keras, optimizer, grads, weights):
    if keras.__name__ == "numkeras":
        optimizer.apply(grads, weights)
        return
    import torch

    with torch.no_grad():
        optimizer.apply(grads, weights)


# ---- guides/making_new_layers_and_models_via_subclassing.py -------------------------------


@scenario
def subclassing_linear_and_weights(keras):
    """Linear with weights in __init__, ComputeSum's non-trainable total, deferred build,
    MLPBlock's recursive composition."""
    ops = keras.ops
    out = {}

    class Linear(keras.layers.Layer):
        def __init__(self, units=32, input_dim=32):
            super().__init__()
            self.w = self.add_weight(
                shape=(input_dim, units),
                initializer="random_normal",
                trainable=True,
            )
            self.b = self.add_weight(shape=(units,), initializer="zeros", trainable=True)

        def call(self, inputs):
            return ops.matmul(inputs, self.w) + self.b

    x = ops.ones((2, 2))
    linear_layer = Linear(4, 2)
    _init(linear_layer)
    y = linear_layer(x)
    out["linear"] = _f(y)
    out["weights_are_w_b"] = linear_layer.weights == [linear_layer.w, linear_layer.b]
    out["paths"] = [w.path for w in linear_layer.weights]
    out["names"] = [w.name for w in linear_layer.weights]

    class ComputeSum(keras.layers.Layer):
        def __init__(self, input_dim):
            super().__init__()
            self.total = self.add_weight(initializer="zeros", shape=(input_dim,), trainable=False)

        def call(self, inputs):
            self.total.assign_add(ops.sum(inputs, axis=0))
            return self.total

    x = ops.ones((2, 2))
    my_sum = ComputeSum(2)
    y = my_sum(x)
    out["sum1"] = _f(y)
    y = my_sum(x)
    out["sum2"] = _f(y)
    out["sum_counts"] = [
        len(my_sum.weights),
        len(my_sum.non_trainable_weights),
        len(my_sum.trainable_weights),
    ]

    class Linear2(keras.layers.Layer):
        def __init__(self, units=32):
            super().__init__()
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(
                shape=(input_shape[-1], self.units),
                initializer="random_normal",
                trainable=True,
            )
            self.b = self.add_weight(
                shape=(self.units,), initializer="random_normal", trainable=True
            )

        def call(self, inputs):
            return ops.matmul(inputs, self.w) + self.b

    linear_layer = Linear2(32)
    out["unbuilt"] = [len(linear_layer.weights), linear_layer.built]
    y = linear_layer(x)
    out["deferred"] = [list(y.shape), linear_layer.built, _shapes(linear_layer.weights)]

    class MLPBlock(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.linear_1 = Linear2(32)
            self.linear_2 = Linear2(32)
            self.linear_3 = Linear2(1)

        def call(self, inputs):
            x = self.linear_1(inputs)
            x = keras.activations.relu(x)
            x = self.linear_2(x)
            x = keras.activations.relu(x)
            return self.linear_3(x)

    mlp = MLPBlock()
    y = mlp(ops.ones(shape=(3, 64)))
    _init(mlp)
    out["mlp"] = [len(mlp.weights), len(mlp.trainable_weights)]
    out["mlp_paths"] = [w.path for w in mlp.weights]
    out["mlp_y"] = _f(mlp(np.linspace(-1, 1, 3 * 64).reshape(3, 64).astype("float32")))
    return out


@scenario
def subclassing_add_loss(keras):
    """ActivityRegularizationLayer / OuterLayer: `losses` reset each call, a kernel
    regularizer's loss, `fit` with and without a compiled loss."""
    ops = keras.ops
    out = {}

    class ActivityRegularizationLayer(keras.layers.Layer):
        def __init__(self, rate=1e-2):
            super().__init__()
            self.rate = rate

        def call(self, inputs):
            self.add_loss(self.rate * ops.mean(inputs))
            return inputs

    class OuterLayer(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.activity_reg = ActivityRegularizationLayer(1e-2)

        def call(self, inputs):
            return self.activity_reg(inputs)

    layer = OuterLayer()
    out["before"] = len(layer.losses)
    _ = layer(ops.zeros((1, 1)))
    out["after1"] = len(layer.losses)
    _ = layer(ops.ones((1, 1)))
    out["after2"] = [len(layer.losses), _f(layer.losses[0])]

    class OuterLayerWithKernelRegularizer(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(32, kernel_regularizer=keras.regularizers.l2(1e-3))

        def call(self, inputs):
            return self.dense(inputs)

    layer = OuterLayerWithKernelRegularizer()
    _ = layer(ops.zeros((1, 1)))
    _init(layer)
    _ = layer(ops.zeros((1, 1)))
    out["kernel_reg"] = [len(layer.losses), _f(layer.losses[0])]
    return out


@scenario
def subclassing_add_loss_fit(keras):
    """The guide's ActivityRegularizationLayer in a functional model: `fit` with and
    without a compiled loss."""
    ops = keras.ops
    out = {}

    class ActivityRegularizationLayer(keras.layers.Layer):
        def __init__(self, rate=1e-2):
            super().__init__()
            self.rate = rate

        def call(self, inputs):
            self.add_loss(self.rate * ops.mean(inputs))
            return inputs

    rng = np.random.default_rng(3)
    inputs = keras.Input(shape=(3,))
    outputs = ActivityRegularizationLayer()(inputs)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="mse")
    x, y = rng.random((2, 3)), rng.random((2, 3))
    out["fit_with_loss"] = _hist(model.fit(x, y, verbose=0))
    model.compile(optimizer="adam")
    out["fit_no_loss"] = _hist(model.fit(x, y, verbose=0))
    out["evaluate_no_loss"] = _f(model.evaluate(x, y, verbose=0))
    return out


@scenario
def subclassing_get_config(keras):
    """Linear with get_config (bare, then with super()'s), from_config; CustomDropout's
    training argument."""
    ops = keras.ops
    out = {}

    class Linear(keras.layers.Layer):
        def __init__(self, units=32):
            super().__init__()
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(
                shape=(input_shape[-1], self.units),
                initializer="random_normal",
                trainable=True,
            )
            self.b = self.add_weight(
                shape=(self.units,), initializer="random_normal", trainable=True
            )

        def call(self, inputs):
            return ops.matmul(inputs, self.w) + self.b

        def get_config(self):
            return {"units": self.units}

    layer = Linear(64)
    config = layer.get_config()
    out["bare"] = config
    new_layer = Linear.from_config(config)
    out["bare_new"] = [new_layer.units, new_layer.name.startswith("linear")]

    class Linear2(keras.layers.Layer):
        def __init__(self, units=32, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(
                shape=(input_shape[-1], self.units),
                initializer="random_normal",
                trainable=True,
            )
            self.b = self.add_weight(
                shape=(self.units,), initializer="random_normal", trainable=True
            )

        def call(self, inputs):
            return ops.matmul(inputs, self.w) + self.b

        def get_config(self):
            config = super().get_config()
            config.update({"units": self.units})
            return config

    layer = Linear2(64, name="lin")
    config = layer.get_config()
    out["full"] = _jsonable(config)
    new_layer = Linear2.from_config(config)
    out["full_new"] = _jsonable(new_layer.get_config())
    layer(np.ones((2, 3), "float32"))
    out["built_config"] = _jsonable(layer.get_config())
    out["build_config"] = _jsonable(layer.get_build_config())
    out["serialize"] = _jsonable(keras.layers.serialize(layer))

    class CustomDropout(keras.layers.Layer):
        def __init__(self, rate, **kwargs):
            super().__init__(**kwargs)
            self.rate = rate
            self.seed_generator = keras.random.SeedGenerator(1337)

        def call(self, inputs, training=None):
            if training:
                return keras.random.dropout(inputs, rate=self.rate, seed=self.seed_generator)
            return inputs

    inputs = keras.Input((4,))
    outputs = CustomDropout(0.5)(inputs)
    model = keras.Model(inputs, outputs)
    x = np.ones((3, 4), "float32")
    out["dropout_infer"] = _f(model(x))
    train = _np(keras, model(x, training=True))
    out["dropout_train_values"] = sorted({float(v) for v in train.ravel()})
    out["dropout_config"] = _jsonable(model.layers[1].get_config())
    return out


@scenario
def subclassing_vae(keras):
    """The guide's VAE (Sampling, Encoder, Decoder layers, a Model adding a KL loss),
    trained with fit; the sampling noise scaled to 0 (changed: keras.random.normal * 0) so
    both runs agree."""
    ops, layers = keras.ops, keras.layers

    class Sampling(layers.Layer):
        """Uses (z_mean, z_log_var) to sample z, the vector encoding a digit."""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.seed_generator = keras.random.SeedGenerator(1337)

        def call(self, inputs):
            z_mean, z_log_var = inputs
            batch = ops.shape(z_mean)[0]
            dim = ops.shape(z_mean)[1]
            epsilon = keras.random.normal(shape=(batch, dim), seed=self.seed_generator) * 0.0
            return z_mean + ops.exp(0.5 * z_log_var) * epsilon

    class Encoder(layers.Layer):
        """Maps MNIST digits to a triplet (z_mean, z_log_var, z)."""

        def __init__(self, latent_dim=32, intermediate_dim=64, name="encoder", **kwargs):
            super().__init__(name=name, **kwargs)
            self.dense_proj = layers.Dense(intermediate_dim, activation="relu")
            self.dense_mean = layers.Dense(latent_dim)
            self.dense_log_var = layers.Dense(latent_dim)
            self.sampling = Sampling()

        def call(self, inputs):
            x = self.dense_proj(inputs)
            z_mean = self.dense_mean(x)
            z_log_var = self.dense_log_var(x)
            z = self.sampling((z_mean, z_log_var))
            return z_mean, z_log_var, z

    class Decoder(layers.Layer):
        """Converts z, the encoded digit vector, back into a readable digit."""

        def __init__(self, original_dim, intermediate_dim=64, name="decoder", **kwargs):
            super().__init__(name=name, **kwargs)
            self.dense_proj = layers.Dense(intermediate_dim, activation="relu")
            self.dense_output = layers.Dense(original_dim, activation="sigmoid")

        def call(self, inputs):
            x = self.dense_proj(inputs)
            return self.dense_output(x)

    class VariationalAutoEncoder(keras.Model):
        """Combines the encoder and decoder into an end-to-end model for training."""

        def __init__(
            self,
            original_dim,
            intermediate_dim=64,
            latent_dim=32,
            name="autoencoder",
            **kwargs,
        ):
            super().__init__(name=name, **kwargs)
            self.original_dim = original_dim
            self.encoder = Encoder(latent_dim=latent_dim, intermediate_dim=intermediate_dim)
            self.decoder = Decoder(original_dim, intermediate_dim=intermediate_dim)

        def call(self, inputs):
            z_mean, z_log_var, z = self.encoder(inputs)
            reconstructed = self.decoder(z)
            # Add KL divergence regularization loss.
            kl_loss = -0.5 * ops.mean(z_log_var - ops.square(z_mean) - ops.exp(z_log_var) + 1)
            self.add_loss(kl_loss)
            return reconstructed

    rng = np.random.default_rng(0)
    x_train = (rng.random((64, 36)) > 0.6).astype("float32")
    vae = VariationalAutoEncoder(36, 16, 4)
    vae(x_train[:1])
    _init(vae)
    optimizer = keras.optimizers.Adam(learning_rate=1e-3)
    vae.compile(optimizer, loss=keras.losses.MeanSquaredError())
    history = vae.fit(x_train, x_train, epochs=2, batch_size=16, shuffle=False, verbose=0)
    vae(x_train[:4])
    return {
        "history": _hist(history),
        "losses": [len(vae.losses), _f(vae.losses[0])],
        "predict": _f(vae.predict(x_train[:2], verbose=0)[:, :5]),
        "paths": [w.path for w in vae.weights],
        "summary": _summary(vae),
    }


# ---- guides/sequential_model.py ----------------------------------------------------------


@scenario
def sequential_guide(keras):
    """Sequential with names, add/pop, deferred build, Input, summary, incremental convnet,
    feature extraction, freezing for transfer."""
    ops, layers = keras.ops, keras.layers
    out = {}
    model = keras.Sequential(
        [
            layers.Dense(2, activation="relu", name="layer1"),
            layers.Dense(3, activation="relu", name="layer2"),
            layers.Dense(4, name="layer3"),
        ]
    )
    x = ops.ones((3, 3))
    y = model(x)
    _init(model)
    out["y"] = _f(model(x))
    out["layers"] = [layer.name for layer in model.layers]

    model = keras.Sequential()
    model.add(layers.Dense(2, activation="relu"))
    model.add(layers.Dense(3, activation="relu"))
    model.add(layers.Dense(4))
    out["auto_names"] = [layer.name for layer in model.layers]
    model.pop()
    out["after_pop"] = len(model.layers)
    model = keras.Sequential(name="my_sequential")
    model.add(layers.Dense(2, activation="relu", name="layer1"))
    out["named"] = model.name

    layer = layers.Dense(3)
    out["layer_weights_before"] = len(layer.weights)
    x = ops.ones((1, 4))
    y = layer(x)
    out["layer_weights_after"] = _shapes(layer.weights)

    model = keras.Sequential(
        [
            layers.Dense(2, activation="relu"),
            layers.Dense(3, activation="relu"),
            layers.Dense(4),
        ]
    )
    out["unbuilt_weights"] = builtin_error(lambda: model.weights)
    out["unbuilt_built"] = model.built
    x = ops.ones((1, 4))
    y = model(x)
    out["weights_after_call"] = len(model.weights)
    out["summary"] = _summary(model)

    model = keras.Sequential()
    model.add(keras.Input(shape=(4,)))
    model.add(layers.Dense(2, activation="relu"))
    out["input_summary"] = _summary(model)
    out["input_layers"] = [type(layer).__name__ for layer in model.layers]

    model = keras.Sequential()
    model.add(keras.Input(shape=(50, 50, 3)))  # 50x50 RGB images (250 in the guide)
    model.add(layers.Conv2D(32, 5, strides=2, activation="relu"))
    model.add(layers.Conv2D(32, 3, activation="relu"))
    model.add(layers.MaxPooling2D(3))
    out["conv_summary_1"] = _summary(model)
    model.add(layers.Conv2D(32, 3, activation="relu"))
    model.add(layers.Conv2D(32, 3, activation="relu"))
    model.add(layers.MaxPooling2D(2))
    out["conv_summary_2"] = _summary(model)
    model.add(layers.GlobalMaxPooling2D())
    model.add(layers.Dense(10))
    out["conv_output"] = list(model.output_shape)

    initial_model = keras.Sequential(
        [
            keras.Input(shape=(50, 50, 3)),
            layers.Conv2D(32, 5, strides=2, activation="relu"),
            layers.Conv2D(32, 3, activation="relu", name="my_intermediate_layer"),
            layers.Conv2D(32, 3, activation="relu"),
        ]
    )
    _init(initial_model)
    feature_extractor = keras.Model(
        inputs=initial_model.inputs,
        outputs=[layer.output for layer in initial_model.layers],
    )
    x = np.linspace(0, 1, 50 * 50 * 3).reshape(1, 50, 50, 3).astype("float32")
    features = feature_extractor(x)
    out["features"] = [list(f.shape) for f in features]
    out["features_sum"] = _f([float(_np(keras, f).sum()) for f in features], 3)
    feature_extractor = keras.Model(
        inputs=initial_model.inputs,
        outputs=initial_model.get_layer(name="my_intermediate_layer").output,
    )
    out["one_feature"] = list(feature_extractor(x).shape)

    model = keras.Sequential(
        [
            keras.Input(shape=(784,)),
            layers.Dense(32, activation="relu"),
            layers.Dense(32, activation="relu"),
            layers.Dense(32, activation="relu"),
            layers.Dense(10),
        ]
    )
    for layer in model.layers[:-1]:
        layer.trainable = False
    out["frozen"] = [len(model.trainable_weights), len(model.non_trainable_weights)]
    out["frozen_summary"] = _summary(model)[-4:]
    return out


@scenario
def sequential_input_shape_kwarg(keras):
    """`Dense(2, activation="relu", input_shape=(4,))` (the guide's older spelling): Keras 3
    warns and builds."""
    layers = keras.layers
    model = keras.Sequential()
    model.add(layers.Dense(2, activation="relu", input_shape=(4,)))
    return {
        "built": model.built,
        "weights": len(model.weights),
        "summary": _summary(model),
        "config": _jsonable(model.get_config()),
    }


# ---- guides/serialization_and_saving.py (Keras 3) ----------------------------------------


@scenario
def saving_whole_model(keras):
    """get_model / fit / save .keras / load_model / predict equal / resume training."""
    tmp = _tmpdir()

    def get_model():
        # Create a simple model.
        inputs = keras.Input(shape=(32,))
        outputs = keras.layers.Dense(1)(inputs)
        model = keras.Model(inputs, outputs)
        model.compile(optimizer=keras.optimizers.Adam(), loss="mean_squared_error")
        return model

    model = get_model()
    _init(model)
    rng = np.random.default_rng(1)
    test_input = rng.random((128, 32))
    test_target = rng.random((128, 1))
    h1 = model.fit(test_input, test_target, verbose=0, shuffle=False)
    path = os.path.join(tmp, "my_model.keras")
    model.save(path)
    reconstructed_model = keras.models.load_model(path)
    same = np.allclose(
        model.predict(test_input, verbose=0), reconstructed_model.predict(test_input, verbose=0)
    )
    h2 = reconstructed_model.fit(test_input, test_target, verbose=0, shuffle=False)
    config, names = _archive_config(path)
    return {
        "h1": _hist(h1),
        "h2": _hist(h2),
        "same": same,
        "names": names,
        "config": config,
        "optimizer_iterations": int(_np(keras, reconstructed_model.optimizer.iterations)),
    }


@scenario
def saving_custom_objects(keras):
    """register_keras_serializable'd CustomLayer and custom_fn, save / load; custom_objects=;
    custom_object_scope; the lambda refused by safe_mode."""
    tmp = _tmpdir()
    out = {}

    @keras.saving.register_keras_serializable(package="MyLayers")
    class CustomLayer(keras.layers.Layer):
        def __init__(self, factor):
            super().__init__()
            self.factor = factor

        def call(self, x):
            return x * self.factor

        def get_config(self):
            return {"factor": self.factor}

    @keras.saving.register_keras_serializable(package="my_package", name="custom_fn")
    def custom_fn(x):
        return x**2

    # Create the model.
    def get_model():
        inputs = keras.Input(shape=(4,))
        mid = CustomLayer(0.5)(inputs)
        outputs = keras.layers.Dense(1, activation=custom_fn)(mid)
        model = keras.Model(inputs, outputs)
        model.compile(optimizer="rmsprop", loss="mean_squared_error")
        return model

    rng = np.random.default_rng(2)

    # Train the model.
    def train_model(model):
        input = rng.random((4, 4))
        target = rng.random((4, 1))
        out["fit"] = _hist(model.fit(input, target, verbose=0))
        return model

    test_input = rng.random((4, 4))
    model = get_model()
    _init(model)
    model = train_model(model)
    path = os.path.join(tmp, "custom_model.keras")
    model.save(path)
    reconstructed_model = keras.models.load_model(path)
    out["predict"] = _f(model.predict(test_input, verbose=0))
    out["reloaded"] = _f(reconstructed_model.predict(test_input, verbose=0))
    config, names = _archive_config(path)
    out["config"] = config
    out["registered_name"] = keras.saving.get_registered_name(CustomLayer)
    out["registered_fn"] = keras.saving.get_registered_name(custom_fn)
    out["get_registered_object"] = (
        keras.saving.get_registered_object("MyLayers>CustomLayer") is CustomLayer
    )

    custom_objects = {"CustomLayer": CustomLayer, "custom_fn": custom_fn}
    loaded = keras.models.load_model(path, custom_objects=custom_objects)
    out["custom_objects"] = _f(loaded.predict(test_input, verbose=0))
    with keras.saving.custom_object_scope(custom_objects):
        loaded = keras.models.load_model(path)
    out["scope"] = _f(loaded.predict(test_input, verbose=0))
    return out


@scenario
def saving_lambda_safe_mode(keras):
    """A Lambda layer's lambda: refused by safe_mode, loaded with safe_mode=False."""
    tmp = _tmpdir()
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Lambda(lambda x: x * 2)])
    path = os.path.join(tmp, "lambda.keras")
    model.save(path)
    out = {"lambda_safe": builtin_error(lambda: keras.models.load_model(path))}
    out["lambda_unsafe"] = builtin_error(lambda: keras.models.load_model(path, safe_mode=False))
    return out


@scenario
def saving_configs_and_json(keras):
    """Layer / Sequential / functional get_config + from_config, to_json + model_from_json,
    serialize_keras_object of a regularizer."""
    out = {}
    layer = keras.layers.Dense(3, activation="relu")
    layer_config = layer.get_config()
    new_layer = keras.layers.Dense.from_config(layer_config)
    out["dense"] = _jsonable(new_layer.get_config())

    model = keras.Sequential([keras.Input((32,)), keras.layers.Dense(1)])
    config = model.get_config()
    new_model = keras.Sequential.from_config(config)
    out["sequential"] = _jsonable(new_model.get_config())

    inputs = keras.Input((32,))
    outputs = keras.layers.Dense(1)(inputs)
    model = keras.Model(inputs, outputs)
    config = model.get_config()
    new_model = keras.Model.from_config(config)
    out["functional"] = _jsonable(new_model.get_config())
    out["functional_type"] = type(new_model).__name__

    model = keras.Sequential([keras.Input((32,)), keras.layers.Dense(1)])
    json_config = model.to_json()
    new_model = keras.models.model_from_json(json_config)
    out["json"] = _jsonable(json.loads(json_config))
    out["json_model"] = [type(new_model).__name__, [w.shape for w in new_model.get_weights()]]

    my_reg = keras.regularizers.L1(0.005)
    config = keras.saving.serialize_keras_object(my_reg)
    out["reg"] = config
    new_reg = keras.saving.deserialize_keras_object(config)
    out["reg_back"] = [type(new_reg).__name__, _jsonable(new_reg.get_config())]
    return out


@scenario
def saving_nested_config(keras):
    """The guide's MyDense (regularizer, initializer and a nested layer in its config) and
    CustomModel (from_config deserializing its sub-layers) in a functional model."""
    ops = keras.ops
    out = {}

    @keras.saving.register_keras_serializable(package="MyLayers", name="KernelMult")
    class MyDense(keras.layers.Layer):
        def __init__(
            self,
            units,
            *,
            kernel_regularizer=None,
            kernel_initializer=None,
            nested_model=None,
            **kwargs,
        ):
            super().__init__(**kwargs)
            self.hidden_units = units
            self.kernel_regularizer = kernel_regularizer
            self.kernel_initializer = kernel_initializer
            self.nested_model = nested_model

        def get_config(self):
            config = super().get_config()
            # Update the config with the custom layer's parameters
            config.update(
                {
                    "units": self.hidden_units,
                    "kernel_regularizer": self.kernel_regularizer,
                    "kernel_initializer": self.kernel_initializer,
                    "nested_model": self.nested_model,
                }
            )
            return config

        def build(self, input_shape):
            input_units = input_shape[-1]
            self.kernel = self.add_weight(
                name="kernel",
                shape=(input_units, self.hidden_units),
                regularizer=self.kernel_regularizer,
                initializer=self.kernel_initializer,
            )

        def call(self, inputs):
            return ops.matmul(inputs, self.kernel)

    layer = MyDense(units=16, kernel_regularizer="l1", kernel_initializer="ones")
    layer3 = MyDense(units=64, nested_model=layer)
    config = keras.layers.serialize(layer3)
    out["serialized"] = _jsonable(config)
    new_layer = keras.layers.deserialize(config)
    out["deserialized"] = [
        type(new_layer).__name__,
        # (a config dict: MyDense's from_config does not deserialize it)
        isinstance(new_layer.nested_model, dict),
        _jsonable(dict(new_layer.nested_model)),
    ]

    @keras.saving.register_keras_serializable(package="ComplexModels")
    class CustomModel(keras.layers.Layer):
        def __init__(self, first_layer, second_layer=None, **kwargs):
            super().__init__(**kwargs)
            self.first_layer = first_layer
            if second_layer is not None:
                self.second_layer = second_layer
            else:
                self.second_layer = keras.layers.Dense(8)

        def get_config(self):
            config = super().get_config()
            config.update({"first_layer": self.first_layer, "second_layer": self.second_layer})
            return config

        @classmethod
        def from_config(cls, config):
            # Note that you can also use `keras.saving.deserialize_keras_object` here
            config["first_layer"] = keras.layers.deserialize(config["first_layer"])
            config["second_layer"] = keras.layers.deserialize(config["second_layer"])
            return cls(**config)

        def call(self, inputs):
            return self.first_layer(self.second_layer(inputs))

    # Let's make our first layer the custom layer from the previous example (MyDense)
    inputs = keras.Input((32,))
    outputs = CustomModel(first_layer=layer)(inputs)
    model = keras.Model(inputs, outputs)
    config = model.get_config()
    out["model_config"] = _jsonable(config)
    new_model = keras.Model.from_config(config)
    out["new_model"] = [list(new_model.output_shape), _shapes(new_model.get_weights())]
    out["new_losses"] = len(new_model.losses)
    tmp = _tmpdir()
    path = os.path.join(tmp, "nested.keras")
    _init(model)
    model.save(path)
    loaded = keras.models.load_model(path)
    x = np.linspace(-1, 1, 64).reshape(2, 32).astype("float32")
    out["loaded_same"] = bool(np.allclose(_np(keras, model(x)), _np(keras, loaded(x))))
    return out


@scenario
def saving_weights_transfer(keras):
    """Weights moved with get_weights / set_weights between layers, a functional and a
    subclassed model, a model with a Dropout added; save_weights / load_weights; layers
    taken from a pretrained model into a Sequential."""
    out = {}
    tmp = _tmpdir()

    def create_layer():
        layer = keras.layers.Dense(64, activation="relu", name="dense_2")
        layer.build((None, 784))
        return layer

    layer_1 = create_layer()
    layer_2 = create_layer()
    # Copy weights from layer 1 to layer 2
    layer_2.set_weights(layer_1.get_weights())
    out["layer_copy"] = all(
        np.array_equal(a, b) for a, b in zip(layer_1.get_weights(), layer_2.get_weights())
    )

    # Create a simple functional model
    inputs = keras.Input(shape=(784,), name="digits")
    x = keras.layers.Dense(64, activation="relu", name="dense_1")(inputs)
    x = keras.layers.Dense(64, activation="relu", name="dense_2")(x)
    outputs = keras.layers.Dense(10, name="predictions")(x)
    functional_model = keras.Model(inputs=inputs, outputs=outputs, name="3_layer_mlp")
    _init(functional_model)

    # Define a subclassed model with the same architecture
    class SubclassedModel(keras.Model):
        def __init__(self, output_dim, name=None):
            super().__init__(name=name)
            self.output_dim = output_dim
            self.dense_1 = keras.layers.Dense(64, activation="relu", name="dense_1")
            self.dense_2 = keras.layers.Dense(64, activation="relu", name="dense_2")
            self.dense_3 = keras.layers.Dense(output_dim, name="predictions")

        def call(self, inputs):
            x = self.dense_1(inputs)
            x = self.dense_2(x)
            x = self.dense_3(x)
            return x

        def get_config(self):
            return {"output_dim": self.output_dim, "name": self.name}

    subclassed_model = SubclassedModel(10)
    # Call the subclassed model once to create the weights.
    subclassed_model(np.ones((1, 784)))

    # Copy weights from functional_model to subclassed_model.
    subclassed_model.set_weights(functional_model.get_weights())
    out["counts"] = [len(functional_model.weights), len(subclassed_model.weights)]
    out["sub_paths"] = [w.path for w in subclassed_model.weights]
    out["fun_paths"] = [w.path for w in functional_model.weights]
    x = np.linspace(0, 1, 2 * 784).reshape(2, 784).astype("float32")
    out["sub_pred"] = _f(_np(keras, subclassed_model(x))[:, :4])

    inputs = keras.Input(shape=(784,), name="digits")
    x2 = keras.layers.Dense(64, activation="relu", name="dense_1")(inputs)
    x2 = keras.layers.Dense(64, activation="relu", name="dense_2")(x2)
    # Add a dropout layer, which does not contain any weights.
    x2 = keras.layers.Dropout(0.5)(x2)
    outputs = keras.layers.Dense(10, name="predictions")(x2)
    functional_model_with_dropout = keras.Model(inputs=inputs, outputs=outputs, name="3_layer_mlp")
    functional_model_with_dropout.set_weights(functional_model.get_weights())
    out["dropout_pred"] = _f(functional_model_with_dropout.predict(x, verbose=0)[:, :4])

    # Runnable example
    sequential_model = keras.Sequential(
        [
            keras.Input(shape=(784,), name="digits"),
            keras.layers.Dense(64, activation="relu", name="dense_1"),
            keras.layers.Dense(64, activation="relu", name="dense_2"),
            keras.layers.Dense(10, name="predictions"),
        ]
    )
    sequential_model.set_weights(functional_model.get_weights())
    path = os.path.join(tmp, "my_model.weights.h5")
    sequential_model.save_weights(path)
    functional_model_with_dropout.set_weights([w * 0 for w in functional_model.get_weights()])
    functional_model_with_dropout.load_weights(path)
    out["h5_into_functional"] = _f(functional_model_with_dropout.predict(x, verbose=0)[:, :4])
    subclassed_model.load_weights(path)
    out["h5_into_subclassed"] = _f(_np(keras, subclassed_model(x))[:, :4])
    # The layers of a pretrained model taken into a new Sequential
    extracted_layers = functional_model.layers[:-1]
    extracted_layers.append(keras.layers.Dense(5, name="dense_3"))
    model = keras.Sequential(extracted_layers)
    out["extracted_summary"] = _summary(model)
    return out


@scenario
def saving_own_variables(keras):
    """LayerWithCustomVariable (a keras.Variable saved by save_own_variables)."""
    out = {}
    tmp = _tmpdir()
    rng = np.random.default_rng(4)

    @keras.saving.register_keras_serializable(package="my_custom_package")
    class LayerWithCustomVariable(keras.layers.Dense):
        def __init__(self, units, **kwargs):
            super().__init__(units, **kwargs)
            self.my_variable = keras.Variable(
                rng.random((units,)), name="my_variable", dtype="float32"
            )

        def save_own_variables(self, store):
            super().save_own_variables(store)
            # Stores the value of the variable upon saving
            store["variables"] = self.my_variable.numpy()

        def load_own_variables(self, store):
            # Assigns the value of the variable upon loading
            self.my_variable.assign(store["variables"])
            # Load the remaining weights
            for i, v in enumerate(self.weights):
                v.assign(store[f"{i}"])
            # Note: You must specify how all variables (including layer weights)
            # are loaded in `load_own_variables.`

        def call(self, inputs):
            dense_out = super().call(inputs)
            return dense_out + self.my_variable

    model = keras.Sequential([LayerWithCustomVariable(1)])
    ref_input = rng.random((8, 10))
    ref_output = rng.random((8, 1))
    model.compile(optimizer="adam", loss="mean_squared_error")
    model(ref_input[:1])
    _init(model)
    out["weights"] = [w.path for w in model.weights]
    out["fit"] = _hist(model.fit(ref_input, ref_output, verbose=0, shuffle=False))
    path = os.path.join(tmp, "custom_vars_model.keras")
    model.save(path)
    # Keras 3 tracks `my_variable` first in `weights` (created in __init__), so the
    # guide's `load_own_variables` assigns the kernel to it and loading fails
    out["load"] = builtin_error(lambda: keras.models.load_model(path))
    out["archive"] = _archive_config(path)[1]
    import h5py

    with zipfile.ZipFile(path) as z:
        z.extract("model.weights.h5", tmp)
    with h5py.File(os.path.join(tmp, "model.weights.h5")) as f:
        keys = []
        f.visit(keys.append)
    out["h5_keys"] = sorted(keys)
    return out


@scenario
def saving_assets_and_build(keras):
    """customizing_saving_and_serialization: save_assets / load_assets, get_build_config /
    build_from_config (a build() with an extra argument), get_compile_config /
    compile_from_config."""
    ops = keras.ops
    out = {}
    tmp = _tmpdir()
    rng = np.random.default_rng(5)

    @keras.saving.register_keras_serializable(package="my_custom_package")
    class LayerWithCustomAssets(keras.layers.Dense):
        def __init__(self, vocab=None, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.vocab = vocab

        def save_assets(self, inner_path):
            # Writes the vocab (sentence) to text file at save time.
            with open(os.path.join(inner_path, "vocabulary.txt"), "w") as f:
                f.write(self.vocab)

        def load_assets(self, inner_path):
            # Reads the vocab (sentence) from text file at load time.
            with open(os.path.join(inner_path, "vocabulary.txt"), "r") as f:
                text = f.read()
            self.vocab = text.replace("<unk>", "little")

    model = keras.Sequential([LayerWithCustomAssets(vocab="Mary had a <unk> lamb.", units=5)])
    x = rng.random((10, 10))
    y = model(x)
    path = os.path.join(tmp, "custom_assets_model.keras")
    model.save(path)
    restored_model = keras.models.load_model(path)
    out["vocab"] = restored_model.layers[0].vocab
    out["assets_archive"] = _archive_config(path)[1]

    @keras.saving.register_keras_serializable(package="my_custom_package")
    class LayerWithCustomBuild(keras.layers.Layer):
        def __init__(self, units=32, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def call(self, inputs):
            return ops.matmul(inputs, self.w) + self.b

        def get_config(self):
            return dict(units=self.units, **super().get_config())

        def build(self, input_shape, layer_init):
            # Note the overriding of `build()` to add an extra argument.
            # Therefore, we will need to manually call build with `layer_init` argument
            # before the first execution of `call()`.
            super().build(input_shape)
            self._input_shape = input_shape
            self.w = self.add_weight(
                shape=(input_shape[-1], self.units),
                initializer=layer_init,
                trainable=True,
            )
            self.b = self.add_weight(
                shape=(self.units,),
                initializer=layer_init,
                trainable=True,
            )
            self.layer_init = layer_init

        def get_build_config(self):
            build_config = {
                "layer_init": self.layer_init,
                "input_shape": self._input_shape,
            }  # Stores our initializer for `build()`
            return build_config

        def build_from_config(self, config):
            # Calls `build()` with the parameters at loading time
            self.build(config["input_shape"], config["layer_init"])

    custom_layer = LayerWithCustomBuild(units=16)
    custom_layer.build(input_shape=(8,), layer_init="random_normal")

    model = keras.Sequential(
        [
            custom_layer,
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    x = rng.random((16, 8))
    y = model(x)
    _init(model)
    path = os.path.join(tmp, "custom_build_model.keras")
    model.save(path)
    restored_model = keras.models.load_model(path)
    out["layer_init"] = restored_model.layers[0].layer_init
    out["built"] = restored_model.built
    out["build_same"] = bool(np.allclose(_np(keras, model(x)), _np(keras, restored_model(x))))
    out["build_config"] = _archive_config(path)[0]

    @keras.saving.register_keras_serializable(package="my_custom_package")
    def small_square_sum_loss(y_true, y_pred):
        loss = ops.square(y_pred - y_true)
        loss = loss / 10.0
        loss = ops.sum(loss, axis=1)
        return loss

    @keras.saving.register_keras_serializable(package="my_custom_package")
    def mean_pred(y_true, y_pred):
        return ops.mean(y_pred)

    @keras.saving.register_keras_serializable(package="my_custom_package")
    class ModelWithCustomCompile(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense1 = keras.layers.Dense(8, activation="relu")
            self.dense2 = keras.layers.Dense(4, activation="softmax")

        def call(self, inputs):
            x = self.dense1(inputs)
            return self.dense2(x)

        def compile(self, optimizer, loss_fn, metrics):
            super().compile(optimizer=optimizer, loss=loss_fn, metrics=metrics)
            self.model_optimizer = optimizer
            self.loss_fn = loss_fn
            self.loss_metrics = metrics

        def get_compile_config(self):
            # These parameters will be serialized at saving time.
            return {
                "model_optimizer": self.model_optimizer,
                "loss_fn": self.loss_fn,
                "metric": self.loss_metrics,
            }

        def compile_from_config(self, config):
            # Deserializes the compile parameters (important, since many are custom)
            optimizer = keras.utils.deserialize_keras_object(config["model_optimizer"])
            loss_fn = keras.utils.deserialize_keras_object(config["loss_fn"])
            metrics = keras.utils.deserialize_keras_object(config["metric"])

            # Calls compile with the deserialized parameters
            self.compile(optimizer=optimizer, loss_fn=loss_fn, metrics=metrics)

    model = ModelWithCustomCompile()
    model.compile(optimizer="SGD", loss_fn=small_square_sum_loss, metrics=["accuracy", mean_pred])
    x = rng.random((4, 8))
    y = rng.random((4,))
    model(x)
    _init(model)
    out["compile_fit"] = _hist(model.fit(x, y, verbose=0, shuffle=False))
    path = os.path.join(tmp, "custom_compile_model.keras")
    model.save(path)
    restored_model = keras.models.load_model(path)
    out["restored_compile"] = [
        restored_model.model_optimizer,
        getattr(restored_model.loss_fn, "__name__", None),
        [getattr(m, "__name__", m) for m in restored_model.loss_metrics],
    ]
    out["compile_config"] = _archive_config(path)[0]
    out["restored_pred"] = _f(restored_model.predict(x, verbose=0))
    return out


# ---- guides/customizing_what_happens_in_fit.py (the torch version's steps; numkeras's
# GradientTape where the TensorFlow version has tf.GradientTape) ---------------------------


def _fit_data(n=48, features=6, seed=14):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype("float32")
    y = (x @ rng.normal(size=(features, 1)) * 0.5).astype("float32")
    return x, y


@torch_scenario
def custom_fit_train_step(keras):
    """ "A first simple example": train_step with compute_loss and the compiled metrics;
    then the same model with test_step overridden, evaluate and predict."""

    class CustomModel(keras.Model):
        def train_step(self, data):
            # Unpack the data. Its structure depends on your model and
            # on what you pass to `fit()`.
            x, y = data
            state = {}

            def loss_fn():
                # Compute predictions
                state["y_pred"] = self(x, training=True)
                return self.compute_loss(y=y, y_pred=state["y_pred"])

            # Compute gradients
            trainable_weights = [v for v in self.trainable_weights]
            loss, gradients = _grads(keras, loss_fn, trainable_weights)
            # Update weights
            _apply(keras, self.optimizer, gradients, trainable_weights)
            # Update metrics (includes the metric that tracks the loss)
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, state["y_pred"])
            # Return a dict mapping metric names to current value
            # Note that it will include the loss (tracked in self.metrics).
            return {m.name: m.result() for m in self.metrics}

        def test_step(self, data):
            # Unpack the data
            x, y = data
            # Compute predictions
            y_pred = self(x, training=False)
            # Updates the metrics tracking the loss
            loss = self.compute_loss(y=y, y_pred=y_pred)
            # Update the metrics.
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred)
            # Return a dict mapping metric names to current value.
            # Note that it will include the loss (tracked in self.metrics).
            return {m.name: m.result() for m in self.metrics}

    # Construct and compile an instance of CustomModel
    inputs = keras.Input(shape=(6,))
    outputs = keras.layers.Dense(1)(keras.layers.Dense(4, activation="tanh")(inputs))
    model = CustomModel(inputs, outputs)
    _init(model)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    x, y = _fit_data()
    history = model.fit(
        x, y, epochs=3, batch_size=16, shuffle=False, validation_data=(x[:16], y[:16]), verbose=0
    )
    return {
        "history": _hist(history),
        "metric_names": [m.name for m in model.metrics],
        "evaluate": _f(model.evaluate(x, y, verbose=0)),
        "evaluate_dict": {
            k: _f(v) for k, v in model.evaluate(x, y, return_dict=True, verbose=0).items()
        },
        "predict": _f(model.predict(x[:3], verbose=0)),
    }


@torch_scenario
def custom_fit_lower_level(keras):
    """ "Going lower-level": compile() with only an optimizer, the loss tracker and MAE
    metric kept by the model and listed in its `metrics` property (reset each epoch)."""

    class CustomModel(keras.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.loss_tracker = keras.metrics.Mean(name="loss")
            self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")
            self.loss_fn = keras.losses.MeanSquaredError()

        def train_step(self, data):
            x, y = data
            state = {}

            def loss_fn():
                state["y_pred"] = self(x, training=True)
                # Compute our own loss
                return self.loss_fn(y, state["y_pred"])

            trainable_weights = [v for v in self.trainable_weights]
            loss, gradients = _grads(keras, loss_fn, trainable_weights)
            _apply(keras, self.optimizer, gradients, trainable_weights)
            # Compute our own metrics
            self.loss_tracker.update_state(loss)
            self.mae_metric.update_state(y, state["y_pred"])
            return {
                "loss": self.loss_tracker.result(),
                "mae": self.mae_metric.result(),
            }

        @property
        def metrics(self):
            # We list our `Metric` objects here so that `reset_states()` can be
            # called automatically at the start of each epoch
            # or at the start of `evaluate()`.
            return [self.loss_tracker, self.mae_metric]

    inputs = keras.Input(shape=(6,))
    outputs = keras.layers.Dense(1)(inputs)
    model = CustomModel(inputs, outputs)
    _init(model)
    # We don't pass a loss or metrics here.
    model.compile(optimizer=keras.optimizers.Adam(0.01))
    x, y = _fit_data()
    history = model.fit(x, y, epochs=3, batch_size=16, shuffle=False, verbose=0)
    return {
        "history": _hist(history),
        "weights": _f(model.get_weights()[0][:3, 0]),
        "tracker": _f(model.loss_tracker.result()),
    }


@torch_scenario
def custom_fit_sample_weight(keras):
    """ "Supporting sample_weight & class_weight": the step unpacks (x, y, sample_weight)
    and passes it to compute_loss and the metrics."""

    class CustomModel(keras.Model):
        def train_step(self, data):
            # Unpack the data. Its structure depends on your model and
            # on what you pass to `fit()`.
            if len(data) == 3:
                x, y, sample_weight = data
            else:
                sample_weight = None
                x, y = data
            state = {}

            def loss_fn():
                state["y_pred"] = self(x, training=True)
                return self.compute_loss(
                    y=y,
                    y_pred=state["y_pred"],
                    sample_weight=sample_weight,
                )

            trainable_weights = [v for v in self.trainable_weights]
            loss, gradients = _grads(keras, loss_fn, trainable_weights)
            _apply(keras, self.optimizer, gradients, trainable_weights)
            # Update the metrics.
            # Metrics are configured in `compile()`.
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, state["y_pred"], sample_weight=sample_weight)
            # Return a dict mapping metric names to current value.
            # Note that it will include the loss (tracked in self.metrics).
            return {m.name: m.result() for m in self.metrics}

    inputs = keras.Input(shape=(6,))
    outputs = keras.layers.Dense(1)(inputs)
    model = CustomModel(inputs, outputs)
    _init(model)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    x, y = _fit_data()
    sw = np.linspace(0.2, 1.8, len(x)).astype("float32")
    history = model.fit(x, y, sample_weight=sw, epochs=3, batch_size=16, shuffle=False, verbose=0)
    return {"history": _hist(history), "evaluate": _f(model.evaluate(x, y, verbose=0))}


@torch_scenario
def custom_fit_gan(keras):
    """ "Wrapping up: an end-to-end GAN example" (and examples/generative/
    dcgan_overriding_train_step.py) at 8x8: a conv discriminator and a Conv2DTranspose
    generator in a GAN model with its own compile, metrics and train_step. The latent
    vectors are drawn from NumPy (changed from keras.random.normal) and the label noise
    left out, so both runs see the same numbers."""
    layers, ops = keras.layers, keras.ops
    latent_dim = 4
    discriminator = keras.Sequential(
        [
            keras.Input(shape=(8, 8, 1)),
            layers.Conv2D(4, (3, 3), strides=(2, 2), padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2D(4, (3, 3), strides=(2, 2), padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.GlobalMaxPooling2D(),
            layers.Dense(1),
        ],
        name="discriminator",
    )
    generator = keras.Sequential(
        [
            keras.Input(shape=(latent_dim,)),
            # We want to generate 128 coefficients to reshape into a 7x7x128 map
            layers.Dense(2 * 2 * 4),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Reshape((2, 2, 4)),
            layers.Conv2DTranspose(4, (4, 4), strides=(2, 2), padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2DTranspose(4, (4, 4), strides=(2, 2), padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2D(1, (3, 3), padding="same", activation="sigmoid"),
        ],
        name="generator",
    )
    _init(discriminator, seed=1)
    _init(generator, seed=2)

    class GAN(keras.Model):
        def __init__(self, discriminator, generator, latent_dim):
            super().__init__()
            self.discriminator = discriminator
            self.generator = generator
            self.latent_dim = latent_dim
            self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
            self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
            self.steps = 0

        def compile(self, d_optimizer, g_optimizer, loss_fn):
            super().compile()
            self.d_optimizer = d_optimizer
            self.g_optimizer = g_optimizer
            self.loss_fn = loss_fn

        @property
        def metrics(self):
            return [self.d_loss_tracker, self.g_loss_tracker]

        def call(self, x):  # (added: Keras 3.15 on torch cannot build a model without)
            return self.discriminator(x)

        def train_step(self, real_images):
            if isinstance(real_images, tuple):
                real_images = real_images[0]
            # Sample random points in the latent space
            batch_size = ops.shape(real_images)[0]
            rng = np.random.default_rng(self.steps)
            self.steps += 1
            random_latent_vectors = rng.normal(size=(batch_size, self.latent_dim)).astype("float32")

            # Decode them to fake images
            generated_images = self.generator(random_latent_vectors)

            # Combine them with real images
            real_images = ops.convert_to_tensor(real_images)
            combined_images = ops.concatenate([generated_images, real_images], axis=0)

            # Assemble labels discriminating real from fake images
            labels = ops.concatenate(
                [ops.ones((batch_size, 1)), ops.zeros((batch_size, 1))], axis=0
            )

            # Train the discriminator
            d_weights = self.discriminator.trainable_weights
            d_loss, grads = _grads(
                keras,
                lambda: self.loss_fn(labels, self.discriminator(combined_images)),
                d_weights,
            )
            _apply(keras, self.d_optimizer, grads, d_weights)

            # Sample random points in the latent space
            random_latent_vectors = rng.normal(size=(batch_size, self.latent_dim)).astype("float32")

            # Assemble labels that say "all real images"
            misleading_labels = ops.zeros((batch_size, 1))

            # Train the generator (note that we should *not* update the weights
            # of the discriminator)!
            g_weights = self.generator.trainable_weights
            g_loss, grads = _grads(
                keras,
                lambda: self.loss_fn(
                    misleading_labels, self.discriminator(self.generator(random_latent_vectors))
                ),
                g_weights,
            )
            _apply(keras, self.g_optimizer, grads, g_weights)

            # Update metrics and return their value.
            self.d_loss_tracker.update_state(d_loss)
            self.g_loss_tracker.update_state(g_loss)
            return {
                "d_loss": self.d_loss_tracker.result(),
                "g_loss": self.g_loss_tracker.result(),
            }

    x, _ = _images(32, size=8, seed=4)
    all_digits = (x.astype("float32") / 255.0).reshape(-1, 8, 8, 1)
    gan = GAN(discriminator=discriminator, generator=generator, latent_dim=latent_dim)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(learning_rate=0.0003),
        g_optimizer=keras.optimizers.Adam(learning_rate=0.0003),
        loss_fn=keras.losses.BinaryCrossentropy(from_logits=True),
    )
    history = gan.fit(all_digits, epochs=2, batch_size=16, shuffle=False, verbose=0)
    z = np.linspace(-1, 1, 2 * latent_dim).reshape(2, latent_dim).astype("float32")
    return {
        "history": _hist(history),
        "generated": _f(_np(keras, generator(z))[:, :2, :2, 0]),
        "d_summary": _summary(discriminator),
        "g_summary": _summary(generator),
    }


@torch_scenario
def recipe_trainer_pattern(keras):
    """keras_recipes/trainer_pattern.py: a MyTrainer model wrapping a Sequential, its own
    loss and accuracy metric, train_step and test_step; two trainers with two optimizers
    (Dropout 0.2 -> 0)."""

    def get_model():
        return keras.Sequential(
            [
                keras.Input((12,)),
                keras.layers.Dense(16, activation="relu"),
                keras.layers.Dropout(0.0),
                keras.layers.Dense(10, activation="softmax"),
            ]
        )

    class MyTrainer(keras.Model):
        def __init__(self, model):
            super().__init__()
            self.model = model
            # Create loss and metrics here.
            self.loss_fn = keras.losses.SparseCategoricalCrossentropy()
            self.accuracy_metric = keras.metrics.SparseCategoricalAccuracy()

        @property
        def metrics(self):
            # List metrics here.
            return [self.accuracy_metric]

        def train_step(self, data):
            x, y = data
            state = {}

            def loss_fn():
                # Forward pass
                state["y_pred"] = self.model(x, training=True)
                # Compute loss value
                return self.loss_fn(y, state["y_pred"])

            # Compute gradients
            trainable_vars = self.trainable_variables
            loss, gradients = _grads(keras, loss_fn, trainable_vars)
            # Update weights
            _apply(keras, self.optimizer, gradients, trainable_vars)
            # Update metrics
            for metric in self.metrics:
                metric.update_state(y, state["y_pred"])
            # Return a dict mapping metric names to current value.
            return {m.name: m.result() for m in self.metrics}

        def test_step(self, data):
            x, y = data
            # Inference step
            y_pred = self.model(x, training=False)
            # Update metrics
            for metric in self.metrics:
                metric.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

        def call(self, x):
            # Equivalent to `call()` of the wrapped keras.Model
            x = self.model(x)
            return x

    rng = np.random.default_rng(15)
    x_train = rng.normal(size=(48, 12)).astype("float32")
    y_train = x_train[:, :10].argmax(1)
    out = {}
    for name, optimizer in (("sgd", keras.optimizers.SGD()), ("adam", keras.optimizers.Adam())):
        model = get_model()
        _init(model)
        trainer = MyTrainer(model)
        trainer.compile(optimizer=optimizer)
        history = trainer.fit(
            x_train,
            y_train,
            epochs=2,
            batch_size=16,
            shuffle=False,
            validation_data=(x_train[:16], y_train[:16]),
            verbose=0,
        )
        out[name] = _hist(history)
        out[name + "_predict"] = _f(trainer.predict(x_train[:2], verbose=0)[:, :4])
    return out


@scenario
def saving_errors(keras):
    """What the saving guides' users run into: a custom class neither registered nor
    passed, weights of another architecture, a .weights.h5 name missing, set_weights of
    the wrong count or shape, a layer config deserialized without its class."""
    tmp = _tmpdir()
    out = {}

    class Unregistered(keras.layers.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, x):
            return x * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(2)(Unregistered()(inputs)))
    path = os.path.join(tmp, "unregistered.keras")
    model.save(path)
    # (whether `except TypeError` catches it: numkeras's error is a ValueError too, as
    # Keras 2 raised)
    out["load_unregistered"] = _caught(lambda: keras.models.load_model(path), TypeError)
    loaded = keras.models.load_model(path, custom_objects={"Unregistered": Unregistered})
    out["load_with_custom_objects"] = type(loaded.layers[1]).__name__
    config = keras.layers.serialize(model.layers[1])
    out["deserialize_unknown"] = _caught(lambda: keras.layers.deserialize(config), TypeError)

    weights_path = os.path.join(tmp, "small.weights.h5")
    model.save_weights(weights_path)
    other = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4)])
    out["load_other_architecture"] = builtin_error(lambda: other.load_weights(weights_path))
    # (".h5" is refused by Keras 3, written in Keras 2's layout by numkeras: README)
    out["save_weights_bad_name"] = builtin_error(
        lambda: model.save_weights(os.path.join(tmp, "bad.txt"))
    )
    out["save_bad_name"] = builtin_error(lambda: model.save(os.path.join(tmp, "model.txt")))
    weights = model.get_weights()
    out["set_weights_count"] = builtin_error(lambda: model.set_weights(weights[:1]))
    out["set_weights_shape"] = builtin_error(
        lambda: model.set_weights([np.zeros((2, 2))] + weights[1:])
    )
    # (numkeras's is a FileNotFoundError and a ValueError)
    out["load_missing"] = _caught(
        lambda: keras.models.load_model(os.path.join(tmp, "missing.keras")), ValueError
    )
    return out


# ---- guides/understanding_masking_and_padding.py ------------------------------------------


@scenario
def masking_guide(keras):
    """pad_sequences, Embedding(mask_zero) / Masking masks, an LSTM after them (functional
    and in a layer), TemporalSplit's compute_mask, CustomEmbedding, supports_masking,
    TemporalSoftmax."""
    ops, layers = keras.ops, keras.layers
    out = {}
    raw_inputs = [
        [711, 632, 71],
        [73, 8, 3215, 55, 927],
        [83, 91, 1, 645, 1253, 927],
    ]
    padded_inputs = keras.utils.pad_sequences(raw_inputs, padding="post")
    out["padded"] = padded_inputs.tolist()
    out["padded_pre"] = keras.utils.pad_sequences(raw_inputs).tolist()
    out["padded_trunc"] = keras.utils.pad_sequences(raw_inputs, maxlen=4, value=-1).tolist()

    embedding = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)
    masked_output = embedding(padded_inputs)
    out["embedding_mask"] = _np(keras, embedding.compute_mask(padded_inputs)).tolist()

    masking_layer = layers.Masking()
    # Simulate the embedding lookup by expanding the 2D input to 3D,
    # with embedding dimension of 10.
    unmasked_embedding = ops.cast(
        ops.tile(ops.expand_dims(padded_inputs, axis=-1), [1, 1, 10]), dtype="float32"
    )
    masked_embedding = masking_layer(unmasked_embedding)
    out["masking_mask"] = _np(keras, masking_layer.compute_mask(unmasked_embedding)).tolist()

    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(input_dim=50, output_dim=4, mask_zero=True)(inputs)
    outputs = layers.LSTM(3)(x)
    model = keras.Model(inputs, outputs)
    _init(model)
    ids = np.array([[3, 5, 0, 0], [7, 1, 2, 0]])
    out["lstm_masked"] = _f(model.predict(ids, verbose=0))
    out["lstm_unpadded"] = _f(model.predict(ids[:1, :2], verbose=0))

    class MyLayer(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.embedding = layers.Embedding(input_dim=50, output_dim=4, mask_zero=True)
            self.lstm = layers.LSTM(3)

        def call(self, inputs):
            x = self.embedding(inputs)
            # Note that you could also prepare a `mask` tensor manually.
            # It only needs to be a boolean tensor
            # with the right shape, i.e. (batch_size, timesteps).
            mask = self.embedding.compute_mask(inputs)
            output = self.lstm(x, mask=mask)  # The layer will ignore the masked values
            return output

    layer = MyLayer()
    layer(ids)
    _init(layer)
    out["my_layer"] = _f(layer(ids))

    class TemporalSplit(keras.layers.Layer):
        """Split the input tensor into 2 tensors along the time dimension."""

        def call(self, inputs):
            # Expect the input to be 3D and mask to be 2D, split the input tensor into 2
            # subtensors along the time axis (axis 1).
            return ops.split(inputs, 2, axis=1)

        def compute_mask(self, inputs, mask=None):
            # Also split the mask into 2 if it presents.
            if mask is None:
                return None
            return ops.split(mask, 2, axis=1)

    inputs = keras.Input(shape=(6, 10))
    masked = layers.Masking()(inputs)
    first_half, second_half = TemporalSplit()(masked)
    out["split_shapes"] = [list(first_half.shape), list(second_half.shape)]
    split_model = keras.Model(inputs, layers.LSTM(2)(second_half))
    _init(split_model)
    out["split_lstm"] = _f(split_model.predict(_np(keras, unmasked_embedding), verbose=0))

    class CustomEmbedding(keras.layers.Layer):
        def __init__(self, input_dim, output_dim, mask_zero=False, **kwargs):
            super().__init__(**kwargs)
            self.input_dim = input_dim
            self.output_dim = output_dim
            self.mask_zero = mask_zero

        def build(self, input_shape):
            self.embeddings = self.add_weight(
                shape=(self.input_dim, self.output_dim),
                initializer="random_normal",
                dtype="float32",
            )

        def call(self, inputs):
            inputs = ops.cast(inputs, "int32")
            return ops.take(self.embeddings, inputs)

        def compute_mask(self, inputs, mask=None):
            if not self.mask_zero:
                return None
            return ops.not_equal(inputs, 0)

    layer = CustomEmbedding(10, 32, mask_zero=True)
    x = (np.linspace(0, 1, 30).reshape(3, 10) * 9).astype("int32")
    y = layer(x)
    mask = layer.compute_mask(x)
    out["custom_embedding"] = [list(y.shape), _np(keras, mask).tolist()]

    class MyActivation(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            # Signal that the layer is safe for mask propagation
            self.supports_masking = True

        def call(self, inputs):
            return ops.relu(inputs)

    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(input_dim=50, output_dim=4, mask_zero=True)(inputs)
    x = MyActivation()(x)  # Will pass the mask along
    outputs = layers.LSTM(3)(x)  # Will receive the mask
    model = keras.Model(inputs, outputs)
    _init(model)
    out["my_activation"] = _f(model.predict(ids, verbose=0))

    class TemporalSoftmax(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.supports_masking = True

        def call(self, inputs, mask=None):
            assert mask is not None
            broadcast_float_mask = ops.expand_dims(ops.cast(mask, "float32"), -1)
            inputs_exp = ops.exp(inputs) * broadcast_float_mask
            inputs_sum = ops.sum(inputs_exp * broadcast_float_mask, axis=-1, keepdims=True)
            return inputs_exp / inputs_sum

    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(input_dim=10, output_dim=32, mask_zero=True)(inputs)
    x = layers.Dense(1)(x)
    outputs = TemporalSoftmax()(x)
    model = keras.Model(inputs, outputs)
    _init(model)
    out["temporal_softmax"] = _f(model.predict(ids % 10, verbose=0)[..., 0])
    return out


# ---- guides/working_with_rnns.py ----------------------------------------------------------


@scenario
def rnn_guide_models(keras):
    """The guide's LSTM / GRU+SimpleRNN classifiers, the encoder-decoder with return_state
    and initial_state, Bidirectional: summaries and predictions."""
    layers = keras.layers
    out = {}
    model = keras.Sequential()
    model.add(keras.Input(shape=(None,), dtype="int32"))
    model.add(layers.Embedding(input_dim=100, output_dim=8))
    model.add(layers.LSTM(16))
    model.add(layers.Dense(10))
    out["lstm_summary"] = _summary(model)
    _init(model)
    ids = np.arange(12).reshape(2, 6) % 100
    out["lstm_pred"] = _f(model.predict(ids, verbose=0))

    model = keras.Sequential()
    model.add(keras.Input(shape=(None,), dtype="int32"))
    model.add(layers.Embedding(input_dim=100, output_dim=8))
    # The output of GRU will be a 3D tensor of shape (batch_size, timesteps, 256)
    model.add(layers.GRU(12, return_sequences=True))
    # The output of SimpleRNN will be a 2D tensor of shape (batch_size, 128)
    model.add(layers.SimpleRNN(10))
    model.add(layers.Dense(10))
    out["gru_summary"] = _summary(model)
    _init(model)
    out["gru_pred"] = _f(model.predict(ids, verbose=0))

    encoder_vocab = 100
    decoder_vocab = 200
    encoder_input = layers.Input(shape=(None,))
    encoder_embedded = layers.Embedding(input_dim=encoder_vocab, output_dim=8)(encoder_input)
    # Return states in addition to output
    output, state_h, state_c = layers.LSTM(8, return_state=True, name="encoder")(encoder_embedded)
    encoder_state = [state_h, state_c]
    decoder_input = layers.Input(shape=(None,))
    decoder_embedded = layers.Embedding(input_dim=decoder_vocab, output_dim=8)(decoder_input)
    # Pass the 2 states to a new LSTM layer, as initial state
    decoder_output = layers.LSTM(8, name="decoder")(decoder_embedded, initial_state=encoder_state)
    output = layers.Dense(10)(decoder_output)
    model = keras.Model([encoder_input, decoder_input], output)
    out["seq2seq_summary"] = _summary(model)
    _init(model)
    out["seq2seq_pred"] = _f(model.predict([ids, ids[:, :4] + 3], verbose=0))

    model = keras.Sequential()
    model.add(keras.Input(shape=(5, 10)))
    model.add(layers.Bidirectional(layers.LSTM(6, return_sequences=True)))
    model.add(layers.Bidirectional(layers.LSTM(4)))
    model.add(layers.Dense(10))
    out["bidi_summary"] = _summary(model)
    _init(model)
    x = np.linspace(-1, 1, 100).reshape(2, 5, 10).astype("float32")
    out["bidi_pred"] = _f(model.predict(x, verbose=0))
    out["bidi_config"] = _jsonable(model.layers[0].get_config())
    return out


@scenario
def rnn_guide_cells_and_state(keras):
    """LSTM vs RNN(LSTMCell) trained as the guide's build_model (with BatchNormalization);
    an LSTM's states reused as another's initial_state; a stateful LSTM called eagerly."""
    layers = keras.layers
    out = {}
    batch_size, input_dim, units, output_size = 16, 6, 8, 10

    def build_model(allow_cudnn_kernel=True):
        if allow_cudnn_kernel:
            # The LSTM layer with default options uses CuDNN.
            lstm_layer = keras.layers.LSTM(units, input_shape=(None, input_dim))
        else:
            # Wrapping a LSTMCell in a RNN layer will not use CuDNN.
            lstm_layer = keras.layers.RNN(
                keras.layers.LSTMCell(units), input_shape=(None, input_dim)
            )
        model = keras.models.Sequential(
            [
                lstm_layer,
                keras.layers.BatchNormalization(),
                keras.layers.Dense(output_size),
            ]
        )
        return model

    rng = np.random.default_rng(7)
    x_train = rng.normal(size=(48, 5, input_dim)).astype("float32")
    y_train = rng.integers(0, output_size, 48)
    for cudnn in (True, False):
        model = build_model(allow_cudnn_kernel=cudnn)
        model.compile(
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            optimizer="sgd",
            metrics=["accuracy"],
        )
        _init(model)
        history = model.fit(
            x_train,
            y_train,
            validation_data=(x_train[:16], y_train[:16]),
            batch_size=batch_size,
            epochs=2,
            shuffle=False,
            verbose=0,
        )
        key = "lstm" if cudnn else "rnn_cell"
        out[key] = _hist(history)
        out[key + "_paths"] = [w.path for w in model.weights]
    out["rnn_cell_summary"] = _summary(model)

    paragraph = rng.normal(size=(4, 3, 5)).astype("float32")
    lstm_layer = layers.LSTM(4, return_state=True)
    _, h, c = lstm_layer(paragraph)
    _init(lstm_layer)
    _, h, c = lstm_layer(paragraph)
    new_lstm_layer = layers.LSTM(4)
    new_lstm_layer(paragraph)
    _init(new_lstm_layer, seed=1)
    new_output = new_lstm_layer(paragraph, initial_state=[h, c])
    out["initial_state"] = _f(new_output)
    return out


@scenario
def rnn_guide_stateful(keras):
    """ "Cross-batch statefulness": a stateful LSTM called on three paragraphs, its
    `states`, `reset_states()`; "RNN State Reuse": a stateful layer's `states` passed as
    another LSTM's initial_state."""
    layers = keras.layers
    rng = np.random.default_rng(17)
    paragraph1, paragraph2, paragraph3 = (
        rng.random((4, 3, 5)).astype(np.float32) for _ in range(3)
    )
    out = {}

    def weighted(layer):
        layer.build((4, 3, 5))
        _init(layer)
        return layer

    lstm_layer = weighted(layers.LSTM(3, stateful=True))
    output = lstm_layer(paragraph1)
    out["output1"] = _f(output)
    output = lstm_layer(paragraph2)
    output = lstm_layer(paragraph3)
    out["output3"] = _f(output)
    out["states"] = [_f(_np(keras, s)) for s in lstm_layer.states]
    # reset_states() will reset the cached state to the original initial_state.
    # If no initial_state was provided, zero-states will be used by default.
    lstm_layer.reset_states()
    out["reset"] = [_f(_np(keras, s)) for s in lstm_layer.states]
    out["after_reset"] = _f(lstm_layer(paragraph1))

    lstm_layer = weighted(layers.LSTM(3, stateful=True))
    output = lstm_layer(paragraph1)
    output = lstm_layer(paragraph2)
    existing_state = lstm_layer.states
    new_lstm_layer = weighted(layers.LSTM(3))
    new_output = new_lstm_layer(paragraph3, initial_state=existing_state)
    out["reused"] = _f(new_output)
    return out


@torch_scenario
def subclassing_vae_training_loop(keras):
    """The subclassing guide's own training loop for its VAE: the reconstruction loss plus
    `sum(vae.losses)` (the KL term its call adds), gradients of the trainable weights,
    `optimizer.apply_gradients`, a Mean metric of the loss (sampling noise 0, as in
    subclassing_vae)."""
    ops, layers = keras.ops, keras.layers

    class Sampling(layers.Layer):
        def call(self, inputs):
            z_mean, z_log_var = inputs
            epsilon = ops.zeros_like(z_mean)
            return z_mean + ops.exp(0.5 * z_log_var) * epsilon

    class VariationalAutoEncoder(keras.Model):
        def __init__(self, original_dim, intermediate_dim=64, latent_dim=32, **kwargs):
            super().__init__(name="autoencoder", **kwargs)
            self.dense_proj = layers.Dense(intermediate_dim, activation="relu")
            self.dense_mean = layers.Dense(latent_dim)
            self.dense_log_var = layers.Dense(latent_dim)
            self.sampling = Sampling()
            self.dense_out_proj = layers.Dense(intermediate_dim, activation="relu")
            self.dense_output = layers.Dense(original_dim, activation="sigmoid")

        def call(self, inputs):
            x = self.dense_proj(inputs)
            z_mean = self.dense_mean(x)
            z_log_var = self.dense_log_var(x)
            z = self.sampling((z_mean, z_log_var))
            reconstructed = self.dense_output(self.dense_out_proj(z))
            # Add KL divergence regularization loss.
            kl_loss = -0.5 * ops.mean(z_log_var - ops.square(z_mean) - ops.exp(z_log_var) + 1)
            self.add_loss(kl_loss)
            return reconstructed

    rng = np.random.default_rng(18)
    x_train = (rng.random((32, 12)) > 0.5).astype("float32")
    vae = VariationalAutoEncoder(12, 8, 3)
    vae(x_train[:1])
    _init(vae)
    optimizer = keras.optimizers.Adam(learning_rate=1e-2)
    mse_loss_fn = keras.losses.MeanSquaredError()
    loss_metric = keras.metrics.Mean()
    losses = []
    for epoch in range(2):
        for step in range(4):
            x_batch_train = x_train[step * 8 : (step + 1) * 8]

            def loss_fn(batch=x_batch_train):
                reconstructed = vae(batch)
                # Compute reconstruction loss
                loss = mse_loss_fn(batch, reconstructed)
                loss += sum(vae.losses)  # Add KLD regularization loss
                return loss

            weights = vae.trainable_weights
            loss, grads = _grads(keras, loss_fn, weights)
            if keras.__name__ == "numkeras":
                optimizer.apply_gradients(zip(grads, weights))
            else:
                import torch

                with torch.no_grad():
                    optimizer.apply_gradients(zip(grads, weights))
            loss_metric(loss)
            losses.append(float(_np(keras, loss)))
    return {
        "losses": _f(losses),
        "mean": _f(loss_metric.result()),
        "predict": _f(_np(keras, vae(x_train[:2]))[:, :4]),
    }


# ---- keras_recipes ------------------------------------------------------------------------


@scenario
def recipe_antirectifier(keras):
    """keras_recipes/antirectifier.py at a reduced size (Dropout 0.5 -> 0)."""
    layers, ops = keras.layers, keras.ops

    class Antirectifier(layers.Layer):
        def __init__(self, initializer="he_normal", **kwargs):
            super().__init__(**kwargs)
            self.initializer = keras.initializers.get(initializer)

        def build(self, input_shape):
            output_dim = input_shape[-1]
            self.kernel = self.add_weight(
                shape=(output_dim * 2, output_dim),
                initializer=self.initializer,
                name="kernel",
                trainable=True,
            )

        def call(self, inputs):
            inputs -= ops.mean(inputs, axis=-1, keepdims=True)
            pos = ops.relu(inputs)
            neg = ops.relu(-inputs)
            concatenated = ops.concatenate([pos, neg], axis=-1)
            mixed = ops.matmul(concatenated, self.kernel)
            return mixed

        def get_config(self):
            # Implement get_config to enable serialization. This is optional.
            base_config = super().get_config()
            config = {"initializer": keras.initializers.serialize(self.initializer)}
            return dict(list(base_config.items()) + list(config.items()))

    rng = np.random.default_rng(9)
    x_train = rng.random((64, 36)).astype("float32")
    y_train = (x_train[:, :10].argmax(1)).astype("int64")
    model = keras.Sequential(
        [
            keras.Input(shape=(36,)),
            layers.Dense(16),
            Antirectifier(),
            layers.Dense(16),
            Antirectifier(),
            layers.Dropout(0.0),
            layers.Dense(10),
        ]
    )
    _init(model)
    predict0 = _f(model.predict(x_train[:2], verbose=0))
    model.compile(
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        optimizer=keras.optimizers.RMSprop(),
        metrics=[keras.metrics.SparseCategoricalAccuracy()],
    )
    history = model.fit(
        x_train, y_train, batch_size=16, epochs=2, validation_split=0.25, shuffle=False, verbose=0
    )
    return {
        "predict0": predict0,
        "history": _hist(history),
        "evaluate": _f(model.evaluate(x_train, y_train, verbose=0)),
        "summary": _summary(model),
        "config": _jsonable(model.layers[1].get_config()),
        "serialized": _jsonable(keras.layers.serialize(model.layers[1])),
    }


@scenario
def recipe_endpoint_layer(keras):
    """keras_recipes/endpoint_layer_pattern.py: a LogisticEndpoint layer adding its loss,
    a model taking the targets and sample weights as inputs, fit on a dict."""
    ops = keras.ops
    out = {}

    class LogisticEndpoint(keras.layers.Layer):
        def __init__(self, name=None):
            super().__init__(name=name)
            self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)

        def call(self, targets, logits, sample_weights=None):
            # Compute the training-time loss value and add it
            # to the layer using `self.add_loss()`.
            loss = self.loss_fn(targets, logits, sample_weights)
            self.add_loss(loss)

            # Return the inference-time prediction tensor (for `.predict()`).
            return ops.softmax(logits)

    layer = LogisticEndpoint()
    targets = ops.ones((2, 2))
    logits = ops.ones((2, 2))
    loss = layer(targets, logits)
    out["direct"] = [_f(loss), len(layer.losses), _f(layer.losses[0])]

    inputs = keras.Input((16,), name="inputs")
    logits = keras.layers.Dense(1)(inputs)
    targets = keras.Input((1,), name="targets")
    sample_weight = keras.Input((1,), name="sample_weight")
    preds = LogisticEndpoint()(targets, logits, sample_weight)
    model = keras.Model([inputs, targets, sample_weight], preds)
    _init(model)
    rng = np.random.default_rng(10)
    data = {
        "inputs": rng.random((40, 16)),
        "targets": rng.random((40, 1)),
        "sample_weight": rng.random((40, 1)),
    }
    model.compile(keras.optimizers.Adam(1e-3))
    out["history"] = _hist(model.fit(data, epochs=2, batch_size=16, shuffle=False, verbose=0))
    out["summary"] = _summary(model)
    out["predict"] = _f(model.predict(data, verbose=0)[:3])
    return out


@torch_scenario
def recipe_subclassing_conv_layers(keras):
    """keras_recipes/subclassing_conv_layers.py: a Conv2D whose convolution_op standardizes
    the kernel, beside a plain Conv2D (Keras 3.15 on JAX 0.7 fails on `ops.moments` of the
    kernel variable in a jitted step: torch runs it)."""
    layers, ops = keras.layers, keras.ops

    class StandardizedConv2DWithOverride(layers.Conv2D):
        def convolution_op(self, inputs, kernel):
            mean, var = ops.moments(kernel, axes=[0, 1, 2], keepdims=True)
            return ops.conv(
                inputs,
                (kernel - mean) / ops.sqrt(var + 1e-10),
                padding="valid",
                strides=list(self.strides),
                dilation_rate=list(self.dilation_rate),
            )

    class StandardizedConv2DWithCall(layers.Conv2D):
        def call(self, inputs):
            mean, var = ops.moments(self.kernel, axes=[0, 1, 2], keepdims=True)
            result = ops.conv(
                inputs,
                (self.kernel - mean) / ops.sqrt(var + 1e-10),
                padding="valid",
                strides=list(self.strides),
                dilation_rate=list(self.dilation_rate),
            )
            if self.use_bias:
                result = result + self.bias
            return result

    x, y = _images(32, size=12, channels=1, seed=1)
    x = x.astype("float32") / 255
    num_classes = 10
    input_shape = (12, 12, 1)
    model = keras.Sequential(
        [
            keras.layers.InputLayer(shape=input_shape),
            StandardizedConv2DWithCall(4, kernel_size=(3, 3), activation="relu"),
            layers.Conv2D(4, kernel_size=(3, 3), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            StandardizedConv2DWithOverride(4, kernel_size=(3, 3), activation="relu"),
            layers.Flatten(),
            layers.Dropout(0.0),
            layers.Dense(num_classes, activation="softmax"),
        ]
    )
    _init(model)
    predict0 = _f(model.predict(x[:2], verbose=0))
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    history = model.fit(
        x, y, batch_size=16, epochs=2, validation_split=0.25, shuffle=False, verbose=0
    )
    return {
        "predict0": predict0,
        "summary": _summary(model),
        "history": _hist(history),
        "predict": _f(model.predict(x[:2], verbose=0)),
    }


@scenario
def recipe_reproducibility(keras):
    """keras_recipes/reproducibility_recipes.py: set_random_seed gives the same initial
    weights and the same dropout masks twice (compared within the library)."""

    def run():
        keras.utils.set_random_seed(812)
        model = keras.Sequential(
            [
                keras.Input((6,)),
                keras.layers.Dense(4, activation="relu"),
                keras.layers.Dropout(0.5),
                keras.layers.Dense(1),
            ]
        )
        x = np.linspace(0, 1, 60).reshape(10, 6).astype("float32")
        weights = [w.copy() for w in model.get_weights()]
        drop = _np(keras, model.layers[1](np.ones((2, 4), "float32"), training=True))
        model.compile("sgd", "mse")
        history = model.fit(x, x[:, :1], epochs=2, batch_size=5, verbose=0)
        return weights, drop, history.history["loss"]

    w1, d1, h1 = run()
    w2, d2, h2 = run()
    return {
        "same_weights": all(np.array_equal(a, b) for a, b in zip(w1, w2)),
        "same_dropout": bool(np.array_equal(d1, d2)),
        "same_history": h1 == h2,
        "dropout_values": sorted({float(v) for v in d1.ravel()}),
    }


@scenario
def recipe_sample_size_estimate(keras):
    """keras_recipes/sample_size_estimate.py (small): a model re-initialized for each
    training-set size by get_weights / set_weights, its accuracy on a held-out set."""
    layers = keras.layers
    x, y = _images(60, size=12, channels=3, seed=2)
    x = x.astype("float32") / 255

    def build_model(num_classes, img_size=12, image_size=12):
        model = keras.Sequential(
            [
                keras.Input((img_size, image_size, 3)),
                layers.Conv2D(4, 3, activation="relu"),
                layers.GlobalAveragePooling2D(),
                layers.Dense(num_classes, activation="softmax"),
            ]
        )
        model.compile(
            loss="categorical_crossentropy",
            optimizer=keras.optimizers.Adam(1e-3),
            metrics=["accuracy"],
        )
        return model

    model = build_model(10)
    _init(model)
    initial_weights = model.get_weights()
    y_cat = keras.utils.to_categorical(y, 10)
    accs = []
    for n in (20, 40):
        model.set_weights(initial_weights)
        model.fit(x[:n], y_cat[:n], batch_size=10, epochs=2, shuffle=False, verbose=0)
        accs.append(model.evaluate(x[40:], y_cat[40:], verbose=0))
    return {"evaluate": _f(accs)}


@scenario
def recipe_sklearn_metric_callback(keras):
    """keras_recipes/sklearn_metric_callbacks.py: a callback computing a score on the
    validation data at each epoch end (the metric written with NumPy here, for no
    scikit-learn)."""
    layers = keras.layers

    class JaccardScoreCallback(keras.callbacks.Callback):
        """Computes the Jaccard score and logs the results to TensorBoard."""

        def __init__(self, name, x_test, y_test, log_dir):
            self.x_test = x_test
            self.y_test = y_test
            self.keras_metric = keras.metrics.Mean("jaccard_score")
            self.epoch = 0
            self.scores = []

        def on_epoch_end(self, batch, logs=None):
            self.epoch += 1
            self.keras_metric.reset_state()
            predictions = self.model.predict(self.x_test, verbose=0)
            y_pred = np.argmax(predictions, axis=-1)
            inter = [np.sum((y_pred == c) & (self.y_test == c)) for c in range(3)]
            union = [np.sum((y_pred == c) | (self.y_test == c)) for c in range(3)]
            score = float(np.mean([i / u if u else 0.0 for i, u in zip(inter, union)]))
            self.keras_metric.update_state(score)
            self._write_metric(self.keras_metric.name, float(self.keras_metric.result()))

        def _write_metric(self, name, value):
            self.scores.append((name, round(value, 6)))

    rng = np.random.default_rng(11)
    x = rng.normal(size=(60, 5)).astype("float32")
    y = x[:, :3].argmax(1)
    model = keras.Sequential(
        [
            keras.Input((5,)),
            layers.Dense(8, activation="relu"),
            layers.Dense(3, activation="softmax"),
        ]
    )
    _init(model)
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    callbacks = [JaccardScoreCallback(model.name, x[40:], y[40:], "logs")]
    history = model.fit(
        x[:40], y[:40], batch_size=10, epochs=3, shuffle=False, callbacks=callbacks, verbose=0
    )
    return {"history": _hist(history), "scores": callbacks[0].scores}


# ---- examples -----------------------------------------------------------------------------


def _images(n, size=28, channels=None, seed=0):
    """MNIST-like uint8 images: blobs at a label-dependent place, plus noise."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 10, n)
    yy, xx = np.mgrid[0:size, 0:size]
    x = np.empty((n, size, size), "float64")
    for i, label in enumerate(y):
        cy, cx = 2 + (label % 5) * (size - 4) / 4, 3 + (label // 5) * (size - 6)
        x[i] = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / 6.0)
    x = np.clip(x * 230 + rng.normal(0, 20, x.shape), 0, 255).astype("uint8")
    if channels:
        x = np.repeat(x[..., None], channels, axis=-1)
    return x, y.astype("uint8")


@scenario
def example_mnist_convnet(keras):
    """vision/mnist_convnet.py at 14x14 (Dropout 0.5 -> 0): summary, fit with
    validation_split, evaluate."""
    layers = keras.layers
    num_classes = 10
    input_shape = (14, 14, 1)
    x_train, y_train = _images(64, size=14, seed=3)
    # Scale images to the [0, 1] range
    x_train = x_train.astype("float32") / 255
    # Make sure images have shape (28, 28, 1)
    x_train = np.expand_dims(x_train, -1)
    y_train = keras.utils.to_categorical(y_train, num_classes)
    model = keras.Sequential(
        [
            keras.Input(shape=input_shape),
            layers.Conv2D(8, kernel_size=(3, 3), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Conv2D(8, kernel_size=(3, 3), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Flatten(),
            layers.Dropout(0.0),
            layers.Dense(num_classes, activation="softmax"),
        ]
    )
    _init(model)
    batch_size = 16
    epochs = 2
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    history = model.fit(
        x_train,
        y_train,
        batch_size=batch_size,
        epochs=epochs,
        validation_split=0.1,
        shuffle=False,
        verbose=0,
    )
    score = model.evaluate(x_train, y_train, verbose=0)
    return {"summary": _summary(model), "history": _hist(history), "score": _f(score)}


@tf_scenario
def example_text_classification(keras):
    """nlp/text_classification_from_scratch.py on in-memory strings: a custom
    standardization, TextVectorization adapted, the Conv1D model, then the end-to-end
    model taking raw strings."""
    import re
    import string

    layers, ops = keras.layers, keras.ops
    texts = [
        "A <br /> great film, truly GREAT!",
        "terrible plot; awful acting.",
        "I loved it. Great cast",
        "Boring, boring, boring...",
        "what a wonderful movie",
        "the worst film of the year",
        "great great great",
        "awful: I left early",
    ]
    labels = np.array([1, 0, 1, 0, 1, 0, 1, 0])

    def custom_standardization(input_data):
        lowercase = keras.ops.convert_to_tensor(input_data) if False else input_data
        return lowercase

    # (the example's tf.strings standardization, here with TextVectorization's own
    # lower_and_strip_punctuation after a <br /> replacement done in Python)
    cleaned = [re.sub("<br />", " ", t) for t in texts]
    max_features = 30
    embedding_dim = 8
    sequence_length = 10
    vectorize_layer = keras.layers.TextVectorization(
        standardize="lower_and_strip_punctuation",
        max_tokens=max_features,
        output_mode="int",
        output_sequence_length=sequence_length,
    )
    vectorize_layer.adapt(cleaned)
    vocab = vectorize_layer.get_vocabulary()
    x = _np(keras, vectorize_layer(cleaned))

    inputs = keras.Input(shape=(None,), dtype="int64")
    h = layers.Embedding(max_features, embedding_dim)(inputs)
    h = layers.Dropout(0.0)(h)
    h = layers.Conv1D(8, 3, padding="valid", activation="relu", strides=1)(h)
    h = layers.Conv1D(8, 3, padding="valid", activation="relu", strides=1)(h)
    h = layers.GlobalMaxPooling1D()(h)
    h = layers.Dense(8, activation="relu")(h)
    h = layers.Dropout(0.0)(h)
    predictions = layers.Dense(1, activation="sigmoid", name="predictions")(h)
    model = keras.Model(inputs, predictions)
    _init(model)
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    history = model.fit(x, labels, epochs=3, batch_size=4, shuffle=False, verbose=0)

    # A string input
    inputs = keras.Input(shape=(1,), dtype="string")
    # Turn strings into vocab indices
    indices = vectorize_layer(inputs)
    # Turn vocab indices into predictions
    outputs = model(indices)
    end_to_end_model = keras.Model(inputs, outputs)
    end_to_end_model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    raw = [[t] for t in cleaned]
    _ = ops, string, custom_standardization
    return {
        "vocab": vocab,
        "x": x.tolist(),
        "history": _hist(history),
        "summary": _summary(model),
        # (called on a string tensor: Keras's data adapters take no NumPy strings)
        "end_to_end": _f(_np(keras, end_to_end_model(keras.ops.convert_to_tensor(raw)))),
    }


@tf_scenario
def example_pretrained_embeddings(keras):
    """nlp/pretrained_word_embeddings.py (tiny): a TextVectorization vocabulary, a word
    index, an embedding matrix (random here, for GloVe) loaded through
    embeddings_initializer=Constant and trainable=False, the Conv1D classifier."""
    layers = keras.layers
    texts = ["the cat sat", "a dog ran far", "cats and dogs", "the dog sat", "a cat ran"]
    labels = np.array([0, 1, 2, 1, 0])
    vectorizer = layers.TextVectorization(max_tokens=20, output_sequence_length=6)
    vectorizer.adapt(texts)
    voc = vectorizer.get_vocabulary()
    word_index = dict(zip(voc, range(len(voc))))
    num_tokens = len(voc) + 2
    embedding_dim = 5
    rng = np.random.default_rng(12)
    embedding_matrix = np.zeros((num_tokens, embedding_dim))
    for word, i in word_index.items():
        if i > 1:
            embedding_matrix[i] = rng.normal(size=embedding_dim)
    embedding_layer = layers.Embedding(
        num_tokens,
        embedding_dim,
        trainable=False,
    )
    embedding_layer.build((1,))
    embedding_layer.set_weights([embedding_matrix])
    int_sequences_input = keras.Input(shape=(None,), dtype="int32")
    embedded_sequences = embedding_layer(int_sequences_input)
    x = layers.Conv1D(4, 2, activation="relu")(embedded_sequences)
    x = layers.MaxPooling1D(2)(x)
    x = layers.GlobalMaxPooling1D()(x)
    x = layers.Dense(4, activation="relu")(x)
    x = layers.Dropout(0.0)(x)
    preds = layers.Dense(3, activation="softmax")(x)
    model = keras.Model(int_sequences_input, preds)
    _init(model)
    ids = _np(keras, vectorizer(np.array(texts)))
    model.compile(loss="sparse_categorical_crossentropy", optimizer="rmsprop", metrics=["acc"])
    history = model.fit(ids, labels, batch_size=2, epochs=2, shuffle=False, verbose=0)
    return {
        "word_index": word_index,
        "summary": _summary(model),
        "history": _hist(history),
        "embedding_unchanged": bool(
            np.allclose(embedding_layer.get_weights()[0], embedding_matrix)
        ),
    }


@tf_scenario
def example_structured_preprocessing(keras):
    """structured_data (wide & deep style): Normalization, StringLookup and IntegerLookup
    adapted on columns, one-hot / multi-hot encodings concatenated into a wide and a deep
    branch."""
    layers = keras.layers
    rng = np.random.default_rng(13)
    n = 40
    age = rng.integers(20, 70, (n, 1)).astype("float32")
    hours = rng.normal(40, 8, (n, 1)).astype("float32")
    job = rng.choice(["tech", "sales", "admin", "farm"], (n, 1))
    grade = rng.integers(1, 5, (n, 1))
    y = ((age[:, 0] > 40) ^ (job[:, 0] == "tech")).astype("float32")

    norm = layers.Normalization()
    norm.adapt(np.concatenate([age, hours], axis=1))
    job_lookup = layers.StringLookup(output_mode="one_hot")
    job_lookup.adapt(job)
    grade_lookup = layers.IntegerLookup(output_mode="multi_hot", num_oov_indices=1)
    grade_lookup.adapt(grade)

    # the preprocessing in its own model, run on the data (as the example's dataset map);
    # the trained model takes its encodings
    job_in = keras.Input((1,), dtype="string", name="job")
    grade_in = keras.Input((1,), dtype="int64", name="grade")
    cats = layers.concatenate([job_lookup(job_in), grade_lookup(grade_in)])
    preprocessor = keras.Model([job_in, grade_in], cats)
    to_tensor = keras.ops.convert_to_tensor
    encoded = _np(keras, preprocessor([to_tensor(job), to_tensor(grade)]))
    numeric_data = _np(keras, norm(np.concatenate([age, hours], axis=1)))

    num_in = keras.Input((2,), name="num")
    cat_in = keras.Input((encoded.shape[1],), name="cats")
    wide = layers.Dense(1)(cat_in)
    deep = layers.Dense(6, activation="relu")(layers.concatenate([num_in, cat_in]))
    deep = layers.Dense(1)(deep)
    output = layers.Activation("sigmoid")(layers.add([wide, deep]))
    model = keras.Model([num_in, cat_in], output)
    _init(model)
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    inputs = {"num": numeric_data, "cats": encoded}
    history = model.fit(inputs, y, batch_size=10, epochs=2, shuffle=False, verbose=0)
    tmp = _tmpdir()
    path = os.path.join(tmp, "wide_deep.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    return {
        "encoded": encoded[:5].tolist(),
        "numeric": _f(numeric_data[:3]),
        "preprocessor_config": _jsonable(preprocessor.get_config()),
        "norm": [_f(norm.mean), _f(norm.variance, 3)],
        "job_vocab": job_lookup.get_vocabulary(),
        "grade_vocab": [
            int(v) if not isinstance(v, str) else v for v in grade_lookup.get_vocabulary()
        ],
        "summary": _summary(model),
        "history": _hist(history),
        "loaded_predict": _f(loaded.predict(inputs, verbose=0)[:4]),
        "predict": _f(model.predict(inputs, verbose=0)[:4]),
    }


@scenario
def example_conv_lstm(keras):
    """vision/conv_lstm.py (tiny: 4 frames of 8x8, 3 filters): three ConvLSTM2D with
    BatchNormalization, a Conv3D, next-frame prediction trained with binary
    crossentropy."""
    layers = keras.layers
    rng = np.random.default_rng(16)
    frames = (rng.random((8, 5, 8, 8, 1)) > 0.7).astype("float32")
    x_train, y_train = frames[:, :-1], frames[:, 1:]
    # Construct the input layer with no definite frame size.
    inp = layers.Input(shape=(None, *x_train.shape[2:]))
    # We will construct 3 `ConvLSTM2D` layers with batch normalization,
    # followed by a `Conv3D` layer for the spatiotemporal outputs.
    x = layers.ConvLSTM2D(
        filters=3,
        kernel_size=(5, 5),
        padding="same",
        return_sequences=True,
        activation="relu",
    )(inp)
    x = layers.BatchNormalization()(x)
    x = layers.ConvLSTM2D(
        filters=3,
        kernel_size=(3, 3),
        padding="same",
        return_sequences=True,
        activation="relu",
    )(x)
    x = layers.BatchNormalization()(x)
    x = layers.ConvLSTM2D(
        filters=3,
        kernel_size=(1, 1),
        padding="same",
        return_sequences=True,
        activation="relu",
    )(x)
    x = layers.Conv3D(filters=1, kernel_size=(3, 3, 3), activation="sigmoid", padding="same")(x)
    # Next, we will build the complete model and compile it.
    model = keras.models.Model(inp, x)
    _init(model)
    model.compile(loss=keras.losses.binary_crossentropy, optimizer=keras.optimizers.Adam())
    history = model.fit(
        x_train,
        y_train,
        batch_size=4,
        epochs=2,
        shuffle=False,
        validation_data=(x_train[:4], y_train[:4]),
        verbose=0,
    )
    return {
        "summary": _summary(model),
        "history": _hist(history),
        "predict": _f(model.predict(x_train[:1], verbose=0)[0, :, 0, :3, 0]),
    }


@torch_scenario
def example_vae_train_step(keras):
    """generative/vae.py at 8x8: the conv encoder with Sampling, the Conv2DTranspose
    decoder, a VAE model with its trackers and a train_step adding the KL term. The
    sampling noise is a deterministic stand-in computed with ops (changed from
    keras.random.normal), so both runs see the same numbers."""
    layers, ops = keras.layers, keras.ops

    class Sampling(layers.Layer):
        """Uses (z_mean, z_log_var) to sample z, the vector encoding a digit."""

        def call(self, inputs):
            z_mean, z_log_var = inputs
            batch = ops.shape(z_mean)[0]
            dim = ops.shape(z_mean)[1]
            _ = batch, dim
            epsilon = ops.stop_gradient(ops.sin(z_mean * 1000.0 + z_log_var * 300.0))
            return z_mean + ops.exp(0.5 * z_log_var) * epsilon

    latent_dim = 2
    encoder_inputs = keras.Input(shape=(8, 8, 1))
    x = layers.Conv2D(4, 3, activation="relu", strides=2, padding="same")(encoder_inputs)
    x = layers.Conv2D(4, 3, activation="relu", strides=2, padding="same")(x)
    x = layers.Flatten()(x)
    x = layers.Dense(6, activation="relu")(x)
    z_mean = layers.Dense(latent_dim, name="z_mean")(x)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(x)
    z = Sampling()([z_mean, z_log_var])
    encoder = keras.Model(encoder_inputs, [z_mean, z_log_var, z], name="encoder")

    latent_inputs = keras.Input(shape=(latent_dim,))
    x = layers.Dense(2 * 2 * 4, activation="relu")(latent_inputs)
    x = layers.Reshape((2, 2, 4))(x)
    x = layers.Conv2DTranspose(4, 3, activation="relu", strides=2, padding="same")(x)
    x = layers.Conv2DTranspose(4, 3, activation="relu", strides=2, padding="same")(x)
    decoder_outputs = layers.Conv2DTranspose(1, 3, activation="sigmoid", padding="same")(x)
    decoder = keras.Model(latent_inputs, decoder_outputs, name="decoder")
    _init(encoder, seed=3)
    _init(decoder, seed=4)

    class VAE(keras.Model):
        def __init__(self, encoder, decoder, **kwargs):
            super().__init__(**kwargs)
            self.encoder = encoder
            self.decoder = decoder
            self.total_loss_tracker = keras.metrics.Mean(name="total_loss")
            self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
            self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")

        @property
        def metrics(self):
            return [
                self.total_loss_tracker,
                self.reconstruction_loss_tracker,
                self.kl_loss_tracker,
            ]

        def call(self, x):  # (added: Keras 3.15 on torch cannot build a model without)
            return self.decoder(self.encoder(x)[2])

        def train_step(self, data):
            parts = {}

            def loss_fn():
                z_mean, z_log_var, z = self.encoder(data)
                reconstruction = self.decoder(z)
                reconstruction_loss = ops.mean(
                    ops.sum(
                        keras.losses.binary_crossentropy(data, reconstruction),
                        axis=(1, 2),
                    )
                )
                kl_loss = -0.5 * (1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var))
                kl_loss = ops.mean(ops.sum(kl_loss, axis=1))
                parts["reconstruction"], parts["kl"] = reconstruction_loss, kl_loss
                return reconstruction_loss + kl_loss

            weights = self.trainable_weights
            total_loss, grads = _grads(keras, loss_fn, weights)
            _apply(keras, self.optimizer, grads, weights)
            self.total_loss_tracker.update_state(total_loss)
            self.reconstruction_loss_tracker.update_state(parts["reconstruction"])
            self.kl_loss_tracker.update_state(parts["kl"])
            return {
                "loss": self.total_loss_tracker.result(),
                "reconstruction_loss": self.reconstruction_loss_tracker.result(),
                "kl_loss": self.kl_loss_tracker.result(),
            }

    x, _ = _images(32, size=8, seed=5)
    mnist_digits = np.expand_dims(x, -1).astype("float32") / 255
    vae = VAE(encoder, decoder)
    vae.compile(optimizer=keras.optimizers.Adam())
    history = vae.fit(mnist_digits, epochs=2, batch_size=16, shuffle=False, verbose=0)
    z_mean, _, _ = encoder.predict(mnist_digits[:2], verbose=0)
    return {
        "history": _hist(history),
        "z_mean": _f(z_mean),
        "encoder_summary": _summary(encoder),
        "decoder_summary": _summary(decoder),
    }


if __name__ == "__main__":
    SCENARIOS.write(OUT, sys.argv[1:] or None)

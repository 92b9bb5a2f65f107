"""Goldens for tests/layers/test_docstring_layers.py: the usage examples in Keras 3.15's
layer docstrings (keras/src/layers/**), the snippets users copy first, run as written
where they are complete, with small deterministic data where they say `x = ...`, and with
weights set from a fixed generator where the example's output depends on random weights
(so numkeras and Keras give the same values).

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values: output shapes, values (rounded sums and a few entries for big
outputs), weight names and shapes, and for the dict inputs of the image augmentation
layers (`{"images", "labels", "segmentation_masks"}`, the docstrings' template) what comes
back under each key.

Run with Keras 3 and JAX installed (writes tests/goldens/docstring_layers.json):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_docstring_layers.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "docstring_layers.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


# -- helpers ---------------------------------------------------------------------------
def arr(x, full: int = 48) -> dict:
    """Shape and values of an output: all values when small, else the sum, the mean of
    the absolute values and the first 6 (float64, rounded)."""
    a = np.asarray(x)
    out = {"shape": list(a.shape)}
    v = a.astype("float64")
    if a.size <= full:
        out["values"] = np.round(v, 5).tolist()
    else:
        flat = v.ravel()
        out["sum"] = round(float(flat.sum()), 3)
        out["abs_mean"] = round(float(np.abs(flat).mean()), 5)
        out["head"] = np.round(flat[:6], 5).tolist()
    return out


def arr_dtype(x) -> dict:
    return {**arr(x), "dtype": str(np.asarray(x).dtype)}


def set_weights(layer, seed: int = 0, scale: float = 0.3):
    """Weights from a fixed generator (in `get_weights` order), so outputs are comparable."""
    rng = np.random.default_rng(seed)
    layer.set_weights(
        [rng.normal(0, scale, w.shape).astype("float32") for w in layer.get_weights()]
    )
    return layer


def weights(layer) -> list:
    return [[w.path, list(w.shape)] for w in layer.weights]


def data(*shape, seed: int = 0):
    return np.random.default_rng(seed).random(shape).astype("float32")


# -- activations -----------------------------------------------------------------------
@scenario
def activations(keras):
    x = np.array([-3.0, -1.0, 0.0, 2.0])
    y = np.array([-10, -5, 0.0, 5, 10])
    relu = keras.layers.ReLU(max_value=10, negative_slope=0.5, threshold=0)
    return {
        "Activation_relu": arr(keras.layers.Activation("relu")(x)),
        "Activation_fn": arr(keras.layers.Activation(keras.activations.relu)(x)),
        "LeakyReLU": arr(keras.layers.LeakyReLU(negative_slope=0.5)(y)),
        "ReLU": arr(relu(y)),
        "Softmax": arr(keras.layers.Softmax()(np.array([1.0, 2.0, 1.0]))),
    }


# -- convolutional ---------------------------------------------------------------------
@scenario
def convolutions(keras):
    """The docstrings' shapes (`np.random.rand` inputs, smaller channels), with set weights."""
    L = keras.layers
    cases = {
        "Conv1D": (L.Conv1D(4, 3, activation="relu"), (4, 10, 6)),
        "Conv1DTranspose": (L.Conv1DTranspose(4, 3, 2, activation="relu"), (4, 10, 6)),
        "Conv2D": (L.Conv2D(4, 3, activation="relu"), (4, 10, 10, 6)),
        "Conv2DTranspose": (L.Conv2DTranspose(4, 2, 2, activation="relu"), (4, 10, 8, 6)),
        "Conv3D": (L.Conv3D(4, 3, activation="relu"), (2, 6, 6, 6, 3)),
        "Conv3DTranspose": (L.Conv3DTranspose(4, 2, 2, activation="relu"), (2, 5, 4, 6, 3)),
        "DepthwiseConv1D": (
            L.DepthwiseConv1D(3, 2, depth_multiplier=3, activation="relu"),
            (4, 10, 5),
        ),
        "DepthwiseConv2D": (L.DepthwiseConv2D(kernel_size=3, activation="relu"), (4, 10, 10, 5)),
        "SeparableConv1D": (
            L.SeparableConv1D(3, 4, 3, depth_multiplier=2, activation="relu"),
            (4, 10, 5),
        ),
        "SeparableConv2D": (
            L.SeparableConv2D(3, 4, 3, depth_multiplier=2, activation="relu"),
            (4, 10, 10, 5),
        ),
    }
    out = {}
    for i, (name, (layer, shape)) in enumerate(cases.items()):
        x = data(*shape, seed=i)
        layer.build(x.shape)
        set_weights(layer, i)
        out[name] = {"y": arr(layer(x)), "weights": [list(w.shape) for w in layer.weights]}
    return out


@scenario
def conv_positional_padding_error(keras):
    """`DepthwiseConv1D(3, 3, 2)` (as the docstring writes it) passes padding=2: an error
    (Keras's is an AttributeError from `2.lower()`; numkeras's a ValueError), never a layer."""
    try:
        keras.layers.SeparableConv2D(3, 4, 3, 2, activation="relu")(data(4, 10, 10, 12))
    except Exception:  # noqa: BLE001 - only that it fails
        return "raised"
    return "ok"


# -- core ------------------------------------------------------------------------------
@scenario
def einsum_dense(keras):
    """The first and third examples (the second's symbolic shape is numkeras's own: Keras
    leaves the axis that `output_shape` says None as None, numkeras gives the input's)."""
    first = keras.layers.EinsumDense("ab,bc->ac", output_shape=64, bias_axes="c")
    third = keras.layers.EinsumDense("...x,xy->...y", output_shape=64, bias_axes="y")
    a = first(keras.Input(shape=[32]))
    b = third(keras.Input(shape=[32, 128]))
    second = keras.layers.EinsumDense("abc,cd->abd", output_shape=(None, 64), bias_axes="d")
    x = data(2, 32, 128)
    return {
        "first": list(a.shape),
        "third": list(b.shape),
        "weights": [weights(first), weights(third)],
        "second_eager": list(np.asarray(second(x)).shape),
    }


@scenario
def embedding_predict(keras):
    model = keras.Sequential()
    model.add(keras.layers.Embedding(1000, 64))
    input_array = np.random.default_rng(0).integers(1000, size=(32, 10))
    model.compile("rmsprop", "mse")
    out = model.predict(input_array, verbose=0)
    emb = model.layers[0]
    set_weights(emb)
    return {
        "shape": list(out.shape),
        "dtype": str(out.dtype),
        "set": arr(model.predict(input_array, verbose=0)),
        "weights": weights(emb),
    }


@scenario
def masking_lstm(keras):
    samples, timesteps, features = 4, 10, 3
    inputs = data(samples, timesteps, features)
    inputs[:, 3, :] = 0.0
    inputs[:, 5, :] = 0.0
    model = keras.models.Sequential()
    model.add(keras.layers.Masking(mask_value=0.0))
    model.add(keras.layers.LSTM(5))
    model.build((None, timesteps, features))
    set_weights(model)
    skipped = inputs.copy()
    skipped[:, 3, :] = 7.0  # (a masked step's values must not matter once it is masked)
    keep = np.delete(inputs, [3, 5], axis=1)
    unmasked = keras.Sequential([keras.Input((None, features)), keras.layers.LSTM(5)])
    unmasked.set_weights(model.get_weights())
    return {"output": arr(model(inputs)), "same_as_dropped": arr(unmasked(keep))}


@scenario
def reversible_embedding(keras):
    token_ids = np.random.default_rng(0).integers(20, size=(2, 5))
    embedding = keras.layers.ReversibleEmbedding(20, 4)
    embedding.build((2, 5))
    set_weights(embedding)
    hidden_states = embedding(token_ids)
    logits = embedding(hidden_states, reverse=True)
    return {"hidden": arr(hidden_states), "logits": arr(logits), "weights": weights(embedding)}


@scenario
def lambda_square(keras):
    model = keras.Sequential([keras.Input((3,))])
    model.add(keras.layers.Lambda(lambda x: x**2))
    return {"y": arr(model(np.array([[1.0, -2.0, 3.0]]))), "output_shape": list(model.output_shape)}


@scenario
def layer_subclass_examples(keras):
    """The `Layer` docstring's SimpleDense and ComputeSum, their asserts as values."""
    Layer, ops = keras.layers.Layer, keras.ops

    class SimpleDense(Layer):
        def __init__(self, units=32):
            super().__init__()
            self.units = units

        def build(self, input_shape):
            self.kernel = self.add_weight(
                shape=(input_shape[-1], self.units), initializer="glorot_uniform", name="kernel"
            )
            self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

        def call(self, inputs):
            return ops.matmul(inputs, self.kernel) + self.bias

    class ComputeSum(Layer):
        def __init__(self, input_dim):
            super().__init__()
            self.total = self.add_weight(
                shape=(), initializer="zeros", trainable=False, name="total"
            )

        def call(self, inputs):
            self.total.assign(self.total + ops.sum(inputs))
            return self.total

    linear_layer = SimpleDense(4)
    linear_layer(ops.ones((2, 2)))
    set_weights(linear_layer)
    my_sum = ComputeSum(2)
    first = my_sum(ops.ones((2, 2)))
    second = my_sum(ops.ones((2, 2)))
    return {
        "dense": arr(linear_layer(np.array([[1.0, 2.0], [3.0, -1.0]]))),
        "dense_weights": [[w.name, list(w.shape)] for w in linear_layer.weights],
        "trainable": len(linear_layer.trainable_weights),
        "sum": [float(np.asarray(first)), float(np.asarray(second))],
        "sum_lists": [
            my_sum.weights == [my_sum.total],
            my_sum.non_trainable_weights == [my_sum.total],
            my_sum.trainable_weights == [],
        ],
    }


@scenario
def input_spec_example(keras):
    """The `InputSpec` docstring's layer (shape (None, 28, 28, 1), last axis squeezable)
    on several inputs, and InputSpec's repr and config."""
    L = keras.layers

    class MyLayer(L.Layer):
        def __init__(self):
            super().__init__()
            self.input_spec = L.InputSpec(shape=(None, 28, 28, 1), allow_last_axis_squeeze=True)

        def call(self, x):
            return x * 2

    out = {
        str(shape): builtin_error(lambda s=shape: MyLayer()(np.ones(s, "float32")))
        for shape in [(2, 28, 28), (2, 28, 28, 1), (2, 28, 27, 1)]
    }
    specs = [
        L.InputSpec(shape=(None, 28, 28, 1), allow_last_axis_squeeze=True, name="x"),
        L.InputSpec(ndim=3),
        L.InputSpec(min_ndim=2, axes={-1: 8}),
        L.InputSpec(dtype="float32", max_ndim=4),
        L.InputSpec(shape=(None, 3), optional=True),
    ]
    out["specs"] = [
        [repr(spec), spec.get_config(), repr(L.InputSpec.from_config(spec.get_config()))]
        for spec in specs
    ]
    return out


# -- merging ---------------------------------------------------------------------------
@scenario
def merging_arrays(keras):
    x1, x2 = data(2, 3, 4, seed=1), data(2, 3, 4, seed=2)
    L = keras.layers
    out = {}
    for name in ("Add", "Average", "Maximum", "Minimum", "Multiply", "Subtract"):
        out[name] = arr(getattr(L, name)()([x1, x2]))
        out[name.lower()] = arr(getattr(L, name.lower())([x1, x2]))
    x = np.arange(20, dtype="float32").reshape(2, 2, 5)
    y = np.arange(20, 30, dtype="float32").reshape(2, 1, 5)
    out["Concatenate"] = arr(L.Concatenate(axis=1)([x, y]))
    a = np.arange(10, dtype="float32").reshape(1, 5, 2)
    b = np.arange(10, 20, dtype="float32").reshape(1, 2, 5)
    out["Dot"] = arr(L.Dot(axes=(1, 2))([a, b]))
    return out


@scenario
def merging_models(keras):
    """The docstrings' two-branch models (Dense 16 -> 8 and 32 -> 8, merged, Dense 4)."""
    out = {}
    for name in ("Add", "Average", "Maximum", "Minimum", "Multiply", "Subtract"):
        keras.utils.clear_session()
        input1 = keras.layers.Input(shape=(16,))
        x1 = keras.layers.Dense(8, activation="relu")(input1)
        input2 = keras.layers.Input(shape=(32,))
        x2 = keras.layers.Dense(8, activation="relu")(input2)
        merged = getattr(keras.layers, name)()([x1, x2])
        model = keras.models.Model(inputs=[input1, input2], outputs=keras.layers.Dense(4)(merged))
        set_weights(model)
        y = model([data(2, 16, seed=3), data(2, 32, seed=4)])
        out[name] = {
            "y": arr(y),
            "output_shape": list(model.output_shape),
            "layers": [layer.name for layer in model.layers],
        }
    x1 = keras.layers.Dense(8)(np.arange(10, dtype="float32").reshape(5, 2))
    x2 = keras.layers.Dense(8)(np.arange(10, 20, dtype="float32").reshape(5, 2))
    out["Concatenate_shape"] = list(np.asarray(keras.layers.Concatenate()([x1, x2])).shape)
    out["Dot_shape"] = list(np.asarray(keras.layers.Dot(axes=1)([x1, x2])).shape)
    return out


# -- normalization ---------------------------------------------------------------------
@scenario
def normalization_layers(keras):
    layer = keras.layers.LayerNormalization(axis=[1, 2, 3])
    layer.build([5, 20, 30, 40])
    rms = keras.layers.RMSNormalization()
    rms.build([5, 20, 30, 10])
    x = data(1, 10)
    unit = keras.layers.UnitNormalization()(np.arange(6, dtype="float32").reshape(2, 3))
    conv = keras.layers.SpectralNormalization(keras.layers.Conv2D(2, 2))
    dense = keras.layers.SpectralNormalization(keras.layers.Dense(10))
    return {
        "ln": [list(layer.beta.shape), list(layer.gamma.shape)],
        "rms_scale": list(rms.scale.shape),
        "rms": arr(keras.layers.RMSNormalization()(x)),
        "unit": arr(unit),
        "unit_sum": round(float(np.sum(np.asarray(unit)[0, :] ** 2)), 5),
        "spectral_conv": list(np.asarray(conv(data(1, 10, 10, 1))).shape),
        "spectral_dense": list(np.asarray(dense(data(1, 10, 10, 1))).shape),
        "spectral_weights": [w.path.split("/", 1)[1] for w in dense.weights],
    }


# -- pooling ---------------------------------------------------------------------------
@scenario
def pooling_examples(keras):
    L = keras.layers
    x1 = np.reshape(np.array([1.0, 2.0, 3.0, 4.0, 5.0]), [1, 5, 1])
    x33 = np.reshape(np.arange(1.0, 10.0), [1, 3, 3, 1])
    x34 = np.reshape(np.arange(1.0, 13.0), [1, 3, 4, 1])
    out = {}
    for kind in ("Average", "Max"):
        p1 = getattr(L, f"{kind}Pooling1D")
        p2 = getattr(L, f"{kind}Pooling2D")
        out[kind] = [
            arr(p1(pool_size=2, strides=1, padding="valid")(x1)),
            arr(p1(pool_size=2, strides=2, padding="valid")(x1)),
            arr(p1(pool_size=2, strides=1, padding="same")(x1)),
            arr(p2(pool_size=(2, 2), strides=(1, 1), padding="valid")(x33)),
            arr(p2(pool_size=(2, 2), strides=(2, 2), padding="valid")(x34)),
            arr(p2(pool_size=(2, 2), strides=(1, 1), padding="same")(x33)),
        ]
        p3 = getattr(L, f"{kind}Pooling3D")(pool_size=3)
        out[kind + "3D"] = list(p3(L.Input(shape=(30, 30, 30, 3))).shape)
    for name, shape in (("1D", (2, 3, 4)), ("2D", (2, 4, 5, 3)), ("3D", (2, 4, 5, 4, 3))):
        x = data(*shape, seed=len(shape))
        out["GlobalAverage" + name] = arr(getattr(L, f"GlobalAveragePooling{name}")()(x))
        out["GlobalMax" + name] = arr(getattr(L, f"GlobalMaxPooling{name}")()(x))
    return out


@scenario
def adaptive_pooling(keras):
    L = keras.layers
    out = {}
    for kind in ("Average", "Max"):
        out[kind] = [
            arr(getattr(L, f"Adaptive{kind}Pooling1D")(output_size=3)(data(1, 8, 2, seed=1))),
            arr(getattr(L, f"Adaptive{kind}Pooling2D")(output_size=3)(data(1, 7, 8, 2, seed=2))),
            arr(getattr(L, f"Adaptive{kind}Pooling3D")(output_size=2)(data(1, 5, 4, 4, 2, seed=3))),
            list(getattr(L, f"Adaptive{kind}Pooling2D")(output_size=32)(data(1, 64, 64, 3)).shape),
        ]
    return out


# -- preprocessing ---------------------------------------------------------------------
@scenario
def category_encoding(keras):
    L = keras.layers
    count_weights = np.array([[0.1, 0.2], [0.1, 0.1], [0.2, 0.3], [0.4, 0.2]])
    return {
        "one_hot": arr(L.CategoryEncoding(num_tokens=4, output_mode="one_hot")([3, 2, 0, 1])),
        "multi_hot": arr(
            L.CategoryEncoding(num_tokens=4, output_mode="multi_hot")(
                [[0, 1], [0, 0], [1, 2], [3, 1]]
            )
        ),
        "count": arr(
            L.CategoryEncoding(num_tokens=4, output_mode="count")(
                [[0, 1], [0, 0], [1, 2], [3, 1]], count_weights=count_weights
            )
        ),
    }


@scenario
def discretization_normalization(keras):
    L = keras.layers
    inp = np.array([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]])
    adapt = np.array(
        [[0.0, 7.0, 4.0], [2.0, 9.0, 6.0], [0.0, 7.0, 4.0], [2.0, 9.0, 6.0]], "float32"
    )
    n1 = L.Normalization(axis=None)
    n1.adapt(np.array([1.0, 2.0, 3.0, 4.0, 5.0], dtype="float32"))
    n2 = L.Normalization(axis=-1)
    n2.adapt(adapt)
    n4 = L.Normalization(axis=-1, invert=True)
    n4.adapt(adapt)
    return {
        "discretization": arr(L.Discretization(bin_boundaries=[0.0, 1.0, 2.0])(inp)),
        "norm_none": arr_dtype(n1(np.array([1.0, 2.0, 3.0], dtype="float32"))),
        "norm_last": arr_dtype(n2(np.array([[0.0, 7.0, 4.0]], dtype="float32"))),
        "norm_given": arr_dtype(
            L.Normalization(mean=3.0, variance=2.0)(np.array([[1.0], [2.0], [3.0]], "float32"))
        ),
        "norm_invert": arr_dtype(n4(np.array([[1.0, 2.0, 3.0]], dtype="float32"))),
    }


@scenario
def image_examples(keras):
    x_train = np.random.default_rng(0).integers(0, 256, (2, 32, 32, 3)).astype("uint8")
    resized = keras.layers.Resizing(128, 128)(x_train[0].astype("float32"))
    solarization = keras.layers.Solarization(value_range=(0, 255))
    images = solarization(x_train)
    zoom = keras.layers.RandomZoom(0.5, 0.2)(data(2, 24, 24, 3))
    return {
        "resized": list(np.asarray(resized).shape),
        "solarized_pixel": np.asarray(images)[0, 0, 0].tolist(),
        "solarized": arr(images),
        "zoom_shape": list(np.asarray(zoom).shape),
    }


@scenario
def clahe(keras):
    """The docstring example (smaller images), [0, 1] images, other tile grids (with
    padding), no clipping, channels_first, an unbatched image, a flat image."""
    rng = np.random.default_rng(0)
    C = keras.layers.ContrastLimitedAdaptiveHistogramEqualization

    def pixels(*shape, low=0, high=256):
        return rng.integers(low, high, shape).astype("float32")

    config = {k: v for k, v in C().get_config().items() if k not in ("name", "dtype")}
    return {
        "default": arr(C()(pixels(1, 32, 32, 3))),
        "normalized": arr(C(value_range=(0.0, 1.0))(rng.random((1, 32, 32, 3)).astype("float32"))),
        "grid": arr(C(tile_grid_size=(3, 5), clip_limit=2.0)(pixels(1, 30, 37, 2))),
        "no_clip": arr(C(clip_limit=0, tile_grid_size=(2, 2))(pixels(1, 16, 16, 1))),
        "channels_first": arr(
            C(tile_grid_size=(2, 2), data_format="channels_first")(pixels(1, 3, 16, 16))
        ),
        "unbatched": arr(C(tile_grid_size=(2, 2))(pixels(16, 16, 3))),
        "flat": arr(C(tile_grid_size=(2, 2))(np.full((1, 8, 8, 1), 100.0, "float32"))),
        "low_contrast": arr(C(tile_grid_size=(2, 2))(pixels(1, 8, 8, 1, low=100, high=110))),
        "symbolic": list(C()(keras.Input((32, 32, 3))).shape),
        "config": config,
    }


def _dict_inputs(float_images: bool = True):
    images = np.random.default_rng(0).integers(0, 255, (2, 8, 8, 3))
    images = images.astype("float32" if float_images else "uint8")
    labels = np.eye(3, dtype="float32")[[0, 2]]
    masks = np.random.default_rng(1).integers(0, 3, (2, 8, 8, 1)).astype("uint8")
    return images, labels, masks


def _entries(out: dict) -> dict:
    return {k: [list(np.asarray(v).shape), str(np.asarray(v).dtype)] for k, v in out.items()}


@scenario
def colour_layers_dict_inputs(keras):
    """The docstrings' color-layer template: a dict of images, labels and segmentation
    masks; the images are transformed, labels and masks come back unchanged."""
    L = keras.layers
    made = {
        "RandomContrast": lambda: L.RandomContrast(factor=0.5, value_range=(0, 255)),
        "RandomBrightness": lambda: L.RandomBrightness(factor=0.2),
        "RandomColorDegeneration": lambda: L.RandomColorDegeneration(0.5, value_range=(0, 255)),
        "RandomColorJitter": lambda: L.RandomColorJitter(
            value_range=(0, 255), brightness_factor=0.2
        ),
        "RandomSharpness": lambda: L.RandomSharpness(0.5, value_range=(0, 255)),
        "RandomPosterization": lambda: L.RandomPosterization((1, 4), value_range=(0, 255)),
        "RandomInvert": lambda: L.RandomInvert(factor=1.0, value_range=(0, 255)),
        "Solarization": lambda: L.Solarization(addition_factor=0.5, value_range=(0, 255)),
        "AutoContrast": lambda: L.AutoContrast(value_range=(0, 255)),
        "Equalization": lambda: L.Equalization(),
        "RandomHue": lambda: L.RandomHue(0.5, value_range=(0, 255)),
        "RandomSaturation": lambda: L.RandomSaturation(0.5, value_range=(0, 255)),
        "RandomErasing": lambda: L.RandomErasing(),
        "RandomGaussianBlur": lambda: L.RandomGaussianBlur(),
    }
    images, labels, masks = _dict_inputs()
    out = {}
    for name, make in made.items():
        layer = make()
        res = layer({"images": images, "labels": labels, "segmentation_masks": masks})
        inference = layer({"images": images, "labels": labels}, training=False)
        out[name] = {
            "entries": _entries(res),
            "labels_kept": bool(np.array_equal(np.asarray(res["labels"]), labels)),
            "masks_kept": bool(np.array_equal(np.asarray(res["segmentation_masks"]), masks)),
            "inference": _entries(inference),
            "built": layer.built,
        }
    return out


@scenario
def colour_layer_dict_values(keras):
    """Deterministic colour layers on a dict: the images as a plain call gives them."""
    images, labels, masks = _dict_inputs()
    auto = keras.layers.AutoContrast(value_range=(0, 255))
    solar = keras.layers.Solarization(value_range=(0, 255))  # (threshold 0: all inverted)
    inv = keras.layers.RandomInvert(factor=(1.0, 1.0), value_range=(0, 255))
    data_dict = {"images": images, "labels": labels, "segmentation_masks": masks}
    return {
        "AutoContrast": arr(auto(dict(data_dict))["images"]),
        "Solarization": arr(solar(dict(data_dict))["images"]),
        "Solarization_plain": arr(solar(images)),
        "RandomInvert": arr(inv(dict(data_dict), training=True)["images"]),
        "unbatched": _entries(auto({"images": images[0], "labels": labels[0]})),
    }


@scenario
def geometric_layers_dict_masks(keras):
    """Flips and crops move a dict's segmentation masks with its images (the masks here
    are the images' first channel, so they must still be after the transform)."""
    images, labels, _ = _dict_inputs()
    masks = images[..., :1].copy()
    out = {}
    for name, layer in (
        ("RandomFlip", keras.layers.RandomFlip(seed=3)),
        ("RandomCrop", keras.layers.RandomCrop(6, 6, seed=1)),
        ("CenterCrop", keras.layers.CenterCrop(4, 4)),
    ):
        res = layer({"images": images, "labels": labels, "segmentation_masks": masks})
        moved = np.asarray(res["segmentation_masks"])
        out[name] = {
            "entries": _entries(res),
            "masks_follow": bool(np.array_equal(moved, np.asarray(res["images"])[..., :1])),
            "labels_kept": bool(np.array_equal(np.asarray(res["labels"]), labels)),
        }
    out["CenterCrop_values"] = arr(keras.layers.CenterCrop(4, 4)({"images": images})["images"])
    return out


@scenario
def resampling_layers_dict_masks(keras):
    """Rotations, zooms, translations, shears and resizing resample a dict's masks as its
    images, with "nearest" interpolation, keeping the masks' dtype. With a layer that
    itself samples "nearest", masks equal to an image channel must still equal it."""
    L = keras.layers
    ramp = np.tile(np.arange(64, dtype="float32").reshape(1, 8, 8, 1), (2, 1, 1, 3))
    masks = ramp[..., :1].astype("int32")
    made = {
        "RandomRotation": lambda i: L.RandomRotation(0.3, fill_mode="constant", interpolation=i),
        "RandomZoom": lambda i: L.RandomZoom(0.3, interpolation=i),
        "RandomTranslation": lambda i: L.RandomTranslation(0.2, 0.2, interpolation=i),
        "RandomShear": lambda i: L.RandomShear(0.3, 0.3, interpolation=i),
        "Resizing": lambda i: L.Resizing(4, 5, interpolation=i),
    }
    out = {}
    for name, make in made.items():
        res = make("bilinear")({"images": ramp, "segmentation_masks": masks})
        same = make("nearest")({"images": ramp, "segmentation_masks": masks})
        moved = np.asarray(same["segmentation_masks"])
        out[name] = {
            "entries": _entries(res),
            "masks_follow": bool(np.array_equal(moved, np.asarray(same["images"])[..., :1])),
        }
    crop = L.Resizing(4, 4, crop_to_aspect_ratio=True, interpolation="bicubic")
    out["Resizing_masks"] = arr(
        crop({"images": ramp, "segmentation_masks": masks})["segmentation_masks"]
    )
    return out


@scenario
def max_num_bounding_boxes(keras):
    """The docstring example (with the `bounding_box_format` Keras requires), cutting,
    unbatched, extra keys; boxes come back float32, images untouched. (Labels keep their
    integer dtype here, int32 in Keras's JAX; numkeras's config also keeps `fill_value`.)"""
    M = keras.layers.MaxNumBoundingBoxes
    images = np.random.default_rng(0).integers(0, 255, (2, 8, 8, 3)).astype("uint8")
    boxes = np.array(
        [
            [[10, 20, 100, 150], [50, 60, 200, 250], [0, 0, 50, 50]],
            [[1, 2, 3, 4], [0, 0, 1, 1], [5, 5, 6, 6]],
        ]
    )
    labels = np.array([[1, 2, 3], [4, 5, 6]])
    layer = M(max_number=10, fill_value=-1, bounding_box_format="xyxy")
    padded = layer({"images": images, "bounding_boxes": {"boxes": boxes, "labels": labels}})
    cut = M(2, fill_value=0, bounding_box_format="xywh")(
        {"images": images, "bounding_boxes": {"boxes": boxes, "labels": labels, "scores": labels}}
    )
    single = M(4, bounding_box_format="xyxy")(
        {"images": images[0], "bounding_boxes": {"boxes": boxes[0], "labels": labels[0]}}
    )

    def boxes_of(out):
        bb = out["bounding_boxes"]
        return {k: arr(v) for k, v in bb.items()} | {"dtype": str(np.asarray(bb["boxes"]).dtype)}

    config = {k: v for k, v in layer.get_config().items() if k not in ("dtype", "fill_value")}
    return {
        "padded": boxes_of(padded),
        "images_kept": bool(np.array_equal(np.asarray(padded["images"]), images)),
        "images_dtype": str(np.asarray(padded["images"]).dtype),
        "cut": boxes_of(cut),
        "single": boxes_of(single),
        "config": config,
        "built": layer.built,
        "no_format": builtin_error(
            lambda: M(3)({"images": images, "bounding_boxes": {"boxes": boxes, "labels": labels}})
        ),
    }


@scenario
def dict_input_errors(keras):
    """A dict without "images", and "bounding_boxes" given to a layer without a
    `bounding_box_format`: ValueErrors (Keras: KeyError for the first)."""
    images, labels, _ = _dict_inputs()
    boxes = {"boxes": np.zeros((2, 1, 4), "float32"), "labels": np.zeros((2, 1), "int32")}
    layer = keras.layers.RandomContrast(0.2)
    try:
        layer({"images": images, "bounding_boxes": boxes})
        bbox = "ok"
    except ValueError as e:
        bbox = "bounding box format" in str(e)
    try:
        layer({"labels": labels})
        missing = "ok"
    except (KeyError, ValueError):
        missing = "raised"
    return {"bounding_boxes": bbox, "no_images": missing}


@scenario
def mix_up_dict(keras):
    images = np.random.default_rng(0).integers(0, 256, (8, 32, 32, 3)).astype("uint8")
    labels = keras.ops.cast(keras.ops.one_hot(np.arange(8) % 10, 10), "float32")
    mix_up = keras.layers.MixUp(alpha=0.2)
    output = mix_up({"images": images, "labels": labels})
    lab = np.asarray(output["labels"])
    return {
        "entries": _entries(output),
        "built": mix_up.built,
        "label_rows_sum_to_1": bool(np.allclose(lab.sum(-1), 1.0, atol=1e-5)),
    }


@scenario
def mel_spectrogram(keras):
    """The two docstring examples (`keras.random.uniform` signals replaced by fixed ones),
    then other arguments: window, sequence_length, mag_exp, no dB, top_db, ref_power."""
    rng = np.random.default_rng(0)
    first = keras.layers.MelSpectrogram(
        num_mel_bins=64, sampling_rate=8000, sequence_stride=256, fft_length=2048
    )
    second = keras.layers.MelSpectrogram(
        num_mel_bins=80, sampling_rate=8000, sequence_stride=128, fft_length=2048
    )
    other = keras.layers.MelSpectrogram(
        num_mel_bins=20,
        sampling_rate=8000,
        sequence_stride=128,
        fft_length=256,
        sequence_length=200,
        window="hamming",
        power_to_db=False,
        mag_exp=1.0,
        min_freq=50,
        max_freq=3000,
    )
    db = keras.layers.MelSpectrogram(
        num_mel_bins=10, fft_length=64, sequence_stride=16, top_db=20.0, ref_power=2.0
    )
    quiet = rng.random((2, 300)).astype("float32") * np.array([[1.0], [0.01]], "float32")
    model = keras.Sequential([keras.Input((1000,)), other, keras.layers.Flatten()])
    config = {k: v for k, v in other.get_config().items() if k not in ("name", "dtype")}
    return {
        "first": arr(first(rng.random(16000).astype("float32"))),
        "second": list(np.asarray(second(rng.random((2, 16000)).astype("float32"))).shape),
        "other": arr(other(rng.random((2, 1000)).astype("float32"))),
        "db": arr(db(quiet)),
        "model_output_shape": list(model.output_shape),
        "symbolic": list(other(keras.Input((None,))).shape),
        "config": config,
        "weights": len(other.weights),
    }


@scenario
def stft_spectrogram(keras):
    """The three docstring examples (shorter signals), every `mode` in both data formats,
    the weights, and training through the layer (its kernels are trainable weights)."""
    rng = np.random.default_rng(0)
    S = keras.layers.STFTSpectrogram
    common = dict(mode="log", frame_length=256, frame_step=128, fft_length=512)
    out = {
        "valid": arr(
            S(window="hann", padding="valid", trainable=False, **common)(data(3, 4000, 1))
        ),
        "same": arr(
            S(window="hamming", padding="same", trainable=True, **common)(data(3, 4000, 2))
        ),
        "expand": arr(S(padding="same", expand_dims=True, **common)(data(3, 4000, 3))),
    }
    x = rng.random((2, 64, 2)).astype("float32")
    for mode in ("log", "magnitude", "psd", "real", "imag", "angle", "stft"):
        last = S(mode=mode, frame_length=16, frame_step=8, scaling="spectrum", periodic=True)
        first = S(mode=mode, frame_length=16, frame_step=8, data_format="channels_first")
        out[mode] = [arr(last(x)), arr(S(mode=mode, frame_length=16, expand_dims=True)(x))]
        out[mode + "_first"] = arr(first(np.swapaxes(x, 1, 2)))
    layer = S(mode="magnitude", frame_length=16, frame_step=8)
    inp = keras.Input((64, 2))
    model = keras.Model(inp, keras.layers.Dense(1)(keras.layers.Flatten()(layer(inp))))
    dense = model.layers[-1]
    dense.set_weights(
        [np.full(dense.get_weights()[0].shape, 0.01, "float32"), np.zeros(1, "float32")]
    )
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    history = model.fit(x, np.ones((2, 1), "float32"), epochs=3, verbose=0, shuffle=False)
    out["weights"] = [[w.path, list(w.shape), w.trainable] for w in layer.weights]
    out["symbolic"] = [
        list(model.output_shape),
        list(S(frame_length=16)(keras.Input((None, 3))).shape),
    ]
    out["fit"] = history.history["loss"]
    out["trained_kernel"] = arr(layer.get_weights()[0])
    out["config"] = {k: v for k, v in layer.get_config().items() if k not in ("name", "dtype")}
    return out


# -- reshaping -------------------------------------------------------------------------
@scenario
def reshaping_examples(keras):
    """Integer `np.arange` inputs as in the docstrings, compared as values (Keras keeps
    them integer, numkeras makes them float32: not compared here)."""
    L = keras.layers
    ar = lambda *s: np.arange(np.prod(s)).reshape(s)  # noqa: E731
    x = keras.Input(shape=(12,))
    return {
        "Cropping1D": arr(L.Cropping1D(cropping=1)(ar(2, 3, 2))),
        "Cropping2D": list(L.Cropping2D(cropping=((2, 2), (4, 4)))(ar(2, 28, 28, 3)).shape),
        "Cropping3D": list(L.Cropping3D(cropping=(2, 4, 2))(ar(2, 28, 28, 10, 3)).shape),
        "Flatten": list(L.Flatten()(keras.Input(shape=(10, 64))).shape),
        "Permute": list(L.Permute((2, 1))(keras.Input(shape=(10, 64))).shape),
        "RepeatVector": list(L.RepeatVector(3)(keras.Input(shape=(32,))).shape),
        "Reshape": list(L.Reshape((3, 4))(x).shape),
        "Reshape_infer": list(L.Reshape((-1, 2, 2))(x).shape),
        "UpSampling1D": arr(L.UpSampling1D(size=2)(ar(2, 2, 3))),
        "UpSampling2D": arr(L.UpSampling2D(size=(1, 2))(ar(2, 2, 1, 3))),
        "UpSampling3D": list(L.UpSampling3D(size=(2, 2, 2))(np.ones((2, 1, 2, 1, 3))).shape),
        "ZeroPadding1D": arr(L.ZeroPadding1D(padding=2)(ar(2, 2, 3))),
        "ZeroPadding2D": arr(L.ZeroPadding2D(padding=1)(ar(1, 1, 2, 2))),
        "ZeroPadding3D": list(L.ZeroPadding3D(padding=2)(ar(1, 1, 2, 2, 3)).shape),
    }


@scenario
def reshaping_float_dtypes(keras):
    """Float inputs keep their dtype; cropping a whole axis away is an error."""
    L = keras.layers
    x = np.arange(24, dtype="float32").reshape(2, 4, 3)
    made = {"Cropping1D": L.Cropping1D(1), "UpSampling1D": L.UpSampling1D(2)}
    made["ZeroPadding1D"] = L.ZeroPadding1D(1)
    out = {name: str(np.asarray(layer(x)).dtype) for name, layer in made.items()}
    out["crop_all"] = builtin_error(lambda: L.Cropping1D(1)(np.ones((2, 2, 3), "float32")))
    return out


# -- rnn -------------------------------------------------------------------------------
@scenario
def rnn_examples(keras):
    """GRU / LSTM / SimpleRNN and their cells in RNN, with and without return_sequences and
    return_state (docstring shapes with batch 4, weights set)."""
    L = keras.layers
    inputs = data(4, 10, 8)
    out = {}
    for name in ("GRU", "LSTM", "SimpleRNN"):
        layer = getattr(L, name)(4)
        layer.build(inputs.shape)
        set_weights(layer, 1)
        cell_rnn = L.RNN(getattr(L, name + "Cell")(4), return_sequences=True, return_state=True)
        cell_rnn.build(inputs.shape)
        cell_rnn.set_weights(layer.get_weights())
        full = cell_rnn(inputs)
        out[name] = {
            "output": arr(layer(inputs)),
            "sequence_shape": list(np.asarray(full[0]).shape),
            "states": [arr(s) for s in full[1:]],
            "weights": [w.path.split("/", 1)[1] for w in layer.weights],
        }
    return out


@scenario
def custom_rnn_cell(keras):
    """The `RNN` docstring's MinimalRNNCell, alone and stacked, on Inputs (None, 5)."""
    ops = keras.ops

    class MinimalRNNCell(keras.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.state_size = units

        def build(self, input_shape):
            self.kernel = self.add_weight(
                shape=(input_shape[-1], self.units), initializer="uniform", name="kernel"
            )
            self.recurrent_kernel = self.add_weight(
                shape=(self.units, self.units), initializer="uniform", name="recurrent_kernel"
            )

        def call(self, inputs, states):
            prev_output = states[0]
            h = ops.matmul(inputs, self.kernel)
            output = h + ops.matmul(prev_output, self.recurrent_kernel)
            return output, [output]

    layer = keras.layers.RNN(MinimalRNNCell(3))
    y = layer(keras.Input((None, 5)))
    stacked = keras.layers.RNN([MinimalRNNCell(3), MinimalRNNCell(2)])
    z = stacked(keras.Input((None, 5)))
    set_weights(stacked, 2, 0.2)
    x = data(2, 4, 5)
    return {
        "shapes": [list(y.shape), list(z.shape)],
        "stacked": arr(stacked(x)),
        "weights": [list(w.shape) for w in stacked.weights],
    }


@scenario
def stacked_lstm_cells(keras):
    x = np.reshape(np.arange(30), (3, 5, 2)).astype("float32") / 30
    stacked_lstm = keras.layers.StackedRNNCells([keras.layers.LSTMCell(4) for _ in range(2)])
    lstm_layer = keras.layers.RNN(stacked_lstm)
    lstm_layer.build(x.shape)
    set_weights(lstm_layer, 3)
    return {"result": arr(lstm_layer(x)), "weights": [list(w.shape) for w in lstm_layer.weights]}


@scenario
def bidirectional_models(keras):
    L = keras.layers
    model = keras.Sequential(
        [
            L.Input(shape=(5, 10)),
            L.Bidirectional(L.LSTM(10, return_sequences=True)),
            L.Bidirectional(L.LSTM(10)),
            L.Dense(5, activation="softmax"),
        ]
    )
    model.compile(loss="categorical_crossentropy", optimizer="rmsprop")
    forward_layer = L.LSTM(4, return_sequences=True)
    backward_layer = L.LSTM(4, activation="relu", return_sequences=True, go_backwards=True)
    custom = keras.Sequential(
        [
            L.Input(shape=(5, 3)),
            L.Bidirectional(forward_layer, backward_layer=backward_layer),
            L.Dense(2, activation="softmax"),
        ]
    )
    set_weights(custom, 4)
    return {
        "output_shapes": [list(model.output_shape), list(custom.output_shape)],
        "params": [model.count_params(), custom.count_params()],
        "custom": arr(custom(data(2, 5, 3))),
    }


@scenario
def time_distributed(keras):
    inputs = keras.layers.Input(shape=(10, 128, 128, 3), batch_size=32)
    outputs = keras.layers.TimeDistributed(keras.layers.Conv2D(64, (3, 3)))(inputs)
    td = keras.layers.TimeDistributed(keras.layers.Conv2D(2, (3, 3)))
    td.build((2, 3, 5, 5, 1))
    set_weights(td, 5)
    return {"shape": list(outputs.shape), "values": arr(td(data(2, 3, 5, 5, 1)))}


def main():
    SCENARIOS.write(OUT)


if __name__ == "__main__":
    main()

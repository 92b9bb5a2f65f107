"""Goldens for tests/applications/: `keras.applications` built by Keras 3 and by numkeras.

Each architecture is built small (`weights=None`, 32x32 images or the model's minimum size,
a few classes), every weight set to the same deterministic values in both libraries
(`fill_weights`: seeded uniform values scaled by each kernel's fan-in, batch-norm scales
and variances near 1), and the record holds the layers' names and classes (a digest and
the ends), the weights' paths (a digest) and shapes, `count_params`, the output shape and
the predictions on two preprocessed random images. Also: `preprocess_input` in each mode
and data format, on NumPy arrays and symbolic tensors; the input-shape and `weights`
argument errors (their built-in classes); `decode_predictions` on a stand-in class index.

    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \\
        /work/main/scripts/goldens/make_applications.py [names...]
    cd /tmp && KERAS_BACKEND=torch /work/kenv/bin/python \\
        /work/main/scripts/goldens/make_applications.py channels_first

writes tests/goldens/applications.json (only the named scenarios, the others kept).
"""

from __future__ import annotations

import hashlib
import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))

from tests.differential import Scenarios, builtin_error, rounded  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "applications.json"
SCENARIOS = Scenarios()


def fill_weights(model) -> None:
    """Set every weight to values both libraries reproduce: seeded by its position, scaled
    so that a deep network's activations stay of order 1."""
    values = []
    for i, w in enumerate(model.weights):
        shape, path = tuple(w.shape), w.path
        rng = np.random.default_rng(i)
        if path.endswith(("gamma", "moving_variance")):
            value = rng.uniform(0.8, 1.2, shape)
        elif path.endswith(("beta", "moving_mean", "bias")):
            value = rng.uniform(-0.1, 0.1, shape)
        else:
            # a depthwise kernel (kh, kw, in, multiplier) sums over kh * kw only
            fan_in = int(np.prod(shape[:-2] if "depthwise" in path else shape[:-1])) or 1
            value = rng.uniform(-1, 1, shape) * np.sqrt(3.0 / fan_in)
        values.append(value.astype("float32"))
    model.set_weights(values)


def images(shape, seed: int = 0) -> np.ndarray:
    """Two random images of `shape` with values in [0, 255]."""
    return np.random.default_rng(seed).uniform(0, 255, (2, *shape)).astype("float32")


def _digest(items) -> str:
    return hashlib.sha256("\n".join(items).encode()).hexdigest()[:16]


def record(K, model, preprocess, shape) -> dict:
    """What a built application is: its layers, weights, sizes and predictions."""
    fill_weights(model)
    layer_rows = [f"{la.name}:{type(la).__name__}" for la in model.layers]
    out = model.predict(preprocess(images(shape)), verbose=0)
    return {
        "name": model.name,
        "layers": len(model.layers),
        "layer_digest": _digest(layer_rows),
        "layer_ends": layer_rows[:4] + layer_rows[-4:],
        "weight_digest": _digest(f"{w.path}:{tuple(w.shape)}" for w in model.weights),
        "weights": len(model.weights),
        "params": int(model.count_params()),
        "trainable": int(sum(np.prod(w.shape) for w in model.trainable_weights)),
        "output_shape": list(model.output_shape),
        "predictions": rounded(np.asarray(out).reshape(2, -1)[:, :16], 5),
        "prediction_sums": rounded(np.asarray(out, "float64").reshape(2, -1).sum(1), 4),
    }


# name -> (module under applications, function name, kwargs, input shape)
MODELS = {
    "vgg16_top": ("vgg16", "VGG16", {"classes": 5}, (32, 32, 3)),
    "vgg19_notop_max": ("vgg19", "VGG19", {"include_top": False, "pooling": "max"}, (32, 32, 3)),
    "resnet50_top": ("resnet50", "ResNet50", {"classes": 5}, (32, 32, 3)),
    "resnet101_notop_avg": (
        "resnet", "ResNet101", {"include_top": False, "pooling": "avg"}, (32, 32, 3),
    ),
    "resnet152_notop": ("resnet", "ResNet152", {"include_top": False}, (32, 32, 3)),
    "resnet50v2_top_logits": (
        "resnet_v2", "ResNet50V2", {"classes": 5, "classifier_activation": None}, (32, 32, 3),
    ),
    "resnet101v2_notop_avg": (
        "resnet_v2", "ResNet101V2", {"include_top": False, "pooling": "avg"}, (40, 40, 3),
    ),
    "resnet152v2_notop_max": (
        "resnet_v2", "ResNet152V2", {"include_top": False, "pooling": "max"}, (32, 32, 3),
    ),
    "mobilenet_alpha025_top": (
        "mobilenet", "MobileNet", {"alpha": 0.25, "classes": 5}, (32, 32, 3),
    ),
    "mobilenet_depth2_notop_avg": (
        "mobilenet", "MobileNet",
        {"alpha": 0.5, "depth_multiplier": 2, "include_top": False, "pooling": "avg"},
        (40, 40, 3),
    ),
    "mobilenetv2_alpha035_top": (
        "mobilenet_v2", "MobileNetV2", {"alpha": 0.35, "classes": 5}, (33, 33, 3),
    ),
    "mobilenetv2_alpha13_notop": (
        "mobilenet_v2", "MobileNetV2", {"alpha": 1.3, "include_top": False}, (32, 32, 3),
    ),
    "densenet121_top": ("densenet", "DenseNet121", {"classes": 5}, (32, 32, 3)),
    "densenet169_notop_max": (
        "densenet", "DenseNet169", {"include_top": False, "pooling": "max"}, (32, 32, 3),
    ),
    "densenet201_notop_avg": (
        "densenet", "DenseNet201", {"include_top": False, "pooling": "avg"}, (32, 32, 3),
    ),
    "xception_top": ("xception", "Xception", {"classes": 5}, (71, 71, 3)),
    "xception_notop_max": (
        "xception", "Xception", {"include_top": False, "pooling": "max"}, (80, 72, 3),
    ),
    "inception_v3_top": ("inception_v3", "InceptionV3", {"classes": 5}, (75, 75, 3)),
    "inception_v3_notop_avg": (
        "inception_v3", "InceptionV3", {"include_top": False, "pooling": "avg"}, (90, 80, 3),
    ),
}  # fmt: skip


def _model_scenario(name: str, module: str, function: str, kwargs: dict, shape) -> None:
    def scenario(K) -> dict:
        mod = getattr(K.applications, module)
        model = getattr(mod, function)(weights=None, input_shape=shape, **kwargs)
        return record(K, model, mod.preprocess_input, shape)

    scenario.__name__ = name
    SCENARIOS.scenario(scenario)


for _name, _spec in MODELS.items():
    _model_scenario(_name, *_spec)


@SCENARIOS.scenario_on("torch")
def channels_first(K) -> dict:
    """Applications under a channels_first global data format (DenseNet refuses it); Keras
    on torch (XLA on a CPU takes many minutes over channels-first convolutions)."""
    K.config.set_image_data_format("channels_first")
    try:
        resnet = K.applications.ResNet50(weights=None, input_shape=(3, 32, 32), classes=5)
        mobilenet = K.applications.MobileNetV2(
            weights=None, input_shape=(3, 33, 33), alpha=0.35, include_top=False
        )
        result = {
            "resnet50": record(K, resnet, K.applications.resnet50.preprocess_input, (3, 32, 32)),
            "mobilenetv2": record(
                K, mobilenet, K.applications.mobilenet_v2.preprocess_input, (3, 33, 33)
            ),
            "densenet": builtin_error(
                lambda: K.applications.DenseNet121(weights=None, input_shape=(3, 32, 32))
            ),
        }
    finally:
        K.config.set_image_data_format("channels_last")
    return result


def transfer_learning_model(K):
    """keras.io's transfer-learning recipe: a frozen base called with training=False, a new
    head; the model and its base."""
    base = K.applications.MobileNetV2(
        weights=None, input_shape=(32, 32, 3), alpha=0.35, include_top=False
    )
    fill_weights(base)
    base.trainable = False
    inputs = K.Input((32, 32, 3))
    x = K.applications.mobilenet_v2.preprocess_input(inputs)
    x = base(x, training=False)
    x = K.layers.GlobalAveragePooling2D()(x)
    outputs = K.layers.Dense(3, activation="softmax")(x)
    model = K.Model(inputs, outputs)
    kernel = np.linspace(-0.02, 0.02, 1280 * 3).reshape(3, 1280).T.astype("float32")
    model.layers[-1].set_weights([kernel, np.zeros(3, "float32")])
    return model, base


TRANSFER_DATA = images((32, 32, 3), seed=1).repeat(4, axis=0), np.array([0, 1, 2, 1, 0, 2, 2, 1])


@SCENARIOS.scenario
def transfer_learning_fit(K) -> dict:
    """Training the head on the frozen base (fine-tuning after `base.trainable = True` is
    where Keras 3 and numkeras part: tests/applications/test_applications.py)."""
    model, base = transfer_learning_model(K)
    model.compile(K.optimizers.SGD(0.1), "sparse_categorical_crossentropy")
    frozen = model.fit(*TRANSFER_DATA, batch_size=4, epochs=2, shuffle=False, verbose=0)
    base.trainable = True
    return {
        "trainable_weights": len(model.trainable_weights),
        "frozen_losses": rounded(frozen.history["loss"], 5),
        "head": rounded(model.layers[-1].get_weights()[0][:4], 5),
        "unfrozen_trainable_weights": len(model.trainable_weights),
    }


@SCENARIOS.scenario
def summaries(K) -> dict:
    """model.summary() of a plain and a branching application (with "Connected to")."""
    result = {}
    for key, build in {
        "vgg16_notop": lambda: K.applications.VGG16(
            weights=None, include_top=False, input_shape=(32, 32, 3)
        ),
        "mobilenetv2": lambda: K.applications.MobileNetV2(
            weights=None, alpha=0.35, input_shape=(32, 32, 3), classes=3
        ),
    }.items():
        result[key] = _summary_lines(build())
    return result


def _summary_lines(model) -> list[str]:
    lines = []
    model.summary(print_fn=lambda line, *args, **kwargs: lines.append(line))
    return "\n".join(lines).splitlines()


@SCENARIOS.scenario
def preprocess_modes(K) -> dict:
    """imagenet_utils.preprocess_input: each mode and data format, one image and a batch,
    float and integer arrays, and symbolic tensors."""
    utils = K.applications.imagenet_utils
    result = {}
    for mode in ("caffe", "tf", "torch"):
        for data_format, batch_shape in (
            ("channels_last", (2, 3, 4, 3)),
            ("channels_first", (2, 3, 4, 5)),
        ):
            for ndim in (3, 4):
                shape = batch_shape[4 - ndim :]
                x = np.arange(np.prod(shape), dtype="float32").reshape(shape) * 7 % 256
                key = f"{mode}_{data_format}_{ndim}d"
                result[key] = rounded(utils.preprocess_input(x.copy(), data_format, mode), 4)
                ints = utils.preprocess_input(x.astype("uint8"), data_format, mode)
                result[key + "_uint8"] = [str(ints.dtype), rounded(ints, 4)]
                if ndim == 4:
                    symbolic = utils.preprocess_input(K.Input(shape[1:]), data_format, mode)
                    result[key + "_symbolic"] = [list(symbolic.shape), str(symbolic.dtype)]
    return result


@SCENARIOS.scenario
def preprocess_tensor_values(K) -> dict:
    """preprocess_input on a symbolic input inside a model, as Keras's docstring shows."""
    result = {}
    for mode in ("caffe", "tf", "torch"):
        for data_format, shape in (("channels_last", (3, 4, 3)), ("channels_first", (3, 4, 5))):
            inputs = K.Input(shape)
            outputs = K.applications.imagenet_utils.preprocess_input(inputs, data_format, mode)
            model = K.Model(inputs, outputs)
            x = np.arange(2 * np.prod(shape), dtype="float32").reshape((2, *shape)) % 256
            result[f"{mode}_{data_format}"] = rounded(model.predict(x, verbose=0), 4)
    return result


def _internal_utils(K):
    """imagenet_utils with obtain_input_shape and correct_pad (Keras keeps them private)."""
    if K.__name__ == "keras":
        from keras.src.applications import imagenet_utils

        return imagenet_utils
    return K.applications.imagenet_utils


@SCENARIOS.scenario
def argument_errors(K) -> dict:
    """The errors an application's arguments get (built-in classes)."""
    A = K.applications
    get_shape = _internal_utils(K).obtain_input_shape
    cases = {
        "imagenet_classes": lambda: A.VGG16(weights="imagenet", classes=10),
        "missing_file": lambda: A.VGG16(weights="/nonexistent/w.h5"),
        "too_small": lambda: A.VGG16(weights=None, input_shape=(16, 16, 3)),
        "rank_2_shape": lambda: A.VGG16(weights=None, include_top=False, input_shape=(32, 3)),
        "top_without_static_shape": lambda: A.VGG16(weights=None, input_shape=(None, None, 3)),
        "bad_activation_with_weights": lambda: _internal_utils(K).validate_activation(
            "relu", "imagenet"
        ),
        "activation_without_weights": lambda: _internal_utils(K).validate_activation("relu", None),
        "top_relu_with_weights_file": lambda: A.VGG16(
            weights=__file__, input_shape=(32, 32, 3), classes=5, classifier_activation="relu"
        ),
        "bad_mode": lambda: A.imagenet_utils.preprocess_input(np.zeros((1, 2, 2, 3)), mode="nope"),
        "bad_data_format": lambda: A.imagenet_utils.preprocess_input(
            np.zeros((1, 2, 2, 3)), data_format="nhwc"
        ),
        "decode_wrong_shape": lambda: A.imagenet_utils.decode_predictions(np.zeros((2, 10))),
        "imagenet_wrong_top_shape": lambda: get_shape(
            (200, 200, 3), 224, 32, "channels_last", True, "imagenet"
        ),
        "imagenet_two_channels": lambda: get_shape(
            (64, 64, 2), 224, 32, "channels_last", False, "imagenet"
        ),
    }
    return {name: builtin_error(fn) for name, fn in cases.items()}


@SCENARIOS.scenario
def input_shapes(K) -> dict:
    """obtain_input_shape's and correct_pad's answers; `input_tensor` used as it is."""
    utils = _internal_utils(K)
    get = utils.obtain_input_shape
    shapes = {
        "default_top": get(None, 224, 32, "channels_last", True),
        "default_notop": get(None, 224, 32, "channels_last", False),
        "default_notop_cf": get(None, 224, 32, "channels_first", False),
        "given": get((64, 48, 3), 224, 32, "channels_last", False),
        "one_channel": get((64, 64, 1), 224, 32, "channels_last", False),
        "imagenet_top": get(None, 299, 75, "channels_last", True, "imagenet"),
        "pad_even": utils.correct_pad(K.Input((8, 8, 3)), 3),
        "pad_odd": utils.correct_pad(K.Input((7, 9, 3)), (3, 5)),
        "pad_unknown": utils.correct_pad(K.Input((None, None, 3)), 3),
    }
    shapes = {k: [list(p) if isinstance(p, tuple) else p for p in v] for k, v in shapes.items()}
    inputs = K.Input((32, 32, 3))
    base = K.applications.VGG16(weights=None, include_top=False, input_tensor=inputs)
    shapes["input_tensor_is_the_input"] = base.inputs[0] is inputs
    shapes["input_tensor_model_input_shape"] = list(base.input_shape)
    return shapes


@SCENARIOS.scenario
def decode_with_stand_in_index(K) -> list:
    """decode_predictions' form (class id, description, score; best first) with a stand-in
    class index in place of the downloaded one."""
    utils = _internal_utils(K)
    utils.CLASS_INDEX = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    preds = np.random.default_rng(3).uniform(size=(2, 1000)).astype("float32")
    try:
        decoded = utils.decode_predictions(preds, top=3)
    finally:
        utils.CLASS_INDEX = None
    return [[[a, b, round(float(s), 6), type(s).__name__] for a, b, s in row] for row in decoded]


if __name__ == "__main__":
    SCENARIOS.write(OUT, sys.argv[1:] or None)

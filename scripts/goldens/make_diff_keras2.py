"""Goldens for classic Keras 2 scripts (tests/test_diff_keras2_scripts.py), from tf_keras
2.21 (real Keras 2):

    /work/tfenv/bin/python scripts/goldens/make_diff_keras2.py

`scenarios(keras)` runs each scenario with the package given (`tf_keras` here, `numkeras`
in the test, which loads this file) and returns plain JSON values: Keras 2 backend
functions (`K.function`, `K.hard_sigmoid`, `K.count_params`, ...), `ImageDataGenerator`
(`flow` with a seed, `flow_from_directory`, `fit`, the `random_*` functions),
`keras.preprocessing.sequence` (`TimeseriesGenerator`, `skipgrams`,
`make_sampling_table`) and the `optimizers.legacy` formulas that differ from Keras 3's.
"""

from __future__ import annotations

import importlib
import json
import os
import random
import sys
import tempfile
import warnings

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "goldens", "diff_keras2.json")


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "fc":
            return np.round(value.astype("float64"), 4).tolist()
        return value.tolist()
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, float):
        return round(value, 6)
    return value


def _backend(keras) -> dict:
    k = importlib.import_module(f"{keras.__name__}.backend")
    layers = importlib.import_module(f"{keras.__name__}.layers")
    models = importlib.import_module(f"{keras.__name__}.models")
    out = {}
    c = k.constant
    out["hard_sigmoid"] = k.eval(k.hard_sigmoid(c([-3.0, -1.0, 0.0, 1.0, 3.0])))
    out["in_top_k"] = k.eval(
        k.in_top_k(c([[0.1, 0.5, 0.4], [0.7, 0.2, 0.1]]), c([2, 2], dtype="int32"), 2)
    )
    v = k.variable(np.arange(6).reshape(2, 3))
    out["variable"] = [k.dtype(v), k.ndim(v), k.int_shape(v), int(k.count_params(v)), k.eval(v)]
    k.set_value(v, np.ones((2, 3)))
    out["set_value"] = k.get_value(v)
    out["eval_mean"] = [
        float(k.eval(k.mean(k.variable([1.0, 2.5])))),
        str(k.eval(k.mean(c([1.0]))).dtype),
    ]
    out["cast_to_floatx"] = str(k.cast_to_floatx(np.array([1, 2])).dtype)
    out["bias_add"] = k.eval(k.bias_add(c(np.zeros((2, 3))), c([1.0, 2.0, 3.0])))
    x4 = c(np.arange(16.0).reshape(1, 2, 2, 4))
    out["bias_add_cf"] = k.eval(k.bias_add(x4, c([1.0, 2.0]), data_format="channels_first"))
    out["batch_normalization"] = k.eval(
        k.batch_normalization(
            c([[1.0, 2.0], [3.0, 5.0]]), c([2.0, 3.0]), c([1.0, 4.0]), c([0.5, 0.0]), c([2.0, 1.0]),
            epsilon=1e-3,
        )
    )  # fmt: skip
    out["resize_images"] = k.eval(
        k.resize_images(c(np.arange(4.0).reshape(1, 2, 2, 1)), 2, 3, "channels_last")
    )
    out["in_train_phase"] = [
        float(k.eval(k.in_train_phase(c(1.0), c(2.0), training=True))),
        float(k.eval(k.in_train_phase(c(1.0), c(2.0)))),
        float(k.eval(k.in_test_phase(c(1.0), c(2.0)))),
    ]
    out["learning_phase"] = int(k.learning_phase())
    out["map_fn"] = k.eval(k.map_fn(lambda r: r * 2.0, c([[1.0, 2.0], [3.0, 4.0]])))
    out["foldl"] = k.eval(k.foldl(lambda a, r: a + r, c([[1.0, 2.0], [3.0, 4.0]])))
    out["foldr"] = k.eval(k.foldr(lambda a, r: a * 2.0 + r, c([1.0, 2.0, 3.0])))
    out["moving_average_update"] = k.eval(
        k.moving_average_update(k.variable([1.0, 2.0]), c([3.0, 4.0]), 0.9)
    )
    a = c([[-2.0, -0.05, 0.05, 0.3, 7.0]])
    out["relu_keras2_arguments"] = [
        k.eval(k.relu(a, alpha=0.3, max_value=2.0, threshold=-1.0)),
        k.eval(k.relu(a, 0.2)),
        k.eval(k.relu(a, max_value=6)),
        k.eval(k.relu(a, threshold=0.1)),
    ]
    out["sqrt_of_negatives"] = k.eval(k.sqrt(a))
    out["clip_open_bounds"] = [k.eval(k.clip(a, -0.5, None)), k.eval(k.clip(a, 0.5, 0.1))]
    rng = np.random.default_rng(0)
    x = c(rng.normal(size=(2, 5, 4, 3)))
    kernel = c(rng.normal(size=(3, 2, 3, 2)))
    x1 = c(rng.normal(size=(2, 6, 3)))
    kernel1 = c(rng.normal(size=(3, 3, 2)))
    out["conv"] = [
        k.eval(k.conv2d(x, kernel, strides=(2, 2), padding="same")),
        k.eval(k.conv2d(x, kernel, padding="same", dilation_rate=(2, 1))),
        k.eval(k.conv1d(x1, kernel1, padding="causal", dilation_rate=2)),
        k.eval(k.conv1d(x1, kernel1, strides=2, padding="same")),
    ]
    out["pool_and_pad"] = [
        k.eval(k.pool2d(x, (2, 2))),
        k.eval(k.pool2d(x, (2, 2), strides=(2, 2), padding="same", pool_mode="avg")),
        k.eval(k.temporal_padding(x1, (1, 2))),
        k.eval(k.spatial_2d_padding(x, ((1, 0), (0, 2)))),
    ]
    probs = rng.uniform(size=(2, 6, 4)).astype("float32")
    probs /= probs.sum(-1, keepdims=True)
    labels = c([[1, 2, 0], [2, 2, 1]])
    out["ctc_batch_cost"] = k.eval(k.ctc_batch_cost(labels, c(probs), c([[6], [5]]), c([[2], [3]])))
    decoded, log_prob = k.ctc_decode(c(probs), c([6, 5], dtype="int32"))
    out["ctc_decode"] = [k.eval(decoded[0]), str(k.eval(decoded[0]).dtype), k.eval(log_prob)]
    out["ctc_ocr_training"] = _ctc_training(keras)
    # K.function over a model's layers (the "intermediate output" StackOverflow answer)
    model = models.Sequential(
        [layers.Dense(4, input_shape=(3,), activation="relu"), layers.Dropout(0.5), layers.Dense(2)]
    )
    model.set_weights(
        [
            np.linspace(-1, 1, 12).reshape(3, 4),
            np.zeros(4),
            np.linspace(1, -1, 8).reshape(4, 2),
            np.ones(2),
        ]
    )
    x = np.arange(6, dtype="float32").reshape(2, 3)
    f = k.function([model.layers[0].input], [model.layers[0].output, model.layers[-1].output])
    first, last = f([x])
    out["function"] = [first, last]
    out["function_single"] = k.function(model.input, model.output)(x)
    out["count_params_sum"] = int(sum(k.count_params(p) for p in model.trainable_weights))
    out["batch_get_value"] = k.batch_get_value(model.layers[0].weights)[0]
    return out


def _ctc_training(keras) -> list:
    """The Keras 2 OCR example's pattern: K.ctc_batch_cost in a Lambda layer, the loss
    `lambda y_true, y_pred: y_pred`, K.function + K.ctc_decode to read the predictions."""
    k = importlib.import_module(f"{keras.__name__}.backend")
    layers = importlib.import_module(f"{keras.__name__}.layers")
    models = importlib.import_module(f"{keras.__name__}.models")
    optimizers = importlib.import_module(f"{keras.__name__}.optimizers")
    steps, classes, features = 6, 5, 3
    rng = np.random.default_rng(0)
    xs = rng.normal(size=(8, steps, features)).astype("float32")
    labels = rng.integers(0, classes - 1, size=(8, 3)).astype("float32")
    inp = layers.Input((steps, features), name="the_input")
    y_pred = layers.Dense(classes, activation="softmax", name="softmax")(inp)
    lab = layers.Input(name="the_labels", shape=(3,), dtype="float32")
    input_length = layers.Input(name="input_length", shape=(1,), dtype="int64")
    label_length = layers.Input(name="label_length", shape=(1,), dtype="int64")

    def ctc_lambda_func(args):
        y_pred, labels, input_length, label_length = args
        return k.ctc_batch_cost(labels, y_pred, input_length, label_length)

    loss_out = layers.Lambda(ctc_lambda_func, output_shape=(1,), name="ctc")(
        [y_pred, lab, input_length, label_length]
    )
    model = models.Model(inputs=[inp, lab, input_length, label_length], outputs=loss_out)
    model.set_weights(
        [np.linspace(-1, 1, features * classes).reshape(features, classes), np.zeros(classes)]
    )
    model.compile(
        loss={"ctc": lambda y_true, y_pred: y_pred}, optimizer=optimizers.SGD(learning_rate=0.05)
    )
    inputs = {
        "the_input": xs,
        "the_labels": labels,
        "input_length": np.full((8, 1), steps),
        "label_length": np.array([[3], [2], [1], [3], [2], [3], [1], [2]]),
    }
    history = model.fit(inputs, np.zeros(8), batch_size=4, epochs=3, verbose=0, shuffle=False)
    probabilities = k.function([inp], [y_pred])([xs[:2]])[0]
    decoded = k.ctc_decode(probabilities, np.ones(2) * steps)[0][0]
    return [history.history["loss"], k.eval(decoded) if hasattr(decoded, "numpy") else decoded]


IMAGE_CONFIGS = {
    "rescale": dict(rescale=1 / 255.0),
    "rotation": dict(rotation_range=40),
    "shift_fraction": dict(width_shift_range=0.2, height_shift_range=0.1),
    "shift_pixels": dict(width_shift_range=2, height_shift_range=[1, 3]),
    "shear_zoom": dict(shear_range=20, zoom_range=0.2),
    "zoom_constant": dict(zoom_range=[0.5, 1.2], fill_mode="constant", cval=7.0),
    "flips_channel_shift": dict(horizontal_flip=True, vertical_flip=True, channel_shift_range=30.0),
    "everything_reflect": dict(
        rotation_range=20,
        width_shift_range=0.2,
        height_shift_range=0.2,
        shear_range=0.2,
        zoom_range=0.2,
        horizontal_flip=True,
        fill_mode="reflect",
    ),  # fmt: skip
    "wrap_order0": dict(rotation_range=90, fill_mode="wrap", interpolation_order=0),
    "samplewise": dict(samplewise_center=True, samplewise_std_normalization=True),
    "brightness": dict(brightness_range=[0.5, 1.5]),
}


def _images(keras) -> dict:
    image = importlib.import_module(f"{keras.__name__}.preprocessing.image")
    x = np.random.default_rng(0).uniform(0, 255, size=(3, 4, 3, 3)).astype("float32")
    y = np.arange(3)
    out = {}
    for name, config in IMAGE_CONFIGS.items():
        gen = image.ImageDataGenerator(**config)
        it = gen.flow(x, y, batch_size=2, seed=3)
        b1, b2, b3 = next(it), next(it), next(it)  # 2, 1, then a fresh shuffled pass
        out[name] = {
            "x": np.concatenate([b1[0], b2[0], b3[0]]),
            "y": np.concatenate([b1[1], b2[1], b3[1]]),
            "dtypes": [str(b1[0].dtype), str(b1[1].dtype)],
            "len": len(it),
        }
        if name in ("rotation", "everything_reflect"):  # the PyDataset way: it[i]
            out[name]["indexed"] = np.concatenate([it[i][0] for i in range(len(it))])
    gen = image.ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True)
    gen.fit(x)
    out["featurewise"] = [gen.mean, gen.std, next(gen.flow(x, batch_size=3, shuffle=False))]
    gen = image.ImageDataGenerator(zca_whitening=True, rescale=1 / 255.0)
    gen.fit(x[:, :2, :2, :])
    out["zca"] = [
        gen.zca_whitening_matrix[:4, :4],
        next(gen.flow(x[:, :2, :2, :], batch_size=3, shuffle=False)),
    ]
    gen = image.ImageDataGenerator(rotation_range=10, featurewise_center=True)
    gen.fit(x, augment=True, rounds=2, seed=1)
    out["fit_augment_mean"] = gen.mean
    np.random.seed(0)
    out["random_transform"] = gen.random_transform(x[0])
    out["random_transform_seed"] = gen.random_transform(x[0], seed=4)
    p = gen.get_random_transform(x[0].shape, seed=4)
    out["get_random_transform"] = [
        p["theta"],
        p["tx"],
        p["ty"],
        p["zx"],
        p["zy"],
        int(p["flip_horizontal"]),
    ]
    axes = dict(row_axis=0, col_axis=1, channel_axis=2)
    out["apply_affine_transform"] = image.apply_affine_transform(
        x[0], theta=30, tx=1, ty=-2, shear=10, zx=0.9, zy=1.1, fill_mode="nearest", **axes
    )
    for name, call in {
        "random_rotation": lambda: image.random_rotation(x[0], 30, **axes),
        "random_shift": lambda: image.random_shift(x[0], 0.2, 0.3, **axes),
        "random_zoom": lambda: image.random_zoom(x[0], (0.7, 1.3), **axes),
        "random_shear": lambda: image.random_shear(x[0], 20, **axes),
        "random_channel_shift": lambda: image.random_channel_shift(x[0], 20, channel_axis=2),
    }.items():
        np.random.seed(2)
        out[name] = call()
    gen = image.ImageDataGenerator(
        rotation_range=30, horizontal_flip=True, data_format="channels_first"
    )
    out["channels_first"] = next(gen.flow(np.transpose(x, (0, 3, 1, 2)), batch_size=3, seed=1))
    gen = image.ImageDataGenerator(validation_split=0.34)
    xs = np.concatenate([x, x])
    ys = np.arange(6)
    kw = dict(batch_size=10, shuffle=False, ignore_class_split=True)
    out["subsets"] = [
        next(gen.flow(xs, ys, subset="training", **kw))[1],
        next(gen.flow(xs, ys, subset="validation", **kw))[1],
    ]
    batch = next(
        image.ImageDataGenerator().flow(
            x, y, sample_weight=[0.5, 1.0, 2.0], batch_size=2, shuffle=False
        )
    )
    out["sample_weight"] = [len(batch), batch[2]]
    batch = next(
        image.ImageDataGenerator().flow((x, np.ones((3, 2))), y, batch_size=2, shuffle=False)
    )
    out["x_list"] = [type(batch[0]).__name__, len(batch[0]), list(batch[0][1].shape)]
    out["no_y"] = type(next(image.ImageDataGenerator().flow(x, batch_size=2))).__name__
    it = image.ImageDataGenerator().flow(x, y, batch_size=2, shuffle=False)
    out["batch_sizes"] = [len(next(it)[1]) for _ in range(5)]
    wide = np.random.default_rng(1).uniform(0, 255, (7, 10, 3)).astype("float32")
    out["smart_resize"] = [
        image.smart_resize(wide, (4, 4)),
        image.smart_resize(wide[None], (5, 3), interpolation="nearest"),
    ]
    return out


def write_image_folder(root: str) -> None:
    """Class folders of small PNGs (and files flow_from_directory skips), the same bytes
    for both runs."""
    from PIL import Image

    rng = np.random.default_rng(0)
    for name in ("dogs", "cats", "zebras"):
        os.makedirs(os.path.join(root, name, "sub"), exist_ok=True)
        for i in range(3):
            pixels = rng.integers(0, 255, (7, 6, 3)).astype("uint8")
            Image.fromarray(pixels).save(os.path.join(root, name, f"im{i}.png"))
        pixels = rng.integers(0, 255, (5, 5, 3)).astype("uint8")
        Image.fromarray(pixels).save(os.path.join(root, name, "sub", "deeper.png"))
        with open(os.path.join(root, name, "notes.txt"), "w") as f:
            f.write("not an image")


def _directory(keras) -> dict:
    image = importlib.import_module(f"{keras.__name__}.preprocessing.image")
    out = {}
    with tempfile.TemporaryDirectory() as root:
        write_image_folder(root)
        for mode in ("categorical", "binary", "sparse", "input", None):
            gen = image.ImageDataGenerator(
                rescale=1 / 255.0, rotation_range=15, horizontal_flip=True
            )
            it = gen.flow_from_directory(
                root, target_size=(3, 2), batch_size=4, class_mode=mode, seed=7
            )
            batch = next(it)
            out[str(mode)] = {
                "batch": (list(batch) if isinstance(batch, tuple) else [batch])[-1:],
                "class_indices": it.class_indices,
                "filenames": [f.replace(os.sep, "/") for f in it.filenames],
                "classes": it.classes,
                "meta": [it.samples, it.num_classes, len(it), list(it.image_shape)],
            }
        gen = image.ImageDataGenerator(validation_split=0.5)
        it = gen.flow_from_directory(
            root, target_size=(3, 3), color_mode="grayscale", subset="validation", shuffle=False,
            batch_size=3, classes=["zebras", "dogs"],
        )  # fmt: skip
        out["subset_grayscale"] = [
            next(it)[0],
            [f.replace(os.sep, "/") for f in it.filenames],
            it.classes,
        ]
        it = image.ImageDataGenerator().flow_from_directory(
            root,
            target_size=(3, 3),
            color_mode="rgba",
            shuffle=False,
            batch_size=2,
            interpolation="bilinear",
        )
        out["rgba_bilinear"] = it[1][0]
    return out


def _sequence(keras) -> dict:
    seq = importlib.import_module(f"{keras.__name__}.preprocessing.sequence")
    data = np.arange(40, dtype="float32").reshape(20, 2)
    targets = np.arange(20) * 2.0
    gen = seq.TimeseriesGenerator(
        data, targets, length=4, sampling_rate=2, stride=3, batch_size=2, start_index=1,
        end_index=17, reverse=True,
    )  # fmt: skip
    out = {"timeseries": [len(gen), [[gen[i][0], gen[i][1]] for i in range(len(gen))]]}
    out["timeseries_config"] = json.loads(gen.to_json())
    np.random.seed(0)
    gen = seq.TimeseriesGenerator(data, targets, length=3, shuffle=True, batch_size=4)
    out["timeseries_shuffle"] = [len(gen), gen[0][1]]
    random.seed(1)
    out["skipgrams"] = seq.skipgrams(
        [0, 1, 2, 3, 4, 1], 5, window_size=2, negative_samples=0.5, seed=3
    )
    random.seed(1)
    out["skipgrams_categorical"] = seq.skipgrams(
        [1, 2, 3, 4],
        5,
        window_size=1,
        categorical=True,
        sampling_table=seq.make_sampling_table(5, 0.5),
    )
    out["sampling_table"] = seq.make_sampling_table(6)
    # the LSTM forecasting tutorials: fit / evaluate / predict on the generator
    layers = importlib.import_module(f"{keras.__name__}.layers")
    models = importlib.import_module(f"{keras.__name__}.models")
    model = models.Sequential([layers.Flatten(input_shape=(4, 2)), layers.Dense(1)])
    model.set_weights([np.full((8, 1), 0.05), np.zeros(1)])
    model.compile("sgd", "mse")
    gen = seq.TimeseriesGenerator(data / 40, targets / 40, length=4, batch_size=4)
    history = model.fit(gen, epochs=2, verbose=0, shuffle=False)
    out["timeseries_fit"] = [
        history.history["loss"],
        model.evaluate(gen, verbose=0),
        model.predict(gen, verbose=0)[:3],
    ]
    return out


LEGACY = {
    "RMSprop": dict(lr=0.01, decay=0.1),
    "RMSprop_centered": dict(learning_rate=0.01, centered=True),
    "RMSprop_momentum": dict(learning_rate=0.01, momentum=0.5),
    "Adagrad": dict(lr=0.1, decay=0.1, epsilon=1e-2),
    "Adagrad_zero": dict(learning_rate=0.1, initial_accumulator_value=0.0),
    "Nadam": dict(lr=0.01),
    "Nadam_schedule_decay": dict(learning_rate=0.02, schedule_decay=0.5),
    "Nadam_decay": dict(learning_rate=0.02, decay=0.3),
    "Adam": dict(lr=0.01, epsilon=0.1, decay=0.01, amsgrad=True),
    "SGD": dict(lr=0.1, momentum=0.9, decay=0.01, nesterov=True),
}


def _legacy(keras) -> dict:
    legacy = importlib.import_module(f"{keras.__name__}.optimizers.legacy")
    layers = importlib.import_module(f"{keras.__name__}.layers")
    models = importlib.import_module(f"{keras.__name__}.models")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(24, 5)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    out = {}
    for key, kwargs in LEGACY.items():
        model = models.Sequential(
            [
                layers.Dense(3, input_shape=(5,), activation="tanh"),
                layers.Dense(1, activation="sigmoid"),
            ]
        )
        model.set_weights([np.full((5, 3), 0.1), np.zeros(3), np.full((3, 1), -0.2), np.zeros(1)])
        optimizer = getattr(legacy, key.split("_")[0])(**kwargs)
        model.compile(loss="binary_crossentropy", optimizer=optimizer)
        history = model.fit(x, y, epochs=3, batch_size=8, verbose=0, shuffle=False)
        out[key] = [history.history["loss"], model.get_weights()[0][0]]
    return out


def scenarios(keras) -> dict:
    warnings.simplefilter("ignore")
    return _plain(
        {
            "backend": _backend(keras),
            "images": _images(keras),
            "directory": _directory(keras),
            "sequence": _sequence(keras),
            "legacy": _legacy(keras),
        }
    )


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tf_keras

    sys.stdout = open(os.devnull, "w")  # flow_from_directory's "Found N images" lines
    result = scenarios(tf_keras)
    sys.stdout = sys.__stdout__
    with open(OUT, "w") as f:
        json.dump(result, f, separators=(",", ":"))
    print("wrote", os.path.normpath(OUT), os.path.getsize(OUT), "bytes")

"""Goldens for tests/test_keras2_fuzz_found_5.py: what the Keras 2 fuzzing of seeds 536-548
(scripts/fuzz/fuzz_keras2_idioms.py, which draws these from seed 546 on) found numkeras
lacking or doing differently from tf_keras 2.21 (real Keras 2) on classic Keras 2 scripts.

- `K.conv3d`, `K.pool3d`, `K.spatial_3d_padding` and `K.resize_volumes` (the custom 3-D
  CNN layers of 2018 scripts) were missing (AttributeError).
- `K.resize_images(..., interpolation="bilinear")` (and `"lanczos3"` / `"lanczos5"`)
  raised ValueError: only nearest neighbour was there.
- `with K.learning_phase_scope(1):` and `K.manual_variable_initialization(True)` were
  missing.
- `to_categorical(y, num_classes, dtype="int32")` (Keras 2.3+) raised TypeError.

The scenarios in `SCENARIOS` are functions of the Keras-like package returning JSON
values: tf_keras here, numkeras in the test.

    cd /tmp && TF_USE_LEGACY_KERAS=1 /work/tfenv/bin/python \\
        /work/main/scripts/goldens/make_keras2_fuzz_found_5.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))
from tests.differential import Scenarios, fixed_weights, rounded  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens" / "keras2_fuzz_found_5.json"

SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


def _value(K, tensor) -> list:
    """A tensor's values and dtype."""
    array = np.asarray(K.eval(tensor))
    return [rounded(array), str(array.dtype)]


def _arrays() -> tuple:
    rng = np.random.default_rng(5)
    volume = rng.normal(size=(2, 2, 3, 4, 2)).astype("float32")
    kernel = rng.normal(size=(2, 2, 2, 2, 3)).astype("float32")
    images = rng.normal(size=(2, 3, 3, 2)).astype("float32")
    return volume, kernel, images


@scenario
def backend_volumes(keras) -> dict:
    K = keras.backend
    volume, kernel, _ = _arrays()
    v, w = K.constant(volume), K.constant(kernel)
    first = K.constant(np.transpose(volume, (0, 4, 1, 2, 3)))
    return {
        "conv3d_same": _value(K, K.conv3d(v, w, padding="same")),
        "conv3d_strided": _value(K, K.conv3d(v, w, strides=(1, 2, 2))),
        "pool3d_max": _value(K, K.pool3d(v, (2, 2, 2), strides=(1, 2, 2))),
        "pool3d_avg_same": _value(
            K, K.pool3d(v, (3, 2, 2), strides=(2, 2, 1), padding="same", pool_mode="avg")
        ),
        "pool3d_first": _value(K, K.pool3d(first, (1, 2, 2), data_format="channels_first")),
        "padding": _value(K, K.spatial_3d_padding(v, ((1, 0), (0, 2), (1, 1)))),
        "padding_default_first": list(
            K.int_shape(K.spatial_3d_padding(first, data_format="channels_first"))
        ),
        "resize_volumes": _value(K, K.resize_volumes(v, 2, 1, 3, "channels_last")),
        "resize_volumes_first": _value(K, K.resize_volumes(first, 1, 2, 2, "channels_first")),
    }


@scenario
def resize_images_interpolation(keras) -> dict:
    K = keras.backend
    _, _, images = _arrays()
    x = K.constant(images)
    first = K.constant(np.transpose(images, (0, 3, 1, 2)))
    out = {
        how: _value(K, K.resize_images(x, 2, 3, "channels_last", interpolation=how))
        for how in ("nearest", "bilinear", "lanczos3", "lanczos5")
    }
    out["bilinear_first"] = _value(
        K, K.resize_images(first, 3, 2, "channels_first", interpolation="bilinear")
    )
    try:
        K.resize_images(x, 2, 2, "channels_last", interpolation="cubic")
        out["unknown"] = "ran"
    except ValueError:  # (both raise ValueError)
        out["unknown"] = "ValueError"
    return out


@scenario
def resize_images_bilinear_trains(keras) -> dict:
    """A `Lambda` upsampling by `K.resize_images(..., interpolation="bilinear")` before a
    Conv2D: its gradient reaches the first Conv2D."""
    K, layers = keras.backend, keras.layers
    _, _, images = _arrays()

    def upsampled(t):
        return K.resize_images(t, 2, 2, "channels_last", interpolation="bilinear")

    model = keras.models.Sequential([
        layers.Conv2D(2, 2, padding="same", input_shape=(3, 3, 2)),
        layers.Lambda(upsampled),
        layers.Conv2D(1, 3, strides=2),
        layers.Flatten(),
        layers.Dense(1)])  # fmt: skip
    fixed_weights(model)
    model.compile(keras.optimizers.legacy.SGD(learning_rate=0.01), "mse")
    y = np.array([[0.5], [-0.5]], "float32")
    losses = [float(model.train_on_batch(images, y)) for _ in range(2)]
    return {
        "shape": list(model.output_shape),
        "losses": rounded(losses),
        "weights": [rounded(w) for w in model.get_weights()],
    }


@scenario
def pool3d_lambda_trains(keras) -> dict:
    """A 2018 3-D CNN: Conv3D, then a `Lambda` of `K.pool3d(K.spatial_3d_padding(...))`
    and `K.resize_volumes`, trained a few steps."""
    K, layers = keras.backend, keras.layers
    volume, _, _ = _arrays()

    def pooled(t):
        return K.pool3d(K.spatial_3d_padding(t, ((0, 0), (0, 1), (0, 0))), (2, 2, 2),
                        strides=(2, 2, 2), pool_mode="avg")  # fmt: skip

    model = keras.models.Sequential([
        layers.Conv3D(2, 2, padding="same", activation="tanh", input_shape=(2, 3, 4, 2)),
        layers.Lambda(pooled),
        layers.Lambda(lambda t: K.resize_volumes(t, 1, 2, 1, "channels_last")),
        layers.Flatten(),
        layers.Dense(1)])  # fmt: skip
    fixed_weights(model)
    model.compile(keras.optimizers.legacy.SGD(learning_rate=0.01), "mse")
    y = np.array([[0.5], [-0.5]], "float32")
    losses = [float(model.train_on_batch(volume, y)) for _ in range(2)]
    return {
        "shape": list(model.output_shape),
        "losses": rounded(losses),
        "weights": [rounded(w) for w in model.get_weights()],
    }


@scenario
def learning_phase_scope(keras) -> dict:
    K = keras.backend
    a = K.constant(np.array([[1.0, -2.0]], "float32"))
    before = int(K.learning_phase())
    with K.learning_phase_scope(1):
        inside = [int(K.learning_phase()), _value(K, K.in_train_phase(a * 2.0, a))]
    after = [int(K.learning_phase()), _value(K, K.in_train_phase(a * 2.0, a))]
    try:
        with K.learning_phase_scope(2):
            pass
        bad = "ran"
    except ValueError:
        bad = "ValueError"
    # (2017 scripts call it before loading weights; eager variables need nothing)
    manual = [K.manual_variable_initialization(True), K.manual_variable_initialization(False)]
    return {"before": before, "inside": inside, "after": after, "bad": bad, "manual": manual}


@scenario
def to_categorical_dtype(keras) -> dict:
    utils = keras.utils
    out = {}
    for dtype in ("int32", "float64", "uint8"):
        y = utils.to_categorical(np.array([[0], [2], [1]]), 3, dtype=dtype)
        out[dtype] = [rounded(y), str(y.dtype)]
    y = utils.to_categorical([1, 0], num_classes=2)
    out["default"] = [rounded(y), str(y.dtype)]
    return out


if __name__ == "__main__":
    SCENARIOS.write_tf_keras(OUT)

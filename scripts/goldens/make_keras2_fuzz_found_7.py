"""Goldens for tests/test_keras2_fuzz_found_7.py: Keras 2 compatibility of session 27 (and
what the Keras 2 fuzzing of seeds 557-564 found), against tf_keras 2.21 (real Keras 2).

- Keras 1's convolution and pooling arguments, which Keras 2.0-2.3 still took through
  their legacy interfaces (2016 scripts run under Keras 2):
  `Convolution2D(nb_filter=, nb_row=, nb_col=, border_mode=, subsample=, init=,
  W_regularizer=, bias=, dim_ordering="tf")`, `Convolution1D(nb_filter=, filter_length=,
  subsample_length=)`, `Convolution3D(kernel_dim1=, kernel_dim2=, kernel_dim3=)`,
  `MaxPooling2D(border_mode=, dim_ordering=)`, `MaxPooling1D(pool_length=, stride=)`.
  numkeras refused them (a TypeError of unknown keywords, as tf_keras and Keras 3 do).
  tf_keras refuses them too, so it builds the same models with the Keras 2 names that
  Keras 2.0's legacy interfaces converted them to (`_keras2`, which follows
  keras/legacy/interfaces.py), from the same fixed weights: the layers' configs, the
  predictions, the regularization losses and a few fit steps (`keras1_*`). fuzz_keras2.py
  draws them from seed 565 on. Keras 1's kernel by position beside them
  (`Convolution2D(32, 3, 3, border_mode="same")`, a stride of 3 in tf_keras and Keras 3)
  is refused (tested in the test file alone).
- The runs (seeds 557-564, and 570 / 573 with the new draw) found no other numkeras
  bug: two by-design float32 cases, documented in the fuzzers' docstrings (a bias before
  BatchNormalization under Adam, seed 557; a ReLU input within rounding of 0, seed 570).

The scenarios in `SCENARIOS` are functions of the Keras-like package returning JSON
values: tf_keras here (given the Keras 2 names), numkeras in the test (Keras 1's).

    cd /tmp && TF_USE_LEGACY_KERAS=1 /work/tfenv/bin/python \\
        /work/main/scripts/goldens/make_keras2_fuzz_found_7.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))
from tests.differential import Scenarios, fixed_weights, rounded  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens" / "keras2_fuzz_found_7.json"

SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


# Keras 2.0's legacy interfaces (keras/legacy/interfaces.py): Keras 1's name -> Keras 2's
KERAS2_NAMES = {
    "nb_filter": "filters",
    "filter_length": "kernel_size",
    "subsample_length": "strides",
    "subsample": "strides",
    "border_mode": "padding",
    "dim_ordering": "data_format",
    "init": "kernel_initializer",
    "W_regularizer": "kernel_regularizer",
    "b_regularizer": "bias_regularizer",
    "W_constraint": "kernel_constraint",
    "b_constraint": "bias_constraint",
    "bias": "use_bias",
    "output_dim": "units",
    "pool_length": "pool_size",
    "stride": "strides",
}
SIDES = (("nb_row", "nb_col"), ("kernel_dim1", "kernel_dim2", "kernel_dim3"))
DIM_ORDERING = {"tf": "channels_last", "th": "channels_first", "default": None}


def _keras2(kwargs: dict) -> dict:
    """Keras 1's arguments as Keras 2.0 converted them (what tf_keras 2.21 takes)."""
    out = {KERAS2_NAMES.get(k, k): v for k, v in kwargs.items()}
    for sides in SIDES:
        if sides[0] in out:
            out["kernel_size"] = tuple(out.pop(k) for k in sides)
    if "data_format" in out:
        out["data_format"] = DIM_ORDERING[out["data_format"]]
    return out


def _layer(keras, cls: str, **kwargs):
    """`cls(**kwargs)` with Keras 1's names for numkeras, Keras 2's for tf_keras."""
    if keras.__name__ == "tf_keras":
        kwargs = _keras2(kwargs)
    return getattr(keras.layers, cls)(**kwargs)


CONFIG_KEYS = ("filters", "kernel_size", "strides", "padding", "data_format", "use_bias",
               "pool_size", "units")  # fmt: skip


def _record(keras, model, x, y, loss: str, rate: float = 0.05) -> dict:
    """Configs, predictions, penalties and three fit steps of `model` from fixed weights."""
    fixed_weights(model)
    configs = []
    for layer in model.layers:
        cfg = layer.get_config()
        row = {
            k: list(v) if isinstance(v, tuple) else v for k, v in cfg.items() if k in CONFIG_KEYS
        }
        if "kernel_initializer" in cfg:
            row["kernel_initializer"] = cfg["kernel_initializer"]["class_name"]
        row["regularized"] = bool(cfg.get("kernel_regularizer"))
        configs.append(row)
    out = {
        "configs": configs,
        "output_shape": list(model.output_shape),
        "predict": rounded(model.predict(x, verbose=0)),
        "penalty": rounded(sum(float(np.asarray(w)) for w in model.losses)),
    }
    model.compile(keras.optimizers.SGD(learning_rate=rate), loss)
    history = model.fit(x, y, batch_size=4, epochs=3, shuffle=False, verbose=0)
    out["losses"] = rounded(history.history["loss"])
    out["weights"] = [rounded(w) for w in model.get_weights()]
    return out


@scenario
def keras1_conv2d(keras) -> dict:
    """The 2016 CNN: `Convolution2D(nb_filter=, nb_row=, nb_col=, border_mode=,
    subsample=, init=, W_regularizer=, dim_ordering="tf")`, `MaxPooling2D(border_mode=)`,
    Keras 2.0's transitional `Conv2D(3, (2, 2), border_mode="valid")`, `Dense(output_dim=)`."""
    L2 = keras.regularizers.l2
    model = keras.models.Sequential(
        [
            _layer(
                keras,
                "Convolution2D",
                nb_filter=4,
                nb_row=3,
                nb_col=2,
                border_mode="same",
                subsample=(2, 1),
                init="he_normal",
                W_regularizer=L2(0.01),
                activation="relu",
                dim_ordering="tf",
                input_shape=(6, 5, 2),
            ),  # fmt: skip
            _layer(keras, "MaxPooling2D", pool_size=(2, 2), border_mode="same", dim_ordering="tf"),
            _layer(
                keras,
                "Conv2D",
                filters=3,
                kernel_size=(2, 2),
                border_mode="valid",
                dim_ordering="default",
                bias=False,
            ),  # fmt: skip
            keras.layers.Flatten(),
            _layer(keras, "Dense", output_dim=2, init="uniform", activation="softmax"),
        ]
    )
    rng = np.random.default_rng(1)
    x = rng.normal(size=(8, 6, 5, 2)).astype("float32")
    y = np.eye(2, dtype="float32")[rng.integers(0, 2, 8)]
    return _record(keras, model, x, y, "categorical_crossentropy")


@scenario
def keras1_conv1d(keras) -> dict:
    """The 2016 imdb_cnn example's `Convolution1D(nb_filter=, filter_length=,
    border_mode="valid", subsample_length=1)`, `MaxPooling1D(pool_length=, stride=)`, and
    a causal one with `bias=False`."""
    model = keras.models.Sequential(
        [
            _layer(
                keras,
                "Convolution1D",
                nb_filter=4,
                filter_length=3,
                border_mode="valid",
                subsample_length=1,
                activation="relu",
                input_shape=(9, 2),
            ),  # fmt: skip
            _layer(keras, "MaxPooling1D", pool_length=2, stride=1, border_mode="same"),
            _layer(
                keras,
                "Conv1D",
                nb_filter=2,
                filter_length=2,
                border_mode="causal",
                subsample_length=2,
                bias=False,
            ),  # fmt: skip
            keras.layers.GlobalMaxPooling1D(),
            _layer(keras, "Dense", output_dim=1, activation="sigmoid"),
        ]
    )
    rng = np.random.default_rng(2)
    x = rng.normal(size=(8, 9, 2)).astype("float32")
    y = rng.integers(0, 2, (8, 1)).astype("float32")
    return _record(keras, model, x, y, "binary_crossentropy")


@scenario
def keras1_conv3d(keras) -> dict:
    """`Convolution3D(nb_filter, kernel_dim1=, kernel_dim2=, kernel_dim3=, border_mode=,
    subsample=)` and `MaxPooling3D(border_mode=, dim_ordering="tf")`."""
    model = keras.models.Sequential(
        [
            _layer(
                keras,
                "Convolution3D",
                nb_filter=2,
                kernel_dim1=2,
                kernel_dim2=3,
                kernel_dim3=2,
                border_mode="same",
                subsample=(1, 2, 1),
                input_shape=(4, 5, 3, 1),
            ),  # fmt: skip
            _layer(
                keras, "MaxPooling3D", pool_size=(2, 2, 2), border_mode="same", dim_ordering="tf"
            ),  # fmt: skip
            keras.layers.Flatten(),
            keras.layers.Dense(1),
        ]
    )
    rng = np.random.default_rng(3)
    x = rng.normal(size=(8, 4, 5, 3, 1)).astype("float32")
    y = rng.normal(size=(8, 1)).astype("float32")
    return _record(keras, model, x, y, "mae", rate=0.01)


if __name__ == "__main__":
    SCENARIOS.write_tf_keras(OUT)

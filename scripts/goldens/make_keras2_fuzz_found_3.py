"""Goldens for tests/test_keras2_fuzz_found_3.py: what scripts/fuzz/fuzz_keras2.py and
scripts/fuzz/fuzz_keras2_idioms.py (seeds 500 and up, with the 2016-2020 idioms they draw
there) found numkeras doing differently from tf_keras 2.21 (real Keras 2) on classic
Keras 2 scripts.

- `compile(..., sample_weight_mode="temporal")` (the seq2seq scripts' per-timestep
  weights) raised a TypeError; tf_keras takes it (and infers the mode from the weights'
  shape, as Keras 3 and numkeras do), and `target_tensors=None`, `distribute=None`,
  `cloning=`, `experimental_run_tf_function=` too (a `target_tensors` or `distribute`
  value is a ValueError there, as in numkeras now).
- `compile("sgd", "mse", ["mae"])`: Keras 2's third positional argument is `metrics`
  (Keras 3's is `loss_weights`); numkeras took the names as loss weights and failed.
- `train_on_batch` / `test_on_batch(..., reset_metrics=False)` (Keras 2.3) raised a
  TypeError; tf_keras runs the logged values on over the batches since the last reset.
- `K.conv2d_transpose` (with TensorFlow's `output_shape`), `K.separable_conv2d` and
  `K.depthwise_conv2d`, which 2017 custom layers call, were missing.
- `fit` / `evaluate` / `predict(..., workers=, use_multiprocessing=, max_queue_size=)`
  (2019-2020 scripts, once `fit_generator` was deprecated) raised a TypeError; tf_keras
  takes them.

The scenarios in `SCENARIOS` are functions of the Keras-like package returning JSON
values: tf_keras here, numkeras in the test.

    cd /tmp && TF_USE_LEGACY_KERAS=1 /work/tfenv/bin/python \\
        /work/main/scripts/goldens/make_keras2_fuzz_found_3.py
"""

from __future__ import annotations

import importlib
import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))
from tests.differential import Scenarios, fixed_weights, rounded  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens" / "keras2_fuzz_found_3.json"

SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


@scenario
def compile_sample_weight_mode_temporal(keras) -> dict:
    layers = keras.layers
    model = keras.models.Sequential([
        layers.SimpleRNN(3, return_sequences=True, input_shape=(4, 2)),
        layers.TimeDistributed(layers.Dense(2, activation="softmax")),
    ])  # fmt: skip
    fixed_weights(model)
    model.compile("sgd", "categorical_crossentropy", metrics=["acc"], sample_weight_mode="temporal")
    x = np.linspace(-1, 1, 40).reshape(5, 4, 2).astype("float32")
    y = np.eye(2, dtype="float32")[np.arange(20).reshape(5, 4) % 2]
    sw = np.ones((5, 4), "float32")
    sw[:, 2:] = 0.0  # (the padded steps of each sequence weigh nothing)
    return {
        "train_on_batch": rounded(model.train_on_batch(x, y, sample_weight=sw)),
        "evaluate": rounded(model.evaluate(x, y, sample_weight=sw, verbose=0)),
        "fit": rounded(
            model.fit(
                x, y, sample_weight=sw, epochs=2, batch_size=2, shuffle=False, verbose=0
            ).history["loss"]
        ),
    }


@scenario
def compile_takes_keras2_arguments(keras) -> dict:
    # the full Keras 2 compile signature, and TF 2.0-2.2's workaround arguments
    model = keras.models.Sequential([keras.layers.Dense(2, input_dim=3)])
    fixed_weights(model)
    out = {}
    for name, kwargs in {
        "target_tensors_none": {"target_tensors": None, "sample_weight_mode": None},
        "run_tf_function": {"experimental_run_tf_function": False},
        "distribute_none": {"distribute": None, "cloning": False},
        "target_tensors_array": {"target_tensors": [np.ones((2, 2), "float32")]},
        "distribute_given": {"distribute": "mirrored"},
        "unknown": {"sample_weight_modes": None},
    }.items():
        try:
            model.compile("sgd", "mse", **kwargs)
            x = np.linspace(-1, 1, 6).reshape(2, 3).astype("float32")
            out[name] = rounded(model.train_on_batch(x, np.ones((2, 2), "float32")))
        except (TypeError, ValueError) as e:
            out[name] = "TypeError" if isinstance(e, TypeError) else "ValueError"
    return out


@scenario
def fit_evaluate_predict_take_workers(keras) -> dict:
    # the 2019-2020 scripts' `fit(sequence, workers=, use_multiprocessing=)`, after
    # fit_generator was deprecated: tf_keras takes the loader arguments on all three
    x = np.linspace(-1, 1, 24).reshape(8, 3).astype("float32")
    y = np.stack([x.sum(axis=1), x[:, 0]], axis=1)

    class Batches(keras.utils.Sequence):
        def __len__(self):
            return 2

        def __getitem__(self, idx):
            return x[4 * idx : 4 * idx + 4], y[4 * idx : 4 * idx + 4]

    model = keras.models.Sequential([keras.layers.Dense(2, input_dim=3)])
    fixed_weights(model)
    model.compile(keras.optimizers.SGD(learning_rate=0.1), "mse")
    loader = {"workers": 2, "use_multiprocessing": False, "max_queue_size": 4}
    history = model.fit(Batches(), epochs=2, shuffle=False, verbose=0, **loader)
    return {
        "fit": rounded(history.history["loss"]),
        "evaluate": rounded(model.evaluate(Batches(), verbose=0, **loader)),
        "predict": rounded(model.predict(Batches(), verbose=0, **loader)),
        "arrays": rounded(model.predict(x, batch_size=3, verbose=0, workers=1)),
    }


@scenario
def on_batch_reset_metrics_false(keras) -> dict:
    # Keras 2.3's `train_on_batch(..., reset_metrics=False)`: the logged values run on
    # over the batches since the last reset (train and test share the metrics)
    model = keras.models.Sequential([keras.layers.Dense(3, input_dim=4, activation="softmax")])
    fixed_weights(model)
    opt = keras.optimizers.SGD(learning_rate=0.1)
    model.compile(opt, "categorical_crossentropy", metrics=["acc"])
    x = np.linspace(-2, 2, 24).reshape(6, 4).astype("float32")
    y = np.eye(3, dtype="float32")[[0, 1, 2, 0, 1, 1]]
    out = [
        model.train_on_batch(x[:4], y[:4], reset_metrics=False),
        model.train_on_batch(x[4:], y[4:], reset_metrics=False),
        model.train_on_batch(x[:2], y[:2], reset_metrics=True),
        model.test_on_batch(x[:3], y[:3], reset_metrics=False),
        model.test_on_batch(x[3:], y[3:], reset_metrics=False),
        model.test_on_batch(x, y),
    ]
    model.evaluate(x, y, verbose=0)
    out.append(model.train_on_batch(x[:3], y[:3], reset_metrics=False))
    return {"logs": rounded(out)}


@scenario
def compile_metrics_third_by_position(keras) -> dict:
    # Keras 2's compile(optimizer, loss, metrics, loss_weights, ...): scripts pass the
    # metrics third by position; Keras 3 puts loss_weights there
    layers = keras.layers
    x = np.linspace(-2, 2, 24).reshape(6, 4).astype("float32")
    y = np.eye(3, dtype="float32")[[0, 1, 2, 0, 1, 1]]
    out = {}
    model = keras.models.Sequential([layers.Dense(3, input_dim=4, activation="softmax")])
    fixed_weights(model)
    model.compile("sgd", "categorical_crossentropy", ["accuracy", "top_k_categorical_accuracy"])
    scores = rounded(model.evaluate(x, y, verbose=0))
    out["sequential"] = [model.metrics_names, scores]  # (names after evaluate: Keras 2 says [])
    inp = layers.Input((4,))
    h = layers.Dense(3, name="h")(inp)
    two = keras.models.Model(inp, [layers.Dense(1, name="a")(h), layers.Dense(3, name="b")(h)])
    fixed_weights(two)
    two.compile("sgd", ["mse", "mae"], {"a": ["mae"], "b": ["mse"]})
    logs = two.evaluate(x, [y[:, :1], y], verbose=0, return_dict=True)
    out["functional"] = {k: rounded(v) for k, v in sorted(logs.items())}
    return out


@scenario
def backend_conv_transpose_and_separable(keras) -> dict:
    # the K.* convolutions of 2017 custom layers that numkeras lacked; conv2d_transpose
    # takes TensorFlow's full output_shape (any size it allows: 5 or 6 rows for 3 rows,
    # stride 2, "same")
    K = importlib.import_module(f"{keras.__name__}.backend")
    rng = np.random.default_rng(0)
    x = K.constant(rng.normal(size=(1, 3, 3, 2)).astype("float32"))
    kernel = K.constant(rng.normal(size=(3, 3, 4, 2)).astype("float32"))
    depthwise = K.constant(rng.normal(size=(2, 2, 2, 2)).astype("float32"))
    pointwise = K.constant(rng.normal(size=(1, 1, 4, 3)).astype("float32"))
    out = {}
    for pad, stride, size in [("same", 2, 6), ("same", 2, 5), ("valid", 2, 8), ("same", 3, 8)]:
        y = np.asarray(K.conv2d_transpose(x, kernel, (1, size, size, 4), (stride, stride), pad))
        out[f"transpose_{pad}_{stride}_{size}"] = [list(y.shape), rounded(y[0, :, :, 0])]
    even = K.constant(rng.normal(size=(2, 2, 1, 2)).astype("float32"))  # (an even kernel)
    for size in (5, 6):
        y = np.asarray(K.conv2d_transpose(x, even, (1, size, size, 1), (2, 2), "same"))
        out[f"transpose_even_{size}"] = [list(y.shape), rounded(y[0, :, :, 0])]
    for pad in ("same", "valid"):
        y = np.asarray(K.separable_conv2d(x, depthwise, pointwise, padding=pad))
        out[f"separable_{pad}"] = [list(y.shape), rounded(y.ravel()[:8])]
        y = np.asarray(K.depthwise_conv2d(x, depthwise, strides=(2, 2), padding=pad))
        out[f"depthwise_{pad}"] = [list(y.shape), rounded(y.ravel())]
    return out


if __name__ == "__main__":
    SCENARIOS.write_tf_keras(OUT)

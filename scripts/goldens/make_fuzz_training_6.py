"""Goldens for tests/trainers/test_fuzz_training_6.py: what the sixth pass of the training
fuzzers (scripts/fuzz/fuzz_training.py seeds from 539 on, with `draw_sixth`) found.

- A callback with mode="auto" watching a metric by a name of the user's
  (`CategoricalAccuracy(name="watched")`): Keras 3 reads the direction from the model's
  metric of that name (each built-in metric class says "up" or "down"); numkeras's metric
  classes did not say, so it guessed from the name and raised where the name said nothing
  (or guessed wrong: `MeanAbsoluteError(name="acc_like")` was maximized).
- A probe of the metrics beside it: Precision / Recall with `top_k` above the number of
  classes: Keras raises ValueError; numkeras counted every class.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/fuzz_training_6.json):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_fuzz_training_6.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_training_6.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario

RNG = np.random.default_rng(6)
X = RNG.normal(size=(12, 4)).astype("float32")
TARGETS = {
    "regression": RNG.uniform(0.2, 2.0, (12, 3)).astype("float32"),
    "binary": RNG.integers(0, 2, (12, 3)).astype("float32"),
    "categorical": np.eye(3, dtype="float32")[RNG.integers(0, 3, 12)],
    "sparse": RNG.integers(0, 3, 12),
}
LOSS = {
    "regression": "mse",
    "binary": "binary_crossentropy",
    "categorical": "categorical_crossentropy",
    "sparse": "sparse_categorical_crossentropy",
}
ACTIVATION = {"regression": "softplus", "binary": "sigmoid"}
# task -> [(metric class, its arguments)]: every built-in metric a model can be compiled with
METRICS = {
    "regression": [
        ("MeanSquaredError", {}), ("MeanAbsoluteError", {}), ("MeanAbsolutePercentageError", {}),
        ("MeanSquaredLogarithmicError", {}), ("LogCoshError", {}), ("RootMeanSquaredError", {}),
        ("CosineSimilarity", {}), ("R2Score", {}), ("PearsonCorrelation", {}),
        ("ConcordanceCorrelation", {}), ("KLDivergence", {}), ("Poisson", {}),
    ],
    "binary": [
        ("BinaryAccuracy", {}), ("Accuracy", {}), ("AUC", {}), ("Precision", {}), ("Recall", {}),
        ("PrecisionAtRecall", {"recall": 0.5}), ("RecallAtPrecision", {"precision": 0.5}),
        ("SensitivityAtSpecificity", {"specificity": 0.5}),
        ("SpecificityAtSensitivity", {"sensitivity": 0.5}), ("BinaryIoU", {}),
        ("BinaryCrossentropy", {}), ("F1Score", {}), ("FBetaScore", {}), ("Hinge", {}),
        ("SquaredHinge", {}), ("TruePositives", {}),
    ],
    "categorical": [
        ("CategoricalAccuracy", {}), ("TopKCategoricalAccuracy", {"k": 2}),
        ("CategoricalCrossentropy", {}), ("CategoricalHinge", {}),
        ("OneHotIoU", {"num_classes": 3, "target_class_ids": [0]}),
        ("OneHotMeanIoU", {"num_classes": 3}),
    ],
    "sparse": [
        ("SparseCategoricalAccuracy", {}), ("SparseTopKCategoricalAccuracy", {"k": 2}),
        ("SparseCategoricalCrossentropy", {}),
        ("MeanIoU", {"num_classes": 3, "sparse_y_pred": False}),
        ("IoU", {"num_classes": 3, "target_class_ids": [1], "sparse_y_pred": False}),
    ],
}  # fmt: skip


def _model(keras, task: str, metric):
    keras.utils.set_random_seed(6)
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(3, activation=ACTIVATION.get(task, "softmax"))]
    )
    model.compile(keras.optimizers.SGD(0.05), LOSS[task], metrics=[metric])
    return model


def _watch(keras, task: str, metric, name: str = "watched", epochs: int = 1):
    """The comparison EarlyStopping(mode="auto") picked for `name` ("less" / "greater"), or
    the built-in class of the error it raised, and the epochs trained."""
    model = _model(keras, task, metric)
    stop = keras.callbacks.EarlyStopping(monitor=name, mode="auto", patience=0)
    out = {}

    def fit():
        history = model.fit(X, TARGETS[task], epochs=epochs, verbose=0, callbacks=[stop])
        out["epochs"] = len(history.epoch)

    error = builtin_error(fit)
    out["op"] = stop.monitor_op.__name__ if error == "ok" else error
    return out


@scenario
def auto_mode_reads_each_metric_class_direction(keras):
    """Each built-in metric class, named "watched": the direction mode="auto" reads."""
    out = {}
    for task, metrics in METRICS.items():
        for cls, kwargs in metrics:
            metric = getattr(keras.metrics, cls)(name="watched", **kwargs)
            out[f"{task}/{cls}"] = _watch(keras, task, metric)["op"]
    return out


@scenario
def auto_mode_reads_a_wrapped_function(keras):
    """A MeanMetricWrapper around a loss is minimized; around a user's function, the
    direction is unknown (ValueError in both)."""

    def gap(y_true, y_pred):
        return keras.ops.mean(keras.ops.abs(y_true - y_pred), axis=-1)

    wrappers = {
        "loss_function": keras.metrics.MeanMetricWrapper(
            keras.losses.mean_squared_error, name="watched"
        ),
        "user_function": keras.metrics.MeanMetricWrapper(gap, name="watched"),
    }
    return {k: _watch(keras, "regression", m)["op"] for k, m in wrappers.items()}


@scenario
def auto_mode_trusts_the_metric_over_its_name(keras):
    """A mean absolute error named "acc_like" falls each epoch: minimized, so training runs
    all four epochs (numkeras maximized it by its name and stopped after two)."""
    return _watch(keras, "regression", keras.metrics.MeanAbsoluteError(name="acc_like"),
                  name="acc_like", epochs=4)  # fmt: skip


@scenario
def top_k_past_the_classes(keras):
    """Precision / Recall with top_k above the classes y_pred has: ValueError (Keras's top_k
    raises; numkeras counted every class); with top_k at most that, their values."""
    y_true = TARGETS["binary"][:, :1]
    y_pred = np.linspace(0.1, 0.9, 12, dtype="float32").reshape(12, 1)
    out = {}
    for cls in ("Precision", "Recall"):
        for k in (1, 2):
            metric = getattr(keras.metrics, cls)(top_k=k)
            error = builtin_error(lambda m=metric: m.update_state(y_true, y_pred))
            out[f"{cls}/{k}"] = float(metric.result()) if error == "ok" else error
    return out


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

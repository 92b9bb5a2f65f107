"""Goldens for tests/models/test_fuzz_found_s28a.py: what the model and saving fuzzers
(scripts/fuzz/fuzz_models.py seeds 566-600, fuzz_saving.py 563-590, session 28) found.

- A model whose output is integers (a `Discretization`'s bins), compiled with a loss and
  mean metrics of float targets (fuzz_saving seed 568, program 1). Keras 3's loss casts the
  predictions to float and scores the targets as they are; its mean metrics' functions
  cast the targets to the predictions' integer dtype first (a target of 0.7 counts as 0),
  so its `"mae"` metric and `"mae"` loss disagree. Keras 2's metrics (MeanMetricWrapper
  casts both to float) score the floats, as numkeras does (README, "differences"). So the
  loss's goldens come from Keras 3 and the metrics' from Keras 2.

- A depthwise convolution of rank 2 (`SeparableConv2D`, `DepthwiseConv2D`) could not train:
  its kernel gradient's einsum named the channels with the letter it had given a spatial
  axis (fuzz_models seed 589, program 1: a dilated SeparableConv2D; "dimensions in operand
  0 for collapsing index 'c' don't match").

Each scenario takes the Keras-like module. Run with Keras 3 (JAX) and with tf_keras; each
writes its own entries of tests/goldens/fuzz_found_s28a.json, keeping the other's:
    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \\
        /work/main/scripts/goldens/make_fuzz_found_s28a.py
    cd /tmp && TF_USE_LEGACY_KERAS=1 /work/tfenv/bin/python \\
        /work/main/scripts/goldens/make_fuzz_found_s28a.py
"""

from __future__ import annotations

import json
import os
import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, fixed_weights, rounded  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_found_s28a.json"

SCENARIOS = Scenarios()  # goldens from Keras 3
KERAS2_SCENARIOS = Scenarios()  # goldens from Keras 2 (tf_keras), named "keras2_..."

X = np.array([[-0.7, 0.2], [0.9, -0.1], [0.3, 0.6], [-0.2, -0.9]], "float32")
Y = np.array([[0.7, 2.6], [3.4, 0.2], [2.5, 2.9], [1.2, -0.4]], "float32")
METRICS = ("MeanAbsoluteError", "MeanSquaredError", "LogCoshError", "MeanAbsolutePercentageError")


def _binned(K):
    """A Sequential whose output is a Discretization's integer bins, compiled with a mean
    absolute error loss and mean metrics."""
    model = K.Sequential([K.Input((2,)), K.layers.Discretization(bin_boundaries=[-0.5, 0.0, 0.5])])
    metrics = ["mae", K.metrics.MeanSquaredError(), K.metrics.LogCoshError()]
    model.compile(optimizer="sgd", loss="mae", metrics=metrics)
    return model


def _logs(K) -> dict:
    logs = _binned(K).evaluate(X, Y, verbose=0, return_dict=True)
    names = {"logcosh": "log_cosh_error"}  # (Keras 2's name of LogCoshError's log)
    return {names.get(k, k): float(v) for k, v in logs.items()}


def _metric_objects(K) -> dict:
    """Each mean metric's result for integer predictions of float targets."""
    predictions = _binned(K).predict(X, verbose=0)
    out = {}
    for name in METRICS:
        metric = getattr(K.metrics, name)()
        metric.update_state(Y, predictions)
        out[name] = float(metric.result())
    return out


@SCENARIOS.scenario
def integer_output_loss(K):
    """Keras 3's loss of integer predictions: the targets as they are."""
    return {"predict": _binned(K).predict(X, verbose=0).tolist(), "loss": _logs(K)["loss"]}


def _one_step(K, layer, shape) -> dict:
    """`layer` on inputs of `shape`, from fixed weights, after one SGD step of mse."""
    model = K.Sequential([K.Input(shape), layer])
    fixed_weights(model)
    model.compile(optimizer=K.optimizers.SGD(0.1), loss="mse")
    x = np.linspace(-1, 1, 2 * int(np.prod(shape)), dtype="float32").reshape(2, *shape)
    y = np.cos(3 * model.predict(x, verbose=0))
    loss = model.train_on_batch(x, y)
    return {"loss": float(loss), "weights": [rounded(w) for w in model.get_weights()]}


@SCENARIOS.scenario
def separable_conv2d_dilated_trains(K):
    layer = K.layers.SeparableConv2D(2, 2, padding="same", dilation_rate=2, activation="tanh")
    return _one_step(K, layer, (3, 4, 2))


@SCENARIOS.scenario
def depthwise_conv2d_trains(K):
    return _one_step(K, K.layers.DepthwiseConv2D(2, strides=(1, 2), depth_multiplier=2), (4, 5, 3))


@SCENARIOS.scenario
def depthwise_conv1d_trains(K):
    return _one_step(K, K.layers.DepthwiseConv1D(3, padding="same", depth_multiplier=2), (6, 2))


@KERAS2_SCENARIOS.scenario
def keras2_integer_output_metrics(K):
    """The mean metrics of integer predictions: the float targets as they are (Keras 2's)."""
    logs = _logs(K)
    return {
        "evaluate": {k: v for k, v in logs.items() if k != "loss"},
        "objects": _metric_objects(K),
    }


def _write_keras2() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tf_keras

    results = json.loads(OUT.read_text()) if OUT.exists() else {}
    for name, fn in KERAS2_SCENARIOS.items():
        tf_keras.backend.clear_session()
        results[name] = fn(tf_keras)
    lines = [f"{json.dumps(k)}: {json.dumps(results[k], sort_keys=True)}" for k in sorted(results)]
    OUT.write_text("{\n" + ",\n".join(lines) + "\n}\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    if os.environ.get("TF_USE_LEGACY_KERAS") == "1":
        _write_keras2()
    else:
        SCENARIOS.write(OUT)

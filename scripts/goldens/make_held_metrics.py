"""Goldens for tests/trainers/test_held_metrics.py: metrics a model or layer holds as
attributes, as Keras 3 tracks them. They are listed by `model.metrics` (after the compiled
ones) and `layer.metrics`, reset with the others, and reported in the logs; a subclass's
own `compute_metrics` (the pattern in its docstring) returns the logs of the built-in
steps; `add_metric` is gone.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/held_metrics.json):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_held_metrics.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "held_metrics.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario

X = np.linspace(-2, 2, 8 * 2).reshape(8, 2).astype("float32")
Y = np.linspace(0, 1, 8).reshape(8, 1).astype("float32")


def _rounded(logs):
    if isinstance(logs, dict):
        return {k: _rounded(v) for k, v in logs.items()}
    if isinstance(logs, (list, tuple)):
        return [_rounded(v) for v in logs]
    return round(float(logs), 5)


def _summing_model(keras):
    """keras.io's `compute_metrics` override: a held Mean of each batch's summed
    predictions, added to what the compiled metrics report."""

    class Summing(keras.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.custom = keras.metrics.Mean(name="custom")

        def compute_metrics(self, x, y, y_pred, sample_weight=None):
            results = super().compute_metrics(x, y, y_pred, sample_weight)
            self.custom.update_state(keras.ops.sum(y_pred))
            results["custom"] = self.custom.result()
            return results

    inputs = keras.Input((2,))
    outputs = keras.layers.Dense(1, kernel_initializer="ones", name="out")(inputs)
    return Summing(inputs, outputs)


@scenario
def compute_metrics_override_in_fit_and_evaluate(keras):
    model = _summing_model(keras)
    before = [m.name for m in model.metrics]
    model.compile(keras.optimizers.SGD(0.01), "mse", metrics=["mae"])
    history = model.fit(X, Y, epochs=2, batch_size=4, verbose=0, shuffle=False)
    return {
        "before": before,
        "after": [m.name for m in model.metrics],
        "history": _rounded(history.history),
        "evaluate": _rounded(model.evaluate(X, Y, batch_size=4, verbose=0)),
        "evaluate_dict": _rounded(model.evaluate(X, Y, batch_size=4, verbose=0, return_dict=True)),
        "train_on_batch": _rounded(model.train_on_batch(X, Y)),
        "test_on_batch": _rounded(model.test_on_batch(X, Y, return_dict=True)),
    }


@scenario
def held_metric_never_updated_is_logged(keras):
    class Holding(keras.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.held = keras.metrics.Sum(name="held")

    inputs = keras.Input((2,))
    model = Holding(inputs, keras.layers.Dense(1, kernel_initializer="ones")(inputs))
    model.compile(keras.optimizers.SGD(0.01), "mse")
    history = model.fit(X, Y, epochs=1, batch_size=4, verbose=0, shuffle=False)
    model.held.update_state(5.0)
    logs = model.evaluate(X, Y, verbose=0, return_dict=True)  # (reset first: 0 again)
    return {"history": _rounded(history.history), "evaluate": _rounded(logs),
            "names": [m.name for m in model.metrics]}  # fmt: skip


@scenario
def layer_metrics_and_their_variables(keras):
    class Counting(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.seen = keras.metrics.Sum(name="seen")
            self.pair = [keras.metrics.Mean(name="m1"), keras.metrics.Mean(name="m2")]

        def call(self, x):
            return x * 2.0

    class Outer(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.inner = Counting(name="inner")
            self.top = keras.metrics.Mean(name="top")

        def call(self, x):
            return self.inner(x)

    outer = Outer(name="outer")
    inputs = keras.Input((2,))
    model = keras.Model(inputs, keras.layers.Dense(1)(outer(inputs)))
    return {
        "outer": [m.name for m in outer.metrics],
        "inner": [m.name for m in outer.inner.metrics],
        "variables": [v.name for v in outer.metrics_variables],
        "model": [m.name for m in model.metrics],
        "weights": len(outer.weights),
    }


@scenario
def add_metric_is_gone(keras):
    layer = keras.layers.Dense(2)
    return builtin_error(lambda: layer.add_metric(1.0))


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

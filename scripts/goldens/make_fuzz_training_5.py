"""Goldens for tests/trainers/test_fuzz_training_5.py: what the fifth pass of the training
fuzzers (scripts/fuzz/fuzz_training.py seeds from 521 on, with `draw_extra`;
scripts/fuzz/fuzz_model_training.py's `callbacks4`) and the probes of fit's validation
arguments found, each a scenario run in both libraries.

- fit's validation arguments that Keras 3 finds faulty only when it first validates,
  after a whole epoch has trained (validation sample weights whose shape cannot weigh the
  validation loss, for one output or all; `validation_freq=0` or a string; a float
  validation_batch_size), and a list of sample weights longer than the outputs: the
  error classes Keras raises are the goldens; numkeras raises them before the first step,
  the model unchanged (the test checks that too). (A validation PyDataset or generator
  is not read ahead: Keras reads it only when it validates, and a PyDataset may log or
  draw as it gives batches; its faults still show after the first epoch, in both.)

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/fuzz_training_5.json):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_fuzz_training_5.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_training_5.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario

RNG = np.random.default_rng(5)
X = RNG.normal(size=(12, 3)).astype("float32")
Y = RNG.normal(size=(12, 1)).astype("float32")
LABELS = RNG.integers(0, 3, 12)


def one_output(keras):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, name="d")])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    return model


def two_outputs(keras):
    x = keras.Input((3,), name="x")
    reg = keras.layers.Dense(1, name="reg")(x)
    cls = keras.layers.Dense(3, activation="softmax", name="cls")(x)
    model = keras.Model(x, {"reg": reg, "cls": cls})
    model.compile(
        keras.optimizers.SGD(0.1), {"reg": "mse", "cls": "sparse_categorical_crossentropy"}
    )
    return model


def _fit(**kwargs):
    return lambda keras, model: model.fit(X, Y, epochs=1, verbose=0, **kwargs)


XV, YV = X[:5], Y[:5]
# name -> (model builder, fit call): fits refused for their validation arguments
REFUSED = {
    "validation_weights_of_another_shape": (
        one_output,
        _fit(validation_data=(XV, YV, np.ones((5, 3), "float32"))),
    ),
    "validation_weights_of_one_output": (
        two_outputs,
        lambda keras, model: model.fit(
            X,
            {"reg": Y, "cls": LABELS},
            verbose=0,
            validation_data=(
                XV,
                {"reg": YV, "cls": LABELS[:5]},
                {"reg": np.ones(5, "float32"), "cls": np.ones((5, 3), "float32")},
            ),
        ),
    ),
    "validation_freq_zero": (one_output, _fit(validation_data=(XV, YV), validation_freq=0)),
    "validation_freq_text": (one_output, _fit(validation_data=(XV, YV), validation_freq="2")),
    "validation_batch_size_float": (
        one_output,
        _fit(validation_data=(XV, YV), validation_batch_size=2.5),
    ),
    "three_weight_arrays_for_two_outputs": (
        two_outputs,
        lambda keras, model: model.fit(
            X,
            {"reg": Y, "cls": LABELS},
            verbose=0,
            validation_data=(XV, {"reg": YV, "cls": LABELS[:5]}, [np.ones(5, "float32")] * 3),
        ),
    ),
}


@scenario
def fit_refused_for_its_validation_arguments(keras):
    """The built-in error class each fit raises (Keras: after training an epoch)."""
    out = {}
    for name, (build, call) in REFUSED.items():
        model = build(keras)
        out[name] = builtin_error(lambda model=model, call=call: call(keras, model))
    return out


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

"""Goldens for tests/trainers/test_fuzz_training_s27.py: what session 27's pass of the
training fuzzers (scripts/fuzz/fuzz_training.py seeds 563-572, with `draw_eighth` from 568
on; scripts/fuzz/fuzz_model_training.py seeds 563-570) found numkeras doing differently
from Keras 3.

- `fit(x, [y], class_weight=...)` of a one-output model (y as a one-item list, tuple or
  dict by output name): Keras 3's fit refuses nested targets beside class_weight
  (ValueError "only supported for Models with a single output"; Keras 2's too), before it
  builds or trains anything; numkeras took the one array and trained. Keras 3's
  `train_on_batch` takes them (one value, as for the bare array), and so does numkeras.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/fuzz_training_s27.json):
    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \\
        /work/main/scripts/goldens/make_fuzz_training_s27.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_training_s27.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario

X = np.linspace(-1, 1, 24, dtype="float32").reshape(8, 3)
Y = np.array([0, 1, 2, 1, 0, 2, 2, 1])
CLASS_WEIGHT = {0: 2.0, 1: 0.5}


def _model(keras):
    keras.utils.clear_session()
    x = keras.Input((3,), name="x")
    model = keras.Model(x, keras.layers.Dense(3, activation="softmax", name="a")(x))
    model.set_weights([np.linspace(-0.5, 0.5, w.size, dtype="float32").reshape(w.shape)
                       for w in model.get_weights()])  # fmt: skip
    model.compile(keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
    return model


def _rounded(values) -> list:
    return [np.asarray(v, dtype="float64").round(6).tolist() for v in values]


@scenario
def class_weight_beside_nested_targets(keras):
    """fit with class_weight and y as the array, a one-item list / tuple / dict (with and
    without validation_split): the losses, or the built-in class raised and whether the
    weights stayed put."""
    out = {}
    forms = {"array": Y, "list": [Y], "tuple": (Y,), "dict": {"a": Y}}
    for name, y in forms.items():
        for split in (0.0, 0.25):
            model = _model(keras)
            before = _rounded(model.get_weights())
            result = {}

            def fit(model=model, y=y, split=split, result=result):
                history = model.fit(X, y, class_weight=CLASS_WEIGHT, epochs=2, batch_size=3,
                                    validation_split=split, shuffle=False, verbose=0)  # fmt: skip
                result["history"] = {k: _rounded(v) for k, v in sorted(history.history.items())}

            error = builtin_error(fit)
            if error == "ok":
                result["weights"] = _rounded(model.get_weights())
            else:
                result = {"error": error, "unchanged": _rounded(model.get_weights()) == before}
            out[f"{name}/{split}"] = result
    return out


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

"""Goldens for tests/trainers/test_trainer_attributes.py: the attributes Keras 3 gives a
model about how it runs its steps, which user code reads and sets: `loss` (compile's, as
given; None before), `run_eagerly`, `jit_compile` (given explicitly: numkeras resolves
"auto" to False, as Keras on torch or a CPU-only TensorFlow, where JAX says True),
`steps_per_execution` (settable after compile: the batch callbacks follow it), and the
compile config that records them.

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/trainer_attributes.json):
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_trainer_attributes.py
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "trainer_attributes.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario

X = np.linspace(-1, 1, 24 * 3).reshape(24, 3).astype("float32")
Y = X[:, :2] * 0.5


def _model(keras):
    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="out")])


def _loss_repr(loss):
    return loss if isinstance(loss, (str, type(None), dict, list)) else type(loss).__name__


@scenario
def attributes_before_compile(keras):
    model = _model(keras)
    return {"loss": model.loss, "run_eagerly": model.run_eagerly,
            "steps_per_execution": model.steps_per_execution,
            "compiled": model.compiled}  # fmt: skip


@scenario
def loss_as_given(keras):
    model = _model(keras)
    seen = []
    for loss in ["mse", keras.losses.Huber(delta=0.5), {"out": "mae"}, ["mse"]]:
        model.compile("sgd", loss)
        seen.append(_loss_repr(model.loss))
    return seen


@scenario
def run_eagerly_and_jit_in_compile_config(keras):
    model = _model(keras)
    out = []
    choices = [
        {"run_eagerly": True},
        {"jit_compile": False},
        {"run_eagerly": False, "jit_compile": False, "steps_per_execution": 3},
    ]
    for kwargs in choices:
        model.compile("sgd", "mse", **kwargs)
        config = model.get_compile_config()
        out.append({"run_eagerly": model.run_eagerly, "jit_compile": model.jit_compile,
                    "steps_per_execution": model.steps_per_execution,
                    "config": {k: config[k] for k in
                               ("run_eagerly", "jit_compile", "steps_per_execution")}})  # fmt: skip
    return out


@scenario
def run_eagerly_turns_jit_off(keras):
    model = _model(keras)
    model.compile("sgd", "mse", run_eagerly=True, jit_compile=True)
    return {"run_eagerly": model.run_eagerly, "jit_compile": model.jit_compile,
            "config": model.get_compile_config()["jit_compile"]}  # fmt: skip


@scenario
def steps_per_execution_set_after_compile(keras):
    model = _model(keras)
    model.set_weights([np.full((3, 2), 0.1, "float32"), np.zeros(2, "float32")])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    model.steps_per_execution = 2
    batches = []
    callback = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: batches.append(batch)
    )
    history = model.fit(X, Y, batch_size=4, epochs=1, shuffle=False, verbose=0,
                        callbacks=[callback])  # fmt: skip
    return {"batches": batches, "loss": history.history["loss"],
            "config": model.get_compile_config()["steps_per_execution"],
            "attr": model.steps_per_execution}  # fmt: skip


@scenario
def run_eagerly_set_after_compile(keras):
    model = _model(keras)
    model.compile("sgd", "mse")
    model.run_eagerly = True
    return {"attr": model.run_eagerly, "config": model.get_compile_config()["run_eagerly"]}


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

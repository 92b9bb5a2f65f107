"""Golden values for optimizers with `use_ema=True` and the SwapEMAWeights callback, from
real Keras 3 (JAX backend).

Run from the repo root:
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_ema.py

Writes tests/goldens/ema.json: for a small model trained with `fit` from fixed weights,
the history, the weights after `fit` (the moving averages, which `fit` copies in at the end)
and the optimizer's variables by name. Read by tests/optimizers/test_ema.py.
"""

from __future__ import annotations

import json
import os
import pathlib

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens" / "ema.json"
RNG = np.random.default_rng(5)

CASES = [
    ("sgd_m09", "SGD", {"learning_rate": 0.1, "use_ema": True, "ema_momentum": 0.9}, {}),
    (
        "adam_overwrite3",
        "Adam",
        {"learning_rate": 0.05, "use_ema": True, "ema_overwrite_frequency": 3},
        {},
    ),
    (
        "adam_accum2",
        "Adam",
        {"learning_rate": 0.05, "use_ema": True, "gradient_accumulation_steps": 2},
        {},
    ),
    ("sgd_swap", "SGD", {"learning_rate": 0.1, "use_ema": True, "ema_momentum": 0.5}, {"swap": 1}),
    (
        "sgd_swap_on_epoch",
        "SGD",
        {"learning_rate": 0.1, "use_ema": True, "ema_momentum": 0.5},
        {"swap": 2},
    ),
]


def rounded(shape):
    return np.round(RNG.uniform(-1, 1, size=shape), 3).astype("float32")


def main() -> None:
    x, y = rounded((8, 4)), rounded((8, 1))
    xv, yv = rounded((4, 4)), rounded((4, 1))
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(3, activation="tanh"), keras.layers.Dense(1)]
    )
    weights = [rounded(w.shape) for w in model.get_weights()]
    cases = []
    for name, cls, kwargs, extra in CASES:
        model = keras.Sequential(
            [keras.Input((4,)), keras.layers.Dense(3, activation="tanh"), keras.layers.Dense(1)]
        )
        model.set_weights(weights)
        model.compile(optimizer=getattr(keras.optimizers, cls)(**kwargs), loss="mse")
        callbacks = []
        if extra.get("swap"):
            callbacks.append(keras.callbacks.SwapEMAWeights(swap_on_epoch=extra["swap"] == 2))
        history = model.fit(
            x,
            y,
            batch_size=4,
            epochs=3,
            shuffle=False,
            verbose=0,
            validation_data=(xv, yv),
            callbacks=callbacks,
        ).history
        opt = model.optimizer
        cases.append(
            {
                "name": name,
                "optimizer": cls,
                "kwargs": kwargs,
                "swap": extra.get("swap", 0),
                "history": {k: [float(v) for v in vs] for k, vs in history.items()},
                "weights_after": [w.tolist() for w in model.get_weights()],
                "optimizer_variables": [
                    [v.name, np.asarray(v.numpy(), "float64").tolist()] for v in opt.variables
                ],
            }
        )
    out = {
        "keras_version": keras.__version__,
        "x": x.tolist(),
        "y": y.tolist(),
        "x_val": xv.tolist(),
        "y_val": yv.tolist(),
        "weights": [w.tolist() for w in weights],
        "cases": cases,
    }
    OUT.write_text(json.dumps(out) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()

"""Goldens for tests/trainers/test_fuzz_errors_2.py: minimal repros of what the misuse
fuzzer's fourth menu (scripts/fuzz/fuzz_errors.py, seeds 20 on) found numkeras doing
differently from Keras 3, each a scenario run in both:

- `save` / `save_weights` to a path inside a folder that does not exist: Keras 3 raises
  FileNotFoundError and writes nothing; numkeras created the folders and saved.
- ... to a path whose folder is a file (`notes.txt/model.keras`): Keras 3 raises
  NotADirectoryError; numkeras raised FileExistsError (creating the folder failed).

Each scenario is a function of the `keras` module (real Keras 3 here, numkeras in the test)
returning JSON-able values. Run with Keras 3 and JAX installed (writes
tests/goldens/fuzz_errors_2.json):
    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \
        /work/main/scripts/goldens/make_fuzz_errors_2.py
"""

from __future__ import annotations

import os
import pathlib
import sys
import tempfile

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, builtin_error  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_errors_2.json"
SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario

X = np.random.default_rng(5).normal(size=(6, 4)).astype("float32")


def _model(keras):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    model.compile(optimizer="adam", loss="mse")
    return model


SAVES = {"save": ("save", "m.keras"), "save_weights": ("save_weights", "m.weights.h5")}


@scenario
def save_into_a_missing_folder(keras):
    model, folder = _model(keras), tempfile.mkdtemp()
    out = {}
    for name, (method, file) in SAVES.items():
        path = os.path.join(folder, "nope", "sub", file)
        out[name] = builtin_error(lambda m=method, p=path: getattr(model, m)(p))
        out[f"{name}_folder_made"] = os.path.exists(os.path.dirname(path))
    return out


@scenario
def save_under_a_file(keras):
    model, folder = _model(keras), tempfile.mkdtemp()
    with open(os.path.join(folder, "notes.txt"), "w") as f:
        f.write("a file, not a folder")
    out = {}
    for name, (method, file) in SAVES.items():
        path = os.path.join(folder, "notes.txt", file)
        out[name] = builtin_error(lambda m=method, p=path: getattr(model, m)(p))
        path = os.path.join(folder, "notes.txt", "deeper", file)  # (a file higher up)
        out[f"{name}_deeper"] = builtin_error(lambda m=method, p=path: getattr(model, m)(p))
    return out


def main():
    SCENARIOS.write(OUT, sys.argv[1:])


if __name__ == "__main__":
    main()

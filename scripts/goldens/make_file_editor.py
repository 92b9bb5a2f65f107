"""Goldens for tests/saving/test_file_editor.py: Keras 3's `KerasFileEditor` on a file Keras
wrote. Writes `tests/goldens/saving/file_editor_keras.keras` (a compiled, trained model:
Dense, BatchNormalization, Dense, Dense) and `tests/goldens/saving/file_editor.json`:
the weights' structure the editor reads (each weight's shape and dtype), a shape-mismatch
`compare` against a changed model, the structure after a rename, a deletion and an
addition, and the predictions of a model loading the edited weights.

(A flat model: Keras 3.15's editor drops a nested model's layers when it reads a file, so
its `compare` and `save` are wrong there; numkeras's are tested on nested models alone.)

Run with Keras 3 and JAX installed:
    KERAS_BACKEND=jax /work/kenv/bin/python scripts/goldens/make_file_editor.py
"""

from __future__ import annotations

import contextlib
import io
import json
import pathlib
import tempfile

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
FILE = ROOT / "tests" / "goldens" / "saving" / "file_editor_keras.keras"
OUT = ROOT / "tests" / "goldens" / "saving" / "file_editor.json"
X = np.linspace(-1, 1, 12).reshape(3, 4).astype("float32")


def structure(weights: dict) -> dict:
    return {
        k: structure(v) if isinstance(v, dict) else [list(v.shape), str(v.dtype)]
        for k, v in weights.items()
    }


def build(keras, mid_units: int = 5):
    """x -> Dense(3) -> BatchNormalization -> Dense(mid) -> Dense(2)."""
    x = keras.Input((4,), name="x")
    h = keras.layers.BatchNormalization(name="bn")(keras.layers.Dense(3, name="in_d")(x))
    mid = keras.layers.Dense(mid_units, name="mid")(h)
    return keras.Model(x, keras.layers.Dense(2, name="head")(mid), name="m")


def edited(keras, editor_class, path: str, out_dir: str) -> dict:
    """Rename the head's weights to another layer path, drop the optimizer, write a new
    file and load it into a twin whose layers match the edited file."""
    with contextlib.redirect_stdout(io.StringIO()):
        editor = editor_class(path)
    editor.delete_object("optimizer")
    editor.rename_object("dense_2", "dense_9")
    editor.rename_object("layers/dense_9", "dense_2")
    weights = editor.weights_dict["layers"]["dense_1"]
    editor.add_weights("dense_1", {})
    editor.delete_object("layers/dense_1")
    editor.add_object("layers/dense_1", {"0": weights["0"] * 2, "1": weights["1"] - 1})
    editor.delete_weight("batch_normalization", "3")
    editor.add_weights("batch_normalization", {"3": np.full((3,), 2.0, "float32")})
    target = f"{out_dir}/edited.weights.h5"
    editor.save(target)
    with contextlib.redirect_stdout(io.StringIO()):
        again = editor_class(target)
    twin = build(keras)
    twin.load_weights(target)
    return {
        "structure": structure(again.weights_dict),
        "predict": np.round(twin.predict(X, verbose=0), 5).tolist(),
    }


def scenarios(keras, editor_class, path: str) -> dict:
    with contextlib.redirect_stdout(io.StringIO()):
        editor = editor_class(path)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        result = editor.compare(build(keras, mid_units=6))
    with tempfile.TemporaryDirectory() as out_dir:
        after = edited(keras, editor_class, path, out_dir)
    return {
        "structure": structure(editor.weights_dict),
        "compare_mismatch": result,
        "compare_lines": [
            line for line in printed.getvalue().splitlines() if line.startswith("...Weight")
        ],
        "edited": after,
    }


def main() -> None:
    import keras
    from keras.saving import KerasFileEditor

    keras.utils.set_random_seed(0)
    model = build(keras)
    model.compile("adam", "mse")
    model.fit(X, np.zeros((3, 2), "float32"), verbose=0)
    FILE.parent.mkdir(parents=True, exist_ok=True)
    model.save(FILE)
    result = scenarios(keras, KerasFileEditor, str(FILE))
    result["predict"] = np.round(model.predict(X, verbose=0), 5).tolist()
    OUT.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
    print(f"wrote {FILE} ({FILE.stat().st_size} bytes) and {OUT}")


if __name__ == "__main__":
    main()

"""Interop goldens for numkeras/saving, produced by real Keras 3 (and numkeras).

Run with Keras and numkeras installed, e.g.:
    KERAS_BACKEND=jax python scripts/goldens/make_saving.py
Writes into tests/goldens/saving/:
- `keras_<case>.{keras,weights.h5,h5}`: files Keras wrote (numkeras must read them);
- `numkeras_<case>.{keras,weights.h5,h5}`: files numkeras wrote, which Keras then loaded
  (the tests check that numkeras still writes the same trees and values);
- `saving.json`: the inputs, and the predictions Keras made from each file.
- `keras_compiled_<case>.{keras,h5}` and `compiled.json`: models compiled with loss and metric
  objects and functions (not names), the compile configs Keras and numkeras wrote, and what
  each computes once loaded; `custom_layers` there: how Keras names a user's layer class.

`python make_saving.py compiled` writes only the second group (`files`, only the first).
"""

import json
import pathlib
import sys

import numpy as np

import numkeras
import numkeras.saving

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens" / "saving"


def sequential(lib):
    L = lib.layers
    model = lib.models.Sequential(
        [
            L.Input((4,)),
            L.Dense(3, activation="relu"),
            L.BatchNormalization(momentum=0.9),
            L.Dropout(0.0),  # in the config, but no random masks: steps comparable
            L.Dense(2, activation="softmax"),
        ],
        name="seq",
    )
    model.compile(
        optimizer=lib.optimizers.Adam(learning_rate=0.01),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def functional(lib):
    L = lib.layers
    a, b = L.Input((3,), name="a"), L.Input((2,), name="b")
    h = L.Concatenate()([L.Dense(4, activation="relu")(a), L.Dense(4, activation="relu")(b)])
    model = lib.models.Model([a, b], L.Dense(1, activation="sigmoid")(h), name="func")
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    return model


CASES = {"seq": sequential, "func": functional}


def squared_error(y_true, y_pred):
    """A user's loss / metric function: loads only with custom_objects={"squared_error": ...}."""
    return ((y_true - y_pred) ** 2).mean(axis=-1)


# compile arguments given as objects and functions, whose settings must survive a file
COMPILED = {
    "objects": lambda lib: dict(
        loss=lib.losses.BinaryCrossentropy(from_logits=True),
        metrics=[
            lib.metrics.BinaryAccuracy(threshold=0.0),
            lib.metrics.MeanAbsoluteError("my_mae"),
        ],
        weighted_metrics=[lib.metrics.MeanSquaredError(name="wmse")],
    ),
    "huber": lambda lib: dict(loss=lib.losses.Huber(delta=0.5), metrics=["mae"]),
    "functions": lambda lib: dict(
        loss=lib.losses.binary_crossentropy, metrics=[lib.metrics.binary_accuracy, "accuracy"]
    ),
    "custom": lambda lib: dict(loss=squared_error, metrics=[squared_error]),
    "per_output": lambda lib: dict(
        loss={"out": lib.losses.Huber()}, metrics={"out": [lib.metrics.MeanAbsoluteError("m")]}
    ),
}
COMPILE_KEYS = ("loss", "loss_weights", "metrics", "weighted_metrics")


def compiled(lib, case):
    inp = lib.layers.Input((3,), name="x")
    model = lib.models.Model(inp, lib.layers.Dense(1, name="out")(inp), name="compiled")
    model.compile(optimizer="adam", **COMPILED[case](lib))
    return model


def compiled_data():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(6, 3)).round(4).astype("float32")
    return x, np.array([[0], [1], [1], [0], [1], [0]], "float32")


def scale_layer(base):
    """A user's layer class, unregistered (named by its class name, as Keras does)."""

    class Scale(base):
        pass

    return Scale


def inputs(name):
    rng = np.random.default_rng(1)
    if name == "seq":
        return rng.normal(size=(5, 4)).round(4).astype("float32")
    return [
        rng.normal(size=(5, 3)).round(4).astype("float32"),
        rng.normal(size=(5, 2)).round(4).astype("float32"),
    ]


def main(parts=("files", "compiled")):
    OUT.mkdir(parents=True, exist_ok=True)
    if "files" in parts:
        write_files()
    if "compiled" in parts:
        write_compiled()
    for p in sorted(OUT.iterdir()):
        print(p.name, p.stat().st_size)


def _config_json(path) -> dict:
    import zipfile

    return json.loads(zipfile.ZipFile(path).read("config.json"))


def _training_config(path) -> dict:
    import h5py

    with h5py.File(path) as h5:
        return json.loads(h5.attrs["training_config"])


def write_compiled():
    import keras  # here, not at the top: tests/saving imports this file's model builders

    x, y = compiled_data()
    custom = {"squared_error": squared_error}
    record = {"keras_version": keras.__version__, "x": x.tolist(), "y": y.tolist(), "cases": {}}
    for case in COMPILED:
        km = compiled(keras, case)
        km.set_weights([np.array([[0.5], [-1.0], [0.25]], "float32"), np.array([0.1], "float32")])
        kfile, nfile = OUT / f"keras_compiled_{case}", OUT / f"numkeras_compiled_{case}"
        km.save(f"{kfile}.keras")
        km.save(f"{kfile}.h5")
        # what a loaded model computes (Keras drops Huber's delta from its config)
        kloaded = keras.saving.load_model(f"{kfile}.keras", custom_objects=custom)
        entry = {
            "keras_compile_config": {
                k: _config_json(f"{kfile}.keras")["compile_config"][k] for k in COMPILE_KEYS
            },
            "keras_training_config": {k: _training_config(f"{kfile}.h5")[k] for k in COMPILE_KEYS},
            "keras_evaluate": kloaded.evaluate(x, y, return_dict=True, verbose=0),
        }
        # numkeras loads Keras's files and writes its own; Keras loads those, compiled
        for ext in (".keras", ".h5"):
            nm = numkeras.models.load_model(f"{kfile}{ext}", custom_objects=custom)
            assert nm.compiled, (case, ext)
            nm.save(f"{nfile}{ext}")
            back = keras.saving.load_model(f"{nfile}{ext}", custom_objects=custom)
            entry[f"keras_compiled_numkeras{ext}"] = bool(back.compiled)
            entry[f"keras_evaluates_numkeras{ext}"] = back.evaluate(
                x, y, return_dict=True, verbose=0
            )
        entry["numkeras_compile_config"] = {
            k: _config_json(f"{nfile}.keras")["compile_config"][k] for k in COMPILE_KEYS
        }
        entry["numkeras_training_config"] = {
            k: _training_config(f"{nfile}.h5")[k] for k in COMPILE_KEYS
        }
        for ext in (".keras", ".h5"):
            pathlib.Path(f"{nfile}{ext}").unlink()  # the configs above are what the tests need
        record["cases"][case] = entry
    record["custom_layers"] = _custom_layers(keras)
    (OUT / "compiled.json").write_text(json.dumps(record, indent=1))


def _custom_layers(keras):
    """How Keras names a user's layer class, and whether it loads numkeras's files of one."""
    path = OUT / "custom_layer.keras"
    out = {}
    for registered in (False, True):
        kcls, ncls = scale_layer(keras.layers.Dense), scale_layer(numkeras.layers.Dense)
        if registered:
            kcls = keras.saving.register_keras_serializable(package="Demo")(kcls)
            ncls = numkeras.saving.register_keras_serializable(package="Demo")(ncls)
        keras.Sequential([keras.Input((3,)), kcls(2)]).save(path)
        entry = {"keras_layer": _config_json(path)["config"]["layers"][1]}
        numkeras.models.Sequential([numkeras.layers.Input((3,)), ncls(2)]).save(path)
        entry["numkeras_layer"] = _config_json(path)["config"]["layers"][1]
        loaded = keras.saving.load_model(path, custom_objects={} if registered else {"Scale": kcls})
        entry["keras_loads_numkeras"] = type(loaded.layers[0]) is kcls
        out["registered" if registered else "unregistered"] = entry
    path.unlink()
    return out


def write_files():
    import keras  # here, not at the top: tests/saving imports this file's model builders

    record = {"keras_version": keras.__version__, "cases": {}}
    for name, build in CASES.items():
        x = inputs(name)
        km = build(keras)
        rng = np.random.default_rng(2)
        weights = [
            (
                rng.normal(0, 0.5, w.shape)
                if "variance" not in w.name
                else rng.uniform(0.5, 2, w.shape)
            )
            .round(4)
            .astype("float32")
            for w in km.weights
        ]
        km.set_weights(weights)
        y = np.zeros((5, 1)) if name == "func" else rng.integers(0, 2, 5)
        km.train_on_batch(x, y)  # non-default BatchNormalization statistics, optimizer state
        kpred = km.predict(x, verbose=0)
        km.save(OUT / f"keras_{name}.keras")
        km.save_weights(OUT / f"keras_{name}.weights.h5")
        km.save(OUT / f"keras_{name}.h5")
        # Keras resumes training from its own file: the reference for a resumed step
        resumed = keras.saving.load_model(OUT / f"keras_{name}.keras")
        resumed.train_on_batch(x, y)
        # numkeras loads Keras's file (weights and optimizer state) and writes its own; Keras
        # loads those and resumes training from them too
        nm = numkeras.models.load_model(OUT / f"keras_{name}.keras")
        nm.save(OUT / f"numkeras_{name}.keras")
        nm.save_weights(OUT / f"numkeras_{name}.weights.h5")
        nm.save(OUT / f"numkeras_{name}.h5")
        from_keras_file = keras.saving.load_model(OUT / f"numkeras_{name}.keras")
        from_h5 = keras.saving.load_model(OUT / f"numkeras_{name}.h5")
        fresh = build(keras)
        fresh.load_weights(OUT / f"numkeras_{name}.weights.h5")
        record["cases"][name] = {
            "x": [a.tolist() for a in x] if isinstance(x, list) else x.tolist(),
            "y": np.asarray(y).tolist(),
            "keras_predict": np.asarray(kpred, "float64").tolist(),
            "keras_weights": [np.asarray(w, "float64").tolist() for w in km.get_weights()],
            "keras_optimizer_iterations": int(km.optimizer.iterations.numpy()),
            "keras_resumed_weights": [
                np.asarray(w, "float64").tolist() for w in resumed.get_weights()
            ],
            "keras_reads_numkeras_keras": np.asarray(
                from_keras_file.predict(x, verbose=0), "float64"
            ).tolist(),
            "keras_reads_numkeras_h5": np.asarray(
                from_h5.predict(x, verbose=0), "float64"
            ).tolist(),
            "keras_reads_numkeras_weights": np.asarray(
                fresh.predict(x, verbose=0), "float64"
            ).tolist(),
            "keras_compiled_numkeras_keras": bool(from_keras_file.compiled),
        }
        # (Keras 3.15 on JAX cannot resume training from a legacy .h5, even its own: its
        # optimizer stays unbuilt after loading. So only the .keras file resumes here.)
        from_keras_file.train_on_batch(x, y)
        record["cases"][name]["keras_resumes_numkeras.keras"] = [
            np.asarray(w, "float64").tolist() for w in from_keras_file.get_weights()
        ]
    (OUT / "saving.json").write_text(json.dumps(record))


if __name__ == "__main__":
    main(sys.argv[1:] or ("files", "compiled"))

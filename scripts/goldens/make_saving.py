"""Interop goldens for numkeras/saving, produced by real Keras 3 (and numkeras).

Run with Keras and numkeras installed, e.g.:
    KERAS_BACKEND=jax python scripts/goldens/make_saving.py
Writes into tests/goldens/saving/:
- `keras_<case>.{keras,weights.h5,h5}`: files Keras wrote (numkeras must read them);
- `numkeras_<case>.{keras,weights.h5,h5}`: files numkeras wrote, which Keras then loaded
  (the tests check that numkeras still writes the same trees and values);
- `saving.json`: the inputs, and the predictions Keras made from each file.
"""

import json
import pathlib

import numpy as np

import numkeras

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


def inputs(name):
    rng = np.random.default_rng(1)
    if name == "seq":
        return rng.normal(size=(5, 4)).round(4).astype("float32")
    return [
        rng.normal(size=(5, 3)).round(4).astype("float32"),
        rng.normal(size=(5, 2)).round(4).astype("float32"),
    ]


def main():
    import keras  # here, not at the top: tests/saving imports this file's model builders

    OUT.mkdir(parents=True, exist_ok=True)
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
    for p in sorted(OUT.iterdir()):
        print(p.name, p.stat().st_size)


if __name__ == "__main__":
    main()

"""Interop goldens for numkeras/saving's differential checks against Keras 3 and tf_keras 2.

Run (Keras 3, tf_keras 2 and numkeras in one Python; Keras 3 on TensorFlow here, since the
tf_keras environment holds both):

    KERAS_BACKEND=tensorflow /work/tfenv/bin/python scripts/goldens/make_diff_interop.py

Writes into tests/goldens/diff_interop/:
- `h5_written.json`: models numkeras saved as Keras 2 `.h5` files, with the `model_config`
  numkeras wrote and whether Keras 3 and tf_keras loaded that file and predicted as numkeras
  did (the tests check that numkeras still writes those configs);
- `resume.json`: compiled models numkeras trained two steps and saved as `.h5`; the weights
  after tf_keras 2 loaded each file and trained one more step (tf_keras resumes from the
  optimizer state numkeras writes; Keras 3 cannot resume from any `.h5`, even its own);
- `keras_dict_io.{keras,h5}`, `keras_mismatch.{weights.h5,h5}` and `keras_files.json`: files
  Keras 3 wrote, and what Keras 3 made of them (predictions; weights after `load_weights`
  with `skip_mismatch=True` / `by_name=True`; error types).
"""

from __future__ import annotations

import json
import os
import pathlib
import sys
import tempfile
import warnings

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "tests" / "goldens" / "diff_interop"

import numkeras  # noqa: E402

# Keras 3 and tf_keras, imported by main(): the tests import this file's model builders
keras = tf_keras = None


def data(shape, seed=0, kind="f"):
    rng = np.random.default_rng(seed)
    if kind == "i":
        return rng.integers(0, 10, size=shape).astype("int32")
    return rng.normal(size=shape).round(3).astype("float32")


# -- models numkeras writes as .h5 (the same code builds them in each library) -------------
def h5_models(lib):
    L = lib.layers

    def seq(name, shape, layers, dtype="float32"):
        return lib.models.Sequential([L.Input(shape, dtype=dtype, name="x"), *layers], name=name)

    def mha():
        x = L.Input((4, 6), name="x")
        y = L.MultiHeadAttention(2, 3, name="mha")(x, x)
        return lib.models.Model(x, L.LayerNormalization(name="ln")(y), name="mha_model")

    def dict_io():
        a, b = L.Input((3,), name="a"), L.Input((2,), name="b")
        h = L.Dense(4, activation="relu", name="hid")(L.Concatenate(name="cat")([a, b]))
        outputs = {"out1": L.Dense(1, name="o1")(h), "out2": L.Dense(2, name="o2")(h)}
        return lib.models.Model({"a": a, "b": b}, outputs, name="dict_io")

    return {
        # LayerNormalization's rms_scaling, ZeroPadding1D's data_format: Keras 3 only
        "layer_norm": (seq("ln", (4,), [L.LayerNormalization(name="ln")]), data((2, 4))),
        "zero_padding": (
            seq("zp", (5, 2), [L.ZeroPadding1D(1, name="zp"), L.Conv1D(2, 3, name="c")]),
            data((2, 5, 2)),
        ),
        # ConvLSTM's seed: Keras 3 only
        "conv_lstm": (
            seq("cl", (2, 4, 4, 1), [L.ConvLSTM2D(2, 3, name="cl")]),
            data((2, 2, 4, 4, 1)),
        ),
        # a wrapped layer needs its module for Keras 3's wrappers
        "bidirectional": (
            seq("bi", (5, 3), [L.Bidirectional(L.GRU(2, name="gru"), name="bi")]),
            data((2, 5, 3)),
        ),
        "time_distributed": (
            seq("td", (5, 3), [L.TimeDistributed(L.Dense(2, name="inner"), name="td")]),
            data((2, 5, 3)),
        ),
        # a layer called on two tensors: Keras 3's form
        "mha": (mha(), data((2, 4, 6))),
        # dict inputs and outputs
        "dict_io": (dict_io(), {"a": data((2, 3)), "b": data((2, 2), 1)}),
    }


def _as_json(y):
    if isinstance(y, dict):
        return {k: np.asarray(v, "float64").tolist() for k, v in y.items()}
    return np.asarray(y, "float64").tolist()


def _close(a, b) -> bool:
    if isinstance(a, dict):
        return isinstance(b, dict) and set(a) == set(b) and all(_close(a[k], b[k]) for k in a)
    a, b = np.asarray(a, "float64"), np.asarray(b, "float64")
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-4, atol=1e-5))


def _load_in(lib, path, x):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = lib.models.load_model(path, compile=False)
            return model.predict(x, verbose=0), None
    except Exception as e:  # noqa: BLE001 - recorded
        return None, type(e).__name__


def write_h5_written(tmp: str) -> None:
    import h5py

    numkeras.utils.set_random_seed(0)
    out = {}
    for name, (model, x) in h5_models(numkeras).items():
        path = os.path.join(tmp, f"{name}.h5")
        model.save(path)
        with h5py.File(path, "r") as h5:
            config = json.loads(h5.attrs["model_config"])
        y = model.predict(x, verbose=0)
        entry = {"model_config": config}
        for label, lib in (("keras", keras), ("tf_keras", tf_keras)):
            got, error = _load_in(lib, path, x)
            entry[f"{label}_loads"] = error is None
            entry[f"{label}_error"] = error
            entry[f"{label}_predicts_as_numkeras"] = got is not None and _close(got, y)
        out[name] = entry
        print(name, {k: v for k, v in entry.items() if k != "model_config"})
    (OUT / "h5_written.json").write_text(json.dumps(out, indent=1, sort_keys=True))


# -- files Keras 3 writes ------------------------------------------------------------------
def mismatch_models(lib, variant):
    L = lib.layers
    layers = [L.Input((4,), name="x"), L.Dense(3, name="a"), L.Dense(2, name="b")]
    if variant == "extra":  # one more layer with weights
        layers.append(L.Dense(2, name="c"))
    elif variant == "wider":  # b's shapes differ
        layers[2] = L.Dense(5, name="b")
    elif variant == "renamed":  # a renamed: by_name leaves it alone
        layers[1] = L.Dense(3, name="zz")
    return lib.models.Sequential(layers, name="m")


def _weights(model):
    return [np.asarray(w, "float64").tolist() for w in model.get_weights()]


def write_keras_files() -> None:
    keras.utils.set_random_seed(0)
    record = {}
    model, x = h5_models(keras)["dict_io"]
    model.save(OUT / "keras_dict_io.keras")
    model.save(OUT / "keras_dict_io.h5")
    record["dict_io"] = {"x": _as_json(x), "y": _as_json(model.predict(x, verbose=0))}

    source = mismatch_models(keras, "same")
    rng = np.random.default_rng(5)  # no zero biases: each weight tells where it came from
    source.set_weights([rng.normal(size=w.shape).astype("float32") for w in source.get_weights()])
    source.save_weights(OUT / "keras_mismatch.weights.h5")
    source.save(OUT / "keras_mismatch.h5")
    record["mismatch_source"] = _weights(source)
    cases = {}
    for variant in ("extra", "wider", "renamed"):
        for file in ("keras_mismatch.weights.h5", "keras_mismatch.h5"):
            for kwargs in (
                {},
                {"skip_mismatch": True},
                {"by_name": True},
                {"by_name": True, "skip_mismatch": True},
            ):
                keras.utils.set_random_seed(1)
                target = mismatch_models(keras, variant)
                initial = _weights(target)
                try:
                    with warnings.catch_warnings(record=True) as caught:
                        warnings.simplefilter("always")
                        target.load_weights(OUT / file, **kwargs)
                    error = None
                    warned = sum("Skipping" in str(w.message) for w in caught)
                except Exception as e:  # noqa: BLE001 - recorded
                    error, warned = type(e).__name__, 0
                after = _weights(target)
                # per weight: 0 kept its initial value, 1 took the file's, -1 neither
                source_w = record["mismatch_source"]
                took = []
                for i, w in enumerate(after):
                    if w == initial[i]:
                        took.append(0)
                    elif (
                        i < len(source_w)
                        and np.shape(w) == np.shape(source_w[i])
                        and w == source_w[i]
                    ):
                        took.append(1)
                    else:
                        took.append(-1)
                key = f"{variant} {file} {json.dumps(kwargs, sort_keys=True)}"
                cases[key] = {
                    "error": error,
                    "took": took if error is None else None,
                    "warnings": warned,
                }
                print(key, cases[key])
    record["load_weights"] = cases
    (OUT / "keras_files.json").write_text(json.dumps(record, indent=1, sort_keys=True))


# -- optimizer state that tf_keras resumes from -------------------------------------------
RESUME_OPTIMIZERS = {
    "adam": lambda lib: lib.optimizers.Adam(0.01),
    "sgd_nesterov": lambda lib: lib.optimizers.SGD(0.05, momentum=0.9, nesterov=True),
    "rmsprop_momentum": lambda lib: lib.optimizers.RMSprop(0.01, momentum=0.5),
    "adagrad": lambda lib: lib.optimizers.Adagrad(0.05),
}


def resume_model(lib, optimizer: str):
    L = lib.layers
    model = lib.models.Sequential(
        [
            L.Input((4,), name="x"),
            L.Dense(3, activation="tanh", name="d1"),
            L.BatchNormalization(name="bn"),
            L.Dense(2, name="d2"),
        ],
        name="resume",
    )
    rng = np.random.default_rng(7)
    model.set_weights(
        [
            rng.uniform(0.5, 1.5, w.shape).astype("float32")
            if i == 5  # moving variance
            else rng.normal(0, 0.5, w.shape).astype("float32")
            for i, w in enumerate(model.get_weights())
        ]
    )
    model.compile(optimizer=RESUME_OPTIMIZERS[optimizer](lib), loss="mse")
    return model


def resume_data():
    rng = np.random.default_rng(8)
    return rng.normal(size=(8, 4)).astype("float32"), rng.normal(size=(8, 2)).astype("float32")


def write_resume(tmp: str) -> None:
    x, y = resume_data()
    out = {}
    for name in RESUME_OPTIMIZERS:
        model = resume_model(numkeras, name)
        for _ in range(2):
            model.train_on_batch(x, y)
        path = os.path.join(tmp, f"{name}.h5")
        model.save(path)
        theirs = tf_keras.models.load_model(path)
        theirs.train_on_batch(x, y)
        out[name] = {
            "tf_keras_iterations_after": int(theirs.optimizer.iterations.numpy()),
            "tf_keras_weights_after": _weights(theirs),
        }
        print(name, out[name]["tf_keras_iterations_after"])
    (OUT / "resume.json").write_text(json.dumps(out))


def main():
    global keras, tf_keras
    import keras
    import tf_keras

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        write_h5_written(tmp)
        write_resume(tmp)
    write_keras_files()
    for p in sorted(OUT.iterdir()):
        print(p.name, p.stat().st_size)


if __name__ == "__main__":
    main()

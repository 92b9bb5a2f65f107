"""Goldens for tests/saving/test_fuzz_found_3.py: what the saving and model fuzzers
(scripts/fuzz/fuzz_saving.py, fuzz_models.py, fuzz_interop.py) found numkeras doing
differently from Keras 3 on new seeds (300 and up, and the extended draws of 1000 and up).

- A legacy `.h5` numkeras wrote of a model with an `RNN` over a cell or a stack of cells, a
  `SpectralNormalization`, or a `Bidirectional` over such an RNN: Keras 3 could not load it
  (`TypeError: Could not locate class 'LSTMCell'` / `'StackedRNNCells'` / `'Dense'`),
  because numkeras wrote the cells and the wrapped layer in Keras 2's form without their
  `module`, by which Keras 3's RNN, StackedRNNCells and SpectralNormalization find their
  classes (tf_keras 2.13+ writes `module` there too, and reads it).
- A Keras model with a nested model called on a masked tensor (`Embedding(mask_zero=True)`
  then a Sequential or functional sub-model): Keras writes the call with the mask it
  auto-filled (`"kwargs": {"mask": <NotEqual tensor>}`), and numkeras refused to rebuild
  it (`ConfigError: numkeras takes mask= for a call on arrays`), so it could not load
  Keras's `.keras` file nor its JSON. The goldens hold Keras's JSON, weights and
  predictions (entry `masked_nested_models`).
- A legacy `.h5` numkeras wrote of a model with `Resizing` or `CenterCrop`: tf_keras could
  not load it (`TypeError: Error when deserializing class 'Resizing'`): their configs held
  Keras 3's arguments (`pad_to_aspect_ratio`, `fill_mode`, `antialias`, `data_format`...),
  which numkeras now leaves out at their defaults. The entry `keras2_resizing` holds the
  config keys numkeras wrote and what tf_keras predicts from the file; write it with
    cd /tmp && TF_USE_LEGACY_KERAS=1 /work/tfenv/bin/python \
        /work/main/scripts/goldens/make_fuzz_found_3.py keras2

numkeras writes each model's file here and real Keras 3 loads it: the goldens hold what
Keras 3 predicts from numkeras's file and the `module` of each nested layer entry numkeras
wrote. Run with Keras 3 and JAX installed (writes tests/goldens/fuzz_found_3.json):
    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \
        /work/main/scripts/goldens/make_fuzz_found_3.py
"""

from __future__ import annotations

import json
import os
import pathlib
import sys
import tempfile
import warnings

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
OUT = ROOT / "tests" / "goldens" / "fuzz_found_3.json"


def _rnn_cell(K):
    L = K.layers
    return K.Sequential([L.Input((3, 2)), L.RNN(L.LSTMCell(2, name="cell"), name="rnn")])


def _rnn_stack(K):
    L = K.layers
    cells = [L.LSTMCell(2, name="first"), L.GRUCell(3, name="second")]
    return K.Sequential([L.Input((3, 2)), L.RNN(cells, return_sequences=True, name="rnn")])


def _spectral(K):
    L = K.layers
    inner = L.Dense(2, name="inner")
    return K.Sequential([L.Input((3, 2)), L.SpectralNormalization(inner, name="sn")])


def _bidirectional_cell(K):
    L = K.layers
    rnn = L.RNN(L.SimpleRNNCell(2, name="cell"), name="rnn")
    return K.Sequential([L.Input((3, 2)), L.Bidirectional(rnn, name="bi")])


MODELS = {
    "rnn_cell": _rnn_cell,
    "rnn_stack": _rnn_stack,
    "spectral": _spectral,
    "bidirectional_cell": _bidirectional_cell,
}


def data() -> np.ndarray:
    return np.random.default_rng(0).normal(size=(2, 3, 2)).round(3).astype("float32")


MASKED_KINDS = ("sequential", "functional", "sequential_lstm")


def masked_tokens() -> np.ndarray:
    return np.array([[1, 2, 3, 0, 0, 0], [4, 5, 0, 0, 0, 0]], "int32")


def masked_nested_model(K, kind: str):
    """Token ids -> Embedding(mask_zero=True) -> a nested model -> LSTM: the nested model
    gets the mask (one of Dense, whose output then carries none, or of an LSTM)."""
    L = K.layers
    tokens = K.Input((6,), dtype="int32", name="tokens")
    embedded = L.Embedding(10, 4, mask_zero=True, name="embedding")(tokens)
    if kind == "sequential":
        inner = K.Sequential([L.Dense(3, name="dense")], name="inner")
    elif kind == "functional":
        x = K.Input((6, 4), name="inner_x")
        inner = K.Model(x, L.Dense(3, name="dense")(x), name="inner")
    else:
        inner = K.Sequential(
            [L.Input((6, 4)), L.LSTM(3, return_sequences=True, name="inner_lstm")], name="inner"
        )
    out = L.LSTM(2, name="lstm")(inner(embedded))
    model = K.Model(tokens, out, name=f"masked_{kind}")
    rng = np.random.default_rng(0)
    model.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    return model


def masked_nested_models(keras) -> dict:
    """Each kind's JSON (as Keras writes it, mask keyword included), weights and
    predictions, for numkeras to rebuild from the JSON."""
    results = {}
    for kind in MASKED_KINDS:
        keras.utils.clear_session()
        model = masked_nested_model(keras, kind)
        results[kind] = {
            "json": model.to_json(),
            "weights": [w.tolist() for w in model.get_weights()],
            "predict": np.asarray(model.predict(masked_tokens(), verbose=0)).tolist(),
        }
    return results


def image() -> np.ndarray:
    return np.random.default_rng(0).normal(size=(2, 4, 6, 2)).round(3).astype("float32")


def numkeras_resizing_model():
    import numkeras

    numkeras.utils.clear_session()
    L = numkeras.layers
    return numkeras.Sequential(
        [L.Input((4, 6, 2)), L.Resizing(3, 5, interpolation="nearest"), L.CenterCrop(2, 3)]
    )


def layer_config_keys(config) -> dict:
    return {la["class_name"]: sorted(la["config"]) for la in config["config"]["layers"]}


def keras2_resizing(tf_keras) -> dict:
    """numkeras writes the `.h5`; tf_keras loads it and predicts."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "m.h5")
        numkeras_resizing_model().save(path)
        loaded = tf_keras.models.load_model(path)
        return {
            "keys": layer_config_keys(h5_config(path)),
            "predict": np.asarray(loaded.predict(image(), verbose=0)).tolist(),
        }


def numkeras_model(name: str):
    """The model `name` built by numkeras, with fixed weights."""
    import numkeras

    numkeras.utils.clear_session()
    model = MODELS[name](numkeras)
    rng = np.random.default_rng(1)
    model.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    return model


def nested_modules(config) -> list:
    """(key, class_name, module) of each layer entry held in a layer's config under `layer`,
    `cell` or `cells`, at any depth, in order."""
    found = []

    def visit(value):
        if isinstance(value, dict):
            for key in ("layer", "backward_layer", "cell", "cells"):
                inner = value.get(key)
                for entry in inner if isinstance(inner, list) else [inner]:
                    if isinstance(entry, dict) and "class_name" in entry:
                        found.append([key, entry["class_name"], entry.get("module")])
            for v in value.values():
                visit(v)
        elif isinstance(value, list):
            for v in value:
                visit(v)

    visit(config)
    return found


def h5_config(path) -> dict:
    import h5py

    with h5py.File(path, "r") as h5:
        return json.loads(h5.attrs["model_config"])


def _write(results: dict) -> None:
    OUT.write_text(
        "{\n"
        + ",\n".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in sorted(results.items()))
        + "\n}\n"
    )
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


def main() -> None:
    warnings.simplefilter("ignore")
    if sys.argv[1:] == ["keras2"]:  # (tf_keras: its entry only)
        import tf_keras

        results = json.loads(OUT.read_text())
        results["keras2_resizing"] = keras2_resizing(tf_keras)
        _write(results)
        return
    import keras

    results = json.loads(OUT.read_text()) if OUT.exists() else {}
    with tempfile.TemporaryDirectory() as d:
        for name in MODELS:
            model = numkeras_model(name)
            path = os.path.join(d, f"{name}.h5")
            model.save(path)
            loaded = keras.models.load_model(path)
            results[name] = {
                "modules": nested_modules(h5_config(path)),
                "keras_predict": np.asarray(loaded.predict(data(), verbose=0)).tolist(),
            }
            print(name, "Keras 3 loads numkeras's .h5")
    results["masked_nested_models"] = masked_nested_models(keras)
    _write(results)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()

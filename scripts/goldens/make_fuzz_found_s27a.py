"""Goldens for tests/models/test_fuzz_found_s27a.py: what the model, saving and interop
fuzzers (scripts/fuzz/fuzz_models.py seeds 556-565 and 2035-2040, fuzz_saving.py 556-562,
fuzz_interop.py 556-560 and 2035-2038, session 27) and their new saving draws found numkeras
doing differently from Keras 3.

- `model.save(path, include_optimizer=False)`: Keras 3 writes a legacy `.h5` without its
  `training_config` and `optimizer_weights` (the loaded model is not compiled), and still
  writes a `.keras` file's optimizer (its `.keras` saver ignores the keyword); numkeras
  ignored the keyword for both.
- `model.save(path, <unknown keyword>=...)`: Keras 3 refuses it (ValueError, "The following
  argument(s) are not supported"); numkeras accepted any keyword silently. `save_format=`
  with a `.keras` / `.h5` path is accepted (with a warning), with another path refused.
- A `.keras` file whose `compile_config` has no `optimizer` (Keras 3 writes one when the
  model was saved to a `.h5` first: its `.h5` saver drops the optimizer from the model's
  compile config): Keras compiles the loaded model with compile's default (RMSprop);
  numkeras warned and left it uncompiled.
- `get_compile_config()` of a model never compiled: Keras's is `{}`, numkeras's was None.
- `EinsumDense` does not support masking in Keras 3.15 (`supports_masking` False): a mask
  reaching it (an `Embedding(mask_zero=True)` before it) stops there, so a recurrent layer
  after it runs every step; numkeras passed the mask on (fuzz_models seed 563, program 6).

Each scenario takes the Keras-like module. Run with Keras 3 and JAX installed (writes
tests/goldens/fuzz_found_s27a.json):
    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \\
        /work/main/scripts/goldens/make_fuzz_found_s27a.py
"""

from __future__ import annotations

import json
import os
import pathlib
import sys
import tempfile
import warnings
import zipfile

import numpy as np

ROOT = pathlib.Path(__file__).parents[2]
sys.path.insert(0, str(ROOT))
from tests.differential import Scenarios, error_classes  # noqa: E402

OUT = ROOT / "tests" / "goldens" / "fuzz_found_s27a.json"

SCENARIOS = Scenarios()


def _trained(K):
    """A small functional model, compiled with Adam and fitted two steps."""
    K.utils.clear_session()
    K.utils.set_random_seed(4)
    inp = K.Input((3,), name="x")
    model = K.Model(inp, K.layers.Dense(2, name="d")(inp), name="m")
    model.set_weights([np.linspace(-1, 1, 6, dtype="float32").reshape(3, 2), np.ones(2, "float32")])
    # (objects: Keras 3 cannot reload its own `.h5` of a loss named "mse")
    model.compile(
        optimizer=K.optimizers.Adam(0.01),
        loss=K.losses.MeanSquaredError(),
        metrics=[K.metrics.MeanAbsoluteError()],
    )
    x = np.linspace(-1, 1, 12, dtype="float32").reshape(4, 3)
    model.fit(x, x[:, :2], batch_size=2, epochs=1, shuffle=False, verbose=0)
    return model, x


def _h5_layout(path: str) -> dict:
    import h5py

    with h5py.File(path, "r") as f:
        return {"groups": sorted(f.keys()), "attrs": sorted(f.attrs.keys())}


def _loaded(K, path: str, x) -> dict:
    model = K.models.load_model(path)
    optimizer = getattr(model, "optimizer", None)
    return {
        "compiled": bool(getattr(model, "compiled", False)),
        "optimizer": None if optimizer is None else type(optimizer).__name__,
        "iterations": None if optimizer is None else int(np.asarray(optimizer.iterations)),
        "predict": np.asarray(model.predict(x, verbose=0)).round(5).tolist(),
    }


@SCENARIOS.scenario
def save_include_optimizer(K) -> dict:
    """`save(include_optimizer=False)` (and True) into `.h5` and `.keras`: what each file
    holds and what loading it gives."""
    out = {}
    with tempfile.TemporaryDirectory() as d, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # (a fresh model for each file: Keras's `.h5` saver drops the optimizer from the
        # model's compile config, so a `.keras` saved after it reloads a fresh RMSprop)
        for include in (False, True):
            model, x = _trained(K)
            keras_file = os.path.join(d, f"m{include}.keras")
            model.save(keras_file, include_optimizer=include)
            with zipfile.ZipFile(keras_file) as z:
                z.extract("model.weights.h5", os.path.join(d, str(include)))
                config = json.loads(z.read("config.json"))
            inner = _h5_layout(os.path.join(d, str(include), "model.weights.h5"))
            out[f"keras_{include}"] = {
                "weights_groups": inner["groups"],
                "compile_config": config.get("compile_config") is not None,
                "loaded": _loaded(K, keras_file, x),
            }
            model, x = _trained(K)
            h5 = os.path.join(d, f"m{include}.h5")
            model.save(h5, include_optimizer=include)
            out[f"h5_{include}"] = {**_h5_layout(h5), "loaded": _loaded(K, h5, x)}
        # (and through `keras.saving.save_model`, as a script may call it)
        model, x = _trained(K)
        h5 = os.path.join(d, "api.h5")
        K.saving.save_model(model, h5, include_optimizer=False)
        out["save_model_h5"] = _h5_layout(h5)
    return out


@SCENARIOS.scenario
def save_keywords(K) -> dict:
    """`save` with an unknown keyword, and with Keras 2's `save_format`."""
    model, _ = _trained(K)
    out = {}
    with tempfile.TemporaryDirectory() as d, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out["unknown"] = error_classes(lambda: model.save(os.path.join(d, "a.keras"), foo=1))
        out["unknown_h5"] = error_classes(lambda: model.save(os.path.join(d, "a.h5"), foo=1))
        out["unknown_written"] = os.path.exists(os.path.join(d, "a.keras"))
        out["unknown_api"] = error_classes(
            lambda: K.saving.save_model(model, os.path.join(d, "b.keras"), foo=1)
        )
        out["format_keras"] = error_classes(
            lambda: model.save(os.path.join(d, "c.keras"), save_format="keras")
        )
        out["format_h5"] = error_classes(
            lambda: model.save(os.path.join(d, "c.h5"), save_format="h5")
        )
        out["format_tf"] = error_classes(lambda: model.save(os.path.join(d, "c"), save_format="tf"))
        out["format_tf_written"] = os.path.exists(os.path.join(d, "c"))
    return out


@SCENARIOS.scenario
def compile_config_without_optimizer(K) -> dict:
    """A `.keras` file whose compile_config names no optimizer (rewritten here; Keras 3
    writes one after a `.h5` save), loaded; and an uncompiled model's compile config."""
    model, x = _trained(K)
    out = {"uncompiled": K.Model(model.inputs, model.outputs).get_compile_config()}
    with tempfile.TemporaryDirectory() as d, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        src, dst = os.path.join(d, "a.keras"), os.path.join(d, "b.keras")
        model.save(src)
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
            for item in zin.namelist():
                data = zin.read(item)
                if item == "config.json":
                    config = json.loads(data)
                    config["compile_config"].pop("optimizer")
                    data = json.dumps(config).encode()
                zout.writestr(item, data)
        loaded = K.models.load_model(dst)
        out["loaded"] = _loaded(K, dst, x)
        out["loss"] = type(loaded.loss).__name__
        logs = loaded.train_on_batch(x, x[:, :2], return_dict=True)
        out["step"] = {k: round(float(v), 5) for k, v in logs.items()}
    return out


@SCENARIOS.scenario
def einsum_dense_drops_mask(K) -> dict:
    """Embedding(mask_zero) -> EinsumDense -> GRU (forwards and backwards) on rows with
    padding: whether the mask reaches the GRU; and the layer's `supports_masking`."""
    L = K.layers
    ids = np.array([[7, 6, 1, 2], [0, 9, 3, 8], [8, 0, 2, 2], [1, 2, 3, 0]])
    out = {"supports_masking": bool(L.EinsumDense("ab,bc->ac", 4).supports_masking)}
    for back in (False, True):
        inp = K.Input((4,), dtype="int32")
        h = L.Embedding(10, 2, mask_zero=True)(inp)
        h = L.EinsumDense("abc,cd->abd", output_shape=[4, 2], bias_axes="d")(h)
        model = K.Model(inp, L.GRU(3, go_backwards=back, return_sequences=True)(h))
        model.set_weights(
            [
                np.linspace(-1, 1, w.size, dtype="float32").reshape(w.shape)
                for w in model.get_weights()
            ]
        )
        out[f"predict_backwards_{back}"] = np.round(model.predict(ids, verbose=0), 5).tolist()
    return out


if __name__ == "__main__":
    SCENARIOS.write(OUT, sys.argv[1:] or None)

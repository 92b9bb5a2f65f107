"""Interop goldens for `numkeras.random`: keras.io's VAE `Sampling` layer (a
`SeedGenerator` attribute, `random.normal(shape=(batch, dim))` with the batch read at run
time) saved in `.keras` files by real Keras 3 and by numkeras, each loaded by the other.

Run with Keras (JAX backend) and numkeras installed:
    KERAS_BACKEND=jax python scripts/goldens/make_random.py
Writes:
- tests/goldens/saving/keras_random_sampling.keras: the model of
  `tests/random/sampling_models.py` with fixed weights, as Keras writes it;
- tests/goldens/saving/numkeras_random_sampling.keras: the same, as numkeras writes it;
- tests/goldens/random.json: the inputs and weights, Keras's prediction, Keras's
  prediction from numkeras's file, and the variables each file holds per layer (Keras
  writes none for the layer's SeedGenerator).

The `z_log_var` layer's weights make the noise's scale `exp(-20)`, so the predictions
are deterministic to float32 precision and the two libraries' draws (NumPy's and JAX's)
do not matter.
"""

import json
import pathlib
import sys
import zipfile

import h5py
import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
SAVING = ROOT / "tests" / "goldens" / "saving"
KERAS_FILE = SAVING / "keras_random_sampling.keras"
NUMKERAS_FILE = SAVING / "numkeras_random_sampling.keras"
OUT = ROOT / "tests" / "goldens" / "random.json"

import numkeras  # noqa: E402
from tests.random.sampling_models import define  # noqa: E402


def weights_for(model, rng) -> list:
    """Random weights, with the `z_log_var` layer's kernel 0 and bias -40."""
    out = []
    for v in model.weights:
        if v.path.startswith("z_log_var/"):
            value = np.full(v.shape, -40.0 if v.path.endswith("bias") else 0.0)
        else:
            value = rng.normal(0, 0.5, v.shape).round(4)
        out.append(value.astype("float32"))
    return out


def file_variables(path) -> dict:
    """`{h5 group: number of variables}` of a `.keras` file's weights."""
    found = {}
    with zipfile.ZipFile(path) as z, z.open("model.weights.h5") as f, h5py.File(f) as h5:
        h5.visititems(
            lambda name, obj: (
                found.__setitem__(name, len(obj))
                if isinstance(obj, h5py.Group) and name.endswith("vars")
                else None
            )
        )
    return found


def main():
    import keras

    assert keras.backend.backend() == "jax", "run with KERAS_BACKEND=jax"
    rng = np.random.default_rng(11)
    x = rng.normal(0, 1, (5, 4)).round(4).astype("float32")

    kdefs = define(keras)
    kmodel = kdefs["sampling_model"]()
    weights = weights_for(kmodel, rng)
    kmodel.set_weights(weights)
    keras_prediction = kmodel.predict(x, verbose=0)
    kmodel.save(KERAS_FILE)

    ndefs = define(numkeras)
    nmodel = ndefs["sampling_model"]()
    nmodel.set_weights(weights)
    numkeras_prediction = nmodel.predict(x, verbose=0)
    nmodel.save(NUMKERAS_FILE)
    back = keras.models.load_model(NUMKERAS_FILE, custom_objects={"Sampling": kdefs["Sampling"]})
    keras_from_numkeras = back.predict(x, verbose=0)
    # (Keras trains the loaded model: the layer's draws work after loading)
    back.compile(optimizer="sgd", loss="mse")
    keras_trains_numkeras = float(back.train_on_batch(x, x))

    golden = {
        "keras_version": keras.__version__,
        "x": x.tolist(),
        "weights": [w.tolist() for w in weights],
        "keras_prediction": keras_prediction.astype("float64").tolist(),
        "numkeras_prediction": numkeras_prediction.astype("float64").tolist(),
        "keras_from_numkeras": keras_from_numkeras.astype("float64").tolist(),
        "keras_trains_numkeras": keras_trains_numkeras,
        "keras_file_variables": file_variables(KERAS_FILE),
        "numkeras_file_variables": file_variables(NUMKERAS_FILE),
    }
    OUT.write_text(json.dumps(golden, indent=1) + "\n")
    print(f"wrote {OUT}, {KERAS_FILE.name}, {NUMKERAS_FILE.name}")
    print(json.dumps({k: golden[k] for k in ("keras_file_variables", "numkeras_file_variables")}))
    print(
        np.abs(keras_prediction - numkeras_prediction).max(),
        np.abs(keras_from_numkeras - numkeras_prediction).max(),
    )


if __name__ == "__main__":
    main()

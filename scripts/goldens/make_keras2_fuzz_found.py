"""Goldens for tests/test_keras2_fuzz_found.py: what scripts/fuzz/fuzz_keras2.py found
numkeras doing differently from tf_keras 2.21 (real Keras 2) on classic Keras 2 scripts.

- A `.h5` that Keras 2 saved with `optimizers.legacy.RMSprop` / `Adagrad` / `Nadam` (or
  Keras 2.0-2.10's optimizers: no `is_legacy_optimizer` in the file) resumes training
  with those optimizers' Keras 2 formulas, as tf_keras resumes it; numkeras resumed it
  with Keras 3's (epsilon inside the square root, Nadam's momentum schedule); Keras 2's
  legacy Nadam's `momentum_cache` made numkeras drop the whole optimizer state.
- `metrics=["cosine_proximity"]` (Keras 2's name of the cosine similarity metric): numkeras
  did not know the name.

The scenarios in `SCENARIOS` are functions of the Keras-like package returning JSON
values. For the files, `legacy_h5(keras, name)` writes the file with tf_keras (kept in
the JSON, gzipped and base64), and `resume(keras, data)` loads it and trains two steps:
tf_keras here, numkeras in the test.

    cd /tmp && TF_USE_LEGACY_KERAS=1 /work/tfenv/bin/python \\
        /work/main/scripts/goldens/make_keras2_fuzz_found.py
"""

from __future__ import annotations

import base64
import gzip
import importlib
import json
import os
import pathlib
import sys
import tempfile

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))
from tests.differential import Scenarios  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens" / "keras2_fuzz_found.json"
# (optimizer, its Keras 2 arguments): a large epsilon shows where it is added
LEGACY_RESUME = {
    "rmsprop": ("RMSprop", {"lr": 0.01, "rho": 0.8, "epsilon": 0.1}),
    "adagrad": ("Adagrad", {"lr": 0.1, "epsilon": 0.1}),
    "nadam": ("Nadam", {"lr": 0.01}),
}


SCENARIOS = Scenarios()
scenario = SCENARIOS.scenario


def _data():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(6, 4)).astype("float32")
    return x, (x[:, :1] > 0).astype("float32")


def legacy_h5(keras, name: str) -> str:
    """A Keras 2 script's model, compiled with a legacy optimizer, trained 2 steps and saved
    as `.h5`: the file, gzipped and base64."""
    layers = importlib.import_module(f"{keras.__name__}.layers")
    models = importlib.import_module(f"{keras.__name__}.models")
    legacy = importlib.import_module(f"{keras.__name__}.optimizers.legacy")
    model = models.Sequential(
        [layers.Dense(3, input_dim=4, activation="tanh"), layers.Dense(1, activation="sigmoid")]
    )
    rng = np.random.default_rng(0)
    model.set_weights([rng.normal(size=w.shape).round(3) for w in model.get_weights()])
    cls, kwargs = LEGACY_RESUME[name]
    model.compile(getattr(legacy, cls)(**kwargs), "binary_crossentropy")
    x, y = _data()
    for _ in range(2):
        model.train_on_batch(x, y)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "m.h5")
        model.save(path)
        data = pathlib.Path(path).read_bytes()
    return base64.b64encode(gzip.compress(data, mtime=0)).decode("ascii")


def resume(keras, data: str) -> dict:
    """Load the file, train two more steps: the losses and the weights after."""
    models = importlib.import_module(f"{keras.__name__}.models")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "m.h5")
        pathlib.Path(path).write_bytes(gzip.decompress(base64.b64decode(data)))
        model = models.load_model(path)
    x, y = _data()
    losses = [float(model.train_on_batch(x, y)) for _ in range(2)]
    return {"losses": losses, "weights": [w.round(6).tolist() for w in model.get_weights()]}


@scenario
def cosine_proximity_metric(keras) -> dict:
    layers = importlib.import_module(f"{keras.__name__}.layers")
    models = importlib.import_module(f"{keras.__name__}.models")
    model = models.Sequential([layers.Dense(2, input_dim=3, use_bias=False)])
    model.set_weights([np.array([[1.0, 0.5], [-0.5, 1.0], [0.25, -1.0]], "float32")])
    model.compile("sgd", "mse", metrics=["cosine_proximity"])
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(6, 3)).astype("float32"), rng.normal(size=(6, 2)).astype("float32")
    history = model.fit(x, y, batch_size=3, epochs=2, shuffle=False, verbose=0).history
    return {
        "history": {k: [round(float(v), 6) for v in vs] for k, vs in history.items()},
        "evaluate": [round(float(v), 6) for v in model.evaluate(x, y, verbose=0)],
        "metrics_names": list(model.metrics_names),
    }


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tf_keras

    out = {}
    for name in LEGACY_RESUME:
        tf_keras.backend.clear_session()
        data = legacy_h5(tf_keras, name)
        out[f"legacy_resume_{name}"] = {"h5": data, "resumed": resume(tf_keras, data)}
    for name, fn in SCENARIOS.items():
        tf_keras.backend.clear_session()
        out[name] = fn(tf_keras)
    OUT.write_text(json.dumps(out, indent=0, sort_keys=True) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")

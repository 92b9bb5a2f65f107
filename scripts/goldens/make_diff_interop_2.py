"""Goldens for the bugs scripts/fuzz/fuzz_interop.py found in Keras file interop: small models
Keras 3 saved (`tests/goldens/diff_interop_2/*`), and what Keras 3 made of those files once
loaded (`expected.json`); tests/saving/test_diff_interop_2.py loads the same files with
numkeras and compares.

    cd /tmp && KERAS_BACKEND=jax /work/kenv/bin/python \
        /work/main/scripts/goldens/make_diff_interop_2.py

Scenarios (each a function of the Keras-like module, so the test builds the same models):
- `metric_names`: a model compiled with metric names (`"mae"`, `"binary_accuracy"`, ...)
  saved as `.h5`: Keras 3's loader makes each such name a metric object (`"mae"` then
  reports as `mean_absolute_error`) and a loss name its function; a re-save writes those.
- `per_output_names`: the same with per-output dicts of losses and metrics.
- `nested_functional`: a functional model that feeds a nested functional model's output to
  a Dense, saved as `.h5` by numkeras (`numkeras_nested.h5`): Keras 3 could not load
  Keras 2's form of it (a call numbered from 1); `h5_written.json` records that Keras 3
  loads numkeras's file and predicts as numkeras did, and the config numkeras wrote.
- `scalar_first_weight`: a compiled model whose first trainable weight is a scalar
  (`Attention(use_scale=True)`), trained and saved as `.h5` by numkeras: Keras 3 assigns
  a `.h5`'s saved optimizer values to its iterations and learning rate in order, so Keras
  2's layout (no learning rate) gave it the scale's momentum as its learning rate; and
  Keras 3 refused the file (Keras 2's form of `score_mode="dot"` reads as a function).
"""

from __future__ import annotations

import json
import os
import pathlib
import tempfile
import warnings

import numpy as np

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "goldens" / "diff_interop_2"
COMPILE_KEYS = ("loss", "loss_weights", "metrics", "weighted_metrics")


def _weights(model, seed):
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    return model


def data(seed=1, rows=6, dims=(3,)):
    return np.random.default_rng(seed).normal(size=(rows, *dims)).round(3).astype("float32")


# -- scenarios -------------------------------------------------------------------------------
def metric_names(K):
    """`(model, x, y)`: a model compiled with names, trained one step."""
    L = K.layers
    model = _weights(K.Sequential([L.Input((3,)), L.Dense(2, activation="sigmoid")]), 0)
    model.compile(
        optimizer=K.optimizers.Adam(0.01),
        loss="binary_crossentropy",
        metrics=["mae", "binary_accuracy", "accuracy", "mse", "msle"],
        weighted_metrics=["mape"],
    )
    x, y = data(1), (data(2, dims=(2,)) > 0).astype("float32")
    return model, x, y


def per_output_names(K):
    L = K.layers
    a = L.Input((3,), name="a")
    h = L.Dense(4, activation="tanh", name="h")(a)
    o1 = L.Dense(1, activation="sigmoid", name="o1")(h)
    o2 = L.Dense(2, name="o2")(h)
    model = _weights(K.Model(a, {"o1": o1, "o2": o2}), 3)
    model.compile(
        optimizer=K.optimizers.SGD(0.05, momentum=0.9),
        loss={"o1": "binary_crossentropy", "o2": "huber"},
        metrics={"o1": ["accuracy", "bce"], "o2": ["mae", "cosine_similarity"]},
        loss_weights={"o1": 0.5, "o2": 2.0},
    )
    x = data(4)
    y = {"o1": (data(5, dims=(1,)) > 0).astype("float32"), "o2": data(6, dims=(2,))}
    return model, x, y


SCENARIOS = {"metric_names": metric_names, "per_output_names": per_output_names}


def nested_functional(K):
    """`(model, x)`: a nested functional model called inside another, its output fed on."""
    L = K.layers
    i = L.Input((4,), name="inner_in")
    inner = K.Model(i, L.Dense(3, activation="tanh", name="inner_dense")(i), name="inner")
    a = L.Input((4,), name="a")
    b = L.Input((2,), name="b")
    h = L.Concatenate(name="cat")([inner(a), b])
    model = K.Model([a, b], L.Dense(2, name="out")(h), name="outer")
    return _weights(model, 7), [data(8, dims=(4,)), data(9, dims=(2,))]


# -- recording (Keras) -----------------------------------------------------------------------
def as_json(value):
    return json.loads(json.dumps(value, default=lambda o: repr(o)))


def training_config(path) -> dict:
    import h5py

    with h5py.File(path, "r") as h5:
        config = json.loads(h5.attrs["training_config"])
    return {k: config[k] for k in COMPILE_KEYS}


def record_h5(keras, name, build) -> dict:
    model, x, y = build(keras)
    model.train_on_batch(x, y)
    path = OUT / f"{name}.h5"
    model.save(path)
    loaded = keras.models.load_model(path)
    compile_config = loaded.get_compile_config()
    evaluate = loaded.evaluate(x, y, return_dict=True, verbose=0)
    with tempfile.TemporaryDirectory() as tmp:
        again = os.path.join(tmp, "again.h5")
        loaded.save(again)
        resaved = training_config(again)
    return {
        "x": as_json(np.asarray(x).tolist()),
        "y": as_json({k: v.tolist() for k, v in y.items()} if isinstance(y, dict) else y.tolist()),
        "compile_config": as_json({k: compile_config[k] for k in COMPILE_KEYS}),
        "loss_is_function": callable(loaded.loss) and not hasattr(loaded.loss, "get_config"),
        "evaluate": {k: float(v) for k, v in evaluate.items()},
        "resaved_training_config": as_json(resaved),
    }


def scalar_first_weight(K):
    """`(model, x, y)`: an Attention scale is the first trainable weight."""
    L = K.layers
    a = L.Input((3, 2), name="a")
    h = L.Attention(use_scale=True, name="att")([a, a])
    model = K.Model(a, L.Dense(1, name="out")(L.Flatten(name="fl")(h)), name="scalar_first")
    model = _weights(model, 11)
    model.compile(optimizer=K.optimizers.Adam(0.02), loss="mse")
    return model, data(12, dims=(3, 2)), data(13, dims=(1,))


def record_scalar_first(keras) -> dict:
    import numkeras

    model, x, y = scalar_first_weight(numkeras)
    for _ in range(2):
        model.train_on_batch(x, y)
    path = OUT / "numkeras_scalar.h5"
    model.save(path)
    theirs = keras.models.load_model(path)  # (it refused Attention's score_mode="dot")
    y = model.predict(x, verbose=0)
    path.unlink()
    return {
        "keras_predicts_as_numkeras": bool(
            np.allclose(theirs.predict(x, verbose=0), y, rtol=1e-5, atol=1e-6)
        ),
        "keras_learning_rate": float(theirs.optimizer.learning_rate),
        "keras_iterations": int(theirs.optimizer.iterations),
    }


def record_numkeras_h5(keras) -> dict:
    """numkeras writes the file; Keras 3 loads it."""
    import h5py

    import numkeras

    model, x = nested_functional(numkeras)
    path = OUT / "numkeras_nested.h5"
    model.save(path)
    with h5py.File(path, "r") as h5:
        config = json.loads(h5.attrs["model_config"])
    y = model.predict(x, verbose=0)
    theirs = keras.models.load_model(path).predict(x, verbose=0)
    path.unlink()  # the test writes it again
    return {
        "model_config": config,
        "keras_predicts_as_numkeras": bool(np.allclose(theirs, y, rtol=1e-5, atol=1e-6)),
        "y": np.asarray(y).tolist(),
    }


def main():
    import keras

    OUT.mkdir(parents=True, exist_ok=True)
    warnings.simplefilter("ignore")
    keras.utils.set_random_seed(0)
    expected = {name: record_h5(keras, name, build) for name, build in SCENARIOS.items()}
    expected["nested_functional"] = record_numkeras_h5(keras)
    expected["scalar_first_weight"] = record_scalar_first(keras)
    (OUT / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True))
    for p in sorted(OUT.iterdir()):
        print(p.name, p.stat().st_size)


if __name__ == "__main__":
    main()

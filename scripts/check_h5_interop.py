"""Check that numkeras's Keras 2 `.h5` files load in tf_keras 2, Keras 3 and numkeras.

Runnable by hand (CI has neither TensorFlow nor Keras):

    python scripts/check_h5_interop.py [--dir DIR] \
        [--tf /work/tfenv/bin/python] [--keras /work/kenv/bin/python]

The current Python (with numkeras) builds a matrix of models, compiles each with Adam and
with SGD, trains one step and saves `<case>.h5` (`model.save`) and `<case>.w.h5`
(`model.save_weights`, Keras 2's weights-only layout). Each other Python then runs this
script with `--load LIB DIR` (LIB: `tf_keras`, `keras` or `numkeras`), which for every file:

- `load_model`: predictions against numkeras's (rtol 1e-5), layer names and trainable flags
  (nested models included), the compile state (optimizer class and learning rate, loss),
  the optimizer's `iterations` after loading, and one more `train_on_batch` step (finite
  loss, weights that changed);
- builds the same model in code with LIB and `load_weights("<case>.w.h5")`: predictions.

It prints one table row per file and library; the exit status is 1 when any check fails.
A builder below takes the library module (`numkeras`, `keras` or `tf_keras`), so the same
code makes the model in each.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import traceback
import warnings

import numpy as np

RTOL, ATOL = 1e-5, 1e-6


# -- the models (the same code for each library) --------------------------------------------
def gan_generator(L, M):
    return M.Sequential(
        [
            L.Input((6,)),
            L.Dense(16),
            L.LeakyReLU(0.2),
            L.Dense(12),
            L.LeakyReLU(0.2),
            L.Dense(8, activation="tanh"),
        ],
        name="generator",
    )


def gan_discriminator(L, M):
    return M.Sequential(
        [
            L.Input((8,)),
            L.Dense(16),
            L.LeakyReLU(0.2),
            L.Dropout(0.3),
            L.Dense(1, activation="sigmoid"),
        ],
        name="discriminator",
    )


def build(lib, case: str, optimizer: str):
    L, M = lib.layers, lib.models
    opt = (
        lib.optimizers.Adam(learning_rate=0.002, beta_1=0.5)
        if optimizer == "adam"
        else lib.optimizers.SGD(learning_rate=0.05, momentum=0.9)
    )
    if case == "gan_generator":
        model = gan_generator(L, M)
        model.compile(optimizer=opt, loss="mse")
    elif case == "gan_combined":
        g, d = gan_generator(L, M), gan_discriminator(L, M)
        d.compile(optimizer="adam", loss="binary_crossentropy")
        d.trainable = False
        z = L.Input((6,))
        model = M.Model(z, d(g(z)), name="gan")
        model.compile(optimizer=opt, loss="binary_crossentropy")
    elif case == "two_in_two_out":
        a, b = L.Input((4,), name="a"), L.Input((3,), name="b")
        h = L.Concatenate()([L.Dense(6, activation="relu")(a), L.Dense(5, activation="relu")(b)])
        h = L.Dropout(0.25)(L.BatchNormalization()(h))
        out_a = L.Dense(1, activation="sigmoid", name="out_a")(h)
        out_b = L.Dense(3, activation="softmax", name="out_b")(h)
        model = M.Model([a, b], [out_a, out_b], name="two_by_two")
        model.compile(
            optimizer=opt,
            loss={"out_a": "binary_crossentropy", "out_b": "sparse_categorical_crossentropy"},
            metrics={"out_a": ["accuracy"], "out_b": ["accuracy"]},
        )
    elif case == "regularized":
        R, C = lib.regularizers, lib.constraints
        model = M.Sequential(
            [
                L.Input((5,)),
                L.Dense(
                    7,
                    activation="relu",
                    kernel_regularizer=R.L2(0.01),
                    bias_regularizer=R.L1(0.001),
                    activity_regularizer=R.L1L2(l1=0.001, l2=0.002),
                    kernel_constraint=C.MaxNorm(2.0),
                    bias_constraint=C.NonNeg(),
                ),
                L.Dense(1, kernel_constraint=C.UnitNorm()),
            ],
            name="regularized",
        )
        model.compile(optimizer=opt, loss="mse", metrics=["mae"])
    elif case == "conv":
        model = M.Sequential(
            [
                L.Input((8, 8, 1)),
                L.Conv2D(4, 3, activation="relu"),
                L.MaxPooling2D(),
                L.Flatten(),
                L.Dense(3, activation="softmax"),
            ],
            name="conv",
        )
        model.compile(optimizer=opt, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    elif case == "lstm":
        model = M.Sequential(
            [L.Input((5, 3)), L.LSTM(4), L.Dense(1)],
            name="lstm_model",
        )
        model.compile(optimizer=opt, loss="mse")
    else:
        raise ValueError(case)
    return model


CASES = ("gan_generator", "gan_combined", "two_in_two_out", "regularized", "conv", "lstm")
OPTIMIZERS = ("adam", "sgd")


def data(case: str, seed: int = 0):
    rng = np.random.default_rng(seed)
    n = 8

    def f(*shape):
        return rng.normal(size=(n, *shape)).astype("float32")

    if case == "gan_generator":
        return f(6), f(8)
    if case == "gan_combined":
        return f(6), np.ones((n, 1), "float32")
    if case == "two_in_two_out":
        return [f(4), f(3)], [
            rng.integers(0, 2, (n, 1)).astype("float32"),
            rng.integers(0, 3, (n,)).astype("float32"),
        ]
    if case == "regularized":
        return f(5), f(1)
    if case == "conv":
        return f(8, 8, 1), rng.integers(0, 3, (n,)).astype("float32")
    return f(5, 3), f(1)


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _layers(model, prefix=""):
    """`[(path, trainable)]` of every layer, nested models' included."""
    out = []
    for layer in model.layers:
        path = f"{prefix}{layer.name}"
        out.append([path, bool(layer.trainable)])
        if hasattr(layer, "layers") and not hasattr(layer, "cell"):
            out += _layers(layer, path + "/")
    return out


def _leaf_layers(model_or_list) -> list:
    rows = model_or_list if isinstance(model_or_list, list) else _layers(model_or_list)
    paths = [r[0] for r in rows]
    return [r if not any(p.startswith(r[0] + "/") for p in paths) else [r[0], None] for r in rows]


def _compile_state(model) -> dict:
    opt = getattr(model, "optimizer", None)
    if opt is None:
        return {"compiled": False}
    lr = opt.learning_rate
    lr = float(lr.numpy() if hasattr(lr, "numpy") else lr)
    loss = getattr(model, "loss", None)
    if isinstance(loss, dict):
        loss = {k: _loss_name(v) for k, v in loss.items()}
    elif isinstance(loss, (list, tuple)):
        loss = [_loss_name(v) for v in loss]
    else:
        loss = _loss_name(loss)
    return {
        "compiled": True,
        "optimizer": type(opt).__name__,
        "learning_rate": round(lr, 7),
        "loss": loss,
    }


_ALIASES = {"mse": "mean_squared_error", "mae": "mean_absolute_error"}


def _loss_name(loss):
    if isinstance(loss, str):
        return _ALIASES.get(loss, loss)
    return getattr(loss, "__name__", None) or type(loss).__name__


def _iterations(model):
    opt = getattr(model, "optimizer", None)
    if opt is None:
        return None
    it = opt.iterations
    return int(it.numpy() if hasattr(it, "numpy") else it)


def _weights(model):
    return [np.array(w) for w in model.get_weights()]


# -- saving (numkeras) ------------------------------------------------------------------------
def save_all(out: pathlib.Path) -> None:
    import numkeras

    out.mkdir(parents=True, exist_ok=True)
    meta = {}
    for case in CASES:
        for optimizer in OPTIMIZERS:
            name = f"{case}-{optimizer}"
            numkeras.utils.set_random_seed(1) if hasattr(numkeras.utils, "set_random_seed") else 0
            model = build(numkeras, case, optimizer)
            x, y = data(case)
            model.train_on_batch(x, y)
            model.save(out / f"{name}.h5")
            model.save_weights(out / f"{name}.w.h5")
            px, py = data(case, seed=1)
            pred = [np.asarray(p) for p in _as_list(model.predict(px, verbose=0))]
            np.savez(
                out / f"{name}.npz",
                **{f"x{i}": v for i, v in enumerate(_as_list(px))},
                **{f"y{i}": v for i, v in enumerate(_as_list(py))},
                **{f"p{i}": v for i, v in enumerate(pred)},
            )
            meta[name] = {
                "case": case,
                "optimizer": optimizer,
                "n_inputs": len(_as_list(px)),
                "n_targets": len(_as_list(py)),
                "layers": _layers(model),
                "compile": _compile_state(model),
                "iterations": _iterations(model),
            }
    (out / "meta.json").write_text(json.dumps(meta, indent=1))


# -- loading (any of the three libraries) -----------------------------------------------------
def _import(lib_name: str):
    if lib_name == "tf_keras":
        import tf_keras as lib
    elif lib_name == "keras":
        os.environ.setdefault("KERAS_BACKEND", "jax")
        import keras as lib
    else:
        import numkeras as lib
    return lib


def _close(a, b) -> bool:
    return len(a) == len(b) and all(
        np.shape(u) == np.shape(v) and np.allclose(u, v, rtol=RTOL, atol=ATOL) for u, v in zip(a, b)
    )


def _check_file(lib, path: pathlib.Path, info: dict, arrays) -> dict:
    n_in, n_out = info["n_inputs"], info["n_targets"]
    px = [arrays[f"x{i}"] for i in range(n_in)]
    py = [arrays[f"y{i}"] for i in range(n_out)]
    expected = [arrays[f"p{i}"] for i in range(len([k for k in arrays.files if k[0] == "p"]))]
    px = px if n_in > 1 else px[0]
    py = py if n_out > 1 else py[0]
    row: dict = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model = lib.models.load_model(str(path))
        except Exception as e:  # noqa: BLE001 - reported in the table
            row["load"] = f"{type(e).__name__}: {str(e).splitlines()[0][:160]}"
            return row
        row["load"] = "ok"
        pred = [np.asarray(p) for p in _as_list(model.predict(px, verbose=0))]
        row["predict"] = _close(pred, expected)
        # a nested model's own flag is not kept by tf_keras or Keras 3 (their layers' are)
        row["layers"] = _leaf_layers(model) == _leaf_layers(info["layers"])
        if not row["layers"]:
            row["layers_got"] = _layers(model)
        state = _compile_state(model)
        row["compile"] = state == info["compile"]
        if not row["compile"]:
            row["compile_got"] = state
        row["iterations"] = _iterations(model)
        try:
            before = _weights(model)
            loss = model.train_on_batch(px, py)
            loss = float(np.ravel(loss)[0])
            changed = any(not np.array_equal(a, b) for a, b in zip(before, _weights(model)))
            row["train"] = bool(np.isfinite(loss) and changed)
        except Exception as e:  # noqa: BLE001
            row["train"] = f"{type(e).__name__}: {str(e).splitlines()[0][:160]}"
    row["warnings"] = sorted({str(w.message).splitlines()[0][:120] for w in caught})
    # weights-only file into a model built in code
    try:
        twin = build(lib, info["case"], info["optimizer"])
        twin.load_weights(str(path.with_suffix("")) + ".w.h5")
        pred = [np.asarray(p) for p in _as_list(twin.predict(px, verbose=0))]
        row["weights_h5"] = _close(pred, expected)
    except Exception as e:  # noqa: BLE001
        row["weights_h5"] = f"{type(e).__name__}: {str(e).splitlines()[0][:160]}"
    return row


def load_all(lib_name: str, out: pathlib.Path) -> None:
    lib = _import(lib_name)
    meta = json.loads((out / "meta.json").read_text())
    results = {}
    for name, info in meta.items():
        with np.load(out / f"{name}.npz") as arrays:
            try:
                results[name] = _check_file(lib, out / f"{name}.h5", info, arrays)
            except Exception as e:  # noqa: BLE001
                traceback.print_exc()
                results[name] = {"load": f"crash {type(e).__name__}: {e}"}
    (out / f"result-{lib_name}.json").write_text(json.dumps(results, indent=1))


# -- the table ------------------------------------------------------------------------------
def _passed(row: dict) -> bool:
    keys = ("predict", "layers", "compile", "train", "weights_h5")
    return row.get("load") == "ok" and all(row.get(k) is True for k in keys)


def _cell(row: dict | None) -> str:
    if row is None:
        return "not run"
    if _passed(row):
        return f"ok (it={row.get('iterations')})"
    if row.get("load") != "ok":
        return "LOAD FAIL"
    bad = [
        k for k in ("predict", "layers", "compile", "train", "weights_h5") if row.get(k) is not True
    ]
    return "FAIL " + ",".join(bad)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir")
    ap.add_argument("--tf", default=os.environ.get("TF_PYTHON", "/work/tfenv/bin/python"))
    ap.add_argument("--keras", default=os.environ.get("KERAS_PYTHON", "/work/kenv/bin/python"))
    ap.add_argument("--load", nargs=2, metavar=("LIB", "DIR"))
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    if args.load:
        load_all(args.load[0], pathlib.Path(args.load[1]))
        return 0
    out = pathlib.Path(args.dir or tempfile.mkdtemp(prefix="h5_interop_")).resolve()
    save_all(out)
    me = str(pathlib.Path(__file__).resolve())
    runs = {"tf_keras": args.tf, "keras": args.keras, "numkeras": sys.executable}
    results = {}
    for lib_name, python in runs.items():
        env = dict(os.environ, KERAS_BACKEND="jax", TF_CPP_MIN_LOG_LEVEL="3")
        proc = subprocess.run(
            [python, me, "--load", lib_name, str(out)],
            cwd=tempfile.gettempdir(),  # not the repository: `keras` must be the installed one
            env=env,
            capture_output=True,
            text=True,
        )
        path = out / f"result-{lib_name}.json"
        if proc.returncode or not path.exists():
            print(f"{lib_name}: the loader failed:\n{proc.stderr[-3000:]}")
            results[lib_name] = {}
        else:
            results[lib_name] = json.loads(path.read_text())
    names = list(json.loads((out / "meta.json").read_text()))
    head = f"{'numkeras .h5':<22}" + "".join(f"{lib:<24}" for lib in runs)
    print(head)
    print("-" * len(head))
    ok = True
    for name in names:
        cells = [_cell(results[lib].get(name)) for lib in runs]
        ok &= all(_passed(results[lib].get(name) or {}) for lib in runs)
        print(f"{name:<22}" + "".join(f"{c:<24}" for c in cells))
    print(f"\nfiles and results in {out}")
    for lib in runs:
        for name in names:
            row = results[lib].get(name)
            if row and (args.verbose or not _passed(row)):
                print(f"\n[{lib}] {name}: " + json.dumps(row)[:2000])
            elif row and row.get("warnings"):
                print(f"[{lib}] {name} warnings: {row['warnings']}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

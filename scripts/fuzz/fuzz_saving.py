"""Differential fuzzing of saving and file interop: the random programs of fuzz_models.py
(valid data only), compiled (Adam, SGD with momentum or RMSprop; a fitting loss and some
metrics, names or objects), fitted one epoch, saved by one library and loaded by another.

Each library writes its files (Keras 3: `k.keras`, `k.weights.h5`, `k.h5`; Keras 2 /
tf_keras: `k2.h5`, `k2.json` + `k2_weights.h5`; numkeras: `n.keras`, `n.weights.h5`,
`n.h5`) and records what it makes of its own files; a reader records the same for another
library's files, and `compare` checks the two records (a writer's own reading is the
reference, so a file its writer cannot reload is judged by errors alone). A read record holds
predictions, weights, get_config, the summary text, the optimizer's variables (names and
values) and iterations, the compile config, one more train_on_batch (its logs and the
weights after) and the metrics' names; for Keras 2's files and Keras 2's reads, only
whether it loads, the weights and the predictions. A `.weights.h5` loads into a twin the
reader builds from the program (compiled like the writer's: `.weights.h5` holds the
optimizer's variables too). Keras 2 runs the programs whose layers it has (the others are
skipped when tf_keras cannot build them). From seed 560 on (560-999 and 2041 on: LATEST),
Keras 3 and numkeras also write sharded weights (`k.weights.json` + `k_0000N.weights.h5`,
`save_weights(max_shard_size=)` at twice the largest array, read into a twin as a
`.weights.h5` is), an unzipped `.keras` folder (`k_dir`, `save_model(zipped=False)`) and a
`.h5` saved with `include_optimizer=False` (`k_noopt.h5`: it loads uncompiled), and each
reads the other's; the `.h5` files are written last (Keras 3's `.h5` saver drops the
optimizer from the model's compile config, so a `.keras` written after it reloads a
fresh RMSprop).

    D=/tmp/fs; S=0; N=40
    cd /tmp && KERAS_BACKEND=torch /work/kenv/bin/python /work/main/scripts/fuzz/fuzz_saving.py \
        run keras $S $N $D                    # writes $D/keras.json, $D/files/<i>/k.*
    cd /tmp && TF_USE_LEGACY_KERAS=1 /work/tfenv/bin/python \
        /work/main/scripts/fuzz/fuzz_saving.py run tf_keras $S $N $D      # k2.*
    python scripts/fuzz/fuzz_saving.py run numkeras $S $N $D   # reads k.*, k2.*; writes n.*
    cd /tmp && KERAS_BACKEND=torch /work/kenv/bin/python /work/main/scripts/fuzz/fuzz_saving.py \
        read keras $S $N $D                   # Keras 3 reads n.*
    cd /tmp && TF_USE_LEGACY_KERAS=1 /work/tfenv/bin/python \
        /work/main/scripts/fuzz/fuzz_saving.py read tf_keras $S $N $D     # Keras 2 reads n.h5
    python scripts/fuzz/fuzz_saving.py compare $D $S   # one block per divergence
    python scripts/fuzz/fuzz_saving.py show $S 17      # program 17, with its compile draws

(Keras 3 runs on torch: JAX compiles every step, ~10 s a program here. ~1 s a program:
100 programs keep each phase to a few minutes.) Known differences, not compared:
- programs with a layer random in training (Dropout, noise): the step after loading;
- programs with a float16 layer (fuzz_models's newest draws): the step after loading (its
  gradients round at ~1e-3, which moves an Adam / RMSprop step by +-lr); the rest is
  compared at float16's precision (as fuzz_models compares them);
- a resumed step moves a weight whose gradient is rounding noise by +-lr under Adam /
  RMSprop, so a step compares with a loose tolerance;
- Keras 2's files and Keras 2 reading numkeras's `.h5`: only whether it loads, the
  weights and the predictions (Keras 2 behaves otherwise in places);
- `model.metrics_names` (numkeras lists each logged value: README); Keras 3's `.h5`
  optimizer state (it restores only the iteration count and learning rate, and cannot step
  after: README), so a `.h5` compares no optimizer, step or summary's parameter counts;
- `Huber().get_config()`: Keras 3 leaves out `delta` (so a reload resets it), numkeras
  keeps it;
- a model whose output is integers (a Discretization's bins): the metrics of the step after
  loading. Keras 3's mean metrics (`MeanAbsoluteError`, `"mae"`, ...) cast the float
  targets to the predictions' integer dtype, so they score truncated targets (its loss of
  the same function, and Keras 2's metrics, score the floats, as numkeras does: README);
- Keras 3 on torch: its optimizers' compile config names `keras.src.backend.torch...`;
  it trains otherwise than its JAX (which numkeras follows) an L1 penalty on weights a
  `non_neg` constraint holds at 0 (|x|'s slope at 0: 0 on torch, 1 on JAX), an
  AveragePooling with padding "same" (its window over uneven padding, in predict too) and a
  LayerNormalization over axes that do not end the input (torch's `layer_norm` normalizes
  the last axes whatever the axes given: `axis=1` of a (batch, 4, 2, 4) input normalizes
  axis 3): no step, nor Keras 3's predictions against numkeras's, compared there;
- a call's fixed `training=True` (fuzz_models's notes): no predictions, weights or steps;
- Keras 2 reading numkeras's `.h5` with "hard_sigmoid" (Keras 2's own clip(0.2 x + 0.5)),
  and numkeras's twin (Keras 3's relu6(x + 3) / 6) reading Keras 2's `k2_weights.h5` there:
  only the weights;
- Solarization in training (fuzz_models's RANDOM_IN_TRAINING: Keras 3.15's thresholds are
  random where numkeras's are fixed, README): the step after loading;
Known, not fixed (they show): a MultiHeadAttention with a fully masked query row (Masking
or padding before it) steps otherwise after loading, because Keras-torch's CPU attention
kernel gets that row's gradient wrong (tests/layers/test_mha_masked_grads.py: numkeras
matches Keras on JAX and finite differences); a loaded model's TimeDistributed / Bidirectional inner
variables lose the wrapper's prefix in Keras (`dense_kernel_momentum`, not
`time_distributed_dense_kernel_momentum`); a model Keras 3 loads from Keras 2's `.h5`
form records no `mask` in an RNN call's config.
"""

from __future__ import annotations

import importlib
import json
import math
import os
import random
import re
import sys
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fuzz_models as fm  # noqa: E402

PREDICT_TOL = (1e-3, 1e-4)
STEP_TOL = (5e-3, 5e-4)
HALF_TOL = (2e-2, 2e-2)  # (a float16 layer: as fuzz_models compares it)
# from seed 560 on (LATEST), also sharded weights, an unzipped `.keras` folder and a `.h5`
# saved with include_optimizer=False
OURS = ("n.keras", "n.weights.h5", "n.h5", "n.weights.json", "n_dir", "n_noopt.h5")
KERAS3 = ("k.keras", "k.weights.h5", "k.h5", "k.weights.json", "k_dir", "k_noopt.h5")
LATEST = ((560 * 100_000, 1000 * 100_000), (2041 * 100_000, math.inf))
KERAS2 = ("k2.h5", "k2.json", "k2_weights.h5")  # (Keras 3 reads only a .weights.h5 in its form)


def program(seed: int) -> dict:
    """fuzz_models's program with valid data, and its compile draws."""
    prog = fm.program(seed)
    prog["data"]["mutate"] = None
    r = random.Random(seed * 7 + 1)
    sparse = prog["loss"] == "sparse"
    prog["compile"] = {
        "optimizer": r.choice(["Adam", "SGD", "RMSprop"]),
        "lr": r.choice([0.01, 0.001]),
        "loss": r.choice(
            ["sparse_categorical_crossentropy", "SparseCategoricalCrossentropy"]
            if sparse
            else ["mse", "mean_squared_error", "mae", "huber", "MeanSquaredError", "Huber"]
        ),
        "metrics": r.choice(
            [["accuracy"], ["sparse_categorical_accuracy"], ["SparseCategoricalAccuracy"], []]
            if sparse
            else [["mae"], ["mse", "mae"], ["RootMeanSquaredError"], ["MeanAbsoluteError"], []]
        ),
    }
    return prog


def compile_model(K, model, prog: dict, keras2: bool = False) -> None:
    c = prog["compile"]
    opt = getattr(K.optimizers, c["optimizer"])
    optimizer = opt(c["lr"], momentum=0.9) if c["optimizer"] == "SGD" else opt(c["lr"])

    def obj(name, module):  # a class name gives an object, a lower-case name stays a string
        return getattr(module, name)() if name[0].isupper() else name

    loss = obj(c["loss"], K.losses)
    metrics = [obj(m, K.metrics) for m in c["metrics"]]
    if len(model.outputs) > 1:  # one list per output
        metrics = [[obj(m, K.metrics) for m in c["metrics"]] for _ in model.outputs]
    # (Keras-JAX's eager mode compiles each op: slower than one jit of each step)
    model.compile(optimizer=optimizer, loss=loss, metrics=metrics, run_eagerly=keras2)


def _json(value):
    return json.loads(json.dumps(value, default=repr))


def _optimizer(model) -> dict | None:
    opt = getattr(model, "optimizer", None)
    if opt is None:
        return None
    return {
        "class": type(opt).__name__,
        "iterations": int(np.asarray(opt.iterations)),
        "names": [v.name for v in opt.variables],
        "values": fm._arrays([np.asarray(v) for v in opt.variables]),
    }


def _summary(model) -> str:
    lines = []
    model.summary(print_fn=lambda s, **k: lines.append(s))
    return "\n".join(lines)


def read_record(model, x, y, full: bool, random_fit: bool) -> dict:
    """What a loaded (or twin) model shows: everything for Keras 3 and numkeras, the
    predictions and weights for Keras 2."""
    rec = {"load": "ok"}
    fm.attempt(rec, "predict", lambda: fm._arrays(model.predict(x, verbose=0)))
    fm.attempt(rec, "weights", lambda: fm._arrays(model.get_weights()))
    if not full:
        return rec
    fm.attempt(rec, "config", lambda: _json(model.get_config()))
    fm.attempt(rec, "summary", lambda: _summary(model))
    fm.attempt(rec, "optimizer", lambda: _optimizer(model))
    fm.attempt(rec, "compile_config", lambda: _json(model.get_compile_config()))
    if getattr(model, "optimizer", None) is None or random_fit:
        return rec

    def step():
        logs = model.train_on_batch(x, y, return_dict=True)
        return {k: float(v) for k, v in logs.items()}

    fm.attempt(rec, "step", step)
    fm.attempt(rec, "weights_after", lambda: fm._arrays(model.get_weights()))
    fm.attempt(rec, "optimizer_after", lambda: _optimizer(model))
    fm.attempt(rec, "metrics_names", lambda: list(model.metrics_names))
    return rec


# Keras's backends train these differently (its torch backend, which runs here, stores
# SpectralNormalization's normalized kernel each step; numkeras trains as its JAX: README)
BACKEND_TRAINED = {"SpectralNormalization"}


def _torch_pooling(nodes: str) -> bool:
    """Whether the program (its nodes' JSON) has an AveragePooling with padding "same":
    Keras-torch averages a border window over uneven padding otherwise than its JAX, which
    numkeras matches (tests/layers's pooling goldens), so its predictions and steps differ."""
    return re.search(r'"AveragePooling\dD", "config": \{[^}]*"padding": "same"', nodes) is not None


def _torch_layer_norm(nodes: str) -> bool:
    """Whether the program (its nodes' JSON) has a LayerNormalization (not rms_scaling)
    over axes that may not end the input: Keras-torch hands a run of axes to torch's
    `layer_norm`, which normalizes the last ones whatever the axes were (axis=1 of a
    (batch, 4, 2, 4) input normalizes the last axis), where its JAX, and numkeras, take the
    axes given (fuzz_models compares them on JAX)."""

    def configs(value):  # (nested models' nodes too)
        if isinstance(value, dict):
            if value.get("class") == "LayerNormalization":
                yield value.get("config") or {}
            for v in value.values():
                yield from configs(v)
        elif isinstance(value, list):
            for v in value:
                yield from configs(v)

    for config in configs(json.loads(nodes)):
        axis = config.get("axis", -1)
        axes = sorted(axis) if isinstance(axis, list) else [axis]
        trailing = axes == list(range(-len(axes), 0))
        if not trailing and not config.get("rms_scaling"):
            return True
    return False


def _torch_differs(nodes: str) -> bool:
    """Whether Keras-torch computes the program otherwise than its JAX (and numkeras)."""
    return _torch_pooling(nodes) or _torch_layer_norm(nodes)


def _random_fit(prog: dict) -> bool:
    """Whether a step after loading is not compared (random in training, or trained as
    Keras-JAX trains it)."""
    nodes = json.dumps(prog["nodes"])
    if '"non_neg"' in nodes and re.search(r'"(l1|L1|L1L2)"', nodes):
        return True  # (an L1 penalty on weights a constraint holds at 0: |x|'s slope at 0
        # is 1 on JAX, as numkeras takes it, and 0 on torch, where Keras runs here)
    if '"UnitNormalization"' in nodes:
        return True  # (Keras's gradient of a zero row's norm is NaN: fuzz_models's notes)
    if "float16" in nodes:
        return True  # (a float16 layer's gradients round at ~1e-3: a resumed Adam / RMSprop
        # step moves a weight whose gradient is that rounding by +-lr)
    if _torch_differs(nodes):
        return True
    return any(f'"{c}"' in nodes for c in fm.RANDOM_IN_TRAINING | BACKEND_TRAINED)


INTEGER_OUTPUTS = {"Discretization", "Hashing", "IntegerLookup"}


def _integer_outputs(prog: dict) -> bool:
    """Whether an output of the program is a layer's integers (a Discretization's bins):
    Keras 3's mean metrics then cast the float targets to the predictions' integer dtype
    (its metric functions' `convert_to_tensor(y_true, dtype=y_pred.dtype)`), so they score
    truncated targets, where its loss, Keras 2 and numkeras score the floats."""
    nodes, first = prog["nodes"], len(prog["inputs"])
    for o in prog["outputs"]:
        node = nodes[o - first] if o >= first else {}
        share = node.get("share")
        cls = node.get("class") or (nodes[share]["class"] if share is not None else "")
        if cls in INTEGER_OUTPUTS and (node.get("config") or {}).get("output_mode", "int") == "int":
            return True
    return False


def _losses_only(rec):
    """A read record whose step logs keep only the losses (see _integer_outputs)."""
    step = rec.get("step") if isinstance(rec, dict) else None
    if not isinstance(step, dict) or "error" in step:
        return rec
    return {**rec, "step": {k: v for k, v in step.items() if k == "loss" or k.endswith("_loss")}}


def _nudge(model, seed: int) -> None:
    rng = np.random.default_rng(seed)
    model.set_weights(
        [w + 0.1 * rng.normal(size=w.shape).astype(w.dtype) for w in model.get_weights()]
    )


def _clear(K) -> None:
    (getattr(K.utils, "clear_session", None) or K.backend.clear_session)()


def _twin(K, prog, keras2):
    _clear(K)  # the writer's layer names
    model = fm.build(K, prog)
    compile_model(K, model, prog, keras2)
    return model


def read_files(K, library: str, prog: dict, d: str, names, x, y) -> dict:
    """`library`'s reading of the files `names` in `d`."""
    keras2 = library == "tf_keras"
    full = not keras2 and not any(n.startswith("k2") for n in names)
    random_fit = _random_fit(prog)
    out = {}
    for name in names:
        path = os.path.join(d, name)
        if name == "k2.json":  # with k2.weights.h5
            weights = os.path.join(d, "k2_weights.h5")

            def load(path=path, weights=weights):
                with open(path) as f:
                    model = K.models.model_from_json(f.read())
                model.load_weights(weights)
                return model
        elif name.endswith(("weights.h5", "weights.json")):

            def load(path=path):
                model = _twin(K, prog, keras2)
                model.load_weights(path)
                return model
        else:

            def load(path=path):
                return K.models.load_model(path)

        if not os.path.exists(path):
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = load()
        except Exception as e:  # noqa: BLE001 - an error is a result to compare too
            out[name] = {"load": fm._error(e)}
            continue
        out[name] = read_record(model, x, y, full, random_fit)
    return out


def write_files(K, library: str, prog: dict, d: str) -> tuple[dict, tuple]:
    """Build, compile, fit and save `prog` with `library`; its record and (x, y)."""
    keras2 = library == "tf_keras"
    rec = {}
    _clear(K)
    try:
        model = fm.build(K, prog)
    except Exception as e:  # noqa: BLE001
        return {"build": fm._error(e)}, None
    rec["build"] = "ok"
    if library != "numkeras":  # Keras's weights, which numkeras's twin takes
        _nudge(model, prog["seed"])
        np.savez(os.path.join(d, f"{library}_weights.npz"), *model.get_weights())
    else:
        path = os.path.join(d, "keras_weights.npz")
        if os.path.exists(path):
            with np.load(path) as f:
                model.set_weights([f[f"arr_{i}"] for i in range(len(f.files))])
        else:
            _nudge(model, prog["seed"])
    fm.attempt(rec, "outputs", lambda: [list(o.shape) for o in model.outputs])
    if "error" in rec["outputs"]:  # a Sequential of only an Input has no outputs
        return rec, None
    x, y = fm.data(prog, rec["outputs"])
    try:
        compile_model(K, model, prog, keras2)
        history = model.fit(
            x, y, epochs=1, batch_size=prog["data"]["batch_size"], shuffle=False, verbose=0
        )
    except Exception as e:  # noqa: BLE001
        rec["fit"] = fm._error(e)
        return rec, (x, y)
    rec["fit"] = {k: fm._arrays(v) for k, v in history.history.items()}
    rec["state"] = {"predict": fm._arrays(model.predict(x, verbose=0))}
    fm.attempt(rec["state"], "weights", lambda: fm._arrays(model.get_weights()))
    if not keras2:
        fm.attempt(rec["state"], "optimizer", lambda: _optimizer(model))
        fm.attempt(rec["state"], "config", lambda: _json(model.get_config()))
    prefix = {"keras": "k", "tf_keras": "k2", "numkeras": "n"}[library]
    saves = {
        f"{prefix}.keras": lambda p: model.save(p),
        f"{prefix}.weights.h5": lambda p: model.save_weights(p),
        f"{prefix}.h5": lambda p: model.save(p),
    }
    if not keras2 and any(lo <= prog["seed"] < hi for lo, hi in LATEST):
        saves[f"{prefix}.weights.json"] = lambda p: model.save_weights(
            p, max_shard_size=_shard_size(model)
        )
        saves[f"{prefix}_dir"] = lambda p: K.saving.save_model(model, p, zipped=False)
        # (the `.h5` files last: Keras 3's `.h5` saver drops the optimizer from the model's
        # compile config, so a `.keras` written after it reloads a fresh RMSprop)
        saves[f"{prefix}.h5"] = saves.pop(f"{prefix}.h5")
        saves[f"{prefix}_noopt.h5"] = lambda p: model.save(p, include_optimizer=False)
    if keras2:
        saves = {
            "k2.h5": lambda p: model.save(p),
            "k2_weights.h5": lambda p: model.save_weights(p),
            "k2.json": lambda p: open(p, "w").write(model.to_json()),
        }
    rec["save"] = {}
    for name, save in saves.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fm.attempt(rec["save"], name, lambda save=save, name=name: save(os.path.join(d, name)))
    return rec, (x, y)


def _shard_size(model) -> float:
    """A `max_shard_size` (gigabytes) that splits the weights and optimizer variables into
    several shards: twice the largest array (a larger one than the size raises)."""
    arrays = [np.asarray(v) for v in model.weights]
    arrays += [np.asarray(v) for v in getattr(model.optimizer, "variables", ())]
    largest = max((a.nbytes for a in arrays), default=64)
    return max(2 * largest, 64) / 1024**3


def run(library: str, seed: int, count: int, out_dir: str, read_only: bool = False) -> None:
    K = importlib.import_module(library)
    names = {"keras": KERAS3, "tf_keras": KERAS2, "numkeras": OURS}[library]
    records = {}
    for i in range(count):
        prog = program(seed * 100_000 + i)
        d = os.path.join(out_dir, "files", str(i))
        os.makedirs(d, exist_ok=True)
        if read_only:  # the other library's files (numkeras's)
            _clear(K)
            try:
                x, y = fm.data(prog, [list(o.shape) for o in fm.build(K, prog).outputs])
            except Exception as e:  # noqa: BLE001
                records[i] = {"build": fm._error(e)}
                continue
            records[i] = {
                "read": read_files(
                    K, library, prog, d, OURS[:3] if library == "tf_keras" else OURS, x, y
                )
            }
        else:
            rec, xy = write_files(K, library, prog, d)
            if xy is not None and "state" in rec:  # its own files
                rec["read"] = read_files(K, library, prog, d, names, *xy)
            if library == "numkeras" and xy is not None:  # Keras 3's and Keras 2's files
                rec.setdefault("read", {})
                rec["read"].update(read_files(K, library, prog, d, KERAS3, *xy))
                rec["read"].update(read_files(K, library, prog, d, KERAS2, *xy))
            records[i] = rec
        print(i, str(records[i].get("build", "read"))[:60], flush=True)
    suffix = "_read" if read_only else ""
    with open(os.path.join(out_dir, f"{library}{suffix}.json"), "w") as f:
        json.dump(records, f)


# -- compare ---------------------------------------------------------------------------
def _normal(key: str, value):
    """`value` without what differs by Keras's backend or by documented choice."""
    if key == "compile_config" and isinstance(value, dict):
        opt = value.get("optimizer")
        if isinstance(opt, dict) and str(opt.get("module", "")).startswith("keras.src.backend"):
            opt = {**opt, "module": "keras.optimizers", "registered_name": None}  # (torch's)
            value = {**value, "optimizer": opt}
        loss = value.get("loss")
        if isinstance(loss, dict) and loss.get("class_name") == "Huber":  # (Keras drops delta)
            config = {k: v for k, v in loss["config"].items() if k != "delta"}
            value = {**value, "loss": {**loss, "config": config}}
    if key in ("optimizer", "optimizer_after") and isinstance(value, dict):
        # (Keras's loaded wrappers drop their prefix: `dense_kernel_momentum`)
        wrappers = r"(time_distributed|bidirectional|spectral_normalization|rnn)(_\d+)?_"
        wrappers = (
            f"({wrappers}|my_(timedistributed|bidirectional|spectralnormalization|rnn)_\\d+_)"
        )
        cells = r"(stacked_rnn_cells(_\d+)?_)?"  # (and an RNN's cells)
        names = [re.sub(f"^{wrappers}{cells}", "", str(n)) for n in value.get("names") or ()]
        value = {**value, "names": names}
    if key == "summary" and isinstance(value, str):  # (an unbuilt optimizer's are not counted)
        lines = value.split("\n")
        value = "\n".join(s for s in lines if "params:" not in s or "Non-trainable" in s)
    return value


def _mask_ops(config) -> bool:
    """Whether a functional config lists a mask's ops (Keras 3 builds NotEqual, Any)."""
    layers = config.get("layers") if isinstance(config, dict) else None
    return any(layer.get("class_name") in ("NotEqual", "Any") for layer in layers or ())


def _diff_read(want: dict, got: dict, keys, half: bool = False) -> list[str]:
    """The differences of a reader's record `got` from the writer's own reading `want`
    (`half`: a program with a float16 layer, compared at float16's precision)."""
    if want.get("load") != "ok" or got.get("load") != "ok":
        w, g = want.get("load"), got.get("load")
        if w == "ok":
            return [f"load: {g}"]
        if g == "ok":  # the writer cannot reload its own file: not counted
            return []
        return [] if fm._same_error(w, g) else [f"load: {w}\n      vs {g}"]
    problems = []
    mask_ops = any(_mask_ops(r.get("config")) for r in (want, got))
    for key in keys:
        if key not in want or (mask_ops and key in ("config", "summary")):
            continue  # (Keras's graph of a mask lists its ops as layers: see above)
        w, g = _normal(key, want[key]), _normal(key, got.get(key))
        if isinstance(w, dict) and "error" in w and not (isinstance(g, dict) and "error" in g):
            continue  # Keras fails on its own file (e.g. no step after loading a .h5)
        tol = STEP_TOL if key in ("step", "weights_after", "optimizer_after") else PREDICT_TOL
        tol = HALF_TOL if half else tol
        if key == "summary" and isinstance(w, str) and isinstance(g, str):
            lines = [f"{a}\n      vs {b}" for a, b in zip(w.split("\n"), g.split("\n")) if a != b]
            problems += [f"summary: {line}" for line in lines[:1]]
            continue
        if (d := fm._diff(w, g, *tol)) is not None:
            problems.append(f"{key}: {d}")
    return problems


# (not metrics_names: numkeras lists each logged value, as the README says)
FULL = ("predict", "weights", "config", "summary", "optimizer", "compile_config", "step",
        "weights_after", "optimizer_after")  # fmt: skip
# a `.h5`: Keras 3 restores only the iteration count and learning rate (its optimizer stays
# unbuilt and cannot step: README), numkeras the whole state
H5 = ("predict", "weights", "config", "summary", "compile_config")
SMALL = ("predict", "weights")


def _load(out_dir, name):
    path = os.path.join(out_dir, f"{name}.json")
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return json.load(f)


def _by_shape(record):
    """A read record with its weights sorted by shape: Keras 2 orders some layers' weights
    otherwise (SpectralNormalization's `vector_u` last)."""
    if not isinstance(record, dict) or not isinstance(record.get("weights"), list):
        return record
    weights = sorted(record["weights"], key=lambda w: (np.shape(w), json.dumps(w)))
    return {**record, "weights": weights}


def compare(out_dir: str, seed: int = 0) -> int:
    keras, ours = _load(out_dir, "keras"), _load(out_dir, "numkeras")
    keras2, keras_read = _load(out_dir, "tf_keras"), _load(out_dir, "keras_read")
    keras2_read = _load(out_dir, "tf_keras_read")
    bad = 0
    for i in sorted(ours, key=int):
        mine, problems = ours[i], []
        mine_read = mine.get("read", {})
        k = keras.get(i, {})
        prog = program(seed * 100_000 + int(i))
        # (a call's fixed training=True: numkeras keeps it in predict, which moves a
        # BatchNormalization's statistics; Keras 3's predict passes False: fuzz_models)
        fixed = any(n.get("kwargs", {}).get("training") for n in prog["nodes"])
        drop = (
            {"predict", "weights", "step", "weights_after", "optimizer_after"} if fixed else set()
        )

        half = "float16" in json.dumps(prog["nodes"])

        int_out = _integer_outputs(prog)

        def read_diff(want, got, keys, drop=drop, half=half, int_out=int_out):
            if int_out:  # (Keras 3's metrics truncate the targets there: see the notes)
                want, got = _losses_only(want), _losses_only(got)
            return _diff_read(want, got, tuple(k for k in keys if k not in drop), half)

        # (Keras-torch's AveragePooling "same" and LayerNormalization over inner axes: the
        # predictions of Keras 3 vs numkeras)
        k3_drop = drop | {"predict"} if _torch_differs(json.dumps(prog["nodes"])) else drop
        full, stepless = FULL, _random_fit(prog)  # (records written before a program was
        if stepless:  # counted stepless may hold steps)
            full = tuple(key for key in FULL if key not in ("step", "weights_after",
                                                            "optimizer_after"))  # fmt: skip
        if k.get("build") == "ok" and mine.get("build") != "ok":
            problems.append(f"build: {mine.get('build')}")
        if isinstance(k.get("fit"), dict) and not isinstance(mine.get("fit"), dict):
            problems.append(f"fit: {mine.get('fit')}")
        # (Keras 3's `.h5` loader drops an `axis` list of several axes, so its reading of a
        # `.h5` is wrong there: numkeras keeps the axes)
        axes = re.search(r'"axis": \[-?\d+, -?\d+', json.dumps(prog["nodes"])) is not None
        for name in KERAS3:  # Keras 3 -> numkeras
            legacy = name.endswith(".h5") and "weights" not in name
            if legacy and axes:
                continue
            if name in k.get("read", {}):
                keys = H5 if legacy else full
                got = mine_read.get(name, {"load": "?"})
                for p in read_diff(k["read"][name], got, keys, k3_drop):
                    problems.append(f"{name} -> numkeras: {p}")
        k2 = keras2.get(i, {})
        if "error" in str(k.get("outputs")) and "error" in str(mine.get("outputs")):
            k2 = {}  # a Sequential of only an Input: Keras 2's has outputs, 3's has none
        if k.get("build", "ok") != "ok" and mine.get("build") != "ok":
            k2 = {}  # (Keras 2 builds some graphs Keras 3 refuses: merged None axes)
        for name in KERAS2:  # Keras 2 -> numkeras
            if name == "k2_weights.h5" and '"ConvLSTM' in json.dumps(prog["nodes"]):
                continue  # (the twin is Keras 3's: Keras 2's ConvLSTM defaults hard_sigmoid)
            if name in k2.get("read", {}):
                want, got = (_by_shape(r) for r in (k2["read"][name], mine_read.get(name)))
                # (the twin is Keras 3's: its "hard_sigmoid" is relu6(x + 3) / 6, Keras 2's
                # clip(0.2 x + 0.5), so the predictions differ by design)
                twin_sigmoid = "hard_sigmoid" in json.dumps(prog["nodes"])
                keys = ("weights",) if twin_sigmoid and name == "k2_weights.h5" else SMALL
                for p in read_diff(want, got or {"load": "?"}, keys):
                    problems.append(f"{name} -> numkeras: {p}")
        for name in OURS:  # numkeras -> Keras 3 (Keras's own round trip decides)
            if name not in mine_read or name not in keras_read.get(i, {}).get("read", {}):
                continue
            legacy = name.endswith(".h5") and "weights" not in name
            if legacy and axes:
                continue
            theirs = keras_read[i]["read"][name]
            own = k.get("read", {}).get("k" + name[1:], {})
            if theirs.get("load") != "ok" and own.get("load", "ok") != "ok":
                continue  # Keras cannot reload its own file of this model either
            keys = H5 if legacy else full
            if k.get("build") == "ok" and not isinstance(k.get("fit"), dict):
                continue  # Keras cannot run this model (Keras-torch: a Softmax of integers)
            for p in read_diff(mine_read[name], theirs, keys, k3_drop):
                problems.append(f"numkeras -> {name} Keras 3: {p}")
        if "n.h5" in keras2_read.get(i, {}).get("read", {}) and k2.get("build") == "ok":
            theirs = keras2_read[i]["read"]["n.h5"]
            own = k2.get("read", {}).get("k2.h5", {})
            if any(e in str(theirs) for e in ("UnimplementedError", "InvalidArgumentError")):
                theirs = {}  # (TensorFlow's CPU kernels lack channels_first conv and pooling)
            if "batch_shape" in str(theirs.get("load")):  # (a model numkeras writes in Keras
                theirs = {}  # 3's form, by design: a layer called on several tensors, ops)
            # (a `.h5` says "hard_sigmoid", which Keras 2 reads as its own clip(0.2 x + 0.5),
            # Keras 3 and numkeras as relu6(x + 3) / 6: Keras 3's `.h5` reads so in Keras 2 too)
            keys = ("weights",) if "hard_sigmoid" in json.dumps(prog["nodes"]) else SMALL
            if theirs and not (theirs.get("load") != "ok" and own.get("load", "ok") != "ok"):
                for p in read_diff(mine_read["n.h5"], theirs, keys):
                    problems.append(f"numkeras -> n.h5 Keras 2: {p}")
        # numkeras's own round trips against its state before saving
        state = mine.get("state", {})
        for name in ("n.keras", "n.h5"):
            got = mine_read.get(name, {})
            if got.get("load") == "ok":
                # (not the optimizer's variable names: a loaded Sequential's drop its
                # name, in Keras too; nor a LoRA layer's weights: a file holds its kernel
                # with the factors merged in, and fresh factors, as Keras's)
                keys = ("predict", "optimizer")
                lora = "lora_rank" in json.dumps(prog["nodes"])
                keys += () if lora else ("weights",)
                want = {"load": "ok", **state}
                for rec in (want, got := dict(got)):
                    if isinstance(rec.get("optimizer"), dict):
                        rec["optimizer"] = {**rec["optimizer"], "names": None}
                for p in read_diff(want, got, keys):
                    problems.append(f"numkeras own {name}: {p}")
        if problems:
            bad += 1
            print(f"program {i} (seed {prog['seed']}):", *problems, sep="\n    ")
    print(f"{len(ours)} programs, {bad} differ")
    return bad


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command in ("run", "read"):  # run|read LIBRARY SEED COUNT OUT_DIR
        run(args[0], int(args[1]), int(args[2]), args[3], read_only=command == "read")
    elif command == "compare":  # compare OUT_DIR [SEED]
        sys.exit(1 if compare(args[0], int(args[1]) if len(args) > 1 else 0) else 0)
    else:  # show SEED INDEX
        print(json.dumps(program(int(args[0]) * 100_000 + int(args[1])), indent=1))

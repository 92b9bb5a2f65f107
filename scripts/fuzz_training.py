"""Differential fuzzing of whole training runs: random small models trained in Keras 3 and
in numkeras from the same weights, their loss histories and predictions compared.

Each run writes one JSON of results; `--compare` lines two of them up. For example:

    KERAS_BACKEND=jax /work/kenv/bin/python scripts/fuzz_training.py run keras dense 1 60 k.json
    python scripts/fuzz_training.py run numkeras dense 1 60 n.json
    python scripts/fuzz_training.py compare k.json n.json

Families: `dense` (1-3 Dense layers, BatchNormalization / LayerNormalization, ten
activations, five losses, ten optimizers with clipping, sample weights) and `convrnn`
(Conv1D / Conv2D with pooling, LSTM / GRU / SimpleRNN, Embedding with masks,
Bidirectional). A run's models draw from a seed, so both libraries build the same ones.
Known noise: a Dense bias that feeds BatchNormalization gets a gradient of rounding noise,
which Adam turns into steps of +-lr, so such predictions may differ by ~1e-3.
"""

from __future__ import annotations

import importlib
import json
import sys

import numpy as np

ACTIVATIONS = ["relu", "tanh", "sigmoid", "elu", "selu", "softplus", "gelu", "swish", "linear"]
OPTIMIZERS = [
    "SGD",
    "Adam",
    "RMSprop",
    "Adagrad",
    "AdamW",
    "Nadam",
    "Adamax",
    "Adadelta",
    "Ftrl",
    "Lion",
]


def dense_case(K, rng):
    """A Dense stack on one of four tasks: `(model, x, y, sample_weight, description)`."""
    L = K.layers
    n_in, n_out = int(rng.integers(2, 9)), int(rng.integers(2, 5))
    task = str(rng.choice(["regression", "binary", "categorical", "sparse"]))
    layers, desc = [L.Input((n_in,))], []
    for _ in range(int(rng.integers(1, 4))):
        units, act = int(rng.integers(2, 12)), str(rng.choice(ACTIVATIONS))
        reg = rng.choice([None, "l2", "l1"])
        layers.append(L.Dense(units, activation=act, kernel_regularizer=reg and str(reg)))
        desc.append(f"Dense({units}, {act}, {reg})")
        extra = str(rng.choice(["none", "bn", "ln"]))
        if extra != "none":
            layers.append(L.BatchNormalization() if extra == "bn" else L.LayerNormalization())
            desc.append(extra)
    n = int(rng.integers(20, 60))
    x = rng.normal(size=(n, n_in)).astype("float32")
    if task == "regression":
        loss = str(rng.choice(["mse", "mae", "huber", "log_cosh"]))
        layers.append(L.Dense(n_out))
        y = rng.normal(size=(n, n_out)).astype("float32")
    elif task == "binary":
        loss = "binary_crossentropy"
        layers.append(L.Dense(1, activation="sigmoid"))
        y = rng.integers(0, 2, (n, 1)).astype("float32")
    else:
        loss = (
            "categorical_crossentropy"
            if task == "categorical"
            else task + "_categorical_crossentropy"
        )
        layers.append(L.Dense(n_out, activation="softmax"))
        labels = rng.integers(0, n_out, n)
        y = np.eye(n_out, dtype="float32")[labels] if task == "categorical" else labels
    sample_weight = rng.random(n).astype("float32") if rng.random() < 0.3 else None
    return K.Sequential(layers), x, y, sample_weight, loss, "-".join(desc)


def convrnn_case(K, rng):
    """A convolutional or recurrent model on a 3-class task."""
    L = K.layers
    kind = str(rng.choice(["conv1d", "conv2d", "rnn", "embedding_rnn", "bidirectional"]))
    desc = [kind]
    if kind == "conv2d":
        shape = (int(rng.integers(6, 10)), int(rng.integers(6, 10)), int(rng.integers(1, 4)))
        layers = [L.Input(shape)]
        for _ in range(int(rng.integers(1, 3))):
            f, k, s = int(rng.integers(2, 6)), int(rng.choice([2, 3])), int(rng.choice([1, 2]))
            pad, act = str(rng.choice(["valid", "same"])), str(rng.choice(ACTIVATIONS[:4]))
            layers.append(L.Conv2D(f, k, strides=s, padding=pad, activation=act))
            desc.append(f"Conv2D({f}, {k}, {s}, {pad}, {act})")
        pool = str(rng.choice(["max", "avg", "global_max", "global_avg"]))
        layers.append(
            {
                "max": lambda: L.MaxPooling2D(2, padding="same"),
                "avg": lambda: L.AveragePooling2D(2, padding="same"),
                "global_max": L.GlobalMaxPooling2D,
                "global_avg": L.GlobalAveragePooling2D,
            }[pool]()
        )
        desc.append(pool)
        if not pool.startswith("global"):
            layers.append(L.Flatten())
        x = rng.normal(size=(24, *shape)).astype("float32")
    elif kind == "conv1d":
        shape = (int(rng.integers(8, 14)), int(rng.integers(1, 5)))
        layers = [L.Input(shape)]
        for _ in range(int(rng.integers(1, 3))):
            f, k, d = int(rng.integers(2, 6)), int(rng.choice([2, 3])), int(rng.choice([1, 2]))
            pad = str(rng.choice(["valid", "same", "causal"]))
            layers.append(L.Conv1D(f, k, padding=pad, dilation_rate=d, activation="relu"))
            desc.append(f"Conv1D({f}, {k}, {d}, {pad})")
        layers.append(L.GlobalAveragePooling1D() if rng.random() < 0.5 else L.Flatten())
        x = rng.normal(size=(24, *shape)).astype("float32")
    else:
        steps, features, units = (
            int(rng.integers(3, 7)),
            int(rng.integers(2, 5)),
            int(rng.integers(2, 6)),
        )
        cell = str(rng.choice(["LSTM", "GRU", "SimpleRNN"]))
        kw = {"return_sequences": bool(rng.integers(2))}
        kw["go_backwards"] = bool(rng.integers(2)) and kind != "bidirectional"
        if cell == "GRU":
            kw["reset_after"] = bool(rng.integers(2))
        desc.append(f"{cell}({units}, {kw})")
        if kind == "embedding_rnn":
            mask_zero = bool(rng.integers(2))
            layers = [L.Input((steps,)), L.Embedding(12, features, mask_zero=mask_zero)]
            desc.append(f"mask_zero={mask_zero}")
            x = rng.integers(0, 12, (24, steps))
            x[:, 0] = np.maximum(x[:, 0], 1)
        else:
            layers = [L.Input((steps, features))]
            x = rng.normal(size=(24, steps, features)).astype("float32")
        rnn = getattr(L, cell)(units, **kw)
        if kind == "bidirectional":
            merge = str(rng.choice(["concat", "sum", "ave", "mul"]))
            rnn = L.Bidirectional(rnn, merge_mode=merge)
            desc.append(merge)
        layers.append(rnn)
        if kw["return_sequences"]:
            layers.append(L.Flatten())
    layers.append(L.Dense(3, activation="softmax"))
    y = rng.integers(0, 3, len(x))
    return K.Sequential(layers), x, y, None, "sparse_categorical_crossentropy", "-".join(desc)


def run(library: str, family: str, seed: int, cases: int, out: str) -> None:
    K = importlib.import_module("keras" if library == "keras" else "numkeras")
    make = dense_case if family == "dense" else convrnn_case
    seeds = np.random.default_rng(seed).integers(1 << 30, size=cases)
    results = []
    for case, case_seed in enumerate(seeds):
        rng = np.random.default_rng(case_seed)
        model, x, y, sample_weight, loss, desc = make(K, rng)
        # the same starting weights in both libraries (ones stay ones: scales, variances)
        model.set_weights(
            [
                w
                if w.ndim == 1 and np.all(w == 1)
                else (rng.normal(size=w.shape) * 0.4).astype(w.dtype)
                for w in model.get_weights()
            ]
        )
        name = str(rng.choice(OPTIMIZERS))
        rate = float(rng.choice([0.01, 0.05]))
        clip = str(rng.choice(["none", "clipnorm", "clipvalue", "global_clipnorm"]))
        kwargs = {} if clip == "none" else {clip: 0.5}
        model.compile(
            optimizer=getattr(K.optimizers, name)(learning_rate=rate, **kwargs),
            loss=loss,
            metrics=["mae"] if loss in ("mse", "mae", "huber", "log_cosh") else ["accuracy"],
        )
        desc += f"|{loss}|{name}({rate}, {kwargs})"
        try:
            history = model.fit(
                x, y, batch_size=8, epochs=3, shuffle=False, verbose=0, sample_weight=sample_weight
            )
            results.append(
                {
                    "case": case,
                    "desc": desc,
                    "history": {k: [float(v) for v in vs] for k, vs in history.history.items()},
                    "predict": model.predict(x[:5], verbose=0).tolist(),
                }
            )
        except Exception as e:  # noqa: BLE001 - an error is a result to compare too
            results.append({"case": case, "desc": desc, "error": type(e).__name__})
    with open(out, "w") as f:
        json.dump(results, f)


def compare(keras_json: str, numkeras_json: str, rtol: float = 2e-3, atol: float = 2e-4) -> int:
    with open(keras_json) as f:
        expected = json.load(f)
    with open(numkeras_json) as f:
        got = json.load(f)
    bad = 0
    for want, have in zip(expected, got):
        problems = []
        if "error" in want or "error" in have:
            if want.get("error") != have.get("error"):
                problems.append(f"error: {want.get('error')} vs {have.get('error')}")
        else:
            if list(want["history"]) != list(have["history"]):
                problems.append(f"history keys {list(want['history'])} vs {list(have['history'])}")
            for key, values in want["history"].items():
                if not np.allclose(values, have["history"].get(key, []), rtol=rtol, atol=atol):
                    problems.append(f"{key}: {values} vs {have['history'].get(key)}")
            a, b = np.array(want["predict"]), np.array(have["predict"])
            if a.shape != b.shape or not np.allclose(a, b, rtol=rtol, atol=atol):
                problems.append(f"predict differs (max {np.abs(a - b).max():.3g})")
        if problems:
            bad += 1
            print(f"case {want['case']}: {want['desc']}")
            for p in problems:
                print("   ", p)
    print(f"{len(expected)} cases, {bad} differ")
    return bad


if __name__ == "__main__":
    if sys.argv[1] == "run":
        run(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
    else:
        sys.exit(1 if compare(sys.argv[2], sys.argv[3]) else 0)

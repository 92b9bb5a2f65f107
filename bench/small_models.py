"""Small models beyond the three workloads: other activations, optimizers, losses, batch
sizes and the functional API, timed side by side with Keras 3 (when installed).

Each case builds the same model through the Keras API (`lib` is numkeras or keras), warms
it up, then times it in interleaved rounds (numkeras, then Keras, in each round) and
prints medians and the median of same-round speedups: on a noisy machine only same-round
ratios mean much. `--no-fused` adds numkeras with its fused kernels off, and
`--one-thread` numkeras with `predict`'s chunks kept on one thread (`NUMKERAS_THREADS=1`),
to show what each buys per case.

    python -m bench.small_models                  # every case
    python -m bench.small_models gelu elu --rounds 9
    python -m bench.small_models --no-fused fit
    python -m bench.small_models --one-thread --no-keras predict

>>> [name for name in CASES if "gelu" in name]
['fit bs128 gelu']
"""

from __future__ import annotations

import argparse
import contextlib
import os
import time
from collections.abc import Callable

import numpy as np

ROWS = 10_000
_rng = np.random.default_rng(0)
X = _rng.standard_normal((ROWS, 64), dtype=np.float32)
Y10 = _rng.integers(0, 10, ROWS)
ONE_HOT = np.eye(10, dtype=np.float32)[Y10]
Y01 = _rng.integers(0, 2, (ROWS, 1)).astype(np.float32)


def _mlp(lib, activation="relu", out=10, out_activation="softmax"):
    L = lib.layers
    return lib.models.Sequential(
        [
            L.Input((64,)),
            L.Dense(256, activation=activation),
            L.Dense(256, activation=activation),
            L.Dense(out, activation=out_activation),
        ]
    )


def _compiled(activation="relu", loss="sparse_categorical_crossentropy", opt="adam"):
    def build(lib):
        model = _mlp(lib, activation)
        model.compile(optimizer=opt, loss=loss, metrics=["accuracy"])
        return model

    return build


def _two_inputs(lib):
    L = lib.layers
    a, b = L.Input((32,)), L.Input((32,))
    h = L.Concatenate()([L.Dense(64, activation="relu")(a), L.Dense(64, activation="relu")(b)])
    model = lib.models.Model([a, b], L.Dense(1, activation="sigmoid")(h))
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def _fit(y, batch_size):
    return lambda m: m.fit(X, y, batch_size=batch_size, epochs=1, verbose=0)


# Keras's classic examples, smaller: an MNIST CNN (mnist_cnn.py) and an IMDB LSTM
# (imdb_lstm.py), on random data of their shapes.
IMAGES = _rng.random((1024, 28, 28, 1), dtype=np.float32)
Y_IMAGES = _rng.integers(0, 10, 1024)
TOKENS = _rng.integers(1, 2000, (1024, 80))
Y_TOKENS = _rng.integers(0, 2, (1024, 1)).astype(np.float32)


def _cnn(lib):
    L = lib.layers
    model = lib.models.Sequential(
        [
            L.Input((28, 28, 1)),
            L.Conv2D(32, 3, activation="relu"),
            L.MaxPooling2D(),
            L.Conv2D(64, 3, activation="relu"),
            L.MaxPooling2D(),
            L.Flatten(),
            L.Dropout(0.5),
            L.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _lstm(lib):
    L = lib.layers
    model = lib.models.Sequential(
        [L.Input((80,)), L.Embedding(2000, 64), L.LSTM(64), L.Dense(1, activation="sigmoid")]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


# name -> (build(lib) -> model, run(model), calls per timing)
CASES: dict[str, tuple[Callable, Callable, int]] = {
    "predict 1 row": (_mlp, lambda m: m.predict(X[:1], verbose=0), 30),
    "predict 10k rows": (_mlp, lambda m: m.predict(X, verbose=0), 1),
    "predict 10k rows bs1000": (_mlp, lambda m: m.predict(X, batch_size=1000, verbose=0), 1),
    "train_on_batch 32": (_compiled(), lambda m: m.train_on_batch(X[:32], Y10[:32]), 30),
    "fit bs32 adam": (_compiled(), _fit(Y10, 32), 1),
    "fit bs32 rmsprop one-hot": (
        _compiled(loss="categorical_crossentropy", opt="rmsprop"),
        _fit(ONE_HOT, 32),
        1,
    ),
    "fit bs32 sgd mse": (_compiled(loss="mse", opt="sgd"), _fit(ONE_HOT, 32), 1),
    "evaluate 10k": (_compiled(), lambda m: m.evaluate(X, Y10, verbose=0), 1),
    "fit two-input functional bs32": (
        _two_inputs,
        lambda m: m.fit([X[:, :32], X[:, 32:]], Y01, batch_size=32, epochs=1, verbose=0),
        1,
    ),
    "cnn fit bs128 (1k images)": (
        _cnn,
        lambda m: m.fit(IMAGES, Y_IMAGES, batch_size=128, epochs=1, verbose=0),
        1,
    ),
    "cnn predict (1k images)": (_cnn, lambda m: m.predict(IMAGES, verbose=0), 1),
    "lstm fit bs128 (1k sequences)": (
        _lstm,
        lambda m: m.fit(TOKENS, Y_TOKENS, batch_size=128, epochs=1, verbose=0),
        1,
    ),
    "lstm predict (1k sequences)": (_lstm, lambda m: m.predict(TOKENS, verbose=0), 1),
}
for _act in ("sigmoid", "tanh", "elu", "selu", "softplus", "swish", "gelu"):
    CASES[f"fit bs128 {_act}"] = (_compiled(_act), _fit(Y10, 128), 1)
for _opt in ("adamw", "nadam", "adamax", "adagrad"):
    CASES[f"fit bs128 {_opt} one-hot"] = (
        _compiled(loss="categorical_crossentropy", opt=_opt),
        _fit(ONE_HOT, 128),
        1,
    )


def _libraries(with_keras: bool, no_fused: bool, one_thread: bool = False) -> dict[str, tuple]:
    """name -> (module namespace, context manager factory around each timing)."""
    import numkeras
    from numkeras.backend import fused

    def fused_off():
        return fused.without(*fused.kernel_names())

    @contextlib.contextmanager
    def one_predict_thread():
        previous = os.environ.get("NUMKERAS_THREADS")
        os.environ["NUMKERAS_THREADS"] = "1"
        try:
            yield
        finally:
            if previous is None:
                del os.environ["NUMKERAS_THREADS"]
            else:
                os.environ["NUMKERAS_THREADS"] = previous

    libs = {"numkeras": (numkeras, contextlib.nullcontext)}
    if no_fused:
        libs["numkeras, fused off"] = (numkeras, fused_off)
    if one_thread:
        libs["numkeras, one thread"] = (numkeras, one_predict_thread)
    if with_keras:
        os.environ.setdefault("KERAS_BACKEND", "jax")
        try:
            import keras
        except ImportError:
            print("(Keras not installed: numkeras alone)")
        else:
            libs[f"keras ({keras.backend.backend()})"] = (keras, contextlib.nullcontext)
    return libs


def run_case(name: str, libs: dict, rounds: int) -> dict[str, list[float]]:
    build, run, calls = CASES[name]
    models = {}
    for key, (lib, ctx) in libs.items():
        with ctx():
            models[key] = build(lib)  # numkeras and keras both have .layers and .models
            run(models[key])  # warm up (JIT compiles, buffers, kernels)
            run(models[key])
    times: dict[str, list[float]] = {key: [] for key in libs}
    for _ in range(rounds):
        for key, (_, ctx) in libs.items():
            time.sleep(0.05)  # let the previous library's BLAS threads go idle
            with ctx():
                start = time.perf_counter()
                for _ in range(calls):
                    run(models[key])
                times[key].append((time.perf_counter() - start) / calls)
    return times


def main(argv: list[str] | None = None) -> dict[str, dict[str, list[float]]]:
    """Run the cases; print the table; return {case: {library: [seconds per round]}}."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("only", nargs="*", help="run the cases whose name contains any of these")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-keras", action="store_true", help="numkeras alone")
    parser.add_argument("--no-fused", action="store_true", help="also numkeras, kernels off")
    parser.add_argument(
        "--one-thread", action="store_true", help="also numkeras, predict's chunks on one thread"
    )
    args = parser.parse_args(argv)
    libs = _libraries(not args.no_keras, args.no_fused, args.one_thread)
    names = [n for n in CASES if not args.only or any(o in n for o in args.only)]
    base = "numkeras"
    print(f"{'case':32s}" + "".join(f"{k:>24s}" for k in libs))
    results = {}
    for name in names:
        times = results[name] = run_case(name, libs, args.rounds)
        cells = []
        for key, ts in times.items():
            cell = f"{np.median(ts) * 1e3:.3f} ms"
            if key != base:  # same-round speedup of numkeras over this library
                ratio = np.median(np.array(ts) / np.array(times[base]))
                cell += f" ({ratio:.2f}x)"
            cells.append(f"{cell:>24s}")
        print(f"{name:32s}" + "".join(cells), flush=True)
    print("(Nx): numkeras is N times as fast as that column (median of same-round ratios)")
    return results


if __name__ == "__main__":
    main()

"""Smoke check of the array-module handle on a GPU: numkeras with `backend.xp = cupy`.

Run where CuPy and a GPU exist: `python scripts/gpu_smoke.py`. Prints what works.
"""

import pathlib
import sys
import time
import traceback
import warnings

import numpy as np

warnings.simplefilter("ignore")
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))  # the repo's `bench`


def main() -> None:
    import cupy as cp

    from bench.workloads import build_generator, numkeras_lib
    from numkeras import backend
    from numkeras.layers import Dense, Dropout, Input, LeakyReLU
    from numkeras.models import Sequential

    def g_model():  # the tutorial generator, as the benchmark builds it
        return build_generator(numkeras_lib())

    x = np.random.default_rng(0).normal(size=(4096, 100)).astype("float32")
    cpu = g_model()
    ref = cpu.predict(x, batch_size=1024, verbose=0)
    backend.set_array_module(cp)
    steps = [
        ("predict", lambda m: m.predict(cp.asarray(x), batch_size=1024, verbose=0)),
    ]
    gpu = g_model()
    gpu.set_weights([cp.asarray(w) for w in cpu.get_weights()])
    for name, fn in steps:
        try:
            t = time.perf_counter()
            out = fn(gpu)
            cp.cuda.Stream.null.synchronize()
            err = float(np.abs(backend.to_numpy(out) - ref).max())
            print(f"{name}: ok in {time.perf_counter() - t:.3f}s, max |gpu - cpu| = {err:.2e}")
        except Exception:
            print(f"{name}: FAILED\n{traceback.format_exc()}")
    try:
        gpu.compile(optimizer="adam", loss="mse")
        y = cp.zeros((4096, 784), "float32")
        t = time.perf_counter()
        hist = gpu.fit(cp.asarray(x), y, batch_size=256, epochs=2, verbose=0)
        cp.cuda.Stream.null.synchronize()
        print(f"fit: ok in {time.perf_counter() - t:.3f}s, loss {hist.history['loss']}")
    except Exception:
        print(f"fit: FAILED\n{traceback.format_exc()}")
    try:
        d = Sequential(
            [
                Input((784,)),
                Dense(256),
                LeakyReLU(0.2),
                Dropout(0.3),
                Dense(1, activation="sigmoid"),
            ]
        )
        d.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
        xd = cp.asarray(np.random.default_rng(1).normal(size=(1024, 784)).astype("float32"))
        yd = cp.asarray((np.arange(1024) % 2).astype("float32"))
        logs = d.train_on_batch(xd, yd, return_dict=True)
        print(f"train_on_batch with Dropout: ok, {logs}")
    except Exception:
        print(f"train_on_batch with Dropout: FAILED\n{traceback.format_exc()}")


if __name__ == "__main__":
    main()

"""Where a GPU step's time goes: cProfile of W1 (the GAN step) and W3 (fit) on CuPy.

Run where CuPy and a GPU exist: `python scripts/gpu_profile.py [steps]`. Prints the
per-step wall time and the functions with the most own time (CuPy's kernel launches show
as ufunc / method calls with their counts).
"""

import cProfile
import pathlib
import pstats
import sys
import time

import cupy

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))  # the repo's `bench`

from bench.workloads import Config, NumkerasImpl, make_data  # noqa: E402
from numkeras import backend  # noqa: E402


def main() -> None:
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    backend.set_array_module(cupy)
    cfg = Config(w3_rows=128 * steps, only=("W1", "W3"))
    data = make_data(cfg)
    impl = NumkerasImpl()
    for key in ("W1", "W3"):
        task = impl.setup(key, data, cfg)
        task()
        cupy.cuda.Stream.null.synchronize()
        t0 = time.perf_counter()
        reps = steps if key == "W1" else 1
        for _ in range(reps):
            task()
        cupy.cuda.Stream.null.synchronize()
        print(f"{key}: {(time.perf_counter() - t0) / steps * 1e3:.2f} ms a step")
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(reps):
            task()
        prof.disable()
        stats = pstats.Stats(prof)
        stats.sort_stats("tottime").print_stats(22)


def per_call_costs(reps: int = 2000) -> None:
    """Host time of single CuPy calls at W1's sizes (a GPU step is bound by these)."""
    f32 = cupy.float32
    x, w, z = cupy.ones((128, 784), f32), cupy.ones((784, 1024), f32), cupy.ones((128, 1024), f32)
    gw, dx, b = cupy.empty((784, 1024), f32), cupy.empty((128, 784), f32), cupy.ones(1024, f32)
    cases = {
        "matmul x @ W (out=)": lambda: cupy.matmul(x, w, out=z),
        "matmul x.T @ dz (out=)": lambda: cupy.matmul(x.T, z, out=gw),
        "matmul dz @ W.T (out=)": lambda: cupy.matmul(z, w.T, out=dx),
        "z += b (broadcast add)": lambda: z.__iadd__(b),
        "z.sum(axis=0, out=)": lambda: z.sum(axis=0, out=b),
        "cupy.asarray(host 128x784)": lambda: cupy.asarray(host),
    }
    host = cupy.asnumpy(x)
    for name, fn in cases.items():
        fn()
        cupy.cuda.Stream.null.synchronize()
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        host_s = (time.perf_counter() - t0) / reps
        cupy.cuda.Stream.null.synchronize()
        total_s = (time.perf_counter() - t0) / reps
        us = f"host {host_s * 1e6:6.1f} us a call, with the GPU {total_s * 1e6:6.1f} us"
        print(f"{name:<28} {us}")


if __name__ == "__main__":
    main()
    per_call_costs()

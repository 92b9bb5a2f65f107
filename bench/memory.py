"""Memory checks: `python -m bench --memory`.

1. `predict` peak memory at two row counts (65,536 and 262,144; `--quick`: 8,192 and
   32,768). Each runs in a fresh child process, so one's peak cannot hide the other's.
   Reported per N: the output's size, the peak RSS growth during `predict` (ru_maxrss
   after minus the current RSS before) and the tracemalloc peak (NumPy reports its buffers
   to tracemalloc). A predict that writes batches into one preallocated output grows by
   ~ the output size only; one that keeps a list of batch outputs and concatenates them
   needs about twice that. The "growth ratio" is (peak at N2 - peak at N1) / (output at
   N2 - output at N1): ~1.0 is ideal, ~2.0 means the list-and-concatenate pattern.
2. A `train_on_batch` loop (W3's classifier, batch 128, 10,000 steps; `--steps` to
   shorten) with the current RSS sampled every 1000 steps (every steps/10 when shorter):
   it should stay flat after the first sample (no leak).

With `--compare`, the same children also run Keras 3 (`predict` and `train_on_batch`
have the same API).

>>> rss_bytes() > 0
True
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import resource
import subprocess
import sys
import time
import tracemalloc
from typing import Any

import numpy as np

from bench.machine import format_facts, machine_facts

ROOT = pathlib.Path(__file__).resolve().parent.parent
PREDICT_BATCH = 1024  # memory does not depend on it; 1024 keeps the large N quick
LEAK_TOLERANCE = 4 * 2**20  # RSS growth over the loop (after the first sample) we call steady
MiB = 2**20


def rss_bytes() -> int:
    """The current resident set size (Linux /proc; else the peak, which is all we have)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return peak_rss_bytes()


def peak_rss_bytes() -> int:
    """ru_maxrss in bytes (KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


# ------------------------------------------------------------------------------------------
# Children (run in fresh processes)


def _lib(impl: str):
    if impl == "numkeras":
        from bench.workloads import numkeras_lib

        return numkeras_lib()
    if impl == "keras":
        from bench.compare_keras import keras_lib

        return keras_lib()[1]
    raise ValueError(f"Unknown impl {impl!r}; expected 'numkeras' or 'keras'.")


def child_predict(impl: str, rows: int) -> dict[str, Any]:
    from bench.workloads import build_generator

    generator = build_generator(_lib(impl))
    x = np.random.default_rng(0).standard_normal((rows, 100), dtype=np.float32)
    generator.predict(x[:PREDICT_BATCH], batch_size=PREDICT_BATCH, verbose=0)  # warm up
    before = rss_bytes()
    tracemalloc.start()
    out = generator.predict(x, batch_size=PREDICT_BATCH, verbose=0)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    after_peak = peak_rss_bytes()
    out = np.asarray(out)
    return {
        "rows": rows,
        "output_bytes": int(out.nbytes),
        "output_shape": list(out.shape),
        "output_dtype": str(out.dtype),
        "rss_before": before,
        "rss_peak_growth": max(0, after_peak - before),
        "tracemalloc_peak": traced_peak,
    }


def child_train(impl: str, steps: int) -> dict[str, Any]:
    from bench.workloads import build_classifier

    model = build_classifier(_lib(impl))
    rng = np.random.default_rng(0)
    x = rng.random((128, 784), dtype=np.float32)
    y = rng.integers(0, 10, 128).astype(np.uint8)
    every = 1000 if steps >= 10_000 else max(1, steps // 10)
    samples: list[tuple[int, int]] = []
    t0 = time.perf_counter()
    for step in range(1, steps + 1):
        model.train_on_batch(x, y)
        if step % every == 0:
            samples.append((step, rss_bytes()))
    seconds = time.perf_counter() - t0
    first = samples[0][1]
    growth = samples[-1][1] - first
    span = samples[-1][0] - samples[0][0]
    return {
        "steps": steps,
        "sample_every": every,
        "samples": samples,
        "growth_after_first_sample": growth,
        "bytes_per_step": growth / span if span else 0.0,
        "steady": growth <= LEAK_TOLERANCE,
        "seconds": seconds,
    }


def _child_main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.memory")
    p.add_argument("--child", choices=("predict", "train"), required=True)
    p.add_argument("--impl", default="numkeras")
    p.add_argument("--rows", type=int, default=65_536)
    p.add_argument("--steps", type=int, default=10_000)
    a = p.parse_args(argv)
    if a.child == "predict":
        result = child_predict(a.impl, a.rows)
    else:
        result = child_train(a.impl, a.steps)
    print("BENCH_MEMORY_RESULT " + json.dumps(result))
    return 0


# ------------------------------------------------------------------------------------------
# Parent


def _spawn(args: list[str], timeout: float = 1800, threads: int | None = None) -> dict[str, Any]:
    env = dict(os.environ)
    if threads:  # read by OpenBLAS/OpenMP/MKL at load time in the fresh child
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env[var] = str(threads)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    cmd = [sys.executable, "-m", "bench.memory", *args]
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, env=env, timeout=timeout, cwd=str(ROOT)
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s: {' '.join(args)}"}
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH_MEMORY_RESULT "):
            return json.loads(line.split(" ", 1)[1])
    lines = (proc.stderr or proc.stdout).strip().splitlines()
    return {"error": (lines[-1] if lines else f"exit code {proc.returncode}")[:300]}


def memory_report(
    rows: tuple[int, int],
    steps: int,
    impls: list[str],
    log=lambda msg: None,
    threads: int | None = None,
) -> dict[str, Any]:
    report: dict[str, Any] = {"predict": {}, "train_loop": {}, "config": {}}
    report["config"] = {
        "predict_rows": list(rows),
        "predict_batch_size": PREDICT_BATCH,
        "train_steps": steps,
        "train_model": "W3 classifier 784-512-512-10, batch 128",
        "leak_tolerance_bytes": LEAK_TOLERANCE,
        "threads": threads,
    }
    for impl in impls:
        per_n = []
        for n in rows:
            log(f"memory: {impl} predict on {n:,} rows")
            args = ["--child", "predict", "--impl", impl, "--rows", str(n)]
            per_n.append(_spawn(args, threads=threads))
        entry: dict[str, Any] = {"runs": per_n}
        if all("error" not in r for r in per_n):
            d_out = per_n[1]["output_bytes"] - per_n[0]["output_bytes"]
            d_rss = per_n[1]["rss_peak_growth"] - per_n[0]["rss_peak_growth"]
            d_tm = per_n[1]["tracemalloc_peak"] - per_n[0]["tracemalloc_peak"]
            entry["rss_growth_ratio"] = d_rss / d_out if d_out else None
            entry["tracemalloc_growth_ratio"] = d_tm / d_out if d_out else None
        report["predict"][impl] = entry
        log(f"memory: {impl} train_on_batch loop, {steps:,} steps")
        args = ["--child", "train", "--impl", impl, "--steps", str(steps)]
        report["train_loop"][impl] = _spawn(args, threads=threads)
    report["machine"] = machine_facts()
    return report


def format_memory(report: dict[str, Any]) -> str:
    lines = [
        f"predict peak memory (batch_size={report['config']['predict_batch_size']}; "
        "each N in a fresh process):"
    ]
    for impl, entry in report["predict"].items():
        for r in entry["runs"]:
            if "error" in r:
                lines.append(f"  {impl}: error: {r['error']}")
                continue
            lines.append(
                f"  {impl:<9} N={r['rows']:>9,}: output {r['output_bytes'] / MiB:8.1f} MiB; "
                f"peak RSS growth {r['rss_peak_growth'] / MiB:8.1f} MiB; "
                f"tracemalloc peak {r['tracemalloc_peak'] / MiB:8.1f} MiB"
            )
        if entry.get("rss_growth_ratio") is not None:
            lines.append(
                f"  {impl:<9} growth between the two N / output growth: RSS "
                f"{entry['rss_growth_ratio']:.2f}, tracemalloc "
                f"{entry['tracemalloc_growth_ratio']:.2f} (1.0 = output only; ~2 = list + concat)"
            )
    lines.append("")
    lines.append("train_on_batch loop (W3 classifier, batch 128), current RSS:")
    for impl, r in report["train_loop"].items():
        if "error" in r:
            lines.append(f"  {impl}: error: {r['error']}")
            continue
        samples = ", ".join(f"{s}:{b / MiB:.1f}" for s, b in r["samples"])
        lines.append(f"  {impl:<9} step:MiB  {samples}")
        lines.append(
            f"  {impl:<9} growth after the first sample {r['growth_after_first_sample'] / MiB:+.2f}"
            f" MiB ({r['bytes_per_step']:+.1f} B/step) over {r['steps']:,} steps in "
            f"{r['seconds']:.1f} s: {'steady' if r['steady'] else 'GROWING (leak?)'}"
        )
    lines.append("")
    lines.append(format_facts(report["machine"]))
    return "\n".join(lines)


def run_memory(args: argparse.Namespace) -> int:
    """Entry point for `python -m bench --memory` (args from bench.run's parser)."""
    rows = (8_192, 32_768) if args.quick else (65_536, 262_144)
    steps = args.steps or (1_000 if args.quick else 10_000)
    impls = ["numkeras"] + (["keras"] if args.compare else [])

    def log(msg: str) -> None:
        if not args.quiet:
            print(msg, file=sys.stderr, flush=True)

    report = memory_report(rows, steps, impls, log, threads=args.threads)
    text = format_memory(report)
    if args.json:
        print(text, file=sys.stderr)
        json.dump(report, sys.stdout, indent=2)
        print()
    else:
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(_child_main(sys.argv[1:]))

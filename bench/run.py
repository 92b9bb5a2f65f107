"""numkeras benchmark: the GAN step, predict throughput and classifier fit, against the floor.

Run `python -m bench` (or `python bench/run.py`). Every workload runs in N interleaved
rounds (floor, numkeras, keras, torch, floor, ...) in one process, so all of them share
the machine's noise; the table shows medians and each one's ratio to the floor, the
matmul-only lower bound measured in the same round (see bench/floor.py).

    python -m bench                    # W1, W2, W3 + floor, 3 rounds
    python -m bench --quick            # small sizes, 1 round: a fast check
    python -m bench --only W1,W3 --rounds 5
    python -m bench --compare          # + Keras 3 (KERAS_BACKEND, default jax) and PyTorch
    python -m bench --handwritten      # + the workloads hand-written in NumPy, no framework
    python -m bench --json > out.json  # machine-readable (the table goes to stderr)
    python -m bench --memory           # peak memory of predict, and RSS over a training loop
    python -m bench --gpu --compare    # numkeras on CuPy, PyTorch on CUDA, the floor on the GPU

>>> report = run_bench(Config.quick(w1_steps=1, w2_rows=256, w2_batch_sizes=(32,),
...                                 w3_rows=256, only=("W1",)), progress=False)
>>> report["results"]["W1"]["unit"]
'ms/step'
"""

from __future__ import annotations

if __package__ in (None, ""):  # `python bench/run.py`: make the `bench` package importable
    import pathlib
    import sys

    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

import argparse
import contextlib
import difflib
import gc
import json
import os
import statistics
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

from bench.floor import FloorImpl
from bench.machine import format_facts, machine_facts
from bench.workloads import UNITS, WORKLOADS, Config, NumkerasImpl, make_data

# Targets for numkeras (from the issue): ratio to floor for W1/W3, fraction of the floor's
# throughput for W2; plus "faster than each framework".
TARGETS: dict[str, tuple[str, float]] = {
    "W1": ("<=", 1.15),
    "W2_bs1024": (">=", 0.9),
    "W2_bs32": (">=", 0.8),
    "W3": ("<=", 1.3),
}
LABELS = {"W1": "W1 GAN step", "W3": "W3 fit, 1 epoch"}


def _label(key: str) -> str:
    if key.startswith("W2_bs"):
        return f"W2 predict bs={key[5:]}"
    return LABELS.get(key, key)


def _load_impls(
    compare: bool, log: Callable[[str], None], device: str = "cpu", handwritten: bool = False
) -> tuple[list, dict[str, str]]:
    """The runners that import; the rest go to `skipped` with the reason.

    `handwritten` adds the workloads as one NumPy program without a framework (CPU only).

    `device="gpu"` puts numkeras on CuPy (`backend.set_array_module`), PyTorch on CUDA and
    the floor's products on the GPU; Keras runs wherever its backend puts it."""
    skipped: dict[str, str] = {}
    if device == "gpu":
        import cupy

        from numkeras import backend

        backend.set_array_module(cupy)
        impls: list = [FloorImpl(cupy)]
    else:
        impls = [FloorImpl()]
    factories: list[tuple[str, Callable[[], Any]]] = [("numkeras", NumkerasImpl)]
    if handwritten and device != "gpu":
        from bench.handwritten import HandwrittenImpl

        factories.append(("numpy", HandwrittenImpl))
    if compare:
        from bench.compare_keras import KerasImpl
        from bench.compare_torch import TorchImpl

        torch_device = "cuda" if device == "gpu" else "cpu"
        factories += [("keras", KerasImpl), ("torch", lambda: TorchImpl(torch_device))]
    for name, factory in factories:
        try:
            impls.append(factory())
        except Exception as e:  # ImportError, or a backend that fails to start
            skipped[name] = f"{type(e).__name__}: {e}".splitlines()[0][:300]
            log(f"skipping {name}: {skipped[name]}")
    return impls, skipped


def _measure(key: str, task: Callable[[], None], cfg: Config) -> float:
    """Run the timed work once and return it in the workload's unit."""
    clock = time.process_time if cfg.clock == "cpu" else time.perf_counter
    gc.collect()
    time.sleep(cfg.pause_s)
    if key == "W1":
        t0 = clock()
        for _ in range(cfg.w1_steps):
            task()
        return (clock() - t0) / cfg.w1_steps * 1e3  # ms/step
    t0 = clock()
    task()
    dt = clock() - t0
    if key.startswith("W2"):
        return cfg.w2_rows / dt  # rows/s
    return dt  # W3: s/epoch


def _setup_kwargs(key: str) -> tuple[str, dict[str, Any]]:
    if key.startswith("W2_bs"):
        return "W2", {"batch_size": int(key[5:])}
    return key, {}


def run_bench(
    cfg: Config,
    compare: bool = False,
    progress: bool = True,
    threads: int | None = None,
    handwritten: bool = False,
) -> dict[str, Any]:
    """Set up every (workload, runner), time them in interleaved rounds, and summarize."""

    def log(msg: str) -> None:
        if progress:
            print(msg, file=sys.stderr, flush=True)

    pinned = _prepare_threads(threads, log)
    impls, skipped = _load_impls(compare, log, cfg.device, handwritten)
    limiter = _limit_threads(threads)
    data = make_data(cfg)
    keys = cfg.keys()
    errors: dict[str, dict[str, str]] = {k: {} for k in keys}
    tasks: dict[str, dict[str, Callable[[], None]]] = {k: {} for k in keys}
    with limiter:
        for key in keys:
            workload, kw = _setup_kwargs(key)
            for impl in impls:
                t0 = time.perf_counter()
                try:
                    tasks[key][impl.name] = impl.setup(workload, data, cfg, **kw)
                except Exception as e:
                    errors[key][impl.name] = _short_error(e)
                    log(f"{key} {impl.name}: setup failed: {errors[key][impl.name]}")
                    continue
                log(f"set up {key} {impl.name} ({time.perf_counter() - t0:.1f} s incl. warm-up)")

        values: dict[str, dict[str, list[float]]] = {k: {} for k in keys}
        for r in range(cfg.rounds):
            for key in keys:
                for impl in impls:
                    task = tasks[key].get(impl.name)
                    if task is None:
                        continue
                    try:
                        v = _measure(key, task, cfg)
                    except Exception as e:
                        errors[key][impl.name] = _short_error(e)
                        del tasks[key][impl.name]
                        log(f"{key} {impl.name}: failed in round {r + 1}: {errors[key][impl.name]}")
                        continue
                    values[key].setdefault(impl.name, []).append(v)
                    unit = UNITS[key[:2]]
                    log(f"round {r + 1}/{cfg.rounds} {key:<10} {impl.name:<9} {v:,.4g} {unit}")
        facts = machine_facts()  # inside the cap, so the thread counts are the ones used

    report = {
        "machine": facts,
        "config": {
            "rounds": cfg.rounds,
            "w1_steps": cfg.w1_steps,
            "w1_batch": cfg.w1_batch,
            "w2_rows": cfg.w2_rows,
            "w2_batch_sizes": list(cfg.w2_batch_sizes),
            "w3_rows": cfg.w3_rows,
            "w3_batch": cfg.w3_batch,
            "only": list(cfg.only),
            "threads": threads,
            "pinned_cpus": pinned,
            "clock": cfg.clock,
            "device": cfg.device,
        },
        "impls": {i.name: i.version for i in impls},
        "skipped": skipped,
        "notes": [n for i in impls for n in getattr(i, "notes", [])],
        "results": {k: _summarize(k, values[k], errors[k]) for k in keys},
    }
    report["targets"] = _targets(report["results"])
    return report


def _short_error(e: BaseException) -> str:
    tb = traceback.extract_tb(e.__traceback__)
    where = f" at {os.path.basename(tb[-1].filename)}:{tb[-1].lineno}" if tb else ""
    return f"{type(e).__name__}: {str(e).splitlines()[0][:300] if str(e) else ''}{where}"


def _summarize(key: str, values: dict[str, list[float]], errors: dict[str, str]) -> dict:
    """Medians, and ratios to the floor as the median of same-round ratios (paired)."""
    unit = UNITS[key[:2]]
    out: dict[str, Any] = {"unit": unit}
    floor = values.get("floor", [])
    for name, vals in values.items():
        entry: dict[str, Any] = {"rounds": vals, "median": statistics.median(vals)}
        if len(vals) > 1:
            entry["spread"] = max(vals) / min(vals) - 1  # (max - min) / min, a noise gauge
        if name != "floor" and floor:
            paired = [v / f for v, f in zip(vals, floor)]
            # W2 is a throughput: the fraction of the floor's; else a time: the ratio to it.
            entry["fraction_of_floor" if unit == "rows/s" else "ratio_to_floor"] = (
                statistics.median(paired)
            )
        out[name] = entry
    for name, err in errors.items():
        out.setdefault(name, {})["error"] = err
    return out


def _targets(results: dict[str, dict]) -> dict[str, dict]:
    """numkeras against the issue's floor targets and against each framework."""
    out: dict[str, dict] = {}
    for key, res in results.items():
        nk = res.get("numkeras", {})
        if "median" not in nk:
            continue
        t: dict[str, Any] = {}
        if key in TARGETS:
            op, limit = TARGETS[key]
            value = nk.get("fraction_of_floor" if op == ">=" else "ratio_to_floor")
            if value is not None:
                met = value >= limit if op == ">=" else value <= limit
                t["floor"] = {"target": f"{op} {limit}", "value": value, "met": met}
        higher_is_better = res["unit"] == "rows/s"
        for fw in ("keras", "torch"):
            if "median" in res.get(fw, {}):
                # paired like the floor ratios: the median of same-round speedups, so a
                # noisy round slows both runners of the pair instead of one of them
                pairs = zip(nk["rounds"], res[fw]["rounds"])
                speedup = statistics.median(
                    (a / b) if higher_is_better else (b / a) for a, b in pairs
                )
                t[f"faster_than_{fw}"] = {"speedup": speedup, "met": speedup > 1}
        out[key] = t
    return out


# ------------------------------------------------------------------------------------------
# Output


def format_table(report: dict[str, Any]) -> str:
    results = report["results"]
    names = list(report["impls"]) + [n for n in report["skipped"] if n not in report["impls"]]
    rows = [["workload", "unit", *names]]
    for key, res in results.items():
        row = [_label(key), res["unit"]]
        for name in names:
            e = res.get(name, {})
            if "median" in e:
                cell = _fmt(e["median"], res["unit"])
                if "ratio_to_floor" in e:
                    cell += f" ({e['ratio_to_floor']:.2f}x)"
                elif "fraction_of_floor" in e:
                    cell += f" ({e['fraction_of_floor']:.2f} of floor)"
            elif "error" in e:
                cell = "error"
            elif name in report["skipped"]:
                cell = "skipped"
            else:
                cell = "-"
            row.append(cell)
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))

    cfg = report["config"]
    lines.append("")
    sizes = {
        "W1": f"W1: {cfg['w1_steps']} steps/round, batch {cfg['w1_batch']}",
        "W2": f"W2: {cfg['w2_rows']:,} rows",
        "W3": f"W3: {cfg['w3_rows']:,} rows, batch {cfg['w3_batch']}",
    }
    lines.append(
        f"Medians of {cfg['rounds']} interleaved round(s); "
        + "; ".join(sizes[w] for w in cfg["only"])
        + (
            f"; {cfg['threads']} thread(s) per pool, pinned to CPUs {cfg['pinned_cpus']}"
            if cfg.get("threads")
            else ""
        )
        + ("; CPU time (process_time), not wall time" if cfg.get("clock") == "cpu" else "")
        + "."
    )
    lines.append(
        "(1.23x) = time / floor time, lower is better; (0.95 of floor) = throughput / floor "
        "throughput, higher is better; ratios are medians of same-round pairs."
    )
    spreads = [
        f"{k} {res['floor']['spread']:.0%}"
        for k, res in results.items()
        if "spread" in res.get("floor", {})
    ]
    if spreads:
        lines.append(
            "floor spread across rounds (max/min - 1, a noise gauge): " + ", ".join(spreads)
        )

    lines.append("")
    lines.append("Targets (numkeras):")
    if not report["targets"]:
        lines.append("  (no numkeras results)")
    for key, t in report["targets"].items():
        parts = []
        if "floor" in t:
            f = t["floor"]
            kind = "of floor" if f["target"].startswith(">=") else "x floor"
            parts.append(
                f"{f['target']} {kind}: {f['value']:.3f} {'MET' if f['met'] else 'MISSED'}"
            )
        for fw in ("keras", "torch"):
            if f"faster_than_{fw}" in t:
                s = t[f"faster_than_{fw}"]
                parts.append(
                    f"vs {fw}: {s['speedup']:.3f}x as fast {'MET' if s['met'] else 'MISSED'}"
                )
        lines.append(f"  {_label(key)}: " + "; ".join(parts))

    problems = []
    for key, res in results.items():
        for name, e in res.items():
            if isinstance(e, dict) and "error" in e:
                problems.append(f"  {key} {name}: {e['error']}")
    for name, why in report["skipped"].items():
        problems.append(f"  {name} skipped: {why}")
    for note in report.get("notes", []):
        problems.append(f"  note: {note}")
    if problems:
        lines.append("")
        lines.append("Notes:")
        lines.extend(problems)

    lines.append("")
    lines.append("Runners: " + ", ".join(f"{k} {v}" for k, v in report["impls"].items()))
    lines.append(format_facts(report["machine"]))
    return "\n".join(lines)


def _fmt(v: float, unit: str) -> str:
    if unit == "rows/s":
        return f"{v:,.0f}"
    if unit == "ms/step":
        return f"{v:.1f}"
    return f"{v:.3f}"


# ------------------------------------------------------------------------------------------
# Threads


def _prepare_threads(threads: int | None, log: Callable[[str], None]) -> list[int] | None:
    """Before any runner loads: pin the process to `threads` CPUs, so XLA (which sizes its
    pool from the CPU affinity, and ignores its old thread flags) uses that many too.

    Only threads created after this inherit the pin; NumPy's BLAS pool, made at import,
    is capped by threadpoolctl instead (`_limit_threads`). Returns the CPUs, or None.
    """
    if threads is None:
        return None
    if not hasattr(os, "sched_setaffinity"):
        log("note: no sched_setaffinity here: --threads caps BLAS/OpenMP pools, not XLA's")
        return None
    cpus = sorted(os.sched_getaffinity(0))[:threads]
    os.sched_setaffinity(0, cpus)
    if "jax" in sys.modules:
        log("note: jax was imported before --threads applied: XLA keeps its thread count")
    return cpus


def _limit_threads(threads: int | None):
    """A context capping every BLAS/OpenMP pool loaded by now (NumPy's, PyTorch's), or not."""
    if threads is None:
        return contextlib.nullcontext()
    if "torch" in sys.modules:  # loaded by the torch runner, if any
        sys.modules["torch"].set_num_threads(threads)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        raise SystemExit(
            "--threads needs threadpoolctl: pip install 'numkeras[bench]' (or threadpoolctl)"
        ) from None
    return threadpool_limits(limits=threads)


# ------------------------------------------------------------------------------------------
# CLI


def _parse_only(text: str) -> tuple[str, ...]:
    out = []
    for part in text.split(","):
        name = part.strip().upper()
        if not name:
            continue
        if name not in WORKLOADS:
            close = difflib.get_close_matches(name, WORKLOADS, n=1)
            hint = f" Did you mean {close[0]}?" if close else ""
            raise argparse.ArgumentTypeError(
                f"unknown workload {part.strip()!r}; expected some of {', '.join(WORKLOADS)} "
                f"(comma-separated, e.g. --only W1,W3).{hint}"
            )
        if name not in out:
            out.append(name)
    if not out:
        raise argparse.ArgumentTypeError("--only needs at least one of W1, W2, W3")
    return tuple(w for w in WORKLOADS if w in out)  # always in W1, W2, W3 order


def _parse_ints(text: str) -> tuple[int, ...]:
    try:
        vals = tuple(int(x) for x in text.split(",") if x.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated integers like 32,1024; got {text!r}"
        ) from None
    if not vals or min(vals) < 1:
        raise argparse.ArgumentTypeError(f"expected positive integers like 32,1024; got {text!r}")
    return vals


def _positive(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer; got {text!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer; got {v}")
    return v


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench",
        description="numkeras benchmark: W1 GAN step, W2 predict throughput, W3 classifier "
        "fit, each against its matmul-only floor measured in the same run.",
    )
    p.add_argument("--rounds", type=_positive, help="interleaved rounds (default 3; 1 w/ --quick)")
    p.add_argument("--quick", action="store_true", help="fewer steps/rows: a fast check")
    p.add_argument("--only", type=_parse_only, help="workloads to run, e.g. W1,W3")
    p.add_argument("--compare", action="store_true", help="also run Keras 3 and PyTorch")
    p.add_argument(
        "--handwritten",
        action="store_true",
        help="also run the workloads hand-written in NumPy, no framework (bench/handwritten.py)",
    )
    p.add_argument("--json", action="store_true", help="print JSON to stdout (table to stderr)")
    p.add_argument("--memory", action="store_true", help="memory report instead of timings")
    p.add_argument("--steps", type=_positive, help="--memory: training-loop steps (10000)")
    p.add_argument("--w1-steps", type=_positive, help="W1 timed steps per round (20)")
    p.add_argument("--w2-rows", type=_positive, help="W2 predict rows (65536)")
    p.add_argument("--w2-batch-sizes", type=_parse_ints, help="W2 batch sizes (32,1024)")
    p.add_argument("--w3-rows", type=_positive, help="W3 rows per epoch (60000)")
    p.add_argument(
        "--threads",
        type=_positive,
        help="run on N CPUs: pin the process and cap every BLAS/OpenMP/XLA pool to N "
        "(default: leave all as they are)",
    )
    p.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="wall",
        help="wall time (default) or process CPU time; 'cpu' is steadier on a busy machine "
        "but only meaningful with --threads 1",
    )
    p.add_argument(
        "--gpu",
        action="store_true",
        help="run on the GPU: numkeras on CuPy, PyTorch on CUDA, the floor's products (and "
        "the host-device copies the API implies) on the device",
    )
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    return p


def config_from_args(args: argparse.Namespace) -> Config:
    overrides = {
        "rounds": args.rounds,
        "w1_steps": args.w1_steps,
        "w2_rows": args.w2_rows,
        "w2_batch_sizes": args.w2_batch_sizes,
        "w3_rows": args.w3_rows,
        "only": args.only,
        "clock": args.clock,
        "device": "gpu" if args.gpu else None,
    }
    overrides = {k: v for k, v in overrides.items() if v is not None}
    return Config.quick(**overrides) if args.quick else Config(**overrides)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.memory:
        from bench.memory import run_memory

        return run_memory(args)
    cfg = config_from_args(args)
    if cfg.clock == "cpu" and args.threads != 1:
        print(
            "note: --clock cpu adds up the CPU time of every thread, spinning BLAS threads "
            "included; use it with --threads 1",
            file=sys.stderr,
        )
    report = run_bench(
        cfg,
        compare=args.compare,
        progress=not args.quiet,
        threads=args.threads,
        handwritten=args.handwritten,
    )
    table = format_table(report)
    if args.json:
        print(table, file=sys.stderr)
        json.dump(report, sys.stdout, indent=2, default=str)
        print()
    else:
        print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

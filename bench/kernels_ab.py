"""Paired A/B of fused kernels: one workload timed alternately with and without them.

Each round times the workload once with every fused kernel and once without the chosen
ones (their NumPy code runs instead), in the same process and model, so both sides share
the machine's noise round by round. The report is the median of the paired time ratios
and how many rounds the kernels won: a few percent that whole-benchmark runs on a noisy
machine cannot resolve. This is how a kernel earns its place ("measure each change; keep
what helps"). Needs numba (`pip install -e ".[fast]"`).

    python -m bench.kernels_ab                                  # W3, every kernel
    python -m bench.kernels_ab --kernels softmax_grad,row_max_subtract --rounds 20
    python -m bench.kernels_ab --workload W1 --kernels adam

>>> report = run_ab("W3", ["adam"], rounds=1, w3_rows=200, progress=False)
>>> sorted(report)
['kernels', 'rounds_won', 'seconds_with', 'seconds_without', 'speedup', 'workload']
"""

from __future__ import annotations

if __package__ in (None, ""):  # `python bench/kernels_ab.py`
    import pathlib
    import sys

    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

import argparse
import statistics
import sys
import time

from bench.workloads import Config, make_data, numkeras_lib, setup_keras_api


def run_ab(
    workload: str,
    kernels: list[str],
    rounds: int = 12,
    w1_steps: int = 5,
    w2_rows: int = 8192,
    w2_batch_size: int = 32,
    w3_rows: int = 12800,
    progress: bool = True,
) -> dict:
    """Time `workload` `rounds` times with all kernels and without `kernels`, paired."""
    from numkeras.backend import fused

    if not fused.available():
        raise SystemExit("The fused kernels are off or numba is missing: nothing to compare.")
    cfg = Config(
        rounds=rounds, w1_steps=w1_steps, w2_rows=w2_rows, w3_rows=w3_rows, only=(workload,)
    )
    data = make_data(cfg)
    task = setup_keras_api(numkeras_lib(), workload, data, cfg, batch_size=w2_batch_size)
    repeats = w1_steps if workload == "W1" else 1

    def timed() -> float:
        start = time.perf_counter()
        for _ in range(repeats):
            task()
        return (time.perf_counter() - start) / repeats

    with_k, without_k = [], []
    for r in range(rounds):
        with_k.append(timed())
        with fused.without(*kernels):
            without_k.append(timed())
        if progress:
            print(
                f"round {r + 1}/{rounds}: with {with_k[-1]:.4f} s, without {without_k[-1]:.4f} s",
                file=sys.stderr,
            )
    return {
        "workload": workload,
        "kernels": kernels,
        "seconds_with": statistics.median(with_k),
        "seconds_without": statistics.median(without_k),
        "speedup": statistics.median(b / a for a, b in zip(with_k, without_k)),
        "rounds_won": sum(a < b for a, b in zip(with_k, without_k)),
    }


def main(argv: list[str] | None = None) -> dict:
    from numkeras.backend import fused

    parser = argparse.ArgumentParser(prog="python -m bench.kernels_ab", description=__doc__)
    parser.add_argument("--workload", choices=("W1", "W2", "W3"), default="W3")
    parser.add_argument("--kernels", default="", help="comma-separated names (default: all)")
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--w1-steps", type=int, default=5)
    parser.add_argument("--w2-rows", type=int, default=8192)
    parser.add_argument("--w2-batch-size", type=int, default=32)
    parser.add_argument("--w3-rows", type=int, default=12800)
    args = parser.parse_args(argv)
    kernels = [k for k in args.kernels.split(",") if k] or fused.kernel_names()
    unknown = sorted(set(kernels) - set(fused.kernel_names()))
    if unknown:
        parser.error(f"no fused kernel named {unknown}; the kernels: {fused.kernel_names()}")
    report = run_ab(
        args.workload,
        kernels,
        rounds=args.rounds,
        w1_steps=args.w1_steps,
        w2_rows=args.w2_rows,
        w2_batch_size=args.w2_batch_size,
        w3_rows=args.w3_rows,
    )
    unit = "s/step" if args.workload == "W1" else "s"
    print(
        f"{args.workload} without {', '.join(kernels)}:\n"
        f"  with the kernels {report['seconds_with']:.4f} {unit}, without "
        f"{report['seconds_without']:.4f} {unit} (medians of {args.rounds} rounds)\n"
        f"  the kernels make it {report['speedup']:.3f}x as fast (median of paired ratios); "
        f"faster in {report['rounds_won']} of {args.rounds} rounds"
    )
    return report


if __name__ == "__main__":
    main()

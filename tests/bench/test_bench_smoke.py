"""Smoke tests for the benchmark harness (bench/): tiny sizes, one round, no timing asserts."""

from __future__ import annotations

import argparse
import importlib.util
import json

import numpy as np
import pytest

from bench.floor import flops, w1_ops
from bench.run import _parse_only, _summarize, _targets, format_table, main, run_bench
from bench.workloads import C_DIMS, D_DIMS, G_DIMS, Config, make_data


def _numkeras_models_ready() -> bool:
    try:
        from numkeras.models import Model, Sequential  # noqa: F401
    except Exception:
        return False
    return True


TINY = dict(
    rounds=1,
    w1_steps=1,
    w1_warmup=1,
    w2_rows=96,
    w2_batch_sizes=(32, 64),
    w3_rows=200,
    w3_batch=128,
    pause_s=0.0,
)


@pytest.fixture(autouse=True)
def one_blas_thread():
    """One BLAS thread: multi-threaded BLAS crawls on a busy 2-core CI box (nothing is timed)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield
        return
    with threadpool_limits(limits=1):
        yield


def _layer_flops(dims, batch):
    return [2 * batch * i * o for i, o in zip(dims[:-1], dims[1:])]


def test_w1_floor_counts_exactly_the_products_of_a_gan_step():
    g128, d256, d128 = (
        _layer_flops(G_DIMS, 128),
        _layer_flops(D_DIMS, 256),
        _layer_flops(D_DIMS, 128),
    )
    expected = (
        sum(g128)  # generator.predict
        + sum(d256) * 3  # D forward, weight grads, input grads...
        - d256[0]  # ...except the first layer's input grad
        + sum(g128)
        + sum(d128)  # GAN forward
        + sum(d128)  # D input grads (all layers), no D weight grads
        + sum(g128) * 2
        - g128[0]  # G weight grads + input grads but the first
    )
    ops, _ = w1_ops(128, np.random.default_rng(0))
    assert flops(ops) == expected
    assert all(out.dtype == np.float32 for _, _, out in ops)


def test_floor_w3_includes_the_partial_batch():
    from bench.floor import FloorImpl

    cfg = Config(**{**TINY, "only": ("W3",)})
    data = make_data(cfg)
    task = FloorImpl().setup("W3", data, cfg)
    task()  # runs
    per_row = sum(_layer_flops(C_DIMS, 1)) * 2 + sum(_layer_flops(C_DIMS, 1)[1:])
    # 200 rows = one batch of 128 + a partial batch of 72: every row is counted once.
    from bench import floor as floor_mod

    ops = floor_mod._batched(
        C_DIMS,
        200,
        128,
        np.random.default_rng(0),
        lambda net, s, n: net.forward() + net.backward(True, False),
    )
    assert flops(ops) == 200 * per_row


def test_run_bench_tiny_produces_the_report_keys():
    cfg = Config(**TINY)
    report = run_bench(cfg, progress=False)
    assert set(report) >= {"machine", "config", "impls", "skipped", "results", "targets"}
    assert set(report["results"]) == {"W1", "W2_bs32", "W2_bs64", "W3"}
    units = {k: v["unit"] for k, v in report["results"].items()}
    assert units == {"W1": "ms/step", "W2_bs32": "rows/s", "W2_bs64": "rows/s", "W3": "s/epoch"}
    for res in report["results"].values():
        assert len(res["floor"]["rounds"]) == 1
        assert res["floor"]["median"] > 0
    facts = report["machine"]
    assert {"cpu", "cores_usable", "numpy", "blas", "env"} <= set(facts)
    assert "OPENBLAS_CORETYPE" in facts["env"] and "OPENBLAS_L2_SIZE" in facts["env"]
    if _numkeras_models_ready():
        for key, res in report["results"].items():
            assert "error" not in res.get("numkeras", {}), (key, res["numkeras"])
            assert res["numkeras"]["median"] > 0
            ratio = res["numkeras"].get("ratio_to_floor", res["numkeras"].get("fraction_of_floor"))
            assert ratio is not None and ratio > 0
        assert set(report["targets"]) == set(report["results"])
    else:
        assert "numkeras" in report["skipped"]
    table = format_table(report)
    assert "W1 GAN step" in table and "Targets" in table and "BLAS" in table


def test_cli_json_only_w1(capsys):
    rc = main(["--quick", "--only", "w1", "--w1-steps", "1", "--json", "--quiet"])
    assert rc == 0
    report = json.loads(capsys.readouterr().out)
    assert list(report["results"]) == ["W1"]
    assert report["config"]["rounds"] == 1 and report["config"]["only"] == ["W1"]


def test_only_rejects_unknown_names_with_a_suggestion():
    with pytest.raises(argparse.ArgumentTypeError, match="Did you mean W3"):
        _parse_only("W1,W33")
    assert _parse_only("w3, W1,W3") == ("W1", "W3")


def test_ratios_are_paired_per_round_and_targets_are_judged():
    values = {
        "floor": [10.0, 20.0, 10.0],
        "numkeras": [11.0, 22.0, 12.0],  # paired ratios 1.1, 1.1, 1.2 -> median 1.1
        "keras": [33.0, 44.0, 30.0],  # same-round speedups 3.0, 2.0, 2.5 -> median 2.5
    }
    res = {"W1": _summarize("W1", values, {}), "W2_bs32": _summarize("W2_bs32", values, {})}
    assert res["W1"]["numkeras"]["ratio_to_floor"] == pytest.approx(1.1)
    assert res["W2_bs32"]["numkeras"]["fraction_of_floor"] == pytest.approx(1.1)
    assert res["W1"]["floor"]["spread"] == pytest.approx(1.0)
    t = _targets(res)
    assert t["W1"]["floor"]["met"] is True  # 1.1 <= 1.15
    # paired per round, like the floor ratios (the ratio of medians would be 33 / 12 = 2.75)
    assert t["W1"]["faster_than_keras"] == {"speedup": pytest.approx(2.5), "met": True}
    # W2 is a throughput: more rows/s is better, so numkeras loses to keras every round.
    assert t["W2_bs32"]["faster_than_keras"]["met"] is False
    assert t["W2_bs32"]["floor"]["met"] is True  # 1.1 >= 0.8


def test_a_failing_runner_is_reported_not_fatal():
    values = {"floor": [1.0]}
    res = _summarize("W3", values, {"numkeras": "ValueError: boom"})
    assert res["numkeras"] == {"error": "ValueError: boom"}
    assert _targets({"W3": res}) == {}


@pytest.mark.skipif(not _numkeras_models_ready(), reason="numkeras.models not importable yet")
def test_memory_report_tiny(monkeypatch):
    from bench import memory

    def in_process(
        args, timeout=0, threads=None
    ):  # the children, without the process start-up cost
        a = dict(zip(args[::2], args[1::2]))
        if a["--child"] == "predict":
            return memory.child_predict(a["--impl"], int(a["--rows"]))
        return memory.child_train(a["--impl"], int(a["--steps"]))

    monkeypatch.setattr(memory, "_spawn", in_process)
    report = memory.memory_report((1024, 2048), steps=20, impls=["numkeras"])
    runs = report["predict"]["numkeras"]["runs"]
    assert [r.get("rows") for r in runs] == [1024, 2048], runs
    assert runs[1]["output_bytes"] == 2048 * 784 * 4
    assert runs[1]["output_dtype"] == "float32"
    loop = report["train_loop"]["numkeras"]
    assert "error" not in loop, loop
    assert len(loop["samples"]) == 10 and loop["steps"] == 20
    assert report["predict"]["numkeras"]["rss_growth_ratio"] is not None
    assert "growth between the two N" in memory.format_memory(report)


def test_memory_child_process_protocol():
    # One real child (the cheapest), to check the subprocess wiring end to end.
    from bench.memory import _spawn

    r = _spawn(["--child", "predict", "--impl", "nope", "--rows", "8"])
    assert "Unknown impl 'nope'" in r["error"]


def test_keras_runner_is_lazy_and_optional():
    # Importing the compare modules must not import keras or torch.
    import sys

    import bench.compare_keras  # noqa: F401
    import bench.compare_torch  # noqa: F401

    if importlib.util.find_spec("keras") is None:
        assert "keras" not in sys.modules
    if importlib.util.find_spec("torch") is None:
        assert "torch" not in sys.modules


def test_kernels_ab_pairs_rounds_with_and_without_the_kernels(capsys):
    from bench.kernels_ab import main as kernels_ab
    from numkeras.backend import fused

    if not fused.available():  # no numba, or NUMKERAS_FUSED=0
        pytest.skip("the fused kernels are off: nothing to compare")

    report = kernels_ab(["--w3-rows", "200", "--rounds", "2", "--kernels", "adam,relu_grad"])
    assert report["kernels"] == ["adam", "relu_grad"]
    assert 0 <= report["rounds_won"] <= 2 and report["speedup"] > 0
    assert "faster in" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        kernels_ab(["--kernels", "nope"])


def test_small_models_times_numkeras_with_and_without_its_kernels(capsys):
    from bench.small_models import CASES, main

    results = main(["predict 1 row", "train_on_batch", "--rounds", "1", "--no-keras", "--no-fused"])
    assert set(results) == {"predict 1 row", "train_on_batch 32"} <= set(CASES)
    for times in results.values():
        assert set(times) == {"numkeras", "numkeras, fused off"}
        assert all(len(ts) == 1 and ts[0] > 0 for ts in times.values())
    out = capsys.readouterr().out
    assert "train_on_batch 32" in out and "x)" in out  # the same-round speedup column

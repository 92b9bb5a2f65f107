import io
import json
import sys
from pathlib import Path

import numpy as np
import pytest

import numkeras.utils.progbar as progbar_mod
from numkeras.utils.progbar import Progbar, print_msg

GOLDENS = Path(__file__).resolve().parents[1] / "goldens" / "callbacks.json"


class FakeClock:
    def __init__(self, times):
        self.times, self.i = list(times), 0

    def time(self):
        t = self.times[min(self.i, len(self.times) - 1)]
        self.i += 1
        return t


@pytest.fixture(scope="module")
def cases():
    return json.loads(GOLDENS.read_text())["progbar"]


def _replay(case, monkeypatch, dynamic):
    monkeypatch.setattr(progbar_mod, "time", FakeClock(case["times"]))
    monkeypatch.setattr(progbar_mod, "_dynamic_display_available", lambda: dynamic)
    bar = Progbar(**case["kwargs"])
    for current, values, finalize in case["updates"]:
        bar.update(current, [tuple(v) for v in values] if values else values, finalize)


def test_terminal_output_matches_keras_byte_for_byte(cases, monkeypatch, capsys):
    for case in cases:
        _replay(case, monkeypatch, dynamic=True)
        assert capsys.readouterr().out == case["dynamic"], case["name"]


def test_line_mode_text_matches_keras_lines(cases, monkeypatch, capsys):
    # With no minimum spacing between lines, line mode prints what Keras prints, minus the
    # colour codes and the padding.
    monkeypatch.setattr(Progbar, "line_interval", 0.0)
    for case in cases:
        _replay(case, monkeypatch, dynamic=False)
        lines = capsys.readouterr().out.split("\n")
        assert lines[-1] == ""
        assert lines[:-1] == [line.rstrip() for line in case["lines"]], case["name"]


def test_not_a_terminal_prints_only_the_final_line(monkeypatch, capsys):
    monkeypatch.setattr(progbar_mod, "time", FakeClock([0.0] + [0.5 * i for i in range(1, 11)]))
    bar = Progbar(10)  # capsys's stdout is not a TTY
    for step in range(1, 11):
        bar.update(step, [("loss", 1.0 / step)])
    out = capsys.readouterr().out
    # As in Keras, the finalizing update's values are shown as they are (not averaged).
    assert out == "10/10 ━━━━━━━━━━━━━━━━━━━━ 5s 500ms/step - loss: 0.1000\n"


def test_not_a_terminal_long_run_prints_a_line_every_30s(monkeypatch, capsys):
    times = [0.0] + [10.0 * i for i in range(1, 11)]  # 10 steps of 10 s
    monkeypatch.setattr(progbar_mod, "time", FakeClock(times))
    bar = Progbar(10, stateful_metrics=["loss"])
    for step in range(1, 11):
        bar.update(step, [("loss", 0.5)])
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["3/10", "6/10", "9/10", "10/10"]
    assert lines[0] == " 3/10 ━━━━━━━━━━━━━━━━━━━━ 1:10 10s/step - loss: 0.5000"


def test_terminal_redraws_are_throttled_by_interval(monkeypatch, capsys):
    monkeypatch.setattr(progbar_mod, "_dynamic_display_available", lambda: True)
    times = [1000.0] + [1000.0 + i / 64 for i in range(1, 101)]  # 100 steps, 1/64 s apart
    monkeypatch.setattr(progbar_mod, "time", FakeClock(times))
    bar = Progbar(100, interval=0.05)
    for step in range(1, 101):
        bar.update(step)
    out = capsys.readouterr().out
    # steps 1, 5, 9, ..., 97 (4/64 s >= 50 ms apart), then the final one
    assert out.count("\r") == 26
    assert out.endswith("\n") and out.count("\n") == 1


def test_stateful_and_stateless_metrics(monkeypatch):
    monkeypatch.setattr(progbar_mod, "_dynamic_display_available", lambda: True)

    def shown(**kwargs):
        buf = io.StringIO()
        bar = Progbar(3, interval=0.0, **kwargs)
        bar.update(1, [("value", 0.0)])
        old, sys.stdout = sys.stdout, buf
        try:
            bar.update(2, [("value", 2.0)])
        finally:
            sys.stdout = old
        return buf.getvalue()

    assert "value: 1." in shown()  # averaged by default
    assert "value: 2." in shown(stateless_metrics=["other"])
    assert "value: 2." in shown(stateful_metrics=["value"])
    assert "value: 1." in shown(stateless_metrics=["value"])
    with pytest.raises(ValueError, match="Only one of"):
        Progbar(1, stateful_metrics=[], stateless_metrics=[])


def test_averages_weight_by_steps_and_arrays_use_mean(monkeypatch, capsys):
    monkeypatch.setattr(Progbar, "line_interval", 0.0)
    bar = Progbar(10, interval=0.0)
    bar.update(2, [("loss", 1.0), ("vec", np.array([1.0, 3.0]))])
    bar.update(6, [("loss", 4.0), ("vec", np.array([5.0, 5.0]))])
    last = capsys.readouterr().out.splitlines()[-1]
    # loss: (1*2 + 4*4) / 6 = 3; vec: mean of (2*[1,3] + 4*[5,5]) / 6
    assert "loss: 3.0000" in last and "vec: 4.0000" in last


def test_add_verbose_zero_and_zero_target(capsys):
    bar = Progbar(4, verbose=0)
    bar.add(2, [("loss", 1.0)])
    bar.add(2)
    assert bar._seen_so_far == 4
    Progbar(0, verbose=1).update(0, finalize=True)
    Progbar(0, verbose=2).update(0, finalize=True)
    out = capsys.readouterr().out
    assert out == "      0/Unknown 0s 0s/step\n"


def test_verbose_2_prints_small_negative_values_in_fixed_notation(monkeypatch, capsys):
    # Keras's verbose=2 branch forgets abs() and prints -0.5 as -5.0000e-01.
    bar = Progbar(1, verbose=2, stateful_metrics=["x"])
    bar.update(1, [("x", -0.5)])
    assert capsys.readouterr().out.endswith(" - x: -0.5000\n")


def test_print_msg_falls_back_when_stdout_cannot_encode(monkeypatch):
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii")
    monkeypatch.setattr(sys, "stdout", stream)
    print_msg("3/3 ━━━ done")
    stream.flush()
    assert raw.getvalue() == b"3/3 === done\n"


def test_dynamic_display_detection(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.delenv("PYCHARM_HOSTED", raising=False)
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    monkeypatch.setattr(sys, "stdout", Tty())
    assert Progbar(3)._dynamic_display is True
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    assert Progbar(3)._dynamic_display is False


def test_updates_are_cheap(monkeypatch):
    """Updates between redraws only record values: the bar is formatted at most once per
    `interval` (here: never, as a non-terminal prints only its final line)."""
    buf, old = io.StringIO(), sys.stdout
    sys.stdout = buf
    drawn = []
    monkeypatch.setattr(Progbar, "_print_bar", lambda self, *args: drawn.append(args))
    try:
        bar = Progbar(1_000_000, verbose=1, stateless_metrics=set())  # stdout: not a TTY
        for step in range(1, 20_001):
            bar.update(step, [("accuracy", 0.5), ("loss", 0.25)])
    finally:
        sys.stdout = old
    assert len(drawn) <= 1
    assert buf.getvalue() == ""  # not a terminal and < 30 s: nothing until the final line

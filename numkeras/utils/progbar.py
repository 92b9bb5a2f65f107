"""The Keras 3 progress bar (`Progbar`) and the `print_msg` helper the callbacks print with.

Output matches Keras 3 (`keras/src/utils/progbar.py`) character for character on a terminal:

    32/1875 ━━━━━━━━━━━━━━━━━━━━ 3s 2ms/step - accuracy: 0.8125 - loss: 0.4302

One deliberate difference. Keras decides to redraw the line in place with `\\r` whenever
`"posix" in sys.modules`, i.e. always on Linux and macOS, even when stdout is a file or a CI log.
A redirected Keras run therefore writes a redraw every 0.05 s into the log, with ANSI colour
codes. Here the in-place display is used only when it can work (stdout is a TTY, a Jupyter
kernel, or PyCharm). Anywhere else `verbose=1` writes plain newline-terminated lines without
colour codes: the final line of each bar, and for long runs at most one progress line every
`Progbar.line_interval` seconds (30 s).
"""

from __future__ import annotations

import logging
import math
import os
import sys
import time
from collections.abc import Iterable

import numpy as np

__all__ = ["Progbar", "print_msg"]

_BOLD, _GREEN, _WHITE, _RESET = "\x1b[1m", "\x1b[32m", "\x1b[37m", "\x1b[0m"


def print_msg(message: str, line_break: bool = True) -> None:
    """Write `message` to stdout and flush, as Keras's `io_utils.print_msg` does.

    With interactive logging disabled (`numkeras.config.disable_interactive_logging()`),
    the message goes to the "numkeras" logger at level INFO instead.

    If stdout cannot encode the bar characters (e.g. a cp1252 console), they fall back to
    `=` (Keras 2's bar) and anything else unencodable is dropped, instead of crashing `fit`.

    >>> print_msg("Epoch 1/3")
    Epoch 1/3
    """
    message = str(message)
    from numkeras import config

    if not config.is_interactive_logging_enabled():  # (keras.config.disable_interactive_logging)
        logging.getLogger("numkeras").info(message.strip("\r\n"))
        return
    if line_break:
        message += "\n"
    stream = sys.stdout  # looked up at call time so redirection (and pytest's capsys) works
    try:
        stream.write(message)
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "utf-8"
        message = message.replace("━", "=").encode(encoding, errors="ignore").decode(encoding)
        stream.write(message)
    stream.flush()


def _dynamic_display_available() -> bool:
    """Whether `\\r` redraws will render: a terminal, a Jupyter kernel, or PyCharm's console."""
    isatty = getattr(sys.stdout, "isatty", None)
    try:
        tty = bool(isatty is not None and isatty())
    except ValueError:  # a closed stream
        tty = False
    return tty or "ipykernel" in sys.modules or "PYCHARM_HOSTED" in os.environ


def _format_value(avg: float) -> str:
    # Keras's verbose=2 branch tests `avg > 1e-3` (no abs), so negative values print in
    # scientific notation there; both modes use `abs` here.
    return f" {avg:.4f}" if abs(avg) > 1e-3 else f" {avg:.4e}"


def _format_time(time_per_unit: float, unit_name: str) -> str:
    if time_per_unit >= 1 or time_per_unit == 0:
        return f" {time_per_unit:.0f}s/{unit_name}"
    if time_per_unit >= 1e-3:
        return f" {time_per_unit * 1e3:.0f}ms/{unit_name}"
    return f" {time_per_unit * 1e6:.0f}us/{unit_name}"


def _format_eta(eta: float) -> str:
    if eta > 3600:
        return f"{int(eta // 3600)}:{int(eta % 3600 // 60):02d}:{int(eta % 60):02d}"
    if eta > 60:
        return f"{int(eta // 60)}:{int(eta % 60):02d}"
    return f"{int(eta)}s"


class Progbar:
    """Displays a progress bar (Keras 3's `keras.utils.Progbar`).

    Args:
        target: Total number of steps expected, `None` if unknown.
        width: Progress bar width on screen, in characters.
        verbose: 0 (silent), 1 (a live bar) or 2 (one line when the bar is finalized).
        interval: Minimum seconds between two redraws of the live bar.
        stateful_metrics: Names of metrics shown as-is (not averaged over the steps).
            Every other metric is averaged. Give this or `stateless_metrics`, not both.
        stateless_metrics: Names of metrics averaged over the steps; every other metric is
            shown as-is. `ProgbarLogger` passes `set()`: the fit loop already sends
            running averages, so nothing is averaged twice.
        unit_name: Display name for a step (`"step"` or `"sample"`).

    If neither `stateful_metrics` nor `stateless_metrics` is given, every metric is averaged.
    Updates are cheap: values are accumulated on every call, but the line is formatted and
    printed at most once per `interval` (and on a non-terminal stdout, at most once per
    `line_interval` seconds, plus the final line).

    >>> bar = Progbar(3, verbose=2, stateful_metrics=["loss"])
    >>> for step in range(1, 4):
    ...     bar.update(step, [("loss", 1.0 / step)])  # doctest: +ELLIPSIS
    3/3 - 0s - ...s/step - loss: 0.3333
    """

    #: On a non-terminal stdout, the fewest seconds between two progress lines of one bar.
    line_interval: float = 30.0

    def __init__(
        self,
        target: int | None,
        width: int = 20,
        verbose: int = 1,
        interval: float = 0.05,
        stateful_metrics: Iterable[str] | None = None,
        stateless_metrics: Iterable[str] | None = None,
        unit_name: str = "step",
    ) -> None:
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError(
                "Only one of `stateful_metrics` or `stateless_metrics` can be provided. "
                "`stateful_metrics` names the metrics shown as-is (all others are averaged); "
                "`stateless_metrics` names the metrics averaged (all others are shown as-is)."
            )
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        if stateful_metrics is not None:
            self.stateful_metrics: set[str] | None = set(stateful_metrics)
            self.stateless_metrics: set[str] | None = None
        elif stateless_metrics is not None:
            self.stateful_metrics = None
            self.stateless_metrics = set(stateless_metrics)
        else:
            self.stateful_metrics = set()
            self.stateless_metrics = None

        self._dynamic_display = _dynamic_display_available()
        self._seen_so_far = 0
        # name -> [sum of value*steps (or the value), count]; insertion order = display order
        self._values: dict[str, list] = {}
        self._start = time.time()
        self._last_update = 0.0
        self._last_line = self._start  # non-terminal mode: when the last progress line went out
        self._time_after_first_step: float | None = None
        self._prev_total_width = 0

    def __repr__(self) -> str:
        return (
            f"Progbar(target={self.target}, width={self.width}, verbose={self.verbose}, "
            f"unit_name={self.unit_name!r})"
        )

    def update(
        self,
        current: int,
        values: Iterable[tuple[str, object]] | None = None,
        finalize: bool | None = None,
    ) -> None:
        """Update the bar to step `current` (1-based count of steps done).

        Args:
            current: Index of the current step.
            values: `(name, value_for_last_step)` pairs. Averaged over time unless the
                name is stateful (see the class docstring).
            finalize: Whether this is the last update. Defaults to `current >= target`.
        """
        if finalize is None:
            finalize = False if self.target is None else current >= self.target

        for k, v in values or ():
            self._record(k, v, current, finalize)
        self._seen_so_far = current

        now = time.time()
        time_per_unit = self._estimate_step_duration(current, now)

        if self.verbose == 1:
            if not finalize:
                if now - self._last_update < self.interval:
                    return
                if not self._dynamic_display:
                    if now - self._last_line < self.line_interval:
                        return
                    self._last_line = now
            self._print_bar(current, finalize, now, time_per_unit)
        elif self.verbose == 2:
            if finalize and self.target is not None and self.target > 0:
                numdigits = int(math.log10(self.target)) + 1
                line = f"%{numdigits}d/%d - %.0fs -" % (current, self.target, now - self._start)
                line += _format_time(time_per_unit, self.unit_name) + self._metrics_text()
                print_msg(line + "\n", line_break=False)
        self._last_update = now

    def add(self, n: int, values: Iterable[tuple[str, object]] | None = None) -> None:
        """Advance the bar by `n` steps: `update(seen_so_far + n, values)`."""
        self.update(self._seen_so_far + n, values)

    # -- internals ---------------------------------------------------------------------

    def _record(self, k: str, v, current: int, finalize: bool) -> None:
        if self.stateful_metrics is not None:
            stateless = k not in self.stateful_metrics
        else:
            stateless = k in self.stateless_metrics
        try:
            v = float(v)  # Python floats keep per-step work and display cheap
        except (TypeError, ValueError):
            pass  # an array value: averaged with np.mean at display time, as Keras does
        if stateless and not finalize:
            # Weight by the steps since the last update; at least 1 so that a repeated
            # `current` (e.g. the finalizing call of an unknown-target bar) still counts.
            base = max(current - self._seen_so_far, 1)
            entry = self._values.get(k)
            if entry is None:
                self._values[k] = [v * base, base]
            else:
                entry[0] += v * base
                entry[1] += base
        else:
            # Stateful values, and final values (already epoch averages), are shown as-is.
            self._values[k] = [v, 1]

    def _metrics_text(self) -> str:
        parts = []
        for k, (total, count) in self._values.items():
            if not isinstance(total, float):
                total = float(np.mean(total))
            parts.append(f" - {k}:" + _format_value(total / max(1, count)))
        return "".join(parts)

    def _print_bar(self, current: int, finalize: bool, now: float, time_per_unit: float) -> None:
        color = self._dynamic_display
        if self.target is not None and self.target > 0:
            numdigits = int(math.log10(self.target)) + 1
            count = f"%{numdigits}d/%d" % (current, self.target)
            # Not clamped, as Keras: past the target the bar grows longer than `width`.
            done = int(self.width * current / self.target)
            filled, empty = "━" * done, "━" * (self.width - done)
            plain_bar = f"{count} {filled}{empty}"
            if color:
                bar = f"{_BOLD}{count}{_RESET} "
                if done > 0:
                    bar += f"{_GREEN}{filled}{_RESET}"
                bar += f"{_WHITE}{empty}{_RESET}"
            else:
                bar = plain_bar
        else:
            bar = plain_bar = f"{int(current):7d}/Unknown"

        if self.target is not None and self.target > 0 and not finalize:
            clock = _format_eta(time_per_unit * (self.target - current))
        else:
            clock = f"{now - self._start:.0f}s"  # elapsed time
        info = f" {_BOLD}{clock}{_RESET}" if color else f" {clock}"
        tail = _format_time(time_per_unit, self.unit_name) + self._metrics_text()
        info += tail

        if color:
            total_width = len(plain_bar) + 1 + len(clock) + len(tail)
            # Blank out the rest of a longer previous line, then redraw in place.
            pad = " " * max(self._prev_total_width - total_width, 0)
            message = "\r" + bar + info + pad + ("\n" if finalize else "")
            self._prev_total_width = total_width
        else:
            message = bar + info + "\n"
        print_msg(message, line_break=False)

    def _estimate_step_duration(self, current: int, now: float) -> float:
        """Seconds per step, ignoring the (usually slow, compiling) first step when possible."""
        if not current:
            return 0.0
        if self._time_after_first_step is not None and current > 1:
            time_per_unit = (now - self._time_after_first_step) / (current - 1)
        else:
            time_per_unit = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return time_per_unit

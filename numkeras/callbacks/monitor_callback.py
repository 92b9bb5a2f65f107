"""`MonitorCallback`: shared "is this value an improvement?" logic of EarlyStopping & co."""

from __future__ import annotations

import warnings

import numpy as np

from numkeras.callbacks.callback import Callback
from numkeras.errors import ConfigError, did_you_mean, user_stacklevel

_MODES = ("auto", "min", "max")

# Fallback for mode="auto" when the model's metric objects do not say which way is better
# (Keras 3 raises there). Matched against the monitored name without its "val_" prefix.
_MAX_HINTS = ("acc", "auc", "precision", "recall", "f1_score", "fbeta", "iou", "r2_score")
_MIN_HINTS = ("loss", "error", "crossentropy", "hinge", "divergence", "poisson", "cosh")
_MIN_NAMES = ("mse", "mae", "mape", "msle", "rmse")


def _check_mode(owner: str, mode: str) -> str:
    """`mode`, or "auto" with a warning for an unknown one, as Keras 3 does."""
    if mode in _MODES:
        return mode
    hint = did_you_mean(mode, _MODES)
    warnings.warn(
        f"{owner} mode {mode!r} is unknown, fallback to auto mode (expected one of "
        f"{', '.join(repr(m) for m in _MODES)}).{hint}",
        stacklevel=user_stacklevel(),
    )
    return "auto"


def _iter_metrics(model):
    for m in getattr(model, "metrics", None) or ():
        inner = getattr(m, "metrics", None)
        if isinstance(inner, (list, tuple)):  # compile-time containers of metric objects
            yield from inner
        yield m


def _direction(metric) -> str | None:
    """`"up"`/`"down"`: the metric's `_direction` (each built-in metric's class says; a
    `MeanMetricWrapper` around a loss says "down", as Keras 3's)."""
    direction = getattr(metric, "_direction", None)
    return direction if direction in ("up", "down") else None


class MonitorCallback(Callback):
    """Base class for callbacks that watch one logged quantity (Keras 3's `MonitorCallback`).

    Args:
        monitor: Key of the logs to watch, e.g. `"val_loss"` or `"accuracy"`.
        mode: `"min"`, `"max"`, or `"auto"`: `"loss"`/`"val_loss"` are minimized; other
            names follow the direction of the model's metric of that name (its `_direction`,
            `"up"` or `"down"`). If the model does not say, numkeras (unlike Keras 3, which
            raises) infers it from the name: accuracy/AUC/precision/recall/F-score/IoU/R²
            are maximized; names with loss/error/crossentropy/hinge/divergence, and
            mse/mae/mape/msle/rmse (alone or as a suffix, e.g. a multi-output model's
            `"val_out_mae"`), are minimized. A metric that wraps a loss function is
            minimized, as in Keras.
        baseline: Initial "best" value (`None`: the first value seen).
        min_delta: Smallest change that counts as an improvement (its sign is ignored).

    An unknown `mode` warns and uses `"auto"`, as in Keras 3.

    >>> class Watch(MonitorCallback):
    ...     pass
    >>> w = Watch(monitor="val_loss", min_delta=0.1)
    >>> w._set_monitor_op()
    >>> w._is_improvement(0.85, 1.0), w._is_improvement(0.95, 1.0)
    (True, False)
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        mode: str = "auto",
        baseline: float | None = None,
        min_delta: float = 0,
    ) -> None:
        super().__init__()
        self.monitor = monitor
        self.mode = _check_mode(type(self).__name__, mode)
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None

    def _set_monitor_op(self) -> None:
        # np.less / np.greater: the functions Keras 2 uses (Keras 3's ops.less / ops.greater
        # have the same names), so `cb.monitor_op == np.greater` reads as it does there
        if self.mode == "min":
            self.monitor_op = np.less
        elif self.mode == "max":
            self.monitor_op = np.greater
        else:
            self.monitor_op = self._infer_monitor_op()
        if self.monitor_op is np.less:
            self.min_delta *= -1

    def _infer_monitor_op(self):
        metric_name = self.monitor.removeprefix("val_")
        if metric_name == "loss":
            return np.less
        for m in _iter_metrics(self.model):
            if getattr(m, "name", None) == metric_name:
                direction = _direction(m)
                if direction is not None:
                    return np.greater if direction == "up" else np.less
        lowered = metric_name.lower()
        if any(h in lowered for h in _MAX_HINTS):
            return np.greater
        if (
            any(lowered == n or lowered.endswith("_" + n) for n in _MIN_NAMES)  # "out_mae"
            or any(h in lowered for h in _MIN_HINTS)
        ):
            return np.less
        raise ConfigError(
            f"{type(self).__name__} callback received monitor={self.monitor}, but numkeras "
            "isn't able to automatically determine whether that metric should be maximized "
            "or minimized. Pass `mode='max'` in order to monitor based on the highest metric "
            "value, or pass `mode='min'` in order to use the lowest value."
        )

    def _is_improvement(self, monitor_value, reference_value) -> bool:
        if reference_value is None:
            return True
        if self.monitor_op is None:
            self._set_monitor_op()
        return bool(self.monitor_op(monitor_value - self.min_delta, reference_value))

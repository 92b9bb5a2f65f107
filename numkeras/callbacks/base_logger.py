"""`BaseLogger`: Keras 2's epoch-averaging logger (Keras 3 dropped it; tf_keras keeps it)."""

from __future__ import annotations

from numkeras.callbacks.callback import Callback


class BaseLogger(Callback):
    """Keras 2's `keras.callbacks.BaseLogger`: sums each batch's logged values weighted by
    the batch's `size` entry, and at the epoch's end writes their averages over the
    samples seen into the epoch logs (the names of `params["metrics"]`, Keras 2.0-2.2's
    fit passed them); `stateful_metrics` are logged as they last were.

    Keras 2.0-2.2 added it to every `fit`. numkeras's `fit` (as Keras 2.3+'s and Keras 3's)
    logs running averages with no `size` entry, and its epoch logs already are the epoch
    averages: passed to `fit`, this leaves them as they are (tf_keras 2.21 raises
    KeyError('metrics') there).

    >>> logger = BaseLogger()
    >>> logger.set_params({"metrics": ["loss"]})
    >>> logger.on_epoch_begin(0)
    >>> logger.on_batch_end(0, {"size": 4, "loss": 1.0})
    >>> logger.on_batch_end(1, {"size": 2, "loss": 4.0})
    >>> logs = {}
    >>> logger.on_epoch_end(0, logs)
    >>> logs
    {'loss': 2.0}
    """

    def __init__(self, stateful_metrics=None) -> None:
        super().__init__()
        self.stateful_metrics = set(stateful_metrics or [])
        self.seen = 0
        self.totals: dict = {}

    def on_epoch_begin(self, epoch, logs=None) -> None:
        self.seen = 0
        self.totals = {}

    def on_batch_end(self, batch, logs=None) -> None:
        logs = logs or {}
        batch_size = logs.get("size", 0)
        self.seen += batch_size * logs.get("num_steps", 1)
        for key, value in logs.items():
            if key in self.stateful_metrics:
                self.totals[key] = value
            else:
                self.totals[key] = self.totals.get(key, 0) + value * batch_size

    def on_epoch_end(self, epoch, logs=None) -> None:
        if logs is None:
            return
        for key in (self.params or {}).get("metrics", list(logs)):
            if key not in self.totals:
                continue
            if key in self.stateful_metrics:
                logs[key] = self.totals[key]
            elif self.seen:  # (no batch gave a `size`: the logs are already averages)
                logs[key] = self.totals[key] / self.seen

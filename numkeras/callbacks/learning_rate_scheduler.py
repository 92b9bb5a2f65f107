"""`LearningRateScheduler`: set the learning rate from a function of the epoch."""

from __future__ import annotations

import inspect
from collections.abc import Callable

import numpy as np

from numkeras.callbacks.callback import Callback
from numkeras.utils.progbar import print_msg


def _takes_two_args(fn) -> bool | None:
    """Whether `fn(epoch, lr)` is a valid call; `None` if the signature can't be read."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    try:
        sig.bind(0, 0.0)
        return True
    except TypeError:
        return False


class LearningRateScheduler(Callback):
    """Learning rate scheduler (Keras 3 semantics).

    At the beginning of every epoch, calls `schedule(epoch, lr)` (epoch 0-based, `lr` the
    current rate as a float) and sets the optimizer's `learning_rate` to the result. A
    one-argument `schedule(epoch)` (the old API) also works. At the end of each epoch the
    rate is added to the logs as `"learning_rate"`.

    Args:
        schedule: Function `(epoch, lr) -> new lr` (a float).
        verbose: 0 (quiet) or 1 (print each update).

    Keras picks the one-argument form by catching `TypeError` from the two-argument call,
    which also swallows a `TypeError` raised *inside* the schedule; here the signature
    decides. Keras accepts only Python/NumPy floats; here any real number (e.g. an `int`)
    is accepted and stored as a float.

    >>> from types import SimpleNamespace
    >>> model = SimpleNamespace(optimizer=SimpleNamespace(learning_rate=0.1))
    >>> cb = LearningRateScheduler(lambda epoch, lr: lr if epoch < 1 else lr / 2)
    >>> cb.set_model(model)
    >>> for epoch in range(3):
    ...     cb.on_epoch_begin(epoch)
    >>> model.optimizer.learning_rate
    0.025
    """

    def __init__(self, schedule: Callable, verbose: int = 0) -> None:
        super().__init__()
        if not callable(schedule):
            raise TypeError(
                "LearningRateScheduler expects a callable `schedule(epoch, lr)`; "
                f"received {type(schedule).__name__}: {schedule!r}."
            )
        self.schedule = schedule
        self.verbose = verbose

    def __repr__(self) -> str:
        return f"LearningRateScheduler(schedule={self.schedule!r}, verbose={self.verbose})"

    def _update_optimizer_lr(self, optimizer, epoch: int):
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        two_args = _takes_two_args(self.schedule)
        if two_args is None:  # unreadable signature (a builtin): Keras's way
            try:
                lr = self.schedule(epoch, float(optimizer.learning_rate))
            except TypeError:
                lr = self.schedule(epoch)
        elif two_args:
            lr = self.schedule(epoch, float(optimizer.learning_rate))
        else:
            lr = self.schedule(epoch)
        if isinstance(lr, np.ndarray) and lr.ndim == 0:
            lr = lr[()]
        if isinstance(lr, bool) or not isinstance(lr, (int, float, np.integer, np.floating)):
            raise ValueError(f"The output of the `schedule` function should be a float. Got: {lr}")
        optimizer.learning_rate = float(lr)
        return lr  # the schedule's own value, for the message (as Keras prints it)

    def _optimizers(self):
        optimizer = self.model.optimizer
        inner = getattr(optimizer, "optimizers", None)
        return [(opt, opt.name) for opt in inner] if inner is not None else [(optimizer, "")]

    def on_epoch_begin(self, epoch, logs=None):
        for opt, name in self._optimizers():
            lr = self._update_optimizer_lr(opt, epoch)
            if self.verbose > 0:
                which = f"{name} learning rate" if name else "learning rate"
                print_msg(f"\nEpoch {epoch + 1}: LearningRateScheduler setting {which} to {lr}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        for opt, name in self._optimizers():
            key = f"learning_rate_{name}" if name else "learning_rate"
            logs[key] = float(opt.learning_rate)

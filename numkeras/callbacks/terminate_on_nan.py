"""`TerminateOnNaN`: stop training as soon as the loss becomes NaN or infinite."""

from __future__ import annotations

import math

import numpy as np

from numkeras.callbacks.callback import Callback
from numkeras.utils.progbar import print_msg


class TerminateOnNaN(Callback):
    """Terminate training when a NaN or Inf loss is encountered (Keras 3 semantics).

    Checks `logs["loss"]` after every training batch. By default it prints
    `Batch {batch}: Invalid loss, terminating training` and sets `model.stop_training`,
    so `fit` ends cleanly (every callback's `on_train_end` still runs).

    Args:
        raise_error: Instead raise `RuntimeError` at once, skipping the other callbacks'
            `on_train_end` (e.g. to keep a backup from being overwritten).

    >>> from types import SimpleNamespace
    >>> cb = TerminateOnNaN(); cb.set_model(SimpleNamespace(stop_training=False))
    >>> cb.on_train_batch_end(7, {"loss": float("nan")})
    Batch 7: Invalid loss, terminating training
    >>> cb.model.stop_training
    True
    """

    def __init__(self, raise_error: bool = False) -> None:
        super().__init__()
        self.raise_error = raise_error

    def __repr__(self) -> str:
        return f"TerminateOnNaN(raise_error={self.raise_error})"

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        try:
            finite = math.isfinite(float(loss))
        except (TypeError, ValueError):
            finite = bool(np.all(np.isfinite(loss)))
        if finite:
            return
        if self.raise_error:
            raise RuntimeError(
                f"NaN or Inf loss encountered at batch {batch}. "
                f"Loss value: {loss}. Terminating training immediately."
            )
        print_msg(f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True

"""`History`: records each epoch's logs; `fit` returns it."""

from __future__ import annotations

from numkeras.callbacks.callback import Callback


class History(Callback):
    """Records the epoch-end logs of `fit` (Keras 3's `keras.callbacks.History`).

    `fit` adds one automatically and returns it; it is also set as `model.history`.

    Attributes:
        history: Dict mapping each log key (`"loss"`, `"val_loss"`, ...) to a list with one
            value per epoch.
        epoch: List of the epoch indices recorded (0-based).
        params: The training parameters (`verbose`, `epochs`, `steps`).

    >>> h = History()
    >>> h.on_train_begin()
    >>> h.on_epoch_end(0, {"loss": 0.5}); h.on_epoch_end(1, {"loss": 0.25})
    >>> h.history, h.epoch
    ({'loss': [0.5, 0.25]}, [0, 1])
    """

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list] = {}
        self.epoch: list[int] = []

    def __repr__(self) -> str:
        return f"<History epochs={len(self.epoch)} keys={list(self.history)}>"

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for k, v in (logs or {}).items():
            self.history.setdefault(k, []).append(v)
        # Keep `model.history` pointing at the latest state.
        if self.model is not None:
            self.model.history = self

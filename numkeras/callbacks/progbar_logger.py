"""`ProgbarLogger`: the "Epoch k/N" lines and progress bars that `fit(verbose=1|2)` prints."""

from __future__ import annotations

from numkeras.callbacks.callback import Callback
from numkeras.utils.progbar import Progbar, print_msg


class ProgbarLogger(Callback):
    """Prints metrics to stdout with a `Progbar` (Keras 3's `keras.callbacks.ProgbarLogger`).

    `fit`, `evaluate` and `predict` add one when `verbose != 0`. It reads `verbose`,
    `epochs` and `steps` from the params. In `fit`, it prints `Epoch k/N` before each epoch
    (when `epochs > 1`), a bar over the training batches, and a final line with the epoch
    logs (validation metrics included); validation itself shows no bar. The logged values
    are running averages already, so the bar shows them as they are (nothing is stateless).

    Keras 2's arguments are accepted for old scripts (Keras 3 takes none): `count_mode`
    (`"steps"` or `"samples"`; the bar counts steps either way) and `stateful_metrics`
    (every value is shown as-is already).

    >>> logger = ProgbarLogger()
    >>> logger.set_params({"verbose": 2, "epochs": 2, "steps": 4})
    >>> logger.on_train_begin()
    >>> logger.on_epoch_begin(0)
    Epoch 1/2
    >>> for batch in range(4):
    ...     logger.on_train_batch_end(batch, {"loss": 1.0})
    >>> logger.on_epoch_end(0, {"loss": 0.5})  # doctest: +ELLIPSIS
    4/4 - 0s - ...s/step - loss: 0.5000
    """

    def __init__(self, count_mode: str | None = None, stateful_metrics=None) -> None:
        super().__init__()
        if count_mode not in (None, "steps", "samples"):
            raise ValueError(
                f'Unknown `count_mode`: {count_mode}. Expected values are ["samples", "steps"]'
            )
        self.seen = 0
        self.progbar: Progbar | None = None
        self.target: int | None = None
        self.verbose = 1
        self.epochs = 1
        self._called_in_fit = False

    def __repr__(self) -> str:
        return f"<ProgbarLogger verbose={self.verbose} epochs={self.epochs} steps={self.target}>"

    def set_params(self, params):
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else verbose
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    def on_train_begin(self, logs=None):
        # Inside `fit`, validation is silent.
        self._called_in_fit = True

    def on_train_end(self, logs=None):
        # Keras never resets this, which silences a reused logger's later `evaluate` bars.
        self._called_in_fit = False

    def on_test_begin(self, logs=None):
        if not self._called_in_fit:
            self._reset_progbar()
            self._maybe_init_progbar()

    def on_predict_begin(self, logs=None):
        self._reset_progbar()
        self._maybe_init_progbar()

    def on_epoch_begin(self, epoch, logs=None):
        self._reset_progbar()
        self._maybe_init_progbar()
        if self.verbose and self.epochs > 1:
            print_msg(f"Epoch {epoch + 1}/{self.epochs}")

    def on_train_batch_end(self, batch, logs=None):
        self._update_progbar(batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        if not self._called_in_fit:
            self._update_progbar(batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._update_progbar(batch, None)  # never show prediction results

    def on_epoch_end(self, epoch, logs=None):
        self._finalize_progbar(logs)

    def on_test_end(self, logs=None):
        if not self._called_in_fit:
            self._finalize_progbar(logs)

    def on_predict_end(self, logs=None):
        self._finalize_progbar(logs)

    def _reset_progbar(self) -> None:
        self.seen = 0
        self.progbar = None

    def _maybe_init_progbar(self) -> None:
        if self.progbar is None:
            self.progbar = Progbar(
                target=self.target,
                verbose=self.verbose,
                unit_name="step",
                stateless_metrics=set(),
            )

    def _update_progbar(self, batch, logs=None) -> None:
        self._maybe_init_progbar()
        self.seen = batch + 1  # one-based
        if self.verbose == 1:
            self.progbar.update(self.seen, list((logs or {}).items()), finalize=False)

    def _finalize_progbar(self, logs) -> None:
        self._maybe_init_progbar()
        if self.target is None:
            self.target = self.seen
            self.progbar.target = self.target
        self.progbar.update(self.target, list((logs or {}).items()), finalize=True)

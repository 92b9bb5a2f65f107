"""`Callback`: the base class of everything `fit`, `evaluate` and `predict` call back into."""

from __future__ import annotations

from typing import Any


def default(method):
    """Mark a base-class hook as a no-op, so `CallbackList` can skip it when not overridden."""
    method._is_default = True
    return method


def is_default(method) -> bool:
    """Whether `method` is a base-class hook that a subclass did not override."""
    return getattr(method, "_is_default", False)


class Callback:
    """Base class of callbacks (Keras 3's `keras.callbacks.Callback`).

    Subclass it and override the hooks you need. `fit` calls the `on_train_*` and
    `on_epoch_*` hooks (and `on_test_*` during validation), `evaluate` the `on_test_*`
    hooks and `predict` the `on_predict_*` hooks. Batch hooks that are not overridden
    cost nothing: `CallbackList` leaves them out of the per-batch loop.

    Attributes:
        params: Dict of training parameters: `verbose`, `epochs`, `steps`.
        model: The model being trained (set by `fit` through `set_model`).
        validation_data: Always `None`, as in tf.keras 2 (Keras 3 dropped the attribute);
            kept so that Keras 2 callbacks testing `if self.validation_data:` still run.

    >>> class Recorder(Callback):
    ...     def on_epoch_end(self, epoch, logs=None):
    ...         print(f"epoch {epoch}: loss={logs['loss']:.2f}")
    >>> Recorder().on_epoch_end(0, {"loss": 0.5})
    epoch 0: loss=0.50
    """

    validation_data = None  # (class attribute: also there when __init__ is not called)

    def __init__(self) -> None:
        self.params: dict[str, Any] | None = None
        self._model = None

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    def set_params(self, params: dict[str, Any]) -> None:
        self.params = params

    def set_model(self, model) -> None:
        self._model = model

    @property
    def model(self):
        return self._model

    @model.setter
    def model(self, model) -> None:
        # Keras 3 makes `model` read-only; Keras 2 code assigns it, so accept that too.
        self.set_model(model)

    @default
    def on_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """A backwards compatibility alias for `on_train_batch_begin`."""

    @default
    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """A backwards compatibility alias for `on_train_batch_end`."""

    @default
    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        """Called at the start of an epoch (0-based `epoch`), during `fit` only."""

    @default
    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """Called at the end of an epoch with the epoch's metrics (`val_`-prefixed too)."""

    @default
    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called at the beginning of a training batch in `fit`."""
        self.on_batch_begin(batch, logs=logs)  # backwards compatibility

    @default
    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called at the end of a training batch in `fit`, with the running metrics."""
        self.on_batch_end(batch, logs=logs)  # backwards compatibility

    @default
    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called at the beginning of a batch in `evaluate` (and in `fit`'s validation)."""

    @default
    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called at the end of a batch in `evaluate` (and in `fit`'s validation)."""

    @default
    def on_predict_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called at the beginning of a batch in `predict`."""

    @default
    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called at the end of a batch in `predict`."""

    @default
    def on_train_begin(self, logs: dict | None = None) -> None:
        """Called at the beginning of training."""

    @default
    def on_train_end(self, logs: dict | None = None) -> None:
        """Called at the end of training, with the last epoch's logs."""

    @default
    def on_test_begin(self, logs: dict | None = None) -> None:
        """Called at the beginning of evaluation or validation."""

    @default
    def on_test_end(self, logs: dict | None = None) -> None:
        """Called at the end of evaluation or validation, with the final metrics."""

    @default
    def on_predict_begin(self, logs: dict | None = None) -> None:
        """Called at the beginning of prediction."""

    @default
    def on_predict_end(self, logs: dict | None = None) -> None:
        """Called at the end of prediction."""

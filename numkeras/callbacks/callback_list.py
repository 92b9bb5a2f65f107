"""`CallbackList`: calls a list of callbacks as one, the way `fit`/`evaluate`/`predict` do."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from numkeras.callbacks.callback import Callback, is_default
from numkeras.callbacks.history import History
from numkeras.callbacks.progbar_logger import ProgbarLogger

# For each batch hook: the names whose override means a callback must be called for it
# (the base `on_train_batch_*` forwards to the legacy `on_batch_*` aliases).
_BATCH_HOOKS = {
    "on_batch_begin": ("on_batch_begin",),
    "on_batch_end": ("on_batch_end",),
    "on_train_batch_begin": ("on_train_batch_begin", "on_batch_begin"),
    "on_train_batch_end": ("on_train_batch_end", "on_batch_end"),
    "on_test_batch_begin": ("on_test_batch_begin",),
    "on_test_batch_end": ("on_test_batch_end",),
    "on_predict_batch_begin": ("on_predict_batch_begin",),
    "on_predict_batch_end": ("on_predict_batch_end",),
}


def pythonify_logs(logs: dict | None) -> dict[str, Any]:
    """A new logs dict, sorted by key, nested dicts flattened, scalars turned into `float`.

    Keras does the same before every hook, which is why metrics print in alphabetical order.

    >>> import numpy as np
    >>> pythonify_logs({"loss": np.float32(0.5), "accuracy": 1})
    {'accuracy': 1.0, 'loss': 0.5}
    """
    result: dict[str, Any] = {}
    for key, value in sorted((logs or {}).items()):
        if isinstance(value, dict):
            result.update(pythonify_logs(value))
            continue
        if getattr(value, "ndim", 0) == 0:  # arrays with ndim > 0 are kept as they are
            try:
                value = float(value)
            except (TypeError, ValueError):
                pass
        result[key] = value
    return result


def _flatten(callbacks) -> list:
    if callbacks is None:
        return []
    if isinstance(callbacks, (list, tuple)):
        out = []
        for c in callbacks:
            out.extend(_flatten(c))
        return out
    if isinstance(callbacks, dict):  # (Keras flattens any structure: a dict's values by key)
        return _flatten([callbacks[k] for k in sorted(callbacks)])
    return [callbacks]


class CallbackList(Callback):
    """Container that calls every callback in a list, in order (Keras 3's `CallbackList`).

    Args:
        callbacks: `Callback` instances (nested lists are flattened).
        add_history: Append a `History` callback unless the list already has one.
        add_progbar: Append a `ProgbarLogger` unless the list already has one.
        model: The model the callbacks act on; passed to each with `set_model`.
        **params: If given, passed to each callback with `set_params`
            (`fit` passes `verbose`, `epochs` and `steps`).

    Each hook call hands every callback the same new logs dict, made by `pythonify_logs`
    (so a callback may add keys for those after it, as `ReduceLROnPlateau` adds
    `learning_rate`). Batch hooks only visit callbacks that override them, and skip the
    logs conversion entirely when none does, so a fit loop can call them every batch.
    Unlike Keras, batch hooks never run on a background thread (NumPy work holds the GIL,
    so a thread pool would only add overhead).

    >>> from numkeras.callbacks import LambdaCallback
    >>> cbs = CallbackList([LambdaCallback(on_epoch_end=lambda e, logs: print(e, logs))],
    ...                    add_history=True, epochs=1, steps=1, verbose=0)
    >>> cbs.on_train_begin()
    >>> cbs.on_epoch_end(0, {"loss": 0.25})
    0 {'loss': 0.25}
    >>> cbs.on_train_end()
    """

    def __init__(
        self,
        callbacks: Iterable[Callback] | Callback | None = None,
        add_history: bool = False,
        add_progbar: bool = False,
        model=None,
        **params: Any,
    ) -> None:
        super().__init__()
        check_callbacks(callbacks)
        self.callbacks: list[Callback] = _flatten(callbacks)
        self._in_begin_end_block_count = 0
        self._dispatch: dict[str, list] | None = None
        self._add_default_callbacks(add_history, add_progbar)
        self.set_model(model)
        self.set_params(params)

    def __repr__(self) -> str:
        return f"CallbackList({self.callbacks!r})"

    def append(self, callback: Callback) -> None:
        """Add a callback at the end (it gets this list's model and params)."""
        _check_callback(callback, len(self.callbacks))
        self.callbacks.append(callback)
        if self._model is not None:
            callback.set_model(self._model)
        if self.params:
            callback.set_params(self.params)
        self._dispatch = None

    def _add_default_callbacks(self, add_history: bool, add_progbar: bool) -> None:
        self._progbar = None
        self._history = None
        for cb in self.callbacks:
            if isinstance(cb, ProgbarLogger):
                self._progbar = cb
            elif isinstance(cb, History):
                self._history = cb
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if self._progbar is None and add_progbar:
            self._progbar = ProgbarLogger()
            self.callbacks.append(self._progbar)

    def set_params(self, params: dict[str, Any]) -> None:
        self.params = params
        if params:
            for callback in self.callbacks:
                callback.set_params(params)

    def set_model(self, model) -> None:
        if model is None:
            return
        super().set_model(model)
        if self._history is not None:
            model.history = self._history
        for callback in self.callbacks:
            callback.set_model(model)

    # -- dispatch ------------------------------------------------------------------------

    def _rebuild_dispatch(self) -> dict[str, list]:
        self._dispatch = {
            hook: [
                getattr(cb, hook)
                for cb in self.callbacks
                if not all(is_default(getattr(cb, name)) for name in names)
            ]
            for hook, names in _BATCH_HOOKS.items()
        }
        return self._dispatch

    def watches_test_batches(self) -> bool:
        """Whether a callback other than the progress bar and History acts on each
        evaluation batch (`on_test_batch_begin` / `_end`): one that might change the model
        between batches, so evaluation must run them one at a time."""
        return any(
            not isinstance(cb, (ProgbarLogger, History))
            and not (is_default(cb.on_test_batch_begin) and is_default(cb.on_test_batch_end))
            for cb in self.callbacks
        )

    def _batch_hook(self, hook: str, batch: int, logs) -> None:
        dispatch = self._dispatch if self._dispatch is not None else self._rebuild_dispatch()
        methods = dispatch[hook]
        if methods:
            logs = pythonify_logs(logs)
            for method in methods:
                method(batch, logs=logs)

    def _on_begin(self) -> None:
        self._in_begin_end_block_count += 1
        self._rebuild_dispatch()  # picks up callbacks added to `self.callbacks` directly

    def _on_end(self) -> None:
        self._in_begin_end_block_count -= 1
        if self._in_begin_end_block_count < 0:
            raise ValueError("`on_xxx_end` called without corresponding `on_xxx_begin`")

    def _each(self, hook: str, *args, logs=None) -> None:
        logs = pythonify_logs(logs)
        for callback in self.callbacks:
            getattr(callback, hook)(*args, logs)

    def on_batch_begin(self, batch, logs=None):
        self._batch_hook("on_batch_begin", batch, logs)

    def on_batch_end(self, batch, logs=None):
        self._batch_hook("on_batch_end", batch, logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._batch_hook("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self._batch_hook("on_train_batch_end", batch, logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._batch_hook("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        self._batch_hook("on_test_batch_end", batch, logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._batch_hook("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._batch_hook("on_predict_batch_end", batch, logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._each("on_epoch_begin", epoch, logs=logs)

    def on_epoch_end(self, epoch, logs=None):
        self._each("on_epoch_end", epoch, logs=logs)

    def on_train_begin(self, logs=None):
        self._on_begin()
        self._each("on_train_begin", logs=logs)

    def on_train_end(self, logs=None):
        self._each("on_train_end", logs=logs)
        self._on_end()

    def on_test_begin(self, logs=None):
        self._on_begin()
        self._each("on_test_begin", logs=logs)

    def on_test_end(self, logs=None):
        self._each("on_test_end", logs=logs)
        self._on_end()

    def on_predict_begin(self, logs=None):
        self._on_begin()
        self._each("on_predict_begin", logs=logs)

    def on_predict_end(self, logs=None):
        self._each("on_predict_end", logs=logs)
        self._on_end()


# What a callback must have: duck-typed objects with all of it work, as in Keras (e.g. a
# callback subclassing another library's `Callback` class).
_REQUIRED = ("set_model", "set_params") + tuple(
    name for name in vars(Callback) if name.startswith("on_")
)


def check_callbacks(callbacks) -> None:
    """Each of fit / evaluate / predict's `callbacks` is a callback (duck-typed), else a
    TypeError, as Keras raises, that says what arrived; checked before any work, so that
    a refused call leaves a model without an Input unbuilt."""
    for i, cb in enumerate(_flatten(callbacks)):
        _check_callback(cb, i)


def _check_callback(cb, index: int) -> None:
    if isinstance(cb, Callback):
        return
    if isinstance(cb, type):  # (its methods are callable too, but unbound)
        raise TypeError(
            f"Expected `keras.callbacks.Callback` instances in `callbacks`; item {index} is "
            f"the class {cb.__name__}, not an instance. Pass {cb.__name__}(...) instead."
        )
    missing = [name for name in _REQUIRED if not callable(getattr(cb, name, None))]
    if missing:
        raise TypeError(
            f"Expected `keras.callbacks.Callback` instances in `callbacks`; item {index} is a "
            f"{type(cb).__name__} ({cb!r}) without {', '.join(missing[:3])}"
            f"{', ...' if len(missing) > 3 else ''}. Subclass `numkeras.callbacks.Callback`, "
            "or wrap functions in `numkeras.callbacks.LambdaCallback`."
        )

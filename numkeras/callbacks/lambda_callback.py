"""`LambdaCallback`: a callback built from plain functions."""

from __future__ import annotations

from collections.abc import Callable

from numkeras.callbacks.callback import Callback
from numkeras.errors import ConfigError, did_you_mean

_HOOKS = tuple(sorted(name for name in vars(Callback) if name.startswith("on_")))


class LambdaCallback(Callback):
    """Build a simple custom callback from functions (Keras 3's `LambdaCallback`).

    The functions are called with the hook's arguments positionally, except `logs`, which
    batch hooks receive as a keyword:

    - `on_epoch_begin`/`on_epoch_end`: `(epoch, logs)`
    - `on_train_begin`/`on_train_end`: `(logs)`
    - `on_train_batch_begin`/`on_train_batch_end`: `(batch, logs=...)`
    - any other `Callback` hook by name through `**kwargs`, e.g. `on_test_end=fn`.

    Keras stores unknown keyword arguments silently (so a misspelt hook never runs); here
    they raise `ConfigError` naming the closest hook.

    >>> cb = LambdaCallback(on_epoch_end=lambda epoch, logs: print(epoch, logs["loss"]))
    >>> cb.on_epoch_end(3, {"loss": 0.1})
    3 0.1
    """

    def __init__(
        self,
        on_epoch_begin: Callable | None = None,
        on_epoch_end: Callable | None = None,
        on_train_begin: Callable | None = None,
        on_train_end: Callable | None = None,
        on_train_batch_begin: Callable | None = None,
        on_train_batch_end: Callable | None = None,
        **kwargs: Callable,
    ) -> None:
        super().__init__()
        for name in kwargs:
            if name not in _HOOKS:
                hint = did_you_mean(name, _HOOKS)
                raise ConfigError(
                    f"LambdaCallback got an unknown hook {name!r}.{hint} "
                    f"Valid hooks: {', '.join(_HOOKS)}."
                )
        self.__dict__.update(kwargs)
        given = {
            "on_epoch_begin": on_epoch_begin,
            "on_epoch_end": on_epoch_end,
            "on_train_begin": on_train_begin,
            "on_train_end": on_train_end,
            "on_train_batch_begin": on_train_batch_begin,
            "on_train_batch_end": on_train_batch_end,
        }
        for name, fn in given.items():
            if fn is not None:
                setattr(self, name, fn)  # an instance attribute shadows the default hook

    def __repr__(self) -> str:
        hooks = [name for name in _HOOKS if name in self.__dict__]
        return f"LambdaCallback({', '.join(hooks)})"

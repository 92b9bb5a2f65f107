"""Small argument checks shared by constructors and training arguments."""

from __future__ import annotations

import numbers


def is_int(value) -> bool:
    """An integer, NumPy integers included, but not a bool.

    >>> import numpy as np
    >>> is_int(3), is_int(np.int64(3)), is_int(True), is_int(3.0)
    (True, True, False, False)
    """
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def named_positionals(owner: str, names: tuple[str, ...], args: tuple, kwargs: dict) -> dict:
    """`kwargs` with the positional `args` named as Keras's signature orders them (`names`):
    `LSTM(32, "relu")` is `LSTM(32, activation="relu")`.

    >>> named_positionals("LSTM", ("activation", "use_bias"), ("relu",), {"dropout": 0.1})
    {'dropout': 0.1, 'activation': 'relu'}
    """
    if len(args) > len(names):
        raise TypeError(
            f"{owner}() takes at most {len(names)} more positional argument(s) "
            f"({', '.join(names)}), received {len(args)}."
        )
    named = dict(zip(names, args))
    twice = [k for k in named if k in kwargs]
    if twice:
        raise TypeError(f"{owner}() got multiple values for argument '{twice[0]}'")
    return {**kwargs, **named}

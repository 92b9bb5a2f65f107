"""Names, as Keras makes them: `to_snake_case`, `auto_name` (one counter per name, shared by
layers, models, losses, metrics and optimizers, as Keras's `object_name_uid`), and the
"unknown name" message every registry uses."""

from __future__ import annotations

import collections
import contextlib
import difflib
import inspect
import re

_uids: collections.defaultdict[str, int] = collections.defaultdict(int)
# While a user's call is traced: the operations' own counters (see `traced_operations`)
_operation_uids: list[collections.defaultdict[str, int]] = []


def to_snake_case(name: str) -> str:
    """`'BinaryCrossentropy'` -> `'binary_crossentropy'`, as Keras spells default names."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def auto_name(class_name: str) -> str:
    """A unique snake_case name: `dense`, then `dense_1`, ... (Keras's `auto_name`).

    >>> reset_uids(); auto_name("LeakyReLU"), auto_name("leaky_re_lu")
    ('leaky_re_lu', 'leaky_re_lu_1')
    """
    prefix = to_snake_case(class_name)
    count = _uids[prefix]
    _uids[prefix] += 1
    return prefix if count == 0 else f"{prefix}_{count}"


def operation_name(class_name: str) -> str:
    """An operation's automatic name: `auto_name`'s, except while a user's call is traced
    (`traced_operations`), where the operations it records count on their own, as Keras's
    symbolic run of a call makes none (`ops.add` there leaves the next `Add()` its 'add').

    >>> reset_uids()
    >>> with traced_operations():
    ...     inner = operation_name("Add")
    >>> inner, auto_name("Add")
    ('add', 'add')
    """
    if not _operation_uids:
        return auto_name(class_name)
    uids = _operation_uids[-1]
    prefix = to_snake_case(class_name)
    count = uids[prefix]
    uids[prefix] += 1
    return prefix if count == 0 else f"{prefix}_{count}"


@contextlib.contextmanager
def traced_operations():
    """Name the operations made inside on counters of their own, starting from the global
    ones (so they stay unique beside the layers already named), which they leave as they
    were."""
    _operation_uids.append(collections.defaultdict(int, _uids))
    try:
        yield
    finally:
        _operation_uids.pop()


def get_uid(prefix: str = "") -> int:
    """Keras's `backend.get_uid`: 1, 2, ... per prefix, on the counter automatic names use.

    >>> reset_uids(); get_uid("dense"), get_uid("dense"), auto_name("Dense")
    (1, 2, 'dense_2')
    """
    _uids[prefix] += 1
    return _uids[prefix]


def reset_uids() -> None:
    """Restart the name counters (what `clear_session` does in Keras)."""
    _uids.clear()


def unknown_name_message(kind: str, identifier: str, valid, keras_only=()) -> str:
    """'Unknown loss: 'mse2'. Did you mean 'mse'? Valid names: ...'.

    The closest match is searched among all `valid` names; the listing shows the snake_case
    ones (class names such as 'MeanSquaredError' also work and are mentioned once). A name
    in `keras_only` (snake_case names of what Keras has and numkeras lacks) is said to be
    that, rather than guessed at as a typo.

    >>> unknown_name_message("loss", "CTC", ["mse"], keras_only=("ctc",))
    "Loss 'CTC' exists in Keras but is not implemented in numkeras. Valid names: mse."
    """
    valid = sorted(set(valid), key=str.lower)
    listed = [v for v in valid if v == v.lower()] or valid
    if to_snake_case(identifier) in keras_only or identifier.lower() in keras_only:
        return (
            f"{kind[:1].upper()}{kind[1:]} {identifier!r} exists in Keras but is not "
            f"implemented in numkeras. Valid names: {', '.join(listed)}."
        )
    close = difflib.get_close_matches(identifier, valid, n=1, cutoff=0.6)
    if not close:  # case-insensitive second chance ('Mse' -> 'mse')
        lowered = {v.lower(): v for v in valid}
        close = [lowered[m] for m in difflib.get_close_matches(identifier.lower(), lowered, n=1)]
    hint = f" Did you mean {close[0]!r}?" if close else ""
    classes = [v for v in valid if v[:1].isupper() and not v.isupper()]
    also = f" (or a class name such as {classes[0]!r})" if classes and listed is not valid else ""
    return f"Unknown {kind}: {identifier!r}.{hint} Valid names: {', '.join(listed)}{also}."


def config_repr(obj) -> str:
    """`ClassName(arg=value, ...)` from `get_config()`, omitting arguments left at their default."""
    from numkeras import backend

    params = inspect.signature(type(obj).__init__).parameters
    shown = []
    for key, value in obj.get_config().items():
        if key == "dtype" and value == backend.floatx():
            continue
        param = params.get(key)
        if param is None or param.default is inspect.Parameter.empty or param.default != value:
            shown.append(f"{key}={value!r}")
    return f"{type(obj).__name__}({', '.join(shown)})"

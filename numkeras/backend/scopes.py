"""Keras 3's `keras.name_scope` and `keras.device`.

A name scope puts its name in front of the path of each variable created inside it (a
layer's weights too, when the layer builds inside: `'encoder/dense/kernel'`); scopes nest.
numkeras runs on one device, chosen at import (NumPy, or CuPy with
`NUMKERAS_ARRAY_MODULE=cupy`): `device` checks that the one asked for is that one.

>>> import numkeras
>>> with numkeras.name_scope("encoder"):
...     with numkeras.name_scope("block"):
...         v = numkeras.Variable(1.0, name="w")
>>> v.path
'encoder/block/w'
>>> with numkeras.device("cpu:0"):
...     pass
"""

from __future__ import annotations

import contextlib
import re

from numkeras import backend
from numkeras.errors import ConfigError, DeviceError

_stack: list[name_scope] = []


class name_scope:
    """Keras 3's `keras.name_scope(name)`: the variables created inside get `name` (after
    the enclosing scopes' names) in front of their path.

    `caller`: the object opening the scope; with `deduplicate` (the default) a scope the
    same caller opens again, directly inside its own, adds nothing. `override_parent`:
    the path to use in place of the enclosing scopes' names.
    """

    def __init__(
        self,
        name: str,
        caller=None,
        deduplicate: bool = True,
        override_parent: str | None = None,
    ):
        if not isinstance(name, str) or "/" in name:
            raise ConfigError(
                "Argument `name` must be a string and cannot contain character `/`. "
                f"Received: name={name!r}"
            )
        self.name = name
        self.caller = caller
        self.deduplicate = deduplicate
        self.override_parent = override_parent
        self._pushed = False

    def __enter__(self) -> name_scope:
        if self.deduplicate and _stack:
            top = _stack[-1]
            if self.caller is not None and self.caller is top.caller and self.name == top.name:
                return self
        _stack.append(self)
        self._pushed = True
        return self

    def __exit__(self, *exc) -> None:
        if self._pushed:
            _stack.pop()
            self._pushed = False

    def __repr__(self) -> str:
        return f"name_scope({self.name!r})"


def current_path() -> str:
    """The path the open name scopes give (`'outer/inner'`; `''` outside every scope)."""
    parts: list[str] = []
    for scope in _stack:
        if scope.override_parent is not None:
            parts = [p for p in scope.override_parent.split("/") if p]
        parts.append(scope.name)
    return "/".join(parts)


_DEVICE = re.compile(r"^(?:/?device:)?([a-z]+)(?::(\d+))?$")  # "gpu", "cpu:0", "/device:CPU:0"


@contextlib.contextmanager
def device(device_name: str):
    """Keras 3's `keras.device(name)` ("cpu", "cpu:0", "gpu:0", "cuda:0", ...): the code
    inside runs on that device. numkeras computes where its array module does, so this
    checks that the device asked for is that one, and refuses another with the way to
    get it."""
    match = _DEVICE.match(device_name.strip().lower()) if isinstance(device_name, str) else None
    if match is None:
        raise DeviceError(
            f"Invalid device name {device_name!r}: expected e.g. 'cpu', 'cpu:0', 'gpu:0'."
        )
    kind = match.group(1)
    on_gpu = backend.on_cupy()
    if kind not in ("cpu", "gpu", "cuda"):
        raise DeviceError(f"Unknown device type {kind!r} in {device_name!r}: use 'cpu' or 'gpu'.")
    if (kind == "cpu") == on_gpu:
        where = "a GPU, through CuPy" if on_gpu else "the CPU, through NumPy"
        raise DeviceError(
            f"numkeras cannot move work to {device_name!r}: it computes on {where}, chosen "
            "when it is imported (set NUMKERAS_ARRAY_MODULE=cupy before `import numkeras` "
            "to run on a GPU)."
        )
    yield

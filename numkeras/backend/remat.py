"""Keras 3's `keras.RematScope` and `keras.remat` (rematerialization: recompute
activations in the backward pass instead of keeping them). numkeras's backward passes
keep what they need, so rematerialization changes nothing here: the scope records its
settings (`get_current_remat_mode`), nests, and checks its mode as Keras's does, and
`remat(f)` computes what `f` computes.

>>> with RematScope(mode="larger_than", output_size_threshold=512):
...     get_current_remat_mode().output_size_threshold
512
>>> remat(lambda x: 2 * x)(3)
6
"""

from __future__ import annotations

import functools
from collections import namedtuple

from numkeras.errors import ConfigError

RematMode = namedtuple("RematMode", ["mode", "output_size_threshold", "layer_names"])
_MODES = ("full", "activations", "larger_than", "list_of_layers", None)
_stack: list[RematScope] = []


class RematScope:
    """Within, layers called would be rematerialized (`mode`: "full", "activations",
    "larger_than" with `output_size_threshold`, "list_of_layers" with `layer_names`, or
    None to switch it off); numkeras keeps the settings and computes as without."""

    def __init__(self, mode="full", output_size_threshold: int = 1024, layer_names=None):
        if mode not in _MODES:
            raise ConfigError(
                f"Invalid mode '{mode}'. Supported modes are: 'full', 'activations', "
                "'larger_than', 'list_of_layers', or  None."
            )
        self.mode = mode
        self.output_size_threshold = output_size_threshold
        self.layer_names = layer_names or []
        self._pop_on_exit = False

    def __enter__(self) -> RematScope:
        _stack.append(self)
        self._pop_on_exit = True
        return self

    def __exit__(self, *exc) -> None:
        if self._pop_on_exit:
            _stack.pop()
            self._pop_on_exit = False


def get_current_remat_mode() -> RematMode | None:
    """The innermost open RematScope's settings, or None."""
    if not _stack:
        return None
    scope = _stack[-1]
    return RematMode(scope.mode, scope.output_size_threshold, scope.layer_names)


def remat(f):
    """`f` (a function or a layer) rematerialized: here, a function computing the same."""

    @functools.wraps(f)
    def rematerialized(*args, **kwargs):
        return f(*args, **kwargs)

    return rematerialized

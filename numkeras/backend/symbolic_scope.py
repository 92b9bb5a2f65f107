"""Keras 3's `keras.SymbolicScope`: marks code that runs on symbolic values (Keras opens it
while it infers output specs). numkeras infers shapes without running layers, so the scope
changes nothing; it nests and says whether one is open, as Keras's.

>>> with SymbolicScope() as scope:
...     in_symbolic_scope()
True
>>> in_symbolic_scope()
False
"""

from __future__ import annotations

_active: SymbolicScope | None = None


class SymbolicScope:
    """Scope to indicate the symbolic stage."""

    def __enter__(self) -> SymbolicScope:
        global _active
        self.original_scope = _active
        _active = self
        return self

    def __exit__(self, *exc) -> None:
        global _active
        _active = self.original_scope


def get_symbolic_scope() -> SymbolicScope | None:
    """The open SymbolicScope, or None."""
    return _active


def in_symbolic_scope() -> bool:
    return _active is not None

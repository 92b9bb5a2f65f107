"""Fixtures the fused-kernel tests share."""

from __future__ import annotations

import pytest

from numkeras.backend import fused


@pytest.fixture
def used(monkeypatch):
    """The names of the kernels handed out (the ones that really ran fused)."""
    names: set[str] = set()
    real_run = fused.run

    def spy(name, *args):
        result = real_run(name, *args)
        if result is not None:
            names.add(name)
        return result

    monkeypatch.setattr(fused, "run", spy)
    return names

"""Fixtures the fused-kernel tests share."""

from __future__ import annotations

import importlib.util

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


@pytest.fixture
def both_ways(monkeypatch, used):
    """Call `run()` with the kernels on, then off; return the two results (and check that
    the kernels named in `expect` ran, when numba is installed)."""
    have_numba = importlib.util.find_spec("numba") is not None

    def compare(run, expect=()):
        monkeypatch.setattr(fused, "_enabled", True)
        on = run()
        if have_numba:
            assert set(expect) <= used, f"kernels {set(expect) - used} did not run"
        monkeypatch.setattr(fused, "_enabled", False)
        used.clear()
        off = run()
        assert not used
        return on, off

    return compare

"""Shared fixtures: a fake model (no dependency on numkeras.models) and the Keras goldens."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

GOLDENS = Path(__file__).resolve().parents[1] / "goldens" / "callbacks.json"


class FakeOptimizer:
    def __init__(self, learning_rate=0.1, name="opt"):
        self.learning_rate = learning_rate
        self.name = name


class FakeModel:
    """What callbacks touch on a model. Weights are one marker, set per epoch by the tests."""

    def __init__(self, learning_rate=0.1):
        self.stop_training = False
        self.optimizer = FakeOptimizer(learning_rate)
        self.marker = -1
        self.saved = []

    def get_weights(self):
        return [self.marker]

    def set_weights(self, weights):
        self.marker = weights[0]

    def save(self, path, overwrite=True):
        self.saved.append(["model", path])

    def save_weights(self, path, overwrite=True):
        self.saved.append(["weights", path])


class FakeClock:
    """Stands in for the `time` module: each `time()` call returns the next scheduled time."""

    def __init__(self, times):
        self.times = list(times)
        self.i = 0

    def time(self):
        t = self.times[min(self.i, len(self.times) - 1)]
        self.i += 1
        return t


@pytest.fixture(scope="session")
def goldens():
    return json.loads(GOLDENS.read_text())


@pytest.fixture
def model():
    return FakeModel()


@pytest.fixture
def fake_model_cls():
    return FakeModel


@pytest.fixture
def fake_clock(monkeypatch):
    """`fake_clock(times)` makes Progbar read `times` from its clock, one per call."""
    import numkeras.utils.progbar as progbar

    def install(times):
        clock = FakeClock(times)
        monkeypatch.setattr(progbar, "time", clock)
        return clock

    return install


@pytest.fixture
def dynamic_display(monkeypatch):
    """`dynamic_display(True|False)`: pretend stdout is (or is not) a terminal."""
    import numkeras.utils.progbar as progbar

    def set_(value):
        monkeypatch.setattr(progbar, "_dynamic_display_available", lambda: value)

    return set_

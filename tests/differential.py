"""What the differential tests (tests/**/test_diff_*.py) share: each runs the scenarios of
a `scripts/goldens/make_diff_*.py` script with numkeras and compares them with the goldens
that script wrote from real Keras."""

from __future__ import annotations

import importlib.util
import json
import pathlib
from types import ModuleType

ROOT = pathlib.Path(__file__).resolve().parents[1]


def goldens(name: str):
    """The decoded `tests/goldens/<name>.json`."""
    return json.loads((ROOT / "tests" / "goldens" / f"{name}.json").read_text())


def scenario_script(name: str) -> ModuleType:
    """`scripts/goldens/<name>.py` as a module: its scenarios take the Keras-like module
    to run with (`keras` or `numkeras`), so it imports without Keras installed."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / "goldens" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

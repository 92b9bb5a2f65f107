"""What the differential tests (tests/**/test_diff_*.py) share: each runs the scenarios of
a `scripts/goldens/make_diff_*.py` script with numkeras and compares them with the goldens
that script wrote from real Keras."""

from __future__ import annotations

import importlib.util
import json
import math
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


def fixed_weights(model) -> None:
    """Set `model`'s weights to values every library starts from alike (evenly spaced in
    [-1, 1], each weight's own)."""
    import numpy as np

    model.set_weights(
        [np.linspace(-1, 1, w.size).reshape(w.shape).astype("float32") for w in model.get_weights()]
    )


def rounded(values, decimals: int = 6) -> list:
    """`values` as a JSON list of floats rounded to `decimals` places."""
    import numpy as np

    return np.asarray(values, "float64").round(decimals).tolist()


class Scenarios(dict):
    """A goldens script's scenarios: name -> function of the Keras-like module returning
    JSON-able values. `@SCENARIOS.scenario` registers one (`scenario_on("torch")`: one whose
    goldens come from that Keras backend, where JAX cannot run it); `SCENARIOS.write(path)`
    runs those of the running backend (or the ones named) with real Keras 3 and writes them
    into the JSON, one scenario a line, keeping the others."""

    def scenario(self, fn):
        self[fn.__name__] = fn
        return fn

    def scenario_on(self, backend: str):
        def register(fn):
            fn.backend = backend
            return self.scenario(fn)

        return register

    def write_tf_keras(self, out: pathlib.Path) -> None:
        """Run every scenario with tf_keras (Keras 2) and write their results into the JSON
        `out`, sorted by name (the Keras 2 golden makers)."""
        import os

        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        import tf_keras

        results = {}
        for name, fn in self.items():
            tf_keras.backend.clear_session()
            results[name] = fn(tf_keras)
        out.write_text(json.dumps(results, indent=0, sort_keys=True) + "\n")
        print(f"wrote {out} ({out.stat().st_size} bytes)")

    def write(self, out: pathlib.Path, names=None) -> None:
        import time

        import keras

        backend = keras.backend.backend()
        names = [n for n in (names or self) if getattr(self[n], "backend", "jax") == backend]
        results = json.loads(out.read_text()) if out.exists() else {}
        for name in names:
            keras.utils.clear_session()
            start = time.perf_counter()
            results[name] = json.loads(json.dumps(self[name](keras)))
            print(f"{name}: {time.perf_counter() - start:.1f} s")
        lines = [
            f"{json.dumps(k)}: {json.dumps(results[k], sort_keys=True)}" for k in sorted(results)
        ]
        out.write_text("{\n" + ",\n".join(lines) + "\n}\n")
        print(f"wrote {out} ({out.stat().st_size} bytes)")


def run_scenario(script: ModuleType, name: str):
    """Scenario `name` of a goldens `script` run with numkeras (a fresh session, warnings
    quiet), as the JSON values its goldens hold."""
    import warnings

    import numkeras

    numkeras.utils.clear_session(free_memory=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return json.loads(json.dumps(script.SCENARIOS[name](numkeras)))


def pop_path(tree: dict, path: str, sep: str = "."):
    """Remove and return the item of nested dicts `tree` at `path` (keys joined by `sep`)."""
    *parents, key = path.split(sep)
    for part in parents:
        tree = tree[part]
    return tree.pop(key)


def builtin_error(fn) -> str:
    """'ok', or the first built-in type in the MRO of the exception `fn()` raised (the type
    a Keras user's `except` clause would name)."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the type is the result
        return next(t for t in type(e).__mro__ if t.__module__ == "builtins").__name__
    return "ok"


def error_classes(fn) -> list | str:
    """'ok', or the built-in classes of the exception `fn()` raised (a test checks that
    numkeras's error is an instance of Keras's first one)."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the classes are the result
        return [t.__name__ for t in type(e).__mro__[:-3] if t.__module__ == "builtins"]
    return "ok"


def assert_json_close(got, want, rtol: float = 2e-5, atol: float = 2e-6, where: str = "") -> None:
    """`got` equals the goldens' `want` (JSON values: dicts, lists, strings, ...), floats
    within float32 rounding (or the tolerances given); NaN equals NaN (Keras's 0 / 0 at
    fully masked steps). `where` names the place in a failure's message."""
    if isinstance(want, dict):
        assert isinstance(got, dict) and sorted(got) == sorted(want), where
        for key in want:
            assert_json_close(got[key], want[key], rtol, atol, f"{where}[{key!r}]")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want)):
            assert_json_close(g, w, rtol, atol, f"{where}[{i}]")
    elif isinstance(want, float) and math.isnan(want):
        assert isinstance(got, float) and math.isnan(got), where
    elif isinstance(want, float):
        close = isinstance(got, (int, float)) and abs(got - want) <= atol + rtol * abs(want)
        assert close, f"{where}: {got!r} != {want!r}"
    else:
        assert got == want, where


def scenario_params(names, slow=(), missing=None) -> list:
    """pytest parameters for scenario `names`: those in `slow` marked slow, those in
    `missing` (name -> what numkeras lacks) strict expected failures."""
    import pytest

    missing = missing or {}
    params = []
    for name in names:
        marks = [pytest.mark.slow] if name in slow else []
        if name in missing:
            marks.append(pytest.mark.xfail(reason=missing[name], strict=True))
        params.append(pytest.param(name, marks=marks))
    return params

"""Optimizer updates and schedules against golden values from real Keras 3 (JAX).

The goldens come from scripts/goldens/make_optimizers.py. Every case runs twice: with
separate variables (per-variable path) and with weights and gradients as views into
flat buffers (the flat fast path models use).
"""

import json
import pathlib

import numpy as np
import pytest

from numkeras import optimizers
from numkeras.optimizers import schedules
from numkeras.variables import Variable

GOLDEN = json.loads((pathlib.Path(__file__).parents[1] / "goldens" / "optimizers.json").read_text())
SHAPES = [tuple(s) for s in GOLDEN["shapes"]]


def arrays(flat_list):
    return [np.asarray(a, dtype=np.float32).reshape(s) for a, s in zip(flat_list, SHAPES)]


def make_optimizer(cls_name, kwargs):
    kwargs = dict(kwargs)
    if "schedule" in kwargs:
        spec = GOLDEN["schedules"][kwargs.pop("schedule")]
        kwargs["learning_rate"] = getattr(schedules, spec["class"])(**spec["kwargs"])
    return getattr(optimizers, cls_name)(**kwargs)


def flat_views(values):
    """Views into one flat float32 buffer, in order (how numkeras models keep weights)."""
    buf = np.zeros(sum(v.size for v in values), np.float32)
    views, off = [], 0
    for v in values:
        view = buf[off : off + v.size].reshape(v.shape)
        view[...] = v
        views.append(view)
        off += v.size
    return views


def run(cls_name, kwargs, flat):
    opt = make_optimizer(cls_name, kwargs)
    init = arrays(GOLDEN["initial"])
    if flat:
        init = flat_views(init)
    variables = [Variable(a, name=n) for a, n in zip(init, ("kernel", "bias"))]
    if flat:
        grad_views = flat_views([np.zeros(s, np.float32) for s in SHAPES])
    snaps = {}
    for step, gs in enumerate(GOLDEN["grads"], start=1):
        grads = arrays(gs)
        if flat:
            for view, g in zip(grad_views, grads):
                view[...] = g
            grads = grad_views
        opt.apply(grads, variables)
        if step in (1, 5):
            snaps[str(step)] = [v.numpy() for v in variables]
    return opt, variables, snaps


@pytest.mark.parametrize("flat", [False, True], ids=["per_variable", "flat"])
@pytest.mark.parametrize("case", sorted(GOLDEN["cases"]))
def test_matches_keras(case, flat):
    spec = GOLDEN["cases"][case]
    opt, variables, snaps = run(spec["class"], spec["kwargs"], flat)
    for step in ("1", "5"):
        for got, want in zip(snaps[step], arrays(spec["after"][step])):
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7, err_msg=f"step {step}")
    # float32 all the way: weights and every optimizer state array.
    assert all(v.value.dtype == np.float32 for v in variables)
    floats = [v for v in opt.variables if v.dtype.kind == "f"]
    assert all(v.dtype == np.float32 for v in floats)
    # Keras counts updates: 5 calls accumulated by N are 5 // N
    assert opt.iterations == 5 // (opt.gradient_accumulation_steps or 1)
    # `optimizer.variables` in Keras's order (what `.keras` files store, by index).
    prefix = opt.name + "/"
    # (Nadam's u_product and Adafactor's placeholders are bare Keras variables, unscoped:
    # "variable", "bias")
    paths = [v.path.removeprefix(prefix) for v in opt.variables]
    want = spec["variable_paths"]
    if spec["class"] == "Nadam":  # (unnamed variables are numbered per session: variable_1;
        # tests/optimizers/test_fuzz_found_s28b.py checks that numbering)
        assert paths[-1].startswith("variable") and want[-1].startswith("variable")
        paths, want = paths[:-1], want[:-1]
    assert paths == want


@pytest.mark.parametrize("key", sorted(GOLDEN["schedules"]))
def test_schedule_values_match_keras(key):
    spec = GOLDEN["schedules"][key]
    s = getattr(schedules, spec["class"])(**spec["kwargs"])
    got = [s(step) for step in range(len(spec["values"]))]
    assert all(np.asarray(v).dtype == np.float32 for v in got)
    np.testing.assert_allclose(np.array(got, np.float32), spec["values"], rtol=1e-6, atol=1e-9)
    assert s.get_config() == spec["config"]


@pytest.mark.parametrize("cls_name", sorted(GOLDEN["default_configs"]))
def test_default_config_matches_keras(cls_name):
    cfg = getattr(optimizers, cls_name)().get_config()
    name = cfg.pop("name")
    assert isinstance(name, str) and name
    want = GOLDEN["default_configs"][cls_name]
    assert list(cfg) == list(want)  # same keys, same order
    assert cfg == want

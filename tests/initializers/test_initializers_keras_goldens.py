"""Initializer statistics, configs and names against real Keras 3 goldens."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from numkeras import initializers

GOLDEN = json.loads(
    (Path(__file__).resolve().parents[1] / "goldens" / "initializers.json").read_text()
)

CONSTANT = {"Zeros", "Ones", "Constant"}


def _unbounded(case) -> bool:
    """Whether the distribution has normal (unbounded) tails, so min/max vary a lot."""
    name, kw = case["class_name"], case["kwargs"]
    if name in ("RandomNormal", "Orthogonal"):
        return True
    return name == "VarianceScaling" and kw.get("distribution") == "untruncated_normal"


def _id(case):
    kw = ",".join(f"{k}={v}" for k, v in case["kwargs"].items())
    return f"{case['class_name']}({kw}){tuple(case.get('shape', ()))}"


@pytest.mark.parametrize("case", GOLDEN["stats"], ids=_id)
def test_statistics_match_keras(case):
    cls = getattr(initializers, case["class_name"])
    kwargs = dict(case["kwargs"])
    if case["class_name"] not in CONSTANT:
        kwargs["seed"] = 7
    values = cls(**kwargs)(tuple(case["shape"]))
    assert values.dtype == np.float32
    assert values.shape == tuple(case["shape"])
    v = values.astype(np.float64)
    n = v.size
    if case["class_name"] in CONSTANT:
        for stat in ("mean", "min", "max"):
            assert getattr(v, stat)() == pytest.approx(case[stat], abs=1e-7)
        assert v.std() == pytest.approx(case["std"], abs=1e-7)
        return
    std = case["std"]
    # sampling tolerances: ~6 standard errors of the mean, ~5 of the std
    assert abs(v.mean() - case["mean"]) < 6 * std / math.sqrt(n) * math.sqrt(2)
    assert v.std() == pytest.approx(std, rel=5 * math.sqrt(2 / n) + 2e-3)
    if _unbounded(case):
        assert abs(v.min() - case["min"]) < 2.0 * std
        assert abs(v.max() - case["max"]) < 2.0 * std
    else:  # uniform / truncated normal: the extremes sit at the bounds
        span = case["max"] - case["min"]
        assert v.min() == pytest.approx(case["min"], abs=0.01 * span)
        assert v.max() == pytest.approx(case["max"], abs=0.01 * span)


@pytest.mark.parametrize("case", GOLDEN["configs"], ids=_id)
def test_config_and_serialize_match_keras(case):
    cls = getattr(initializers, case["class_name"])
    init = cls(**case["kwargs"])
    expected = case["serialized"]
    if case["class_name"] == "Identity":
        # Keras 3 drops `gain` from Identity's config (so it is lost on save); numkeras
        # keeps it, and Keras's Identity(**config) still loads it.
        assert expected["config"] == {}
        expected = {**expected, "config": {"gain": case["kwargs"].get("gain", 1.0)}}
    got = initializers.serialize(init)
    assert got == expected
    assert list(got["config"]) == list(expected["config"])  # same key order as Keras
    assert init.get_config() == expected["config"]
    # round trips: from_config and deserialize of Keras's own dict
    assert cls.from_config(init.get_config()).get_config() == expected["config"]
    again = initializers.deserialize(expected)
    assert type(again) is cls
    assert again.get_config() == expected["config"]
    assert json.loads(json.dumps(got)) == got


@pytest.mark.parametrize("name,class_name", sorted(GOLDEN["names"].items()))
def test_every_keras_name_resolves_to_the_same_class(name, class_name):
    assert initializers.ALL_INITIALIZERS[name].__name__ == class_name
    assert type(initializers.get(name)).__name__ == class_name


def test_no_extra_names():
    assert sorted(initializers.ALL_INITIALIZERS) == sorted(GOLDEN["names"])


def test_identity_values_match_keras():
    got = initializers.Identity(gain=2.0)((3, 4))
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, np.array(GOLDEN["identity_gain2_3x4"], dtype=np.float32))

"""Differential fixes (numkeras vs Keras 3): activations' NaN handling, regularizer None
arguments, the STFT initializer and R2Score's zero-variance columns.

Goldens: scripts/goldens/make_diff_numerics.py -> tests/goldens/diff_numerics.json.
"""

import json
import pathlib
import sys

import numpy as np
import pytest

from numkeras import activations, initializers, metrics, regularizers
from numkeras.errors import ConfigError, ShapeError

GOLDEN = json.loads(
    (pathlib.Path(__file__).resolve().parents[1] / "goldens" / "diff_numerics.json").read_text()
)


def _x():
    return np.array(
        [np.nan if v is None else v for v in GOLDEN["activations"]["x"]], dtype="float32"
    )


@pytest.mark.parametrize(
    "key, fn, kwargs",
    [
        ("hard_shrink", activations.hard_shrink, {}),
        ("soft_shrink", activations.soft_shrink, {}),
        ("hard_shrink_t", activations.hard_shrink, {"threshold": 0.9}),
        ("soft_shrink_t", activations.soft_shrink, {"threshold": 0.1}),
    ],
)
def test_shrink_activations_map_nan_to_zero_as_keras(key, fn, kwargs):
    out = fn(_x(), **kwargs)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, GOLDEN["activations"][key], rtol=1e-6)
    assert fn(_x().astype("float64"), **kwargs).dtype == np.float64


def test_regularizer_none_arguments_as_keras():
    g = GOLDEN["regularizers"]
    assert regularizers.L1L2(l1=None, l2=0.1).get_config() == g["l1l2_none"]
    assert regularizers.L1L2(l1=None, l2=None).get_config() == g["l1l2_both_none"]
    assert regularizers.L1(None).get_config() == g["l1_none"]
    assert regularizers.L2(None).get_config() == g["l2_none"]
    w = np.array([[1.0, -2.0]], "float32")
    assert float(regularizers.L1L2(l1=None, l2=0.5)(w)) == pytest.approx(2.5)


def test_regularizer_rejects_infinite_factor():
    with pytest.raises(ConfigError, match="finite"):
        regularizers.L2(float("inf"))


@pytest.mark.parametrize("case", GOLDEN["stft"], ids=lambda c: str(c["kwargs"]))
def test_stft_initializer_matches_keras(case):
    init = initializers.STFT(**case["kwargs"])
    values = init(tuple(case["shape"]))
    assert values.dtype == np.float32 and values.shape == tuple(case["shape"])
    np.testing.assert_allclose(values, case["values"], rtol=1e-5, atol=1e-6)
    assert init.get_config() == case["config"]
    again = initializers.deserialize(initializers.serialize(init))
    np.testing.assert_array_equal(again(tuple(case["shape"])), values)


def test_stft_names_and_errors(monkeypatch):
    assert initializers.get("stft").__class__ is initializers.STFT
    assert initializers.get("STFTInitializer").__class__ is initializers.STFT
    assert initializers.STFTInitializer is initializers.STFT
    assert initializers.IdentityInitializer is initializers.Identity
    assert initializers.OrthogonalInitializer is initializers.Orthogonal
    assert initializers.STFT()((4, 1, 3), dtype="float64").dtype == np.float64
    with pytest.raises(ConfigError, match="side"):
        initializers.STFT(side="both")
    with pytest.raises(ConfigError, match="scaling"):
        initializers.STFT(scaling="l2")
    # without SciPy (importing it takes seconds), an unknown window names the built-in ones
    monkeypatch.setitem(sys.modules, "scipy.signal", None)
    with pytest.raises(ConfigError, match="Did you mean 'hann'"):
        initializers.STFT(window="hannn")
    with pytest.raises(ShapeError, match=r"\(5,\)"):
        initializers.STFT(window=[1.0, 2.0])((5, 1, 3))
    with pytest.raises(ShapeError, match="frame_length"):
        initializers.STFT()((5, 3))


def test_stft_windows_without_scipy_match_scipy_formulas():
    from numkeras.initializers.stft_initializer import get_window

    # closed forms: symmetric Hann of 5 is [0, .5, 1, .5, 0]; periodic Hann of 4 drops the end
    np.testing.assert_allclose(get_window("hann", 5, False), [0, 0.5, 1, 0.5, 0], atol=1e-12)
    np.testing.assert_allclose(get_window("hann", 4, True), [0, 0.5, 1, 0.5], atol=1e-12)
    np.testing.assert_allclose(get_window("hamming", 3, False), [0.08, 1.0, 0.08], atol=1e-12)
    np.testing.assert_allclose(get_window("bartlett", 1, True), [1.0])
    np.testing.assert_allclose(get_window("boxcar", 3, False), [1.0, 1.0, 1.0])


def test_r2_zero_variance_column_scores_zero_as_keras():
    g = GOLDEN["r2"]
    y = np.array([[0.123, -0.577], [0.123, 0.25]], "float32")
    m = metrics.R2Score()
    m.update_state(y[:1], y[:1] + 0.1)
    m.update_state(y[:1], y[:1] + 0.1)
    assert float(m.result()) == pytest.approx(g["one_sample_twice"], abs=1e-6)
    m = metrics.R2Score(class_aggregation=None)
    m.update_state(y, y * 0.5, sample_weight=np.array([1.0, 2.0], "float32"))
    np.testing.assert_allclose(np.asarray(m.result()), g["constant_column"], rtol=1e-5, atol=1e-6)

"""What the interop fuzzer (scripts/fuzz/fuzz_interop.py) found in session 30 (seeds
2053-2090), as minimal scenarios (goldens from scripts/goldens/make_fuzz_found_s30a.py,
written with real Keras 3)."""

import json

import numpy as np
import pytest

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("fuzz_found_s30a")
SCRIPT = scenario_script("make_fuzz_found_s30a")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_fuzz_found_s30a_matches_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert_json_close(got, GOLD[name], rtol=1e-4, atol=1e-5, where=name)


def test_auto_contrast_gradient_of_a_constant_channel_passes():
    """A constant channel is passed through unchanged, and so is its gradient (Keras-JAX's
    is NaN there); the other channel's gradient sums to zero over its pixels (the stretch
    does not depend on a common shift)."""
    x = np.zeros((1, 3, 3, 2), "float32")
    x[..., 0] = np.arange(9).reshape(3, 3) / 9.0
    x[..., 1] = 0.5
    layer = numkeras.layers.AutoContrast(value_range=(0, 1))
    out, cache = layer.forward(x)
    np.testing.assert_array_equal(out[..., 1], x[..., 1])
    g = np.arange(18, dtype="float32").reshape(1, 3, 3, 2)
    grad = layer.backward(cache, g)
    np.testing.assert_array_equal(grad[..., 1], g[..., 1])
    assert abs(grad[..., 0].sum()) < 1e-4 and np.abs(grad[..., 0]).max() > 1

"""What the ops fuzzer (scripts/fuzz/fuzz_ops.py, seeds 595-620) found numkeras doing
differently from Keras 3: `linspace` from or to an infinity (goldens from
scripts/goldens/make_fuzz_found_s28d.py, written with real Keras 3 on JAX)."""

import json

import numpy as np

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("fuzz_found_s28d")
SCRIPT = scenario_script("make_fuzz_found_s28d")


def test_linspace_of_infinite_ends_interpolates_as_jax():
    # (JAX: start * (1 - t) + stop * t, so -inf to 10 is [-inf, -inf, -inf, 10], not NaN)
    with np.errstate(all="ignore"):
        got = json.loads(json.dumps(SCRIPT.SCENARIOS["linspace_infinite_ends"](numkeras)))
    want = GOLD["linspace_infinite_ends"]
    assert got.keys() == want.keys()
    for key in want:
        assert_json_close(got[key], want[key], rtol=2e-3, atol=1e-5, where=key)


def test_linspace_of_finite_ends_is_unchanged():
    np.testing.assert_array_equal(numkeras.ops.linspace(0, 1, 3), [0.0, 0.5, 1.0])
    np.testing.assert_array_equal(
        numkeras.ops.linspace(0.0, 10, 5, dtype="int32"), [0, 2, 5, 7, 10]
    )


def test_linspace_of_an_infinite_input_in_a_model():
    x = numkeras.Input((2,))
    model = numkeras.Model(x, numkeras.ops.linspace(x, 10.0, 4, axis=-1))
    with np.errstate(all="ignore"):
        got = model.predict(np.array([[-np.inf, 1.0]], "float32"), verbose=0)
    np.testing.assert_array_equal(got, [[[-np.inf, -np.inf, -np.inf, 10.0], [1, 4, 7, 10]]])

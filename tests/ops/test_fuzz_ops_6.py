"""What the ops fuzzer (scripts/fuzz/fuzz_ops.py, seeds 561-588; the ninth menu from 581:
activations given parameters at their edges) found numkeras doing differently from Keras
3's `keras.activations` / `keras.ops`, as minimal scenarios (goldens from
scripts/goldens/make_fuzz_ops_6.py)."""

import json

import numpy as np
import pytest

import numkeras
from numkeras.errors import ArgumentTypeError

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("fuzz_ops_6")
SCRIPT = scenario_script("make_fuzz_ops_6")

CLASSES = {"misuse_error_classes_eager"}


@pytest.mark.parametrize("name", sorted(n for n in SCRIPT.SCENARIOS if n not in CLASSES))
def test_fuzz_ops_6_matches_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    with np.errstate(all="ignore"):
        got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert_json_close(got, GOLD[name], where=name)


def test_misuse_raises_what_keras_raises():
    # numkeras's error must be an instance of the first built-in class Keras's was
    got = SCRIPT.SCENARIOS["misuse_error_classes_eager"](numkeras)
    for case, want in GOLD["misuse_error_classes_eager"].items():
        assert want != "ok" and want[0] in got[case], f"{case}: {got[case]} is not a {want}"


def test_a_text_parameter_names_itself_and_the_fix():
    x = np.ones((2, 3), "float32")
    for fn, kw in ((numkeras.activations.leaky_relu, "negative_slope"),
                   (numkeras.activations.relu, "max_value")):  # fmt: skip
        with pytest.raises(ArgumentTypeError, match=rf"`{kw}` must be a number; received 'a'"):
            fn(x, **{kw: "a"})


def test_soft_shrink_gradient_with_a_negative_threshold_is_one():
    # (every value moves by -t: the slope is 1 everywhere, as Keras's formula's)
    x = np.array([-2.0, -0.5, 0.5, 3.0], "float32")
    dy = np.ones_like(x)
    dx = numkeras.activations.soft_shrink.grad(x, None, dy, threshold=-1.0)
    np.testing.assert_array_equal(dx, np.ones_like(x))

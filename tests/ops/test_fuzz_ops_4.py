"""What the ops fuzzer (scripts/fuzz/fuzz_ops.py, seeds 526-540) found numkeras doing
differently from Keras 3's `keras.ops`, as minimal scenarios (goldens from
scripts/goldens/make_fuzz_ops_4.py)."""

import json

import numpy as np
import pytest

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("fuzz_ops_4")
SCRIPT = scenario_script("make_fuzz_ops_4")


CLASSES = {"misuse_error_classes_eager", "misuse_error_classes_symbolic"}


@pytest.mark.parametrize("name", sorted(n for n in SCRIPT.SCENARIOS if n not in CLASSES))
def test_fuzz_ops_4_matches_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    assert_json_close(got, GOLD[name], rtol=1e-3, atol=1e-4, where=name)


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_misuse_raises_what_keras_raises(name):
    # numkeras's error must be an instance of the first built-in class Keras's was; where
    # Keras's symbolic call takes the misuse, numkeras's may still refuse it (its eager
    # call does, in both libraries); Keras-JAX's eager tile(x, -1) raises a JAX error of
    # no built-in class: its symbolic ValueError stands for it
    got = SCRIPT.SCENARIOS[name](numkeras)
    other = [g for n, g in GOLD.items() if n in CLASSES and n != name][0]
    for case, want in GOLD[name].items():
        if want == "ok" and got[case] == "ok":
            continue  # (a symbolic call both libraries take: float segment ids)
        want = want if want not in ("ok", []) else other[case]
        assert want != "ok" and want[0] in got[case], f"{case}: {got[case]} is not a {want}"


def test_integer_operand_cast_keeps_gradients_and_graphs():
    # the cast happens inside the op: a functional model and the float operand's gradient
    # see the same values as the eager call
    from numkeras.layers.keras_tensor import KerasTensor

    x = np.array([1.5, -2.0, 0.25], "float16")
    n = np.array([65535, 2, 4], "uint16")
    eager = numkeras.ops.divide(n, x)
    assert np.isinf(eager[0]) and eager.dtype == "float16"
    op = numkeras.ops.multiply(KerasTensor((3,), "float16"), KerasTensor((3,), "uint16")).node
    out, cache = op.layer.forward([x, n])
    np.testing.assert_array_equal(out, numkeras.ops.multiply(x, n))
    g_x, _ = op.layer.backward(cache, np.ones(3, "float16"))
    np.testing.assert_array_equal(g_x, np.array([np.inf, 2, 4], "float16"))

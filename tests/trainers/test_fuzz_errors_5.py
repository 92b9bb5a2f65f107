"""The everyday mistakes the misuse fuzzer's seventh menu draws (scripts/fuzz/
fuzz_errors.py, seeds 57 on), against Keras 3's error classes (goldens from
scripts/goldens/make_fuzz_errors_5.py), and a negative `steps` refused with a batch_size
too."""

import numpy as np
import pytest

import numkeras

from ..differential import goldens, scenario_script

GOLD = goldens("fuzz_errors_5")
SCRIPT = scenario_script("make_fuzz_errors_5")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_fuzz_errors_5_raise_what_keras_raises(name):
    numkeras.utils.clear_session()
    got = SCRIPT.SCENARIOS[name](numkeras)
    for case, want in GOLD[name].items():
        if want == "ok":
            assert got[case] == "ok", f"{case}: numkeras raised {got[case]}"
        else:  # (numkeras's error must be an instance of the class Keras raised)
            assert want[0] in got[case], f"{case}: {got[case]} is not a {want}"


@pytest.mark.parametrize("method", ["evaluate", "predict"])
def test_negative_steps_are_refused_with_a_batch_size_too(method):
    # (Keras 3 crashes on a model that has not run, and reads all the data for one that
    # has; numkeras refused a negative steps only when no batch_size was given)
    model = numkeras.Sequential([numkeras.Input((4,)), numkeras.layers.Dense(3)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((6, 4), "float32"), np.ones((6, 3), "float32")
    args = (x, y) if method == "evaluate" else (x,)
    with pytest.raises(ValueError, match="`steps` must be a positive integer, received -2"):
        getattr(model, method)(*args, steps=-2, batch_size=2, verbose=0)


def test_transposed_targets_get_the_fix_in_the_message():
    model = numkeras.Sequential([numkeras.Input((3, 4)), numkeras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((5, 3, 4), "float32"), np.ones((5, 2, 3), "float32")
    with pytest.raises(ValueError, match=r"swapaxes\(y, -1, -2\), shape \(5, 3, 2\)"):
        model.evaluate(x, y, verbose=0)

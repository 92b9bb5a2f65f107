"""What the misuse fuzzer (scripts/fuzz/fuzz_errors.py, seeds 75-100) found: a two-input
functional model given its inputs in the other order. Keras 3 runs it where the layers take
the swapped arrays (it checks only ranks; a documented difference), numkeras refuses it,
and its error now says the arrays fit the inputs in another order (goldens from
scripts/goldens/make_fuzz_found_s28d.py, written with real Keras 3)."""

import numpy as np
import pytest

import numkeras
from numkeras.errors import IncompatibleShapesError

from ..differential import assert_json_close, goldens, run_scenario, scenario_script

GOLD = goldens("fuzz_found_s28d")
SCRIPT = scenario_script("make_fuzz_found_s28d")

X0 = np.arange(15, dtype="float32").reshape(5, 3)
X1 = np.ones((5, 1), "float32")
Y = np.zeros((5, 2), "float32")


def test_inputs_in_order_match_keras():
    got = run_scenario(SCRIPT, "swapped_inputs")
    assert_json_close(got["in_order"], GOLD["swapped_inputs"]["in_order"], where="in_order")


@pytest.mark.parametrize(
    "entry",
    [
        lambda m: m([X1, X0]),
        lambda m: m.predict([X1, X0], verbose=0),
        lambda m: m.test_on_batch([X1, X0], Y),
        lambda m: m.fit([X1, X0], Y, verbose=0),
        lambda m: m.evaluate([X1, X0], Y, verbose=0),
    ],
    ids=["call", "predict", "test_on_batch", "fit", "evaluate"],
)
def test_swapped_inputs_name_the_order_and_change_nothing(entry):
    # (Keras 3 runs them: GOLD["swapped_inputs"] says "ok"; README: declared sizes)
    numkeras.utils.clear_session(free_memory=False)
    model = SCRIPT.two_input_model(numkeras)
    weights = [w.copy() for w in model.get_weights()]
    with pytest.raises(IncompatibleShapesError) as e:
        entry(model)
    text = str(e.value)
    assert "received 1" in text and "(batch, 3)" in text  # (what arrived, what goes there)
    assert "look given in another order" in text and "as [x[1], x[0]]" in text  # (the fix)
    assert all(np.array_equal(a, b) for a, b in zip(weights, model.get_weights()))
    assert model.optimizer.iterations.numpy() == 0


def test_three_inputs_in_another_order():
    a, b, c = numkeras.Input((2,)), numkeras.Input((3,)), numkeras.Input((4,))
    model = numkeras.Model([a, b, c], numkeras.layers.Concatenate()([a, b, c]))
    xa, xb, xc = np.ones((2, 2)), np.ones((2, 3)), np.ones((2, 4))
    with pytest.raises(IncompatibleShapesError, match=r"as \[x\[1\], x\[2\], x\[0\]\]"):
        model.predict([xc, xa, xb], verbose=0)


def test_no_order_hint_when_no_order_fits():
    model = SCRIPT.two_input_model(numkeras)
    with pytest.raises(IncompatibleShapesError) as e:
        model.predict([np.ones((5, 2)), X1], verbose=0)
    assert "another order" not in str(e.value)

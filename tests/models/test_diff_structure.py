"""Model structure against Keras 3: automatic names (layers, models, tensors), variable and
layer paths, output structures, `get_layer` errors and summary text.

The scenarios live in scripts/goldens/make_diff_structure.py (functions of the `keras`
module); the goldens (tests/goldens/diff_structure.json) are what real Keras 3.15 returned.
"""

import pytest

import numkeras

from ..differential import goldens, run_scenario, scenario_script

GOLD = goldens("diff_structure")
SCRIPT = scenario_script("make_diff_structure")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_structure_matches_keras(name):
    got, want = run_scenario(SCRIPT, name), GOLD[name]
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want)):
        assert g == w, f"{name}[{i}]"


def test_summary_calls_print_fn_once_with_the_whole_text_as_keras_3():
    calls = []
    model = numkeras.Sequential([numkeras.Input((2,)), numkeras.layers.Dense(1)])
    model.summary(print_fn=calls.append)
    assert len(calls) == 1 and calls[0].endswith("params: 0 (0.00 B)\n")


def test_summary_refuses_a_line_length_too_short_for_its_columns():
    model = numkeras.Sequential([numkeras.Input((2,)), numkeras.layers.Dense(1)])
    with pytest.raises(ValueError, match="Insufficient console width"):
        model.summary(line_length=8, print_fn=lambda s: None)

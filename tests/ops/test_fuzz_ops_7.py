"""What the ops fuzzer (scripts/fuzz/fuzz_ops.py, seeds 621-660, its graph mode) found
numkeras doing differently from Keras 3, as minimal scenarios (goldens from
scripts/goldens/make_fuzz_ops_7.py): a model built on `unstack(num=3)` of an unknown axis
returned None for a missing slice where Keras refuses the data, and a model's op of a
negative Python int beside an unsigned tensor raised OverflowError where the eager op
wraps the int as Keras does, and `activations.deserialize(None)` was a ValueError only
(Keras: a TypeError, calling the None it returns)."""

import json

import numpy as np
import pytest

import numkeras
from numkeras.errors import ShapeError

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("fuzz_ops_7")
SCRIPT = scenario_script("make_fuzz_ops_7")


def _same(got, want, where):
    if isinstance(want, list) and want and all(isinstance(w, str) for w in want):
        # (error classes: numkeras's error must be an instance of the first Keras raised)
        assert want[0] in got, f"{where}: {got} is not a {want}"
    elif isinstance(want, dict):
        for key in want:
            _same(got[key], want[key], f"{where}[{key!r}]")
    else:
        assert_json_close(got, want, where=where)


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_fuzz_ops_7_matches_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))  # (as the goldens)
    _same(got, GOLD[name], name)


def test_an_unstack_model_refuses_other_counts_and_says_why():
    model = SCRIPT._unstack_model(numkeras)
    for rows in (2, 4):  # (4: Keras-JAX drops the 4th slice; its TF backend refuses: README)
        x = np.ones((rows, 3), "float32")
        with pytest.raises(ShapeError, match=rf"gave {rows} outputs .* built with 3 from it"):
            model(x)

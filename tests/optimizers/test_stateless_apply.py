"""`optimizer.stateless_apply` and `apply` inside a `StatelessScope`, against Keras 3 on
JAX (scripts/goldens/make_stateless_apply.py)."""

import json

import pytest

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("stateless_apply")
SCRIPT = scenario_script("make_stateless_apply")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_stateless_apply_matches_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))
    assert_json_close(got, GOLD[name], where=name)


def test_convert_to_numpy_copies_a_variables_storage():
    # (Keras's backends hand back a copy: a later assign must not change what was read)
    import numpy as np

    v = numkeras.Variable(np.ones(2, "float32"))
    read, read_value = numkeras.ops.convert_to_numpy(v), numkeras.ops.convert_to_numpy(v.value)
    v.assign(np.zeros(2, "float32"))
    assert read.tolist() == read_value.tolist() == [1.0, 1.0]

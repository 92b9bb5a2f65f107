"""A functional model's outputs in the structure they were written in, against Keras 3:
shape rules (`compute_output_shape` / `compute_output_spec`), symbolic calls, and outputs
nested in lists and dicts through predict, fit, evaluate and saving (goldens from
scripts/goldens/make_output_structures.py)."""

import json
import warnings

import numpy as np
import pytest

import numkeras

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("output_structures")
SCRIPT = scenario_script("make_output_structures")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_output_structures_match_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))
    assert_json_close(got, GOLD[name], rtol=1e-5, atol=1e-6, where=name)


def test_inner_model_of_several_outputs_still_feeds_a_graph():
    """The graph reads a nested model's flat output shapes whatever structure its
    `compute_output_shape` gives (a dict here)."""
    L = numkeras.layers
    x = numkeras.Input((4,))
    inner = numkeras.Model(x, {"b": L.Dense(3)(x), "a": L.Dense(2)(x)})
    z = numkeras.Input((4,))
    parts = inner(z)
    outer = numkeras.Model(z, L.Concatenate()([parts["a"], parts["b"]]))
    assert outer.compute_output_shape((None, 4)) == (None, 5)
    assert outer.predict(np.ones((3, 4), "float32"), verbose=0).shape == (3, 5)
    text = numkeras.explain(outer, np.ones((3, 4), "float32"), print_fn=lambda *a: None)
    assert "Result: (3, 5)" in text


def test_loss_nested_where_the_model_has_one_output_is_refused():
    x = numkeras.Input((4,))
    model = numkeras.Model(x, [numkeras.layers.Dense(2)(x), numkeras.layers.Dense(1)(x)])
    model.compile("sgd", loss=["mse", ["mae"]])
    with pytest.raises(ValueError, match="nests"):
        model.train_on_batch(np.ones((2, 4)), [np.ones((2, 2)), np.ones((2, 1))])


def test_model_of_nested_inputs_called_in_another_graph():
    L = numkeras.layers
    a, b, c = numkeras.Input((2,)), numkeras.Input((3,)), numkeras.Input((1,))
    inner = numkeras.Model([a, [b, c]], L.Dense(1)(L.Concatenate()([a, b, c])))
    p, q, r = numkeras.Input((2,)), numkeras.Input((3,)), numkeras.Input((1,))
    outer = numkeras.Model([p, q, r], inner([p, [q, r]]))
    rng = np.random.default_rng(0)
    x = [rng.random((4, 2)), rng.random((4, 3)), rng.random((4, 1))]
    want = inner.predict([x[0], x[1:]], verbose=0)
    np.testing.assert_array_equal(outer.predict(x, verbose=0), want)
    with pytest.raises(ValueError, match="nested as"):
        inner.predict([x[0], x[1:], x[2]], verbose=0)

"""`numkeras.StatelessScope`, `SymbolicScope` and `RematScope` against Keras 3's: mapped
values read inside, assignments and in-place updates (BatchNormalization, optimizers,
metrics) recorded and undone, `collect_losses`, nesting, the constructor's checks, the
remat settings (goldens from scripts/goldens/make_scopes_legacy_boxes.py)."""

import json

import numpy as np
import pytest

import numkeras
from numkeras.backend import stateless_scope

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("scopes_legacy_boxes")
SCRIPT = scenario_script("make_scopes_legacy_boxes")
NAMES = sorted(n for n in SCRIPT.SCENARIOS if n.startswith(("scope_", "symbolic_", "remat_")))


@pytest.mark.parametrize("name", NAMES)
def test_scopes_match_keras(name):
    numkeras.utils.clear_session()
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))
    assert_json_close(got, GOLD[name], where=name)


def _model():
    inp = numkeras.Input((3,))
    model = numkeras.Model(inp, numkeras.layers.Dense(2)(inp))
    model.compile(numkeras.optimizers.Adam(0.1), "mse")
    return model


def test_training_inside_a_scope_leaves_the_model_and_records_the_weights():
    """fit / predict inside a scope run on the mapped values (Keras 3's JAX predict there
    leaves the model's variables unset); on exit the model has its own weights back."""
    model = _model()
    x, y = np.ones((4, 3), "float32"), np.zeros((4, 2), "float32")
    model.fit(x, y, epochs=1, verbose=0)
    kept = [w.numpy() for w in model.weights]
    steps = int(model.optimizer.iterations)
    mapping = [(w, np.zeros(w.shape)) for w in model.weights]
    with numkeras.StatelessScope(mapping) as scope:
        assert not model.predict(x, verbose=0).any()
        model.fit(x, y + 1.0, epochs=1, verbose=0)
    for w, value in zip(model.weights, kept):
        np.testing.assert_array_equal(w.numpy(), value)
        assert scope.get_current_value(w).any()  # the trained values, recorded
    assert int(model.optimizer.iterations) == steps


def test_an_exception_inside_still_restores():
    v = numkeras.Variable(np.ones(2, "float32"))
    with pytest.raises(RuntimeError), numkeras.StatelessScope([(v, np.zeros(2))]):
        v.assign([5.0, 5.0])
        raise RuntimeError("stop")
    np.testing.assert_array_equal(v.numpy(), [1.0, 1.0])
    assert stateless_scope.get_stateless_scope() is None


def test_a_variable_made_inside_keeps_its_value_and_scopes_nest():
    with numkeras.StatelessScope() as outer:
        v = numkeras.Variable(np.ones(2, "float32"))
        with numkeras.StatelessScope() as inner:
            assert stateless_scope.get_stateless_scope() is inner
            v.assign([3.0, 3.0])
        assert stateless_scope.get_stateless_scope() is outer
        np.testing.assert_array_equal(v.numpy(), [1.0, 1.0])
    np.testing.assert_array_equal(inner.get_current_value(v), [3.0, 3.0])
    assert not stateless_scope.in_stateless_scope()


def test_a_dict_mapping_is_taken():
    """Keras takes `(variable, value)` pairs only (a dict raises TypeError there)."""
    v = numkeras.Variable(np.zeros(2, "float32"))
    with numkeras.StatelessScope({v: np.ones(2)}):
        np.testing.assert_array_equal(v.numpy(), [1.0, 1.0])
    assert not v.numpy().any()


def test_add_update_and_symbolic_scope_helpers():
    from numkeras.backend import symbolic_scope

    v = numkeras.Variable(np.zeros(2, "float32"))
    with numkeras.StatelessScope() as scope:
        scope.add_update((v, np.array([1.0, 2.0])))
        np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])
    np.testing.assert_array_equal(scope.get_current_value(v), [1.0, 2.0])
    assert not v.numpy().any()
    with numkeras.SymbolicScope() as s:
        assert symbolic_scope.get_symbolic_scope() is s and symbolic_scope.in_symbolic_scope()
    assert not symbolic_scope.in_symbolic_scope()

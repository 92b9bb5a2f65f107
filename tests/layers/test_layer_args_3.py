"""What the layer-argument differential (scripts/fuzz/fuzz_layer_args.py, seeds 3023-3050)
and two known leftovers found, against Keras 3 (goldens from
scripts/goldens/make_layer_args_3.py): the attention layers' exception type on rank-2
inputs, CategoryEncoding / Discretization dtypes under a mixed_float16 policy, and the
attention layers' `activity_regularizer` (losses and their gradients)."""

import builtins
import json

import numpy as np
import pytest

import numkeras
from numkeras.errors import AxisBoundsError, ShapeError

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("layer_args_3")
SCRIPT = scenario_script("make_layer_args_3")
RANK2 = "attention_rank2_inputs"


@pytest.fixture(autouse=True)
def _fresh_session():
    # (layer names count from a fresh session here, and after: other files' goldens name
    # their layers so; the global policy back to float32 whatever a test did)
    numkeras.utils.clear_session(free_memory=False)
    yield
    numkeras.mixed_precision.set_global_policy("float32")
    numkeras.utils.clear_session(free_memory=False)


def test_goldens_cover_every_scenario():
    assert sorted(GOLD) == sorted(SCRIPT.SCENARIOS)


@pytest.mark.parametrize("name", sorted(set(SCRIPT.SCENARIOS) - {RANK2}))
def test_matches_keras(name):
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))
    assert_json_close(got, GOLD[name], rtol=1e-4, atol=1e-5, where=name)


def _raised(fn) -> Exception:
    with pytest.raises(Exception) as info:
        fn()
    return info.value


@pytest.mark.parametrize("key", sorted(GOLD[RANK2]))
def test_attention_rank2_inputs_raise_keras_type(key):
    # (AxisBoundsError: an IndexError, as Keras's, and a ShapeError, a ValueError, which
    # Keras's MultiHeadAttention raises for a rank-2 query with a rank-3 value)
    name, case, how = key.split("/")
    qs, vs = SCRIPT.RANK2_CASES[case]
    layer = SCRIPT._attention(numkeras, name)
    if how == "eager":
        error = _raised(lambda: layer(np.ones(qs, "float32"), np.ones(vs, "float32")))
    else:
        error = _raised(lambda: layer(numkeras.Input(qs[1:]), numkeras.Input(vs[1:])))
    assert isinstance(error, getattr(builtins, GOLD[RANK2][key]))
    assert isinstance(error, AxisBoundsError) and isinstance(error, ShapeError)
    assert "rank 3 or more" in str(error) and "x[:, None, :]" in str(error)


def test_mha_rank2_symbolic_call_is_refused_too():
    # (Keras's symbolic call builds a (None, 4) output its eager call cannot compute)
    layer = numkeras.layers.MultiHeadAttention(num_heads=2, key_dim=3)
    with pytest.raises(IndexError, match=r"received a query of shape \(None, 4\)"):
        layer(numkeras.Input((4,)), numkeras.Input((4,)))


def test_category_encoding_mixed_is_float32_arrays_under_float16_spec():
    numkeras.mixed_precision.set_global_policy("mixed_float16")
    layer = numkeras.layers.CategoryEncoding(4, output_mode="multi_hot")
    assert not layer._mixed  # (Keras's encoding takes the variable dtype)
    sym = layer(numkeras.Input((2,), dtype="int32"))
    assert sym.dtype == "float16" and sym.value_dtype == "float32"
    assert layer(np.array([[0, 3]])).dtype == np.float32


@pytest.mark.parametrize("name", ["MultiHeadAttention", "GroupedQueryAttention"])
def test_activity_regularizer_gradient_matches_finite_differences(name):
    # (the projections' penalties' gradients reach the query; GroupQueryAttention's own
    # penalty on its output is the model's to add, as any layer's: left out here)
    rng = np.random.default_rng(0)
    q = rng.normal(size=(1, 3, 4))
    v = rng.normal(size=(1, 2, 4))
    if name == "MultiHeadAttention":
        layer = numkeras.layers.MultiHeadAttention(
            2, 3, use_gate=True, activity_regularizer="l2", dtype="float64"
        )
    else:
        layer = numkeras.layers.GroupedQueryAttention(
            2, 4, 2, activity_regularizer="l2", dtype="float64"
        )
    layer(q, v)
    own = 1 if name == "GroupedQueryAttention" else 0

    def total(qv):
        y = layer(qv, v)
        return float(np.sum(y)) + float(sum(layer.losses[own:]))

    y, cache = layer.forward([q, v, v], training=False)
    grads = layer.backward(cache, np.ones_like(y))
    eps = 1e-3  # (the penalties are float32 scalars, as Keras's `losses`)
    numeric = np.zeros_like(q)
    for i in np.ndindex(q.shape):
        d = np.zeros_like(q)
        d[i] = eps
        numeric[i] = (total(q + d) - total(q - d)) / (2 * eps)
    np.testing.assert_allclose(grads[0], numeric, rtol=1e-4, atol=1e-4)

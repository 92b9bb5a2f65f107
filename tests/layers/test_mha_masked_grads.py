"""Gradients through a masked `MultiHeadAttention` into the layers before it: one SGD step
against Keras 3 on JAX (goldens from scripts/goldens/make_mha_masked_grads.py), and the
whole model's gradients against finite differences in float64.

The saving fuzzer saw these gradients differ from Keras 3 on torch: there, a query row
with every key masked (a padded step of the query) goes through torch's CPU
flash-attention kernel, whose backward is not the derivative of its forward (the forward
attends uniformly, the backward gives other values). Keras on JAX, like numkeras, masks
with `where` before the softmax, so such a row attends uniformly and passes no gradient to
its scores; the finite differences below check that this is the derivative.
"""

import json

import numpy as np
import pytest

import numkeras
from numkeras import ops
from numkeras.utils.gradcheck import numeric_gradient

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("mha_masked_grads")
SCRIPT = scenario_script("make_mha_masked_grads")
# (Flatten after the attention drops the mask and says so, as Keras does)
pytestmark = pytest.mark.filterwarnings("ignore:.*does not support masking:UserWarning")


def test_goldens_cover_every_scenario():
    assert sorted(GOLD) == sorted(SCRIPT.SCENARIOS)


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_sgd_step_matches_keras(name):
    numkeras.utils.clear_session(free_memory=False)
    got = json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras)))
    assert_json_close(got, GOLD[name], rtol=1e-4, atol=2e-5, where=name)


@pytest.mark.parametrize("name", sorted(SCRIPT.VARIANTS))
def test_model_gradients_are_finite_differences(float64, name):
    variant = SCRIPT.VARIANTS[name]
    model = SCRIPT._model(numkeras, variant)
    rng = np.random.default_rng(4)
    model.set_weights([rng.normal(0, 0.6, w.shape) for w in model.get_weights()])
    xs, _ = SCRIPT._data(variant)
    xs = [x.astype("float64") for x in xs]
    x = xs if len(xs) > 1 else xs[0]
    r = rng.normal(size=model.outputs[0].shape[1:])
    with numkeras.GradientTape() as tape:
        target = ops.sum(model(x) * r)
    weights = model.trainable_weights
    grads = tape.gradient(target, weights)

    def f():
        return float((np.asarray(model(x)) * r).sum())

    # (the inputs' gradients reach the Dense kernels before the attention; an input itself
    # cannot be moved, as Masking's mask would change with it)
    for v, g in zip(weights, grads):
        np.testing.assert_allclose(
            np.asarray(g), numeric_gradient(f, v.value), rtol=1e-6, atol=1e-8, err_msg=v.path
        )


def test_a_fully_masked_query_row_attends_uniformly_and_passes_no_score_gradient():
    # the fast path: a query row with every key masked averages the values
    mha = numkeras.layers.MultiHeadAttention(num_heads=1, key_dim=2)
    rng = np.random.default_rng(0)
    q, v = rng.normal(size=(1, 3, 2)), rng.normal(size=(1, 4, 2))
    mask = np.ones((1, 3, 4), bool)
    mask[0, 1] = False
    mha.build(q.shape, v.shape)
    mha.set_weights([rng.normal(size=w.shape) for w in mha.get_weights()])
    out = mha(q, v, attention_mask=mask)
    value = np.asarray(mha.value_dense(v))  # (1, S, heads, dim)
    uniform = value.mean(axis=1, keepdims=True)
    want = np.asarray(mha.output_dense(uniform))[0, 0]
    np.testing.assert_allclose(out[0, 1], want, rtol=1e-5, atol=1e-6)
    # its gradient reaches the value projection, not the query's or key's
    _, cache = mha.forward([q, v], attention_mask=mask)
    g = np.zeros(out.shape, "float32")
    g[0, 1] = 1.0
    for w in mha.trainable_weights:
        w.start_grad(np.zeros(w.shape, w.dtype))
    d_query, d_value = mha.backward(cache, g)
    grads = {w.path.split("/", 1)[1]: w.grad.copy() for w in mha.trainable_weights}
    for w in mha.trainable_weights:
        w.start_grad(None)
    assert not d_query.any()
    assert d_value.any()
    assert not grads["query/kernel"].any() and not grads["key/kernel"].any()
    assert grads["value/kernel"].any()

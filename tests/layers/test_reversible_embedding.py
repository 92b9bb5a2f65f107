"""`ReversibleEmbedding` against Keras 3 (tests/goldens/reversible_embedding.json and the
Keras-made tests/goldens/saving/keras_reversible_embedding.keras, both written by
scripts/goldens/make_reversible_embedding.py) and against finite differences."""

import json

import numpy as np
import pytest

import numkeras
from numkeras.layers import ReversibleEmbedding
from numkeras.utils.gradcheck import numeric_gradient

from ..differential import ROOT, assert_json_close, goldens, scenario_script

GOLD = goldens("reversible_embedding")
SCRIPT = scenario_script("make_reversible_embedding")
KERAS_FILE = ROOT / "tests" / "goldens" / "saving" / "keras_reversible_embedding.keras"


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_scenario_matches_keras(name):
    numkeras.backend.clear_session(free_memory=False)
    assert_json_close(json.loads(json.dumps(SCRIPT.SCENARIOS[name](numkeras))), GOLD[name])


def test_the_keras_file_loads_and_trains_on_as_in_keras(tmp_path):
    model = numkeras.models.load_model(KERAS_FILE)
    want = GOLD["untied_soft_capped"]
    for got, w in zip(model.get_weights(), want["weights"]):
        np.testing.assert_allclose(got.ravel(), w, rtol=2e-5, atol=2e-6)
    # the reverse call is kept: logits over the vocabulary
    assert model.predict(SCRIPT.IDS, verbose=0).shape == (4, 3, 10)
    model.save(tmp_path / "again.keras")
    again = numkeras.models.load_model(tmp_path / "again.keras")
    np.testing.assert_array_equal(
        again.predict(SCRIPT.IDS, verbose=0), model.predict(SCRIPT.IDS, verbose=0)
    )
    clone = numkeras.models.clone_model(model)
    assert clone.output.shape == (None, 3, 10)


@pytest.mark.parametrize("tie_weights", [True, False])
@pytest.mark.parametrize("cap", [None, 3.0])
def test_reverse_gradients_match_finite_differences(tie_weights, cap, float64):
    rng = np.random.default_rng(0)
    layer = ReversibleEmbedding(6, 4, tie_weights=tie_weights, logit_soft_cap=cap)
    hidden = rng.normal(size=(2, 3, 4))
    layer(hidden, reverse=True)
    layer.set_weights([rng.normal(size=w.shape) for w in layer.get_weights()])
    r = rng.normal(size=(2, 3, 6))
    for v in layer.trainable_weights:
        v.start_grad(np.zeros(v.shape))
    out, cache = layer.forward(hidden, reverse=True)
    np.testing.assert_allclose(out, layer(hidden, reverse=True), rtol=1e-12)
    g_hidden = layer.backward(cache, r.copy())
    grads = [v.grad.copy() for v in layer.trainable_weights]
    for v in layer.trainable_weights:
        v.start_grad(None)

    def f():
        return float((layer(hidden, reverse=True) * r).sum())

    np.testing.assert_allclose(g_hidden, numeric_gradient(f, hidden), rtol=1e-6, atol=1e-9)
    for v, g in zip(layer.trainable_weights, grads):
        np.testing.assert_allclose(g, numeric_gradient(f, v.value), rtol=1e-6, atol=1e-9)
    if not tie_weights:
        assert np.all(grads[0] == 0)  # the table gets no gradient from the projection


def test_a_non_float_reverse_dtype_is_refused():
    with pytest.raises(ValueError, match="reverse_dtype"):
        ReversibleEmbedding(4, 2, reverse_dtype="int32")

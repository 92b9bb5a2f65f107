"""User layers whose `call` takes a `mask`, inside models: Keras 3 fills the argument with
the inputs' masks, in prediction and in training. numkeras traces such a call with the
mask as a further (gradient-free) argument.

The scenarios live in scripts/goldens/make_custom_masks.py (functions of the `keras`
module); the goldens (tests/goldens/custom_masks.json) are what real Keras 3.15 returned.
"""

import json
import warnings

import numpy as np
import pytest

import numkeras
from numkeras import layers, ops
from numkeras.utils.gradcheck import numeric_gradient

from ..differential import assert_json_close, goldens, scenario_script

GOLD = goldens("custom_masks")
SCRIPT = scenario_script("make_custom_masks")


@pytest.mark.parametrize("name", sorted(SCRIPT.SCENARIOS))
def test_scenario_matches_keras(name):
    numkeras.backend.clear_session(free_memory=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (the mask-dropping warning has its own test)
        got = SCRIPT.SCENARIOS[name](numkeras)
    assert_json_close(json.loads(json.dumps(got)), GOLD[name])


class _Masked(layers.Layer):
    """x * w, summed over the real steps (a mask used in the math, with a weight)."""

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")

    def call(self, x, mask=None):
        m = ops.expand_dims(ops.cast(mask, x.dtype), -1)
        return ops.sum(ops.tanh(x * self.w) * m, axis=1)

    def compute_mask(self, inputs, mask=None):
        return None  # (the steps are summed: the mask ends here)


def test_a_masked_call_trains_by_its_gradient(monkeypatch):
    """forward/backward with the mask against central differences (float64)."""
    monkeypatch.setattr(numkeras.backend, "_FLOATX", numkeras.backend.floatx())
    numkeras.backend.set_floatx("float64")
    rng = np.random.default_rng(0)
    layer = _Masked()
    x = rng.normal(size=(3, 4, 2))
    mask = np.array([[1, 1, 0, 0], [1, 1, 1, 1], [1, 0, 0, 0]], bool)
    layer(x, mask=mask)
    layer.set_weights([rng.normal(size=2)])
    r = rng.normal(size=(3, 2))
    layer.w.start_grad(np.zeros(2))
    out, cache = layer.forward(x, training=True, mask=mask)
    np.testing.assert_allclose(out, layer(x, mask=mask), rtol=1e-12)
    gx = layer.backward(cache, r.copy())
    gw = layer.w.grad.copy()
    layer.w.start_grad(None)

    def f():
        return float((layer(x, mask=mask) * r).sum())

    np.testing.assert_allclose(gx, numeric_gradient(f, x), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(gw, numeric_gradient(f, layer.w.value), rtol=1e-6, atol=1e-9)
    assert np.all(gx[~mask] == 0)  # the padded steps take no gradient


def test_the_mask_is_traced_once_per_layout_and_each_batch_gets_its_own():
    """One trace serves every batch's mask (it is an argument, not a constant), and a call
    without a mask gets a trace of its own (the call's `mask is None` branch)."""
    layer = _Masked()
    x = np.ones((2, 3, 1), "float32")
    mask_a = np.array([[1, 0, 0], [1, 1, 1]], bool)
    mask_b = np.array([[1, 1, 0], [0, 0, 0]], bool)
    layer(x, mask=mask_a)
    out_a, _ = layer.forward(x, mask=mask_a)
    out_b, _ = layer.forward(x, mask=mask_b)
    np.testing.assert_allclose(out_a.ravel(), np.tanh(1.0) * np.array([1, 3]), rtol=1e-6)
    np.testing.assert_allclose(out_b.ravel(), np.tanh(1.0) * np.array([2, 0]), rtol=1e-6)
    assert len(layer._traces) == 1


def test_a_call_without_mask_argument_is_traced_as_before():
    """A layer whose call takes no mask is not given one (Keras fills only a `mask`
    argument the call has)."""

    class Double(layers.Layer):
        def call(self, x):
            return x * 2.0

    inp = numkeras.Input((3,), dtype="int32")
    h = Double()(layers.Embedding(5, 2, mask_zero=True)(inp))
    model = numkeras.Model(inp, layers.Dense(1)(layers.GlobalAveragePooling1D()(h)))
    model.compile(optimizer="sgd", loss="mse")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(np.array([[1, 2, 0]]), np.ones((1, 1)), verbose=0)
    assert len(model.layers[2]._traces) == 1


def test_a_forward_without_mask_warns_that_it_runs_unmasked():
    """A user layer with its own forward pass that takes no mask (its call does): the model
    cannot hand it the mask, and says so once."""

    class OwnPass(layers.Layer):
        def call(self, x, mask=None):
            return x

        def forward(self, x, training=True):
            return x, None

        def backward(self, cache, grad_output, need_input_grad=True):
            return grad_output

    inp = numkeras.Input((3,), dtype="int32")
    h = OwnPass()(layers.Embedding(5, 2, mask_zero=True)(inp))
    model = numkeras.Model(inp, layers.Dense(1)(layers.Flatten()(h)))
    model.compile(optimizer="sgd", loss="mse")
    with pytest.warns(UserWarning, match="its forward\\(\\), which a model runs, does not"):
        model.fit(np.array([[1, 2, 0]]), np.ones((1, 1)), verbose=0)


def test_a_keras_file_with_an_explicit_mask_loads_with_the_mask(tmp_path):
    """Keras keeps a call's `mask=` tensor in the node's keywords; loading (and saving,
    and cloning) keeps it too, so the predictions are Keras's."""
    from ..differential import ROOT

    path = ROOT / "tests" / "goldens" / "saving" / "keras_explicit_mask.keras"
    ids = SCRIPT._ids(np.random.default_rng(8))
    want = GOLD["explicit_mask_file"]["prediction"]
    model = numkeras.models.load_model(path)
    np.testing.assert_allclose(model.predict(ids, verbose=0).ravel(), want, rtol=1e-5)
    model.save(tmp_path / "again.keras")
    again = numkeras.models.load_model(tmp_path / "again.keras")
    np.testing.assert_allclose(again.predict(ids, verbose=0).ravel(), want, rtol=1e-5)
    clone = numkeras.models.clone_model(model)
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict(ids, verbose=0).ravel(), want, rtol=1e-5)

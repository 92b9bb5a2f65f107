"""CTC against real Keras 3 (goldens from scripts/goldens/make_misc.py: values and
jax.grad), finite differences, and training a small model with it."""

import json
import pathlib

import numpy as np
import pytest

from numkeras import losses
from numkeras.errors import ShapeError
from numkeras.layers import Dense, Input
from numkeras.models import Sequential
from numkeras.utils.gradcheck import numeric_gradient

GOLD = json.loads((pathlib.Path(__file__).parents[1] / "goldens" / "misc.json").read_text())
CASES = GOLD["ctc"]["cases"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_matches_keras(case):
    y = np.array(case["y_true"], "int32")
    logits = np.array(case["y_pred"], "float32")
    per_sample = losses.ctc(y, logits)
    assert per_sample.dtype == np.float32
    np.testing.assert_allclose(per_sample, case["per_sample"], rtol=1e-5, atol=1e-5)
    value, grad = losses.CTC().value_and_grad(y, logits)
    assert float(value) == pytest.approx(case["value"], rel=1e-5)
    assert grad.dtype == np.float32
    np.testing.assert_allclose(grad, case["grad"], rtol=1e-4, atol=1e-6)


def _brute_force(labels, probs):
    """-log of the summed probability of every alignment that collapses to `labels`."""
    import itertools

    steps, classes = probs.shape
    total = 0.0
    for path in itertools.product(range(classes), repeat=steps):
        collapsed = [k for i, k in enumerate(path) if k != 0 and (i == 0 or path[i - 1] != k)]
        if collapsed == list(labels):
            total += np.prod([probs[t, k] for t, k in enumerate(path)])
    return -np.log(total)


def test_value_is_the_sum_over_alignments():
    rng = np.random.default_rng(3)
    logits = rng.normal(size=(3, 5, 3))
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    y = np.array([[1, 2, 0], [2, 2, 0], [1, 0, 0]])
    got = losses.CTC(dtype="float64").call(y, logits)
    want = [_brute_force([k for k in row if k], p) for row, p in zip(y, probs)]
    np.testing.assert_allclose(got, want, rtol=1e-10)


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum"])
def test_finite_differences(reduction):
    rng = np.random.default_rng(0)
    logits = rng.normal(0, 1.5, (4, 6, 4))
    y = np.array([[1, 2, 3, 0], [2, 2, 0, 0], [3, 1, 3, 1], [0, 0, 0, 0]])
    w = rng.uniform(0.5, 2, 4)
    loss = losses.CTC(dtype="float64", reduction=reduction)
    _, grad = loss.value_and_grad(y, logits, sample_weight=w)
    numeric = numeric_gradient(lambda: float(loss(y, logits, sample_weight=w)), logits)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-8)


def test_errors_and_config():
    loss = losses.CTC()
    assert loss.get_config() == GOLD["configs"]["CTC"]
    assert isinstance(losses.deserialize(losses.serialize(loss)), losses.CTC)
    assert losses.deserialize("ctc", as_function=True) is losses.ctc
    logits = np.zeros((2, 4, 3), "float32")
    with pytest.raises(ShapeError, match=r"y_true.shape=\(2, 2, 1\)"):
        loss(np.ones((2, 2, 1)), logits)
    with pytest.raises(ShapeError, match=r"y_pred.shape=\(2, 4\)"):
        loss(np.ones((2, 2)), logits[..., 0])
    with pytest.raises(ShapeError, match="outside"):
        loss(np.array([[1, 3], [1, 0]]), logits)
    with pytest.raises(ShapeError, match="same number"):
        loss(np.array([[1, 2]]), logits)


def test_fit_learns_a_sequence():
    from numkeras.optimizers import Adam

    x = np.tile(np.eye(6, dtype="float32"), (16, 1, 1))  # the step, one-hot
    y = np.tile(np.array([[1, 2, 0]]), (16, 1))
    model = Sequential([Input((6, 6)), Dense(3)])
    model.compile(optimizer=Adam(0.1), loss="ctc")
    hist = model.fit(x, y, epochs=10, batch_size=8, verbose=0)
    assert hist.history["loss"][-1] < 0.2 * hist.history["loss"][0]
    best = model.predict(x[:1], verbose=0)[0].argmax(-1)
    collapsed = [k for i, k in enumerate(best) if k and (i == 0 or best[i - 1] != k)]
    assert collapsed == [1, 2]

"""Every loss's value_and_grad against central finite differences, in float64.

Points are chosen away from kinks (hinge margins, Huber's delta, |error| = 0, clip bounds),
where the derivative is defined and finite differences are exact to ~1e-8.
"""

import numpy as np
import pytest

from numkeras import losses
from numkeras.utils.gradcheck import numeric_gradient

RNG = np.random.default_rng(42)
N, C = 4, 3


def _away_from(values, points, margin=0.05):
    """Nudge values so none lies within `margin` of any kink in `points`."""
    values = values.copy()
    for p in points:
        close = np.abs(values - p) < margin
        values[close] += np.where(values[close] >= p, margin, -margin) * 2
    return values


def _one_hot(labels, n=C):
    return np.eye(n)[labels]


labels = np.array([0, 2, 1, 2])
reg_true = RNG.uniform(-2, 2, (N, C))
reg_pred = reg_true + _away_from(RNG.uniform(-1.5, 1.5, (N, C)), [0.0, 0.5, -0.5, 1.0, -1.0])
pos_true = RNG.uniform(0.2, 3, (N, C))
pos_pred = RNG.uniform(0.2, 3, (N, C))
probs = RNG.uniform(0.05, 1, (N, C))
logits = RNG.uniform(-4, 4, (N, C))
bin_true = (RNG.uniform(size=(N, C)) > 0.5).astype(float)
pm1_pred = _away_from(RNG.uniform(-2, 2, (N, C)), [1.0, -1.0])
hinge_pred = np.array([[0.1, 0.9, -0.4], [2.0, -1.3, 0.6], [-0.2, 0.3, 1.5], [0.8, -0.7, 0.0]])

CASES = [
    ("MeanSquaredError", {}, reg_true, reg_pred),
    ("MeanAbsoluteError", {}, reg_true, reg_pred),
    ("MeanAbsolutePercentageError", {}, _away_from(reg_true, [0.0], 0.2), reg_pred),
    ("MeanSquaredLogarithmicError", {}, pos_true, pos_pred),
    ("MeanSquaredLogarithmicError", {}, pos_true, reg_pred),  # negatives are clipped: grad 0
    ("Huber", {}, reg_true, reg_pred),
    ("Huber", {"delta": 0.5}, reg_true, reg_pred),
    ("LogCosh", {}, reg_true, reg_pred),
    ("CosineSimilarity", {}, reg_true, reg_pred),
    ("CosineSimilarity", {"axis": 0}, reg_true, reg_pred),
    ("Poisson", {}, pos_true, pos_pred),
    ("KLDivergence", {}, probs, RNG.uniform(0.05, 0.95, (N, C))),
    ("Hinge", {}, bin_true, pm1_pred),
    ("Hinge", {}, 2 * bin_true - 1, pm1_pred),
    ("SquaredHinge", {}, bin_true, pm1_pred),
    ("CategoricalHinge", {}, _one_hot(labels), hinge_pred),
    ("BinaryCrossentropy", {}, bin_true, RNG.uniform(0.02, 0.98, (N, C))),
    ("BinaryCrossentropy", {"label_smoothing": 0.1}, bin_true, RNG.uniform(0.02, 0.98, (N, C))),
    ("BinaryCrossentropy", {"from_logits": True}, bin_true, logits),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.2}, bin_true, logits),
    ("BinaryCrossentropy", {"axis": 0}, bin_true, RNG.uniform(0.02, 0.98, (N, C))),
    ("CategoricalCrossentropy", {}, _one_hot(labels), probs),
    ("CategoricalCrossentropy", {"label_smoothing": 0.2}, _one_hot(labels), probs),
    ("CategoricalCrossentropy", {"from_logits": True}, _one_hot(labels), logits),
    ("CategoricalCrossentropy", {"from_logits": True, "axis": 0}, _one_hot(labels), logits),
    ("SparseCategoricalCrossentropy", {}, labels, probs),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, labels, logits),
    ("SparseCategoricalCrossentropy", {"ignore_class": 1}, labels, probs),
    (
        "SparseCategoricalCrossentropy",
        {"from_logits": True, "axis": 0},
        np.array([0, 3, 1]),
        logits,
    ),
    (
        "SparseCategoricalCrossentropy",
        {"from_logits": True},
        labels.reshape(2, 2),
        logits.reshape(2, 2, 3),
    ),
]
# ("mean" is "sum_over_batch_size" under another name; the goldens cover it)
REDUCTIONS = [
    ("sum_over_batch_size", False),
    ("sum_over_batch_size", True),
    ("sum", True),
    ("mean_with_sample_weight", True),
]


def _ids(cases):
    return [f"{n}{k or ''}{np.shape(t)}-{np.shape(p)}" for n, k, t, p in cases]


@pytest.mark.parametrize("name,kwargs,y_true,y_pred", CASES, ids=_ids(CASES))
@pytest.mark.parametrize("reduction,weighted", REDUCTIONS)
def test_gradient_matches_finite_differences(name, kwargs, y_true, y_pred, reduction, weighted):
    loss = getattr(losses, name)(reduction=reduction, dtype="float64", **kwargs)
    n_weights = y_pred.shape[0] if kwargs.get("axis") != 0 else y_pred.shape[-1]
    sw = np.linspace(0.5, 2.0, n_weights) if weighted else None
    value, grad = loss.value_and_grad(y_true, y_pred, sample_weight=sw)
    assert grad.dtype == np.float64 and grad.shape == y_pred.shape
    np.testing.assert_allclose(value, loss(y_true, y_pred, sample_weight=sw), rtol=1e-12)
    p = y_pred.copy()
    expected = numeric_gradient(lambda: float(loss(y_true, p, sample_weight=sw)), p)
    np.testing.assert_allclose(grad, expected, rtol=1e-5, atol=1e-7)


def test_bce_gradient_is_zero_where_probabilities_are_clipped():
    y_true = np.array([[1.0, 0.0, 1.0, 0.0, 1.0]], "float32")
    y_pred = np.array([[0.0, 1.0, 1e-9, 0.999999999, 0.5]], "float32")
    value, grad = losses.BinaryCrossentropy().value_and_grad(y_true, y_pred)
    assert np.isfinite(value)
    assert np.all(grad[0, :4] == 0) and grad[0, 4] != 0


def test_cce_gradient_is_zero_where_normalised_probabilities_are_clipped():
    y_true = np.array([[0.0, 1.0, 0.0]], "float32")
    y_pred = np.array([[0.5, 0.0, 0.5]], "float32")  # the target class has probability 0
    value, grad = losses.CategoricalCrossentropy().value_and_grad(y_true, y_pred)
    np.testing.assert_allclose(value, -np.log(np.float32(1e-7)), rtol=1e-6)
    assert np.all(grad == 0)


@pytest.mark.parametrize("fused_on", [True, False])
def test_a_probability_exactly_on_a_clip_bound_gets_half_the_gradient_as_in_jax(fused_on):
    # a saturated sigmoid lands exactly on 1 - 1e-7 (float32 0.99999988); JAX's clip passes
    # half the gradient there (its maximum / minimum split a tie), Keras 3's reference
    from numkeras.backend import fused

    lo, hi = np.float32(1e-7), np.float32(1) - np.float32(1e-7)
    state = fused.is_enabled()
    fused.set_enabled(fused_on)
    try:
        y = np.array([[1.0, 0.0, 1.0]], "float32")
        p = np.array([[hi, lo, 0.5]], "float32")
        _, g = losses.BinaryCrossentropy().value_and_grad(y, p)
        full = ((1 - y) / (1 - p) - y / p) / np.float32(3)
        np.testing.assert_array_equal(g, full * np.array([[0.5, 0.5, 1.0]], "float32"))
        # categorical and sparse: the target's normalised probability exactly at lo
        probs = np.array([[lo, np.float32(1) - lo]], "float32")
        _, g_cce = losses.CategoricalCrossentropy().value_and_grad(np.eye(2, dtype="f")[:1], probs)
        _, g_sparse = losses.SparseCategoricalCrossentropy().value_and_grad(np.array([0]), probs)
        s = probs.sum()
        dq = np.float32(-1) / lo * np.float32(0.5)
        want = np.array([[dq * (1 - lo) / s, -dq * lo / s]], "float32")
        np.testing.assert_allclose(g_cce, want, rtol=1e-6)
        np.testing.assert_allclose(g_sparse, want, rtol=1e-6)
    finally:
        fused.set_enabled(state)


def test_logit_forms_are_stable_for_huge_logits():
    y = np.array([[1.0], [0.0]], "float32")
    x = np.array([[-200.0], [300.0]], "float32")
    value, grad = losses.BinaryCrossentropy(from_logits=True).value_and_grad(y, x)
    np.testing.assert_allclose(value, 250.0, rtol=1e-6)
    np.testing.assert_allclose(grad.ravel(), [-0.5, 0.5], rtol=1e-6)
    value, grad = losses.SparseCategoricalCrossentropy(from_logits=True).value_and_grad(
        [0], np.array([[-1000.0, 1000.0]], "float32")
    )
    np.testing.assert_allclose(value, 2000.0, rtol=1e-6)
    np.testing.assert_allclose(grad, [[-1.0, 1.0]], atol=1e-6)


def test_float32_in_float32_out():
    rng = np.random.default_rng(1)
    y_pred = rng.uniform(0.1, 0.9, (8, 3)).astype("float32")
    for name in ("MeanSquaredError", "BinaryCrossentropy", "CategoricalCrossentropy"):
        loss = getattr(losses, name)()
        value, grad = loss.value_and_grad(np.eye(3)[np.arange(8) % 3], y_pred)
        assert type(value) is np.float32 and grad.dtype == np.float32

"""keras.random.gamma / beta / binomial: Keras 3's signatures, moments, seeds, broadcasting."""

import numpy as np
import pytest

from numkeras import layers, models, ops, random


def test_gamma_moments_dtype_and_broadcast_alpha():
    x = random.gamma((40000,), alpha=3.0, seed=1)
    assert x.dtype == np.float32 and x.shape == (40000,)
    assert abs(x.mean() - 3.0) < 0.05 and abs(x.var() - 3.0) < 0.15  # Gamma(a, 1): mean = var = a
    cols = random.gamma((20000, 3), alpha=np.array([0.5, 2.0, 8.0]), dtype="float64", seed=2)
    assert cols.dtype == np.float64
    np.testing.assert_allclose(cols.mean(axis=0), [0.5, 2.0, 8.0], rtol=0.05)


def test_beta_moments_and_range():
    x = random.beta((40000,), alpha=2.0, beta=6.0, seed=1)
    assert x.dtype == np.float32 and ((x >= 0) & (x <= 1)).all()
    assert abs(x.mean() - 0.25) < 0.01  # a / (a + b)


def test_binomial_counts_are_floats_and_broadcast():
    x = random.binomial((20000, 2), counts=[4, 10], probabilities=0.3, seed=3)
    assert x.dtype == np.float32 and np.array_equal(x, np.round(x))
    np.testing.assert_allclose(x.mean(axis=0), [1.2, 3.0], rtol=0.05)
    assert x[:, 0].max() <= 4
    assert random.binomial((3,), 5, 1.0).tolist() == [5.0, 5.0, 5.0]


@pytest.mark.parametrize(
    "draw",
    [
        lambda seed: random.gamma((5,), 2.0, seed=seed),
        lambda seed: random.beta((5,), 2.0, 3.0, seed=seed),
        lambda seed: random.binomial((5,), 9, 0.5, seed=seed),
    ],
)
def test_int_seed_repeats_seed_generator_advances(draw):
    np.testing.assert_array_equal(draw(7), draw(7))
    gen = random.SeedGenerator(7)
    first = draw(gen)
    np.testing.assert_array_equal(first, draw(7))  # SeedGenerator(s)'s first draw = seed=s
    assert not np.array_equal(first, draw(gen))


def test_bad_arguments_are_value_errors():
    with pytest.raises(ValueError, match="float dtype"):
        random.gamma((2,), 1.0, dtype="int32")
    with pytest.raises(ValueError, match="whole numbers"):
        random.binomial((2,), 2.5, 0.5)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        random.binomial((2,), 3, 1.5)


def test_draw_with_a_run_time_shape_in_a_model_draws_fresh_values():
    inputs = layers.Input((4,))
    noise = layers.Lambda(lambda x: x + random.gamma((ops.shape(x)[0], 4), 2.0))(inputs)
    model = models.Model(inputs, noise)
    x = np.zeros((3, 4), "float32")
    a, b = model.predict(x, verbose=0), model.predict(x, verbose=0)
    assert a.shape == (3, 4) and (a > 0).all() and not np.array_equal(a, b)

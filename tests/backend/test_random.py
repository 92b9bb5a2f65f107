"""The counter-based bits behind dropout masks (`backend.random.counter_bits`)."""

import numpy as np
import pytest

from numkeras import layers
from numkeras.backend import random


def _fmix32(h: int) -> int:
    # MurmurHash3's finalizer on Python ints: the reference the vectorized code must match
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & 0xFFFFFFFF
    return h ^ (h >> 16)


def test_counter_bits_match_the_scalar_definition():
    key = (np.uint32(0xDEADBEEF), np.uint32(12345))
    bits = random.counter_bits((3, 5), key)
    for i, b in enumerate(bits.ravel().tolist()):
        first = _fmix32((i * 0x9E3779B9 + int(key[0])) & 0xFFFFFFFF)
        assert b == _fmix32(first ^ int(key[1]))


def test_counter_bits_look_uniform_and_independent():
    rng = np.random.default_rng(0)
    a = random.counter_bits((400_000,), random.bits_key(rng))
    b = random.counter_bits((400_000,), random.bits_key(rng))
    u = a / 2.0**32
    # mean and histogram of a uniform: 1/sqrt(12 n) ~ 5e-4 standard error on the mean
    assert abs(u.mean() - 0.5) < 0.003
    counts = np.bincount((u * 16).astype(int), minlength=16)
    expected = len(u) / 16
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert chi2 < 50  # 15 degrees of freedom: p ~ 1e-5
    # every bit is a fair coin
    ones = np.unpackbits(a.view(np.uint8)).reshape(-1, 32).mean(axis=0)
    assert np.all(np.abs(ones - 0.5) < 0.005)
    # neighbours and two draws with different keys are uncorrelated
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < 0.01
    assert abs(np.corrcoef(u, b / 2.0**32)[0, 1]) < 0.01


def test_each_draw_advances_the_generator_by_one_raw_value():
    g1, g2 = np.random.default_rng(5), np.random.default_rng(5)
    k1, k2 = random.bits_key(g1), random.bits_key(g1)
    raw = g2.bit_generator.random_raw(2)
    assert (int(k1[0]) | int(k1[1]) << 32) == int(raw[0])
    assert (int(k2[0]) | int(k2[1]) << 32) == int(raw[1])


@pytest.mark.parametrize("rate", [0.1, 0.3, 0.5, 0.9])
def test_dropout_masks_keep_the_right_fraction_and_differ_between_calls(rate):
    layer = layers.Dropout(rate, seed=3)
    x = np.ones((256, 1024), "float32")
    m1 = layer(x, training=True) != 0
    m2 = layer(x, training=True) != 0
    for m in (m1, m2):
        assert abs(m.mean() - (1 - rate)) < 0.005
    # two draws agree only as two independent masks would: P(same) = r^2 + (1 - r)^2
    same = (m1 == m2).mean()
    assert abs(same - (rate**2 + (1 - rate) ** 2)) < 0.005
    # rows and columns are not patterned: every row keeps about the same fraction
    assert np.abs(m1.mean(axis=1) - (1 - rate)).max() < 0.1


def test_dropout_is_reproducible_from_its_seed():
    x = np.ones((64, 32), "float32")
    a = layers.Dropout(0.4, seed=11)(x, training=True)
    b = layers.Dropout(0.4, seed=11)(x, training=True)
    c = layers.Dropout(0.4, seed=12)(x, training=True)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)

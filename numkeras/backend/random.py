"""Random state: one global generator, reseeded by `numkeras.utils.set_random_seed`.

Initializers and Dropout draw from here unless given their own `seed`. `fit(shuffle=True)`
draws its orders from NumPy's global generator (a PyDataset's from Python's `random`), as
Keras 3 does (trainers/data.py); `set_random_seed(s)` seeds all three, so one call makes a
whole run reproducible, and a shuffled fit follows Keras's order.
"""

from __future__ import annotations

import math
import random as _py_random

import numpy as np

_global = np.random.default_rng()


def global_generator() -> np.random.Generator:
    return _global


def set_seed(seed: int) -> None:
    """Seed numkeras's generator, NumPy's legacy global one and Python's `random`."""
    global _global
    _global = np.random.default_rng(seed)
    np.random.seed(seed % (2**32))
    _py_random.seed(seed)


def make_generator(seed: int | None) -> np.random.Generator:
    """A generator for an object with an explicit `seed`, else one drawn from the global one."""
    if seed is None:
        return np.random.default_rng(_global.integers(2**63))
    return np.random.default_rng(seed)


# Counter-based uniform bits, for dropout masks: element i of a draw gets
# fmix32(fmix32(i * GOLDEN + key0) ^ key1), where (key0, key1) is one 64-bit draw of a
# generator (so seeding still decides everything, and each draw advances it by one) and
# fmix32 is MurmurHash3's finalizer. Each element is independent of the others, so the
# fused kernel (`backend.fused`, "dropout") computes the same bits in its loop, CuPy
# computes them on the device, and nothing is drawn element by element on the host
# (PCG64's raw stream costs ~1.5 ns an element; this ~0.5 ns fused).
GOLDEN = np.uint32(0x9E3779B9)
FMIX_C1 = np.uint32(0x85EBCA6B)
FMIX_C2 = np.uint32(0xC2B2AE35)


def bits_key(generator: np.random.Generator) -> tuple[np.uint32, np.uint32]:
    """The two 32-bit keys of one counter-based draw, from one 64-bit draw of `generator`."""
    raw = int(generator.bit_generator.random_raw())
    return np.uint32(raw & 0xFFFFFFFF), np.uint32(raw >> 32)


def counter_bits(shape, key: tuple[np.uint32, np.uint32], xp=np):
    """Uniform uint32 bits of `shape` for `key` (see above), computed with array module `xp`.

    >>> b = counter_bits((2, 3), (np.uint32(1), np.uint32(2)))
    >>> b.dtype, b.shape, bool((b == counter_bits((2, 3), (np.uint32(1), np.uint32(2)))).all())
    (dtype('uint32'), (2, 3), True)
    """
    h = xp.arange(math.prod(shape), dtype=xp.uint32)
    h *= GOLDEN
    h += key[0]
    scratch = xp.empty_like(h)
    _fmix32(h, scratch, xp)
    h ^= key[1]
    _fmix32(h, scratch, xp)
    return h.reshape(shape)


def _fmix32(h, scratch, xp) -> None:
    """MurmurHash3's finalizer, in place on a uint32 array (wrapping arithmetic)."""
    for shift, factor in ((16, FMIX_C1), (13, FMIX_C2)):
        xp.right_shift(h, shift, out=scratch)
        h ^= scratch
        h *= factor
    xp.right_shift(h, 16, out=scratch)
    h ^= scratch

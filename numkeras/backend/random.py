"""Random state: one global generator, reseeded by `numkeras.utils.set_random_seed`.

Initializers, Dropout and `fit(shuffle=True)` draw from here unless given their own
`seed`, so one call to `set_random_seed(s)` makes a whole run reproducible.
"""

from __future__ import annotations

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

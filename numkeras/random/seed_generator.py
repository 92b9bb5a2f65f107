"""`SeedGenerator`: Keras 3's stateful seed for `numkeras.random`'s draws.

Its state is a variable `[seed, counter]` (uint32, as Keras's `seed_generator_state`);
each draw takes the state as its key and advances the counter, so a generator gives new
values on every call and the same sequence from the same seed. A layer holding one (as
keras.io's `Sampling` layer does) saves nothing for it, as in Keras: `.keras` files hold
no seed state, and a loaded layer starts again from its seed.

>>> gen = SeedGenerator(1337)
>>> gen.next().tolist(), gen.next().tolist()
([1337, 0], [1337, 1])
>>> gen.get_config()
{'seed': 1337, 'name': 'seed_generator...'}
"""

from __future__ import annotations

import numpy as np

from numkeras import backend
from numkeras.backend import random as _backend_random
from numkeras.utils.naming import auto_name
from numkeras.variables import Variable


class SeedGenerator:
    """A stateful seed (Keras 3's `keras.random.SeedGenerator`): pass it as `seed=` to the
    draws of `numkeras.random` for new values on each call, reproducibly. `seed=None`
    draws the initial seed from numkeras's global generator (so
    `numkeras.utils.set_random_seed` fixes it)."""

    def __init__(self, seed: int | None = None, name: str | None = None, **kwargs):
        kwargs.pop("backend", None)  # Keras's custom backend: numkeras has one
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
        self.name = name or auto_name(type(self).__name__)
        self._initial_seed = seed
        if seed is None:
            seed = int(_backend_random.global_generator().integers(1, 10**9 + 1))
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise ValueError(f"Argument `seed` must be an integer. Received: seed={seed}")
        self.state = Variable(
            np.array([int(seed) & 0xFFFFFFFF, 0], dtype="uint32"),
            name="seed_generator_state",
            trainable=False,
            path=f"{self.name}/seed_generator_state",
        )

    def next(self, ordered: bool = True) -> np.ndarray:
        """The current state (the key of one draw), then advance it (Keras's `next`)."""
        value = backend.to_numpy(self.state.value).astype("uint32")
        if ordered:
            new = value + np.array([0, 1], dtype="uint32")
        else:  # Keras's near-unique sequence
            new = ((value.astype("uint64") + 1) * 5387 % 933199).astype("uint32")
        self.state.assign(new)
        return value

    def get_config(self) -> dict:
        return {"seed": self._initial_seed, "name": self.name}

    @classmethod
    def from_config(cls, config: dict) -> SeedGenerator:
        return cls(**config)

    def __repr__(self) -> str:
        state = backend.to_numpy(self.state.value).tolist()
        return f"<SeedGenerator name={self.name}, state={state}>"


def generator_for(seed) -> np.random.Generator:
    """The NumPy generator of one draw for a `seed` argument: None, numkeras's global
    generator (each draw new; `set_random_seed` reproduces the run); an int, one keyed by
    `[seed, 0]` (the same values each call, as Keras 3 documents); a `SeedGenerator`, one
    keyed by its state, which it advances."""
    if seed is None:
        return _backend_random.global_generator()
    if isinstance(seed, SeedGenerator):
        key = seed.next()
        return np.random.default_rng([int(key[0]), int(key[1])])
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return np.random.default_rng([int(seed) & 0xFFFFFFFF, 0])
    raise ValueError(
        "Argument `seed` must be either an integer or an instance of `SeedGenerator`. "
        f"Received: seed={seed} (of type {type(seed)})"
    )


def check_seed(seed) -> None:
    """Refuse a `seed` argument that is not None, an int or a SeedGenerator (as Keras)."""
    if seed is None or isinstance(seed, SeedGenerator):
        return
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return
    raise ValueError(
        "Argument `seed` must be either an integer or an instance of `SeedGenerator`. "
        f"Received: seed={seed} (of type {type(seed)})"
    )
